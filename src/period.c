/*
 * Period labels and ordinals (see period.h).  Civil-date arithmetic follows
 * Howard Hinnant's days_from_civil algorithm, exact for the proleptic
 * Gregorian calendar, with no dependence on time zones or mktime.
 */
#define _GNU_SOURCE 1    /* strptime_l: strptime in a given locale */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assay/period.h"
#include "c_locale.h"

/* Labels are ASCII: the caller's locale must not make a byte a digit or a
 * blank (isdigit and isspace follow LC_CTYPE). */
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_blank(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* Floor division and its remainder (0 <= r < d for d > 0): exact for
 * every int64_t, where the usual "x >= 0 ? x / d : -((-x + d - 1) / d)"
 * overflows at INT64_MIN. */
static int64_t floor_div(int64_t x, int64_t d)
{
	int64_t q = x / d;
	return q - (x % d < 0);
}

static int64_t floor_mod(int64_t x, int64_t d)
{
	int64_t r = x % d;
	return r < 0 ? r + d : r;
}

/* Days from a civil date clamp the year to +/-2^40 (before the months
 * are folded in): no calendar date means anything there, and the day
 * arithmetic stays far from int64_t overflow (2^40 years are 4.0e14
 * days).  Only ordinals no label parses to reach it (a damaged store). */
#define YEAR_LIMIT ((int64_t)1 << 40)

static int64_t clamp_year(int64_t y)
{
	return y > YEAR_LIMIT ? YEAR_LIMIT : y < -YEAR_LIMIT ? -YEAR_LIMIT : y;
}

/* days_from_civil in 64 bits, for any month (folded into the year) and
 * any day offset within the clamped range. */
static int64_t days_from_civil64(int64_t y, int64_t m, int64_t d)
{
	y = clamp_year(y) + floor_div(m - 1, 12);
	m = floor_mod(m - 1, 12) + 1;
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t assay_days_from_civil(int y, int m, int d)
{
	return days_from_civil64(y, m, d);
}

/* civil_from_days for every int64_t: the era is split off before the
 * epoch shift, so z + 719468 cannot overflow. */
static void civil_from_days64(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era = floor_div(z, 146097);
	int64_t rest = floor_mod(z, 146097) + 719468;   /* < 2 * 146097 */
	era += rest / 146097;
	int64_t doe = rest % 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void assay_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t yy;
	civil_from_days64(z, &yy, m, d);
	*y = yy > INT_MAX ? INT_MAX : yy < INT_MIN ? INT_MIN : (int)yy;
}

assay_freq assay_freq_parse(const char *s)
{
	if (!s || !s[0] || s[1])
		return ASSAY_FREQ_NONE;
	int c = s[0] >= 'a' && s[0] <= 'z' ? s[0] - 'a' + 'A' : s[0];
	switch (c) {
	case 'D': return ASSAY_FREQ_D;
	case 'W': return ASSAY_FREQ_W;
	case 'M': return ASSAY_FREQ_M;
	case 'Q': return ASSAY_FREQ_Q;
	case 'A': case 'Y': return ASSAY_FREQ_A;
	default: return ASSAY_FREQ_NONE;
	}
}

int assay_freq_rank(assay_freq f)
{
	switch (f) {
	case ASSAY_FREQ_D: return 0;
	case ASSAY_FREQ_W: return 1;
	case ASSAY_FREQ_M: return 2;
	case ASSAY_FREQ_Q: return 3;
	case ASSAY_FREQ_A: return 4;
	default: return -1;
	}
}

const char *assay_freq_adjective(assay_freq f)
{
	switch (f) {
	case ASSAY_FREQ_D: return "daily";
	case ASSAY_FREQ_W: return "weekly";
	case ASSAY_FREQ_M: return "monthly";
	case ASSAY_FREQ_Q: return "quarterly";
	case ASSAY_FREQ_A: return "annual";
	default: return "";
	}
}

const char *assay_freq_change_tag(assay_freq f)
{
	switch (f) {
	case ASSAY_FREQ_D: return "DoD";
	case ASSAY_FREQ_W: return "WoW";
	case ASSAY_FREQ_M: return "MoM";
	case ASSAY_FREQ_Q: return "QoQ";
	case ASSAY_FREQ_A: return "YoY";
	default: return "";
	}
}

int assay_periods_per_year(assay_freq f)
{
	switch (f) {
	case ASSAY_FREQ_D: return 365;
	case ASSAY_FREQ_W: return 52;
	case ASSAY_FREQ_M: return 12;
	case ASSAY_FREQ_Q: return 4;
	case ASSAY_FREQ_A: return 1;
	default: return 0;
	}
}

static int days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return dim[m - 1] + (m == 2 && leap);
}

#define DIGITS_MAX 9     /* digits an int always holds */
#define TOO_MANY_DIGITS (-2)

/* Read exactly `width` digits (width 0: 1 or more) at *s; -1 if absent or
 * of another width, TOO_MANY_DIGITS past DIGITS_MAX (all of the digits are
 * consumed, and the value is never computed: it would overflow). */
static int digits(const char **s, int width)
{
	int v = 0, n = 0;
	while (is_digit(**s) && (width == 0 || n < width)) {
		if (n < DIGITS_MAX)
			v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	if (n == 0 || (width && n != width))
		return -1;
	return n > DIGITS_MAX ? TOO_MANY_DIGITS : v;
}

static int fail(char *why, size_t n, const char *msg, int v)
{
	if (why)
		snprintf(why, n, msg, v);
	return -1;
}

static int set_day(int y, int m, int d, assay_freq *freq, assay_period *p,
		   char *why, size_t n)
{
	if (m < 1 || m > 12)
		return fail(why, n, "month %d is out of range", m);
	if (d < 1 || d > days_in_month(y, m))
		return fail(why, n, "day %d is out of range for the month", d);
	*freq = ASSAY_FREQ_D;
	*p = assay_days_from_civil(y, m, d);
	return 0;
}

static int set_month(int y, int m, assay_freq *freq, assay_period *p,
		     char *why, size_t n)
{
	if (m < 1 || m > 12)
		return fail(why, n, "month %d is out of range", m);
	*freq = ASSAY_FREQ_M;
	*p = (int64_t)y * 12 + (m - 1);
	return 0;
}

static int set_quarter(int y, int q, assay_freq *freq, assay_period *p,
		       char *why, size_t n)
{
	if (q < 1 || q > 4)
		return fail(why, n, "quarter %d is out of range", q);
	*freq = ASSAY_FREQ_Q;
	*p = (int64_t)y * 4 + (q - 1);
	return 0;
}

/* Does the strptime format use conversion `conv` (flags, widths and the
 * E and O modifiers skipped; "%%" is a literal)? */
static int format_uses(const char *fmt, char conv)
{
	for (const char *f = fmt; *f; f++) {
		if (*f != '%')
			continue;
		f++;
		while (*f && strchr("-_0^#EO123456789", *f))
			f++;
		if (!*f)
			break;
		if (*f == conv)
			return 1;
	}
	return 0;
}

/* Does the format give the day of the month, a whole date, or a day by
 * week and weekday (%U %w)? */
static int format_gives_day(const char *fmt)
{
	for (const char *c = "deDFcxjUWuwaA"; *c; c++)
		if (format_uses(fmt, *c))
			return 1;
	return 0;
}

/* The current year (UTC), for the two-digit-year check. */
static long long this_year(void)
{
	time_t t = time(NULL);
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return 9999;
	return (long long)tm.tm_year + 1900;
}

/* Sentinels that no conversion sets: a field still holding one after
 * strptime was not given by the format. */
#define NO_YEAR (-2000000)
#define NO_MONTH (-1)

/* Does `s` hold `year` written with four digits, as a run of digits of
 * its own?  glibc's %Y takes one to four digits, so "24" under %d/%m/%Y
 * is the year 24: only a year written out ("0024") is meant so. */
static int has_digit_run(const char *s, long long year)
{
	char want[8];
	snprintf(want, sizeof want, "%04lld", year);
	for (const char *r = s; *r; r++) {
		if (!is_digit(*r) || (r > s && is_digit(r[-1])))
			continue;
		const char *e = r;
		while (is_digit(*e))
			e++;
		if (e - r == 4 && memcmp(r, want, 4) == 0)
			return 1;
	}
	return 0;
}

static int parse_with_format(const char *s, const char *fmt,
			     assay_freq *freq, assay_period *p,
			     char *why, size_t n)
{
	struct tm tm;
	locale_t c = assay_c_locale();
	if (!c)
		return fail(why, n, "out of memory%.0d", 0);
	/* glibc's %s converts with localtime: the day would depend on TZ. */
	if (format_uses(fmt, 's'))
		return fail(why, n, "the date format's %%s (seconds since 1970) "
			    "depends on the time zone%.0d", 0);
	memset(&tm, 0, sizeof tm);
	tm.tm_mday = 1;
	tm.tm_year = NO_YEAR;
	tm.tm_mon = NO_MONTH;
	/* Month and day names in English (the C locale), whatever the
	 * caller's locale: "Mai" is not a month here. */
	const char *end = strptime_l(s, fmt, &tm, c);
	if (!end) {
		if (why)
			snprintf(why, n, "does not match the format '%s'", fmt);
		return -1;
	}
	while (is_blank(*end))
		end++;
	if (*end)
		return fail(why, n, "trailing text after the date%.0d", 0);
	/* A format without a year (%d.%m), or with fields glibc reads but
	 * ignores (%G, %V, %U without a weekday) would default to January
	 * 1900: refuse it rather than misread every date. */
	if (tm.tm_year == NO_YEAR)
		return fail(why, n, "the date format gives no year%.0d", 0);
	if (tm.tm_mon == NO_MONTH)
		return fail(why, n, "the date format gives no month%.0d", 0);
	/* Labels have four-digit years (%Y reads up to four digits anyway);
	 * the sum is taken in 64 bits, whatever strptime left in tm_year. */
	long long year = (long long)tm.tm_year + 1900;
	if (year < 0 || year > 9999) {
		if (why)
			snprintf(why, n, "year %lld is out of range (0000 to 9999)",
				 year);
		return -1;
	}
	/* %y reads 69-99 as 19xx and 00-68 as 20xx (POSIX): "Jan-60", the
	 * first Pink Sheet month, would be 2060.  A two-digit year that lands
	 * after next year is refused rather than put decades ahead. */
	if (format_uses(fmt, 'y') && !format_uses(fmt, 'C') &&
	    year > this_year() + 1) {
		if (why)
			snprintf(why, n, "the two-digit year reads as %lld, ahead of "
				 "this year (%%y "
				 "takes 00-68 as 20xx, 69-99 as 19xx): give "
				 "years of four digits (%%Y)", year);
		return -1;
	}
	if (format_uses(fmt, 'Y') && year < 1000 && !has_digit_run(s, year)) {
		if (why)
			snprintf(why, n, "%%Y reads a year of fewer than four "
				 "digits as the year %lld: two-digit years "
				 "need %%y in --date-format", year);
		return -1;
	}
	/* A format without a day (%b-%y, %Y-%m) names a month: strptime's
	 * day 1 must not make "Jan-20, Apr-20, Jul-20" quarter starts. */
	if (!format_gives_day(fmt))
		return set_month((int)year, tm.tm_mon + 1, freq, p, why, n);
	/* strptime does not range-check days against the month. */
	return set_day((int)year, tm.tm_mon + 1, tm.tm_mday, freq, p, why, n);
}

/* "month 12345678901 is out of range": the digits as written, since their
 * value does not fit an int. */
static int fail_digits(char *why, size_t n, const char *what, const char *from,
		       const char *to)
{
	if (why)
		snprintf(why, n, "%s %.*s is out of range", what, (int)(to - from),
			 from);
	return -1;
}

int assay_period_parse(const char *in, const char *strptime_fmt,
		       assay_freq *freq, assay_period *p, char *why,
		       size_t whylen)
{
	char buf[64];
	size_t len;

	/* Fast path for the commonest label, an ISO day "YYYY-MM-DD" alone:
	 * an import of millions of daily rows reads one per row. */
	/* (Tested left to right, so no byte past the string's end is read.) */
	if (!strptime_fmt &&
	    is_digit(in[0]) && is_digit(in[1]) && is_digit(in[2]) &&
	    is_digit(in[3]) && in[4] == '-' &&
	    is_digit(in[5]) && is_digit(in[6]) && in[7] == '-' &&
	    is_digit(in[8]) && is_digit(in[9]) && in[10] == 0)
		return set_day((in[0] - '0') * 1000 + (in[1] - '0') * 100 +
			       (in[2] - '0') * 10 + (in[3] - '0'),
			       (in[5] - '0') * 10 + (in[6] - '0'),
			       (in[8] - '0') * 10 + (in[9] - '0'), freq, p, why,
			       whylen);

	while (is_blank(*in))
		in++;
	len = strlen(in);
	while (len && is_blank(in[len - 1]))
		len--;
	if (len == 0)
		return fail(why, whylen, "empty date%.0d", 0);
	if (len >= sizeof buf)
		return fail(why, whylen, "not a date%.0d", 0);
	memcpy(buf, in, len);
	buf[len] = 0;
	if (strptime_fmt)
		return parse_with_format(buf, strptime_fmt, freq, p, why, whylen);

	const char *s = buf;
	if ((s[0] == 'Q' || s[0] == 'q') && is_digit(s[1])) {
		/* Q1 2026 */
		s++;
		int q = digits(&s, 1);
		while (*s == ' ')
			s++;
		int y = digits(&s, 4);
		if (q < 0 || y < 0 || *s)
			return fail(why, whylen, "not a date%.0d", 0);
		return set_quarter(y, q, freq, p, why, whylen);
	}
	int y = digits(&s, 4);
	if (y < 0)
		return fail(why, whylen, "not a date%.0d", 0);
	if (*s == 0) {
		*freq = ASSAY_FREQ_A;
		*p = y;
		return 0;
	}
	if ((*s == 'Q' || *s == 'q') || (s[0] == '-' && (s[1] == 'Q' || s[1] == 'q'))) {
		s += *s == '-' ? 2 : 1;
		int q = digits(&s, 1);
		if (q < 0 || *s)
			return fail(why, whylen, "not a date%.0d", 0);
		return set_quarter(y, q, freq, p, why, whylen);
	}
	if (*s == 'M' || *s == 'm') {           /* 1960M01 (World Bank, IMF) */
		const char *from = ++s;
		int m = digits(&s, 0);
		if (m == -1 || *s)
			return fail(why, whylen, "not a date%.0d", 0);
		if (m == TOO_MANY_DIGITS)
			return fail_digits(why, whylen, "month", from, s);
		return set_month(y, m, freq, p, why, whylen);
	}
	if (*s == '-' || *s == '/') {
		char sep = *s++;
		int m = digits(&s, 2);
		if (m < 0)
			return fail(why, whylen, "not a date%.0d", 0);
		if (*s == 0)
			return set_month(y, m, freq, p, why, whylen);
		if (*s++ != sep)
			return fail(why, whylen, "not a date%.0d", 0);
		int d = digits(&s, 2);
		/* Accept a midnight time stamp ("2026-04-26 00:00:00"). */
		if (d >= 0 && (*s == ' ' || *s == 'T') &&
		    (!strcmp(s + 1, "00:00:00") || !strcmp(s + 1, "00:00")))
			s += strlen(s);
		if (d < 0 || *s)
			return fail(why, whylen, "not a date%.0d", 0);
		return set_day(y, m, d, freq, p, why, whylen);
	}
	return fail(why, whylen, "not a date%.0d", 0);
}

/* A year as ISO 8601 writes it: at least four digits, and years before
 * 0000 with a minus sign in front of those ("-0001", not "-001").  The
 * magnitude is taken unsigned: -INT64_MIN does not fit an int64_t. */
static int year_label(int64_t y, char *buf, size_t n)
{
	unsigned long long mag = y < 0 ? 0ULL - (unsigned long long)y
				       : (unsigned long long)y;
	return snprintf(buf, n, y < 0 ? "-%04llu" : "%04llu", mag);
}

char *assay_period_format(assay_freq f, assay_period p, char *buf, size_t n)
{
	char year[32];
	int64_t y;
	int m, d;
	switch (f) {
	case ASSAY_FREQ_D:
	case ASSAY_FREQ_W:
		civil_from_days64(p, &y, &m, &d);
		year_label(y, year, sizeof year);
		snprintf(buf, n, "%s-%02d-%02d", year, m, d);
		break;
	case ASSAY_FREQ_M:
		year_label(floor_div(p, 12), year, sizeof year);
		snprintf(buf, n, "%s-%02d", year, (int)floor_mod(p, 12) + 1);
		break;
	case ASSAY_FREQ_Q:
		year_label(floor_div(p, 4), year, sizeof year);
		snprintf(buf, n, "%sQ%d", year, (int)floor_mod(p, 4) + 1);
		break;
	case ASSAY_FREQ_A:
		year_label(p, buf, n);
		break;
	default:
		snprintf(buf, n, "?");
	}
	return buf;
}

assay_period assay_period_convert(assay_freq from, assay_period p,
				  assay_freq to)
{
	int64_t y;
	int m, d;
	if (from == to)
		return p;
	if (from == ASSAY_FREQ_D || from == ASSAY_FREQ_W) {
		if (to == ASSAY_FREQ_D || to == ASSAY_FREQ_W)
			return p;
		/* Years from days are below 2^46: months do not overflow. */
		civil_from_days64(p, &y, &m, &d);
		p = y * 12 + (m - 1);
		from = ASSAY_FREQ_M;
	}
	switch (from) {
	case ASSAY_FREQ_M:
		if (to == ASSAY_FREQ_Q)
			return floor_div(p, 3);
		if (to == ASSAY_FREQ_A)
			return floor_div(p, 12);
		return p;
	case ASSAY_FREQ_Q:
		if (to == ASSAY_FREQ_A)
			return floor_div(p, 4);
		return p;
	default:
		return p;
	}
}

assay_period assay_period_bound(assay_freq f, assay_period p, assay_freq to,
				int upper)
{
	int64_t first, last;
	assay_period_span_days(f, p, &first, &last);
	return assay_period_convert(ASSAY_FREQ_D, upper ? last : first, to);
}

void assay_period_span_days(assay_freq f, assay_period p, int64_t *first,
			    int64_t *last)
{
	int64_t y, m0, months;
	switch (f) {
	case ASSAY_FREQ_D:
		*first = *last = p;
		return;
	case ASSAY_FREQ_W:
		/* A week is labelled by the date its source gives; it covers
		 * that day and the six before it (a week ending that day).
		 * (At INT64_MIN there is no day before: the week is cut.) */
		*first = p < INT64_MIN + 6 ? INT64_MIN : p - 6;
		*last = p;
		return;
	case ASSAY_FREQ_M: months = 1; y = floor_div(p, 12); m0 = floor_mod(p, 12); break;
	case ASSAY_FREQ_Q: months = 3; y = floor_div(p, 4); m0 = floor_mod(p, 4) * 3; break;
	default: months = 12; y = p; m0 = 0; break;
	}
	/* days_from_civil64 clamps years beyond +/-2^40, so no product here
	 * overflows, whatever the ordinal. */
	*first = days_from_civil64(y, m0 + 1, 1);
	*last = days_from_civil64(y, m0 + months + 1, 1) - 1;
}
