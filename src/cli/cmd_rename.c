/* assay rename: give a series a new name, with all its vintages. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "optable.h"

static const char usage[] =
	"Usage: assay rename OLD NEW\n"
	"\n"
	"Rename series OLD to NEW; its observations, vintages and revisions go\n"
	"with it.  NEW must not exist ('assay merge' joins two series).  A derived\n"
	"series is not renamed to a name that a definition it reads names (the two\n"
	"would read each other).\n"
	"Exit status: 0 renamed, 2 bad usage or unknown series, 4 database error.\n";

int cmd_rename(int argc, char **argv)
{
	static const struct cli_opt opts[] = { { .name = NULL } };
	static const struct cli_optset set = { "rename", usage, NULL, 0, opts };
	struct cli_optarg o;
	int c, status;
	assay_error err;
	assay_store *st;

	while ((c = cli_opt_next(&set, argc, argv, &o)) != CLI_OPT_END)
		if (c == CLI_OPT_EXIT)
			return o.status;
	if (argc - optind != 2)
		return cli_usage_error("rename", "give OLD and NEW (got %d "
				       "name%s)", argc - optind,
				       argc - optind == 1 ? "" : "s");
	const char *old = argv[optind], *new_name = argv[optind + 1];
	if ((status = cli_open_store(&st, CLI_STORE_EDIT)))
		return status;
	int rc = assay_store_series_rename(st, old, new_name, &err);
	if (rc < 0) {
		status = cli_report(&err);
	} else if (rc == 0) {
		status = cli_no_series(st, old, cli.db_path);
	} else if (!cli.quiet) {
		fprintf(stderr, "assay: renamed '%s' to '%s'\n", old, new_name);
	}
	assay_store_close(st);
	return status;
}
