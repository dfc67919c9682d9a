/*
 * The store's file (see store.h): the schema and its migrations, opening
 * for writing (created or migrated) or for reading (read-only media
 * included), closing, and the process-wide SQLite set-up.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "assay/store.h"
#include "store_internal.h"

/* The label of obs.period o.period of series s in SQL, as
 * assay_period_format writes it for years 0 to 9999: days since
 * 1970-01-01 (D, W), months, quarters since year 0 (M, Q), the year (A). */
#define PERIOD_LABEL_SQL \
	"CASE s.freq" \
	" WHEN 'M' THEN printf('%04d-%02d', o.period / 12, o.period % 12 + 1)" \
	" WHEN 'Q' THEN printf('%04dQ%d', o.period / 4, o.period % 4 + 1)" \
	" WHEN 'A' THEN printf('%04d', o.period)" \
	" ELSE date(o.period * 86400, 'unixepoch') END"

/* Schema migrations, applied in order; PRAGMA user_version counts them.
 * Never edit a released step: append a new one. */
static const char *const migrations[] = {
	/* 1: series, imports, current observations and earlier vintages */
	"CREATE TABLE imports ("
	"  id INTEGER PRIMARY KEY,"
	"  file TEXT NOT NULL,"             /* as given on the command line */
	"  sha256 TEXT NOT NULL,"
	"  imported_at TEXT NOT NULL,"      /* wall clock, UTC ISO 8601 */
	"  vintage TEXT NOT NULL,"          /* real-time stamp of the values */
	"  rows_read INTEGER NOT NULL DEFAULT 0,"
	"  inserted INTEGER NOT NULL DEFAULT 0,"
	"  revised INTEGER NOT NULL DEFAULT 0,"
	"  unchanged INTEGER NOT NULL DEFAULT 0,"
	"  older INTEGER NOT NULL DEFAULT 0,"
	"  skipped INTEGER NOT NULL DEFAULT 0,"
	"  options TEXT"
	");"
	"CREATE TABLE series ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  commodity TEXT, region TEXT, measure TEXT, unit TEXT,"
	"  kind TEXT CHECK (kind IN ('flow', 'price', 'stock')),"
	"  freq TEXT NOT NULL CHECK (freq IN ('D', 'W', 'M', 'Q', 'A')),"
	"  source TEXT, notes TEXT"
	");"
	/* The newest vintage of every value. */
	"CREATE TABLE obs ("
	"  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,"
	"  period INTEGER NOT NULL,"
	"  value REAL NOT NULL,"
	"  import_id INTEGER NOT NULL REFERENCES imports(id),"
	"  line INTEGER NOT NULL,"          /* line in that import's file */
	"  PRIMARY KEY (series_id, period)"
	") WITHOUT ROWID;"
	/* Every value that a newer vintage replaced. */
	"CREATE TABLE revisions ("
	"  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,"
	"  period INTEGER NOT NULL,"
	"  value REAL NOT NULL,"
	"  import_id INTEGER NOT NULL REFERENCES imports(id),"
	"  superseded_by INTEGER NOT NULL REFERENCES imports(id),"
	"  PRIMARY KEY (series_id, period, import_id)"
	") WITHOUT ROWID;",
	/* 2: views for people reading the store with sqlite3 or any SQL
	 * tool: period labels as assay prints them (2026-05, 2026Q1, 2026,
	 * 2026-04-26; the ordinal too, for sorting and joins) and series
	 * names instead of ids.  Only views: no data changes, and an assay
	 * that knows version 1 only could still read the tables. */
	"CREATE VIEW observations AS"
	" SELECT s.name AS series, " PERIOD_LABEL_SQL " AS period,"
	"  o.value AS value, s.freq AS freq, s.kind AS kind, s.unit AS unit,"
	"  i.vintage AS vintage, o.period AS period_ordinal"
	" FROM obs o JOIN series s ON s.id = o.series_id"
	" JOIN imports i ON i.id = o.import_id;"
	"CREATE VIEW latest AS"
	" SELECT s.name AS series, " PERIOD_LABEL_SQL " AS period,"
	"  o.value AS value, s.freq AS freq, s.kind AS kind, s.unit AS unit,"
	"  i.vintage AS vintage, o.period AS period_ordinal"
	" FROM obs o JOIN series s ON s.id = o.series_id"
	" JOIN imports i ON i.id = o.import_id"
	" WHERE o.period = (SELECT max(period) FROM obs m"
	"                   WHERE m.series_id = o.series_id);",
	/* 3: derived series (store_derive.c): the definition and the inputs
	 * with their newest vintage when it was stored.  Values are computed
	 * on read; a derived series holds no observations, and an import
	 * into one is refused by the trigger (assay's importer, which runs
	 * with triggers off, makes the same check: store_write.c).  Version-2
	 * stores are read as they are (no derived series).  IF NOT EXISTS: a
	 * store whose user_version was set back by hand still migrates. */
	"CREATE TABLE IF NOT EXISTS derived ("
	"  series_id INTEGER PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,"
	"  expr TEXT NOT NULL,"
	"  freq TEXT NOT NULL CHECK (freq IN ('M', 'Q', 'A')),"
	"  to_unit TEXT,"
	"  defined_at TEXT NOT NULL"
	");"
	"CREATE TABLE IF NOT EXISTS derived_inputs ("
	"  series_id INTEGER NOT NULL REFERENCES derived(series_id) ON DELETE CASCADE,"
	"  input TEXT NOT NULL,"            /* by name: a removed input is an error on read */
	"  vintage TEXT,"                   /* its newest vintage then; NULL: derived */
	"  PRIMARY KEY (series_id, input)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER IF NOT EXISTS derived_takes_no_obs BEFORE INSERT ON obs"
	" WHEN EXISTS (SELECT 1 FROM derived WHERE series_id = NEW.series_id)"
	" BEGIN SELECT RAISE(ABORT, '" STORE_DERIVED_NO_OBS "'); END;",
	/* 4: the text an import made a series' name from, before it was
	 * made a name ("Copper, mine" for copper-mine: the key cells, then
	 * a wide header), so that a later import whose "copper mine" makes
	 * the same name is not merged into it without a word.  A table of
	 * its own (IF NOT EXISTS, as 3); series of older stores have none
	 * until an import names them. */
	"CREATE TABLE IF NOT EXISTS series_origin ("
	"  series_id INTEGER PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,"
	"  origin TEXT NOT NULL"
	");",
	/* 5: whether a derived series' kind was given (derive --kind: 1) or
	 * inferred from its inputs (0), so that an inferred kind that an
	 * input's relabelled kind made stale is an error on read
	 * (derive.c), and a given one is kept.  A table of its own (IF NOT
	 * EXISTS, as 3 and 4: ALTER TABLE ADD COLUMN cannot be made to run
	 * twice); a definition stored before it has no row: not recorded. */
	"CREATE TABLE IF NOT EXISTS derived_kind ("
	"  series_id INTEGER PRIMARY KEY REFERENCES derived(series_id) ON DELETE CASCADE,"
	"  given INTEGER NOT NULL CHECK (given IN (0, 1))"
	");"
};

int store_sqlite_fail(assay_error *err, sqlite3 *db, const char *what)
{
	return assay_fail(err, ASSAY_EIO, "%s: %s", what,
			  db ? sqlite3_errmsg(db) : "out of memory");
}

static int schema_version(sqlite3 *db, int *version)
{
	sqlite3_stmt *st;
	*version = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL))
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The schema version this assay writes: the number of migrations. */
static int known_version(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

/* Readers and writers both refuse a store that a newer assay made: its
 * tables may mean something this one does not know. */
static int too_new(const char *path, int version, assay_error *err)
{
	return assay_fail(err, ASSAY_EIO,
			  "%s: store schema version %d is newer than this "
			  "assay understands (%d)", path, version, known_version());
}

/* Why SQLite could not open or read `path`, in words: "not an assay
 * store: file is not a database", or what is read-only.  `db` may be
 * NULL (out of memory). */
static int open_fail(assay_error *err, sqlite3 *db, const char *path)
{
	int code = db ? sqlite3_errcode(db) : SQLITE_NOMEM;
	if (code == SQLITE_NOTADB)
		return assay_fail(err, ASSAY_EIO, "%s: not an assay store: %s",
				  path, sqlite3_errmsg(db));
	return store_sqlite_fail(err, db, path);
}

/* The steps after `version`, in the transaction open on db (the caller
 * rolls it back on failure). */
static int migrate_steps(sqlite3 *db, const char *path, int version,
			 assay_error *err)
{
	for (int i = version; i < known_version(); i++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
		if (sqlite3_exec(db, migrations[i], NULL, NULL, NULL) ||
		    sqlite3_exec(db, pragma, NULL, NULL, NULL))
			return store_sqlite_fail(err, db, path);
	}
	return 0;
}

static int migrate(sqlite3 *db, const char *path, assay_error *err)
{
	int version, n = known_version();

	if (schema_version(db, &version))
		return open_fail(err, db, path);
	if (version > n)
		return too_new(path, version, err);
	if (version == n)
		return 0;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		return store_sqlite_fail(err, db, path);
	/* Read again under the write lock: imports started together on a
	 * new path each saw version 0, and all but the first to take the
	 * lock then found its tables and called the store somebody else's
	 * ("not an assay store ... give a new file with --db"). */
	if (schema_version(db, &version) || version >= n) {
		int rc = version > n ? too_new(path, version, err)
			 : version == n ? 0 : store_sqlite_fail(err, db, path);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	if (version == 0) {
		/* A database with tables but no schema version is somebody
		 * else's: adding ours to it would mix two programs' data. */
		sqlite3_stmt *q;
		int tables = -1;
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master",
				       -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			tables = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
		if (tables != 0) {
			if (tables < 0)
				store_sqlite_fail(err, db, path);
			else
				assay_fail(err, ASSAY_EIO, "%s: not an assay store: a "
					   "SQLite database with other tables "
					   "(give a new file with --db)", path);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	if (migrate_steps(db, path, version, err)) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
		return store_sqlite_fail(err, db, path);
	return 0;
}

/* The directory part of path ("." for a bare name), in buf. */
static const char *dir_of(const char *path, char *buf, size_t n)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(buf, n, ".");
	else if (slash == path)
		snprintf(buf, n, "/");
	else
		snprintf(buf, n, "%.*s", (int)(slash - path), path);
	return buf;
}

/* Why this process cannot write `what` ("Read-only file system",
 * "Permission denied"), or NULL when it can. */
static const char *cannot_write(const char *what)
{
	return access(what, W_OK) ? strerror(errno) : NULL;
}

/* A writer needs the file writable and, for the write-ahead log and its
 * index (PATH-wal, PATH-shm), its directory too.  The message says which
 * one is not, rather than SQLite's "unable to open database file". */
static int writer_fail(assay_error *err, sqlite3 *db, const char *path)
{
	char dir[4096];
	const char *why;
	int exists = access(path, F_OK) == 0;
	if (exists && (why = cannot_write(path)))
		return assay_fail(err, ASSAY_EIO, "%s: cannot open the store "
				  "read-write: %s", path, why);
	dir_of(path, dir, sizeof dir);
	if ((why = cannot_write(dir)))
		return assay_fail(err, ASSAY_EIO, "%s: cannot %s the store: its "
				  "directory %s is not writable (%s)", path,
				  exists ? "write to" : "create", dir, why);
	return open_fail(err, db, path);
}

/* What readers and the writers that edit series say of a path with no
 * file: a mistyped --db is not "no series 'x'" (nor a new empty store). */
static int no_store(const char *path, assay_error *err)
{
	return assay_fail(err, ASSAY_EIO, "%s: no such store (import something "
			  "first, or pass --db)", path);
}

/* create 0: an existing store only (no SQLITE_OPEN_CREATE, so that even
 * a file removed meanwhile is not made anew); create 1 (an import's
 * store): a new file is made a store.  Either way a store of an earlier
 * version is left as it is, with *behind set, for the transaction of the
 * first write to migrate (see struct assay_store): an import, rename,
 * merge, derive or rm that fails or is a dry run writes nothing, not even
 * the migration (they migrated the store on opening, and then failed). */
static int open_writer(sqlite3 **out, const char *path, int create,
		       int *behind, assay_error *err)
{
	sqlite3 *db = NULL;
	if (!create && access(path, F_OK) && errno == ENOENT)
		return no_store(path, err);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
			    (create ? SQLITE_OPEN_CREATE : 0), NULL) != SQLITE_OK)
		goto fail;
	/* SQLite falls back to read-only when the file is not writable. */
	if (sqlite3_db_readonly(db, "main") == 1)
		goto fail;
	sqlite3_busy_timeout(db, 10000);
	/* Bigger pages halve the write calls of a large import; the pragma
	 * only takes effect on a new, empty file. */
	sqlite3_exec(db, "PRAGMA page_size = 16384", NULL, NULL, NULL);
	if (sqlite3_exec(db, "PRAGMA foreign_keys = ON;"
			 "PRAGMA journal_mode = WAL;"
			 "PRAGMA synchronous = NORMAL", NULL, NULL, NULL))
		goto fail;
	err->status = ASSAY_OK;
	int version;
	*behind = 0;
	if (schema_version(db, &version) == 0 && version >= 1 &&
	    version < known_version()) {
		*behind = 1;
		*out = db;
		return 0;
	}
	if (migrate(db, path, err)) {
		/* A directory that is not writable shows first here, when the
		 * first transaction needs PATH-wal. */
		if (sqlite3_errcode(db) == SQLITE_CANTOPEN ||
		    sqlite3_errcode(db) == SQLITE_READONLY)
			writer_fail(err, db, path);
		sqlite3_close(db);
		return -1;
	}
	*out = db;
	return 0;
fail:
	writer_fail(err, db, path);
	sqlite3_close(db);
	return -1;
}

/* Can no process write in directory `dir`: a read-only file system, or
 * no write permission bits at all?  (Root ignores the bits, but a
 * directory made read-only for everyone is not one that imports run in.) */
static int nobody_writes(const char *dir)
{
	struct statvfs fs;
	struct stat sb;
	if (statvfs(dir, &fs) == 0 && (fs.f_flag & ST_RDONLY))
		return 1;
	return stat(dir, &sb) == 0 && (sb.st_mode & 0222) == 0;
}

/* "file:" URI of a path, for the immutable=1 parameter: every byte but
 * unreserved ones and '/' percent-encoded (a name may hold '?' or '#'). */
static char *file_uri(const char *path, const char *query)
{
	size_t n = strlen(path);
	char *uri = malloc(5 + 3 * n + strlen(query) + 1), *o = uri;
	if (!uri)
		return NULL;
	o += sprintf(o, "file:");
	while (path[0] == '/' && path[1] == '/')        /* "//x" is a host */
		path++;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	strcpy(o, query);
	return uri;
}

/* Can the connection read the store's tables?  SQLite opens lazily: the
 * first statement reads the header, the schema and the WAL index. */
static int probe(sqlite3 *db)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM series LIMIT 0", -1, &st,
				    NULL);
	sqlite3_finalize(st);
	return rc;
}

/* Open `uri` read-only and probe it; SQLITE_OK with *out set, or the
 * error code with *out the failed connection (close it). */
static int try_reader(sqlite3 **out, const char *name, int flags)
{
	*out = NULL;
	int rc = sqlite3_open_v2(name, out, SQLITE_OPEN_READONLY | flags, NULL);
	/* Before the first read: readers that open at once (scan's and
	 * report's workers) meet a lock while one of them sets up the WAL
	 * index, and without a busy handler that read fails at once
	 * ("database is locked", taken for "not an assay store"). */
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(*out, 10000);
	if (rc == SQLITE_OK)
		rc = probe(*out);
	return rc == SQLITE_OK ? SQLITE_OK : (*out ? sqlite3_errcode(*out) : rc);
}

static int open_reader(sqlite3 **out, const char *path, assay_error *err)
{
	sqlite3 *db;
	char wal[4200];
	struct stat sb;

	if (stat(path, &sb)) {
		if (errno == ENOENT)
			return no_store(path, err);
		return assay_fail(err, ASSAY_EIO, "%s: %s", path, strerror(errno));
	}
	if (S_ISDIR(sb.st_mode))
		return assay_fail(err, ASSAY_EIO, "%s: not an assay store: a "
				  "directory", path);
	int rc = try_reader(&db, path, 0);
	snprintf(wal, sizeof wal, "%s-wal", path);
	/* (SQLite says CANTOPEN when it cannot create PATH-shm, READONLY
	 * when it could open but not initialise it.) */
	int no_index = rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY;
	char dir[4096];
	dir_of(path, dir, sizeof dir);
	int no_wal = access(wal, F_OK) && errno == ENOENT;
	if (no_index && no_wal && nobody_writes(dir)) {
		/* A WAL store in a directory that nobody can write: SQLite
		 * cannot make the WAL index PATH-shm there.  With no PATH-wal
		 * there is nothing beyond the file itself to read, and no
		 * writer can start (it would have to create PATH-wal), so the
		 * file may be read as immutable, without the index or locks. */
		char *uri = file_uri(path, "?immutable=1");
		if (!uri)
			return assay_fail(err, ASSAY_EIO, "out of memory");
		sqlite3_close(db);
		rc = try_reader(&db, uri, SQLITE_OPEN_URI);
		free(uri);
	}
	if (rc != SQLITE_OK) {
		const char *why = NULL;
		if (access(path, R_OK))
			assay_fail(err, ASSAY_EIO, "%s: cannot read the store: %s",
				   path, strerror(errno));
		else if (no_index && (why = cannot_write(dir)) && !no_wal)
			/* Without its index the log cannot be read, and the
			 * file alone could miss the newest imports. */
			assay_fail(err, ASSAY_EIO, "%s: cannot read the store: its "
				   "directory %s is not writable (%s) and SQLite "
				   "needs to create %s-shm there to read the "
				   "write-ahead log %s", path, dir, why, path, wal);
		else if (no_index && why)
			/* Its owner may import while we read: reading the file
			 * as immutable could then see a half-copied checkpoint. */
			assay_fail(err, ASSAY_EIO, "%s: cannot read the store: its "
				   "directory %s is not writable (%s), so SQLite "
				   "cannot create %s-shm to coordinate with writers "
				   "(read it as a user who can write there, or a "
				   "copy)", path, dir, why, path);
		else if ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_FULL ||
			 (rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_NOMEM)
			/* the store may be fine: the disk is full (SQLite cannot
			 * make PATH-wal or PATH-shm) or failing; "not an assay
			 * store" suggested the file was somebody else's */
			assay_fail(err, ASSAY_EIO, "%s: cannot read the store: %s%s%s%s",
				   path, db ? sqlite3_errmsg(db) : "out of memory",
				   db && sqlite3_system_errno(db) ? " (" : "",
				   db && sqlite3_system_errno(db)
				   ? strerror(sqlite3_system_errno(db)) : "",
				   db && sqlite3_system_errno(db) ? ")" : "");
		else
			assay_fail(err, ASSAY_EIO, "%s: not an assay store: %s", path,
				   db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -1;
	}
	int version;
	if (schema_version(db, &version)) {
		store_sqlite_fail(err, db, path);
		sqlite3_close(db);
		return -1;
	}
	/* A store of an earlier version than ours is read as it is: the
	 * later steps add views (2) and tables (3 to 5) that a reader does
	 * without (store_derive.c); the next writer adds them. */
	if (version < 1 || version > known_version()) {
		if (version > known_version())
			too_new(path, version, err);
		else
			/* Only a writer migrates; today's one migration makes
			 * every store, so an older version is somebody
			 * else's table named "series". */
			assay_fail(err, ASSAY_EIO, "%s: not an assay store: "
				   "schema version %d", path, version);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	*out = db;
	return 0;
}

static int open_store(assay_store **out, const char *path, int readonly,
		      int create, assay_error *err)
{
	assay_error local;
	sqlite3 *db = NULL;
	int behind = 0;

	*out = NULL;
	if (!err)
		err = &local;
	err->status = ASSAY_OK;
	if (readonly ? open_reader(&db, path, err)
		     : open_writer(&db, path, create, &behind, err))
		return -1;
	assay_store *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		sqlite3_close(db);
		return assay_fail(err, ASSAY_EIO, "out of memory");
	}
	s->db = db;
	s->behind = behind;
	*out = s;
	return 0;
}

int store_schema_current(assay_store *st, assay_error *err)
{
	int version;
	if (!st->behind)
		return 0;
	if (sqlite3_get_autocommit(st->db)) {
		if (migrate(st->db, st->path, err))
			return -1;
		st->behind = 0;
		return 0;
	}
	/* In the caller's transaction (an import's BEGIN IMMEDIATE: read
	 * under the write lock, so another writer's migration is seen);
	 * st->behind stays set, since a rollback undoes these steps. */
	if (schema_version(st->db, &version))
		return store_sqlite_fail(err, st->db, st->path);
	if (version > known_version())
		return too_new(st->path, version, err);
	return migrate_steps(st->db, st->path, version, err);
}

int assay_store_open(assay_store **out, const char *path, int readonly,
		     assay_error *err)
{
	return open_store(out, path, readonly, 1, err);
}

int assay_store_open_existing(assay_store **out, const char *path,
			      assay_error *err)
{
	return open_store(out, path, 0, 0, err);
}

void assay_store_close(assay_store *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->q_series_get);
	sqlite3_finalize(st->q_load);
	sqlite3_finalize(st->q_derived_get);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

const char *assay_store_path(assay_store *st) { return st->path; }

int store_db_fail(assay_store *st, assay_error *err)
{
	return assay_fail(err, ASSAY_EIO, "%s: %s", st->path,
			  sqlite3_errmsg(st->db));
}

void store_configure_library(void)
{
	/* Each connection stays in one thread (scan -j opens one per
	 * thread), and SQLite's global memory statistics would take a mutex
	 * on every allocation. */
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Does a series name match a pattern, as the shell reads it: * ? [abc]
 * [a-z] and [!abc].  SQLite's GLOB writes the negation [^abc] and reads
 * [!c]* as "starts with ! or c": 'assay rm "wb/[!c]*"' would have removed
 * every wb/c... series, the ones it was to keep.  [^abc] stays as it is. */
int store_glob(const char *pattern, const char *name)
{
	char local[256], *pat = local;
	size_t n = strlen(pattern);
	if (n >= sizeof local && !(pat = malloc(n + 1)))
		return 0;
	memcpy(pat, pattern, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (pat[i] != '[')
			continue;
		size_t j = i + 1;
		if (pat[j] == '!')
			pat[j++] = '^';
		else if (pat[j] == '^')
			j++;
		if (pat[j] == ']')
			j++;                    /* a leading ] is one of the set */
		while (j < n && pat[j] != ']')
			j++;
		i = j;
	}
	int match = sqlite3_strglob(pat, name) == 0;
	if (pat != local)
		free(pat);
	return match;
}
