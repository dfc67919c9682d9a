/*
 * assay report: the weekly screen as a document (the library writes it:
 * report.h).  This file only reads the options.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/report.h"
#include "cli.h"
#include "commands.h"
#include "judge_common.h"

static const char usage[] =
	"Usage: assay report [PATTERN...] -o DIR [OPTIONS]\n"
	"\n"
	"Write DIR/index.html, one self-contained page (inline SVG charts and\n"
	"CSS, no network fetches, readable printed and on a phone), and\n"
	"DIR/report.md with the charts as SVG files in DIR/charts/: a summary of\n"
	"the scan (current series first, the not current ones apart), then a\n"
	"section per series with its 'check' sentence, both verdicts in words\n"
	"(on its own, p; among the series screened, q), the trend in words, the\n"
	"last eight periods, the level and changes charts, its source and the\n"
	"statistics behind it (collapsed).  Series: those matching the glob\n"
	"PATTERNs (all when none).\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR    where to write (created if missing)\n"
	"  --freq F            analyse at frequency M, Q or A (default: native; a\n"
	"                      series already at a lower one keeps its own, noted)\n"
	"  --fdr Q             false discovery rate of the summary (0.05)\n"
	"  --as-of DATE        the data as they stood at that vintage\n"
	"  --period P          judge this period instead of the latest\n"
	"  --since P           only series whose period ends in P or later\n"
	"  --notable-only      only the moves notable in the batch\n"
	"  --top N             only the first N series (after sorting)\n"
	"  --sort p|q|change|name   order of the series (p: most significant)\n"
	"  --from P, --to P    the charts' range\n"
	"  --title TEXT        the report's title (default: assay report)\n"
	"  --subtitle TEXT     a line under the title\n"
	"  -j, --jobs N        threads for the scan, 1 to 64 (default: the CPUs,\n"
	"                      at most 8)\n"
	"\n"
	"Charts are drawn for the series with at least 3 observations; they need\n"
	"gnuplot, and without it the report is written without them (a warning\n"
	"says so).\n"
	"The pages and charts replace those in DIR only when complete: when a\n"
	"chart or a page cannot be written whole (a full disk), the report that\n"
	"was in DIR stays as it was.  TERM or INT stop the report and remove its\n"
	"temporary files.\n"
	"Exit status: 0 written, 2 bad usage or unknown series, 4 database, I/O\n"
	"or gnuplot error (the previous report kept), 128+N stopped by signal N.\n"
	"\n"
	"Examples:\n"
	"  assay report 'wb/*' --freq Q -o report\n"
	"  assay report -o all-series --title 'All series'\n"
	"  assay report 'wb/*' --freq Q --notable-only --subtitle 'Week 48' -o weekly\n";

static void on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	cli_warn("%s", msg);
}

/* The one --freq rule's note: the series screened that were kept at their
 * own, lower frequency (the library's summary counts, not names them). */
static void freq_note(assay_store *st, char **names, size_t n, assay_freq asked)
{
	struct cli_freq_note fnote = { .asked = asked };
	if (asked == ASSAY_FREQ_NONE || cli.quiet)
		return;
	for (size_t i = 0; i < n; i++) {
		assay_series_info info;
		assay_error err;
		if (assay_store_series_get(st, names[i], &info, &err) == 1) {
			cli_freq_note_add(&fnote, names[i], info.freq);
			assay_series_info_release(&info);
		}
	}
	cli_freq_note_print(&fnote, "report");
}

int cmd_report(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "freq", required_argument, NULL, 'F' },
		{ "fdr", required_argument, NULL, 'Q' },
		{ "as-of", required_argument, NULL, 'V' },
		{ "title", required_argument, NULL, 'T' },
		{ "subtitle", required_argument, NULL, 'U' },
		{ "period", required_argument, NULL, 'p' },
		{ "since", required_argument, NULL, 'S' },
		{ "notable-only", no_argument, NULL, 'N' },
		{ "top", required_argument, NULL, 't' },
		{ "sort", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'e' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	assay_report_opts ro;
	struct jc_period period = { 0 }, since = { 0 };
	char vintage[40];
	const char *dir = NULL;
	long l;
	int c, rc;

	assay_report_opts_init(&ro);
	ro.scan.jobs = cli_default_jobs();
	while ((c = getopt_long(argc, argv, "ho:j:", lopts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage, stdout); return 0;
		case 'o': dir = optarg; break;
		case 'F':
			if (cli_parse_freq("report", optarg, &ro.scan.analysis.freq))
				return ASSAY_EUSAGE;
			break;
		case 'Q':
			if (cli_parse_double("report", "--fdr", optarg, &ro.scan.fdr))
				return ASSAY_EUSAGE;
			if (!(ro.scan.fdr > 0 && ro.scan.fdr < 1))
				return cli_usage_error("report", "--fdr must be between 0 and 1");
			break;
		case 'V':
			if ((rc = jc_as_of("report", optarg, vintage, sizeof vintage)))
				return rc;
			ro.scan.as_of = vintage;
			break;
		case 'T': ro.title = optarg; break;
		case 'U': ro.subtitle = optarg; break;
		case 'p':
			if ((rc = jc_period_parse("report", "--period", optarg, &period)))
				return rc;
			ro.scan.has_period = 1;
			ro.scan.period = period.p;
			ro.scan.period_freq = period.freq;
			break;
		case 'S':
			if ((rc = jc_period_parse("report", "--since", optarg, &since)))
				return rc;
			ro.select.has_since = 1;
			ro.select.since = since.p;
			ro.select.since_freq = since.freq;
			break;
		case 'N': ro.select.notable_only = 1; break;
		case 't':
			if (cli_parse_int("report", "--top", optarg, &l))
				return ASSAY_EUSAGE;
			if (l < 1)
				return cli_usage_error("report", "--top must be at least 1");
			ro.select.top = (size_t)l;
			break;
		case 's':
			if (assay_scan_sort_parse(optarg, &ro.select.sort))
				return cli_usage_error("report", "--sort takes p, q, change or name, not '%s'", optarg);
			break;
		case 'f': ro.from = optarg; break;
		case 'e': ro.to = optarg; break;
		case 'j':
			if (cli_parse_shared("report", "--jobs", optarg, &l))
				return ASSAY_EUSAGE;
			ro.scan.jobs = (int)l;
			break;
		default:
			fputs("Try 'assay report --help'.\n", stderr);
			return ASSAY_EUSAGE;
		}
	}
	if (!dir)
		return cli_usage_error("report", "give the output directory with -o DIR");
	/* TERM/INT: stop, remove the temporary files, keep the previous
	 * report; main then dies of the signal. */
	cli_catch_signals();
	ro.cancel = &cli_signal;
	ro.warn = on_warn;

	assay_store *st;
	char **names = NULL;
	size_t n = 0;
	assay_error err;
	assay_report_summary sum;
	if ((rc = cli_open_store(&st, 1)))
		return rc;
	/* the series named by the patterns on the one connection, all
	 * when none */
	if ((rc = cli_resolve_series(st, argv + optind, argc - optind,
				     CLI_RESOLVE_ALL, &names, &n)))
		goto out;
	if (assay_report_write(st, dir, names, n, &ro, &sum, &err)) {
		rc = cli_signal ? ASSAY_EIO : cli_report(&err);
		goto out;
	}
	if (!cli.quiet)
		fprintf(stderr, "assay: wrote %s/index.html and %s/report.md (%zu series, "
			"%zu notable)\n", dir, dir, sum.series, sum.notable);
	freq_note(st, names, n, ro.scan.analysis.freq);
out:
	assay_strv_free(names, n);
	assay_store_close(st);
	return rc;
}
