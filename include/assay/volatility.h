/*
 * Noise scales: how big is a normal move (src/METHODS.md section 3).
 *
 * Every function here takes the trailing window of changes *before* the
 * move being judged (the caller excludes the judged change, as pandas'
 * rolling(...).std().shift(1) does) and must be given finite values only:
 * GSL's routines propagate a NaN, and a sort with NaNs is undefined.  A
 * non-finite input or too few values give NaN, never a crash.
 *
 *   sd     sample standard deviation (n - 1): gsl_stats_sd's statistic,
 *          by the two-pass formula
 *   mad    1.4826 * median absolute deviation, gsl_stats_mad (the
 *          constant is 1/Phi^-1(3/4) = 1.482602218505602, as scipy's
 *          median_abs_deviation(scale='normal'))
 *   qn     Rousseeuw and Croux's Qn, gsl_stats_Qn_from_sorted_data:
 *          2.21914 * d_n * the k-th smallest |x_i - x_j|, k = C(n/2+1, 2),
 *          d_n the finite-sample factor of R's robustbase
 *   ewma   RiskMetrics zero-mean EWMA over the window,
 *          sigma^2 = sum_i lambda^a(i) x_i^2 / sum_i lambda^a(i), a(i) the
 *          age (0 for the newest); normalised weights (pandas'
 *          ewm(alpha = 1 - lambda, adjust=True)), lambda = 2^(-1/h) from a
 *          half-life of h periods instead of the daily 0.94
 *   annualised volatility  sd * sqrt(periods per year): 252 trading days
 *          for daily data (R's TTR uses 260), 52, 12, 4, 1.
 */
#ifndef ASSAY_VOLATILITY_H
#define ASSAY_VOLATILITY_H

#include <stddef.h>
#include "assay/period.h"

/* Sample sd with n - 1 (two passes); NaN when n < 2. */
double assay_vol_sd(const double *x, size_t n);

/* 1.4826 * MAD; `work` holds n doubles (x is not modified); NaN if n < 1. */
double assay_vol_mad(const double *x, size_t n, double *work);

/* Qn; `work` holds 4n doubles and `iwork` 5n ints (GSL silently returns 0
 * when its 3n/5n work arrays are short, so the sizes are ours to keep);
 * x is not modified; NaN if n < 2. */
double assay_vol_qn(const double *x, size_t n, double *work, int *iwork);

/* lambda = 2^(-1/h) for a half-life of h > 0 periods; NaN otherwise. */
double assay_ewma_lambda(double half_life);

/* EWMA sigma of x[0..n) (oldest first) with decay lambda in (0, 1];
 * NaN if n < 1. */
double assay_vol_ewma(const double *x, size_t n, double lambda);

/* Periods per year for annualising: 252 (D), 52 (W), 12, 4, 1; 0 if
 * unknown. */
int assay_vol_periods_per_year(assay_freq f);

/* sd * sqrt(assay_vol_periods_per_year(f)); NaN for an unknown f. */
double assay_vol_annualise(double sd, assay_freq f);

/* All the scales of one window. */
typedef struct assay_noise {
	size_t n;               /* values in the window */
	double sd, mad, qn;     /* see above */
	double ewma;            /* with `lambda` */
	double lambda;          /* EWMA decay used */
	double annual;          /* annualised sd */
} assay_noise;

/* Fill *out for the window x[0..n).  Allocates its own work space; returns
 * 0, or -1 when out of memory (out filled with NaN). */
int assay_noise_compute(const double *x, size_t n, double half_life,
			assay_freq f, assay_noise *out);

#endif
