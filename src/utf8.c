/* UTF-8 case folding by table (see utf8.h): no locale, no wide-char API,
 * so the same name always gives the same slug whatever the caller's
 * setlocale. */
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static unsigned lower_code(unsigned c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c < 0xC0)
		return c;
	if (c <= 0xDE)          /* Latin-1: À-Þ, not the sign × */
		return c == 0xD7 ? c : c + 32;
	if (c >= 0x100 && c <= 0x137)   /* Ā-ķ: capitals even */
		return c | 1;
	if (c == 0x130)
		return 'i';
	if (c >= 0x139 && c <= 0x148)   /* Ĺ-ň: capitals odd */
		return c & 1 ? c + 1 : c;
	if (c >= 0x14A && c <= 0x177)   /* Ŋ-ŷ: capitals even */
		return c | 1;
	if (c == 0x178)
		return 0xFF;            /* Ÿ -> ÿ */
	if (c >= 0x179 && c <= 0x17E)   /* Ź-ž: capitals odd */
		return c & 1 ? c + 1 : c;
	if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)     /* Greek */
		return c + 32;
	if (c >= 0x410 && c <= 0x42F)   /* Cyrillic А-Я */
		return c + 32;
	if (c >= 0x400 && c <= 0x40F)   /* Ѐ-Џ */
		return c + 80;
	return c;
}

static unsigned decode(const unsigned char *s, size_t len)
{
	switch (len) {
	case 1: return s[0];
	case 2: return (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
	case 3: return (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 |
		       (s[2] & 0x3F);
	default: return (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3F) << 12 |
		        (unsigned)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
	}
}

static size_t encode(unsigned c, unsigned char *out)
{
	if (c < 0x80) {
		out[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (unsigned char)(0xC0 | c >> 6);
		out[1] = (unsigned char)(0x80 | (c & 0x3F));
		return 2;
	}
	out[0] = (unsigned char)(0xE0 | c >> 12);
	out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
	out[2] = (unsigned char)(0x80 | (c & 0x3F));
	return 3;
}

size_t assay_utf8_lower(const unsigned char *s, size_t len, unsigned char *out)
{
	if (len < 1 || len > 3) {
		memcpy(out, s, len);
		return len;
	}
	unsigned c = decode(s, len), l = lower_code(c);
	if (l == c) {
		memcpy(out, s, len);
		return len;
	}
	return encode(l, out);
}

/* Length of the valid UTF-8 character at s, 0 when invalid. */
static size_t char_len(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF)
		return (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	if (c >= 0xF0 && c <= 0xF4)
		return (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		       (s[3] & 0xC0) == 0x80 ? 4 : 0;
	return 0;
}

char *assay_utf8_lower_dup(const char *in)
{
	size_t n = strlen(in);
	/* A lowered character is never longer than its capital here. */
	unsigned char *out = malloc(n + 1), *o = out;
	const unsigned char *s = (const unsigned char *)in;
	if (!out)
		return NULL;
	while (*s) {
		size_t len = char_len(s);
		if (!len) {
			*o++ = *s++;
			continue;
		}
		o += assay_utf8_lower(s, len, o);
		s += len;
	}
	*o = 0;
	return (char *)out;
}
