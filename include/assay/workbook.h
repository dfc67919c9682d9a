/*
 * Workbooks: the sheets of an Excel file as a stream of rows of cells, for
 * the importer (import.h), which reads them as it reads CSV records.
 *
 *   .xlsx (Office Open XML, a ZIP of XML parts): libzip and expat.  The
 *         sheet XML is streamed: memory stays constant in the number of
 *         rows (one row is held at a time).  The shared-strings table is
 *         held in memory, as it must be (any cell may refer to any
 *         string), and so are the cell styles (to tell dates).
 *   .xls  (BIFF8 in an OLE2 container, Excel 97-2003): libfreexl, which
 *         reads the whole file into memory.
 * The format is told from the first bytes (ZIP "PK\3\4" or OLE2
 * D0 CF 11 E0), never from the file name.
 *
 * Cells come as text:
 *   TEXT    shared, inline or formula strings, as stored (UTF-8)
 *   NUMBER  the stored number: xlsx gives the XML text ("1.63000011444092",
 *           "0.40477399635468603"), xls the double as "%.17g", so that
 *           strtod gives back exactly the double in the file
 *   DATE    a number cell whose number format is a date, as YYYY-MM-DD
 *           (1900 or 1904 date system, from the workbook; the day part
 *           only).  Excel's 1900 system counts a 29 February 1900 that
 *           did not exist: serial 60 becomes "1900-02-29" and serial 0
 *           "1900-01-00", which no date parser accepts.
 *   BOOL    TRUE or FALSE
 *   ERROR   the error text (#N/A, #DIV/0!, ...)
 * Hostile files give errors, never unbounded memory: a part that expands
 * more than ASSAY_WB_MAX_RATIO times its compressed size (and past 16 MiB),
 * shared strings over 1 GiB in all or 16.7 million in number, a cell over 32767 characters, a row
 * over 16384 columns or a sheet over 1048576 rows, a DTD (entity
 * expansion) or malformed XML.
 */
#ifndef ASSAY_WORKBOOK_H
#define ASSAY_WORKBOOK_H

#include <stddef.h>
#include "assay/assay.h"

#define ASSAY_WB_MAX_RATIO 1000
#define ASSAY_WB_MAX_COLS 16384
#define ASSAY_WB_MAX_ROWS 1048576L

enum assay_file_format { ASSAY_FILE_TEXT, ASSAY_FILE_XLSX, ASSAY_FILE_XLS };

/* The format of a file from its first n bytes. */
enum assay_file_format assay_file_sniff(const unsigned char *head, size_t n);

/* ASSAY_CELL_FORMULA: a formula with no stored result (a workbook written
 * by a script and never calculated); in an .xlsx its text is "=" and the
 * formula.  An .xls holds formulas as tokens, not text: there its text
 * says what the cell holds instead of a result (no result, or the empty
 * text that writers which never calculate store for every formula), and
 * does not begin with "=".
 * ASSAY_CELL_PERCENT: a number cell with a percent format; its text is the
 * stored number (0.0725 for a cell that shows 7.25%).
 * ASSAY_CELL_SCALED: a number cell whose format shows it divided by 1000
 * per trailing comma ("#,##0,": 1234567 shown as 1,235); its text is the
 * stored number. */
enum assay_cell_type {
	ASSAY_CELL_EMPTY, ASSAY_CELL_TEXT, ASSAY_CELL_NUMBER, ASSAY_CELL_DATE,
	ASSAY_CELL_BOOL, ASSAY_CELL_ERROR, ASSAY_CELL_FORMULA, ASSAY_CELL_PERCENT,
	ASSAY_CELL_SCALED
};

typedef struct assay_workbook assay_workbook;

/* A rectangle of cells, 1-based and inclusive; 0 leaves a side open. */
typedef struct assay_cell_range {
	long row1, row2;
	int col1, col2;
} assay_cell_range;

/* "A1:Z999" -> range; -1 with why filled when it is not one. */
int assay_range_parse(const char *s, assay_cell_range *r, char *why, size_t n);

/* Column 1 -> "A", 28 -> "AB"; returns buf. */
char *assay_col_letters(int col, char *buf, size_t n);

/* Open a workbook.  fd is an open, seekable descriptor of the file (it is
 * not closed); path names it in messages and, for .xls, is opened again
 * by libfreexl (so it must be a real file there). */
int assay_workbook_open(const char *path, int fd, enum assay_file_format fmt,
			assay_workbook **out, assay_error *err);
void assay_workbook_close(assay_workbook *wb);

size_t assay_workbook_sheets(const assay_workbook *wb);
const char *assay_workbook_sheet_name(const assay_workbook *wb, size_t i);
int assay_workbook_sheet_hidden(const assay_workbook *wb, size_t i);
/* 1 when the workbook counts dates from 1904 (old Mac Excel). */
int assay_workbook_1904(const assay_workbook *wb);

/* The sheet that spec names: a sheet name (exact, then case-insensitive)
 * or a 1-based number.  NULL: the only visible sheet (an error names the
 * sheets when there are more).  Returns 0 and *idx, or -1. */
int assay_workbook_pick(const assay_workbook *wb, const char *spec,
			size_t *idx, assay_error *err);

/* Called for each row with a cell in range: its sheet row number and the
 * cells from the range's first column (or A) up to the row's last cell
 * in range, gaps as EMPTY "".  Return non-zero to stop reading. */
typedef int (*assay_row_fn)(void *ctx, long row, size_t ncell,
			    char *const *text, const size_t *len,
			    const unsigned char *type);

/* Read sheet idx in row order.  Returns 0 (also when fn stopped it), or
 * -1 with err filled ("FILE[SHEET]!CELL: what" or "FILE: what"). */
int assay_workbook_read(assay_workbook *wb, size_t idx,
			const assay_cell_range *range, assay_row_fn fn,
			void *ctx, assay_error *err);

#endif
