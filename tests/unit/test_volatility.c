/*
 * Unit tests of volatility.c against naive implementations written here
 * (the real-data comparison with pandas, scipy and statsmodels is in
 * test_verdict.c, through the judgements' noise scales):
 *   sd    two-pass sum of squares / (n - 1), and gsl_stats_sd
 *   mad   median of |x - median| * 1/Phi^-1(3/4), by sorting
 *   qn    the k-th smallest of all |x_i - x_j|, k = C(n/2 + 1, 2), times
 *         2.21914 and robustbase's d_n, by sorting all pairs (O(n^2)),
 *         for every n from 2 to 80: GSL's O(n log n) algorithm and its
 *         work arrays (3n doubles, 5n ints; ours give 4n and 5n)
 *   ewma  the weighted mean of squares written out
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_statistics_double.h>

#include "assay/volatility.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median_sorted(const double *s, size_t n)
{
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double qn_dn(size_t n)
{
	static const double t[] = { 0, 0, .399356, .99365, .51321, .84401, .61220,
				    .85877, .66993, .87344, .72014, .88906, .75743 };
	if (n <= 12)
		return t[n];
	double d = n % 2 ? 1.60188 + (-2.1284 - 5.172 / n) / n
			 : 3.67561 + (1.9654 + (6.987 - 77.0 / n) / n) / n;
	return 1.0 / (d / n + 1.0);
}

static uint64_t rng = 42;
static double unif(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static void test_against_naive(void **state)
{
	(void)state;
	double x[80], s[80], work[4 * 80], pairs[80 * 79 / 2];
	int iwork[5 * 80];
	for (size_t n = 2; n <= 80; n++) {
		for (size_t i = 0; i < n; i++)
			x[i] = (unif() - 0.5) * (i % 7 == 0 ? 10 : 1);
		double m = 0, ss = 0;
		for (size_t i = 0; i < n; i++)
			m += x[i];
		m /= n;
		for (size_t i = 0; i < n; i++)
			ss += (x[i] - m) * (x[i] - m);
		assert_true(fabs(assay_vol_sd(x, n) - sqrt(ss / (n - 1))) <=
			    1e-13 * sqrt(ss / (n - 1)));
		assert_true(fabs(assay_vol_sd(x, n) - gsl_stats_sd(x, 1, n)) <=
			    1e-14 * gsl_stats_sd(x, 1, n));

		memcpy(s, x, n * sizeof *x);
		qsort(s, n, sizeof *s, cmp);
		double med = median_sorted(s, n);
		for (size_t i = 0; i < n; i++)
			s[i] = fabs(x[i] - med);
		qsort(s, n, sizeof *s, cmp);
		double mad = median_sorted(s, n) * 1.482602218505602;
		assert_true(fabs(assay_vol_mad(x, n, work) - mad) <= 1e-14 * mad);

		size_t np = 0;
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++)
				pairs[np++] = fabs(x[i] - x[j]);
		qsort(pairs, np, sizeof *pairs, cmp);
		size_t h = n / 2 + 1, k = h * (h - 1) / 2;
		double qn = 2.21914 * qn_dn(n) * pairs[k - 1];
		double got = assay_vol_qn(x, n, work, iwork);
		if (fabs(got - qn) > 1e-14 * qn)
			fail_msg("n=%zu: Qn %.17g, naive %.17g", n, got, qn);
	}
}

static void test_ewma(void **state)
{
	(void)state;
	double x[] = { 0.01, -0.03, 0.02, 0.05, -0.01 };
	double lam = assay_ewma_lambda(5);
	assert_true(fabs(lam - pow(2, -0.2)) < 1e-16);
	double num = 0, den = 0;
	for (int i = 0; i < 5; i++) {
		double w = pow(lam, 4 - i);     /* newest weight 1 */
		num += w * x[i] * x[i];
		den += w;
	}
	assert_true(fabs(assay_vol_ewma(x, 5, lam) - sqrt(num / den)) < 1e-16);
	assert_true(fabs(assay_vol_ewma(x, 5, 1) - sqrt((1e-4 + 9e-4 + 4e-4 + 25e-4 + 1e-4) / 5)) < 1e-16);
	assert_true(isnan(assay_ewma_lambda(0)));
	assert_true(isnan(assay_vol_ewma(x, 0, lam)));
}

static void test_edge_cases(void **state)
{
	(void)state;
	double x[3] = { 1, NAN, 2 }, work[12];
	int iwork[15];
	assert_true(isnan(assay_vol_sd(x, 3)));         /* NaN in: NaN out */
	assert_true(isnan(assay_vol_mad(x, 3, work)));
	assert_true(isnan(assay_vol_qn(x, 3, work, iwork)));
	assert_true(isnan(assay_vol_ewma(x, 3, 0.9)));
	assert_true(isnan(assay_vol_sd(x, 1)));         /* too few */
	assert_true(isnan(assay_vol_qn(x, 1, work, iwork)));
	assert_true(assay_vol_mad(x, 1, work) == 0);
	assert_int_equal(assay_vol_periods_per_year(ASSAY_FREQ_D), 252);
	assert_int_equal(assay_vol_periods_per_year(ASSAY_FREQ_Q), 4);
	assert_true(fabs(assay_vol_annualise(0.1, ASSAY_FREQ_M) - 0.1 * sqrt(12)) < 1e-16);
	assert_true(isnan(assay_vol_annualise(0.1, ASSAY_FREQ_NONE)));
	assay_noise nz;
	double y[4] = { 0.1, -0.2, 0.05, 0.0 };
	assert_int_equal(assay_noise_compute(y, 4, 2, ASSAY_FREQ_Q, &nz), 0);
	assert_true(nz.n == 4 && fabs(nz.annual - 2 * nz.sd) < 1e-16);
	assert_true(fabs(nz.lambda - sqrt(0.5)) < 1e-16);
}

/* The sd and the EWMA of the same changes at any magnitude: the squares
 * of 1e-160 underflowed and of 1e160 overflowed; now the window is
 * scaled by a power of two, so the result is the ordinary one times it,
 * to the bit. */
static void test_magnitude(void **state)
{
	(void)state;
	double x[12], y[12];
	for (int i = 0; i < 12; i++)
		x[i] = 1.7 * sin(i * 1.9) + 0.4 * cos(i * 0.7) - 0.3;
	double sd = assay_vol_sd(x, 12), ew = assay_vol_ewma(x, 12, 0.8);
	static const int ks[] = { -520, -700, -1000, 510, 900 };
	for (size_t k = 0; k < sizeof ks / sizeof ks[0]; k++) {
		for (int i = 0; i < 12; i++)
			y[i] = ldexp(x[i], ks[k]);
		assert_true(assay_vol_sd(y, 12) == ldexp(sd, ks[k]));
		assert_true(assay_vol_ewma(y, 12, 0.8) == ldexp(ew, ks[k]));
	}
	double big[3] = { 1e308, -1e308, 1e308 };
	assert_true(isfinite(assay_vol_sd(big, 3)));
	assert_true(fabs(assay_vol_sd(big, 3) / 1.1547005383792515e308 - 1) < 1e-15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_naive),
		cmocka_unit_test(test_ewma),
		cmocka_unit_test(test_edge_cases),
		cmocka_unit_test(test_magnitude),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
