/*
 * Reading .xls workbooks (see workbook.c) through libfreexl, and the cell
 * formats libfreexl does not expose through libgsf.
 */
#include <freexl.h>
#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-stdio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "assay/workbook.h"
#include "workbook_internal.h"

/* ---- the cell formats ------------------------------------------------
 *
 * libfreexl turns date cells into dates but gives every other number as
 * its double, and keeps the cell formats to itself: a cell that holds
 * 0.0725 and shows 7.25% would be read as 0.0725 without a word (a
 * hundred times off under --unit %), where the .xlsx reader refuses it or,
 * with --percent, reads 7.25; one that holds 1234567 and shows 1,235
 * ("#,##0,") would be read a thousand times off under "(kt)", where the
 * .xlsx reader refuses it.  So the workbook stream is read once more,
 * out of its OLE2 container by libgsf, for the records that say which
 * format each cell has (BIFF5 and BIFF8, [MS-XLS] 2.4): FORMAT (a format
 * code), XF (a cell style and its format), BOUNDSHEET (where a sheet's
 * records start) and the number cells NUMBER, RK, MULRK and FORMULA. */

enum {
	BIFF_FORMULA = 0x0006, BIFF_EOF = 0x000A, BIFF_BOUNDSHEET = 0x0085,
	BIFF_MULRK = 0x00BD, BIFF_XF = 0x00E0, BIFF_NUMBER = 0x0203,
	BIFF_BOOLERR = 0x0205, BIFF_STRING = 0x0207, BIFF_RK = 0x027E,
	BIFF_FORMAT = 0x041E, BIFF_BOF = 0x0809, BIFF_CONTINUE = 0x003C,
	BIFF_ARRAY = 0x0221, BIFF_TABLE = 0x0236, BIFF_SHRFMLA = 0x04BC
};

struct biff_rec {
	unsigned type;
	const unsigned char *data;
	size_t len;
};

static unsigned le16(const unsigned char *p) { return p[0] | (unsigned)p[1] << 8; }

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | (uint32_t)le16(p + 2) << 16;
}

/* The record at *off (never past the stream), and *off moved past it;
 * -1 at the end or for a record that runs over it. */
static int next_record(const assay_workbook *wb, size_t *off, struct biff_rec *r)
{
	if (wb->biff_len - *off < 4)
		return -1;
	const unsigned char *p = wb->biff + *off;
	size_t len = le16(p + 2);
	if (wb->biff_len - *off - 4 < len)
		return -1;
	*r = (struct biff_rec){ le16(p), p + 4, len };
	*off += 4 + len;
	return 0;
}

static int formats_fail(assay_workbook *wb, assay_error *err, const char *why)
{
	return assay_fail(err, ASSAY_EUSAGE, "%s: cannot read the cell formats "
			  "(%s)", wb->path, why);
}

/* The workbook stream ("Book" in BIFF5) out of the OLE2 file. */
static int read_stream(assay_workbook *wb, assay_error *err)
{
	GError *ge = NULL;
	GsfInput *in = gsf_input_stdio_new(wb->path, &ge);
	GsfInfile *ole = in ? gsf_infile_msole_new(in, &ge) : NULL;
	GsfInput *book = ole ? gsf_infile_child_by_name(ole, "Workbook") : NULL;
	if (ole && !book)
		book = gsf_infile_child_by_name(ole, "Book");
	int rc = 0;
	if (!book) {
		rc = formats_fail(wb, err, ge ? ge->message : "no workbook stream");
	} else {
		gsf_off_t n = gsf_input_size(book);
		if (n < 0 || (uint64_t)n >= SIZE_MAX ||
		    !(wb->biff = malloc((size_t)n + 1)))
			rc = assay_fail(err, ASSAY_EIO, "out of memory");
		else if (n && !gsf_input_read(book, (size_t)n, wb->biff))
			rc = formats_fail(wb, err, "the workbook stream is cut short");
		else
			wb->biff_len = (size_t)n;
	}
	if (book)
		g_object_unref(book);
	if (ole)
		g_object_unref(ole);
	if (in)
		g_object_unref(in);
	if (ge)
		g_error_free(ge);
	return rc;
}

/* What a FORMAT record's code shows.  Only its ASCII matters (y, d, m, h,
 * s, %, quotes, escapes and brackets): other characters read as '?'. */
static int format_record_class(const struct biff_rec *r, int biff8)
{
	char code[256];
	size_t n = 0, cch, at;
	int wide = 0;
	if (biff8) {            /* ifmt, cch (2 bytes), flags, [runs], [ext], chars */
		if (r->len < 5)
			return FMT_NUMBER;
		cch = le16(r->data + 2);
		unsigned flags = r->data[4];
		wide = flags & 1;
		at = 5 + (flags & 8 ? 2 : 0) + (flags & 4 ? 4 : 0);
	} else {                /* ifmt, cch (1 byte), chars */
		if (r->len < 3)
			return FMT_NUMBER;
		cch = r->data[2];
		at = 3;
	}
	for (size_t i = 0; i < cch && n < sizeof code - 1; i++, at += wide ? 2 : 1) {
		if (at + (wide ? 2 : 1) > r->len)
			break;
		unsigned c = wide ? le16(r->data + at) : r->data[at];
		code[n++] = c && c < 0x80 ? (char)c : '?';
	}
	code[n] = 0;
	return wb_format_class(code);
}

static int zero_placeholders(const assay_workbook *wb);

struct fmt_id {
	unsigned id;
	unsigned char cls;
};

/* The formats, each cell style's class (wb->xf_class) and each sheet's
 * start and visibility, from the workbook globals. */
int wb_xls_formats(assay_workbook *wb, assay_error *err)
{
	struct biff_rec r;
	size_t off = 0, nsheet = 0, nfmt = 0;
	if (next_record(wb, &off, &r) || r.type != BIFF_BOF || r.len < 2 ||
	    (le16(r.data) != 0x0600 && le16(r.data) != 0x0500))
		return formats_fail(wb, err, "not a BIFF5 or BIFF8 workbook stream");
	int biff8 = le16(r.data) == 0x0600;
	wb->biff8 = biff8;
	struct fmt_id *fmt = NULL;
	unsigned *xf_fmt = NULL;
	int rc = 0;
	while (rc == 0 && next_record(wb, &off, &r) == 0 && r.type != BIFF_EOF) {
		if (r.type == BIFF_FORMAT && r.len >= 2) {
			struct fmt_id *f = wb_xrealloc(fmt, (nfmt + 1) * sizeof *fmt);
			if (!f)
				break;
			fmt = f;
			fmt[nfmt++] = (struct fmt_id){ le16(r.data),
				(unsigned char)format_record_class(&r, biff8) };
		} else if (r.type == BIFF_XF && r.len >= 4) {
			unsigned *x = wb_xrealloc(xf_fmt, (wb->nxf + 1) * sizeof *x);
			if (!x)
				break;
			xf_fmt = x;
			xf_fmt[wb->nxf++] = le16(r.data + 2);
		} else if (r.type == BIFF_BOUNDSHEET && r.len >= 6) {
			if (nsheet < wb->nsheet) {
				wb->sheet[nsheet].bof = le32(r.data);
				wb->sheet[nsheet].hidden = (r.data[4] & 3) != 0;
			}
			nsheet++;
		}
	}
	if (!(wb->xf_class = malloc(wb->nxf + 1)))
		rc = assay_fail(err, ASSAY_EIO, "out of memory");
	for (size_t i = 0; rc == 0 && i < wb->nxf; i++) {
		int cls = wb_builtin_class(xf_fmt[i]);
		for (size_t k = 0; k < nfmt; k++)
			if (fmt[k].id == xf_fmt[i])
				cls = fmt[k].cls;
		wb->xf_class[i] = (unsigned char)cls;
	}
	free(fmt);
	free(xf_fmt);
	if (rc == 0 && nsheet != wb->nsheet)
		rc = formats_fail(wb, err, "the sheet list differs from libfreexl's");
	wb->xls_zero_placeholders = zero_placeholders(wb);
	return rc;
}

static int cmp_cell(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a >> 8, y = *(const uint64_t *)b >> 8;
	return (x > y) - (x < y);
}

/* A cell's key in wb->fmt_cell: row << 16 | col, then its class. */
static uint64_t cell_key(unsigned row, unsigned col, unsigned cls)
{
	return ((uint64_t)row << 16 | col) << 8 | cls;
}

static int add_cell(assay_workbook *wb, size_t *cap, unsigned row,
		    unsigned col, unsigned xf)
{
	if (xf >= wb->nxf || wb->xf_class[xf] == FMT_NUMBER ||
	    wb->xf_class[xf] == FMT_DATE)
		return 0;
	if (wb->nfmt_cell == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		uint64_t *p = wb_xrealloc(wb->fmt_cell, ncap * sizeof *p);
		if (!p)
			return -1;
		wb->fmt_cell = p;
		*cap = ncap;
	}
	wb->fmt_cell[wb->nfmt_cell++] = cell_key(row, col, wb->xf_class[xf]);
	return 0;
}

/* ---- the cells libfreexl does not read --------------------------------
 *
 * libfreexl 1.0.6 gives a FORMULA record's cell as empty whatever its
 * cached result, and a BOOLERR cell (TRUE, FALSE, #N/A, #DIV/0!, ...) as
 * the number 1 or 0: a column of formulas was imported as NA, and an
 * error value as 1, exit 0.  Their records are read here instead: the
 * result (a double, or a tag: text in the STRING record that follows,
 * a boolean, an error code, an empty text; [MS-XLS] 2.5.133), and the
 * BOOLERR value and its error flag (2.4.24). */

void wb_xls_results_free(assay_workbook *wb)
{
	for (size_t i = 0; i < wb->nxres; i++)
		if (wb->xres[i].kind == XR_TEXT)
			free(wb->xres[i].text);
	free(wb->xres);
	wb->xres = NULL;
	wb->nxres = 0;
}

/* An error code's text ([MS-XLS] 2.5.97.2, BErr). */
static const char *error_text(unsigned code)
{
	switch (code) {
	case 0x00: return "#NULL!";
	case 0x07: return "#DIV/0!";
	case 0x0F: return "#VALUE!";
	case 0x17: return "#REF!";
	case 0x1D: return "#NAME?";
	case 0x24: return "#NUM!";
	case 0x2A: return "#N/A";
	default: return "#GETTING_DATA";
	}
}

static struct xls_result *add_result(assay_workbook *wb, size_t *cap,
				     unsigned row, unsigned col, unsigned xf)
{
	if (wb->nxres == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		struct xls_result *p = wb_xrealloc(wb->xres, ncap * sizeof *p);
		if (!p)
			return NULL;
		wb->xres = p;
		*cap = ncap;
	}
	struct xls_result *x = &wb->xres[wb->nxres++];
	*x = (struct xls_result){ .key = (uint64_t)row << 16 | col,
		.cls = xf < wb->nxf ? wb->xf_class[xf] : FMT_NUMBER };
	return x;
}

/* The texts of a formula cell without a result to read (XR_NORESULT,
 * XR_BLANK): what the importer says where it reads one. */
#define XLS_NO_RESULT "the cell holds a formula and no result: the " \
	"workbook was saved without calculating it; open and save it in a " \
	"spreadsheet program"
#define XLS_BLANK_RESULT "the cell holds a formula whose stored result " \
	"is an empty text, as writers that never calculate (xlwt) store for " \
	"every formula: open the workbook in a spreadsheet program and save " \
	"it as .xlsx (which tells \"\" from no result)"
#define XLS_CALC_ON_LOAD "the cell holds a formula whose stored result " \
	"may be a placeholder: every formula of the workbook that asks to be " \
	"calculated on opening stores 0, as Spreadsheet::WriteExcel writes " \
	"them; open and save it in a spreadsheet program"

/* A FORMULA record that asks for its formula to be calculated on opening:
 * grbit (after the result) bit 1, fCalcOnLoad in BIFF5 and reserved
 * ("MUST be zero") in BIFF8, [MS-XLS] 2.4.127. */
static int calc_on_load(const struct biff_rec *r)
{
	return r->len >= 16 && (le16(r->data + 14) & 0x0002);
}

/* Did the workbook's writer leave its formulas uncalculated?  Writers that
 * never calculate store a placeholder: Spreadsheet::WriteExcel the number
 * 0 with grbit 3 for every formula, Apache POI 0 with grbit 2, and a
 * column of sums was read as zeros, exit 0.  The flag alone does not say
 * so: LibreOffice sets it on every formula it writes, beside the result
 * it computed.  So: some formula asks to be calculated on opening, and
 * every one that does stores 0 (or the empty text); one result that is
 * not -- another number, a text, a boolean, an error -- was computed, and
 * the workbook's zeros are read as results.  fAlwaysCalc (bit 0) alone is
 * no sign: Excel sets it for a volatile formula (NOW(), OFFSET(...))
 * beside the result it computed. */
static int zero_placeholders(const assay_workbook *wb)
{
	struct biff_rec r;
	size_t off = 0;
	int seen = 0;
	while (next_record(wb, &off, &r) == 0) {
		if (r.type != BIFF_FORMULA || !calc_on_load(&r))
			continue;
		const unsigned char *d = r.data;
		double v = 1;
		if (le16(d + 12) != 0xFFFF) {
			uint64_t bits = le32(d + 6) | (uint64_t)le32(d + 10) << 32;
			memcpy(&v, &bits, sizeof v);
		} else if (d[6] == 3) {
			v = 0;          /* the empty text: xlwt's placeholder */
		}
		if (v != 0)
			return 0;
		seen = 1;
	}
	return seen;
}

/* A FORMULA record's cached result; *pending is set for a text result,
 * which the next STRING record holds. */
static int formula_result(assay_workbook *wb, size_t *cap,
			  const struct biff_rec *r, struct xls_result **pending)
{
	const unsigned char *d = r->data;
	struct xls_result *x = add_result(wb, cap, le16(d), le16(d + 2), le16(d + 4));
	if (!x)
		return -1;
	if (r->len < 14)
		x->kind = XR_NORESULT;  /* too short to hold one */
	else if (le16(d + 12) != 0xFFFF) {
		uint64_t bits = le32(d + 6) | (uint64_t)le32(d + 10) << 32;
		memcpy(&x->num, &bits, sizeof x->num);
		x->kind = XR_NUMBER;
	} else if (d[6] == 1) {
		x->kind = XR_BOOL, x->text = d[8] ? "TRUE" : "FALSE";
	} else if (d[6] == 2) {
		x->kind = XR_ERROR, x->text = (char *)error_text(d[8]);
	} else if (d[6] == 0) {
		x->kind = XR_NORESULT;  /* until its STRING record */
		*pending = x;
	} else if (d[6] == 3) {
		/* "the empty text" ([MS-XLS] 2.5.133): a formula that gives
		 * "", or one never calculated (xlwt writes this result for
		 * every formula); the record does not tell them apart */
		x->kind = XR_BLANK;
	} else {
		x->kind = XR_NORESULT;
	}
	/* a placeholder 0 (see zero_placeholders) */
	if (x->kind == XR_NUMBER && x->num == 0 && wb->xls_zero_placeholders &&
	    calc_on_load(r))
		x->kind = XR_CALC_ON_LOAD;
	return 0;
}

/* A STRING record's text as UTF-8 (malloc'd), or NULL when it is not
 * all in this record (a CONTINUE holds the rest), or is a BIFF5 text
 * outside ASCII (in the workbook's code page), or memory ran out.
 * BIFF8: cch, a flags byte (1: UTF-16LE, else Latin-1), the characters;
 * BIFF5: cch, the bytes. */
static char *string_text(const assay_workbook *wb, const struct biff_rec *r)
{
	const unsigned char *d = r->data;
	size_t at = wb->biff8 ? 3 : 2;
	if (r->len < at)
		return NULL;
	size_t cch = le16(d), wide = wb->biff8 && (d[2] & 1);
	if (at + cch * (wide ? 2 : 1) > r->len)
		return NULL;
	char *out = malloc(cch * 4 + 1), *o = out;
	for (size_t i = 0; out && i < cch; i++) {
		unsigned c = wide ? le16(d + at + 2 * i) : d[at + i];
		if (!wb->biff8 && c >= 0x80) {
			free(out);
			return NULL;
		}
		if (wide && c >= 0xD800 && c < 0xDC00 && i + 1 < cch &&
		    le16(d + at + 2 * i + 2) >= 0xDC00 && le16(d + at + 2 * i + 2) < 0xE000) {
			unsigned c2 = le16(d + at + 2 * ++i);
			c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
		} else if (c >= 0xD800 && c < 0xE000)
			c = 0xFFFD;     /* a lone surrogate */
		o += utf8proc_encode_char((utf8proc_int32_t)c, (utf8proc_uint8_t *)o);
	}
	if (out)
		*o = 0;
	return out;
}

/* The STRING record after a formula whose result is text. */
static int string_result(assay_workbook *wb, const struct biff_rec *r,
			 struct xls_result *x)
{
	char *text = string_text(wb, r);
	if (!text) {
		x->kind = XR_UNREAD;    /* the reader refuses the cell */
		return 0;
	}
	x->kind = *text ? XR_TEXT : XR_EMPTY;
	if (*text)
		x->text = text;
	else
		free(text);
	return 0;
}

/* A BOOLERR cell: its value, and whether it is an error code. */
static int boolerr_result(assay_workbook *wb, size_t *cap,
			  const struct biff_rec *r)
{
	const unsigned char *d = r->data;
	struct xls_result *x = add_result(wb, cap, le16(d), le16(d + 2), le16(d + 4));
	if (!x)
		return -1;
	if (d[7])
		x->kind = XR_ERROR, x->text = (char *)error_text(d[6]);
	else
		x->kind = XR_BOOL, x->text = d[6] ? "TRUE" : "FALSE";
	return 0;
}

static int cmp_result(const void *a, const void *b)
{
	uint64_t x = ((const struct xls_result *)a)->key,
		 y = ((const struct xls_result *)b)->key;
	return (x > y) - (x < y);
}

/* The formula or BOOLERR cell at row, col (1-based), or NULL. */
static const struct xls_result *result_at(const assay_workbook *wb, long row,
					  int col)
{
	if (!wb->nxres || row < 1 || row > 65536 || col < 1 || col > 65536)
		return NULL;
	struct xls_result key = { .key = (uint64_t)(row - 1) << 16 | (unsigned)(col - 1) };
	return bsearch(&key, wb->xres, wb->nxres, sizeof key, cmp_result);
}

/* Which number cells of sheet idx have a percent, scaled, year or month
 * format (wb->fmt_cell, sorted).  A sheet's records run from its BOF to the
 * matching EOF; a chart inside it brings its own BOF and EOF. */
int wb_xls_format_cells(assay_workbook *wb, size_t idx, assay_error *err)
{
	struct biff_rec r;
	size_t off = wb->sheet[idx].bof, cap = 0, xcap = 0;
	int depth = 0, rc = 0;
	struct xls_result *pending = NULL;
	free(wb->fmt_cell);
	wb->fmt_cell = NULL;
	wb->nfmt_cell = 0;
	wb_xls_results_free(wb);
	if (off > wb->biff_len || next_record(wb, &off, &r) || r.type != BIFF_BOF)
		return formats_fail(wb, err, "a sheet does not start where the "
				    "workbook says");
	depth = 1;
	while (rc == 0 && depth > 0 && next_record(wb, &off, &r) == 0) {
		const unsigned char *d = r.data;
		if (r.type == BIFF_BOF)
			depth++;
		else if (r.type == BIFF_EOF)
			depth--;
		else if (depth > 1)
			continue;
		else if (r.type == BIFF_STRING && pending) {
			rc = string_result(wb, &r, pending);
			pending = NULL;
		} else if (r.type != BIFF_SHRFMLA && r.type != BIFF_ARRAY &&
			   r.type != BIFF_TABLE && r.type != BIFF_CONTINUE &&
			   (pending = NULL, r.len < 6))
			/* a text result's STRING record follows its FORMULA
			 * (past the formula's own records): any other record
			 * means it has none, and the cell stays XR_NORESULT
			 * (a later STRING record is no result of it) */
			continue;
		else if (r.type == BIFF_BOOLERR) {
			pending = NULL;
			if (r.len >= 8)
				rc = boolerr_result(wb, &xcap, &r);
		} else if (r.type == BIFF_NUMBER || r.type == BIFF_RK ||
			   r.type == BIFF_FORMULA) {
			pending = NULL;
			rc = add_cell(wb, &cap, le16(d), le16(d + 2), le16(d + 4));
			if (!rc && r.type == BIFF_FORMULA)
				rc = formula_result(wb, &xcap, &r, &pending);
		} else if (r.type == BIFF_MULRK)   /* row, first col, (xf, rk)..., last col */
			for (size_t k = 4, col = le16(d + 2); rc == 0 && k + 8 <= r.len;
			     k += 6, col++)
				rc = add_cell(wb, &cap, le16(d), (unsigned)col, le16(d + k));
	}
	if (rc)
		return assay_fail(err, ASSAY_EIO, "out of memory");
	if (wb->nfmt_cell > 1)
		qsort(wb->fmt_cell, wb->nfmt_cell, sizeof *wb->fmt_cell, cmp_cell);
	if (wb->nxres > 1)
		qsort(wb->xres, wb->nxres, sizeof *wb->xres, cmp_result);
	return 0;
}

/* The class of a number cell: FMT_PERCENT, FMT_SCALED, FMT_YEAR,
 * FMT_MONTH, or else FMT_NUMBER. */
static int cell_class(const assay_workbook *wb, long row, int col)
{
	if (!wb->nfmt_cell || row < 1 || row > 65536 || col < 1 || col > 65536)
		return FMT_NUMBER;
	uint64_t key = cell_key((unsigned)(row - 1), (unsigned)(col - 1), 0);
	const uint64_t *c = bsearch(&key, wb->fmt_cell, wb->nfmt_cell,
				    sizeof key, cmp_cell);
	return c ? (int)(*c & 0xff) : FMT_NUMBER;
}

/* What a number or date cell in format class cls reads as, as for
 * .xlsx: a percent cell's text is the shortest that reads back as its
 * double (0.0725, not 0.072499999999999995), whose decimal exponent the
 * importer moves; a scaled one the importer refuses; a date in a format
 * that shows its year or month alone ("yyyy", "mmm-yy") is that year or
 * month (libfreexl gives the day, or for "yyyy" the bare serial). */
static unsigned char as_shown(const assay_workbook *wb, int cls,
			      const FreeXL_CellValue *v, char *num, size_t n,
			      const char **s, unsigned char type)
{
	if (type == ASSAY_CELL_NUMBER && (cls == FMT_PERCENT || cls == FMT_SCALED)) {
		if (v->type == FREEXL_CELL_DOUBLE)
			assay_fmt_g(v->value.double_value, num, n);
		return cls == FMT_PERCENT ? ASSAY_CELL_PERCENT : ASSAY_CELL_SCALED;
	}
	if (cls != FMT_YEAR && cls != FMT_MONTH)
		return type;
	if (type == ASSAY_CELL_NUMBER) {
		double serial = v->type == FREEXL_CELL_INT ? v->value.int_value
			       : v->value.double_value;
		if (!wb_serial_to_date(serial, wb->date1904, num, n))
			return type;
		*s = num;
	}
	if (strlen(num) >= 10)
		num[cls == FMT_YEAR ? 4 : 7] = 0;
	return ASSAY_CELL_DATE;
}

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
	return read_stream(wb, err) || wb_xls_formats(wb, err) ? -1 : 0;
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
	if (wb_xls_format_cells(wb, idx, err))
		return -1;
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
			const struct xls_result *x = result_at(wb, r, col);
			if (x && x->kind == XR_UNREAD) {
				char ref[16];
				assay_fail(err, ASSAY_EUSAGE, "%s[%s]!%s%ld: the cell "
					   "holds a formula whose text result assay "
					   "cannot read from an .xls (longer than its "
					   "record, or outside ASCII in a BIFF5 "
					   "workbook): save the workbook as .xlsx",
					   wb->path, wb->sheet[idx].name,
					   assay_col_letters(col, ref, sizeof ref), r);
				rc = -1;
				break;
			}
			if (x && x->kind == XR_NUMBER) {
				v.type = FREEXL_CELL_DOUBLE;
				v.value.double_value = x->num;
			} else if (x && (x->kind == XR_NORESULT || x->kind == XR_BLANK ||
					 x->kind == XR_CALC_ON_LOAD)) {
				/* An .xls holds a formula as tokens, not text: the
				 * cell's text is the importer's message (see
				 * ASSAY_CELL_FORMULA).  Read as empty, a column of
				 * formulas was a column of NA, exit 0. */
				v.type = FREEXL_CELL_NULL;
				s = x->kind == XR_BLANK ? XLS_BLANK_RESULT
				    : x->kind == XR_CALC_ON_LOAD ? XLS_CALC_ON_LOAD
				    : XLS_NO_RESULT;
				type = ASSAY_CELL_FORMULA;
			} else if (x) {
				v.type = FREEXL_CELL_NULL;
				s = x->kind == XR_EMPTY ? "" : x->text;
				type = x->kind == XR_TEXT ? ASSAY_CELL_TEXT
				       : x->kind == XR_BOOL ? ASSAY_CELL_BOOL
				       : x->kind == XR_ERROR ? ASSAY_CELL_ERROR
				       : ASSAY_CELL_EMPTY;
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
			/* a formula's date: libfreexl makes the other date
			 * cells' text */
			if (x && x->kind == XR_NUMBER && x->cls == FMT_DATE &&
			    wb_serial_to_date(x->num, wb->date1904, num, sizeof num))
				s = num, type = ASSAY_CELL_DATE;
			if (type == ASSAY_CELL_NUMBER || type == ASSAY_CELL_DATE)
				type = as_shown(wb, cell_class(wb, r, col), &v, num,
						sizeof num, &s, type);
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
