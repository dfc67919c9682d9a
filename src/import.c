/*
 * The importer (see import.h).  libcsv does the CSV grammar; the import*.c
 * files do what real commodity files need on top of it: preamble lines, a
 * units row, layouts, NA markers, thousands separators, qualifiers, period
 * labels, vintages and exact error positions (import_internal.h maps them).
 * This file runs an import: the options, pass one (validate everything,
 * learn how to read full dates), pass two (write, in one transaction),
 * and the messages every part sends.
 *
 * Memory stays constant in the file's size: rows are handled one at a time,
 * and only the series seen (a hash table of names) is kept.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "c_locale.h"
#include "import_internal.h"
#include "utf8.h"

const char *const im_meta_names[ASSAY_META_COUNT] = {
	"commodity", "region", "measure", "unit", "source", "notes", "kind"
};

int assay_meta_field_parse(const char *name)
{
	for (int i = 0; i < ASSAY_META_COUNT; i++)
		if (!strcmp(name, im_meta_names[i]))
			return i;
	return -1;
}

const char *assay_meta_field_name(int field)
{
	return field >= 0 && field < ASSAY_META_COUNT ? im_meta_names[field] : "";
}


/* Send a notice, on one line whatever the data hold: assay_shown() escapes the
 * control characters of a header or cell quoted raw. */
void im_notify(struct importer *im, const char *msg)
{
	char line[MAX_ERRMSG + 1200];
	if (!im->o->notice)
		return;
	if (im->speculative) {
		/* Sent now, it would be sent again if the pass were redone:
		 * stop, and let the classic two passes do it. */
		im->failed = 1;
		return;
	}
	/* A write queued earlier that failed would have stopped the import
	 * before this row (see store_import_check). */
	if (im->w && store_import_check(im->w, im->err)) {
		im->failed = 1;
		return;
	}
	assay_shown(msg, line, sizeof line);
	im->o->notice(im->o->ctx, line);
}

/* Where a cell is, as messages name it: "FILE:LINE:COL" for text,
 * "FILE[SHEET]!C7" for a workbook (LINE is then the sheet's row, COL the
 * field number from the range's first column). */
const char *im_where(struct importer *im, long line, int col, char *buf,
			 size_t n)
{
	char letters[16];
	if (!im->sheet_name) {
		if (col > 0)
			snprintf(buf, n, "%s:%ld:%d", im->path, line, col);
		else if (line > 0)
			snprintf(buf, n, "%s:%ld", im->path, line);
		else
			snprintf(buf, n, "%s", im->path);
	} else if (col > 0) {
		snprintf(buf, n, "%s[%s]!%s%ld", im->path, im->sheet_name,
			 assay_col_letters(im->col1 + col - 1, letters,
					   sizeof letters), line);
	} else if (line > 0) {
		snprintf(buf, n, "%s[%s]!row %ld", im->path, im->sheet_name, line);
	} else {
		snprintf(buf, n, "%s[%s]", im->path, im->sheet_name);
	}
	return buf;
}

int im_fail_at(struct importer *im, long line, int col, int status,
		   const char *fmt, ...)
{
	char msg[MAX_ERRMSG], at[512], full[MAX_ERRMSG + 520], clean[sizeof full];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* the whole message, place included: a sheet's name comes from the
	 * file too */
	snprintf(full, sizeof full, "%s: %s", im_where(im, line, col, at, sizeof at),
		 msg);
	assay_shown(full, clean, sizeof clean);      /* one line, as im_notify() */
	assay_fail(im->err, status, "%s", clean);
	im->failed = 1;
	return -1;
}

/* A name or a metadata text the store keeps must be UTF-8 (JSON output
 * and terminals need it) without control characters (a line break in a
 * name breaks every listing).  `what` says what s is ("series name");
 * line 0 means it came from a flag. */
int im_check_name_fix(struct importer *im, const char *s, long line,
			  int col, const char *what, const char *fix)
{
	char buf[96];
	int bad_utf8;
	const char *at = assay_name_flaw(s, &bad_utf8);
	if (!at)
		return 0;
	if (bad_utf8)
		return im_fail_at(im, line, col, ASSAY_EUSAGE,
			       "invalid UTF-8 in %s '%s' (byte 0x%02x%s)", what,
			       assay_shown(s, buf, sizeof buf), (unsigned char)*at,
			       line ? ENCODING_HINT : "");
	char ch[8] = { 0 }, chbuf[24];
	size_t chlen = assay_utf8_len((const unsigned char *)at);
	memcpy(ch, at, chlen);
	/* C0, DEL and C1 are control characters; the rest of the rule's
	 * characters (bidi, separators, zero widths, BOM) are invisible */
	int control = chlen == 1 || ((unsigned char)at[0] == 0xC2 &&
				     (unsigned char)at[1] < 0xA0);
	return im_fail_at(im, line, col, ASSAY_EUSAGE,
		       "%s '%s' holds the %s character %s%s", what,
		       assay_shown(s, buf, sizeof buf),
		       control ? "control" : "invisible formatting",
		       assay_shown(ch, chbuf, sizeof chbuf),
		       (unsigned char)*at == 0xC2 && im->o->encoding
		       ? " (U+0080-U+009F: is --encoding right? cp1252 rather "
			 "than latin1?)" : fix ? fix : "");
}

int im_check_name(struct importer *im, const char *s, long line, int col,
		      const char *what)
{
	return im_check_name_fix(im, s, line, col, what, NULL);
}

/* The store failed and filled err: the import stops. */
int im_db_error(struct importer *im)
{
	im->failed = 1;
	return -1;
}

/* --map: a key cell or header that equals (exactly, after trimming) an
 * entry's OLD reads as its NEW, before names are made from it. */
const char *im_mapped(struct importer *im, const char *s)
{
	for (size_t k = 0; k < im->nmap; k++)
		if (!strcmp(s, im->map_from[k]))
			return im->map_to[k];
	return s;
}

/* Forget the header and what was resolved from it. */
void im_drop_header(struct importer *im)
{
	for (size_t i = 0; i < im->nheader; i++)
		free(im->header[i]);
	free(im->header);
	for (size_t i = 0; i < im->nvcol; i++) {
		free(im->vcol[i].part);
		free(im->vcol[i].raw);
		free(im->vcol[i].unit);
	}
	free(im->vcol);
	free(im->key_col);
	free(im->unnamed);
	im->unnamed = NULL;
	im->nunnamed = 0;
	free(im->spare);
	im->spare = NULL;
	im->nspare = 0;
	free(im->cell);
	free(im->val);
	im->cell = NULL;
	im->val = NULL;
	im->header = NULL;
	im->vcol = NULL;
	im->key_col = NULL;
	im->nheader = im->nvcol = im->nkey = 0;
}

static void reset_for_pass(struct importer *im, int pass)
{
	im_drop_header(im);
	im->nfield = im->buflen = 0;
	im->file_freq = ASSAY_FREQ_NONE;
	im->header_err[0] = im->header_named_err[0] = 0;
	memset(&im->marks, 0, sizeof im->marks);
	memset(&im->fy, 0, sizeof im->fy);
	im->qual_line = 0;
	im->skip_line = 0;
	im->skip_rows = 0;
	im->spare_line = 0;
	im->pass = pass;
}

static void now_utc(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int record_import(struct importer *im)
{
	char now[32];
	now_utc(now, sizeof now);
	snprintf(im->vintage, sizeof im->vintage, "%s",
		 im->o->vintage ? im->o->vintage : now);
	if (store_import_record(im->w, im->o->path, im->res->sha256, now,
				im->vintage, &im->import_id, im->err))
		return im_db_error(im);
	return 0;
}

static void decide_day_freq(struct importer *im)
{
	im->day_freq = ASSAY_FREQ_D;
	if (!im->days.cells)
		return;
	/* Monthly data are dated by the month's first day or by its last
	 * (2024-01-31, 2024-02-29): read as days, a month's change would be
	 * called a day's.  Quarterly and annual data (FRED's 2024-04-01,
	 * 2025-01-01) likewise by their quarter's or year's first or last
	 * day: read as months, every change would fall into a gap.  One date
	 * alone (a one-row file) tells no more than a month. */
	im->day_freq = im_days_freq(&im->days);
}

void im_day_stats_add(struct day_stats *s, assay_period day)
{
	int wd = im_weekday(day);
	if (!s->cells++) {
		s->marks = ~0u;
		s->one_weekday = 1;
		s->weekday = wd;
		s->first = day;
	}
	int y, m, d;
	assay_civil_from_days(day, &y, &m, &d);
	s->quarters |= 1u << ((m - 1) / 3);
	s->marks &= im_day_marks(day);
	s->one_weekday &= wd == s->weekday;
	s->distinct |= day != s->first;
}

assay_freq im_days_freq(const struct day_stats *s)
{
	unsigned k = s->marks;
	int distinct = s->distinct, one_weekday = s->one_weekday;
	if (distinct && (k & (DAY_YEAR_START | DAY_YEAR_END)))
		return ASSAY_FREQ_A;
	if (distinct && (k & (DAY_QUARTER_START | DAY_QUARTER_END)))
		return ASSAY_FREQ_Q;
	if (k & (DAY_MONTH_START | DAY_MONTH_END))
		return ASSAY_FREQ_M;
	if (one_weekday && distinct)
		return ASSAY_FREQ_W;
	return ASSAY_FREQ_D;
}


/* Quarter ends (or starts) that all fall in one quarter of the year,
 * 2021-06-30, 2022-06-30, are a year apart: annual data dated by a
 * fiscal year's end (Australia's June, India's March) as often as
 * quarterly data with three quarters of four missing.  Read as quarters
 * the years were stored as 2021Q2, exit 0: refused, naming --freq. */
static int check_one_quarter(struct importer *im)
{
	const struct day_stats *s = &im->days;
	if (im->o->freq || im->day_freq != ASSAY_FREQ_Q ||
	    (s->quarters & (s->quarters - 1)))
		return 0;
	char a[16];
	int q = 1;
	while (!(s->quarters & 1u << (q - 1)))
		q++;
	return im_fail_at(im, s->first_line, s->first_col, ASSAY_EUSAGE,
		       "every date ('%s', ...) falls at an end of Q%d: years "
		       "dated by a fiscal year's end, or "
		       "quarters with three of four missing? give --freq A "
		       "(each date's calendar year) or --freq Q", assay_period_format(
		       ASSAY_FREQ_D, s->first, a, sizeof a), q);
}

/* The delimiter: the flag's, or guessed from the first block. */
static int pick_delimiter(struct importer *im, struct source *src, char *delim)
{
	char head[4 * 8192];
	size_t n = im_read_head(im, src, head, sizeof head);
	if (im->failed)
		return -1;
	char declared = im_declared_delimiter(head, n);
	if (declared && im->o->delimiter && declared != im->o->delimiter)
		return im_fail_at(im, 1, 1, ASSAY_EUSAGE, "line 1 'sep=%c' "
				  "declares the delimiter '%c' (as Excel writes "
				  "it), but --delimiter is '%c'", declared,
				  declared, im->o->delimiter);
	*delim = im->o->delimiter ? im->o->delimiter : im_sniff_delimiter(head, n);
	return 0;
}

/* Pass one: validate everything, learn how to read full dates. */
static int pass_one(struct importer *im, struct source *src, char delim)
{
	reset_for_pass(im, 1);
	if (im->wb ? im_feed_workbook(im) : im_feed(im, src, delim))
		return -1;
	if (im->state == BEFORE_HEADER && im->header_err[0])
		return assay_fail(im->err, im->header_status, "%s",
				  im->header_named_err[0] ? im->header_named_err
				  : im->header_err);
	if (im->state == BEFORE_HEADER)
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, im->o->header_line
				  ? im->sheet_name ? "no row %ld with a cell: the "
				    "sheet (or --range) is shorter"
				  : "no line %ld: the file is shorter"
				  : "no header row found%.0ld", im->o->header_line);
	decide_day_freq(im);
	return check_one_quarter(im);
}

/* Pass two: write, in one transaction (left open for the caller to
 * commit, see commit_pass). */
static int write_pass(struct importer *im, struct source *src, char delim)
{
	assay_import_result *res = im->res;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;

	reset_for_pass(im, 2);
	if (store_import_begin(im->st, &im->w, im->err))
		return im_db_error(im);
	if (record_import(im) ||
	    (im->wb ? im_hash_file(im, src->fp) || im_feed_workbook(im)
		    : im_feed(im, src, delim)))
		return -1;
	if (res->rows_read == 0)
		return im_fail_at(im, im->header_at, 0, ASSAY_EUSAGE,
				  "no data rows after the header");
	if (im_check_col_meta_used(im) || im_check_marks(im) ||
	    im_check_fiscal(im) || im_check_values_read(im) ||
	    im_check_spare_columns(im) || im_check_series_days(im))
		return -1;
	EVP_DigestFinal_ex(im->sha, digest, &digest_len);
	for (unsigned int i = 0; i < digest_len && i < 32; i++)
		snprintf(res->sha256 + 2 * i, 3, "%02x", digest[i]);
	res->freq = im->file_freq;
	if (store_import_finish(im->w, im->import_id, res, im->err))
		return im_db_error(im);
	return 0;
}

/* The end of pass two: commit, or roll back a dry run. */
static int commit_pass(struct importer *im)
{
	if (im->o->before_commit && im->o->before_commit(im->o->ctx, im->res))
		return assay_fail(im->err, ASSAY_EIO, "%s: the import's result "
				  "could not be reported: nothing imported", im->path);
	store_import *w = im->w;
	im->w = NULL;
	if (store_import_end(w, !im->o->dry_run, im->err))
		return im_db_error(im);
	if (!im->o->dry_run)
		im->res->import_id = im->import_id;
	return 0;
}

/* Forget a speculative pass two: its transaction, counts, series table,
 * digest, and what it learnt of the dates; the classic passes follow. */
static int forget_speculation(struct importer *im)
{
	store_import_end(im->w, 0, NULL);
	im->w = NULL;
	memset(im->res, 0, sizeof *im->res);
	im->err->msg[0] = 0;
	im->err->status = 0;
	im->failed = im->stop = 0;
	im_map_free(&im->map);
	im_na_free(&im->na);
	for (size_t k = 0; k < im->ncmeta; k++)
		im->cmeta[k].used = 0;
	memset(&im->days, 0, sizeof im->days);
	im->stats_done = 0;
	im->import_id = 0;
	if (!EVP_DigestInit_ex(im->sha, EVP_sha256(), NULL))
		return assay_fail(im->err, ASSAY_EIO, "cannot start SHA-256");
	return 0;
}

/* One pass instead of two, where that gives the very same result: pass
 * two runs first, counting the full dates as pass one would.  It stands
 * when no full date was read (the usual monthly, quarterly or annual
 * file), when --freq decides, or when the dates are days anyway.  When
 * full dates turn out to be months, quarters, years or weeks (the first
 * or last days of periods, or one weekday), when anything fails (pass one
 * would report its errors first, before the store is touched),
 * or when a notice is due (it would be sent twice), the pass is rolled
 * back and the classic two passes run: what is written and said is
 * always theirs.  Returns 1 when the pass stands (still to commit), 0
 * when the classic passes must run, -1 on error. */
static int speculate(struct importer *im, struct source *src, char delim)
{
	im->speculative = 1;
	int rc = write_pass(im, src, delim);
	im->speculative = 0;
	if (rc == 0) {
		decide_day_freq(im);
		if (im->o->freq || im->day_freq == ASSAY_FREQ_D)
			return 1;
	}
	im->day_freq = ASSAY_FREQ_NONE;
	return forget_speculation(im) ? -1 : 0;
}

/* Everything an import holds, given back whether it succeeded or not; a
 * transaction still open is rolled back. */
static void release(struct importer *im, struct source *src)
{
	store_import_end(im->w, 0, NULL);
	im->w = NULL;
	assay_workbook_close(im->wb);
	if (src->fp)
		fclose(src->fp);
	if (src->cd != (iconv_t)-1)
		iconv_close(src->cd);
	free(im->conv);
	free(im->name.s);
	free(im->keys.s);
	free(im->origin.s);
	reset_for_pass(im, 0);
	im_map_free(&im->map);
	im_na_free(&im->na);
	free(im->unit_checked);
	free(im->unitcol_checked);
	free(im->na_values);
	EVP_MD_CTX_free(im->sha);
	free(im->buf);
	free(im->off);
	free(im->ftype);
	free(im->field);
	im_free_col_meta(im);
	for (size_t k = 0; k < im->nvpat; k++)
		free(im->vpat[k]);
	free(im->vpat);
	for (size_t k = 0; k < im->nmap; k++) {
		free(im->map_from[k]);
		free(im->map_to[k]);
	}
	free(im->map_from);
	free(im->map_to);
}

static int import_file(assay_store *st, const assay_import_opts *opts,
		       assay_import_result *res, assay_error *err)
{
	struct importer im;
	struct source src = { .cd = (iconv_t)-1 };
	char delim = 0;
	int rc = -1, spec = 0;

	memset(&im, 0, sizeof im);
	memset(res, 0, sizeof *res);
	err->msg[0] = 0;
	im.o = opts;
	im.res = res;
	im.err = err;
	im.st = st;
	im.path = strcmp(opts->path, "-") ? opts->path : "<stdin>";
	/* OpenSSL's SHA-256 uses the CPU's SHA extensions where present. */
	im.sha = EVP_MD_CTX_new();
	if (!im.sha || !EVP_DigestInit_ex(im.sha, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(im.sha);
		return assay_fail(err, ASSAY_EIO, "cannot start SHA-256");
	}
	if (im_check_options(&im) || im_open_source(&im, &src) ||
	    im_open_workbook(&im, &src) ||
	    (!im.wb && (im_open_encoding(&im, &src) ||
			pick_delimiter(&im, &src, &delim))) ||
	    (spec = speculate(&im, &src, delim)) < 0 ||
	    (!spec && (pass_one(&im, &src, delim) ||
		       write_pass(&im, &src, delim))) ||
	    commit_pass(&im))
		goto out;
	rc = 0;
out:
	/* The store writes behind the parser (store_write.c): a write that
	 * failed before the row that stopped the import is the error to give,
	 * as it was when the writes were made at once. */
	if (rc && im.w)
		store_import_check(im.w, err);
	release(&im, &src);
	if (rc && !err->msg[0])
		assay_fail(err, ASSAY_EIO, "%s: import failed", im.path);
	return rc;
}

/* The importer reads numbers (strtod) and month names (strptime) in the
 * C locale, whatever locale the calling program has set. */
int assay_import(assay_store *st, const assay_import_opts *opts,
		 assay_import_result *res, assay_error *err)
{
	locale_t saved = assay_c_locale_enter();
	int rc = import_file(st, opts, res, err);
	assay_c_locale_leave(saved);
	return rc;
}
