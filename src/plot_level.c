/*
 * The level chart: the series, its Sen trend line and its PELT change
 * points.
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

/* ------------------------------------------------------------------ */
/* level                                                                */

/* What a level chart is drawn from: the complete periods drawn (t, x;
 * idx: their rows), the trend and the change points fitted on them. */
struct level_chart {
	struct view v;
	assay_trend tr;
	assay_cpts cp;
	int have_trend, have_cpt, any_partial, growth_line;
	int64_t *t;
	double *x, per_year;
	size_t *idx, nc;
};

/* The complete periods drawn, and Sen's trend and PELT on them. */
static int level_fit(const assay_plot_opts *o, struct level_chart *lc,
		     assay_error *err)
{
	const assay_resampled *rs = &lc->v.rs;
	assay_freq f = rs->freq;
	lc->t = malloc(rs->n * sizeof *lc->t);
	lc->x = malloc(rs->n * sizeof *lc->x);
	lc->idx = malloc(rs->n * sizeof *lc->idx);
	if (!lc->t || !lc->x || !lc->idx)
		return assay_fail(err, ASSAY_EIO, "out of memory");
	for (size_t i = lc->v.a; i < lc->v.b; i++) {
		lc->any_partial |= rs->partial[i] && isfinite(rs->value[i]);
		if (!isfinite(rs->value[i]) || rs->partial[i])
			continue;
		lc->t[lc->nc] = rs->period[i];
		lc->x[lc->nc] = rs->value[i];
		lc->idx[lc->nc++] = i;
	}
	if (o->trend && lc->nc >= 3) {
		assay_trend_opts to;
		assay_error e2;
		assay_trend_opts_init(&to);
		to.alpha = o->alpha;
		to.units_per_period = f == ASSAY_FREQ_W ? 7 : 1;
		to.units_per_year = f == ASSAY_FREQ_D || f == ASSAY_FREQ_W ?
			365.25 : assay_periods_per_year(f);
		lc->have_trend = assay_trend_run(lc->t, lc->x, lc->nc, &to, &lc->tr, &e2) == 0 &&
			isfinite(lc->tr.sen.slope) && isfinite(lc->tr.sen.intercept);
	}
	if (o->trend && lc->nc >= 4) {
		assay_cpt_opts co;
		assay_error e2;
		assay_cpt_opts_init(&co);
		lc->have_cpt = assay_pelt(lc->x, lc->nc, &co, &lc->cp, &e2) == 0 &&
			lc->cp.nseg > 1;
	}
	return 0;
}

/* Titles, labels and ranges into fr (refusing --log for values <= 0). */
static int level_frame(struct frame *fr, const assay_plot_input *in,
		       const assay_plot_opts *o, struct level_chart *lc,
		       char *auto_title, size_t tsize, assay_error *err)
{
	const assay_resampled *rs = &lc->v.rs;
	assay_freq f = rs->freq;
	char desc[128];
	memset(fr, 0, sizeof *fr);
	assay_plot_title_of(in->info, auto_title, tsize);
	fr->title = o->title ? o->title : auto_title;
	assay_plot_describe_freq(desc, sizeof desc, in->info, f);
	snprintf(fr->sub, sizeof fr->sub, "%s, %s%s", in->info->name, desc,
		 o->log_y ? ", log scale" : "");
	assay_plot_make_footer(fr, in, 1, o);
	snprintf(fr->xlabel, sizeof fr->xlabel, "%s", assay_plot_freq_word(f));
	assay_plot_axis_label(in->info, fr->ylabel, sizeof fr->ylabel);
	assay_plot_put_x_range(fr, &lc->v);
	if (o->log_y) {
		for (size_t i = lc->v.a; i < lc->v.b; i++)
			if (isfinite(rs->value[i]) && rs->value[i] <= 0)
				return assay_fail(err, ASSAY_EUSAGE, "'%s' has values <= 0: "
						  "no log scale (drop --log)", in->info->name);
		fr->log_y = 1;
	}
	fr->own_ytics = 1;
	assay_plot_y_range_of(fr, rs->value, lc->v.a, lc->v.b);
	/* A price that compounds is drawn against its log-linear growth
	 * curve (trend.h: least squares on log levels), which follows the
	 * data; a straight Sen line under 66 years of exponential growth
	 * runs below nearly all of them.  Other series: Sen's line through
	 * the median point. */
	lc->growth_line = lc->have_trend && in->info->kind == ASSAY_KIND_PRICE &&
		lc->tr.growth.ok;
	lc->per_year = f == ASSAY_FREQ_D || f == ASSAY_FREQ_W ? 365.25 :
		assay_periods_per_year(f);
	fr->nkey = 1 + lc->any_partial + lc->have_trend + lc->have_cpt;
	fr->top_labels = lc->have_cpt && lc->cp.nseg <= 16;
	return 0;
}

/* The trend line at period p (fractional between two rows). */
static double trend_at(const struct level_chart *lc, double p)
{
	const assay_trend *tr = &lc->tr;
	double dt = p - (double)lc->t[0];
	return lc->growth_line
	       ? exp(tr->growth.log_intercept + tr->growth.log_slope * dt / lc->per_year)
	       : tr->sen.intercept + tr->sen.slope * dt;
}

/* $D0: x, complete value, partial value, trend line. */
static void level_data(FILE *fp, const struct level_chart *lc)
{
	const assay_resampled *rs = &lc->v.rs;
	assay_freq f = rs->freq;
	fputs("$D0 << EOD\n", fp);
	for (size_t i = lc->v.a; i < lc->v.b; i++) {
		double row[4], val = rs->value[i];
		int in_fit = lc->have_trend && rs->period[i] >= lc->t[0] &&
			rs->period[i] <= lc->t[lc->nc - 1];
		if (assay_plot_gap_before(rs, lc->v.a, i)) {
			/* the data break, the trend line does not */
			double mid = ((double)rs->period[i - 1] + (double)rs->period[i]) / 2;
			double gap[4] = { assay_plot_gap_x(rs, i), NAN, NAN,
					  in_fit ? trend_at(lc, mid) : NAN };
			assay_plot_put_row(fp, gap, 4);
		}
		row[0] = assay_plot_period_mid(f, rs->period[i]);
		row[1] = rs->partial[i] ? NAN : val;
		row[2] = rs->partial[i] ? val : NAN;
		row[3] = in_fit ? trend_at(lc, (double)rs->period[i]) : NAN;
		assay_plot_put_row(fp, row, 4);
	}
	fputs("EOD\n", fp);
}

/* $D1: the level of each segment, one line piece each; a dashed line at
 * each change point, and its period above the plot. */
static void level_cpts(FILE *fp, const struct frame *fr, const assay_plot_opts *o,
		       const struct level_chart *lc)
{
	const assay_resampled *rs = &lc->v.rs;
	const assay_cpts *cp = &lc->cp;
	assay_freq f = rs->freq;
	char b1[64];
	fputs("$D1 << EOD\n", fp);
	for (size_t s = 0; s < cp->nseg; s++) {
		size_t a = lc->idx[cp->seg_start[s]];
		size_t b = lc->idx[cp->seg_start[s] + cp->seg_len[s] - 1];
		double row[2];
		if (s)
			fputc('\n', fp);
		row[0] = assay_plot_period_start(f, rs->period[a]);
		row[1] = cp->seg_mean[s];
		assay_plot_put_row(fp, row, 2);
		row[0] = assay_plot_period_end(f, rs->period[b]);
		assay_plot_put_row(fp, row, 2);
	}
	fputs("EOD\n", fp);
	/* The labels sit outside the plot (no line or data runs through
	 * them) while they stay a label's width apart; lines only when
	 * there are few. */
	double px = (fr->x1 - fr->x0) / (0.85 * o->width);    /* x units a pixel */
	double last = -INFINITY, last_half = 0;
	for (size_t s = 1; s < cp->nseg && cp->nseg <= 16; s++) {
		size_t a = lc->idx[cp->seg_start[s]];
		double cx = assay_plot_period_start(f, rs->period[a]);
		fputs("set arrow from ", fp);
		assay_plot_put_num(fp, cx);
		fputs(", graph 0 to ", fp);
		assay_plot_put_num(fp, cx);
		fputs(", graph 1 nohead back dt 2 lc rgb '" C_CPT "'\n", fp);
		/* half a centred label's width each side, and a space */
		assay_period_format(f, rs->period[a], b1, sizeof b1);
		double half = 0.5 * ((double)strlen(b1) + 1.5) * 0.62 * assay_plot_small_font(o) * px;
		if (cx - last < half + last_half)
			continue;
		last = cx;
		last_half = half;
		fputs("set label ", fp);
		assay_plot_put_q(fp, b1, 0);
		fputs(" at ", fp);
		assay_plot_put_num(fp, cx);
		fprintf(fp, ", graph 1 center offset 0,0.7 noenhanced "
			"textcolor rgb '" C_CPT "' font ',%d'\n", assay_plot_small_font(o));
	}
}

/* The plot command: the series, partial points, trend, segment levels. */
static void level_plot(FILE *fp, const assay_plot_input *in,
		       const assay_plot_opts *o, const struct level_chart *lc)
{
	const assay_trend *tr = &lc->tr;
	char b1[64], b2[64], text[512];
	fputs("plot $D0 using ($1):2 with lines lw 2 lc rgb '" C_MAIN "' title ", fp);
	assay_plot_put_q(fp, o->label ? o->label : in->info->name, MAX_TEXT);
	if (lc->any_partial)
		fputs(", \\\n  $D0 using ($1):3 with points pt 6 ps 1.3 lw 2 lc rgb '"
		      C_MAIN "' title 'partial period (not all data in)'", fp);
	if (lc->have_trend) {
		if (lc->growth_line)
			snprintf(text, sizeof text, "trend (log-linear growth): %s%% a year, "
				 "Mann-Kendall %s%s", assay_plot_nice_num(tr->growth.pct, 1, b1, sizeof b1),
				 assay_plot_p_text(tr->mk.p, b2, sizeof b2),
				 tr->mk.p < o->alpha ? "" : ", not significant");
		else
			snprintf(text, sizeof text, "trend (Sen's slope): %s %s a year, Mann-Kendall %s%s",
				 assay_plot_nice_num(tr->sen_slope_year, 1, b1, sizeof b1),
				 assay_plot_unit_or(in->info, "units"), assay_plot_p_text(tr->mk.p, b2, sizeof b2),
				 tr->mk.p < o->alpha ? "" : ", not significant");
		/* Solid when significant at alpha, dashed when not. */
		fprintf(fp, ", \\\n  $D0 using ($1):4 with lines lw 2 dt %d lc rgb '" C_TREND
			"' title ", tr->mk.p < o->alpha ? 1 : 2);
		assay_plot_put_q(fp, text, MAX_TEXT);
	}
	if (lc->have_cpt)
		fputs(", \\\n  $D1 using ($1):2 with lines lw 3 lc rgb '#60808080' "
		      "title 'level between change points (PELT, MBIC)'", fp);
	fputs("\nunset output\n", fp);
}

/* The series, complete periods as a line and partial ones as hollow
 * points; Sen's trend line (trend.h) and PELT change points
 * (changepoint.h) computed on the complete periods drawn, as `assay
 * trend` with the same --freq/--from/--to would. */
int assay_plot_chart_level(FILE *fp, const char *outpath,
		       const assay_plot_input *in, const assay_plot_opts *o,
		       assay_error *err)
{
	struct level_chart lc;
	struct frame fr;
	char auto_title[512];
	int rc = -1;

	memset(&lc, 0, sizeof lc);
	if (assay_plot_prepare(in, o->freq, o, &lc.v, err))
		return -1;
	if (level_fit(o, &lc, err) ||
	    level_frame(&fr, in, o, &lc, auto_title, sizeof auto_title, err))
		goto out;
	assay_plot_put_frame(fp, outpath, o, &fr);
	level_data(fp, &lc);
	if (lc.have_cpt)
		level_cpts(fp, &fr, o, &lc);
	level_plot(fp, in, o, &lc);
	rc = 0;
out:
	free(lc.t);
	free(lc.x);
	free(lc.idx);
	assay_cpts_release(&lc.cp);
	assay_plot_view_release(&lc.v);
	return rc;
}
