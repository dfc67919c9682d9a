/*
 * What the workbook files share (internal):
 *
 *   workbook.c       opening, picking a sheet, the row buffer, cell references
 *   workbook_xlsx.c  .xlsx: ZIP and XML parts, relationships, styles,
 *                    shared strings, reading a sheet
 *   workbook_xls.c   .xls through libfreexl
 */
#ifndef ASSAY_WORKBOOK_INTERNAL_H
#define ASSAY_WORKBOOK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <zip.h>

#include "assay/workbook.h"

#pragma GCC visibility push(hidden)

#define NS_SEP '\x01'
#define MAX_CELL_BYTES (32767 * 4)      /* Excel's limit is 32767 chars */
#define MAX_ROW_BYTES (64u << 20)
#define MAX_SST_BYTES (1u << 30)
#define MAX_SST_COUNT (1u << 24)        /* 16.7 million strings */
#define RATIO_FLOOR (16u << 20)         /* parts under 16 MiB: no ratio test */

struct sheet {
	char *name;
	char *rid;              /* xlsx: relationship id */
	char *part;             /* xlsx: the sheet's part in the ZIP */
	int hidden;
	size_t bof;             /* xls: where its records start in the stream */
};

/* What a cell style's number format shows: the stored number, a
 * date (the number is a serial), a date shown as its year alone
 * ("yyyy": the sheet, and its CSV, say 2015), a percent (0.0725
 * shown as 7.25%), or a number shown divided by 1000 per trailing comma
 * ("#,##0,": 1234567 shown as 1,235), or a date shown as its month alone
 * ("mmm-yy": the sheet, and its CSV, say Jan-24). */
enum { FMT_NUMBER, FMT_DATE, FMT_PERCENT, FMT_YEAR, FMT_SCALED, FMT_MONTH };

/* xls: a cell libfreexl does not read -- a FORMULA record's cached
 * result (libfreexl gives the cell as empty) or a BOOLERR cell, TRUE,
 * FALSE or an error value (libfreexl gives 1 or 0) -- as the workbook
 * stream holds it (see workbook_xls.c). */
/* XR_NORESULT: a formula with no result to read (a text result whose
 * STRING record is missing, or a tag this reader does not know);
 * XR_BLANK: a formula whose stored result is the empty text, which is
 * also what writers that never calculate (xlwt) store for every formula;
 * XR_CALC_ON_LOAD: a formula that stores 0 and whose record asks for it
 * to be calculated on opening (grbit bit 1), in a workbook whose every
 * such formula stores 0: the placeholder of writers that never calculate
 * (Spreadsheet::WriteExcel, Apache POI; see workbook_xls.c).
 * All three reach the importer as ASSAY_CELL_FORMULA (refused where read). */
enum { XR_NUMBER, XR_TEXT, XR_BOOL, XR_ERROR, XR_EMPTY, XR_UNREAD,
       XR_NORESULT, XR_BLANK, XR_CALC_ON_LOAD };
struct xls_result {
	uint64_t key;           /* row << 16 | col (0-based) */
	double num;             /* XR_NUMBER */
	char *text;             /* XR_TEXT (malloc'd UTF-8), XR_BOOL, XR_ERROR */
	unsigned char kind;     /* XR_* */
	unsigned char cls;      /* the cell style's FMT_* */
};

struct assay_workbook {
	char *path;
	enum assay_file_format fmt;
	zip_t *zip;
	const void *xls;        /* libfreexl handle */
	struct sheet *sheet;
	size_t nsheet;
	int date1904;
	int full_calc_on_load;  /* xlsx: <calcPr fullCalcOnLoad="1"/> */
	char *wb_part, *sst_part, *styles_part;
	unsigned char *xf_class; /* per cell style: FMT_* */
	size_t nxf;
	unsigned char *biff;    /* xls: the workbook stream (its records) */
	size_t biff_len;
	uint64_t *fmt_cell;     /* xls: the sheet's percent, scaled, year and month cells,
				 * (row << 16 | col) << 8 | FMT_* */
	size_t nfmt_cell;
	struct xls_result *xres; /* xls: the sheet's formula and BOOLERR cells, sorted */
	size_t nxres;
	int biff8;              /* xls: BIFF8 (else BIFF5) */
	int xls_zero_placeholders; /* xls: formulas stored uncalculated (0) */
	char *sst;              /* shared strings, NUL-separated */
	size_t sst_len, sst_cap;
	size_t *sst_off;
	size_t nsst, sst_offcap;
};

struct rowbuf {
	char *buf;
	size_t len, cap;
	size_t *off, *clen;
	unsigned char *type;
	char **text;
	size_t n, capn;
};

void *wb_xrealloc(void *p, size_t n);
char *wb_xstrdup(const char *s);
int wb_parse_ref(const char *s, int *col, long *row);
int wb_row_add(struct rowbuf *r, const char *s, size_t n, unsigned char type);
void wb_row_free(struct rowbuf *r);
int wb_serial_to_date(double v, int date1904, char *out, size_t n);
/* What a number format shows (FMT_*): by its code, or a built-in id. */
int wb_format_class(const char *code);
int wb_builtin_class(long id);

int wb_open_xlsx(assay_workbook *wb, int fd, assay_error *err);
int wb_read_xlsx(assay_workbook *wb, size_t idx, const assay_cell_range *range,
		 assay_row_fn fn, void *ud, assay_error *err);
int wb_open_xls(assay_workbook *wb, assay_error *err);
int wb_read_xls(assay_workbook *wb, size_t idx, const assay_cell_range *range,
		assay_row_fn fn, void *ud, assay_error *err);
/* From the workbook stream in wb->biff: the cell styles' classes and the
 * sheets' starts (wb->nsheet sheets), then one sheet's percent, scaled,
 * year and month cells (wb->fmt_cell).  Apart for the fuzz target tests/fuzz/fuzz_biff.c. */
int wb_xls_formats(assay_workbook *wb, assay_error *err);
int wb_xls_format_cells(assay_workbook *wb, size_t idx, assay_error *err);
/* Free wb->xres. */
void wb_xls_results_free(assay_workbook *wb);

#pragma GCC visibility pop

#endif
