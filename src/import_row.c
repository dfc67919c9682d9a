/*
 * The importer's rows: the header search, units rows, and each data row
 * read whole before any of it is written.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"
#include "utf8.h"

/* ---- rows --------------------------------------------------------------- */

static int row_is_blank(struct importer *im)
{
	for (size_t i = 0; i < im->nfield; i++)
		if (im_trim(im->field[i])[0])
			return 0;
	return 1;
}

/* A bad row: fatal, or (--skip-bad) noted and skipped.  Returns 1 when the
 * row is skipped, -1 when the import stops. */
static int bad_row(struct importer *im)
{
	if (!im->o->skip_bad || im->err->status != ASSAY_EUSAGE)
		return -1;      /* database and I/O errors are never skipped */
	if (im->speculative)
		return -1;      /* its notice would come twice: see speculate() */
	if (im->pass == 2) {
		if (!im->skip_rows++)
			im->skip_line = im->row_line;
		char msg[sizeof im->err->msg + 16];
		snprintf(msg, sizeof msg, "%s (row skipped)", im->err->msg);
		im_notify(im, msg);
		im->res->skipped++;
	}
	im->failed = 0;
	im->err->msg[0] = 0;
	return 1;
}

static int build_series_name(struct importer *im, struct value_col *v);

/* A spreadsheet's error value in a name cell: a lookup formula that
 * failed (#N/A) named no series, and its rows made one called 'n-a' or
 * '#N/A' (exit 0); a workbook's error cell, or its text in a CSV.
 * Checked after --map, which may name it. */
int im_is_error_value(const char *s)
{
	static const char *const errors[] = {
		"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!",
		"#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA", NULL
	};
	if (*s != '#')          /* the common case, at every metadata cell */
		return 0;
	for (const char *const *e = errors; *e; e++)
		if (!strcasecmp(s, *e))
			return 1;
	return 0;
}

static int error_value_name(struct importer *im, int c, const char *cell,
			    const char *what)
{
	if (!im_is_error_value(cell))
		return 0;
	return im_fail_at(im, im->row_line, c + 1, ASSAY_EUSAGE, "%s '%s' is a "
			  "spreadsheet's error value (a formula that failed), "
			  "not a name: fix it in the sheet (--map '%s=NAME' "
			  "names it; --skip-bad skips the row)", what, cell, cell);
}

/* The name of the series of value column v in this row, in im->name, in
 * Unicode normalisation form C: 'Níquel' decomposed (as macOS writes it)
 * was a second series beside the precomposed one, and the next edition's
 * revisions were stored as new values of it.  Names have no length
 * limit: two long names never merge into one. */
static int series_name(struct importer *im, struct value_col *v)
{
	if (build_series_name(im, v))
		return -1;
	if (assay_utf8_is_ascii(im->name.s))
		return 0;               /* ASCII is NFC: the common case */
	char *nfc = assay_utf8_nfc(im->name.s);
	if (!nfc)
		return 0;               /* not UTF-8: the name check says so */
	struct sbuf *b = &im->name;
	b->len = 0;
	im_sb_cat(b, nfc);
	free(nfc);
	return b->failed ? im_oom(im) : 0;
}

/* What the name of a wide or table layout's series is made from (see
 * im->origin): the key cells (im->keys), then a wide header's name. */
static int series_origin(struct importer *im, struct value_col *v)
{
	struct sbuf *o = &im->origin;
	o->len = 0;
	if (im_sb_reserve(o, 0))
		return -1;
	o->s[0] = 0;
	if (im->nkey)
		im_sb_cat(o, im->keys.s);
	if (im->layout == ASSAY_LAYOUT_WIDE && v->raw) {
		if (im->nkey)
			im_sb_cat(o, "\x1f");
		im_sb_cat(o, v->raw);
	}
	return o->failed ? -1 : 0;
}

static int build_series_name(struct importer *im, struct value_col *v)
{
	struct sbuf *b = &im->name;
	im->origin.len = 0;

	b->len = 0;
	if (im_sb_reserve(b, 0))
		return im_oom(im);
	b->s[0] = 0;
	if (im->layout == ASSAY_LAYOUT_SINGLE) {
		im_sb_cat(b, im->o->series_name);
		return b->failed ? im_oom(im) : 0;
	}
	im_sb_cat(b, im->o->prefix ? im->o->prefix : "");
	if (im->layout == ASSAY_LAYOUT_LONG) {
		if ((size_t)im->series_col >= im->nfield)
			return im_fail_at(im, im->row_line, 0, ASSAY_EUSAGE,
				       "row has %zu fields, the series name is in "
				       "column %d", im->nfield, im->series_col + 1);
		const char *s = im_mapped(im, im_trim(im->field[im->series_col]));
		if (!*s)
			return im_fail_at(im, im->row_line, im->series_col + 1,
				       ASSAY_EUSAGE, "empty series name");
		if (error_value_name(im, im->series_col, s, "series name"))
			return -1;
		im_sb_cat(b, s);
		return b->failed ? im_oom(im) : 0;
	}
	struct sbuf *k = &im->keys;
	k->len = 0;
	for (size_t i = 0; i < im->nkey; i++) {
		int c = im->key_col[i];
		const char *cell = (size_t)c < im->nfield
				   ? im_mapped(im, im_trim(im->field[c])) : "";
		char buf[64];
		if (error_value_name(im, c, cell, "key"))
			return -1;
		if (i)
			im_sb_cat(k, "\x1f");
		im_sb_cat(k, cell);
		if (k->failed)
			return im_oom(im);
		if (i)
			im_sb_cat(b, "/");
		size_t before = b->len;
		im_sb_slug(b, cell);
		if (b->failed)
			return im_oom(im);
		/* a key of dashes or symbols alone ('—') made a series '—',
		 * where '-' is an empty key */
		if (b->len == before || !im_slug_names(b->s + before))
			return im_fail_at(im, im->row_line, c + 1, ASSAY_EUSAGE,
				       "empty key '%s'",
				       assay_shown(im->header[c], buf, sizeof buf));
	}
	if (im->layout == ASSAY_LAYOUT_WIDE) {
		if (im->nkey)
			im_sb_cat(b, "/");
		im_sb_cat(b, v->part);
	}
	return b->failed || series_origin(im, v) ? im_oom(im) : 0;
}

/* A series this import has not seen yet: the cells its name and its
 * metadata come from must be fit to keep (see check_name), and hold no
 * uncalculated formula.  The header (check_header_names), a units row and
 * the flags are checked once. */
int im_check_new_series(struct importer *im)
{
	int bad;
	if (im->layout == ASSAY_LAYOUT_LONG && im_formula_at(im, im->series_col))
		return -1;
	for (size_t i = 0; i < im->nkey; i++)
		if (im_formula_at(im, im->key_col[i]))
			return -1;
	for (int f = 0; f < ASSAY_META_COUNT; f++)
		if (im_formula_at(im, im->meta_col[f]))
			return -1;
	if (assay_name_flaw(im->name.s, &bad)) {
		if (im->layout == ASSAY_LAYOUT_LONG)
			return im_check_name(im, im_trim(im->field[im->series_col]),
					  im->row_line, im->series_col + 1,
					  "series name");
		for (size_t i = 0; i < im->nkey; i++) {
			int c = im->key_col[i];
			if ((size_t)c < im->nfield &&
			    im_check_name(im, im_trim(im->field[c]), im->row_line, c + 1,
				       "key"))
				return -1;
		}
	}
	for (int f = 0; f < ASSAY_META_COUNT; f++) {
		int c = im->meta_col[f];
		if (c >= 0 && (size_t)c < im->nfield &&
		    im_check_name(im, im_trim(im->field[c]), im->row_line, c + 1,
			       im_meta_names[f]))
			return -1;
	}
	/* trimmed cells and a fit --series make a fit name; what they are
	 * joined to may not (--prefix ' p' made ' p/x') */
	const char *why = assay_name_why(im->name.s);
	if (why) {
		char buf[96];
		return im_fail_at(im, im->row_line, 0, ASSAY_EUSAGE, "the name "
			       "'%s' is no fit series name: %s (" ASSAY_NAME_RULE
			       "%s)", assay_shown(im->name.s, buf, sizeof buf), why,
			       im->o->prefix ? "; see --prefix" : "");
	}
	return 0;
}

static int all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* A value under a column the header leaves unnamed: lost, unless
 * --value-cols picks the column by its number. */
static int unnamed_cell(struct importer *im, size_t c)
{
	char buf[64];
	return im_fail_at(im, im->row_line, (int)c + 1, ASSAY_EUSAGE,
		       "field %zu '%s' is under a column with no name in the "
		       "header (%s %ld)%s", c + 1,
		       assay_shown(im_trim(im->field[c]), buf, sizeof buf),
		       im->sheet_name ? "row" : "line", im->header_at,
		       im->layout == ASSAY_LAYOUT_WIDE
		       ? " (--value-cols names the columns to read; a number "
			 "picks one with no name)" : "");
}

/* Cells past the header's last column: a value no column names, which
 * would be lost, and a sign that the cells before it may have shifted
 * (an unquoted 1,000 is two cells).  Empty ones are spreadsheet padding.
 * Past the last named column but within the header's own cells (an IMF
 * file's unnamed last columns) nothing shifted: the cell is under an
 * unnamed column, as one between named ones, left out by --value-cols
 * (it was "row has 95 fields but the header has 88 columns", also under
 * --value-cols, which leaves the unnamed columns between out). */
static int check_row_width(struct importer *im)
{
	for (size_t k = 0; k < im->nunnamed; k++) {
		size_t c = (size_t)im->unnamed[k];
		if (c < im->nfield && im_trim(im->field[c])[0])
			return unnamed_cell(im, c);
	}
	for (size_t i = im->hwidth; i < im->nfield; i++) {
		char buf[64];
		const char *cell = im_trim(im->field[i]);
		if (!*cell)
			continue;
		if (i < im->nheader) {
			if (im->o->value_cols)
				continue;
			return unnamed_cell(im, i);
		}
		return im_fail_at(im, im->row_line, (int)i + 1, ASSAY_EUSAGE,
			       "row has %zu fields but the header has %zu "
			       "column%s: field %zu '%s' is under no column%s",
			       im->nfield, im->hwidth, im->hwidth == 1 ? "" : "s",
			       i + 1, assay_shown(cell, buf, sizeof buf),
			       im->delim == ',' && all_digits(cell)
			       ? " (a number with an unquoted comma? write "
				 "\"1,000\" in quotes)" : "");
	}
	return 0;
}

/* --percent: a column's values all end in '%' or none do (its series
 * get unit % from the first); a mix is refused, not half-read. */
static int check_percent(struct importer *im, struct value_col *v,
			 enum cell_kind k)
{
	if (k != CELL_VALUE && k != CELL_PERCENT)
		return 0;
	int now = k == CELL_PERCENT ? 1 : -1;
	if (!v->pct) {
		v->pct = now;
		v->pct_line = im->row_line;
		return 0;
	}
	if (v->pct == now)
		return 0;
	char buf[64];
	return im_fail_at(im, im->row_line, v->idx + 1, ASSAY_EUSAGE,
		       "value '%s' %s '%%' but the column's value at %s %ld %s "
		       "(--percent: all or none of a column's values are "
		       "percents)", assay_shown(im_trim(im->field[v->idx]), buf, sizeof buf),
		       now == 1 ? "ends in" : "has no", im->sheet_name ? "row"
		       : "line", v->pct_line, now == 1 ? "does not" : "does");
}

/* A long or single row without its value field: the way out is named
 * (Macrotrends files end in rows that hold only a date). */
static int value_missing(struct importer *im)
{
	int date_only = im->nfield == 1 && im->date_col == 0;
	return im_fail_at(im, im->row_line, 0, ASSAY_EUSAGE, "row has %zu field%s, "
		       "the value is in column %d%s", im->nfield,
		       im->nfield == 1 ? "" : "s", im->vcol[0].idx + 1,
		       date_only ? " (a date with no value: --skip-bad skips "
				   "such rows)" : "");
}

/* Does the row hold a value that is not NA in any value column? */
static int row_has_value(struct importer *im)
{
	for (size_t i = 0; i < im->nvcol; i++) {
		size_t c = (size_t)im->vcol[i].idx;
		if (c < im->nfield) {
			const char *s = im_trim(im->field[c]);
			if (*s && !im_is_na(im, s))
				return 1;
		}
	}
	return im->nvcol == 0;
}

/* Does a value column of the row hold a value, as the cells of data rows
 * are read (a number, a percent, a suffixed 5 t under --suffix t=1, a
 * qualified <0.5)? */
static int row_has_number(struct importer *im)
{
	for (size_t i = 0; i < im->nvcol; i++) {
		size_t c = (size_t)im->vcol[i].idx;
		double v;
		char why[256];
		if (c >= im->nfield)
			continue;
		enum cell_kind k = im_read_cell(im, im->field[c], im->ftype[c], &v,
						why, sizeof why);
		if (k == CELL_VALUE || k == CELL_PERCENT ||
		    (k == CELL_QUALIFIED && strpbrk(im->field[c], "0123456789")))
			return 1;       /* (a bare flag letter, USGS's E, is none) */
	}
	return 0;
}

/* An NA cell.  Where this file gave the period a value too, the import
 * fails: two answers for one period (im_na_cell).  Where the store holds
 * a value of an earlier vintage, that
 * value stays current (the store keeps values, not their absence), and
 * the import says so: the first in a notice, all in na_kept.  A newer
 * edition that withdraws a value (USGS's W, a series cut short) would
 * otherwise leave the old number looking current without a word.  A cell
 * whose series cannot be named is passed over, as NA cells always were. */
static int na_over_stored(struct importer *im, struct value_col *v,
			  assay_period p, assay_freq f, int col)
{
	double old;
	const char *vintage;
	if (series_name(im, v)) {
		if (im->err->status == ASSAY_EIO)
			return -1;
		im->failed = 0;
		im->err->msg[0] = 0;
		return 0;
	}
	int rc = im_na_cell(im, im->name.s, p, f, col, &old, &vintage);
	if (rc <= 0)
		return rc;
	if (im->res->na_kept++ == 0) {
		char msg[MAX_ERRMSG + 800], at[512], lbl[32], num[32];
		snprintf(msg, sizeof msg, "%s: '%s' %s is NA here, but the store "
			 "holds %s from vintage %s: that value stays current (the "
			 "summary counts such cells)",
			 im_where(im, im->row_line, col, at, sizeof at), im->name.s,
			 assay_period_format(f, p, lbl, sizeof lbl),
			 assay_fmt_g(old, num, sizeof num), vintage);
		im_notify(im, msg);
	}
	return 0;
}

/* Does this row's full date count towards how full dates are read (pass
 * one, or a speculative pass two, until the answer is known)?  A row with
 * no value (Macrotrends' trailing date-only rows) must not decide it.
 * Asked only of rows with a full date: row_has_value is not free. */
int im_day_stats_wanted(struct importer *im)
{
	if ((im->pass != 1 && !im->speculative) || im->stats_done)
		return 0;
	if (im->no_stats < 0)
		im->no_stats = !row_has_value(im);
	return !im->no_stats;
}

/* The first number under a column the long layout does not read (see
 * list_spare_columns), for im_check_spare_columns at the end: an error
 * then, not here, so that --skip-bad cannot pass it by row by row. */
static void note_spare_number(struct importer *im)
{
	for (size_t k = 0; k < im->nspare && !im->spare_line; k++) {
		size_t c = (size_t)im->spare[k];
		double v;
		if (c >= im->nfield)
			continue;
		const char *s = im_trim(im->field[c]);
		if (im->ftype[c] != ASSAY_CELL_NUMBER &&
		    (!*s || im_read_number(s, im->decimal, &v)))
			continue;
		im->spare_line = im->row_line;
		im->spare_col = (int)c + 1;
		assay_shown(s, im->spare_cell, sizeof im->spare_cell);
	}
}

/* A guessed wide layout takes every column but the date for a series:
 * a column of names (country,year,production,exports) is then a series
 * of text from its first row.  The error names the flag that says it is
 * a key. */
static const char *key_hint(struct importer *im, struct value_col *v,
			    char *hint, size_t n)
{
	const char *cell = im_trim(im->field[v->idx]);
	if (im->layout != ASSAY_LAYOUT_WIDE || im->o->layout != ASSAY_LAYOUT_AUTO ||
	    im->nkey || im->o->value_cols || strpbrk(cell, "0123456789") ||
	    im->res->rows_read != 1)    /* a key's names start at the first row */
		return "";
	snprintf(hint, n, "; or does column '%.200s' name the series? "
		 "--key-cols '%.40s'", im->header[v->idx], im->header[v->idx]);
	return hint;
}

/* A wide layout without --value-cols takes every column but the date and
 * the keys for a series, so a column of labels beside them (USGS's salient
 * statistics start DataSource,Commodity,Year with MCS2025 in every row)
 * fails on its first cell, and "not a number" said neither which column
 * nor how to leave it out.  Only a cell that does not start like a
 * number: '12abc' is a value gone wrong, not a column of labels; and only
 * a text that is no number (why), not a formula without its result. */
static const char *value_cols_hint(struct importer *im, struct value_col *v,
				   const char *why, char *hint, size_t n)
{
	const char *cell = im_trim(im->field[v->idx]);
	unsigned char c0 = (unsigned char)cell[0];
	int numeric_start = (c0 >= '0' && c0 <= '9') || c0 == '-' ||
			    c0 == '+' || c0 == '.';
	if (im->layout != ASSAY_LAYOUT_WIDE || im->o->value_cols ||
	    numeric_start || im->res->rows_read != 1 ||
	    strncmp(why, "cannot read value '", 19))
		return "";
	snprintf(hint, n, " (column '%.200s' is read as a series: --value-cols "
		 "names the value columns and leaves it out)",
		 im->header[v->idx]);
	return hint;
}

/* The hint of a value cell that cannot be read, if there is one. */
static const char *bad_cell_hint(struct importer *im, struct value_col *v,
				 const char *why, char *hint, size_t n)
{
	const char *h = key_hint(im, v, hint, n);
	return *h ? h : value_cols_hint(im, v, why, hint, n);
}

static int handle_data_row(struct importer *im)
{
	assay_freq f = ASSAY_FREQ_NONE;
	assay_period p = 0;
	char why[256];

	if (check_row_width(im))
		return -1;
	if (im->pass == 1 && (im->layout == ASSAY_LAYOUT_LONG ||
			      im->layout == ASSAY_LAYOUT_SINGLE) &&
	    im->nvcol && (size_t)im->vcol[0].idx >= im->nfield)
		return value_missing(im);
	im->no_stats = -1;      /* not known yet: see im_day_stats_wanted */
	if (im->date_col >= 0) {
		if ((size_t)im->date_col >= im->nfield)
			return im_fail_at(im, im->row_line, 0, ASSAY_EUSAGE,
				       "row has %zu fields, the date is in "
				       "column %d", im->nfield, im->date_col + 1);
		if (im_read_date(im, im->field[im->date_col], im->date_col + 1, &f, &p))
			return -1;
	}
	if (im->pass == 1)
		return 0;       /* pass one only learns how to read dates */
	/* A wide row with no value whose date is no end of the file's
	 * months, quarters or years is of no period of the file (FRED's
	 * download of a quarterly series beside a monthly one, --value-cols
	 * picking the quarterly: a row per month, empty in two of three).
	 * Its empty cells were NA for the quarter, refused beside its value.
	 * (A long or single row without its value is an error.) */
	if (im->layout == ASSAY_LAYOUT_WIDE && im->row_day_guessed &&
	    (f == ASSAY_FREQ_M || f == ASSAY_FREQ_Q || f == ASSAY_FREQ_A) &&
	    !im_day_fits(im->row_day, f) && !row_has_value(im))
		return 0;
	note_spare_number(im);
	im->res->short_rows += im->nfield < im->hwidth;
	/* Read every cell before writing any, so that a bad cell skips the
	 * whole row (--skip-bad) and never leaves half of it written. */
	for (size_t i = 0; i < im->nvcol; i++) {
		struct value_col *v = &im->vcol[i];
		if ((size_t)v->idx >= im->nfield) {
			if (im->layout == ASSAY_LAYOUT_LONG ||
			    im->layout == ASSAY_LAYOUT_SINGLE)
				return value_missing(im);
			im->cell[i] = CELL_NA;  /* a short wide row */
			continue;
		}
		im->cell[i] = im_read_cell(im, im->field[v->idx], im->ftype[v->idx],
					&im->val[i], why,
					sizeof why);
		char hint[300];
		if (im->cell[i] == CELL_BAD)
			return im_fail_at(im, im->row_line, v->idx + 1, ASSAY_EUSAGE,
				       "%s%s", why, bad_cell_hint(im, v, why, hint, sizeof hint));
		if (im->cell[i] != CELL_NA && im->ftype[v->idx] != ASSAY_CELL_NUMBER)
			im_note_marks(im, im->field[v->idx], im->row_line, v->idx + 1);
		if (im->o->percent && check_percent(im, v, im->cell[i]))
			return -1;
		if (im->cell[i] == CELL_PERCENT)
			im->cell[i] = CELL_VALUE;
		if (im->cell[i] == CELL_QUALIFIED) {
			char msg[MAX_ERRMSG + 600], at[512];
			snprintf(msg, sizeof msg, "%s: %s",
				 im_where(im, im->row_line, v->idx + 1, at, sizeof at),
				 why);
			im_notify(im, msg);
			if (!im->qual_line) {
				im->qual_line = im->row_line;
				im->qual_col = v->idx + 1;
				snprintf(im->qual_why, sizeof im->qual_why, "%s", why);
			}
		}
	}
	for (size_t i = 0; i < im->nvcol; i++) {
		struct value_col *v = &im->vcol[i];
		struct series_entry *e = NULL;
		if (im->layout == ASSAY_LAYOUT_TABLE) {
			p = v->period;
			f = v->pfreq;
		}
		if (im->cell[i] == CELL_NA) {
			im->res->na++;
			if (na_over_stored(im, v, p, f, v->idx + 1))
				return -1;
			continue;
		}
		if (im->cell[i] != CELL_VALUE) {
			im->res->skipped += im->cell[i] == CELL_QUALIFIED;
			continue;
		}
		if (series_name(im, v))
			return -1;
		if (!im->file_freq)
			im->file_freq = f;
		im->res->values++;
		if (im_series_lookup(im, im->name.s, v->idx + 1, f, v, &e) ||
		    im_write_value(im, e, p, f, im->val[i], v->idx + 1))
			return -1;
	}
	return 0;
}

/* A header candidate that does not resolve may be a title line with a
 * comma in it: remember why (the first failure, and the latest), forget
 * it and go on searching. */
static void header_failed(struct importer *im)
{
	snprintf(im->header_last_err, sizeof im->header_last_err, "%s",
		 im->err->msg);
	if (im->header_named_ok && !im->header_named_err[0])
		snprintf(im->header_named_err, sizeof im->header_named_err, "%s",
			 im->err->msg);
	if (!im->header_err[0]) {
		snprintf(im->header_err, sizeof im->header_err, "%s",
			 im->err->msg);
		im->header_status = im->err->status;
	}
	im_drop_header(im);
	im->state = BEFORE_HEADER;
	im->failed = 0;
	im->err->msg[0] = 0;
}

/* Under --layout table a row with a number that is no period (175000
 * beside the key cells) is data: a table's headers are its keys' names
 * and periods (PROD_2023, 2024), never a bare quantity. */
static int table_data_row(struct importer *im)
{
	if (im->o->layout != ASSAY_LAYOUT_TABLE)
		return 0;
	for (size_t c = 0; c < im->nfield; c++) {
		const char *s = im_trim(im->field[c]);
		double v;
		assay_freq f;
		assay_period p;
		if (*s && im_read_number(s, im->decimal, &v) == 0 &&
		    assay_period_parse(s, NULL, &f, &p, NULL, 0) != 0)
			return 1;
	}
	return 0;
}

/* A record before the header: is it the header? */
static void header_record(struct importer *im)
{
	int is_header = im->o->header_line > 0
			? im->row_line >= im->o->header_line
			: im_looks_like_header(im);
	if (is_header) {
		if (im_take_header(im))
			return;
		/* A row of data ends the search for a header: the candidate
		 * that failed right above it is the header (a column number
		 * past its width must not make a data row the header). */
		if (im->header_err[0] && (im_header_is_data(im) >= 0 ||
					  table_data_row(im))) {
			assay_fail(im->err, im->header_status, "%s",
				   im->header_named_err[0] ? im->header_named_err
				   : im->header_last_err);
			im->failed = 1;
			return;
		}
		im->state = AFTER_HEADER;
		if (im_resolve_header(im) == 0) {
			size_t n = im->nvcol ? im->nvcol : 1;
			im->cell = calloc(n, sizeof *im->cell);
			im->val = calloc(n, sizeof *im->val);
			if (!im->cell || !im->val) {
				im_oom(im);
				return;
			}
			im->header_err[0] = 0;
		} else if (!im->o->header_line &&
			   im->err->status == ASSAY_EUSAGE &&
			   im->row_line - im->first_line < HEADER_SEARCH_LINES) {
			/* if none resolves, the failure reported is that of
			 * the one right above the data (see above), or else of
			 * the first */
			header_failed(im);
		}
	}
	if (im->state == BEFORE_HEADER && im->header_err[0] &&
	    im->row_line - im->first_line + 1 >= HEADER_SEARCH_LINES) {
		assay_fail(im->err, im->header_status, "%s",
			   im->header_named_err[0] ? im->header_named_err
			   : im->header_err);
		im->failed = 1;
	}
}

/* The column (0-based) of header name `name`, or -1. */
static long header_col(struct importer *im, const char *name)
{
	for (size_t c = 0; c < im->nheader; c++)
		if (!strcasecmp(name, im->header[c]))
			return (long)c;
	return -1;
}

/* Is the row the header once more (two exports joined with cat)?  0 no,
 * 1 the same names in the same columns, 2 the same names in another
 * order; *moved is then the first column whose name moved. */
static int repeated_header(struct importer *im, size_t *moved)
{
	size_t named = 0, first = 0;
	if (im->nheader < 2)
		return 0;
	/* Every data row comes here: most are told at their first cell (a
	 * date has digits, and is seldom a header name), without a search
	 * of a wide header's thousand names. */
	while (first < im->nfield && !*im_trim(im->field[first]))
		first++;
	if (first == im->nfield)
		return 0;
	const char *f0 = im_trim(im->field[first]);
	if (strcasecmp(f0, im->header[0]) && strpbrk(f0, "0123456789"))
		return 0;
	for (size_t c = 0; c < im->nheader; c++)
		named += im->header[c][0] != 0;
	for (size_t i = 0; i < im->nfield; i++) {
		const char *f = im_trim(im->field[i]);
		if (!*f)
			continue;
		if (header_col(im, f) < 0 || !named)
			return 0;
		named--;
	}
	if (named)
		return 0;
	for (size_t i = 0; i < im->nfield; i++) {
		const char *f = im_trim(im->field[i]);
		if (*f && (i >= im->nheader || strcasecmp(f, im->header[i]))) {
			*moved = i;
			return 2;
		}
	}
	return 1;
}

/* A repeated header is said as one: skipped by --skip-bad where its
 * columns are the header's, refused whatever the flags where they moved
 * (read under the first header, the rows after it put zinc's prices in
 * copper's series, exit 0). */
static int check_repeated_header(struct importer *im)
{
	const char *line = im->sheet_name ? "row" : "line";
	size_t moved = 0;
	int kind = repeated_header(im, &moved);
	if (kind == 2) {
		const char *f = im_trim(im->field[moved]);
		im_fail_at(im, im->row_line, (int)moved + 1, ASSAY_EUSAGE,
			   "%s %ld repeats the header with its columns in "
			   "another order ('%s' is column %zu here, %ld above): "
			   "the rows after it would go to the wrong series "
			   "(import each part from a file of its own)", line,
			   im->row_line, f, moved + 1, header_col(im, f) + 1);
	} else if (kind == 1) {
		im_fail_at(im, im->row_line, 1, ASSAY_EUSAGE, "%s %ld repeats "
			   "the header (files joined together?)%s", line,
			   im->row_line, im->o->skip_bad ? ""
			   : ": --skip-bad skips it");
	}
	return kind;
}

/* A data row.  --skip-bad must skip a row whole: when a check that needs
 * the store (a second value, a frequency, a kind) fails on a later cell
 * of a wide row, the cells before it are undone (a savepoint). */
static void data_record(struct importer *im)
{
	im->state = IN_DATA;
	if (im->pass == 2)
		im->res->rows_read++;
	switch (check_repeated_header(im)) {
	case 2:
		return;
	case 1:
		bad_row(im);
		return;
	}
	int guard = im->pass == 2 && im->o->skip_bad && im->nvcol > 1;
	assay_import_result before;
	if (guard) {
		before = *im->res;
		if (store_row_begin(im->w, im->err)) {
			im_db_error(im);
			return;
		}
	}
	if (handle_data_row(im) == 0) {
		if (guard && store_row_end(im->w, 1, im->err))
			im_db_error(im);
		return;
	}
	if (guard && im->err->status == ASSAY_EUSAGE) {
		if (store_row_end(im->w, 0, im->err)) {
			im_db_error(im);
			return;
		}
		if (im_map_forget_row(&im->map, im->row_line) ||
		    im_na_forget_row(&im->na, im->row_line)) {
			im_oom(im);
			return;
		}
		*im->res = before;
	}
	bad_row(im);
}

void im_on_record(struct importer *im)
{
	if (im->nfield + 1 > im->capptr) {
		char **f = realloc(im->field, (im->nfield + 1) * sizeof *im->field);
		if (!f) {
			im_oom(im);
			return;
		}
		im->field = f;
		im->capptr = im->nfield + 1;
	}
	for (size_t i = 0; i < im->nfield; i++)
		im->field[i] = im->buf + im->off[i];

	if (im->state == BEFORE_HEADER) {
		header_record(im);
		return;
	}
	if (row_is_blank(im))
		return;
	/* Rows right under the header with no date are part of the header
	 * (World Bank: units, series codes); a units row gives the units.
	 * So are those whose date cell is a label, no digit in it (IMF:
	 * "Commodity.Description", "Data Type", "Frequency"; they were
	 * "cannot read date 'Data Type'", naming --date-format); such a
	 * row gives units only where its label says so ("Units"): the
	 * IMF's "Data Type" row of "USD" would label US cents a pound as
	 * USD.  One with a number in a value cell is data without its
	 * date, and fails as such: it was dropped without a word. */
	const char *date = im->state == AFTER_HEADER && im->date_col >= 0 &&
			   (size_t)im->date_col < im->nfield
			   ? im_trim(im->field[im->date_col]) : NULL;
	size_t moved;
	if (date && (!*date || (!strpbrk(date, "0123456789") &&
				!repeated_header(im, &moved))) &&
	    !row_has_number(im)) {
		if (check_row_width(im) == 0 &&
		    (!*date || !strncasecmp(date, "unit", 4)))
			im_take_units_row(im);
		return;
	}
	data_record(im);
}

/* The end of pass two: a file whose every value has a qualifier ("1234 t"
 * in every row: a unit after the numbers) imported nothing, and must not
 * say "imported" with exit 0.  Qualified values among others stay notices
 * (USGS's "E" in a few cells). */
int im_check_values_read(struct importer *im)
{
	/* --skip-bad is how a scheduled import survives the odd bad row; a
	 * source that changed its date form has every row skipped, and
	 * "imported ... 3 skipped" with exit 0 let the series go stale. */
	if (im->skip_rows && im->skip_rows == im->res->rows_read)
		return im_fail_at(im, im->skip_line, 0, ASSAY_EUSAGE,
				  "every data row was skipped (%llu, --skip-bad): "
				  "nothing imported",
				  (unsigned long long)im->skip_rows);
	if (im->res->values || !im->qual_line)
		return 0;
	return im_fail_at(im, im->qual_line, im->qual_col, ASSAY_EUSAGE,
			  "%s, nor is any other value: every value of the file "
			  "has a qualifier (a unit or a multiplier after the "
			  "numbers? --suffix reads them: --suffix t=1, --suffix "
			  "K=1e3)", im->qual_why);
}

/* The end of pass two: a column of numbers that the long layout's one
 * value column left out (series,date,price,volume) would be lost without
 * a word.  --value-col says which column is meant; the others are then
 * left out on purpose. */
int im_check_spare_columns(struct importer *im)
{
	if (!im->spare_line || !im->nvcol)
		return 0;
	const char *other = im->header[im->spare_col - 1];
	const char *value = im->header[im->vcol[0].idx];
	int single = im->layout == ASSAY_LAYOUT_SINGLE;
	return im_fail_at(im, im->spare_line, im->spare_col, ASSAY_EUSAGE,
			  "column '%s' holds numbers ('%s'), and a %s file has one "
			  "value column, '%s': give --value-col '%s' to leave "
			  "'%s' out (or --value-col '%s' with %s to import it)",
			  other, im->spare_cell, single ? "single-series" : "long",
			  value, value, other, other,
			  single ? "another --series" : "a --prefix of its own");
}
