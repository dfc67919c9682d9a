/*
 * Periods: a frequency and an ordinal, so that periods sort, subtract and
 * convert with integer arithmetic.  The ordinal of each frequency:
 *   D, W  days since 1970-01-01 (W: the date the source gives for the week)
 *   M     year * 12 + (month - 1)
 *   Q     year * 4 + (quarter - 1)      calendar quarters (src/METHODS.md section 1)
 *   A     year
 * Labels: 2026-04-26 (D, W), 2026-04 (M), 2026Q1 (Q), 2026 (A); a year
 * before 0000 is written as ISO 8601 does, -0001 (labels never parse back
 * to negative years: assay_period_parse reads four-digit years).
 */
#ifndef ASSAY_PERIOD_H
#define ASSAY_PERIOD_H

#include <stddef.h>
#include <stdint.h>

typedef enum assay_freq {
	ASSAY_FREQ_NONE = 0,
	ASSAY_FREQ_D = 'D',
	ASSAY_FREQ_W = 'W',
	ASSAY_FREQ_M = 'M',
	ASSAY_FREQ_Q = 'Q',
	ASSAY_FREQ_A = 'A'
} assay_freq;

typedef int64_t assay_period;

/* 'D','W','M','Q','A' (either case) -> freq; anything else -> ASSAY_FREQ_NONE. */
assay_freq assay_freq_parse(const char *s);

/* Rank for "lower frequency" comparisons: D=0, W=1, M=2, Q=3, A=4. */
int assay_freq_rank(assay_freq f);

/* Words for a frequency, for messages and labels: "daily" ... "annual"
 * and "DoD", "WoW", "MoM", "QoQ", "YoY"; "" for ASSAY_FREQ_NONE. */
const char *assay_freq_adjective(assay_freq f);
const char *assay_freq_change_tag(assay_freq f);

/* Periods in one year: 365 (D; see assay_periods_per_year_trading), 52, 12, 4, 1. */
int assay_periods_per_year(assay_freq f);

/* Parse a period label in one of the formats assay knows:
 *   2026-04-26, 2026-04, 1960M01, 2026Q1, 2026-Q1, Q1 2026, 2026
 * and, when `strptime_fmt` is not NULL, that strptime(3) format instead
 * (which yields a day, or a month when the format gives no day: %b-%Y;
 * a %y year after next year is refused).  Leading and trailing blanks are ignored.
 * On success sets *freq and *p and returns 0; on failure writes a short
 * reason ("month 13 is out of range") to `why` and returns -1. */
int assay_period_parse(const char *s, const char *strptime_fmt,
		       assay_freq *freq, assay_period *p,
		       char *why, size_t whylen);

/* Write the label of `p` at frequency `f` to buf; returns buf. */
char *assay_period_format(assay_freq f, assay_period p, char *buf, size_t n);

/* The period of frequency `to` (lower or equal) containing `p`. */
assay_period assay_period_convert(assay_freq from, assay_period p,
				  assay_freq to);

/* First and last day (days since 1970-01-01) that period p covers.
 * Every int64_t ordinal is accepted; years beyond +/-2^40 (far from any
 * label assay_period_parse reads) count as year +/-2^40. */
void assay_period_span_days(assay_freq f, assay_period p, int64_t *first,
			    int64_t *last);

/* The first (upper = 0) or last (upper = 1) period at frequency `to`
 * within the period p of frequency f: what a --from or --to label means
 * at a series' frequency.  2026 -> 2026Q1 or 2026Q4 at Q, 2026-02-14 ->
 * 2026Q1 at Q, 2026Q1 -> 2026-01-01 or 2026-03-31 at D and W (days).
 * A finer label gives the period holding its first (last) day. */
assay_period assay_period_bound(assay_freq f, assay_period p, assay_freq to,
				int upper);

/* Days since 1970-01-01 <-> civil date (proleptic Gregorian).  Defined
 * for every argument: a month outside 1-12 moves the year, years beyond
 * +/-2^40 are clamped to it, and a year that does not fit *y saturates
 * at INT_MAX or INT_MIN.  assay_period_format and assay_period_convert
 * are exact for every ordinal. */
int64_t assay_days_from_civil(int y, int m, int d);
void assay_civil_from_days(int64_t z, int *y, int *m, int *d);

#endif
