/* assay rm: remove series (names or glob patterns) with all their vintages. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "optable.h"

static const char usage[] =
	"Usage: assay rm SERIES... [--dry-run]\n"
	"\n"
	"Remove each SERIES with its observations and vintages.  SERIES are\n"
	"exact names or glob patterns ('old/*'), as for every command: an\n"
	"argument with * ? or [ is a pattern and removes every series it\n"
	"matches, even where it is also a series' name (bracket the glob\n"
	"characters for that series alone: 'g/[*]').  The import records stay.\n"
	"All or nothing: an unknown name or a pattern that matches nothing\n"
	"removes none.  --dry-run prints the names that would go, one a line,\n"
	"and removes nothing; without it the same names go.\n"
	"Exit status: 0 removed, 2 bad usage or unknown series, 4 database error.\n"
	"\n"
	"Examples:\n"
	"  assay rm example/drc-copper-exports\n"
	"  assay rm 'old/*' --dry-run\n";

/* --dry-run is described in the text. */
static const struct cli_opt rm_opts[] = {
	{ .name = "dry-run", .key = 'n' },
	{ .name = NULL }
};

static const struct cli_optset rm_set = { "rm", usage, NULL, 0, rm_opts };

int cmd_rm(int argc, char **argv)
{
	int c, status, dry_run = 0;
	assay_error err;
	assay_store *st;
	char **names = NULL;
	size_t n = 0;
	struct cli_optarg o;

	while ((c = cli_opt_next(&rm_set, argc, argv, &o)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return o.status;
		if (c == 'n')
			dry_run = 1;
	}
	if (optind >= argc)
		return cli_usage_error("rm", "no SERIES given");
	if ((status = cli_open_store(&st, dry_run ? CLI_STORE_READ
					      : CLI_STORE_EDIT)))
		return status;
	if (!dry_run && assay_store_begin(st, &err)) {
		assay_store_close(st);
		return cli_report(&err);
	}
	/* the rule of every command, resolved inside the transaction: what
	 * --dry-run lists is what goes */
	status = cli_resolve_series(st, argv + optind, argc - optind, 0,
				    &names, &n);
	for (size_t i = 0; i < n && !status; i++) {
		if (dry_run) {
			printf("%s\n", names[i]);
			continue;
		}
		int rc = assay_store_series_remove(st, names[i], &err);
		if (rc < 0)
			status = cli_report(&err);
		else if (rc == 0)
			status = cli_no_series(st, names[i], cli.db_path);
	}
	if (!dry_run && assay_store_end(st, status == 0, &err) && !status)
		status = cli_report(&err);
	if (!status && dry_run && (fflush(stdout) || ferror(stdout)))
		status = cli_write_error();
	if (!status && !cli.quiet)
		fprintf(stderr, "assay: %s %zu series\n", dry_run ? "would remove" : "removed", n);
	assay_strv_free(names, n);
	assay_store_close(st);
	return status;
}
