/*
 * Reading .xls workbooks (see workbook.c) through libfreexl.
 */
#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/workbook.h"
#include "workbook_internal.h"

/* ---- opening an .xls ----------------------------------------------- */

int wb_open_xls(assay_workbook *wb, assay_error *err)
{
	unsigned int count = 0, pw = 0, mode = 0;
	int rc = freexl_open(wb->path, &wb->xls);
	if (rc != FREEXL_OK) {
		wb->xls = NULL;
		return assay_fail(err, ASSAY_EUSAGE, "%s: not a readable .xls "
				  "(libfreexl error %d)", wb->path, rc);
	}
	if (freexl_get_info(wb->xls, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK &&
	    pw == FREEXL_BIFF_OBFUSCATED)
		return assay_fail(err, ASSAY_EUSAGE, "%s: the workbook is "
				  "password-protected", wb->path);
	if (freexl_get_info(wb->xls, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK)
		return assay_fail(err, ASSAY_EUSAGE, "%s: cannot read the sheet "
				  "list", wb->path);
	if (freexl_get_info(wb->xls, FREEXL_BIFF_DATEMODE, &mode) == FREEXL_OK)
		wb->date1904 = mode == FREEXL_BIFF_DATEMODE_1904;
	wb->sheet = calloc(count ? count : 1, sizeof *wb->sheet);
	if (!wb->sheet)
		return assay_fail(err, ASSAY_EIO, "out of memory");
	for (unsigned int i = 0; i < count; i++) {
		const char *name = NULL;
		if (freexl_get_worksheet_name(wb->xls, (unsigned short)i, &name) != FREEXL_OK)
			name = "";
		wb->sheet[i].name = wb_xstrdup(name ? name : "");
		wb->nsheet++;
	}
	if (!wb->nsheet)
		return assay_fail(err, ASSAY_EUSAGE, "%s: the workbook has no "
				  "sheets", wb->path);
	return 0;
}

/* ---- reading an .xls sheet ----------------------------------------- */

int wb_read_xls(assay_workbook *wb, size_t idx, const assay_cell_range *range,
		       assay_row_fn fn, void *ud, assay_error *err)
{
	unsigned int rows = 0;
	unsigned short cols = 0;
	struct rowbuf cells = { 0 };
	int rc = 0;
	if (freexl_select_active_worksheet(wb->xls, (unsigned short)idx) != FREEXL_OK ||
	    freexl_worksheet_dimensions(wb->xls, &rows, &cols) != FREEXL_OK)
		return assay_fail(err, ASSAY_EUSAGE, "%s[%s]: cannot read the "
				  "sheet", wb->path, wb->sheet[idx].name);
	int c1 = range->col1 ? range->col1 : 1;
	int c2 = range->col2 && range->col2 < cols ? range->col2 : cols;
	long r1 = range->row1 ? range->row1 : 1;
	long r2 = range->row2 && range->row2 < (long)rows ? range->row2 : (long)rows;
	for (long r = r1; r <= r2 && rc == 0; r++) {
		size_t last = 0;
		cells.n = cells.len = 0;
		for (int col = c1; col <= c2 && rc == 0; col++) {
			FreeXL_CellValue v;
			char num[40];
			const char *s = "";
			unsigned char type = ASSAY_CELL_EMPTY;
			if (freexl_get_cell_value(wb->xls, (unsigned int)(r - 1),
						  (unsigned short)(col - 1), &v) != FREEXL_OK) {
				char ref[16];
				assay_fail(err, ASSAY_EUSAGE, "%s[%s]!%s%ld: cannot "
					   "read the cell", wb->path,
					   wb->sheet[idx].name,
					   assay_col_letters(col, ref, sizeof ref), r);
				rc = -1;
				break;
			}
			switch (v.type) {
			case FREEXL_CELL_INT:
				snprintf(num, sizeof num, "%d", v.value.int_value);
				s = num, type = ASSAY_CELL_NUMBER;
				break;
			case FREEXL_CELL_DOUBLE:
				snprintf(num, sizeof num, "%.17g", v.value.double_value);
				s = num, type = ASSAY_CELL_NUMBER;
				break;
			case FREEXL_CELL_TEXT:
			case FREEXL_CELL_SST_TEXT:
				s = v.value.text_value ? v.value.text_value : "";
				type = ASSAY_CELL_TEXT;
				break;
			case FREEXL_CELL_DATE:
			case FREEXL_CELL_DATETIME:
				snprintf(num, sizeof num, "%.10s", v.value.text_value
					 ? v.value.text_value : "");
				s = num, type = ASSAY_CELL_DATE;
				break;
			case FREEXL_CELL_TIME:
				s = v.value.text_value ? v.value.text_value : "";
				type = ASSAY_CELL_TEXT;
				break;
			default:
				break;
			}
			int k = wb_row_add(&cells, s, strlen(s), type);
			if (k) {
				rc = assay_fail(err, k == -1 ? ASSAY_EUSAGE : ASSAY_EIO,
						"%s[%s]!row %ld: %s", wb->path,
						wb->sheet[idx].name, r, k == -1
						? "the row holds more than 64 MiB"
						: "out of memory");
				break;
			}
			if (*s)
				last = cells.n;
		}
		if (rc || !last)
			continue;
		for (size_t i = 0; i < last; i++)
			cells.text[i] = cells.buf + cells.off[i];
		if (fn(ud, r, last, cells.text, cells.clen, cells.type))
			break;
	}
	wb_row_free(&cells);
	return rc;
}
