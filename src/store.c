/*
 * The store's reads (see store.h): series look-ups, vintage-aware loading,
 * summaries, history, removal and transactions.  Opening and the schema
 * are in store_open.c, the importer's writes in store_write.c, editing in
 * store_edit.c.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/store.h"
#include "assay/derive.h"
#include "store_internal.h"

sqlite3_stmt *store_cached(assay_store *st, sqlite3_stmt **slot,
			   const char *sql)
{
	if (!*slot && sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
					 slot, NULL))
		return NULL;
	return *slot;
}

assay_kind assay_kind_parse(const char *s)
{
	if (!s) return ASSAY_KIND_NONE;
	if (!strcmp(s, "flow")) return ASSAY_KIND_FLOW;
	if (!strcmp(s, "price")) return ASSAY_KIND_PRICE;
	if (!strcmp(s, "stock")) return ASSAY_KIND_STOCK;
	return ASSAY_KIND_NONE;
}

const char *assay_kind_name(assay_kind k)
{
	switch (k) {
	case ASSAY_KIND_FLOW: return "flow";
	case ASSAY_KIND_PRICE: return "price";
	case ASSAY_KIND_STOCK: return "stock";
	default: return NULL;   /* no kind: the NULL of every *_name() */
	}
}

void assay_series_info_release(assay_series_info *info)
{
	if (!info)
		return;
	free(info->name);
	free(info->commodity);
	free(info->region);
	free(info->measure);
	free(info->unit);
	free(info->source);
	free(info->notes);
	memset(info, 0, sizeof *info);
}

void assay_obs_release(assay_obs *obs)
{
	if (!obs)
		return;
	free(obs->period);
	free(obs->value);
	memset(obs, 0, sizeof *obs);
}

void assay_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* Make room for one more element in a growing array: doubles *cap when
 * *n has reached it.  Returns 0, or -1 when out of memory (*arr kept). */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? 2 * *cap : 64;
	void *g = realloc(*arr, ncap * size);
	if (!g)
		return -1;
	*arr = g;
	*cap = ncap;
	return 0;
}

char *store_col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? strdup((const char *)s) : NULL;
}

int assay_store_series_get(assay_store *st, const char *name,
			   assay_series_info *info, assay_error *err)
{
	sqlite3_stmt *q;
	int rc;

	memset(info, 0, sizeof *info);
	if (!(q = store_cached(st, &st->q_series_get,
			 "SELECT id, name, commodity, region, measure, unit,"
			 " source, notes, kind, freq FROM series WHERE name = ?")))
		return store_sqlite_fail(err, st->db, st->path);
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		info->id = sqlite3_column_int64(q, 0);
		info->name = store_col_strdup(q, 1);
		info->commodity = store_col_strdup(q, 2);
		info->region = store_col_strdup(q, 3);
		info->measure = store_col_strdup(q, 4);
		info->unit = store_col_strdup(q, 5);
		info->source = store_col_strdup(q, 6);
		info->notes = store_col_strdup(q, 7);
		info->kind = assay_kind_parse((const char *)sqlite3_column_text(q, 8));
		info->freq = assay_freq_parse((const char *)sqlite3_column_text(q, 9));
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
		return 1;
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(err, st->db, st->path);
	return 0;
}

int assay_store_series_match(assay_store *st, const char *const *patterns,
			     size_t npatterns, char ***names, size_t *n,
			     assay_error *err)
{
	sqlite3_stmt *q;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT name FROM series ORDER BY name",
			       -1, &q, NULL))
		return store_sqlite_fail(err, st->db, st->path);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		int keep = npatterns == 0;
		for (size_t i = 0; i < npatterns && !keep; i++)
			keep = store_glob(patterns[i], name);
		if (!keep)
			continue;
		if (grow((void **)names, &cap, *n, sizeof **names))
			break;
		(*names)[(*n)++] = strdup(name);
	}
	if (sqlite3_finalize(q) != SQLITE_OK) {
		assay_strv_free(*names, *n);
		*names = NULL;
		*n = 0;
		return store_sqlite_fail(err, st->db, st->path);
	}
	return 0;
}

/* For every period, the value of the newest vintage at or before ?2; the
 * import id breaks ties between imports of the same vintage. */
static const char load_as_of_sql[] =
	"SELECT period, value, MAX(vkey) FROM ("
	" SELECT o.period, o.value, i.vintage || printf('#%012d', i.id) AS vkey"
	"  FROM obs o JOIN imports i ON i.id = o.import_id"
	"  WHERE o.series_id = ?1 AND i.vintage <= ?2"
	" UNION ALL"
	" SELECT r.period, r.value, i.vintage || printf('#%012d', i.id)"
	"  FROM revisions r JOIN imports i ON i.id = r.import_id"
	"  WHERE r.series_id = ?1 AND i.vintage <= ?2"
	") GROUP BY period ORDER BY period";

/* Could an import have written ordinal p?  Labels have years 0000-9999,
 * so every frequency's ordinals lie within the days of those years (M, Q
 * and A ordinals are smaller).  Anything else is a damaged or hand-edited
 * store, whose far ordinals the period arithmetic need not survive. */
static int label_ordinal(int64_t p)
{
	static const int64_t first_day = -719528;       /* 0000-01-01 */
	static const int64_t last_day = 2932896;        /* 9999-12-31 */
	return p >= first_day && p <= last_day;
}

/* Done with a load statement: reset the cached one, finalize the other. */
static void release_load(assay_store *st, sqlite3_stmt *q)
{
	if (q == st->q_load) {
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
	} else {
		sqlite3_finalize(q);
	}
}

int assay_store_load(assay_store *st, int64_t id, const char *as_of,
		     assay_obs *out, assay_error *err)
{
	sqlite3_stmt *q;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof *out);
	/* A derived series is computed from its inputs (derive.c). */
	if ((rc = assay_derive_load(st, id, as_of, out, err)) != 0)
		return rc < 0 ? -1 : 0;
	if (as_of)
		rc = sqlite3_prepare_v2(st->db, load_as_of_sql, -1, &q, NULL);
	else
		rc = !(q = store_cached(st, &st->q_load, "SELECT period, value FROM obs"
				  " WHERE series_id = ?1 ORDER BY period"));
	if (rc)
		return store_sqlite_fail(err, st->db, st->path);
	sqlite3_bind_int64(q, 1, id);
	if (as_of)
		sqlite3_bind_text(q, 2, as_of, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? 2 * cap : 256;
			assay_period *p = realloc(out->period, cap * sizeof *p);
			double *v = p ? realloc(out->value, cap * sizeof *v) : NULL;
			if (p)
				out->period = p;
			if (!p || !v) {
				release_load(st, q);
				assay_obs_release(out);
				return assay_fail(err, ASSAY_EIO, "out of memory");
			}
			out->value = v;
		}
		out->period[out->n] = sqlite3_column_int64(q, 0);
		out->value[out->n] = sqlite3_column_double(q, 1);
		if (!label_ordinal(out->period[out->n])) {
			int64_t bad = out->period[out->n];
			release_load(st, q);
			assay_obs_release(out);
			return assay_fail(err, ASSAY_EIO, "%s: series %lld holds "
					  "period %lld, which no date gives: the "
					  "store is damaged", st->path,
					  (long long)id, (long long)bad);
		}
		out->n++;
	}
	release_load(st, q);
	if (rc != SQLITE_DONE) {
		assay_obs_release(out);
		return store_sqlite_fail(err, st->db, st->path);
	}
	return 0;
}

/* Exactly `width` ASCII digits at s (not locale digits); -1 otherwise. */
static int fixed_digits(const char *s, int width)
{
	int v = 0;
	for (int i = 0; i < width; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Read "YYYY-MM-DD[(T| )HH:MM:SS][Z]" into its six fields; -1 when it has
 * another form.  (The values are range-checked by the caller.) */
static int vintage_fields(const char *in, int f[6])
{
	static const char seps[] = "--T::";
	static const int width[] = { 4, 2, 2, 2, 2, 2 };
	int nfields = 6;
	const char *s = in;
	for (int i = 0; i < nfields; i++) {
		if (i > 0) {
			char sep = seps[i - 1];
			if (i == 3 && *s == 0) {        /* a bare date */
				nfields = 3;
				break;
			}
			if (*s != sep && !(sep == 'T' && *s == ' '))
				return -1;
			s++;
		}
		if ((f[i] = fixed_digits(s, width[i])) < 0)
			return -1;
		s += width[i];
	}
	if (nfields == 6 && *s == 'Z')
		s++;
	return *s ? -1 : 0;
}

/* Why a date-time that has the right form is not a real one, or NULL. */
static const char *impossible_time(const int f[6], char *why, size_t n)
{
	int y = f[0], mo = f[1], d = f[2], h = f[3], mi = f[4], s = f[5];
	if (mo < 1 || mo > 12)
		snprintf(why, n, "month %d is out of range", mo);
	else if (d < 1 || d > assay_days_from_civil(y, mo + 1, 1) -
			       assay_days_from_civil(y, mo, 1))
		snprintf(why, n, "day %d is out of range for %04d-%02d", d, y, mo);
	else if (h > 23)
		snprintf(why, n, "hour %d is out of range", h);
	else if (mi > 59)
		snprintf(why, n, "minute %d is out of range", mi);
	else if (s > 60 || (s == 60 && !(h == 23 && mi == 59 &&
					 ((mo == 6 && d == 30) || (mo == 12 && d == 31)))))
		/* UTC inserts leap seconds as 23:59:60 on 30 June or 31
		 * December; any other second 60 is a typing error. */
		snprintf(why, n, "second %d is out of range", s);
	else
		return NULL;
	return why;
}

int assay_vintage_normalise(const char *in, char *out, size_t n,
			    assay_error *err)
{
	/* A bare date means the whole of that day (end of day, UTC). */
	int f[6] = { 0, 0, 0, 23, 59, 59 };
	char why[64];
	if (vintage_fields(in, f))
		return assay_fail(err, ASSAY_EUSAGE,
				  "cannot read vintage time '%s': expected YYYY-MM-DD or "
				  "YYYY-MM-DDTHH:MM:SS (UTC)", in);
	if (impossible_time(f, why, sizeof why))
		return assay_fail(err, ASSAY_EUSAGE,
				  "cannot read vintage time '%s': %s", in, why);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", f[0], f[1], f[2], f[3],
		 f[4], f[5]);
	return 0;
}

int assay_store_series_remove(assay_store *st, const char *name,
			      assay_error *err)
{
	sqlite3_stmt *q = NULL;
	int rc = -1, removed = 0, outer;
	/* an older store is migrated inside the edit's transaction, and the
	 * migration undone with it when there is no such series: rm of a
	 * name that is not there writes nothing */
	if (store_edit_begin(st, "assay_rm", &outer, err))
		return -1;
	if (store_schema_current(st, err))
		goto out;
	if (sqlite3_prepare_v2(st->db, "DELETE FROM series WHERE name = ?", -1,
			       &q, NULL)) {
		store_sqlite_fail(err, st->db, st->path);
		goto out;
	}
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		store_sqlite_fail(err, st->db, st->path);
		goto out;
	}
	removed = sqlite3_changes(st->db) > 0;
	rc = 0;
out:
	sqlite3_finalize(q);
	if (rc || !removed)
		store_edit_end(st, "assay_rm", outer, 0, err);
	else if (store_edit_end(st, "assay_rm", outer, 1, err))
		rc = -1;
	return rc ? -1 : removed;
}

void assay_series_summaries_free(assay_series_summary *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		assay_series_info_release(&s[i].info);
	free(s);
}

int assay_store_summaries(assay_store *st, const char *const *patterns,
			  size_t npatterns, assay_series_summary **out,
			  size_t *n, assay_error *err)
{
	sqlite3_stmt *q;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT s.id, s.name, s.commodity, s.region, s.measure,"
			       " s.unit, s.source, s.notes, s.kind, s.freq,"
			       " min(o.period), max(o.period), count(o.period)"
			       " FROM series s LEFT JOIN obs o ON o.series_id = s.id"
			       " GROUP BY s.id ORDER BY s.name", -1, &q, NULL))
		return store_sqlite_fail(err, st->db, st->path);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 1);
		int keep = npatterns == 0;
		for (size_t i = 0; i < npatterns && !keep; i++)
			keep = store_glob(patterns[i], name);
		if (!keep)
			continue;
		if (grow((void **)out, &cap, *n, sizeof **out))
			break;
		assay_series_summary *s = &(*out)[(*n)++];
		memset(s, 0, sizeof *s);
		s->info.id = sqlite3_column_int64(q, 0);
		s->info.name = store_col_strdup(q, 1);
		s->info.commodity = store_col_strdup(q, 2);
		s->info.region = store_col_strdup(q, 3);
		s->info.measure = store_col_strdup(q, 4);
		s->info.unit = store_col_strdup(q, 5);
		s->info.source = store_col_strdup(q, 6);
		s->info.notes = store_col_strdup(q, 7);
		s->info.kind = assay_kind_parse((const char *)sqlite3_column_text(q, 8));
		s->info.freq = assay_freq_parse((const char *)sqlite3_column_text(q, 9));
		s->first = sqlite3_column_int64(q, 10);
		s->last = sqlite3_column_int64(q, 11);
		s->count = sqlite3_column_int64(q, 12);
	}
	if (sqlite3_finalize(q) != SQLITE_OK) {
		assay_series_summaries_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_sqlite_fail(err, st->db, st->path);
	}
	return 0;
}

static void copy_col(sqlite3_stmt *q, int i, char *dst, size_t n)
{
	const unsigned char *s = sqlite3_column_text(q, i);
	snprintf(dst, n, "%s", s ? (const char *)s : "");
}

int assay_store_history(assay_store *st, int64_t id,
			assay_import_record **imports, size_t *nimports,
			assay_revision **revs, size_t *nrevs,
			assay_error *err)
{
	sqlite3_stmt *q = NULL;
	size_t cap = 0;

	*imports = NULL;
	*revs = NULL;
	*nimports = *nrevs = 0;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT i.id, i.file, i.sha256, i.imported_at, i.vintage,"
			       " i.rows_read, i.inserted, i.revised, i.unchanged,"
			       " i.older, i.skipped, count(*) FROM imports i JOIN ("
			       "  SELECT import_id FROM obs WHERE series_id = ?1"
			       "  UNION ALL"
			       "  SELECT import_id FROM revisions WHERE series_id = ?1"
			       ") v ON v.import_id = i.id GROUP BY i.id ORDER BY i.id",
			       -1, &q, NULL))
		goto fail;
	sqlite3_bind_int64(q, 1, id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (grow((void **)imports, &cap, *nimports, sizeof **imports))
			goto fail;
		assay_import_record *r = &(*imports)[(*nimports)++];
		r->id = sqlite3_column_int64(q, 0);
		copy_col(q, 1, r->file, sizeof r->file);
		copy_col(q, 2, r->sha256, sizeof r->sha256);
		copy_col(q, 3, r->imported_at, sizeof r->imported_at);
		copy_col(q, 4, r->vintage, sizeof r->vintage);
		r->rows_read = sqlite3_column_int64(q, 5);
		r->inserted = sqlite3_column_int64(q, 6);
		r->revised = sqlite3_column_int64(q, 7);
		r->unchanged = sqlite3_column_int64(q, 8);
		r->older = sqlite3_column_int64(q, 9);
		r->skipped = sqlite3_column_int64(q, 10);
		r->values = sqlite3_column_int64(q, 11);
	}
	if (sqlite3_finalize(q) != SQLITE_OK) {
		q = NULL;
		goto fail;
	}
	/* Every stored version of a revised period, in vintage order; each
	 * one's successor is the next version of the same period. */
	cap = 0;
	if (sqlite3_prepare_v2(st->db,
			       "WITH v AS ("
			       " SELECT r.period, r.value, i.vintage, i.id AS imp"
			       "  FROM revisions r JOIN imports i ON i.id = r.import_id"
			       "  WHERE r.series_id = ?1"
			       " UNION ALL"
			       " SELECT o.period, o.value, i.vintage, i.id"
			       "  FROM obs o JOIN imports i ON i.id = o.import_id"
			       "  WHERE o.series_id = ?1 AND o.period IN"
			       "   (SELECT period FROM revisions WHERE series_id = ?1))"
			       "SELECT period, value, vintage, next_value, next_vintage FROM ("
			       " SELECT period, value, vintage,"
			       "  lead(value) OVER w AS next_value,"
			       "  lead(vintage) OVER w AS next_vintage"
			       " FROM v WINDOW w AS (PARTITION BY period ORDER BY vintage, imp))"
			       " WHERE next_vintage IS NOT NULL AND next_value IS NOT value"
			       " ORDER BY period, vintage",
			       -1, &q, NULL))
		goto fail;
	sqlite3_bind_int64(q, 1, id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (grow((void **)revs, &cap, *nrevs, sizeof **revs))
			goto fail;
		assay_revision *r = &(*revs)[(*nrevs)++];
		r->period = sqlite3_column_int64(q, 0);
		r->old_value = sqlite3_column_double(q, 1);
		copy_col(q, 2, r->old_vintage, sizeof r->old_vintage);
		r->new_value = sqlite3_column_double(q, 3);
		copy_col(q, 4, r->new_vintage, sizeof r->new_vintage);
	}
	if (sqlite3_finalize(q) == SQLITE_OK)
		return 0;
	q = NULL;
fail:
	store_sqlite_fail(err, st->db, st->path);
	sqlite3_finalize(q);
	free(*imports);
	free(*revs);
	*imports = NULL;
	*revs = NULL;
	*nimports = *nrevs = 0;
	return -1;
}

int assay_store_begin(assay_store *st, assay_error *err)
{
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		return store_sqlite_fail(err, st->db, st->path);
	if (store_schema_current(st, err)) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int assay_store_end(assay_store *st, int commit, assay_error *err)
{
	if (sqlite3_exec(st->db, commit ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL))
		return store_sqlite_fail(err, st->db, st->path);
	return 0;
}

int store_edit_begin(assay_store *st, const char *name, int *outer,
		     assay_error *err)
{
	char sql[80];
	*outer = sqlite3_get_autocommit(st->db) != 0;
	if (*outer)
		snprintf(sql, sizeof sql, "BEGIN IMMEDIATE");
	else
		snprintf(sql, sizeof sql, "SAVEPOINT %s", name);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL))
		return store_sqlite_fail(err, st->db, st->path);
	return 0;
}

int store_edit_end(assay_store *st, const char *name, int outer, int commit,
		   assay_error *err)
{
	char sql[160], undo[160];
	if (outer)
		snprintf(undo, sizeof undo, "ROLLBACK");
	else
		snprintf(undo, sizeof undo, "ROLLBACK TO %s; RELEASE %s", name, name);
	if (commit && outer)
		snprintf(sql, sizeof sql, "COMMIT");
	else if (commit)
		snprintf(sql, sizeof sql, "RELEASE %s", name);
	else
		snprintf(sql, sizeof sql, "%s", undo);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL)) {
		store_sqlite_fail(err, st->db, st->path);
		if (commit)     /* a commit that failed leaves it open */
			sqlite3_exec(st->db, undo, NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* A read transaction is a snapshot: reads between begin and end see the
 * store as one import left it, never half of one running meanwhile.  A
 * plain BEGIN takes its snapshot at the first read, whenever that comes;
 * the read here takes it now, so that a caller knows when it was taken
 * (scan brackets its connections' snapshots by assay_store_data_version). */
int assay_store_read_begin(assay_store *st, assay_error *err)
{
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) ||
	    sqlite3_exec(st->db, "SELECT 1 FROM series LIMIT 1", NULL, NULL, NULL)) {
		store_sqlite_fail(err, st->db, st->path);
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int assay_store_data_version(assay_store *st, int64_t *v, assay_error *err)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &q, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
		*v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : store_sqlite_fail(err, st->db, st->path);
}

int assay_store_read_end(assay_store *st, assay_error *err)
{
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL))
		return store_sqlite_fail(err, st->db, st->path);
	return 0;
}

static char *text_or_null(sqlite3_stmt *q, int i, int *oom)
{
	const char *s = (const char *)sqlite3_column_text(q, i);
	char *d = s ? strdup(s) : NULL;
	*oom |= s && !d;
	return d;
}

int assay_store_import_superseder(assay_store *st, int64_t import_id,
				  assay_superseder *out, assay_error *err)
{
	sqlite3_stmt *q;
	int oom = 0, rc;
	memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(st->db,
			       "SELECT (SELECT vintage FROM imports WHERE id = ?1),"
			       " i.vintage, i.file, i.vintage = i.imported_at"
			       " FROM revisions r JOIN imports i ON i.id = r.superseded_by"
			       " WHERE r.import_id = ?1 GROUP BY r.superseded_by"
			       " ORDER BY count(*) DESC LIMIT 1", -1, &q, NULL))
		return store_sqlite_fail(err, st->db, st->path);
	sqlite3_bind_int64(q, 1, import_id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->vintage = text_or_null(q, 0, &oom);
		out->later_vintage = text_or_null(q, 1, &oom);
		out->later_file = text_or_null(q, 2, &oom);
		out->later_undated = sqlite3_column_int(q, 3);
	}
	sqlite3_finalize(q);
	if (oom) {
		assay_superseder_release(out);
		return assay_fail(err, ASSAY_EIO, "out of memory");
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlite_fail(err, st->db, st->path);
	return rc == SQLITE_ROW;
}

void assay_superseder_release(assay_superseder *s)
{
	free(s->vintage);
	free(s->later_vintage);
	free(s->later_file);
	memset(s, 0, sizeof *s);
}
