/*
 * Noise scales of a trailing window (see volatility.h).  Thin, checked
 * wrappers around GSL's statistics: GSL gets NaN-free data and work
 * arrays of the documented sizes, nothing else.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "assay/volatility.h"

static int all_finite(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

/* The exponent e that brings the largest |x_i| into [1/2, 1) when it lies
 * outside [2^-256, 2^256], where the squares of the sd and the EWMA would
 * under- or overflow (1e-160, 1e160); 0 inside, for all ordinary data,
 * which is computed as it is given.  Scaling by 2^-e is exact and the
 * arithmetic commutes with it, so the scale is the same to the bit. */
static int scale_exp(const double *x, size_t n)
{
	double big = 0;
	for (size_t i = 0; i < n; i++)
		big = fabs(x[i]) > big ? fabs(x[i]) : big;
	int e = 0;
	if (big > 0 && (big < 0x1p-256 || big > 0x1p256))
		frexp(big, &e);
	return e;
}

/* The sample sd of x, times 2^-e (the two-pass formula of gsl_stats_sd:
 * GSL's running-mean update divides once per value).  test_volatility.c
 * compares it with GSL's. */
static double sd_of(const double *x, size_t n, int e)
{
	double m = 0, ss = 0;
	if (!e) {       /* every ordinary window */
		for (size_t i = 0; i < n; i++)
			m += x[i];
		m /= (double)n;
		for (size_t i = 0; i < n; i++)
			ss += (x[i] - m) * (x[i] - m);
		return sqrt(ss / (double)(n - 1));
	}
	for (size_t i = 0; i < n; i++)
		m += ldexp(x[i], -e);
	m /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = ldexp(x[i], -e) - m;
		ss += d * d;
	}
	return sqrt(ss / (double)(n - 1));
}

double assay_vol_sd(const double *x, size_t n)
{
	if (n < 2 || !all_finite(x, n))
		return NAN;
	int e = scale_exp(x, n);
	return ldexp(sd_of(x, n, e), e);
}

double assay_vol_mad(const double *x, size_t n, double *work)
{
	if (n < 1 || !all_finite(x, n))
		return NAN;
	/* gsl_stats_mad sorts a copy in `work` (n doubles) and scales by
	 * 1.482602218505602. */
	return gsl_stats_mad(x, 1, n, work);
}

double assay_vol_qn(const double *x, size_t n, double *work, int *iwork)
{
	if (n < 2 || !all_finite(x, n))
		return NAN;
	double *sorted = work, *gwork = work + n;
	memcpy(sorted, x, n * sizeof *x);
	gsl_sort(sorted, 1, n);
	return gsl_stats_Qn_from_sorted_data(sorted, 1, n, gwork, iwork);
}

double assay_ewma_lambda(double half_life)
{
	if (!(half_life > 0) || !isfinite(half_life))
		return NAN;
	return pow(2.0, -1.0 / half_life);
}

double assay_vol_ewma(const double *x, size_t n, double lambda)
{
	if (n < 1 || !(lambda > 0 && lambda <= 1) || !all_finite(x, n))
		return NAN;
	int e = scale_exp(x, n);
	/* Oldest first, so the newest gets weight 1: Horner's scheme. */
	double num = 0, den = 0;
	for (size_t i = 0; i < n; i++) {
		double v = e ? ldexp(x[i], -e) : x[i];
		num = lambda * num + v * v;
		den = lambda * den + 1;
	}
	return ldexp(sqrt(num / den), e);
}

int assay_vol_periods_per_year(assay_freq f)
{
	switch (f) {
	case ASSAY_FREQ_D: return 252;  /* trading days; TTR: 260 */
	case ASSAY_FREQ_W: return 52;
	case ASSAY_FREQ_M: return 12;
	case ASSAY_FREQ_Q: return 4;
	case ASSAY_FREQ_A: return 1;
	default: return 0;
	}
}

double assay_vol_annualise(double sd, assay_freq f)
{
	int k = assay_vol_periods_per_year(f);
	return k ? sd * sqrt((double)k) : NAN;
}

int assay_noise_compute(const double *x, size_t n, double half_life,
			assay_freq f, assay_noise *out)
{
	out->n = n;
	out->sd = out->mad = out->qn = out->ewma = out->annual = NAN;
	out->lambda = assay_ewma_lambda(half_life);
	double *work = malloc((4 * n + 1) * sizeof *work);
	int *iwork = malloc((5 * n + 1) * sizeof *iwork);
	if (!work || !iwork) {
		free(work);
		free(iwork);
		return -1;
	}
	out->sd = assay_vol_sd(x, n);
	out->mad = assay_vol_mad(x, n, work);
	out->qn = assay_vol_qn(x, n, work, iwork);
	out->ewma = assay_vol_ewma(x, n, out->lambda);
	out->annual = assay_vol_annualise(out->sd, f);
	free(work);
	free(iwork);
	return 0;
}
