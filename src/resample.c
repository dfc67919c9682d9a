/*
 * Resampling to a lower frequency by kind, with observation counts and the
 * partial flag (see resample.h for the rules).  One pass over the sorted
 * observations; the output has a row for every period between the first
 * and the last one with data, so gaps stay visible.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assay/period.h"
#include "assay/resample.h"

void assay_resampled_release(assay_resampled *s)
{
	if (!s)
		return;
	free(s->period);
	free(s->value);
	free(s->n_obs);
	free(s->partial);
	memset(s, 0, sizeof *s);
}

static int alloc_rows(assay_resampled *s, size_t n, assay_error *err)
{
	size_t k = n ? n : 1;
	s->period = malloc(k * sizeof *s->period);
	s->value = malloc(k * sizeof *s->value);
	s->n_obs = calloc(k, sizeof *s->n_obs);
	s->partial = calloc(k, 1);
	s->n = n;
	if (!s->period || !s->value || !s->n_obs || !s->partial) {
		assay_resampled_release(s);
		return assay_fail(err, ASSAY_EIO, "out of memory");
	}
	return 0;
}

static const char *freq_word(assay_freq f)
{
	const char *w = assay_freq_adjective(f);
	return *w ? w : "unknown-frequency";
}

/* Month ordinal (year * 12 + month - 1) of a day ordinal. */
static int64_t month_of_day(int64_t day)
{
	int y, m, d;
	assay_civil_from_days(day, &y, &m, &d);
	return (int64_t)y * 12 + (m - 1);
}

/* First month ordinal of period p at frequency f (M, Q, A). */
static int64_t first_month(assay_freq f, assay_period p)
{
	switch (f) {
	case ASSAY_FREQ_Q: return p * 3;
	case ASSAY_FREQ_A: return p * 12;
	default: return p;
	}
}

static int months_in(assay_freq f)
{
	return f == ASSAY_FREQ_A ? 12 : f == ASSAY_FREQ_Q ? 3 : 1;
}

/* Day ordinal of the first day of month ordinal m. */
static int64_t day_of_month_start(int64_t m)
{
	int64_t y = m >= 0 ? m / 12 : -((-m + 11) / 12);
	return assay_days_from_civil((int)y, (int)(m - y * 12) + 1, 1);
}

/* Sub-periods of `from` that make a complete period of `to`. */
static int subperiods(assay_freq from, assay_freq to)
{
	if (from == ASSAY_FREQ_M)
		return to == ASSAY_FREQ_Q ? 3 : 12;
	return 4;       /* Q -> A */
}

/* Can data at `from` of this kind be resampled to `to`? */
static int check_conversion(assay_freq from, assay_kind kind, assay_freq to,
			    assay_error *err)
{
	int rf = assay_freq_rank(from), rt = assay_freq_rank(to);
	if (rf < 0 || rt < 0)
		return assay_fail(err, ASSAY_EUSAGE, "unknown frequency");
	int daily = from == ASSAY_FREQ_D || from == ASSAY_FREQ_W;
	if (from != to && (rt < rf || (daily && to == ASSAY_FREQ_W) ||
			   (daily && to == ASSAY_FREQ_D)))
		return assay_fail(err, ASSAY_EUSAGE,
				  "cannot convert %s data to %s: assay only "
				  "aggregates to a lower frequency (M, Q or A)",
				  freq_word(from), freq_word(to));
	if (from != to && kind != ASSAY_KIND_FLOW && kind != ASSAY_KIND_PRICE &&
	    kind != ASSAY_KIND_STOCK)
		return assay_fail(err, ASSAY_EUSAGE,
				  "the series has no kind (flow, price or stock), "
				  "so it cannot be aggregated; set it with "
				  "'assay import --kind'");
	return 0;
}

/* Fold the finite observations [lo, hi) into the rows of out (row k is
 * period p0 + k of `to`), by kind, with counts and the partial flag. */
static void aggregate(const assay_obs *obs, size_t lo, size_t hi,
		      assay_freq from, assay_kind kind, assay_freq to,
		      assay_period p0, assay_resampled *out)
{
	int daily = from == ASSAY_FREQ_D || from == ASSAY_FREQ_W;
	/* Per output row: running sum and last value, and the sub-periods
	 * seen (months as a bit mask for D/W input, a count otherwise). */
	double sum = 0;
	size_t cur = (size_t)-1, start = lo;
	uint32_t months = 0;
	int count = 0;

	for (size_t i = lo; i < hi; i++) {
		double v = obs->value[i];
		if (!isfinite(v))
			continue;
		size_t k = (size_t)(assay_period_convert(from, obs->period[i], to) - p0);
		if (k != cur) {
			sum = 0;
			months = 0;
			count = 0;
			cur = k;
			start = i;
		}
		sum += v;
		count++;
		if (daily && to != from) {
			int64_t mo = month_of_day(obs->period[i]) -
				     first_month(to, out->period[k]);
			if (mo >= 0 && mo < 32)
				months |= (uint32_t)1 << mo;
		}
		out->n_obs[k] = count;
		switch (kind) {
		case ASSAY_KIND_FLOW: out->value[k] = sum; break;
		case ASSAY_KIND_STOCK: out->value[k] = v; break;
		default:
			out->value[k] = sum / count;
			/* Prices near 1.8e308 whose sum overflows: the mean of
			 * the values divided first (it is finite). */
			if (isinf(sum)) {
				double m = 0;
				for (size_t j = start; j <= i; j++)
					if (isfinite(obs->value[j]))
						m += obs->value[j] / count;
				out->value[k] = m;
			}
			break;
		}
		if (from == to) {
			out->value[k] = v;
			out->partial[k] = 0;
		} else if (daily) {
			int need = months_in(to);
			uint32_t all = need == 32 ? 0xffffffffu
						  : ((uint32_t)1 << need) - 1;
			out->partial[k] = (months & all) != all;
		} else {
			out->partial[k] = count < subperiods(from, to);
		}
	}
}

/* Day ordinal of the first day of period p at frequency f (M, Q, A). */
static int64_t period_first_day(assay_freq f, assay_period p)
{
	return day_of_month_start(first_month(f, p));
}

/* A weekly flow (a week's output, exports, claims) is the sum of its 7
 * days, the week ending on its date (FRED's "Weekly, Ending Friday", EIA's
 * and USDA's week-ending dates).  Summed whole by the month of its date,
 * months got 4 or 5 weeks: a steady 7 a week read +25%, then -20%.  So each
 * week is apportioned to the periods its days fall in, k/7 of it to a
 * period holding k of its days (the whole value when k = 7, exactly), and
 * a period is complete when weeks cover every one of its days. */
static void aggregate_weekly_flow(const assay_obs *obs, size_t lo, size_t hi,
				  assay_freq to, assay_period p0,
				  assay_resampled *out, int64_t *covered)
{
	for (size_t i = lo; i < hi; i++) {
		double v = obs->value[i];
		if (!isfinite(v))
			continue;
		int64_t last = obs->period[i], first = last - 6;
		assay_period pa = assay_period_convert(ASSAY_FREQ_D, first, to);
		assay_period pb = assay_period_convert(ASSAY_FREQ_D, last, to);
		int64_t k = pa == pb ? 7 : period_first_day(to, pb) - first;
		size_t a = (size_t)(pa - p0), b = (size_t)(pb - p0);
		double part = pa == pb ? v : v * (double)k / 7;
		out->value[a] = isnan(out->value[a]) ? part : out->value[a] + part;
		out->n_obs[a]++;
		covered[a] += k;
		if (pb != pa) {
			part = v * (double)(7 - k) / 7;
			out->value[b] = isnan(out->value[b]) ? part : out->value[b] + part;
			out->n_obs[b]++;
			covered[b] += 7 - k;
		}
	}
	for (size_t k = 0; k < out->n; k++) {
		int64_t days = period_first_day(to, out->period[k] + 1) -
			       period_first_day(to, out->period[k]);
		out->partial[k] = covered[k] > 0 && covered[k] < days;
	}
}

/* A period's sum beyond a double's range is an error, never a gap (it was
 * NA: export left the period out and changes showed no value, exit 0). */
static int overflowed(assay_resampled *out, assay_error *err)
{
	for (size_t k = 0; k < out->n; k++)
		if (isinf(out->value[k])) {
			char p[32];
			assay_period_format(out->freq, out->period[k], p, sizeof p);
			assay_resampled_release(out);
			return assay_fail(err, ASSAY_EUSAGE, "the sum for %s is beyond "
					  "the range of a number (1.8e308)", p);
		}
	return 0;
}

static int weekly_flow(const assay_obs *obs, size_t lo, size_t hi,
		       assay_freq to, assay_resampled *out, assay_error *err)
{
	assay_period p0 = assay_period_convert(ASSAY_FREQ_D, obs->period[lo] - 6, to);
	assay_period p1 = assay_period_convert(ASSAY_FREQ_D, obs->period[hi - 1], to);
	if (p1 < p0 || p1 - p0 > 100000000)
		return assay_fail(err, ASSAY_EUSAGE, "periods out of range");
	size_t n = (size_t)(p1 - p0 + 1);
	int64_t *covered = calloc(n, sizeof *covered);
	if (!covered || alloc_rows(out, n, err)) {
		free(covered);
		return covered ? -1 : assay_fail(err, ASSAY_EIO, "out of memory");
	}
	for (size_t k = 0; k < n; k++) {
		out->period[k] = p0 + (assay_period)k;
		out->value[k] = NAN;
	}
	aggregate_weekly_flow(obs, lo, hi, to, p0, out, covered);
	free(covered);
	return overflowed(out, err);
}

int assay_resample(const assay_obs *obs, assay_freq from, assay_kind kind,
		   assay_freq to, assay_resampled *out, assay_error *err)
{
	memset(out, 0, sizeof *out);
	out->freq = to;
	if (check_conversion(from, kind, to, err))
		return -1;
	int daily = from == ASSAY_FREQ_D || from == ASSAY_FREQ_W;

	/* First and last finite observation. */
	size_t lo = 0, hi = obs->n;
	while (lo < hi && !isfinite(obs->value[lo]))
		lo++;
	while (hi > lo && !isfinite(obs->value[hi - 1]))
		hi--;

	if (from == to && daily) {
		/* No aggregation: one row per observation (gaps included). */
		if (alloc_rows(out, obs->n, err))
			return -1;
		for (size_t i = 0; i < obs->n; i++) {
			out->period[i] = obs->period[i];
			out->value[i] = obs->value[i];
			out->n_obs[i] = isfinite(obs->value[i]);
		}
		return 0;
	}
	if (lo == hi)
		return alloc_rows(out, 0, err);
	if (from == ASSAY_FREQ_W && kind == ASSAY_KIND_FLOW && to != from)
		return weekly_flow(obs, lo, hi, to, out, err);

	assay_period p0 = assay_period_convert(from, obs->period[lo], to);
	assay_period p1 = assay_period_convert(from, obs->period[hi - 1], to);
	/* An NA observation at an end (a derived series' division by zero)
	 * is a period without a value, not the end of the data: the move
	 * into it is NA, never the move before it taken for the latest. */
	if (!daily) {
		assay_period a = assay_period_convert(from, obs->period[0], to);
		assay_period b = assay_period_convert(from, obs->period[obs->n - 1], to);
		p0 = a < p0 ? a : p0;
		p1 = b > p1 ? b : p1;
	}
	if (p1 < p0 || p1 - p0 > 100000000)
		return assay_fail(err, ASSAY_EUSAGE, "periods out of range");
	size_t n = (size_t)(p1 - p0 + 1);
	if (alloc_rows(out, n, err))
		return -1;
	for (size_t k = 0; k < n; k++) {
		out->period[k] = p0 + (assay_period)k;
		out->value[k] = NAN;
	}
	aggregate(obs, lo, hi, from, kind, to, p0, out);
	if (overflowed(out, err))
		return -1;

	/* The ends of daily and weekly data: a period is complete only when
	 * the data reach (nearly) to its boundary. */
	if (daily && to != from) {
		int64_t slack = from == ASSAY_FREQ_D ? 7 : 14;
		int64_t start0 = day_of_month_start(first_month(to, p0));
		int64_t end1 = day_of_month_start(first_month(to, p1) +
						  months_in(to)) - 1;
		if (obs->period[lo] - start0 > slack)
			out->partial[0] = 1;
		if (end1 - obs->period[hi - 1] > slack)
			out->partial[n - 1] = 1;
	}
	return 0;
}
