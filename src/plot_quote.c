/*
 * Quoting and file names: the only way a string from data reaches a
 * gnuplot script (assay_plot_quote), and the file names made from series
 * names.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "assay/analysis.h"
#include "assay/changepoint.h"
#include "assay/changes.h"
#include "assay/plot.h"
#include "assay/resample.h"
#include "assay/trend.h"
#include "assay/verdict.h"
#include "assay/volatility.h"
#include "plot_internal.h"

/* ------------------------------------------------------------------ */
/* Quoting and file names                                               */

/* Length of the well-formed UTF-8 sequence at s (1..4), 0 if malformed
 * (overlong forms, surrogates and code points above U+10FFFF included). */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	int n;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
	else return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

char *assay_plot_quote(const char *s, size_t max_bytes)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p);
	/* Worst case: every byte a quote, each one ` . "'"` (6 bytes). */
	char *out = malloc(6 * len + 4);
	size_t o = 0, content = 0;
	int in_run = 0;         /* inside a '...' piece */
	if (!out)
		return NULL;
	while (*p) {
		int n = utf8_len(p);
		const unsigned char *bytes = p;
		if (n == 0) {                   /* malformed: one '?' per byte */
			n = 1;
			bytes = (const unsigned char *)"?";
		} else if ((n == 1 && (*p < 0x20 || *p == 0x7F)) ||
			   (n == 2 && p[0] == 0xC2 && p[1] < 0xA0)) {
			p += n;                 /* C0, DEL, C1 controls: dropped */
			continue;
		}
		if (max_bytes && content + (size_t)n > max_bytes)
			break;
		if (*bytes == '\'') {
			/* A quote is a piece of its own, "'": gnuplot 5.4 misreads
			 * doubled quotes next to each other ('a''''b') and at the
			 * start of a string ('''a'), so '' is never relied on. */
			if (in_run)
				out[o++] = '\'';
			if (o) {
				memcpy(out + o, " . ", 3);
				o += 3;
			}
			memcpy(out + o, "\"'\"", 3);
			o += 3;
			in_run = 0;
		} else {
			if (!in_run) {
				if (o) {
					memcpy(out + o, " . ", 3);
					o += 3;
				}
				out[o++] = '\'';
				in_run = 1;
			}
			memcpy(out + o, bytes, (size_t)n);
			o += (size_t)n;
		}
		content += (size_t)n;
		p += n;
	}
	if (in_run)
		out[o++] = '\'';
	if (o == 0) {
		out[o++] = '"';         /* "": the empty string */
		out[o++] = '"';
	}
	out[o] = 0;
	return out;
}

char *assay_plot_file_name(const char *series, char *buf, size_t n)
{
	size_t o = 0, max = n - 1 < 100 ? n - 1 : 100;
	int dash = 0;
	for (const char *p = series ? series : ""; *p && o < max; p++) {
		unsigned char c = (unsigned char)*p;
		int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		if (keep && o == 0 && (c == '.' || c == '-'))
			continue;
		if (!keep) {
			dash = o > 0;
			continue;
		}
		if (dash) {
			if (o + 1 >= max)
				break;
			buf[o++] = '-';
		}
		dash = 0;
		buf[o++] = (char)c;
	}
	while (o > 0 && buf[o - 1] == '.')
		o--;                    /* "x." would read as an empty extension */
	if (o == 0) {
		snprintf(buf, n, "%s", "series");
		return buf;
	}
	buf[o] = 0;
	return buf;
}

/* Write `s` quoted to fp (out of memory: an empty string, never the raw
 * text). */
void assay_plot_put_q(FILE *fp, const char *s, size_t max)
{
	char *q = assay_plot_quote(s, max);
	fputs(q ? q : "\"\"", fp);
	free(q);
}

/* A number for a script or a data block: shortest round-trip text in the
 * C locale (the caller switched to it), NaN for anything not finite. */
void assay_plot_put_num(FILE *fp, double v)
{
	char buf[40];
	fputs(isfinite(v) ? assay_fmt_g(v, buf, sizeof buf) : "NaN", fp);
}
