/*
 * Period labels and ordinals (see period.h).  Civil-date arithmetic follows
 * Howard Hinnant's days_from_civil algorithm, exact for the proleptic
 * Gregorian calendar, with no dependence on time zones or mktime.
 */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assay/period.h"

int64_t assay_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void assay_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

assay_freq assay_freq_parse(const char *s)
{
	if (!s || !s[0] || s[1])
		return ASSAY_FREQ_NONE;
	switch (toupper((unsigned char)s[0])) {
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

/* Read exactly `width` digits (width 0: 1 or more) at *s; -1 if absent. */
static int digits(const char **s, int width)
{
	int v = 0, n = 0;
	while (isdigit((unsigned char)**s) && (width == 0 || n < width)) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	if (n == 0 || (width && n != width) || n > 9)
		return -1;
	return v;
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

static int parse_with_format(const char *s, const char *fmt,
			     assay_freq *freq, assay_period *p,
			     char *why, size_t n)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_mday = 1;
	const char *end = strptime(s, fmt, &tm);
	if (!end) {
		if (why)
			snprintf(why, n, "does not match the format '%s'", fmt);
		return -1;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return fail(why, n, "trailing text after the date%.0d", 0);
	/* strptime does not range-check days against the month. */
	return set_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, freq, p,
		       why, n);
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
	    isdigit((unsigned char)in[0]) && isdigit((unsigned char)in[1]) &&
	    isdigit((unsigned char)in[2]) && isdigit((unsigned char)in[3]) &&
	    in[4] == '-' &&
	    isdigit((unsigned char)in[5]) && isdigit((unsigned char)in[6]) &&
	    in[7] == '-' &&
	    isdigit((unsigned char)in[8]) && isdigit((unsigned char)in[9]) &&
	    in[10] == 0)
		return set_day((in[0] - '0') * 1000 + (in[1] - '0') * 100 +
			       (in[2] - '0') * 10 + (in[3] - '0'),
			       (in[5] - '0') * 10 + (in[6] - '0'),
			       (in[8] - '0') * 10 + (in[9] - '0'), freq, p, why,
			       whylen);

	while (isspace((unsigned char)*in))
		in++;
	len = strlen(in);
	while (len && isspace((unsigned char)in[len - 1]))
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
	if ((s[0] == 'Q' || s[0] == 'q') && isdigit((unsigned char)s[1])) {
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
		s++;
		int m = digits(&s, 0);
		if (m < 0 || *s)
			return fail(why, whylen, "not a date%.0d", 0);
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
 * 0000 with a minus sign in front of those ("-0001", not "-001"). */
static int year_label(int64_t y, char *buf, size_t n)
{
	return snprintf(buf, n, y < 0 ? "-%04lld" : "%04lld",
			(long long)(y < 0 ? -y : y));
}

char *assay_period_format(assay_freq f, assay_period p, char *buf, size_t n)
{
	char year[32];
	int y, m, d;
	switch (f) {
	case ASSAY_FREQ_D:
	case ASSAY_FREQ_W:
		assay_civil_from_days(p, &y, &m, &d);
		year_label(y, year, sizeof year);
		snprintf(buf, n, "%s-%02d-%02d", year, m, d);
		break;
	case ASSAY_FREQ_M: {
		int64_t yy = p >= 0 ? p / 12 : -((-p + 11) / 12);
		year_label(yy, year, sizeof year);
		snprintf(buf, n, "%s-%02d", year, (int)(p - yy * 12) + 1);
		break;
	}
	case ASSAY_FREQ_Q: {
		int64_t yy = p >= 0 ? p / 4 : -((-p + 3) / 4);
		year_label(yy, year, sizeof year);
		snprintf(buf, n, "%sQ%d", year, (int)(p - yy * 4) + 1);
		break;
	}
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
	int y, m, d;
	if (from == to)
		return p;
	if (from == ASSAY_FREQ_D || from == ASSAY_FREQ_W) {
		if (to == ASSAY_FREQ_D || to == ASSAY_FREQ_W)
			return p;
		assay_civil_from_days(p, &y, &m, &d);
		p = (int64_t)y * 12 + (m - 1);
		from = ASSAY_FREQ_M;
	}
	int64_t yy = p >= 0 ? p / 12 : -((-p + 11) / 12);
	switch (from) {
	case ASSAY_FREQ_M:
		if (to == ASSAY_FREQ_Q)
			return yy * 4 + (p - yy * 12) / 3;
		if (to == ASSAY_FREQ_A)
			return yy;
		return p;
	case ASSAY_FREQ_Q:
		if (to == ASSAY_FREQ_A)
			return p >= 0 ? p / 4 : -((-p + 3) / 4);
		return p;
	default:
		return p;
	}
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
		 * that day and the six before it (a week ending that day). */
		*first = p - 6;
		*last = p;
		return;
	case ASSAY_FREQ_M: months = 1; m0 = p; break;
	case ASSAY_FREQ_Q: months = 3; m0 = p * 3; break;
	default: months = 12; m0 = p * 12; break;
	}
	y = m0 >= 0 ? m0 / 12 : -((-m0 + 11) / 12);
	*first = assay_days_from_civil((int)y, (int)(m0 - y * 12) + 1, 1);
	m0 += months;
	y = m0 >= 0 ? m0 / 12 : -((-m0 + 11) / 12);
	*last = assay_days_from_civil((int)y, (int)(m0 - y * 12) + 1, 1) - 1;
}
