/*
 * The import's writer (store_write.c), private to the library: what the
 * importer asks of the store, with no SQL and no SQLite type in sight.
 */
#ifndef ASSAY_STORE_WRITE_H
#define ASSAY_STORE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "assay/import.h"
#include "assay/store.h"

#pragma GCC visibility push(hidden)

/* The hash of a series name (FNV-1a) in the tables of names the
 * importer and its writer keep. */
static inline uint64_t store_name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* SQLite's GLOB (case-sensitive, *, ?, [...]) with the shell's negation
 * [!...] as well as [^...]: 1 when s matches pat.
 * The importer matches --value-cols and --col-meta with it, as the
 * store matches series patterns. */
int store_glob(const char *pat, const char *s);

/* One import is one write transaction: store_import_begin turns foreign
 * keys off (the importer creates every parent row it refers to, so the
 * per-row look-ups would only cost time) and triggers (store_obs_insert
 * checks what the one trigger checks), takes the write lock (BEGIN
 * IMMEDIATE) and prepares the statements; store_import_end commits or
 * rolls back and turns both on again.  Every call returns 0 (or a
 * count, as said), or -1 with err filled ("STORE: SQLite's message",
 * ASSAY_EIO). */
typedef struct store_import store_import;

int store_import_begin(assay_store *st, store_import **out, assay_error *err);
/* commit: 1 commit (a COMMIT that fails is rolled back and reported), 0
 * roll back.  Frees w. */
int store_import_end(store_import *w, int commit, assay_error *err);

/* The import's record: created first (its id marks the values), the
 * counts written at the end. */
int store_import_record(store_import *w, const char *file, const char *sha256,
			const char *imported_at, const char *vintage,
			int64_t *id, assay_error *err);
int store_import_finish(store_import *w, int64_t id,
			const assay_import_result *r, assay_error *err);

/* The error of a write queued earlier (store_obs_append and
 * store_series_insert may return before their row is written): -1 with
 * err filled when one failed, else 0.  Waits for those writes.  A
 * failing import asks, as without the queue that error would have
 * stopped it first; so does a notice, which would not have been sent. */
int store_import_check(store_import *w, assay_error *err);

/* A series by name: 1 found (*id, *freq, and its stored *unit, *kind and
 * *origin, NULL for none, valid until the import ends), 0 none, -1 error.
 * Only the series the store held when the import began are found: the
 * importer keeps those it creates. */
int store_series_find(store_import *w, const char *name, int64_t *id,
		      assay_freq *freq, const char **unit, const char **kind,
		      const char **origin, assay_error *err);
/* Record the text series id's name was made from (series_origin). */
int store_series_set_origin(store_import *w, int64_t id, const char *origin,
			    assay_error *err);
/* Fill the fields of meta (ASSAY_META_COUNT entries, NULL or "" keeps
 * the stored one; kind last) into series id. */
int store_series_update_meta(store_import *w, int64_t id,
			     const char *const *meta, assay_error *err);
/* Queued like store_obs_append (*id is set at once); origin (NULL for
 * none) is the text its name was made from. */
int store_series_insert(store_import *w, const char *name,
			const char *const *meta, const char *origin,
			assay_freq freq, int64_t *id, assay_error *err);

/* One period series sid holds (its first): 1 found, 0 none, -1 error. */
int store_series_a_period(store_import *w, int64_t sid, assay_period *p,
			  assay_error *err);
/* The current value of (sid, p): 1 found, 0 none, -1 error. */
int store_obs_get(store_import *w, int64_t sid, assay_period p, double *value,
		  int64_t *import_id, long *line, assay_error *err);
/* 0 inserted, 1 already there (a key conflict), 2 refused by the store
 * (err says why: a derived series takes no values), -1 error. */
int store_obs_insert(store_import *w, int64_t sid, assay_period p,
		     double value, int64_t import_id, long line,
		     assay_error *err);
/* A new value whose key cannot be in the table yet (the caller knows:
 * a series this import created, periods rising): queued, and written in
 * batches; an error may show at this call or at a later one. */
int store_obs_append(store_import *w, int64_t sid, assay_period p,
		     double value, int64_t import_id, long line,
		     assay_error *err);
int store_obs_update(store_import *w, int64_t sid, assay_period p,
		     double value, int64_t import_id, long line,
		     assay_error *err);
/* An earlier vintage of (sid, p): its value, the import that brought it
 * and the one whose value replaced it (kept once: a repeat is ignored). */
int store_revision_add(store_import *w, int64_t sid, assay_period p,
		       double value, int64_t from, int64_t by,
		       assay_error *err);
/* Is this very value of (sid, p) stored as a revision of vintage
 * `vintage`?  1 yes, 0 no (a failed look-up counts as no). */
int store_revision_known(store_import *w, int64_t sid, assay_period p,
			 double value, const char *vintage);
/* The vintage of an earlier import ("" when unknown); the text stays
 * valid until the next call. */
const char *store_vintage_of(store_import *w, int64_t import_id);

/* The import appends to nseries series in turn (a wide file's value
 * columns, a long file sorted by date): the page cache is made to hold
 * their pages, for this import only.  0, or -1 when a queued write had
 * failed. */
int store_import_interleaved(store_import *w, size_t nseries, assay_error *err);

/* A savepoint around one row (--skip-bad undoes a half-written row). */
int store_row_begin(store_import *w, assay_error *err);
/* keep: 1 release it, 0 roll the row back. */
int store_row_end(store_import *w, int keep, assay_error *err);

#pragma GCC visibility pop

#endif
