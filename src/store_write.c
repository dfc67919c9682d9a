/*
 * The import's writer (see store_internal.h): the transaction of one
 * import and the statements it runs, prepared once per import.
 *
 * The fast path of a first import, new series and their values, goes
 * through an ordered queue that a second thread writes (store_pipe.c)
 * while the importer parses on.  Every other call first drains the queue
 * (sync()), so the connection is used by one thread at a time and every
 * call sees the writes queued before it: the store gets the same
 * statements in the same order as without the thread, hence the same
 * bytes.  New series go through the queue too, with the id SQLite would
 * give them (the largest plus one), and the series the store held when
 * the import began are looked up in a table loaded then: so a file
 * sorted by series does not drain the queue at every new series.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "store_pipe.h"

/* Rows of one multi-row INSERT: one statement step per APPEND_ROWS new
 * values instead of one per value (the VDBE's per-statement work, the
 * bindings' reset and the b-tree seek are shared). */
#define APPEND_ROWS 64

/* A series of the store when the import began (store_series_find). */
struct known_series {
	char *name;             /* NULL: an empty slot */
	int64_t id;
	assay_freq freq;
	char *unit;             /* the stored unit and kind, NULL for none */
	char *kind;
	char *origin;           /* series_origin's text, NULL for none */
};

/* A queued new series: its name, metadata and origin (NULL for none),
 * copied. */
struct new_series {
	char freq[2];
	const char *text[2 + ASSAY_META_COUNT];  /* name, meta, origin */
	char data[];
};

struct store_import {
	assay_store *st;
	store_pipe *pipe;
	struct known_series *known;
	size_t nknown_cap;              /* a power of two, or 0 */
	int64_t next_sid;               /* the id SQLite gives a new series */
	/* a failure of the queued writes, given again at every later call */
	int broken;
	assay_error broken_err;
	sqlite3_stmt *q_series_add, *q_series_meta, *q_origin_add,
		*q_obs_get, *q_obs_add, *q_obs_set, *q_rev_add, *q_rev_has,
		*q_vintage, *q_obs_batch, *q_derived;
	int64_t cached_vintage_id;
	char cached_vintage[32];
	/* store_obs_append's rows not yet in the table, on the thread that
	 * runs the queue: written before any other call reads or changes obs,
	 * and before a savepoint or the end, so that callers never see the
	 * difference */
	struct pipe_entry pend[APPEND_ROWS];
	size_t npend;
	long long saved_cache;          /* PRAGMA cache_size before, if changed
					 * (store_import_interleaved); 0 not */
};

static int fail(store_import *w, assay_error *err)
{
	return store_db_fail(w->st, err);
}

static int flush(store_import *w, assay_error *err);
static int reload_next_sid(store_import *w, assay_error *err);

static int prepare(store_import *w, sqlite3_stmt **q, const char *sql,
		   assay_error *err)
{
	if (sqlite3_prepare_v3(w->st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, q,
			       NULL))
		return fail(w, err);
	return 0;
}

/* INSERT INTO obs ... VALUES (?,?,?,?,?), ... APPEND_ROWS times.  OR
 * FAIL, not the default ABORT: an ABORT must undo the rows of a failed
 * statement, so SQLite keeps a statement journal of every page the
 * statement touches (12 times the writes of single-row INSERTs).  No row
 * here can conflict (see store_obs_append), and if one did, the import
 * fails and its whole transaction is rolled back. */
static int prepare_batch(store_import *w, assay_error *err)
{
	static const char head[] = "INSERT OR FAIL INTO obs (series_id, period, value,"
				   " import_id, line) VALUES ";
	char sql[sizeof head + APPEND_ROWS * 12];
	size_t k = sizeof head - 1;
	memcpy(sql, head, k);
	for (int i = 0; i < APPEND_ROWS; i++) {
		memcpy(sql + k, i ? ",(?,?,?,?,?)" : "(?,?,?,?,?)", i ? 12 : 11);
		k += i ? 12 : 11;
	}
	sql[k] = 0;
	return prepare(w, &w->q_obs_batch, sql, err);
}

static int prepare_all(store_import *w, assay_error *err)
{
	return prepare(w, &w->q_series_add,
		       "INSERT INTO series (id, name, commodity, region, measure,"
		       " unit, source, notes, kind, freq)"
		       " VALUES (?,?,?,?,?,?,?,?,?,?)", err) ||
	       prepare(w, &w->q_series_meta,
		       "UPDATE series SET commodity = coalesce(?2, commodity),"
		       " region = coalesce(?3, region), measure = coalesce(?4, measure),"
		       " unit = coalesce(?5, unit), source = coalesce(?6, source),"
		       " notes = coalesce(?7, notes), kind = coalesce(?8, kind)"
		       " WHERE id = ?1", err) ||
	       prepare(w, &w->q_origin_add,
		       "INSERT OR REPLACE INTO series_origin (series_id, origin)"
		       " VALUES (?,?)", err) ||
	       prepare(w, &w->q_obs_get,
		       "SELECT value, import_id, line FROM obs"
		       " WHERE series_id = ? AND period = ?", err) ||
	       prepare(w, &w->q_obs_add,
		       "INSERT INTO obs (series_id, period, value, import_id, line)"
		       " VALUES (?,?,?,?,?)", err) ||
	       prepare(w, &w->q_obs_set,
		       "UPDATE obs SET value = ?3, import_id = ?4, line = ?5"
		       " WHERE series_id = ?1 AND period = ?2", err) ||
	       prepare(w, &w->q_rev_add,
		       "INSERT OR IGNORE INTO revisions (series_id, period, value,"
		       " import_id, superseded_by) VALUES (?,?,?,?,?)", err) ||
	       prepare(w, &w->q_rev_has,
		       "SELECT 1 FROM revisions r JOIN imports i ON i.id = r.import_id"
		       " WHERE r.series_id = ? AND r.period = ? AND r.value = ?"
		       " AND i.vintage = ?", err) ||
	       prepare(w, &w->q_vintage, "SELECT vintage FROM imports WHERE id = ?",
		       err) ||
	       prepare(w, &w->q_derived,
		       "SELECT 1 FROM derived WHERE series_id = ?", err) ||
	       prepare_batch(w, err)
	       ? -1 : 0;
}

static void finalize_all(store_import *w)
{
	sqlite3_stmt **all[] = {
		&w->q_series_add, &w->q_series_meta, &w->q_origin_add,
		&w->q_obs_get, &w->q_obs_add, &w->q_obs_set, &w->q_rev_add,
		&w->q_rev_has, &w->q_vintage, &w->q_obs_batch, &w->q_derived
	};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
		sqlite3_finalize(*all[i]);
		*all[i] = NULL;
	}
}

/* Triggers off for the import: the one trigger of the schema,
 * derived_takes_no_obs, looks up `derived` in a sub-program run for every
 * row inserted into obs, which cost 40% of the CPU time of a first import
 * (2,000,000 rows: 1.45 s user with it, 0.86 s without).  A series this
 * import creates cannot be derived, so its values need no check, and
 * store_obs_insert, the one other way into obs, makes the trigger's check
 * itself.  Set before the statements are prepared (a change of the
 * setting expires them). */
static void triggers(assay_store *st, int on)
{
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, on, NULL);
}

/* The foreign keys and the trigger, as every other write has them. */
static void checks_on(assay_store *st)
{
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	triggers(st, 1);
}

/* ---- the series the store holds when the import begins ------------- */

/* The slot of name: its entry, or the empty slot where it goes. */
static struct known_series *known_slot(store_import *w, const char *name)
{
	size_t j = store_name_hash(name) & (w->nknown_cap - 1);
	while (w->known[j].name && strcmp(w->known[j].name, name))
		j = (j + 1) & (w->nknown_cap - 1);
	return &w->known[j];
}

static void known_free(store_import *w)
{
	for (size_t i = 0; i < w->nknown_cap; i++) {
		free(w->known[i].name);
		free(w->known[i].unit);
		free(w->known[i].kind);
		free(w->known[i].origin);
	}
	free(w->known);
	w->known = NULL;
	w->nknown_cap = 0;
}

static int out_of_memory(store_import *w, assay_error *err)
{
	return assay_fail(err, ASSAY_EIO, "%s: out of memory", w->st->path);
}

/* Every series of the store (id, name, freq), in a table at most half
 * full, and the id of the next new series. */
static int load_known(store_import *w, assay_error *err)
{
	sqlite3_stmt *q;
	int64_t n = 0;
	if (reload_next_sid(w, err))
		return -1;
	if (sqlite3_prepare_v2(w->st->db, "SELECT count(*) FROM series", -1, &q,
			       NULL))
		return fail(w, err);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	size_t cap = 16;
	while (cap < 2 * (size_t)n)
		cap *= 2;
	if (!(w->known = calloc(cap, sizeof *w->known)))
		return out_of_memory(w, err);
	w->nknown_cap = cap;
	if (sqlite3_prepare_v2(w->st->db, "SELECT s.id, s.name, s.freq, s.unit,"
			       " s.kind, o.origin FROM series s LEFT JOIN"
			       " series_origin o ON o.series_id = s.id", -1, &q, NULL))
		return fail(w, err);
	for (int64_t i = 0; i < n && sqlite3_step(q) == SQLITE_ROW; i++) {
		struct known_series *k =
			known_slot(w, (const char *)sqlite3_column_text(q, 1));
		const char *unit = (const char *)sqlite3_column_text(q, 3);
		const char *kind = (const char *)sqlite3_column_text(q, 4);
		const char *origin = (const char *)sqlite3_column_text(q, 5);
		if (!(k->name = strdup((const char *)sqlite3_column_text(q, 1))) ||
		    (unit && !(k->unit = strdup(unit))) ||
		    (kind && !(k->kind = strdup(kind))) ||
		    (origin && !(k->origin = strdup(origin)))) {
			sqlite3_finalize(q);
			return out_of_memory(w, err);
		}
		k->id = sqlite3_column_int64(q, 0);
		k->freq = assay_freq_parse((const char *)sqlite3_column_text(q, 2));
	}
	return sqlite3_finalize(q) ? fail(w, err) : 0;
}

/* ---- the transaction ------------------------------------------------ */

static int run_queued(void *ctx, const struct pipe_entry *e, size_t n,
		      assay_error *err);

int store_import_begin(assay_store *st, store_import **out, assay_error *err)
{
	*out = NULL;
	store_import *w = calloc(1, sizeof *w);
	if (!w)
		return assay_fail(err, ASSAY_EIO, "%s: out of memory", st->path);
	w->st = st;
	w->cached_vintage_id = -1;
	/* The pragma cannot change inside a transaction, hence first. */
	sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	triggers(st, 0);
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) {
		fail(w, err);
		checks_on(st);
		free(w);
		return -1;
	}
	/* An older store's migration is part of the import: committed with
	 * it, or rolled back with a failed or dry-run import. */
	if (store_schema_current(st, err) || prepare_all(w, err) || load_known(w, err) ||
	    (!(w->pipe = pipe_new(run_queued, w, sqlite3_threadsafe())) &&
	     out_of_memory(w, err))) {
		store_import_end(w, 0, NULL);
		return -1;
	}
	*out = w;
	return 0;
}

/* The queue drained and the batch of appended rows written, before the
 * caller uses the connection itself.  A failure here stays: every later
 * call fails with it (callers without err, too, leave it to the next). */
static int sync(store_import *w, assay_error *err)
{
	if (!w->broken &&
	    (pipe_drain(w->pipe, &w->broken_err) ||
	     (w->npend && flush(w, &w->broken_err))))
		w->broken = 1;
	if (w->broken && err)
		*err = w->broken_err;
	return w->broken ? -1 : 0;
}

int store_import_check(store_import *w, assay_error *err)
{
	if (w->broken) {
		*err = w->broken_err;
		return -1;
	}
	return pipe_error(w->pipe, err);
}

int store_import_end(store_import *w, int commit, assay_error *err)
{
	int rc = 0;
	if (!w)
		return 0;
	if (commit && sync(w, err)) {
		rc = -1;
		commit = 0;
	}
	/* the writer stopped before the statements go */
	pipe_free(w->pipe);
	w->npend = 0;
	finalize_all(w);
	known_free(w);
	if (commit && sqlite3_exec(w->st->db, "COMMIT", NULL, NULL, NULL)) {
		rc = fail(w, err);
		commit = 0;
	}
	if (!commit)
		sqlite3_exec(w->st->db, "ROLLBACK", NULL, NULL, NULL);
	checks_on(w->st);
	if (w->saved_cache) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", w->saved_cache);
		sqlite3_exec(w->st->db, sql, NULL, NULL, NULL);
	}
	free(w);
	return rc;
}

/* n series appended in turn (a wide file's value columns, a long file
 * sorted by date), each at its own right edge of the obs b-tree: with
 * SQLite's default cache (2 MB)
 * those pages no longer fit once there are a hundred or so, and every
 * row spills pages to the WAL and reads them back (199 series of 10,000
 * days: 10.9 s, 8.5 s of it in the kernel; with 2 pages a series more,
 * 1.5 s; with 4, 1.4 s).  So the cache holds two pages per series beyond
 * the default, up to 32 MB, for this import only: the bound grows with
 * the columns, never with the rows. */
int store_import_interleaved(store_import *w, size_t nseries, assay_error *err)
{
	if (nseries < 16)
		return 0;
	if (sync(w, err))
		return -1;
	sqlite3 *db = w->st->db;
	sqlite3_stmt *q;
	long long page = 0, cache = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		page = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		cache = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (page <= 0 || cache == 0)
		return 0;               /* keep what there is */
	if (w->saved_cache)
		cache = w->saved_cache;         /* from the cache before */
	long long cache_kib = cache < 0 ? -cache : cache * page / 1024;
	long long want = cache_kib + (long long)(nseries < 100000 ? nseries : 100000) *
			 2 * page / 1024;
	if (want > 32768)
		want = 32768;
	if (want <= cache_kib)
		return 0;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%lld", want);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return 0;               /* only slower */
	if (!w->saved_cache)
		w->saved_cache = cache;
	return 0;
}

static int step_done(store_import *w, sqlite3_stmt *q, assay_error *err)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : fail(w, err);
}

static void bind_text_or_null(sqlite3_stmt *q, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

static void bind_obs(sqlite3_stmt *q, int at, const struct pipe_entry *o)
{
	sqlite3_bind_int64(q, at + 1, o->sid);
	sqlite3_bind_int64(q, at + 2, o->period);
	sqlite3_bind_double(q, at + 3, o->value);
	sqlite3_bind_int64(q, at + 4, o->import_id);
	sqlite3_bind_int64(q, at + 5, o->line);
}

/* The appended rows into the table: one multi-row INSERT when the batch
 * is full, else one INSERT each. */
static int flush(store_import *w, assay_error *err)
{
	size_t n = w->npend;
	w->npend = 0;
	if (n == APPEND_ROWS) {
		for (size_t i = 0; i < n; i++)
			bind_obs(w->q_obs_batch, 5 * (int)i, &w->pend[i]);
		int rc = sqlite3_step(w->q_obs_batch);
		sqlite3_reset(w->q_obs_batch);
		return rc == SQLITE_DONE ? 0 : fail(w, err);
	}
	for (size_t i = 0; i < n; i++) {
		bind_obs(w->q_obs_add, 0, &w->pend[i]);
		int rc = sqlite3_step(w->q_obs_add);
		sqlite3_reset(w->q_obs_add);
		if (rc != SQLITE_DONE)
			return fail(w, err);
	}
	return 0;
}

/* Series id's origin into series_origin. */
static int add_origin(store_import *w, int64_t id, const char *origin,
		      assay_error *err)
{
	sqlite3_stmt *q = w->q_origin_add;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, origin, -1, SQLITE_STATIC);
	return step_done(w, q, err);
}

/* A new series into the table with the id given (NULL: SQLite's). */
static int insert_series(store_import *w, const struct new_series *s,
			 int64_t id, assay_error *err)
{
	sqlite3_stmt *q = w->q_series_add;
	if (id)
		sqlite3_bind_int64(q, 1, id);
	else
		sqlite3_bind_null(q, 1);
	sqlite3_bind_text(q, 2, s->text[0], -1, SQLITE_STATIC);
	for (int f = 0; f < ASSAY_META_COUNT; f++)
		bind_text_or_null(q, f + 3, s->text[f + 1]);
	sqlite3_bind_text(q, 10, s->freq, -1, SQLITE_STATIC);
	if (step_done(w, q, err))
		return -1;
	const char *origin = s->text[1 + ASSAY_META_COUNT];
	return origin ? add_origin(w, id ? id : sqlite3_last_insert_rowid(w->st->db),
				   origin, err) : 0;
}

/* The queue's entries, on whichever thread runs them: each new series at
 * once, the values 64 to a statement, as they came (the last few wait in
 * pend for the next entries or the next sync). */
static int run_queued(void *ctx, const struct pipe_entry *e, size_t n,
		      assay_error *err)
{
	store_import *w = ctx;
	for (size_t i = 0; i < n; i++) {
		if (e[i].series) {
			if (insert_series(w, e[i].series, e[i].sid, err))
				return -1;
			continue;
		}
		w->pend[w->npend++] = e[i];
		if (w->npend == APPEND_ROWS && flush(w, err))
			return -1;
	}
	return 0;
}

int store_obs_append(store_import *w, int64_t sid, assay_period p,
		     double value, int64_t import_id, long line,
		     assay_error *err)
{
	struct pipe_entry *e = pipe_slot(w->pipe, err);
	if (!e)
		return -1;
	*e = (struct pipe_entry){ .sid = sid, .period = p, .import_id = import_id,
				  .value = value, .line = line };
	return 0;
}

int store_import_record(store_import *w, const char *file, const char *sha256,
			const char *imported_at, const char *vintage,
			int64_t *id, assay_error *err)
{
	sqlite3_stmt *q;
	if (sync(w, err))
		return -1;
	if (sqlite3_prepare_v2(w->st->db,
			       "INSERT INTO imports (file, sha256, imported_at, vintage)"
			       " VALUES (?,?,?,?)", -1, &q, NULL))
		return fail(w, err);
	sqlite3_bind_text(q, 1, file, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, imported_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, vintage, -1, SQLITE_STATIC);
	int rc = step_done(w, q, err);
	sqlite3_finalize(q);
	if (rc)
		return -1;
	*id = sqlite3_last_insert_rowid(w->st->db);
	return 0;
}

int store_import_finish(store_import *w, int64_t id,
			const assay_import_result *r, assay_error *err)
{
	if (sync(w, err))
		return -1;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(w->st->db,
			       "UPDATE imports SET rows_read = ?2, inserted = ?3,"
			       " revised = ?4, unchanged = ?5, older = ?6, skipped = ?7,"
			       " sha256 = ?8 WHERE id = ?1", -1, &q, NULL))
		return fail(w, err);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, (int64_t)r->rows_read);
	sqlite3_bind_int64(q, 3, (int64_t)r->inserted);
	sqlite3_bind_int64(q, 4, (int64_t)r->revised);
	sqlite3_bind_int64(q, 5, (int64_t)r->unchanged);
	sqlite3_bind_int64(q, 6, (int64_t)r->older);
	sqlite3_bind_int64(q, 7, (int64_t)r->skipped);
	sqlite3_bind_text(q, 8, r->sha256, -1, SQLITE_STATIC);
	int rc = step_done(w, q, err);
	sqlite3_finalize(q);
	return rc;
}

/* Not SQLite: the table of the series the store held when the import
 * began.  The ones this import creates are not in it, nor asked for (the
 * importer keeps those), and they go when a row is rolled back. */
int store_series_find(store_import *w, const char *name, int64_t *id,
		      assay_freq *freq, const char **unit, const char **kind,
		      const char **origin, assay_error *err)
{
	(void)err;
	const struct known_series *k = known_slot(w, name);
	if (!k->name)
		return 0;
	*id = k->id;
	*freq = k->freq;
	*unit = k->unit;
	*kind = k->kind;
	*origin = k->origin;
	return 1;
}

int store_series_set_origin(store_import *w, int64_t id, const char *origin,
			    assay_error *err)
{
	return sync(w, err) || add_origin(w, id, origin, err) ? -1 : 0;
}

int store_series_update_meta(store_import *w, int64_t id,
			     const char *const *meta, assay_error *err)
{
	sqlite3_stmt *q = w->q_series_meta;
	if (sync(w, err))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	for (int f = 0; f < ASSAY_META_COUNT; f++)
		bind_text_or_null(q, f + 2, meta[f]);
	return step_done(w, q, err);
}

/* The name, metadata and origin copied into one block (empty texts as
 * NULL). */
static struct new_series *new_series(const char *name,
				     const char *const *meta, const char *origin,
				     assay_freq freq)
{
	const char *text[2 + ASSAY_META_COUNT] = { name };
	size_t size = sizeof(struct new_series);
	for (int f = 0; f < ASSAY_META_COUNT; f++)
		text[f + 1] = meta[f] && *meta[f] ? meta[f] : NULL;
	text[1 + ASSAY_META_COUNT] = origin && *origin ? origin : NULL;
	for (int t = 0; t < 2 + ASSAY_META_COUNT; t++)
		size += text[t] ? strlen(text[t]) + 1 : 0;
	struct new_series *s = malloc(size);
	if (!s)
		return NULL;
	char *at = s->data;
	for (int t = 0; t < 2 + ASSAY_META_COUNT; t++) {
		s->text[t] = text[t] ? memcpy(at, text[t], strlen(text[t]) + 1) : NULL;
		at += text[t] ? strlen(text[t]) + 1 : 0;
	}
	s->freq[0] = (char)freq;
	s->freq[1] = 0;
	return s;
}

/* Queued with the id SQLite would give it, the largest plus one (past
 * the largest id possible SQLite picks one: then written at once). */
int store_series_insert(store_import *w, const char *name,
			const char *const *meta, const char *origin,
			assay_freq freq, int64_t *id, assay_error *err)
{
	struct new_series *s = new_series(name, meta, origin, freq);
	if (!s)
		return out_of_memory(w, err);
	if (w->next_sid == INT64_MAX) {
		int rc = sync(w, err) || insert_series(w, s, 0, err);
		free(s);
		*id = sqlite3_last_insert_rowid(w->st->db);
		return rc ? -1 : 0;
	}
	struct pipe_entry *e = pipe_slot(w->pipe, err);
	if (!e) {
		free(s);
		return -1;
	}
	*e = (struct pipe_entry){ .sid = w->next_sid, .series = s };
	*id = w->next_sid++;
	return 0;
}

int store_series_a_period(store_import *w, int64_t sid, assay_period *p,
			  assay_error *err)
{
	sqlite3_stmt *q;
	if (sync(w, err))
		return -1;
	if (sqlite3_prepare_v2(w->st->db, "SELECT period FROM obs WHERE series_id = ?"
			       " ORDER BY period LIMIT 1", -1, &q, NULL))
		return fail(w, err);
	sqlite3_bind_int64(q, 1, sid);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*p = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (rc == SQLITE_DONE)
		return 0;
	return rc == SQLITE_ROW ? 1 : fail(w, err);
}

int store_obs_get(store_import *w, int64_t sid, assay_period p, double *value,
		  int64_t *import_id, long *line, assay_error *err)
{
	if (sync(w, err))
		return -1;
	sqlite3_stmt *q = w->q_obs_get;
	sqlite3_bind_int64(q, 1, sid);
	sqlite3_bind_int64(q, 2, p);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*value = sqlite3_column_double(q, 0);
		*import_id = sqlite3_column_int64(q, 1);
		*line = (long)sqlite3_column_int64(q, 2);
	}
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		return 0;
	return rc == SQLITE_ROW ? 1 : fail(w, err);
}

/* The check of the trigger derived_takes_no_obs (off during an import,
 * see triggers()): 1 when series sid is derived, 0 not, -1 error. */
static int is_derived(store_import *w, int64_t sid, assay_error *err)
{
	sqlite3_bind_int64(w->q_derived, 1, sid);
	int rc = sqlite3_step(w->q_derived);
	sqlite3_reset(w->q_derived);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : fail(w, err);
}

int store_obs_insert(store_import *w, int64_t sid, assay_period p,
		     double value, int64_t import_id, long line,
		     assay_error *err)
{
	if (sync(w, err))
		return -1;
	/* the store's own refusal, in the trigger's words */
	int derived = is_derived(w, sid, err);
	if (derived)
		return derived < 0 ? -1 :
		       (assay_fail(err, ASSAY_EUSAGE, "%s", STORE_DERIVED_NO_OBS), 2);
	sqlite3_stmt *q = w->q_obs_add;
	sqlite3_bind_int64(q, 1, sid);
	sqlite3_bind_int64(q, 2, p);
	sqlite3_bind_double(q, 3, value);
	sqlite3_bind_int64(q, 4, import_id);
	sqlite3_bind_int64(q, 5, line);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		return 0;
	return rc == SQLITE_CONSTRAINT ? 1 : fail(w, err);
}

int store_obs_update(store_import *w, int64_t sid, assay_period p,
		     double value, int64_t import_id, long line,
		     assay_error *err)
{
	if (sync(w, err))
		return -1;
	sqlite3_stmt *q = w->q_obs_set;
	sqlite3_bind_int64(q, 1, sid);
	sqlite3_bind_int64(q, 2, p);
	sqlite3_bind_double(q, 3, value);
	sqlite3_bind_int64(q, 4, import_id);
	sqlite3_bind_int64(q, 5, line);
	return step_done(w, q, err);
}

int store_revision_add(store_import *w, int64_t sid, assay_period p,
		       double value, int64_t from, int64_t by,
		       assay_error *err)
{
	sqlite3_stmt *q = w->q_rev_add;
	if (sync(w, err))
		return -1;
	sqlite3_bind_int64(q, 1, sid);
	sqlite3_bind_int64(q, 2, p);
	sqlite3_bind_double(q, 3, value);
	sqlite3_bind_int64(q, 4, from);
	sqlite3_bind_int64(q, 5, by);
	return step_done(w, q, err);
}

int store_revision_known(store_import *w, int64_t sid, assay_period p,
			 double value, const char *vintage)
{
	sqlite3_stmt *q = w->q_rev_has;
	if (sync(w, NULL))
		return 0;
	sqlite3_bind_int64(q, 1, sid);
	sqlite3_bind_int64(q, 2, p);
	sqlite3_bind_double(q, 3, value);
	sqlite3_bind_text(q, 4, vintage, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_ROW;
}

/* A one-entry cache: imports are few, and a file's values mostly meet
 * the values of one earlier import. */
const char *store_vintage_of(store_import *w, int64_t import_id)
{
	if (import_id == w->cached_vintage_id)
		return w->cached_vintage;
	if (sync(w, NULL))
		return "";
	sqlite3_bind_int64(w->q_vintage, 1, import_id);
	w->cached_vintage[0] = 0;
	if (sqlite3_step(w->q_vintage) == SQLITE_ROW)
		snprintf(w->cached_vintage, sizeof w->cached_vintage, "%s",
			 (const char *)sqlite3_column_text(w->q_vintage, 0));
	sqlite3_reset(w->q_vintage);
	w->cached_vintage_id = import_id;
	return w->cached_vintage;
}

/* The id SQLite gives the next new series, the largest plus one: at the
 * import's start, and after a row is rolled back (the series it created
 * are gone: the next takes the id it would have had without them). */
static int reload_next_sid(store_import *w, assay_error *err)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(w->st->db, "SELECT coalesce(max(id), 0) FROM series",
			       -1, &q, NULL))
		return fail(w, err);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		int64_t max_id = sqlite3_column_int64(q, 0);
		w->next_sid = max_id < INT64_MAX ? max_id + 1 : INT64_MAX;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : fail(w, err);
}

int store_row_begin(store_import *w, assay_error *err)
{
	if (sync(w, err))
		return -1;
	if (sqlite3_exec(w->st->db, "SAVEPOINT assay_row", NULL, NULL, NULL))
		return fail(w, err);
	return 0;
}

int store_row_end(store_import *w, int keep, assay_error *err)
{
	if (sync(w, err))
		return -1;
	if (sqlite3_exec(w->st->db, keep ? "RELEASE assay_row"
			 : "ROLLBACK TO assay_row; RELEASE assay_row",
			 NULL, NULL, NULL))
		return fail(w, err);
	return keep ? 0 : reload_next_sid(w, err);
}
