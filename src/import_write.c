/*
 * The importer's pass two, the store side: the series seen in this import
 * (a hash table of names), new series and their metadata, and each value
 * against what the store holds (new, unchanged, revised, earlier vintage).
 * The SQL is the store's (store_write.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assay/units.h"
#include "import_internal.h"
#include "utf8.h"

/* ---- series table: names seen in this import ------------------------ */

/* The slot of name in a table of cap slots (a power of two, never full):
 * its entry (*found = 1) or the empty slot where it goes. */
static void free_said(struct series_entry *e)
{
	for (int f = 0; f < ASSAY_META_COUNT; f++) {
		free(e->said[f]);
		e->said[f] = NULL;
	}
}

static struct series_entry *probe(struct series_entry *slot, size_t cap,
				  const char *name, int *found)
{
	size_t j = store_name_hash(name) & (cap - 1);
	while (slot[j].name) {
		if (!strcmp(slot[j].name, name)) {
			*found = 1;
			return &slot[j];
		}
		j = (j + 1) & (cap - 1);
	}
	*found = 0;
	return &slot[j];
}

/* The entries of m moved to a new table of ncap slots; -1 (m unchanged)
 * when out of memory.  drop_line: entries created at that line are
 * dropped (0: none). */
static int rehash(struct series_map *m, size_t ncap, long drop_line)
{
	struct series_entry *ns = calloc(ncap, sizeof *ns);
	size_t n = 0;
	if (!ns)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		struct series_entry *e = &m->slot[i];
		int found;
		if (!e->name)
			continue;
		if (drop_line && e->created_at == drop_line) {
			free(e->name);
			free(e->unit);
			free(e->kind);
			free(e->keys);
			free_said(e);
			continue;
		}
		*probe(ns, ncap, e->name, &found) = *e;
		n++;
	}
	free(m->slot);
	m->slot = ns;
	m->cap = ncap;
	m->n = n;
	m->last = NULL;
	return 0;
}

/* The entry of name, or the empty one where it goes; NULL when out of
 * memory (the table grows at half full). */
static struct series_entry *map_find(struct series_map *m, const char *name,
				     int *found)
{
	if (m->n * 2 >= m->cap && rehash(m, m->cap ? 2 * m->cap : 1024, 0))
		return NULL;
	return probe(m->slot, m->cap, name, found);
}

/* Forget the entries added by the row at `line` (its writes were rolled
 * back): rebuild the table from the others.  Only --skip-bad needs it.
 * Returns -1 when out of memory. */
int im_map_forget_row(struct series_map *m, long line)
{
	return m->cap ? rehash(m, m->cap, line) : 0;
}

void im_map_free(struct series_map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slot[i].name);
		free(m->slot[i].unit);
		free(m->slot[i].kind);
		free(m->slot[i].keys);
		free_said(&m->slot[i]);
	}
	free(m->slot);
	memset(m, 0, sizeof *m);
}

/* ---- pass two: writing ---------------------------------------------- */

/* The row's unit column cell, "" for none: a missing-value marker there
 * ("NA", "(n/a)") gives no unit, as a blank does (it was the unit 'NA',
 * and the next file's 't' for the series was refused). */
static const char *unit_cell(struct importer *im)
{
	int c = im->meta_col[ASSAY_META_UNIT];
	const char *cell = c >= 0 && (size_t)c < im->nfield
			   ? im_trim(im->field[c]) : "";
	return *cell && im_na_unit(im, cell) ? "" : cell;
}

/* Metadata of a series from this row: a column beats a flag; a units row
 * gives the unit of a wide file's column. */
static const char *meta_value(struct importer *im, int f, struct value_col *v)
{
	if (v->meta[f])
		return v->meta[f];
	/* --unit labels the series; check_unit_flag refuses it where the
	 * file gives another unit */
	if (f == ASSAY_META_UNIT && im->o->meta[f])
		return im->o->meta[f];
	int c = im->meta_col[f];
	const char *cell = f == ASSAY_META_UNIT ? unit_cell(im)
			   : c >= 0 && (size_t)c < im->nfield
			   ? im_trim(im->field[c]) : "";
	if (*cell)
		return cell;
	if (f == ASSAY_META_UNIT && v->unit && !im->o->meta[f])
		return v->unit;
	if (f == ASSAY_META_UNIT && v->pct == 1 && !im->o->meta[f])
		return "%";
	if (f == ASSAY_META_COMMODITY && !im->o->meta[f] &&
	    im->layout == ASSAY_LAYOUT_WIDE)
		return im->header[v->idx];
	return im->o->meta[f];
}

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

/* The column a metadata field comes from, for messages (else `col`). */
static int meta_at(struct importer *im, int f, int col)
{
	return im->meta_col[f] >= 0 ? im->meta_col[f] + 1 : col;
}

/* The unit the file gives a value (its unit column, units row or '%'
 * cells), or NULL. */
static const char *file_unit(struct importer *im, struct value_col *v)
{
	const char *cell = unit_cell(im);
	if (*cell)
		return cell;
	if (v->unit)
		return v->unit;
	return v->pct == 1 ? "%" : NULL;
}

/* --unit beside a unit the file gives: the flag's text labels the
 * series, but only for the same unit -- --unit t over a units row's
 * (kt) would label thousands of tonnes as tonnes. */
static int check_unit_flag(struct importer *im, struct value_col *v, int col)
{
	const char *flag = im->o->meta[ASSAY_META_UNIT], *file;
	if (!flag || !(file = file_unit(im, v)) || !strcmp(flag, file))
		return 0;
	if (im->unit_checked && !strcmp(im->unit_checked, file))
		return 0;
	if (!im_same_unit(flag, file))
		return im_fail_at(im, im->row_line, meta_at(im, ASSAY_META_UNIT, col),
				  ASSAY_EUSAGE, "--unit '%s', "
				  "but the file gives '%s' here: its values would be "
				  "labelled in another unit (leave --unit out, or "
				  "--col-meta 'COL:unit=...' for one column)", flag, file);
	free(im->unit_checked);
	im->unit_checked = strdup(file);
	return 0;
}

/* A unit column beside a header's (unit): "Production 2023 (kt)" over
 * a UNIT cell 't' -- one is wrong, and the column's won without a word.
 * --col-meta says which. */
static int check_unit_column(struct importer *im, struct value_col *v,
			     const char *name)
{
	int c = im->meta_col[ASSAY_META_UNIT];
	if (c < 0 || (size_t)c >= im->nfield || !v->unit)
		return 0;
	const char *cell = unit_cell(im);
	if (!*cell || !strcmp(cell, v->unit))
		return 0;
	size_t n = strlen(cell) + strlen(v->unit) + 2;
	char *both = malloc(n);
	if (!both)
		return im_oom(im);
	snprintf(both, n, "%s\x1f%s", cell, v->unit);
	if (im->unitcol_checked && !strcmp(im->unitcol_checked, both)) {
		free(both);
		return 0;
	}
	if (!im_same_unit(cell, v->unit)) {
		free(both);
		return im_fail_at(im, im->row_line, c + 1, ASSAY_EUSAGE,
				  "the unit column '%s' gives '%s', but the header "
				  "'%s' gives '%s': its values would be labelled in "
				  "one of the two units without a word (--col-meta "
				  "'%s:unit=...' says which)", im->header[c], cell,
				  im->header[v->idx], v->unit,
				  /* one value column: an entry names the series */
				  im->layout == ASSAY_LAYOUT_LONG ||
				  im->layout == ASSAY_LAYOUT_SINGLE ? name
				  : im->header[v->idx]);
	}
	free(im->unitcol_checked);
	im->unitcol_checked = both;
	return 0;
}

/* A metadata cell that holds a spreadsheet's error value: a lookup
 * formula that failed labelled its series' unit '#N/A' (or its source,
 * region ...), exit 0.  An entry of --col-meta or --meta that gives the
 * field for the series stands in for the cell. */
static int error_value_meta(struct importer *im, const char *name,
			    const char **meta)
{
	for (int f = 0; f < ASSAY_META_COUNT; f++) {
		int c = im->meta_col[f];
		if (c < 0 || (size_t)c >= im->nfield || !meta[f] ||
		    meta[f] != im_trim(im->field[c]) || !im_is_error_value(meta[f]))
			continue;
		return im_fail_at(im, im->row_line, c + 1, ASSAY_EUSAGE, "%s '%s' "
				  "is a spreadsheet's error value (a formula that "
				  "failed), not a %s: fix it in the sheet (--col-meta "
				  "'%s:%s=...' gives series '%s' its %s)",
				  im_meta_names[f], meta[f], im_meta_names[f], name,
				  im_meta_names[f], name, im_meta_names[f]);
	}
	return 0;
}

/* The metadata of series `name` from this row: columns, flags, a units
 * row, then --col-meta and --meta entries.  Returns -1 (error set) when
 * --unit contradicts the file. */
static int row_meta(struct importer *im, const char *name, struct value_col *v,
		    const char **meta, int col)
{
	for (int f = 0; f < ASSAY_META_COUNT; f++)
		meta[f] = meta_value(im, f, v);
	const char *unit = meta[ASSAY_META_UNIT];
	series_meta(im, name, meta);
	if (error_value_meta(im, name, meta))
		return -1;
	/* unless an entry of --col-meta or --meta gives the unit */
	if (!v->meta[ASSAY_META_UNIT] && meta[ASSAY_META_UNIT] == unit &&
	    check_unit_column(im, v, name))
		return -1;
	/* an entry of --col-meta or --meta says it for this series */
	if (meta[ASSAY_META_UNIT] && meta[ASSAY_META_UNIT] == im->o->meta[ASSAY_META_UNIT])
		return check_unit_flag(im, v, col);
	return 0;
}


/* A series whose first rows left the unit blank takes it from the first
 * row that gives one; the rows after must agree with that.  (Without, a
 * blank first cell let kt and t mix under one series.) */
static int adopt_unit(struct importer *im, struct series_entry *e,
		      const char *unit)
{
	const char *meta[ASSAY_META_COUNT] = { NULL };
	meta[ASSAY_META_UNIT] = unit;
	if (!(e->unit = im_strdup(im, unit)))
		return -1;
	e->unit_line = im->row_line;
	if (store_series_update_meta(im->w, e->id, meta, im->err))
		return im_db_error(im);
	return 0;
}

/* The fields whose column may not change within a series, beside the
 * unit and the kind (same_meta_as_before checks those). */
static int said_field(int f)
{
	return f != ASSAY_META_UNIT && f != ASSAY_META_KIND;
}

/* A source (commodity, region, measure, notes) column that changes
 * within one series (LME, then COMEX) most often means two series put
 * under one name; the first was kept and the others dropped without a
 * word.  Blank cells say nothing. */
static int same_said_as_before(struct importer *im, struct series_entry *e,
			       int col, const char **meta)
{
	for (int f = 0; f < ASSAY_META_COUNT; f++) {
		const char *m = meta[f];
		if (!said_field(f) || im->meta_col[f] < 0 || !m || !*m)
			continue;
		if (!e->said[f]) {
			if (!(e->said[f] = im_strdup(im, m)))
				return -1;
			e->said_line[f] = im->row_line;
		} else if (strcmp(m, e->said[f])) {
			return im_fail_at(im, im->row_line, meta_at(im, f, col),
					  ASSAY_EUSAGE, "series '%s' has %s '%s' "
					  "here but '%s' before (%s %ld): one series "
					  "has one %s (two series under one name? "
					  "else leave --%s-col out)", e->name,
					  im_meta_names[f], m, e->said[f],
					  im->sheet_name ? "row" : "line",
					  e->said_line[f], im_meta_names[f],
					  im_meta_names[f]);
		}
	}
	return 0;
}

/* Is a metadata field given by a column that same_meta_as_before must
 * watch? */
static int meta_from_columns(struct importer *im)
{
	for (int f = 0; f < ASSAY_META_COUNT; f++)
		if (im->meta_col[f] >= 0)
			return 1;
	return 0;
}

/* One series, one unit and one kind: a later row of this file whose unit
 * (kind) column says otherwise would mix tonnes with kilograms, flows
 * with prices, under one name.  Only a column can vary by row. */
static int same_meta_as_before(struct importer *im, struct series_entry *e,
			       int col, struct value_col *v)
{
	if (!meta_from_columns(im))
		return 0;
	const char *meta[ASSAY_META_COUNT];
	if (row_meta(im, e->name, v, meta, col) ||
	    same_said_as_before(im, e, col, meta))
		return -1;
	const char *u = meta[ASSAY_META_UNIT], *k = meta[ASSAY_META_KIND];
	if (u && !*u)
		u = NULL;
	if (u && (!e->unit || (!e->unit_line && im->o->relabel &&
			       strcmp(u, e->unit)))) {
		free(e->unit);
		e->unit = NULL;
		return adopt_unit(im, e, u);
	}
	if (u && e->unit && strcmp(u, e->unit)) {
		char from[64] = "in the store";
		if (e->unit_line)
			snprintf(from, sizeof from, "before (%s %ld)",
				 im->sheet_name ? "row" : "line", e->unit_line);
		return im_fail_at(im, im->row_line, meta_at(im, ASSAY_META_UNIT, col),
				  ASSAY_EUSAGE, "series '%s' has unit '%s' here but "
				  "'%s' %s: one series has one unit",
				  e->name, u, e->unit, from);
	}
	if (k && e->kind && strcmp(k, e->kind))
		return im_fail_at(im, im->row_line, meta_at(im, ASSAY_META_KIND, col),
				  ASSAY_EUSAGE, "series '%s' is a %s here but a %s "
				  "before (line %ld): one series has one kind",
				  e->name, k, e->kind, e->created_at);
	return 0;
}

/* An existing series keeps its unit and kind: this import's values in
 * kilograms would otherwise relabel its tonnes (and a price series
 * become a flow) without a word.  --relabel says the stored ones were
 * wrong. */
static int same_meta_as_store(struct importer *im, const char *name, int col,
			      const char **meta, const char *unit,
			      const char *kind)
{
	const char *u = meta[ASSAY_META_UNIT], *k = meta[ASSAY_META_KIND];
	if (im->o->relabel)
		return 0;
	if (u && *u && unit && strcmp(u, unit))
		return im_fail_at(im, im->row_line, meta_at(im, ASSAY_META_UNIT, col),
				  ASSAY_EUSAGE, "series '%s' is in '%s' in the store, "
				  "but this import gives '%s': its values would be read "
				  "in another unit (convert them, or give --relabel if "
				  "the stored unit is wrong)", name, unit, u);
	if (k && *k && kind && strcmp(k, kind))
		return im_fail_at(im, im->row_line, meta_at(im, ASSAY_META_KIND, col),
				  ASSAY_EUSAGE, "series '%s' is a %s in the store, but "
				  "this import gives %s (give --relabel if the stored "
				  "kind is wrong)", name, kind, k);
	return 0;
}

static int keep_meta(struct importer *im, struct series_entry *e,
		     const char *unit, const char *kind)
{
	if ((unit && !(e->unit = im_strdup(im, unit))) ||
	    (kind && !(e->kind = im_strdup(im, kind))))
		return -1;
	return 0;
}

/* Two key cells that make one name ("A+B" and "A-B" both make 'a-b',
 * "Korea, Rep." and "Korea Rep" 'korea-rep'): two series under one
 * name, or two spellings of one; their values were merged into one
 * series without a word.  ASCII case and Unicode normalisation aside. */
static int same_keys_as_before(struct importer *im, struct series_entry *e)
{
	const char *a = e->keys, *b = im->keys.s;
	if (!a || !b || !strcasecmp(a, b))
		return 0;
	char *na = assay_utf8_nfc(a), *nb = assay_utf8_nfc(b);
	int same = na && nb && !strcasecmp(na, nb);
	free(na);
	free(nb);
	if (same)
		return 0;
	/* the first key that differs */
	size_t i = 0;
	for (;;) {
		size_t la = strcspn(a, "\x1f"), lb = strcspn(b, "\x1f");
		if (la != lb || strncasecmp(a, b, la) || !a[la] || !b[lb])
			break;
		a += la + 1;
		b += lb + 1;
		i++;
	}
	int n1 = (int)strcspn(a, "\x1f"), n2 = (int)strcspn(b, "\x1f");
	int c = i < im->nkey ? im->key_col[i] + 1 : 0;
	return im_fail_at(im, im->row_line, c, ASSAY_EUSAGE, "key '%.*s' makes "
			  "series '%s', as '%.*s' did at %s %ld: two series under "
			  "one name, or two spellings of one? (--map '%.*s=...' "
			  "names it apart, or --map '%.*s=%.*s' joins them)", n2, b,
			  e->name, n1, a, im->sheet_name ? "row" : "line",
			  e->created_at, n2, b, n2, b, n1, a);
}

/* The length of the blank at s: an ASCII blank, a no-break space
 * (U+00A0), U+2000-U+200A, U+202F, U+205F, U+3000; 0 for none. */
static size_t blank_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	if (*u == ' ' || *u == '\t' || *u == '\r' || *u == '\n')
		return 1;
	if (u[0] == 0xC2 && u[1] == 0xA0)
		return 2;
	if (u[0] == 0xE2 && ((u[1] == 0x80 && (u[2] <= 0x8A || u[2] == 0xAF)) ||
			     (u[1] == 0x81 && u[2] == 0x9F)))
		return 3;
	return u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80 ? 3 : 0;
}

/* p with every run of blanks one space, in place. */
static void fold_blanks(char *p)
{
	char *o = p;
	for (const char *s = p; *s;) {
		size_t n = blank_len(s);
		if (!n) {
			*o++ = *s++;
			continue;
		}
		while ((n = blank_len(s)))
			s += n;
		*o++ = ' ';
	}
	*o = 0;
}

/* One part of an origin (a key cell, a header) as it is compared: in
 * Unicode normalisation form C, lowered as a slug lowers it (by
 * assay_utf8_lower's table, not ASCII alone: 'NÍQUEL' and 'Níquel' both
 * make níquel, and strcasecmp refused the one after the other), its runs
 * of blanks one space (an edition's "Crude oil" with a no-break space,
 * or "Crude  oil", is the last one's "Crude oil": it was refused, with a
 * message that showed the two alike), without the footnote marks an edition adds or drops at
 * its end (the Pink Sheet's "Beef **" of 2026 is the "Beef" of 2020). */
static char *origin_part(const char *s, size_t n)
{
	char *raw = strndup(s, n), *nfc = raw ? assay_utf8_nfc(raw) : NULL;
	char *p = nfc ? assay_utf8_lower_dup(nfc) : NULL;
	free(raw);
	free(nfc);
	if (!p)
		return NULL;
	fold_blanks(p);
	p[assay_label_len(p)] = 0;
	return p;
}

/* Do parts a (la bytes) and b (lb) name one thing?  Case, Unicode
 * normalisation and footnote marks aside. */
static int same_part(const char *a, size_t la, const char *b, size_t lb)
{
	char *pa = origin_part(a, la), *pb = origin_part(b, lb);
	int same = !pa || !pb || !strcmp(pa, pb);       /* no memory: no word */
	free(pa);
	free(pb);
	return same;
}

/* How many parts (key cells, a header) an origin has. */
static size_t origin_parts(const char *s)
{
	size_t n = 1;
	for (; *s; s++)
		n += *s == '\x1f';
	return n;
}

/* s past its first n parts. */
static const char *skip_parts(const char *s, size_t n)
{
	for (; n; n--)
		s += strcspn(s, "\x1f") + 1;
	return s;
}

/* The text a series' name was made from, as this row makes it and as an
 * earlier import did ("Copper, mine" and "copper mine" both make
 * copper-mine): two series under one name, or two spellings of one, and
 * the second import's values were merged into the first's series without
 * a word.  Compared part by part (see same_part), from the end: a name is
 * the prefix, then one slug per part, so where one import has fewer parts
 * its --prefix stands for the other's first ones ('Chile' as a key, then
 * --prefix chile/; the parts compared from the start set 'Copper' against
 * 'Chile' and refused the file).  A series stored before origins were
 * kept has none, and takes this import's. */
static int same_origin_as_store(struct importer *im, const char *name,
				struct value_col *v, const char *stored)
{
	const char *a = stored, *b = im->origin.len ? im->origin.s : NULL;
	if (!a || !b || !strcmp(a, b))
		return 0;
	size_t na = origin_parts(a), nb = origin_parts(b);
	size_t i = nb > na ? nb - na : 0;       /* b's first part compared */
	a = skip_parts(a, na > nb ? na - nb : 0);
	b = skip_parts(b, i);
	/* the first part (a key cell, then the header) that differs */
	size_t la, lb;
	for (;; i++) {
		la = strcspn(a, "\x1f"), lb = strcspn(b, "\x1f");
		if (!same_part(a, la, b, lb))
			break;
		if (!a[la] || !b[lb])
			return 0;
		a += la + 1;
		b += lb + 1;
	}
	int n1 = (int)la, n2 = (int)lb;
	if (i < im->nkey)
		return im_fail_at(im, im->row_line, im->key_col[i] + 1, ASSAY_EUSAGE,
				  "key '%.*s' makes series '%s', which an earlier "
				  "import made from '%.*s': two series under one "
				  "name, or two spellings of one? (--map '%.*s=%.*s' "
				  "adds to it; --map '%.*s=...' names it apart)", n2,
				  b, name, n1, a, n2, b, n1, a, n2, b);
	/* a wide header: --map reads the whole cell ("copper mine (t)") */
	const char *h = im->header[v->idx];
	const char *rest = !strncmp(h, b, (size_t)n2) ? h + n2 : "";
	return im_fail_at(im, im->header_at, v->idx + 1, ASSAY_EUSAGE, "column "
			  "header '%s' makes series '%s', which an earlier import "
			  "made from '%.*s': two series under one name, or two "
			  "spellings of one? (--map '%s=%.*s%s' adds to it; --map "
			  "'%s=...' names it apart)", h, name, n1, a, h, n1, a, rest, h);
}

int im_series_lookup(struct importer *im, const char *name, int col,
			 assay_freq freq, struct value_col *v,
			 struct series_entry **out)
{
	int found;
	struct series_entry *e = im->map.last;
	if (e && !strcmp(e->name, name)) {
		*out = e;
		return same_keys_as_before(im, e) ||
		       same_meta_as_before(im, e, col, v);
	}
	e = map_find(&im->map, name, &found);
	if (!e)
		return im_oom(im);
	if (found) {
		*out = im->map.last = e;
		return same_keys_as_before(im, e) ||
		       same_meta_as_before(im, e, col, v);
	}
	if (im_check_new_series(im))
		return -1;
	const char *meta[ASSAY_META_COUNT];
	if (row_meta(im, name, v, meta, col))
		return -1;
	if (meta[ASSAY_META_KIND] && !assay_kind_parse(meta[ASSAY_META_KIND]))
		return im_fail_at(im, im->row_line, im->meta_col[ASSAY_META_KIND] + 1,
			       ASSAY_EUSAGE, "unknown kind '%s' (flow, price or "
			       "stock)", meta[ASSAY_META_KIND]);

	const char *su = NULL, *sk = NULL, *so = NULL;
	int rc = store_series_find(im->w, name, &e->id, &e->freq, &su, &sk, &so,
				   im->err);
	if (rc < 0)
		return im_db_error(im);
	e->unit = e->kind = NULL;
	const char *origin = im->origin.len ? im->origin.s : NULL;
	if (rc) {
		e->is_new = 0;
		if (same_origin_as_store(im, name, v, so) ||
		    same_meta_as_store(im, name, col, meta, su, sk))
			return -1;
		if (!so && origin &&
		    store_series_set_origin(im->w, e->id, origin, im->err))
			return im_db_error(im);
		if (store_series_update_meta(im->w, e->id, meta, im->err))
			return im_db_error(im);
	} else {
		if (!meta[ASSAY_META_KIND])
			return im_fail_at(im, im->row_line, col, ASSAY_EUSAGE,
				       "new series '%s' has no kind: give --kind "
				       "flow|price|stock (or --kind-col)", name);
		if (store_series_insert(im->w, name, meta, origin, freq, &e->id,
					im->err))
			return im_db_error(im);
		e->freq = freq;
		e->is_new = 1;
		e->has_last = 0;
		im->res->series_new++;
		e->new_index = im->res->series_new;
	}
	if (!(e->name = im_strdup(im, name)))
		return -1;
	e->keys = NULL;
	if (im->nkey && im->keys.s && !(e->keys = im_strdup(im, im->keys.s))) {
		free(e->name);
		e->name = NULL;
		return -1;
	}
	const char *u = meta[ASSAY_META_UNIT], *k = meta[ASSAY_META_KIND];
	if (keep_meta(im, e, u && *u ? u : su, k && *k ? k : sk)) {
		free(e->name);
		free(e->unit);
		free(e->keys);
		e->name = e->unit = e->keys = NULL;
		return -1;
	}
	e->created_at = im->row_line;
	e->unit_line = u && *u ? im->row_line : 0;
	memset(e->said, 0, sizeof e->said);
	if (same_said_as_before(im, e, col, meta)) {
		free(e->name);
		free(e->unit);
		free(e->kind);
		free(e->keys);
		free_said(e);
		e->name = e->unit = e->kind = e->keys = NULL;
		return -1;
	}
	im->map.n++;
	im->res->series_total++;
	*out = im->map.last = e;
	return 0;
}

static int insert_obs(struct importer *im, struct series_entry *e,
		      assay_period p, double value)
{
	int rc = store_obs_insert(im->w, e->id, p, value, im->import_id,
				  im->row_line, im->err);
	if (rc == 0)
		im->res->inserted++;
	if (rc == 2)
		return im_fail_at(im, im->row_line, 1, ASSAY_EUSAGE, "series '%s': %s",
				  e->name, im->err->msg);
	return rc < 0 ? im_db_error(im) : rc;
}

static int add_revision(struct importer *im, int64_t sid, assay_period p,
			double value, int64_t from, int64_t by)
{
	if (store_revision_add(im->w, sid, p, value, from, by, im->err))
		return im_db_error(im);
	return 0;
}

/* New series whose values come in turn (a wide file's columns, a long
 * file sorted by date) each append at their own edge of the store's
 * b-tree, which must then hold all their pages at once: the series
 * created since e's first value, when e takes its next one, is how many
 * take turns.  The store is told when that doubles (a few times an
 * import; a file sorted by series takes turns of one). */
static int note_interleave(struct importer *im, struct series_entry *e)
{
	size_t turns = im->res->series_new - e->new_index + 1;
	if (turns < 2 * im->interleave)
		return 0;
	im->interleave = turns;
	if (store_import_interleaved(im->w, turns, im->err))
		return im_db_error(im);
	return 0;
}

/* ---- NA cells: periods this import read as NA -------------------- */

static size_t na_hash(const char *name, assay_freq f, assay_period p)
{
	uint64_t h = store_name_hash(name) ^ ((uint64_t)p * 0x9e3779b97f4a7c15u);
	return (size_t)(h ^ (h >> 29) ^ (uint64_t)f);
}

static struct na_cell *na_probe(struct na_cell *slot, size_t cap,
				const char *name, assay_freq f, assay_period p,
				int *found)
{
	size_t j = na_hash(name, f, p) & (cap - 1);
	while (slot[j].name) {
		if (slot[j].period == p && slot[j].freq == f &&
		    !strcmp(slot[j].name, name)) {
			*found = 1;
			return &slot[j];
		}
		j = (j + 1) & (cap - 1);
	}
	*found = 0;
	return &slot[j];
}

/* The cells of s moved to a table of ncap slots, those of row drop_line
 * (0: none) dropped; -1 (s unchanged) when out of memory. */
static int na_rehash(struct na_cells *s, size_t ncap, long drop_line)
{
	struct na_cell *ns = calloc(ncap, sizeof *ns);
	size_t n = 0;
	int found;
	if (!ns)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		struct na_cell *c = &s->slot[i];
		if (!c->name)
			continue;
		if (drop_line && c->line == drop_line) {
			free(c->name);
			continue;
		}
		*na_probe(ns, ncap, c->name, c->freq, c->period, &found) = *c;
		n++;
	}
	free(s->slot);
	s->slot = ns;
	s->cap = ncap;
	s->n = n;
	return 0;
}

/* The line of the NA cell of name at period p, or 0. */
static long na_line(const struct na_cells *s, const char *name, assay_freq f,
		    assay_period p)
{
	int found;
	if (!s->n)
		return 0;
	struct na_cell *c = na_probe(s->slot, s->cap, name, f, p, &found);
	return found ? c->line : 0;
}

int im_na_forget_row(struct na_cells *s, long line)
{
	return s->cap ? na_rehash(s, s->cap, line) : 0;
}

void im_na_free(struct na_cells *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i].name);
	free(s->slot);
	memset(s, 0, sizeof *s);
}

static int na_add(struct na_cells *s, const char *name, assay_freq f,
		  assay_period p, long line)
{
	int found;
	if (s->n * 2 >= s->cap && na_rehash(s, s->cap ? 2 * s->cap : 256, 0))
		return -1;
	struct na_cell *c = na_probe(s->slot, s->cap, name, f, p, &found);
	if (found)
		return 0;
	char *copy = strdup(name);
	if (!copy)
		return -1;
	*c = (struct na_cell){ .name = copy, .period = p, .freq = f, .line = line };
	s->n++;
	return 0;
}

/* Can a day stand for a period of frequency f: any day for days, the
 * first or last day of its month, quarter or year for the others. */
int im_day_fits(assay_period day, assay_freq f)
{
	unsigned k = im_day_marks(day);
	switch (f) {
	case ASSAY_FREQ_D: return 1;
	case ASSAY_FREQ_M: return (k & (DAY_MONTH_START | DAY_MONTH_END)) != 0;
	case ASSAY_FREQ_Q: return (k & (DAY_QUARTER_START | DAY_QUARTER_END)) != 0;
	case ASSAY_FREQ_A: return (k & (DAY_YEAR_START | DAY_YEAR_END)) != 0;
	default: return 0;
	}
}

static const char *const weekday_names[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};

/* A weekly series' periods are its days, on one weekday: a Monday among
 * Fridays would make two values of one week (changes' "week-over-week"
 * moves of +1900% between them), and --freq W does not move days to
 * weeks.  The weekday is the store's, or the first value's. */
static int check_weekday(struct importer *im, struct series_entry *e,
			 assay_period day, int col)
{
	char a[32], b[32];
	assay_period ref = day;
	if (!e->wday) {
		int rc = e->is_new ? 0 : store_series_a_period(im->w, e->id, &ref,
								 im->err);
		if (rc < 0)
			return im_db_error(im);
		e->wday = 1 + im_weekday(ref);
		e->wref = ref;
	}
	if (im_weekday(day) == e->wday - 1)
		return 0;
	return im_fail_at(im, im->row_line, col, ASSAY_EUSAGE,
		       "series '%s' is weekly on %ss (%s), but %s is a %s: a "
		       "weekly series' dates fall on one weekday (assay does "
		       "not move days into weeks)", e->name,
		       weekday_names[e->wday - 1],
		       assay_period_format(ASSAY_FREQ_D, e->wref, a, sizeof a),
		       assay_period_format(ASSAY_FREQ_D, day, b, sizeof b),
		       weekday_names[im_weekday(day)]);
}

static const char *freq_words(assay_freq f)
{
	switch (f) {
	case ASSAY_FREQ_A: return "years (every date a year's first or last day)";
	case ASSAY_FREQ_Q: return "quarters (every date a quarter's first or last day)";
	case ASSAY_FREQ_M: return "months (every date a month's first or last day)";
	case ASSAY_FREQ_W: return "weeks (one weekday)";
	default: return "days";
	}
}

int im_check_series_days(struct importer *im)
{
	assay_freq file = im->day_freq ? im->day_freq : im_days_freq(&im->days);
	/* A wide file's columns too: FRED's download of a monthly and a
	 * quarterly series has a row per month, the quarterly column empty
	 * in two of three, and its quarters were stored as their first
	 * months, exit 0. */
	if ((im->layout != ASSAY_LAYOUT_LONG && im->layout != ASSAY_LAYOUT_WIDE) ||
	    im->o->freq || !im->days.cells)
		return 0;
	struct series_entry *first = NULL;     /* the one seen first */
	assay_freq first_own = ASSAY_FREQ_NONE;
	for (size_t i = 0; i < im->map.cap; i++) {
		struct series_entry *e = &im->map.slot[i];
		if (!e->name || !e->is_new || !e->days.distinct)
			continue;
		assay_freq own = im_days_freq(&e->days);
		/* in a file of days, a few dates of a sparse daily series fall
		 * on one weekday or on month starts by chance (two weekdays: 1
		 * in 5): such a reading needs more dates than chance gives; in
		 * a file of periods two dates tell, as they tell for a file */
		long enough = file != ASSAY_FREQ_D ? 2 : own == ASSAY_FREQ_W ? 5 : 3;
		if (own != file && e->days.cells >= enough &&
		    (!first || e->created_at < first->created_at)) {
			first = e;
			first_own = own;
		}
	}
	if (!first)
		return 0;
	return im_fail_at(im, first->created_at, im->date_col + 1, ASSAY_EUSAGE,
		       "the dates of series '%s' read as %s, but the file's as "
		       "%s: read as the file's, its periods would be wrong "
		       "(import it from a file of its own%s%s)", first->name,
		       freq_words(first_own), freq_words(file),
		       im->layout == ASSAY_LAYOUT_WIDE
		       ? ", or alone: --value-cols names its column" : "",
		       file == ASSAY_FREQ_D ? "; if its dates are days, --freq D"
		       : "");
}

int im_write_value(struct importer *im, struct series_entry *e,
		       assay_period p, assay_freq f, double value, int col)
{
	char lbl[32];
	/* a new series' own full dates (long and wide layouts, no --freq),
	 * counted as the file's are */
	if (im->row_is_day && e->is_new && (im->layout == ASSAY_LAYOUT_LONG ||
					    im->layout == ASSAY_LAYOUT_WIDE))
		im_day_stats_add(&e->days, im->row_day);
	/* Month, quarter or year boundaries (one weekday) make a file's
	 * dates months, quarters or years (weeks); a series the store holds
	 * at another frequency keeps it where the day is one of its period's
	 * ends: a daily update of one row dated 2024-01-31 is that day's
	 * value, and one of a quarterly series dated 2024-04-01 is 2024Q2. */
	if (f != e->freq && im->row_day_guessed && im_day_fits(im->row_day, e->freq)) {
		p = e->freq == ASSAY_FREQ_D ? im->row_day
		    : assay_period_convert(ASSAY_FREQ_D, im->row_day, e->freq);
		f = e->freq;
	}
	/* A weekly series takes a day on its weekday (a one-row update,
	 * which alone reads as a day or a month). */
	if (f != e->freq && e->freq == ASSAY_FREQ_W && im->row_is_day) {
		p = im->row_day;
		f = ASSAY_FREQ_W;
	}
	if (f != e->freq)
		return im_fail_at(im, im->row_line, col, ASSAY_EUSAGE,
			       "series '%s' holds %c periods, but '%s' is %c",
			       e->name, (char)e->freq,
			       assay_period_format(f, p, lbl, sizeof lbl), (char)f);
	if (f == ASSAY_FREQ_W && check_weekday(im, e, p, col))
		return -1;
	long na_at = na_line(&im->na, e->name, f, p);
	if (na_at) {
		char num[32];
		return im_fail_at(im, im->row_line, col, ASSAY_EUSAGE,
			       "second value for '%s' %s: %s here, NA at %s %ld",
			       e->name, assay_period_format(f, p, lbl, sizeof lbl),
			       assay_fmt_g(value, num, sizeof num),
			       im->sheet_name ? "row" : "line", na_at);
	}
	/* A series this import created has nothing to compare with: insert
	 * straight away (the fast path of a first import).  While its
	 * periods rise, no value of it can be in the table yet, and the
	 * store may batch the inserts. */
	if (e->is_new && (!e->has_last || p > e->last)) {
		if (e->has_last && note_interleave(im, e))
			return -1;
		if (store_obs_append(im->w, e->id, p, value, im->import_id,
				     im->row_line, im->err))
			return im_db_error(im);
		e->has_last = 1;
		e->last = p;
		im->res->inserted++;
		return 0;
	}
	if (e->is_new) {
		int rc = insert_obs(im, e, p, value);
		if (rc <= 0)
			return rc;
	}
	double old;
	int64_t old_import;
	long old_line;
	int rc = store_obs_get(im->w, e->id, p, &old, &old_import, &old_line,
			       im->err);
	if (rc == 0) {
		rc = insert_obs(im, e, p, value);
		if (rc == 1)    /* a key the lookup had just not found */
			return im_fail_at(im, im->row_line, 1, ASSAY_EIO, "series '%s': "
					  "the store holds a value for %s that it did not "
					  "return (database error)", e->name,
					  assay_period_format(f, p, lbl, sizeof lbl));
		return rc < 0 ? -1 : 0;
	}
	if (rc < 0)
		return im_db_error(im);

	if (old_import == im->import_id) {
		char a[32], b[32];
		if (old == value) {
			im->res->unchanged++;
			return 0;
		}
		return im_fail_at(im, im->row_line, col, ASSAY_EUSAGE,
			       "second value for '%s' %s: %s here, %s at %s %ld",
			       e->name, assay_period_format(f, p, lbl, sizeof lbl),
			       assay_fmt_g(value, a, sizeof a),
			       assay_fmt_g(old, b, sizeof b),
			       im->sheet_name ? "row" : "line", old_line);
	}
	int order = strcmp(store_vintage_of(im->w, old_import), im->vintage);
	if (order > 0) {
		/* This file is an older vintage than the stored value: keep
		 * its value as an earlier vintage, not as the current one, even
		 * when equal, so that --as-of that vintage finds it. */
		if (store_revision_known(im->w, e->id, p, value, im->vintage)) {
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
		if (order == 0)
			return 0;
		/* A newer vintage that confirms the value becomes the current
		 * record, the older one an earlier vintage: an edition between
		 * the two imported later (10 Jan says 3, 19 Jan 3, then 16 Jan
		 * 1) must stay earlier than the 19th's 3, not become current
		 * over the 10th's. */
	}
	if (add_revision(im, e->id, p, old, old_import, im->import_id))
		return -1;
	im->res->revised += old != value;
	if (store_obs_update(im->w, e->id, p, value, im->import_id, im->row_line,
			     im->err))
		return im_db_error(im);
	return 0;
}

/* The value the store holds for series `name` at period p (of frequency
 * f, turned into the series' own where a day stands for one of its
 * periods): 1 and *old, *old_import, *old_line; 0 when there is none (no
 * such series, another frequency, no value); -1 on a database error. */
static int stored_value(struct importer *im, const char *name, assay_period *p,
			assay_freq *f, double *old, int64_t *old_import,
			long *old_line)
{
	int found;
	int64_t id;
	assay_freq freq;
	struct series_entry *e = map_find(&im->map, name, &found);
	if (!e)
		return im_oom(im);
	if (found) {
		id = e->id;
		freq = e->freq;
	} else {
		const char *su, *sk, *so;
		int rc = store_series_find(im->w, name, &id, &freq, &su, &sk, &so,
					   im->err);
		if (rc <= 0)
			return rc < 0 ? im_db_error(im) : 0;
	}
	if (*f != freq && im->row_day_guessed && im_day_fits(im->row_day, freq)) {
		*p = freq == ASSAY_FREQ_D ? im->row_day
		     : assay_period_convert(ASSAY_FREQ_D, im->row_day, freq);
		*f = freq;
	}
	if (*f != freq)
		return 0;
	/* a new series' values all lie at or before its last (im_write_value) */
	if (found && e->is_new && (!e->has_last || *p > e->last))
		return 0;
	int rc = store_obs_get(im->w, id, *p, old, old_import, old_line, im->err);
	return rc < 0 ? im_db_error(im) : rc;
}

int im_na_cell(struct importer *im, const char *name, assay_period p,
	       assay_freq f, int col, double *old, const char **vintage)
{
	int64_t old_import;
	long old_line;
	int rc = stored_value(im, name, &p, &f, old, &old_import, &old_line);
	if (rc < 0)
		return -1;
	/* a date-only row not dated as the file's values are (Macrotrends'
	 * trailing rows: any day, a month's last among month starts) says
	 * nothing about the period its day falls in */
	int at_bound = !im->row_is_day || f == ASSAY_FREQ_D ||
		       (im_day_marks(im->row_day) & im->days.marks) != 0;
	if (at_bound && rc == 1 && old_import == im->import_id) {
		char lbl[32], num[32];
		return im_fail_at(im, im->row_line, col, ASSAY_EUSAGE,
			       "second value for '%s' %s: NA here, %s at %s %ld",
			       name, assay_period_format(f, p, lbl, sizeof lbl),
			       assay_fmt_g(*old, num, sizeof num),
			       im->sheet_name ? "row" : "line", old_line);
	}
	if (at_bound && na_add(&im->na, name, f, p, im->row_line))
		return im_oom(im);
	if (rc == 0)
		return 0;
	*vintage = store_vintage_of(im->w, old_import);
	return strcmp(*vintage, im->vintage) < 0;
}
