/*
 * Editing series in the store (see store.h): rename, merge, and the names
 * nearest to one that is not there.  Every change runs in a transaction
 * of its own (store_edit_begin), so that a refusal half-way leaves the
 * store as it was.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/derive.h"
#include "assay/store.h"
#include "store_internal.h"
#include "utf8.h"

static int edit_db_fail(assay_store *st, assay_error *err)
{
	return assay_fail(err, ASSAY_EIO, "%s: %s", assay_store_path(st),
			  sqlite3_errmsg(st->db));
}

/* Run sql with up to three integer parameters; returns the changes, or
 * -1 on error. */
static int64_t run3(assay_store *st, const char *sql, int64_t x, int64_t y,
		    int64_t z, assay_error *err)
{
	sqlite3 *db = st->db;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL))
		return edit_db_fail(st, err);
	int np = sqlite3_bind_parameter_count(q);
	if (np >= 1) sqlite3_bind_int64(q, 1, x);
	if (np >= 2) sqlite3_bind_int64(q, 2, y);
	if (np >= 3) sqlite3_bind_int64(q, 3, z);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return edit_db_fail(st, err);
	return sqlite3_changes64(db);
}

static int64_t count3(assay_store *st, const char *sql, int64_t x, int64_t y,
		      assay_error *err)
{
	sqlite3_stmt *q;
	int64_t n = -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL))
		return edit_db_fail(st, err);
	sqlite3_bind_int64(q, 1, x);
	sqlite3_bind_int64(q, 2, y);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	else
		edit_db_fail(st, err);
	sqlite3_finalize(q);
	return n;
}

/* Name series id NAME (rename, merge --into a new name).  The text an
 * import made the old name from (series_origin) makes it no more: kept,
 * an import that makes NAME from its own text was refused, and the --map
 * it suggested led to the old name, a series of its own.  Without it the
 * series takes the text of the next import that names it, as one of an
 * older store does. */
static int set_name(assay_store *st, int64_t id, const char *name,
		    assay_error *err)
{
	if (run3(st, "DELETE FROM series_origin WHERE series_id = ?1", id, 0, 0,
		 err) < 0)
		return -1;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(st->db,
			       "UPDATE series SET name = ?2 WHERE id = ?1", -1, &q, NULL))
		return edit_db_fail(st, err);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : edit_db_fail(st, err);
}

int assay_store_series_rename(assay_store *st, const char *old,
			      const char *new_name, assay_error *err)
{
	assay_series_info a, b;
	int rc;
	if (assay_name_check(new_name, err))
		return -1;
	if ((rc = assay_store_series_get(st, old, &a, err)) <= 0)
		return rc;
	int exists = assay_store_series_get(st, new_name, &b, err);
	if (exists < 0) {
		assay_series_info_release(&a);
		return -1;
	}
	if (exists) {
		/* the same series (rename A A): nothing to do.  Compared
		 * before the release, which zeroes b.id: every rename to its
		 * own name was "exists; 'assay merge' joins two series" */
		int same = b.id == a.id;
		assay_series_info_release(&b);
		rc = same ? 1 : assay_fail(err, ASSAY_EUSAGE, "series '%s' "
					   "exists; 'assay merge' joins two "
					   "series", new_name);
		assay_series_info_release(&a);
		return rc;
	}
	assay_derived_def def;
	int derived = assay_store_derived_get(st, a.id, &def, err);
	assay_derived_def_release(&def);
	int outer;
	if (derived < 0 || store_edit_begin(st, "assay_rename", &outer, err)) {
		assay_series_info_release(&a);
		return -1;
	}
	/* an older store is migrated inside the edit's transaction: a
	 * rename that fails leaves it as it was (store_schema_current) */
	rc = store_schema_current(st, err) || set_name(st, a.id, new_name, err)
	     ? -1 : 0;
	/* A definition that names NEW reads this series now: when this one
	 * reads that one (through others), the two make a circle, and
	 * neither could be read. */
	if (!rc && derived && assay_derive_check_cycle(st, new_name, err)) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		assay_fail(err, err->status, "renaming '%s' to '%s' would make a "
			   "%s; assay rm or redefine the series that names '%s' "
			   "first", old, new_name, msg, new_name);
		rc = -1;
	}
	if (rc)
		store_edit_end(st, "assay_rename", outer, 0, err);
	else if (store_edit_end(st, "assay_rename", outer, 1, err))
		rc = -1;
	assay_series_info_release(&a);
	return rc ? -1 : 1;
}

static const char *freq_word(assay_freq f)
{
	switch (f) {
	case ASSAY_FREQ_D: return "daily";
	case ASSAY_FREQ_W: return "weekly";
	case ASSAY_FREQ_M: return "monthly";
	case ASSAY_FREQ_Q: return "quarterly";
	case ASSAY_FREQ_A: return "annual";
	default: return "?";
	}
}

/* The first period where a and b differ, for the message. */
static int first_conflict(assay_store *st, const assay_series_info *ia,
			  const assay_series_info *ib, char *out, size_t n,
			  assay_error *err)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT x.period, x.value, y.value FROM obs x JOIN obs y"
			       " ON y.period = x.period AND y.series_id = ?2"
			       " WHERE x.series_id = ?1 AND x.value <> y.value"
			       " ORDER BY x.period LIMIT 1", -1, &q, NULL))
		return edit_db_fail(st, err);
	sqlite3_bind_int64(q, 1, ia->id);
	sqlite3_bind_int64(q, 2, ib->id);
	if (sqlite3_step(q) == SQLITE_ROW) {
		char lbl[32], va[32], vb[32];
		assay_period_format(ia->freq, sqlite3_column_int64(q, 0), lbl, sizeof lbl);
		snprintf(out, n, "%s: %s in A, %s in B", lbl,
			 assay_fmt_g(sqlite3_column_double(q, 1), va, sizeof va),
			 assay_fmt_g(sqlite3_column_double(q, 2), vb, sizeof vb));
	}
	sqlite3_finalize(q);
	return 0;
}

/* The periods ?1 and ?2 both hold with equal values where ?1's record is
 * the older (by vintage, then import). */
#define OLDER_EQUAL \
	" FROM obs x JOIN obs y ON y.series_id = ?2 AND y.period = x.period" \
	" JOIN imports xi ON xi.id = x.import_id" \
	" JOIN imports yi ON yi.id = y.import_id" \
	" WHERE x.series_id = ?1 AND x.value = y.value" \
	" AND (xi.vintage, xi.id) < (yi.vintage, yi.id)"

/* Join the rows of `from` to `to`.  A period whose values differ (a
 * conflict, which --prefer settled) keeps the winner's value and history
 * only.  Every other record of either series stays: where both hold a
 * period with equal values, the newer record is current and the older
 * one an earlier vintage, so that --as-of finds each side's statements
 * whatever the order of A and B. */
static int merge_rows(assay_store *st, int64_t to, int64_t from, int64_t winner,
		      int64_t loser, assay_merge_result *res, assay_error *err)
{
	int64_t d1 = run3(st, "DELETE FROM revisions WHERE series_id = ?1 AND period"
			  " IN (SELECT y.period FROM obs y JOIN obs x ON x.period ="
			  " y.period AND x.series_id = ?2 WHERE y.series_id = ?1"
			  " AND x.value <> y.value)", loser, winner, 0, err);
	int64_t d2 = d1 < 0 ? -1 : run3(st, "DELETE FROM obs WHERE series_id = ?1 AND"
					" period IN (SELECT y.period FROM obs y JOIN"
					" obs x ON x.period = y.period AND x.series_id"
					" = ?2 WHERE y.series_id = ?1 AND x.value <>"
					" y.value)", loser, winner, 0, err);
	if (d1 < 0 || d2 < 0)
		return -1;
	/* equal values: the older record becomes an earlier vintage of to,
	 * the newer one to's current record */
	if (run3(st, "INSERT OR IGNORE INTO revisions (series_id, period, value,"
		 " import_id, superseded_by) SELECT ?2, x.period, x.value,"
		 " x.import_id, y.import_id" OLDER_EQUAL, from, to, 0, err) < 0 ||
	    run3(st, "INSERT OR IGNORE INTO revisions (series_id, period, value,"
		 " import_id, superseded_by) SELECT ?1, x.period, x.value,"
		 " x.import_id, y.import_id" OLDER_EQUAL, to, from, 0, err) < 0 ||
	    run3(st, "UPDATE obs SET"
		 " import_id = (SELECT f.import_id FROM obs f WHERE f.series_id = ?2"
		 "  AND f.period = obs.period),"
		 " line = (SELECT f.line FROM obs f WHERE f.series_id = ?2"
		 "  AND f.period = obs.period)"
		 " WHERE series_id = ?1 AND period IN (SELECT x.period" OLDER_EQUAL ")",
		 to, from, 0, err) < 0 ||
	    run3(st, "DELETE FROM obs WHERE series_id = ?1 AND period IN (SELECT"
		 " period FROM obs WHERE series_id = ?2)", from, to, 0, err) < 0)
		return -1;
	if (run3(st, "UPDATE obs SET series_id = ?1 WHERE series_id = ?2",
		 to, from, 0, err) < 0)
		return -1;
	/* A revision of a period and import both series had is the same
	 * vintage twice: one is kept (counted as dropped when one import gave
	 * the two series different values for it). */
	int64_t d3 = count3(st, "SELECT count(*) FROM revisions f JOIN revisions t"
			    " ON t.series_id = ?1 AND t.period = f.period AND"
			    " t.import_id = f.import_id WHERE f.series_id = ?2 AND"
			    " f.value <> t.value", to, from, err);
	if (d3 < 0 ||
	    run3(st, "UPDATE OR IGNORE revisions SET series_id = ?1"
		 " WHERE series_id = ?2", to, from, 0, err) < 0 ||
	    run3(st, "DELETE FROM revisions WHERE series_id = ?1",
		 from, 0, 0, err) < 0)
		return -1;
	/* and an earlier record of the import that gives the current value
	 * is no earlier vintage */
	int64_t d4 = count3(st, "SELECT count(*) FROM revisions r JOIN obs o ON"
			    " o.series_id = r.series_id AND o.period = r.period AND"
			    " o.import_id = r.import_id WHERE r.series_id = ?1 AND"
			    " r.value <> o.value AND ?2 = ?2", to, 0, err);
	if (d4 < 0 ||
	    run3(st, "DELETE FROM revisions WHERE series_id = ?1 AND EXISTS (SELECT"
		 " 1 FROM obs o WHERE o.series_id = ?1 AND o.period ="
		 " revisions.period AND o.import_id = revisions.import_id)",
		 to, 0, 0, err) < 0)
		return -1;
	res->dropped = d1 + d2 + d3 + d4;
	return 0;
}

static int merge_in(assay_store *st, const assay_series_info *a,
		    const assay_series_info *b, const char *into,
		    enum assay_prefer prefer, assay_merge_result *res,
		    assay_error *err)
{
	char where[160] = "";
	if (a->freq != b->freq)
		return assay_fail(err, ASSAY_EUSAGE, "'%s' is %s and '%s' %s: a "
				  "merge needs one frequency", a->name,
				  freq_word(a->freq), b->name, freq_word(b->freq));
	if (a->kind && b->kind && a->kind != b->kind)
		return assay_fail(err, ASSAY_EUSAGE, "'%s' and '%s' are of "
				  "different kinds (%s, %s)", a->name, b->name,
				  assay_kind_name(a->kind), assay_kind_name(b->kind));
	/* values are never converted: tonnes and kilograms under one name
	 * would be a series of mixed units */
	if (a->unit && b->unit && strcmp(a->unit, b->unit))
		return assay_fail(err, ASSAY_EUSAGE, "'%s' is in '%s' and '%s' in "
				  "'%s': a merge needs one unit (it converts no "
				  "values)", a->name,
				  a->unit, b->name, b->unit);
	res->conflicts = count3(st, "SELECT count(*) FROM obs x JOIN obs y ON"
				" y.period = x.period AND y.series_id = ?2 WHERE"
				" x.series_id = ?1 AND x.value <> y.value",
				a->id, b->id, err);
	res->same = count3(st, "SELECT count(*) FROM obs x JOIN obs y ON"
			   " y.period = x.period AND y.series_id = ?2 WHERE"
			   " x.series_id = ?1 AND x.value = y.value",
			   a->id, b->id, err);
	if (res->conflicts < 0 || res->same < 0)
		return -1;
	if (res->conflicts && prefer == ASSAY_PREFER_NONE) {
		if (first_conflict(st, a, b, where, sizeof where, err))
			return -1;
		return assay_fail(err, ASSAY_EUSAGE, "A '%s' and B '%s' differ in "
				  "%lld period%s (first %s); --prefer A or --prefer "
				  "B keeps one side's values", a->name, b->name,
				  (long long)res->conflicts,
				  res->conflicts == 1 ? "" : "s", where);
	}
	int b_is_target = !strcmp(into, b->name);
	int64_t to = b_is_target ? b->id : a->id, from = b_is_target ? a->id : b->id;
	int64_t winner = prefer == ASSAY_PREFER_B ? b->id
			 : prefer == ASSAY_PREFER_A ? a->id : to;
	int64_t loser = winner == a->id ? b->id : a->id;
	res->from_a = count3(st, "SELECT count(*) FROM obs WHERE series_id = ?1 AND ?2 = ?2",
			     a->id, 0, err);
	res->from_b = count3(st, "SELECT count(*) FROM obs WHERE series_id = ?1 AND ?2 = ?2",
			     b->id, 0, err);
	if (res->from_a < 0 || res->from_b < 0)
		return -1;
	if (loser == a->id)
		res->from_a -= res->conflicts + res->same;
	else
		res->from_b -= res->conflicts + res->same;
	if (merge_rows(st, to, from, winner, loser, res, err))
		return -1;
	/* into's metadata, its empty fields filled from the other */
	if (run3(st, "UPDATE series SET"
		 " commodity = coalesce(commodity, (SELECT commodity FROM series WHERE id = ?2)),"
		 " region = coalesce(region, (SELECT region FROM series WHERE id = ?2)),"
		 " measure = coalesce(measure, (SELECT measure FROM series WHERE id = ?2)),"
		 " unit = coalesce(unit, (SELECT unit FROM series WHERE id = ?2)),"
		 " kind = coalesce(kind, (SELECT kind FROM series WHERE id = ?2)),"
		 " source = coalesce(source, (SELECT source FROM series WHERE id = ?2)),"
		 " notes = coalesce(notes, (SELECT notes FROM series WHERE id = ?2))"
		 " WHERE id = ?1", to, from, 0, err) < 0 ||
	    run3(st, "DELETE FROM series WHERE id = ?1", from, 0, 0, err) < 0)
		return -1;
	if (strcmp(into, a->name) && strcmp(into, b->name))
		return set_name(st, to, into, err);
	return 0;
}

int assay_store_series_merge(assay_store *st, const char *a, const char *b,
			     const char *into, enum assay_prefer prefer,
			     assay_merge_result *res, assay_error *err)
{
	assay_series_info ia = { 0 }, ib = { 0 }, ic = { 0 };
	int rc = -1, got;
	memset(res, 0, sizeof *res);
	if (assay_name_check(into, err))
		return -1;
	if (!strcmp(a, b))
		return assay_fail(err, ASSAY_EUSAGE, "a series merges with "
				  "another, not itself ('%s')", a);
	if ((got = assay_store_series_get(st, a, &ia, err)) <= 0 ||
	    (got = assay_store_series_get(st, b, &ib, err)) <= 0) {
		if (got == 0) {
			char near[400];
			const char *missing = ia.name ? b : a;
			size_t k = assay_store_suggest(st, missing, near, sizeof near);
			assay_fail(err, ASSAY_EUSAGE, "no series '%s' in %s%s%s%s",
				   missing, assay_store_path(st),
				   k ? "; did you mean " : "", k ? near : "",
				   k ? "?" : "");
		}
		goto out;
	}
	/* a derived series holds a definition, not vintages: its values
	 * would be hidden under it, or its definition lost */
	for (int i = 0; i < 2; i++) {
		assay_derived_def def;
		const assay_series_info *s = i ? &ib : &ia;
		got = assay_store_derived_get(st, s->id, &def, err);
		if (got > 0)
			assay_fail(err, ASSAY_EUSAGE, "'%s' is a derived series "
				   "('%s'): merge joins imported series only (to "
				   "rename it, assay rename; to define it over "
				   "other series, assay derive)", s->name, def.expr);
		assay_derived_def_release(&def);
		if (got) {
			got = -1;
			goto out;
		}
	}
	if (strcmp(into, a) && strcmp(into, b)) {
		if ((got = assay_store_series_get(st, into, &ic, err)) < 0)
			goto out;
		if (got) {
			assay_fail(err, ASSAY_EUSAGE, "series '%s' exists: merge "
				   "into it by naming it as A or B", into);
			goto out;
		}
	}
	int outer;
	if (store_edit_begin(st, "assay_merge", &outer, err))
		goto out;
	/* an older store is migrated inside the edit's transaction, as for
	 * rename */
	rc = store_schema_current(st, err) ? -1
	     : merge_in(st, &ia, &ib, into, prefer, res, err);
	if (rc)
		store_edit_end(st, "assay_merge", outer, 0, err);
	else if (store_edit_end(st, "assay_merge", outer, 1, err))
		rc = -1;
out:
	assay_series_info_release(&ia);
	assay_series_info_release(&ib);
	assay_series_info_release(&ic);
	return rc;
}

/* Edit distance of two byte strings, bounded (rows of at most 256). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 255 || lb > 255)
		return (size_t)-1;
	size_t row[256], prev, tmp;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			tmp = row[j];
			size_t sub = prev + (a[i - 1] != b[j - 1]);
			size_t del = row[j] + 1, ins = row[j - 1] + 1;
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			prev = tmp;
		}
	}
	return row[lb];
}

size_t assay_store_suggest(assay_store *st, const char *name, char *out,
			   size_t n)
{
	char **names = NULL;
	size_t count = 0, found = 0, len = 0;
	assay_error err;
	char *want = assay_utf8_lower_dup(name);
	if (n)
		out[0] = 0;
	if (!want || assay_store_series_match(st, NULL, 0, &names, &count, &err)) {
		free(want);
		return 0;
	}
	/* Near: an edit distance (after lowering) of at most a third of
	 * the name's length, at least 2. */
	size_t limit = strlen(want) / 3 > 2 ? strlen(want) / 3 : 2;
	size_t *dist = calloc(count ? count : 1, sizeof *dist);
	for (size_t i = 0; dist && i < count; i++) {
		char *low = assay_utf8_lower_dup(names[i]);
		dist[i] = low ? distance(want, low) : (size_t)-1;
		free(low);
	}
	/* Only the nearest: a name that differs in case only hides those
	 * a letter away. */
	size_t best = (size_t)-1;
	for (size_t i = 0; dist && i < count; i++)
		if (dist[i] < best && strcmp(names[i], name))
			best = dist[i];
	for (size_t d = best; dist && d <= limit && d == best; d++)
		for (size_t i = 0; i < count && found < 3; i++) {
			if (dist[i] != d || !strcmp(names[i], name))
				continue;
			int w = snprintf(out + len, n > len ? n - len : 0, "%s'%s'",
					 found ? ", " : "", names[i]);
			if (w < 0 || len + (size_t)w >= n)
				break;
			len += (size_t)w;
			found++;
		}
	free(dist);
	free(want);
	assay_strv_free(names, count);
	return found;
}
