/*
 * Trend tests: Mann-Kendall (four variants), Sen's slope with Gilbert's
 * confidence interval, and log-linear growth.  src/METHODS.md section 5; the
 * formulas follow pyMannKendall (Hussain & Mahmud 2019) for the test
 * variants, R's trend::sens.slope and scipy.stats.theilslopes for Sen.
 *
 * Two ways to the same numbers:
 *  - EXACT: every pair.  S = sum sgn(x_j - x_i); all N = n(n-1)/2 slopes
 *    d_ij = (x_j - x_i) / (t_j - t_i) in memory, sorted.  O(n^2).
 *  - FAST: S = P - T - 2D, with D the strict inversions of x in time order
 *    counted by a merge sort, T the tied pairs.  The k-th smallest slope is
 *    selected without the N slopes: for a trial slope q, the pairs i < j
 *    with slope <= q are exactly the pairs with y_j <= y_i for
 *    y = x - q t, counted as (non-strict) inversions in O(n log n).
 *    Bisection on q shrinks a bracket [lo, hi] around the k-th slope until
 *    it holds few slopes; those are then enumerated as the pairs whose
 *    order differs between y(L) and y(H) (again a merge sort), each slope
 *    computed with the same expression as EXACT, and the k-th one taken.
 *    The comparisons of y are rounded, so the bracket is widened by a
 *    margin 64 times the bound on their rounding error (sen_delta)
 *    and the selected value is checked to lie where the rounding cannot
 *    have misplaced any pair; should a check fail, an O(n^2) pass without
 *    materialising finishes the job.  Either way the result is the double
 *    that sorting all slopes gives.
 *
 * The files: trend.c (options, input checks, the whole run), trend_mk.c
 * (inversion counting, the Mann-Kendall test and its autocorrelation
 * corrections), trend_sen.c (Sen's slope: selection of order statistics
 * of the pairwise slopes), trend_growth.c (the log-linear growth fit);
 * trend_internal.h is what they share.
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


static const char *const variant_names[] = {
	"original", "hamed-rao", "yue-wang", "seasonal"
};

int assay_mk_variant_parse(const char *s, assay_mk_variant *v)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, variant_names[i])) {
			*v = (assay_mk_variant)i;
			return 0;
		}
	return -1;
}

const char *assay_mk_variant_name(assay_mk_variant v)
{
	return (unsigned)v < 4 ? variant_names[v] : "";
}

void assay_trend_opts_init(assay_trend_opts *o)
{
	memset(o, 0, sizeof *o);
	o->variant = ASSAY_MK_ORIGINAL;
	o->alpha = 0.05;
	o->period = 1;
	o->units_per_period = 1;
	o->units_per_year = 1;
	o->method = ASSAY_TREND_AUTO;
}

void assay_trend_opts_units(assay_trend_opts *o, assay_freq f)
{
	o->units_per_period = f == ASSAY_FREQ_W ? 7 : 1;
	switch (f) {
	case ASSAY_FREQ_M: o->units_per_year = 12; break;
	case ASSAY_FREQ_Q: o->units_per_year = 4; break;
	case ASSAY_FREQ_A: o->units_per_year = 1; break;
	default: o->units_per_year = 365.25; break;
	}
}

int assay_trend_check_input(const int64_t *t, const double *x, size_t n,
		       size_t nmin, assay_error *err)
{
	if (n < nmin)
		return assay_fail(err, ASSAY_ECANNOT,
				  "too few observations for a trend test: "
				  "%zu (at least %zu)", n, nmin);
	if (n > ASSAY_TREND_MAX_N)
		return assay_fail(err, ASSAY_EUSAGE,
				  "too many observations for a trend test: "
				  "%zu (at most %zu)", n, ASSAY_TREND_MAX_N);
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return assay_fail(err, ASSAY_EUSAGE,
					  "observation %zu is not a finite "
					  "number", i + 1);
		/* Differences of values must not overflow. */
		if (fabs(x[i]) > 1e300)
			return assay_fail(err, ASSAY_EUSAGE,
					  "observation %zu is too large: %g",
					  i + 1, x[i]);
		if (i && t[i] <= t[i - 1])
			return assay_fail(err, ASSAY_EUSAGE,
					  "observation %zu is not later than "
					  "the one before", i + 1);
		if (t[i] > ((int64_t)1 << 52) || t[i] < -((int64_t)1 << 52))
			return assay_fail(err, ASSAY_EUSAGE,
					  "time ordinal out of range");
	}
	return 0;
}

/* ---------------------------------------------------------------- */

int assay_trend_run(const int64_t *t, const double *x, size_t n,
		    const assay_trend_opts *o, assay_trend *out,
		    assay_error *err)
{
	memset(out, 0, sizeof *out);
	if (assay_mk_test(t, x, n, o, &out->mk, err))
		return -1;
	/* The CI uses the Var S of the chosen variant: the original one
	 * (Gilbert, R's sens.slope) unless a correction was asked for. */
	if (assay_sen_slope(t, x, n, o, out->mk.var_s, &out->sen, err))
		return -1;
	double up = o->units_per_period, uy = o->units_per_year;
	out->sen_slope_period = out->sen.slope * up;
	out->sen_lo_period = out->sen.lo * up;
	out->sen_hi_period = out->sen.hi * up;
	out->sen_slope_year = out->sen.slope * uy;
	out->sen_lo_year = out->sen.lo * uy;
	out->sen_hi_year = out->sen.hi * uy;
	return assay_growth_fit(t, x, n, o, &out->growth, err);
}
