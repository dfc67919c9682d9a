/*
 * Unit tests of trend.c: Mann-Kendall (original, Hamed-Rao, Yue-Wang,
 * seasonal), Sen's slope and its confidence interval, log-linear growth.
 *
 * Reference values: tests/fixtures/trend-expected.csv, written once by
 * scripts/make-fixtures-trend from real bundled series (BGS cobalt mine
 * production of the DRC, Zambia and Finland; World Bank monthly copper
 * and phosphate rock prices) with scipy (kendalltau, theilslopes),
 * statsmodels (OLS) and a Mann-Kendall written by hand in Python from the
 * published formulas.  Each row carries its tolerance:
 *   0      the same double.  S, Var S (integer tie sums / 18 in both), z,
 *          tau, tau-b, and Sen's slope, CI and intercept are computed by
 *          the same IEEE operations in the same order as the reference, so
 *          anything short of equality is a bug.
 *   1e-9   (relative) where the methods agree but the arithmetic differs:
 *          p-values (GSL's gsl_cdf_ugaussian_Q against scipy's norm.sf,
 *          both ~1e-16 accurate); the least-squares fit (gsl_fit_linear's
 *          centred sums against statsmodels' pinv/QR, ~1e-14 apart); the
 *          autocorrelations of Hamed-Rao and Yue-Wang (numpy's correlate
 *          and pairwise-summed mean against sequential sums).
 * Remaining differences with other implementations, by design:
 *   - p: pyMannKendall computes 2 (1 - Phi(|z|)), which loses all digits
 *     below ~1e-16; the fixtures and assay use the upper tail directly.
 *   - kendall_p_nocc: scipy's kendalltau p-value has no continuity
 *     correction; it is checked against 2 Q(|S| / sqrt(Var S)) to confirm
 *     S and the tie-corrected Var S independently of the hand-written MK.
 *   - The Sen CI of the autocorrelation variants uses their corrected
 *     Var S (assay's choice; R and scipy only have the original one), so
 *     scipy's interval is compared for the original variant only.
 * Every fixture case also runs with the exact O(n^2) path and with the
 * O(n log n) path forced to bisect (a tiny enumeration cap), and the two
 * must give the same bits.
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

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "assay/trend.h"

/* ---- fixture files ------------------------------------------------------ */

struct series {
	int64_t t[1000];
	double x[1000];
	size_t n;
};

static void load_series(const char *name, struct series *s)
{
	char file[128], line[256], *f[4];
	snprintf(file, sizeof file, "trend-series-%s.csv", name);
	FILE *fp = open_fixture(file);
	s->n = 0;
	next_line(fp, line, sizeof line);       /* header */
	while (next_line(fp, line, sizeof line)) {
		assert_int_equal(split_csv(line, f, 4), 2);
		assert_true(s->n < 1000);
		s->t[s->n] = strtoll(f[0], NULL, 10);
		s->x[s->n++] = strtod(f[1], NULL);
	}
	fclose(fp);
}

/* Compare with the row's tolerance: 0 = identical doubles. */
static void check_value(const char *what, double got, double want, double tol)
{
	if (tol == 0) {
		if (got != want && !(isnan(got) && isnan(want)))
			fail_msg("%s: got %.17g, want %.17g exactly", what, got, want);
		return;
	}
	double d = fabs(got - want), scale = fabs(want);
	if (!(d <= tol * scale || d <= 1e-300))
		fail_msg("%s: got %.17g, want %.17g (relative %.3g > %.3g)",
			 what, got, want, d / scale, tol);
}

static double trend_key(const assay_trend *r, const char *key)
{
	const assay_mk *m = &r->mk;
	if (!strcmp(key, "n")) return (double)m->n;
	if (!strcmp(key, "mk_s")) return (double)m->s;
	if (!strcmp(key, "mk_var_s0")) return m->var_s0;
	if (!strcmp(key, "mk_var_s")) return m->var_s;
	if (!strcmp(key, "n_ns")) return m->n_ns_raw;
	if (!strcmp(key, "mk_z")) return m->z;
	if (!strcmp(key, "mk_p")) return m->p;
	if (!strcmp(key, "tau")) return m->tau;
	if (!strcmp(key, "tau_b")) return m->tau_b;
	if (!strcmp(key, "kendall_p_nocc"))
		return 2 * gsl_cdf_ugaussian_Q(fabs((double)m->s) / sqrt(m->var_s0));
	if (!strcmp(key, "sen_pairs")) return (double)r->sen.pairs;
	if (!strcmp(key, "sen_slope")) return r->sen.slope;
	if (!strcmp(key, "sen_lo")) return r->sen.lo;
	if (!strcmp(key, "sen_hi")) return r->sen.hi;
	if (!strcmp(key, "sen_intercept")) return r->sen.intercept;
	if (!strcmp(key, "log_slope")) return r->growth.log_slope;
	if (!strcmp(key, "log_slope_se")) return r->growth.log_slope_se;
	if (!strcmp(key, "log_intercept")) return r->growth.log_intercept;
	if (!strcmp(key, "growth_pct")) return r->growth.pct;
	if (!strcmp(key, "growth_se")) return r->growth.se;
	if (!strcmp(key, "growth_lo")) return r->growth.lo;
	if (!strcmp(key, "growth_hi")) return r->growth.hi;
	if (!strcmp(key, "growth_r2")) return r->growth.r2;
	fail_msg("unknown fixture key %s", key);
	return NAN;
}

/* Options for a fixture case: its frequency from the name (wb-* monthly,
 * the BGS ones annual). */
static void case_opts(const char *cs, const char *variant, double alpha,
		      assay_trend_opts *o)
{
	assay_trend_opts_init(o);
	assert_int_equal(assay_mk_variant_parse(variant, &o->variant), 0);
	o->alpha = alpha;
	if (!strncmp(cs, "wb-", 3)) {
		o->units_per_year = 12;
		o->period = 12;
	}
}

static int same_bits(const assay_trend *a, const assay_trend *b)
{
	return a->mk.s == b->mk.s && a->mk.var_s == b->mk.var_s &&
	       a->mk.var_s0 == b->mk.var_s0 && a->mk.n_ns_raw == b->mk.n_ns_raw &&
	       a->mk.z == b->mk.z && a->mk.p == b->mk.p &&
	       a->sen.slope == b->sen.slope && a->sen.lo == b->sen.lo &&
	       a->sen.hi == b->sen.hi && a->sen.intercept == b->sen.intercept &&
	       a->sen.rank_lo == b->sen.rank_lo && a->sen.rank_hi == b->sen.rank_hi;
}

/* Same bits in what does not depend on the autocorrelations. */
static int same_bits_mk_indep(const assay_trend *a, const assay_trend *b)
{
	if (a->mk.var_s == a->mk.var_s0 && b->mk.var_s == b->mk.var_s0)
		return same_bits(a, b);
	return a->mk.s == b->mk.s && a->mk.var_s0 == b->mk.var_s0 &&
	       a->sen.slope == b->sen.slope && a->sen.intercept == b->sen.intercept;
}

/* Run every row of trend-expected.csv with the given method. */
static void run_fixtures(assay_trend_method method, size_t cap)
{
	FILE *fp = open_fixture("trend-expected.csv");
	char line[512], *f[8], cur[128] = "";
	struct series *s = malloc(sizeof *s);
	assay_trend r, other;
	int rows = 0;

	next_line(fp, line, sizeof line);       /* header */
	while (next_line(fp, line, sizeof line)) {
		assert_int_equal(split_csv(line, f, 8), 7);
		char id[128];
		snprintf(id, sizeof id, "%s/%s/%s", f[0], f[1], f[2]);
		if (strcmp(id, cur)) {
			assay_trend_opts o;
			assay_error err;
			snprintf(cur, sizeof cur, "%s", id);
			load_series(f[0], s);
			case_opts(f[0], f[1], strtod(f[2], NULL), &o);
			o.method = method;
			o.sen_cap = cap;
			o.acf_direct_max = cap ? 1 : 0;
			if (assay_trend_run(s->t, s->x, s->n, &o, &r, &err))
				fail_msg("%s: %s", id, err.msg);
			/* The other path must give the same bits. */
			o.method = method == ASSAY_TREND_EXACT ?
				   ASSAY_TREND_FAST : ASSAY_TREND_EXACT;
			o.sen_cap = 50;
			o.acf_direct_max = 0;
			if (assay_trend_run(s->t, s->x, s->n, &o, &other, &err))
				fail_msg("%s: %s", id, err.msg);
			/* Bit for bit, except what the FFT computes (n/n* and
			 * what follows from it: 1e-9 against the fixture). */
			if (cap ? !same_bits_mk_indep(&r, &other) : !same_bits(&r, &other))
				fail_msg("%s: exact and fast paths differ", id);
		}
		char what[256];
		snprintf(what, sizeof what, "%s %s (%s)", id, f[3], f[6]);
		check_value(what, trend_key(&r, f[3]), strtod(f[4], NULL),
			    strtod(f[5], NULL));
		rows++;
	}
	fclose(fp);
	free(s);
	assert_true(rows > 300);
}

static void test_fixtures_auto(void **state)
{
	(void)state;
	run_fixtures(ASSAY_TREND_AUTO, 0);
}

static void test_fixtures_fast_bisecting(void **state)
{
	(void)state;
	/* A cap of 64 slopes forces many bisection steps even on 46 points;
	 * the autocorrelations go through the FFT (used above 4,096 points). */
	run_fixtures(ASSAY_TREND_FAST, 64);
}

/* ---- small cases worked by hand ------------------------------------------ */

static void test_hand_example(void **state)
{
	(void)state;
	/* x = 1, 3, 2, 5, 4 at t = 0..4: pairs (i<j) signs:
	 * 1: + + + +   3: - + +   2: + +   5: -      S = 4 + 1 + 2 - 1 = 6
	 * Var S = 5*4*15/18 = 16.666..., z = 5/sqrt(16.667) = 1.2247...
	 * slopes: 2, .5, 4/3, .75 | -1, 1, 1/3 | 3, 1 | -1 -> sorted median
	 * of 10 = mean of 5th and 6th = (0.75 + 1)/2 = 0.875 */
	int64_t t[] = { 0, 1, 2, 3, 4 };
	double x[] = { 1, 3, 2, 5, 4 };
	assay_trend_opts o;
	assay_trend r;
	assay_error err;
	assay_trend_opts_init(&o);
	assert_int_equal(assay_trend_run(t, x, 5, &o, &r, &err), 0);
	assert_int_equal(r.mk.s, 6);
	check_value("var", r.mk.var_s, 300.0 / 18, 0);
	check_value("z", r.mk.z, 5 / sqrt(300.0 / 18), 0);
	check_value("tau", r.mk.tau, 0.6, 0);
	check_value("slope", r.sen.slope, 0.875, 0);
	assert_int_equal(r.sen.pairs, 10);
	/* C = 1.959964 * 4.0825 = 8.0016: ranks round(0.99) = 1 and
	 * round(10.0008) = 10: the extreme slopes -1 and 3. */
	check_value("lo", r.sen.lo, -1, 0);
	check_value("hi", r.sen.hi, 3, 0);
	assert_int_equal(r.sen.rank_lo, 1);
	assert_int_equal(r.sen.rank_hi, 10);
}

static void test_constant_series(void **state)
{
	(void)state;
	int64_t t[30];
	double x[30];
	for (int i = 0; i < 30; i++) {
		t[i] = 2000 + i;
		x[i] = 7.25;
	}
	assay_trend_opts o;
	assay_trend r;
	assay_error err;
	assay_trend_opts_init(&o);
	for (int v = 0; v < 3; v++) {
		o.variant = (assay_mk_variant)v;
		assert_int_equal(assay_trend_run(t, x, 30, &o, &r, &err), 0);
		assert_int_equal(r.mk.s, 0);
		check_value("var", r.mk.var_s0, 0, 0);
		check_value("z", r.mk.z, 0, 0);
		check_value("p", r.mk.p, 1, 0);
		check_value("slope", r.sen.slope, 0, 0);
		check_value("growth", r.growth.log_slope, 0, 0);
		assert_true(isnan(r.growth.r2));        /* no variance to explain */
	}
}

/* pyMannKendall#29: n/n* can be <= 0, and then sqrt(Var S) is NaN there.
 * Hamed-Rao: a period-5 sine makes the significant lags sum to n/n* < 0
 * (-1.667 for n = 40 by the fixture script's hand implementation).
 * Yue-Wang with all lags is a Fejer-smoothed periodogram at frequency 0,
 * never negative in exact arithmetic but 0 for a sinusoid at a Fourier
 * frequency, where rounding decides the sign.  Either way: no NaN. */
static void test_negative_corrected_variance(void **state)
{
	(void)state;
	int64_t t[40];
	double x[40];
	assay_trend_opts o;
	assay_trend r;
	assay_error err;
	assay_trend_opts_init(&o);

	for (int i = 0; i < 40; i++) {
		t[i] = i;
		x[i] = sin(2 * M_PI * i / 5.0);
	}
	o.variant = ASSAY_MK_HAMED_RAO;
	assert_int_equal(assay_trend_run(t, x, 40, &o, &r, &err), 0);
	if (!(r.mk.n_ns_raw < 0))
		fail_msg("n/n* = %g, expected < 0 for this series", r.mk.n_ns_raw);
	assert_int_equal(r.mk.var_guarded, 1);
	check_value("n_ns used", r.mk.n_ns, 1, 0);
	check_value("var", r.mk.var_s, r.mk.var_s0, 0);
	assert_true(isfinite(r.mk.z) && isfinite(r.mk.p));
	assert_true(isfinite(r.sen.lo) && isfinite(r.sen.hi));

	for (int i = 0; i < 40; i++)
		x[i] = cos(2 * M_PI * 3 * i / 40.0);
	for (int v = ASSAY_MK_HAMED_RAO; v <= ASSAY_MK_YUE_WANG; v++) {
		o.variant = (assay_mk_variant)v;
		assert_int_equal(assay_trend_run(t, x, 40, &o, &r, &err), 0);
		assert_int_equal(r.mk.var_guarded, !(r.mk.n_ns_raw > 0));
		assert_true(r.mk.var_s > 0);
		assert_true(isfinite(r.mk.z) && isfinite(r.mk.p));
	}
}

static void test_input_errors(void **state)
{
	(void)state;
	int64_t t[] = { 1, 2, 3, 3 };
	double x[] = { 1, 2, NAN, 4 };
	assay_trend_opts o;
	assay_trend r;
	assay_error err;
	assay_trend_opts_init(&o);
	assert_int_equal(assay_trend_run(t, x, 2, &o, &r, &err), -1);
	assert_int_equal(err.status, ASSAY_ECANNOT);
	assert_int_equal(assay_trend_run(t, x, 3, &o, &r, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	assert_non_null(strstr(err.msg, "not a finite number"));
	x[2] = 1e305;
	assert_int_equal(assay_trend_run(t, x, 3, &o, &r, &err), -1);
	assert_non_null(strstr(err.msg, "observation 3 is too large"));
	x[2] = 3;
	assert_int_equal(assay_trend_run(t, x, 4, &o, &r, &err), -1);
	assert_non_null(strstr(err.msg, "observation 4 is not later"));
	/* Seasonal: 3 quarters, each once: no season has a pair. */
	int64_t tq[] = { 8000, 8001, 8002 };
	double xq[] = { 1, 2, 3 };
	o.variant = ASSAY_MK_SEASONAL;
	o.period = 4;
	assert_int_equal(assay_trend_run(tq, xq, 3, &o, &r, &err), -1);
	assert_int_equal(err.status, ASSAY_ECANNOT);
	assay_mk_variant v;
	assert_int_equal(assay_mk_variant_parse("yue-wang", &v), 0);
	assert_int_equal(v, ASSAY_MK_YUE_WANG);
	assert_int_equal(assay_mk_variant_parse("sen", &v), -1);
	assert_string_equal(assay_mk_variant_name(ASSAY_MK_HAMED_RAO), "hamed-rao");
}

/* Growth: an exact exponential gives its rate, R^2 = 1. */
static void test_growth_exact(void **state)
{
	(void)state;
	int64_t t[48];
	double x[48];
	for (int i = 0; i < 48; i++) {
		t[i] = 2000 * 12 + i;           /* monthly ordinals */
		x[i] = 50 * exp(0.05 * i / 12.0);
	}
	assay_trend_opts o;
	assay_growth g;
	assay_error err;
	assay_trend_opts_init(&o);
	o.units_per_year = 12;
	assert_int_equal(assay_growth_fit(t, x, 48, &o, &g, &err), 0);
	assert_int_equal(g.ok, 1);
	check_value("log slope", g.log_slope, 0.05, 1e-12);
	check_value("pct", g.pct, 100 * expm1(0.05), 1e-12);
	check_value("r2", g.r2, 1, 1e-12);
	x[3] = -1;
	assert_int_equal(assay_growth_fit(t, x, 48, &o, &g, &err), 0);
	assert_int_equal(g.ok, 0);
	assert_true(isnan(g.pct));
}

/* ---- the two paths agree, to the bit ------------------------------------- */

static void make_series(gsl_rng *rng, int kind, size_t n, int64_t *t,
			double *x)
{
	int64_t tt = 24000 + (int64_t)gsl_rng_uniform_int(rng, 12);
	double lvl = 100;
	for (size_t i = 0; i < n; i++) {
		tt += 1 + (kind == 1 ? (int64_t)gsl_rng_uniform_int(rng, 3) : 0);
		t[i] = tt;
		switch (kind) {
		case 0: x[i] = gsl_ran_gaussian(rng, 1) + 0.01 * (double)i; break;
		case 1: x[i] = floor(gsl_rng_uniform(rng) * 10); break;
		case 2: x[i] = 1e6 + 0.1 * floor(gsl_rng_uniform(rng) * 5); break;
		case 3: x[i] = (double)(i % 7) * 0.3; break;
		case 4: x[i] = exp(gsl_ran_gaussian(rng, 3)); break;
		default:
			lvl += gsl_ran_gaussian(rng, 1);
			x[i] = round(lvl * 100) / 100;
		}
	}
}

static void test_fast_equals_exact(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 20260426);
	int64_t *t = malloc(400 * sizeof *t);
	double *x = malloc(400 * sizeof *x);
	for (int rep = 0; rep < 300; rep++) {
		size_t n = 4 + gsl_rng_uniform_int(rng, 250);
		make_series(rng, rep % 6, n, t, x);
		assay_trend_opts o;
		assay_trend a, b;
		assay_error err;
		assay_trend_opts_init(&o);
		o.variant = (assay_mk_variant)(rep % 4);
		o.period = 4;
		o.method = ASSAY_TREND_EXACT;
		int ra = assay_trend_run(t, x, n, &o, &a, &err);
		o.method = ASSAY_TREND_FAST;
		o.sen_cap = 1 + gsl_rng_uniform_int(rng, 80);
		int rb = assay_trend_run(t, x, n, &o, &b, &err);
		assert_int_equal(ra, rb);
		if (ra)
			continue;       /* e.g. seasonal without pairs: both fail */
		if (!same_bits(&a, &b))
			fail_msg("rep %d kind %d n %zu variant %d: exact %.17g [%.17g, %.17g] "
				 "fast %.17g [%.17g, %.17g]", rep, rep % 6, n, rep % 4,
				 a.sen.slope, a.sen.lo, a.sen.hi, b.sen.slope, b.sen.lo,
				 b.sen.hi);
	}
	free(t);
	free(x);
	gsl_rng_free(rng);
}

/* A series too large for the exact path in a unit test: check the fast
 * selection against its definition, by counting every pair (O(n^2) time,
 * O(1) memory): the k-th smallest v has #{d < v} < k <= #{d <= v}. */
static void test_fast_large_by_counting(void **state)
{
	(void)state;
	enum { N = 4000 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 7);
	int64_t *t = malloc(N * sizeof *t);
	double *x = malloc(N * sizeof *x);
	for (int kind = 0; kind < 6; kind += 5) {
		make_series(rng, kind == 0 ? 1 : 5, N, t, x);
		assay_trend_opts o;
		assay_sen s;
		assay_error err;
		assay_trend_opts_init(&o);
		o.method = ASSAY_TREND_FAST;
		/* a Var S that puts the CI ranks well inside */
		assert_int_equal(assay_sen_slope(t, x, N, &o, 1e9, &s, &err), 0);
		assert_int_equal(s.fast, 1);
		int64_t NP = (int64_t)N * (N - 1) / 2;
		double v[3] = { s.lo, 0, s.hi };
		int64_t k[3] = { s.rank_lo, NP / 2, s.rank_hi };
		for (int q = 0; q < 3; q += 2) {
			int64_t lt = 0, le = 0;
			for (int i = 0; i < N; i++)
				for (int j = i + 1; j < N; j++) {
					double d = (x[j] - x[i]) / (double)(t[j] - t[i]);
					lt += d < v[q];
					le += d <= v[q];
				}
			if (!(lt < k[q] && k[q] <= le))
				fail_msg("rank %lld: value %.17g has %lld below, %lld at or below",
					 (long long)k[q], v[q], (long long)lt, (long long)le);
		}
	}
	free(t);
	free(x);
	gsl_rng_free(rng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_auto),
		cmocka_unit_test(test_fixtures_fast_bisecting),
		cmocka_unit_test(test_hand_example),
		cmocka_unit_test(test_constant_series),
		cmocka_unit_test(test_negative_corrected_variance),
		cmocka_unit_test(test_input_errors),
		cmocka_unit_test(test_growth_exact),
		cmocka_unit_test(test_fast_equals_exact),
		cmocka_unit_test(test_fast_large_by_counting),
	};
	assay_init();
	return cmocka_run_group_tests_name("trend", tests, NULL, NULL);
}
