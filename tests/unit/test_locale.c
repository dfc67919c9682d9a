/*
 * The library reads and writes numbers and dates the same whatever the
 * calling program's locale.  A program that links libassay may call
 * setlocale(LC_ALL, "de_DE.UTF-8"): its strtod stops at '.', its printf
 * writes "1,5" and its strptime reads German month names.  Every test here
 * runs under that locale (scripts/install-deps generates it; the test fails
 * rather than skips when it is missing, so that CI cannot pass vacuously).
 */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "assay/changepoint.h"
#include "assay/import.h"
#include "assay/scan.h"
#include "assay/store.h"
#include "assay/trend.h"
#include "assay/verdict.h"

static const char *const comma_locale = "de_DE.UTF-8";

static int enter_comma_locale(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, comma_locale)) {
		fprintf(stderr, "test_locale: the %s locale is missing "
			"(scripts/install-deps generates it)\n", comma_locale);
		return -1;
	}
	return 0;
}

static int leave_comma_locale(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C");
	return 0;
}

/* The locale really is a comma-decimal one: without this the other tests
 * could pass for the wrong reason. */
static void test_locale_is_comma_decimal(void **state)
{
	(void)state;
	char buf[32];
	snprintf(buf, sizeof buf, "%.1f", 1.5);
	assert_string_equal(buf, "1,5");
	assert_true(strtod("1.5", NULL) == 1.0);
}

static void test_fmt_g(void **state)
{
	(void)state;
	char buf[64];
	assert_string_equal(assay_fmt_g(1.5, buf, sizeof buf), "1.5");
	assert_string_equal(assay_fmt_g(1234.5678901234567, buf, sizeof buf),
			    "1234.5678901234567");
	assert_string_equal(assay_fmt_g(-2.5e-300, buf, sizeof buf), "-2.5e-300");
	assert_string_equal(assay_fmt_g(0.1, buf, sizeof buf), "0.1");
}

/* Messages with numbers in them (assay_fail formats them). */
static void test_error_messages(void **state)
{
	(void)state;
	assay_judge_opts o;
	assay_judgement j;
	assay_error err;
	double r[3] = { 0.1, 0.2, 0.3 };
	assay_judge_opts_init(&o);
	o.alpha = 1.5;
	assert_int_equal(assay_judge(r, r, NULL, 3, 0, &o, &j, &err), -1);
	assert_string_equal(err.msg, "alpha 1.5 is not between 0 and 1");

	double x[3] = { 1, 2.5e301, 3 };
	assay_cpt_opts co;
	assay_cpts c;
	assay_cpt_opts_init(&co);
	assert_int_equal(assay_pelt(x, 3, &co, &c, &err), -1);
	assert_string_equal(err.msg, "observation 2 is too large: 2.5e+301");
	assay_cpts_release(&c);

	int64_t t[3] = { 0, 1, 2 };
	assay_trend_opts to;
	assay_trend tr;
	assay_trend_opts_init(&to);
	assert_int_equal(assay_trend_run(t, x, 3, &to, &tr, &err), -1);
	assert_string_equal(err.msg, "observation 2 is too large: 2.5e+301");
}

static void test_penalty_parse(void **state)
{
	(void)state;
	assay_cpt_opts o;
	assay_cpt_opts_init(&o);
	assert_int_equal(assay_penalty_parse("2.5", &o), 0);
	assert_int_equal(o.penalty, ASSAY_PEN_MANUAL);
	assert_true(o.pen_value == 2.5);
	/* The comma is the locale's decimal point, not assay's. */
	assert_int_equal(assay_penalty_parse("2,5", &o), -1);
	assert_int_equal(assay_penalty_parse("MBIC", &o), 0);
	assert_int_equal(o.penalty, ASSAY_PEN_MBIC);
}

static void test_periods(void **state)
{
	(void)state;
	assay_freq f;
	assay_period p;
	char why[128], buf[32];

	assert_int_equal(assay_period_parse("2026Q1", NULL, &f, &p, why, sizeof why), 0);
	assert_string_equal(assay_period_format(f, p, buf, sizeof buf), "2026Q1");
	assert_int_equal(assay_period_parse(" 1960M07 ", NULL, &f, &p, why, sizeof why), 0);
	assert_string_equal(assay_period_format(f, p, buf, sizeof buf), "1960-07");
	/* --date-format: month names are English whatever the locale. */
	assert_int_equal(assay_period_parse("05 Mar 2026", "%d %b %Y", &f, &p,
					    why, sizeof why), 0);
	assert_string_equal(assay_period_format(f, p, buf, sizeof buf), "2026-03-05");
	assert_int_equal(assay_period_parse("05 Mai 2026", "%d %b %Y", &f, &p,
					    why, sizeof why), -1);
	assert_int_equal(assay_period_parse("05 May 2026", "%d %b %Y", &f, &p,
					    why, sizeof why), 0);
	assert_string_equal(assay_period_format(f, p, buf, sizeof buf), "2026-05-05");
}

static void test_vintage(void **state)
{
	(void)state;
	char out[32];
	assay_error err;
	assert_int_equal(assay_vintage_normalise("2026-06-02", out, sizeof out, &err), 0);
	assert_string_equal(out, "2026-06-02T23:59:59Z");
	assert_int_equal(assay_vintage_normalise("2026-06-02T08:30:00Z", out,
						 sizeof out, &err), 0);
	assert_string_equal(out, "2026-06-02T08:30:00Z");
}

struct tmpstore {
	char dir[64], db[96], csv[96];
};

static void tmpstore_make(struct tmpstore *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/assay-locale-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->db, sizeof t->db, "%s/store.db", t->dir);
	snprintf(t->csv, sizeof t->csv, "%s/in.csv", t->dir);
}

static void tmpstore_remove(struct tmpstore *t)
{
	const char *files[] = { "store.db", "store.db-wal", "store.db-shm", "in.csv" };
	char path[160];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", t->dir, files[i]);
		unlink(path);
	}
	rmdir(t->dir);
}

/* A value with 17 significant digits goes in and comes out exactly, and
 * so does a revised one (whose notice formats both numbers). */
static void test_import_round_trip(void **state)
{
	(void)state;
	struct tmpstore t;
	assay_store *st;
	assay_error err;
	assay_import_opts o;
	assay_import_result res;
	assay_series_info info;
	assay_obs obs;

	tmpstore_make(&t);
	FILE *fp = fopen(t.csv, "wb");
	assert_non_null(fp);
	fputs("series,date,value\n"
	      "t/x,2026-01,1234.5678901234567\n"
	      "t/x,2026-02,0.25\n"
	      "t/x,2026-03,-1e-3\n", fp);
	assert_int_equal(fclose(fp), 0);

	assert_int_equal(assay_store_open(&st, t.db, 0, &err), 0);
	memset(&o, 0, sizeof o);
	o.path = t.csv;
	o.decimal = '.';
	o.meta[ASSAY_META_KIND] = "price";
	o.vintage = "2026-04-01T23:59:59Z";
	int rc = assay_import(st, &o, &res, &err);
	if (rc)
		fail_msg("import failed: %s", err.msg);
	assert_int_equal(res.values, 3);

	assert_int_equal(assay_store_series_get(st, "t/x", &info, &err), 1);
	assert_int_equal(assay_store_load(st, info.id, NULL, &obs, &err), 0);
	assert_int_equal(obs.n, 3);
	assert_true(obs.value[0] == 1234.5678901234567);
	assert_true(obs.value[1] == 0.25);
	assert_true(obs.value[2] == -1e-3);
	assay_obs_release(&obs);
	assay_series_info_release(&info);
	assay_store_close(st);
	tmpstore_remove(&t);
}

/* assay_scan judges in threads of its own, which start in the global
 * locale rather than the caller's: their messages must not depend on it,
 * nor their values. */
static void test_scan(void **state)
{
	(void)state;
	struct tmpstore t;
	assay_store *st;
	assay_error err;
	assay_import_opts o;
	assay_import_result res;
	assay_scan_opts so;
	assay_scan_result sr;

	tmpstore_make(&t);
	FILE *fp = fopen(t.csv, "wb");
	assert_non_null(fp);
	fputs("series,date,value\n", fp);
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < 48; i++)
			fprintf(fp, "t/%c,%04d-%02d,%s\n", 'a' + s, 2020 + i / 12,
				i % 12 + 1, i == 47 ? "200.5" :
				(i % 2 ? "100.25" : "101.75"));
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(assay_store_open(&st, t.db, 0, &err), 0);
	memset(&o, 0, sizeof o);
	o.path = t.csv;
	o.decimal = '.';
	o.meta[ASSAY_META_KIND] = "price";
	o.vintage = "2026-04-01T23:59:59Z";
	if (assay_import(st, &o, &res, &err))
		fail_msg("import failed: %s", err.msg);
	assay_store_close(st);

	char *names[] = { "t/a", "t/b" };
	assay_scan_opts_init(&so);
	so.jobs = 2;
	if (assay_scan(t.db, names, 2, &so, &sr, &err))
		fail_msg("scan failed: %s", err.msg);
	assert_int_equal(sr.n, 2);
	for (size_t i = 0; i < sr.n; i++) {
		if (sr.rows[i].failed)
			fail_msg("%s: %s", sr.rows[i].name, sr.rows[i].error.msg);
		assert_true(sr.rows[i].value == 200.5);
	}
	assay_scan_result_release(&sr);

	/* Each scan opens a connection per worker at once, and the first
	 * reader of a store nobody has open sets up its WAL index: the others
	 * must wait for it, not fail with "database is locked" (one scan in
	 * ten did, before the busy handler was set ahead of the first read). */
	for (int rep = 0; rep < 1000; rep++) {
		if (assay_scan(t.db, names, 2, &so, &sr, &err))
			fail_msg("scan failed: %s", err.msg);
		for (size_t i = 0; i < sr.n; i++)
			if (sr.rows[i].failed)
				fail_msg("scan %d: %s: %s", rep, sr.rows[i].name,
					 sr.rows[i].error.msg);
		assay_scan_result_release(&sr);
	}

	so.analysis.judge.alpha = 1.5;
	if (assay_scan(t.db, names, 2, &so, &sr, &err))
		fail_msg("scan failed: %s", err.msg);
	/* Bad options are a reason not to judge, with the message kept. */
	assert_int_equal(sr.judged, 0);
	for (size_t i = 0; i < sr.n; i++) {
		assert_non_null(sr.rows[i].reason);
		assert_string_equal(sr.rows[i].error.msg,
				    "alpha 1.5 is not between 0 and 1");
	}
	assay_scan_result_release(&sr);
	tmpstore_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locale_is_comma_decimal),
		cmocka_unit_test(test_fmt_g),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_penalty_parse),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_vintage),
		cmocka_unit_test(test_import_round_trip),
		cmocka_unit_test(test_scan),
	};
	assay_init();
	return cmocka_run_group_tests(tests, enter_comma_locale, leave_comma_locale);
}
