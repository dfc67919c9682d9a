/*
 * The Mann-Kendall test (see trend.c for the method): S by counting
 * inversions, its tie-corrected variance, and the variance corrections
 * for autocorrelation (Hamed-Rao, Yue-Wang) and by season.
 */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>
#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>


#include "assay/trend.h"
#include "trend_internal.h"

/* ---------------------------------------------------------------- */
/* Sorting and inversion counting                                   */

/* Sort a[0..n) ascending with a bottom-up merge sort (buf: n doubles) and
 * return the number of pairs i < j (positions before sorting) with
 * a[i] > a[j] when `strict`, a[i] >= a[j] otherwise. */
int64_t assay_trend_inversions(double *a, double *buf, size_t n, int strict)
{
	int64_t inv = 0;
	double *src = a, *dst = buf;

	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				int left = strict ? src[i] <= src[j]
						  : src[i] < src[j];
				if (left) {
					dst[k++] = src[i++];
				} else {
					inv += (int64_t)(mid - i);
					dst[k++] = src[j++];
				}
			}
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		double *tmp = src;
		src = dst;
		dst = tmp;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	return inv;
}

int assay_trend_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of a sorted array: the mean of the middle two for even n. */
double assay_trend_median_sorted(const double *a, size_t n)
{
	if (n % 2)
		return a[n / 2];
	return (a[n / 2 - 1] + a[n / 2]) / 2;
}

/* ---------------------------------------------------------------- */
/* Mann-Kendall S and its tie-corrected variance, one group         */

struct mk_part {
	int64_t s;              /* Kendall's S of the group */
	int64_t n;              /* its size */
	int64_t ties;           /* sum over tie groups of t(t-1)(2t+5) */
	int64_t tie_pairs;      /* sum over tie groups of t(t-1)/2 */
};

/* x: m values in time order; work: 2m doubles. */
static void mk_part_compute(const double *x, size_t m, int exact,
			    double *work, struct mk_part *r)
{
	double *a = work, *buf = work + m;
	int64_t P = (int64_t)m * ((int64_t)m - 1) / 2;

	memcpy(a, x, m * sizeof *a);
	if (exact) {
		int64_t s = 0;
		for (size_t i = 0; i + 1 < m; i++)
			for (size_t j = i + 1; j < m; j++)
				s += (x[j] > x[i]) - (x[j] < x[i]);
		r->s = s;
		qsort(a, m, sizeof *a, assay_trend_cmp_double);
	}
	/* The merge sort also sorts `a`, for the tie groups below. */
	int64_t d = exact ? 0 : assay_trend_inversions(a, buf, m, 1);
	int64_t ties = 0, tie_pairs = 0;
	for (size_t i = 0; i < m;) {
		size_t j = i + 1;
		while (j < m && a[j] == a[i])
			j++;
		int64_t g = (int64_t)(j - i);
		ties += g * (g - 1) * (2 * g + 5);
		tie_pairs += g * (g - 1) / 2;
		i = j;
	}
	if (!exact)
		r->s = P - tie_pairs - 2 * d;   /* concordant - discordant */
	r->n = (int64_t)m;
	r->ties = ties;
	r->tie_pairs = tie_pairs;
}

static double mk_var(const struct mk_part *r)
{
	int64_t n = r->n;
	/* Exact in int64 for n <= ASSAY_TREND_MAX_N, and exact as a double
	 * below 2^53: the same rounding as pyMannKendall's integer sum / 18. */
	return (double)(n * (n - 1) * (2 * n + 5) - r->ties) / 18;
}

static double mk_z(int64_t s, double var)
{
	if (s > 0)
		return (double)(s - 1) / sqrt(var);
	if (s < 0)
		return (double)(s + 1) / sqrt(var);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Autocorrelation corrections                                      */

/* Sample autocorrelations rho_0..rho_{n-1} of v (biased acov, divided by
 * n, as pyMannKendall's __acf and statsmodels' acf).  Direct sums up to
 * direct_max points (0: ACF_DIRECT_MAX), beyond by FFT of the series
 * zero-padded to a power of two >= 2n (no circular wrap), O(n log n):
 * all n - 1 lags by direct sums would cost O(n^2).  Returns 0, or -1 on no memory;
 * *degenerate = 1 when the series is constant (rho undefined). */
#define ACF_DIRECT_MAX 4096

static int acf_all(const double *v, size_t n, size_t direct_max, double *rho,
		   int *degenerate)
{
	double mean = 0;
	for (size_t i = 0; i < n; i++)
		mean += v[i];
	mean /= (double)n;
	*degenerate = 0;
	if (n <= (direct_max ? direct_max : ACF_DIRECT_MAX)) {
		double *y = malloc(n * sizeof *y);
		if (!y)
			return -1;
		for (size_t i = 0; i < n; i++)
			y[i] = v[i] - mean;
		for (size_t k = 0; k < n; k++) {
			double s = 0;
			for (size_t i = 0; i + k < n; i++)
				s += y[i] * y[i + k];
			rho[k] = s / (double)n;
		}
		free(y);
	} else {
		size_t m = 1;
		while (m < 2 * n)
			m *= 2;
		double *y = calloc(m, sizeof *y);
		if (!y)
			return -1;
		for (size_t i = 0; i < n; i++)
			y[i] = v[i] - mean;
		if (gsl_fft_real_radix2_transform(y, 1, m)) {
			free(y);
			return -1;
		}
		/* Half-complex: y[0] real, y[k] + i y[m-k], y[m/2] real. */
		y[0] = y[0] * y[0];
		y[m / 2] = y[m / 2] * y[m / 2];
		for (size_t k = 1; k < m / 2; k++) {
			y[k] = y[k] * y[k] + y[m - k] * y[m - k];
			y[m - k] = 0;
		}
		if (gsl_fft_halfcomplex_radix2_inverse(y, 1, m)) {
			free(y);
			return -1;
		}
		for (size_t k = 0; k < n; k++)
			rho[k] = y[k] / (double)n;
		free(y);
	}
	if (!(rho[0] > 0)) {
		*degenerate = 1;
		return 0;
	}
	double c0 = rho[0];
	for (size_t k = 0; k < n; k++)
		rho[k] /= c0;
	return 0;
}

struct idx_val {
	double v;
	size_t i;
};

static int cmp_iv(const void *a, const void *b)
{
	const struct idx_val *p = a, *q = b;
	if (p->v != q->v)
		return p->v < q->v ? -1 : 1;
	return (p->i > q->i) - (p->i < q->i);
}

/* Average ranks (1-based, ties share the mean rank: scipy's rankdata). */
static int rank_average(const double *v, size_t n, double *rank)
{
	struct idx_val *a = malloc(n * sizeof *a);
	if (!a)
		return -1;
	for (size_t i = 0; i < n; i++) {
		a[i].v = v[i];
		a[i].i = i;
	}
	qsort(a, n, sizeof *a, cmp_iv);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && a[j].v == a[i].v)
			j++;
		/* positions i..j-1 (0-based) -> ranks i+1..j, mean (i+1+j)/2 */
		double r = (double)(i + 1 + j) / 2;
		for (size_t k = i; k < j; k++)
			rank[a[k].i] = r;
		i = j;
	}
	free(a);
	return 0;
}

/* n/n* of Hamed and Rao (1998) or Yue and Wang (2004), as pyMannKendall
 * computes them with its default lag (all n - 1 lags): the series is
 * detrended with Sen's slope against 1, 2, ..., n. */
static int variance_factor(const int64_t *t, const double *x, size_t n,
			   const assay_trend_opts *o, double *factor)
{
	double slope;
	double *det = malloc(n * sizeof *det);
	double *rho = malloc(n * sizeof *rho);
	int rc = -1, degenerate;

	if (!det || !rho)
		goto out;
	if (assay_trend_sen_median(t, x, n, o->method, &slope))
		goto out;
	/* pyMannKendall: x - arange(1, n+1) * slope, the slope per step.  With
	 * ordinals, the position of a point is its distance in time + 1 (the
	 * same numbers when there are no gaps). */
	for (size_t i = 0; i < n; i++)
		det[i] = x[i] - (double)(t[i] - t[0] + 1) * slope;
	if (o->variant == ASSAY_MK_HAMED_RAO) {
		double *rk = calloc(n, sizeof *rk);
		if (!rk || rank_average(det, n, rk)) {
			free(rk);
			goto out;
		}
		rc = acf_all(rk, n, o->acf_direct_max, rho, &degenerate);
		free(rk);
		if (rc)
			goto out;
		rc = -1;
		double nn = (double)n;
		double bound = gsl_cdf_ugaussian_Pinv(1 - o->alpha / 2) /
			       sqrt(nn);
		double sni = 0;
		if (!degenerate)
			for (size_t i = 1; i < n; i++) {
				if (rho[i] <= bound && rho[i] >= -bound)
					continue;
				int64_t m = (int64_t)(n - i);
				sni += (double)(m * (m - 1) * (m - 2)) * rho[i];
			}
		int64_t in = (int64_t)n;
		*factor = 1 + (2 / (double)(in * (in - 1) * (in - 2))) * sni;
	} else {
		if (acf_all(det, n, o->acf_direct_max, rho, &degenerate))
			goto out;
		double sni = 0, nn = (double)n;
		if (!degenerate)
			for (size_t i = 1; i < n; i++)
				sni += (1 - (double)i / nn) * rho[i];
		*factor = 1 + 2 * sni;
	}
	rc = 0;
out:
	free(det);
	free(rho);
	return rc;
}

/* ---------------------------------------------------------------- */
/* The Mann-Kendall test                                            */

int assay_mk_test(const int64_t *t, const double *x, size_t n,
		  const assay_trend_opts *o, assay_mk *out, assay_error *err)
{
	memset(out, 0, sizeof *out);
	out->z = out->p = out->tau = out->tau_b = NAN;
	out->var_s = out->var_s0 = NAN;
	out->n_ns = out->n_ns_raw = 1;
	if (assay_trend_check_input(t, x, n, 3, err))
		return -1;
	out->n = n;

	int seasonal = o->variant == ASSAY_MK_SEASONAL;
	int period = seasonal ? o->period : 1;
	if (seasonal && period < 2)
		return assay_fail(err, ASSAY_EUSAGE,
				  "the seasonal test needs a period of at "
				  "least 2 seasons");
	int64_t Nall = (int64_t)n * ((int64_t)n - 1) / 2;
	int exact = o->method == ASSAY_TREND_EXACT ||
		    (o->method == ASSAY_TREND_AUTO &&
		     Nall <= ASSAY_TREND_EXACT_MAX_PAIRS);

	double *work = malloc(3 * n * sizeof *work);
	if (!work)
		return assay_fail(err, ASSAY_EIO, ENOMEM_MSG);
	if (!seasonal) {
		struct mk_part r;
		mk_part_compute(x, n, exact, work, &r);
		out->s = r.s;
		out->var_s0 = mk_var(&r);
		out->pairs = Nall;
		out->seasons = 1;
		out->tau = (double)r.s / (0.5 * (double)n * (double)(n - 1));
		out->tau_b = (double)r.s / sqrt((double)Nall) /
			     sqrt((double)(Nall - r.tie_pairs));
	} else {
		/* Hirsch et al. (1982): the test on each season, summed. */
		double *xs = work + 2 * n;
		int64_t s = 0, pairs = 0;
		double var = 0;
		int used = 0;
		for (int g = 0; g < period; g++) {
			size_t m = 0;
			for (size_t i = 0; i < n; i++)
				if (((t[i] % period) + period) % period == g)
					xs[m++] = x[i];
			if (m < 2)
				continue;
			struct mk_part r;
			mk_part_compute(xs, m, exact, work, &r);
			s += r.s;
			var += mk_var(&r);
			pairs += r.n * (r.n - 1) / 2;
			used++;
		}
		if (!pairs) {
			free(work);
			return assay_fail(err, ASSAY_ECANNOT,
					  "too few observations for the "
					  "seasonal test: no season has two");
		}
		out->s = s;
		out->var_s0 = var;
		out->pairs = pairs;
		out->seasons = used;
		out->tau = (double)s / (double)pairs;
	}
	free(work);

	out->var_s = out->var_s0;
	if (o->variant == ASSAY_MK_HAMED_RAO || o->variant == ASSAY_MK_YUE_WANG) {
		double f;
		if (variance_factor(t, x, n, o, &f))
			return assay_fail(err, ASSAY_EIO, ENOMEM_MSG);
		out->n_ns_raw = f;
		/* pyMannKendall#29: a strongly negative autocorrelation can
		 * make n/n* <= 0 and sqrt(Var S) NaN.  Then no correction is
		 * applied (conservative: negative dependence shrinks the true
		 * Var S), and the caller is told. */
		if (isfinite(f) && f > 0) {
			out->n_ns = f;
		} else {
			out->n_ns = 1;
			out->var_guarded = 1;
		}
		out->var_s = out->var_s0 * out->n_ns;
	}
	if (out->var_s > 0) {
		out->z = mk_z(out->s, out->var_s);
		out->p = 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
	} else {
		/* Every value tied (within each season): S = 0. */
		out->z = 0;
		out->p = 1;
	}
	return 0;
}

