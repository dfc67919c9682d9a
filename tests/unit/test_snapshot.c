/* Read snapshots of the store: assay_store_read_begin takes its snapshot
 * when it returns (not at the first read after it), and
 * assay_store_data_version changes exactly when a commit fell between two
 * calls -- what assay_scan builds one snapshot of its connections on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "assay/import.h"
#include "assay/report.h"
#include "assay/scan.h"
#include "assay/store.h"

struct tmp {
	char dir[64], db[96], csv[96];
};

/* Import `months` months of series s/a (and s/b) from 2020-01 at vintage. */
static void import_months(const struct tmp *t, int months, const char *vintage)
{
	FILE *fp = fopen(t->csv, "wb");
	assert_non_null(fp);
	fputs("series,date,value\n", fp);
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < months; i++)
			fprintf(fp, "s/%c,%04d-%02d,%d\n", 'a' + s, 2020 + i / 12,
				i % 12 + 1, 100 + i % 3);
	assert_int_equal(fclose(fp), 0);
	assay_store *st;
	assay_error err;
	assay_import_opts o;
	assay_import_result res;
	assert_int_equal(assay_store_open(&st, t->db, 0, &err), 0);
	memset(&o, 0, sizeof o);
	o.path = t->csv;
	o.decimal = '.';
	o.meta[ASSAY_META_KIND] = "price";
	o.vintage = vintage;
	if (assay_import(st, &o, &res, &err))
		fail_msg("import failed: %s", err.msg);
	assay_store_close(st);
}

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "/tmp/assay-snapshot-XXXXXX");
	if (!t || !mkdtemp(t->dir))
		return -1;
	snprintf(t->db, sizeof t->db, "%s/store.db", t->dir);
	snprintf(t->csv, sizeof t->csv, "%s/in.csv", t->dir);
	import_months(t, 24, "2026-01-01");
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	char cmd[128];
	/* the store and the report's directory, also after a failed test */
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
	int rc = system(cmd);
	free(t);
	return rc;
}

static size_t count_obs(assay_store *st, const char *name)
{
	assay_series_info info;
	assay_obs obs;
	assay_error err;
	assert_int_equal(assay_store_series_get(st, name, &info, &err), 1);
	assert_int_equal(assay_store_load(st, info.id, NULL, &obs, &err), 0);
	size_t n = obs.n;
	assay_obs_release(&obs);
	assay_series_info_release(&info);
	return n;
}

/* A commit after read_begin and before the first read is not seen: the
 * snapshot is the store as it was at read_begin.  (A plain deferred BEGIN
 * took it at the first read, so a scan's threads, each beginning on its
 * connection, could each see a different store.) */
static void test_read_begin_takes_snapshot(void **state)
{
	struct tmp *t = *state;
	assay_store *rd, *probe;
	assay_error err;
	int64_t v0, v1, v2;

	assert_int_equal(assay_store_open(&rd, t->db, 1, &err), 0);
	assert_int_equal(assay_store_open(&probe, t->db, 1, &err), 0);
	assert_int_equal(assay_store_data_version(probe, &v0, &err), 0);
	assert_int_equal(assay_store_data_version(probe, &v1, &err), 0);
	assert_true(v0 == v1);          /* no commit between: the same */
	assert_int_equal(assay_store_read_begin(rd, &err), 0);
	import_months(*state, 25, "2026-02-01");        /* commits a month more */
	assert_int_equal(assay_store_data_version(probe, &v2, &err), 0);
	assert_true(v2 != v1);          /* a commit between: another */
	assert_int_equal(count_obs(rd, "s/a"), 24);
	assert_int_equal(count_obs(rd, "s/b"), 24);
	assert_int_equal(assay_store_read_end(rd, &err), 0);
	assert_int_equal(count_obs(rd, "s/a"), 25);
	assay_store_close(rd);
	assay_store_close(probe);
}

/* Every thread of a scan reads the same store, and a scan with more
 * threads than series still judges each series once. */
static void test_scan_threads(void **state)
{
	struct tmp *t = *state;
	char *names[] = { "s/a", "s/b", "s/none" };
	assay_scan_opts so;
	assay_scan_result sr;
	assay_error err;
	assay_scan_opts_init(&so);
	so.jobs = 8;
	if (assay_scan(t->db, names, 3, &so, &sr, &err))
		fail_msg("scan failed: %s", err.msg);
	assert_int_equal(sr.n, 3);
	assert_int_equal(sr.failed, 1);
	for (size_t i = 0; i < sr.n; i++) {
		if (!strcmp(sr.rows[i].name, "s/none")) {
			assert_true(sr.rows[i].failed);
			assert_string_equal(sr.rows[i].error.msg, "no series 's/none'");
			continue;
		}
		assert_false(sr.rows[i].failed);
		assert_true(sr.rows[i].has_period);
	}
	assay_scan_result_release(&sr);
	/* a store that cannot be opened: the scan fails as a whole, saying why */
	if (!assay_scan("/nonexistent/store.db", names, 3, &so, &sr, &err))
		fail_msg("scan of a missing store succeeded");
	assert_non_null(strstr(err.msg, "/nonexistent/store.db"));
}

/* A report's verdicts are of the snapshot its charts and tables read,
 * with -j 4 too: the caller's read transaction.  (With -j N the scan
 * read on connections of its own, opened after the report's snapshot:
 * an import committing between was in the verdicts, 2022-02, and not in
 * the charts, which ended in 2022-01.) */
static void test_report_one_snapshot(void **state)
{
	struct tmp *t = *state;
	char *names[] = { "s/a", "s/b" };
	char dir[128], md[160];
	assay_store *rd;
	assay_error err;
	assay_report_opts ro;
	assay_report_summary sum;

	/* the first test left 25 months: to 2022-01 */
	assert_int_equal(assay_store_open(&rd, t->db, 1, &err), 0);
	assert_int_equal(assay_store_read_begin(rd, &err), 0);
	import_months(t, 26, "2026-03-01");     /* commits 2022-02 */
	/* the scan through the caller's connection sees the snapshot */
	assay_scan_opts so;
	assay_scan_result sr;
	assay_scan_opts_init(&so);
	so.jobs = 4;
	assert_int_equal(assay_scan_store(rd, names, 2, &so, &sr, &err), 0);
	for (size_t i = 0; i < sr.n; i++)
		assert_int_equal(sr.rows[i].period, 2022 * 12);
	assay_scan_result_release(&sr);
	/* and so does a report's */
	snprintf(dir, sizeof dir, "%s/rep", t->dir);
	assay_report_opts_init(&ro);
	ro.scan.jobs = 4;
	if (assay_report_write(rd, dir, names, 2, &ro, &sum, &err))
		fail_msg("report failed: %s", err.msg);
	assay_store_read_end(rd, &err);
	assay_store_close(rd);
	snprintf(md, sizeof md, "%s/report.md", dir);
	FILE *fp = fopen(md, "r");
	assert_non_null(fp);
	char line[4096];
	int old = 0, new = 0;
	while (fgets(line, sizeof line, fp)) {
		old += strstr(line, "2022-01") != NULL;
		new += strstr(line, "2022-02") != NULL;
	}
	fclose(fp);
	assert_true(old > 0);
	if (new)
		fail_msg("the report names 2022-02, committed after its snapshot");
}

int main(void)
{
	assay_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_begin_takes_snapshot),
		cmocka_unit_test(test_scan_threads),
		cmocka_unit_test(test_report_one_snapshot),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
