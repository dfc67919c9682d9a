/*
 * Tabular output: one model, several renderings (see output.h).  JSON is
 * written here rather than by jansson: jansson has one real precision per
 * dump, and a number's shortest text is a per-number choice.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "output.h"

enum cell_type { CELL_NULL, CELL_STR, CELL_NUM, CELL_INT, CELL_BOOL };

struct cell {
	enum cell_type type;
	char *text;             /* rendering for table and csv */
	double num;             /* CELL_NUM, CELL_BOOL */
	long long inum;         /* CELL_INT */
};

struct out_table {
	char **columns;
	int ncols;
	struct cell *cells;     /* row-major */
	size_t ncells, cap;
};

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

out_table *out_table_new(const char *const *columns, int ncols)
{
	out_table *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	t->columns = calloc(ncols, sizeof *t->columns);
	for (int i = 0; i < ncols; i++)
		t->columns[i] = strdup(columns[i]);
	t->ncols = ncols;
	return t;
}

void out_table_free(out_table *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->ncols; i++)
		free(t->columns[i]);
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i].text);
	free(t->columns);
	free(t->cells);
	free(t);
}

static struct cell *push(out_table *t)
{
	if (t->ncells == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->cells = realloc(t->cells, t->cap * sizeof *t->cells);
		if (!t->cells)
			abort();
	}
	struct cell *c = &t->cells[t->ncells++];
	memset(c, 0, sizeof *c);
	return c;
}

static int fmt_shortest(double v, char *buf, size_t n)
{
	int prec;
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return prec;
	}
	snprintf(buf, n, "%.17g", v);
	return prec;
}

char *out_fmt_double(double v, char *buf, size_t n)
{
	fmt_shortest(v, buf, n);
	return buf;
}

char *out_json_double(double v, char *buf, size_t n)
{
	fmt_shortest(v, buf, n);
	if (!strpbrk(buf, ".eEn") && strlen(buf) + 3 <= n)
		strcat(buf, ".0");
	return buf;
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
			if (*p < 0x20)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

void out_str(out_table *t, const char *s)
{
	struct cell *c = push(t);
	if (s) {
		c->type = CELL_STR;
		c->text = strdup(s);
	}
}

void out_num(out_table *t, double v, int digits)
{
	struct cell *c = push(t);
	char buf[64];
	if (!isfinite(v))
		return;
	c->type = CELL_NUM;
	c->num = v;
	fmt_shortest(v, buf, sizeof buf);
	if (digits > 0)
		snprintf(buf, sizeof buf, "%.*f", digits, v);
	else if (digits < 0)
		snprintf(buf, sizeof buf, "%.*g", -digits, v);
	c->text = strdup(buf);
}

void out_int(out_table *t, long long v)
{
	struct cell *c = push(t);
	char buf[32];
	c->type = CELL_INT;
	c->inum = v;
	snprintf(buf, sizeof buf, "%lld", v);
	c->text = strdup(buf);
}

void out_bool(out_table *t, int b)
{
	struct cell *c = push(t);
	c->type = CELL_BOOL;
	c->num = b != 0;
	c->text = strdup(b ? "true" : "false");
}

void out_null(out_table *t)
{
	push(t);
}

static int print_csv_field(FILE *fp, const char *s)
{
	if (!s)
		return 0;
	if (!strpbrk(s, ",\"\r\n"))
		return fputs(s, fp) < 0 ? -1 : 0;
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	return fputc('"', fp) == EOF ? -1 : 0;
}

/* A cell's text for CSV and TSV: numbers in full (shortest round-trip),
 * whatever digits the table shows. */
static const char *data_text(const struct cell *c, char *buf, size_t n)
{
	if (c->type == CELL_NUM)
		return out_fmt_double(c->num, buf, n);
	return c->text;
}

static int print_csv(out_table *t, FILE *fp)
{
	char buf[64];
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			fputc(',', fp);
		print_csv_field(fp, t->columns[i]);
	}
	fputc('\n', fp);
	for (size_t i = 0; i < t->ncells; i++) {
		print_csv_field(fp, data_text(&t->cells[i], buf, sizeof buf));
		fputc((i + 1) % t->ncols ? ',' : '\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}

/* Display width of UTF-8 text: count the bytes that start a character. */
static size_t text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static int print_aligned(out_table *t, FILE *fp)
{
	size_t *width = calloc(t->ncols, sizeof *width);
	int *numeric = calloc(t->ncols, sizeof *numeric);
	for (int j = 0; j < t->ncols; j++) {
		width[j] = text_width(t->columns[j]);
		numeric[j] = 1;
	}
	for (size_t i = 0; i < t->ncells; i++) {
		int j = i % t->ncols;
		const char *s = t->cells[i].text ? t->cells[i].text : "NA";
		if (text_width(s) > width[j])
			width[j] = text_width(s);
		if (t->cells[i].type == CELL_STR || t->cells[i].type == CELL_BOOL)
			numeric[j] = 0;
	}
	for (int j = 0; j < t->ncols; j++) {
		size_t pad = width[j] - text_width(t->columns[j]);
		if (numeric[j])
			fprintf(fp, "%*s", (int)pad, "");
		fputs(t->columns[j], fp);
		if (j + 1 < t->ncols)
			fprintf(fp, "%*s  ", numeric[j] ? 0 : (int)pad, "");
	}
	fputc('\n', fp);
	for (size_t i = 0; i < t->ncells; i++) {
		int j = i % t->ncols;
		const char *s = t->cells[i].text ? t->cells[i].text : "NA";
		size_t pad = width[j] - text_width(s);
		if (numeric[j])
			fprintf(fp, "%*s%s", (int)pad, "", s);
		else if (j + 1 < t->ncols)
			fprintf(fp, "%s%*s", s, (int)pad, "");
		else
			fputs(s, fp);
		fputs(j + 1 < t->ncols ? "  " : "\n", fp);
	}
	free(width);
	free(numeric);
	return ferror(fp) ? -1 : 0;
}

/* One cell as JSON: numbers each in their shortest round-trip text (one
 * precision per dump, as jansson has, made 0.05 print as
 * 0.050000000000000003 next to a value that needed 17 digits). */
static void print_json_cell(FILE *fp, const struct cell *c)
{
	char buf[64];
	switch (c->type) {
	case CELL_STR: out_json_string(fp, c->text); break;
	case CELL_NUM: fputs(out_json_double(c->num, buf, sizeof buf), fp); break;
	case CELL_INT: fprintf(fp, "%lld", c->inum); break;
	case CELL_BOOL: fputs(c->num != 0 ? "true" : "false", fp); break;
	default: fputs("null", fp);
	}
}

static void print_json_object(out_table *t, FILE *fp, size_t i, int pretty)
{
	fputs(pretty ? "  {\n" : "{", fp);
	for (int j = 0; j < t->ncols; j++) {
		if (pretty)
			fputs("    ", fp);
		out_json_string(fp, t->columns[j]);
		fputs(pretty ? ": " : ":", fp);
		print_json_cell(fp, &t->cells[i + j]);
		if (j + 1 < t->ncols)
			fputs(pretty ? ",\n" : ",", fp);
	}
	fputs(pretty ? "\n  }" : "}", fp);
}

/* The layout jansson's JSON_INDENT(2) gives (an array of objects). */
static int print_json(out_table *t, FILE *fp)
{
	if (!t->ncells) {
		fputs("[]\n", fp);
		return ferror(fp) ? -1 : 0;
	}
	fputs("[\n", fp);
	for (size_t i = 0; i < t->ncells; i += t->ncols) {
		print_json_object(t, fp, i, 1);
		fputs(i + t->ncols < t->ncells ? ",\n" : "\n", fp);
	}
	fputs("]\n", fp);
	return ferror(fp) ? -1 : 0;
}

static int print_ndjson(out_table *t, FILE *fp)
{
	for (size_t i = 0; i < t->ncells; i += t->ncols) {
		print_json_object(t, fp, i, 0);
		fputc('\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}

/* TSV: no quoting; a tab, newline, carriage return or backslash inside a
 * field is written \t, \n, \r, \\ (the text format of PostgreSQL's COPY
 * and of mlr --tsv), so every row is one line of ncols fields. */
static void print_tsv_field(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '\t': fputs("\\t", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\\': fputs("\\\\", fp); break;
		default: fputc(*s, fp);
		}
	}
}

static int print_tsv(out_table *t, FILE *fp)
{
	for (int i = 0; i < t->ncols; i++) {
		print_tsv_field(fp, t->columns[i]);
		fputc(i + 1 < t->ncols ? '\t' : '\n', fp);
	}
	char buf[64];
	for (size_t i = 0; i < t->ncells; i++) {
		print_tsv_field(fp, data_text(&t->cells[i], buf, sizeof buf));
		fputc((i + 1) % t->ncols ? '\t' : '\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}

int out_table_print(out_table *t, FILE *fp, enum out_format fmt)
{
	switch (fmt) {
	case OUT_CSV: return print_csv(t, fp);
	case OUT_JSON: return print_json(t, fp);
	case OUT_NDJSON: return print_ndjson(t, fp);
	case OUT_TSV: return print_tsv(t, fp);
	default: return print_aligned(t, fp);
	}
}
