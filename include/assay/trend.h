/*
 * Trend tests: is a series drifting, and how fast?  src/METHODS.md section 5.
 *
 *  - Mann-Kendall (Mann 1945, Kendall 1975): S, its tie-corrected variance,
 *    the continuity-corrected z and the two-sided p-value, in four variants:
 *    original, Hamed and Rao (1998) and Yue and Wang (2004) variance
 *    corrections for autocorrelation, and the seasonal Kendall test
 *    (Hirsch, Slack and Smith 1982).  Formulas as in pyMannKendall.
 *  - Sen's slope (Sen 1968) with the confidence interval of Gilbert (1987),
 *    as R's trend::sens.slope and scipy.stats.theilslopes compute it.
 *  - Growth on log levels by least squares (gsl_fit_linear).
 *
 * Large series: S is counted in O(n log n) by merge-sort inversions, and
 * the order statistics of the n(n-1)/2 pairwise slopes are selected without
 * materialising them (bisection on the slope value with O(n log n) counting,
 * then exact enumeration of the few slopes left in the bracket).  The result
 * is the same double as sorting all slopes: see trend.c.
 *
 * Time is given as integer period ordinals (assay/period.h); `units` below
 * means one step of the ordinal (a day for D and W, a month for M, ...).
 * Observations must be finite and strictly increasing in time; gaps are
 * allowed (slopes use the real time distance).
 *
 * Nothing here allocates memory that the caller must free: results are
 * plain structs.  Functions return 0, or -1 with `err` filled.
 */
#ifndef ASSAY_TREND_H
#define ASSAY_TREND_H

#include <stddef.h>
#include <stdint.h>
#include "assay/assay.h"

typedef enum assay_mk_variant {
	ASSAY_MK_ORIGINAL = 0,  /* Var S with the tie correction only */
	ASSAY_MK_HAMED_RAO,     /* Hamed & Rao (1998): significant ACF lags of
	                         * the ranks of the Sen-detrended series */
	ASSAY_MK_YUE_WANG,      /* Yue & Wang (2004): all ACF lags of the
	                         * Sen-detrended series */
	ASSAY_MK_SEASONAL       /* seasonal Kendall: S and Var S summed over
	                         * seasons (ordinal mod period) */
} assay_mk_variant;

/* "original" | "hamed-rao" | "yue-wang" | "seasonal" -> 0; else -1. */
int assay_mk_variant_parse(const char *s, assay_mk_variant *v);
const char *assay_mk_variant_name(assay_mk_variant v);

/* How S is counted and how Sen's slope selects its order statistics.
 * AUTO uses EXACT when the number of pairs is at most
 * ASSAY_TREND_EXACT_MAX_PAIRS.  The choice only changes time and memory,
 * never the result (the unit tests check that both give the same bits). */
typedef enum assay_trend_method {
	ASSAY_TREND_AUTO = 0,
	ASSAY_TREND_EXACT,      /* every pair: S by sgn sums, all slopes in
	                         * memory and sorted: O(n^2) */
	ASSAY_TREND_FAST        /* S by merge-sort inversions, slopes selected
	                         * without materialising: O(n log n) */
} assay_trend_method;

#define ASSAY_TREND_EXACT_MAX_PAIRS ((int64_t)1 << 20)

/* Longest series accepted (keeps every count of pairs exact in int64). */
#define ASSAY_TREND_MAX_N ((size_t)1000000)

typedef struct assay_trend_opts {
	assay_mk_variant variant;
	double alpha;           /* two-sided level of the test and the CIs
	                         * (0.05); also the Hamed-Rao lag filter */
	int period;             /* seasonal variant: seasons per cycle (4 for
	                         * quarters, 12 for months); season of an
	                         * observation = ordinal mod period */
	double units_per_period;/* ordinal units in one period: 7 for weekly
	                         * series (ordinals are days), else 1 */
	double units_per_year;  /* ordinal units in one year: 1 (A), 4 (Q),
	                         * 12 (M), 365.25 (D, W: calendar days) */
	assay_trend_method method;
	size_t sen_cap;         /* tests only: enumerate once a bracket holds
	                         * at most this many slopes (0: default) */
	size_t acf_direct_max;  /* tests only: autocorrelations by direct sums
	                         * up to this many points, by FFT above
	                         * (0: default, 4096) */
} assay_trend_opts;

/* Defaults: original variant, alpha 0.05, annual units. */
void assay_trend_opts_init(assay_trend_opts *o);
/* Set o->units_per_period and o->units_per_year for series of frequency f
 * (period.h: D and W ordinals are days; a year is 365.25 calendar days). */
void assay_trend_opts_units(assay_trend_opts *o, assay_freq f);

typedef struct assay_mk {
	size_t n;               /* observations used */
	int64_t s;              /* Kendall's S = sum_{i<j} sgn(x_j - x_i) */
	double var_s0;          /* Var S with the tie correction (original) */
	double var_s;           /* Var S used for z: var_s0 * n_ns, or the sum
	                         * over seasons for the seasonal variant */
	double n_ns;            /* n/n*: autocorrelation correction factor
	                         * applied (1 for original and seasonal) */
	double n_ns_raw;        /* the factor as computed, before the guard */
	int var_guarded;        /* 1: the corrected variance was not positive
	                         * (n_ns_raw <= 0), so the uncorrected one was
	                         * used instead of producing NaN */
	double z;               /* (S -/+ 1)/sqrt(var_s), 0 when S = 0 */
	double p;               /* two-sided p = 2 (1 - Phi(|z|)) */
	double tau;             /* S / (n(n-1)/2) as pyMannKendall (seasonal:
	                         * S / sum over seasons of n_k(n_k-1)/2) */
	double tau_b;           /* Kendall's tau-b of (time, x): S / sqrt(P)
	                         * / sqrt(P - ties), P = n(n-1)/2, as scipy's
	                         * kendalltau; NaN for the seasonal variant */
	int64_t pairs;          /* pairs compared: n(n-1)/2, or the sum over
	                         * seasons */
	int seasons;            /* seasons used (seasonal variant), else 1 */
} assay_mk;

typedef struct assay_sen {
	double slope;           /* median pairwise slope, per ordinal unit */
	double lo, hi;          /* Gilbert (1987) CI at 1 - alpha, per unit */
	double intercept;       /* median(x) - slope * median(t - t_0): the
	                         * level at the first ordinal, as scipy */
	int64_t pairs;          /* N, the number of pairwise slopes */
	int64_t rank_lo;        /* 1-based ranks of lo and hi among the sorted
	                         * slopes: round((N - C)/2), round((N + C)/2 + 1)
	                         * with C = z_{1-alpha/2} sqrt(Var S); clamped */
	int64_t rank_hi;
	int fast;               /* 1: selected without materialising */
} assay_sen;

typedef struct assay_growth {
	int ok;                 /* 0: not computed (non-positive values or
	                         * fewer than 3 observations); the rest NaN */
	double log_slope;       /* d ln(x) / d year, least squares */
	double log_slope_se;    /* its standard error (gsl_fit_linear cov11) */
	double log_intercept;   /* ln(x) at the first observation's time */
	double pct;             /* growth per year in percent: 100 (e^b - 1) */
	double se;              /* delta-method SE of pct: 100 e^b se(b) */
	double lo, hi;          /* 100 (e^(b -/+ t se) - 1), t of n-2 df */
	double r2;              /* R^2 of the log-linear fit */
} assay_growth;

typedef struct assay_trend {
	assay_mk mk;
	assay_sen sen;          /* seasonal variant: within-season slopes */
	double sen_slope_period;/* sen.* scaled to one period and one year */
	double sen_lo_period, sen_hi_period;
	double sen_slope_year, sen_lo_year, sen_hi_year;
	assay_growth growth;
} assay_trend;

/* Mann-Kendall test of x (n values at strictly increasing ordinals t).
 * Needs n >= 3 (seasonal: some season with 2 values).  Hamed-Rao and
 * Yue-Wang compute Sen's slope to detrend. */
int assay_mk_test(const int64_t *t, const double *x, size_t n,
		  const assay_trend_opts *o, assay_mk *out, assay_error *err);

/* Sen's slope and its CI; `var_s` is the Var S that sets the CI width
 * (assay_trend_run passes the variant's).  Needs n >= 2. */
int assay_sen_slope(const int64_t *t, const double *x, size_t n,
		    const assay_trend_opts *o, double var_s, assay_sen *out,
		    assay_error *err);

/* Least squares of ln(x) on years since t[0].  Sets out->ok = 0 (and
 * returns 0) when some x <= 0 or n < 3. */
int assay_growth_fit(const int64_t *t, const double *x, size_t n,
		     const assay_trend_opts *o, assay_growth *out,
		     assay_error *err);

/* All of the above. */
int assay_trend_run(const int64_t *t, const double *x, size_t n,
		    const assay_trend_opts *o, assay_trend *out,
		    assay_error *err);

#endif
