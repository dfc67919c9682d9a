/*
 * The store side of derived series (derive.h): their definitions and
 * recorded inputs, in the tables of schema version 3 (store_open.c), and
 * whether their kind was given, in version 5's derived_kind.  A store of
 * version 2 opened read-only has no such tables: it has no derived
 * series, and every look-up here says so; one of version 3 or 4 has no
 * derived_kind, and its definitions say "not recorded".
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assay/derive.h"
#include "derive_internal.h"
#include "store_internal.h"
#include "utf8.h"

static int db_fail(assay_error *err, assay_store *st)
{
	return assay_fail(err, ASSAY_EIO, "%s: %s", assay_store_path(st),
			  sqlite3_errmsg(st->db));
}

void assay_derived_def_release(assay_derived_def *d)
{
	if (!d)
		return;
	free(d->name);
	free(d->expr);
	free(d->to_unit);
	free(d->defined_at);
	memset(d, 0, sizeof *d);
}

/* Is there a table `derived`?  (A version-2 store read-only has none.) */
static int have_tables(sqlite3 *db)
{
	sqlite3_stmt *q;
	int have = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
			       " AND name = 'derived'", -1, &q, NULL) == SQLITE_OK)
		have = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return have;
}

int assay_store_derived_get(assay_store *st, int64_t id, assay_derived_def *def,
			    assay_error *err)
{
	sqlite3 *db = st->db;
	memset(def, 0, sizeof *def);
	/* kept prepared: a batch command asks it of every series it reads */
	sqlite3_stmt *q = store_cached(st, &st->q_derived_get,
				       "SELECT s.name, d.expr, d.freq, d.to_unit,"
				       " d.defined_at, coalesce(k.given, -1)"
				       " FROM derived d JOIN series s ON s.id ="
				       " d.series_id LEFT JOIN derived_kind k ON"
				       " k.series_id = d.series_id WHERE d.series_id = ?");
	sqlite3_stmt *old = NULL;
	/* a store before version 5 read as it is has no derived_kind:
	 * whether a kind was given is not recorded (prepared each time, so
	 * that the statement above is cached once the store is migrated) */
	if (!q && have_tables(db) &&
	    sqlite3_prepare_v2(db, "SELECT s.name, d.expr, d.freq, d.to_unit,"
			       " d.defined_at, -1 FROM derived d JOIN series s"
			       " ON s.id = d.series_id WHERE d.series_id = ?", -1,
			       &old, NULL) == SQLITE_OK)
		q = old;
	if (!q)
		return have_tables(db) ? db_fail(err, st) : 0;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q), found = 0;
	if (rc == SQLITE_ROW) {
		def->id = id;
		def->name = store_col_strdup(q, 0);
		def->expr = store_col_strdup(q, 1);
		def->freq = assay_freq_parse((const char *)sqlite3_column_text(q, 2));
		def->to_unit = store_col_strdup(q, 3);
		def->defined_at = store_col_strdup(q, 4);
		def->kind_given = sqlite3_column_int(q, 5);
		found = 1;
		if (!def->name || !def->expr || !def->defined_at) {
			assay_derived_def_release(def);
			found = assay_fail(err, ASSAY_EIO, "out of memory");
		}
	} else if (rc != SQLITE_DONE) {
		found = db_fail(err, st);
	}
	if (old)
		sqlite3_finalize(old);
	else
		sqlite3_reset(q);
	return found;
}

static int exec_bound(assay_store *st, const char *sql, const char *const *text,
		      int ntext, assay_error *err)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
		return db_fail(err, st);
	for (int i = 0; i < ntext; i++)
		sqlite3_bind_text(q, i + 1, text[i], -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : db_fail(err, st);
}

static int put_locked(assay_store *st, const char *name, const char *expr,
		      assay_freq freq, const char *to_unit, assay_kind kind,
		      const char *unit, const assay_derive_result *r,
		      assay_error *err)
{
	assay_series_info info;
	int rc = assay_store_series_get(st, name, &info, err);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		assay_derived_def def;
		int d = assay_store_derived_get(st, info.id, &def, err);
		assay_derived_def_release(&def);
		assay_series_info_release(&info);
		if (d < 0)
			return -1;
		if (d == 0)
			return assay_fail(err, ASSAY_EUSAGE, "'%s' is an imported "
					  "series: derive writes new names and "
					  "derived series only", name);
	}
	char fr[2] = { (char)freq, 0 }, now[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	const char *k = assay_kind_name(kind ? kind : r->kind);
	const char *u = unit ? unit : r->unit;
	const char *series_args[] = { name, u, k, fr, expr };
	if (exec_bound(st, rc == 1 ?
		       "UPDATE series SET unit = ?2, kind = ?3, freq = ?4,"
		       " notes = ?5, source = 'derived' WHERE name = ?1" :
		       "INSERT INTO series (name, unit, kind, freq, source, notes)"
		       " VALUES (?1, ?2, ?3, ?4, 'derived', ?5)",
		       series_args, 5, err))
		return -1;
	const char *def_args[] = { name, expr, fr, to_unit, now };
	const char *kind_args[] = { name, kind ? "1" : "0" };
	if (exec_bound(st, "INSERT OR REPLACE INTO derived (series_id, expr, freq,"
		       " to_unit, defined_at) SELECT id, ?2, ?3, ?4, ?5 FROM series"
		       " WHERE name = ?1", def_args, 5, err) ||
	    /* whether --kind was given: a kind inferred is checked against
	     * the inputs' whenever the series is read (derive.c) */
	    exec_bound(st, "INSERT OR REPLACE INTO derived_kind (series_id, given)"
		       " SELECT id, CAST(?2 AS INTEGER) FROM series WHERE name = ?1",
		       kind_args, 2, err) ||
	    exec_bound(st, "DELETE FROM derived_inputs WHERE series_id ="
		       " (SELECT id FROM series WHERE name = ?1)", &name, 1, err))
		return -1;
	for (size_t i = 0; i < r->ninputs; i++) {
		const char *in_args[] = { name, r->inputs[i] };
		/* vintage NULL marks a derived input; an imported one
		 * without values has '' (store_derive_recorded tells
		 * sum() members by it) */
		if (exec_bound(st, "INSERT INTO derived_inputs (series_id, input,"
			       " vintage) SELECT s.id, ?2, CASE WHEN EXISTS (SELECT 1"
			       " FROM derived d JOIN series x ON x.id = d.series_id"
			       " WHERE x.name = ?2) THEN NULL ELSE coalesce((SELECT"
			       " max(i.vintage) FROM obs o JOIN imports i ON i.id ="
			       " o.import_id JOIN series x ON x.id = o.series_id"
			       " WHERE x.name = ?2), '') END"
			       " FROM series s WHERE s.name = ?1", in_args, 2, err))
			return -1;
	}
	return 0;
}

int assay_store_derived_put(assay_store *st, const char *name, const char *expr,
			    assay_freq freq, const char *to_unit, assay_kind kind,
			    const char *unit, const assay_derive_result *r,
			    assay_error *err)
{
	char shown[256];
	if (assay_name_check(name, err))
		return -1;
	if (!kind && !r->kind)
		return assay_fail(err, ASSAY_EUSAGE, "%s: the kind of the result "
				  "cannot be told from its inputs (%s): give one "
				  "(flow, price or stock)",
				  assay_shown(name, shown, sizeof shown),
				  r->kind_note[0] ? r->kind_note : "none");
	int outer;
	if (store_edit_begin(st, "assay_derive", &outer, err))
		return -1;
	/* an older store is migrated inside the edit's transaction: a
	 * definition that is refused leaves it as it was
	 * (store_schema_current) */
	int rc = store_schema_current(st, err) ? -1
		 : put_locked(st, name, expr, freq, to_unit, kind, unit, r, err);
	/* the evaluation found no circle; the stored definitions are
	 * walked once more, so that none is stored that makes a series
	 * unreadable */
	if (!rc && assay_derive_check_cycle(st, name, err))
		rc = -1;
	if (rc)
		store_edit_end(st, "assay_derive", outer, 0, err);
	else if (store_edit_end(st, "assay_derive", outer, 1, err))
		rc = -1;
	return rc;
}

int assay_store_derived_inputs(assay_store *st, int64_t id,
			       assay_derived_input **out, size_t *n,
			       assay_error *err)
{
	sqlite3_stmt *q;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT d.input, d.vintage, x.id IS NOT NULL,"
			       " (SELECT max(i.vintage) FROM obs o JOIN imports i"
			       "  ON i.id = o.import_id WHERE o.series_id = x.id)"
			       " FROM derived_inputs d LEFT JOIN series x ON x.name = d.input"
			       " WHERE d.series_id = ? ORDER BY d.input", -1, &q, NULL))
		return have_tables(st->db) ? db_fail(err, st) : 0;
	sqlite3_bind_int64(q, 1, id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			assay_derived_input *g = realloc(*out, cap * sizeof *g);
			if (!g) {
				sqlite3_finalize(q);
				return assay_fail(err, ASSAY_EIO, "out of memory");
			}
			*out = g;
		}
		assay_derived_input *in = &(*out)[(*n)++];
		const char *s;
		snprintf(in->name, sizeof in->name, "%s", sqlite3_column_text(q, 0));
		s = (const char *)sqlite3_column_text(q, 1);
		snprintf(in->vintage_then, sizeof in->vintage_then, "%s", s ? s : "");
		in->present = sqlite3_column_int(q, 2);
		s = (const char *)sqlite3_column_text(q, 3);
		snprintf(in->vintage_now, sizeof in->vintage_now, "%s", s ? s : "");
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : db_fail(err, st);
}

/* Names of query q's first column (text bound to ?1 when given, the id
 * to ?2) that match pattern. */
static int match_names(assay_store *st, sqlite3_stmt *q, const char *pattern,
		       char ***names, size_t *n, assay_error *err)
{
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		if (!name || !store_glob(pattern, name))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			char **g = realloc(*names, cap * sizeof *g);
			if (!g)
				break;
			*names = g;
		}
		if (!((*names)[*n] = strdup(name)))
			break;
		(*n)++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		assay_strv_free(*names, *n);
		*names = NULL;
		*n = 0;
		return rc == SQLITE_ROW ? assay_fail(err, ASSAY_EIO, "out of memory")
					: db_fail(err, st);
	}
	return 0;
}

int store_derive_members(assay_store *st, const char *pattern, char ***names,
			 size_t *n, assay_error *err)
{
	sqlite3_stmt *q;
	*names = NULL;
	*n = 0;
	int derived = have_tables(st->db);
	if (sqlite3_prepare_v2(st->db, derived ?
			       "SELECT name FROM series s WHERE NOT EXISTS (SELECT 1"
			       " FROM derived d WHERE d.series_id = s.id) ORDER BY name" :
			       "SELECT name FROM series ORDER BY name", -1, &q, NULL))
		return db_fail(err, st);
	return match_names(st, q, pattern, names, n, err);
}

int store_derive_recorded(assay_store *st, int64_t id, const char *pattern,
			  char ***names, size_t *n, assay_error *err)
{
	sqlite3_stmt *q;
	*names = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT input FROM derived_inputs WHERE"
			       " series_id = ?1 AND vintage IS NOT NULL ORDER BY input",
			       -1, &q, NULL))
		return have_tables(st->db) ? db_fail(err, st) : 0;
	sqlite3_bind_int64(q, 1, id);
	return match_names(st, q, pattern, names, n, err);
}
