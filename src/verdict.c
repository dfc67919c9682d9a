/*
 * The verdict on each move: noise, shock or trend (rules in verdict.h).
 * This file judges; its helpers are verdict_fit.c (the least squares),
 * verdict_screen.c (rule 1a, past shocks), tdist.c (the t and F tails)
 * and halfnormal.c (rule 4's table), sharing verdict_internal.h.
 *
 * Design notes, for the next reader checking the statistics:
 *  - The least-squares models here are "group means + one slope" (an
 *    intercept or one per season, plus the AR(1) lag), so they are solved
 *    in closed form by Frisch-Waugh-Lovell: within-group centring, then
 *    one slope.  Leverages are 1/n_g + (x_i - xbar_g)^2 / Sxx.  This is
 *    exact least squares (the same numbers as statsmodels' OLS), in O(n),
 *    from centred moments (two passes; RSS = Syy - Sxy^2/Sxx, with a third,
 *    exact pass when the slope explains over 99%).  The fit on window +
 *    judged move is the window's fit updated by Welford's formulas.
 *  - The leave-one-out t statistics of the window moves come from one fit
 *    on window + judged move, with the textbook deletion identity
 *    RSS_(i) = RSS - e_i^2 / (1 - h_i); where that subtraction would lose
 *    the digits (an outlier carrying nearly all of the RSS), the row is
 *    refitted without it instead.
 *  - Calibration was designed by simulation before coding (Gaussian, t3,
 *    AR(1) phi = 0.5, drifting, GARCH(1,1), seasonal; see
 *    tests/unit/test_calibration.c and the README, "How the verdict is
 *    calibrated"): the
 *    plain t test over-rejects heavy tails (6.5% at 5% for t3), the rank
 *    part fixes that; the trend part uses mid-rank scores because scores
 *    from t statistics inherit heavy tails (2% at 1% for t3).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "assay/verdict.h"
#include "verdict_internal.h"

/* ---- names --------------------------------------------------------------- */

int assay_seasonal_parse(const char *s, assay_seasonal_mode *m)
{
	if (!strcmp(s, "auto")) *m = ASSAY_SEASONAL_AUTO;
	else if (!strcmp(s, "yes")) *m = ASSAY_SEASONAL_YES;
	else if (!strcmp(s, "no")) *m = ASSAY_SEASONAL_NO;
	else return -1;
	return 0;
}

const char *assay_seasonal_name(assay_seasonal_mode m)
{
	switch (m) {
	case ASSAY_SEASONAL_YES: return "yes";
	case ASSAY_SEASONAL_NO: return "no";
	default: return "auto";
	}
}

const char *assay_verdict_name(assay_verdict v)
{
	switch (v) {
	case ASSAY_VERDICT_NOISE: return "noise";
	case ASSAY_VERDICT_SHOCK: return "shock";
	case ASSAY_VERDICT_TREND: return "trend";
	default: return NULL;
	}
}

const char *assay_basis_name(assay_basis b)
{
	switch (b) {
	case ASSAY_BASIS_LOG: return "log";
	case ASSAY_BASIS_DIFF: return "diff";
	default: return "";
	}
}

void assay_judge_opts_init(assay_judge_opts *o)
{
	memset(o, 0, sizeof *o);
	o->window = 20;
	o->min_history = 8;
	o->alpha = 0.05;
	o->seasonal = ASSAY_SEASONAL_AUTO;
	o->seasons = 0;
	o->season_alpha = 0.02;
	o->ar = 1;
	o->run_max = 8;
	o->trend_share = 0.1;
	o->half_life = 0;
	o->freq = ASSAY_FREQ_NONE;
	o->scales = 0;
	o->set_aside = 4.2;
	o->vol_half_life = 6;
}

/* ---- judging ------------------------------------------------------------- */

static void judgement_init(assay_judgement *J)
{
	memset(J, 0, sizeof *J);
	J->verdict = ASSAY_VERDICT_NONE;
	J->why = ASSAY_UNJUDGED_SKIPPED;
	J->change = J->expected = J->expected_ar = J->scale = J->stat = J->p_t = NAN;
	J->vol_ratio = NAN;
	J->p_shock = J->score = J->run_stat = J->p_trend = J->p = NAN;
	J->seasonal_p = J->phi = NAN;
	J->noise.sd = J->noise.mad = J->noise.qn = J->noise.ewma = NAN;
	J->typical = NAN;
	J->noise.annual = J->noise.lambda = NAN;
}

/* Pick the change series of move t: log when t and every change within
 * reach of its window have a log change, else differences. */
static const double *pick_basis(const struct ctx *c, size_t t,
				assay_basis *basis)
{
	*basis = ASSAY_BASIS_DIFF;
	if (!c->r_log || !isfinite(c->r_log[t]))
		return c->r_diff;
	size_t lo = t > (size_t)c->span + 1 ? t - c->span - 1 : 0;
	if (c->no_log[t] - c->no_log[lo] > 0)
		return c->r_diff;
	*basis = ASSAY_BASIS_LOG;
	return c->r_log;
}

/* Changes of any magnitude (1e-300 or 1e300) are judged alike: the
 * verdict is scale-invariant, but its sums of squares are not where the
 * squares leave the doubles (the same random walk with an 8-sigma jump
 * was a shock at 1, p = 1 at 1e-155 and "no variation" at 1e154).  A
 * window whose largest finite change lies outside [2^-256, 2^256] is
 * judged on its changes times the power of two that brings that change
 * into [1/2, 1): exact (a change below 2^-1022 of the largest one goes
 * subnormal, as it would vanish in any sum with it), and floating-point
 * arithmetic commutes with it, so the judgement is to the bit that of the
 * same changes at an ordinary magnitude, its quantities in the unit of
 * the series scaled back.  Within the range (all ordinary data) nothing
 * is copied: squares of 2^256 over the 100,000 rows of the longest window
 * stay far from overflow, and 2^-512 times the 1e-20 of a flat window's
 * residual far from the subnormals. */

static int out_of_range(double y)
{
	double a = fabs(y);
	return isfinite(a) && a != 0 && (a < 0x1p-256 || a > 0x1p256);
}

static int any_out_of_range(const double *y, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (out_of_range(y[i]))
			return 1;
	return 0;
}

/* The changes move t is judged on: y itself, or, when the basis has a
 * change outside the safe range (`check`) and this window's largest one
 * is outside it, c->ysc: the copy of what the judgement reads -- rows
 * t - span - 2 to t -- times 2^-*e.  The exponent comes from the window's
 * changes only, not from r_t: a huge move on a quiet window does not set
 * the scale of the window it is judged against. */
static const double *scaled_window(struct ctx *c, const double *y, size_t t,
				   int check, int *e)
{
	*e = 0;
	if (!check)
		return y;
	/* the span, its lags and the F test's history rows (history_rows) */
	size_t reach = (size_t)c->span + 1 + (size_t)c->o->window;
	size_t lo = t > reach ? t - reach : 0;
	double big = 0;
	for (size_t i = lo; i < t; i++) {
		double a = fabs(y[i]);
		if (isfinite(a) && a > big)
			big = a;
	}
	if (!out_of_range(big))
		return y;
	int ex;
	frexp(big, &ex);
	if (c->ysc_src != y || c->ysc_exp != ex) {
		/* the screen's sorted rows kept in the copy are of other
		 * values now: sorted afresh */
		if (c->srt.y == c->ysc)
			c->srt.y = NULL;
		if (c->srt_w.y == c->ysc)
			c->srt_w.y = NULL;
		c->ysc_src = y;
		c->ysc_exp = ex;
	}
	for (size_t i = lo ? lo - 1 : 0; i <= t; i++)
		c->ysc[i] = ldexp(y[i], -ex);
	/* a move over 2^1023 times its window's largest change would be
	 * infinite: it is held at 2^1000 times it (a shock either way) */
	if (!isfinite(c->ysc[t]))
		c->ysc[t] = copysign(0x1p1000, y[t]);
	*e = ex;
	return c->ysc;
}

/* The judgement's quantities in the unit of the changes, times 2^e. */
static void scale_back(assay_judgement *J, int e)
{
	double *u[] = { &J->expected, &J->expected_ar, &J->scale, &J->typical,
			&J->noise.sd, &J->noise.mad, &J->noise.qn,
			&J->noise.ewma, &J->noise.annual };
	for (size_t k = 0; k < sizeof u / sizeof u[0]; k++)
		*u[k] = ldexp(*u[k], e);
}

/* The leave-one-out |t| of window row i from a refit without it (for
 * a degenerate row, or where the deletion identity would lose digits),
 * squared. */
__attribute__((noinline, cold))
static double refit_score2(const struct ctx *c, const int *gs, int m, int i,
			   int ngroups, int ar)
{
	struct fit fi;
	double lev;
	verdict_fit_rows(c->ys, c->xs, gs, m + 1, i, ngroups, ar, &fi);
	if (fi.ng[gs[i]] == 0 || m - fi.p <= 0)
		return 0;
	double d = c->ys[i] - fit_predict(&fi, c->xs[i], gs[i], &lev);
	double s2 = fi.rss / (m - fi.p);
	return s2 > 0 ? d * d / (s2 * (1 + lev)) : (d == 0 ? 0 : INFINITY);
}

/* The window fit updated with the judged move, the scalars loo_rank's
 * rows read (passed by value, so that they stay in registers: the fit's
 * address has escaped, to verdict_fit_finish, and the rare refit calls
 * out, so the compiler would reload fields of it on every row). */
struct loo_fit {
	double inv_sxx, beta, rss, rss_lim, dfl;
	int lag;
};

/* The squared leave-one-out t of a row with residual e and 1 - h_i q in
 * a fit with residual sum rss (rss_lim: 1e-4 rss) and dfl degrees of
 * freedom without the row, by the deletion identity
 * RSS_(i) (1 - h_i) = RSS (1 - h_i) - e_i^2: into *s2, returning 1, or 0
 * where the identity would lose the digits (refit the row). */
static inline int deletion_score2(double e, double q, double rss,
				  double rss_lim, double dfl, double *s2)
{
	double e2 = e * e, den = rss * q - e2;
	/* (1e-4 RSS) q: the same product as 1e-4 * RSS * q */
	if (q > 1e-10 && den > rss_lim * q) {
		*s2 = e2 * dfl / den;
		return 1;
	}
	return 0;
}

/* The same for row (y, x) of a group with 1 / n_g, mean y and mean x
 * given, in the fit L. */
static inline int loo_deletion(double y, double x, double inv_g, double my_g,
			       double mx_g, struct loo_fit L, double *s2)
{
	double dx = L.lag ? x - mx_g : 0;
	double q = 1 - (inv_g + dx * dx * L.inv_sxx);          /* 1 - h_i */
	double e = y - my_g - L.beta * dx;
	return deletion_score2(e, q, L.rss, L.rss_lim, L.dfl, s2);
}

/* The counts and bounds loo_rank gathers over the rows. */
struct loo_ranks {
	double tie2, tie02;     /* the ties, squared (-1: every score) */
	double lo2, hi2;
	int r, r0;
	const double *vl;       /* 1 / v_i under rule 2a, or NULL */
};

/* Row i's squared score s2 into the counts.  No branch on which side of
 * the tie a score falls (a coin toss for the branch predictor, and gcc
 * turns conditional moves of doubles into branches): the sides are
 * chosen by adding 0 or infinity, a score at least `tie` competing for
 * the minimum (lo2), the others for the maximum (hi2). */
static inline void loo_count(struct loo_ranks *A, double s2, int i)
{
	static const double to_lo[2] = { INFINITY, 0 }, to_hi[2] = { 0, INFINITY };
	A->r0 += s2 >= A->tie02;
	if (A->vl)
		s2 *= A->vl[i];         /* rule 2a: times 1 / v_i */
	int above = s2 >= A->tie2;
	double a = s2 + to_lo[above], b = s2 - to_hi[above];
	A->r += above;
	A->lo2 = a < A->lo2 ? a : A->lo2;
	A->hi2 = b > A->hi2 ? b : A->hi2;
}

/* Rank the judged move (row m) among the window moves: the leave-one-out
 * |t| of each window row comes from the fit fw on rows [0, m) updated
 * with row m, by the deletion identity
 *   RSS_(i) (1 - h_i) = RSS (1 - h_i) - e_i^2,  t_i^2 = e_i^2 df / that,
 * one division per row and no square root.  Counts the rows whose score
 * (divided by its local variance under rule 2a) is at least `tie` (*R)
 * and returns the smallest of those (*lo) and the largest of the others
 * (*hi); *R0 counts the rows whose pooled score is at least `tie0` (the
 * rank of rule 4, the same as *R without rule 2a). */
__attribute__((noinline))
static void loo_rank(const struct ctx *c, const struct fit *fw, int m,
		     double tie, double tie0, int *R, int *R0, double *lo,
		     double *hi)
{
	struct fit ff = *fw;
	int ngroups = fw->ngroups, ar = fw->ar;
	fit_add(&ff, c->ys[m], c->xs[m], c->gs[m], ar);
	verdict_fit_finish(&ff, ar, c->ys, c->xs, c->gs, m + 1, -1);
	int dfl = m + 1 - ff.p - 1;
	double inv_ng[MAX_SEASONS], my[MAX_SEASONS], mx[MAX_SEASONS];
	for (int k = 0; k < ngroups; k++) {
		inv_ng[k] = ff.ng[k] ? 1.0 / ff.ng[k] : 0;
		my[k] = ff.my[k];
		mx[k] = ff.mx[k];
	}
	struct loo_fit L = {
		.inv_sxx = ff.ar ? 1 / ff.sxx : 0, .beta = ff.beta,
		.rss = ff.rss, .rss_lim = 1e-4 * ff.rss, .dfl = dfl,
		.lag = ff.ar,
	};
	struct loo_ranks A = {
		.tie2 = tie > 0 ? tie * tie : -1,
		.tie02 = tie0 > 0 ? tie0 * tie0 : -1,
		.lo2 = INFINITY, .hi2 = -INFINITY, .vl = c->vl,
	};
	const double *ys = c->ys, *xs = c->xs;
	const int *gs = c->gs;
	double s2;
	/* one group (no seasons, the common case) has a loop of its own,
	 * with the group's fit in registers */
	if (ngroups == 1 && dfl > 0) {
		double inv0 = inv_ng[0], my0 = my[0], mx0 = mx[0];
		for (int i = 0; i < m; i++) {
			if (!loo_deletion(ys[i], xs[i], inv0, my0, mx0, L, &s2))
				s2 = refit_score2(c, c->gs, m, i, ngroups, ar);
			loo_count(&A, s2, i);
		}
	} else {
		for (int i = 0; i < m; i++) {
			int g = gs[i];
			if (!(dfl > 0 && loo_deletion(ys[i], xs[i], inv_ng[g],
						      my[g], mx[g], L, &s2)))
				s2 = refit_score2(c, c->gs, m, i, ngroups, ar);
			loo_count(&A, s2, i);
		}
	}
	*R = A.r;
	*R0 = A.r0;
	*lo = sqrt(A.lo2);
	*hi = A.hi2 >= 0 ? sqrt(A.hi2) : A.hi2;
}

/* The normal scores of mid-rank R among m + 1 for m < Z_MEMO_M, kept by
 * each thread across assay_judge calls (a series' moves met every (m, R)
 * again, at 155 instructions a quantile).  The scores are positive
 * ((R + 0.5) / (2 (m + 1)) < 1/2), so 0 marks one not computed yet. */
#define Z_MEMO_M 64
static _Thread_local double z_memo[Z_MEMO_M][Z_MEMO_M];

/* The normal score of mid-rank R among m + 1, which depends on (m, R)
 * only: computed once each when the window is small enough to cache
 * (per thread below Z_MEMO_M rows, else per call). */
static double mid_rank_score(struct ctx *c, int m, int R)
{
	if (m < Z_MEMO_M) {
		double *zm = &z_memo[m][R];
		if (*zm == 0)
			*zm = gsl_cdf_ugaussian_Qinv((R + 0.5) / (2.0 * (m + 1)));
		return *zm;
	}
	double *zc = c->zcache ? &c->zcache[(size_t)m * (c->span + 2) + R] : NULL;
	if (zc && !isnan(*zc))
		return *zc;
	double z = gsl_cdf_ugaussian_Qinv((R + 0.5) / (2.0 * (m + 1)));
	if (zc)
		*zc = z;
	return z;
}

/* Two doubles operated on together (GCC and Clang vector extensions:
 * SSE2 on x86-64, two scalar operations where there is no such unit);
 * each lane's arithmetic is the IEEE operation on that lane. */
typedef double pair __attribute__((vector_size(16)));

/* The moments of two fits of rows [0, m) at once, for the F test: by
 * group (f1) and with one intercept (f0), cnt the rows per group.  The
 * same sums as two calls of fit_moments, in shared passes: 4% fewer
 * instructions over the benchmark of scripts/bench-analysis, where every
 * move runs the F test.  (Here and not in verdict_fit.c: inlined into the
 * judging, where every move runs it, it costs 150 instructions a move
 * less.)  The second pass has a loop for each setting of ar: gcc -O2
 * does not unswitch. */
static void fit_moments_pair(const double *y, const double *x, const int *g,
			     int m, int ngroups, const int *cnt, int ar,
			     struct fit *f1, struct fit *f0)
{
	/* the sums of y (lane 0) and x (lane 1) by group (s) and in all (t);
	 * mx is used only with ar */
	pair s[MAX_SEASONS], t = { 0, 0 };
	for (int k = 0; k < ngroups; k++)
		s[k] = (pair){ 0, 0 };
	memcpy(f1->ng, cnt, sizeof f1->ng);
	memset(f0->ng, 0, sizeof f0->ng);
	f1->ngroups = ngroups;
	f0->ngroups = 1;
	for (int i = 0; i < m; i++) {
		pair yx = { y[i], x[i] };
		s[g[i]] += yx;
		t += yx;
	}
	double my[MAX_SEASONS], mx[MAX_SEASONS];
	for (int k = 0; k < ngroups; k++) {
		double inv = cnt[k] ? 1.0 / cnt[k] : 0;
		f1->my[k] = my[k] = s[k][0] * inv;
		f1->mx[k] = mx[k] = s[k][1] * inv;
	}
	f0->ng[0] = m;
	double my0 = f0->my[0] = m ? t[0] / m : 0;
	double mx0 = f0->mx[0] = m ? t[1] / m : 0;
	/* The two fits' sums side by side, lane 0 by group (f1) and lane 1
	 * with one intercept (f0): each lane is the scalar code's operation
	 * (dy = y - my_g, ey = y - my, dx dy, ex ey ...), two at a time. */
	pair mp[MAX_SEASONS], xp[MAX_SEASONS];
	for (int k = 0; k < ngroups; k++) {
		mp[k] = (pair){ my[k], my0 };
		xp[k] = (pair){ mx[k], mx0 };
	}
	pair syy = { 0, 0 }, sxx = { 0, 0 }, sxy = { 0, 0 };
	double sx2 = 0;
	if (ar) {
		for (int i = 0; i < m; i++) {
			pair d = (pair){ y[i], y[i] } - mp[g[i]];
			pair e = (pair){ x[i], x[i] } - xp[g[i]];
			syy += d * d;
			sxx += e * e;
			sxy += e * d;
			sx2 += x[i] * x[i];
		}
	} else {
		for (int i = 0; i < m; i++) {
			pair d = (pair){ y[i], y[i] } - mp[g[i]];
			syy += d * d;
		}
	}
	f1->sxx = sxx[0];
	f1->sxy = sxy[0];
	f1->syy = syy[0];
	f0->sxx = sxx[1];
	f0->sxy = sxy[1];
	f0->syy = syy[1];
	f1->sx2 = f0->sx2 = sx2;
}

/* Rule 2a, local scales (filtered historical simulation, Barone-Adesi,
 * Giannopoulos and Vosper 1999): v_i, the EWMA of the window fit's
 * squared residuals before row i relative to the pooled s^2, starting
 * at v_0 = 1 (the pooled scale) and run over the rows oldest first:
 *   v_{i+1} = lambda v_i + (1 - lambda) e_i^2 / s^2,  lambda = 2^(-1/h).
 * v_m is the judged move's.  Every score -- the window's leave-one-out
 * statistics and the move's own -- is divided by its sqrt(v), so that a
 * move is ranked in units of the volatility of its own time: after a
 * louder regime today's calm moves are not measured against the old
 * noise, and after a calmer one today's noise is not a shock.  Each v
 * uses earlier rows only, so the move and the window rows are scaled
 * alike. */
static void local_scales(struct ctx *c, const struct fit *fw, int m,
			 int df)
{
	double lambda = c->vol_lambda, w = (1 - lambda) * df / fw->rss, v = 1;
	/* the fit's means in locals (fw's fields would be reloaded on every
	 * row: the stores below might alias them) */
	double my[MAX_SEASONS], mx[MAX_SEASONS];
	for (int k = 0; k < fw->ngroups; k++) {
		my[k] = fw->my[k];
		mx[k] = fw->mx[k];
	}
	const double *ys = c->ys, *xs = c->xs;
	const int *gs = c->gs;
	double *vloc = c->vloc, *vinv = c->vinv;
	/* loo_rank multiplies by the inverses: independent divisions here
	 * rather than one on each step of its chain of minima */
	if (fw->ar) {
		double beta = fw->beta;
		for (int i = 0; i < m; i++) {
			vloc[i] = v;
			vinv[i] = 1 / v;
			int g = gs[i];
			double e = ys[i] - my[g] - beta * (xs[i] - mx[g]);
			v = lambda * v + w * (e * e);
		}
	} else {
		for (int i = 0; i < m; i++) {
			vloc[i] = v;
			vinv[i] = 1 / v;
			double e = ys[i] - my[gs[i]];
			v = lambda * v + w * (e * e);
		}
	}
	vloc[m] = v;
	c->vl = vinv;
}

/* The sample sd of the n finite x (sum: their sum, in order): the
 * formula of assay_vol_sd, whose finiteness check and first pass the
 * window's copy loop has done. */
static double window_sd(const double *x, size_t n, double sum)
{
	if (n < 2)
		return NAN;
	double m = sum / (double)n, ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	return sqrt(ss / (double)(n - 1));
}

/* The noise window: the W changes before t, finite ones only, and their
 * scales (the sd, or all of assay_noise with o->scales). */
static void noise_window(struct ctx *c, const double *y, size_t t,
			 assay_judgement *J)
{
	const assay_judge_opts *o = c->o;
	size_t W = (size_t)o->window;
	size_t nw = 0;
	double wsum = 0;
	for (size_t i = t > W ? t - W : 0; i < t; i++)
		if (isfinite(y[i])) {
			c->win[nw++] = y[i];
			wsum += y[i];
		}
	if (o->scales) {
		double hl = o->half_life > 0 ? o->half_life : o->window / 4.0;
		assay_noise_compute(c->win, nw, hl, o->freq, &J->noise);
	} else {
		J->noise.n = nw;
		J->noise.sd = window_sd(c->win, nw, wsum);
	}
}

/* Model rows of move t: finite changes in the span, oldest first, with a
 * finite lag when the AR term is on.  Returns their count; *nfin counts
 * the finite changes of the span.  Each change is written to slot m and
 * kept by counting it (the arrays have room for the one past the last
 * row): no branch on the data, and one loop for each setting of the lag. */
static int model_rows(struct ctx *c, const double *y, size_t t, int ar,
		      int *nfin)
{
	size_t span = (size_t)c->span;
	size_t first_row = t > span ? t - span : 0;
	const int *sg = c->o->seasons >= 2 && c->season ? c->season + first_row
							 : c->zero_g;
	int *idx = c->idx, *gs = c->gs;
	double *ys = c->ys, *xs = c->xs;
	int m = 0, nf = 0;
	size_t i = first_row;
	if (!ar) {
		for (; i < t; i++) {
			int fin = isfinite(y[i]);
			idx[m] = (int)(t - i);                  /* age */
			ys[m] = y[i];
			xs[m] = 0;
			gs[m] = sg[i - first_row];
			m += fin;
		}
		*nfin = m;
		return m;
	}
	/* with the lag, the row needs a finite y[i - 1] too */
	int lag_ok = first_row > 0 && isfinite(y[first_row - 1]);
	if (first_row == 0 && t > 0) {  /* no lag: never a row */
		lag_ok = isfinite(y[0]);
		nf = lag_ok;
		i = 1;
	}
	for (; i < t; i++) {
		int fin = isfinite(y[i]);
		nf += fin;
		idx[m] = (int)(t - i);
		ys[m] = y[i];
		xs[m] = y[i - 1];
		gs[m] = sg[i - first_row];
		m += fin & lag_ok;
		lag_ok = fin;
	}
	*nfin = nf;
	return m;
}

/* The window fits the seasonality decision leaves behind: the F test's
 * two fits, reusable as the window fit when their rows stay. */
struct season_fits {
	struct fit f0, f1;      /* one intercept; seasonal means */
	struct fit t0, t1;      /* the same with the history rows: the F
				 * test's (c->nh rows; f0, f1 when none) */
	int have_f0, have_f1;
	int rows;               /* the rows the F test's fits are of (-1:
				 * no test), and their order unchanged */
};

/* Critical values of the seasonality F test, bracketed: for f <= lo the
 * F tail assay_f_upper(f) is surely >= alpha, for f >= hi surely < alpha
 * (each end is a point where the computed tail is beyond alpha by 1e-9
 * relative, far more than its 2e-13 error, and the tail falls as f
 * rises), so a decision taken from the bracket is the one the p-value
 * would give, to the bit.  Per thread, by (d1, d2, alpha). */
struct f_crit {
	int d1, d2;
	double alpha, lo, hi;
};
#define F_CRIT_SLOTS 64
static _Thread_local struct f_crit f_crit_memo[F_CRIT_SLOTS];

static void f_bracket(struct f_crit *c)
{
	double a = 0, b = 1;
	while (assay_f_upper(b, c->d1, c->d2) >= c->alpha && b < 1e12)
		b *= 2;
	/* bisection on the computed tail: a keeps p(a) >= alpha */
	for (int it = 0; it < 200 && b - a > 1e-12 * b; it++) {
		double mid = 0.5 * (a + b);
		if (assay_f_upper(mid, c->d1, c->d2) >= c->alpha)
			a = mid;
		else
			b = mid;
	}
	/* then out to the margins (a step or two; where the tail is too flat
	 * for that, the bracket is given up: every f takes the p-value) */
	int it = 0;
	c->lo = a;
	while (!(assay_f_upper(c->lo, c->d1, c->d2) >= c->alpha * (1 + 1e-9)))
		if (++it > 1000 || !((c->lo *= 1 - 1e-8) > 0)) {
			c->lo = -1;
			break;
		}
	it = 0;
	c->hi = b;
	while (!(assay_f_upper(c->hi, c->d1, c->d2) < c->alpha * (1 - 1e-9)))
		if (++it > 1000 || !((c->hi *= 1 + 1e-8) < 1e12)) {
			c->hi = INFINITY;
			break;
		}
}

/* The bracket of (d1, d2, alpha), from the memo or computed into it. */
static const struct f_crit *f_crit_get(int d1, int d2, double alpha)
{
	struct f_crit *c = &f_crit_memo[((unsigned)d1 * 31u + (unsigned)d2) %
					F_CRIT_SLOTS];
	if (c->d1 != d1 || c->d2 != d2 || c->alpha != alpha) {
		*c = (struct f_crit){ .d1 = d1, .d2 = d2, .alpha = alpha };
		f_bracket(c);
	}
	return c;
}

int verdict_f_decided(double f, int d1, int d2, double alpha)
{
	if (!isfinite(f) || !(alpha > 0 && alpha < 1))
		return -1;
	const struct f_crit *c = f_crit_get(d1, d2, alpha);
	if (f <= c->lo)
		return 0;
	if (f >= c->hi)
		return 1;
	return -1;
}

/* The rows older than the span that the seasonality F test reads too
 * (rule 1c; and a quarterly screen's seasonal medians, rule 1a), into
 * c->hy, c->hx, c->hg (c->nh), and their moments into c->hist_f1 (by
 * season) and c->hist_f0 (one group); rule 1a's screen calls it, once a
 * move, when it has the limits: up to W rows before the span, each
 * finite with a finite lag under the AR term, and within rule 1a's
 * screen -- the span's median +- ASSAY_SET_ASIDE_SCREEN robust sigma --
 * its lag too.  Twenty changes of a quarterly series found seasons of
 * +1, -0.5, -1 and +0.5 sigma in fewer than half the windows; and a crash
 * years back, unscreened, would swell both fits' residuals and hide the
 * seasons it was read for.  None when the screen did not run
 * (--set-aside 0, or under four rows).  The models themselves are still
 * fitted on the window alone; these rows only inform the test.
 *
 * The moments are summed in one pass about the median: every row is
 * within lim of it, so the centred sums Sum d^2 - (Sum d)^2 / n lose at
 * most the digits of (lim / sd)^2, a few units, where the two passes of
 * fit_moments_pair cost a fifth of the judging's time more. */
void verdict_history_rows(struct ctx *c, const double *y, size_t t, int ar)
{
	struct fit *h1 = &c->hist_f1, *h0 = &c->hist_f0;
	c->nh = 0;
	double med = c->screen_med, lim = c->screen_lim;
	size_t span = (size_t)c->span, first = ar ? 1 : 0;
	if (!(lim > 0) || t < span + 1 + first)
		return;
	size_t w = (size_t)c->o->window, older = t - span - first;
	size_t oldest = older > w ? t - span - w : first;
	int ns = c->o->seasons, cnt[MAX_SEASONS] = { 0 };
	/* lane 0 the change y - med, lane 1 its lag x - med (0 without ar) */
	pair s[MAX_SEASONS], q[MAX_SEASONS];
	double sc[MAX_SEASONS];
	for (int k = 0; k < ns; k++) {
		s[k] = q[k] = (pair){ 0, 0 };
		sc[k] = 0;
	}
	const pair shift = { med, ar ? med : 0 };
	/* in locals: the stores to hg might alias c's fields */
	double *hy = c->hy, *hx = c->hx;
	int *hg = c->hg, nh = 0;
	const int *season = c->season;
	for (size_t i = t - span - 1;; i--) {
		double v = y[i], x = ar ? y[i - 1] : 0;
		if (fabs(v - med) <= lim && (!ar || fabs(x - med) <= lim)) {
			int g = season[i];
			pair d = (pair){ v, x } - shift;
			s[g] += d;
			q[g] += d * d;
			sc[g] += d[0] * d[1];
			cnt[g]++;
			hy[nh] = v;
			hx[nh] = x;
			hg[nh] = g;
			nh++;
		}
		if (i == oldest)
			break;
	}
	c->nh = nh;
	/* the centred sums: within each season (h1) and about all rows (h0) */
	*h1 = (struct fit){ .ngroups = ns };
	*h0 = (struct fit){ .ngroups = 1 };
	pair S = { 0, 0 }, Q = { 0, 0 };
	double C = 0;
	for (int k = 0; k < ns; k++) {
		if (!cnt[k])
			continue;
		double n = cnt[k];
		pair m = s[k] / n;
		h1->ng[k] = cnt[k];
		h1->my[k] = med + m[0];
		h1->mx[k] = shift[1] + m[1];
		h1->syy += q[k][0] - s[k][0] * m[0];
		h1->sxx += q[k][1] - s[k][1] * m[1];
		h1->sxy += sc[k] - s[k][0] * m[1];
		S += s[k];
		Q += q[k];
		C += sc[k];
	}
	double n = c->nh;
	if (!c->nh)
		return;
	pair m = S / n;
	h0->ng[0] = c->nh;
	h0->my[0] = med + m[0];
	h0->mx[0] = shift[1] + m[1];
	h0->syy = Q[0] - S[0] * m[0];
	h0->sxx = Q[1] - S[1] * m[1];
	h0->sxy = C - S[0] * m[1];
	/* Sum x^2, for the test of a lag without variation only */
	h1->sx2 = h0->sx2 = Q[1] + shift[1] * (2 * S[1] + n * shift[1]);
}

/* Finish an F test's fit of model rows [0, m) but `skip` and the history
 * rows (in group 0 when one_group): the rare exact pass of
 * verdict_fit_finish sums the history rows' squared residuals too. */
static void test_fit_finish(const struct ctx *c, struct fit *f, int ar,
			    const double *y, const double *x, const int *g,
			    int m, int skip, int one_group)
{
	verdict_fit_finish(f, ar, y, x, g, m, skip);
	if (!verdict_fit_needs_exact(f))
		return;
	for (int h = 0; h < c->nh; h++) {
		int k = one_group ? 0 : c->hg[h];
		double e = c->hy[h] - f->my[k] - f->beta * (c->hx[h] - f->mx[k]);
		f->rss += e * e;
	}
}

/* The moments of rows a and b together, into a: per group, the means
 * weighted by the counts and the centred sums plus na nb / n times the
 * products of the means' differences (Chan, Golub and LeVeque 1983, the
 * pairwise update) -- the sums Welford's updates of a by b's rows give,
 * without a division per row. */
static void fit_merge(struct fit *a, const struct fit *b, int ar)
{
	for (int k = 0; k < a->ngroups; k++) {
		int nb = b->ng[k];
		if (!nb)
			continue;
		double na = a->ng[k], n = na + nb, w = na * nb / n;
		double dy = b->my[k] - a->my[k], dx = ar ? b->mx[k] - a->mx[k] : 0;
		a->ng[k] += nb;
		a->my[k] += dy * (nb / n);
		a->syy += w * dy * dy;
		if (ar) {
			a->mx[k] += dx * (nb / n);
			a->sxx += w * dx * dx;
			a->sxy += w * dx * dy;
		}
	}
	a->syy += b->syy;
	if (ar) {
		a->sxx += b->sxx;
		a->sxy += b->sxy;
		a->sx2 += b->sx2;
	}
}

/* The F test's fits: the window's (f0, f1) with the history rows (their
 * moments c->hist_f0, c->hist_f1) added. */
static void test_fits(const struct ctx *c, int m, int ar, struct season_fits *sf)
{
	const struct fit *h0 = &c->hist_f0, *h1 = &c->hist_f1;
	sf->t0 = sf->f0;
	sf->t1 = sf->f1;
	if (!c->nh)
		return;
	fit_merge(&sf->t1, h1, ar);
	fit_merge(&sf->t0, h0, ar);
	test_fit_finish(c, &sf->t1, ar, c->ys, c->xs, c->gs, m, -1, 0);
	test_fit_finish(c, &sf->t0, ar, c->ys, c->xs, c->zero_g, m, -1, 1);
}

/* Seasonality (rule 1): impose seasonal means (--seasonal yes) or test
 * them against one intercept by the partial F test (auto; J->seasonal_p)
 * on the window's m rows and the history rows (history_rows).  Returns 1
 * for seasonal means, 0 for one intercept, -1 when --seasonal yes lacks
 * two rows per season. */
static int choose_seasonal(struct ctx *c, int m, int ar, struct season_fits *sf,
			   assay_judgement *J)
{
	const assay_judge_opts *o = c->o;
	int seasons = o->seasons;
	sf->have_f0 = sf->have_f1 = 0;
	sf->rows = -1;
	if (!(seasons >= 2 && c->season && o->seasonal != ASSAY_SEASONAL_NO))
		return 0;
	int cnt[MAX_SEASONS] = { 0 }, enough = 1;
	for (int i = 0; i < m; i++)
		cnt[c->gs[i]]++;
	for (int k = 0; k < seasons; k++)
		if (cnt[k] < 2)
			enough = 0;
	if (o->seasonal == ASSAY_SEASONAL_YES)
		return enough ? 1 : -1;
	if (!enough)
		return 0;
	/* partial F test: seasonal means vs one intercept, the AR term in
	 * both (the one-intercept fit's group column: c->zero_g) */
	fit_moments_pair(c->ys, c->xs, c->gs, m, seasons, cnt, ar, &sf->f1,
			 &sf->f0);
	verdict_fit_finish(&sf->f1, ar, c->ys, c->xs, c->gs, m, -1);
	verdict_fit_finish(&sf->f0, ar, c->ys, c->xs, c->zero_g, m, -1);
	sf->have_f0 = sf->have_f1 = 1;
	sf->rows = m;
	J->seasonal_older = c->nh;     /* rule 1a's screen found them */
	test_fits(c, m, ar, sf);
	const struct fit *t0 = &sf->t0, *t1 = &sf->t1;
	int d1 = t1->p - t0->p, d2 = m + c->nh - t1->p;
	double p;
	if (d1 <= 0 || d2 <= 0)
		p = NAN;
	else if (t1->rss > 0) {
		double f = (t0->rss - t1->rss) / d1 / (t1->rss / d2);
		/* Without o->scales nobody reads the p-value, only the decision:
		 * outside a narrow bracket around the critical value it is
		 * known without the F tail (6% of `changes`' time). */
		int sure = o->scales ? -1 :
			   verdict_f_decided(f, d1, d2, o->season_alpha);
		if (sure >= 0)
			return sure;
		p = assay_f_upper(f, d1, d2);
	} else
		p = t0->rss > 0 ? 0 : 1;
	J->seasonal_p = p;
	return p < o->season_alpha;
}

/* The one-intercept model on the rows the seasonal test read, when those
 * are the W window's (the span is W): one group. */
static int one_group(struct ctx *c, int m)
{
	for (int i = 0; i < m; i++)
		c->gs[i] = 0;
	return m;
}

/* The W window for the one-intercept model when the seasonal test looked
 * further back (five years of a monthly series): its rows afresh, and
 * screened for past shocks on their own.  The five years' screen listed
 * a crash four years old as set aside from a window of 20 months, and
 * one event there beside one in the window made two, read as heavy
 * tails: the shock in the window stayed and hid the next one. */
static int w_window_rows(struct ctx *c, const double *y, size_t t, int ar,
			 struct season_fits *sf, assay_judgement *J)
{
	int span = c->span, nfin;
	c->span = c->o->window;
	int m = model_rows(c, y, t, ar, &nfin);
	c->span = span;
	sf->have_f0 = 0;        /* the F test's one-intercept fit: other rows */
	m = verdict_set_aside_shocks_w(c, y, t, m, ar, c->o->set_aside, J);
	for (int i = 0; i < m; i++)
		c->gs[i] = 0;
	return m;
}

/* Rule 1b: the seasonality decision left out with each row.  The rank
 * of rule 3 is valid when every point is scored alike by the others; the
 * judged move's model was chosen on the window without it, so each
 * window row's model is chosen on the window and the move without that
 * row, and its score is its leave-one-out statistic under that model.
 * (Scored under the move's model, the rows of a window that chose
 * seasonal means because they happened to sit near them had small
 * scores: weak seasons gave 6.0% false positives at 5%.)  Both fits are
 * of the m + 1 rows; the F test without row i follows from them by the
 * deletion identity RSS_(i) = RSS - e_i^2 / (1 - h_i). */

/* A fit's group means and inverses in locals, for rows scored against
 * it (1 / n_g and 1 / Sxx: no division per row). */
struct row_fit {
	double my[MAX_SEASONS], mx[MAX_SEASONS], inv_ng[MAX_SEASONS];
	double beta, inv_sxx, rss;
	int ar, dfl;
};

static void row_fit_init(struct row_fit *r, const struct fit *f, int m)
{
	for (int k = 0; k < f->ngroups; k++) {
		r->my[k] = f->my[k];
		r->mx[k] = f->mx[k];
		r->inv_ng[k] = f->ng[k] ? 1.0 / f->ng[k] : 0;
	}
	r->ar = f->ar;
	/* without the lag, beta and 1 / Sxx are 0 and dx counts for nothing:
	 * no branch on it per row */
	r->beta = f->ar ? f->beta : 0;
	r->inv_sxx = f->ar ? 1 / f->sxx : 0;
	r->rss = f->rss;
	r->dfl = m + 1 - f->p - 1;
}

/* Row (y, x)'s residuals in the one-intercept fit r0 and in the seasonal
 * fit r1 (season g), and their 1 - h, as the two lanes of a pair. */
static inline pair row_resid2(const struct row_fit *r0, const struct row_fit *r1,
			      double y, double x, int g, pair *q)
{
	pair my = { r0->my[0], r1->my[g] }, mx = { r0->mx[0], r1->mx[g] };
	pair inv = { r0->inv_ng[0], r1->inv_ng[g] };
	pair isxx = { r0->inv_sxx, r1->inv_sxx }, beta = { r0->beta, r1->beta };
	pair dx = x - mx;
	*q = 1 - (inv + dx * dx * isxx);
	return y - my - beta * dx;
}

/* Does the F test choose seasons without the row whose residuals are e0
 * (one intercept, fit rss R0) and e1 (seasonal means, R1), 1 - h q0 and
 * q1?  With r_k = R_k - e_k^2 / q_k, both times q0 q1 (A and B), F =
 * (A - B) d2 / (d1 B): compared with the critical value's bracket
 * (verdict_f_decided) without a division; the F tail only inside it. */
static int row_selects_seasons(const struct f_crit *fc, double R0, double R1,
			       double e0, double q0, double e1, double q1)
{
	if (!(q0 > 1e-10 && q1 > 1e-10))
		return 0;
	double qq = q0 * q1;
	double A = R0 * qq - e0 * e0 * q1, B = R1 * qq - e1 * e1 * q0;
	if (!(B > 1e-12 * A))
		return A > 0;
	double num = (A - B) * fc->d2, den = fc->d1 * B;
	if (num <= fc->lo * den)
		return 0;
	if (num >= fc->hi * den)
		return 1;
	return assay_f_upper(num / den, fc->d1, fc->d2) < fc->alpha;
}

/* Row i's squared leave-one-out t from the fit (residual e, 1 - h q), or
 * from a refit where the deletion identity would lose the digits. */
static inline double row_score2(const struct ctx *c, const struct row_fit *r,
				const int *gs, int ngroups, int m, int i,
				double e, double q)
{
	double s2;
	if (r->dfl > 0 && deletion_score2(e, q, r->rss, 1e-4 * r->rss, r->dfl, &s2))
		return s2;
	return refit_score2(c, gs, m, i, ngroups, r->ar);
}

/* loo_rank with each row under the model its own F test chooses. */
__attribute__((noinline))
static void loo_rank_selected(const struct ctx *c, int m, int ar, double tie,
			      double tie0, int *R, int *R0, double *lo,
			      double *hi)
{
	int S = c->o->seasons;
	const double *ys = c->ys, *xs = c->xs;
	const int *gsea = c->season_g;
	/* the F test's fits of the window, updated with the move */
	struct fit f0 = *c->sel_f0, f1 = *c->sel_f1;
	fit_add(&f0, ys[m], xs[m], 0, ar);
	verdict_fit_finish(&f0, ar, ys, xs, c->zero_g, m + 1, -1);
	fit_add(&f1, ys[m], xs[m], gsea[m], ar);
	verdict_fit_finish(&f1, ar, ys, xs, gsea, m + 1, -1);
	struct row_fit r0, r1;
	row_fit_init(&r0, &f0, m);
	row_fit_init(&r1, &f1, m);
	/* the F test's fits: with the history rows (rule 1c), updated with
	 * the move too; without them, f0 and f1 */
	const struct fit *t0 = &f0, *t1 = &f1;
	const struct row_fit *u0 = &r0, *u1 = &r1;
	struct fit g0, g1;
	struct row_fit v0, v1;
	if (c->nh) {
		g0 = *c->test_f0;
		g1 = *c->test_f1;
		fit_add(&g0, ys[m], xs[m], 0, ar);
		test_fit_finish(c, &g0, ar, ys, xs, c->zero_g, m + 1, -1, 1);
		fit_add(&g1, ys[m], xs[m], gsea[m], ar);
		test_fit_finish(c, &g1, ar, ys, xs, gsea, m + 1, -1, 0);
		row_fit_init(&v0, &g0, m);
		row_fit_init(&v1, &g1, m);
		t0 = &g0;
		t1 = &g1;
		u0 = &v0;
		u1 = &v1;
	}
	/* without any one row every season keeps two rows of the window (so
	 * d1 and d2 are those of the m + 1 rows less one) only if each has
	 * two now and the row's own three; else that row's test is not run
	 * (one intercept), as choose_seasonal needs two rows a season */
	int all2 = 1;
	for (int k = 0; k < S; k++)
		all2 &= f1.ng[k] >= 2;
	int d1 = t1->p - t0->p, d2 = m + c->nh - t1->p;
	double T0 = t0->rss, T1 = t1->rss;
	const struct f_crit *fc = all2 && d1 > 0 && d2 > 0 ?
		f_crit_get(d1, d2, c->o->season_alpha) : NULL;
	struct loo_ranks A = {
		.tie2 = tie > 0 ? tie * tie : -1,
		.tie02 = tie0 > 0 ? tie0 * tie0 : -1,
		.lo2 = INFINITY, .hi2 = -INFINITY, .vl = c->vl,
	};
	for (int i = 0; i < m; i++) {
		int g = gsea[i];
		pair q, e = row_resid2(&r0, &r1, ys[i], xs[i], g, &q);
		double e0 = e[0], e1 = e[1], q0 = q[0], q1 = q[1];
		/* the row's residuals in the F test's fits */
		pair tq = q, te = e;
		if (c->nh)
			te = row_resid2(u0, u1, ys[i], xs[i], g, &tq);
		int sel = fc && f1.ng[g] >= 3 &&
			  row_selects_seasons(fc, T0, T1, te[0], tq[0], te[1], tq[1]);
		double s2 = sel ? row_score2(c, &r1, gsea, S, m, i, e1, q1)
				: row_score2(c, &r0, c->zero_g, 1, m, i, e0, q0);
		loo_count(&A, s2, i);
	}
	*R = A.r;
	*R0 = A.r0;
	*lo = sqrt(A.lo2);
	*hi = A.hi2 >= 0 ? sqrt(A.hi2) : A.hi2;
}

/* The least score that ties with |stat| x (shock_p); an infinite x (a
 * move beyond the doubles' range of its window's scale) ties only with
 * infinite scores -- x - 1e-9 x was NaN, and every score counted. */
static double tie_below(double x)
{
	return isinf(x) ? x : x - fmax(1e-9 * x, 1e-12);
}

/* Rule 3 for the move r_t (row m, lag xt, group gt) whose statistic is in
 * J: its rank among the window's leave-one-out scores, the interpolated
 * conformal p-value and the mid-rank score of rule 4. */
static void shock_p(struct ctx *c, const struct fit *fw, int m, double rt,
		    double xt, int gt, int df, assay_judgement *J)
{
	/* Ties count as "at least as extreme" (the conservative conformal
	 * convention).  Real data have exact ties -- a fixed price repeats
	 * the same (lag, change) row -- and the window's scores come from a
	 * different computation than the move's own statistic, so scores
	 * within 1e-9 relative or 1e-12 absolute of it are ties (and a
	 * statistic below 1e-12 in size has no sign: it is zero up to
	 * rounding). */
	c->ys[m] = rt;
	c->xs[m] = xt;
	c->gs[m] = gt;
	double x = fabs(J->stat), x0 = fabs(J->stat * J->vol_ratio), lo, hi;
	int R, Rz;
	if (c->loo_select)
		loo_rank_selected(c, m, fw->ar, tie_below(x), tie_below(x0),
				  &R, &Rz, &lo, &hi);
	else
		loo_rank(c, fw, m, tie_below(x), tie_below(x0), &R, &Rz, &lo, &hi);
	/* The tail between and beyond the scores: Student's t with at most
	 * ASSAY_TAIL_DF degrees of freedom -- scores divided by a local
	 * scale have heavier tails than the pooled t (at 0.01 Gaussian
	 * windows were called notable 1.5% of the time with df). */
	int dft = df < ASSAY_TAIL_DF ? df : ASSAY_TAIL_DF;
	double s_x = dft == df ? J->p_t : assay_t_two_sided(J->stat, dft);
	double s_lo = R > 0 ? assay_t_two_sided(lo, dft) : 0;
	double s_hi = R < m ? assay_t_two_sided(hi, dft) : 1;
	double frac = s_hi > s_lo ? (s_x - s_lo) / (s_hi - s_lo) : 0;
	if (!(frac > 0))
		frac = 0;
	if (frac > 1)
		frac = 1;
	J->rank = R;
	J->p_shock = (R + frac) / (m + 1);
	/* The run test (rule 4) ranks the move by the pooled statistic: a
	 * run of large moves raises the local scale of its own later moves
	 * (rule 2a would read a new level as a louder regime). */
	double z = mid_rank_score(c, m, Rz);
	J->score = J->stat > 1e-12 ? z : J->stat < -1e-12 ? -z : 0;
}

/* The t statistic of the window fit's AR coefficient. */
static double phi_t(const struct fit *fw, int df)
{
	double se = sqrt(fw->rss / df / fw->sxx);
	return se > 0 ? fw->beta / se : 0;
}

/* Was the row just before the judged move set aside (rule 1a)?  0 no,
 * 1 yes, 2 yes and it was the reversal of a spike set aside with it. */
static int lag_set_aside(const assay_judgement *J)
{
	int k1 = -1, k2 = -1;
	for (int k = 0; k < J->n_set_aside; k++) {
		if (J->set_aside_age[k] == 1)
			k1 = k;
		else if (J->set_aside_age[k] == 2)
			k2 = k;
	}
	if (k1 < 0)
		return 0;
	return k2 >= 0 && J->set_aside_z[k1] * J->set_aside_z[k2] < 0 ? 2 : 1;
}

/* Rules 1 to 3 for move t on basis y, from its m model rows (with the
 * AR term: ar); the F test's fits are left in sf. */
static void judge_rows(struct ctx *c, const double *y, size_t t, int ar,
		       int m, struct season_fits *sf, assay_judgement *J)
{
	const assay_judge_opts *o = c->o;
	m = verdict_set_aside_shocks(c, y, t, m, ar, o->set_aside, J);
	int seasonal = choose_seasonal(c, m, ar, sf, J);
	/* rule 1b when the test ran on the rows both models are fitted on
	 * (a span longer than W fits one intercept on other rows) */
	c->loo_select = sf->rows == m && m > 0 && c->span <= o->window;
	if (c->loo_select) {
		memcpy(c->season_g, c->gs, (size_t)m * sizeof *c->gs);
		c->season_g[m] = c->season[t];
		c->sel_f0 = &sf->f0;
		c->sel_f1 = &sf->f1;
		c->test_f0 = &sf->t0;
		c->test_f1 = &sf->t1;
	}
	if (seasonal < 0) {
		J->why = ASSAY_UNJUDGED_SEASONAL;
		return;
	}
	if (!seasonal)
		m = c->span > o->window ? w_window_rows(c, y, t, ar, sf, J)
					: one_group(c, m);
	int ngroups = seasonal ? o->seasons : 1;
	int gt = seasonal ? c->season[t] : 0;
	J->seasonal = seasonal;
	J->n_history = m;
	if (m < o->min_history || m < ngroups + ar + 2) {
		J->why = ASSAY_UNJUDGED_HISTORY;
		J->params = ngroups + ar;       /* what the reason names */
		return;
	}

	/* rule 2: the prediction-interval t statistic, window fit only */
	struct fit fnew;
	const struct fit *fw;   /* the window fit: f0, f1 or fnew */
	if (seasonal && sf->have_f1)
		fw = &sf->f1;
	else if (!seasonal && sf->have_f0)
		fw = &sf->f0;
	else {
		verdict_fit_rows(c->ys, c->xs, c->gs, m, -1, ngroups, ar, &fnew);
		fw = &fnew;
	}
	J->ar = fw->ar;
	J->phi = fw->ar ? fw->beta : NAN;
	J->params = fw->p;
	int df = m - fw->p;
	if (fw->ng[gt] == 0 || df < 1) {
		J->why = ASSAY_UNJUDGED_HISTORY;
		return;
	}
	/* No residual variation: the window is constant, or the model fits
	 * it exactly (a fixed price after one step: two distinct rows and a
	 * line through them).  The residual sum is then rounding noise, far
	 * below 1e-20 of the variation, and a test against it would be
	 * decided by the last bits of the data. */
	if (!(fw->rss > 1e-20 * fw->syy)) {     /* also rss = syy = 0 */
		J->why = ASSAY_UNJUDGED_FLAT;
		return;
	}
	double xt = ar ? y[t - 1] : 0, lev;
	/* The judged move's lag is a past shock set aside (the move right
	 * after a splice, or after a spike's reversal): the AR term must not
	 * extrapolate from it, far outside the lags it was fitted on (a
	 * quiet quarter after a level step was "expected +66%", a shock; a
	 * 4-sigma shock there was found 6% of the time).  Unless the window
	 * shows momentum or mean reversion beyond doubt (|t| of phi >=
	 * ASSAY_LAG_SHOCK_T: then a shock propagates, as a quarter's average
	 * carries a jump late in the quarter before), its lag is taken as
	 * unknown: the group's mean lag, no AR part.  A spike whose reversal
	 * is the lag is over whatever phi says (a strike quarter and the
	 * recovery after it: changes of noisy levels have phi near -0.5, and
	 * the next quarter was "expected -36%, mean reversion"). */
	int lag = fw->ar ? lag_set_aside(J) : 0;
	if (lag == 2 || (lag == 1 && !(fabs(phi_t(fw, df)) >= ASSAY_LAG_SHOCK_T)))
		xt = fw->mx[gt];
	J->expected = fit_predict(fw, xt, gt, &lev);
	/* its AR part: phi times how far the last move was from the mean lag */
	J->expected_ar = fw->ar ? fw->beta * (xt - fw->mx[gt]) : 0;
	J->scale = sqrt(fw->rss / df * (1 + lev));
	c->resid_sd = sqrt(fw->rss / df);
	c->vl = NULL;
	J->vol_ratio = 1;
	if (o->vol_half_life > 0) {
		local_scales(c, fw, m, df);
		J->vol_ratio = sqrt(c->vloc[m]);
		J->scale *= J->vol_ratio;
	}
	J->stat = (y[t] - J->expected) / J->scale;
	J->df = df;
	J->p_t = assay_t_two_sided(J->stat, df);
	shock_p(c, fw, m, y[t], xt, gt, df, J);
	J->why = ASSAY_JUDGED;
}

/* The window's noise scales (J->noise): the sd from the F test's
 * one-intercept fit when that was of exactly the window's changes --
 * the span is the window, and the test had all nfin finite changes of
 * it as rows, in order -- since its mean (sum / n) and centred sum of
 * squares are the very sums window_sd forms; else from the window. */
static void noise_scales(struct ctx *c, const double *y, size_t t, int nfin,
			 const struct season_fits *sf, assay_judgement *J)
{
	if (!c->o->scales && c->span == c->o->window && sf->rows == nfin &&
	    nfin >= 2) {
		J->noise.n = (size_t)nfin;
		J->noise.sd = sqrt(sf->f0.syy / (double)(nfin - 1));
		return;
	}
	noise_window(c, y, t, J);
}

/* The typical move: the sd of the W window's finite changes other than
 * the past shocks set aside (rule 1a).  With one 6-sigma crash in the
 * window its sd is about twice the sd of the moves the verdict actually
 * ranks against, so "typical move" must not be that sd. */
static void typical_move(struct ctx *c, const double *y, size_t t,
			 assay_judgement *J)
{
	/* A seasonal verdict compares the move with its season's: the
	 * typical move is the sd about the seasonal means (the window fit's
	 * residual sd), not the sd of the changes, which the seasonal swings
	 * fill ("-29.1% against an expected -15%, a notable shock (typical
	 * move +/-12.9%)" was judged on a residual sd of 2.8%). */
	if (J->seasonal && J->why == ASSAY_JUDGED && isfinite(c->resid_sd)) {
		J->typical = c->resid_sd;
		return;
	}
	J->typical = J->noise.sd;
	if (J->n_set_aside < 1)
		return;
	size_t W = (size_t)c->o->window, nw = 0;
	double sum = 0;
	for (size_t i = t > W ? t - W : 0; i < t; i++) {
		int aside = 0;
		for (int k = 0; k < J->n_set_aside; k++)
			aside |= (size_t)J->set_aside_age[k] == t - i;
		if (isfinite(y[i]) && !aside) {
			c->win[nw++] = y[i];
			sum += y[i];
		}
	}
	J->typical = window_sd(c->win, nw, sum);
}

/* Judge move t (rules 1 to 3; rules 4 and 5 are decide's). */
static void judge_one(struct ctx *c, size_t t, assay_judgement *J)
{
	judgement_init(J);
	c->resid_sd = NAN;
	const double *y = pick_basis(c, t, &J->basis);
	J->change = y[t];
	if (!isfinite(y[t])) {
		J->why = ASSAY_UNJUDGED_NA;
		return;
	}
	int e;
	y = scaled_window(c, y, t, J->basis == ASSAY_BASIS_LOG ? c->check_log
							: c->check_diff, &e);
	/* the AR term is on when the judged move has a lag */
	int ar = c->o->ar && t >= 1 && isfinite(y[t - 1]);
	int nfin;
	int m = model_rows(c, y, t, ar, &nfin);
	struct season_fits sf;
	sf.rows = -1;
	judge_rows(c, y, t, ar, m, &sf, J);
	noise_scales(c, y, t, nfin, &sf, J);
	typical_move(c, y, t, J);
	if (e)
		scale_back(J, e);
}

/* rules 4 and 5, once the scores of the earlier moves are known */
static void decide(struct ctx *c, size_t t, assay_judgement *J)
{
	const assay_judge_opts *o = c->o;
	double zt = c->z[t];
	int cap = 1, K = 1, inrun = 1;
	double sum = zt;
	for (size_t j = t; j-- > 0 && cap < o->run_max;) {
		if (!isfinite(c->z[j]))
			break;
		cap++;
		if (inrun && c->z[j] * zt > 0) {
			K++;
			sum += c->z[j];
		} else {
			inrun = 0;
		}
	}
	J->run = K;
	J->run_cap = cap;
	J->run_stat = fabs(sum) / sqrt((double)K);
	J->p_trend = K >= 2 ? assay_run_p(J->run_stat, cap) : 1;

	double w = o->trend_share;
	double ps = J->p_shock / (1 - w);
	double pr = w > 0 ? J->p_trend / w : INFINITY;
	J->p = fmin(1, fmin(ps, pr));
	if (pr <= o->alpha && pr < ps)
		J->verdict = ASSAY_VERDICT_TREND;
	else if (ps <= o->alpha)
		J->verdict = ASSAY_VERDICT_SHOCK;
	else
		J->verdict = ASSAY_VERDICT_NOISE;
}

/* The options' ranges: 0, or -1 with err filled (ASSAY_EUSAGE). */
static int check_opts(const assay_judge_opts *o, assay_error *err)
{
	if (o->window < 2 || o->window > 100000)
		return assay_fail(err, ASSAY_EUSAGE,
				  "window %d is out of range (2 to 100000)", o->window);
	if (o->min_history < 2)
		return assay_fail(err, ASSAY_EUSAGE,
				  "minimum history %d is below 2", o->min_history);
	if (!(o->alpha > 0 && o->alpha < 1))
		return assay_fail(err, ASSAY_EUSAGE,
				  "alpha %g is not between 0 and 1", o->alpha);
	if (o->run_max < 1 || o->run_max > MAX_RUN)
		return assay_fail(err, ASSAY_EUSAGE,
				  "run length %d is out of range (1 to %d)",
				  o->run_max, MAX_RUN);
	if (!(o->trend_share >= 0 && o->trend_share < 1))
		return assay_fail(err, ASSAY_EUSAGE,
				  "trend share %g is out of range [0, 1)",
				  o->trend_share);
	if (o->seasons < 0 || o->seasons > MAX_SEASONS || o->seasons == 1)
		return assay_fail(err, ASSAY_EUSAGE,
				  "%d seasons per year is not supported", o->seasons);
	if (!(o->vol_half_life >= 0))
		return assay_fail(err, ASSAY_EUSAGE,
				  "volatility half-life %g is negative", o->vol_half_life);
	if (!(o->season_alpha > 0 && o->season_alpha < 1))
		return assay_fail(err, ASSAY_EUSAGE,
				  "seasonality level %g is not between 0 and 1",
				  o->season_alpha);
	return 0;
}

int assay_judge(const double *r_log, const double *r_diff, const int *season,
		size_t n, size_t first, const assay_judge_opts *o,
		assay_judgement *out, assay_error *err)
{
	if (check_opts(o, err))
		return -1;

	struct ctx c;
	memset(&c, 0, sizeof c);
	c.r_log = r_log;
	c.r_diff = r_diff;
	c.season = season;
	c.n = n;
	c.o = o;
	/* The seasonal test and model look back five years (at least W):
	 * with 36 months the F test of 12 monthly means found a clear
	 * seasonal pattern (amplitude 1.5 sigma) only half the time, and
	 * the false-positive rate of such series rose to 6%; with 60 months
	 * it finds 98% and the rate is 5.2% (quarterly: 20 = W, unchanged). */
	c.span = o->window;
	c.vol_lambda = o->vol_half_life > 0 ? pow(2, -1 / o->vol_half_life) : 0;
	if (o->seasons >= 2 && season && o->seasonal != ASSAY_SEASONAL_NO &&
	    5 * o->seasons > c.span)
		c.span = 5 * o->seasons;
	size_t rows = (size_t)c.span + 2;
	c.z = malloc((n ? n : 1) * sizeof *c.z);
	c.ys = malloc(rows * sizeof *c.ys);
	c.xs = malloc(rows * sizeof *c.xs);
	c.win = malloc(rows * sizeof *c.win);
	c.keep = malloc(rows);
	c.srt.v = malloc(rows * sizeof *c.srt.v);
	c.srt.span = (size_t)c.span;
	c.srt_w.v = malloc(rows * sizeof *c.srt_w.v);
	c.srt_w.span = (size_t)o->window;
	c.sres = malloc(rows * sizeof *c.sres);
	c.sres_sorted = malloc(rows * sizeof *c.sres_sorted);
	c.sbuck = malloc((rows + (size_t)o->window) * sizeof *c.sbuck);
	c.qn_work = malloc(VERDICT_QN_WORK(rows) * sizeof *c.qn_work);
	c.qn_iwork = malloc(5 * rows * sizeof *c.qn_iwork);
	c.vloc = malloc(rows * sizeof *c.vloc);
	c.vinv = malloc(rows * sizeof *c.vinv);
	c.gs = malloc(rows * sizeof *c.gs);
	c.season_g = malloc(rows * sizeof *c.season_g);
	size_t hrows = (size_t)o->window;
	c.hy = malloc(hrows * sizeof *c.hy);
	c.hx = malloc(hrows * sizeof *c.hx);
	c.hg = malloc(hrows * sizeof *c.hg);
	c.idx = malloc(rows * sizeof *c.idx);
	c.zero_g = calloc(rows, sizeof *c.zero_g);
	c.no_log = malloc((n + 1) * sizeof *c.no_log);
	/* not for windows of thousands, nor when z_memo has every m */
	int want_zcache = rows > Z_MEMO_M && rows <= 256;
	if (want_zcache)
		c.zcache = malloc(rows * rows * sizeof *c.zcache);
	int rc = 0;
	if (!c.z || !c.ys || !c.xs || !c.win || !c.keep || !c.srt.v || !c.srt_w.v || !c.sres || !c.sres_sorted || !c.sbuck || !c.qn_work || !c.qn_iwork || !c.vloc || !c.vinv || !c.gs || !c.season_g || !c.hy || !c.hx || !c.hg || !c.idx || !c.zero_g || !c.no_log ||
	    (want_zcache && !c.zcache)) {
		rc = assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	for (size_t i = 0; c.zcache && i < rows * rows; i++)
		c.zcache[i] = NAN;
	c.no_log[0] = 0;
	for (size_t i = 0; i < n; i++)
		c.no_log[i + 1] = c.no_log[i] + (r_log && isfinite(r_diff[i]) &&
						 !isfinite(r_log[i]));
	c.check_diff = any_out_of_range(r_diff, n);
	c.check_log = r_log && any_out_of_range(r_log, n);
	if ((c.check_diff || c.check_log) &&
	    !(c.ysc = malloc(n * sizeof *c.ysc))) {
		rc = assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}

	size_t start = first > (size_t)(o->run_max - 1) ? first - (o->run_max - 1) : 0;
	for (size_t t = 0; t < n; t++) {
		c.z[t] = NAN;
		if (t < start) {
			judgement_init(&out[t]);
			continue;
		}
		judge_one(&c, t, &out[t]);
		if (out[t].why == ASSAY_JUDGED) {
			c.z[t] = out[t].score;
			decide(&c, t, &out[t]);
		}
	}
	/* Moves before `first` only lent their scores to the runs. */
	for (size_t t = start; t < first && t < n; t++)
		judgement_init(&out[t]);
out:
	free(c.z);
	free(c.ys);
	free(c.xs);
	free(c.win);
	free(c.keep);
	free(c.srt.v);
	free(c.srt_w.v);
	free(c.sres);
	free(c.sres_sorted);
	free(c.sbuck);
	free(c.qn_work);
	free(c.qn_iwork);
	free(c.vloc);
	free(c.vinv);
	free(c.gs);
	free(c.season_g);
	free(c.hy);
	free(c.hx);
	free(c.hg);
	free(c.idx);
	free(c.zero_g);
	free(c.no_log);
	free(c.zcache);
	free(c.ysc);
	return rc;
}

