/*
 * Private to the verdict's files (verdict.c, verdict_fit.c,
 * verdict_screen.c, halfnormal.c): the model fit, the judging context
 * and the past-shock screen.  Not installed.
 */
#ifndef ASSAY_VERDICT_INTERNAL_H
#define ASSAY_VERDICT_INTERNAL_H

#include <stddef.h>

#include "assay/verdict.h"

#define MAX_SEASONS 12
#define MAX_RUN 16

/* ---- least squares: group means + one slope (verdict_fit.c) ------------- */

struct fit {
	int p;                  /* parameters: non-empty groups + ar */
	int ar;                 /* slope used */
	int ngroups;
	double beta;            /* the slope (AR coefficient) */
	double sxx, sxy, syy;   /* pooled within-group (co)moments */
	double sx2;             /* sum of x^2 (the lag's scale) */
	double rss;
	int ng[MAX_SEASONS];    /* rows per group */
	double my[MAX_SEASONS]; /* group means of y */
	double mx[MAX_SEASONS]; /* group means of x */
};

void verdict_fit_exact_rss(struct fit *f, const double *y, const double *x,
			   const int *g, int m, int skip);

/* The lag explains over 99% of the variation: Syy - Sxy^2/Sxx would lose
 * digits, so the squared residuals are summed instead. */
static inline int verdict_fit_needs_exact(const struct fit *f)
{
	return f->ar && !(f->syy - f->beta * f->sxy >= 1e-2 * f->syy);
}

/* The least-squares fit y = a_g + beta x from the moments of rows [0, m)
 * but `skip` (or -1), which are at hand for the rare exact pass.  (Inline:
 * the verdict finishes three fits a move.) */
static inline void verdict_fit_finish(struct fit *f, int ar, const double *y,
				      const double *x, const int *g, int m,
				      int skip)
{
	f->p = 0;
	for (int k = 0; k < f->ngroups; k++)
		f->p += f->ng[k] > 0;
	f->beta = 0;
	f->ar = 0;
	f->rss = f->syy;
	/* The lag is left out when it has no variation within the groups
	 * (all equal, e.g. a fixed price): Sxx <= 1e-10 sum x^2 means the
	 * slope would be rounding noise. */
	if (!ar || !(f->sxx > 1e-10 * f->sx2))
		return;
	f->ar = 1;
	f->beta = f->sxy / f->sxx;
	f->p++;
	f->rss = f->syy - f->beta * f->sxy;
	if (verdict_fit_needs_exact(f))
		verdict_fit_exact_rss(f, y, x, g, m, skip);
}
/* Fit y = a_g + beta x on rows [0, m) skipping row `skip` (or -1). */
void verdict_fit_rows(const double *y, const double *x, const int *g, int m,
		      int skip, int ngroups, int ar, struct fit *f);

/* Add row (y, x, g) to the moments: the updating formulas of Welford. */
static inline void fit_add(struct fit *f, double y, double x, int g, int ar)
{
	double n = f->ng[g], n1 = n + 1;
	double dy = y - f->my[g], dx = ar ? x - f->mx[g] : 0, w = n / n1;
	f->ng[g]++;
	f->my[g] += dy / n1;
	f->syy += w * dy * dy;
	if (ar) {
		f->mx[g] += dx / n1;
		f->sxx += w * dx * dx;
		f->sxy += w * dx * dy;
		f->sx2 += x * x;
	}
}

/* Prediction of a row (x, g) from fit f and its leverage x0'(X'X)^-1 x0. */
static inline double fit_predict(const struct fit *f, double x, int g, double *lev)
{
	double dx = f->ar ? x - f->mx[g] : 0;
	*lev = 1.0 / f->ng[g] + (f->ar ? dx * dx / f->sxx : 0);
	return f->my[g] + f->beta * dx;
}

/* ---- judging (verdict.c) --------------------------------------------------- */

/* A window's rows (rule 1a's screen), sorted and kept across consecutive
 * moves: the rows of move t are those of move t - 1 less the oldest, plus
 * y[t - 1], so one insertion and one deletion replace a sort. */
struct sorted_rows {
	double *v;
	int n;
	size_t span;            /* the window: rows [t - span, t) */
	const double *y;        /* the basis they are of (NULL: none) */
	int ar;                 /* rows needed a finite lag */
	size_t t;               /* the move they are the rows of */
};

/* A row's value and its index (the screen's rows by season). */
struct row_value {
	double v;
	int row;
};

struct ctx {
	const double *r_log, *r_diff;
	const int *season;
	size_t n;
	const assay_judge_opts *o;
	int span;               /* rows reached back by the seasonal model */
	double *z;              /* mid-rank scores, NaN when not judged */
	double *zcache;         /* the score of rank R of m + 1, [m][R] */
	int *no_log;            /* [i]: changes before i with a difference
				 * but no log change (n + 1 counts) */
	/* work rows (span + 2) */
	double *ys, *xs, *win;
	int *gs, *idx;
	int *zero_g;            /* span + 2 zeros: the groups without seasons */
	unsigned char *keep;
	double *vloc;           /* rule 2a: local variances v_i of the rows
				 * and v_m of the judged move (m + 1) */
	double *vinv;           /* their inverses (m) */
	const double *vl;       /* vinv when rule 2a is on, else NULL */
	double vol_lambda;      /* 2^(-1 / vol_half_life) */
	double resid_sd;        /* the judged move's window fit: sqrt(rss / df)
				 * (NaN until it is fitted) */
	/* The screen's sorted rows (rule 1a) of the span, and of the W
	 * window when the span is longer (verdict_screen.c) */
	struct sorted_rows srt, srt_w;
	/* the seasonal residuals of the rows (rule 1a), in row order and
	 * sorted, and the rows by season (verdict_screen.c) */
	double *sres, *sres_sorted;
	struct row_value *sbuck;
	double *qn_work;        /* verdict_qn_sorted's: VERDICT_QN_WORK(span + 2) */
	int *qn_iwork;          /* ... and 5 (span + 2) */
	/* Changes far from 1 in magnitude (verdict.c, scaled_window): a
	 * basis with such a change is checked move by move, and a window
	 * beyond the safe range is judged on a copy of it times a power of
	 * two (ysc, n values), from source ysc_src by 2^-ysc_exp. */
	int check_log, check_diff;
	double *ysc;
	const double *ysc_src;
	int ysc_exp;
	/* rule 1b (verdict.c): the rows' seasons and the judged move's
	 * (m + 1), and whether this move uses them */
	int *season_g;
	int loo_select;
	const struct fit *sel_f0, *sel_f1;      /* the F test's window fits */
	const struct fit *test_f0, *test_f1;    /* ... and with the history */
	/* rule 1: the rows older than the span that the F test also reads
	 * (verdict.c, history_rows; up to W), and the screen's median and
	 * limit they must be within (rule 1a; NaN limit: the screen did not
	 * run) */
	double *hy, *hx;
	int *hg;
	int nh;
	struct fit hist_f0, hist_f1;    /* their moments: one group, seasons */
	double screen_med, screen_lim;
};

/* Rule 1a (verdict_screen.c): set the window's past shocks aside.  The
 * rows c->ys etc. [0, m) of move t on basis y are compacted in place;
 * the shocks' ages and z go to J.  Returns the new row count. */
int verdict_set_aside_shocks(struct ctx *c, const double *y, size_t t,
			     int m, int ar, double cut, assay_judgement *J);
int verdict_set_aside_shocks_w(struct ctx *c, const double *y, size_t t,
			       int m, int ar, double cut, assay_judgement *J);

/* Qn of sorted v[0..n) (verdict_screen.c): the value of GSL's
 * gsl_stats_Qn_from_sorted_data, to the bit (work: VERDICT_QN_WORK(n)
 * doubles, iwork 5n ints).  GSL's O(n log n) algorithm sorts its work arrays on the way:
 * 15,000 instructions for 20 values, which on every quarterly window the
 * screen reads cost the benchmark of scripts/bench-analysis 15% more
 * instructions; up to VERDICT_QN_SMALL values the n (n - 1) / 2
 * distances are selected from directly (Hoare's selection), and beyond
 * that GSL computes it. */
#define VERDICT_QN_SMALL 64
/* the work for any n up to the given one: 3n, or the distances of the
 * direct selection, min(n, VERDICT_QN_SMALL) choose 2 */
#define VERDICT_QN_PAIRS(n) ((n) < VERDICT_QN_SMALL ? (n) * ((n) - 1) / 2 \
			     : VERDICT_QN_SMALL * (VERDICT_QN_SMALL - 1) / 2)
#define VERDICT_QN_WORK(n) (VERDICT_QN_PAIRS(n) > 3 * (n) ? VERDICT_QN_PAIRS(n) : 3 * (n))
double verdict_qn_sorted(const double *v, int n, double *work, int *iwork);

/* The seasonality F test without its p-value (verdict.c): 1 when f is
 * significant at alpha with (d1, d2) degrees of freedom, 0 when not, -1
 * when f is too near the critical value to tell without computing
 * assay_f_upper.  A decision it gives is the p-value's, to the bit. */
int verdict_f_decided(double f, int d1, int d2, double alpha);

/* Rule 1c (verdict.c): the rows older than the span within the screen's
 * limits c->screen_med +- c->screen_lim, and their moments. */
void verdict_history_rows(struct ctx *c, const double *y, size_t t, int ar);

#endif
