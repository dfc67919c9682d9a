/*
 * The importer as a library call: the result counts, the error struct (the
 * library never prints), the notice callback, dry runs, and that a failed
 * import leaves the store as it was.  The command line is tested end to
 * end in tests/e2e; this checks the contract of assay/import.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "assay/import.h"
#include "store_internal.h"       /* the store's connection, to check its tables */

struct env {
	char dir[64];
	char db[96];
	char csv[96];
	assay_store *st;
	char notices[8][256];   /* messages the notice callback got */
	int nnotice;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	assay_error err;
	snprintf(e->dir, sizeof e->dir, "/tmp/assay-test-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->db, sizeof e->db, "%s/store.db", e->dir);
	snprintf(e->csv, sizeof e->csv, "%s/in.csv", e->dir);
	assert_int_equal(assay_store_open(&e->st, e->db, 0, &err), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char path[160];
	assay_store_close(e->st);
	const char *files[] = { "store.db", "store.db-wal", "store.db-shm", "in.csv" };
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", e->dir, files[i]);
		unlink(path);
	}
	rmdir(e->dir);
	free(e);
	return 0;
}

static void write_csv(struct env *e, const char *text)
{
	FILE *fp = fopen(e->csv, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void on_notice(void *ctx, const char *msg)
{
	struct env *e = ctx;
	if (e->nnotice < 8)
		snprintf(e->notices[e->nnotice], sizeof e->notices[0], "%s", msg);
	e->nnotice++;
}

static void opts_init(struct env *e, assay_import_opts *o)
{
	memset(o, 0, sizeof *o);
	o->path = e->csv;
	o->decimal = '.';
	o->notice = on_notice;
	o->ctx = e;
	o->meta[ASSAY_META_KIND] = "price";
}

static long long count(struct env *e, const char *sql)
{
	sqlite3_stmt *q;
	long long n = -1;
	assert_int_equal(sqlite3_prepare_v2(e->st->db, sql, -1, &q, NULL),
			 SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

static void test_slug(void **state)
{
	(void)state;
	const struct { const char *in, *out; } cases[] = {
		{ "Congo (Kinshasa)", "congo-kinshasa" },
		{ "  Mine production, cobalt content, estimated ",
		  "mine-production-cobalt-content-estimated" },
		{ "USprod_Mine_t", "usprod_mine_t" },
		{ "Price 1.5%", "price-1.5" },
		{ "C\xC3\xB4te d'Ivoire", "c\xC3\xB4te-d-ivoire" },
		{ "a\xC2\xA0" "b", "a-b" },
		/* capitals outside ASCII, by table: Último, ÉTAIN Ÿ, ŁÓDŹ,
		 * ΑΛΦΑ, МЕДЬ; the sign × is no letter */
		{ "\xC3\x9Altimo", "\xC3\xBAltimo" },
		{ "\xC3\x89TAIN \xC5\xB8", "\xC3\xA9tain-\xC3\xBF" },
		{ "\xC5\x81\xC3\x93" "D\xC5\xB9", "\xC5\x82\xC3\xB3" "d\xC5\xBA" },
		{ "\xCE\x91\xCE\x9B\xCE\xA6\xCE\x91", "\xCE\xB1\xCE\xBB\xCF\x86\xCE\xB1" },
		{ "\xD0\x9C\xD0\x95\xD0\x94\xD0\xAC", "\xD0\xBC\xD0\xB5\xD0\xB4\xD1\x8C" },
		{ "2\xC3\x97" "3", "2\xC3\x97" "3" },
		/* footnote marks: '*', a dagger, a double dagger */
		{ "Tin \xE2\x80\xA0", "tin" },
		{ "Beef **", "beef" },
		{ "Lead\xE2\x80\xA1 ore", "lead-ore" },
		{ "---", "" },
		{ "", "" },
	};
	char buf[128];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_string_equal(assay_slug(cases[i].in, buf, sizeof buf),
				    cases[i].out);
	char small[5];
	assert_string_equal(assay_slug("abcdefgh", small, sizeof small), "abcd");
	/* no half character at the end */
	assert_string_equal(assay_slug("abc\xC3\x89", small, sizeof small), "abc");
}

static void test_counts_and_revisions(void **state)
{
	struct env *e = *state;
	assay_import_opts o;
	assay_import_result r;
	assay_error err;

	write_csv(e, "series,date,value\ncu,2026-01-05,1\ncu,2026-01-06,NA\n"
		     "zn,2026-01-05,2\n");
	opts_init(e, &o);
	o.vintage = "2026-01-10T00:00:00Z";
	assert_int_equal(assay_import(e->st, &o, &r, &err), 0);
	assert_int_equal(r.rows_read, 3);
	assert_int_equal(r.values, 2);
	assert_int_equal(r.inserted, 2);
	assert_int_equal(r.na, 1);
	assert_int_equal(r.series_new, 2);
	assert_int_equal(r.series_total, 2);
	assert_int_equal(r.freq, ASSAY_FREQ_D);
	assert_true(r.import_id > 0);
	assert_int_equal(strlen(r.sha256), 64);

	/* A later vintage revises one value and leaves the other. */
	write_csv(e, "series,date,value\ncu,2026-01-05,1.5\nzn,2026-01-05,2\n");
	o.vintage = "2026-02-10T00:00:00Z";
	o.meta[ASSAY_META_KIND] = NULL;         /* known series need no kind */
	assert_int_equal(assay_import(e->st, &o, &r, &err), 0);
	assert_int_equal(r.revised, 1);
	assert_int_equal(r.unchanged, 1);
	assert_int_equal(r.inserted, 0);
	assert_int_equal(r.series_new, 0);

	/* An earlier vintage imported later is kept as such. */
	write_csv(e, "series,date,value\ncu,2026-01-05,0.5\n");
	o.vintage = "2026-01-01T00:00:00Z";
	assert_int_equal(assay_import(e->st, &o, &r, &err), 0);
	assert_int_equal(r.older, 1);
	assay_series_info info;
	assay_obs obs;
	assert_int_equal(assay_store_series_get(e->st, "cu", &info, &err), 1);
	assert_int_equal(assay_store_load(e->st, info.id, NULL, &obs, &err), 0);
	assert_int_equal(obs.n, 1);
	assert_true(obs.value[0] == 1.5);
	assay_obs_release(&obs);
	assert_int_equal(assay_store_load(e->st, info.id, "2026-01-05T00:00:00Z",
					  &obs, &err), 0);
	assert_int_equal(obs.n, 1);
	assert_true(obs.value[0] == 0.5);
	assay_obs_release(&obs);
	assay_series_info_release(&info);
	assert_int_equal(e->nnotice, 0);
}

static void test_error_writes_nothing(void **state)
{
	struct env *e = *state;
	assay_import_opts o;
	assay_import_result r;
	assay_error err;
	char want[256];

	write_csv(e, "series,date,value\ncu,2026-01-05,1\ncu,2026-13-01,2\n");
	opts_init(e, &o);
	assert_int_equal(assay_import(e->st, &o, &r, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	snprintf(want, sizeof want, "%s:3:2: cannot read date '2026-13-01': "
		 "month 13 is out of range", e->csv);
	assert_string_equal(err.msg, want);
	assert_int_equal(count(e, "SELECT count(*) FROM series"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM imports"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM obs"), 0);

	/* A second value for a period fails in the writing pass: rolled back. */
	write_csv(e, "series,date,value\ncu,2026-01-05,1\ncu,2026-01-05,2\n");
	assert_int_equal(assay_import(e->st, &o, &r, &err), -1);
	snprintf(want, sizeof want, "%s:3:3: second value for 'cu' 2026-01-05: "
		 "2 here, 1 at line 2", e->csv);
	assert_string_equal(err.msg, want);
	assert_int_equal(count(e, "SELECT count(*) FROM series"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM imports"), 0);

	/* A missing file is a usage error, with the path. */
	o.path = "/nonexistent/x.csv";
	assert_int_equal(assay_import(e->st, &o, &r, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	assert_string_equal(err.msg, "/nonexistent/x.csv: cannot open: "
			    "No such file or directory");
}

static void test_notices_and_skip_bad(void **state)
{
	struct env *e = *state;
	assay_import_opts o;
	assay_import_result r;
	assay_error err;
	char want[256];

	write_csv(e, "series,date,value\nli,2020,>50\nli,2021,7\nli,20x1,8\n"
		     "li,2022,9\n");
	opts_init(e, &o);
	o.skip_bad = 1;
	assert_int_equal(assay_import(e->st, &o, &r, &err), 0);
	assert_int_equal(r.inserted, 2);
	assert_int_equal(r.skipped, 2);
	assert_int_equal(e->nnotice, 2);
	snprintf(want, sizeof want, "%s:2:3: value '>50' has qualifier '>'; "
		 "not imported", e->csv);
	assert_string_equal(e->notices[0], want);
	snprintf(want, sizeof want, "%s:4:2: cannot read date '20x1': not a "
		 "date (give its form with --date-format) (row skipped)", e->csv);
	assert_string_equal(e->notices[1], want);
}

/* How full dates are read is decided by all of them: month starts are
 * months, one weekday weeks, the rest days.  The importer reads a file once
 * when it can (the dates then are days, or no full dates at all) and
 * twice otherwise; every case must give what two passes give. */
static void import_freq(struct env *e, const char *csv, const char *want_freq,
			long long want_periods, const char *last_label)
{
	assay_import_opts o;
	assay_import_result r;
	assay_error err;
	char sql[256];

	assay_store_close(e->st);
	unlink(e->db);
	assert_int_equal(assay_store_open(&e->st, e->db, 0, &err), 0);
	write_csv(e, csv);
	opts_init(e, &o);
	o.series_name = "s";
	assert_int_equal(assay_import(e->st, &o, &r, &err), 0);
	snprintf(sql, sizeof sql, "SELECT freq = '%s' FROM series", want_freq);
	assert_int_equal(count(e, sql), 1);
	assert_int_equal(count(e, "SELECT count(*) FROM obs"), want_periods);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM observations"
		 " WHERE period = '%s'", last_label);
	assert_int_equal(count(e, sql), 1);
	assert_int_equal(e->nnotice, 0);
}

static void test_dates_one_pass_or_two(void **state)
{
	struct env *e = *state;
	import_freq(e, "date,value\n2020-01-01,1\n2020-02-01,2\n2020-03-01,3\n",
		    "M", 3, "2020-03");
	import_freq(e, "date,value\n2020-01-06,1\n2020-01-13,2\n2020-01-20,3\n",
		    "W", 3, "2020-01-20");
	import_freq(e, "date,value\n2020-01-01,1\n2020-02-01,2\n2020-03-05,3\n",
		    "D", 3, "2020-03-05");
	import_freq(e, "date,value\n2020-01,1\n2020-02,2\n", "M", 2, "2020-02");
	/* a date-only row does not count: the others are month starts */
	import_freq(e, "date,value\n2020-01-01,1\n2020-02-01,2\n2020-02-07,\n",
		    "M", 2, "2020-02");
}

/* A wide file of many columns, or a long one sorted by date, imports with
 * a larger page cache (its series' pages must fit), and the store's cache
 * is as before afterwards, whether the import succeeded or failed. */
static void test_wide_cache_restored(void **state)
{
	struct env *e = *state;
	assay_import_opts o;
	assay_import_result r;
	assay_error err;
	char text[8192];
	size_t n = 0;
	n += (size_t)snprintf(text + n, sizeof text - n, "date");
	for (int c = 0; c < 40; c++)
		n += (size_t)snprintf(text + n, sizeof text - n, ",c%02d", c);
	for (int m = 1; m <= 12; m++) {
		n += (size_t)snprintf(text + n, sizeof text - n, "\n2026-%02d", m);
		for (int c = 0; c < 40; c++)
			n += (size_t)snprintf(text + n, sizeof text - n, ",%d", m + c);
	}
	snprintf(text + n, sizeof text - n, "\n");
	long long before = count(e, "PRAGMA cache_size");
	write_csv(e, text);
	opts_init(e, &o);
	o.prefix = "w/";
	assert_int_equal(assay_import(e->st, &o, &r, &err), 0);
	assert_int_equal(r.inserted, 480);
	assert_int_equal(count(e, "PRAGMA cache_size"), before);
	/* a failing one (a bad value in the last row) */
	memcpy(strrchr(text, ',') + 1, "x\n", 3);
	write_csv(e, text);
	o.prefix = "v/";
	assert_int_equal(assay_import(e->st, &o, &r, &err), -1);
	assert_int_equal(count(e, "PRAGMA cache_size"), before);
	assert_int_equal(count(e, "SELECT count(*) FROM obs"), 480);
	/* a long file sorted by date: its series take turns too */
	n = (size_t)snprintf(text, sizeof text, "series,date,value\n");
	for (int m = 1; m <= 12; m++)
		for (int c = 0; c < 40; c++)
			n += (size_t)snprintf(text + n, sizeof text - n,
					      "l/c%02d,2026-%02d,%d\n", c, m, m + c);
	write_csv(e, text);
	o.prefix = NULL;
	assert_int_equal(assay_import(e->st, &o, &r, &err), 0);
	assert_int_equal(r.inserted, 480);
	assert_int_equal(count(e, "PRAGMA cache_size"), before);
	assert_int_equal(count(e, "SELECT count(*) FROM obs"), 960);
}

static void test_dry_run(void **state)
{
	struct env *e = *state;
	assay_import_opts o;
	assay_import_result r;
	assay_error err;

	write_csv(e, "date,cu,zn\n2026-01,1,2\n2026-02,3,\n");
	opts_init(e, &o);
	o.dry_run = 1;
	o.prefix = "x/";
	assert_int_equal(assay_import(e->st, &o, &r, &err), 0);
	assert_int_equal(r.import_id, 0);
	assert_int_equal(r.inserted, 3);
	assert_int_equal(r.na, 1);
	assert_int_equal(r.series_new, 2);
	assert_int_equal(r.freq, ASSAY_FREQ_M);
	assert_int_equal(count(e, "SELECT count(*) FROM series"), 0);
	assert_int_equal(count(e, "SELECT count(*) FROM imports"), 0);
}


/* Values read the same double as strtod, whatever the number of digits and
 * decimals (the importer's fast path must agree with the C library). */
static void test_numbers_as_strtod(void **state)
{
	struct env *e = *state;
	enum { N = 5000 };
	static char text[N][40];
	FILE *fp = fopen(e->csv, "wb");
	unsigned long long x = 88172645463325252ULL;        /* xorshift64 */
	assert_non_null(fp);
	fputs("date,value\n", fp);
	for (int i = 0; i < N; i++) {
		char digits[24];
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		int nd = 1 + (int)(x % 19), fr = (int)((x >> 8) % (unsigned)(nd + 1));
		for (int k = 0; k < nd; k++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			digits[k] = (char)('0' + x % 10);
		}
		digits[nd] = 0;
		snprintf(text[i], sizeof text[i], "%s%.*s%s%s", x & 1 ? "-" : "",
			 nd - fr, nd - fr ? digits : "0", fr ? "." : "", digits + nd - fr);
		fprintf(fp, "%d,%s\n", 1000 + i, text[i]);
	}
	assert_int_equal(fclose(fp), 0);
	assay_import_opts o;
	assay_import_result r;
	assay_error err;
	assay_series_info info;
	assay_obs obs;
	opts_init(e, &o);
	o.series_name = "t/numbers";
	assert_int_equal(assay_import(e->st, &o, &r, &err), 0);
	assert_int_equal(assay_store_series_get(e->st, "t/numbers", &info, &err), 1);
	assert_int_equal(assay_store_load(e->st, info.id, NULL, &obs, &err), 0);
	assert_int_equal(obs.n, N);
	for (int i = 0; i < N; i++)
		if (obs.value[i] != strtod(text[i], NULL))
			fail_msg("'%s' read as %.17g, strtod %.17g", text[i],
				 obs.value[i], strtod(text[i], NULL));
	assay_obs_release(&obs);
	assay_series_info_release(&info);
}

static void test_bad_options(void **state)
{
	struct env *e = *state;
	assay_import_opts o;
	assay_import_result r;
	assay_error err;

	write_csv(e, "date,value\n2026-01-05,1\n");
	opts_init(e, &o);
	o.decimal = ';';
	assert_int_equal(assay_import(e->st, &o, &r, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	opts_init(e, &o);
	o.layout = ASSAY_LAYOUT_SINGLE;         /* without a series name */
	assert_int_equal(assay_import(e->st, &o, &r, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	assert_non_null(strstr(err.msg, "the single layout needs --series NAME"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug),
		cmocka_unit_test_setup_teardown(test_counts_and_revisions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notices_and_skip_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wide_cache_restored, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dates_one_pass_or_two, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers_as_strtod, setup, teardown),
	};
	assay_init();
	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
