/* UTF-8 case folding by table (see utf8.h): no locale, no wide-char API,
 * so the same name always gives the same slug whatever the caller's
 * setlocale. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "assay/assay.h"
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

/* Length of the well-formed UTF-8 sequence at s (1 to 4), or 0 when the
 * bytes there are no UTF-8: a stray continuation byte, a truncated or
 * overlong sequence, a surrogate or a code point past U+10FFFF. */
size_t assay_utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
		unsigned char hi = c == 0xED ? 0x9F : 0xBF;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
		       (s[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* An invisible formatting character: the soft hyphen U+00AD, the zero
 * width space, non-joiner and joiner U+200B-U+200D, the word joiner and
 * invisible operators U+2060-U+2064, the Mongolian vowel separator
 * U+180E, the byte order mark U+FEFF.  'Copper' with one of them is
 * another series that every listing shows as 'Copper' (a BOM lands in a
 * cell when two UTF-8 files are joined with cat; the others come with
 * tables copied from web pages). */
static int is_invisible(const unsigned char *s, size_t len)
{
	if (len == 2)
		return s[0] == 0xC2 && s[1] == 0xAD;
	if (len != 3)
		return 0;
	if (s[0] == 0xE2)
		return (s[1] == 0x80 && s[2] >= 0x8B && s[2] <= 0x8D) ||
		       (s[1] == 0x81 && s[2] >= 0xA0 && s[2] <= 0xA4);
	return (s[0] == 0xE1 && s[1] == 0xA0 && s[2] == 0x8E) ||
	       (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF);
}

/* Is the character at s (of UTF-8 length len) a control character: C0,
 * DEL, or C1 (U+0080-U+009F, what a cp1252 file read as latin1 gives)?
 * Or a bidirectional formatting character (U+061C, U+200E-U+200F,
 * U+202A-U+202E, U+2066-U+2069): one in a name shows the text after it
 * reversed, so that 'cu/price' and another name look alike in every
 * listing; or a line or paragraph separator (U+2028, U+2029), a line
 * break by another name; or an invisible formatting character
 * (is_invisible). */
int assay_utf8_is_control(const unsigned char *s, size_t len)
{
	if (is_invisible(s, len))
		return 1;
	if (len == 3 && s[0] == 0xE2 &&
	    ((s[1] == 0x80 && (s[2] == 0x8E || s[2] == 0x8F ||
			       (s[2] >= 0xA8 && s[2] <= 0xAE))) ||
	     (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9)))
		return 1;       /* U+2028, U+2029: line and paragraph breaks */
	if (len == 2 && s[0] == 0xD8 && s[1] == 0x9C)
		return 1;       /* U+061C ARABIC LETTER MARK */
	return (len == 1 && (s[0] < 0x20 || s[0] == 0x7f)) ||
	       (len == 2 && s[0] == 0xC2 && s[1] < 0xA0);
}

/* A cell as a message shows it: shortened to fit buf (n >= 8), with
 * control characters and bytes that are no UTF-8 escaped, so that a
 * message stays one line of valid UTF-8 even when a quoted cell holds a
 * line break or the file is in another encoding. */
const char *assay_shown(const char *s, char *buf, size_t n)
{
	size_t k = 0;
	while (*s) {
		const unsigned char *u = (const unsigned char *)s;
		size_t step = assay_utf8_len(u);
		char esc[16];
		if (step == 1 && *u == '\n')
			strcpy(esc, "\\n");
		else if (step == 1 && *u == '\r')
			strcpy(esc, "\\r");
		else if (step == 1 && *u == '\t')
			strcpy(esc, "\\t");
		else if (step == 0 || assay_utf8_is_control(u, step)) {
			if (step == 0)
				step = 1;
			for (size_t i = 0; i < step; i++)
				snprintf(esc + 4 * i, sizeof esc - 4 * i, "\\x%02x", u[i]);
		} else {
			memcpy(esc, s, step);
			esc[step] = 0;
		}
		size_t len = strlen(esc);
		if (k + len + 4 > n && (s[step] || k + len + 1 > n)) {
			memcpy(buf + k, "...", 4);
			return buf;
		}
		memcpy(buf + k, esc, len);
		k += len;
		s += step;
	}
	buf[k] = 0;
	return buf;
}

/* The first byte of s that makes it no name: not UTF-8 (*bad_utf8 set),
 * or a control character (a line break, a tab).  NULL when s is fine. */
const char *assay_name_flaw(const char *s, int *bad_utf8)
{
	for (const unsigned char *u = (const unsigned char *)s; *u;) {
		size_t len = assay_utf8_len(u);
		*bad_utf8 = len == 0;
		if (len == 0 || assay_utf8_is_control(u, len))
			return (const char *)u;
		u += len;
	}
	return NULL;
}

/* The bytes of a blank at u (a space or U+00A0), else 0: what the
 * importer trims off a cell besides tab, CR and LF, which are control
 * characters no name holds anyway. */
static size_t blank_len(const unsigned char *u)
{
	if (u[0] == ' ')
		return 1;
	return u[0] == 0xC2 && u[1] == 0xA0 ? 2 : 0;
}

const char *assay_name_why(const char *s)
{
	int bad_utf8;
	if (!*s)
		return "it is empty";
	if (assay_name_flaw(s, &bad_utf8))
		return bad_utf8 ? "it is not UTF-8" : "it holds a control character";
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), k = 0, b;
	while (k < n && (b = blank_len(u + k)))
		k += b;
	if (k == n)
		return "it is blanks only";
	if (k)
		return "it begins with a blank";
	/* valid UTF-8 (checked above): a final A0 after C2 is U+00A0 */
	if (u[n - 1] == ' ' || (n >= 2 && u[n - 2] == 0xC2 && u[n - 1] == 0xA0))
		return "it ends with a blank";
	return NULL;
}

int assay_name_check(const char *s, assay_error *err)
{
	char shown[256];
	const char *why = assay_name_why(s);
	if (!why)
		return 0;
	return assay_fail(err, ASSAY_EUSAGE, "'%s' is no fit series name: %s ("
			  ASSAY_NAME_RULE ")", assay_shown(s, shown, sizeof shown),
			  why);
}

size_t assay_label_len(const char *s)
{
	size_t n = strlen(s), keep = n;
	for (;;) {
		while (keep && s[keep - 1] == ' ')
			keep--;
		if (keep && s[keep - 1] == '*')
			keep--;
		else if (keep >= 3 && !memcmp(s + keep - 3, "\xe2\x80\xa0", 3))
			keep -= 3;      /* a dagger */
		else if (keep >= 3 && !memcmp(s + keep - 3, "\xe2\x80\xa1", 3))
			keep -= 3;      /* a double dagger */
		else
			break;
	}
	return keep ? keep : n;         /* a label of markers alone stays */
}

/* s in Unicode normalisation form C, malloc'd; NULL when s is not UTF-8
 * or memory ran out.  'Níquel' typed on macOS (i and a combining acute)
 * and 'Níquel' from Windows (one character) are one name. */
char *assay_utf8_nfc(const char *s)
{
	return (char *)utf8proc_NFC((const utf8proc_uint8_t *)s);
}

int assay_utf8_is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}
