/*
 * Unit tests of changepoint.c: PELT with the normal mean-change cost on a
 * robust scale.
 *
 * Reference values: tests/fixtures/changepoint-expected.csv, written once
 * by scripts/make-fixtures-trend on real bundled series (BGS cobalt of the
 * DRC, Zambia and Finland; World Bank copper and phosphate rock) with an
 * independent Python optimal partitioning: the unpruned O(n^2) recursion
 * that PELT must reproduce exactly, and Qn computed naively (the k-th of
 * all |d_i - d_j|) with GSL's constants.  Tolerances per row: the scale
 * to 1e-15 (GSL's Qn selects the same order statistic by a different
 * algorithm and multiplies the same constants), the change points, segment
 * lengths and counts exactly, the segment means to 1e-12 and the
 * optimal cost to 1e-9 (the same sums, in the same order, but through
 * Python's and C's log()).
 *
 * Simulations (seeded gsl_rng, so the figures are fixed):
 *   - no change point in >= 95% of Gaussian series without a break;
 *   - a break of 2 sd found within one period of its place in >= 80% of
 *     series (measured 84-88%: that is the statistical limit, not a
 *     weakness of PELT: the least-squares estimator told that there is
 *     exactly one break places a 2 sd break within one period in 86% of
 *     4,000 simulated series of 100), any change point found in >= 99%;
 *     a break of 3 sd within one period in >= 95%;
 *   - two breaks both found within one period;
 *   - the result does not depend on the units: x and 1000 x + 1e6 give
 *     the same segmentation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "fixture_file.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "assay/changepoint.h"

/* ---- fixtures ------------------------------------------------------------ */

static size_t load_series(const char *name, double *x, size_t max)
{
	char file[128], line[256];
	snprintf(file, sizeof file, "trend-series-%s.csv", name);
	FILE *fp = open_fixture(file);
	size_t n = 0;
	next_line(fp, line, sizeof line);
	while (next_line(fp, line, sizeof line)) {
		char *c = strchr(line, ',');
		assert_non_null(c);
		assert_true(n < max);
		x[n++] = strtod(c + 1, NULL);
	}
	fclose(fp);
	return n;
}

static void check_value(const char *what, double got, double want, double tol)
{
	if (tol == 0 ? got != want
		     : !(fabs(got - want) <= tol * fabs(want)))
		fail_msg("%s: got %.17g, want %.17g (tolerance %g)", what, got,
			 want, tol);
}

static void test_fixtures(void **state)
{
	(void)state;
	FILE *fp = open_fixture("changepoint-expected.csv");
	char line[512], *f[10], cur[160] = "";
	double *x = malloc(1000 * sizeof *x);
	assay_cpts cp, op;
	int rows = 0, runs = 0;

	memset(&cp, 0, sizeof cp);
	next_line(fp, line, sizeof line);
	while (next_line(fp, line, sizeof line)) {
		assert_int_equal(split_csv(line, f, 10), 9);
		char id[160];
		snprintf(id, sizeof id, "%s/%s/%s/%s", f[0], f[1], f[2], f[3]);
		if (strcmp(id, cur)) {
			assay_cpt_opts o;
			assay_error err;
			snprintf(cur, sizeof cur, "%s", id);
			size_t n = load_series(f[0], x, 1000);
			assay_cpt_opts_init(&o);
			assert_int_equal(assay_penalty_parse(
				!strcmp(f[1], "manual") ? f[2] : f[1], &o), 0);
			o.min_seg = (size_t)atoi(f[3]);
			assay_cpts_release(&cp);
			if (assay_pelt(x, n, &o, &cp, &err))
				fail_msg("%s: %s", id, err.msg);
			/* PELT and the unpruned recursion: the same result. */
			o.no_prune = 1;
			if (assay_pelt(x, n, &o, &op, &err))
				fail_msg("%s: %s", id, err.msg);
			assert_int_equal(op.nseg, cp.nseg);
			check_value("cost OP", op.cost, cp.cost, 0);
			for (size_t j = 0; j < cp.nseg; j++)
				assert_int_equal(op.seg_start[j], cp.seg_start[j]);
			assay_cpts_release(&op);
			runs++;
		}
		const char *key = f[4];
		long idx = atol(f[5]);
		double want = strtod(f[6], NULL), tol = strtod(f[7], NULL);
		char what[256];
		snprintf(what, sizeof what, "%s %s[%ld]", id, key, idx);
		if (idx >= (long)cp.nseg)
			fail_msg("%s: only %zu segments", what, cp.nseg);
		double got = !strcmp(key, "scale") ? cp.scale :
			     !strcmp(key, "penalty") ? cp.penalty :
			     !strcmp(key, "cost") ? cp.cost :
			     !strcmp(key, "nseg") ? (double)cp.nseg :
			     !strcmp(key, "seg_start") ? (double)cp.seg_start[idx] :
			     !strcmp(key, "seg_len") ? (double)cp.seg_len[idx] :
			     !strcmp(key, "seg_mean") ? cp.seg_mean[idx] : NAN;
		check_value(what, got, want, tol);
		rows++;
	}
	assay_cpts_release(&cp);
	fclose(fp);
	free(x);
	assert_int_equal(runs, 10);
	assert_true(rows > 500);
}

/* ---- PELT equals optimal partitioning on random series ------------------- */

static int same_cpts(const assay_cpts *a, const assay_cpts *b)
{
	if (a->nseg != b->nseg || a->cost != b->cost)
		return 0;
	for (size_t j = 0; j < a->nseg; j++)
		if (a->seg_start[j] != b->seg_start[j] ||
		    a->seg_mean[j] != b->seg_mean[j])
			return 0;
	return 1;
}

static void test_pelt_equals_op(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 12);
	double *x = malloc(300 * sizeof *x);
	for (int rep = 0; rep < 300; rep++) {
		size_t n = 3 + gsl_rng_uniform_int(rng, 200);
		size_t b1 = gsl_rng_uniform_int(rng, n), b2 = gsl_rng_uniform_int(rng, n);
		for (size_t i = 0; i < n; i++)
			x[i] = gsl_ran_gaussian(rng, 1) + (i > b1 ? 1.5 : 0) +
			       (i > b2 ? -2.5 : 0);
		if (rep % 10 == 0)      /* ties: rounded values */
			for (size_t i = 0; i < n; i++)
				x[i] = round(x[i]);
		assay_cpt_opts o;
		assay_cpts a, b;
		assay_error err;
		assay_cpt_opts_init(&o);
		o.penalty = (assay_penalty)(rep % 3);
		o.pen_value = 4;
		o.min_seg = 1 + rep % 5;
		assert_int_equal(assay_pelt(x, n, &o, &a, &err), 0);
		o.no_prune = 1;
		assert_int_equal(assay_pelt(x, n, &o, &b, &err), 0);
		if (!same_cpts(&a, &b))
			fail_msg("rep %d n %zu: PELT %zu segments, OP %zu", rep, n,
				 a.nseg, b.nseg);
		for (size_t j = 1; j < a.nseg; j++)
			assert_true(a.seg_len[j] >= o.min_seg && a.seg_len[0] >= o.min_seg);
		assay_cpts_release(&a);
		assay_cpts_release(&b);
	}
	free(x);
	gsl_rng_free(rng);
}

/* ---- simulations ---------------------------------------------------------- */

/* Fraction of `reps` series of n points (breaks of `delta` sd at each of
 * `at`) where the default settings find any change point (*any), one
 * within one period of every true break (*near), or more change points
 * than true breaks (*extra). */
static void simulate(gsl_rng *rng, size_t n, const size_t *at,
		     const double *delta, int nb, int reps, double *any,
		     double *near, double *extra)
{
	double *x = malloc(n * sizeof *x);
	int a = 0, ne = 0, ex = 0;
	for (int rep = 0; rep < reps; rep++) {
		for (size_t i = 0; i < n; i++) {
			x[i] = 50 + gsl_ran_gaussian(rng, 1);
			for (int k = 0; k < nb; k++)
				if (i >= at[k])
					x[i] += delta[k];
		}
		assay_cpt_opts o;
		assay_cpts c;
		assay_error err;
		assay_cpt_opts_init(&o);
		assert_int_equal(assay_pelt(x, n, &o, &c, &err), 0);
		a += c.nseg > 1;
		ex += (int)c.nseg - 1 > nb;
		int all = 1;
		for (int k = 0; k < nb; k++) {
			int found = 0;
			for (size_t j = 1; j < c.nseg; j++)
				if (labs((long)c.seg_start[j] - (long)at[k]) <= 1)
					found = 1;
			all &= found;
		}
		ne += nb > 0 && all;
		assay_cpts_release(&c);
	}
	free(x);
	*any = (double)a / reps;
	*near = (double)ne / reps;
	*extra = (double)ex / reps;
}

static void test_no_break_no_changepoint(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 2026);
	static const size_t lens[] = { 20, 46, 100, 200 };
	for (int k = 0; k < 4; k++) {
		double any, near, extra;
		simulate(rng, lens[k], NULL, NULL, 0, 1000, &any, &near, &extra);
		print_message("no break, n = %3zu: change point found in %.1f%% of 1000\n",
			      lens[k], 100 * any);
		if (!(1 - any >= 0.95))
			fail_msg("n = %zu: only %.1f%% without change point", lens[k],
				 100 * (1 - any));
	}
	gsl_rng_free(rng);
}

static void test_single_break_found(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 46);
	struct { size_t n, at; double delta, min_near, min_any; } cases[] = {
		{ 46, 23, 2.0, 0.80, 0.99 },
		{ 100, 50, 2.0, 0.80, 0.99 },
		{ 100, 30, -2.0, 0.80, 0.99 },
		{ 46, 23, 3.0, 0.95, 0.99 },
		{ 100, 70, -3.0, 0.95, 0.99 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		double any, near, extra;
		simulate(rng, cases[k].n, &cases[k].at, &cases[k].delta, 1, 1000,
			 &any, &near, &extra);
		print_message("break of %+.0f sd at %zu of %zu: found %.1f%%, within "
			      "one period %.1f%%, extra change points %.1f%%\n",
			      cases[k].delta, cases[k].at, cases[k].n, 100 * any,
			      100 * near, 100 * extra);
		if (!(near >= cases[k].min_near && any >= cases[k].min_any))
			fail_msg("break %+.0f sd, n %zu: found %.3f, near %.3f",
				 cases[k].delta, cases[k].n, any, near);
	}
	gsl_rng_free(rng);
}

static void test_two_breaks_found(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 4);
	size_t at[] = { 40, 80 };
	double delta[] = { 3.0, -4.0 };
	double any, near, extra;
	simulate(rng, 120, at, delta, 2, 1000, &any, &near, &extra);
	print_message("breaks of +3 sd at 40 and -4 sd at 80 of 120: both within "
		      "one period %.1f%%, extra change points %.1f%%\n",
		      100 * near, 100 * extra);
	assert_true(near >= 0.93);
	assert_true(extra <= 0.05);
	gsl_rng_free(rng);
}

static void test_unit_free(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 99);
	double x[80], y[80];
	for (int i = 0; i < 80; i++) {
		x[i] = gsl_ran_gaussian(rng, 1) + (i >= 30 ? 2.5 : 0) + (i >= 55 ? -3 : 0);
		y[i] = 1000 * x[i] + 1e6;
	}
	assay_cpt_opts o;
	assay_cpts a, b;
	assay_error err;
	assay_cpt_opts_init(&o);
	assert_int_equal(assay_pelt(x, 80, &o, &a, &err), 0);
	assert_int_equal(assay_pelt(y, 80, &o, &b, &err), 0);
	assert_int_equal(a.nseg, 3);
	assert_int_equal(a.nseg, b.nseg);
	for (size_t j = 0; j < a.nseg; j++) {
		assert_int_equal(a.seg_start[j], b.seg_start[j]);
		check_value("mean", b.seg_mean[j], 1000 * a.seg_mean[j] + 1e6, 1e-12);
	}
	check_value("scale", b.scale, 1000 * a.scale, 1e-12);
	assay_cpts_release(&a);
	assay_cpts_release(&b);
	gsl_rng_free(rng);
}

static void test_edge_cases(void **state)
{
	(void)state;
	assay_cpt_opts o;
	assay_cpts c;
	assay_error err;
	assay_cpt_opts_init(&o);

	double k[10] = { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 };
	assert_int_equal(assay_pelt(k, 10, &o, &c, &err), 0);
	assert_int_equal(c.nseg, 1);
	assert_int_equal(c.scale_source, ASSAY_SCALE_CONSTANT);
	check_value("mean", c.seg_mean[0], 3, 0);
	assay_cpts_release(&c);

	/* A noiseless step: more than half the differences are 0, so Qn is 0
	 * and the sd of the differences sets the scale; the step is found. */
	double s[12] = { 1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9 };
	assert_int_equal(assay_pelt(s, 12, &o, &c, &err), 0);
	assert_int_equal(c.scale_source, ASSAY_SCALE_SD);
	assert_int_equal(c.nseg, 2);
	assert_int_equal(c.seg_start[1], 6);
	check_value("before", c.seg_mean[0], 1, 0);
	check_value("after", c.seg_mean[1], 9, 0);
	assay_cpts_release(&c);

	double one = 5;
	assert_int_equal(assay_pelt(&one, 1, &o, &c, &err), 0);
	assert_int_equal(c.nseg, 1);
	assay_cpts_release(&c);
	assert_int_equal(assay_pelt(&one, 0, &o, &c, &err), -1);
	assert_int_equal(err.status, ASSAY_ECANNOT);
	double bad[3] = { 1, NAN, 2 };
	assert_int_equal(assay_pelt(bad, 3, &o, &c, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);

	/* A minimum segment longer than half the series: no change possible. */
	o.min_seg = 7;
	assert_int_equal(assay_pelt(s, 12, &o, &c, &err), 0);
	assert_int_equal(c.nseg, 1);
	assay_cpts_release(&c);

	assert_int_equal(assay_penalty_parse("MBIC", &o), 0);
	assert_int_equal(o.penalty, ASSAY_PEN_MBIC);
	assert_int_equal(assay_penalty_parse("bic", &o), 0);
	assert_int_equal(o.penalty, ASSAY_PEN_BIC);
	assert_int_equal(assay_penalty_parse("12.5", &o), 0);
	assert_int_equal(o.penalty, ASSAY_PEN_MANUAL);
	check_value("pen", o.pen_value, 12.5, 0);
	assert_int_equal(assay_penalty_parse("-1", &o), -1);
	assert_int_equal(assay_penalty_parse("aic", &o), -1);
	assert_int_equal(assay_penalty_parse("", &o), -1);
	assay_cpts_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_pelt_equals_op),
		cmocka_unit_test(test_no_break_no_changepoint),
		cmocka_unit_test(test_single_break_found),
		cmocka_unit_test(test_two_breaks_found),
		cmocka_unit_test(test_unit_free),
		cmocka_unit_test(test_edge_cases),
	};
	return cmocka_run_group_tests_name("changepoint", tests, NULL, NULL);
}
