/*
 * Period-on-period changes (src/METHODS.md section 2):
 *   pct   100 * (x_t / x_{t-1} - 1)        percent; NA when x_{t-1} <= 0
 *   log   ln(x_t / x_{t-1})                NA unless both are > 0; where
 *                                          the ratio under- or overflows
 *                                          (1e300 -> 1e-300), ln x_t -
 *                                          ln x_{t-1}
 *   diff  x_t - x_{t-1}                    defined for any finite pair
 *   yoy   100 * (x_t / x_{t-L} - 1)        percent against the same period
 *                                          one year earlier; NA when the
 *                                          base is <= 0
 * The previous period is found by period arithmetic, never by array
 * position: p - 1 for M, Q, A (L = 12, 4, 1 periods back for yoy); for
 * daily and weekly rows (observations on irregular calendars, e.g. trading
 * days) the previous row, and for yoy the observation on the same calendar
 * date one year earlier (29 February: the 28th) or, failing that, the
 * latest one in the 6 days before it.
 * NA (NaN), never inf and never a crash, whenever either value is missing
 * (a gap), partial (unless allow_partial), or the ratio or log undefined,
 * and where a percent or a difference is beyond the doubles.
 * Negative values are legal (net exports, spreads) and get differences.
 * Two levels within ASSAY_SAME_LEVEL (1e-12) of each other, relative, are
 * the same level: their change is 0 (means of the same prices summed in
 * another order differ in their last bits).
 */
#ifndef ASSAY_CHANGES_H
#define ASSAY_CHANGES_H

#include <stddef.h>
#include "assay/assay.h"
#include "assay/resample.h"

#define ASSAY_SAME_LEVEL 1e-12

/* Changes of every row of a resampled series; row i is the change from
 * the previous period into period i (row 0 and rows after a gap: NA).
 * Arrays owned by the struct, n elements each. */
typedef struct assay_changes {
	double *pct;            /* percent change, -14.8 meaning -14.8% */
	double *log;            /* natural-log change */
	double *diff;           /* difference, in the series' unit */
	double *yoy;            /* year-over-year percent change */
	size_t *prev;           /* index of the previous row, or (size_t)-1 */
	size_t n;
} assay_changes;

/* Free the arrays and zero the struct; NULL is fine. */
void assay_changes_release(assay_changes *c);

/* Compute the changes of `s`.  With allow_partial == 0 a partial period
 * (s->partial) is treated as missing.  Returns 0 (caller releases *out),
 * or -1 with err filled (ASSAY_EIO: out of memory). */
int assay_changes_compute(const assay_resampled *s, int allow_partial,
			  assay_changes *out, assay_error *err);

/* The single-pair formulas; NaN where undefined (see above). */
double assay_change_pct(double prev, double cur);
double assay_change_log(double prev, double cur);
double assay_change_diff(double prev, double cur);

/* Whether period b follows period a in a series of frequency f with no
 * gap between: the next period, or for daily and weekly series (rows of
 * observations) a step of at most 7 days (weekly: 10) -- a weekend, a
 * holiday or a week's closure, not a missing month.  The changes compute
 * no move across a gap, and the charts draw no line across it. */
int assay_periods_adjacent(assay_freq f, assay_period a, assay_period b);

/* Periods in one year at frequency f for the year-over-year lag:
 * 12 (M), 4 (Q), 1 (A); 0 for D and W (compared by calendar date). */
int assay_yoy_lag(assay_freq f);

#endif
