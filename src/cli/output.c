/*
 * Tabular output: one model, several renderings (see output.h).  JSON is
 * written here rather than by jansson: jansson has one real precision per
 * dump, and a number's shortest text is a per-number choice.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

#include "cli.h"
#include "numfmt.h"

/* Cells are kept encoded, one after another in a byte buffer: a type byte,
 * then for a number its double (8 bytes) and its text, for an integer its
 * value (8 bytes) and its text, for a string its text, for a boolean one
 * byte; texts end with a NUL.  Past SPILL_BYTES the whole rows buffered are
 * written to an unlinked temporary file, so that a table of millions of
 * rows (assay export, changes over 10,000 series) takes a few megabytes
 * of memory however long it is; the widths of the aligned table are kept
 * up to date as the cells come, and printing replays the file, then the
 * buffer.  The output is the same as if every cell had stayed in memory.
 * A table given a stream (out_table_stream) prints instead of spilling:
 * its first SPILL_BYTES of rows fix the widths, and later rows follow as
 * they come, which saves writing and reading back the file. */
enum cell_type { CELL_NULL, CELL_STR, CELL_NUM, CELL_INT, CELL_BOOL };
#define CELL_SHORTEST 0x80      /* CELL_NUM whose text is its shortest
				 * round-trip text (csv and tsv print it) */
#define SPILL_BYTES ((size_t)4 << 20)

struct cell {
	int type;               /* enum cell_type, | CELL_SHORTEST */
	const char *text;       /* rendering for the table; NULL: NA */
	double num;             /* CELL_NUM, CELL_BOOL */
	long long inum;         /* CELL_INT */
};

struct out_table {
	char **columns;
	int ncols;
	unsigned char *buf;     /* encoded cells not yet spilled */
	size_t len, cap;
	size_t ncells;          /* every cell, spilled or not */
	size_t *width;          /* the aligned table's column widths */
	unsigned char *is_text; /* a string or boolean cell: left aligned */
	FILE *spill;            /* blocks of whole rows, or NULL */
	int spill_failed;       /* a write to it failed: printing fails */
	/* out_table_stream: where the rows go, and once they have begun
	 * going, the rendering (the widths are then fixed) */
	FILE *stream_fp;
	enum out_format stream_fmt;
	struct render *stream;
	size_t stream_cell;     /* cells rendered */
};

static void stream_rows(out_table *t);
static void stream_free(out_table *t);

int out_format_parse_all(const char *s, int allow_text, enum out_format *fmt)
{
	if (!strcmp(s, "tsv")) *fmt = OUT_TSV;
	else if (!strcmp(s, "ndjson")) *fmt = OUT_NDJSON;
	else return out_format_parse(s, allow_text, fmt);
	return 0;
}

int out_format_parse(const char *s, int allow_text, enum out_format *fmt)
{
	if (!strcmp(s, "table")) *fmt = OUT_TABLE;
	else if (!strcmp(s, "csv")) *fmt = OUT_CSV;
	else if (!strcmp(s, "json")) *fmt = OUT_JSON;
	else if (allow_text && !strcmp(s, "text")) *fmt = OUT_TEXT;
	else return -1;
	return 0;
}

/* Is code point c East Asian Wide or Fullwidth (two terminal columns)?
 * The blocks of Unicode's EastAsianWidth.txt that names meet: Hangul
 * Jamo, CJK radicals to Yi, Hangul syllables, CJK compatibility, vertical
 * and small forms, fullwidth forms, and the CJK extension planes.  By
 * table, not wcwidth(): that would follow the caller's locale. */
static int wide_char(unsigned c)
{
	return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
	       (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
	       (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	       (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

/* Display width of UTF-8 text: a column a character, two for a wide
 * one (a name in Chinese lines up with the rest); a byte that is no
 * UTF-8 counts one, as the terminal shows a replacement for it. */
static size_t text_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t len = assay_utf8_len(p);
		unsigned c = *p;
		if (len == 0) {
			w++;
			p++;
			continue;
		}
		if (len == 2)
			c = (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu);
		else if (len == 3)
			c = (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
		else if (len == 4)
			c = (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 |
			    (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
		w += wide_char(c) ? 2 : 1;
		p += len;
	}
	return w;
}

static void reset_widths(out_table *t)
{
	for (int j = 0; j < t->ncols; j++) {
		t->width[j] = text_width(t->columns[j]);
		t->is_text[j] = 0;
	}
}

out_table *out_table_new(const char *const *columns, int ncols)
{
	out_table *t = cli_xcalloc(1, sizeof *t);
	t->columns = cli_xcalloc(ncols, sizeof *t->columns);
	t->width = cli_xcalloc(ncols, sizeof *t->width);
	t->is_text = cli_xcalloc(ncols, 1);
	for (int i = 0; i < ncols; i++)
		t->columns[i] = cli_xstrdup(columns[i]);
	t->ncols = ncols;
	reset_widths(t);
	return t;
}

void out_table_free(out_table *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->ncols; i++)
		free(t->columns[i]);
	free(t->columns);
	free(t->buf);
	free(t->width);
	free(t->is_text);
	if (t->spill)
		fclose(t->spill);
	stream_free(t);
	free(t);
}

static unsigned char *room(out_table *t, size_t more)
{
	if (t->len + more > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + more)
			cap *= 2;
		t->buf = cli_xrealloc(t->buf, cap);
		t->cap = cap;
	}
	return t->buf + t->len;
}

/* An unlinked file in $TMPDIR (or /tmp): gone when closed or at exit. */
static FILE *spill_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof path, "%s/assay-table-XXXXXX", dir) >= sizeof path)
		return NULL;
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	unlink(path);
	FILE *fp = fdopen(fd, "w+b");
	if (!fp)
		close(fd);
	return fp;
}

/* After a whole row: move the buffered rows to the file when there are
 * many.  Each block is its length, then its bytes. */
static void maybe_spill(out_table *t)
{
	if (t->len < SPILL_BYTES || t->spill_failed || t->ncells % t->ncols)
		return;
	if (t->stream_fp) {
		stream_rows(t);
		return;
	}
	if (!t->spill && !(t->spill = spill_file())) {
		t->spill_failed = 1;
		return;
	}
	if (fwrite(&t->len, sizeof t->len, 1, t->spill) != 1 ||
	    fwrite(t->buf, 1, t->len, t->spill) != t->len) {
		t->spill_failed = 1;
		return;
	}
	t->len = 0;
}

/* Append one cell (text: its table text, NULL for NA). */
static void add_cell(out_table *t, int type, const void *val, size_t vlen,
		     const char *text)
{
	size_t tl = text ? strlen(text) + 1 : 0;
	unsigned char *p = room(t, 1 + vlen + tl);
	int j = (int)(t->ncells % t->ncols);
	*p++ = (unsigned char)type;
	/* (memcpy with a null pointer is undefined even for 0 bytes, and
	 * lets the compiler drop the test of text below) */
	if (vlen)
		memcpy(p, val, vlen);
	if (tl)
		memcpy(p + vlen, text, tl);
	t->len += 1 + vlen + tl;
	size_t w = text ? text_width(text) : 2;         /* "NA" */
	type &= ~CELL_SHORTEST;
	if (!t->stream) {       /* streaming: the widths are fixed */
		if (w > t->width[j])
			t->width[j] = w;
		if (type == CELL_STR || type == CELL_BOOL)
			t->is_text[j] = 1;
	}
	t->ncells++;
	if (j + 1 == t->ncols)
		maybe_spill(t);
}

/* One cell decoded from p; returns the next. */
static const unsigned char *decode(const unsigned char *p, struct cell *c)
{
	c->type = *p++;
	c->text = NULL;
	switch (c->type & ~CELL_SHORTEST) {
	case CELL_NUM:
		memcpy(&c->num, p, sizeof c->num);
		p += sizeof c->num;
		break;
	case CELL_INT:
		memcpy(&c->inum, p, sizeof c->inum);
		p += sizeof c->inum;
		break;
	case CELL_BOOL:
		c->num = *p++;
		break;
	case CELL_STR:
		break;
	default:
		return p;
	}
	c->text = (const char *)p;
	return p + strlen(c->text) + 1;
}

/* Append n encoded bytes holding whole rows to t's buffer. */
static void append_rows(out_table *t, const unsigned char *p, size_t n)
{
	memcpy(room(t, n), p, n);
	t->len += n;
}

void out_table_move(out_table *dst, out_table *src)
{
	if (src->ncols != dst->ncols) {
		/* a caller's bug (see output.h): the table then fails to print
		 * (out_table_print returns -1) rather than abort */
		dst->spill_failed = 1;
		return;
	}
	if (src->spill) {
		/* a long series: its blocks first (rare; they are whole rows) */
		size_t len;
		unsigned char *blk = NULL;
		if (fflush(src->spill) || fseek(src->spill, 0, SEEK_SET))
			dst->spill_failed = 1;
		while (!dst->spill_failed &&
		       fread(&len, sizeof len, 1, src->spill) == 1) {
			blk = cli_xrealloc(blk, len);
			if (fread(blk, 1, len, src->spill) != len)
				dst->spill_failed = 1;
			else
				append_rows(dst, blk, len);
		}
		free(blk);
		dst->spill_failed |= src->spill_failed | ferror(src->spill);
		fclose(src->spill);
		src->spill = NULL;
	}
	append_rows(dst, src->buf, src->len);
	dst->ncells += src->ncells;
	for (int j = 0; j < dst->ncols && !dst->stream; j++) {
		if (src->width[j] > dst->width[j])
			dst->width[j] = src->width[j];
		dst->is_text[j] |= src->is_text[j];
	}
	src->len = 0;
	src->ncells = 0;
	src->spill_failed = 0;
	reset_widths(src);
	maybe_spill(dst);
}

char *out_fmt_double(double v, char *buf, size_t n)
{
	if (n >= 48)
		numfmt_shortest(v, buf);        /* the same text, faster */
	else
		assay_fmt_g(v, buf, n);         /* the library's one formatter */
	return buf;
}

char *out_json_double(double v, char *buf, size_t n)
{
	out_fmt_double(v, buf, n);
	if (!strpbrk(buf, ".eEn") && strlen(buf) + 3 <= n)
		strcat(buf, ".0");
	return buf;
}

/* JSON text must be UTF-8, and a name a store holds from elsewhere (an
 * older assay, SQL by hand) may not be: its bad bytes are written as
 * U+FFFD. */
json_t *out_json_text(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	if (j || !s)
		return j;
	size_t n = strlen(s), k = 0;
	char *clean = malloc(3 * n + 1);
	if (!clean)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t len = assay_utf8_len(p);
		if (len) {
			memcpy(clean + k, p, len);
			k += len;
			p += len;
		} else {
			memcpy(clean + k, "\xEF\xBF\xBD", 3);
			k += 3;
			p++;
		}
	}
	clean[k] = 0;
	j = json_string(clean);
	free(clean);
	return j;
}

void out_json_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\b': fputs("\\b", fp); break;
		case '\f': fputs("\\f", fp); break;
		default:
			if (*p < 0x20) {
				fprintf(fp, "\\u%04x", *p);
			} else if (*p >= 0x80) {
				size_t len = assay_utf8_len(p);
				if (len)
					fwrite(p, 1, len, fp);
				else
					fputs("\\ufffd", fp);
				p += len ? len - 1 : 0;
			} else {
				fputc(*p, fp);
			}
		}
	}
	fputc('"', fp);
}

void out_str(out_table *t, const char *s)
{
	add_cell(t, s ? CELL_STR : CELL_NULL, NULL, 0, s);
}

void out_num(out_table *t, double v, int digits)
{
	char buf[64];
	if (!isfinite(v)) {
		add_cell(t, CELL_NULL, NULL, 0, NULL);
		return;
	}
	int type = CELL_NUM;
	if (digits > 0) {
		/* From 1e15 in scientific notation: "%.*f" of 1.2e80 has 81
		 * digits, and buf held 63 of them (the table showed 1.2e62). */
		if (fabs(v) >= 1e15)
			snprintf(buf, sizeof buf, "%.6g", v);
		else if (numfmt_fixed(v, digits, buf) < 0)   /* "%.*f", fast */
			snprintf(buf, sizeof buf, "%.*f", digits, v);
	} else if (digits < 0) {
		snprintf(buf, sizeof buf, "%.*g", -digits, v);
	} else {
		numfmt_shortest(v, buf);        /* out_fmt_double's text */
		type |= CELL_SHORTEST;
	}
	add_cell(t, type, &v, sizeof v, buf);
}

void out_num_text(out_table *t, double v, const char *text)
{
	if (!isfinite(v))
		add_cell(t, CELL_NULL, NULL, 0, NULL);
	else
		add_cell(t, CELL_NUM, &v, sizeof v, text);
}

void out_int(out_table *t, long long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", v);
	add_cell(t, CELL_INT, &v, sizeof v, buf);
}

void out_bool(out_table *t, int b)
{
	unsigned char v = b != 0;
	add_cell(t, CELL_BOOL, &v, 1, b ? "true" : "false");
}

void out_null(out_table *t)
{
	add_cell(t, CELL_NULL, NULL, 0, NULL);
}

/* ---- rendering: cell by cell, through a buffer ---------------------------- */

struct writer {
	FILE *fp;
	size_t n;
	char buf[1 << 16];
};

static void w_flush(struct writer *w)
{
	if (w->n)
		fwrite(w->buf, 1, w->n, w->fp);
	w->n = 0;
}

static void w_put(struct writer *w, const char *s, size_t len)
{
	if (w->n + len > sizeof w->buf) {
		w_flush(w);
		if (len > sizeof w->buf) {
			fwrite(s, 1, len, w->fp);
			return;
		}
	}
	memcpy(w->buf + w->n, s, len);
	w->n += len;
}

static void w_str(struct writer *w, const char *s)
{
	w_put(w, s, strlen(s));
}

static void w_ch(struct writer *w, char c)
{
	if (w->n == sizeof w->buf)
		w_flush(w);
	w->buf[w->n++] = c;
}

static void w_pad(struct writer *w, size_t n)
{
	while (n--)
		w_ch(w, ' ');
}

int out_csv_needs_quotes(const char *s)
{
	return strpbrk(s, ",\"\r\n") != NULL;
}

const char *out_tsv_escape(char c)
{
	switch (c) {
	case '\t': return "\\t";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\\': return "\\\\";
	default: return NULL;
	}
}

static void w_csv_field(struct writer *w, const char *s)
{
	if (!s)
		return;
	if (!out_csv_needs_quotes(s)) {
		w_str(w, s);
		return;
	}
	w_ch(w, '"');
	for (; *s; s++) {
		if (*s == '"')
			w_ch(w, '"');
		w_ch(w, *s);
	}
	w_ch(w, '"');
}

/* TSV: no quoting; a tab, newline, carriage return or backslash inside a
 * field is written \t, \n, \r, \\ (the text format of PostgreSQL's COPY
 * and of mlr --tsv), so every row is one line of ncols fields. */
static void w_tsv_field(struct writer *w, const char *s)
{
	for (; s && *s; s++) {
		const char *e = out_tsv_escape(*s);
		if (e)
			w_put(w, e, 2);
		else
			w_ch(w, *s);
	}
}

static void w_json_string(struct writer *w, const char *s)
{
	w_ch(w, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': w_put(w, "\\\"", 2); break;
		case '\\': w_put(w, "\\\\", 2); break;
		case '\n': w_put(w, "\\n", 2); break;
		case '\r': w_put(w, "\\r", 2); break;
		case '\t': w_put(w, "\\t", 2); break;
		case '\b': w_put(w, "\\b", 2); break;
		case '\f': w_put(w, "\\f", 2); break;
		default:
			if (*p < 0x20) {
				char u[8];
				snprintf(u, sizeof u, "\\u%04x", *p);
				w_str(w, u);
			} else if (*p >= 0x80) {
				size_t len = assay_utf8_len(p);
				if (len)
					w_put(w, (const char *)p, len);
				else
					w_str(w, "\\ufffd");
				p += len ? len - 1 : 0;
			} else {
				w_ch(w, (char)*p);
			}
		}
	}
	w_ch(w, '"');
}

/* A cell's text for CSV and TSV: numbers in full (shortest round-trip),
 * whatever digits the table shows. */
static const char *data_text(const struct cell *c, char *buf, size_t n)
{
	if (c->type == CELL_NUM)
		return out_fmt_double(c->num, buf, n);
	return c->text;
}

/* One cell as JSON: numbers each in their shortest round-trip text (one
 * precision per dump, as jansson has, made 0.05 print as
 * 0.050000000000000003 next to a value that needed 17 digits). */
static void w_json_cell(struct writer *w, const struct cell *c)
{
	char buf[64];
	switch (c->type & ~CELL_SHORTEST) {
	case CELL_STR: w_json_string(w, c->text); break;
	case CELL_NUM: w_str(w, out_json_double(c->num, buf, sizeof buf)); break;
	case CELL_INT: w_str(w, c->text); break;   /* "%lld" */
	case CELL_BOOL: w_str(w, c->num != 0 ? "true" : "false"); break;
	default: w_str(w, "null");
	}
}

struct render {
	out_table *t;
	enum out_format fmt;
	struct writer *w;
	size_t row;             /* rows begun */
};

static void render_header(struct render *r)
{
	out_table *t = r->t;
	struct writer *w = r->w;
	switch (r->fmt) {
	case OUT_CSV:
	case OUT_TSV:
		for (int j = 0; j < t->ncols; j++) {
			if (r->fmt == OUT_CSV)
				w_csv_field(w, t->columns[j]);
			else
				w_tsv_field(w, t->columns[j]);
			w_ch(w, j + 1 < t->ncols ? (r->fmt == OUT_CSV ? ',' : '\t') : '\n');
		}
		break;
	case OUT_JSON:
		if (t->ncells)
			w_str(w, "[\n");
		break;
	case OUT_NDJSON:
		break;
	default:
		for (int j = 0; j < t->ncols; j++) {
			size_t pad = t->width[j] - text_width(t->columns[j]);
			if (!t->is_text[j])
				w_pad(w, pad);
			w_str(w, t->columns[j]);
			if (j + 1 < t->ncols) {
				w_pad(w, t->is_text[j] ? pad : 0);
				w_put(w, "  ", 2);
			}
		}
		w_ch(w, '\n');
	}
}

static void render_json_cell(struct render *r, int j, const struct cell *c)
{
	struct writer *w = r->w;
	int pretty = r->fmt == OUT_JSON;
	if (j == 0) {
		if (pretty && r->row)
			w_put(w, ",\n", 2);
		w_str(w, pretty ? "  {\n" : "{");
	}
	if (pretty)
		w_put(w, "    ", 4);
	w_json_string(w, r->t->columns[j]);
	w_str(w, pretty ? ": " : ":");
	w_json_cell(w, c);
	if (j + 1 < r->t->ncols)
		w_str(w, pretty ? ",\n" : ",");
	else
		w_str(w, pretty ? "\n  }" : "}\n");
}

static void render_cell(struct render *r, int j, const struct cell *c)
{
	out_table *t = r->t;
	struct writer *w = r->w;
	char buf[64];
	int last = j + 1 == t->ncols;
	switch (r->fmt) {
	case OUT_CSV:
		w_csv_field(w, c->type & CELL_SHORTEST ? c->text : data_text(c, buf, sizeof buf));
		w_ch(w, last ? '\n' : ',');
		break;
	case OUT_TSV:
		w_tsv_field(w, c->type & CELL_SHORTEST ? c->text : data_text(c, buf, sizeof buf));
		w_ch(w, last ? '\n' : '\t');
		break;
	case OUT_JSON:
	case OUT_NDJSON:
		render_json_cell(r, j, c);
		break;
	default: {
		const char *s = c->text ? c->text : "NA";
		size_t tw = text_width(s);
		/* wider than its column only past a streamed table's first rows */
		size_t pad = t->width[j] > tw ? t->width[j] - tw : 0;
		if (!t->is_text[j]) {
			w_pad(w, pad);
			w_str(w, s);
		} else {
			w_str(w, s);
			if (!last)
				w_pad(w, pad);
		}
		w_str(w, last ? "\n" : "  ");
	}
	}
	if (last)
		r->row++;
}

static void render_block(struct render *r, const unsigned char *p, size_t len,
			 size_t *cell)
{
	const unsigned char *end = p + len;
	struct cell c = { 0 };
	while (p < end) {
		p = decode(p, &c);
		render_cell(r, (int)(*cell % r->t->ncols), &c);
		++*cell;
	}
}

/* The spilled blocks, in order. */
static int render_spill(struct render *r, size_t *cell)
{
	FILE *fp = r->t->spill;
	unsigned char *blk = NULL;
	size_t len;
	int rc = 0;
	if (fflush(fp) || fseek(fp, 0, SEEK_SET))
		return -1;
	while (fread(&len, sizeof len, 1, fp) == 1) {
		blk = cli_xrealloc(blk, len);
		if (fread(blk, 1, len, fp) != len) {
			rc = -1;
			break;
		}
		render_block(r, blk, len, cell);
	}
	if (ferror(fp))
		rc = -1;
	free(blk);
	fseek(fp, 0, SEEK_END);
	return rc;
}

void out_table_stream(out_table *t, FILE *fp, enum out_format fmt)
{
	t->stream_fp = fp;
	t->stream_fmt = fmt;
}

/* The header and the rows buffered so far, with the widths they give
 * (fixed from then on), then each block of rows as it fills. */
static void stream_rows(out_table *t)
{
	if (!t->stream) {
		struct writer *w = cli_xmalloc(sizeof *w);
		w->fp = t->stream_fp;
		w->n = 0;
		t->stream = cli_xmalloc(sizeof *t->stream);
		*t->stream = (struct render){ .t = t, .fmt = t->stream_fmt, .w = w };
		render_header(t->stream);
	}
	render_block(t->stream, t->buf, t->len, &t->stream_cell);
	t->len = 0;
}

static void stream_free(out_table *t)
{
	if (t->stream) {
		free(t->stream->w);
		free(t->stream);
	}
}

int out_table_print(out_table *t, FILE *fp, enum out_format fmt)
{
	if (t->spill_failed)
		return -1;
	if (t->stream) {        /* the rest of a streamed table */
		struct render *r = t->stream;
		render_block(r, t->buf, t->len, &t->stream_cell);
		t->len = 0;
		if (r->fmt == OUT_JSON)
			w_str(r->w, "\n]\n");
		w_flush(r->w);
		return ferror(r->w->fp) ? -1 : 0;
	}
	struct writer *w = cli_xmalloc(sizeof *w);
	w->fp = fp;
	w->n = 0;
	struct render r = { .t = t, .fmt = fmt, .w = w };
	size_t cell = 0;
	int rc = 0;
	render_header(&r);
	if (t->spill && render_spill(&r, &cell))
		rc = -1;
	render_block(&r, t->buf, t->len, &cell);
	if (fmt == OUT_JSON)
		w_str(w, t->ncells ? "\n]\n" : "[]\n");
	w_flush(w);
	free(w);
	return rc || ferror(fp) ? -1 : 0;
}
