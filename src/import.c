/*
 * The importer (see import.h).  libcsv does the CSV grammar; this file does
 * what real commodity files need on top of it: preamble lines, a units row,
 * layouts, NA markers, thousands separators, qualifiers, period labels,
 * vintages and exact error positions.
 *
 * Memory stays constant in the file's size: rows are handled one at a time,
 * and only the series seen (a hash table of names) is kept.
 */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "assay/import.h"
#include "assay/workbook.h"
#include "c_locale.h"
#include "utf8.h"

#define MAX_ERRMSG 900
/* Lines searched for a header that resolves, when none is given. */
#define HEADER_SEARCH_LINES 50

static const char *const default_na[] = {
	"", "NA", "N/A", "n/a", "na", "#N/A", ".", "..", "...", "\xE2\x80\xA6",
	"-", "--", "W", "nan", "NaN", "null", "NULL"
};

static const char *const meta_names[ASSAY_META_COUNT] = {
	"commodity", "region", "measure", "unit", "source", "notes", "kind"
};

int assay_meta_field_parse(const char *name)
{
	for (int i = 0; i < ASSAY_META_COUNT; i++)
		if (!strcmp(name, meta_names[i]))
			return i;
	return -1;
}

const char *assay_meta_field_name(int field)
{
	return field >= 0 && field < ASSAY_META_COUNT ? meta_names[field] : "";
}

/* ---- small string helpers ------------------------------------------- */

/* Out of memory inside an import: unwind to assay_import(), which rolls
 * the transaction back, frees what it holds and returns an error (the
 * library never aborts).  One target per thread: imports may run in
 * several threads at once. */
static _Thread_local jmp_buf *oom_target;

static _Noreturn void out_of_memory(void)
{
	if (oom_target)
		longjmp(*oom_target, 1);
	abort();        /* not reached: every caller runs inside an import */
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		out_of_memory();
	return d;
}

/* Trim ASCII blanks (and the no-break space U+00A0) in place. */
static char *trim(char *s)
{
	char *e;
	for (;;) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
			s += 2;
		else
			break;
	}
	e = s + strlen(s);
	for (;;) {
		if (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			      e[-1] == '\n'))
			e--;
		else if (e - s >= 2 && (unsigned char)e[-2] == 0xC2 &&
			 (unsigned char)e[-1] == 0xA0)
			e -= 2;
		else
			break;
	}
	*e = 0;
	return s;
}

static size_t utf8_len(const unsigned char *s);

char *assay_slug(const char *in, char *out, size_t n)
{
	size_t k = 0;
	int dash = 0;
	if (n == 0)
		return out;
	/* ASCII tests by hand, not isalnum/tolower: this is public and may
	 * run in a caller's single-byte locale, where tolower would change
	 * the bytes of UTF-8 characters. */
	for (const unsigned char *s = (const unsigned char *)in; *s; s++) {
		int upper = *s >= 'A' && *s <= 'Z';
		int keep = upper || (*s >= 'a' && *s <= 'z') ||
			   (*s >= '0' && *s <= '9') || *s >= 0x80 || *s == '.' ||
			   *s == '_';
		if (*s == 0xC2 && s[1] == 0xA0) {      /* no-break space */
			s++;
			keep = 0;
		}
		if (!keep) {
			dash = k > 0;
			continue;
		}
		if (dash && k + 1 < n)
			out[k++] = '-';
		dash = 0;
		size_t len = *s >= 0x80 ? utf8_len(s) : 1;
		if (len > 1) {
			/* Capitals outside ASCII are lowered too (Último ->
			 * último), by table: no locale is consulted. */
			unsigned char low[4];
			size_t m = assay_utf8_lower(s, len, low);
			if (k + m < n) {
				memcpy(out + k, low, m);
				k += m;
			} else {
				n = k + 1;      /* no partial character */
			}
			s += len - 1;
			continue;
		}
		if (k + 1 < n)
			out[k++] = (char)(upper ? *s + ('a' - 'A') : *s);
	}
	out[k] = 0;
	return out;
}

/* Length of the well-formed UTF-8 sequence at s (1 to 4), or 0 when the
 * bytes there are no UTF-8: a stray continuation byte, a truncated or
 * overlong sequence, a surrogate or a code point past U+10FFFF. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
		unsigned char hi = c == 0xED ? 0x9F : 0xBF;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
		       (s[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* Is the character at s (of UTF-8 length len) a control character: C0,
 * DEL, or C1 (U+0080-U+009F, what a cp1252 file read as latin1 gives)? */
static int is_control(const unsigned char *s, size_t len)
{
	return (len == 1 && (s[0] < 0x20 || s[0] == 0x7f)) ||
	       (len == 2 && s[0] == 0xC2 && s[1] < 0xA0);
}

/* A cell as a message shows it: shortened to fit buf (n >= 8), with
 * control characters and bytes that are no UTF-8 escaped, so that a
 * message stays one line of valid UTF-8 even when a quoted cell holds a
 * line break or the file is in another encoding. */
static const char *shown(const char *s, char *buf, size_t n)
{
	size_t k = 0;
	while (*s) {
		const unsigned char *u = (const unsigned char *)s;
		size_t step = utf8_len(u);
		char esc[16];
		if (step == 1 && *u == '\n')
			strcpy(esc, "\\n");
		else if (step == 1 && *u == '\r')
			strcpy(esc, "\\r");
		else if (step == 1 && *u == '\t')
			strcpy(esc, "\\t");
		else if (step == 0 || is_control(u, step)) {
			if (step == 0)
				step = 1;
			for (size_t i = 0; i < step; i++)
				snprintf(esc + 4 * i, sizeof esc - 4 * i, "\\x%02x", u[i]);
		} else {
			memcpy(esc, s, step);
			esc[step] = 0;
		}
		size_t len = strlen(esc);
		if (k + len + 4 > n && (s[step] || k + len + 1 > n)) {
			memcpy(buf + k, "...", 4);
			return buf;
		}
		memcpy(buf + k, esc, len);
		k += len;
		s += step;
	}
	buf[k] = 0;
	return buf;
}

/* The first byte of s that makes it no name: not UTF-8 (*bad_utf8 set),
 * or a control character (a line break, a tab).  NULL when s is fine. */
static const char *name_flaw(const char *s, int *bad_utf8)
{
	for (const unsigned char *u = (const unsigned char *)s; *u;) {
		size_t len = utf8_len(u);
		*bad_utf8 = len == 0;
		if (len == 0 || is_control(u, len))
			return (const char *)u;
		u += len;
	}
	return NULL;
}

/* ---- growable strings (names of any length) ---------------------------- */

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_reserve(struct sbuf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (!s)
		out_of_memory();
	b->s = s;
	b->cap = cap;
}

static void sb_cat(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	sb_reserve(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* Append the slug of s (never longer than s). */
static void sb_slug(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	sb_reserve(b, n);
	assay_slug(s, b->s + b->len, n + 1);
	b->len += strlen(b->s + b->len);
}

/* ---- series table: names seen in this import ------------------------ */

struct series_entry {
	char *name;
	int64_t id;
	assay_freq freq;        /* stored or first seen */
	int is_new;             /* created by this import */
	long created_at;        /* line of the row that added it to the map */
};

struct series_map {
	struct series_entry *slot;
	size_t cap, n;
};

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;       /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct series_entry *map_find(struct series_map *m, const char *name,
				     int *found)
{
	if (m->n * 2 >= m->cap) {
		size_t ncap = m->cap ? 2 * m->cap : 1024;
		struct series_entry *ns = calloc(ncap, sizeof *ns);
		if (!ns)
			out_of_memory();
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->slot[i].name)
				continue;
			size_t j = hash_name(m->slot[i].name) & (ncap - 1);
			while (ns[j].name)
				j = (j + 1) & (ncap - 1);
			ns[j] = m->slot[i];
		}
		free(m->slot);
		m->slot = ns;
		m->cap = ncap;
	}
	size_t j = hash_name(name) & (m->cap - 1);
	while (m->slot[j].name) {
		if (!strcmp(m->slot[j].name, name)) {
			*found = 1;
			return &m->slot[j];
		}
		j = (j + 1) & (m->cap - 1);
	}
	*found = 0;
	return &m->slot[j];
}

/* Forget the entries added by the row at `line` (its writes were rolled
 * back): rebuild the table from the others.  Only --skip-bad needs it. */
static void map_forget_row(struct series_map *m, long line)
{
	struct series_map keep = { 0 };
	for (size_t i = 0; i < m->cap; i++) {
		struct series_entry *e = &m->slot[i];
		int found;
		if (!e->name)
			continue;
		if (e->created_at == line) {
			free(e->name);
			continue;
		}
		*map_find(&keep, e->name, &found) = *e;
		keep.n++;
	}
	free(m->slot);
	*m = keep;
}

static void map_free(struct series_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slot[i].name);
	free(m->slot);
	memset(m, 0, sizeof *m);
}

/* ---- the reader state ----------------------------------------------- */

struct value_col {
	int idx;                /* field index */
	char *part;             /* name part (wide: slug of the header) */
	char *unit;             /* from a units row, or NULL */
	assay_period period;    /* table layout: from the header */
	assay_freq pfreq;
	const char *meta[ASSAY_META_COUNT];     /* from --col-meta/--meta */
	int pct;                /* --percent: 1 its values end in %, -1 they
				 * do not, 0 none read yet */
	long pct_line;          /* where pct was decided */
};

struct col_meta {
	char *spec;             /* header, glob, column number or series */
	char *val[ASSAY_META_COUNT];
	int used;
	char origin[160];       /* "--col-meta 'Vol.:...'" or "FILE:LINE" */
};

#define MAX_SUFFIX 16
struct suffix {
	char text[8];           /* "K" */
	double mult;            /* 1e3 */
	int pow10;              /* mult is 10^pow10 (else INT_MIN) */
};

enum state { BEFORE_HEADER, AFTER_HEADER, IN_DATA };
enum cell_kind { CELL_VALUE, CELL_NA, CELL_QUALIFIED, CELL_BAD, CELL_PERCENT };

struct importer {
	const assay_import_opts *o;
	assay_import_result *res;
	assay_error *err;
	assay_store *st;
	sqlite3 *db;
	const char *path;       /* as shown in messages */
	int pass;               /* 1: validate, 2: write */
	int failed;             /* stop feeding: err is filled */
	int stop;               /* stop feeding: pass one has learnt enough */
	struct csv_parser *parser;      /* while feeding */
	char delim;
	assay_layout layout;

	/* current record */
	char *buf;              /* fields, NUL-separated */
	size_t buflen, bufcap;
	size_t *off;            /* field offsets into buf */
	unsigned char *ftype;   /* per field: enum assay_cell_type (CSV: TEXT) */
	size_t nfield, capfield;
	char **field;           /* pointers, valid in on_record */
	long line;              /* physical line being parsed */
	long row_line;          /* line where the current record started */
	long rec_line;          /* line where the record being parsed began */

	/* header */
	enum state state;
	char **header;
	size_t nheader;
	size_t hwidth;          /* columns: up to the last named header cell */
	int *unnamed;           /* wide: columns with no name, to stay empty */
	size_t nunnamed;
	long header_at;
	char header_err[MAX_ERRMSG + 128];      /* why the first guess failed */
	char header_last_err[MAX_ERRMSG + 128]; /* why the latest one failed */
	int header_status;
	int date_col, series_col, value_col;
	int *key_col;
	size_t nkey;
	struct value_col *vcol;
	size_t nvcol;
	int meta_col[ASSAY_META_COUNT];
	enum cell_kind *cell;   /* per value column, this row */
	double *val;

	/* dates: how to read full dates, decided after pass one */
	long day_cells;
	int all_month_start, one_weekday, weekday;
	int64_t first_day;
	int distinct_days;
	int no_stats;           /* this row's date is not counted */
	assay_freq day_freq;
	assay_freq file_freq;   /* of the first value, for the summary */

	/* pass two */
	struct series_map map;
	int64_t import_id;
	char vintage[32];
	sqlite3_stmt *q_series_get, *q_series_add, *q_series_meta,
		*q_obs_get, *q_obs_add, *q_obs_set, *q_rev_add, *q_rev_has,
		*q_vintage;
	int64_t cached_vintage_id;
	char cached_vintage[32];
	EVP_MD_CTX *sha;        /* sha256 of the file, for the import record */
	struct sbuf name;       /* the series name being built */
	char *conv;             /* --encoding: text converted to UTF-8 */

	char **map_from, **map_to;      /* --map, --map-file */
	size_t nmap;
	struct col_meta *cmeta;         /* --col-meta, --meta FILE */
	size_t ncmeta;
	struct suffix suffix[MAX_SUFFIX];       /* --suffix */
	size_t nsuffix;

	/* a workbook (.xlsx, .xls) instead of text */
	assay_workbook *wb;
	size_t sheet;
	const char *sheet_name; /* NULL: a CSV file */
	assay_cell_range range;
	int col1;               /* sheet column of field 1 */
	long first_line;        /* lines before the range (header search) */
};

static int fail_at(struct importer *im, long line, int col, int status,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Send a notice, on one line whatever the data hold: shown() escapes the
 * control characters of a header or cell quoted raw. */
static void notify(struct importer *im, const char *msg)
{
	char line[MAX_ERRMSG + 1200];
	if (!im->o->notice)
		return;
	shown(msg, line, sizeof line);
	im->o->notice(im->o->ctx, line);
}

/* Where a cell is, as messages name it: "FILE:LINE:COL" for text,
 * "FILE[SHEET]!C7" for a workbook (LINE is then the sheet's row, COL the
 * field number from the range's first column). */
static const char *where(struct importer *im, long line, int col, char *buf,
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

static int fail_at(struct importer *im, long line, int col, int status,
		   const char *fmt, ...)
{
	char msg[MAX_ERRMSG], at[512], full[MAX_ERRMSG + 520], clean[sizeof full];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* the whole message, place included: a sheet's name comes from the
	 * file too */
	snprintf(full, sizeof full, "%s: %s", where(im, line, col, at, sizeof at),
		 msg);
	shown(full, clean, sizeof clean);      /* one line, as notify() */
	assay_fail(im->err, status, "%s", clean);
	im->failed = 1;
	return -1;
}

#define ENCODING_HINT "; give the file's encoding with --encoding, e.g. " \
	"--encoding cp1252"

/* A name or a metadata text the store keeps must be UTF-8 (JSON output
 * and terminals need it) without control characters (a line break in a
 * name breaks every listing).  `what` says what s is ("series name");
 * line 0 means it came from a flag. */
static int check_name_fix(struct importer *im, const char *s, long line,
			  int col, const char *what, const char *fix)
{
	char buf[96];
	int bad_utf8;
	const char *at = name_flaw(s, &bad_utf8);
	if (!at)
		return 0;
	if (bad_utf8)
		return fail_at(im, line, col, ASSAY_EUSAGE,
			       "invalid UTF-8 in %s '%s' (byte 0x%02x%s)", what,
			       shown(s, buf, sizeof buf), (unsigned char)*at,
			       line ? ENCODING_HINT : "");
	char ch[8] = { 0 }, chbuf[24];
	memcpy(ch, at, utf8_len((const unsigned char *)at));
	return fail_at(im, line, col, ASSAY_EUSAGE,
		       "%s '%s' holds the control character %s%s", what,
		       shown(s, buf, sizeof buf), shown(ch, chbuf, sizeof chbuf),
		       (unsigned char)*at >= 0x80 && im->o->encoding
		       ? " (U+0080-U+009F: is --encoding right? cp1252 rather "
			 "than latin1?)" : fix ? fix : "");
}

static int check_name(struct importer *im, const char *s, long line, int col,
		      const char *what)
{
	return check_name_fix(im, s, line, col, what, NULL);
}

static int db_error(struct importer *im)
{
	assay_fail(im->err, ASSAY_EIO, "%s: %s", assay_store_path(im->st),
		   sqlite3_errmsg(im->db));
	im->failed = 1;
	return -1;
}

/* --map: a key cell or header that equals (exactly, after trimming) an
 * entry's OLD reads as its NEW, before names are made from it. */
static const char *mapped(struct importer *im, const char *s)
{
	for (size_t k = 0; k < im->nmap; k++)
		if (!strcmp(s, im->map_from[k]))
			return im->map_to[k];
	return s;
}

/* ---- header ------------------------------------------------------------ */

/* Is spec a column number (1-based; *k gets it) rather than a name? */
static int col_number(const char *spec, long *k)
{
	char *end;
	*k = strtol(spec, &end, 10);
	return *spec && !*end;
}

/* A column after c with the same name (case-insensitive), or -1. */
static int same_name_after(struct importer *im, int c)
{
	for (size_t j = (size_t)c + 1; j < im->nheader; j++)
		if (!strcasecmp(im->header[j], im->header[c]))
			return (int)j;
	return -1;
}

/* Column named `spec` (a header text, case-insensitive, or a 1-based
 * number within the header's width); -1 when absent. */
static int find_col(struct importer *im, const char *spec)
{
	long k;
	if (col_number(spec, &k))
		return k >= 1 && (size_t)k <= im->hwidth ? (int)k - 1 : -1;
	for (size_t i = 0; i < im->nheader; i++)
		if (!strcasecmp(im->header[i], spec))
			return (int)i;
	return -1;
}

/* First column whose header is one of `names`; -1 when none. */
static int guess_col(struct importer *im, const char *const *names)
{
	for (size_t i = 0; i < im->nheader; i++)
		for (const char *const *n = names; *n; n++)
			if (!strcasecmp(im->header[i], *n))
				return (int)i;
	return -1;
}

/* A column chosen by its name must be the only one of that name: with
 * two, which one holds the data is a guess.  Returns -1 (and fails) when
 * the name of column c is taken twice. */
static int unique_name(struct importer *im, int c, const char *flag)
{
	char buf[64];
	int d = same_name_after(im, c);
	if (d < 0)
		return 0;
	return fail_at(im, im->header_at, d + 1, ASSAY_EUSAGE,
		       "columns %d and %d are both named '%s': which one is "
		       "meant is a guess (give its number: %s %d or %d)", c + 1,
		       d + 1, shown(im->header[c], buf, sizeof buf), flag, c + 1,
		       d + 1);
}

/* The column `spec` given by the flag `flag` ("--date-col"); -1 (failed)
 * when the header has no such column or has its name twice. */
static int need_col(struct importer *im, const char *spec, const char *what,
		    const char *flag)
{
	char buf[64];
	long k;
	int c = find_col(im, spec);
	int number = col_number(spec, &k);
	if (c >= 0)
		return !number && unique_name(im, c, flag) ? -1 : c;
	if (number && k < 1)
		fail_at(im, 0, 0, ASSAY_EUSAGE, "%s %s: columns are numbered "
			"from 1", flag, spec);
	else if (number)
		fail_at(im, im->header_at, 0, ASSAY_EUSAGE, "%s %s: the header "
			"has %zu column%s", flag, spec, im->hwidth,
			im->hwidth == 1 ? "" : "s");
	else
		fail_at(im, im->header_at, 0, ASSAY_EUSAGE,
			"no %s column '%s' in the header", what,
			shown(spec, buf, sizeof buf));
	return -1;
}

static int col_is_used(struct importer *im, int c)
{
	if (c == im->date_col || c == im->series_col || c == im->value_col)
		return 1;
	for (size_t i = 0; i < im->nkey; i++)
		if (im->key_col[i] == c)
			return 1;
	for (int f = 0; f < ASSAY_META_COUNT; f++)
		if (im->meta_col[f] == c)
			return 1;
	return 0;
}

/* "Cobalt (BGS (2016))" -> "Cobalt": a trailing parenthesised group
 * names a source or unit, not the series.  Returns a new string. */
static char *strip_paren_suffix(const char *h)
{
	char *out = xstrdup(h);
	size_t len = strlen(out);
	while (len && out[len - 1] == ' ')
		len--;
	if (len && out[len - 1] == ')') {
		int depth = 0;
		for (size_t i = len; i-- > 0;) {
			depth += out[i] == ')';
			depth -= out[i] == '(';
			if (depth == 0) {
				if (i > 0)      /* keep a header that is only "(...)" */
					out[i] = 0;
				break;
			}
		}
	}
	return out;
}

static void add_value_col(struct importer *im, int c)
{
	im->vcol = realloc(im->vcol, (im->nvcol + 1) * sizeof *im->vcol);
	if (!im->vcol)
		out_of_memory();
	struct value_col *v = &im->vcol[im->nvcol++];
	memset(v, 0, sizeof *v);
	v->idx = c;
	char *name = strip_paren_suffix(mapped(im, im->header[c]));
	if (!name[0]) {         /* an unnamed column picked by its number */
		char num[24];
		snprintf(num, sizeof num, "%d", c + 1);
		free(name);
		name = xstrdup(num);
	}
	v->part = xstrdup(name);        /* a slug is never longer */
	assay_slug(name, v->part, strlen(name) + 1);
	free(name);
}

/* Does a column match one of the comma-separated glob patterns? */
/* Does an entry of the comma-separated list name column c (a glob, a
 * name, case-insensitive, or its 1-based number)? */
static int pattern_names(const char *pat, const char *header, int c)
{
	long k;
	if (col_number(pat, &k))
		return k == c + 1;
	return sqlite3_strglob(pat, header) == 0 || !strcasecmp(pat, header);
}

/* Is column c named by number in the list? */
static int number_in_list(const char *list, int c)
{
	char *copy = xstrdup(list), *save = NULL;
	int hit = 0;
	long k;
	for (char *p = strtok_r(copy, ",", &save); p && !hit;
	     p = strtok_r(NULL, ",", &save))
		hit = col_number(trim(p), &k) && k == c + 1;
	free(copy);
	return hit;
}

/* --col-meta / --meta entries that name value column v (its header, a
 * glob of it, or its number): their fields override the flags and the
 * units row; later entries win. */
static void column_meta(struct importer *im, struct value_col *v)
{
	for (size_t k = 0; k < im->ncmeta; k++) {
		struct col_meta *m = &im->cmeta[k];
		if (!pattern_names(m->spec, im->header[v->idx], v->idx))
			continue;
		m->used = 1;
		for (int f = 0; f < ASSAY_META_COUNT; f++)
			if (m->val[f])
				v->meta[f] = m->val[f];
	}
}

static int matches_any(const char *list, const char *header, int c)
{
	char *copy = xstrdup(list), *save = NULL;
	int hit = 0;
	for (char *p = strtok_r(copy, ",", &save); p && !hit;
	     p = strtok_r(NULL, ",", &save))
		hit = pattern_names(trim(p), header, c);
	free(copy);
	return hit;
}

/* Is the column named in the list literally (not through a wildcard)? */
static int matches_any_exactly(const char *list, const char *header, int c)
{
	char *copy = xstrdup(list), *save = NULL;
	int hit = 0;
	long k;
	for (char *p = strtok_r(copy, ",", &save); p && !hit;
	     p = strtok_r(NULL, ",", &save))
		hit = col_number(trim(p), &k) ? k == c + 1
		      : !strcasecmp(trim(p), header);
	free(copy);
	return hit;
}

static int resolve_keys(struct importer *im)
{
	if (!im->o->key_cols)
		return 0;
	char *copy = xstrdup(im->o->key_cols), *save = NULL;
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int c = need_col(im, trim(p), "key", "--key-cols");
		if (c < 0)
			break;
		im->key_col = realloc(im->key_col, (im->nkey + 1) * sizeof(int));
		if (!im->key_col)
			out_of_memory();
		im->key_col[im->nkey++] = c;
	}
	free(copy);
	return im->failed ? -1 : 0;
}

static const char *const date_names[] = {
	"date", "period", "time", "observation_date", "month", "quarter",
	"year", "dt", "DATE", NULL
};
static const char *const series_names[] = {
	"series", "name", "series_id", "symbol", "ticker", "code", "id", NULL
};
static const char *const value_names[] = {
	"value", "obs_value", "val", "price", "amount", NULL
};

/* Table layout: the period of a column from its header ("PROD_2023",
 * "PROD_EST_ 2024", "2026Q1"): the last token that reads as a period. */
static int header_period(const char *h, assay_period *p, assay_freq *f)
{
	char *buf = xstrdup(h), *tok, *save = NULL;
	int found = 0;
	for (char *s = buf; *s; s++)
		if (*s == '_' || *s == ' ' || *s == '(' || *s == ')')
			*s = ' ';
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		assay_freq tf;
		assay_period tp;
		if (isdigit((unsigned char)tok[0]) &&
		    assay_period_parse(tok, NULL, &tf, &tp, NULL, 0) == 0) {
			*p = tp;
			*f = tf;
			found = 1;
		}
	}
	free(buf);
	return found;
}

static int read_number(const char *s, char decimal, double *v);

/* A "header" that is a row of data: a cell reads as a date finer than a
 * year (2026-01-05, 2026-01, 2026Q1), or as a year next to a number that
 * is no year (a file with no header line at all).  Returns the column of
 * that date, or -1. */
static int header_is_data(struct importer *im)
{
	int date = -1, year = -1, number = 0;
	for (size_t c = 0; c < im->nheader; c++) {
		const char *h = im->header[c];
		assay_freq f;
		assay_period p;
		double v;
		if (isdigit((unsigned char)h[0]) &&
		    assay_period_parse(h, NULL, &f, &p, NULL, 0) == 0) {
			if (f != ASSAY_FREQ_A && date < 0)
				date = (int)c;
			if (f == ASSAY_FREQ_A && year < 0)
				year = (int)c;
		} else if (read_number(h, im->o->decimal, &v) == 0) {
			number = 1;
		}
	}
	return date >= 0 ? date : number ? year : -1;
}

/* A column guessed from its name (date, series, value): -1 when none,
 * -2 (failed) when its name is in the header twice. */
static int guess_unique(struct importer *im, const char *const *names,
			const char *flag)
{
	int c = guess_col(im, names);
	return c >= 0 && unique_name(im, c, flag) ? -2 : c;
}

/* The header cells that name series (the wide layout's value columns)
 * must give names fit to keep: the slug keeps what is not ASCII, and the
 * whole header is kept as the series' commodity unless --commodity gives
 * one (a header cell with a line break is fine then: its slug has none). */
static int check_header_names(struct importer *im)
{
	int as_commodity = !im->o->meta[ASSAY_META_COMMODITY], bad;
	if (im->layout != ASSAY_LAYOUT_WIDE)
		return 0;
	for (size_t i = 0; i < im->nvcol; i++) {
		int c = im->vcol[i].idx;
		if (!name_flaw(im->vcol[i].part, &bad) &&
		    !(as_commodity && name_flaw(im->header[c], &bad)))
			continue;
		return check_name_fix(im, im->header[c], im->header_at, c + 1,
				      "column header", " (kept as the commodity "
				      "of its series: give --commodity)");
	}
	return 0;
}

/* Two value columns must never feed one series: in the wide layout two
 * headers with one slug ("Copper" and "copper (LME)"), in the table
 * layout two headers with one period.  Either would merge two columns
 * into one series, or fail later with a puzzling "second value". */
/* What a value column names: its slug (wide) or its period (table), and
 * where it stands among the value columns. */
struct col_key {
	const char *part;       /* wide; NULL in the table layout */
	assay_period period;    /* table */
	assay_freq pfreq;
	size_t order;
};

static int col_key_cmp(const struct col_key *x, const struct col_key *y)
{
	int c = x->part && y->part ? strcmp(x->part, y->part) : 0;
	if (!c && x->pfreq != y->pfreq)
		c = x->pfreq < y->pfreq ? -1 : 1;
	if (!c && x->period != y->period)
		c = x->period < y->period ? -1 : 1;
	return c;
}

static int by_key_then_order(const void *pa, const void *pb)
{
	const struct col_key *x = pa, *y = pb;
	int c = col_key_cmp(x, y);
	return c ? c : x->order < y->order ? -1 : x->order > y->order;
}

static int check_distinct_columns(struct importer *im)
{
	char a[64], b[64], lbl[32];
	int wide = im->layout == ASSAY_LAYOUT_WIDE;
	if (!wide && im->layout != ASSAY_LAYOUT_TABLE)
		return 0;
	/* Sorted by what they name, columns that name one series are
	 * neighbours: n log n, where comparing every pair took a second on a
	 * header of 20,000 columns.  The pair reported is the one a pairwise
	 * scan in column order meets first: the earliest column that repeats
	 * an earlier one, with the first column it repeats. */
	struct col_key *key = malloc((im->nvcol ? im->nvcol : 1) * sizeof *key);
	if (!key)
		out_of_memory();
	for (size_t i = 0; i < im->nvcol; i++)
		key[i] = (struct col_key){
			.part = wide ? im->vcol[i].part : NULL,
			.period = wide ? 0 : im->vcol[i].period,
			.pfreq = wide ? ASSAY_FREQ_NONE : im->vcol[i].pfreq,
			.order = i };
	qsort(key, im->nvcol, sizeof *key, by_key_then_order);
	size_t first = 0, again = (size_t)-1;
	for (size_t g = 0, k; g < im->nvcol; g = k) {
		for (k = g + 1; k < im->nvcol && !col_key_cmp(&key[g], &key[k]); k++)
			;
		if (k - g >= 2 && key[g + 1].order < again) {
			first = key[g].order;
			again = key[g + 1].order;
		}
	}
	free(key);
	/* a header that gives no name at all is reported where the pairwise
	 * scan would meet it: before a repeat that comes later */
	for (size_t i = 0; wide && i < im->nvcol && i <= again; i++)
		if (!im->vcol[i].part[0])
			return fail_at(im, im->header_at, im->vcol[i].idx + 1,
				       ASSAY_EUSAGE, "column header '%s' gives no "
				       "series name (it needs a letter or digit)",
				       shown(im->header[im->vcol[i].idx], a, sizeof a));
	if (again == (size_t)-1)
		return 0;
	struct value_col *w = &im->vcol[first], *v = &im->vcol[again];
	if (wide)
		return fail_at(im, im->header_at, v->idx + 1, ASSAY_EUSAGE,
			       "columns %d and %d ('%s' and '%s') both name series "
			       "'%s': rename one, or choose with --value-cols",
			       w->idx + 1, v->idx + 1,
			       shown(im->header[w->idx], a, sizeof a),
			       shown(im->header[v->idx], b, sizeof b),
			       shown(v->part, lbl, sizeof lbl));
	return fail_at(im, im->header_at, v->idx + 1, ASSAY_EUSAGE,
		       "columns %d and %d ('%s' and '%s') both hold period %s: "
		       "choose one with --value-cols",
		       w->idx + 1, v->idx + 1,
		       shown(im->header[w->idx], a, sizeof a),
		       shown(im->header[v->idx], b, sizeof b),
		       assay_period_format(v->pfreq, v->period, lbl, sizeof lbl));
}

static int resolve_header(struct importer *im)
{
	const assay_import_opts *o = im->o;
	assay_layout lay = o->layout;

	im->date_col = im->series_col = im->value_col = -1;
	for (int f = 0; f < ASSAY_META_COUNT; f++) {
		char flag[32];
		snprintf(flag, sizeof flag, "--%s-col", meta_names[f]);
		im->meta_col[f] = -1;
		if (o->meta_col[f] &&
		    (im->meta_col[f] = need_col(im, o->meta_col[f], meta_names[f],
						flag)) < 0)
			return -1;
	}
	if (resolve_keys(im))
		return -1;
	if (o->date_col) {
		if ((im->date_col = need_col(im, o->date_col, "date", "--date-col")) < 0)
			return -1;
	} else if ((im->date_col = guess_unique(im, date_names, "--date-col")) == -2) {
		return -1;
	}
	if (o->series_col && (im->series_col = need_col(im, o->series_col, "series",
							"--series-col")) < 0)
		return -1;
	if (o->value_col && (im->value_col = need_col(im, o->value_col, "value",
						      "--value-col")) < 0)
		return -1;

	if (lay == ASSAY_LAYOUT_AUTO) {
		if (o->series_name)
			lay = ASSAY_LAYOUT_SINGLE;
		else if (im->series_col >= 0 || guess_col(im, series_names) >= 0)
			lay = ASSAY_LAYOUT_LONG;
		else if (im->nkey && im->date_col < 0)
			lay = ASSAY_LAYOUT_TABLE;
		else
			lay = ASSAY_LAYOUT_WIDE;
	}
	im->layout = lay;

	if (lay == ASSAY_LAYOUT_LONG && im->series_col < 0) {
		if ((im->series_col = guess_unique(im, series_names,
						   "--series-col")) == -2)
			return -1;
		if (im->series_col < 0)
			return fail_at(im, im->header_at, 0, ASSAY_EUSAGE,
				       "no series column in the header (name it "
				       "'series' or give --series-col)");
	}
	if (lay == ASSAY_LAYOUT_SINGLE && !o->series_name)
		return fail_at(im, 0, 0, ASSAY_EUSAGE,
			       "the single layout needs --series NAME");
	if (lay != ASSAY_LAYOUT_TABLE && im->date_col < 0) {
		/* The World Bank's date column has an empty header. */
		int c;
		if (im->nheader && !im->header[0][0] && !col_is_used(im, 0))
			im->date_col = 0;
		else if (!o->header_line && (c = header_is_data(im)) >= 0)
			return fail_at(im, im->header_at, c + 1, ASSAY_EUSAGE,
				       "no header row: '%s' is a date, not a "
				       "column name (the first row must name "
				       "the columns)", im->header[c]);
		else
			return fail_at(im, im->header_at, 0, ASSAY_EUSAGE,
				       "no date column in the header (name it "
				       "'date' or give --date-col)");
	}
	if (lay == ASSAY_LAYOUT_TABLE && !im->nkey)
		return fail_at(im, 0, 0, ASSAY_EUSAGE,
			       "the table layout needs --key-cols");

	if (lay == ASSAY_LAYOUT_LONG || lay == ASSAY_LAYOUT_SINGLE) {
		if (im->value_col < 0 &&
		    (im->value_col = guess_unique(im, value_names,
						  "--value-col")) == -2)
			return -1;
		if (im->value_col < 0) {
			/* The one column left over (FRED: observation_date,PCOPPUSDM). */
			int left = -1, nleft = 0;
			for (size_t c = 0; c < im->nheader; c++)
				if (!col_is_used(im, (int)c) && im->header[c][0]) {
					left = (int)c;
					nleft++;
				}
			if (nleft != 1)
				return fail_at(im, im->header_at, 0, ASSAY_EUSAGE,
					       "no value column in the header "
					       "(name it 'value' or give --value-col)");
			im->value_col = left;
		}
		add_value_col(im, im->value_col);
		return 0;
	}

	for (size_t c = 0; c < im->nheader; c++) {
		if (col_is_used(im, (int)c) ||
		    (!im->header[c][0] && !(o->value_cols &&
					    number_in_list(o->value_cols, (int)c))))
			continue;
		/* A column number also picks an unnamed column (an IMF
		 * sheet's), which gets its number as its name. */
		if (o->value_cols && !matches_any(o->value_cols, im->header[c], (int)c))
			continue;
		assay_period hp = 0;
		assay_freq hf = ASSAY_FREQ_NONE;
		int has_period = header_period(im->header[c], &hp, &hf);
		/* A glob like PROD_* also matches PROD_NOTES: skip those. */
		if (lay == ASSAY_LAYOUT_TABLE && !has_period && o->value_cols &&
		    !matches_any_exactly(o->value_cols, im->header[c], (int)c))
			continue;
		add_value_col(im, (int)c);
		struct value_col *v = &im->vcol[im->nvcol - 1];
		column_meta(im, v);
		v->period = hp;
		v->pfreq = hf;
		if (lay == ASSAY_LAYOUT_TABLE && !has_period)
			return fail_at(im, im->header_at, (int)c + 1, ASSAY_EUSAGE,
				       "no period in column header '%s' (the "
				       "table layout reads e.g. PROD_2023)",
				       im->header[c]);
	}
	/* A guessed wide layout whose one column is called "value" would
	 * make a series named "value": the file is a single series. */
	if (o->layout == ASSAY_LAYOUT_AUTO && lay == ASSAY_LAYOUT_WIDE &&
	    im->nvcol == 1 && !im->nkey && !o->prefix) {
		for (const char *const *n = value_names; *n; n++)
			if (!strcasecmp(im->header[im->vcol[0].idx], *n))
				return fail_at(im, im->header_at, im->vcol[0].idx + 1,
					       ASSAY_EUSAGE, "the one value column, "
					       "'%s', names no series: give --series "
					       "NAME", im->header[im->vcol[0].idx]);
	}
	/* Columns picked by number may lie past the last named one. */
	for (size_t i = 0; i < im->nvcol; i++)
		if ((size_t)im->vcol[i].idx + 1 > im->hwidth)
			im->hwidth = (size_t)im->vcol[i].idx + 1;
	if (!im->nvcol)
		return fail_at(im, im->header_at, 0, ASSAY_EUSAGE,
			       o->value_cols ? "no column matches --value-cols '%s'"
					     : "no value columns in the header%s",
			       o->value_cols ? o->value_cols : "");
	/* Every named column of a wide file is a series: a value under an
	 * unnamed one (between named ones) would be lost. */
	for (size_t c = 0; lay == ASSAY_LAYOUT_WIDE && !o->value_cols &&
			   c < im->hwidth; c++) {
		if (im->header[c][0] || col_is_used(im, (int)c))
			continue;
		im->unnamed = realloc(im->unnamed, (im->nunnamed + 1) * sizeof(int));
		if (!im->unnamed)
			out_of_memory();
		im->unnamed[im->nunnamed++] = (int)c;
	}
	return check_distinct_columns(im) || check_header_names(im) ? -1 : 0;
}

static void take_header(struct importer *im)
{
	im->header = calloc(im->nfield, sizeof *im->header);
	if (!im->header)
		out_of_memory();
	for (size_t i = 0; i < im->nfield; i++)
		im->header[i] = xstrdup(trim(im->field[i]));
	im->nheader = im->nfield;
	/* Spreadsheets pad rows with empty cells: the columns end at the
	 * last named one (the World Bank's unnamed date column is first). */
	im->hwidth = im->nheader;
	while (im->hwidth && !im->header[im->hwidth - 1][0])
		im->hwidth--;
	im->header_at = im->row_line;
}

/* A row that looks like a header: at least two cells, and at least half of
 * them non-empty (title rows hold one or two cells of a wide row). */
static int looks_like_header(struct importer *im)
{
	size_t filled = 0;
	for (size_t i = 0; i < im->nfield; i++)
		filled += trim(im->field[i])[0] != 0;
	return filled >= 2 && filled * 2 >= im->nfield;
}

/* Units row under a header: most value cells read "(...)" ("($/mt)"). */
static int take_units_row(struct importer *im)
{
	size_t paren = 0, filled = 0;
	for (size_t i = 0; i < im->nvcol; i++) {
		if ((size_t)im->vcol[i].idx >= im->nfield)
			continue;
		const char *s = trim(im->field[im->vcol[i].idx]);
		filled += s[0] != 0;
		paren += s[0] == '(' && s[strlen(s) - 1] == ')';
	}
	if (!filled || paren * 2 < filled)
		return 0;
	for (size_t i = 0; i < im->nvcol; i++) {
		if ((size_t)im->vcol[i].idx >= im->nfield)
			continue;
		char *s = trim(im->field[im->vcol[i].idx]);
		size_t len = strlen(s);
		if (len >= 2 && s[0] == '(' && s[len - 1] == ')') {
			s[len - 1] = 0;
			s++;
		}
		free(im->vcol[i].unit);
		im->vcol[i].unit = *s ? xstrdup(s) : NULL;
		if (check_name(im, s, im->row_line, im->vcol[i].idx + 1, "unit"))
			return -1;
	}
	return 1;
}

/* ---- cells -------------------------------------------------------------- */

static int is_na(struct importer *im, const char *s)
{
	for (size_t i = 0; i < sizeof default_na / sizeof *default_na; i++)
		if (!strcmp(s, default_na[i]))
			return 1;
	for (size_t i = 0; i < im->o->n_na_tokens; i++)
		if (!strcmp(s, im->o->na_tokens[i]))
			return 1;
	return 0;
}

/* Read a plain number: sign, digits with optional thousands separators in
 * groups of three, decimal part, exponent.  strtod alone would accept hex,
 * "inf" and "nan", and would follow the locale; this never does. */
static int read_number(const char *s, char decimal, double *v)
{
	char group = decimal == ',' ? '.' : ',';
	char clean[128];
	size_t k = 0, run = 0;
	int groups = 0, digits = 0;
	const char *p = s;

	/* Clinger's fast path: with at most 15 significant digits and at
	 * most 22 decimals, mantissa and power of ten are exact doubles and
	 * one IEEE division rounds correctly -- the same double as strtod. */
	uint64_t mant = 0;
	int frac = 0, neg = *p == '-';
	static const double pow10[23] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
	};

	if (*p == '+' || *p == '-')
		clean[k++] = *p++;
	for (; isdigit((unsigned char)*p) || *p == group; p++) {
		if (*p == group) {
			/* first group 1-3 digits, then exactly 3 each */
			if (run == 0 || (groups ? run != 3 : run > 3))
				return -1;
			groups++;
			run = 0;
			continue;
		}
		if (k + 2 >= sizeof clean)
			return -1;
		clean[k++] = *p;
		run++;
		digits++;
		if (digits <= 15)
			mant = mant * 10 + (uint64_t)(*p - '0');
	}
	if (groups && run != 3)
		return -1;
	if (*p == decimal) {
		p++;
		clean[k++] = '.';
		for (; isdigit((unsigned char)*p); p++) {
			if (k + 2 >= sizeof clean)
				return -1;
			clean[k++] = *p;
			digits++;
			frac++;
			if (digits <= 15)
				mant = mant * 10 + (uint64_t)(*p - '0');
		}
	}
	if (!digits)
		return -1;
	if (*p == 0 && digits <= 15 && frac <= 22) {
		double x = (double)mant / pow10[frac];
		*v = neg ? -x : x;
		return 0;
	}
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;
		if (*q == '+' || *q == '-')
			q++;
		if (!isdigit((unsigned char)*q))
			return -1;
		/* One optional sign, then digits only: strtod would stop at a
		 * second sign and read "1e5-3" as 1e5 without a word. */
		clean[k++] = 'e';
		p++;
		if (*p == '+' || *p == '-')
			clean[k++] = *p++;
		for (; isdigit((unsigned char)*p); p++) {
			if (k + 2 >= sizeof clean)
				return -1;
			clean[k++] = *p;
		}
	}
	if (*p)
		return -1;
	clean[k] = 0;
	errno = 0;
	*v = strtod(clean, NULL);
	return errno == ERANGE ? -1 : 0;
}

/* A workbook's number cell: the text of a double as the file stores it
 * ("0.40477399635468603", "1E-3"), read with strtod in the C locale so
 * that it gives exactly the file's double.  The syntax is checked first:
 * strtod alone would take hex, inf and nan. */
static int read_stored_number(const char *s, double *v)
{
	const char *p = s;
	int digits = 0;
	if (*p == '-' || *p == '+')
		p++;
	for (; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	if (!digits)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p)
		return -1;
	errno = 0;
	*v = strtod(s, NULL);
	return errno == ERANGE && (*v > 1 || *v < -1) ? -1 : 0;
}

/* A number with a --suffix multiplier.  A power of ten moves the decimal
 * exponent ("41.19" "K" reads as 41.19e3, exactly 41190), so that no
 * rounding of a product creeps in; other multipliers multiply. */
static enum cell_kind read_suffixed(struct importer *im, const char *head,
				    const struct suffix *sx, double *v,
				    char *why, size_t n)
{
	if (sx->pow10 != INT_MIN && !strpbrk(head, "eE")) {
		char txt[160];
		snprintf(txt, sizeof txt, "%se%d", head, sx->pow10);
		if (read_number(txt, im->o->decimal, v) == 0)
			return CELL_VALUE;
	} else if (read_number(head, im->o->decimal, v) == 0 &&
		   isfinite(*v * sx->mult)) {
		*v *= sx->mult;
		return CELL_VALUE;
	}
	snprintf(why, n, "cannot read value '%s%s': out of range", head, sx->text);
	return CELL_BAD;
}

/* Classify one value cell.  Qualified values ("<0.5", ">50", "123 e") and
 * bare flags ("E": USGS's net exporter) are not silently read as numbers. */
static enum cell_kind read_cell(struct importer *im, char *cell, int type,
				double *v, char *why, size_t n)
{
	char *s = trim(cell);
	if (type == ASSAY_CELL_NUMBER) {
		if (read_stored_number(s, v) == 0)
			return CELL_VALUE;
		char buf[64];
		snprintf(why, n, "cannot read number cell '%s'",
			 shown(s, buf, sizeof buf));
		return CELL_BAD;
	}
	if (read_number(s, im->o->decimal, v) == 0)
		return CELL_VALUE;      /* no NA marker reads as a number */
	if (is_na(im, s))
		return CELL_NA;
	if (strchr("<>~", s[0]) && read_number(trim(s + 1), im->o->decimal, v) == 0) {
		snprintf(why, n, "value '%s' has qualifier '%c'; not imported", s, s[0]);
		return CELL_QUALIFIED;
	}
	size_t len = strlen(s);
	size_t tail = 0;
	if (len > 1 && s[len - 1] == '%') {
		char head[128];
		snprintf(head, sizeof head, "%.*s", (int)(len - 1), s);
		if (read_number(trim(head), im->o->decimal, v) == 0) {
			if (im->o->percent)
				return CELL_PERCENT;
			snprintf(why, n, "cannot read value '%s': a percent (--percent "
				 "reads it as %s with unit %%; --value-cols can leave "
				 "the column out)", s, trim(head));
			return CELL_BAD;
		}
	}
	while (tail < len && tail < 2 && (isalpha((unsigned char)s[len - 1 - tail]) ||
					  s[len - 1 - tail] == '*'))
		tail++;
	if (tail && tail < len) {
		char head[128];
		snprintf(head, sizeof head, "%.*s", (int)(len - tail), s);
		if (read_number(trim(head), im->o->decimal, v) == 0) {
			const char *suf = s + len - tail;
			for (size_t k = 0; k < im->nsuffix; k++)
				if (!strcmp(suf, im->suffix[k].text))
					return read_suffixed(im, trim(head),
							     &im->suffix[k], v, why, n);
			if (im->nsuffix) {
				snprintf(why, n, "value '%s' has suffix '%s', which "
					 "--suffix does not declare", s, suf);
				return CELL_BAD;
			}
			snprintf(why, n, "value '%s' has qualifier '%s'; not imported%s",
				 s, suf, isupper((unsigned char)suf[0]) && tail == 1
				 ? " (a multiplier? --suffix K=1e3,M=1e6 reads it; "
				   "--value-cols can leave the column out)" : "");
			return CELL_QUALIFIED;
		}
	}
	if (len == 1 && isupper((unsigned char)s[0])) {
		snprintf(why, n, "'%s' is a flag, not a value; not imported", s);
		return CELL_QUALIFIED;
	}
	char buf[64];
	int bad_utf8;
	if (strchr(s, ',') && im->o->decimal != ',' && read_number(s, ',', v) == 0)
		snprintf(why, n, "cannot read value '%s': not a number "
			 "(a decimal comma? see --decimal)", shown(s, buf, sizeof buf));
	else if (name_flaw(s, &bad_utf8) && bad_utf8)
		snprintf(why, n, "cannot read value '%s': not a number (invalid "
			 "UTF-8%s)", shown(s, buf, sizeof buf), ENCODING_HINT);
	else
		snprintf(why, n, "cannot read value '%s': not a number",
			 shown(s, buf, sizeof buf));
	return CELL_BAD;
}

/* Read a date cell; full dates become days, months or weeks as decided
 * after pass one (or by --freq). */
static int read_date(struct importer *im, char *cell, int col, assay_freq *f,
		     assay_period *p)
{
	char why[128], buf[64];
	char *s = trim(cell);
	int bad_utf8;
	if (assay_period_parse(s, im->o->date_format, f, p, why, sizeof why))
		return fail_at(im, im->row_line, col, ASSAY_EUSAGE,
			       "cannot read date '%s': %s%s",
			       shown(s, buf, sizeof buf), why,
			       name_flaw(s, &bad_utf8) && bad_utf8
			       ? " (invalid UTF-8" ENCODING_HINT ")"
			       : im->ftype[col - 1] == ASSAY_CELL_DATE &&
				 !strncmp(s, "1900-0", 6)
			       ? " (a date serial Excel's 1900 date system counts"
				 " but the calendar has not: 0 or 60)"
			       : !strcmp(why, "not a date") && !im->o->date_format
			       ? " (give its form with --date-format)" : "");
	if (*f == ASSAY_FREQ_D) {
		if (im->pass == 1 && !im->no_stats) {
			int y, m, d;
			int wd = (int)(((*p % 7) + 7 + 4) % 7);   /* 1970-01-01: Thu */
			assay_civil_from_days(*p, &y, &m, &d);
			if (im->day_cells == 0) {
				im->all_month_start = im->one_weekday = 1;
				im->weekday = wd;
				im->first_day = *p;
			}
			im->day_cells++;
			im->all_month_start &= d == 1;
			im->one_weekday &= wd == im->weekday;
			if (*p != im->first_day)
				im->distinct_days = 1;
			/* Days that are neither all month starts nor all one
			 * weekday are days: the rest of pass one can be skipped. */
			if (!im->all_month_start && !im->one_weekday)
				im->stop = 1;
		}
		if (!im->o->freq) {
			if (im->day_freq == ASSAY_FREQ_M)
				*p = assay_period_convert(ASSAY_FREQ_D, *p, ASSAY_FREQ_M);
			*f = im->day_freq ? im->day_freq : ASSAY_FREQ_D;
		}
	}
	if (im->o->freq && *f != im->o->freq) {
		if (assay_freq_rank(*f) > assay_freq_rank(im->o->freq))
			return fail_at(im, im->row_line, col, ASSAY_EUSAGE,
				       "date '%s' is coarser than --freq %c", s,
				       (char)im->o->freq);
		*p = assay_period_convert(*f, *p, im->o->freq);
		*f = im->o->freq;
	}
	return 0;
}

/* ---- pass two: writing ---------------------------------------------- */

static int prepare(struct importer *im, sqlite3_stmt **q, const char *sql)
{
	if (sqlite3_prepare_v3(im->db, sql, -1, SQLITE_PREPARE_PERSISTENT, q, NULL))
		return db_error(im);
	return 0;
}

static int prepare_all(struct importer *im)
{
	return prepare(im, &im->q_series_get,
		       "SELECT id, freq FROM series WHERE name = ?") ||
	       prepare(im, &im->q_series_add,
		       "INSERT INTO series (name, commodity, region, measure, unit,"
		       " source, notes, kind, freq) VALUES (?,?,?,?,?,?,?,?,?)") ||
	       prepare(im, &im->q_series_meta,
		       "UPDATE series SET commodity = coalesce(?2, commodity),"
		       " region = coalesce(?3, region), measure = coalesce(?4, measure),"
		       " unit = coalesce(?5, unit), source = coalesce(?6, source),"
		       " notes = coalesce(?7, notes), kind = coalesce(?8, kind)"
		       " WHERE id = ?1") ||
	       prepare(im, &im->q_obs_get,
		       "SELECT value, import_id, line FROM obs"
		       " WHERE series_id = ? AND period = ?") ||
	       prepare(im, &im->q_obs_add,
		       "INSERT INTO obs (series_id, period, value, import_id, line)"
		       " VALUES (?,?,?,?,?)") ||
	       prepare(im, &im->q_obs_set,
		       "UPDATE obs SET value = ?3, import_id = ?4, line = ?5"
		       " WHERE series_id = ?1 AND period = ?2") ||
	       prepare(im, &im->q_rev_add,
		       "INSERT OR IGNORE INTO revisions (series_id, period, value,"
		       " import_id, superseded_by) VALUES (?,?,?,?,?)") ||
	       prepare(im, &im->q_rev_has,
		       "SELECT 1 FROM revisions r JOIN imports i ON i.id = r.import_id"
		       " WHERE r.series_id = ? AND r.period = ? AND r.value = ?"
		       " AND i.vintage = ?") ||
	       prepare(im, &im->q_vintage, "SELECT vintage FROM imports WHERE id = ?")
	       ? -1 : 0;
}

static void finalize_all(struct importer *im)
{
	sqlite3_stmt **all[] = {
		&im->q_series_get, &im->q_series_add, &im->q_series_meta,
		&im->q_obs_get, &im->q_obs_add, &im->q_obs_set, &im->q_rev_add,
		&im->q_rev_has, &im->q_vintage
	};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
		sqlite3_finalize(*all[i]);
		*all[i] = NULL;
	}
}

static int step_done(struct importer *im, sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : db_error(im);
}

static void bind_text_or_null(sqlite3_stmt *q, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

/* Metadata of a series from this row: a column beats a flag; a units row
 * gives the unit of a wide file's column. */
static const char *meta_value(struct importer *im, int f, struct value_col *v)
{
	if (v->meta[f])
		return v->meta[f];
	int c = im->meta_col[f];
	if (c >= 0 && (size_t)c < im->nfield && trim(im->field[c])[0])
		return trim(im->field[c]);
	if (f == ASSAY_META_UNIT && v->unit && !im->o->meta[f])
		return v->unit;
	if (f == ASSAY_META_UNIT && v->pct == 1 && !im->o->meta[f])
		return "%";
	if (f == ASSAY_META_COMMODITY && !im->o->meta[f] &&
	    im->layout == ASSAY_LAYOUT_WIDE)
		return im->header[v->idx];
	return im->o->meta[f];
}

static int check_new_series(struct importer *im);

/* --col-meta / --meta entries that name this series (with or without
 * the --prefix) override what the column gives. */
static void series_meta(struct importer *im, const char *name,
			const char **meta)
{
	size_t plen = im->o->prefix ? strlen(im->o->prefix) : 0;
	const char *bare = plen && !strncmp(name, im->o->prefix, plen)
			   ? name + plen : name;
	for (size_t k = 0; k < im->ncmeta; k++) {
		struct col_meta *m = &im->cmeta[k];
		if (strcmp(m->spec, name) && strcmp(m->spec, bare))
			continue;
		m->used = 1;
		for (int f = 0; f < ASSAY_META_COUNT; f++)
			if (m->val[f])
				meta[f] = m->val[f];
	}
}

static int series_lookup(struct importer *im, const char *name, int col,
			 assay_freq freq, struct value_col *v,
			 struct series_entry **out)
{
	int found;
	struct series_entry *e = map_find(&im->map, name, &found);
	if (found) {
		*out = e;
		return 0;
	}
	if (check_new_series(im))
		return -1;
	const char *meta[ASSAY_META_COUNT];
	for (int f = 0; f < ASSAY_META_COUNT; f++)
		meta[f] = meta_value(im, f, v);
	series_meta(im, name, meta);
	if (meta[ASSAY_META_KIND] && !assay_kind_parse(meta[ASSAY_META_KIND]))
		return fail_at(im, im->row_line, im->meta_col[ASSAY_META_KIND] + 1,
			       ASSAY_EUSAGE, "unknown kind '%s' (flow, price or "
			       "stock)", meta[ASSAY_META_KIND]);

	sqlite3_bind_text(im->q_series_get, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(im->q_series_get);
	if (rc == SQLITE_ROW) {
		e->id = sqlite3_column_int64(im->q_series_get, 0);
		e->freq = assay_freq_parse((const char *)
					   sqlite3_column_text(im->q_series_get, 1));
		e->is_new = 0;
	}
	sqlite3_reset(im->q_series_get);
	sqlite3_clear_bindings(im->q_series_get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(im);

	if (rc == SQLITE_ROW) {
		sqlite3_stmt *q = im->q_series_meta;
		sqlite3_bind_int64(q, 1, e->id);
		for (int f = 0; f < ASSAY_META_COUNT; f++)
			bind_text_or_null(q, f + 2, meta[f]);
		if (step_done(im, q))
			return -1;
	} else {
		if (!meta[ASSAY_META_KIND])
			return fail_at(im, im->row_line, col, ASSAY_EUSAGE,
				       "new series '%s' has no kind: give --kind "
				       "flow|price|stock (or --kind-col)", name);
		sqlite3_stmt *q = im->q_series_add;
		char fr[2] = { (char)freq, 0 };
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		for (int f = 0; f < ASSAY_META_COUNT; f++)
			bind_text_or_null(q, f + 2, meta[f]);
		sqlite3_bind_text(q, 9, fr, -1, SQLITE_TRANSIENT);
		if (step_done(im, q))
			return -1;
		e->id = sqlite3_last_insert_rowid(im->db);
		e->freq = freq;
		e->is_new = 1;
		im->res->series_new++;
	}
	e->name = xstrdup(name);
	e->created_at = im->row_line;
	im->map.n++;
	im->res->series_total++;
	*out = e;
	return 0;
}

/* Vintage of an earlier import (a one-entry cache: imports are few). */
static const char *vintage_of(struct importer *im, int64_t import_id)
{
	if (import_id == im->cached_vintage_id)
		return im->cached_vintage;
	sqlite3_bind_int64(im->q_vintage, 1, import_id);
	im->cached_vintage[0] = 0;
	if (sqlite3_step(im->q_vintage) == SQLITE_ROW)
		snprintf(im->cached_vintage, sizeof im->cached_vintage, "%s",
			 (const char *)sqlite3_column_text(im->q_vintage, 0));
	sqlite3_reset(im->q_vintage);
	im->cached_vintage_id = import_id;
	return im->cached_vintage;
}

static int add_revision(struct importer *im, int64_t sid, assay_period p,
			double value, int64_t from, int64_t by)
{
	sqlite3_stmt *q = im->q_rev_add;
	sqlite3_bind_int64(q, 1, sid);
	sqlite3_bind_int64(q, 2, p);
	sqlite3_bind_double(q, 3, value);
	sqlite3_bind_int64(q, 4, from);
	sqlite3_bind_int64(q, 5, by);
	return step_done(im, q);
}

/* Does an earlier vintage with this very value and vintage time exist?
 * (Importing an old file again must not list its values twice.) */
static int revision_known(struct importer *im, int64_t sid, assay_period p,
			  double value)
{
	sqlite3_stmt *q = im->q_rev_has;
	sqlite3_bind_int64(q, 1, sid);
	sqlite3_bind_int64(q, 2, p);
	sqlite3_bind_double(q, 3, value);
	sqlite3_bind_text(q, 4, im->vintage, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_ROW;
}

static int insert_obs(struct importer *im, struct series_entry *e,
		      assay_period p, double value)
{
	sqlite3_stmt *q = im->q_obs_add;
	sqlite3_bind_int64(q, 1, e->id);
	sqlite3_bind_int64(q, 2, p);
	sqlite3_bind_double(q, 3, value);
	sqlite3_bind_int64(q, 4, im->import_id);
	sqlite3_bind_int64(q, 5, im->row_line);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc == SQLITE_DONE) {
		im->res->inserted++;
		return 0;
	}
	/* the store's own refusal (a derived series takes no values) */
	if (sqlite3_extended_errcode(im->db) == SQLITE_CONSTRAINT_TRIGGER)
		return fail_at(im, im->row_line, 1, ASSAY_EUSAGE, "series '%s': %s",
			       e->name, sqlite3_errmsg(im->db));
	return rc == SQLITE_CONSTRAINT ? 1 : db_error(im);
}

static int write_value(struct importer *im, struct series_entry *e,
		       assay_period p, assay_freq f, double value, int col)
{
	char lbl[32];
	if (f != e->freq)
		return fail_at(im, im->row_line, col, ASSAY_EUSAGE,
			       "series '%s' holds %c periods, but '%s' is %c",
			       e->name, (char)e->freq,
			       assay_period_format(f, p, lbl, sizeof lbl), (char)f);
	/* A series this import created has nothing to compare with: insert
	 * straight away (the fast path of a first import). */
	if (e->is_new) {
		int rc = insert_obs(im, e, p, value);
		if (rc <= 0)
			return rc;
	}
	sqlite3_stmt *q = im->q_obs_get;
	sqlite3_bind_int64(q, 1, e->id);
	sqlite3_bind_int64(q, 2, p);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(q);
		rc = insert_obs(im, e, p, value);
		return rc ? (rc < 0 ? -1 : db_error(im)) : 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(q);
		return db_error(im);
	}
	double old = sqlite3_column_double(q, 0);
	int64_t old_import = sqlite3_column_int64(q, 1);
	long old_line = (long)sqlite3_column_int64(q, 2);
	sqlite3_reset(q);

	if (old_import == im->import_id) {
		char a[32], b[32];
		if (old == value) {
			im->res->unchanged++;
			return 0;
		}
		return fail_at(im, im->row_line, col, ASSAY_EUSAGE,
			       "second value for '%s' %s: %s here, %s at %s %ld",
			       e->name, assay_period_format(f, p, lbl, sizeof lbl),
			       assay_fmt_g(value, a, sizeof a),
			       assay_fmt_g(old, b, sizeof b),
			       im->sheet_name ? "row" : "line", old_line);
	}
	if (strcmp(vintage_of(im, old_import), im->vintage) > 0) {
		/* This file is an older vintage than the stored value: keep
		 * its value as an earlier vintage, not as the current one, even
		 * when equal, so that --as-of that vintage finds it. */
		if (revision_known(im, e->id, p, value)) {
			im->res->unchanged++;
			return 0;
		}
		if (old == value)
			im->res->unchanged++;
		else
			im->res->older++;
		return add_revision(im, e->id, p, value, im->import_id, old_import);
	}
	if (old == value) {
		im->res->unchanged++;
		return 0;
	}
	if (add_revision(im, e->id, p, old, old_import, im->import_id))
		return -1;
	q = im->q_obs_set;
	sqlite3_bind_int64(q, 1, e->id);
	sqlite3_bind_int64(q, 2, p);
	sqlite3_bind_double(q, 3, value);
	sqlite3_bind_int64(q, 4, im->import_id);
	sqlite3_bind_int64(q, 5, im->row_line);
	im->res->revised++;
	return step_done(im, q);
}

/* ---- rows --------------------------------------------------------------- */

static int row_is_blank(struct importer *im)
{
	for (size_t i = 0; i < im->nfield; i++)
		if (trim(im->field[i])[0])
			return 0;
	return 1;
}

/* A bad row: fatal, or (--skip-bad) noted and skipped.  Returns 1 when the
 * row is skipped, -1 when the import stops. */
static int bad_row(struct importer *im)
{
	if (!im->o->skip_bad || im->err->status != ASSAY_EUSAGE)
		return -1;      /* database and I/O errors are never skipped */
	if (im->pass == 2) {
		char msg[sizeof im->err->msg + 16];
		snprintf(msg, sizeof msg, "%s (row skipped)", im->err->msg);
		notify(im, msg);
		im->res->skipped++;
	}
	im->failed = 0;
	im->err->msg[0] = 0;
	return 1;
}

/* The name of the series of value column v in this row, in im->name.
 * Names have no length limit: two long names never merge into one. */
static int series_name(struct importer *im, struct value_col *v)
{
	struct sbuf *b = &im->name;

	b->len = 0;
	sb_reserve(b, 0);
	b->s[0] = 0;
	if (im->layout == ASSAY_LAYOUT_SINGLE) {
		sb_cat(b, im->o->series_name);
		return 0;
	}
	sb_cat(b, im->o->prefix ? im->o->prefix : "");
	if (im->layout == ASSAY_LAYOUT_LONG) {
		if ((size_t)im->series_col >= im->nfield)
			return fail_at(im, im->row_line, 0, ASSAY_EUSAGE,
				       "row has %zu fields, the series name is in "
				       "column %d", im->nfield, im->series_col + 1);
		const char *s = mapped(im, trim(im->field[im->series_col]));
		if (!*s)
			return fail_at(im, im->row_line, im->series_col + 1,
				       ASSAY_EUSAGE, "empty series name");
		sb_cat(b, s);
		return 0;
	}
	for (size_t i = 0; i < im->nkey; i++) {
		int c = im->key_col[i];
		const char *cell = (size_t)c < im->nfield
				   ? mapped(im, trim(im->field[c])) : "";
		char buf[64];
		if (i)
			sb_cat(b, "/");
		size_t before = b->len;
		sb_slug(b, cell);
		if (b->len == before)
			return fail_at(im, im->row_line, c + 1, ASSAY_EUSAGE,
				       "empty key '%s'",
				       shown(im->header[c], buf, sizeof buf));
	}
	if (im->layout == ASSAY_LAYOUT_WIDE) {
		if (im->nkey)
			sb_cat(b, "/");
		sb_cat(b, v->part);
	}
	return 0;
}

/* A series this import has not seen yet: the cells its name and its
 * metadata come from must be fit to keep (see check_name).  The header
 * (check_header_names), a units row and the flags are checked once. */
static int check_new_series(struct importer *im)
{
	int bad;
	if (name_flaw(im->name.s, &bad)) {
		if (im->layout == ASSAY_LAYOUT_LONG)
			return check_name(im, trim(im->field[im->series_col]),
					  im->row_line, im->series_col + 1,
					  "series name");
		for (size_t i = 0; i < im->nkey; i++) {
			int c = im->key_col[i];
			if ((size_t)c < im->nfield &&
			    check_name(im, trim(im->field[c]), im->row_line, c + 1,
				       "key"))
				return -1;
		}
	}
	for (int f = 0; f < ASSAY_META_COUNT; f++) {
		int c = im->meta_col[f];
		if (c >= 0 && (size_t)c < im->nfield &&
		    check_name(im, trim(im->field[c]), im->row_line, c + 1,
			       meta_names[f]))
			return -1;
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

/* Cells past the header's last column: a value no column names, which
 * would be lost, and a sign that the cells before it may have shifted
 * (an unquoted 1,000 is two cells).  Empty ones are spreadsheet padding. */
static int check_row_width(struct importer *im)
{
	for (size_t k = 0; k < im->nunnamed; k++) {
		char buf[64];
		size_t c = (size_t)im->unnamed[k];
		if (c < im->nfield && trim(im->field[c])[0])
			return fail_at(im, im->row_line, (int)c + 1, ASSAY_EUSAGE,
				       "field %zu '%s' is under a column with no "
				       "name in the header (%s %ld)", c + 1,
				       shown(trim(im->field[c]), buf, sizeof buf),
				       im->sheet_name ? "row" : "line", im->header_at);
	}
	for (size_t i = im->hwidth; i < im->nfield; i++) {
		char buf[64];
		const char *cell = trim(im->field[i]);
		if (!*cell)
			continue;
		return fail_at(im, im->row_line, (int)i + 1, ASSAY_EUSAGE,
			       "row has %zu fields but the header has %zu "
			       "column%s: field %zu '%s' is under no column%s",
			       im->nfield, im->hwidth, im->hwidth == 1 ? "" : "s",
			       i + 1, shown(cell, buf, sizeof buf),
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
	return fail_at(im, im->row_line, v->idx + 1, ASSAY_EUSAGE,
		       "value '%s' %s '%%' but the column's value at %s %ld %s "
		       "(--percent: all or none of a column's values are "
		       "percents)", shown(trim(im->field[v->idx]), buf, sizeof buf),
		       now == 1 ? "ends in" : "has no", im->sheet_name ? "row"
		       : "line", v->pct_line, now == 1 ? "does not" : "does");
}

/* A long or single row without its value field: the way out is named
 * (Macrotrends files end in rows that hold only a date). */
static int value_missing(struct importer *im)
{
	int date_only = im->nfield == 1 && im->date_col == 0;
	return fail_at(im, im->row_line, 0, ASSAY_EUSAGE, "row has %zu field%s, "
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
			const char *s = trim(im->field[c]);
			if (*s && !is_na(im, s))
				return 1;
		}
	}
	return im->nvcol == 0;
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
	/* A row with no value (Macrotrends' trailing date-only rows) must
	 * not decide how full dates are read. */
	im->no_stats = im->pass == 1 && !row_has_value(im);
	if (im->date_col >= 0) {
		if ((size_t)im->date_col >= im->nfield)
			return fail_at(im, im->row_line, 0, ASSAY_EUSAGE,
				       "row has %zu fields, the date is in "
				       "column %d", im->nfield, im->date_col + 1);
		if (read_date(im, im->field[im->date_col], im->date_col + 1, &f, &p))
			return -1;
	}
	if (im->pass == 1)
		return 0;       /* pass one only learns how to read dates */
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
		im->cell[i] = read_cell(im, im->field[v->idx], im->ftype[v->idx],
					&im->val[i], why,
					sizeof why);
		if (im->cell[i] == CELL_BAD)
			return fail_at(im, im->row_line, v->idx + 1, ASSAY_EUSAGE,
				       "%s", why);
		if (im->o->percent && check_percent(im, v, im->cell[i]))
			return -1;
		if (im->cell[i] == CELL_PERCENT)
			im->cell[i] = CELL_VALUE;
		if (im->cell[i] == CELL_QUALIFIED) {
			char msg[MAX_ERRMSG + 600], at[512];
			snprintf(msg, sizeof msg, "%s: %s",
				 where(im, im->row_line, v->idx + 1, at, sizeof at),
				 why);
			notify(im, msg);
		}
	}
	for (size_t i = 0; i < im->nvcol; i++) {
		struct value_col *v = &im->vcol[i];
		struct series_entry *e = NULL;
		if (im->cell[i] != CELL_VALUE) {
			im->res->na += im->cell[i] == CELL_NA;
			im->res->skipped += im->cell[i] == CELL_QUALIFIED;
			continue;
		}
		if (im->layout == ASSAY_LAYOUT_TABLE) {
			p = v->period;
			f = v->pfreq;
		}
		if (series_name(im, v))
			return -1;
		if (!im->file_freq)
			im->file_freq = f;
		im->res->values++;
		if (series_lookup(im, im->name.s, v->idx + 1, f, v, &e) ||
		    write_value(im, e, p, f, im->val[i], v->idx + 1))
			return -1;
	}
	return 0;
}

static void drop_header(struct importer *im);

static void on_record(struct importer *im)
{
	im->field = realloc(im->field, (im->nfield + 1) * sizeof *im->field);
	if (!im->field)
		out_of_memory();
	for (size_t i = 0; i < im->nfield; i++)
		im->field[i] = im->buf + im->off[i];

	if (im->state == BEFORE_HEADER) {
		int is_header = im->o->header_line > 0
				? im->row_line >= im->o->header_line
				: looks_like_header(im);
		if (is_header) {
			take_header(im);
			/* A row of data ends the search for a header: the
			 * candidate that failed right above it is the header (a
			 * column number past its width must not make a data
			 * row the header). */
			if (im->header_err[0] && header_is_data(im) >= 0) {
				assay_fail(im->err, im->header_status, "%s",
					   im->header_last_err);
				im->failed = 1;
				return;
			}
			im->state = AFTER_HEADER;
			if (resolve_header(im) == 0) {
				im->cell = calloc(im->nvcol, sizeof *im->cell);
				im->val = calloc(im->nvcol, sizeof *im->val);
				if (!im->cell || !im->val)
					out_of_memory();
				im->header_err[0] = 0;
			} else if (!im->o->header_line &&
				   im->err->status == ASSAY_EUSAGE &&
				   im->row_line - im->first_line < HEADER_SEARCH_LINES) {
				/* A guessed header that does not resolve may be a
				 * title line with a comma in it: try the next
				 * candidate; if none resolves, report the failure
				 * of the one right above the data (see above), or
				 * else of the first. */
				snprintf(im->header_last_err,
					 sizeof im->header_last_err, "%s",
					 im->err->msg);
				if (!im->header_err[0]) {
					snprintf(im->header_err, sizeof im->header_err,
						 "%s", im->err->msg);
					im->header_status = im->err->status;
				}
				drop_header(im);
				im->state = BEFORE_HEADER;
				im->failed = 0;
				im->err->msg[0] = 0;
			}
		}
		if (im->state == BEFORE_HEADER && im->header_err[0] &&
		    im->row_line - im->first_line + 1 >= HEADER_SEARCH_LINES) {
			assay_fail(im->err, im->header_status, "%s", im->header_err);
			im->failed = 1;
		}
		return;
	}
	if (row_is_blank(im))
		return;
	/* Rows right under the header with no date are part of the header
	 * (World Bank: units, series codes); a units row gives the units. */
	if (im->state == AFTER_HEADER && im->date_col >= 0 &&
	    (size_t)im->date_col < im->nfield && !trim(im->field[im->date_col])[0]) {
		if (check_row_width(im) == 0)
			take_units_row(im);
		return;
	}
	im->state = IN_DATA;
	if (im->pass == 2)
		im->res->rows_read++;
	/* --skip-bad must skip a row whole: when a check that needs the
	 * store (a second value, a frequency, a kind) fails on a later cell
	 * of a wide row, undo the cells before it. */
	int guard = im->pass == 2 && im->o->skip_bad && im->nvcol > 1;
	assay_import_result before;
	if (guard) {
		before = *im->res;
		if (sqlite3_exec(im->db, "SAVEPOINT assay_row", NULL, NULL, NULL)) {
			db_error(im);
			return;
		}
	}
	if (handle_data_row(im) == 0) {
		if (guard && sqlite3_exec(im->db, "RELEASE assay_row", NULL, NULL,
					  NULL))
			db_error(im);
		return;
	}
	if (guard && im->err->status == ASSAY_EUSAGE) {
		if (sqlite3_exec(im->db, "ROLLBACK TO assay_row; RELEASE assay_row",
				 NULL, NULL, NULL)) {
			db_error(im);
			return;
		}
		map_forget_row(&im->map, im->row_line);
		*im->res = before;
	}
	bad_row(im);
}

/* Append one field to the current record. */
static void add_field(struct importer *im, const char *s, size_t len,
		      unsigned char type)
{
	if (im->buflen + len + 1 > im->bufcap) {
		while (im->buflen + len + 1 > im->bufcap)
			im->bufcap = im->bufcap ? 2 * im->bufcap : 4096;
		im->buf = realloc(im->buf, im->bufcap);
		if (!im->buf)
			out_of_memory();
	}
	if (im->nfield == im->capfield) {
		im->capfield = im->capfield ? 2 * im->capfield : 64;
		im->off = realloc(im->off, im->capfield * sizeof *im->off);
		im->ftype = realloc(im->ftype, im->capfield);
		if (!im->off || !im->ftype)
			out_of_memory();
	}
	im->ftype[im->nfield] = type;
	im->off[im->nfield++] = im->buflen;
	if (len)
		memcpy(im->buf + im->buflen, s, len);
	im->buflen += len;
	im->buf[im->buflen++] = 0;
}

/* libcsv callbacks */
static void on_field(void *s, size_t len, void *data)
{
	struct importer *im = data;
	if (im->failed || im->stop)
		return;
	if (im->nfield == 0)
		im->row_line = im->rec_line;
	add_field(im, s, len, ASSAY_CELL_TEXT);
}

static void on_row_end(int c, void *data)
{
	struct importer *im = data;
	(void)c;
	if (!im->failed && !im->stop && im->nfield)
		on_record(im);
	im->nfield = 0;
	im->buflen = 0;
}

/* ---- reading the file ------------------------------------------------ */

/* Choose the delimiter from the first lines: the candidate found the same
 * non-zero number of times on every sampled line, most often, wins. */
static char sniff_delimiter(const char *buf, size_t len)
{
	const char cand[] = { ',', ';', '\t' };
	char best = ',';
	long best_count = 0;
	for (size_t c = 0; c < sizeof cand; c++) {
		long first = -1, total = 0;
		int consistent = 1, lines = 0, quoted = 0;
		long count = 0;
		for (size_t i = 0; i < len && lines < 20; i++) {
			if (buf[i] == '"')
				quoted = !quoted;
			else if (!quoted && buf[i] == cand[c])
				count++;
			else if (!quoted && buf[i] == '\n') {
				if (count) {
					if (first < 0)
						first = count;
					else if (count != first)
						consistent = 0;
				}
				total += count;
				count = 0;
				lines++;
			}
		}
		if (consistent && first > 0 && total > best_count) {
			best = cand[c];
			best_count = total;
		}
	}
	return best;
}

static int only_space(unsigned char c) { return c == ' '; }

#define BLOCK (1 << 16)

struct source {
	FILE *fp;
	uint64_t size;
	iconv_t cd;             /* --encoding: to UTF-8; (iconv_t)-1: none */
};

/* UTF-16 text (mostly ASCII) has a NUL byte next to every character. */
static int looks_like_utf16(const char *s, size_t len)
{
	size_t nul = 0;
	for (size_t i = 0; i < len; i++)
		nul += s[i] == 0;
	return nul * 3 >= len;
}

/* Feed UTF-8 text to libcsv line by line, so that every record knows its
 * line.  *first: this is the start of the file (a byte order mark). */
static int feed_text(struct importer *im, struct csv_parser *p, char *s,
		     size_t n, int *first)
{
	char *end = s + n;
	if (*first && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3;         /* UTF-8 byte order mark */
	if (n)
		*first = 0;
	/* Text has no NUL bytes; UTF-16 (an Excel "Unicode" export) and
	 * binary files do.  libcsv would pass them on and every cell would
	 * end at the first one. */
	int has_nul = memchr(s, 0, (size_t)(end - s)) != NULL;
	while (s < end && !im->failed && !im->stop) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
		if (has_nul && memchr(s, 0, len))
			return fail_at(im, im->line, 0, ASSAY_EUSAGE, "a NUL byte: "
				       "not a text file%s",
				       !im->o->encoding && looks_like_utf16(s, len)
				       ? " (UTF-16? give --encoding utf-16)" : "");
		/* Between records (libcsv's ROW_NOT_BEGUN, 0), the next one
		 * starts on this line; a quoted line break keeps the line
		 * where its record began. */
		if (p->pstate == 0)
			im->rec_line = im->line;
		if (csv_parse(p, s, len, on_field, on_row_end, im) != len)
			return fail_at(im, im->line, 0, ASSAY_EUSAGE, "%s",
				       csv_strerror(csv_error(p)));
		if (nl)
			im->line++;
		s += len;
	}
	return im->failed ? -1 : 0;
}

/* --encoding: convert raw[0..n) to UTF-8 and feed it.  An incomplete
 * character at the end is moved to the front of raw for the next read
 * (*keep: its length).  Memory stays one block whatever the file. */
static int feed_converted(struct importer *im, struct csv_parser *p,
			  struct source *src, char *raw, size_t n, size_t *keep,
			  int *first)
{
	char *in = raw;
	size_t inleft = n;
	*keep = 0;
	while (inleft && !im->failed && !im->stop) {
		char *out = im->conv;
		size_t outleft = BLOCK;
		size_t r = iconv(src->cd, &in, &inleft, &out, &outleft);
		int e = errno;
		if (feed_text(im, p, im->conv, BLOCK - outleft, first))
			return -1;
		if (r != (size_t)-1 || e == E2BIG)
			continue;
		if (e == EINVAL) {      /* a character split by the block */
			memmove(raw, in, inleft);
			*keep = inleft;
			return 0;
		}
		/* The fields fed so far give the column of the bad bytes. */
		return fail_at(im, im->line, (int)im->nfield + 1, ASSAY_EUSAGE,
			       "byte 0x%02x is no %s text (is --encoding right?)",
			       (unsigned char)*in, im->o->encoding);
	}
	return im->failed ? -1 : 0;
}

static int feed(struct importer *im, struct source *src, char delim)
{
	struct csv_parser p;    /* its buffer is also freed on out-of-memory */
	char raw[BLOCK];
	size_t n, keep = 0;
	uint64_t done = 0, next_report = 0;
	int first = 1;

	if (csv_init(&p, CSV_APPEND_NULL))
		return assay_fail(im->err, ASSAY_EIO, "out of memory");
	im->parser = &p;
	csv_set_delim(&p, (unsigned char)delim);
	if (delim == '\t')       /* else libcsv's own test: space and tab */
		csv_set_space_func(&p, only_space);
	im->delim = delim;
	im->line = 1;
	im->state = BEFORE_HEADER;
	rewind(src->fp);
	if (src->cd != (iconv_t)-1)
		iconv(src->cd, NULL, NULL, NULL, NULL);    /* initial state */
	im->stop = 0;
	while (!im->failed && !im->stop &&
	       (n = fread(raw + keep, 1, sizeof raw - keep, src->fp)) > 0) {
		if (im->pass == 2)
			EVP_DigestUpdate(im->sha, raw + keep, n);
		if (src->cd == (iconv_t)-1)
			feed_text(im, &p, raw, n, &first);
		else
			feed_converted(im, &p, src, raw, keep + n, &keep, &first);
		done += n;
		if (im->o->progress && done >= next_report) {
			im->o->progress(im->o->ctx, im->pass, done, src->size);
			next_report = done + (1u << 20);
		}
	}
	if (!im->failed && ferror(src->fp))
		fail_at(im, 0, 0, ASSAY_EIO, "read error: %s", strerror(errno));
	if (!im->failed && !im->stop && keep)
		fail_at(im, im->line, (int)im->nfield + 1, ASSAY_EUSAGE,
			"the file ends inside a %s character (is --encoding "
			"right?)", im->o->encoding);
	if (!im->failed && !im->stop) {
		/* No final newline: the last record ends at end of file.  A
		 * quote still open there is an error, not a field that runs to
		 * the end (strict checking at the end only: the fields before
		 * were read leniently). */
		csv_set_opts(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
		if (csv_fini(&p, on_field, on_row_end, im))
			fail_at(im, im->rec_line, (int)im->nfield + 1, ASSAY_EUSAGE,
				"unterminated quoted field: no closing quote "
				"before the end of the file");
	}
	csv_free(&p);
	im->parser = NULL;
	if (im->o->progress && !im->failed && !im->stop)
		im->o->progress(im->o->ctx, im->pass, done, src->size);
	return im->failed ? -1 : 0;
}

/* One row of a workbook, fed as a CSV record: the same handler reads
 * it, so every layout and option works, and errors name the cell. */
static int on_sheet_row(void *ctx, long row, size_t n, char *const *text,
			const size_t *len, const unsigned char *type)
{
	struct importer *im = ctx;
	if (im->failed || im->stop)
		return 1;
	im->nfield = im->buflen = 0;
	im->row_line = im->rec_line = im->line = row;
	for (size_t i = 0; i < n; i++)
		add_field(im, text[i], len[i], type[i]);
	on_record(im);
	im->nfield = im->buflen = 0;
	return im->failed || im->stop;
}

static int feed_workbook(struct importer *im)
{
	im->delim = 0;
	im->state = BEFORE_HEADER;
	im->stop = 0;
	if (im->o->progress)
		im->o->progress(im->o->ctx, im->pass, 0, 0);
	if (assay_workbook_read(im->wb, im->sheet, &im->range, on_sheet_row, im,
				im->err)) {
		im->failed = 1;
		return -1;
	}
	return im->failed ? -1 : 0;
}

/* The file's SHA-256, for the import record (a workbook is not read as
 * a byte stream). */
static int hash_file(struct importer *im, FILE *fp)
{
	char block[BLOCK];
	size_t n;
	rewind(fp);
	while ((n = fread(block, 1, sizeof block, fp)) > 0)
		EVP_DigestUpdate(im->sha, block, n);
	if (ferror(fp))
		return fail_at(im, 0, 0, ASSAY_EIO, "read error: %s", strerror(errno));
	return 0;
}

/* What the first bytes say the file is; the workbook is opened when it
 * is one.  Text-only options on a workbook, and workbook options on
 * text, are refused rather than ignored. */
static int open_workbook(struct importer *im, struct source *src)
{
	const assay_import_opts *o = im->o;
	unsigned char head[8];
	size_t n = fread(head, 1, sizeof head, src->fp);
	rewind(src->fp);
	enum assay_file_format fmt = assay_file_sniff(head, n);
	if (fmt == ASSAY_FILE_TEXT) {
		if (o->sheet || o->range)
			return fail_at(im, 0, 0, ASSAY_EUSAGE, "%s is for workbooks "
				       "(.xlsx, .xls); this file is text",
				       o->sheet ? "--sheet" : "--range");
		return 0;
	}
	if (o->encoding || o->delimiter)
		return fail_at(im, 0, 0, ASSAY_EUSAGE, "%s is for text files; "
			       "this is a%s workbook", o->encoding ? "--encoding"
			       : "--delimiter", fmt == ASSAY_FILE_XLSX ? "n .xlsx"
			       : " .xls");
	struct stat sb;
	if (fmt == ASSAY_FILE_XLS && (!strcmp(o->path, "-") ||
				      stat(o->path, &sb) || !S_ISREG(sb.st_mode)))
		return fail_at(im, 0, 0, ASSAY_EUSAGE, "an .xls workbook is read "
			       "from a regular file, not from a pipe or standard "
			       "input");
	if (o->range) {
		char why[160];
		if (assay_range_parse(o->range, &im->range, why, sizeof why))
			return fail_at(im, 0, 0, ASSAY_EUSAGE, "--range: %s", why);
	}
	im->col1 = im->range.col1 ? im->range.col1 : 1;
	im->first_line = im->range.row1 ? im->range.row1 - 1 : 0;
	if (assay_workbook_open(im->path, fileno(src->fp), fmt, &im->wb, im->err) ||
	    assay_workbook_pick(im->wb, o->sheet, &im->sheet, im->err)) {
		im->failed = 1;
		return -1;
	}
	im->sheet_name = assay_workbook_sheet_name(im->wb, im->sheet);
	return 0;
}

/* Copy a stream to a temporary file, so that it can be read twice. */
static int copy_to_temp(struct importer *im, FILE *in, struct source *src)
{
	char block[BLOCK];
	size_t n;
	src->fp = tmpfile();
	if (!src->fp)
		return fail_at(im, 0, 0, ASSAY_EIO, "cannot make a temporary "
			       "file: %s", strerror(errno));
	while ((n = fread(block, 1, sizeof block, in)) > 0)
		if (fwrite(block, 1, n, src->fp) != n)
			return fail_at(im, 0, 0, ASSAY_EIO, "write error: %s",
				       strerror(errno));
	if (ferror(in))
		return fail_at(im, 0, 0, ASSAY_EIO, "read error: %s",
			       strerror(errno));
	if (fflush(src->fp))
		return fail_at(im, 0, 0, ASSAY_EIO, "write error: %s",
			       strerror(errno));
	src->size = (uint64_t)ftell(src->fp);
	rewind(src->fp);        /* the caller reads from the start */
	return 0;
}

/* Open the input.  What cannot be read twice -- stdin, a pipe, a FIFO,
 * <(cmd) -- is copied to a temporary file first. */
static int open_source(struct importer *im, struct source *src)
{
	struct stat sb;
	if (!strcmp(im->o->path, "-"))
		return copy_to_temp(im, stdin, src);
	FILE *fp = fopen(im->o->path, "rb");
	if (!fp)
		return fail_at(im, 0, 0, errno == ENOENT || errno == EACCES ||
			       errno == EISDIR ? ASSAY_EUSAGE : ASSAY_EIO,
			       "cannot open: %s", strerror(errno));
	if (fstat(fileno(fp), &sb)) {
		int e = errno;
		fclose(fp);
		return fail_at(im, 0, 0, ASSAY_EIO, "cannot read: %s", strerror(e));
	}
	if (S_ISDIR(sb.st_mode)) {
		fclose(fp);
		return fail_at(im, 0, 0, ASSAY_EUSAGE, "cannot read: %s",
			       strerror(EISDIR));
	}
	if (!S_ISREG(sb.st_mode)) {
		int rc = copy_to_temp(im, fp, src);
		fclose(fp);
		return rc;
	}
	src->fp = fp;
	src->size = sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
	return 0;
}

/* The first block as UTF-8, for guessing the delimiter. */
static size_t read_head(struct importer *im, struct source *src, char *out,
			size_t n)
{
	char raw[8192];
	size_t got = fread(raw, 1, sizeof raw, src->fp);
	if (got == 0 && ferror(src->fp)) {
		fail_at(im, 0, 0, errno == EISDIR ? ASSAY_EUSAGE : ASSAY_EIO,
			"cannot read: %s", strerror(errno));
		return 0;
	}
	if (got == 0) {
		fail_at(im, 0, 0, ASSAY_EUSAGE, "empty file");
		return 0;
	}
	if (src->cd == (iconv_t)-1) {
		got = got < n ? got : n;
		memcpy(out, raw, got);
		return got;
	}
	/* As far as it converts: errors are reported by the passes. */
	char *in = raw, *o = out;
	size_t inleft = got, outleft = n;
	iconv(src->cd, &in, &inleft, &o, &outleft);
	iconv(src->cd, NULL, NULL, NULL, NULL);
	return n - outleft;
}

/* --encoding NAME: a converter to UTF-8, or none for UTF-8 itself. */
static int open_encoding(struct importer *im, struct source *src)
{
	const char *e = im->o->encoding;
	src->cd = (iconv_t)-1;
	if (!e || !strcasecmp(e, "utf-8") || !strcasecmp(e, "utf8"))
		return 0;
	src->cd = iconv_open("UTF-8", e);
	if (src->cd == (iconv_t)-1)
		return fail_at(im, 0, 0, ASSAY_EUSAGE, errno == EINVAL
			       ? "unknown encoding '%s' (iconv -l lists them)"
			       : "cannot convert from '%s'", e);
	im->conv = malloc(BLOCK);
	if (!im->conv)
		out_of_memory();
	return 0;
}

/* Forget the header and what was resolved from it. */
static void drop_header(struct importer *im)
{
	for (size_t i = 0; i < im->nheader; i++)
		free(im->header[i]);
	free(im->header);
	for (size_t i = 0; i < im->nvcol; i++) {
		free(im->vcol[i].part);
		free(im->vcol[i].unit);
	}
	free(im->vcol);
	free(im->key_col);
	free(im->unnamed);
	im->unnamed = NULL;
	im->nunnamed = 0;
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
	drop_header(im);
	im->nfield = im->buflen = 0;
	im->file_freq = ASSAY_FREQ_NONE;
	im->header_err[0] = 0;
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
	sqlite3_stmt *q;
	char now[32];
	now_utc(now, sizeof now);
	snprintf(im->vintage, sizeof im->vintage, "%s",
		 im->o->vintage ? im->o->vintage : now);
	if (sqlite3_prepare_v2(im->db,
			       "INSERT INTO imports (file, sha256, imported_at, vintage)"
			       " VALUES (?,?,?,?)", -1, &q, NULL))
		return db_error(im);
	sqlite3_bind_text(q, 1, im->o->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, im->res->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, im->vintage, -1, SQLITE_STATIC);
	if (step_done(im, q)) {
		sqlite3_finalize(q);
		return -1;
	}
	sqlite3_finalize(q);
	im->import_id = sqlite3_last_insert_rowid(im->db);
	return 0;
}

static int finish_import(struct importer *im)
{
	sqlite3_stmt *q;
	const assay_import_result *r = im->res;
	if (sqlite3_prepare_v2(im->db,
			       "UPDATE imports SET rows_read = ?2, inserted = ?3,"
			       " revised = ?4, unchanged = ?5, older = ?6, skipped = ?7,"
			       " sha256 = ?8 WHERE id = ?1", -1, &q, NULL))
		return db_error(im);
	sqlite3_bind_int64(q, 1, im->import_id);
	sqlite3_bind_int64(q, 2, (int64_t)r->rows_read);
	sqlite3_bind_int64(q, 3, (int64_t)r->inserted);
	sqlite3_bind_int64(q, 4, (int64_t)r->revised);
	sqlite3_bind_int64(q, 5, (int64_t)r->unchanged);
	sqlite3_bind_int64(q, 6, (int64_t)r->older);
	sqlite3_bind_int64(q, 7, (int64_t)r->skipped);
	sqlite3_bind_text(q, 8, r->sha256, -1, SQLITE_STATIC);
	int rc = step_done(im, q);
	sqlite3_finalize(q);
	return rc;
}

static void decide_day_freq(struct importer *im)
{
	im->day_freq = ASSAY_FREQ_D;
	if (!im->day_cells)
		return;
	if (im->all_month_start)
		im->day_freq = ASSAY_FREQ_M;
	else if (im->one_weekday && im->distinct_days)
		im->day_freq = ASSAY_FREQ_W;
}

static struct col_meta *new_col_meta(struct importer *im, const char *spec)
{
	im->cmeta = realloc(im->cmeta, (im->ncmeta + 1) * sizeof *im->cmeta);
	if (!im->cmeta)
		out_of_memory();
	struct col_meta *m = &im->cmeta[im->ncmeta++];
	memset(m, 0, sizeof *m);
	m->spec = xstrdup(spec);
	return m;
}

/* One field of an entry: a known field name, a kind that parses, a value
 * fit to keep. */
static int set_col_meta(struct importer *im, struct col_meta *m,
			const char *field, const char *value)
{
	int f = assay_meta_field_parse(field);
	if (f < 0)
		return fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: unknown field '%s' "
			       "(kind, unit, measure, source, commodity, region, "
			       "notes)", m->origin, field);
	if (f == ASSAY_META_KIND && *value && !assay_kind_parse(value))
		return fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: kind '%s' is not "
			       "flow, price or stock", m->origin, value);
	if (check_name(im, value, 0, 0, m->origin))
		return -1;
	free(m->val[f]);
	m->val[f] = *value ? xstrdup(value) : NULL;
	return 0;
}

/* --col-meta 'SPEC:field=value,...': SPEC ends at the last ':' before
 * the first '=' (a header may hold a ':', a value may too). */
static int parse_col_meta(struct importer *im, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const char *colon = NULL;
	for (const char *p = arg; eq && p < eq; p++)
		if (*p == ':')
			colon = p;
	if (!eq || !colon || colon == arg)
		return fail_at(im, 0, 0, ASSAY_EUSAGE, "--col-meta '%s' is not "
			       "COLUMN:field=value,... (Vol.:kind=flow,unit="
			       "contracts)", arg);
	char *spec = strndup(arg, (size_t)(colon - arg));
	if (!spec)
		out_of_memory();
	struct col_meta *m = new_col_meta(im, trim(spec));
	free(spec);
	snprintf(m->origin, sizeof m->origin, "--col-meta '%.120s'", arg);
	char *list = xstrdup(colon + 1), *save = NULL;
	int rc = 0;
	for (char *p = strtok_r(list, ",", &save); p && !rc;
	     p = strtok_r(NULL, ",", &save)) {
		char *e = strchr(p, '=');
		if (!e) {
			rc = fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: '%s' is not "
				     "field=value (a comma inside a value? use "
				     "--meta FILE)", m->origin, p);
			break;
		}
		*e = 0;
		rc = set_col_meta(im, m, trim(p), trim(e + 1));
	}
	free(list);
	return rc;
}

static int add_map(struct importer *im, const char *from, const char *to,
		   const char *origin)
{
	if (!*from || !*to)
		return fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: an empty name (the "
			       "form is OLD=NEW)", origin);
	if (check_name(im, to, 0, 0, origin))
		return -1;
	for (size_t k = 0; k < im->nmap; k++)
		if (!strcmp(im->map_from[k], from)) {
			if (strcmp(im->map_to[k], to))
				return fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: '%s' is "
					       "mapped twice ('%s' and '%s')", origin,
					       from, im->map_to[k], to);
			return 0;
		}
	im->map_from = realloc(im->map_from, (im->nmap + 1) * sizeof(char *));
	im->map_to = realloc(im->map_to, (im->nmap + 1) * sizeof(char *));
	if (!im->map_from || !im->map_to)
		out_of_memory();
	im->map_from[im->nmap] = xstrdup(from);
	im->map_to[im->nmap++] = xstrdup(to);
	return 0;
}

/* --map 'OLD=NEW': OLD ends at the first '=' (names hold commas:
 * 'Congo, DRC=Democratic Republic of Congo'). */
static int parse_map(struct importer *im, const char *arg)
{
	char origin[160];
	const char *eq = strchr(arg, '=');
	snprintf(origin, sizeof origin, "--map '%.120s'", arg);
	if (!eq)
		return fail_at(im, 0, 0, ASSAY_EUSAGE, "%s is not OLD=NEW", origin);
	char *from = strndup(arg, (size_t)(eq - arg)), *to = xstrdup(eq + 1);
	if (!from)
		out_of_memory();
	int rc = add_map(im, trim(from), trim(to), origin);
	free(from);
	free(to);
	return rc;
}

/* --meta FILE: a small CSV read whole with libcsv. */
struct meta_reader {
	struct importer *im;
	char **cell;
	size_t n, cap;
	char **head;
	size_t nhead;
	int key;
	long line;
	int failed;
	int is_map;             /* --map-file rather than --meta */
};

static void meta_field(void *s, size_t len, void *data)
{
	struct meta_reader *r = data;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->cell = realloc(r->cell, r->cap * sizeof *r->cell);
		if (!r->cell)
			out_of_memory();
	}
	r->cell[r->n] = strndup(s ? s : "", len);
	if (!r->cell[r->n++])
		out_of_memory();
}

static void meta_row(int c, void *data)
{
	struct meta_reader *r = data;
	struct importer *im = r->im;
	(void)c;
	r->line++;
	if (r->failed || !r->n)
		goto done;
	if (r->is_map) {
		char origin[160];
		snprintf(origin, sizeof origin, "--map-file %.100s:%ld",
			 im->o->map_file, r->line);
		if (r->line == 1 && r->n == 2 && !strcasecmp(trim(r->cell[0]), "from") &&
		    !strcasecmp(trim(r->cell[1]), "to"))
			goto done;      /* a header */
		if (r->n != 2) {
			fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: %zu fields; a line is "
				"OLD,NEW (quote a name with a comma)", origin, r->n);
			r->failed = 1;
		} else if (add_map(im, trim(r->cell[0]), trim(r->cell[1]), origin)) {
			r->failed = 1;
		}
		goto done;
	}
	if (!r->head) {
		r->head = r->cell;
		r->nhead = r->n;
		r->cell = NULL;
		r->n = r->cap = 0;
		r->key = -1;
		for (size_t i = 0; i < r->nhead; i++) {
			char *h = trim(r->head[i]);
			if (!strcasecmp(h, "column") || !strcasecmp(h, "series") ||
			    !strcasecmp(h, "name"))
				r->key = (int)i;
			else if (assay_meta_field_parse(h) < 0) {
				fail_at(im, 0, 0, ASSAY_EUSAGE, "--meta %s:1:%zu: "
					"unknown column '%s' (column, kind, unit, "
					"measure, source, commodity, region, notes)",
					im->o->meta_file, i + 1, h);
				r->failed = 1;
			}
		}
		if (r->key < 0 && !r->failed) {
			fail_at(im, 0, 0, ASSAY_EUSAGE, "--meta %s:1: no column "
				"'column' (or 'series', 'name') naming what each "
				"row describes", im->o->meta_file);
			r->failed = 1;
		}
		return;
	}
	if ((size_t)r->key >= r->n || !trim(r->cell[r->key])[0]) {
		fail_at(im, 0, 0, ASSAY_EUSAGE, "--meta %s:%ld: no column name",
			im->o->meta_file, r->line);
		r->failed = 1;
		goto done;
	}
	struct col_meta *m = new_col_meta(im, trim(r->cell[r->key]));
	snprintf(m->origin, sizeof m->origin, "--meta %.100s:%ld",
		 im->o->meta_file, r->line);
	for (size_t i = 0; i < r->n && i < r->nhead && !r->failed; i++)
		if ((int)i != r->key &&
		    set_col_meta(im, m, trim(r->head[i]), trim(r->cell[i])))
			r->failed = 1;
done:
	for (size_t i = 0; i < r->n; i++)
		free(r->cell[i]);
	r->n = 0;
}

static int read_meta_file(struct importer *im, const char *path, int is_map)
{
	struct meta_reader r = { .im = im, .is_map = is_map };
	const char *flag = is_map ? "--map-file" : "--meta";
	struct csv_parser p;
	char block[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return fail_at(im, 0, 0, ASSAY_EUSAGE, "%s %s: cannot open: %s",
			       flag, path, strerror(errno));
	if (csv_init(&p, CSV_APPEND_NULL)) {
		fclose(fp);
		return fail_at(im, 0, 0, ASSAY_EIO, "out of memory");
	}
	while (!r.failed && (n = fread(block, 1, sizeof block, fp)) > 0)
		if (csv_parse(&p, block, n, meta_field, meta_row, &r) != n) {
			fail_at(im, 0, 0, ASSAY_EUSAGE, "%s %s: %s", flag, path,
				csv_strerror(csv_error(&p)));
			r.failed = 1;
		}
	if (!r.failed)
		csv_fini(&p, meta_field, meta_row, &r);
	csv_free(&p);
	fclose(fp);
	for (size_t i = 0; i < r.n; i++)
		free(r.cell[i]);
	free(r.cell);
	for (size_t i = 0; i < r.nhead; i++)
		free(r.head[i]);
	free(r.head);
	return r.failed ? -1 : 0;
}

/* After the import: an entry that named nothing is a typo, not a no-op. */
static int check_col_meta_used(struct importer *im)
{
	for (size_t k = 0; k < im->ncmeta; k++)
		if (!im->cmeta[k].used)
			return fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: no value column "
				       "or series '%s' in the file", im->cmeta[k].origin,
				       im->cmeta[k].spec);
	return 0;
}

static void free_col_meta(struct importer *im)
{
	for (size_t k = 0; k < im->ncmeta; k++) {
		free(im->cmeta[k].spec);
		for (int f = 0; f < ASSAY_META_COUNT; f++)
			free(im->cmeta[k].val[f]);
	}
	free(im->cmeta);
	im->cmeta = NULL;
	im->ncmeta = 0;
}

/* --suffix K=1e3,M=1e6: one to two letters each, a positive finite
 * multiplier. */
static int parse_suffixes(struct importer *im, const char *spec)
{
	const char *p = spec;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[64], *eq, *end;
		snprintf(item, sizeof item, "%.*s", (int)(len < 63 ? len : 63), p);
		eq = strchr(item, '=');
		if (!eq || eq == item)
			return fail_at(im, 0, 0, ASSAY_EUSAGE, "--suffix: '%s' is "
				       "not SUFFIX=MULTIPLIER (K=1e3, M=1e6)", item);
		*eq = 0;
		if (eq - item > 2)
			return fail_at(im, 0, 0, ASSAY_EUSAGE, "--suffix: '%s' is "
				       "longer than two letters", item);
		for (char *c = item; *c; c++)
			if (!isalpha((unsigned char)*c))
				return fail_at(im, 0, 0, ASSAY_EUSAGE, "--suffix: "
					       "'%s' is not one or two letters", item);
		errno = 0;
		double m = strtod(eq + 1, &end);
		if (*end || errno || !(m > 0) || !isfinite(m))
			return fail_at(im, 0, 0, ASSAY_EUSAGE, "--suffix: "
				       "multiplier '%s' is not a positive number",
				       eq + 1);
		if (im->nsuffix == MAX_SUFFIX)
			return fail_at(im, 0, 0, ASSAY_EUSAGE, "--suffix: more "
				       "than %d suffixes", MAX_SUFFIX);
		struct suffix *sx = &im->suffix[im->nsuffix++];
		memcpy(sx->text, item, strlen(item) + 1);   /* 1-2 letters */
		sx->mult = m;
		sx->pow10 = INT_MIN;
		for (int k = -30; k <= 30; k++) {
			char t[16];
			snprintf(t, sizeof t, "1e%d", k);
			if (strtod(t, NULL) == m)
				sx->pow10 = k;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int check_options(struct importer *im)
{
	const assay_import_opts *o = im->o;
	if (o->decimal != '.' && o->decimal != ',')
		return fail_at(im, 0, 0, ASSAY_EUSAGE, "--decimal takes '.' or ','");
	if (o->delimiter && o->delimiter == o->decimal)
		return fail_at(im, 0, 0, ASSAY_EUSAGE, "the delimiter and the "
			       "decimal mark are both '%c'", o->delimiter);
	if (o->suffix && parse_suffixes(im, o->suffix))
		return -1;
	if (o->meta_file && read_meta_file(im, o->meta_file, 0))
		return -1;
	if (o->map_file && read_meta_file(im, o->map_file, 1))
		return -1;
	for (size_t k = 0; k < o->n_maps; k++)
		if (parse_map(im, o->maps[k]))
			return -1;
	for (size_t k = 0; k < o->n_col_meta; k++)
		if (parse_col_meta(im, o->col_meta[k]))
			return -1;
	/* Names and metadata from flags are kept as given: check them as
	 * the cells are checked. */
	if ((o->prefix && check_name(im, o->prefix, 0, 0, "--prefix")) ||
	    (o->series_name && check_name(im, o->series_name, 0, 0, "--series")))
		return -1;
	for (int f = 0; f < ASSAY_META_COUNT; f++) {
		char flag[32];
		snprintf(flag, sizeof flag, "--%s", meta_names[f]);
		if (o->meta[f] && check_name(im, o->meta[f], 0, 0, flag))
			return -1;
	}
	return 0;
}

static int import_file(assay_store *st, const assay_import_opts *opts,
		       assay_import_result *res, assay_error *err);

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

static int import_file(assay_store *st, const assay_import_opts *opts,
		       assay_import_result *res, assay_error *err)
{
	struct importer im;
	struct source src = { .cd = (iconv_t)-1 };
	char delim;
	/* volatile: they change after setjmp and are read after a longjmp */
	volatile int rc = -1, in_txn = 0, fk_off = 0;
	jmp_buf oom;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;

	memset(&im, 0, sizeof im);
	memset(res, 0, sizeof *res);
	err->msg[0] = 0;
	im.o = opts;
	im.res = res;
	im.err = err;
	im.st = st;
	im.db = assay_store_db(st);
	im.path = strcmp(opts->path, "-") ? opts->path : "<stdin>";
	im.cached_vintage_id = -1;
	/* OpenSSL's SHA-256 uses the CPU's SHA extensions where present. */
	im.sha = EVP_MD_CTX_new();
	if (!im.sha || !EVP_DigestInit_ex(im.sha, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(im.sha);
		return assay_fail(err, ASSAY_EIO, "cannot start SHA-256");
	}
	if (setjmp(oom)) {
		if (im.parser)
			csv_free(im.parser);
		im.parser = NULL;
		assay_fail(err, ASSAY_EIO, "%s: out of memory", im.path);
		goto out;
	}
	oom_target = &oom;
	if (check_options(&im) || open_source(&im, &src) ||
	    open_workbook(&im, &src) || (!im.wb && open_encoding(&im, &src)))
		goto out;
	if (im.wb) {
		delim = 0;
	} else {
		char head[4 * 8192];
		size_t n = read_head(&im, &src, head, sizeof head);
		if (im.failed)
			goto out;
		delim = opts->delimiter ? opts->delimiter : sniff_delimiter(head, n);
	}

	/* Pass one: validate everything, learn how to read full dates. */
	reset_for_pass(&im, 1);
	if (im.wb ? feed_workbook(&im) : feed(&im, &src, delim))
		goto out;
	if (im.state == BEFORE_HEADER && im.header_err[0]) {
		assay_fail(err, im.header_status, "%s", im.header_err);
		goto out;
	}
	if (im.state == BEFORE_HEADER) {
		fail_at(&im, 0, 0, ASSAY_EUSAGE, opts->header_line
			? im.sheet_name ? "no row %ld with a cell: the sheet (or "
			  "--range) is shorter" : "no line %ld: the file is shorter"
			: "no header row found%.0ld", opts->header_line);
		goto out;
	}
	decide_day_freq(&im);

	/* Pass two: write, in one transaction. */
	reset_for_pass(&im, 2);
	/* The importer creates every parent row it refers to, so the
	 * per-row foreign-key look-ups would only cost time; the pragma
	 * cannot change inside a transaction, hence here. */
	sqlite3_exec(im.db, "PRAGMA foreign_keys = OFF",
		     NULL, NULL, NULL);
	fk_off = 1;
	if (sqlite3_exec(im.db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) {
		db_error(&im);
		goto out;
	}
	in_txn = 1;
	if (prepare_all(&im) || record_import(&im) ||
	    (im.wb ? hash_file(&im, src.fp) || feed_workbook(&im)
		   : feed(&im, &src, delim)))
		goto out;
	if (res->rows_read == 0) {
		fail_at(&im, im.header_at, 0, ASSAY_EUSAGE,
			"no data rows after the header");
		goto out;
	}
	if (check_col_meta_used(&im))
		goto out;
	EVP_DigestFinal_ex(im.sha, digest, &digest_len);
	for (unsigned int i = 0; i < digest_len && i < 32; i++)
		snprintf(res->sha256 + 2 * i, 3, "%02x", digest[i]);
	res->freq = im.file_freq;
	if (finish_import(&im))
		goto out;
	finalize_all(&im);
	if (opts->dry_run) {
		sqlite3_exec(im.db, "ROLLBACK", NULL, NULL, NULL);
	} else {
		if (sqlite3_exec(im.db, "COMMIT", NULL, NULL, NULL)) {
			db_error(&im);
			goto out;
		}
		res->import_id = im.import_id;
	}
	in_txn = 0;
	rc = 0;
out:
	oom_target = NULL;
	finalize_all(&im);
	if (in_txn)
		sqlite3_exec(im.db, "ROLLBACK", NULL, NULL, NULL);
	if (fk_off)
		sqlite3_exec(im.db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	assay_workbook_close(im.wb);
	if (src.fp)
		fclose(src.fp);
	if (src.cd != (iconv_t)-1)
		iconv_close(src.cd);
	free(im.conv);
	free(im.name.s);
	reset_for_pass(&im, 0);
	map_free(&im.map);
	EVP_MD_CTX_free(im.sha);
	free(im.buf);
	free(im.off);
	free(im.ftype);
	free(im.field);
	free_col_meta(&im);
	for (size_t k = 0; k < im.nmap; k++) {
		free(im.map_from[k]);
		free(im.map_to[k]);
	}
	free(im.map_from);
	free(im.map_to);
	if (rc && !err->msg[0])
		assay_fail(err, ASSAY_EIO, "%s: import failed", im.path);
	return rc;
}
