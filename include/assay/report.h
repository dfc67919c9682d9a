/*
 * The report: the screen of many series as a document a client can read.
 * DIR/index.html is one self-contained page (inline SVG charts and CSS,
 * nothing fetched, valid HTML, printable) and DIR/report.md the same in
 * Markdown with the charts as SVG files in DIR/charts/.
 *
 * Built from library calls only, on the caller's store connection: the
 * scan (scan.h) for the summary, the check sentence (sentence.h) and the
 * trend record (trend.h, changepoint.h) for each series, the plot batch
 * (plot.h) for the charts.  Every verdict is stated twice, and says which
 * question it answers: the series' own test (p, as `assay check`) and
 * the batch's (q, Benjamini-Hochberg over every series screened).
 *
 * All or nothing: the charts are rendered as one set and the pages are
 * written to temporary files renamed over index.html and report.md only
 * when both are complete on disk; on any failure, or when *cancel becomes
 * nonzero, the report that was in DIR stays as it was.
 */
#ifndef ASSAY_REPORT_H
#define ASSAY_REPORT_H

#include <signal.h>
#include <stddef.h>
#include "assay/scan.h"
#include "assay/store.h"

typedef struct assay_report_opts {
	assay_scan_opts scan;           /* freq, period, fdr, as_of, jobs */
	assay_scan_selection select;    /* --since, --notable-only, --top,
					 * --sort (the screen's q-values stay
					 * those over every series) */
	const char *title;              /* NULL: "assay report" */
	const char *subtitle;           /* NULL: none */
	const char *from, *to;          /* period labels bounding the charts */
	int charts;                     /* draw charts (1) */
	const volatile sig_atomic_t *cancel;    /* stop when nonzero */
	/* A warning that does not stop the report (no gnuplot); may be NULL. */
	void (*warn)(void *ctx, const char *msg);
	/* A series that could not be read (a derived one whose input is
	 * gone): listed in the report, and told here; may be NULL. */
	void (*failed)(void *ctx, const char *name, const assay_error *e);
	void *ctx;
} assay_report_opts;

void assay_report_opts_init(assay_report_opts *o);

typedef struct assay_report_summary {
	size_t series;                  /* sections written */
	size_t screened, judged, notable, stale, charts;
	size_t failed;                  /* series that could not be read */
	int failed_status;              /* the worst of their statuses
					 * (ASSAY_EUSAGE or ASSAY_EIO), 0 */
} assay_report_summary;

/* Write the report of the series `names` into directory `dir` (created
 * when missing).  Returns 0, or -1 with err filled (ASSAY_EUSAGE for bad
 * options, ASSAY_EIO for database, I/O, gnuplot errors and
 * cancellation); the message says that the previous report was kept. */
int assay_report_write(assay_store *st, const char *dir, char *const *names,
		       size_t n, const assay_report_opts *o,
		       assay_report_summary *out, assay_error *err);

/* Numbers for people, in the C locale: thousands separators and four
 * significant digits without rounding the integer part, no trailing
 * zeros after the point ("12,831", "335", "1.234", "0.34", "0.0123");
 * below 1e-5 and from 1e15 as %.4g ("7.952e-09"); "NA" for non-finite.
 * Returns buf. */
char *assay_fmt_human(double v, char *buf, size_t n);
/* A change in percent with its sign: "+15.5%", "-1.4%"; two significant
 * digits below 0.95% ("-0.43%", "+0.0015%"), thousands separators from
 * 1000% ("+1,235%").  The words of reports and check sentences. */
char *assay_fmt_pct(double pct, char *buf, size_t n);
/* A difference of percentages in percentage points, as assay_fmt_pct
 * writes a percent: "+21.0 pp", "-0.64 pp". */
char *assay_fmt_points(double diff, char *buf, size_t n);

/* Write s for Markdown running text or a heading: every ASCII punctuation
 * character that Markdown or inline HTML reads is backslash-escaped, and
 * control characters (a newline would start a new block) become spaces. */
void assay_md_escape(FILE *fp, const char *s);
/* Write s as HTML text or attribute value (& < > " '). */
void assay_html_escape(FILE *fp, const char *s);

/* Copy an SVG document into fp from its <svg element on, every id="X"
 * renamed to PREFIX-X and every reference to it (#X in href, xlink:href
 * and url(#X)) with it, so that several charts inline in one page keep
 * unique ids.  Returns 0, or -1 when svg holds no <svg element. */
int assay_svg_inline(FILE *fp, const char *svg, const char *prefix);

#endif
