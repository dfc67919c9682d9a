/*
 * libFuzzer target: assay_period_parse on arbitrary labels (no strptime
 * format), and what period.h promises about the result:
 *  - success gives a frequency parse can yield (D, M, Q or A) and a
 *    four-digit year (parse reads four-digit years);
 *  - the label assay_period_format writes for it parses back to the same
 *    frequency and period;
 *  - leading and trailing blanks are ignored (the fast path for ISO days
 *    and the general path agree);
 *  - the period contains the days it spans (assay_period_span_days and
 *    assay_period_convert agree);
 *  - failure writes a reason.
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

static void die(const char *what, const char *label)
{
	fprintf(stderr, "fuzz_period: invariant broken: %s (label '", what);
	put_escaped(label);
	fputs("')\n", stderr);
	abort();
}

static int64_t year_of(assay_freq f, assay_period p)
{
	int y, m, d;
	switch (f) {
	case ASSAY_FREQ_D:
		assay_civil_from_days(p, &y, &m, &d);
		return y;
	case ASSAY_FREQ_M:
		return p >= 0 ? p / 12 : -((-p + 11) / 12);
	case ASSAY_FREQ_Q:
		return p >= 0 ? p / 4 : -((-p + 3) / 4);
	default:
		return p;
	}
}

static void check_parsed(const char *s, assay_freq f, assay_period p)
{
	char label[64], why[128];
	assay_freq f2;
	assay_period p2;
	int64_t first, last;

	if (f != ASSAY_FREQ_D && f != ASSAY_FREQ_M && f != ASSAY_FREQ_Q &&
	    f != ASSAY_FREQ_A)
		die("parse gave a frequency it never yields", s);
	int64_t y = year_of(f, p);
	if (y < 0 || y > 9999)
		die("parse gave a year that is not four digits", s);
	assay_period_format(f, p, label, sizeof label);
	if (assay_period_parse(label, NULL, &f2, &p2, why, sizeof why))
		die("the formatted label does not parse back", label);
	if (f2 != f || p2 != p)
		die("the formatted label parses back to another period", label);
	assay_period_span_days(f, p, &first, &last);
	if (first > last)
		die("the period spans no day", s);
	if (assay_period_convert(ASSAY_FREQ_D, first, f) != p ||
	    assay_period_convert(ASSAY_FREQ_D, last, f) != p)
		die("the period's first or last day is in another period", s);
	if (f != ASSAY_FREQ_D &&
	    (assay_period_convert(ASSAY_FREQ_D, first - 1, f) != p - 1 ||
	     assay_period_convert(ASSAY_FREQ_D, last + 1, f) != p + 1))
		die("the days next to the period are not in the periods next to it",
		    s);
}

/* The same label with blanks around it must read the same. */
static void check_blanks(const char *s, int rc, assay_freq f, assay_period p)
{
	char padded[160], why[128];
	assay_freq f2 = ASSAY_FREQ_NONE;
	assay_period p2 = 0;
	snprintf(padded, sizeof padded, " \t%s ", s);
	int rc2 = assay_period_parse(padded, NULL, &f2, &p2, why, sizeof why);
	if (rc2 != rc || (rc == 0 && (f2 != f || p2 != p)))
		die("blanks around the label change how it reads", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128], why[128];
	assay_freq f = ASSAY_FREQ_NONE;
	assay_period p = 0;

	if (size >= sizeof s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;            /* an embedded NUL just ends the label early */
	why[0] = 0;
	int rc = assay_period_parse(s, NULL, &f, &p, why, sizeof why);
	if (rc != 0 && rc != -1)
		die("parse returned neither 0 nor -1", s);
	if (rc) {
		if (!why[0])
			die("a failed parse gives no reason", s);
	} else {
		check_parsed(s, f, p);
	}
	if (strlen(s) < 100)
		check_blanks(s, rc, f, p);
	return 0;
}
