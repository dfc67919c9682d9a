/* assay merge: join two series (an entity renamed at the source) into one. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "optable.h"

static const char usage[] =
	"Usage: assay merge A B --into C [--prefer A|B]\n"
	"\n"
	"Join series A and B (one frequency, kind and unit) into C, which may be A,\n"
	"B or a new name: every period of either comes with its vintage, its\n"
	"import and its revisions.  A period both hold with equal values keeps\n"
	"both histories (the newer record current, so --as-of finds each side's\n"
	"statements, in either order of A and B).  A period both hold with\n"
	"different values is an error naming it, unless --prefer says whose\n"
	"value (and its history) to keep.  C keeps its metadata (A's when new),\n"
	"empty fields filled from the other; the other series is gone afterwards.\n"
	"A derived series (assay derive) holds no vintages and is refused.  All\n"
	"or nothing.\n"
	"\n";

static const char usage_after[] =
	"\n"
	"Exit status: 0 merged, 2 bad usage, unknown series or conflicting\n"
	"values, 4 database error.\n";

static const struct cli_opt merge_opts[] = {
	{ .name = "into", .key = 'i', .type = CLI_STR, .arg = "C",
	  .help = "the merged series (required)" },
	{ .name = "prefer", .key = 'p', .type = CLI_STR, .arg = "A|B",
	  .help = "on a conflict, keep A's (or B's) value" },
	{ .name = NULL }
};

static const struct cli_optset merge_set = {
	"merge", usage, usage_after, 16, merge_opts
};

int cmd_merge(int argc, char **argv)
{
	const char *into = NULL;
	enum assay_prefer prefer = ASSAY_PREFER_NONE;
	struct cli_optarg o;
	int c, status;
	assay_error err;
	assay_store *st;
	assay_merge_result r;

	while ((c = cli_opt_next(&merge_set, argc, argv, &o)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return o.status;
		case 'i':
			into = o.s;
			break;
		case 'p':
			if (!strcmp(o.s, "A") || !strcmp(o.s, "a"))
				prefer = ASSAY_PREFER_A;
			else if (!strcmp(o.s, "B") || !strcmp(o.s, "b"))
				prefer = ASSAY_PREFER_B;
			else
				return cli_usage_error("merge", "--prefer takes A or "
						       "B (the first or the second "
						       "series), not '%s'", o.s);
			break;
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("merge", "give two series A and B (got %d)",
				       argc - optind);
	if (!into)
		return cli_usage_error("merge", "--into C is required (C may be "
				       "A, B or a new name)");
	const char *a = argv[optind], *b = argv[optind + 1];
	if ((status = cli_open_store(&st, CLI_STORE_EDIT)))
		return status;
	if (assay_store_begin(st, &err)) {
		assay_store_close(st);
		return cli_report(&err);
	}
	int rc = assay_store_series_merge(st, a, b, into, prefer, &r, &err);
	if (assay_store_end(st, rc == 0, &err) && rc == 0)
		rc = -1;
	if (rc) {
		status = cli_report(&err);
	} else if (!cli.quiet) {
		long long fa = r.from_a, fb = r.from_b, same = r.same;
		long long conf = r.conflicts, drop = r.dropped;
		fprintf(stderr, "assay: merged '%s' and '%s' into '%s': %lld "
			"value%s from '%s', %lld from '%s', %lld period%s in both "
			"with equal values, %lld conflicting (kept from %s), %lld "
			"value%s and revisions dropped\n", a, b, into,
			fa, fa == 1 ? "" : "s", a, fb, b, same, same == 1 ? "" : "s",
			conf, prefer == ASSAY_PREFER_B ? b : a, drop, drop == 1 ? "" : "s");
	}
	assay_store_close(st);
	return status;
}
