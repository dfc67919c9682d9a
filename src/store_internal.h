/*
 * Private to the store's files (store.c, store_edit.c, store_write.c): the
 * store handle itself.  The importer writes through store_write.h and
 * sees no SQLite: every SQL statement of assay lives in store*.c.
 */
#ifndef ASSAY_STORE_INTERNAL_H
#define ASSAY_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "assay/store.h"
#include "store_write.h"

#pragma GCC visibility push(hidden)

struct assay_store {
	sqlite3 *db;
	char *path;
	/* Prepared once: a batch command loads thousands of series. */
	sqlite3_stmt *q_series_get;     /* series by name */
	sqlite3_stmt *q_load;           /* current observations of a series */
	sqlite3_stmt *q_derived_get;    /* a series' derived definition */
	/* Opened for writing with an earlier schema than ours, not yet
	 * migrated: the first write migrates it, inside its own
	 * transaction (store_schema_current), so that a command that fails
	 * or is a dry run (import, rename, merge, derive, rm) leaves the
	 * file as it was. */
	int behind;
};

/* A statement kept for the store's lifetime (in a slot above), prepared
 * on first use; NULL when it cannot be prepared.  Reset it after use. */
sqlite3_stmt *store_cached(assay_store *st, sqlite3_stmt **slot,
			   const char *sql);

/* A copy of column i's text, or NULL (SQL NULL, or out of memory). */
char *store_col_strdup(sqlite3_stmt *st, int i);

/* What the trigger derived_takes_no_obs says (the schema's text, so the
 * same bytes as ever), and what the importer says in its place while the
 * import runs with triggers off (store_write.c). */
#define STORE_DERIVED_NO_OBS "a derived series takes no imported values" \
	" (assay rm it, or import under another name)"

/* err filled with "WHAT: what SQLite says" (db NULL: out of memory);
 * returns -1. */
int store_sqlite_fail(assay_error *err, sqlite3 *db, const char *what);
/* err filled with "PATH: what SQLite says"; returns -1. */
int store_db_fail(assay_store *st, assay_error *err);

/* Bring a store opened behind (see struct assay_store) to our schema
 * before a write: inside the caller's transaction when one is open (its
 * rollback undoes the migration too), else in a transaction of its own.
 * Returns 0, or -1 with err filled (ASSAY_EIO). */
int store_schema_current(assay_store *st, assay_error *err);

/* The transaction of one edit (rename, merge, derive, rm): a savepoint
 * NAME inside the caller's transaction, else BEGIN IMMEDIATE (the write
 * lock first, so that an older store's schema version is read under it),
 * *outer set.  Ended by store_edit_end, committed or undone: an edit that
 * fails leaves the file byte for byte as it was (a savepoint rolled back
 * and then released as the outermost one commits, and the file's change
 * counter moved).  Return 0, or -1 with err filled (ASSAY_EIO). */
int store_edit_begin(assay_store *st, const char *name, int *outer,
		     assay_error *err);
int store_edit_end(assay_store *st, const char *name, int outer, int commit,
		   assay_error *err);

/* sqlite3_config for the whole process (assay_init calls it). */
void store_configure_library(void);

#pragma GCC visibility pop

#endif
