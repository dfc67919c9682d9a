/*
 * Workbooks (see workbook.h): .xlsx through libzip and expat, streamed
 * row by row; .xls through libfreexl.  This file opens a workbook, picks
 * a sheet and holds what both readers share (the row buffer, cell
 * references); workbook_xlsx.c reads .xlsx, workbook_xls.c reads .xls.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>
#include <freexl.h>

#include "assay/workbook.h"
#include "c_locale.h"
#include "workbook_internal.h"

enum assay_file_format assay_file_sniff(const unsigned char *h, size_t n)
{
	if (n >= 4 && !memcmp(h, "PK\x03\x04", 4))
		return ASSAY_FILE_XLSX;
	if (n >= 8 && !memcmp(h, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
		return ASSAY_FILE_XLS;
	return ASSAY_FILE_TEXT;
}

/* ---- small helpers -------------------------------------------------- */

void *wb_xrealloc(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}

char *wb_xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *assay_col_letters(int col, char *buf, size_t n)
{
	char tmp[8];
	int k = 0;
	while (col > 0 && k < 7) {
		tmp[k++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	size_t i = 0;
	while (k > 0 && i + 1 < n)
		buf[i++] = tmp[--k];
	buf[i] = 0;
	return buf;
}

/* "AB12" -> col 28, row 12.  Either part may be absent (*col or *row 0);
 * returns the length read, or -1. */
int wb_parse_ref(const char *s, int *col, long *row)
{
	const char *p = s;
	long c = 0, r = 0;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
		c = c * 26 + ((*p | 0x20) - 'a' + 1);
		if (c > ASSAY_WB_MAX_COLS)
			return -1;
		p++;
	}
	while (*p >= '0' && *p <= '9') {
		r = r * 10 + (*p - '0');
		if (r > ASSAY_WB_MAX_ROWS)
			return -1;
		p++;
	}
	if (p == s || (r == 0 && p - s > 0 && p[-1] >= '0' && p[-1] <= '9'))
		return -1;
	*col = (int)c;
	*row = r;
	return (int)(p - s);
}

int assay_range_parse(const char *s, assay_cell_range *r, char *why, size_t n)
{
	int c1, c2, k1, k2;
	long r1, r2;
	memset(r, 0, sizeof *r);
	k1 = wb_parse_ref(s, &c1, &r1);
	if (k1 < 0 || s[k1] != ':' || !c1 || !r1 ||
	    (k2 = wb_parse_ref(s + k1 + 1, &c2, &r2)) < 0 || s[k1 + 1 + k2] ||
	    !c2 || !r2) {
		snprintf(why, n, "'%s' is not a range like A1:Z999 (columns A to "
			 "XFD, rows 1 to %ld)", s, ASSAY_WB_MAX_ROWS);
		return -1;
	}
	if (c2 < c1 || r2 < r1) {
		snprintf(why, n, "range '%s' ends before it starts", s);
		return -1;
	}
	r->col1 = c1;
	r->col2 = c2;
	r->row1 = r1;
	r->row2 = r2;
	return 0;
}

/* ---- opening -------------------------------------------------------- */

int assay_workbook_open(const char *path, int fd, enum assay_file_format fmt,
			assay_workbook **out, assay_error *err)
{
	assay_workbook *wb = calloc(1, sizeof *wb);
	*out = NULL;
	if (!wb || !(wb->path = strdup(path))) {
		free(wb);
		return assay_fail(err, ASSAY_EIO, "out of memory");
	}
	wb->fmt = fmt;
	locale_t saved = assay_c_locale_enter();
	int rc = fmt == ASSAY_FILE_XLSX ? wb_open_xlsx(wb, fd, err)
		 : fmt == ASSAY_FILE_XLS ? wb_open_xls(wb, err)
		 : assay_fail(err, ASSAY_EUSAGE, "%s: not a workbook", path);
	assay_c_locale_leave(saved);
	if (rc) {
		assay_workbook_close(wb);
		return -1;
	}
	*out = wb;
	return 0;
}

/* ---- what a number format shows (.xlsx and .xls) ------------------- */

/* Built-in number formats that show dates (ECMA-376 18.8.30; .xls numbers them alike and the
 * East Asian ones Excel uses). */
static int builtin_is_date(long id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
	       (id >= 45 && id <= 47) || (id >= 50 && id <= 58) ||
	       (id >= 71 && id <= 81);
}

/* What a format code shows.  Outside quoted text, escapes and [brackets]
 * (colours, elapsed [h]): a year when it has y and no d or m; a month
 * when it has m and no d, h or s ("mmm-yy", "yyyy-mm"); a date
 * when it has y, d, or an m with no h or s
 * (m next to h or s is minutes); else a percent when it has a '%' (the
 * cell holds 0.0725 and shows 7.25%); else scaled when a comma follows a
 * digit placeholder and no placeholder follows it ("#,##0," shows
 * 1234567 as 1,235, "0.0,," as 1.2; the comma of "#,##0" groups); else a
 * number. */
int wb_format_class(const char *code)
{
	int y = 0, d = 0, m = 0, hs = 0, pct = 0, scaled = 0, digit = 0;
	for (const char *p = code; *p; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				;
			if (!*p)
				break;
		} else if (*p == '\\' || *p == '_' || *p == '*') {
			if (!*++p)
				break;
		} else if (*p == '[') {
			for (; *p && *p != ']'; p++)
				;
			if (!*p)
				break;
		} else {
			int c = *p | 0x20;
			y |= c == 'y';
			d |= c == 'd';
			m |= c == 'm';
			hs |= c == 'h' || c == 's';
			pct |= *p == '%';
			if (*p == ';')
				digit = 0;
			else if (*p == ',' && digit && (!p[1] || !strchr("0#?,", p[1])))
				scaled = 1;
			digit |= *p == '0' || *p == '#' || *p == '?';
		}
	}
	/* "yyyy" over 30 June of each year (a fiscal year's end) shows the
	 * year: read as the day, the years became quarters (2015Q2) */
	if (y && !d && !m)
		return FMT_YEAR;
	/* "mmm-yy" over the 15th of each month shows the month: read as the
	 * day, a monthly column became a daily series (2024-01-15, ...) */
	if (m && !d && !hs)
		return FMT_MONTH;
	return y || d || (m && !hs) ? FMT_DATE : pct ? FMT_PERCENT
	       : scaled ? FMT_SCALED : FMT_NUMBER;
}

/* Built-in 9 and 10 are 0% and 0.00%, 17 is mmm-yy. */
int wb_builtin_class(long id)
{
	return id == 17 ? FMT_MONTH : builtin_is_date(id) ? FMT_DATE
	       : id == 9 || id == 10 ? FMT_PERCENT : FMT_NUMBER;
}

void assay_workbook_close(assay_workbook *wb)
{
	if (!wb)
		return;
	if (wb->zip)
		zip_discard(wb->zip);
	if (wb->xls)
		freexl_close(wb->xls);
	for (size_t i = 0; i < wb->nsheet; i++) {
		free(wb->sheet[i].name);
		free(wb->sheet[i].rid);
		free(wb->sheet[i].part);
	}
	free(wb->sheet);
	free(wb->wb_part);
	free(wb->sst_part);
	free(wb->styles_part);
	free(wb->xf_class);
	free(wb->biff);
	free(wb->fmt_cell);
	wb_xls_results_free(wb);
	free(wb->sst);
	free(wb->sst_off);
	free(wb->path);
	free(wb);
}

size_t assay_workbook_sheets(const assay_workbook *wb) { return wb->nsheet; }

const char *assay_workbook_sheet_name(const assay_workbook *wb, size_t i)
{
	return i < wb->nsheet ? wb->sheet[i].name : NULL;
}

int assay_workbook_sheet_hidden(const assay_workbook *wb, size_t i)
{
	return i < wb->nsheet && wb->sheet[i].hidden;
}

int assay_workbook_1904(const assay_workbook *wb) { return wb->date1904; }

int assay_workbook_pick(const assay_workbook *wb, const char *spec,
			size_t *idx, assay_error *err)
{
	if (spec) {
		char *end;
		long k = strtol(spec, &end, 10);
		int is_number = *spec && !*end && k >= 1 && (size_t)k <= wb->nsheet;
		size_t i = 0;
		while (i < wb->nsheet && strcmp(wb->sheet[i].name, spec))
			i++;
		for (size_t j = 0; i == wb->nsheet && j < wb->nsheet; j++)
			if (!strcasecmp(wb->sheet[j].name, spec))
				i = j;
		/* "--sheet 1" where a sheet is named "1" but is not the first:
		 * the numbers --list-sheets prints are the ones users copy, and
		 * the name won silently (sheets named by years, table numbers). */
		if (i < wb->nsheet && is_number && i != (size_t)k - 1)
			return assay_fail(err, ASSAY_EUSAGE, "%s: --sheet %s is the "
					  "name of sheet %zu and the number of sheet "
					  "%ld ('%s'): give --sheet %zu for the one "
					  "named '%s', or the other's name", wb->path,
					  spec, i + 1, k, wb->sheet[k - 1].name, i + 1,
					  wb->sheet[i].name);
		if (i < wb->nsheet)
			return *idx = i, 0;
		if (is_number)
			return *idx = (size_t)k - 1, 0;
		return assay_fail(err, ASSAY_EUSAGE, "%s: no sheet '%s' (%zu "
				  "sheet%s; --list-sheets lists them)", wb->path,
				  spec, wb->nsheet, wb->nsheet == 1 ? "" : "s");
	}
	size_t visible = 0, first = 0;
	for (size_t i = 0; i < wb->nsheet; i++)
		if (!wb->sheet[i].hidden && !visible++)
			first = i;
	if (visible == 1)
		return *idx = first, 0;
	/* Which sheet holds the data is the user's call, not a guess. */
	char names[512] = "";
	size_t len = 0;
	for (size_t i = 0; i < wb->nsheet && len + 8 < sizeof names; i++) {
		if (wb->sheet[i].hidden)
			continue;
		int w = snprintf(names + len, sizeof names - len, "%s'%s'",
				 len ? ", " : "", wb->sheet[i].name);
		len += w > 0 ? (size_t)w : 0;
	}
	if (len >= sizeof names)
		len = sizeof names - 1;
	return assay_fail(err, ASSAY_EUSAGE, "%s: the workbook has %zu sheets "
			  "(%s); choose one with --sheet NAME or --sheet N",
			  wb->path, visible ? visible : wb->nsheet, names);
}

/* ---- the row buffer ------------------------------------------------- */

int wb_row_add(struct rowbuf *r, const char *s, size_t n, unsigned char type)
{
	if (r->len + n + 1 > MAX_ROW_BYTES)
		return -1;
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		while (cap < r->len + n + 1)
			cap *= 2;
		char *p = realloc(r->buf, cap);
		if (!p)
			return -2;
		r->buf = p;
		r->cap = cap;
	}
	if (r->n == r->capn) {
		size_t cap = r->capn ? 2 * r->capn : 64;
		size_t *o = realloc(r->off, cap * sizeof *o);
		if (o)
			r->off = o;
		size_t *l = realloc(r->clen, cap * sizeof *l);
		if (l)
			r->clen = l;
		unsigned char *t = realloc(r->type, cap);
		if (t)
			r->type = t;
		char **x = realloc(r->text, cap * sizeof *x);
		if (x)
			r->text = x;
		if (!o || !l || !t || !x)
			return -2;
		r->capn = cap;
	}
	memcpy(r->buf + r->len, s, n);
	r->off[r->n] = r->len;
	r->clen[r->n] = n;
	r->type[r->n++] = type;
	r->len += n;
	r->buf[r->len++] = 0;
	return 0;
}

void wb_row_free(struct rowbuf *r)
{
	free(r->buf);
	free(r->off);
	free(r->clen);
	free(r->type);
	free(r->text);
}

/* An Excel serial day number as YYYY-MM-DD; 0 when it is no date. */
int wb_serial_to_date(double v, int date1904, char *out, size_t n)
{
	if (!isfinite(v) || v < 0 || v >= 2958466)  /* 9999-12-31 */
		return 0;
	/* The day of the time rounded to the millisecond, Excel's time
	 * resolution: 43861.999999999993 is float noise below 2020-02-01
	 * 00:00, which floor() made 31 January, and so a month end of a
	 * month start (openpyxl, rounding to the microsecond, agrees). */
	long day = (long)floor(round(v * 86400000.0) / 86400000.0);
	int y, m, d;
	if (date1904) {
		assay_civil_from_days(day - 24107, &y, &m, &d);
	} else if (day == 0) {
		y = 1900, m = 1, d = 0;         /* Excel shows 1900-01-00 */
	} else if (day == 60) {
		y = 1900, m = 2, d = 29;        /* Lotus's leap-year bug */
	} else {
		/* Serials 1-59 count from 1899-12-31, later ones one day less
		 * (the fake 29 February sits between them). */
		assay_civil_from_days(day - (day < 60 ? 25568 : 25569), &y, &m, &d);
	}
	snprintf(out, n, "%04d-%02d-%02d", y, m, d);
	return 1;
}

int assay_workbook_read(assay_workbook *wb, size_t idx,
			const assay_cell_range *range, assay_row_fn fn,
			void *ctx, assay_error *err)
{
	static const assay_cell_range all;
	if (idx >= wb->nsheet)
		return assay_fail(err, ASSAY_EUSAGE, "%s: no sheet %zu", wb->path,
				  idx + 1);
	if (!range)
		range = &all;
	locale_t saved = assay_c_locale_enter();
	int rc = wb->fmt == ASSAY_FILE_XLSX ? wb_read_xlsx(wb, idx, range, fn, ctx, err)
		 : wb_read_xls(wb, idx, range, fn, ctx, err);
	assay_c_locale_leave(saved);
	return rc;
}
