/* assay export: a series' observations, as they stood at a vintage. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "output.h"

static const char usage[] =
	"Usage: assay export SERIES [--as-of DATE] [--from P] [--to P]\n"
	"                    [--format table|csv|json]\n"
	"\n"
	"Print the observations of SERIES at its native frequency, columns\n"
	"period and value.  --as-of shows the data as it stood then: for every\n"
	"period, the newest vintage at or before DATE (YYYY-MM-DD, end of day UTC,\n"
	"or YYYY-MM-DDTHH:MM:SS).  Default format: csv.\n"
	"Exit status: 0 success, 2 bad usage or unknown series, 4 database error.\n";

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const cols[] = { "period", "value" };
	enum out_format fmt = OUT_CSV;
	const char *as_of = NULL, *from = NULL, *to = NULL;
	char vintage[32];
	assay_error err;
	int c, status;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage, stdout); return 0;
		case 'a':
			if (assay_vintage_normalise(optarg, vintage, sizeof vintage, &err))
				return cli_usage_error("export", "--as-of: %s", err.msg);
			as_of = vintage;
			break;
		case 'F': from = optarg; break;
		case 'T': to = optarg; break;
		case 'f':
			if (out_format_parse(optarg, 0, &fmt))
				return cli_usage_error("export", "--format takes table, csv or json");
			break;
		default:
			fputs("Try 'assay export --help'.\n", stderr);
			return ASSAY_EUSAGE;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("export", "give exactly one SERIES");

	assay_store *st;
	assay_series_info info;
	assay_obs obs;
	if ((status = cli_open_store(&st, 1)))
		return status;
	int found = assay_store_series_get(st, argv[optind], &info, &err);
	if (found <= 0) {
		assay_store_close(st);
		return found < 0 ? cli_report(&err)
				 : cli_error(ASSAY_EUSAGE, "no series '%s' in %s",
					     argv[optind], cli.db_path);
	}
	assay_period lo = INT64_MIN, hi = INT64_MAX;
	status = cli_period_bound(&info, from, &lo, "--from") ||
		 cli_period_bound(&info, to, &hi, "--to") ? ASSAY_EUSAGE : 0;
	if (!status && assay_store_load(st, info.id, as_of, &obs, &err))
		status = cli_report(&err);
	if (!status) {
		out_table *t = out_table_new(cols, 2);
		for (size_t i = 0; i < obs.n; i++) {
			char lbl[32];
			if (obs.period[i] < lo || obs.period[i] > hi)
				continue;
			out_str(t, assay_period_format(info.freq, obs.period[i], lbl, sizeof lbl));
			out_num(t, obs.value[i], 0);
		}
		status = out_table_print(t, stdout, fmt) ? cli_write_error() : 0;
		out_table_free(t);
		assay_obs_release(&obs);
	}
	assay_series_info_release(&info);
	assay_store_close(st);
	return status;
}
