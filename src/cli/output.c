/*
 * Tabular output: one model, three renderings (see output.h).  JSON goes
 * through jansson so that escaping is a library's job, not ours.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
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
	int json_precision;     /* digits that make every number round-trip */
};

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
	/* jansson has one precision per dump: the largest any number needs. */
	int prec = fmt_shortest(v, buf, sizeof buf);
	if (prec > t->json_precision)
		t->json_precision = prec;
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

static int print_csv(out_table *t, FILE *fp)
{
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			fputc(',', fp);
		print_csv_field(fp, t->columns[i]);
	}
	fputc('\n', fp);
	for (size_t i = 0; i < t->ncells; i++) {
		print_csv_field(fp, t->cells[i].text);
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

static json_t *cell_json(const struct cell *c)
{
	switch (c->type) {
	case CELL_STR: return json_string(c->text);
	case CELL_NUM: return json_real(c->num);
	case CELL_INT: return json_integer(c->inum);
	case CELL_BOOL: return json_boolean(c->num != 0);
	default: return json_null();
	}
}

static int print_json(out_table *t, FILE *fp)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < t->ncells; i += t->ncols) {
		json_t *obj = json_object();
		for (int j = 0; j < t->ncols; j++)
			json_object_set_new(obj, t->columns[j],
					    cell_json(&t->cells[i + j]));
		json_array_append_new(rows, obj);
	}
	int rc = json_dumpf(rows, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			    JSON_REAL_PRECISION(t->json_precision ? t->json_precision : 15));
	fputc('\n', fp);
	json_decref(rows);
	return rc || ferror(fp) ? -1 : 0;
}

void out_html_escape(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

/* Numeric columns (no text cell) are right-aligned in HTML and Markdown. */
static int column_is_numeric(const out_table *t, int j)
{
	for (size_t i = (size_t)j; i < t->ncells; i += t->ncols)
		if (t->cells[i].type == CELL_STR || t->cells[i].type == CELL_BOOL)
			return 0;
	return 1;
}

static int print_html(out_table *t, FILE *fp)
{
	fputs("<table>\n<thead><tr>", fp);
	for (int j = 0; j < t->ncols; j++) {
		fputs(column_is_numeric(t, j) ? "<th class=\"num\">" : "<th>", fp);
		out_html_escape(fp, t->columns[j]);
		fputs("</th>", fp);
	}
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (size_t i = 0; i < t->ncells; i++) {
		int j = (int)(i % t->ncols);
		if (j == 0)
			fputs("<tr>", fp);
		fputs(column_is_numeric(t, j) ? "<td class=\"num\">" : "<td>", fp);
		out_html_escape(fp, t->cells[i].text ? t->cells[i].text : "NA");
		fputs("</td>", fp);
		if (j + 1 == t->ncols)
			fputs("</tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n", fp);
	return ferror(fp) ? -1 : 0;
}

static void md_cell(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`')
			fputc('\\', fp);
		fputc(*s == '\n' ? ' ' : *s, fp);
	}
}

static int print_markdown(out_table *t, FILE *fp)
{
	fputc('|', fp);
	for (int j = 0; j < t->ncols; j++) {
		fputc(' ', fp);
		md_cell(fp, t->columns[j]);
		fputs(" |", fp);
	}
	fputs("\n|", fp);
	for (int j = 0; j < t->ncols; j++)
		fputs(column_is_numeric(t, j) ? " ---: |" : " --- |", fp);
	fputc('\n', fp);
	for (size_t i = 0; i < t->ncells; i++) {
		int j = (int)(i % t->ncols);
		if (j == 0)
			fputc('|', fp);
		fputc(' ', fp);
		md_cell(fp, t->cells[i].text ? t->cells[i].text : "NA");
		fputs(" |", fp);
		if (j + 1 == t->ncols)
			fputc('\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}

int out_table_print(out_table *t, FILE *fp, enum out_format fmt)
{
	switch (fmt) {
	case OUT_CSV: return print_csv(t, fp);
	case OUT_JSON: return print_json(t, fp);
	case OUT_HTML: return print_html(t, fp);
	case OUT_MARKDOWN: return print_markdown(t, fp);
	default: return print_aligned(t, fp);
	}
}
