/*
 * Reading .xlsx workbooks (see workbook.c): the ZIP through libzip, each
 * XML part through expat, the sheet streamed row by row.  (About 750
 * lines, one file on purpose: the sheet reader shares the XML context and
 * its callbacks with the parts it needs first; split, they would become
 * an internal interface of their own.)
 */
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zip.h>

#include "assay/workbook.h"
#include "workbook_internal.h"

/* The local part of an expat name ("uri\1local" or "local"). */
static const char *local(const char *name)
{
	const char *s = strrchr(name, NS_SEP);
	return s ? s + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (!strcmp(local(atts[i]), name))
			return atts[i + 1];
	return NULL;
}

/* ---- parsing one XML part of the ZIP -------------------------------- */

struct xml_ctx {
	XML_Parser p;
	assay_workbook *wb;
	assay_error *err;
	const char *part;
	int failed;             /* err is filled */
	int done;               /* stop: the rest is not needed */
};

static void xml_fail_stop(struct xml_ctx *x)
{
	x->failed = 1;
	XML_StopParser(x->p, XML_FALSE);
}

/* A DTD could declare entities that expand without bound; no workbook
 * part has one. */
static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sys,
		       const XML_Char *pub, int internal)
{
	struct xml_ctx *x = ud;
	(void)name; (void)sys; (void)pub; (void)internal;
	assay_fail(x->err, ASSAY_EUSAGE, "%s: %s: a DTD in a workbook part "
		   "(not allowed: entity expansion)", x->wb->path, x->part);
	xml_fail_stop(x);
}

/* Stream the part through expat.  required: a missing part is an error
 * (else 0 is returned and nothing is called). */
static int parse_part(struct xml_ctx *x, const char *part, int required,
		      XML_StartElementHandler start, XML_EndElementHandler end,
		      XML_CharacterDataHandler text)
{
	assay_workbook *wb = x->wb;
	zip_stat_t zs;
	zip_file_t *zf;
	char block[1 << 16];
	uint64_t total = 0;
	zip_int64_t got;
	int rc = -1;

	x->part = part;
	x->failed = x->done = 0;
	zip_stat_init(&zs);
	if (zip_stat(wb->zip, part, ZIP_FL_NOCASE, &zs) ||
	    !(zf = zip_fopen(wb->zip, part, ZIP_FL_NOCASE))) {
		if (!required)
			return 0;
		return assay_fail(x->err, ASSAY_EUSAGE, "%s: not a workbook: no "
				  "part %s in the ZIP", wb->path, part);
	}
	x->p = XML_ParserCreateNS(NULL, NS_SEP);
	if (!x->p) {
		zip_fclose(zf);
		return assay_fail(x->err, ASSAY_EIO, "%s: out of memory", wb->path);
	}
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, start, end);
	XML_SetCharacterDataHandler(x->p, text);
	XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
	for (;;) {
		got = zip_fread(zf, block, sizeof block);
		if (got < 0) {
			assay_fail(x->err, ASSAY_EUSAGE, "%s: cannot read %s: %s",
				   wb->path, part, zip_file_strerror(zf));
			goto out;
		}
		total += (uint64_t)got;
		if (total > RATIO_FLOOR &&
		    total / ASSAY_WB_MAX_RATIO > zs.comp_size) {
			assay_fail(x->err, ASSAY_EUSAGE, "%s: %s expands more than "
				   "%d times its compressed size (a ZIP bomb?); "
				   "not read", wb->path, part, ASSAY_WB_MAX_RATIO);
			goto out;
		}
		if (XML_Parse(x->p, block, (int)got, got == 0) != XML_STATUS_OK) {
			if (x->failed)
				goto out;
			if (x->done)
				break;
			assay_fail(x->err, ASSAY_EUSAGE, "%s: %s:%lu: malformed "
				   "XML: %s", wb->path, part,
				   (unsigned long)XML_GetCurrentLineNumber(x->p),
				   XML_ErrorString(XML_GetErrorCode(x->p)));
			goto out;
		}
		if (got == 0 || x->done)
			break;
	}
	rc = 0;
out:
	XML_ParserFree(x->p);
	x->p = NULL;
	zip_fclose(zf);
	return rc;
}

/* A part name from a relationship target, relative to the part `base`
 * that holds the relationship ("xl/workbook.xml" + "worksheets/s.xml"). */
static char *resolve_target(const char *base, const char *target)
{
	char out[1024];
	size_t dir = 0;
	if (target[0] == '/') {
		snprintf(out, sizeof out, "%s", target + 1);
		return wb_xstrdup(out);
	}
	const char *slash = strrchr(base, '/');
	dir = slash ? (size_t)(slash - base) + 1 : 0;
	while (!strncmp(target, "../", 3)) {
		target += 3;
		if (dir)
			dir--;
		while (dir && base[dir - 1] != '/')
			dir--;
	}
	snprintf(out, sizeof out, "%.*s%s", (int)dir, base, target);
	return wb_xstrdup(out);
}

/* ---- package relationships, workbook, rels ------------------------ */

struct rels_ctx {
	struct xml_ctx x;
	const char *base;
	int pass_root;          /* _rels/.rels: find the office document */
};

static int type_is(const char *type, const char *what)
{
	size_t lt = strlen(type), lw = strlen(what);
	return lt >= lw && !strcmp(type + lt - lw, what);
}

static void rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct rels_ctx *r = ud;
	assay_workbook *wb = r->x.wb;
	if (strcmp(local(name), "Relationship"))
		return;
	const char *type = attr(atts, "Type"), *target = attr(atts, "Target");
	const char *id = attr(atts, "Id");
	if (!type || !target || !id)
		return;
	if (r->pass_root) {
		if (type_is(type, "/officeDocument") && !wb->wb_part)
			wb->wb_part = resolve_target(r->base, target);
		return;
	}
	if (type_is(type, "/sharedStrings") && !wb->sst_part)
		wb->sst_part = resolve_target(r->base, target);
	else if (type_is(type, "/styles") && !wb->styles_part)
		wb->styles_part = resolve_target(r->base, target);
	else if (type_is(type, "/worksheet"))
		for (size_t i = 0; i < wb->nsheet; i++)
			if (wb->sheet[i].rid && !strcmp(wb->sheet[i].rid, id) &&
			    !wb->sheet[i].part)
				wb->sheet[i].part = resolve_target(r->base, target);
}

static void no_end(void *ud, const XML_Char *name) { (void)ud; (void)name; }
static void no_text(void *ud, const XML_Char *s, int n) { (void)ud; (void)s; (void)n; }

static void workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xml_ctx *x = ud;
	assay_workbook *wb = x->wb;
	const char *n = local(name);
	if (!strcmp(n, "workbookPr")) {
		const char *d = attr(atts, "date1904");
		wb->date1904 = d && (!strcmp(d, "1") || !strcasecmp(d, "true"));
	} else if (!strcmp(n, "calcPr")) {
		const char *f = attr(atts, "fullCalcOnLoad");
		wb->full_calc_on_load = f && (!strcmp(f, "1") || !strcasecmp(f, "true"));
	} else if (!strcmp(n, "sheet")) {
		const char *sn = attr(atts, "name"), *rid = attr(atts, "id");
		const char *state = attr(atts, "state");
		if (!sn || !rid)
			return;
		wb->sheet = wb_xrealloc(wb->sheet, (wb->nsheet + 1) * sizeof *wb->sheet);
		if (!wb->sheet) {
			assay_fail(x->err, ASSAY_EIO, "out of memory");
			xml_fail_stop(x);
			return;
		}
		wb->sheet[wb->nsheet++] = (struct sheet){
			wb_xstrdup(sn), wb_xstrdup(rid), NULL,
			state && strcmp(state, "visible"), 0
		};
	}
}

/* ---- styles: what each cell format shows (dates, percents) -------- */

struct styles_ctx {
	struct xml_ctx x;
	long *fmt_id;           /* custom formats: ids ... */
	unsigned char *fmt_class;       /* ... and what each shows (FMT_*) */
	size_t nfmt;
	int in_xfs;
};

static int fmt_class(struct styles_ctx *s, long id)
{
	for (size_t i = 0; i < s->nfmt; i++)
		if (s->fmt_id[i] == id)
			return s->fmt_class[i];
	return wb_builtin_class(id);
}

static void styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct styles_ctx *s = ud;
	assay_workbook *wb = s->x.wb;
	const char *n = local(name);
	if (!strcmp(n, "numFmt")) {
		const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
		if (!id || !code)
			return;
		s->fmt_id = wb_xrealloc(s->fmt_id, (s->nfmt + 1) * sizeof *s->fmt_id);
		s->fmt_class = wb_xrealloc(s->fmt_class, s->nfmt + 1);
		if (!s->fmt_id || !s->fmt_class)
			goto oom;
		s->fmt_id[s->nfmt] = strtol(id, NULL, 10);
		s->fmt_class[s->nfmt++] = (unsigned char)wb_format_class(code);
	} else if (!strcmp(n, "cellXfs")) {
		s->in_xfs = 1;
	} else if (!strcmp(n, "xf") && s->in_xfs) {
		const char *id = attr(atts, "numFmtId");
		wb->xf_class = wb_xrealloc(wb->xf_class, wb->nxf + 1);
		if (!wb->xf_class)
			goto oom;
		wb->xf_class[wb->nxf++] =
			(unsigned char)fmt_class(s, id ? strtol(id, NULL, 10) : 0);
	}
	return;
oom:
	assay_fail(s->x.err, ASSAY_EIO, "out of memory");
	xml_fail_stop(&s->x);
}

static void styles_end(void *ud, const XML_Char *name)
{
	struct styles_ctx *s = ud;
	if (!strcmp(local(name), "cellXfs"))
		s->in_xfs = 0;
}

/* ---- shared strings ------------------------------------------------- */

/* ---- ST_Xstring escapes ---------------------------------------------- */

/* The UTF-16 code unit of an escape "_xHHHH_" at s (n bytes left), or -1. */
static long xescape_at(const char *s, size_t n)
{
	if (n < 7 || s[0] != '_' || (s[1] != 'x' && s[1] != 'X') || s[6] != '_')
		return -1;
	long u = 0;
	for (int i = 2; i < 6; i++) {
		int c = (unsigned char)s[i], d = c >= '0' && c <= '9' ? c - '0'
			: (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
		if (d < 0)
			return -1;
		u = u * 16 + d;
	}
	return u;
}

static size_t put_utf8(char *o, unsigned long u)
{
	if (u < 0x80) {
		o[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (char)(0xC0 | u >> 6);
		o[1] = (char)(0x80 | (u & 0x3F));
		return 2;
	}
	if (u < 0x10000) {
		o[0] = (char)(0xE0 | u >> 12);
		o[1] = (char)(0x80 | (u >> 6 & 0x3F));
		o[2] = (char)(0x80 | (u & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | u >> 18);
	o[1] = (char)(0x80 | (u >> 12 & 0x3F));
	o[2] = (char)(0x80 | (u >> 6 & 0x3F));
	o[3] = (char)(0x80 | (u & 0x3F));
	return 4;
}

/* Decode the escapes of an ST_Xstring in place (ECMA-376 Part 1,
 * 22.9.2.19): Excel writes "_xHHHH_" for a UTF-16 code unit that XML 1.0
 * cannot hold or would lose ("Nickel_x000D_" is "Nickel" and a CR typed
 * with Alt+Enter), and "_x005F_" for a literal "_" before one.  Kept as
 * text, the workbook gave 'Nickel_x000D_' where its CSV gave 'Nickel'.
 * A surrogate pair is two escapes; a lone surrogate stays as written.
 * The decoded text is never longer (7 bytes give at most 3, 14 give 4).
 * Returns the new length. */
static size_t xstring_decode(char *s, size_t n)
{
	size_t i = 0, o = 0;
	while (i < n) {
		long u = xescape_at(s + i, n - i);
		if (u < 0) {
			s[o++] = s[i++];
			continue;
		}
		if (u >= 0xD800 && u <= 0xDBFF) {
			long lo = xescape_at(s + i + 7, n - i - 7);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				o += put_utf8(s + o, 0x10000 + ((unsigned long)(u - 0xD800) << 10) +
					      (unsigned long)(lo - 0xDC00));
				i += 14;
				continue;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF) {
			s[o++] = s[i++];
			continue;
		}
		o += put_utf8(s + o, (unsigned long)u);
		i += 7;
	}
	return o;
}

struct sst_ctx {
	struct xml_ctx x;
	int in_si, in_t, in_rph;
	size_t start;           /* where the current string began in sst */
};

static int sst_put(struct sst_ctx *c, const char *s, size_t n)
{
	assay_workbook *wb = c->x.wb;
	if (wb->sst_len + n + 1 > MAX_SST_BYTES) {
		assay_fail(c->x.err, ASSAY_EUSAGE, "%s: the shared strings "
			   "take more than 1 GiB; not read", wb->path);
		xml_fail_stop(&c->x);
		return -1;
	}
	if (wb->sst_len + n + 1 > wb->sst_cap) {
		size_t cap = wb->sst_cap ? wb->sst_cap : 1 << 16;
		while (cap < wb->sst_len + n + 1)
			cap *= 2;
		char *p = realloc(wb->sst, cap);
		if (!p) {
			assay_fail(c->x.err, ASSAY_EIO, "out of memory");
			xml_fail_stop(&c->x);
			return -1;
		}
		wb->sst = p;
		wb->sst_cap = cap;
	}
	memcpy(wb->sst + wb->sst_len, s, n);
	wb->sst_len += n;
	return 0;
}

static void sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sst_ctx *c = ud;
	const char *n = local(name);
	(void)atts;
	if (!strcmp(n, "si")) {
		c->in_si = 1;
		c->start = c->x.wb->sst_len;
	} else if (!strcmp(n, "rPh")) {
		c->in_rph = 1;  /* phonetic reading: not part of the text */
	} else if (!strcmp(n, "t") && c->in_si && !c->in_rph) {
		c->in_t = 1;
	}
}

static void sst_end(void *ud, const XML_Char *name)
{
	struct sst_ctx *c = ud;
	assay_workbook *wb = c->x.wb;
	const char *n = local(name);
	if (!strcmp(n, "t")) {
		c->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		c->in_rph = 0;
	} else if (!strcmp(n, "si") && c->in_si) {
		c->in_si = 0;
		if (c->start + MAX_CELL_BYTES < wb->sst_len) {
			assay_fail(c->x.err, ASSAY_EUSAGE, "%s: shared string %zu "
				   "is longer than 32767 characters", wb->path,
				   wb->nsst);
			xml_fail_stop(&c->x);
			return;
		}
		/* (an empty first string has no buffer yet: wb->sst is NULL) */
		if (wb->sst_len > c->start)
			wb->sst_len = c->start + xstring_decode(wb->sst + c->start,
								wb->sst_len - c->start);
		if (sst_put(c, "", 1))
			return;
		if (wb->nsst == MAX_SST_COUNT) {
			assay_fail(c->x.err, ASSAY_EUSAGE, "%s: more than %u shared "
				   "strings; not read", wb->path, MAX_SST_COUNT);
			xml_fail_stop(&c->x);
			return;
		}
		if (wb->nsst == wb->sst_offcap) {
			wb->sst_offcap = wb->sst_offcap ? 2 * wb->sst_offcap : 1024;
			size_t *p = realloc(wb->sst_off, wb->sst_offcap * sizeof *p);
			if (!p) {
				assay_fail(c->x.err, ASSAY_EIO, "out of memory");
				xml_fail_stop(&c->x);
				return;
			}
			wb->sst_off = p;
		}
		wb->sst_off[wb->nsst++] = c->start;
	}
}

static void sst_text(void *ud, const XML_Char *s, int len)
{
	struct sst_ctx *c = ud;
	if (c->in_t && !c->x.failed)
		sst_put(c, s, (size_t)len);
}

/* ---- opening an .xlsx ---------------------------------------------- */

int wb_open_xlsx(assay_workbook *wb, int fd, assay_error *err)
{
	int zerr = 0, dupfd = dup(fd);
	if (dupfd < 0)
		return assay_fail(err, ASSAY_EIO, "%s: %s", wb->path, strerror(errno));
	wb->zip = zip_fdopen(dupfd, ZIP_RDONLY, &zerr);
	if (!wb->zip) {
		zip_error_t ze;
		close(dupfd);
		zip_error_init_with_code(&ze, zerr);
		assay_fail(err, ASSAY_EUSAGE, "%s: not a readable .xlsx (ZIP): %s",
			   wb->path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	struct rels_ctx r = { .x = { .wb = wb, .err = err }, .base = "",
			      .pass_root = 1 };
	if (parse_part(&r.x, "_rels/.rels", 0, rels_start, no_end, no_text))
		return -1;
	if (!wb->wb_part)
		wb->wb_part = wb_xstrdup("xl/workbook.xml");
	struct xml_ctx x = { .wb = wb, .err = err };
	if (parse_part(&x, wb->wb_part, 1, workbook_start, no_end, no_text))
		return -1;
	if (!wb->nsheet)
		return assay_fail(err, ASSAY_EUSAGE, "%s: the workbook lists no "
				  "sheets", wb->path);
	/* xl/workbook.xml -> xl/_rels/workbook.xml.rels */
	char relpart[1100];
	const char *slash = strrchr(wb->wb_part, '/');
	size_t dir = slash ? (size_t)(slash - wb->wb_part) + 1 : 0;
	snprintf(relpart, sizeof relpart, "%.*s_rels/%s.rels", (int)dir,
		 wb->wb_part, wb->wb_part + dir);
	r.pass_root = 0;
	r.base = wb->wb_part;
	if (parse_part(&r.x, relpart, 1, rels_start, no_end, no_text))
		return -1;
	if (wb->styles_part) {
		struct styles_ctx s = { .x = { .wb = wb, .err = err } };
		int rc = parse_part(&s.x, wb->styles_part, 0, styles_start,
				    styles_end, no_text);
		free(s.fmt_id);
		free(s.fmt_class);
		if (rc)
			return -1;
	}
	if (wb->sst_part) {
		struct sst_ctx c = { .x = { .wb = wb, .err = err } };
		if (parse_part(&c.x, wb->sst_part, 0, sst_start, sst_end, sst_text))
			return -1;
	}
	return 0;
}

/* ---- reading an .xlsx sheet ----------------------------------------- */

struct sheet_ctx {
	struct xml_ctx x;
	const char *sheet;
	const assay_cell_range *r;
	assay_row_fn fn;
	void *ud;
	long row, prev_row;     /* current and previous row numbers */
	int col, prev_col;
	int in_row, in_cell, in_v, in_is, in_t, in_rph;
	int in_f, has_f;        /* in the cell's <f>; the cell has one */
	int has_v;              /* the cell has a <v> (or <is>), empty or not */
	char ftext[64];         /* its formula, cut short (for messages) */
	size_t flen;
	char ctype[12];
	long style;
	char *v;                /* text of the current cell */
	size_t vlen;
	int vlong;              /* the cell's text is too long */
	struct rowbuf cells;
	int next_col;           /* next column the row buffer expects */
};

static int sheet_fail(struct sheet_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int sheet_fail(struct sheet_ctx *c, const char *fmt, ...)
{
	char msg[700], ref[16];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->col > 0)
		assay_fail(c->x.err, ASSAY_EUSAGE, "%s[%s]!%s%ld: %s", c->x.wb->path,
			   c->sheet, assay_col_letters(c->col, ref, sizeof ref),
			   c->row, msg);
	else
		assay_fail(c->x.err, ASSAY_EUSAGE, "%s[%s]!row %ld: %s",
			   c->x.wb->path, c->sheet, c->row, msg);
	xml_fail_stop(&c->x);
	return -1;
}

static int in_cols(const struct sheet_ctx *c, int col)
{
	return (!c->r->col1 || col >= c->r->col1) && (!c->r->col2 || col <= c->r->col2);
}

static int in_rows(const struct sheet_ctx *c, long row)
{
	return (!c->r->row1 || row >= c->r->row1) && (!c->r->row2 || row <= c->r->row2);
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sheet_ctx *c = ud;
	const char *n = local(name);
	if (c->x.failed || c->x.done)
		return;
	if (!strcmp(n, "row")) {
		const char *r = attr(atts, "r");
		long row = c->prev_row + 1;
		if (r) {
			char *end;
			errno = 0;
			row = strtol(r, &end, 10);
			if (*end || errno || row < 1 || row > ASSAY_WB_MAX_ROWS) {
				c->col = 0;
				sheet_fail(c, "bad row number '%.20s'", r);
				return;
			}
		}
		c->col = 0;
		c->row = row;
		if (row <= c->prev_row) {
			sheet_fail(c, "rows out of order (row %ld after row %ld)",
				   row, c->prev_row);
			return;
		}
		if (row > ASSAY_WB_MAX_ROWS) {
			sheet_fail(c, "more than %ld rows", ASSAY_WB_MAX_ROWS);
			return;
		}
		if (c->r->row2 && row > c->r->row2) {
			c->x.done = 1;  /* past the range: the rest is not read */
			XML_StopParser(c->x.p, XML_FALSE);
			return;
		}
		c->in_row = 1;
		c->prev_col = 0;
		c->cells.n = c->cells.len = 0;
		c->next_col = c->r->col1 ? c->r->col1 : 1;
	} else if (!strcmp(n, "c") && c->in_row) {
		const char *ref = attr(atts, "r"), *t = attr(atts, "t");
		const char *s = attr(atts, "s");
		int col = c->prev_col + 1;
		if (ref) {
			long row;
			int k = wb_parse_ref(ref, &col, &row);
			if (k < 0 || ref[k] || !col || (row && row != c->row)) {
				c->col = 0;
				sheet_fail(c, "bad cell reference '%.20s'", ref);
				return;
			}
		}
		c->col = col;
		if (col <= c->prev_col) {
			sheet_fail(c, "cells out of order in the row");
			return;
		}
		c->prev_col = col;
		snprintf(c->ctype, sizeof c->ctype, "%s", t ? t : "n");
		c->style = s ? strtol(s, NULL, 10) : 0;
		c->in_cell = 1;
		c->vlen = 0;
		c->vlong = 0;
		c->has_f = c->has_v = 0;
		c->flen = 0;
	} else if (c->in_cell && !strcmp(n, "f")) {
		c->in_f = c->has_f = 1;
	} else if (c->in_cell && (!strcmp(n, "v") || (!strcmp(n, "t") && c->in_is &&
						      !c->in_rph))) {
		c->in_v = c->has_v = 1;
	} else if (c->in_cell && !strcmp(n, "is")) {
		c->in_is = c->has_v = 1;
	} else if (c->in_cell && !strcmp(n, "rPh")) {
		c->in_rph = 1;
	}
}

static void sheet_text(void *ud, const XML_Char *s, int len)
{
	struct sheet_ctx *c = ud;
	if (c->in_f && !c->x.failed) {
		size_t room = sizeof c->ftext - 1 - c->flen;
		size_t k = (size_t)len < room ? (size_t)len : room;
		memcpy(c->ftext + c->flen, s, k);
		c->flen += k;
		return;
	}
	if (!c->in_v || c->x.failed)
		return;
	if (c->vlen + (size_t)len > MAX_CELL_BYTES) {
		c->vlong = 1;
		return;
	}
	memcpy(c->v + c->vlen, s, (size_t)len);
	c->vlen += (size_t)len;
}

/* Trimmed copy of a number's text: XML allows spaces around it. */
static const char *trim_span(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, (*n)--;
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' ||
		      s[*n - 1] == '\n' || s[*n - 1] == '\r'))
		(*n)--;
	return s;
}

static void put_cell(struct sheet_ctx *c, const char *s, size_t n,
		     unsigned char type)
{
	int rc = 0;
	if (!n || !in_cols(c, c->col))
		return;
	while (c->next_col < c->col && rc == 0) {
		rc = wb_row_add(&c->cells, "", 0, ASSAY_CELL_EMPTY);
		c->next_col++;
	}
	if (rc == 0)
		rc = wb_row_add(&c->cells, s, n, type);
	c->next_col = c->col + 1;
	if (rc == -1)
		sheet_fail(c, "the row holds more than 64 MiB of text");
	else if (rc)
		sheet_fail(c, "out of memory");
}

static void end_cell(struct sheet_ctx *c)
{
	assay_workbook *wb = c->x.wb;
	const char *t = c->ctype;
	size_t n = c->vlen;
	const char *s = trim_span(c->v, &n);
	char date[16];

	if (c->vlong) {
		sheet_fail(c, "the cell holds more than 32767 characters");
		return;
	}
	c->v[c->vlen] = 0;
	if (c->has_f && ((!n && strcmp(t, "str") && strcmp(t, "inlineStr")) ||
			 !c->has_v)) {
		/* A formula without its result: reading it as an empty cell
		 * would make a column of formulas a column of NA.  (A formula
		 * whose result is "" is t="str" with an empty <v>: empty.  A
		 * t="str" cell with no <v> at all has no result: it was read
		 * as empty.) */
		char f[sizeof c->ftext + 2];
		snprintf(f, sizeof f, "=%.*s", (int)c->flen, c->ftext);
		put_cell(c, f, strlen(f), ASSAY_CELL_FORMULA);
		return;
	}
	if (c->has_f && wb->full_calc_on_load) {
		/* The workbook asks to be recalculated when opened: its writer
		 * (XlsxWriter, for one) stored a placeholder -- 0 for every
		 * formula -- not the result, which a spreadsheet program
		 * computes on opening.  Read as stored, a column of sums is a
		 * column of zeros. */
		char why[sizeof c->ftext + 192];
		snprintf(why, sizeof why, "the cell holds a formula (=%.*s) whose "
			 "stored result may be a placeholder: the workbook asks to "
			 "be recalculated on opening (fullCalcOnLoad); open and "
			 "save it in a spreadsheet program",
			 (int)(c->flen < 70 ? c->flen : 70), c->ftext);
		put_cell(c, why, strlen(why), ASSAY_CELL_FORMULA);
		return;
	}
	if (!strcmp(t, "s")) {
		char *end;
		char num[24];
		snprintf(num, sizeof num, "%.*s", (int)(n < 20 ? n : 20), s);
		errno = 0;
		unsigned long k = strtoul(num, &end, 10);
		if (!n)
			return;
		if (*end || errno || num[0] == '-' || k >= wb->nsst) {
			sheet_fail(c, "shared string '%s' is not in the table (%zu "
				   "strings)", num, wb->nsst);
			return;
		}
		const char *str = wb->sst + wb->sst_off[k];
		put_cell(c, str, strlen(str), ASSAY_CELL_TEXT);
	} else if (!strcmp(t, "inlineStr") || !strcmp(t, "str")) {
		put_cell(c, c->v, xstring_decode(c->v, c->vlen), ASSAY_CELL_TEXT);
	} else if (!strcmp(t, "b")) {
		if (n)
			put_cell(c, n == 1 && s[0] == '1' ? "TRUE" : "FALSE",
				 n == 1 && s[0] == '1' ? 4 : 5, ASSAY_CELL_BOOL);
	} else if (!strcmp(t, "e")) {
		put_cell(c, s, n, ASSAY_CELL_ERROR);
	} else if (!strcmp(t, "d")) {
		/* ISO 8601 date (strict OOXML): the day part */
		put_cell(c, s, n > 10 && s[10] == 'T' ? 10 : n, ASSAY_CELL_DATE);
	} else if (!strcmp(t, "n")) {
		if (!n)
			return;
		int cls = c->style >= 0 && (size_t)c->style < wb->nxf
			  ? wb->xf_class[c->style] : FMT_NUMBER;
		if (cls == FMT_PERCENT || cls == FMT_SCALED) {
			put_cell(c, s, n, cls == FMT_PERCENT ? ASSAY_CELL_PERCENT
				 : ASSAY_CELL_SCALED);
			return;
		}
		if (cls == FMT_DATE || cls == FMT_YEAR || cls == FMT_MONTH) {
			char num[64];
			snprintf(num, sizeof num, "%.*s", (int)(n < 60 ? n : 60), s);
			char *end;
			double v = strtod(num, &end);
			if (!*end && wb_serial_to_date(v, wb->date1904, date, sizeof date)) {
				/* the year or month it shows: "2015", "2024-01" */
				put_cell(c, date, cls == FMT_YEAR ? 4 : cls == FMT_MONTH
					 ? 7 : strlen(date), ASSAY_CELL_DATE);
				return;
			}
		}
		put_cell(c, s, n, ASSAY_CELL_NUMBER);
	} else {
		sheet_fail(c, "unknown cell type '%s'", t);
	}
}

static void sheet_end(void *ud, const XML_Char *name)
{
	struct sheet_ctx *c = ud;
	const char *n = local(name);
	if (c->x.failed || c->x.done)
		return;
	if (!strcmp(n, "f")) {
		c->in_f = 0;
	} else if (!strcmp(n, "v") || !strcmp(n, "t")) {
		c->in_v = 0;
	} else if (!strcmp(n, "rPh")) {
		c->in_rph = 0;
	} else if (!strcmp(n, "is")) {
		c->in_is = 0;
	} else if (!strcmp(n, "c") && c->in_cell) {
		c->in_cell = c->in_v = c->in_is = c->in_rph = c->in_f = 0;
		end_cell(c);
	} else if (!strcmp(n, "row") && c->in_row) {
		c->in_row = 0;
		c->prev_row = c->row;
		c->col = 0;
		if (!c->cells.n || !in_rows(c, c->row))
			return;
		for (size_t i = 0; i < c->cells.n; i++)
			c->cells.text[i] = c->cells.buf + c->cells.off[i];
		if (c->fn(c->ud, c->row, c->cells.n, c->cells.text, c->cells.clen,
			  c->cells.type)) {
			c->x.done = 1;
			XML_StopParser(c->x.p, XML_FALSE);
		}
	} else if (!strcmp(n, "sheetData")) {
		c->x.done = 1;  /* what follows (merges, formats) is not data */
		XML_StopParser(c->x.p, XML_FALSE);
	}
}

int wb_read_xlsx(assay_workbook *wb, size_t idx, const assay_cell_range *range,
		        assay_row_fn fn, void *ud, assay_error *err)
{
	struct sheet_ctx c = { .x = { .wb = wb, .err = err } };
	if (!wb->sheet[idx].part)
		return assay_fail(err, ASSAY_EUSAGE, "%s: sheet '%s' has no part "
				  "in the ZIP (a chart sheet?)", wb->path,
				  wb->sheet[idx].name);
	c.sheet = wb->sheet[idx].name;
	c.r = range;
	c.fn = fn;
	c.ud = ud;
	c.v = malloc(MAX_CELL_BYTES + 1);
	if (!c.v)
		return assay_fail(err, ASSAY_EIO, "out of memory");
	int rc = parse_part(&c.x, wb->sheet[idx].part, 1, sheet_start, sheet_end,
			    sheet_text);
	free(c.v);
	wb_row_free(&c.cells);
	return rc;
}
