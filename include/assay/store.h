/*
 * The store: one SQLite file holding series, their observations, every
 * earlier vintage of a revised value, and a record of every import.
 *
 * Vintages follow FRED/ALFRED's real-time periods: each value carries the
 * vintage time of the import that brought it; `as_of` selects, for every
 * period, the newest value whose vintage is at or before that time.
 *
 * Every string goes to SQLite as a bound parameter, never into SQL text.
 */
#ifndef ASSAY_STORE_H
#define ASSAY_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "assay/assay.h"

typedef struct assay_store assay_store;

typedef enum assay_kind {
	ASSAY_KIND_NONE = 0,
	ASSAY_KIND_FLOW,        /* production, exports: summed over a period */
	ASSAY_KIND_PRICE,       /* averaged over a period */
	ASSAY_KIND_STOCK        /* inventories: last value of a period */
} assay_kind;

/* "flow" | "price" | "stock" -> kind; else ASSAY_KIND_NONE. */
assay_kind assay_kind_parse(const char *s);
const char *assay_kind_name(assay_kind k);   /* "flow", ... or NULL */

/* Metadata of one series.  Strings are owned (malloc'd) or NULL. */
typedef struct assay_series_info {
	int64_t id;             /* row id in the store */
	char *name;             /* e.g. "wb/copper" */
	char *commodity;
	char *region;
	char *measure;
	char *unit;
	char *source;
	char *notes;
	assay_kind kind;
	assay_freq freq;        /* native frequency */
} assay_series_info;

void assay_series_info_release(assay_series_info *info);

/* Observations of one series at its native frequency, sorted by period.
 * Missing periods are simply absent (gaps are the analysis' business). */
typedef struct assay_obs {
	assay_period *period;
	double *value;
	size_t n;
} assay_obs;

void assay_obs_release(assay_obs *obs);

/* Open (and create or migrate) the store at `path`.  `readonly` opens an
 * existing file without creating or migrating it.  A store of an earlier
 * schema opened for writing is migrated by its first write, inside that
 * write's transaction (an import's, assay_store_begin's, or an edit's:
 * rename, merge, derived_put, series_remove): a write that fails or is a
 * dry run leaves the file as it was.  The store uses
 * WAL, a busy timeout and foreign keys.  Returns 0, or -1 with err filled
 * (ASSAY_EIO). */
int assay_store_open(assay_store **out, const char *path, int readonly,
		     assay_error *err);
/* Open an existing store for writing (migrated by its first write), as
 * assay_store_open(out, path, 0, err) does, but never create one: a
 * missing file is "PATH: no such store ..." (ASSAY_EIO), as a reader
 * says.  For writers that edit the series a store holds (rm, rename,
 * merge, derive); only an import makes a store. */
int assay_store_open_existing(assay_store **out, const char *path,
			      assay_error *err);
void assay_store_close(assay_store *st);

/* A write transaction around several calls: begin, then end with commit
 * (nonzero) or rollback.  Return 0, or -1 with err filled. */
int assay_store_begin(assay_store *st, assay_error *err);
int assay_store_end(assay_store *st, int commit, assay_error *err);

/* A read transaction around several reads: one consistent snapshot (an
 * import running meanwhile cannot show half of itself), taken when
 * assay_store_read_begin returns, and no lock and unlock of the file
 * around every read.  Return 0, or -1 with err filled (ASSAY_EIO). */
int assay_store_read_begin(assay_store *st, assay_error *err);
int assay_store_read_end(assay_store *st, assay_error *err);

/* A number that is the same at two calls on st, outside a transaction,
 * exactly when no connection (of any process) committed a change to the
 * store between them (SQLite's PRAGMA data_version: compare values of
 * one connection only).  Returns 0, or -1 with err filled (ASSAY_EIO). */
int assay_store_data_version(assay_store *st, int64_t *v, assay_error *err);

const char *assay_store_path(assay_store *st);

/* Look a series up by exact name (a lookup, see assay.h).  Returns 1 when
 * found (info filled), 0 when there is no such series (info zeroed), -1 on
 * a database error (err filled). */
int assay_store_series_get(assay_store *st, const char *name,
			   assay_series_info *info, assay_error *err);

/* Names of all series matching any of the glob patterns (GLOB syntax,
 * case-sensitive; no patterns: all series), sorted.  *names is a malloc'd
 * array of malloc'd strings; free with assay_strv_free(). */
int assay_store_series_match(assay_store *st, const char *const *patterns,
			     size_t npatterns, char ***names, size_t *n,
			     assay_error *err);
void assay_strv_free(char **v, size_t n);

/* Observations of series `id` as they stood at vintage time `as_of`
 * (ISO 8601 date or date-time, UTC; NULL: the newest values). */
int assay_store_load(assay_store *st, int64_t id, const char *as_of,
		     assay_obs *out, assay_error *err);

/* Normalise a user's --as-of or --vintage value, YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM:SS (a space for the T, a final Z allowed), to the
 * stored vintage format "YYYY-MM-DDTHH:MM:SSZ"; a bare date means the end
 * of that day.  Impossible times (2021-02-29, hour 24, second 60 but at
 * 23:59:60 on 30 June or 31 December) are refused.  Returns 0, or -1
 * with err filled (ASSAY_EUSAGE; the message names the value, not the
 * option). */
int assay_vintage_normalise(const char *in, char *out, size_t n,
			    assay_error *err);

/* One row of `assay list`. */
typedef struct assay_series_summary {
	assay_series_info info;
	assay_period first, last;       /* valid when count > 0 */
	int64_t count;                  /* current observations */
} assay_series_summary;

/* Summaries of the series matching the patterns (none: all), by name.
 * Free with assay_series_summaries_free(). */
int assay_store_summaries(assay_store *st, const char *const *patterns,
			  size_t npatterns, assay_series_summary **out,
			  size_t *n, assay_error *err);
void assay_series_summaries_free(assay_series_summary *s, size_t n);

/* One import that brought values of a series. */
typedef struct assay_import_record {
	int64_t id;
	char file[512];
	char sha256[65];
	char imported_at[32];
	char vintage[32];
	int64_t rows_read, inserted, revised, unchanged, older, skipped;
	int64_t values;                 /* values of this series it brought */
} assay_import_record;

/* Why an import's values were kept as an earlier vintage: the later
 * import that replaced most of them.  Strings are malloc'd or NULL. */
typedef struct assay_superseder {
	char *vintage;                  /* of the import asked about */
	char *later_vintage, *later_file;
	int later_undated;              /* the later import had no --vintage:
					 * its vintage is its import time */
} assay_superseder;

/* The import that superseded the most values of import `import_id`.
 * Returns 1 (out filled; release it), 0 when none did, -1 with err
 * filled. */
int assay_store_import_superseder(assay_store *st, int64_t import_id,
				  assay_superseder *out, assay_error *err);
void assay_superseder_release(assay_superseder *s);

/* One revision: the value of `period` at one vintage, and the value that
 * replaced it (NaN-free; `new_vintage` empty when it is still current). */
typedef struct assay_revision {
	assay_period period;
	double old_value;
	char old_vintage[32];
	double new_value;
	char new_vintage[32];
} assay_revision;

/* Imports that touched series `id` (oldest first) and its revisions (by
 * period, then vintage).  Free the arrays with free(). */
int assay_store_history(assay_store *st, int64_t id,
			assay_import_record **imports, size_t *nimports,
			assay_revision **revs, size_t *nrevs,
			assay_error *err);

/* Delete a series with its observations and vintages.  Returns 1 when
 * deleted, 0 when no such series, -1 on error. */
int assay_store_series_remove(assay_store *st, const char *name,
			      assay_error *err);

/* Rename a series; its observations, vintages and revisions stay with
 * it.  Returns 1 when renamed, 0 when there is no series `old`, -1 with
 * err filled (ASSAY_EUSAGE when `new_name` exists or is no fit name). */
int assay_store_series_rename(assay_store *st, const char *old,
			      const char *new_name, assay_error *err);

enum assay_prefer { ASSAY_PREFER_NONE, ASSAY_PREFER_A, ASSAY_PREFER_B };

typedef struct assay_merge_result {
	int64_t from_a, from_b;         /* current values taken from each */
	int64_t same;                   /* periods both had, equal values */
	int64_t conflicts;              /* periods with different values */
	int64_t dropped;                /* values and revisions of the series
					 * not preferred, for those periods */
} assay_merge_result;

/* Merge series a and b (one frequency, one kind) into `into`, which may be
 * a, b or a new name: every period of either, with its vintage, import
 * and revisions.  A period both hold with different values is an error
 * naming it, unless `prefer` says whose value (and revisions) to keep.
 * Metadata: into's (a's for a new name), empty fields filled from the
 * other.  Runs in a transaction of its own (a savepoint inside the
 * caller's): on error nothing changes.  Returns 0, or
 * -1 with err filled (ASSAY_EUSAGE for unknown series and refusals). */
int assay_store_series_merge(assay_store *st, const char *a, const char *b,
			     const char *into, enum assay_prefer prefer,
			     assay_merge_result *res, assay_error *err);

/* The names nearest to `name` (a case-insensitive match, UTF-8 aware,
 * then a small edit distance), as "'x', 'y'" in out (at most three);
 * returns how many, 0 when none is near. */
size_t assay_store_suggest(assay_store *st, const char *name, char *out,
			   size_t n);

#endif
