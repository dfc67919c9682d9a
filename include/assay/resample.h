/*
 * Resampling a series to a lower frequency, by what the series measures
 * (src/METHODS.md section 1; FRED's eop / sum / avg):
 *   flow   (production, exports)  the sum of the period
 *   price                         the mean of the period
 *   stock  (inventories)          the last value of the period
 *
 * Completeness.  Every output period carries the number of observations
 * behind it and a `partial` flag:
 *   M -> Q needs all 3 months, M -> A all 12, Q -> A all 4 quarters;
 *   D or W -> M, Q, A needs at least one observation in every month of
 *   the period; and a period at either end of the data must be reached:
 *   the first (last) observation at most 7 days (D) or 14 days (W) after
 *   the period's first (before its last) day, so that daily data ending on
 *   10 April do not make a complete April.
 * A weekly flow is the sum of the 7 days ending on its date (FRED's, EIA's
 * and USDA's week-ending dates) and is apportioned to the periods its days
 * fall in (k/7 of it to a period holding k of its days); a period is
 * complete when weeks cover every one of its days.  Summed whole by the
 * month of its date, months had 4 or 5 weeks (+25%, -20% for a steady
 * flow).
 * A partial period keeps its (incomplete) value and is marked, never
 * silently compared (pandas sums an empty bin to 0: pandas#42821).
 *
 * Gaps.  For M, Q and A output the periods run without holes from the
 * first to the last period with data; a period with no finite observation
 * is a gap row: value NaN, n_obs 0, partial 0.  D and W output (no
 * resampling) keeps one row per observation; a non-finite value is a gap.
 * Changes across a gap are NA (changes.h), never 0%.
 */
#ifndef ASSAY_RESAMPLE_H
#define ASSAY_RESAMPLE_H

#include <stddef.h>
#include "assay/assay.h"
#include "assay/store.h"

/* A series at one frequency, with the bookkeeping of resampling.  The
 * arrays are owned by the struct (one allocation each) and have n
 * elements; release with assay_resampled_release(). */
typedef struct assay_resampled {
	assay_freq freq;        /* frequency of `period` */
	assay_period *period;   /* ascending; consecutive for M, Q, A */
	double *value;          /* NaN: a gap (no data in the period) */
	int *n_obs;             /* observations behind the value */
	unsigned char *partial; /* 1: some required sub-period is missing */
	size_t n;
} assay_resampled;

/* Free the arrays and zero the struct; NULL and zeroed structs are fine. */
void assay_resampled_release(assay_resampled *s);

/* Aggregate `obs` (frequency `from`, periods ascending, NaN values allowed
 * and treated as absent) to frequency `to` by `kind`.  `to` may equal
 * `from` (a copy with gap rows filled in for M, Q, A) and must otherwise
 * be lower: D or W -> M, Q, A; M -> Q, A; Q -> A.  An empty `obs` gives
 * an empty result.  Returns 0 with *out filled (caller releases), or -1
 * with err filled: ASSAY_EUSAGE for a conversion that is not to a lower
 * frequency or an unknown kind, or a flow whose sum over a period is beyond
 * a double's range (a price's mean is computed without overflowing),
 * ASSAY_EIO when out of memory. */
int assay_resample(const assay_obs *obs, assay_freq from, assay_kind kind,
		   assay_freq to, assay_resampled *out, assay_error *err);

#endif
