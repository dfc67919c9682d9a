/*
 * The importer's text helpers: trimming, slugs, UTF-8 checks, cells as
 * messages show them, and growable strings for names of any length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "import_internal.h"
#include "utf8.h"

/* ---- small string helpers ------------------------------------------- */

/* Out of memory inside an import: the import stops with an error (the
 * library never aborts), and assay_import() rolls the transaction back and
 * frees what it holds.  Every allocation of the importer is checked. */
int im_oom(struct importer *im)
{
	assay_fail(im->err, ASSAY_EIO, "%s: out of memory", im->path);
	im->failed = 1;
	return -1;
}

char *im_strdup(struct importer *im, const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		im_oom(im);
	return d;
}

/* Trim ASCII blanks (and the no-break space U+00A0) in place. */
char *im_trim(char *s)
{
	char *e;
	for (;;) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
			s += 2;
		else
			break;
	}
	e = s + strlen(s);
	for (;;) {
		if (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			      e[-1] == '\n'))
			e--;
		else if (e - s >= 2 && (unsigned char)e[-2] == 0xC2 &&
			 (unsigned char)e[-1] == 0xA0)
			e -= 2;
		else
			break;
	}
	*e = 0;
	return s;
}

char *assay_slug(const char *in, char *out, size_t n)
{
	size_t k = 0;
	int dash = 0;
	if (n == 0)
		return out;
	/* ASCII tests by hand, not isalnum/tolower: this is public and may
	 * run in a caller's single-byte locale, where tolower would change
	 * the bytes of UTF-8 characters. */
	for (const unsigned char *s = (const unsigned char *)in; *s; s++) {
		int upper = *s >= 'A' && *s <= 'Z';
		int keep = upper || (*s >= 'a' && *s <= 'z') ||
			   (*s >= '0' && *s <= '9') || *s >= 0x80 || *s == '.' ||
			   *s == '_';
		if (*s == 0xC2 && s[1] == 0xA0) {      /* no-break space */
			s++;
			keep = 0;
		}
		/* a dagger or double dagger, a footnote mark as '*' is: an
		 * edition's "Tin †" made tin-† beside the last one's tin,
		 * a second series, though the two texts name one */
		if (*s == 0xE2 && s[1] == 0x80 && (s[2] == 0xA0 || s[2] == 0xA1)) {
			s += 2;
			keep = 0;
		}
		if (!keep) {
			dash = k > 0;
			continue;
		}
		if (dash && k + 1 < n)
			out[k++] = '-';
		dash = 0;
		size_t len = *s >= 0x80 ? assay_utf8_len(s) : 1;
		if (len > 1) {
			/* Capitals outside ASCII are lowered too (Último ->
			 * último), by table: no locale is consulted. */
			unsigned char low[4];
			size_t m = assay_utf8_lower(s, len, low);
			if (k + m < n) {
				memcpy(out + k, low, m);
				k += m;
			} else {
				n = k + 1;      /* no partial character */
			}
			s += len - 1;
			continue;
		}
		if (k + 1 < n)
			out[k++] = (char)(upper ? *s + ('a' - 'A') : *s);
	}
	out[k] = 0;
	return out;
}

/* ---- growable strings (names of any length) ---------------------------- */

/* Room for `more` bytes and a NUL.  A failed allocation is sticky:
 * b->failed stays set and later appends do nothing, so that a caller
 * building a string checks once, at the end. */
int im_sb_reserve(struct sbuf *b, size_t more)
{
	if (b->failed)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->failed = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void im_sb_cat(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (im_sb_reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* Does slug s hold a letter or a digit (of any script)?  (import_internal.h) */
int im_slug_names(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t c;
	for (utf8proc_ssize_t n; *p; p += n) {
		if ((n = utf8proc_iterate(p, -1, &c)) <= 0)
			return 1;       /* not UTF-8: the name check says so */
		utf8proc_category_t k = utf8proc_category(c);
		if (k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL ||
		    k == UTF8PROC_CATEGORY_LT || k == UTF8PROC_CATEGORY_LM ||
		    k == UTF8PROC_CATEGORY_LO || k == UTF8PROC_CATEGORY_ND ||
		    k == UTF8PROC_CATEGORY_NL || k == UTF8PROC_CATEGORY_NO)
			return 1;
	}
	return 0;
}

/* Append the slug of s (never longer than s). */
void im_sb_slug(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (im_sb_reserve(b, n))
		return;
	assay_slug(s, b->s + b->len, n + 1);
	b->len += strlen(b->s + b->len);
}

