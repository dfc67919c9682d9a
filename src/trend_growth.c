/*
 * Growth: least squares on log levels, percent per year with its
 * standard error by the delta method (see trend.h).
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
/* Growth: least squares on log levels                              */

int assay_growth_fit(const int64_t *t, const double *x, size_t n,
		     const assay_trend_opts *o, assay_growth *out,
		     assay_error *err)
{
	memset(out, 0, sizeof *out);
	out->log_slope = out->log_slope_se = out->log_intercept = NAN;
	out->pct = out->se = out->lo = out->hi = out->r2 = NAN;
	if (assay_trend_check_input(t, x, n, 0, err))
		return -1;
	if (n < 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(x[i] > 0))
			return 0;
	double *yr = malloc(n * sizeof *yr), *ly = malloc(n * sizeof *ly);
	if (!yr || !ly) {
		free(yr);
		free(ly);
		return assay_fail(err, ASSAY_EIO, ENOMEM_MSG);
	}
	for (size_t i = 0; i < n; i++) {
		yr[i] = (double)(t[i] - t[0]) / o->units_per_year;
		ly[i] = log(x[i]);
	}
	double c0, c1, cov00, cov01, cov11, sumsq;
	int rc = gsl_fit_linear(yr, 1, ly, 1, n, &c0, &c1, &cov00, &cov01,
				&cov11, &sumsq);
	if (rc) {
		free(yr);
		free(ly);
		return assay_fail(err, ASSAY_EUSAGE,
				  "log-linear fit failed: %s",
				  gsl_strerror(rc));
	}
	double mean = 0, tss = 0;
	for (size_t i = 0; i < n; i++)
		mean += ly[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		tss += (ly[i] - mean) * (ly[i] - mean);
	free(yr);
	free(ly);

	double se = sqrt(cov11);
	double tq = gsl_cdf_tdist_Pinv(1 - o->alpha / 2, (double)n - 2);
	out->ok = 1;
	out->log_slope = c1;
	out->log_slope_se = se;
	out->log_intercept = c0;
	out->pct = 100 * expm1(c1);
	out->se = 100 * exp(c1) * se;
	out->lo = 100 * expm1(c1 - tq * se);
	out->hi = 100 * expm1(c1 + tq * se);
	/* R^2 is undefined for a constant series (rounding in the mean
	 * would otherwise make up a tiny total sum of squares). */
	int constant = 1;
	for (size_t i = 1; i < n && constant; i++)
		constant = x[i] == x[0];
	out->r2 = constant || !(tss > 0) ? NAN : 1 - sumsq / tss;
	return 0;
}

