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
#include "optable.h"

static const char usage_head[] =
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
	;

static const char usage_after[] =
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

/* as scan says it: the series and why, on stderr */
static void on_failed(void *ctx, const char *name, const assay_error *e)
{
	(void)ctx;
	cli_message("assay: ", "%s: %s", name, e->msg);
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

static const struct cli_opt report_opts[] = {
	{ .name = "output", .key = 'o', .type = CLI_STR, .arg = "DIR",
	  .flags = CLI_OPT_SHORT, .help = "where to write (created if missing)" },
	{ CLI_OPT_FREQ, .key = 'F',
	  .help = "analyse at frequency M, Q or A (default: native; a\n"
		  "series already at a lower one keeps its own, noted)" },
	{ CLI_OPT_FDR, .key = 'Q',
	  .help = "false discovery rate of the summary (0.05)" },
	{ CLI_OPT_AS_OF, .key = 'V',
	  .help = "the data as they stood at that vintage" },
	{ .name = "period", .key = 'p', .type = CLI_STR, .arg = "P",
	  .help = "judge this period instead of the latest" },
	{ .name = "since", .key = 'S', .type = CLI_STR, .arg = "P",
	  .help = "only series whose period ends in P or later" },
	{ .name = "notable-only", .key = 'N',
	  .help = "only the moves notable in the batch" },
	{ .name = "top", .key = 't', .type = CLI_LONG, .arg = "N", .lo = 1,
	  .flags = CLI_OPT_NO_HI, .help = "only the first N series (after sorting)" },
	/* the label's trailing blank: three spaces before the help, as
	 * this line always had */
	{ .name = "sort", .key = 's', .type = CLI_STR, .arg = "KEY",
	  .label = "--sort p|q|change|name ", .values = "p q change name",
	  .help = "order of the series (p: most significant)" },
	{ .name = "from", .key = 'f', .type = CLI_STR, .arg = "P",
	  .label = "--from P, --to P", .help = "the charts' range" },
	{ .name = "to", .key = 'e', .type = CLI_STR, .arg = "P" },
	{ .name = "title", .key = 'T', .type = CLI_STR, .arg = "TEXT",
	  .help = "the report's title (default: assay report)" },
	{ .name = "subtitle", .key = 'U', .type = CLI_STR, .arg = "TEXT",
	  .help = "a line under the title" },
	{ CLI_OPT_JOBS, .help = "threads for the scan, 1 to 64 (default: the CPUs,\n"
				"at most 8)" },
	{ .name = NULL }
};

static const struct cli_optset report_set = {
	"report", usage_head, usage_after, 20, report_opts
};

int cmd_report(int argc, char **argv)
{
	assay_report_opts ro;
	struct jc_period period = { 0 }, since = { 0 };
	char vintage[40];
	const char *dir = NULL;
	struct cli_optarg o;
	int c, rc;

	assay_report_opts_init(&ro);
	ro.scan.jobs = cli_default_jobs();
	while ((c = cli_opt_next(&report_set, argc, argv, &o)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT: return o.status;
		case 'o': dir = o.s; break;
		case 'F':
			if (cli_parse_freq("report", o.s, &ro.scan.analysis.freq))
				return ASSAY_EUSAGE;
			break;
		case 'Q': ro.scan.fdr = o.d; break;
		case 'V':
			if ((rc = jc_as_of("report", o.s, vintage, sizeof vintage)))
				return rc;
			ro.scan.as_of = vintage;
			break;
		case 'T': ro.title = o.s; break;
		case 'U': ro.subtitle = o.s; break;
		case 'p':
			if ((rc = jc_period_parse("report", "--period", o.s, &period)))
				return rc;
			ro.scan.has_period = 1;
			ro.scan.period = period.p;
			ro.scan.period_freq = period.freq;
			break;
		case 'S':
			if ((rc = jc_period_parse("report", "--since", o.s, &since)))
				return rc;
			ro.select.has_since = 1;
			ro.select.since = since.p;
			ro.select.since_freq = since.freq;
			break;
		case 'N': ro.select.notable_only = 1; break;
		case 't': ro.select.top = (size_t)o.l; break;
		case 's':
			if (assay_scan_sort_parse(o.s, &ro.select.sort))
				return cli_usage_error("report", "--sort takes p, q, change or name, not '%s'", o.s);
			break;
		case 'f': ro.from = o.s; break;
		case 'e': ro.to = o.s; break;
		case 'j': ro.scan.jobs = (int)o.l; break;
		}
	}
	if (!dir || !*dir)
		return cli_usage_error("report", "give the output directory with -o DIR");
	/* as plot refuses such an -o: the charts could not be named, and the
	 * pages were written without them, exit 0 */
	for (const char *p = dir; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			return cli_usage_error("report", "-o: the directory name has a "
					       "control character");
	if ((rc = cli_check_range("report", ro.from, ro.to)))
		return rc;
	/* TERM/INT: stop, remove the temporary files, keep the previous
	 * report; main then dies of the signal. */
	cli_catch_signals();
	ro.cancel = &cli_signal;
	ro.warn = on_warn;
	ro.failed = on_failed;

	assay_store *st;
	char **names = NULL;
	size_t n = 0;
	assay_error err;
	assay_report_summary sum;
	if ((rc = cli_open_store(&st, 1)))
		return rc;
	/* one snapshot for the names, the scan, the sections and the charts:
	 * an import committing meanwhile is in all or none */
	if (assay_store_read_begin(st, &err)) {
		rc = cli_report(&err);
		goto out;
	}
	/* the series named by the patterns on the one connection, all
	 * when none */
	if ((rc = cli_resolve_series(st, argv + optind, argc - optind,
				     CLI_RESOLVE_ALL | CLI_RESOLVE_NONEMPTY, &names, &n)))
		goto out;
	if (assay_report_write(st, dir, names, n, &ro, &sum, &err)) {
		rc = cli_signal ? ASSAY_EIO : cli_report(&err);
		goto out;
	}
	if (!cli.quiet)
		fprintf(stderr, "assay: wrote %s/index.html and %s/report.md (%zu series, "
			"%zu notable%s)\n", dir, dir, sum.series, sum.notable,
			sum.failed ? ", some could not be read" : "");
	/* written, but a series left out makes the status scan's */
	rc = sum.failed_status;
	freq_note(st, names, n, ro.scan.analysis.freq);
out:
	assay_strv_free(names, n);
	assay_store_close(st);
	return rc;
}
