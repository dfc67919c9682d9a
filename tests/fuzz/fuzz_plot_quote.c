/*
 * libFuzzer target: assay_plot_quote, the only way a string from data (a
 * series name, a unit, a title) reaches a gnuplot script.
 *
 * Input: one byte for the length limit (0: none, else 1-255 bytes), then
 * the string (up to its first NUL).  An independent reader of what the
 * quoting may write -- pieces '...' holding no quote, and "'" for a quote,
 * joined by " . " (gnuplot's string concatenation), or "" -- decodes the
 * result; it must be:
 *  - well formed in that grammar, on one line, without control bytes;
 *  - the input with C0, DEL and C1 controls dropped and each byte of a
 *    malformed UTF-8 sequence read as '?', cut to the limit at a whole
 *    character.
 * A violation prints what broke and aborts, so libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/plot.h"

static void die(const char *what, const char *q)
{
	fprintf(stderr, "fuzz_plot_quote: invariant broken: %s: ", what);
	for (const unsigned char *c = (const unsigned char *)q; c && *c; c++)
		fprintf(stderr, *c < 0x20 || *c >= 0x7f ? "\\x%02x" : "%c", *c);
	fputc('\n', stderr);
	abort();
}

/* UTF-8 sequence length at s (1-4), 0 when malformed (RFC 3629). */
static size_t seq_len(const unsigned char *s)
{
	unsigned c = s[0], cp;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

/* What the string should read as: controls dropped, malformed bytes '?',
 * cut at max content bytes (0: no limit). */
static char *expected(const char *s, size_t max)
{
	char *out = malloc(strlen(s) + 1);
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = seq_len(p);
		const unsigned char *b = p;
		if (n == 0) {
			n = 1;
			b = (const unsigned char *)"?";
		} else if ((n == 1 && (*p < 0x20 || *p == 0x7F)) ||
			   (n == 2 && p[0] == 0xC2 && p[1] < 0xA0)) {
			p += n;
			continue;
		}
		if (max && o + n > max)
			break;
		memcpy(out + o, b, n);
		o += n;
		p += n;
	}
	out[o] = 0;
	return out;
}

/* Decode the quoted form; NULL when it is not in the grammar. */
static char *decode(const char *q)
{
	char *out = malloc(strlen(q) + 1);
	size_t o = 0;
	const char *p = q;
	if (!strcmp(q, "\"\"")) {
		out[0] = 0;
		return out;
	}
	for (;;) {
		if (p[0] == '"' && p[1] == '\'' && p[2] == '"') {
			out[o++] = '\'';
			p += 3;
		} else if (p[0] == '\'') {
			const char *e = strchr(p + 1, '\'');
			if (!e || e == p + 1) {
				free(out);
				return NULL;
			}
			memcpy(out + o, p + 1, (size_t)(e - p - 1));
			o += (size_t)(e - p - 1);
			p = e + 1;
		} else {
			free(out);
			return NULL;
		}
		if (!*p)
			break;
		if (strncmp(p, " . ", 3)) {
			free(out);
			return NULL;
		}
		p += 3;
	}
	out[o] = 0;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	size_t max = data[0];
	char *q = assay_plot_quote(s, max);
	if (!q)
		die("no result", s);
	for (const unsigned char *c = (const unsigned char *)q; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			die("a control byte in the script", q);
	char *d = decode(q), *want = expected(s, max);
	if (!d)
		die("not a gnuplot string expression of quoted pieces", q);
	if (strcmp(d, want))
		die("the quoted string reads as another", q);
	free(d);
	free(want);
	free(q);
	free(s);
	return 0;
}
