/*
 * The SQLite store (see store.h): schema and migrations, opening, series
 * look-ups, vintage-aware loading and removal.  The importer writes through
 * its own prepared statements (import.c); everything here reads or deletes.
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
#include "assay/derive.h"

struct assay_store {
	sqlite3 *db;
	char *path;
	/* Prepared once: a batch command loads thousands of series. */
	sqlite3_stmt *q_series_get;     /* series by name */
	sqlite3_stmt *q_load;           /* current observations of a series */
};

/* A statement kept for the store's lifetime, prepared on first use. */
static sqlite3_stmt *cached(assay_store *st, sqlite3_stmt **slot, const char *sql)
{
	if (!*slot && sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
					 slot, NULL))
		return NULL;
	return *slot;
}

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
	 * into one is refused by the trigger.  Version-2 stores are read as
	 * they are (no derived series).  IF NOT EXISTS: a store whose
	 * user_version was set back by hand still migrates. */
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
	" BEGIN SELECT RAISE(ABORT, 'a derived series takes no imported values"
	" (assay rm it, or import under another name)'); END;"
};

static int db_fail(assay_error *err, sqlite3 *db, const char *what)
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
	return db_fail(err, db, path);
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
		return db_fail(err, db, path);
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
				db_fail(err, db, path);
			else
				assay_fail(err, ASSAY_EIO, "%s: not an assay store: a "
					   "SQLite database with other tables "
					   "(give a new file with --db)", path);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	for (int i = version; i < n; i++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
		if (sqlite3_exec(db, migrations[i], NULL, NULL, NULL) ||
		    sqlite3_exec(db, pragma, NULL, NULL, NULL)) {
			db_fail(err, db, path);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
		return db_fail(err, db, path);
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

static int open_writer(sqlite3 **out, const char *path, assay_error *err)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK)
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
			return assay_fail(err, ASSAY_EIO, "%s: no such store (import "
					  "something first, or pass --db)", path);
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
		else
			assay_fail(err, ASSAY_EIO, "%s: not an assay store: %s", path,
				   db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -1;
	}
	int version;
	if (schema_version(db, &version)) {
		db_fail(err, db, path);
		sqlite3_close(db);
		return -1;
	}
	/* A store of an earlier version than ours: the later steps add
	 * only views so far (2), which a reader does not need; the next
	 * writer adds them. */
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
	sqlite3_busy_timeout(db, 10000);
	sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	*out = db;
	return 0;
}

int assay_store_open(assay_store **out, const char *path, int readonly,
		     assay_error *err)
{
	assay_error local;
	sqlite3 *db = NULL;

	*out = NULL;
	if (!err)
		err = &local;
	err->status = ASSAY_OK;
	if (readonly ? open_reader(&db, path, err) : open_writer(&db, path, err))
		return -1;
	assay_store *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		sqlite3_close(db);
		return assay_fail(err, ASSAY_EIO, "out of memory");
	}
	s->db = db;
	*out = s;
	return 0;
}

void assay_store_close(assay_store *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->q_series_get);
	sqlite3_finalize(st->q_load);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

struct sqlite3 *assay_store_db(assay_store *st) { return st->db; }
const char *assay_store_path(assay_store *st) { return st->path; }

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

static char *col_strdup(sqlite3_stmt *st, int i)
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
	if (!(q = cached(st, &st->q_series_get,
			 "SELECT id, name, commodity, region, measure, unit,"
			 " source, notes, kind, freq FROM series WHERE name = ?")))
		return db_fail(err, st->db, st->path);
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		info->id = sqlite3_column_int64(q, 0);
		info->name = col_strdup(q, 1);
		info->commodity = col_strdup(q, 2);
		info->region = col_strdup(q, 3);
		info->measure = col_strdup(q, 4);
		info->unit = col_strdup(q, 5);
		info->source = col_strdup(q, 6);
		info->notes = col_strdup(q, 7);
		info->kind = assay_kind_parse((const char *)sqlite3_column_text(q, 8));
		info->freq = assay_freq_parse((const char *)sqlite3_column_text(q, 9));
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
		return 1;
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE)
		return db_fail(err, st->db, st->path);
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
		return db_fail(err, st->db, st->path);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		int keep = npatterns == 0;
		for (size_t i = 0; i < npatterns && !keep; i++)
			keep = sqlite3_strglob(patterns[i], name) == 0;
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
		return db_fail(err, st->db, st->path);
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
		rc = !(q = cached(st, &st->q_load, "SELECT period, value FROM obs"
				  " WHERE series_id = ?1 ORDER BY period"));
	if (rc)
		return db_fail(err, st->db, st->path);
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
		return db_fail(err, st->db, st->path);
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
	sqlite3_stmt *q;
	int rc;
	if (sqlite3_prepare_v2(st->db, "DELETE FROM series WHERE name = ?", -1,
			       &q, NULL))
		return db_fail(err, st->db, st->path);
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return db_fail(err, st->db, st->path);
	return sqlite3_changes(st->db) > 0;
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
		return db_fail(err, st->db, st->path);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 1);
		int keep = npatterns == 0;
		for (size_t i = 0; i < npatterns && !keep; i++)
			keep = sqlite3_strglob(patterns[i], name) == 0;
		if (!keep)
			continue;
		if (grow((void **)out, &cap, *n, sizeof **out))
			break;
		assay_series_summary *s = &(*out)[(*n)++];
		memset(s, 0, sizeof *s);
		s->info.id = sqlite3_column_int64(q, 0);
		s->info.name = col_strdup(q, 1);
		s->info.commodity = col_strdup(q, 2);
		s->info.region = col_strdup(q, 3);
		s->info.measure = col_strdup(q, 4);
		s->info.unit = col_strdup(q, 5);
		s->info.source = col_strdup(q, 6);
		s->info.notes = col_strdup(q, 7);
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
		return db_fail(err, st->db, st->path);
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
	db_fail(err, st->db, st->path);
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
		return db_fail(err, st->db, st->path);
	return 0;
}

int assay_store_end(assay_store *st, int commit, assay_error *err)
{
	if (sqlite3_exec(st->db, commit ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL))
		return db_fail(err, st->db, st->path);
	return 0;
}
