/*
 * Unit tests of resample.c.
 *
 * Table-driven part: tests/fixtures/analysis/resample.csv, computed by
 * scripts/make-fixtures-analysis with pandas (groupby on a PeriodIndex;
 * sum with min_count=1) on real World Bank and BGS series and synthetic
 * daily and weekly ones (a weekly flow spread over the days of its week):
 * every kind (flow, price, stock) to every lower frequency,
 * compared to 1e-9 relative; n_obs and partial exactly.
 * Hand-written part: the rules of resample.h on tiny inputs.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "assay/resample.h"
#include "analysis_fixture.h"

static void test_fixture(void **state)
{
	(void)state;
	struct fx_table t;
	assert_int_equal(fx_load("analysis/resample.csv", &t), 0);
	assert_true(t.nrows > 1000);
	int c_series = fx_col(&t, "series"), c_kind = fx_col(&t, "kind"),
	    c_to = fx_col(&t, "to"), c_period = fx_col(&t, "period"),
	    c_value = fx_col(&t, "value"), c_nobs = fx_col(&t, "n_obs"),
	    c_partial = fx_col(&t, "partial");
	size_t r = 0, groups = 0;
	while (r < t.nrows) {
		/* one group: same series, kind and target */
		const char *name = fx_str(&t, r, c_series);
		const char *kind = fx_str(&t, r, c_kind);
		const char *to = fx_str(&t, r, c_to);
		size_t end = r;
		while (end < t.nrows && !strcmp(fx_str(&t, end, c_series), name) &&
		       !strcmp(fx_str(&t, end, c_kind), kind) &&
		       !strcmp(fx_str(&t, end, c_to), to))
			end++;
		assay_obs obs;
		assay_freq f;
		assay_resampled s;
		assay_error err;
		assert_int_equal(fx_series(name, &obs, &f), 0);
		assert_int_equal(assay_resample(&obs, f, assay_kind_parse(kind),
						assay_freq_parse(to), &s, &err), 0);
		if (s.n != end - r)
			fail_msg("%s %s -> %s: %zu rows, expected %zu", name, kind,
				 to, s.n, end - r);
		for (size_t i = 0; i < s.n; i++, r++) {
			char lbl[32];
			assay_period_format(s.freq, s.period[i], lbl, sizeof lbl);
			const char *want = fx_str(&t, r, c_period);
			if (strcmp(lbl, want))
				fail_msg("%s %s: period %s, expected %s", name, kind,
					 lbl, want);
			double v = fx_num(&t, r, c_value);
			if (!fx_close(s.value[i], v, 1e-9, 0))
				fail_msg("%s %s -> %s %s: value %.17g, expected %.17g",
					 name, kind, to, lbl, s.value[i], v);
			assert_int_equal(s.n_obs[i], atoi(fx_str(&t, r, c_nobs)));
			if (s.partial[i] != atoi(fx_str(&t, r, c_partial)))
				fail_msg("%s %s -> %s %s: partial %d", name, kind, to,
					 lbl, s.partial[i]);
		}
		assay_resampled_release(&s);
		assay_obs_release(&obs);
		groups++;
	}
	assert_int_equal(groups, 45);
	fx_free(&t);
}

/* Build monthly observations from (year, month, value) triples. */
static void monthly(assay_obs *o, const int (*ym)[2], const double *v, size_t n)
{
	static assay_period p[64];
	static double x[64];
	for (size_t i = 0; i < n; i++) {
		p[i] = (assay_period)ym[i][0] * 12 + ym[i][1] - 1;
		x[i] = v[i];
	}
	o->period = p;
	o->value = x;
	o->n = n;
}

static void test_gaps_and_partial(void **state)
{
	(void)state;
	/* Jan-Mar 2025 complete, Apr-Jun missing entirely, Jul-Aug only. */
	static const int ym[][2] = { { 2025, 1 }, { 2025, 2 }, { 2025, 3 },
				     { 2025, 7 }, { 2025, 8 } };
	static const double v[] = { 10, 20, 30, 5, 7 };
	assay_obs o;
	assay_resampled s;
	assay_error err;
	monthly(&o, ym, v, 5);
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_M, ASSAY_KIND_FLOW,
					ASSAY_FREQ_Q, &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_true(s.value[0] == 60 && s.n_obs[0] == 3 && !s.partial[0]);
	/* a gap is a gap: not a 0 sum (pandas#42821) */
	assert_true(isnan(s.value[1]) && s.n_obs[1] == 0 && !s.partial[1]);
	assert_true(s.value[2] == 12 && s.n_obs[2] == 2 && s.partial[2]);
	assay_resampled_release(&s);

	assert_int_equal(assay_resample(&o, ASSAY_FREQ_M, ASSAY_KIND_STOCK,
					ASSAY_FREQ_Q, &s, &err), 0);
	assert_true(s.value[0] == 30 && s.value[2] == 7);
	assay_resampled_release(&s);
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_M, ASSAY_KIND_PRICE,
					ASSAY_FREQ_A, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_true(fabs(s.value[0] - 72.0 / 5) < 1e-15 && s.partial[0] &&
		    s.n_obs[0] == 5);
	assay_resampled_release(&s);

	/* same frequency: gap rows filled in, nothing partial */
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_M, ASSAY_KIND_NONE,
					ASSAY_FREQ_M, &s, &err), 0);
	assert_int_equal(s.n, 8);
	assert_true(isnan(s.value[3]) && s.n_obs[3] == 0 && s.value[6] == 5);
	assay_resampled_release(&s);
}

static void test_explicit_na(void **state)
{
	(void)state;
	static const int ym[][2] = { { 2025, 1 }, { 2025, 2 }, { 2025, 3 } };
	static const double v[] = { 1, NAN, 3 };
	assay_obs o;
	assay_resampled s;
	assay_error err;
	monthly(&o, ym, v, 3);
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_M, ASSAY_KIND_FLOW,
					ASSAY_FREQ_Q, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_true(s.value[0] == 4 && s.n_obs[0] == 2 && s.partial[0]);
	assay_resampled_release(&s);
}

static void test_daily_rules(void **state)
{
	(void)state;
	/* Daily data 2025-01-02 .. 2025-04-10: Q1 complete (data in every
	 * month, and the ends are within 7 days), April partial (the data
	 * stop 20 days before the month ends). */
	static assay_period p[128];
	static double x[128];
	size_t n = 0;
	for (int64_t d = assay_days_from_civil(2025, 1, 2);
	     d <= assay_days_from_civil(2025, 4, 10); d++) {
		p[n] = d;
		x[n++] = 1;
	}
	assay_obs o = { p, x, n };
	assay_resampled s;
	assay_error err;
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_D, ASSAY_KIND_FLOW,
					ASSAY_FREQ_M, &s, &err), 0);
	assert_int_equal(s.n, 4);
	assert_true(!s.partial[0] && s.value[0] == 30 && !s.partial[2]);
	assert_true(s.partial[3] && s.value[3] == 10);
	assay_resampled_release(&s);
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_D, ASSAY_KIND_FLOW,
					ASSAY_FREQ_Q, &s, &err), 0);
	assert_int_equal(s.n, 2);
	assert_true(!s.partial[0] && s.partial[1]);
	assay_resampled_release(&s);

	/* data starting on the 20th: the first month is partial */
	o.period = p + 18;
	o.value = x + 18;
	o.n = n - 18;
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_D, ASSAY_KIND_FLOW,
					ASSAY_FREQ_M, &s, &err), 0);
	assert_true(s.partial[0] && !s.partial[1]);
	assay_resampled_release(&s);
}

static void test_errors(void **state)
{
	(void)state;
	static const int ym[][2] = { { 2025, 1 } };
	static const double v[] = { 1 };
	assay_obs o;
	assay_resampled s;
	assay_error err;
	monthly(&o, ym, v, 1);
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_M, ASSAY_KIND_FLOW,
					ASSAY_FREQ_D, &s, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	assert_non_null(strstr(err.msg, "lower frequency"));
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_M, ASSAY_KIND_NONE,
					ASSAY_FREQ_Q, &s, &err), -1);
	assert_non_null(strstr(err.msg, "kind"));
	o.n = 0;
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_M, ASSAY_KIND_FLOW,
					ASSAY_FREQ_Q, &s, &err), 0);
	assert_int_equal(s.n, 0);
	assay_resampled_release(&s);
	assay_resampled_release(NULL);
}

/* Values near the top of a double's range: a price's mean is finite and
 * is the mean (its sum is not); a flow's sum beyond 1.8e308 is an error
 * naming the period (it was an infinity that every caller read as NA). */
static void test_overflow(void **state)
{
	(void)state;
	static const int ym[][2] = { { 2025, 1 }, { 2025, 2 }, { 2025, 3 },
				     { 2025, 4 } };
	static const double v[] = { 1.7e308, 1.5e308, 1.6e308, 1 };
	assay_obs o;
	assay_resampled s;
	assay_error err;
	monthly(&o, ym, v, 4);
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_M, ASSAY_KIND_PRICE,
					ASSAY_FREQ_Q, &s, &err), 0);
	assert_int_equal(s.n, 2);
	assert_true(fabs(s.value[0] - 1.6e308) < 1e-15 * 1.6e308);
	assert_true(s.value[1] == 1);
	assay_resampled_release(&s);
	assert_int_equal(assay_resample(&o, ASSAY_FREQ_M, ASSAY_KIND_FLOW,
					ASSAY_FREQ_Q, &s, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	assert_string_equal(err.msg, "the sum for 2025Q1 is beyond the range "
			    "of a number (1.8e308)");
	assert_int_equal(s.n, 0);
}

int main(void)
{
	assay_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_gaps_and_partial),
		cmocka_unit_test(test_explicit_na),
		cmocka_unit_test(test_daily_rules),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
