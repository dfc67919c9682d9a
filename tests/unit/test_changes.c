/*
 * Unit tests of changes.c.
 *
 * Table-driven part: tests/fixtures/analysis/changes.csv, computed by
 * scripts/make-fixtures-analysis with pandas (x / x.shift(1) - 1 on a
 * complete PeriodIndex, so gaps give NaN) on real World Bank and BGS
 * series, a real Brent-WTI spread (negative at times) and synthetic daily
 * and seasonal series; compared to 1e-9 relative (1e-12 absolute for
 * changes that are zero up to rounding).
 * Hand-written part: NA rules (zero and negative bases, gaps, partial
 * periods) and year-over-year by period arithmetic.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "assay/changes.h"
#include "analysis_fixture.h"

/* "name:kind:to:mode:allow" */
static void parse_case(const char *c, char *name, size_t n, assay_kind *kind,
		       assay_freq *to, int *allow)
{
	char buf[256], *f[5];
	snprintf(buf, sizeof buf, "%s", c);
	int k = 0;
	for (char *p = strtok(buf, ":"); p && k < 5; p = strtok(NULL, ":"))
		f[k++] = p;
	assert_int_equal(k, 5);
	snprintf(name, n, "%s", f[0]);
	*kind = assay_kind_parse(f[1]);
	*to = assay_freq_parse(f[2]);
	*allow = atoi(f[4]);
}

static void test_fixture(void **state)
{
	(void)state;
	struct fx_table t;
	assert_int_equal(fx_load("analysis/changes.csv", &t), 0);
	int c_case = fx_col(&t, "case"), c_period = fx_col(&t, "period");
	int cols[4] = { fx_col(&t, "pct"), fx_col(&t, "log"), fx_col(&t, "diff"),
			fx_col(&t, "yoy") };
	static const char *names[4] = { "pct", "log", "diff", "yoy" };
	size_t r = 0, cases = 0, finite = 0;
	while (r < t.nrows) {
		const char *cs = fx_str(&t, r, c_case);
		size_t end = r;
		while (end < t.nrows && !strcmp(fx_str(&t, end, c_case), cs))
			end++;
		char name[128];
		assay_kind kind;
		assay_freq to, f;
		int allow;
		parse_case(cs, name, sizeof name, &kind, &to, &allow);
		assay_obs obs;
		assay_resampled s;
		assay_changes c;
		assay_error err;
		assert_int_equal(fx_series(name, &obs, &f), 0);
		assert_int_equal(assay_resample(&obs, f, kind, to, &s, &err), 0);
		assert_int_equal(assay_changes_compute(&s, allow, &c, &err), 0);
		assert_int_equal(c.n, end - r);
		for (size_t i = 0; i < c.n; i++, r++) {
			char lbl[32];
			assay_period_format(s.freq, s.period[i], lbl, sizeof lbl);
			assert_string_equal(lbl, fx_str(&t, r, c_period));
			double got[4] = { c.pct[i], c.log[i], c.diff[i], c.yoy[i] };
			for (int k = 0; k < 4; k++) {
				double want = fx_num(&t, r, cols[k]);
				finite += isfinite(want);
				if (!fx_close(got[k], want, 1e-9, 1e-12))
					fail_msg("%s %s: %s %.17g, expected %.17g", cs,
						 lbl, names[k], got[k], want);
			}
		}
		assay_changes_release(&c);
		assay_resampled_release(&s);
		assay_obs_release(&obs);
		cases++;
	}
	assert_int_equal(cases, 11);
	assert_true(finite > 8000);
	fx_free(&t);
}

static void test_single_pairs(void **state)
{
	(void)state;
	assert_true(assay_change_pct(100, 85.2) == (85.2 / 100 - 1) * 100);
	assert_true(isnan(assay_change_pct(0, 5)));         /* zero base */
	assert_true(isnan(assay_change_pct(-2, 5)));        /* negative base */
	assert_true(assay_change_pct(2, -1) == -150);       /* defined */
	assert_true(isnan(assay_change_log(2, 0)));
	assert_true(isnan(assay_change_log(-2, -1)));
	assert_true(assay_change_log(2, 2) == 0);
	assert_true(assay_change_diff(-2, 5) == 7);
	assert_true(isnan(assay_change_diff(NAN, 5)));
	assert_true(isnan(assay_change_pct(INFINITY, 5)));
	/* where the ratio leaves the doubles, the difference of the logs
	 * (it was NA); the ratio's form elsewhere, to the bit */
	assert_true(assay_change_log(1e300, 1e-300) == log(1e-300) - log(1e300));
	assert_true(assay_change_log(1e-300, 1e300) == log(1e300) - log(1e-300));
	assert_true(fabs(assay_change_log(1e300, 1e-300) + 1381.5510557964274) < 1e-12);
	assert_true(assay_change_log(4e-310, 1e10) == log(1e10) - log(4e-310));
	assert_true(assay_change_log(3, 7) == log(7.0 / 3));
	assert_true(assay_change_log(1e300, 1e-8) == log(1e-8 / 1e300));
	/* a percent or difference beyond the doubles is NA, never inf */
	assert_true(isnan(assay_change_pct(1e-300, 1e300)));
	assert_true(assay_change_pct(1e300, 1e-300) == -100);
	assert_true(isnan(assay_change_diff(-1e308, 1e308)));
	assert_true(assay_change_diff(-1e307, 1e307) == 2e307);
	assert_int_equal(assay_yoy_lag(ASSAY_FREQ_Q), 4);
	assert_int_equal(assay_yoy_lag(ASSAY_FREQ_M), 12);
	assert_int_equal(assay_yoy_lag(ASSAY_FREQ_A), 1);
	assert_int_equal(assay_yoy_lag(ASSAY_FREQ_D), 0);
}

static void test_gap_and_partial(void **state)
{
	(void)state;
	/* quarters 2024Q1..2025Q2: 2024Q3 a gap, 2025Q2 partial */
	assay_period p[6];
	double v[6] = { 100, 110, NAN, 120, 90, 45 };
	int nobs[6] = { 3, 3, 0, 3, 3, 1 };
	unsigned char part[6] = { 0, 0, 0, 0, 0, 1 };
	for (int i = 0; i < 6; i++)
		p[i] = 2024 * 4 + i;
	assay_resampled s = { ASSAY_FREQ_Q, p, v, nobs, part, 6 };
	assay_changes c;
	assay_error err;
	assert_int_equal(assay_changes_compute(&s, 0, &c, &err), 0);
	assert_true(isnan(c.pct[0]));
	assert_true(fabs(c.pct[1] - 10) < 1e-12);
	assert_true(isnan(c.pct[2]) && isnan(c.pct[3]));    /* across the gap */
	assert_true(isnan(c.log[3]) && isnan(c.diff[3]));   /* never 0% */
	assert_true(fabs(c.pct[4] + 25) < 1e-12);
	assert_true(isnan(c.pct[5]));                       /* partial */
	/* yoy by period arithmetic: 2025Q1 against 2024Q1, 2025Q2 (partial) NA */
	assert_true(fabs(c.yoy[4] + 10) < 1e-12);
	assert_true(isnan(c.yoy[3]));                       /* 2024Q4 vs 2023Q4: none */
	assert_true(c.prev[3] == 2 && c.prev[0] == (size_t)-1);
	assay_changes_release(&c);
	assert_int_equal(assay_changes_compute(&s, 1, &c, &err), 0);
	assert_true(fabs(c.pct[5] + 50) < 1e-12);           /* allowed */
	assert_true(fabs(c.yoy[5] - (45.0 / 110 - 1) * 100) < 1e-12);
	assay_changes_release(&c);
	assay_changes_release(NULL);
}

static void test_daily_yoy(void **state)
{
	(void)state;
	/* 2024-02-29 -> 2025-02-28; 2025-03-03 (Monday) finds 2024-03-01
	 * (Friday) within 6 days */
	assay_period p[4] = { assay_days_from_civil(2024, 2, 29),
			      assay_days_from_civil(2024, 3, 1),
			      assay_days_from_civil(2025, 2, 28),
			      assay_days_from_civil(2025, 3, 3) };
	double v[4] = { 10, 20, 11, 30 };
	int nobs[4] = { 1, 1, 1, 1 };
	unsigned char part[4] = { 0 };
	assay_resampled s = { ASSAY_FREQ_D, p, v, nobs, part, 4 };
	assay_changes c;
	assay_error err;
	assert_int_equal(assay_changes_compute(&s, 0, &c, &err), 0);
	assert_true(isnan(c.yoy[0]) && isnan(c.yoy[1]));
	assert_true(fabs(c.yoy[3] - 50) < 1e-12);
	/* 2025-02-28 looks for 2024-02-28, finds nothing within 6 days
	 * before it (2024-02-29 is after) */
	assert_true(isnan(c.yoy[2]));
	assert_true(fabs(c.pct[1] - 100) < 1e-12);          /* previous row */
	assay_changes_release(&c);
}

int main(void)
{
	assay_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_single_pairs),
		cmocka_unit_test(test_gap_and_partial),
		cmocka_unit_test(test_daily_yoy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
