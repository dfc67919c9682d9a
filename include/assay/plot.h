/*
 * Charts: assay writes gnuplot scripts and drives one gnuplot process for a
 * batch of charts (PNG via pngcairo, SVG, PDF via pdfcairo).
 *
 * Safety (gnuplot runs what it reads): every string that comes from data
 * (series names, units, sources, titles) reaches gnuplot only through
 * assay_plot_quote(): single-quoted pieces (no backquote or macro
 * expansion inside single quotes), quote characters as "'" constants,
 * control characters dropped (a newline would end the command and let the
 * next line start with '!'), and the terminals run with `noenhanced` so
 * no markup is read.
 * Numbers are printed by assay in the C locale whatever the caller's
 * locale, and data go inline as `$Dn << EOD` blocks whose lines are only
 * numbers assay formats (so a data line is never "EOD").  gnuplot is
 * started with posix_spawn and an argv, never through a shell; each
 * chart's commands are written to a file in a private directory (mkdtemp,
 * 0700; files O_EXCL, 0600) that gnuplot loads; its stdin and stderr are
 * pipes and its stdout is /dev/null.
 *
 * Each chart is rendered into a temporary file beside its destination,
 * ".NAME.assay-PID-N.tmp" (created with O_EXCL, so no planted link is ever
 * followed), and renamed into place only when gnuplot reports no error for
 * it and the file is complete: not empty, ending as its format must (a PNG
 * with its IEND chunk, an SVG with </svg>, a PDF with %%EOF; only the
 * file's first and last 1 KiB are read) and flushed to disk (fsync).  A
 * failing chart (a full disk included) leaves no file of its own and the
 * file it was to replace as it was.  The scripts go to a directory
 * "assay-gp-PID-XXXXXX" in $TMPDIR.  A batch removes the temporary files
 * and script directories of processes that no longer exist (a run killed
 * with KILL) in the directories it writes to, before it writes.
 *
 * Ownership: the batch owns its charts, paths and messages; strings it
 * returns stay valid until assay_plot_batch_free().  assay_plot_quote()
 * returns a malloc'd string the caller frees.
 */
#ifndef ASSAY_PLOT_H
#define ASSAY_PLOT_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include "assay/assay.h"
#include "assay/store.h"

typedef enum assay_chart_type {
	ASSAY_CHART_LEVEL = 0,  /* the series, trend line, change points */
	ASSAY_CHART_CHANGES,    /* period-over-period % changes as bars, band
	                         * of normal variation, verdicts */
	ASSAY_CHART_COMPARE,    /* several series indexed to 100, or two on
	                         * two y axes */
	ASSAY_CHART_VOL         /* trailing annualised volatility */
} assay_chart_type;

/* "level" | "changes" | "compare" | "vol" -> 0 and *t; else -1. */
int assay_chart_type_parse(const char *s, assay_chart_type *t);
const char *assay_chart_type_name(assay_chart_type t);

typedef enum assay_plot_format {
	ASSAY_PLOT_PNG = 0,     /* pngcairo, W x H pixels */
	ASSAY_PLOT_SVG,         /* svg, W x H pixels */
	ASSAY_PLOT_PDF          /* pdfcairo, W/96 x H/96 inches (looks like
	                         * the PNG of the same size) */
} assay_plot_format;

/* "png" | "svg" | "pdf" (any case) -> 0 and *f; else -1. */
int assay_plot_format_parse(const char *s, assay_plot_format *f);
/* The format named by a path's extension (.png .svg .pdf, any case);
 * -1 when the extension is none of these. */
int assay_plot_format_from_path(const char *path, assay_plot_format *f);
const char *assay_plot_format_ext(assay_plot_format f);    /* "png" ... */

/* One series to draw: its metadata and native observations, both owned by
 * the caller (typically from assay_store_series_get/assay_store_load). */
typedef struct assay_plot_input {
	const assay_series_info *info;
	const assay_obs *obs;
} assay_plot_input;

typedef struct assay_plot_opts {
	assay_chart_type type;
	assay_plot_format format;
	int width, height;      /* 1200 x 675 by default; 200..10000 */
	assay_freq freq;        /* resample to this frequency (NONE: the
	                         * series' own; compare: the lowest of them) */
	const char *from, *to;  /* period labels bounding the chart, or NULL */
	const char *base;       /* compare: the period indexed to 100 (NULL:
	                         * the first period all series have) */
	int dual;               /* compare: two series on two y axes */
	const char *title;      /* NULL: made from the metadata ("Copper
	                         * price, World Bank Pink Sheet") */
	const char *label;      /* the series' name in the legend (level,
	                         * changes, vol; NULL: its name) */
	int log_y;              /* level, compare: logarithmic y axis
	                         * (compare without a base: always) */
	const char *as_of;      /* vintage shown in the footer, or NULL */
	size_t window;          /* changes, vol: trailing window (20) */
	size_t min_window;      /* fewest earlier changes to judge one (8) */
	double alpha;           /* changes: level of the band (0.05) */
	int trend;              /* level: Sen trend line and change points */
} assay_plot_opts;

/* Defaults: level, PNG, 1200 x 675, native frequency, window 20 (min 8),
 * alpha 0.05, trend on. */
void assay_plot_opts_init(assay_plot_opts *o);

/* `s` as a gnuplot string expression made of single-quoted pieces, with
 * each quote character as the constant "'" between them:
 *     it's `x`   ->   'it' . "'" . 's `x`'
 * (gnuplot 5.4 misreads the doubled '' of two adjacent quotes, so doubling
 * is not used).  Single-quoted text is never expanded by gnuplot: no
 * backquote commands, no @macros, no backslash escapes.  Bytes below
 * 0x20, DEL and the C1 controls U+0080..U+009F are dropped (a newline
 * would end the command), malformed UTF-8 becomes '?', and the text is
 * cut at a character boundary after `max_bytes` bytes (0: no limit).
 * NULL and "" give "".  Returns a malloc'd string, NULL when out of
 * memory. */
char *assay_plot_quote(const char *s, size_t max_bytes);

/* A file name made from a series name: ASCII letters, digits, '.', '_'
 * and '-' are kept, every other run of bytes (the '/' of "wb/copper"
 * included) becomes one '-', leading dots and dashes are dropped (no
 * hidden files, nothing that reads as an option), at most 100 bytes;
 * "series" when nothing is left.  Writes to buf (n >= 2) and returns it. */
char *assay_plot_file_name(const char *series, char *buf, size_t n);

/* Write the gnuplot commands of one chart to `fp`, drawing into `outpath`
 * (which is written to the script as a quoted string; it must not contain
 * control characters).  The commands start with `reset session` and end
 * with `unset output`.  Returns 0, or -1 with err filled: ASSAY_EUSAGE
 * for a chart that cannot be drawn from these data and options (no
 * observations in range, unknown --base period, ...), ASSAY_EIO when
 * writing fails. */
int assay_plot_script(FILE *fp, const char *outpath,
		      const assay_plot_input *in, size_t nin,
		      const assay_plot_opts *o, assay_error *err);

/* Find the gnuplot program: $ASSAY_GNUPLOT when set (a path, or a name
 * looked up in PATH), else "gnuplot" in PATH.  Writes its path to buf and
 * returns 0, or -1 with err (ASSAY_EIO, "gnuplot not found: install the
 * gnuplot-nox package"). */
int assay_plot_find_gnuplot(char *buf, size_t n, assay_error *err);

typedef struct assay_plot_batch assay_plot_batch;

/* A new, empty batch; finds gnuplot (see assay_plot_find_gnuplot) so that
 * a missing program is reported before any work.  Returns 0, or -1 with
 * err. */
int assay_plot_batch_new(assay_plot_batch **out, assay_error *err);

/* Add one chart of the series in[0..nin) (one for level, changes and vol;
 * two or more for compare) to be written to `path`.  `label` names the
 * chart in messages (NULL: the first series' name).  Builds the script
 * and creates the temporary output file now, so that bad data, a bad
 * option or an unwritable destination fails here (-1 with err: status
 * ASSAY_EUSAGE or ASSAY_EIO) and the chart is not added. */
int assay_plot_batch_add(assay_plot_batch *b, const char *path,
			 const char *label, const assay_plot_input *in,
			 size_t nin, const assay_plot_opts *o,
			 assay_error *err);

/* Render every chart added with one gnuplot process.  Returns 0 when
 * gnuplot ran (each chart's own outcome is in assay_plot_batch_result),
 * or -1 with err when it could not be started.  A chart whose commands
 * raise a gnuplot error (GPVAL_ERRNO), or that gnuplot did not finish,
 * fails with ASSAY_EIO and gnuplot's messages. */
int assay_plot_batch_run(assay_plot_batch *b, assay_error *err);

/* Make assay_plot_batch_run stop when *flag becomes nonzero (a signal
 * handler's flag): it kills gnuplot, removes every temporary file and
 * script and returns -1 with ASSAY_EIO "interrupted" (within 0.1 s).
 * Existing destination files stay as they were.  NULL: never. */
void assay_plot_batch_set_cancel(assay_plot_batch *b,
				 const volatile sig_atomic_t *flag);

/* on: the charts of the batch are one set (a report's): unless every one
 * of them was drawn and checked, none replaces its file (each of the
 * others fails with "not written: other charts of the set failed"). */
void assay_plot_batch_set_all_or_nothing(assay_plot_batch *b, int on);
/* on: the charts drawn stay in temporary files beside their paths until
 * assay_plot_batch_commit renames them into place (a report commits
 * them with its pages); assay_plot_batch_free removes what was not. */
void assay_plot_batch_set_deferred(assay_plot_batch *b, int on);
int assay_plot_batch_commit(assay_plot_batch *b, assay_error *err);
/* Where chart i is on disk now: its temporary file while deferred, else
 * its path. */
const char *assay_plot_batch_drawn_file(const assay_plot_batch *b, size_t i);
/* After the run: 1 when chart i was fine but held back that way. */
int assay_plot_batch_held_back(const assay_plot_batch *b, size_t i);

/* Remove from `dir` the temporary chart files (".NAME.assay-PID-N.tmp",
 * owned by this user) of processes that no longer exist; returns how many.
 * The batch does this for each directory it writes to; a caller that makes
 * its own temporary files with that pattern (the report's pages) calls it
 * for theirs. */
size_t assay_plot_remove_stale(const char *dir);

size_t assay_plot_batch_size(const assay_plot_batch *b);

/* Outcome of chart i after assay_plot_batch_run: returns its status
 * (0 written, else ASSAY_EIO); *path the destination, *msg the error
 * ("chart 'NAME': gnuplot: ...", NULL on success), *warnings gnuplot's
 * other messages about it (NULL if none).  Any pointer may be NULL. */
int assay_plot_batch_result(const assay_plot_batch *b, size_t i,
			    const char **path, const char **msg,
			    const char **warnings);

/* Free the batch and remove any temporary file still left.  NULL: no-op. */
void assay_plot_batch_free(assay_plot_batch *b);

#endif
