/*
 * What the chart files share (internal; the map is in plot.c).
 */
#ifndef ASSAY_PLOT_INTERNAL_H
#define ASSAY_PLOT_INTERNAL_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "assay/analysis.h"
#include "assay/plot.h"

extern char **environ;

#define C_MAIN "#1f4e79"
#define C_TREND "#c55a11"
#define C_CPT "#7f7f7f"
#define C_BAND "#e3e3e3"
#define C_NOISE "#8eb4e3"
#define C_SHOCK "#c00000"
#define C_UP "#ed7d31"
#define C_TEXT "#404040"
/* Longest text taken from data for a title, label or footer. */
#define MAX_TEXT 200

/* A series at the chart's frequency: every row (changes are judged with
 * the history before --from) and the range of rows drawn. */
struct view {
	assay_resampled rs;     /* resample.h: gaps NaN, partial flagged */
	size_t a, b;            /* rows [a, b) are drawn */
};

struct frame {
	const char *title;      /* first title line (from data: quoted) */
	char sub[256];          /* second line, made here */
	char footer[512];       /* "Source: ...", made from data: quoted */
	char xlabel[64];
	char ylabel[256];       /* may hold a unit from data: quoted */
	char y2label[256];
	double x0, x1;          /* x range, seconds */
	double y0, y1;          /* y range; NaN: gnuplot's autoscale */
	int nkey;               /* entries in the key, one per line */
	int log_y;              /* logarithmic y axis */
	int own_ytics;          /* y tics with thousands separators */
	int top_labels;         /* a line of labels above the plot */
	int min_step;           /* fewest months between x tics: the data's
				 * period (3 quarterly, 12 annual; 0 any) */
};

struct chart {
	char *label;            /* for messages */
	char *path;             /* destination */
	char *tmp;              /* what gnuplot writes; renamed to path */
	char *script;           /* the chart's commands */
	size_t len;
	char *gp;               /* the file they are loaded from, or NULL */
	assay_plot_format format;       /* what a complete file ends with */
	int status;             /* 0, or ASSAY_EIO after run */
	int finished;           /* gnuplot printed this chart's marker */
	int held_back;          /* fine, but not written: others failed */
	char *msg;              /* error, when status != 0 */
	char *warn;             /* gnuplot's other messages, or NULL */
};

struct assay_plot_batch {
	struct chart *c;
	size_t n, cap;
	char gnuplot[4096];     /* resolved program path */
	char marker[64];        /* "@@assay-<nonce> ": starts marker lines */
	unsigned seq;           /* temp file names */
	char dir[4096];         /* private directory of the scripts, or "" */
	char **swept;           /* output directories cleaned of stale temps */
	size_t nswept;
	const volatile sig_atomic_t *cancel;    /* stop when it becomes nonzero */
	int all_or_nothing;     /* no chart replaces its file unless all can */
	int deferred;           /* charts stay in their temporary files until
				 * assay_plot_batch_commit */
};

void assay_plot_put_q(FILE *fp, const char *s, size_t max);

void assay_plot_put_num(FILE *fp, double v);

const char *assay_plot_freq_word(assay_freq f);

int assay_plot_period_at(const char *label, assay_freq f, int upper,
		     const char *opt, assay_period *out, assay_error *err);

int assay_plot_prepare(const assay_plot_input *in, assay_freq freq,
		   const assay_plot_opts *o, struct view *v, assay_error *err);

void assay_plot_view_release(struct view *v);

double assay_plot_period_start(assay_freq f, assay_period p);

double assay_plot_period_end(assay_freq f, assay_period p);

double assay_plot_period_mid(assay_freq f, assay_period p);

void assay_plot_put_y_tics(FILE *fp, const char *axis, double y0, double y1, int log_y,
		       int height);

int assay_plot_font_size(const assay_plot_opts *o);

int assay_plot_small_font(const assay_plot_opts *o);

void assay_plot_put_frame(FILE *fp, const char *outpath, const assay_plot_opts *o,
		      const struct frame *fr);

void assay_plot_y_range_of(struct frame *fr, const double *v, size_t a, size_t b);

void assay_plot_title_of(const assay_series_info *info, char *buf, size_t n);

void assay_plot_axis_label(const assay_series_info *info, char *buf, size_t n);

void assay_plot_make_footer(struct frame *fr, const assay_plot_input *in,
			size_t nin, const assay_plot_opts *o);

void assay_plot_describe_freq(char *buf, size_t n, const assay_series_info *info,
			  assay_freq f);

char *assay_plot_nice_num(double v, int sign, char *buf, size_t n);

char *assay_plot_p_text(double p, char *buf, size_t n);

void assay_plot_put_row(FILE *fp, const double *v, int n);

int assay_plot_gap_before(const assay_resampled *rs, size_t first, size_t i);

double assay_plot_gap_x(const assay_resampled *rs, size_t i);

void assay_plot_put_x_range(struct frame *fr, const struct view *v);

const char *assay_plot_unit_or(const assay_series_info *info, const char *dflt);

int assay_plot_chart_level(FILE *fp, const char *outpath,
		       const assay_plot_input *in, const assay_plot_opts *o,
		       assay_error *err);

int assay_plot_chart_changes(FILE *fp, const char *outpath,
			 const assay_plot_input *in, const assay_plot_opts *o,
			 assay_error *err);

int assay_plot_chart_vol(FILE *fp, const char *outpath,
		     const assay_plot_input *in, const assay_plot_opts *o,
		     assay_error *err);

int assay_plot_chart_compare(FILE *fp, const char *outpath,
			 const assay_plot_input *in, size_t nin,
			 const assay_plot_opts *o, assay_error *err);

void assay_plot_remove_stale_scripts(const char *tmpdir);

void assay_plot_sweep_dir_of(assay_plot_batch *b, const char *path);

int assay_plot_cancelled(const assay_plot_batch *b);

#endif
