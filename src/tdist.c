/*
 * Student t and F tails for the verdict (two-sided t p-values of rule 2
 * and 3, the seasonal F test of rule 1): finite sums where they keep
 * their digits, else the regularised incomplete beta function by its
 * continued fraction.
 */
#include <math.h>
#include <gsl/gsl_sf_gamma.h>

#include "assay/verdict.h"

/* GSL's gsl_cdf_tdist_Q and gsl_cdf_fdist_Q spend three quarters of their
 * time recomputing ln B(a, b), and the verdict calls them several times
 * per move with the same degrees of freedom (1.6 million moves in the
 * benchmark).  So the regularised incomplete beta function is evaluated
 * here by its continued fraction (modified Lentz, below) with ln B
 * cached per (a, b); gsl_sf_lnbeta supplies ln B.
 * tests/unit/test_verdict.c checks it against GSL to 1e-13 over a grid,
 * and the fixtures check the p-values against scipy. */
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
 * df / (df + t^2).  The factors 2k - 1 and 2k (even df), 2k and 2k + 1
 * (odd df) are counted in doubles (exact integers: the same values as
 * the converted ints, without a conversion on each term). */
static double t_central(double t2, int df)
{
	double nu = df, c2 = nu / (nu + t2), s = sqrt(t2 / (nu + t2));
	if (df % 2 == 0) {
		double term = 1, sum = 1, num = 1, den = 2;
		for (int k = df / 2 - 1; k > 0; k--, num += 2, den += 2) {
			term *= c2 * num / den;
			sum += term;
		}
		return s * sum;
	}
	double theta = atan(sqrt(t2 / nu));
	if (df == 1)
		return 2 * theta / M_PI;
	double term = 1, sum = 1, num = 2, den = 3;
	for (int k = (df - 3) / 2; k > 0; k--, num += 2, den += 2) {
		term *= c2 * num / den;
		sum += term;
	}
	return 2 / M_PI * (theta + s * sqrt(c2) * sum);
}

/* Two-sided P(|T| >= |t|) for Student's t with df degrees of freedom:
 * 1 - the finite sum above while that keeps 13 digits (p >= 0.01), else
 * I_{df/(df+t^2)}(df/2, 1/2) by the continued fraction. */
double assay_t_two_sided(double t, int df)
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
 * benchmark scripts/bench-analysis), where the continued fraction cost 8 iterations
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
double assay_f_upper(double f, int d1, int d2)
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
