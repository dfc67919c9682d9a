/*
 * The importer's options that carry data: --col-meta, --meta FILE, --map,
 * --map-file and --suffix, read and checked before the file is.
 */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"
#include "utf8.h"


/* A new --col-meta / --meta entry for spec; NULL when out of memory. */
struct col_meta *im_new_col_meta(struct importer *im, const char *spec)
{
	struct col_meta *cm = realloc(im->cmeta, (im->ncmeta + 1) * sizeof *cm);
	if (!cm) {
		im_oom(im);
		return NULL;
	}
	im->cmeta = cm;
	struct col_meta *m = &im->cmeta[im->ncmeta++];
	memset(m, 0, sizeof *m);
	if (!(m->spec = im_strdup(im, spec)))
		return NULL;
	return m;
}

/* One field of an entry: a known field name, a kind that parses, a value
 * fit to keep. */
static int set_col_meta(struct importer *im, struct col_meta *m,
			const char *field, const char *value)
{
	int f = assay_meta_field_parse(field);
	if (f < 0)
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: unknown field '%s' "
			       "(kind, unit, measure, source, commodity, region, "
			       "notes)", m->origin, field);
	if (f == ASSAY_META_KIND && *value && !assay_kind_parse(value))
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: kind '%s' is not "
			       "flow, price or stock", m->origin, value);
	if (im_check_name(im, value, 0, 0, m->origin))
		return -1;
	free(m->val[f]);
	m->val[f] = NULL;
	if (*value && !(m->val[f] = im_strdup(im, value)))
		return -1;
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
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--col-meta '%s' is not "
			       "COLUMN:field=value,... (Vol.:kind=flow,unit="
			       "contracts)", arg);
	char *spec = strndup(arg, (size_t)(colon - arg));
	if (!spec)
		return im_oom(im);
	struct col_meta *m = im_new_col_meta(im, im_trim(spec));
	free(spec);
	if (!m)
		return -1;
	snprintf(m->origin, sizeof m->origin, "--col-meta '%.120s'", arg);
	char *list = im_strdup(im, colon + 1), *save = NULL;
	int rc = 0;
	if (!list)
		return -1;
	for (char *p = strtok_r(list, ",", &save); p && !rc;
	     p = strtok_r(NULL, ",", &save)) {
		char *e = strchr(p, '=');
		if (!e) {
			rc = im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: '%s' is not "
				     "field=value (a comma inside a value? use "
				     "--meta FILE)", m->origin, p);
			break;
		}
		*e = 0;
		rc = set_col_meta(im, m, im_trim(p), im_trim(e + 1));
	}
	free(list);
	return rc;
}

static int add_map(struct importer *im, const char *from, const char *to,
		   const char *origin)
{
	if (!*from || !*to)
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: an empty name (the "
			       "form is OLD=NEW)", origin);
	if (im_check_name(im, to, 0, 0, origin))
		return -1;
	for (size_t k = 0; k < im->nmap; k++)
		if (!strcmp(im->map_from[k], from)) {
			if (strcmp(im->map_to[k], to))
				return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: '%s' is "
					       "mapped twice ('%s' and '%s')", origin,
					       from, im->map_to[k], to);
			return 0;
		}
	char **f = realloc(im->map_from, (im->nmap + 1) * sizeof *f);
	if (f)
		im->map_from = f;
	char **t = f ? realloc(im->map_to, (im->nmap + 1) * sizeof *t) : NULL;
	if (!t)
		return im_oom(im);
	im->map_to = t;
	char *a = im_strdup(im, from), *b = a ? im_strdup(im, to) : NULL;
	if (!b) {
		free(a);
		return -1;
	}
	im->map_from[im->nmap] = a;
	im->map_to[im->nmap++] = b;
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
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s is not OLD=NEW", origin);
	char *from = strndup(arg, (size_t)(eq - arg)), *to = strdup(eq + 1);
	if (!from || !to) {
		free(from);
		free(to);
		return im_oom(im);
	}
	int rc = add_map(im, im_trim(from), im_trim(to), origin);
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
	if (r->failed)
		return;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		char **cell = realloc(r->cell, cap * sizeof *cell);
		if (!cell) {
			im_oom(r->im);
			r->failed = 1;
			return;
		}
		r->cell = cell;
		r->cap = cap;
	}
	if (!(r->cell[r->n] = strndup(s ? s : "", len))) {
		im_oom(r->im);
		r->failed = 1;
		return;
	}
	r->n++;
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
		if (r->line == 1 && r->n == 2 && !strcasecmp(im_trim(r->cell[0]), "from") &&
		    !strcasecmp(im_trim(r->cell[1]), "to"))
			goto done;      /* a header */
		if (r->n != 2) {
			im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: %zu fields; a line is "
				"OLD,NEW (quote a name with a comma)", origin, r->n);
			r->failed = 1;
		} else if (add_map(im, im_trim(r->cell[0]), im_trim(r->cell[1]), origin)) {
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
			char *h = im_trim(r->head[i]);
			if (!strcasecmp(h, "column") || !strcasecmp(h, "series") ||
			    !strcasecmp(h, "name"))
				r->key = (int)i;
			else if (assay_meta_field_parse(h) < 0) {
				im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--meta %s:1:%zu: "
					"unknown column '%s' (column, kind, unit, "
					"measure, source, commodity, region, notes)",
					im->o->meta_file, i + 1, h);
				r->failed = 1;
			}
		}
		if (r->key < 0 && !r->failed) {
			im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--meta %s:1: no column "
				"'column' (or 'series', 'name') naming what each "
				"row describes", im->o->meta_file);
			r->failed = 1;
		}
		return;
	}
	if ((size_t)r->key >= r->n || !im_trim(r->cell[r->key])[0]) {
		im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--meta %s:%ld: no column name",
			im->o->meta_file, r->line);
		r->failed = 1;
		goto done;
	}
	struct col_meta *m = im_new_col_meta(im, im_trim(r->cell[r->key]));
	if (!m) {
		r->failed = 1;
		goto done;
	}
	snprintf(m->origin, sizeof m->origin, "--meta %.100s:%ld",
		 im->o->meta_file, r->line);
	for (size_t i = 0; i < r->n && i < r->nhead && !r->failed; i++)
		if ((int)i != r->key &&
		    set_col_meta(im, m, im_trim(r->head[i]), im_trim(r->cell[i])))
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
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s %s: cannot open: %s",
			       flag, path, strerror(errno));
	if (csv_init(&p, CSV_APPEND_NULL)) {
		fclose(fp);
		return im_fail_at(im, 0, 0, ASSAY_EIO, "out of memory");
	}
	int first = 1;
	while (!r.failed && (n = fread(block, 1, sizeof block, fp)) > 0) {
		/* a UTF-8 BOM (Excel's "CSV UTF-8") is no part of the first
		 * name: kept, the first mapping matched nothing */
		size_t skip = first && n >= 3 && !memcmp(block, "\xEF\xBB\xBF", 3) ? 3 : 0;
		first = 0;
		if (csv_parse(&p, block + skip, n - skip, meta_field, meta_row, &r) != n - skip) {
			im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s %s: %s", flag, path,
				csv_strerror(csv_error(&p)));
			r.failed = 1;
		}
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
int im_check_col_meta_used(struct importer *im)
{
	for (size_t k = 0; k < im->ncmeta; k++)
		if (!im->cmeta[k].used)
			return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s: no value column "
				       "or series '%s' in the file", im->cmeta[k].origin,
				       im->cmeta[k].spec);
	return 0;
}

void im_free_col_meta(struct importer *im)
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
			return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--suffix: '%s' is "
				       "not SUFFIX=MULTIPLIER (K=1e3, M=1e6)", item);
		*eq = 0;
		if (eq - item > 2)
			return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--suffix: '%s' is "
				       "longer than two letters", item);
		for (char *c = item; *c; c++)
			if (!isalpha((unsigned char)*c))
				return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--suffix: "
					       "'%s' is not one or two letters", item);
		errno = 0;
		double m = strtod(eq + 1, &end);
		if (*end || errno || !(m > 0) || !isfinite(m))
			return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--suffix: "
				       "multiplier '%s' is not a positive number",
				       eq + 1);
		if (im->nsuffix == MAX_SUFFIX)
			return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--suffix: more "
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

/* --value-cols as a list of trimmed entries, split once (the header
 * search may try many candidate headers). */
static int split_value_cols(struct importer *im)
{
	char *copy = im_strdup(im, im->o->value_cols), *save = NULL;
	if (!copy)
		return -1;
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char **v = realloc(im->vpat, (im->nvpat + 1) * sizeof *v);
		if (!v) {
			free(copy);
			return im_oom(im);
		}
		im->vpat = v;
		if (!(im->vpat[im->nvpat] = im_strdup(im, im_trim(p)))) {
			free(copy);
			return -1;
		}
		im->nvpat++;
	}
	free(copy);
	return 0;
}

/* A --zero token is text (a dash, "nil"): one that reads as a number
 * or is also a --na token says two things of one cell. */
static int check_zero_tokens(struct importer *im)
{
	const assay_import_opts *o = im->o;
	double v;
	for (size_t k = 0; k < o->n_zero_tokens; k++) {
		const char *z = o->zero_tokens[k];
		size_t n = strlen(z);
		/* cells are read trimmed: ' x ' never matched, and ' ' was
		 * taken and did nothing (an empty cell stayed NA) */
		if (n && (isspace((unsigned char)z[0]) ||
			  isspace((unsigned char)z[n - 1])))
			return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--zero '%s': a "
					  "value cell is read without the blanks at "
					  "its ends, so the token never matches one "
					  "(give it without them)", z);
		if (!*z || im_read_number(z, im->decimal, &v) == 0)
			return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--zero '%s': give "
					  "the text that stands for zero (a dash, "
					  "'nil'), not a number", z);
		for (size_t i = 0; i < o->n_na_tokens; i++)
			if (!strcmp(z, o->na_tokens[i]))
				return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "'%s' is "
						  "given to both --zero and --na: a "
						  "zero or a missing value?", z);
	}
	return 0;
}

int im_check_options(struct importer *im)
{
	const assay_import_opts *o = im->o;
	if (o->decimal && o->decimal != '.' && o->decimal != ',')
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--decimal takes '.' or ','");
	im->decimal = o->decimal ? o->decimal : '.';
	if (o->delimiter && o->delimiter == o->decimal)
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "the delimiter and the "
			       "decimal mark are both '%c'", o->delimiter);
	if (o->suffix && parse_suffixes(im, o->suffix))
		return -1;
	if (check_zero_tokens(im))
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
	if ((o->prefix && im_check_name(im, o->prefix, 0, 0, "--prefix")) ||
	    (o->series_name && im_check_name(im, o->series_name, 0, 0, "--series")))
		return -1;
	/* --series is a whole name, held to the whole rule of names (a cell
	 * meets it by being trimmed; '' and ' x ' were stored as given) */
	const char *why = o->series_name ? assay_name_why(o->series_name) : NULL;
	if (why) {
		char buf[96];
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--series '%s' is no fit "
			       "series name: %s (" ASSAY_NAME_RULE ")",
			       assay_shown(o->series_name, buf, sizeof buf), why);
	}
	for (int f = 0; f < ASSAY_META_COUNT; f++) {
		char flag[32];
		snprintf(flag, sizeof flag, "--%s", im_meta_names[f]);
		if (o->meta[f] && im_check_name(im, o->meta[f], 0, 0, flag))
			return -1;
	}
	return o->value_cols ? split_value_cols(im) : 0;
}
