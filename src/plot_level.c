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

/* The series, complete periods as a line and partial ones as hollow
 * points; Sen's trend line (trend.h) and PELT change points
 * (changepoint.h) computed on the complete periods drawn, as `assay
 * trend` with the same --freq/--from/--to would. */
int assay_plot_chart_level(FILE *fp, const char *outpath,
		       const assay_plot_input *in, const assay_plot_opts *o,
		       assay_error *err)
{
	struct view v;
	struct frame fr;
	assay_trend tr;
	assay_cpts cp;
	int have_trend = 0, have_cpt = 0, any_partial = 0, rc = -1;
	int64_t *t = NULL;
	double *x = NULL;
	size_t *idx = NULL, nc = 0;
	char desc[128], b1[64], b2[64], text[512];

	if (assay_plot_prepare(in, o->freq, o, &v, err))
		return -1;
	const assay_resampled *rs = &v.rs;
	assay_freq f = rs->freq;
	memset(&fr, 0, sizeof fr);
	memset(&cp, 0, sizeof cp);
	t = malloc(rs->n * sizeof *t);
	x = malloc(rs->n * sizeof *x);
	idx = malloc(rs->n * sizeof *idx);
	if (!t || !x || !idx) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	for (size_t i = v.a; i < v.b; i++) {
		any_partial |= rs->partial[i] && isfinite(rs->value[i]);
		if (!isfinite(rs->value[i]) || rs->partial[i])
			continue;
		t[nc] = rs->period[i];
		x[nc] = rs->value[i];
		idx[nc++] = i;
	}
	if (o->trend && nc >= 3) {
		assay_trend_opts to;
		assay_error e2;
		assay_trend_opts_init(&to);
		to.alpha = o->alpha;
		to.units_per_period = f == ASSAY_FREQ_W ? 7 : 1;
		to.units_per_year = f == ASSAY_FREQ_D || f == ASSAY_FREQ_W ?
			365.25 : assay_periods_per_year(f);
		have_trend = assay_trend_run(t, x, nc, &to, &tr, &e2) == 0 &&
			     isfinite(tr.sen.slope) && isfinite(tr.sen.intercept);
	}
	if (o->trend && nc >= 4) {
		assay_cpt_opts co;
		assay_error e2;
		assay_cpt_opts_init(&co);
		have_cpt = assay_pelt(x, nc, &co, &cp, &e2) == 0 && cp.nseg > 1;
	}

	char auto_title[512];
	assay_plot_title_of(in->info, auto_title, sizeof auto_title);
	fr.title = o->title ? o->title : auto_title;
	assay_plot_describe_freq(desc, sizeof desc, in->info, f);
	snprintf(fr.sub, sizeof fr.sub, "%s, %s%s", in->info->name, desc,
		 o->log_y ? ", log scale" : "");
	assay_plot_make_footer(&fr, in, 1, o);
	snprintf(fr.xlabel, sizeof fr.xlabel, "%s", assay_plot_freq_word(f));
	assay_plot_axis_label(in->info, fr.ylabel, sizeof fr.ylabel);
	assay_plot_put_x_range(&fr, &v);
	if (o->log_y) {
		for (size_t i = v.a; i < v.b; i++)
			if (isfinite(rs->value[i]) && rs->value[i] <= 0) {
				assay_fail(err, ASSAY_EUSAGE, "'%s' has values <= 0: no log "
					   "scale (drop --log)", in->info->name);
				goto out;
			}
		fr.log_y = 1;
	}
	fr.own_ytics = 1;
	assay_plot_y_range_of(&fr, rs->value, v.a, v.b);
	/* A price that compounds is drawn against its log-linear growth
	 * curve (trend.h: least squares on log levels), which follows the
	 * data; a straight Sen line under 66 years of exponential growth
	 * runs below nearly all of them.  Other series: Sen's line through
	 * the median point. */
	int growth_line = have_trend && in->info->kind == ASSAY_KIND_PRICE && tr.growth.ok;
	double per_year = f == ASSAY_FREQ_D || f == ASSAY_FREQ_W ? 365.25 :
			  assay_periods_per_year(f);
	fr.nkey = 1 + any_partial + have_trend + have_cpt;
	fr.top_labels = have_cpt && cp.nseg <= 16;
	assay_plot_put_frame(fp, outpath, o, &fr);

	/* $D0: x, complete value, partial value, trend line. */
	fputs("$D0 << EOD\n", fp);
	for (size_t i = v.a; i < v.b; i++) {
		double row[4], val = rs->value[i];
		row[0] = assay_plot_period_mid(f, rs->period[i]);
		row[1] = rs->partial[i] ? NAN : val;
		row[2] = rs->partial[i] ? val : NAN;
		int in_fit = have_trend && rs->period[i] >= t[0] && rs->period[i] <= t[nc - 1];
		row[3] = !in_fit ? NAN : growth_line
			 ? exp(tr.growth.log_intercept + tr.growth.log_slope *
			       (double)(rs->period[i] - t[0]) / per_year)
			 : tr.sen.intercept + tr.sen.slope * (double)(rs->period[i] - t[0]);
		assay_plot_put_row(fp, row, 4);
	}
	fputs("EOD\n", fp);
	if (have_cpt) {
		/* $D1: the level of each segment, one line piece each. */
		fputs("$D1 << EOD\n", fp);
		for (size_t s = 0; s < cp.nseg; s++) {
			size_t a = idx[cp.seg_start[s]];
			size_t b = idx[cp.seg_start[s] + cp.seg_len[s] - 1];
			double row[2];
			if (s)
				fputc('\n', fp);
			row[0] = assay_plot_period_start(f, rs->period[a]);
			row[1] = cp.seg_mean[s];
			assay_plot_put_row(fp, row, 2);
			row[0] = assay_plot_period_end(f, rs->period[b]);
			assay_plot_put_row(fp, row, 2);
		}
		fputs("EOD\n", fp);
		/* A dashed line at each change point, and its period above the
		 * plot (outside it: no line or data runs through the label)
		 * while labels stay a label's width apart; lines only when
		 * there are few. */
		double px = (fr.x1 - fr.x0) / (0.85 * o->width);    /* x units a pixel */
		double last = -INFINITY, last_half = 0;
		for (size_t s = 1; s < cp.nseg && cp.nseg <= 16; s++) {
			size_t a = idx[cp.seg_start[s]];
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
	fputs("plot $D0 using ($1):2 with lines lw 2 lc rgb '" C_MAIN "' title ", fp);
	assay_plot_put_q(fp, o->label ? o->label : in->info->name, MAX_TEXT);
	if (any_partial)
		fputs(", \\\n  $D0 using ($1):3 with points pt 6 ps 1.3 lw 2 lc rgb '"
		      C_MAIN "' title 'partial period (not all data in)'", fp);
	if (have_trend) {
		if (growth_line)
			snprintf(text, sizeof text, "trend (log-linear growth): %s%% a year, "
				 "Mann-Kendall %s%s", assay_plot_nice_num(tr.growth.pct, 1, b1, sizeof b1),
				 assay_plot_p_text(tr.mk.p, b2, sizeof b2),
				 tr.mk.p < o->alpha ? "" : ", not significant");
		else
			snprintf(text, sizeof text, "trend (Sen's slope): %s %s a year, Mann-Kendall %s%s",
				 assay_plot_nice_num(tr.sen_slope_year, 1, b1, sizeof b1),
				 assay_plot_unit_or(in->info, "units"), assay_plot_p_text(tr.mk.p, b2, sizeof b2),
				 tr.mk.p < o->alpha ? "" : ", not significant");
		/* Solid when significant at alpha, dashed when not. */
		fprintf(fp, ", \\\n  $D0 using ($1):4 with lines lw 2 dt %d lc rgb '" C_TREND
			"' title ", tr.mk.p < o->alpha ? 1 : 2);
		assay_plot_put_q(fp, text, MAX_TEXT);
	}
	if (have_cpt)
		fputs(", \\\n  $D1 using ($1):2 with lines lw 3 lc rgb '#60808080' "
		      "title 'level between change points (PELT, MBIC)'", fp);
	fputs("\nunset output\n", fp);
	rc = 0;
out:
	free(t);
	free(x);
	free(idx);
	assay_cpts_release(&cp);
	assay_plot_view_release(&v);
	return rc;
}
