/*
 * Change points in the level of a series: PELT (Killick, Fearnhead and
 * Eckley 2012) with the normal mean-change cost, src/METHODS.md section 6.
 *
 * The cost is computed on a robust, unit-free scale, so that the answer
 * does not depend on whether a series is in tonnes or kilotonnes (R's
 * changepoint assumes unit variance and leaves the scaling to the user,
 * rkillick/changepoint#26):
 *     z_i = (x_i - median(x)) / s,   s = Qn(x_{i+1} - x_i) / sqrt(2)
 * The first differences cancel the level, so a few shifts are a few
 * outliers among them; Qn (Rousseeuw and Croux 1993, GSL's
 * gsl_stats_Qn_from_sorted_data with its small-sample factors) ignores
 * up to half of them and estimates sqrt(2) times the noise sd for
 * Gaussian noise.  Qn rather than 1.4826 MAD: its 82% efficiency (MAD:
 * 37%) matters on short series, where an underestimated scale invents
 * changes: on 1,000 Gaussian series of 20 points MBIC found a change in
 * 8.0% with MAD and 3.9% with Qn, of 40 points 4.2% and 1.8%.
 * (If Qn is 0, more than half the differences tie, and the sd of the
 * differences / sqrt(2) is used; if that is 0 too, or n < 3, the series is
 * constant for our purpose and has no change point.)
 *
 * Segment cost: sum over the segment of (z - mean z)^2 (twice the negative
 * Gaussian log-likelihood with unit variance, up to a constant).
 * Penalties per change point, as R's changepoint for a mean change
 * (penalty_decision.R with one changing parameter):
 *     MBIC  3 log n, and log(segment length) added to each segment's cost
 *           (Zhang and Siegmund 2007; changepoint's mbic_mean)
 *     BIC   2 log n
 *     manual: a number >= 0, in the same standardised units.
 * The minimisation is exact: PELT prunes only candidates that provably
 * cannot be optimal, with the minimum segment length honoured in the
 * pruning (a candidate beaten at time t is dropped only at t + min_seg).
 *
 * Results own their arrays: release with assay_cpts_release().
 */
#ifndef ASSAY_CHANGEPOINT_H
#define ASSAY_CHANGEPOINT_H

#include <stddef.h>
#include "assay/assay.h"

typedef enum assay_penalty {
	ASSAY_PEN_MBIC = 0,     /* default, as R's changepoint */
	ASSAY_PEN_BIC,
	ASSAY_PEN_MANUAL
} assay_penalty;

typedef struct assay_cpt_opts {
	assay_penalty penalty;
	double pen_value;       /* ASSAY_PEN_MANUAL: penalty per change */
	size_t min_seg;         /* minimum segment length, >= 1 (default 2:
	                         * a one-period segment is an outlier, not a
	                         * level) */
	int no_prune;           /* tests: optimal partitioning, O(n^2) */
} assay_cpt_opts;

/* MBIC, minimum segment 2, pruning on. */
void assay_cpt_opts_init(assay_cpt_opts *o);

/* "mbic" | "bic" (any case) | a number >= 0 -> 0 and o->penalty (and
 * o->pen_value); -1 otherwise. */
int assay_penalty_parse(const char *s, assay_cpt_opts *o);
const char *assay_penalty_name(assay_penalty p);   /* "mbic", ... */

typedef enum assay_scale_source {
	ASSAY_SCALE_QN = 0,     /* Qn of the first differences / sqrt 2 */
	ASSAY_SCALE_SD,         /* sd of first differences / sqrt 2 */
	ASSAY_SCALE_CONSTANT    /* constant series: nothing to find */
} assay_scale_source;

typedef struct assay_cpts {
	size_t n;               /* observations */
	double center;          /* median of x */
	double scale;           /* s above (NaN for a constant series) */
	assay_scale_source scale_source;
	double penalty;         /* penalty per change point used */
	double cost;            /* minimal penalised cost (standardised) */
	size_t nseg;            /* segments: ncpt + 1 (0 when n = 0) */
	size_t *seg_start;      /* index of each segment's first observation */
	size_t *seg_len;        /* its length */
	double *seg_mean;       /* its mean, in the units of x */
} assay_cpts;

/* Change points of x[0..n).  Change point j (1 <= j < nseg) starts segment
 * j at index seg_start[j]; the level before is seg_mean[j-1], after
 * seg_mean[j].  Needs n >= 1 and finite x.  Returns 0, or -1 with err. */
int assay_pelt(const double *x, size_t n, const assay_cpt_opts *o,
	       assay_cpts *out, assay_error *err);

void assay_cpts_release(assay_cpts *c);

#endif
