/*
 * libFuzzer target: the --date-format path, assay_period_parse with a
 * strptime(3) format.  Input: the format, a newline, the date (the first
 * newline splits them; no newline: the whole input is the date and the
 * format is "%d.%m.%Y").
 * What period.h promises: success yields a day (ASSAY_FREQ_D), or a month
 * (ASSAY_FREQ_M) when the format has no day conversion, and that period's
 * label, when its year has four digits, parses back to it without the
 * format; failure writes a reason.
 * A violation prints the input and aborts, so libFuzzer keeps it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/period.h"

/* Write s with control characters escaped, so a report stays one line. */
static void put_escaped(const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			fprintf(stderr, "\\x%02x", *c);
		else
			fputc(*c, stderr);
}

static void die(const char *what, const char *fmt, const char *s)
{
	fprintf(stderr, "fuzz_date_format: invariant broken: %s (format '", what);
	put_escaped(fmt);
	fputs("', date '", stderr);
	put_escaped(s);
	fputs("')\n", stderr);
	abort();
}

/* Does the format give a day: %d %e %D %F %c %x %j, with flags and
 * widths, read independently of period.c. */
static int format_has_day(const char *fmt)
{
	for (const char *c = fmt; *c; c++) {
		if (*c != '%')
			continue;
		c++;
		while (*c && strchr("-_0^#EO123456789", *c))
			c++;
		if (!*c)
			return 0;
		if (strchr("deDFcxjUWuwaA", *c))
			return 1;
	}
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);         /* %s reads through localtime */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[256], why[128], label[64];
	const char *fmt = "%d.%m.%Y", *s = in;
	assay_freq f = ASSAY_FREQ_NONE, f2;
	assay_period p = 0, p2;
	int y, m, d;

	if (size >= sizeof in)
		return 0;
	memcpy(in, data, size);
	in[size] = 0;
	char *nl = strchr(in, '\n');
	if (nl) {
		*nl = 0;
		fmt = in;
		s = nl + 1;
	}
	why[0] = 0;
	int rc = assay_period_parse(s, fmt, &f, &p, why, sizeof why);
	if (rc != 0 && rc != -1)
		die("parse returned neither 0 nor -1", fmt, s);
	if (rc) {
		if (!why[0])
			die("a failed parse gives no reason", fmt, s);
		return 0;
	}
	if (f == ASSAY_FREQ_M) {
		if (format_has_day(fmt))
			die("a format with a day gave a month", fmt, s);
		y = (int)(p >= 0 ? p / 12 : -((11 - p) / 12));
	} else if (f != ASSAY_FREQ_D) {
		die("a date read with a format is neither a day nor a month", fmt, s);
	} else {
		if (!format_has_day(fmt))
			die("a format without a day gave a day", fmt, s);
		assay_civil_from_days(p, &y, &m, &d);
	}
	if (y < 0 || y > 9999)
		return 0;       /* its label has no four-digit year */
	assay_period_format(f, p, label, sizeof label);
	if (assay_period_parse(label, NULL, &f2, &p2, why, sizeof why) ||
	    f2 != f || p2 != p)
		die("the day's label does not parse back to it", fmt, label);
	return 0;
}
