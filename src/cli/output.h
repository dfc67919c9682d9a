/*
 * Tabular output of the CLI: one table model rendered as an aligned text
 * table, CSV (RFC 4180, NA empty) or JSON (an array of objects, NA null,
 * written with jansson).  Numbers are printed in the C locale with the
 * shortest representation that reads back to the same double.
 */
#ifndef ASSAY_CLI_OUTPUT_H
#define ASSAY_CLI_OUTPUT_H

#include <stdio.h>
#include <jansson.h>

enum out_format {
	OUT_TABLE, OUT_CSV, OUT_JSON, OUT_TEXT,
	OUT_TSV,                /* tab-separated, \t \n \\ escaped, NA empty */
	OUT_NDJSON              /* one compact JSON object per line */
};

/* "table" | "csv" | "json" (and "text" when allow_text) -> 0 and *fmt. */
int out_format_parse(const char *s, int allow_text, enum out_format *fmt);
/* The same, also "tsv" and "ndjson": for commands that print through
 * out_table_print (every format then works). */
int out_format_parse_all(const char *s, int allow_text, enum out_format *fmt);
/* The names the formats are given by, for messages: "table, csv, ..." */
#define OUT_FORMATS_ALL "table, csv, tsv, json or ndjson"

typedef struct out_table out_table;

/* A table with the given column names (copied). */
out_table *out_table_new(const char *const *columns, int ncols);
void out_table_free(out_table *t);

/* Append cells to the current row, left to right; a row ends when all its
 * columns are filled.  out_num prints NaN as NA; `digits` > 0 rounds the
 * text (table, csv) to that many decimals, < 0 to -digits significant
 * digits, 0 means shortest round-trip (with digits > 0, a magnitude from
 * 1e15 is written "%.6g"; its fixed text was cut at 63 characters).  JSON
 * always has the full value. */
void out_str(out_table *t, const char *s);          /* NULL: NA */
void out_num(out_table *t, double v, int digits);
/* A number the table shows as `text` (csv, tsv and json print v in full;
 * NaN is NA). */
void out_num_text(out_table *t, double v, const char *text);
void out_int(out_table *t, long long v);
void out_bool(out_table *t, int b);
void out_null(out_table *t);

/* Append the rows of src (a table of the same columns, e.g. one series'
 * rows formatted by a worker thread) to dst, and empty src.  Cells are kept encoded and, past
 * a few megabytes, in an unlinked temporary file: a table's memory does
 * not grow with its length. */
void out_table_move(out_table *dst, out_table *src);

/* Render to `fp`; returns 0, or -1 on a write error. */
int out_table_print(out_table *t, FILE *fp, enum out_format fmt);

/* Print t to fp in fmt as it fills, rather than keeping its rows to the
 * end: once its rows reach a few megabytes, the header and those rows go
 * out with the column widths they give, and each later block of rows
 * follows with the same widths (a wider cell then shifts its row).  A
 * shorter table is printed by out_table_print, as without this call; it
 * must be called with the same fp and fmt, and finishes a streamed
 * table. */
void out_table_stream(out_table *t, FILE *fp, enum out_format fmt);

/* Shortest "%.*g" text of v that reads back exactly (C locale). */
/* The one rule for text fields: csv quotes a field (RFC 4180, "" for ")
 * when it holds a comma, quote or line break; tsv writes \t \n \r \\ as
 * two characters (the escape of c, or NULL when c is itself). */
int out_csv_needs_quotes(const char *s);
const char *out_tsv_escape(char c);
char *out_fmt_double(double v, char *buf, size_t n);
/* The same as a JSON number: "3.0" for an integral value, as jansson
 * writes reals (so that a reader sees a real, not an integer). */
char *out_json_double(double v, char *buf, size_t n);
/* Write s as a JSON string (quotes and escapes) to fp. */
void out_json_string(FILE *fp, const char *s);
/* json_string(s), with any byte that is not UTF-8 as U+FFFD (jansson
 * refuses such text: the key would be missing); NULL for NULL. */
json_t *out_json_text(const char *s);

#endif
