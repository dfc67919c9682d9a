/*
 * The report's text helpers (report.h): human numbers, percentages,
 * HTML and Markdown escaping, and inline SVG with ids unique in the page.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/report.h"
#include "c_locale.h"

/* ---- numbers and escaping for people ------------------------------- */

static char *fmt_human(double v, char *buf, size_t n);

/* "0.3400" is 0.34 (a client read the zeros as measured digits), as %g
 * writes the scientific form: the zeros of the fraction go, and its
 * point when nothing is left.  The digits kept are rounded, not cut. */
static void drop_trailing_zeros(char *raw)
{
	char *dot = strchr(raw, '.'), *end;
	if (!dot)
		return;
	end = raw + strlen(raw);
	while (end > dot + 1 && end[-1] == '0')
		end--;
	if (end == dot + 1)
		end = dot;
	*end = 0;
}

/* In the C locale whatever the caller's: "." is the decimal point. */
char *assay_fmt_human(double v, char *buf, size_t n)
{
	locale_t saved = assay_c_locale_enter();
	fmt_human(v, buf, n);
	assay_c_locale_leave(saved);
	return buf;
}

static char *fmt_human(double v, char *buf, size_t n)
{
	char raw[64], *dot, *out = buf;
	if (!isfinite(v)) {
		snprintf(buf, n, "NA");
		return buf;
	}
	double a = fabs(v);
	int mag = a > 0 ? (int)floor(log10(a)) : 0;
	/* beyond what fixed notation shows in four digits: below 1e-5 it
	 * would need more than 8 decimals (7.952e-09 read 0.0000000), from
	 * 1e15 the integer part has more digits than a double holds (and
	 * 1e50 overran the text) */
	if ((a > 0 && a < 1e-5) || a >= 1e15) {
		snprintf(buf, n, "%.4g", v);
		return buf;
	}
	int dec = 3 - mag;
	if (dec < 0)
		dec = 0;
	if (dec > 8)
		dec = 8;
	snprintf(raw, sizeof raw, "%.*f", dec, a);
	/* 999.96 rounds to 1000.0: four digits are 1,000 */
	if (dec > 0 && a > 0 && (int)floor(log10(strtod(raw, NULL))) > mag)
		snprintf(raw, sizeof raw, "%.*f", --dec, a);
	drop_trailing_zeros(raw);
	dot = strchr(raw, '.');
	size_t ilen = dot ? (size_t)(dot - raw) : strlen(raw);
	size_t room = n;
	/* -0.0 is zero: no "-0" */
	int neg = v < 0 && strspn(raw, "0.") != strlen(raw);
	if (neg && room > 1) {
		*out++ = '-';
		room--;
	}
	for (size_t i = 0; i < ilen && room > 1; i++) {
		if (i && (ilen - i) % 3 == 0 && room > 2) {
			*out++ = ',';
			room--;
		}
		*out++ = raw[i];
		room--;
	}
	for (const char *p = dot; p && *p && room > 1; p++) {
		*out++ = *p;
		room--;
	}
	*out = 0;
	return buf;
}

char *assay_fmt_pct(double pct, char *buf, size_t n)
{
	locale_t saved = assay_c_locale_enter();
	if (!isfinite(pct))
		snprintf(buf, n, "NA");
	else if (fabs(pct) >= 1000) {
		char h[64];
		assay_fmt_human(fabs(pct), h, sizeof h);
		snprintf(buf, n, "%c%s%%", pct < 0 ? '-' : '+', h);
	} else {
		/* below 0.95%, two significant digits: a move of 0.03% must
		 * not read "+0.0%", as if nothing had moved */
		double a = fabs(pct);
		int dec = 1;
		if (a > 0 && a < 0.95)
			dec = 1 - (int)floor(log10(a));
		if (dec > 8)    /* "-0.00000000%" for -2.2e-14% */
			snprintf(buf, n, "%+.2g%%", pct);
		else
			snprintf(buf, n, "%+.*f%%", dec, pct);
	}
	assay_c_locale_leave(saved);
	return buf;
}

char *assay_fmt_points(double diff, char *buf, size_t n)
{
	assay_fmt_pct(diff, buf, n);            /* "+21.0%" */
	size_t len = strlen(buf);
	if (len && buf[len - 1] == '%')
		snprintf(buf + len - 1, n - (len - 1), " pp");
	return buf;
}

void assay_html_escape(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:
			/* control characters are not allowed in HTML text */
			if ((unsigned char)*s < 0x20 && *s != '\t')
				fputc(' ', fp);
			else
				fputc(*s, fp);
		}
	}
}

void assay_md_escape(FILE *fp, const char *s)
{
	int lead_digits = 1;    /* "1." at the start would open a list */
	for (const char *p = s; p && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f)
			fputc(' ', fp);
		else if (strchr("\\`*_{}[]<>#|!&~", c) ||
			 (p == s && strchr("+-=", c)) || (c == '.' && lead_digits && p > s))
			fprintf(fp, "\\%c", c);
		else
			fputc(c, fp);
		lead_digits = lead_digits && c >= '0' && c <= '9';
	}
}

/* ---- inline SVG with ids unique in the page ------------------------ */

static int is_id_char(char c)
{
	return c && c != '"' && c != '\'' && c != ')' && c != ' ' && c != '>';
}

int assay_svg_inline(FILE *fp, const char *svg, const char *prefix)
{
	const char *p = strstr(svg, "<svg");
	if (!p)
		return -1;
	/* the markers after which an id follows: gnuplot quotes its ids and
	 * references both ways (id='gpPt5' with xlink:href='#gpPt5'), and a
	 * reference prefixed to an id that was not pointed nowhere -- the
	 * page's charts lost their point markers */
	static const char *const marks[] = {
		" id=\"", " id='", "href=\"#", "href='#", "url(#"
	};
	size_t nmarks = sizeof marks / sizeof *marks;
	/* gnuplot titles every SVG "Gnuplot": in the page each chart showed
	 * that as its tooltip (the chart's own title is drawn in it) */
	static const char drop[] = "<title>Gnuplot</title>";
	while (*p) {
		const char *best = NULL, *gone = strstr(p, drop);
		size_t blen = 0;
		for (size_t k = 0; k < nmarks; k++) {
			const char *m = strstr(p, marks[k]);
			if (m && (!best || m < best)) {
				best = m;
				blen = strlen(marks[k]);
			}
		}
		if (gone && (!best || gone < best)) {
			fwrite(p, 1, (size_t)(gone - p), fp);
			p = gone + sizeof drop - 1;
			continue;
		}
		if (!best) {
			fputs(p, fp);
			break;
		}
		fwrite(p, 1, (size_t)(best - p) + blen, fp);
		p = best + blen;
		if (is_id_char(*p))
			fprintf(fp, "%s-", prefix);
		while (is_id_char(*p))
			fputc(*p++, fp);
	}
	return 0;
}

