/*
 * libFuzzer target: assay's own reading of an .xls workbook stream (BIFF
 * records) for its cell formats, src/workbook_xls.c: wb_xls_formats on
 * the stream, then wb_xls_format_cells on every sheet.  The first byte
 * says how many sheets libfreexl would have listed (1-4); the rest is the
 * stream.  (libfreexl itself is not fuzzed: see fuzz_import.c.)
 * What the reader promises:
 *  - it returns 0, or -1 with a one-line message "fuzz.xls: ...";
 *  - every cell style has a class (number, date, percent, year, scaled or
 *    month);
 *  - a sheet's percent, scaled, year and month cells are sorted, each with
 *    its class (they are looked up by bsearch), and so are its formula and
 *    BOOLERR cells, each with its kind, class and text.
 * A violation prints what broke and aborts, so libFuzzer keeps the input.
 * Sanitizers catch reads past the stream.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/assay.h"
#include "workbook_internal.h"

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_biff: invariant broken: %s (%s)\n", what, msg);
	abort();
}

static void check_failure(const assay_error *err)
{
	if (strncmp(err->msg, "fuzz.xls: ", 10) && strcmp(err->msg, "out of memory"))
		die("a failure names the file", err->msg);
	if (strchr(err->msg, '\n'))
		die("a failure is one line", err->msg);
}

static void check_cells(const assay_workbook *wb)
{
	for (size_t i = 0; i < wb->nfmt_cell; i++) {
		unsigned cls = wb->fmt_cell[i] & 0xff;
		if (cls == FMT_NUMBER || cls == FMT_DATE || cls > FMT_MONTH)
			die("a formatted cell is percent, scaled, year or month", "");
		if (i && wb->fmt_cell[i - 1] >> 8 > wb->fmt_cell[i] >> 8)
			die("formatted cells are sorted", "");
	}
	for (size_t i = 0; i < wb->nxres; i++) {
		const struct xls_result *x = &wb->xres[i];
		if (x->kind > XR_CALC_ON_LOAD || x->cls > FMT_MONTH)
			die("a formula or BOOLERR cell has a kind and a class", "");
		if ((x->kind == XR_TEXT || x->kind == XR_BOOL || x->kind == XR_ERROR) &&
		    !x->text)
			die("a text result has its text", "");
		if (i && wb->xres[i - 1].key > x->key)
			die("formula and BOOLERR cells are sorted", "");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	assay_workbook *wb = calloc(1, sizeof *wb);
	if (!wb)
		return 0;
	wb->path = strdup("fuzz.xls");
	wb->nsheet = 1 + data[0] % 4;
	wb->sheet = calloc(wb->nsheet, sizeof *wb->sheet);
	wb->biff = malloc(size);
	if (!wb->path || !wb->sheet || !wb->biff) {
		wb->nsheet = 0;
		assay_workbook_close(wb);
		return 0;
	}
	memcpy(wb->biff, data + 1, size - 1);
	wb->biff_len = size - 1;
	assay_error err = { 0 };
	if (wb_xls_formats(wb, &err)) {
		check_failure(&err);
	} else {
		for (size_t i = 0; i < wb->nxf; i++)
			if (wb->xf_class[i] > FMT_MONTH)
				die("a cell style has a class", "");
		for (size_t s = 0; s < wb->nsheet; s++) {
			err.msg[0] = 0;
			if (wb_xls_format_cells(wb, s, &err))
				check_failure(&err);
			else
				check_cells(wb);
		}
	}
	assay_workbook_close(wb);
	return 0;
}
