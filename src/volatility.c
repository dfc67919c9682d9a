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

double assay_vol_sd(const double *x, size_t n)
{
	if (n < 2 || !all_finite(x, n))
		return NAN;
	/* The statistic of gsl_stats_sd, by the plain two-pass formula:
	 * GSL's running-mean update divides once per value, and this is
	 * called for every move (a tenth of the time of 'assay changes' over
	 * 10,000 series).  test_volatility.c compares the two. */
	double m = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		m += x[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	return sqrt(ss / (double)(n - 1));
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
	/* Oldest first, so the newest gets weight 1: Horner's scheme. */
	double num = 0, den = 0;
	for (size_t i = 0; i < n; i++) {
		num = lambda * num + x[i] * x[i];
		den = lambda * den + 1;
	}
	return sqrt(num / den);
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
