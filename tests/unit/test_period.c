/*
 * Unit tests of period.c: civil dates, period labels (parse and format),
 * conversion to lower frequencies and the days a period spans.
 *
 * Reference values: the day numbers in civil_table were computed with
 * Python's datetime (an independent proleptic Gregorian implementation:
 * (date(y, m, d) - date(1970, 1, 1)).days); the rest are checked against
 * a naive day count written here (count_days), not against period.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "assay/period.h"

/* ---- an independent, slow civil calendar ------------------------------ */

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return dim[m - 1] + (m == 2 && is_leap(y));
}

/* Days from 1970-01-01 by summing whole years and months. */
static int64_t count_days(int64_t y, int m, int d)
{
	int64_t n = 0;
	for (int64_t k = 1970; k < y; k++)
		n += 365 + is_leap(k);
	for (int64_t k = y; k < 1970; k++)
		n -= 365 + is_leap(k);
	for (int k = 1; k < m; k++)
		n += month_days(y, k);
	return n + d - 1;
}

/* ---- civil dates ------------------------------------------------------- */

static const struct { int y, m, d; int64_t days; } civil_table[] = {
	{ 1970, 1, 1, 0 },
	{ 1969, 12, 31, -1 },
	{ 2000, 2, 29, 11016 },
	{ 2000, 3, 1, 11017 },
	{ 1900, 2, 28, -25509 },
	{ 1900, 3, 1, -25508 },
	{ 2024, 2, 29, 19782 },
	{ 2026, 4, 26, 20569 },
	{ 1, 1, 1, -719162 },
	{ 1600, 2, 29, -135081 },
	{ 9999, 12, 31, 2932896 },
	{ 1582, 10, 15, -141427 },
	{ 1960, 1, 1, -3653 },
	{ 2038, 1, 19, 24855 },
	{ 2100, 3, 1, 47541 },
	/* Astronomical years <= 0 (year 0 is 1 BC, a leap year). */
	{ 0, 3, 1, -719468 },
	{ 0, 2, 29, -719469 },
	{ 0, 1, 1, -719528 },
	{ -1, 12, 31, -719529 },
};

static void test_civil_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof civil_table / sizeof *civil_table; i++) {
		int y, m, d;
		assert_int_equal(assay_days_from_civil(civil_table[i].y, civil_table[i].m,
						       civil_table[i].d),
				 civil_table[i].days);
		assay_civil_from_days(civil_table[i].days, &y, &m, &d);
		assert_int_equal(y, civil_table[i].y);
		assert_int_equal(m, civil_table[i].m);
		assert_int_equal(d, civil_table[i].d);
	}
}

/* Every day of some centuries, both signs, against the naive count. */
static void test_civil_naive(void **state)
{
	(void)state;
	static const int starts[] = { -401, -101, -5, 1895, 1995, 2095, 2395 };
	for (size_t s = 0; s < sizeof starts / sizeof *starts; s++) {
		int64_t z = count_days(starts[s], 1, 1);
		for (int64_t y = starts[s]; y < starts[s] + 10; y++)
			for (int m = 1; m <= 12; m++)
				for (int d = 1; d <= month_days(y, m); d++, z++) {
					int yy, mm, dd;
					assert_int_equal(assay_days_from_civil((int)y, m, d), z);
					assay_civil_from_days(z, &yy, &mm, &dd);
					assert_int_equal(yy, y);
					assert_int_equal(mm, m);
					assert_int_equal(dd, d);
				}
	}
}

/* civil_from_days and days_from_civil are inverse over a wide range. */
static void test_civil_roundtrip(void **state)
{
	(void)state;
	int py = 0, pm = 0, pd = 0;
	for (int64_t z = -1200000; z <= 3200000; z++) {
		int y, m, d;
		assay_civil_from_days(z, &y, &m, &d);
		assert_true(m >= 1 && m <= 12);
		assert_true(d >= 1 && d <= month_days(y, m));
		assert_int_equal(assay_days_from_civil(y, m, d), z);
		if (z > -1200000)       /* consecutive days are consecutive dates */
			assert_true((y == py && m == pm && d == pd + 1) ||
				    (y == py && m == pm + 1 && d == 1 && pd == month_days(py, pm)) ||
				    (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31));
		py = y;
		pm = m;
		pd = d;
	}
}

/* ---- frequencies ------------------------------------------------------- */

static void test_freq(void **state)
{
	(void)state;
	assert_int_equal(assay_freq_parse("D"), ASSAY_FREQ_D);
	assert_int_equal(assay_freq_parse("w"), ASSAY_FREQ_W);
	assert_int_equal(assay_freq_parse("M"), ASSAY_FREQ_M);
	assert_int_equal(assay_freq_parse("q"), ASSAY_FREQ_Q);
	assert_int_equal(assay_freq_parse("A"), ASSAY_FREQ_A);
	assert_int_equal(assay_freq_parse("Y"), ASSAY_FREQ_A);
	assert_int_equal(assay_freq_parse(""), ASSAY_FREQ_NONE);
	assert_int_equal(assay_freq_parse(NULL), ASSAY_FREQ_NONE);
	assert_int_equal(assay_freq_parse("MM"), ASSAY_FREQ_NONE);
	assert_int_equal(assay_freq_parse("X"), ASSAY_FREQ_NONE);

	assert_int_equal(assay_freq_rank(ASSAY_FREQ_D), 0);
	assert_int_equal(assay_freq_rank(ASSAY_FREQ_W), 1);
	assert_int_equal(assay_freq_rank(ASSAY_FREQ_M), 2);
	assert_int_equal(assay_freq_rank(ASSAY_FREQ_Q), 3);
	assert_int_equal(assay_freq_rank(ASSAY_FREQ_A), 4);
	assert_int_equal(assay_freq_rank(ASSAY_FREQ_NONE), -1);

	assert_int_equal(assay_periods_per_year(ASSAY_FREQ_D), 365);
	assert_int_equal(assay_periods_per_year(ASSAY_FREQ_W), 52);
	assert_int_equal(assay_periods_per_year(ASSAY_FREQ_M), 12);
	assert_int_equal(assay_periods_per_year(ASSAY_FREQ_Q), 4);
	assert_int_equal(assay_periods_per_year(ASSAY_FREQ_A), 1);
	assert_int_equal(assay_periods_per_year(ASSAY_FREQ_NONE), 0);
}

/* ---- parsing ------------------------------------------------------------ */

struct parse_case {
	const char *in;
	const char *fmt;        /* strptime format or NULL */
	assay_freq freq;        /* NONE: must fail */
	int64_t p;              /* ordinal; see period.h */
	const char *why;        /* reason on failure */
};

#define DAY(y, m, d) count_days(y, m, d)

static void test_parse_table(void **state)
{
	(void)state;
	const struct parse_case cases[] = {
		/* Every form the importer documents. */
		{ "2026-04-26", NULL, ASSAY_FREQ_D, DAY(2026, 4, 26), NULL },
		{ "2026/04/26", NULL, ASSAY_FREQ_D, DAY(2026, 4, 26), NULL },
		{ "2026-04-26 00:00:00", NULL, ASSAY_FREQ_D, DAY(2026, 4, 26), NULL },
		{ "2026-04-26T00:00", NULL, ASSAY_FREQ_D, DAY(2026, 4, 26), NULL },
		{ "2026-04", NULL, ASSAY_FREQ_M, 2026 * 12 + 3, NULL },
		{ "2026/04", NULL, ASSAY_FREQ_M, 2026 * 12 + 3, NULL },
		/* A month start is a day here; the importer decides it is a
		 * month when every date of the file is one. */
		{ "2026-04-01", NULL, ASSAY_FREQ_D, DAY(2026, 4, 1), NULL },
		{ "1960M01", NULL, ASSAY_FREQ_M, 1960 * 12, NULL },
		{ "1960m1", NULL, ASSAY_FREQ_M, 1960 * 12, NULL },
		{ "2026M12", NULL, ASSAY_FREQ_M, 2026 * 12 + 11, NULL },
		{ "2026Q1", NULL, ASSAY_FREQ_Q, 2026 * 4, NULL },
		{ "2026q4", NULL, ASSAY_FREQ_Q, 2026 * 4 + 3, NULL },
		{ "2026-Q1", NULL, ASSAY_FREQ_Q, 2026 * 4, NULL },
		{ "2026-q2", NULL, ASSAY_FREQ_Q, 2026 * 4 + 1, NULL },
		{ "Q1 2026", NULL, ASSAY_FREQ_Q, 2026 * 4, NULL },
		{ "q3  2026", NULL, ASSAY_FREQ_Q, 2026 * 4 + 2, NULL },
		{ "2026", NULL, ASSAY_FREQ_A, 2026, NULL },
		{ "0000", NULL, ASSAY_FREQ_A, 0, NULL },
		{ "9999", NULL, ASSAY_FREQ_A, 9999, NULL },
		{ "  2026-04 \t", NULL, ASSAY_FREQ_M, 2026 * 12 + 3, NULL },
		/* Leap days. */
		{ "2024-02-29", NULL, ASSAY_FREQ_D, DAY(2024, 2, 29), NULL },
		{ "2000-02-29", NULL, ASSAY_FREQ_D, DAY(2000, 2, 29), NULL },
		{ "1600-02-29", NULL, ASSAY_FREQ_D, DAY(1600, 2, 29), NULL },
		{ "0000-02-29", NULL, ASSAY_FREQ_D, DAY(0, 2, 29), NULL },
		{ "2025-02-29", NULL, 0, 0, "day 29 is out of range for the month" },
		{ "1900-02-29", NULL, 0, 0, "day 29 is out of range for the month" },
		{ "2100-02-29", NULL, 0, 0, "day 29 is out of range for the month" },
		/* Out of range parts. */
		{ "2026-13-01", NULL, 0, 0, "month 13 is out of range" },
		{ "2026-00-10", NULL, 0, 0, "month 0 is out of range" },
		{ "2026-13", NULL, 0, 0, "month 13 is out of range" },
		{ "1960M13", NULL, 0, 0, "month 13 is out of range" },
		{ "1960M00", NULL, 0, 0, "month 0 is out of range" },
		{ "2026-04-31", NULL, 0, 0, "day 31 is out of range for the month" },
		{ "2026-04-00", NULL, 0, 0, "day 0 is out of range for the month" },
		{ "2026-01-32", NULL, 0, 0, "day 32 is out of range for the month" },
		{ "2026Q5", NULL, 0, 0, "quarter 5 is out of range" },
		{ "2026-Q0", NULL, 0, 0, "quarter 0 is out of range" },
		{ "Q0 2026", NULL, 0, 0, "quarter 0 is out of range" },
		/* Not dates at all. */
		{ "", NULL, 0, 0, "empty date" },
		{ "   ", NULL, 0, 0, "empty date" },
		{ "yesterday", NULL, 0, 0, "not a date" },
		{ "26.04.2026", NULL, 0, 0, "not a date" },
		{ "04/26/2026", NULL, 0, 0, "not a date" },
		{ "2026-4-26", NULL, 0, 0, "not a date" },
		{ "2026-04/26", NULL, 0, 0, "not a date" },
		{ "2026-04-26 12:00", NULL, 0, 0, "not a date" },
		{ "2026-04-26x", NULL, 0, 0, "not a date" },
		{ "202", NULL, 0, 0, "not a date" },
		{ "20261", NULL, 0, 0, "not a date" },
		{ "-2026", NULL, 0, 0, "not a date" },
		/* Too many digits for an int: refused, never overflowed
		 * (UBSan in the check-asan pass watches the arithmetic). */
		{ "1960M12345678901", NULL, 0, 0, "month 12345678901 is out of range" },
		{ "1960M2147483648", NULL, 0, 0, "month 2147483648 is out of range" },
		{ "1960M99999999999999999999", NULL, 0, 0,
		  "month 99999999999999999999 is out of range" },
		{ "1960M123456789", NULL, 0, 0, "month 123456789 is out of range" },
		{ "1960M0000000001", NULL, 0, 0, "month 0000000001 is out of range" },
		{ "1960M000000012", NULL, ASSAY_FREQ_M, 1960 * 12 + 11, NULL },
		{ "12345678901Q1", NULL, 0, 0, "not a date" },
		{ "2026Q12345678901", NULL, 0, 0, "not a date" },
		{ "Q12345678901 2026", NULL, 0, 0, "not a date" },
		{ "2026-12345678901", NULL, 0, 0, "not a date" },
		{ "2026-01-12345678901", NULL, 0, 0, "not a date" },
		{ "99999999999-01-01", NULL, 0, 0, "not a date" },
		{ "99999999999", NULL, 0, 0, "not a date" },
		{ "2026 Q1", NULL, 0, 0, "not a date" },
		{ "2026Q", NULL, 0, 0, "not a date" },
		{ "2026Q12", NULL, 0, 0, "not a date" },
		{ "2026M", NULL, 0, 0, "not a date" },
		{ "Q1", NULL, 0, 0, "not a date" },
		{ "1e3", NULL, 0, 0, "not a date" },
		/* strptime formats; the day is range-checked by us. */
		{ "26.04.2026", "%d.%m.%Y", ASSAY_FREQ_D, DAY(2026, 4, 26), NULL },
		{ "04/26/2026", "%m/%d/%Y", ASSAY_FREQ_D, DAY(2026, 4, 26), NULL },
		{ "Apr 26, 2026", "%b %d, %Y", ASSAY_FREQ_D, DAY(2026, 4, 26), NULL },
		{ " 29.02.2024 ", "%d.%m.%Y", ASSAY_FREQ_D, DAY(2024, 2, 29), NULL },
		{ "29.02.2025", "%d.%m.%Y", 0, 0, "day 29 is out of range for the month" },
		{ "31.04.2026", "%d.%m.%Y", 0, 0, "day 31 is out of range for the month" },
		{ "2026-04-26", "%d.%m.%Y", 0, 0, "does not match the format '%d.%m.%Y'" },
		{ "26.04.2026 x", "%d.%m.%Y", 0, 0, "trailing text after the date" },
		/* Formats that cannot give the date: no year (glibc would
		 * leave 1900), no month, ignored ISO weeks, time-zone
		 * dependent seconds. */
		{ "26.04.", "%d.%m.", 0, 0, "the date format gives no year" },
		{ "26", "%d", 0, 0, "the date format gives no year" },
		{ "2026-W17-7", "%G-W%V-%u", 0, 0, "the date format gives no year" },
		{ "2026", "%Y", 0, 0, "the date format gives no month" },
		{ "2026 17", "%Y %U", 0, 0, "the date format gives no month" },
		{ "1777161600", "%s", 0, 0,
		  "the date format's %s (seconds since 1970) depends on the time zone" },
		/* ...and ones that can. */
		{ "2026-116", "%Y-%j", ASSAY_FREQ_D, DAY(2026, 4, 26), NULL },
		{ "2026 17 0", "%Y %U %w", ASSAY_FREQ_D, DAY(2026, 4, 26), NULL },
		{ "26-04-26", "%y-%m-%d", ASSAY_FREQ_D, DAY(2026, 4, 26), NULL },
		/* a format without a day names a month, not its first day */
		{ "04/2026", "%m/%Y", ASSAY_FREQ_M, 2026 * 12 + 3, NULL },
		{ "Jan-20", "%b-%y", ASSAY_FREQ_M, 2020 * 12, NULL },
		{ "Dec-69", "%b-%y", ASSAY_FREQ_M, 1969 * 12 + 11, NULL },
		{ "Jan-60", "%b-%y", 0, 0, "the two-digit year reads as 2060, ahead "
		  "of this year (%y takes 00-68 as 20xx, 69-99 as 19xx): give years "
		  "of four digits (%Y)" },
		{ "12345678901.04.2026", "%d.%m.%Y", 0, 0,
		  "does not match the format '%d.%m.%Y'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct parse_case *c = &cases[i];
		assay_freq f = ASSAY_FREQ_NONE;
		assay_period p = -12345;
		char why[128] = "";
		int rc = assay_period_parse(c->in, c->fmt, &f, &p, why, sizeof why);
		if (c->freq) {
			if (rc != 0)
				fail_msg("'%s': %s", c->in, why);
			assert_int_equal(f, c->freq);
			assert_int_equal(p, c->p);
		} else {
			if (rc != -1)
				fail_msg("'%s' was read as %c %lld", c->in, (char)f,
					 (long long)p);
			assert_string_equal(why, c->why);
		}
	}
	/* `why` may be NULL. */
	assay_freq f;
	assay_period p;
	assert_int_equal(assay_period_parse("2026-13", NULL, &f, &p, NULL, 0), -1);
	/* A too-long input fails cleanly. */
	char longs[200];
	memset(longs, '1', sizeof longs - 1);
	longs[sizeof longs - 1] = 0;
	assert_int_equal(assay_period_parse(longs, NULL, &f, &p, NULL, 0), -1);
}

/* ---- formatting --------------------------------------------------------- */

static void test_format_table(void **state)
{
	(void)state;
	const struct { assay_freq f; int64_t p; const char *label; } cases[] = {
		{ ASSAY_FREQ_D, 0, "1970-01-01" },
		{ ASSAY_FREQ_D, 20569, "2026-04-26" },
		{ ASSAY_FREQ_W, 20569, "2026-04-26" },
		{ ASSAY_FREQ_D, 11016, "2000-02-29" },
		{ ASSAY_FREQ_D, -1, "1969-12-31" },
		{ ASSAY_FREQ_D, -719162, "0001-01-01" },
		{ ASSAY_FREQ_D, -719528, "0000-01-01" },
		{ ASSAY_FREQ_D, 2932896, "9999-12-31" },
		{ ASSAY_FREQ_M, 2026 * 12 + 3, "2026-04" },
		{ ASSAY_FREQ_M, 1960 * 12, "1960-01" },
		{ ASSAY_FREQ_M, 0, "0000-01" },
		{ ASSAY_FREQ_Q, 2026 * 4, "2026Q1" },
		{ ASSAY_FREQ_Q, 2026 * 4 + 3, "2026Q4" },
		{ ASSAY_FREQ_Q, 0, "0000Q1" },
		{ ASSAY_FREQ_A, 2026, "2026" },
		{ ASSAY_FREQ_A, 7, "0007" },
		/* Negative ordinals: years before 0000, ISO 8601 expanded form
		 * (a minus sign, then at least four digits). */
		{ ASSAY_FREQ_D, -719529, "-0001-12-31" },
		{ ASSAY_FREQ_M, -1, "-0001-12" },
		{ ASSAY_FREQ_M, -12, "-0001-01" },
		{ ASSAY_FREQ_M, -13, "-0002-12" },
		{ ASSAY_FREQ_Q, -1, "-0001Q4" },
		{ ASSAY_FREQ_Q, -4, "-0001Q1" },
		{ ASSAY_FREQ_Q, -5, "-0002Q4" },
		{ ASSAY_FREQ_A, -1, "-0001" },
		{ ASSAY_FREQ_A, -12345, "-12345" },
		{ ASSAY_FREQ_A, 12345, "12345" },
		{ ASSAY_FREQ_NONE, 5, "?" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char buf[32];
		assert_string_equal(assay_period_format(cases[i].f, cases[i].p, buf,
							sizeof buf), cases[i].label);
	}
	/* A short buffer is truncated, never overrun. */
	char small[5] = "xxxx";
	assay_period_format(ASSAY_FREQ_D, 20569, small, 5);
	assert_string_equal(small, "2026");
}

/* Labels read back to the period they came from, for years 0000-9999. */
static void test_format_parse_roundtrip(void **state)
{
	(void)state;
	const struct { assay_freq f; int64_t lo, hi, step; } ranges[] = {
		{ ASSAY_FREQ_D, -719528, 2932896, 7 },
		{ ASSAY_FREQ_D, 10000, 12000, 1 },
		{ ASSAY_FREQ_M, 0, 10000 * 12 - 1, 1 },
		{ ASSAY_FREQ_Q, 0, 10000 * 4 - 1, 1 },
		{ ASSAY_FREQ_A, 0, 9999, 1 },
	};
	for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++)
		for (int64_t p = ranges[r].lo; p <= ranges[r].hi; p += ranges[r].step) {
			char buf[32], why[128];
			assay_freq f;
			assay_period q;
			assay_period_format(ranges[r].f, p, buf, sizeof buf);
			if (assay_period_parse(buf, NULL, &f, &q, why, sizeof why))
				fail_msg("'%s': %s", buf, why);
			assert_int_equal(f, ranges[r].f);
			assert_int_equal(q, p);
		}
}

/* ---- conversion --------------------------------------------------------- */

static void test_convert_table(void **state)
{
	(void)state;
	const struct { assay_freq from; int64_t p; assay_freq to; int64_t want; } cases[] = {
		{ ASSAY_FREQ_D, DAY(2026, 4, 26), ASSAY_FREQ_M, 2026 * 12 + 3 },
		{ ASSAY_FREQ_D, DAY(2026, 4, 26), ASSAY_FREQ_Q, 2026 * 4 + 1 },
		{ ASSAY_FREQ_D, DAY(2026, 4, 26), ASSAY_FREQ_A, 2026 },
		{ ASSAY_FREQ_D, DAY(2026, 4, 26), ASSAY_FREQ_D, DAY(2026, 4, 26) },
		{ ASSAY_FREQ_D, DAY(2026, 4, 26), ASSAY_FREQ_W, DAY(2026, 4, 26) },
		{ ASSAY_FREQ_W, DAY(2026, 4, 26), ASSAY_FREQ_M, 2026 * 12 + 3 },
		{ ASSAY_FREQ_D, DAY(2024, 2, 29), ASSAY_FREQ_M, 2024 * 12 + 1 },
		{ ASSAY_FREQ_D, DAY(2024, 3, 31), ASSAY_FREQ_Q, 2024 * 4 },
		{ ASSAY_FREQ_D, DAY(2024, 4, 1), ASSAY_FREQ_Q, 2024 * 4 + 1 },
		{ ASSAY_FREQ_D, DAY(2024, 12, 31), ASSAY_FREQ_A, 2024 },
		{ ASSAY_FREQ_D, DAY(2025, 1, 1), ASSAY_FREQ_A, 2025 },
		{ ASSAY_FREQ_D, -1, ASSAY_FREQ_M, 1969 * 12 + 11 },
		{ ASSAY_FREQ_M, 2026 * 12 + 0, ASSAY_FREQ_Q, 2026 * 4 },
		{ ASSAY_FREQ_M, 2026 * 12 + 2, ASSAY_FREQ_Q, 2026 * 4 },
		{ ASSAY_FREQ_M, 2026 * 12 + 3, ASSAY_FREQ_Q, 2026 * 4 + 1 },
		{ ASSAY_FREQ_M, 2026 * 12 + 11, ASSAY_FREQ_Q, 2026 * 4 + 3 },
		{ ASSAY_FREQ_M, 2026 * 12 + 11, ASSAY_FREQ_A, 2026 },
		{ ASSAY_FREQ_Q, 2026 * 4 + 3, ASSAY_FREQ_A, 2026 },
		{ ASSAY_FREQ_Q, 2026 * 4, ASSAY_FREQ_Q, 2026 * 4 },
		/* Negative ordinals round towards minus infinity. */
		{ ASSAY_FREQ_D, DAY(-1, 12, 31), ASSAY_FREQ_A, -1 },
		{ ASSAY_FREQ_D, DAY(-1, 1, 1), ASSAY_FREQ_Q, -4 },
		{ ASSAY_FREQ_D, DAY(-1, 12, 31), ASSAY_FREQ_M, -1 },
		{ ASSAY_FREQ_M, -1, ASSAY_FREQ_Q, -1 },
		{ ASSAY_FREQ_M, -3, ASSAY_FREQ_Q, -1 },
		{ ASSAY_FREQ_M, -4, ASSAY_FREQ_Q, -2 },
		{ ASSAY_FREQ_M, -12, ASSAY_FREQ_Q, -4 },
		{ ASSAY_FREQ_M, -13, ASSAY_FREQ_Q, -5 },
		{ ASSAY_FREQ_M, -1, ASSAY_FREQ_A, -1 },
		{ ASSAY_FREQ_M, -12, ASSAY_FREQ_A, -1 },
		{ ASSAY_FREQ_M, -13, ASSAY_FREQ_A, -2 },
		{ ASSAY_FREQ_Q, -1, ASSAY_FREQ_A, -1 },
		{ ASSAY_FREQ_Q, -4, ASSAY_FREQ_A, -1 },
		{ ASSAY_FREQ_Q, -5, ASSAY_FREQ_A, -2 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_int_equal(assay_period_convert(cases[i].from, cases[i].p,
						      cases[i].to), cases[i].want);
}

/* Every day maps to the month, quarter and year of its civil date. */
static void test_convert_days(void **state)
{
	(void)state;
	for (int64_t z = DAY(-3, 1, 1); z <= DAY(2030, 12, 31); z += 3) {
		int y, m, d;
		assay_civil_from_days(z, &y, &m, &d);
		assert_int_equal(assay_period_convert(ASSAY_FREQ_D, z, ASSAY_FREQ_M),
				 (int64_t)y * 12 + m - 1);
		assert_int_equal(assay_period_convert(ASSAY_FREQ_D, z, ASSAY_FREQ_Q),
				 (int64_t)y * 4 + (m - 1) / 3);
		assert_int_equal(assay_period_convert(ASSAY_FREQ_D, z, ASSAY_FREQ_A), y);
	}
}

/* ---- spans -------------------------------------------------------------- */

static void test_span_table(void **state)
{
	(void)state;
	const struct { assay_freq f; int64_t p; int64_t first, last; } cases[] = {
		{ ASSAY_FREQ_D, 20569, 20569, 20569 },
		{ ASSAY_FREQ_W, 20569, 20563, 20569 },
		{ ASSAY_FREQ_M, 2024 * 12 + 1, DAY(2024, 2, 1), DAY(2024, 2, 29) },
		{ ASSAY_FREQ_M, 2023 * 12 + 1, DAY(2023, 2, 1), DAY(2023, 2, 28) },
		{ ASSAY_FREQ_M, 1900 * 12 + 1, DAY(1900, 2, 1), DAY(1900, 2, 28) },
		{ ASSAY_FREQ_M, 2000 * 12 + 1, DAY(2000, 2, 1), DAY(2000, 2, 29) },
		{ ASSAY_FREQ_M, 2026 * 12 + 11, DAY(2026, 12, 1), DAY(2026, 12, 31) },
		{ ASSAY_FREQ_Q, 2024 * 4, DAY(2024, 1, 1), DAY(2024, 3, 31) },
		{ ASSAY_FREQ_Q, 2023 * 4, DAY(2023, 1, 1), DAY(2023, 3, 31) },
		{ ASSAY_FREQ_Q, 2026 * 4 + 3, DAY(2026, 10, 1), DAY(2026, 12, 31) },
		{ ASSAY_FREQ_A, 2024, DAY(2024, 1, 1), DAY(2024, 12, 31) },
		{ ASSAY_FREQ_A, 1970, 0, 364 },
		{ ASSAY_FREQ_A, 1969, -365, -1 },
		/* Years before 0000. */
		{ ASSAY_FREQ_A, 0, DAY(0, 1, 1), DAY(0, 12, 31) },
		{ ASSAY_FREQ_A, -1, DAY(-1, 1, 1), DAY(-1, 12, 31) },
		{ ASSAY_FREQ_M, -1, DAY(-1, 12, 1), DAY(-1, 12, 31) },
		{ ASSAY_FREQ_M, -11, DAY(-1, 2, 1), DAY(-1, 2, 28) },
		{ ASSAY_FREQ_M, -4 * 12 + 1, DAY(-4, 2, 1), DAY(-4, 2, 29) },
		{ ASSAY_FREQ_Q, -1, DAY(-1, 10, 1), DAY(-1, 12, 31) },
		{ ASSAY_FREQ_Q, -4, DAY(-1, 1, 1), DAY(-1, 3, 31) },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int64_t first = 0, last = 0;
		assay_period_span_days(cases[i].f, cases[i].p, &first, &last);
		assert_int_equal(first, cases[i].first);
		assert_int_equal(last, cases[i].last);
	}
}

/* Year lengths (leap rules, both signs) and that consecutive periods tile
 * the calendar: each starts the day after the previous one ends. */
static void test_span_tiling(void **state)
{
	(void)state;
	for (int64_t y = -801; y <= 2401; y++) {
		int64_t first, last;
		assay_period_span_days(ASSAY_FREQ_A, y, &first, &last);
		assert_int_equal(last - first + 1, 365 + is_leap(y));
	}
	const assay_freq fs[] = { ASSAY_FREQ_M, ASSAY_FREQ_Q, ASSAY_FREQ_A };
	for (size_t k = 0; k < 3; k++) {
		int64_t prev_last = 0;
		int64_t lo = assay_period_convert(ASSAY_FREQ_D, DAY(-401, 1, 1), fs[k]);
		int64_t hi = assay_period_convert(ASSAY_FREQ_D, DAY(2401, 1, 1), fs[k]);
		for (int64_t p = lo; p <= hi; p++) {
			int64_t first, last;
			assay_period_span_days(fs[k], p, &first, &last);
			assert_true(last >= first);
			if (p > lo)
				assert_int_equal(first, prev_last + 1);
			/* both ends convert back to the period */
			assert_int_equal(assay_period_convert(ASSAY_FREQ_D, first, fs[k]), p);
			assert_int_equal(assay_period_convert(ASSAY_FREQ_D, last, fs[k]), p);
			prev_last = last;
		}
	}
}

/* ---- ordinals far out of range ---------------------------------------- */

/* Every int64_t ordinal formats, converts and spans without overflow (no
 * label parses to these: they could only come from a damaged store).  The
 * labels of the extremes were computed with Python's datetime over a
 * 400-year cycle: divmod(z, 146097), then date(1970, 1, 1) + timedelta(r)
 * and 400 years per cycle. */
static void test_extreme_ordinals(void **state)
{
	(void)state;
	const struct { assay_freq f; int64_t p; const char *label; } cases[] = {
		{ ASSAY_FREQ_D, INT64_MAX, "25252734927768524-07-27" },
		{ ASSAY_FREQ_D, INT64_MIN, "-25252734927764585-06-07" },
		{ ASSAY_FREQ_M, INT64_MAX, "768614336404564650-08" },
		{ ASSAY_FREQ_M, INT64_MIN, "-768614336404564651-05" },
		{ ASSAY_FREQ_Q, INT64_MAX, "2305843009213693951Q4" },
		{ ASSAY_FREQ_Q, INT64_MIN, "-2305843009213693952Q1" },
		{ ASSAY_FREQ_A, INT64_MAX, "9223372036854775807" },
		{ ASSAY_FREQ_A, INT64_MIN, "-9223372036854775808" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char buf[48];
		assert_string_equal(assay_period_format(cases[i].f, cases[i].p, buf,
							sizeof buf), cases[i].label);
	}
	/* Conversions round towards minus infinity, exactly. */
	assert_int_equal(assay_period_convert(ASSAY_FREQ_M, INT64_MIN, ASSAY_FREQ_A),
			 -768614336404564651LL);
	assert_int_equal(assay_period_convert(ASSAY_FREQ_M, INT64_MIN, ASSAY_FREQ_Q),
			 INT64_MIN / 3 - 1);
	assert_int_equal(assay_period_convert(ASSAY_FREQ_Q, INT64_MIN, ASSAY_FREQ_A),
			 INT64_MIN / 4);
	assert_int_equal(assay_period_convert(ASSAY_FREQ_M, INT64_MAX, ASSAY_FREQ_A),
			 768614336404564650LL);
	assert_int_equal(assay_period_convert(ASSAY_FREQ_D, INT64_MAX, ASSAY_FREQ_A),
			 25252734927768524LL);
	assert_int_equal(assay_period_convert(ASSAY_FREQ_D, INT64_MIN, ASSAY_FREQ_M),
			 -25252734927764585LL * 12 + 5);

	/* Spans beyond years +/-2^40 are those of year +/-2^40 (days by
	 * the same Python computation), and never inverted. */
	const assay_freq fs[] = { ASSAY_FREQ_W, ASSAY_FREQ_M, ASSAY_FREQ_Q, ASSAY_FREQ_A };
	for (size_t k = 0; k < sizeof fs / sizeof *fs; k++) {
		int64_t first, last;
		assay_period_span_days(fs[k], INT64_MAX, &first, &last);
		assert_true(first <= last);
		assay_period_span_days(fs[k], INT64_MIN, &first, &last);
		assert_true(first <= last);
	}
	int64_t first, last;
	assay_period_span_days(ASSAY_FREQ_A, INT64_MAX, &first, &last);
	assert_int_equal(first, 401588374988448LL);
	assert_int_equal(last, 401588374988813LL);
	assay_period_span_days(ASSAY_FREQ_A, INT64_MIN, &first, &last);
	assert_int_equal(first, -401588376427504LL);
	assay_period_span_days(ASSAY_FREQ_A, ((int64_t)1 << 40) - 1, &first, &last);
	assert_int_equal(last + 1, 401588374988448LL);

	/* Civil dates at the ends of int: defined, and a year that does not
	 * fit an int saturates. */
	int y, m, d;
	assay_civil_from_days(INT64_MAX, &y, &m, &d);
	assert_int_equal(y, INT32_MAX);
	assert_int_equal(m, 7);
	assert_int_equal(d, 27);
	assay_civil_from_days(INT64_MIN, &y, &m, &d);
	assert_int_equal(y, INT32_MIN);
	assert_int_equal(assay_days_from_civil(2026, 13, 1), DAY(2027, 1, 1));
	assert_int_equal(assay_days_from_civil(2026, 0, 1), DAY(2025, 12, 1));
	assert_int_equal(assay_days_from_civil(INT32_MAX, 12, 31) -
			 assay_days_from_civil(INT32_MAX, 1, 1), 364);
	assert_true(assay_days_from_civil(INT32_MIN, INT32_MIN, INT32_MIN) < 0);
	assert_true(assay_days_from_civil(INT32_MAX, INT32_MAX, INT32_MAX) > 0);
}

/* assay_period_bound: what a --from/--to label means at a frequency
 * (worked out by hand from the calendar). */
static void test_bound(void **state)
{
	(void)state;
	const struct {
		assay_freq f;
		assay_period p;
		assay_freq to;
		assay_period first, last;
	} t[] = {
		{ ASSAY_FREQ_A, 2026, ASSAY_FREQ_Q, 2026 * 4, 2026 * 4 + 3 },
		{ ASSAY_FREQ_A, 2026, ASSAY_FREQ_M, 2026 * 12, 2026 * 12 + 11 },
		{ ASSAY_FREQ_A, 2026, ASSAY_FREQ_A, 2026, 2026 },
		{ ASSAY_FREQ_Q, 2026 * 4 + 1, ASSAY_FREQ_A, 2026, 2026 },
		{ ASSAY_FREQ_Q, 2026 * 4 + 1, ASSAY_FREQ_M, 2026 * 12 + 3, 2026 * 12 + 5 },
		{ ASSAY_FREQ_Q, 2026 * 4, ASSAY_FREQ_D, DAY(2026, 1, 1), DAY(2026, 3, 31) },
		{ ASSAY_FREQ_M, 2024 * 12 + 1, ASSAY_FREQ_W, DAY(2024, 2, 1), DAY(2024, 2, 29) },
		{ ASSAY_FREQ_D, DAY(2026, 2, 14), ASSAY_FREQ_Q, 2026 * 4, 2026 * 4 },
		{ ASSAY_FREQ_D, DAY(2026, 2, 14), ASSAY_FREQ_D, DAY(2026, 2, 14), DAY(2026, 2, 14) },
		{ ASSAY_FREQ_M, -1, ASSAY_FREQ_A, -1, -1 },     /* December of year -1 */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(assay_period_bound(t[i].f, t[i].p, t[i].to, 0), t[i].first);
		assert_int_equal(assay_period_bound(t[i].f, t[i].p, t[i].to, 1), t[i].last);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_table),
		cmocka_unit_test(test_civil_naive),
		cmocka_unit_test(test_civil_roundtrip),
		cmocka_unit_test(test_freq),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_format_table),
		cmocka_unit_test(test_format_parse_roundtrip),
		cmocka_unit_test(test_convert_table),
		cmocka_unit_test(test_convert_days),
		cmocka_unit_test(test_span_table),
		cmocka_unit_test(test_span_tiling),
		cmocka_unit_test(test_extreme_ordinals),
		cmocka_unit_test(test_bound),
	};
	return cmocka_run_group_tests_name("period", tests, NULL, NULL);
}
