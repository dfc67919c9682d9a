/* assay merge: join two series (an entity renamed at the source) into one. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static const char usage[] =
	"Usage: assay merge A B --into C [--prefer A|B]\n"
	"\n"
	"Join series A and B (one frequency, one kind) into C, which may be A,\n"
	"B or a new name: every period of either comes with its vintage, its\n"
	"import and its revisions.  A period both hold with different values is\n"
	"an error naming it, unless --prefer says whose value (and its history)\n"
	"to keep.  C keeps its metadata (A's when new), empty fields filled from\n"
	"the other; the other series is gone afterwards.  All or nothing.\n"
	"\n"
	"  --into C        the merged series (required)\n"
	"  --prefer A|B    on a conflict, keep A's (or B's) value\n"
	"\n"
	"Exit status: 0 merged, 2 bad usage, unknown series or conflicting\n"
	"values, 4 database error.\n";

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "into", required_argument, NULL, 'i' },
		{ "prefer", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *into = NULL;
	enum assay_prefer prefer = ASSAY_PREFER_NONE;
	int c, status;
	assay_error err;
	assay_store *st;
	assay_merge_result r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'i':
			into = optarg;
			break;
		case 'p':
			if (!strcmp(optarg, "A") || !strcmp(optarg, "a"))
				prefer = ASSAY_PREFER_A;
			else if (!strcmp(optarg, "B") || !strcmp(optarg, "b"))
				prefer = ASSAY_PREFER_B;
			else
				return cli_usage_error("merge", "--prefer takes A or "
						       "B (the first or the second "
						       "series), not '%s'", optarg);
			break;
		default:
			fputs("Try 'assay merge --help'.\n", stderr);
			return ASSAY_EUSAGE;
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("merge", "give two series A and B (got %d)",
				       argc - optind);
	if (!into)
		return cli_usage_error("merge", "--into C is required (C may be "
				       "A, B or a new name)");
	const char *a = argv[optind], *b = argv[optind + 1];
	if ((status = cli_open_store(&st, 0)))
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
		fprintf(stderr, "assay: merged '%s' and '%s' into '%s': %lld "
			"values from '%s', %lld from '%s', %lld periods in both "
			"with equal values, %lld conflicting (kept from %s), %lld "
			"values and revisions dropped\n", a, b, into,
			(long long)r.from_a, a, (long long)r.from_b, b,
			(long long)r.same, (long long)r.conflicts,
			prefer == ASSAY_PREFER_B ? b : a, (long long)r.dropped);
	}
	assay_store_close(st);
	return status;
}
