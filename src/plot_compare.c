/*
 * The compare chart: series indexed to 100 at a base period, or two on
 * two axes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "assay/analysis.h"
#include "assay/changepoint.h"
#include "assay/changes.h"
#include "assay/plot.h"
#include "assay/resample.h"
#include "assay/trend.h"
#include "assay/verdict.h"
#include "assay/volatility.h"
#include "plot_internal.h"

/* The series' colours, in order. */
static const char *const palette[] = {
	"#1f4e79", "#c55a11", "#548235", "#7030a0",
	"#bf9000", "#2e75b6", "#c00000", "#7f7f7f"
};

/* ------------------------------------------------------------------ */
/* compare                                                              */

/* Row of period p in view v, or SIZE_MAX. */
static size_t view_find(const struct view *v, assay_period p)
{
	for (size_t i = v->a; i < v->b; i++)
		if (v->rs.period[i] == p)
			return i;
	return SIZE_MAX;
}

static int usable_base(const struct view *v, size_t i)
{
	return i != SIZE_MAX && isfinite(v->rs.value[i]) && v->rs.value[i] > 0 &&
	       !v->rs.partial[i];
}

/* The base of the index: period p of frequency f (the label's own), which
 * covers the chart's periods lo..hi (one, unless --base is coarser). */
struct base {
	assay_freq f;
	assay_period p, lo, hi;
};

/* --base at chart frequency f: a period of f, or a coarser one, whose
 * periods of f the index averages (as derive's rebase(S, P) does: a year
 * of a monthly series is the mean of its 12 months).  --base 2020 was
 * read as its first month, "indexed to 100 in 2020-01", and a finer one
 * (2020-06 of a quarterly chart) as the quarter holding it. */
static int given_base(const char *label, assay_freq f, struct base *b,
		      assay_error *err)
{
	char why[128];
	if (assay_period_parse(label, NULL, &b->f, &b->p, why, sizeof why))
		return assay_fail(err, ASSAY_EUSAGE, "--base: cannot read period '%s': %s",
				  label, why);
	if (assay_freq_rank(b->f) < assay_freq_rank(f))
		return assay_fail(err, ASSAY_EUSAGE, "--base %s is shorter than a period "
				  "of the chart (%s): give a %s%s%s%s", label,
				  assay_freq_adjective(f), assay_plot_freq_word(f),
				  f == ASSAY_FREQ_A ? "" : " or a longer period (the mean of its ",
				  f == ASSAY_FREQ_A ? "" : assay_plot_freq_word(f),
				  f == ASSAY_FREQ_A ? "" : "s)");
	b->lo = assay_period_bound(b->f, b->p, f, 0);
	b->hi = assay_period_bound(b->f, b->p, f, 1);
	return 0;
}

/* The base every series is indexed to: --base, else the first period
 * that every series has complete (and positive). */
static int compare_base(const struct view *v, size_t nin, assay_freq f,
			const assay_plot_opts *o, struct base *base,
			assay_error *err)
{
	if (o->base)
		return given_base(o->base, f, base, err);
	assay_period lo = INT64_MIN, hi = INT64_MAX;
	for (size_t i = 0; i < nin; i++) {
		if (v[i].rs.period[v[i].a] > lo)
			lo = v[i].rs.period[v[i].a];
		if (v[i].rs.period[v[i].b - 1] < hi)
			hi = v[i].rs.period[v[i].b - 1];
	}
	int found = 0;
	for (assay_period p = lo; p <= hi && !found; p++) {
		found = 1;
		for (size_t i = 0; i < nin && found; i++)
			found = usable_base(&v[i], view_find(&v[i], p));
		if (found)
			*base = (struct base){ .f = f, .p = p, .lo = p, .hi = p };
	}
	if (!found)
		return assay_fail(err, ASSAY_EUSAGE, "the series have no %s in common "
				  "to index to 100 (try --dual)", assay_plot_freq_word(f));
	return 0;
}

/* Series v's mean over the base's periods, every one complete and
 * positive; NaN when one is not. */
static double base_mean(const struct view *v, const struct base *b)
{
	double sum = 0;
	for (assay_period p = b->lo; p <= b->hi; p++) {
		size_t k = view_find(v, p);
		if (!usable_base(v, k))
			return NAN;
		sum += v->rs.value[k];
	}
	return sum / (double)(b->hi - b->lo + 1);
}

/* Each series as an index, 100 at the base (its mean over the base). */
static int index_to_base(const assay_plot_input *in, struct view *v, size_t nin,
			 assay_freq f, const struct base *b, assay_error *err)
{
	char b1[64];
	for (size_t i = 0; i < nin; i++) {
		double bv = base_mean(&v[i], b);
		assay_period_format(b->f, b->p, b1, sizeof b1);
		if (!isfinite(bv) && b->lo == b->hi)
			return assay_fail(err, ASSAY_EUSAGE, "'%s' has no complete positive "
					  "value in %s to index to 100", in[i].info->name, b1);
		if (!isfinite(bv))
			return assay_fail(err, ASSAY_EUSAGE, "'%s' has no complete positive "
					  "value in every %s of %s to index to 100 (the base "
					  "is their mean)", in[i].info->name,
					  assay_plot_freq_word(f), b1);
		for (size_t r = v[i].a; r < v[i].b; r++)
			v[i].rs.value[r] = 100 * v[i].rs.value[r] / bv;
	}
	return 0;
}

/* "Copper vs Nickel", "A, B, C, D and 3 more": commodities, else names. */
static void compare_title(const assay_plot_input *in, size_t nin, char *title,
			  size_t size)
{
	size_t len = 0;
	title[0] = 0;
	for (size_t i = 0; i < nin && len < size; i++) {
		if (i == 4 && nin > 5) {
			snprintf(title + len, size - len, " and %zu more", nin - 4);
			break;
		}
		const char *c = in[i].info->commodity;
		len += (size_t)snprintf(title + len, size - len, "%s%s",
					i == 0 ? "" : nin == 2 ? " vs " : ", ",
					c && *c ? c : in[i].info->name);
	}
}

/* Titles, labels, the x range and (indexed) the y range. */
static int compare_frame(struct frame *fr, char *title, size_t tsize,
			 const assay_plot_input *in, const struct view *v,
			 size_t nin, assay_freq f, const struct base *b,
			 const assay_plot_opts *o, assay_error *err)
{
	char b1[64];
	assay_period_format(b->f, b->p, b1, sizeof b1);
	memset(fr, 0, sizeof *fr);
	if (o->title) {
		fr->title = o->title;
	} else {
		compare_title(in, nin, title, tsize);
		fr->title = title;
	}
	/* Without a chosen base the index starts at the first common period
	 * (1960 for the World Bank series): on a linear axis that shows the
	 * last decades only, so the axis is logarithmic, where equal growth
	 * rates look alike whatever the base. */
	fr->log_y = !o->dual && (o->log_y || !o->base);
	if (o->dual)
		snprintf(fr->sub, sizeof fr->sub, "%s, on two axes", assay_freq_adjective(f));
	else
		snprintf(fr->sub, sizeof fr->sub, "%s, indexed to 100 in %s%s%s%s%s",
			 assay_freq_adjective(f), b1,
			 b->lo == b->hi ? "" : " (the mean of its ",
			 b->lo == b->hi ? "" : assay_plot_freq_word(f),
			 b->lo == b->hi ? "" : "s)", fr->log_y ? ", log scale" : "");
	assay_plot_make_footer(fr, in, nin, o);
	snprintf(fr->xlabel, sizeof fr->xlabel, "%s", assay_plot_freq_word(f));
	if (o->dual) {
		snprintf(fr->ylabel, sizeof fr->ylabel, "%s (%s)", in[0].info->name,
			 assay_plot_unit_or(in[0].info, "unit not recorded"));
		snprintf(fr->y2label, sizeof fr->y2label, "%s (%s)", in[1].info->name,
			 assay_plot_unit_or(in[1].info, "unit not recorded"));
	} else {
		snprintf(fr->ylabel, sizeof fr->ylabel, "index, %s = 100", b1);
	}
	fr->x0 = INFINITY;
	fr->x1 = -INFINITY;
	for (size_t i = 0; i < nin; i++) {
		fr->x0 = fmin(fr->x0, assay_plot_period_start(f, v[i].rs.period[v[i].a]));
		fr->x1 = fmax(fr->x1, assay_plot_period_end(f, v[i].rs.period[v[i].b - 1]));
	}
	fr->nkey = (int)nin;
	if (o->dual)
		return 0;
	/* the y range of every series, for the tics */
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < nin; i++)
		for (size_t k = v[i].a; k < v[i].b; k++)
			if (isfinite(v[i].rs.value[k])) {
				lo = fmin(lo, v[i].rs.value[k]);
				hi = fmax(hi, v[i].rs.value[k]);
			}
	if (fr->log_y && !(lo > 0))
		return assay_fail(err, ASSAY_EUSAGE, "an index <= 0 has no log scale "
				  "(give --base without --log)");
	double one[2] = { lo, hi };
	assay_plot_y_range_of(fr, one, 0, 2);
	fr->own_ytics = 1;
	return 0;
}

/* Indexed: a dotted line at the base; --dual: each axis its own range
 * and tics, with separators. */
static void compare_axes(FILE *fp, const struct view *v, const struct base *b,
			 const assay_plot_opts *o)
{
	if (!o->dual) {
		double bx = assay_plot_period_mid(b->f, b->p);
		fputs("set arrow from ", fp);
		assay_plot_put_num(fp, bx);
		fputs(", graph 0 to ", fp);
		assay_plot_put_num(fp, bx);
		fputs(", graph 1 nohead back dt 3 lc rgb '" C_CPT "'\n", fp);
		return;
	}
	fputs("set ytics nomirror\n", fp);
	for (int ax = 0; ax < 2; ax++) {
		struct frame one;
		memset(&one, 0, sizeof one);
		assay_plot_y_range_of(&one, v[ax].rs.value, v[ax].a, v[ax].b);
		if (!(isfinite(one.y0) && isfinite(one.y1)))
			continue;
		fprintf(fp, "set %srange [", ax ? "y2" : "y");
		assay_plot_put_num(fp, one.y0);
		fputc(':', fp);
		assay_plot_put_num(fp, one.y1);
		fputs("]\n", fp);
		assay_plot_put_y_tics(fp, ax ? "y2" : "y", one.y0, one.y1, 0, o->height);
	}
}

/* $D0.. (complete periods as a line, partial ones as points) and the
 * plot command. */
static void compare_plot(FILE *fp, const assay_plot_input *in,
			 const struct view *v, size_t nin, assay_freq f,
			 const assay_plot_opts *o)
{
	for (size_t i = 0; i < nin; i++) {
		fprintf(fp, "$D%zu << EOD\n", i);
		for (size_t k = v[i].a; k < v[i].b; k++) {
			double val = v[i].rs.value[k];
			if (assay_plot_gap_before(&v[i].rs, v[i].a, k)) {
				double gap[3] = { assay_plot_gap_x(&v[i].rs, k), NAN, NAN };
				assay_plot_put_row(fp, gap, 3);
			}
			double row[3] = { assay_plot_period_mid(f, v[i].rs.period[k]),
					  v[i].rs.partial[k] ? NAN : val,
					  v[i].rs.partial[k] ? val : NAN };
			assay_plot_put_row(fp, row, 3);
		}
		fputs("EOD\n", fp);
	}
	fputs("plot ", fp);
	for (size_t i = 0; i < nin; i++) {
		const char *col = palette[i % (sizeof palette / sizeof *palette)];
		const char *axes = o->dual && i == 1 ? "axes x1y2 " : "";
		fprintf(fp, "%s$D%zu using ($1):2 with lines lw 2 lc rgb '%s' %stitle ",
			i ? ", \\\n  " : "", i, col, axes);
		assay_plot_put_q(fp, in[i].info->name, MAX_TEXT);
		fprintf(fp, ", \\\n  $D%zu using ($1):3 with points pt 6 ps 1.2 lw 2 "
			"lc rgb '%s' %snotitle", i, col, axes);
	}
	fputs("\nunset output\n", fp);
}

/* Two or more series at a common frequency (the lowest of theirs unless
 * --freq), each indexed to 100 at the base period, or two series on two
 * y axes (--dual). */
int assay_plot_chart_compare(FILE *fp, const char *outpath,
			 const assay_plot_input *in, size_t nin,
			 const assay_plot_opts *o, assay_error *err)
{
	struct view *v = NULL;
	struct frame fr;
	size_t nv = 0;
	assay_freq f = o->freq;
	struct base base = { .f = o->freq };
	char title[512];
	int rc = -1;

	if (nin < 2)
		return assay_fail(err, ASSAY_EUSAGE, "a compare chart needs two or more series");
	if (o->dual && nin != 2)
		return assay_fail(err, ASSAY_EUSAGE,
				  "--dual draws exactly two series (%zu given)", nin);
	if (o->dual && o->base)
		return assay_fail(err, ASSAY_EUSAGE, "--dual and --base exclude each other");
	if (f == ASSAY_FREQ_NONE)
		for (size_t i = 0; i < nin; i++)
			if (assay_freq_rank(in[i].info->freq) > assay_freq_rank(f))
				f = in[i].info->freq;
	if (!(v = calloc(nin, sizeof *v)))
		return assay_fail(err, ASSAY_EIO, "out of memory");
	for (; nv < nin; nv++)
		if (assay_plot_prepare(&in[nv], f, o, &v[nv], err))
			goto out;
	if (!o->dual && (compare_base(v, nin, f, o, &base, err) ||
			 index_to_base(in, v, nin, f, &base, err)))
		goto out;
	if (compare_frame(&fr, title, sizeof title, in, v, nin, f, &base, o, err))
		goto out;
	assay_plot_put_frame(fp, outpath, o, &fr);
	compare_axes(fp, v, &base, o);
	compare_plot(fp, in, v, nin, f, o);
	rc = 0;
out:
	for (size_t i = 0; i < nv; i++)
		assay_plot_view_release(&v[i]);
	free(v);
	return rc;
}
