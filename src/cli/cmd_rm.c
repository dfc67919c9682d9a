/* assay rm: remove series with all their vintages. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "commands.h"

static const char usage[] =
	"Usage: assay rm SERIES...\n"
	"\n"
	"Remove each SERIES (exact names) with its observations and vintages.\n"
	"The import records stay.  All or nothing: an unknown name removes none.\n"
	"Exit status: 0 removed, 2 bad usage or unknown series, 4 database error.\n"
	"\n"
	"Examples:\n"
	"  assay rm example/drc-copper-exports\n"
	"  assay rm 'old/*' --dry-run\n";

int cmd_rm(int argc, char **argv)
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
		fputs("Try 'assay rm --help'.\n", stderr);
		return ASSAY_EUSAGE;
	}
	if (optind >= argc)
		return cli_usage_error("rm", "no SERIES given");
	if ((status = cli_open_store(&st, 0)))
		return status;
	if (assay_store_begin(st, &err)) {
		assay_store_close(st);
		return cli_report(&err);
	}
	for (int i = optind; i < argc && !status; i++) {
		int rc = assay_store_series_remove(st, argv[i], &err);
		if (rc < 0)
			status = cli_report(&err);
		else if (rc == 0)
			status = cli_error(ASSAY_EUSAGE, "no series '%s' in %s", argv[i],
					   cli.db_path);
	}
	if (assay_store_end(st, status == 0, &err) && !status)
		status = cli_report(&err);
	if (!status && !cli.quiet)
		fprintf(stderr, "assay: removed %d series\n", argc - optind);
	assay_store_close(st);
	return status;
}
