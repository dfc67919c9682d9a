/*
 * The importer's header: finding the columns a layout needs, by flag, by
 * name or by number, value columns and what they name, a units row.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assay/units.h"
#include "import_internal.h"
#include "utf8.h"

/* ---- header ------------------------------------------------------------ */

/* The column (0-based) whose header is `spec` (case-insensitive), or -1. */
static int named_col(struct importer *im, const char *spec)
{
	for (size_t i = 0; i < im->nheader; i++)
		if (!strcasecmp(im->header[i], spec))
			return (int)i;
	return -1;
}

/* Is spec a column number (1-based; *k gets it) rather than a name?  A
 * number past the header that is a column's name ('2023' in a table of
 * year columns) is that name: no column has that number. */
static int col_number(struct importer *im, const char *spec, long *k)
{
	char *end;
	*k = strtol(spec, &end, 10);
	if (!*spec || *end)
		return 0;
	return !((*k > (long)im->nheader || *k < 1) && named_col(im, spec) >= 0);
}

/* A number that is one column's number and another's name ('date,3,2,1'
 * and --value-cols 2): the number won, and the column named '3' was read
 * without a word.  Refused, naming both; a glob ('[2]') names a header. */
static int ambiguous_number(struct importer *im, const char *spec,
			    const char *flag, int globs)
{
	long k;
	int c = named_col(im, spec);
	if (c < 0 || !col_number(im, spec, &k) || k < 1 || k == c + 1)
		return 0;
	char hint[96] = "";
	if (globs)
		snprintf(hint, sizeof hint, ": '[%c]%s' (a glob) names the column "
			 "named '%s'", spec[0], spec + 1, spec);
	return im_fail_at(im, im->header_at, c + 1, ASSAY_EUSAGE, "%s %s is the "
			  "number of column %ld ('%s') and the name of column "
			  "%d%s", flag, spec, k, im->header[k - 1], c + 1,
			  globs ? hint : " (give the other column's name)");
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
	if (col_number(im, spec, &k))
		return k >= 1 && (size_t)k <= im->hwidth ? (int)k - 1 : -1;
	return named_col(im, spec);
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
	return im_fail_at(im, im->header_at, d + 1, ASSAY_EUSAGE,
		       "columns %d and %d are both named '%s': which one is "
		       "meant is a guess (give its number: %s %d or %d)", c + 1,
		       d + 1, assay_shown(im->header[c], buf, sizeof buf), flag, c + 1,
		       d + 1);
}

/* The column `spec` given by the flag `flag` ("--date-col"); -1 (failed)
 * when the header has no such column or has its name twice. */
static int need_col(struct importer *im, const char *spec, const char *what,
		    const char *flag)
{
	char buf[64];
	long k;
	if (ambiguous_number(im, spec, flag, 0))
		return -1;
	int c = find_col(im, spec);
	int number = col_number(im, spec, &k);
	if (c >= 0)
		return !number && unique_name(im, c, flag) ? -1 : c;
	if (number && k < 1)
		im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s %s: columns are numbered "
			"from 1", flag, spec);
	else if (number)
		im_fail_at(im, im->header_at, 0, ASSAY_EUSAGE, "%s %s: the header "
			"has %zu column%s", flag, spec, im->hwidth,
			im->hwidth == 1 ? "" : "s");
	else
		im_fail_at(im, im->header_at, 0, ASSAY_EUSAGE,
			"no %s column '%s' in the header", what,
			assay_shown(spec, buf, sizeof buf));
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
static char *strip_paren_suffix(struct importer *im, const char *h)
{
	char *out = im_strdup(im, h);
	if (!out)
		return NULL;
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

/* Is s a unit of assay's table (units.h)? */
static int is_unit(const char *s)
{
	assay_unit *u;
	assay_error err;
	if (assay_unit_parse(s, &u, &err))
		return 0;
	assay_unit_free(u);
	return 1;
}

/* Do two unit texts name one unit ("$/mt" and "USD/t")? */
int im_same_unit(const char *a, const char *b)
{
	assay_unit *ua = NULL, *ub = NULL;
	assay_error err;
	int same = !assay_unit_parse(a, &ua, &err) && !assay_unit_parse(b, &ub, &err) &&
		   assay_unit_same(ua, ub);
	assay_unit_free(ua);
	assay_unit_free(ub);
	return same;
}

/* A group that assay's table does not know but that is a unit all the
 * same: a multiplier before one ("'000 t", "000 t", "1,000 t", "thousand
 * tonnes", "mln t"), a unit of the table before words ("kt Cu", "t
 * gross weight"), or a price ("USc/lb", "$/oz").  Read as a source, "Copper ('000 t)" under --unit t
 * labelled thousands of tonnes as tonnes, exit 0. */
static int unit_like(const char *s)
{
	static const char *const multipliers[] = {
		"thousand", "thousands", "th.", "mln", "million", "millions",
		"mn", "bn", "billion", "billions", NULL
	};
	/* '000 (or U+2019 000), 000, 1000, 1,000: a power of ten, then a
	 * word ("Copper (3 months)" is LME's price, no unit) */
	const char *p = *s == '\'' ? s + 1
			: !strncmp(s, "\xe2\x80\x99", 3) ? s + 3 : s;
	if (isdigit((unsigned char)*p)) {
		int zeros = 0;
		if (*p == '1')
			p++;
		for (; *p == '0' || (*p == ',' && p[1] == '0'); p++)
			zeros += *p == '0';
		return zeros >= 2 && *p == ' ' &&
		       (isalpha((unsigned char)p[1]) || p[1] == '$');
	}
	char word[32];
	/* a price: a currency or a unit over one ("USc/lb", "$/oz",
	 * "RMB/t", "$/dmt"; "Copper (USc/lb)" under --unit USD/t was
	 * labelled dollars a tonne) */
	const char *slash = strchr(s, '/');
	if (slash && slash > s && slash - s < (long)sizeof word && slash[1]) {
		snprintf(word, sizeof word, "%.*s", (int)(slash - s), s);
		if (is_unit(word) || strpbrk(word, "$") || strstr(word, "\xe2\x82\xac") ||
		    strstr(word, "\xc2\xa3") || strstr(word, "\xc2\xa5") ||
		    strstr(word, "\xc2\xa2") || is_unit(slash + 1))
			return 1;
	}
	size_t n = strcspn(s, " ");
	if (!s[n] || n >= sizeof word)
		return 0;
	snprintf(word, sizeof word, "%.*s", (int)n, s);
	for (const char *const *m = multipliers; *m; m++)
		if (!strcasecmp(word, *m))
			return 1;
	return !isdigit((unsigned char)word[0]) && is_unit(word);
}

/* The trailing "(unit)" of header h, whose name part is `len` bytes,
 * labels value column v when it is a unit of assay's table, as a units
 * row does: "Copper (kt)" under --unit t stored thousands of tonnes as
 * tonnes (exit 0), and without --unit the kt was lost.  A group that is
 * no unit ("Copper (LME)", "Cobalt (BGS (2016))") names a source. */
static int header_unit(struct importer *im, struct value_col *v,
		       const char *h, size_t len)
{
	if (len >= strlen(h))   /* no group, or an unnamed column */
		return 0;
	const char *open = h + len, *close = strrchr(h, ')');
	if (*open != '(' || !close || close <= open)
		return 0;
	char text[64];
	if ((size_t)(close - open - 1) >= sizeof text)
		return 0;
	snprintf(text, sizeof text, "%.*s", (int)(close - open - 1), open + 1);
	if (!is_unit(text) && !unit_like(text))
		return 0;
	return (v->unit = im_strdup(im, text)) ? 0 : -1;
}

static int add_value_col(struct importer *im, int c)
{
	struct value_col *vc = realloc(im->vcol, (im->nvcol + 1) * sizeof *vc);
	if (!vc)
		return im_oom(im);
	im->vcol = vc;
	struct value_col *v = &im->vcol[im->nvcol++];
	memset(v, 0, sizeof *v);
	v->idx = c;
	/* a header "#REF!" (a formula whose column was deleted) made a
	 * series 'ref' */
	if (im->layout == ASSAY_LAYOUT_WIDE &&
	    im_is_error_value(im_mapped(im, im->header[c])))
		return im_fail_at(im, im->header_at, c + 1, ASSAY_EUSAGE,
				  "column header '%s' is a spreadsheet's error "
				  "value (a formula that failed), not a name: fix it "
				  "in the sheet (--map '%s=NAME' names it; "
				  "--value-cols leaves it out)", im->header[c],
				  im->header[c]);
	char *name = strip_paren_suffix(im, im_mapped(im, im->header[c]));
	if (!name)
		return -1;
	if (!name[0]) {         /* an unnamed column picked by its number */
		char num[24];
		snprintf(num, sizeof num, "%d", c + 1);
		free(name);
		if (!(name = im_strdup(im, num)))
			return -1;
	}
	v->part = im_strdup(im, name);  /* a slug is never longer */
	if (v->part)
		assay_slug(name, v->part, strlen(name) + 1);
	if (v->part && !(v->raw = im_strdup(im, name))) {
		free(name);
		return -1;
	}
	if (v->raw)             /* "Copper (t)": "Copper", not "Copper " */
		memmove(v->raw, im_trim(v->raw), strlen(im_trim(v->raw)) + 1);
	int rc = v->part ? header_unit(im, v, im_mapped(im, im->header[c]),
				       strlen(name)) : -1;
	free(name);
	return rc;
}

/* Does an entry of the comma-separated list name column c (a glob, a
 * name, case-insensitive, or its 1-based number)? */
static int pattern_names(struct importer *im, const char *pat,
			 const char *header, int c)
{
	long k;
	if (col_number(im, pat, &k))
		return k == c + 1;
	return store_glob(pat, header) || !strcasecmp(pat, header);
}

/* Is column c named by number in --value-cols? */
static int number_in_list(struct importer *im, int c)
{
	long k;
	for (size_t i = 0; i < im->nvpat; i++)
		if (col_number(im, im->vpat[i], &k) && k == c + 1)
			return 1;
	return 0;
}

/* --col-meta / --meta entries that name value column v (its header, a
 * glob of it, or its number): their fields override the flags and the
 * units row; later entries win. */
static void column_meta(struct importer *im, struct value_col *v)
{
	for (size_t k = 0; k < im->ncmeta; k++) {
		struct col_meta *m = &im->cmeta[k];
		if (!pattern_names(im, m->spec, im->header[v->idx], v->idx))
			continue;
		m->used = 1;
		for (int f = 0; f < ASSAY_META_COUNT; f++)
			if (m->val[f])
				v->meta[f] = m->val[f];
	}
}

/* Does an entry of --value-cols name the column? */
static int matches_any(struct importer *im, const char *header, int c)
{
	for (size_t i = 0; i < im->nvpat; i++)
		if (pattern_names(im, im->vpat[i], header, c))
			return 1;
	return 0;
}

/* Is the column named in --value-cols literally (not through a wildcard)? */
static int matches_any_exactly(struct importer *im, const char *header, int c)
{
	long k;
	for (size_t i = 0; i < im->nvpat; i++)
		if (col_number(im, im->vpat[i], &k) ? k == c + 1
		    : !strcasecmp(im->vpat[i], header))
			return 1;
	return 0;
}

static int resolve_keys(struct importer *im)
{
	if (!im->o->key_cols)
		return 0;
	char *copy = im_strdup(im, im->o->key_cols), *save = NULL;
	if (!copy)
		return -1;
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int c = need_col(im, im_trim(p), "key", "--key-cols");
		if (c < 0)
			break;
		int *k = realloc(im->key_col, (im->nkey + 1) * sizeof *k);
		if (!k) {
			im_oom(im);
			break;
		}
		im->key_col = k;
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
static const char *const unit_names[] = {
	"unit", "units", "unit_measure", NULL
};
static const char *const value_names[] = {
	"value", "obs_value", "val", "price", "amount", NULL
};

/* A word that qualifies a period in a header: a month (Jan, June, Sept),
 * a part of a year (H1, Q3, 9M, YTD), or anything else with digits in it
 * that is not a period itself (2024e, 1000).  Beside a period it would be
 * read as the whole year: "H1 2024" is half a year's flow. */
static int period_qualifier(const char *tok)
{
	static const char *const months[] = {
		"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december"
	};
	static const char *const parts[] = { "ytd", "mtd", "qtd", "sept", NULL };
	for (const char *t = tok; *t; t++)
		if (isdigit((unsigned char)*t) || *t == '%')
			return 1;
	/* "Jan-Jun", "Q1/Q2": each part on its own */
	size_t n = strcspn(tok, "-/.");
	if (tok[n]) {
		char part[32];
		snprintf(part, sizeof part, "%.*s", (int)(n < 31 ? n : 31), tok);
		return period_qualifier(part) || period_qualifier(tok + n + 1);
	}
	for (size_t m = 0; m < 12; m++)
		if (n >= 3 && n <= strlen(months[m]) && !strncasecmp(tok, months[m], n))
			return 1;
	for (const char *const *w = parts; *w; w++)
		if (!strcasecmp(tok, *w))
			return 1;
	return 0;
}

/* A word that makes a header's year some other year than the calendar
 * one ("FY 2024", "Crop year 2024": India's FY 2024 ends in March 2024,
 * Australia's in June), or the year's value some other quantity than
 * its level ("YoY 2024", "Change 2024", "Share 2024").  Read as the
 * calendar year's level, either is stored without a word. */
static const char *const fiscal_words[] = {
	"fy", "fiscal", "crop", "marketing", "season", "seasonal", "harvest",
	"financial", NULL
};
static const char *const change_words[] = {
	"yoy", "mom", "qoq", "change", "changes", "chg", "growth", "pct",
	"percent", "percentage", "share", "rank", "ranking", "diff",
	"difference", "delta", "var", "variation", "ratio", NULL
};

static int in_words(const char *tok, const char *const *words)
{
	for (const char *const *w = words; *w; w++)
		if (!strcasecmp(tok, *w))
			return 1;
	return 0;
}

/* Table layout: the period of column c from its header ("PROD_2023",
 * "PROD_EST_ 2024", "2026Q1", "Production 2024 (kt)"): its one token that
 * reads as a period, after a trailing parenthesised group (a unit) is
 * dropped.  A header with two periods, or a period beside a word that
 * qualifies it ("H1 2024", "Jan-Jun 2024", "2024 Q1"), is an error: read
 * as the year it would put part of a year's flow, or a unit's 1000, in a
 * year's place.  Returns 1 found, 0 none, -1 failed. */
/* Words of a table header that mark an estimate or a revision of the
 * same quantity (USGS: PROD_2023, PROD_EST_ 2024), not another one. */
static int estimate_word(const char *tok)
{
	static const char *const words[] = {
		"e", "est", "estimate", "estimated", "p", "prel", "prelim",
		"preliminary", "provisional", "r", "rev", "revised", NULL
	};
	size_t n = strlen(tok);
	if (n > 1 && tok[n - 1] == '.')        /* "Est.", "rev." */
		n--;
	for (const char *const *w = words; *w; w++)
		if (strlen(*w) == n && !strncasecmp(tok, *w, n))
			return 1;
	return 0;
}

/* Append a header word to the quantity its period columns name. */
static void add_word(char *words, size_t n, const char *tok)
{
	size_t k = strlen(words);
	if (k && k + 1 < n)
		words[k++] = ' ';
	for (const char *t = tok; *t && k + 1 < n; t++)
		words[k++] = (char)tolower((unsigned char)*t);
	words[k] = 0;
}

static int header_period(struct importer *im, const char *h, int c,
			 assay_period *p, assay_freq *f, char label[8],
			 char *words, size_t nwords, char *unit, size_t nunit)
{
	char *buf = strip_paren_suffix(im, h), *tok, *save = NULL;
	char first[32] = "", odd[32] = "", fiscal[32] = "", change[32] = "";
	int found = 0;
	words[0] = unit[0] = 0;
	if (!buf)
		return -1;
	/* the trailing (unit) it dropped: "Production 2024 (kt)" */
	size_t blen = strlen(buf);
	if (h[blen] == '(') {
		const char *end = strrchr(h + blen, ')');
		if (end)
			snprintf(unit, nunit, "%.*s", (int)(end - h - blen - 1), h + blen + 1);
	}
	for (char *s = buf; *s; s++)
		if (*s == '_' || *s == ' ' || *s == '(' || *s == ')' || *s == ',')
			*s = ' ';
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		assay_freq tf;
		assay_period tp;
		if (isdigit((unsigned char)tok[0]) &&
		    assay_period_parse(tok, NULL, &tf, &tp, NULL, 0) == 0) {
			if (found++) {
				int rc = im_fail_at(im, im->header_at, c + 1, ASSAY_EUSAGE,
						    "column header '%s' names two periods, "
						    "'%s' and '%s' (the table layout reads "
						    "one period a column; --map renames a header)",
						    h, first, tok);
				free(buf);
				return rc;
			}
			snprintf(first, sizeof first, "%s", tok);
			*p = tp;
			*f = tf;
			snprintf(label, 8, "%s", strlen(tok) == 7 ? tok : "");
		} else if (!odd[0] && period_qualifier(tok)) {
			snprintf(odd, sizeof odd, "%s", tok);
		} else if (in_words(tok, fiscal_words)) {
			if (!fiscal[0])
				snprintf(fiscal, sizeof fiscal, "%s", tok);
		} else if (in_words(tok, change_words)) {
			if (!change[0])
				snprintf(change, sizeof change, "%s", tok);
		} else if (!estimate_word(tok)) {
			add_word(words, nwords, tok);
		}
	}
	if (found && odd[0]) {
		int rc = im_fail_at(im, im->header_at, c + 1, ASSAY_EUSAGE,
				    "column header '%s' has '%s' beside its period "
				    "'%s': part of that period, or another one? (the "
				    "table layout reads a period and words: PROD_2023, "
				    "2026Q1, 2026-03; --map renames a header)", h, odd,
				    first);
		free(buf);
		return rc;
	}
	if (found && (fiscal[0] || change[0])) {
		int rc = im_fail_at(im, im->header_at, c + 1, ASSAY_EUSAGE,
				    fiscal[0]
				    ? "column header '%s' has '%s' beside its year '%s': "
				      "a fiscal or crop year is not the calendar year "
				      "(--map '%s=...' relabels it by a calendar year)"
				    : "column header '%s' has '%s' beside its period "
				      "'%s': a change or share, not the period's level "
				      "(--value-cols leaves the column out; --map '%s=...' "
				      "renames it)", h, fiscal[0] ? fiscal : change,
				    first, h);
		free(buf);
		return rc;
	}
	free(buf);
	return found;
}

/* A "header" that is a row of data: a cell reads as a date finer than a
 * year (2026-01-05, 2026-01, 2026Q1), or as a year next to a number that
 * is no year (a file with no header line at all).  Returns the column of
 * that date, or -1. */
int im_header_is_data(struct importer *im)
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
		} else if (im_read_number(h, im->decimal, &v) == 0) {
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
int im_check_header_names(struct importer *im)
{
	int as_commodity = !im->o->meta[ASSAY_META_COMMODITY], bad;
	if (im->layout != ASSAY_LAYOUT_WIDE)
		return 0;
	for (size_t i = 0; i < im->nvcol; i++) {
		int c = im->vcol[i].idx;
		if (!assay_name_flaw(im->vcol[i].part, &bad) &&
		    !(as_commodity && assay_name_flaw(im->header[c], &bad)))
			continue;
		return im_check_name_fix(im, im->header[c], im->header_at, c + 1,
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
		return im_oom(im);
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
		if (!im_slug_names(im->vcol[i].part))   /* '-', and '—' too */
			return im_fail_at(im, im->header_at, im->vcol[i].idx + 1,
				       ASSAY_EUSAGE, "column header '%s' gives no "
				       "series name (it needs a letter or digit)",
				       assay_shown(im->header[im->vcol[i].idx], a, sizeof a));
	if (again == (size_t)-1)
		return 0;
	struct value_col *w = &im->vcol[first], *v = &im->vcol[again];
	/* Two spellings of one name ('Copper, mine' and 'copper mine', a
	 * footnote mark, a no-break space) are refused here as the keys of
	 * one file are, naming --map; the same text twice no --map tells
	 * apart. */
	if (wide) {
		char map[300] = "";
		if (strcmp(im->header[w->idx], im->header[v->idx]))
			snprintf(map, sizeof map, " (--map '%.200s=...' names it "
				 "apart)", im->header[v->idx]);
		return im_fail_at(im, im->header_at, v->idx + 1, ASSAY_EUSAGE,
			       "columns %d and %d ('%s' and '%s') both name series "
			       "'%s': rename one%s, or choose with --value-cols",
			       w->idx + 1, v->idx + 1,
			       assay_shown(im->header[w->idx], a, sizeof a),
			       assay_shown(im->header[v->idx], b, sizeof b),
			       assay_shown(v->part, lbl, sizeof lbl), map);
	}
	return im_fail_at(im, im->header_at, v->idx + 1, ASSAY_EUSAGE,
		       "columns %d and %d ('%s' and '%s') both hold period %s: "
		       "choose one with --value-cols",
		       w->idx + 1, v->idx + 1,
		       assay_shown(im->header[w->idx], a, sizeof a),
		       assay_shown(im->header[v->idx], b, sizeof b),
		       assay_period_format(v->pfreq, v->period, lbl, sizeof lbl));
}

/* The columns named by flags (or guessed from their names): metadata
 * columns, keys, date, series, value. */
/* One column, one role: --key-cols Entity,Year --date-col Year made a
 * series per year, --series-col date --date-col date a series named by
 * each date, with exit 0. */
struct role {
	int col;
	const char *flag;
};

static int two_roles(struct importer *im, const struct role *a, const char *b)
{
	return im_fail_at(im, im->header_at, a->col + 1, ASSAY_EUSAGE,
			  "column '%s' is given two roles, %s and %s (one column, "
			  "one role)", im->header[a->col], a->flag, b);
}

/* The option that took column c (col_is_used), for messages. */
static const char *role_of(struct importer *im, int c, char *buf, size_t n)
{
	if (c == im->date_col)
		return im->o->date_col ? "--date-col" : "the date column";
	if (c == im->series_col)
		return "--series-col";
	if (c == im->value_col)
		return "--value-col";
	for (size_t k = 0; k < im->nkey; k++)
		if (im->key_col[k] == c)
			return "--key-cols";
	for (int f = 0; f < ASSAY_META_COUNT; f++)
		if (im->meta_col[f] == c) {
			snprintf(buf, n, "--%s-col", im_meta_names[f]);
			return buf;
		}
	return "another option";
}

static int one_role_each(struct importer *im)
{
	struct role role[3];
	char flags[ASSAY_META_COUNT][32];
	size_t n = 0;
	/* a date column guessed by its name is no date column where
	 * --key-cols names it */
	for (size_t k = 0; !im->o->date_col && k < im->nkey; k++)
		if (im->key_col[k] == im->date_col)
			im->date_col = -1;
	if (im->date_col >= 0)
		role[n++] = (struct role){ im->date_col, im->o->date_col ? "--date-col"
					   : "the date column" };
	if (im->series_col >= 0)
		role[n++] = (struct role){ im->series_col, "--series-col" };
	if (im->value_col >= 0)
		role[n++] = (struct role){ im->value_col, "--value-col" };
	/* the structural roles: distinct, and none of them a key */
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++)
			if (role[i].col == role[j].col)
				return two_roles(im, &role[i], role[j].flag);
		for (size_t k = 0; k < im->nkey; k++)
			if (im->key_col[k] == role[i].col)
				return two_roles(im, &role[i], "--key-cols");
	}
	/* a metadata column may be a key or the series column too (--key-cols
	 * Commodity --commodity-col Commodity), not the dates or the values */
	for (int f = 0; f < ASSAY_META_COUNT; f++) {
		if (im->meta_col[f] < 0)
			continue;
		snprintf(flags[f], sizeof flags[f], "--%s-col", im_meta_names[f]);
		for (size_t i = 0; i < n; i++)
			if (role[i].col == im->meta_col[f] && role[i].col != im->series_col)
				return two_roles(im, &role[i], flags[f]);
	}
	return 0;
}

static int resolve_named_columns(struct importer *im)
{
	const assay_import_opts *o = im->o;
	im->date_col = im->series_col = im->value_col = -1;
	for (int f = 0; f < ASSAY_META_COUNT; f++) {
		char flag[32];
		snprintf(flag, sizeof flag, "--%s-col", im_meta_names[f]);
		im->meta_col[f] = -1;
		if (o->meta_col[f] &&
		    (im->meta_col[f] = need_col(im, o->meta_col[f], im_meta_names[f],
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
	return one_role_each(im);
}

static assay_layout guess_layout(struct importer *im)
{
	if (im->o->series_name)
		return ASSAY_LAYOUT_SINGLE;
	if (im->series_col >= 0 || guess_col(im, series_names) >= 0)
		return ASSAY_LAYOUT_LONG;
	if (im->nkey && im->date_col < 0)
		return ASSAY_LAYOUT_TABLE;
	return ASSAY_LAYOUT_WIDE;
}

/* What the layout needs: a series column (long), a name (single), a date
 * column (all but table), key columns (table). */
static int check_layout_columns(struct importer *im)
{
	const assay_import_opts *o = im->o;
	assay_layout lay = im->layout;
	if (lay == ASSAY_LAYOUT_LONG && im->series_col < 0) {
		if ((im->series_col = guess_unique(im, series_names,
						   "--series-col")) == -2)
			return -1;
		if (im->series_col < 0)
			return im_fail_at(im, im->header_at, 0, ASSAY_EUSAGE,
				       "no series column in the header (name it "
				       "'series' or give --series-col)");
	}
	if (lay == ASSAY_LAYOUT_SINGLE && !o->series_name)
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE,
			       "the single layout needs --series NAME");
	if (lay != ASSAY_LAYOUT_TABLE && im->date_col < 0) {
		/* The World Bank's date column has an empty header. */
		int c;
		if (im->nheader && !im->header[0][0] && !col_is_used(im, 0))
			im->date_col = 0;
		else if (!o->header_line && (c = im_header_is_data(im)) >= 0)
			return im_fail_at(im, im->header_at, c + 1, ASSAY_EUSAGE,
				       "no header row: '%s' is a date, not a "
				       "column name (the first row must name "
				       "the columns)", im->header[c]);
		else
			return im_fail_at(im, im->header_at, 0, ASSAY_EUSAGE,
				       "no date column in the header (name it "
				       "'date' or give --date-col)");
	}
	if (lay == ASSAY_LAYOUT_TABLE && !im->nkey)
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE,
			       "the table layout needs --key-cols");
	return 0;
}

/* The columns up to the header's last named one that no option uses,
 * named or unnamed ones, appended to (*out, *n). */
static int list_unused_columns(struct importer *im, int named, int **out,
			       size_t *n)
{
	for (size_t c = 0; c < im->hwidth && c < im->nheader; c++) {
		if ((im->header[c][0] != 0) != named || col_is_used(im, (int)c))
			continue;
		int *u = realloc(*out, (*n + 1) * sizeof *u);
		if (!u)
			return im_oom(im);
		*out = u;
		(*out)[(*n)++] = (int)c;
	}
	return 0;
}

/* Long and single layouts whose value column was guessed: the named
 * columns left over.  A number in one of them (series,date,price,volume)
 * would be dropped without a word, so it is an error that names
 * --value-col (im_check_spare_columns); text there (flags, notes) is not
 * a value.  With --value-col the others are left out on purpose. */
static int list_spare_columns(struct importer *im)
{
	return im->o->value_col ? 0 : list_unused_columns(im, 1, &im->spare,
							  &im->nspare);
}

/* Long and single layouts: the one value column, named, guessed, or the
 * one column left over (FRED: observation_date,PCOPPUSDM). */
static int resolve_value_column(struct importer *im)
{
	/* A column named unit (series,date,value,unit: the tidy file's
	 * shape) gives each row's unit, as --unit-col would; it was left
	 * unread, and a share of kt over t came out a thousand times off
	 * with only "unit unknown" said.  --unit-col says which column;
	 * --unit must then name the same unit (check_unit_flag). */
	if (im->meta_col[ASSAY_META_UNIT] < 0) {
		int c = guess_unique(im, unit_names, "--unit-col");
		if (c == -2)
			return -1;
		if (c >= 0 && !col_is_used(im, c))
			im->meta_col[ASSAY_META_UNIT] = c;
	}
	if (im->value_col < 0 &&
	    (im->value_col = guess_unique(im, value_names, "--value-col")) == -2)
		return -1;
	if (im->value_col < 0) {
		int left = -1, nleft = 0;
		for (size_t c = 0; c < im->nheader; c++)
			if (!col_is_used(im, (int)c) && im->header[c][0]) {
				left = (int)c;
				nleft++;
			}
		if (nleft != 1)
			return im_fail_at(im, im->header_at, 0, ASSAY_EUSAGE,
				       "no value column in the header "
				       "(name it 'value' or give --value-col)");
		im->value_col = left;
	}
	return add_value_col(im, im->value_col) || list_spare_columns(im);
}

/* What the first period column of a table said (its quantity's words,
 * its unit), for the others to agree with. */
struct first_seen {
	int col;                /* -1: none seen yet */
	char text[128];
};

/* 1 when text differs from the first column's; the first is kept. */
static int differs_from_first(struct first_seen *f, int col, const char *text)
{
	if (f->col < 0) {
		f->col = col;
		snprintf(f->text, sizeof f->text, "%s", text);
		return 0;
	}
	return strcmp(text, f->text) != 0;
}

/* A --value-cols glob for the quantity of table header h: its text up
 * to the period's first digit, then '*' (PROD_2023: PROD_*). */
static const char *glob_hint(const char *h, char *buf, size_t n)
{
	size_t k = strcspn(h, "0123456789");
	snprintf(buf, n, "%.*s*", (int)(k < n - 2 ? k : n - 2), h);
	return buf;
}

/* A wide column named for a part of a date (Year,Month,copper_stock) is
 * no series: the file's dates are split over two columns.  Read as a
 * series, 'month' held 12s and the December values were the years';
 * --value-cols leaving it out still stored them as the years'. */
static int date_part_column(struct importer *im, int c)
{
	/* each name, then the part it names */
	static const char *const parts[] = {
		"month", "month", "quarter", "quarter", "qtr", "quarter",
		"week", "week", "day", "day",
		/* short forms, and a date name beside the date column:
		 * "Year,Mon,stock" stored December's stocks as the years' */
		"mon", "month", "mth", "month", "q", "quarter", "wk", "week",
		"half", "half-year", "period", "sub-period", NULL
	};
	if (im->layout == ASSAY_LAYOUT_TABLE || im->date_col < 0)
		return 0;
	for (const char *const *w = parts; *w; w += 2)
		if (!strcasecmp(im->header[c], *w))
			return im_fail_at(im, im->header_at, c + 1, ASSAY_EUSAGE,
				       "column '%s' is a part of the date beside "
				       "the date column '%s': each row's value is "
				       "that %s's, not the whole period's (join the "
				       "two into one date column, 2021-12, and give "
				       "it as --date-col)",
				       im->header[c], im->header[im->date_col], w[1]);
	return 0;
}

/* A wide column named for a part of the year beside the date column
 * (Year,Jan,...,Dec, the layout of many statistics offices; Year,Q1,...,
 * Q4) holds that month's or quarter's value: read as a series, 'jan'
 * was a series of years each holding January's value, exit 0. */
static int year_part_column(struct importer *im, int c)
{
	static const char *const months[] = {
		"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december"
	};
	static const char *const parts[] = {
		"q1", "q2", "q3", "q4", "h1", "h2", "sept", NULL
	};
	const char *h = im_mapped(im, im->header[c]), *what = NULL;
	size_t n = strlen(h);
	if (im->layout != ASSAY_LAYOUT_WIDE || im->date_col < 0)
		return 0;
	for (size_t m = 0; m < 12 && !what; m++)
		if (n >= 3 && n <= strlen(months[m]) && !strncasecmp(h, months[m], n))
			what = "month";
	for (const char *const *w = parts; *w && !what; w++)
		if (!strcasecmp(h, *w))
			what = (*w)[0] == 'q' ? "quarter" : (*w)[0] == 'h' ? "half-year"
			       : "month";
	if (!what)
		return 0;
	return im_fail_at(im, im->header_at, c + 1, ASSAY_EUSAGE, "column '%s' "
			  "names a %s, beside the date column '%s': each row's "
			  "value under it is that %s's, not the whole period's (a "
			  "row a year and a column a %s: reshape it to one date "
			  "column, 2021-12 or 2021Q4; --value-cols can leave it "
			  "out)", im->header[c], what, im->header[im->date_col],
			  what, what);
}

/* A FRED header names its series by the code, and FRED writes what it
 * did to the values after it: GDP_PCH (percent change), _PC1, _CHG, _CH1,
 * _PCA, _CCH, _CCA, _LOG, and ALFRED a vintage, GDP_20200130.  Read as a
 * series' name, a change was stored as the level (GDP_PCH as a price whose
 * "moves" were changes of changes), and each vintage was a series apart,
 * exit 0.  --map renames the header to say it is meant. */
static int fred_suffix_column(struct importer *im, int c)
{
	static const struct { const char *sfx, *what; } units[] = {
		{ "CHG", "change" }, { "CH1", "change from a year ago" },
		{ "PCH", "percent change" },
		{ "PC1", "percent change from a year ago" },
		{ "PCA", "compounded annual rate of change" },
		{ "CCH", "continuously compounded rate of change" },
		{ "CCA", "continuously compounded annual rate of change" },
		{ "LOG", "natural log" }
	};
	const char *h = im->header[c];
	const char *us = strrchr(h, '_');
	if (im->layout != ASSAY_LAYOUT_WIDE || im_mapped(im, h) != h || !us ||
	    us - h < 2)
		return 0;
	for (const char *q = h; q < us; q++)
		if (!isupper((unsigned char)*q) && !isdigit((unsigned char)*q))
			return 0;
	int code = (int)(us - h);
	const char *sfx = us + 1;
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (!strcmp(sfx, units[i].sfx))
			return im_fail_at(im, im->header_at, c + 1, ASSAY_EUSAGE,
				  "column '%s' holds FRED's %s of series %.*s, not "
				  "its level: stored as the level, its moves would be "
				  "changes of changes (download %.*s in its own units; "
				  "--map '%s=NAME' imports the %s as a series of its "
				  "own)", h, units[i].what, code, h, code, h, h,
				  units[i].what);
	assay_freq f;
	assay_period p;
	if (strlen(sfx) == 8 && strspn(sfx, "0123456789") == 8 &&
	    assay_period_parse(sfx, "%Y%m%d", &f, &p, NULL, 0) == 0)
		return im_fail_at(im, im->header_at, c + 1, ASSAY_EUSAGE,
			  "column '%s' is ALFRED's vintage %.4s-%.2s-%.2s of "
			  "series %.*s: read as a series' name, each vintage "
			  "would be a series apart (one vintage at a time: "
			  "--value-cols '%s' --map '%s=%.*s' --vintage "
			  "%.4s-%.2s-%.2s)", h, sfx, sfx + 4, sfx + 6, code, h,
			  h, h, code, h, sfx, sfx + 4, sfx + 6);
	return 0;
}

/* Wide and table layouts: every column left (or those --value-cols
 * names) is a value column; in the table layout each names a period. */
static int resolve_value_columns(struct importer *im)
{
	const assay_import_opts *o = im->o;
	assay_layout lay = im->layout;
	char words[128], hint[64], unit[64];
	struct first_seen quantity = { -1, "" }, units = { -1, "" };
	for (size_t c = 0; c < im->nheader; c++) {
		/* --value-cols naming a column another option took (--notes-col
		 * Zinc): its numbers went into notes, the series was dropped */
		if (col_is_used(im, (int)c) && o->value_cols &&
		    (matches_any_exactly(im, im->header[c], (int)c) ||
		     number_in_list(im, (int)c))) {
			char flag[32];
			struct role r = { (int)c, role_of(im, (int)c, flag, sizeof flag) };
			return two_roles(im, &r, "--value-cols");
		}
		if (col_is_used(im, (int)c) ||
		    (!im->header[c][0] && !(o->value_cols &&
					    number_in_list(im, (int)c))))
			continue;
		/* A column number also picks an unnamed column (an IMF
		 * sheet's), which gets its number as its name. */
		if (date_part_column(im, (int)c))
			return -1;
		if (o->value_cols && !matches_any(im, im->header[c], (int)c))
			continue;
		if (year_part_column(im, (int)c) || fred_suffix_column(im, (int)c))
			return -1;
		assay_period hp = 0;
		assay_freq hf = ASSAY_FREQ_NONE;
		char plabel[8] = "";
		int has_period = header_period(im, im_mapped(im, im->header[c]), (int)c,
					       &hp, &hf, plabel, words, sizeof words,
					       unit, sizeof unit);
		if (has_period < 0)
			return -1;
		/* and one unit: "Production 2023 (t)" beside "Production 2024
		 * (kt)" stored thousands of tonnes as tonnes */
		if (lay == ASSAY_LAYOUT_TABLE && has_period && unit[0] &&
		    differs_from_first(&units, (int)c, unit))
			return im_fail_at(im, im->header_at, (int)c + 1, ASSAY_EUSAGE,
				       "column headers '%s' and '%s' give different "
				       "units, '%s' and '%s': the period columns of a "
				       "row make one series, in one unit (--value-cols "
				       "picks the columns of one)", im->header[units.col],
				       im->header[c], units.text, unit);
		/* The period columns of a row make one series: without
		 * --value-cols they must name one quantity, or PROD_2023 and
		 * RESERVES_2024 become a production series whose 2024 is the
		 * reserves. */
		if (lay == ASSAY_LAYOUT_TABLE && has_period && !o->value_cols &&
		    differs_from_first(&quantity, (int)c, words))
			return im_fail_at(im, im->header_at, (int)c + 1, ASSAY_EUSAGE,
				       "column headers '%s' and '%s' name different "
				       "quantities: the period columns of a row make "
				       "one series (--value-cols picks one quantity's: "
				       "--value-cols '%s')", im->header[quantity.col],
				       im->header[c],
				       glob_hint(im->header[quantity.col], hint, sizeof hint));
		/* A glob like PROD_* also matches PROD_NOTES: skip those. */
		if (lay == ASSAY_LAYOUT_TABLE && !has_period && o->value_cols &&
		    !matches_any_exactly(im, im->header[c], (int)c))
			continue;
		if (add_value_col(im, (int)c))
			return -1;
		struct value_col *v = &im->vcol[im->nvcol - 1];
		column_meta(im, v);
		v->period = hp;
		v->pfreq = hf;
		memcpy(v->plabel, plabel, sizeof plabel);
		/* a table header's (unit) after its period labels the series
		 * even when it is no unit of assay's table ("('000 t)", "(kt
		 * Cu)"), as a units row's text does, and --unit must agree
		 * with it: dropped, --unit t labelled thousands of tonnes as
		 * tonnes (exit 0).  A unit of the table is set already. */
		if (lay == ASSAY_LAYOUT_TABLE && has_period && unit[0] && !v->unit &&
		    !estimate_word(unit) && !(v->unit = im_strdup(im, unit)))
			return -1;
		/* Without --value-cols every column but the keys is a period
		 * column, so a label column (USGS's SOURCE) or notes stop the
		 * import: the message names the flag that leaves them out. */
		if (lay == ASSAY_LAYOUT_TABLE && !has_period)
			return im_fail_at(im, im->header_at, (int)c + 1, ASSAY_EUSAGE,
				       "no period in column header '%s' (the "
				       "table layout reads %se.g. PROD_2023%s)",
				       im->header[c], o->value_cols ? "" :
				       "one from every column but the keys, ",
				       o->value_cols ? "" : ": --value-cols names "
				       "the period columns");
	}
	return 0;
}

/* Table headers that are full dates (a workbook's month columns, date
 * cells read as 2020-01-01, 2020-02-01, ...) are read as the dates of a
 * date column are: all month starts are months, and so on (they were
 * days, so a month's flow was one day's); --freq maps every header to
 * its period, as it maps dates. */
static int table_header_freq(struct importer *im)
{
	struct day_stats days = { 0 };
	for (size_t i = 0; i < im->nvcol; i++)
		if (im->vcol[i].pfreq == ASSAY_FREQ_D)
			im_day_stats_add(&days, im->vcol[i].period);
	assay_freq to = im->o->freq;
	if (!to && days.cells)
		to = im_days_freq(&days);
	for (size_t i = 0; to && i < im->nvcol; i++) {
		struct value_col *v = &im->vcol[i];
		if (v->pfreq == to || (!im->o->freq && v->pfreq != ASSAY_FREQ_D))
			continue;
		if (assay_freq_rank(v->pfreq) > assay_freq_rank(to))
			return im_fail_at(im, im->header_at, v->idx + 1, ASSAY_EUSAGE,
				       "column header '%s' is coarser than --freq %c",
				       im->header[v->idx], (char)to);
		/* --freq says which period a full date stands for; a label
		 * names its own, as in a date column: "2024-12" under --freq
		 * A stored December's flow as the year's, exit 0 */
		if (v->pfreq != ASSAY_FREQ_D)
			return im_fail_at(im, im->header_at, v->idx + 1, ASSAY_EUSAGE,
				       "column header '%s' is %s, finer than --freq "
				       "%c: its value is not the whole period's (import "
				       "it at its own frequency; changes, export and "
				       "check --freq %c aggregate)", im->header[v->idx],
				       assay_freq_adjective(v->pfreq), (char)to,
				       (char)to);
		v->period = assay_period_convert(v->pfreq, v->period, to);
		v->pfreq = to;
	}
	return 0;
}

/* Every named column of a wide file is a series: a value under an
 * unnamed one (between named ones) would be lost, so those columns are
 * listed, to stay empty. */
static int list_unnamed_columns(struct importer *im)
{
	if (im->layout != ASSAY_LAYOUT_WIDE || im->o->value_cols)
		return 0;
	return list_unused_columns(im, 0, &im->unnamed, &im->nunnamed);
}

int im_resolve_header(struct importer *im)
{
	const assay_import_opts *o = im->o;

	im->header_named_ok = 0;
	for (size_t i = 0; i < im->nvpat; i++)
		if (ambiguous_number(im, im->vpat[i], "--value-cols", 1))
			return -1;
	if (resolve_named_columns(im))
		return -1;
	int named = o->key_cols || o->date_col || o->series_col || o->value_col;
	for (int f = 0; f < ASSAY_META_COUNT; f++)
		named |= o->meta_col[f] != NULL;
	im->header_named_ok = named;
	im->layout = o->layout == ASSAY_LAYOUT_AUTO ? guess_layout(im) : o->layout;
	if (check_layout_columns(im))
		return -1;
	/* Year,Month,value: left out of a long file, the month made
	 * December's value the year's, exit 0 (the error of a second
	 * number column named --value-col to leave it out).  Beside a
	 * column of full dates (date,month,value) a month says nothing. */
	for (size_t c = 0; im->layout != ASSAY_LAYOUT_TABLE &&
	     im->layout != ASSAY_LAYOUT_WIDE && im->date_col >= 0 &&
	     !strcasecmp(im->header[im->date_col], "year") && c < im->nheader; c++)
		if (!col_is_used(im, (int)c) && date_part_column(im, (int)c))
			return -1;
	if (im->layout == ASSAY_LAYOUT_LONG || im->layout == ASSAY_LAYOUT_SINGLE)
		return resolve_value_column(im);
	if (resolve_value_columns(im) ||
	    (im->layout == ASSAY_LAYOUT_TABLE && table_header_freq(im)))
		return -1;
	/* A guessed wide layout whose one column is called "value" would
	 * make a series named "value": the file is a single series. */
	if (o->layout == ASSAY_LAYOUT_AUTO && im->layout == ASSAY_LAYOUT_WIDE &&
	    im->nvcol == 1 && !im->nkey && !o->prefix) {
		for (const char *const *n = value_names; *n; n++)
			if (!strcasecmp(im->header[im->vcol[0].idx], *n))
				return im_fail_at(im, im->header_at, im->vcol[0].idx + 1,
					       ASSAY_EUSAGE, "the one value column, "
					       "'%s', names no series: give --series "
					       "NAME", im->header[im->vcol[0].idx]);
	}
	/* Columns picked by number may lie past the last named one. */
	for (size_t i = 0; i < im->nvcol; i++)
		if ((size_t)im->vcol[i].idx + 1 > im->hwidth)
			im->hwidth = (size_t)im->vcol[i].idx + 1;
	if (!im->nvcol)
		return im_fail_at(im, im->header_at, 0, ASSAY_EUSAGE,
			       o->value_cols ? "no column matches --value-cols '%s'"
					     : "no value columns in the header%s",
			       o->value_cols ? o->value_cols : "");
	if (list_unnamed_columns(im))
		return -1;
	return check_distinct_columns(im) || im_check_header_names(im) ? -1 : 0;
}

int im_take_header(struct importer *im)
{
	im->header = calloc(im->nfield, sizeof *im->header);
	if (!im->header)
		return im_oom(im);
	im->nheader = im->nfield;
	for (size_t i = 0; i < im->nfield; i++) {
		if (im_formula_at(im, (int)i))
			return -1;
		if (!(im->header[i] = im_strdup(im, im_trim(im->field[i]))))
			return -1;
	}
	/* Spreadsheets pad rows with empty cells: the columns end at the
	 * last named one (the World Bank's unnamed date column is first). */
	im->hwidth = im->nheader;
	while (im->hwidth && !im->header[im->hwidth - 1][0])
		im->hwidth--;
	im->header_at = im->row_line;
	return 0;
}

/* A row that looks like a header: at least two cells, and at least half of
 * them non-empty (title rows hold one or two cells of a wide row). */
int im_looks_like_header(struct importer *im)
{
	size_t filled = 0;
	for (size_t i = 0; i < im->nfield; i++)
		filled += im_trim(im->field[i])[0] != 0;
	return filled >= 2 && filled * 2 >= im->nfield;
}

/* s, or the s of "(s)", in buf (n bytes; a longer one as it is). */
static const char *unparen(const char *s, char *buf, size_t n)
{
	size_t len = strlen(s);
	if (len >= 2 && len < n && s[0] == '(' && s[len - 1] == ')') {
		snprintf(buf, n, "%.*s", (int)len - 2, s + 1);
		return buf;
	}
	return s;
}

/* Is s, or the s of "(s)", a spreadsheet's error value? */
static int error_unit(const char *s)
{
	char buf[24];
	return im_is_error_value(unparen(s, buf, sizeof buf));
}

/* Is s, or the s of "(s)", a missing-value marker ("NA", "n/a") other
 * than an error value (#N/A is both), or a dash?  It gives no unit: the
 * row's other units were dropped (",t,NA" and ",t,-" made no units row),
 * or "(NA)" and "-" became the units 'NA' and '-'.  Not "W": in a value
 * cell USGS's withheld, in a units row the watt ("(W)" beside "(kW)"
 * lost its unit without a word). */
int im_na_unit(struct importer *im, const char *s)
{
	char buf[24];
	const char *u = unparen(s, buf, sizeof buf);
	return *s && !error_unit(s) && strcmp(u, "W") &&
	       (im_is_na(im, u) || im_is_dash(u));
}

/* Does every filled value cell of the row read as a unit of assay's
 * table ("USD/t", "t", "kt")?  A row of series codes (World Bank's
 * CRUDE_PETRO) does not. */
static int cells_are_units(struct importer *im)
{
	for (size_t i = 0; i < im->nvcol; i++) {
		if ((size_t)im->vcol[i].idx >= im->nfield)
			continue;
		const char *s = im_trim(im->field[im->vcol[i].idx]);
		if (*s && !is_unit(s) && !im_is_error_value(s) && !im_na_unit(im, s))
			return 0;
	}
	return 1;
}

/* Units row under a header: most value cells read "(...)" ("($/mt)"),
 * or every filled one is a unit without them ("USD/t").  A cell that
 * holds an error value ("#N/A", "(#REF!)": a lookup that failed) is
 * neither: it made the row no units row, whose other units were dropped
 * without a word (or, read as one, a unit '#N/A'). */
int im_take_units_row(struct importer *im)
{
	size_t paren = 0, filled = 0;
	for (size_t i = 0; i < im->nvcol; i++) {
		if ((size_t)im->vcol[i].idx >= im->nfield)
			continue;
		const char *s = im_trim(im->field[im->vcol[i].idx]);
		if (error_unit(s) || im_na_unit(im, s))
			continue;
		filled += s[0] != 0;
		paren += s[0] == '(' && s[strlen(s) - 1] == ')';
	}
	if (!filled || (paren * 2 < filled && !cells_are_units(im)))
		return 0;
	for (size_t i = 0; i < im->nvcol; i++) {
		if ((size_t)im->vcol[i].idx >= im->nfield)
			continue;
		char *s = im_trim(im->field[im->vcol[i].idx]);
		size_t len = strlen(s);
		if (im_formula_at(im, im->vcol[i].idx))
			return -1;
		if ((error_unit(s) && im->vcol[i].meta[ASSAY_META_UNIT]) ||
		    im_na_unit(im, s))
			continue;       /* --col-meta gives the unit; NA none */
		if (error_unit(s))
			return im_fail_at(im, im->row_line, im->vcol[i].idx + 1,
					  ASSAY_EUSAGE, "the units row's '%s' is a "
					  "spreadsheet's error value (a formula that "
					  "failed), not a unit: fix it in the sheet "
					  "(--col-meta '%s:unit=...' gives the column "
					  "its unit)", s, im->header[im->vcol[i].idx]);
		if (len >= 2 && s[0] == '(' && s[len - 1] == ')') {
			s[len - 1] = 0;
			s++;
		}
		struct value_col *v = &im->vcol[i];
		/* an empty cell says nothing: the header's "(kt)" stays (it
		 * was dropped, and --unit t labelled the kt as t, exit 0) */
		if (!*s)
			continue;
		if (im_check_name(im, s, im->row_line, v->idx + 1, "unit"))
			return -1;
		/* "Copper (kt)" over "(t)": one is wrong, and the row's won
		 * without a word; --col-meta says which */
		if (v->unit && strcmp(v->unit, s) && !im_same_unit(v->unit, s) &&
		    !v->meta[ASSAY_META_UNIT])
			return im_fail_at(im, im->row_line, v->idx + 1, ASSAY_EUSAGE,
					  "the units row gives '%s', but the header "
					  "'%s' gives '%s': its values would be "
					  "labelled in one of the two units without a "
					  "word (--col-meta '%s:unit=...' says which)",
					  s, im->header[v->idx], v->unit,
					  im->header[v->idx]);
		free(v->unit);
		if (!(v->unit = im_strdup(im, s)))
			return -1;
	}
	return 1;
}

