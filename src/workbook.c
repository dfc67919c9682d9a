/*
 * Workbooks (see workbook.h): .xlsx through libzip and expat, streamed
 * row by row; .xls through libfreexl.
 */
#include <errno.h>
#include <expat.h>
#include <freexl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zip.h>

#include "assay/workbook.h"
#include "c_locale.h"

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
};

struct assay_workbook {
	char *path;
	enum assay_file_format fmt;
	zip_t *zip;
	const void *xls;        /* libfreexl handle */
	struct sheet *sheet;
	size_t nsheet;
	int date1904;
	char *wb_part, *sst_part, *styles_part;
	unsigned char *xf_date; /* per cell style: its format is a date */
	size_t nxf;
	char *sst;              /* shared strings, NUL-separated */
	size_t sst_len, sst_cap;
	size_t *sst_off;
	size_t nsst, sst_offcap;
};

enum assay_file_format assay_file_sniff(const unsigned char *h, size_t n)
{
	if (n >= 4 && !memcmp(h, "PK\x03\x04", 4))
		return ASSAY_FILE_XLSX;
	if (n >= 8 && !memcmp(h, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
		return ASSAY_FILE_XLS;
	return ASSAY_FILE_TEXT;
}

/* ---- small helpers -------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}

static char *xstrdup(const char *s)
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
static int parse_ref(const char *s, int *col, long *row)
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
	k1 = parse_ref(s, &c1, &r1);
	if (k1 < 0 || s[k1] != ':' || !c1 || !r1 ||
	    (k2 = parse_ref(s + k1 + 1, &c2, &r2)) < 0 || s[k1 + 1 + k2] ||
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
		return xstrdup(out);
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
	return xstrdup(out);
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
	} else if (!strcmp(n, "sheet")) {
		const char *sn = attr(atts, "name"), *rid = attr(atts, "id");
		const char *state = attr(atts, "state");
		if (!sn || !rid)
			return;
		wb->sheet = xrealloc(wb->sheet, (wb->nsheet + 1) * sizeof *wb->sheet);
		if (!wb->sheet) {
			assay_fail(x->err, ASSAY_EIO, "out of memory");
			xml_fail_stop(x);
			return;
		}
		wb->sheet[wb->nsheet++] = (struct sheet){
			xstrdup(sn), xstrdup(rid), NULL,
			state && strcmp(state, "visible")
		};
	}
}

/* ---- styles: which cell formats are dates -------------------------- */

/* Built-in number formats that show dates (ECMA-376 18.8.30 and the
 * East Asian ones Excel uses). */
static int builtin_is_date(long id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
	       (id >= 45 && id <= 47) || (id >= 50 && id <= 58) ||
	       (id >= 71 && id <= 81);
}

/* A format code shows a date when, outside quoted text, escapes and
 * [brackets] (colours, elapsed [h]), it has y, d, or an m with no h or s
 * (m next to h or s is minutes). */
static int code_is_date(const char *code)
{
	int y = 0, d = 0, m = 0, hs = 0;
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
		}
	}
	return y || d || (m && !hs);
}

struct styles_ctx {
	struct xml_ctx x;
	long *fmt_id;           /* custom formats: ids ... */
	unsigned char *fmt_date;        /* ... and whether each is a date */
	size_t nfmt;
	int in_xfs;
};

static int fmt_is_date(struct styles_ctx *s, long id)
{
	for (size_t i = 0; i < s->nfmt; i++)
		if (s->fmt_id[i] == id)
			return s->fmt_date[i];
	return builtin_is_date(id);
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
		s->fmt_id = xrealloc(s->fmt_id, (s->nfmt + 1) * sizeof *s->fmt_id);
		s->fmt_date = xrealloc(s->fmt_date, s->nfmt + 1);
		if (!s->fmt_id || !s->fmt_date)
			goto oom;
		s->fmt_id[s->nfmt] = strtol(id, NULL, 10);
		s->fmt_date[s->nfmt++] = (unsigned char)code_is_date(code);
	} else if (!strcmp(n, "cellXfs")) {
		s->in_xfs = 1;
	} else if (!strcmp(n, "xf") && s->in_xfs) {
		const char *id = attr(atts, "numFmtId");
		wb->xf_date = xrealloc(wb->xf_date, wb->nxf + 1);
		if (!wb->xf_date)
			goto oom;
		wb->xf_date[wb->nxf++] =
			(unsigned char)fmt_is_date(s, id ? strtol(id, NULL, 10) : 0);
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

/* ---- opening -------------------------------------------------------- */

static int open_xlsx(assay_workbook *wb, int fd, assay_error *err)
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
		wb->wb_part = xstrdup("xl/workbook.xml");
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
		free(s.fmt_date);
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

static int open_xls(assay_workbook *wb, assay_error *err)
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
		wb->sheet[i].name = xstrdup(name ? name : "");
		wb->nsheet++;
	}
	if (!wb->nsheet)
		return assay_fail(err, ASSAY_EUSAGE, "%s: the workbook has no "
				  "sheets", wb->path);
	return 0;
}

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
	int rc = fmt == ASSAY_FILE_XLSX ? open_xlsx(wb, fd, err)
		 : fmt == ASSAY_FILE_XLS ? open_xls(wb, err)
		 : assay_fail(err, ASSAY_EUSAGE, "%s: not a workbook", path);
	assay_c_locale_leave(saved);
	if (rc) {
		assay_workbook_close(wb);
		return -1;
	}
	*out = wb;
	return 0;
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
	free(wb->xf_date);
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
		for (size_t i = 0; i < wb->nsheet; i++)
			if (!strcmp(wb->sheet[i].name, spec))
				return *idx = i, 0;
		for (size_t i = 0; i < wb->nsheet; i++)
			if (!strcasecmp(wb->sheet[i].name, spec))
				return *idx = i, 0;
		if (*spec && !*end && k >= 1 && (size_t)k <= wb->nsheet)
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

struct rowbuf {
	char *buf;
	size_t len, cap;
	size_t *off, *clen;
	unsigned char *type;
	char **text;
	size_t n, capn;
};

static int row_add(struct rowbuf *r, const char *s, size_t n, unsigned char type)
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

static void row_free(struct rowbuf *r)
{
	free(r->buf);
	free(r->off);
	free(r->clen);
	free(r->type);
	free(r->text);
}

/* An Excel serial day number as YYYY-MM-DD; 0 when it is no date. */
static int serial_to_date(double v, int date1904, char *out, size_t n)
{
	if (!isfinite(v) || v < 0 || v >= 2958466)  /* 9999-12-31 */
		return 0;
	long day = (long)floor(v);
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
			int k = parse_ref(ref, &col, &row);
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
	} else if (c->in_cell && (!strcmp(n, "v") || (!strcmp(n, "t") && c->in_is &&
						      !c->in_rph))) {
		c->in_v = 1;
	} else if (c->in_cell && !strcmp(n, "is")) {
		c->in_is = 1;
	} else if (c->in_cell && !strcmp(n, "rPh")) {
		c->in_rph = 1;
	}
}

static void sheet_text(void *ud, const XML_Char *s, int len)
{
	struct sheet_ctx *c = ud;
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
		rc = row_add(&c->cells, "", 0, ASSAY_CELL_EMPTY);
		c->next_col++;
	}
	if (rc == 0)
		rc = row_add(&c->cells, s, n, type);
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
		put_cell(c, c->v, c->vlen, ASSAY_CELL_TEXT);
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
		if (c->style >= 0 && (size_t)c->style < wb->nxf && wb->xf_date[c->style]) {
			char num[64];
			snprintf(num, sizeof num, "%.*s", (int)(n < 60 ? n : 60), s);
			char *end;
			double v = strtod(num, &end);
			if (!*end && serial_to_date(v, wb->date1904, date, sizeof date)) {
				put_cell(c, date, strlen(date), ASSAY_CELL_DATE);
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
	if (!strcmp(n, "v") || !strcmp(n, "t")) {
		c->in_v = 0;
	} else if (!strcmp(n, "rPh")) {
		c->in_rph = 0;
	} else if (!strcmp(n, "is")) {
		c->in_is = 0;
	} else if (!strcmp(n, "c") && c->in_cell) {
		c->in_cell = c->in_v = c->in_is = c->in_rph = 0;
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

static int read_xlsx(assay_workbook *wb, size_t idx, const assay_cell_range *range,
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
	row_free(&c.cells);
	return rc;
}

/* ---- reading an .xls sheet ----------------------------------------- */

static int read_xls(assay_workbook *wb, size_t idx, const assay_cell_range *range,
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
			int k = row_add(&cells, s, strlen(s), type);
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
	row_free(&cells);
	return rc;
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
	int rc = wb->fmt == ASSAY_FILE_XLSX ? read_xlsx(wb, idx, range, fn, ctx, err)
		 : read_xls(wb, idx, range, fn, ctx, err);
	assay_c_locale_leave(saved);
	return rc;
}
