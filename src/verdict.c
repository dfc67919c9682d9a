/*
 * The verdict on each move: noise, shock or trend (rules in verdict.h).
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
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "assay/verdict.h"

#define MAX_SEASONS 12
#define MAX_RUN 16

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
	o->season_alpha = 0.01;
	o->ar = 1;
	o->run_max = 8;
	o->trend_share = 0.1;
	o->half_life = 0;
	o->freq = ASSAY_FREQ_NONE;
	o->scales = 0;
	o->set_aside = 4.2;
	o->vol_half_life = 6;
}

/* ---- sums of half-normals: H_k(x) = P(|Z_1| + ... + |Z_k| >= x) ---------- */

/* Tabulated on x = j / 64, 0 <= x <= 40, with the densities f_k, by the
 * recursions (Y = |Z_k| with density f_1(y) = 2 phi(y)):
 *   H_k(x) = P(Y >= x) + int_0^x f_1(y) H_{k-1}(x - y) dy
 *   f_k(x) = int_0^x f_1(y) f_{k-1}(x - y) dy
 * by composite Simpson (3/8 rule on the last three panels of an odd
 * count).  Every term is positive, so the tail keeps its relative
 * accuracy.  Between grid points log H is interpolated by cubic Hermite
 * with the exact slope -f/H. */
#define HS_PER 64
#define HS_XMAX 40
#define HS_N (HS_XMAX * HS_PER + 1)

static double hs_q[MAX_RUN + 1][HS_N];
static double hs_f[MAX_RUN + 1][HS_N];
/* log H and its slope -f/H, what the interpolation reads (two logs and
 * two divisions fewer per call; the run test calls it up to 7 times per
 * move) */
static double hs_lq[MAX_RUN + 1][HS_N];
static double hs_dl[MAX_RUN + 1][HS_N];
/* Rows 1..hs_done are filled.  Readers load it with acquire order and
 * the filler stores it with release order (under hs_lock, which only
 * serialises fillers), so the hot path takes no lock: a mutex here was
 * 4% of the benchmark's time, contended between worker threads. */
static atomic_int hs_done;
static pthread_mutex_t hs_lock = PTHREAD_MUTEX_INITIALIZER;

/* int_0^{i h} a(y) b(i h - y) dy and int_0^{i h} a(y) c(i h - y) dy on
 * the grid, into *sb and *sc: the two convolutions of a table row share
 * their loads, and each sum runs in two accumulators so that the adds do
 * not wait for each other (the fill is on the first run test's path). */
static void convolve2(const double *a, const double *b, const double *c,
		      int i, double *sb, double *sc)
{
	const double h = 1.0 / HS_PER;
	if (i == 0) {
		*sb = *sc = 0;
		return;
	}
	if (i == 1) {
		*sb = h / 2 * (a[0] * b[1] + a[1] * b[0]);
		*sc = h / 2 * (a[0] * c[1] + a[1] * c[0]);
		return;
	}
	int m = i % 2 == 0 ? i : i - 3;
	double rb = 0, rc = 0;
	if (m > 0) {
		/* Simpson: weight 4 on odd j, 2 on even j in (0, m) */
		double ob0 = 0, ob1 = 0, eb0 = 0, eb1 = 0;
		double oc0 = 0, oc1 = 0, ec0 = 0, ec1 = 0;
		int j = 1;
		for (; j + 3 < m; j += 4) {
			ob0 += a[j] * b[i - j];
			oc0 += a[j] * c[i - j];
			eb0 += a[j + 1] * b[i - j - 1];
			ec0 += a[j + 1] * c[i - j - 1];
			ob1 += a[j + 2] * b[i - j - 2];
			oc1 += a[j + 2] * c[i - j - 2];
			eb1 += a[j + 3] * b[i - j - 3];
			ec1 += a[j + 3] * c[i - j - 3];
		}
		for (; j < m; j += 2) {
			ob0 += a[j] * b[i - j];
			oc0 += a[j] * c[i - j];
			if (j + 1 < m) {
				eb0 += a[j + 1] * b[i - j - 1];
				ec0 += a[j + 1] * c[i - j - 1];
			}
		}
		rb = h / 3 * (a[0] * b[i] + 4 * (ob0 + ob1) + 2 * (eb0 + eb1) +
			      a[m] * b[i - m]);
		rc = h / 3 * (a[0] * c[i] + 4 * (oc0 + oc1) + 2 * (ec0 + ec1) +
			      a[m] * c[i - m]);
	}
	if (m != i) {
		rb += 3 * h / 8 * (a[m] * b[i - m] + 3 * a[m + 1] * b[i - m - 1] +
				   3 * a[m + 2] * b[i - m - 2] + a[m + 3] * b[i - m - 3]);
		rc += 3 * h / 8 * (a[m] * c[i - m] + 3 * a[m + 1] * c[i - m - 1] +
				   3 * a[m + 2] * c[i - m - 2] + a[m + 3] * c[i - m - 3]);
	}
	*sb = rb;
	*sc = rc;
}

static void hs_fill(int k)
{
	pthread_mutex_lock(&hs_lock);
	int done = atomic_load_explicit(&hs_done, memory_order_relaxed);
	if (done == 0) {
		for (int j = 0; j < HS_N; j++) {
			double x = (double)j / HS_PER;
			hs_f[1][j] = M_SQRT2 * M_2_SQRTPI / 2 * exp(-x * x / 2);
			hs_q[1][j] = erfc(x / M_SQRT2);
			hs_lq[1][j] = log(hs_q[1][j]);
			hs_dl[1][j] = -hs_f[1][j] / hs_q[1][j];
		}
		atomic_store_explicit(&hs_done, done = 1, memory_order_release);
	}
	while (done < k) {
		int r = done + 1;
		for (int j = 0; j < HS_N; j++) {
			double cq, cf;
			convolve2(hs_f[1], hs_q[r - 1], hs_f[r - 1], j, &cq, &cf);
			hs_q[r][j] = hs_q[1][j] + cq;
			hs_f[r][j] = cf;
			hs_lq[r][j] = log(hs_q[r][j]);
			hs_dl[r][j] = -hs_f[r][j] / hs_q[r][j];
		}
		atomic_store_explicit(&hs_done, done = r, memory_order_release);
	}
	pthread_mutex_unlock(&hs_lock);
}

/* H_k(x) from the table, for 2 <= k <= hs_done and x > 0 (the callers
 * check). */
static double hs_tail(int k, double x)
{
	const double *lq = hs_lq[k], *dl = hs_dl[k];
	const double h = 1.0 / HS_PER;
	double u = x * HS_PER;
	if (u >= HS_N - 1) {
		/* Beyond the table: log H is concave, so its tangent at the end
		 * bounds it from above (a conservative p-value). */
		int e = HS_N - 1;
		return exp(lq[e] + dl[e] * (x - (double)e / HS_PER));
	}
	int j = (int)u;
	double t = u - j;
	double l0 = lq[j], l1 = lq[j + 1];
	double d0 = dl[j], d1 = dl[j + 1];
	double t2 = t * t, t3 = t2 * t;
	double l = (2 * t3 - 3 * t2 + 1) * l0 + (t3 - 2 * t2 + t) * h * d0 +
		   (-2 * t3 + 3 * t2) * l1 + (t3 - t2) * h * d1;
	return exp(l);
}

/* The table holds rows 1..k (filled on first use). */
static void hs_need(int k)
{
	if (atomic_load_explicit(&hs_done, memory_order_acquire) < k)
		hs_fill(k);
}

double assay_halfnormal_sum_q(int k, double x)
{
	if (k < 1 || k > MAX_RUN || isnan(x))
		return NAN;
	if (x <= 0)
		return 1;
	if (k == 1)
		return erfc(x / M_SQRT2);
	hs_need(k);
	return hs_tail(k, x);
}

/* The run test calls the table up to 7 times per move (the checks of
 * assay_halfnormal_sum_q once, not on every call). */
double assay_run_p(double t_obs, int cap)
{
	if (cap < 2 || isnan(t_obs))
		return 1;
	if (cap > MAX_RUN)
		cap = MAX_RUN;
	if (!(t_obs > 0))
		return 0.5;     /* every H_k(0) = 1: P(K >= 2), exactly */
	hs_need(cap);
	double p = 0, w = 0.25;
	for (int k = 2; k < cap; k++, w /= 2)
		p += w * hs_tail(k, t_obs * sqrt((double)k));
	/* the capped run: P(K = cap) = 2^-(cap-1) = 2 * (the last w) */
	p += 2 * w * hs_tail(cap, t_obs * sqrt((double)cap));
	return p > 1 ? 1 : p;
}

/* ---- least squares: group means + one slope ------------------------------ */

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

/* Group counts and means and the pooled within-group moments of rows
 * [0, m) but `skip` (or -1); with ar == 0 the x columns are ignored. */
static void fit_moments(const double *y, const double *x, const int *g,
			int m, int skip, int ngroups, int ar, struct fit *f)
{
	double sy[MAX_SEASONS] = { 0 }, sx[MAX_SEASONS] = { 0 };
	memset(f->ng, 0, sizeof f->ng);
	f->ngroups = ngroups;
	for (int i = 0; i < m; i++) {
		if (i == skip)
			continue;
		f->ng[g[i]]++;
		sy[g[i]] += y[i];
		sx[g[i]] += x[i];       /* mx is used only with ar */
	}
	for (int k = 0; k < ngroups; k++) {
		double inv = f->ng[k] ? 1.0 / f->ng[k] : 0;
		f->my[k] = sy[k] * inv;
		f->mx[k] = sx[k] * inv;
	}
	double sxx = 0, sxy = 0, syy = 0, sx2 = 0;
	for (int i = 0; i < m; i++) {
		if (i == skip)
			continue;
		double dy = y[i] - f->my[g[i]];
		syy += dy * dy;
		if (ar) {
			double dx = x[i] - f->mx[g[i]];
			sxx += dx * dx;
			sxy += dx * dy;
			sx2 += x[i] * x[i];
		}
	}
	f->sxx = sxx;
	f->sxy = sxy;
	f->syy = syy;
	f->sx2 = sx2;
}

/* The moments of two fits of rows [0, m) at once, for the F test: by
 * group (f1) and with one intercept (f0).  The same sums as two calls of
 * fit_moments, in shared passes: 4% fewer instructions over the benchmark
 * of issue 3, where every move runs the F test. */
static void fit_moments_pair(const double *y, const double *x, const int *g,
			     int m, int ngroups, int ar, struct fit *f1,
			     struct fit *f0)
{
	double sy[MAX_SEASONS] = { 0 }, sx[MAX_SEASONS] = { 0 };
	double ty = 0, tx = 0;
	memset(f1->ng, 0, sizeof f1->ng);
	memset(f0->ng, 0, sizeof f0->ng);
	f1->ngroups = ngroups;
	f0->ngroups = 1;
	for (int i = 0; i < m; i++) {
		f1->ng[g[i]]++;
		sy[g[i]] += y[i];
		sx[g[i]] += x[i];       /* mx is used only with ar */
		ty += y[i];
		tx += x[i];
	}
	for (int k = 0; k < ngroups; k++) {
		double inv = f1->ng[k] ? 1.0 / f1->ng[k] : 0;
		f1->my[k] = sy[k] * inv;
		f1->mx[k] = sx[k] * inv;
	}
	f0->ng[0] = m;
	f0->my[0] = m ? ty / m : 0;
	f0->mx[0] = m ? tx / m : 0;
	double a_xx = 0, a_xy = 0, a_yy = 0, b_xx = 0, b_xy = 0, b_yy = 0;
	double sx2 = 0;
	for (int i = 0; i < m; i++) {
		double dy = y[i] - f1->my[g[i]], ey = y[i] - f0->my[0];
		a_yy += dy * dy;
		b_yy += ey * ey;
		if (ar) {
			double dx = x[i] - f1->mx[g[i]], ex = x[i] - f0->mx[0];
			a_xx += dx * dx;
			a_xy += dx * dy;
			b_xx += ex * ex;
			b_xy += ex * ey;
			sx2 += x[i] * x[i];
		}
	}
	f1->sxx = a_xx;
	f1->sxy = a_xy;
	f1->syy = a_yy;
	f0->sxx = b_xx;
	f0->sxy = b_xy;
	f0->syy = b_yy;
	f1->sx2 = f0->sx2 = sx2;
}

/* Add row (y, x, g) to the moments: the updating formulas of Welford. */
static void fit_add(struct fit *f, double y, double x, int g, int ar)
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

/* The least-squares fit y = a_g + beta x from the moments (the rows they
 * came from are at hand for the rare exact pass). */
static void fit_finish(struct fit *f, int ar, const double *y,
		       const double *x, const int *g, int m, int skip)
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
	if (f->rss >= 1e-2 * f->syy)
		return;
	/* The lag explains over 99% of the variation: Syy - Sxy^2/Sxx
	 * would lose digits, so sum the squared residuals instead. */
	double rss = 0;
	for (int i = 0; i < m; i++) {
		if (i == skip)
			continue;
		double e = y[i] - f->my[g[i]] - f->beta * (x[i] - f->mx[g[i]]);
		rss += e * e;
	}
	f->rss = rss;
}

/* Fit y = a_g + beta x on rows [0, m) skipping row `skip` (or -1). */
static void fit_rows(const double *y, const double *x, const int *g, int m,
		     int skip, int ngroups, int ar, struct fit *f)
{
	fit_moments(y, x, g, m, skip, ngroups, ar, f);
	fit_finish(f, ar, y, x, g, m, skip);
}

/* Prediction of a row (x, g) from fit f and its leverage x0'(X'X)^-1 x0. */
static double fit_predict(const struct fit *f, double x, int g, double *lev)
{
	double dx = f->ar ? x - f->mx[g] : 0;
	*lev = 1.0 / f->ng[g] + (f->ar ? dx * dx / f->sxx : 0);
	return f->my[g] + f->beta * dx;
}

/* ---- Student t and F tails ---------------------------------------------- */

/* GSL's gsl_cdf_tdist_Q and gsl_cdf_fdist_Q spend three quarters of their
 * time recomputing ln B(a, b), and the verdict calls them several times
 * per move with the same degrees of freedom (1.6 million moves in the
 * benchmark).  So the regularised incomplete beta function is evaluated
 * here by its continued fraction (modified Lentz, below) with ln B
 * cached per (a, b); gsl_sf_lnbeta supplies ln B.
 * tests/unit/test_verdict.c checks it against GSL to 1e-13 over a grid,
 * and the fixtures check the p-values against scipy. */
#include <gsl/gsl_sf_gamma.h>

/* ln B(a, b) and 1 / B(a, b) for the (a, b) this thread has met,
 * direct-mapped on (2a, 2b) (the verdict's a and b are halves of degrees
 * of freedom, so 2a and 2b are integers).  Kept across assay_judge calls:
 * a series' first moves walk through a dozen window sizes, and with a
 * cache per call every series paid that many gsl_sf_lnbeta calls (2,000
 * instructions each) again -- 150 instructions per judged move.  Entries
 * start as (0, 0), which no caller asks for (a, b > 0). */
#define LNBETA_SLOTS 64
struct lnbeta_entry {
	double a, b;
	double lnb;     /* ln B(a, b) */
	double inv;     /* 1 / B(a, b) */
};
static _Thread_local struct lnbeta_entry lnbeta_cache[LNBETA_SLOTS];

static const struct lnbeta_entry *lnbeta_of(double a, double b)
{
	unsigned h = ((unsigned)(2 * a) * 37u + (unsigned)(2 * b)) % LNBETA_SLOTS;
	struct lnbeta_entry *e = &lnbeta_cache[h];
	if (!(e->a == a && e->b == b)) {
		e->a = a;
		e->b = b;
		e->lnb = gsl_sf_lnbeta(a, b);
		e->inv = exp(-e->lnb);
	}
	return e;
}

/* x^(n/2) for n >= 0 by repeated squaring (and a square root for odd n):
 * relative error about n/2 ulps, no log or exp. */
static double half_pow(double x, int n)
{
	double r = n % 2 ? sqrt(x) : 1, b = x;
	for (int k = n / 2; k; k >>= 1, b *= b)
		if (k & 1)
			r *= b;
	return r;
}

/* The continued fraction of the regularised incomplete beta function
 * (DLMF 8.17.22; Abramowitz and Stegun 26.5.8):
 *   I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) * K,
 *   K = 1 / (1 + c_1 / (1 + c_2 / (1 + c_3 / ...))),
 *   c_2j   =  j (b - j) x / ((a + 2j - 1)(a + 2j)),
 *   c_2j+1 = -(a + j)(a + b + j) x / ((a + 2j)(a + 2j + 1)),
 * which converges fast for x < (a + 1) / (a + b + 2).  K is evaluated
 * forwards by the modified Lentz method (Lentz 1976; Thompson and
 * Barnett 1986, J. Comput. Phys. 64:490): with A_k / B_k the k-th
 * convergent, the ratios C_k = A_k / A_{k-1} and D_k = B_{k-1} / B_k obey
 *   D_k = 1 / (1 + c_{k-1} D_{k-1}),  C_k = 1 + c_{k-1} / C_{k-1},
 *   K_k = K_{k-1} C_k D_k,
 * starting from the second convergent 1 / (1 + c_1): K_2 = D_2 =
 * 1 / (1 + c_1), C_2 = 1 (A_1 = A_2 = 1).  A zero denominator is
 * replaced by a tiny number, Thompson and Barnett's remedy. */
#define LENTZ_TINY 1e-300

struct lentz {
	double k;       /* the convergent K_k */
	double c, d;    /* C_k and D_k */
};

static double lentz_nonzero(double v)
{
	return fabs(v) < LENTZ_TINY ? LENTZ_TINY : v;
}

/* One more partial numerator: K_{k+1} from K_k.  Returns C D, the factor
 * the convergent moved by. */
static double lentz_next(struct lentz *s, double coef)
{
	s->d = 1 / lentz_nonzero(1 + coef * s->d);
	s->c = lentz_nonzero(1 + coef / s->c);
	double step = s->d * s->c;
	s->k *= step;
	return step;
}

/* K above for (a, b, x).  The coefficients come in pairs (c_2j, c_2j+1);
 * the convergence test is made once per pair, when the step of the odd
 * one is within two ulps of 1. */
static double beta_cf(double a, double b, double x)
{
	struct lentz s;
	s.c = 1;
	s.d = 1 / lentz_nonzero(1 - (a + b) * x / (a + 1));     /* c_1 */
	s.k = s.d;
	for (int j = 1; j <= 1000; j++) {
		double even = j * (b - j) * x / ((a + 2 * j - 1) * (a + 2 * j));
		double odd = -(a + j) * (a + b + j) * x /
			     ((a + 2 * j) * (a + 2 * j + 1));
		lentz_next(&s, even);
		if (fabs(lentz_next(&s, odd) - 1) < 4e-16)
			break;
	}
	return s.k;
}

/* I_x(a, b) with ln x and ln(1 - x) given (for accuracy in the tails). */
static double beta_inc(double a, double b, double x,
		       double lnx, double ln1mx)
{
	if (!(x > 0))
		return 0;
	if (!(x < 1))
		return 1;
	double front = exp(a * lnx + b * ln1mx - lnbeta_of(a, b)->lnb);
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

/* P(|T| < |t|) for integer df by the finite sums of Abramowitz and Stegun
 * 26.7.3 (odd df) and 26.7.4 (even df), with c2 = cos^2(theta) =
 * df / (df + t^2). */
static double t_central(double t2, int df)
{
	double nu = df, c2 = nu / (nu + t2), s = sqrt(t2 / (nu + t2));
	if (df % 2 == 0) {
		double term = 1, sum = 1;
		for (int k = 1; k <= df / 2 - 1; k++) {
			term *= c2 * (2 * k - 1) / (2 * k);
			sum += term;
		}
		return s * sum;
	}
	double theta = atan(sqrt(t2 / nu));
	if (df == 1)
		return 2 * theta / M_PI;
	double term = 1, sum = 1;
	for (int k = 1; k <= (df - 3) / 2; k++) {
		term *= c2 * (2 * k) / (2 * k + 1);
		sum += term;
	}
	return 2 / M_PI * (theta + s * sqrt(c2) * sum);
}

/* Two-sided P(|T| >= |t|) for Student's t with df degrees of freedom:
 * 1 - the finite sum above while that keeps 13 digits (p >= 0.01), else
 * I_{df/(df+t^2)}(df/2, 1/2) by the continued fraction. */
static double t_two_sided(double t, int df)
{
	double nu = df, t2 = t * t;
	if (isnan(t))
		return NAN;
	if (t2 == 0)
		return 1;
	if (isinf(t))
		return 0;
	if (df <= 400) {
		double a = t_central(t2, df);
		if (a <= 0.99)
			return 1 - a;
	}
	double x = nu / (nu + t2);
	double lnx = -log1p(t2 / nu), ln1mx = log(t2) - log(nu + t2);
	return beta_inc(nu / 2, 0.5, x, lnx, ln1mx);
}

/* P(F >= f) for integer degrees of freedom by the finite sums of
 * Abramowitz and Stegun 26.6.4 (d1 even), 26.6.5 (d2 even) and 26.6.8
 * (both odd), with x = cos^2(theta) = d2 / (d2 + d1 f) and y = 1 - x:
 *   d1 even:  Q = x^(d2/2) sum_j c_j y^j,     c_j = c_j-1 (d2 + 2j - 2) / 2j
 *   d2 even:  Q = 1 - y^(d1/2) sum_j c_j x^j, c_j = c_j-1 (d1 + 2j - 2) / 2j
 *   both odd: Q = 1 - A(t | d2) + beta,  t^2 = d1 f, A the central t
 *             probability, beta = 2 / B(d2/2, 1/2) sin(theta) x^(d2/2)
 *             sum_j b_j y^j, b_j = b_j-1 (d2 + 2j - 1) / (2j + 1).
 * The seasonal F test runs for every move (1.5 million times in the
 * benchmark of issue 3), where the continued fraction cost 8 iterations
 * of dependent divisions.  The first form has positive terms only; the
 * other two subtract from 1 and keep 13 digits only while Q is not small
 * (0.04 for the quarterly test); below that they return NaN and the
 * continued fraction decides. */
static double f_upper_sum(double u, int d1, int d2)
{
	double x = d2 / (d2 + u), y = u / (d2 + u);
	double term = 1, sum = 1, q;
	int terms;
	if (d1 % 2 == 0) {
		for (int j = 1; j < d1 / 2; j++) {
			term *= y * (d2 + 2 * j - 2) / (2 * j);
			sum += term;
		}
		return half_pow(x, d2) * sum;
	}
	if (d2 % 2 == 0) {
		for (int j = 1; j < d2 / 2; j++) {
			term *= x * (d1 + 2 * j - 2) / (2 * j);
			sum += term;
		}
		q = 1 - half_pow(y, d1) * sum;
		terms = d2 / 2;
	} else {
		for (int j = 1; j <= (d1 - 3) / 2; j++) {
			term *= y * (d2 + 2 * j - 1) / (2 * j + 1);
			sum += term;
		}
		double beta = 0;
		if (d1 > 1) {
			double inv_b = lnbeta_of(d2 / 2.0, 0.5)->inv;
			beta = 2 * sqrt(y) * half_pow(x, d2) * inv_b * sum;
		}
		q = 1 - t_central(u, d2) + beta;
		terms = d1 / 2 + d2 / 2;
	}
	/* each term, and each factor of the power, may carry an ulp, and
	 * 1 - ... loses the digits of Q: this bound keeps 2e-13 relative
	 * (checked against GSL over d1 <= 24, d2 <= 120) */
	return q >= 2e-3 * (terms + d1 + 10) ? q : NAN;
}

/* P(F >= f) for the F distribution with (d1, d2) degrees of freedom:
 * the finite sums above, else I_{d2/(d2+d1 f)}(d2/2, d1/2). */
static double f_upper(double f, int d1, int d2)
{
	if (isnan(f))
		return NAN;
	if (!(f > 0))
		return 1;
	if (isinf(f))
		return 0;
	double u = d1 * f, x = d2 / (d2 + u);
	if (d1 <= 400 && d2 <= 400) {
		double q = f_upper_sum(u, d1, d2);
		if (!isnan(q))
			return q;
	}
	double lnx = -log1p(u / d2), ln1mx = log(u) - log(d2 + u);
	return beta_inc(d2 / 2.0, d1 / 2.0, x, lnx, ln1mx);
}

double assay_t_two_sided(double t, int df)
{
	return t_two_sided(t, df);
}

double assay_f_upper(double f, int d1, int d2)
{
	return f_upper(f, d1, d2);
}

/* ---- judging ------------------------------------------------------------- */

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
	unsigned char *keep;
	double *vloc;           /* rule 2a: local variances v_i of the rows
				 * and v_m of the judged move (m + 1) */
	double *vinv;           /* their inverses (m) */
	const double *vl;       /* vinv when rule 2a is on, else NULL */
	double vol_lambda;      /* 2^(-1 / vol_half_life) */
	/* The screen's sorted rows (rule 1a), kept across consecutive moves:
	 * the rows of move t are those of move t - 1 less the oldest, plus
	 * y[t - 1], so one insertion and one deletion replace a sort. */
	double *srt;
	int srt_n;
	const double *srt_y;    /* the basis they are of (NULL: none) */
	int srt_ar;             /* rows needed a finite lag */
	size_t srt_t;           /* the move they are the rows of */
};

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

/* The leave-one-out |t| of window row i from a refit without it (for
 * a degenerate row, or where the deletion identity would lose digits),
 * squared. */
static double refit_score2(const struct ctx *c, int m, int i, int ngroups,
			   int ar)
{
	struct fit fi;
	double lev;
	fit_rows(c->ys, c->xs, c->gs, m + 1, i, ngroups, ar, &fi);
	if (fi.ng[c->gs[i]] == 0 || m - fi.p <= 0)
		return 0;
	double d = c->ys[i] - fit_predict(&fi, c->xs[i], c->gs[i], &lev);
	double s2 = fi.rss / (m - fi.p);
	return s2 > 0 ? d * d / (s2 * (1 + lev)) : (d == 0 ? 0 : INFINITY);
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
static void loo_rank(const struct ctx *c, const struct fit *fw, int m,
		     double tie, double tie0, int *R, int *R0, double *lo,
		     double *hi)
{
	struct fit ff = *fw;
	int ngroups = fw->ngroups, ar = fw->ar;
	fit_add(&ff, c->ys[m], c->xs[m], c->gs[m], ar);
	fit_finish(&ff, ar, c->ys, c->xs, c->gs, m + 1, -1);
	int dfl = m + 1 - ff.p - 1;
	double inv_ng[MAX_SEASONS];
	for (int k = 0; k < ngroups; k++)
		inv_ng[k] = ff.ng[k] ? 1.0 / ff.ng[k] : 0;
	double inv_sxx = ff.ar ? 1 / ff.sxx : 0, beta = ff.beta;
	/* The loop must not branch on which side of the tie a score falls
	 * (a coin toss for the branch predictor, and gcc turns conditional
	 * moves of doubles into branches), so the sides are chosen by
	 * adding 0 or infinity: a score at least `tie` competes for the
	 * minimum (lo2), the others for the maximum (hi2). */
	static const double to_lo[2] = { INFINITY, 0 }, to_hi[2] = { 0, INFINITY };
	double tie2 = tie > 0 ? tie * tie : -1;
	double tie02 = tie0 > 0 ? tie0 * tie0 : -1;
	double lo2 = INFINITY, hi2 = -INFINITY;
	int r = 0, r0 = 0;
	const double *vl = c->vl;      /* 1 / v_i */
	for (int i = 0; i < m; i++) {
		int g = c->gs[i];
		double dx = ff.ar ? c->xs[i] - ff.mx[g] : 0;
		double q = 1 - (inv_ng[g] + dx * dx * inv_sxx);    /* 1 - h_i */
		double e = c->ys[i] - ff.my[g] - beta * dx;
		double e2 = e * e, den = ff.rss * q - e2;
		double s2;
		if (q > 1e-10 && den > 1e-4 * ff.rss * q && dfl > 0)
			s2 = e2 * dfl / den;
		else
			s2 = refit_score2(c, m, i, ngroups, ar);
		r0 += s2 >= tie02;
		if (vl)
			s2 *= vl[i];            /* rule 2a: times 1 / v_i */
		int above = s2 >= tie2;
		double a = s2 + to_lo[above], b = s2 - to_hi[above];
		r += above;
		lo2 = a < lo2 ? a : lo2;
		hi2 = b > hi2 ? b : hi2;
	}
	*R = r;
	*R0 = r0;
	*lo = sqrt(lo2);
	*hi = hi2 >= 0 ? sqrt(hi2) : hi2;
}

/* The normal score of mid-rank R among m + 1, which depends on (m, R)
 * only: computed once each when the window is small enough to cache. */
static double mid_rank_score(struct ctx *c, int m, int R)
{
	double *zc = c->zcache ? &c->zcache[(size_t)m * (c->span + 2) + R] : NULL;
	if (zc && !isnan(*zc))
		return *zc;
	double z = gsl_cdf_ugaussian_Qinv((R + 0.5) / (2.0 * (m + 1)));
	if (zc)
		*zc = z;
	return z;
}

/* ---- past shocks in the window ------------------------------------------ */

/* Is y[i] a model row of a move (finite, with a finite lag under AR)? */
static int is_row(const double *y, size_t i, int ar)
{
	return isfinite(y[i]) && (!ar || (i > 0 && isfinite(y[i - 1])));
}

static void sorted_insert(double *v, int *n, double x)
{
	int lo = 0, hi = *n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(v + lo + 1, v + lo, (size_t)(*n - lo) * sizeof *v);
	v[lo] = x;
	(*n)++;
}

static void sorted_delete(double *v, int *n, double x)
{
	int lo = 0, hi = *n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* x is there: it was inserted when its row entered */
	memmove(v + lo, v + lo + 1, (size_t)(*n - lo - 1) * sizeof *v);
	(*n)--;
}

/* The rows of move t (y[i], i in [t - span, t), is_row) sorted into
 * c->srt: updated from move t - 1's when that was the last one sorted on
 * the same basis, else sorted afresh (by insertion: the windows are
 * small, and qsort's calls through a pointer cost more). */
static void sorted_rows(struct ctx *c, const double *y, size_t t, int ar)
{
	size_t span = (size_t)c->span;
	if (c->srt_y == y && c->srt_ar == ar && t >= 1 && c->srt_t == t - 1) {
		if (t - 1 >= span && is_row(y, t - 1 - span, ar))
			sorted_delete(c->srt, &c->srt_n, y[t - 1 - span]);
		if (is_row(y, t - 1, ar))
			sorted_insert(c->srt, &c->srt_n, y[t - 1]);
	} else {
		c->srt_n = 0;
		for (size_t i = t > span ? t - span : 0; i < t; i++)
			if (is_row(y, i, ar))
				sorted_insert(c->srt, &c->srt_n, y[i]);
	}
	c->srt_y = y;
	c->srt_ar = ar;
	c->srt_t = t;
}

/* The median of sorted v[0..n) (n >= 1). */
static double sorted_median(const double *v, int n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The median of |v_i - med| for sorted v[0..n), med its median: the
 * distances below the median rise leftwards from the middle and those
 * above rise rightwards, so the two runs are merged up to the middle
 * instead of sorted.  (fabs(v - med) and med - v are the same double:
 * IEEE subtraction rounds symmetrically.) */
static double sorted_mad(const double *v, int n, double med)
{
	int a = (n + 1) / 2;            /* v[0..a) <= med <= v[a..n) */
	int l = a - 1, r = a, k1 = (n - 1) / 2, k2 = n / 2;
	double d1 = 0, d = 0;
	/* branch-free: which side comes next is a coin toss for the branch
	 * predictor (a tenth of the verdict's time when it branched) */
	for (int k = 0; k <= k2; k++) {
		double dl = l >= 0 ? med - v[l >= 0 ? l : 0] : INFINITY;
		double dr = r < n ? v[r < n ? r : n - 1] - med : INFINITY;
		int left = dl <= dr;
		d = left ? dl : dr;
		l -= left;
		r += 1 - left;
		if (k == k1)
			d1 = d;
	}
	return (d1 + d) / 2;
}

#define MAD_K 1.482602218505602         /* 1 / Phi^-1(3/4) */

/* Is row i beyond the screen, and is it the reversal of row i - 1 (the
 * next period, beyond the screen too, the other way)? */
static int reverts(const struct ctx *c, int i, double med, double lim)
{
	double a = c->ys[i - 1] - med, b = c->ys[i] - med;
	return c->idx[i] == c->idx[i - 1] - 1 && fabs(a) > lim &&
	       fabs(b) > lim && a * b < 0;
}

/* Past shocks (rule 1a in verdict.h): Hampel's screen at
 * ASSAY_SET_ASIDE_SCREEN robust sigma (1.4826 MAD about the median)
 * finds the candidates; when they are one event (one move, or a move and
 * its reversal) each candidate further than `cut` sd from the mean of the
 * other rows is set aside, with the AR term also the row after it (whose
 * lag it is).  Two or more events say the tails are heavy, and nothing
 * is set aside.  The rows are compacted in place; their ages and z go to
 * J.  Returns the new row count. */
static int set_aside_shocks(struct ctx *c, const double *y, size_t t,
			    int m, int ar, double cut, assay_judgement *J)
{
	J->n_set_aside = 0;
	if (!(cut > 0) || m < 4)
		return m;
	sorted_rows(c, y, t, ar);       /* the multiset of c->ys[0..m) */
	const double *v = c->srt;
	double med = sorted_median(v, m);
	double lim = ASSAY_SET_ASIDE_SCREEN * MAD_K * sorted_mad(v, m, med);
	if (!(lim > 0))
		return m;
	/* nothing beyond the screen (most windows): nothing to set aside */
	if (!(med - v[0] > lim) && !(v[m - 1] - med > lim))
		return m;
	int events = 0;
	double sum = 0, sum2 = 0;
	for (int i = 0; i < m; i++) {
		if (fabs(c->ys[i] - med) > lim)
			events += !(i > 0 && reverts(c, i, med, lim));
		else
			sum += c->ys[i];
	}
	if (events != 1)
		return m;
	int nin = 0;
	for (int i = 0; i < m; i++)
		nin += !(fabs(c->ys[i] - med) > lim);
	double mean = sum / nin;
	for (int i = 0; i < m; i++)
		if (!(fabs(c->ys[i] - med) > lim))
			sum2 += (c->ys[i] - mean) * (c->ys[i] - mean);
	double sd = sqrt(sum2 / (nin - 1));
	if (!(sd > 0))
		return m;
	unsigned char *keep = c->keep;
	memset(keep, 1, (size_t)m);
	for (int i = 0; i < m; i++) {
		double z = (c->ys[i] - mean) / sd;
		if (!(fabs(c->ys[i] - med) > lim && fabs(z) > cut))
			continue;
		keep[i] = 0;
		if (J->n_set_aside < ASSAY_SET_ASIDE_MAX) {
			J->set_aside_age[J->n_set_aside] = c->idx[i];
			J->set_aside_z[J->n_set_aside] = z;
			J->n_set_aside++;
		}
		/* the next period's row (one younger) has it as its lag */
		if (ar && i + 1 < m && c->idx[i + 1] == c->idx[i] - 1)
			keep[i + 1] = 0;
	}
	if (!J->n_set_aside)
		return m;
	int k = 0;
	for (int i = 0; i < m; i++) {
		if (!keep[i])
			continue;
		c->ys[k] = c->ys[i];
		c->xs[k] = c->xs[i];
		c->gs[k] = c->gs[i];
		c->idx[k] = c->idx[i];
		k++;
	}
	return k;
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
	double beta = fw->ar ? fw->beta : 0;
	/* loo_rank multiplies by the inverses: independent divisions here
	 * rather than one on each step of its chain of minima */
	for (int i = 0; i < m; i++) {
		c->vloc[i] = v;
		c->vinv[i] = 1 / v;
		int g = c->gs[i];
		double e = c->ys[i] - fw->my[g] - (fw->ar ? beta * (c->xs[i] - fw->mx[g]) : 0);
		v = lambda * v + w * (e * e);
	}
	c->vloc[m] = v;
	c->vl = c->vinv;
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

static void judge_one(struct ctx *c, size_t t, assay_judgement *J)
{
	const assay_judge_opts *o = c->o;
	judgement_init(J);
	const double *y = pick_basis(c, t, &J->basis);
	J->change = y[t];
	if (!isfinite(y[t])) {
		J->why = ASSAY_UNJUDGED_NA;
		return;
	}

	/* The noise window: the W changes before t, finite ones only. */
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

	/* Model rows: finite changes in the span, with a finite lag when the
	 * AR term is on (it is when the judged move has a lag). */
	int ar = o->ar && t >= 1 && isfinite(y[t - 1]);
	int seasons = o->seasons;
	size_t span = (size_t)c->span;
	const int *season = seasons >= 2 ? c->season : NULL;
	int m = 0;
	size_t first_row = t > span ? t - span : 0;
	/* with the lag, the row needs a finite y[i - 1] too */
	int lag_ok = !ar || (first_row > 0 && isfinite(y[first_row - 1]));
	for (size_t i = first_row; i < t; i++) {
		int fin = isfinite(y[i]);
		if (fin && lag_ok) {
			c->idx[m] = (int)(t - i);               /* age */
			c->ys[m] = y[i];
			c->xs[m] = ar ? y[i - 1] : 0;
			c->gs[m] = season ? season[i] : 0;
			m++;
		}
		lag_ok = !ar || fin;
	}
	m = set_aside_shocks(c, y, t, m, ar, o->set_aside, J);

	/* Seasonality: test or impose seasonal means. */
	int seasonal = 0;
	struct fit f0, f1, fnew;
	const struct fit *fw;   /* the window fit: f0, f1 or fnew */
	int have_f0 = 0, have_f1 = 0;  /* reusable as the window fit */
	if (seasons >= 2 && c->season && o->seasonal != ASSAY_SEASONAL_NO) {
		int cnt[MAX_SEASONS] = { 0 }, enough = 1;
		for (int i = 0; i < m; i++)
			cnt[c->gs[i]]++;
		for (int k = 0; k < seasons; k++)
			if (cnt[k] < 2)
				enough = 0;
		if (o->seasonal == ASSAY_SEASONAL_YES) {
			if (!enough) {
				J->why = ASSAY_UNJUDGED_SEASONAL;
				return;
			}
			seasonal = 1;
		} else if (enough) {
			/* partial F test: seasonal means vs one intercept,
			 * the AR term in both (gs has room for a second,
			 * all-zero group column after row m) */
			int *g0 = c->gs + m + 1;
			for (int i = 0; i < m; i++)
				g0[i] = 0;
			fit_moments_pair(c->ys, c->xs, c->gs, m, seasons, ar,
					 &f1, &f0);
			fit_finish(&f1, ar, c->ys, c->xs, c->gs, m, -1);
			fit_finish(&f0, ar, c->ys, c->xs, g0, m, -1);
			have_f0 = have_f1 = 1;
			int d1 = f1.p - f0.p, d2 = m - f1.p;
			double p;
			if (d1 <= 0 || d2 <= 0)
				p = NAN;
			else if (f1.rss > 0)
				p = f_upper((f0.rss - f1.rss) / d1 /
					    (f1.rss / d2), d1, d2);
			else
				p = f0.rss > 0 ? 0 : 1;
			J->seasonal_p = p;
			seasonal = p < o->season_alpha;
		}
	}
	if (!seasonal) {
		/* Back to the W window: the rows younger than W + 1, and
		 * one group.  Rows are oldest first, so keep a suffix. */
		int k = 0;
		while (k < m && (size_t)c->idx[k] > W)
			k++;
		if (k) {
			have_f0 = 0;    /* other rows */
			memmove(c->ys, c->ys + k, (m - k) * sizeof *c->ys);
			memmove(c->xs, c->xs + k, (m - k) * sizeof *c->xs);
			memmove(c->idx, c->idx + k, (m - k) * sizeof *c->idx);
			m -= k;
		}
		for (int i = 0; i < m; i++)
			c->gs[i] = 0;
	}
	int ngroups = seasonal ? seasons : 1;
	int gt = seasonal ? c->season[t] : 0;
	J->seasonal = seasonal;
	J->n_history = m;
	if (m < o->min_history || m < ngroups + ar + 2) {
		J->why = ASSAY_UNJUDGED_HISTORY;
		return;
	}

	/* rule 2: the prediction-interval t statistic, window fit only */
	if (seasonal && have_f1)
		fw = &f1;
	else if (!seasonal && have_f0)
		fw = &f0;
	else {
		fit_rows(c->ys, c->xs, c->gs, m, -1, ngroups, ar, &fnew);
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
	J->expected = fit_predict(fw, xt, gt, &lev);
	/* its AR part: phi times how far the last move was from the mean lag */
	J->expected_ar = fw->ar ? fw->beta * (xt - fw->mx[gt]) : 0;
	J->scale = sqrt(fw->rss / df * (1 + lev));
	c->vl = NULL;
	J->vol_ratio = 1;
	if (o->vol_half_life > 0) {
		local_scales(c, fw, m, df);
		J->vol_ratio = sqrt(c->vloc[m]);
		J->scale *= J->vol_ratio;
	}
	J->stat = (y[t] - J->expected) / J->scale;
	J->df = df;
	J->p_t = t_two_sided(J->stat, df);

	/* rule 3: the interpolated conformal p-value.  Ties count as "at
	 * least as extreme" (the conservative conformal convention).  Real
	 * data have exact ties -- a fixed price repeats the same (lag,
	 * change) row -- and the window's scores come from a different
	 * computation than the move's own statistic, so scores within 1e-9
	 * relative or 1e-12 absolute of it are ties (and a statistic below
	 * 1e-12 in size has no sign: it is zero up to rounding). */
	c->ys[m] = y[t];
	c->xs[m] = xt;
	c->gs[m] = gt;
	double x = fabs(J->stat), tie = x - fmax(1e-9 * x, 1e-12);
	double x0 = fabs(J->stat * J->vol_ratio), lo, hi;
	int R, Rz;
	loo_rank(c, fw, m, tie, x0 - fmax(1e-9 * x0, 1e-12), &R, &Rz, &lo, &hi);
	/* The tail between and beyond the scores: Student's t with at most
	 * ASSAY_TAIL_DF degrees of freedom -- scores divided by a local
	 * scale have heavier tails than the pooled t (at 0.01 Gaussian
	 * windows were called notable 1.5% of the time with df). */
	int dft = df < ASSAY_TAIL_DF ? df : ASSAY_TAIL_DF;
	double s_x = dft == df ? J->p_t : t_two_sided(J->stat, dft);
	double s_lo = R > 0 ? t_two_sided(lo, dft) : 0;
	double s_hi = R < m ? t_two_sided(hi, dft) : 1;
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
	J->why = ASSAY_JUDGED;
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

int assay_judge(const double *r_log, const double *r_diff, const int *season,
		size_t n, size_t first, const assay_judge_opts *o,
		assay_judgement *out, assay_error *err)
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
	c.srt = malloc(rows * sizeof *c.srt);
	c.vloc = malloc(rows * sizeof *c.vloc);
	c.vinv = malloc(rows * sizeof *c.vinv);
	c.gs = malloc(2 * rows * sizeof *c.gs);
	c.idx = malloc(rows * sizeof *c.idx);
	c.no_log = malloc((n + 1) * sizeof *c.no_log);
	if (rows <= 256)        /* not for windows of thousands */
		c.zcache = malloc(rows * rows * sizeof *c.zcache);
	int rc = 0;
	if (!c.z || !c.ys || !c.xs || !c.win || !c.keep || !c.srt || !c.vloc || !c.vinv || !c.gs || !c.idx || !c.no_log ||
	    (rows <= 256 && !c.zcache)) {
		rc = assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	for (size_t i = 0; c.zcache && i < rows * rows; i++)
		c.zcache[i] = NAN;
	c.no_log[0] = 0;
	for (size_t i = 0; i < n; i++)
		c.no_log[i + 1] = c.no_log[i] + (r_log && isfinite(r_diff[i]) &&
						 !isfinite(r_log[i]));

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
	free(c.srt);
	free(c.vloc);
	free(c.vinv);
	free(c.gs);
	free(c.idx);
	free(c.no_log);
	free(c.zcache);
	return rc;
}
