/*
 * The changes chart: bars coloured by the verdict, the band of normal
 * variation, the latest move labelled.
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
/* changes                                                              */

/* The band of the decision itself: for move i, the changes r (on the
 * basis it was judged on) that assay_judge would call noise, every other
 * move as it is.  The verdict is monotone in each direction from the
 * model's expected move (a larger move has a smaller rank p-value and, in
 * the direction of a run, a larger run statistic), so each edge is a root
 * of p(r) = alpha, bracketed by doubling and found by safeguarded false
 * position (Illinois) to 1% of the move's scale (the typical move: a
 * fraction of a pixel on a chart whose axis spans many of them).  Only the moves in
 * reach of move i's judgement enter (a judgement never depends on later
 * data, nor on data before its windows), checked by judging the actual
 * move first: it must give the analysis' p exactly, else all earlier moves
 * are used.  The edges are then widened to take in the move itself when
 * it is noise, so that every drawn bar sits on the side of the band its
 * colour says.  NaN edges when even the expected move is notable (a run
 * that any continuation extends) or on failure. */
struct decision_ctx {
	const assay_analysis *an;
	const int *season;
	double *rl, *rd;                /* scratch copies of the changes */
	assay_judgement *j;             /* scratch judgements */
	size_t s, i;                    /* moves s..i are judged */
	int log_basis;
	assay_judge_opts shock;         /* the options, without the run test */
};

/* Judge move i with change r under opts o; NULL on failure. */
static const assay_judgement *judged(struct decision_ctx *d, double r,
				     const assay_judge_opts *o)
{
	assay_error e;
	size_t s = d->s, i = d->i;
	(d->log_basis ? d->rl : d->rd)[i] = r;
	if (assay_judge(d->rl + s, d->rd + s, d->season ? d->season + s : NULL, i + 1 - s,
			i - s, o, d->j, &e) || d->j[i - s].verdict == ASSAY_VERDICT_NONE)
		return NULL;
	return &d->j[i - s];
}

/* The shock part of the p-value (verdict.h rule 5: p_shock / (1 - w)),
 * minus alpha.  With run_max = 1 only move i is judged (the run test
 * needs the moves before it): eight times cheaper, and p_shock does not
 * depend on the run test. */
static double g_shock(struct decision_ctx *d, double r)
{
	const assay_judgement *j = judged(d, r, &d->shock);
	return j ? j->p_shock / (1 - d->an->used.trend_share) - d->an->used.alpha : NAN;
}

static int noise_full(struct decision_ctx *d, double r)
{
	const assay_judgement *j = judged(d, r, &d->an->used);
	return j ? j->verdict == ASSAY_VERDICT_NOISE : -1;
}

/* The last r from `in` (g > 0) towards `out` (g <= 0) with g > 0. */
static double edge(struct decision_ctx *d, double in, double out, double gin, double gout,
		   double tol)
{
	int side = 0;
	for (int k = 0; k < 40 && fabs(out - in) > tol; k++) {
		double width = fabs(out - in);
		double m = in + (out - in) * gin / (gin - gout);     /* false position */
		if (!(fabs(m - in) > 0.01 * width && fabs(out - m) > 0.01 * width))
			m = 0.5 * (in + out);
		double g = g_shock(d, m);
		if (!isfinite(g))
			return NAN;
		if (g > 0) {            /* still noise */
			in = m;
			gin = g;
			if (side == 1)
				gout *= 0.5;    /* Illinois: the kept end's weight */
			side = 1;
		} else {
			out = m;
			gout = g;
			if (side == -1)
				gin *= 0.5;
			side = -1;
		}
	}
	return in;
}

/* The run test can make a move notable before its shock part does (a
 * move that extends a run): then the edge is where the whole verdict
 * turns, by bisection between the expected move and the shock edge. */
static double full_edge(struct decision_ctx *d, double mid, double e, double tol)
{
	int v = noise_full(d, e);
	if (v != 0)
		return v == 1 ? e : NAN;
	double in = mid, out = e;
	while (fabs(out - in) > tol) {
		double m = 0.5 * (in + out);
		if ((v = noise_full(d, m)) < 0)
			return NAN;
		if (v)
			in = m;
		else
			out = m;
	}
	return in;
}

static void decision_band(struct decision_ctx *d, size_t i, double *lo, double *hi)
{
	const assay_judgement *ji = &d->an->j[i];
	const assay_judge_opts *u = &d->an->used;
	size_t n = i + 1, span = (size_t)(u->window > 5 * u->seasons ? u->window : 5 * u->seasons);
	size_t reach = (size_t)u->run_max + 2 * span + 16;
	*lo = *hi = NAN;
	d->i = i;
	d->shock = *u;
	d->shock.run_max = 1;
	d->log_basis = ji->basis == ASSAY_BASIS_LOG;
	double actual = d->log_basis ? d->an->c.log[i] : d->an->c.diff[i];
	d->s = i > reach ? i - reach : 0;
	memcpy(d->rl + d->s, d->an->c.log + d->s, (n - d->s) * sizeof *d->rl);
	memcpy(d->rd + d->s, d->an->c.diff + d->s, (n - d->s) * sizeof *d->rd);
	const assay_judgement *jc = d->s ? judged(d, actual, u) : NULL;
	if (d->s && (!jc || jc->p != ji->p)) {
		d->s = 0;       /* something earlier mattered: take everything */
		memcpy(d->rl, d->an->c.log, n * sizeof *d->rl);
		memcpy(d->rd, d->an->c.diff, n * sizeof *d->rd);
	}
	double mid = ji->expected, step = isfinite(ji->scale) && ji->scale > 0 ? ji->scale : 0;
	if (!isfinite(mid) || !(step > 0) || noise_full(d, mid) != 1)
		return;
	double gmid = g_shock(d, mid), tol = 1e-2 * step;
	if (!(gmid > 0))
		return;
	for (int side = -1; side <= 1; side += 2) {
		double in = mid, gin = gmid, out = mid + side * 3 * step, gout = g_shock(d, out);
		for (int k = 0; gout > 0 && k < 40; k++) {
			in = out;
			gin = gout;
			out = mid + side * 3 * step * ldexp(1, k + 1);
			gout = g_shock(d, out);
		}
		if (!(gout <= 0))
			return;
		double e = edge(d, in, out, gin, gout, tol);
		if (!isfinite(e) || !isfinite(e = full_edge(d, mid, e, tol)))
			return;
		*(side < 0 ? lo : hi) = e;
	}
	if (ji->verdict == ASSAY_VERDICT_NOISE && isfinite(actual)) {
		*lo = fmin(*lo, actual);
		*hi = fmax(*hi, actual);
	}
}

/* What a changes chart is drawn from: the analysis of the series, the
 * band per period (percent; NaN where there is none), the verdicts seen
 * (have[v]) and the latest move. */
struct changes_chart {
	struct view v;
	assay_analysis an;
	double *lo, *hi;
	int have[4];
	size_t latest, n_partial, last_partial;
	int recent;             /* no --from: the last ten years only */
};

/* Is a band drawn anywhere in view (none with too little history)? */
static int has_band(const struct changes_chart *cc)
{
	for (size_t i = cc->v.a; i < cc->v.b; i++)
		if (isfinite(cc->lo[i]) && isfinite(cc->hi[i]))
			return 1;
	return 0;
}

/* The analysis of `assay changes`/`check` (analysis.h), judging from
 * the first period drawn with all the history before it. */
static int changes_analyse(const assay_plot_input *in, const assay_plot_opts *o,
			   struct changes_chart *cc, assay_error *err)
{
	const assay_resampled *rs = &cc->v.rs;
	assay_analysis_opts ao;
	assay_analysis_opts_init(&ao);
	ao.freq = rs->freq;
	ao.judge_from = rs->period[cc->v.a];
	ao.judge.window = o->window ? (int)o->window : 20;
	ao.judge.min_history = o->min_window ? (int)o->min_window : 8;
	ao.judge.alpha = o->alpha;
	if (assay_analyse(in->obs, in->info->freq, in->info->kind, &ao, &cc->an, err))
		return -1;
	if (cc->an.s.n != rs->n)
		return assay_fail(err, ASSAY_EIO, "'%s': resampling is not deterministic",
				  in->info->name);
	return 0;
}

/* The band of each period drawn in percent, the verdicts seen, the
 * partial periods and the latest change. */
static int changes_band(struct changes_chart *cc, assay_error *err)
{
	const assay_resampled *rs = &cc->v.rs;
	const assay_changes *ch = &cc->an.c;
	const assay_judgement *j = cc->an.j;
	int rc = -1;
	cc->lo = malloc(rs->n * sizeof *cc->lo);
	cc->hi = malloc(rs->n * sizeof *cc->hi);
	struct decision_ctx dc = { .an = &cc->an, .rl = malloc(rs->n * sizeof(double)),
				   .rd = malloc(rs->n * sizeof(double)),
				   .j = malloc(rs->n * sizeof(assay_judgement)) };
	int *season = malloc(rs->n * sizeof *season);
	for (size_t i = 0; season && i < rs->n; i++) {
		int k = cc->an.used.seasons;
		season[i] = k ? (int)(((rs->period[i] % k) + k) % k) : 0;
	}
	dc.season = cc->an.used.seasons ? season : NULL;
	if (!cc->lo || !cc->hi || !dc.rl || !dc.rd || !dc.j || !season) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	for (size_t i = cc->v.a; i < cc->v.b; i++) {
		cc->lo[i] = cc->hi[i] = NAN;
		if (rs->partial[i] && isfinite(rs->value[i])) {
			cc->n_partial++;
			cc->last_partial = i;
		}
		if (!isfinite(ch->pct[i]))
			continue;
		cc->latest = i;
		if (j[i].verdict == ASSAY_VERDICT_NONE) {
			cc->have[0] = 1;
			continue;
		}
		cc->have[j[i].verdict] = 1;
		double r0, r1;
		decision_band(&dc, i, &r0, &r1);
		if (!isfinite(r0) || !isfinite(r1))
			continue;
		if (j[i].basis == ASSAY_BASIS_LOG) {
			cc->lo[i] = 100 * expm1(r0);
			cc->hi[i] = 100 * expm1(r1);
		} else if (ch->prev[i] != (size_t)-1 && rs->value[ch->prev[i]] > 0) {
			cc->lo[i] = 100 * r0 / rs->value[ch->prev[i]];
			cc->hi[i] = 100 * r1 / rs->value[ch->prev[i]];
		}
	}
	rc = 0;
out:
	free(dc.rl);
	free(dc.rd);
	free(dc.j);
	free(season);
	return rc;
}

/* Titles, labels and the frame. */
static void changes_frame(FILE *fp, const char *outpath, const assay_plot_input *in,
			  const assay_plot_opts *o, const struct changes_chart *cc)
{
	const assay_resampled *rs = &cc->v.rs;
	assay_freq f = rs->freq;
	struct frame fr;
	char desc[128], per[32], auto_title[512];
	memset(&fr, 0, sizeof fr);
	assay_plot_title_of(in->info, auto_title, sizeof auto_title);
	fr.title = o->title ? o->title : auto_title;
	assay_plot_describe_freq(desc, sizeof desc, in->info, f);
	snprintf(fr.sub, sizeof fr.sub, "%s, %% change on the previous %s, %s", in->info->name,
		 assay_plot_freq_word(f), desc);
	if (cc->recent) {
		size_t len = strlen(fr.sub);
		snprintf(fr.sub + len, sizeof fr.sub - len, "; the last 10 years (--from for more)");
	}
	if (cc->n_partial) {
		size_t len = strlen(fr.sub);
		snprintf(fr.sub + len, sizeof fr.sub - len, "; partial %s not shown",
			 cc->n_partial == 1 ? assay_period_format(f, rs->period[cc->last_partial],
								  per, sizeof per) : "periods");
	}
	assay_plot_make_footer(&fr, in, 1, o);
	snprintf(fr.xlabel, sizeof fr.xlabel, "%s", assay_plot_freq_word(f));
	snprintf(fr.ylabel, sizeof fr.ylabel, "%% change on the previous %s", assay_plot_freq_word(f));
	assay_plot_put_x_range(&fr, &cc->v);
	int band = has_band(cc);
	fr.nkey = band + cc->have[0] + cc->have[1] + cc->have[2] + cc->have[3];
	/* bars stand on zero: the axis takes it in, with the bars and the
	 * band (gnuplot's autoscale drew one bar of +25.7% from 25.4 on a
	 * 25.4..26 axis, and warned of an empty range) */
	double y0 = 0, y1 = 0;
	for (size_t i = cc->v.a; i < cc->v.b; i++) {
		double y[3] = { cc->an.c.pct[i], cc->lo[i], cc->hi[i] };
		for (int k = 0; k < 3; k++)
			if (isfinite(y[k])) {
				y0 = fmin(y0, y[k]);
				y1 = fmax(y1, y[k]);
			}
	}
	double pad = 0.06 * (y1 - y0);
	fr.y0 = y0 < 0 ? y0 - pad : 0;
	fr.y1 = y1 > 0 ? y1 + pad : 0;
	if (!(fr.y1 > fr.y0))   /* no move at all: one around zero */
		fr.y0 = -1, fr.y1 = 1;
	assay_plot_put_frame(fp, outpath, o, &fr);
}

/* $D0 (the band) and $D1 (the changes and verdicts), and the bars' width. */
static void changes_data(FILE *fp, const struct changes_chart *cc)
{
	const assay_resampled *rs = &cc->v.rs;
	const struct view *v = &cc->v;
	assay_freq f = rs->freq;
	/* $D0: the band, a step per period (corners at the period's edges). */
	fputs("$D0 << EOD\n", fp);
	for (size_t i = v->a; i < v->b; i++) {
		double row[3];
		if (!isfinite(cc->lo[i]) || !isfinite(cc->hi[i])) {
			fputs("NaN NaN NaN\n", fp);
			continue;
		}
		row[0] = assay_plot_period_start(f, rs->period[i]);
		row[1] = cc->lo[i];
		row[2] = cc->hi[i];
		assay_plot_put_row(fp, row, 3);
		row[0] = assay_plot_period_end(f, rs->period[i]);
		assay_plot_put_row(fp, row, 3);
	}
	/* $D1: x, % change, verdict (0 not judged, 1 noise, 2 shock, 3 trend). */
	fputs("EOD\n$D1 << EOD\n", fp);
	for (size_t i = v->a; i < v->b; i++) {
		double row[3] = { assay_plot_period_mid(f, rs->period[i]), cc->an.c.pct[i],
				  cc->an.j[i].verdict };
		assay_plot_put_row(fp, row, 3);
	}
	fputs("EOD\n", fp);
	double width = assay_plot_period_end(f, rs->period[v->a]) -
		assay_plot_period_start(f, rs->period[v->a]);
	if (f == ASSAY_FREQ_D || f == ASSAY_FREQ_W) {
		/* Irregular spacing: the narrowest gap between observations. */
		double g = INFINITY;
		for (size_t i = v->a + 1; i < v->b; i++)
			g = fmin(g, assay_plot_period_mid(f, rs->period[i]) -
				 assay_plot_period_mid(f, rs->period[i - 1]));
		if (isfinite(g))
			width = g;
	}
	fputs("set boxwidth ", fp);
	assay_plot_put_num(fp, 0.8 * width);
	fputs(" absolute\nset style fill solid 0.9 noborder\n"
	      "set xzeroaxis lt 1 lw 1 lc rgb '" C_TEXT "'\n", fp);
}

/* The latest move, labelled with its number and verdict above the top
 * right corner of the plot, where it hides nothing. */
static void changes_latest_label(FILE *fp, const assay_plot_opts *o,
				 const struct changes_chart *cc)
{
	const assay_resampled *rs = &cc->v.rs;
	assay_freq f = rs->freq;
	size_t latest = cc->latest;
	const assay_judgement *lj = &cc->an.j[latest];
	double pct = cc->an.c.pct[latest];
	char text[256], b1[64], b2[64], per[32];
	if (lj->verdict != ASSAY_VERDICT_NONE)
		snprintf(text, sizeof text, "%s: %s%% %s, %s (%s)",
			 assay_period_format(f, rs->period[latest], per, sizeof per),
			 assay_plot_nice_num(pct, 1, b1, sizeof b1), assay_freq_change_tag(f),
			 assay_verdict_name(lj->verdict), assay_plot_p_text(lj->p, b2, sizeof b2));
	else
		snprintf(text, sizeof text, "%s: %s%% %s, not judged (%s)",
			 assay_period_format(f, rs->period[latest], per, sizeof per),
			 assay_plot_nice_num(pct, 1, b1, sizeof b1), assay_freq_change_tag(f),
			 lj->why == ASSAY_UNJUDGED_HISTORY ? "too little history" :
			 lj->why == ASSAY_UNJUDGED_FLAT ? "no variation before it" : "no change");
	fputs("set label 10 ", fp);
	assay_plot_put_q(fp, text, 0);
	fprintf(fp, " at graph 1, graph 1 right offset 0,0.9 front noenhanced "
		"textcolor rgb '%s' font ',%d'\n",
		lj->verdict == ASSAY_VERDICT_SHOCK ? C_SHOCK :
		lj->verdict == ASSAY_VERDICT_TREND ? C_UP : C_TEXT, assay_plot_font_size(o) + 1);
}

/* The plot command: the band, bars by verdict, the latest bar outlined. */
static void changes_plot(FILE *fp, const assay_plot_opts *o,
			 const struct changes_chart *cc)
{
	static const char *const colours[] = { "#595959", C_NOISE, C_SHOCK, C_UP };
	static const char *const titles[] = {
		"not judged (too little history)", "noise", "shock (notable one-off move)",
		"trend (notable persistent move)"
	};
	char text[256];
	snprintf(text, sizeof text, "normal variation: a move inside is judged noise "
		 "(alpha = %g, trailing %d %ss)", o->alpha, cc->an.used.window,
		 assay_plot_freq_word(cc->v.rs.freq));
	/* no band drawn (too little history): none in the key either */
	int band = has_band(cc);
	fputs("plot $D0 using ($1):2:3 with filledcurves fc rgb '" C_BAND "' "
	      "fs solid 1.0 ", fp);
	if (band) {
		fputs("title ", fp);
		assay_plot_put_q(fp, text, 0);
	} else {
		fputs("notitle", fp);
	}
	for (int c = 0; c < 4; c++)
		if (cc->have[c] && c == 0)  /* hollow: never mistaken for the band */
			fprintf(fp, ", \\\n  $D1 using ($1):($3 == 0 ? $2 : NaN) with boxes "
				"fs empty border lc rgb '%s' lw 1.5 title '%s'", colours[0], titles[0]);
		else if (cc->have[c])
			fprintf(fp, ", \\\n  $D1 using ($1):($3 == %d ? $2 : NaN) with boxes "
				"fc rgb '%s' title '%s'", c, colours[c], titles[c]);
	fprintf(fp, ", \\\n  $D1 using ($1):($0 == %zu ? $2 : NaN) with boxes fs empty "
		"lc rgb '#000000' lw 1.5 notitle", cc->latest - cc->v.a);
	fputs("\nunset output\n", fp);
}

/* Percent changes as bars coloured by the verdict of `assay check`
 * (verdict.h: same options, same function), the band of normal variation
 * shaded: the changes that same verdict would call noise in each period
 * (decision_band), mapped from the log (or difference) scale the move was
 * judged on to percent.  So band and colour show one decision on one
 * basis: a bar outside the band is notable, a bar inside is noise; for a
 * seasonal series the band moves with the season the model removes. */
int assay_plot_chart_changes(FILE *fp, const char *outpath,
			 const assay_plot_input *in, const assay_plot_opts *o,
			 assay_error *err)
{
	struct changes_chart cc;
	int rc = -1;
	memset(&cc, 0, sizeof cc);
	cc.latest = SIZE_MAX;
	if (assay_plot_prepare(in, o->freq, o, &cc.v, err))
		return -1;
	/* without --from, monthly and quarterly bars of the last ten years
	 * (66 years of monthly bars were 800 hairlines, the latest move
	 * among them unseen); the moves are judged with all history */
	assay_freq vf = cc.v.rs.freq;
	size_t keep = 10 * (size_t)(vf == ASSAY_FREQ_M ? 12 : vf == ASSAY_FREQ_Q ? 4 : 0);
	if (!o->from && keep && cc.v.b - cc.v.a > keep) {
		cc.v.a = cc.v.b - keep;
		cc.recent = 1;
	}
	if (changes_analyse(in, o, &cc, err) || changes_band(&cc, err))
		goto out;
	if (cc.latest == SIZE_MAX) {
		assay_freq f = cc.v.rs.freq;
		assay_fail(err, ASSAY_EUSAGE, "'%s' has no %s-on-%s change to plot%s",
			   in->info->name, assay_plot_freq_word(f), assay_plot_freq_word(f),
			   o->from || o->to ? " in the chosen range" : "");
		goto out;
	}
	changes_frame(fp, outpath, in, o, &cc);
	changes_data(fp, &cc);
	changes_latest_label(fp, o, &cc);
	changes_plot(fp, o, &cc);
	rc = 0;
out:
	free(cc.lo);
	free(cc.hi);
	assay_analysis_release(&cc.an);
	assay_plot_view_release(&cc.v);
	return rc;
}
