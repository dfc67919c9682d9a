/* assay scan: judge the latest move of many series, with FDR control. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/report.h"
#include "assay/scan.h"
#include "cli.h"
#include "commands.h"
#include "judge_common.h"
#include "optable.h"
#include "output.h"
#include "progress.h"

static const char usage[] =
	"Usage: assay scan [PATTERN...] [OPTIONS]\n"
	"\n"
	"Judge one move of every series matching the glob PATTERNs (all series\n"
	"when none): the latest complete period, or --period P.  Screening many\n"
	"series at alpha = 0.05 flags about 5% of them by chance, so the verdict\n"
	"of the batch is decided by the Benjamini-Hochberg q-value: a move is\n"
	"notable when q_value <= --fdr.  One row per series, most significant\n"
	"first.  The table says both verdicts in words: the series' own test\n"
	"(\"notable on its own (p = 0.0051)\", as 'assay check' judges it) and\n"
	"the batch's (\"not notable among 85 series screened (q = 0.43)\"), and\n"
	"marks as stale a series whose period is older than the batch's latest\n"
	"(a discontinued or late series).  CSV and JSON columns:\n"
	"  series,period,value,pct_change,sigma,stat,p_value,q_value,\n"
	"  raw_verdict,stale,verdict\n"
	"(p_value, stat, sigma and raw_verdict are those of 'assay check';\n"
	"pct_change in percent; verdict is the batch's).  Series that cannot be\n"
	"judged are listed last with an empty verdict, and the reason goes to\n"
	"stderr.\n"
	"\n"
	"Options:\n";

/* after the option lines (--format's line has no help column) */
static const char usage_after[] =
	"  --format table|csv|tsv|json|ndjson\n"
	"\n"
	"Exit status: 0 nothing notable at that FDR, 1 at least one notable move,\n"
	"2 bad usage or unknown series, 3 no series of the batch could be judged\n"
	"(a --period none has, too little history everywhere), 4 database\n"
	"error.  A series that fails\n"
	"(a derived one whose input is gone) is reported on stderr and makes the\n"
	"exit status 2 (4 for a database error); the scan still goes on.\n"
	"\n"
	"Examples:\n"
	"  assay scan 'wb/*' --freq Q\n"
	"  assay scan --fdr 0.1 --format csv -q > scan.csv\n"
	"  assay scan 'wb/*' --freq Q --since 2025Q4 --notable-only --top 10\n";

static void on_progress(void *ctx, size_t done, size_t total)
{
	progress_update(ctx, "scanning", done, total);
}

/* CSV and JSON: every digit, machine names (stale before the verdict,
 * which stays last). */
static out_table *machine_table(const assay_scan_result *r)
{
	static const char *const cols[] = {
		"series", "period", "value", "pct_change", "sigma", "stat",
		"p_value", "q_value", "raw_verdict", "stale", "verdict"
	};
	out_table *t = out_table_new(cols, 11);
	for (size_t i = 0; i < r->n; i++) {
		const assay_scan_row *row = &r->rows[i];
		char lbl[32];
		if (row->failed)
			continue;
		out_str(t, row->name);
		out_str(t, row->has_period ? assay_period_format(row->freq, row->period,
								 lbl, sizeof lbl) : NULL);
		out_num(t, row->value, 0);
		out_num(t, row->pct_change, 0);
		out_num(t, row->sigma, 0);
		out_num(t, row->stat, 0);
		out_num(t, row->p_value, 0);
		out_num(t, row->q_value, 0);
		out_str(t, assay_verdict_name(row->raw));
		out_bool(t, row->stale);
		out_str(t, assay_verdict_name(row->verdict));
	}
	return t;
}

/* The table for reading: human numbers and both verdicts in words. */
out_table *scan_result_table(const assay_scan_result *r, int rounded)
{
	static const char *const cols[] = {
		"series", "period", "value", "change", "on its own", "in the batch",
		"current"
	};
	if (!rounded)
		return machine_table(r);
	out_table *t = out_table_new(cols, 7);
	for (size_t i = 0; i < r->n; i++) {
		const assay_scan_row *row = &r->rows[i];
		char lbl[32], num[64], pct[32], alone[128], batch[128];
		if (row->failed)
			continue;
		assay_scan_words(r, row, alone, sizeof alone, batch, sizeof batch);
		out_str(t, row->name);
		out_str(t, row->has_period ? assay_period_format(row->freq, row->period,
								 lbl, sizeof lbl) : NULL);
		out_str(t, isfinite(row->value) ? assay_fmt_human(row->value, num, sizeof num) : NULL);
		out_str(t, isfinite(row->pct_change) ? assay_fmt_pct(row->pct_change, pct, sizeof pct) : NULL);
		out_str(t, *alone ? alone : assay_scan_row_reason(row));
		out_str(t, *batch ? batch : NULL);
		out_str(t, !row->has_period ? NULL : row->stale ? "stale" : "yes");
	}
	return t;
}

static int print_rows(const assay_scan_result *r, enum out_format fmt)
{
	out_table *t = scan_result_table(r, fmt == OUT_TABLE);
	int rc = out_table_print(t, stdout, fmt) || fflush(stdout) ? cli_write_error() : 0;
	out_table_free(t);
	return rc;
}

static const struct cli_opt scan_opts[] = {
	{ CLI_OPT_FREQ, .key = 'F',
	  .help = "judge at frequency M, Q or A (default: native; a\n"
		  "series already at a lower frequency keeps its own)" },
	{ .name = "period", .key = 'p', .type = CLI_STR, .arg = "P",
	  .help = "judge this period instead of the latest" },
	{ CLI_OPT_FDR, .key = 'Q',
	  .help = "false discovery rate of the batch (0.05)" },
	{ CLI_OPT_ALPHA, .key = 'A',
	  .help = "level of each series' own test (0.05)" },
	{ CLI_OPT_WINDOW, .key = 'w',
	  .help = "trailing changes behind the noise scale (20)" },
	{ CLI_OPT_MIN_HISTORY, .key = 'm',
	  .help = "fewest changes to judge a move (8)" },
	{ CLI_OPT_SEASONAL, .key = 's', .label = "--seasonal auto|yes|no ",
	  .help = "seasonal adjustment (auto)" },
	{ .name = "allow-partial", .key = 'P',
	  .help = "judge partial periods too" },
	{ CLI_OPT_AS_OF, .key = 'V',
	  .help = "the data as they stood at that vintage" },
	{ CLI_OPT_JOBS,
	  .help = "analyse N series at a time, 1 to 64 (default: the\n"
		  "CPUs, at most 8)" },
	{ .name = "since", .key = 'S', .type = CLI_STR, .arg = "P",
	  .help = "only series whose period ends in P or later" },
	{ .name = "notable-only", .key = 'N',
	  .help = "only the moves notable in the batch" },
	{ .name = "top", .key = 't', .type = CLI_LONG, .arg = "N", .lo = 1,
	  .flags = CLI_OPT_NO_HI, .help = "only the first N rows (after sorting)" },
	{ .name = "sort", .key = 'o', .type = CLI_STR, .arg = "S",
	  .label = "--sort p|q|change|name ", .values = "p q change name",
	  .help = "order of the rows (p: most significant\n"
		  "first; change: largest move first)" },
	/* listed in usage_after: a line without a help column */
	{ .name = "format", .key = 'f', .type = CLI_STR, .arg = "F",
	  .values = "table csv tsv json ndjson" },
	{ .name = NULL }
};

static const struct cli_optset scan_set = {
	"scan", usage, usage_after, 20, scan_opts
};

/* The options into o, sel and fmt (vintage: room for --as-of's time);
 * returns 0, -1 after --help, or the exit status of a usage error. */
static int parse_args(int argc, char **argv, assay_scan_opts *o,
		      assay_scan_selection *sel, enum out_format *fmt,
		      char *vintage, size_t vsize)
{
	struct jc_period since = { 0 }, period = { 0 };
	struct cli_optarg a;
	int c, rc;

	assay_scan_opts_init(o);
	o->jobs = cli_default_jobs();
	while ((c = cli_opt_next(&scan_set, argc, argv, &a)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return a.status ? a.status : -1;
		case 'F':
			if (cli_parse_freq("scan", a.s, &o->analysis.freq))
				return ASSAY_EUSAGE;
			break;
		case 'p':
			if ((rc = jc_period_parse("scan", "--period", a.s, &period)))
				return rc;
			o->has_period = 1;
			o->period = period.p;
			o->period_freq = period.freq;
			break;
		case 'Q': o->fdr = a.d; break;
		case 'A': o->analysis.judge.alpha = a.d; break;
		case 'w': o->analysis.judge.window = (int)a.l; break;
		case 'm': o->analysis.judge.min_history = (int)a.l; break;
		case 's':
			if (assay_seasonal_parse(a.s, &o->analysis.judge.seasonal))
				return cli_usage_error("scan", "--seasonal takes auto, yes or no");
			break;
		case 'P': o->analysis.allow_partial = 1; break;
		case 'V':
			if ((rc = jc_as_of("scan", a.s, vintage, vsize)))
				return rc;
			o->as_of = vintage;
			break;
		case 'j': o->jobs = (int)a.l; break;
		case 'f':
			if (out_format_parse_all(a.s, 0, fmt))
				return cli_usage_error("scan", "--format takes " OUT_FORMATS_ALL
						       ", not '%s'", a.s);
			break;
		case 'S':
			if ((rc = jc_period_parse("scan", "--since", a.s, &since)))
				return rc;
			sel->has_since = 1;
			sel->since = since.p;
			sel->since_freq = since.freq;
			break;
		case 'N': sel->notable_only = 1; break;
		case 't': sel->top = (size_t)a.l; break;
		case 'o':
			if (assay_scan_sort_parse(a.s, &sel->sort))
				return cli_usage_error("scan", "--sort takes p, q, change or "
						       "name, not '%s'", a.s);
			break;
		}
	}
	return 0;
}

/* Errors and the reasons a series was not judged, to stderr; the exit
 * status they make (from status). */
static int report_rows(const assay_scan_result *res, struct cli_freq_note *fnote,
		       int status)
{
	for (size_t i = 0; i < res->n; i++) {
		const assay_scan_row *row = &res->rows[i];
		char lbl[32];
		if (row->freq)  /* the frequency it was judged at */
			cli_freq_note_add(fnote, row->name, row->freq);
		if (row->failed) {
			cli_message("assay: ", "%s: %s", row->name, row->error.msg);
			status = row->error.status == ASSAY_EUSAGE ? ASSAY_EUSAGE : ASSAY_EIO;
		} else if (row->reason && !cli.quiet) {
			const char *why = assay_scan_row_reason(row);
			if (row->has_period)
				cli_message("assay: scan: ", "%s %s: cannot judge: %s", row->name,
					assay_period_format(row->freq, row->period, lbl, sizeof lbl),
					why);
			else
				cli_message("assay: scan: ", "%s: cannot judge: %s", row->name,
					why);
		}
	}
	return status;
}

int cmd_scan(int argc, char **argv)
{
	assay_scan_opts o;
	assay_scan_selection sel = { 0 };
	enum out_format fmt = OUT_TABLE;
	char vintage[40];
	int rc = parse_args(argc, argv, &o, &sel, &fmt, vintage, sizeof vintage);
	if (rc)
		return rc < 0 ? 0 : rc;

	char **names = NULL;
	size_t n = 0;
	assay_error err;
	assay_store *st;
	if ((rc = cli_open_store(&st, 1)))
		return rc;
	/* an empty store is no batch: 'scanned 0 series', exit 0 (nothing
	 * notable) told an alert script that all was quiet */
	rc = cli_resolve_series(st, argv + optind, argc - optind,
				CLI_RESOLVE_ALL | CLI_RESOLVE_NONEMPTY, &names, &n);
	assay_store_close(st);
	if (rc)
		return rc;

	struct progress bar;
	progress_init(&bar, !cli.quiet && cli_stderr_is_tty());
	o.progress = on_progress;
	o.ctx = &bar;
	assay_scan_result res;
	rc = assay_scan(cli.db_path, names, n, &o, &res, &err);
	progress_done(&bar);
	assay_strv_free(names, n);
	if (rc)
		return cli_report(&err);

	/* the exit status and the closing line are the screen's, over every
	 * series; the selection only shortens the table.  A batch of which
	 * no series could be judged (a --period no series has, too little
	 * history everywhere) is "cannot judge", as check says it, not
	 * "nothing notable". */
	int status = res.notable_screened ? ASSAY_NOTABLE : 0;
	struct cli_freq_note fnote = { .asked = o.analysis.freq };
	size_t all_n = res.n, all_judged = res.judged, all_failed = res.failed;
	int none_judged = !all_judged && all_n > all_failed;
	if (none_judged)
		status = ASSAY_ECANNOT;
	status = report_rows(&res, &fnote, status);
	/* A failed write is the one line said about this run (not followed
	 * by a summary of rows nobody got). */
	assay_scan_select(&res, &sel);
	int write_failed = print_rows(&res, fmt) != 0;
	if (write_failed)
		status = ASSAY_EIO;
	if (!cli.quiet && !write_failed) {
		fprintf(stderr, "assay: scanned %zu series: %zu judged, %zu notable at "
			"FDR %g, %zu not judged%s\n", all_n, all_judged,
			res.notable_screened, o.fdr, all_n - all_judged - all_failed,
			all_failed ? ", some failed" : "");
		if (res.notable < res.notable_screened)
			fprintf(stderr, "assay: scan: %zu of the notable moves not shown "
				"(--since, --top or --notable-only)\n",
				res.notable_screened - res.notable);
		if (none_judged)
			fprintf(stderr, "assay: scan: no series could be judged\n");
	}
	if (!write_failed)
		cli_freq_note_print(&fnote, "scan");
	assay_scan_result_release(&res);
	return status;
}
