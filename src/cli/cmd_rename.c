/* assay rename: give a series a new name, with all its vintages. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "commands.h"

static const char usage[] =
	"Usage: assay rename OLD NEW\n"
	"\n"
	"Rename series OLD to NEW; its observations, vintages and revisions go\n"
	"with it.  NEW must not exist ('assay merge' joins two series).\n"
	"Exit status: 0 renamed, 2 bad usage or unknown series, 4 database error.\n";

int cmd_rename(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, status;
	assay_error err;
	assay_store *st;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		fputs("Try 'assay rename --help'.\n", stderr);
		return ASSAY_EUSAGE;
	}
	if (argc - optind != 2)
		return cli_usage_error("rename", "give OLD and NEW (got %d "
				       "name%s)", argc - optind,
				       argc - optind == 1 ? "" : "s");
	const char *old = argv[optind], *new_name = argv[optind + 1];
	if ((status = cli_open_store(&st, 0)))
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
