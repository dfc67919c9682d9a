/*
 * Unit tests of verdict.c, analysis.c and (through the judgements' noise
 * scales) volatility.c.
 *
 * Table-driven part: tests/fixtures/analysis/verdict.csv, computed by
 * scripts/make-fixtures-analysis -- statsmodels OLS for the prediction
 * interval (get_prediction), leave-one-out refits for the window's
 * statistics, compare_f_test for seasonality, scipy.stats for the t,
 * normal and F distributions, pandas and scipy for the noise scales,
 * adaptive quadrature for the sums of half-normals -- on real World Bank
 * and BGS series and synthetic daily and seasonal ones.  Every number is
 * compared to 1e-9 relative (1e-12 absolute for quantities that are zero
 * up to rounding); ranks, runs, bases, seasonal choices and verdicts must
 * be identical.  halfnormal.csv checks H_k and the run p-value to 1e-6
 * (both sides are numerical integrations; see verdict.c).
 * Hand-written part: option checks, the reasons for not judging, the
 * bounds of the interpolated conformal p-value, the window sd's two
 * paths agreeing with assay_vol_sd to the bit, and the same judgement of
 * the same changes at 1, 2^-520 and 2^510 (test_magnitude).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "assay/analysis.h"
#include "verdict_internal.h"     /* verdict_f_decided, verdict_qn_sorted */
#include "assay/volatility.h"
#include "analysis_fixture.h"

struct field {
	const char *col;
	int idx;
};

static double get(const assay_judgement *j, const char *col)
{
	if (!strcmp(col, "change")) return j->change;
	if (!strcmp(col, "n_history")) return j->n_history;
	if (!strcmp(col, "seasonal")) return j->seasonal;
	if (!strcmp(col, "seasonal_p")) return j->seasonal_p;
	if (!strcmp(col, "ar")) return j->ar;
	if (!strcmp(col, "phi")) return j->phi;
	if (!strcmp(col, "expected")) return j->expected;
	if (!strcmp(col, "scale")) return j->scale;
	if (!strcmp(col, "stat")) return j->stat;
	if (!strcmp(col, "df")) return j->df;
	if (!strcmp(col, "p_t")) return j->p_t;
	if (!strcmp(col, "rank")) return j->rank;
	if (!strcmp(col, "p_shock")) return j->p_shock;
	if (!strcmp(col, "score")) return j->score;
	if (!strcmp(col, "run")) return j->run;
	if (!strcmp(col, "run_cap")) return j->run_cap;
	if (!strcmp(col, "run_stat")) return j->run_stat;
	if (!strcmp(col, "p_trend")) return j->p_trend;
	if (!strcmp(col, "p")) return j->p;
	if (!strcmp(col, "sd")) return j->noise.sd;
	if (!strcmp(col, "mad")) return j->noise.mad;
	if (!strcmp(col, "qn")) return j->noise.qn;
	if (!strcmp(col, "ewma")) return j->noise.ewma;
	if (!strcmp(col, "annual")) return j->noise.annual;
	if (!strcmp(col, "n_set_aside")) return j->n_set_aside;
	if (!strcmp(col, "expected_ar")) return j->expected_ar;
	if (!strcmp(col, "vol_ratio")) return j->vol_ratio;
	if (!strcmp(col, "seasonal_older")) return j->seasonal_older;
	if (!strcmp(col, "set_aside_age"))
		return j->n_set_aside ? j->set_aside_age[0] : NAN;
	if (!strcmp(col, "set_aside_z"))
		return j->n_set_aside ? j->set_aside_z[0] : NAN;
	fail_msg("unknown column %s", col);
	return NAN;
}

static const char *const numeric_cols[] = {
	"change", "n_history", "seasonal", "seasonal_p", "ar", "phi", "expected",
	"scale", "stat", "df", "p_t", "rank", "p_shock", "score", "run",
	"run_cap", "run_stat", "p_trend", "p", "sd", "mad", "qn", "ewma", "annual",
	"n_set_aside", "set_aside_age", "set_aside_z", "expected_ar", "vol_ratio",
	"seasonal_older"
};
#define NNUM (sizeof numeric_cols / sizeof numeric_cols[0])

static void test_fixture(void **state)
{
	(void)state;
	struct fx_table t;
	assert_int_equal(fx_load("analysis/verdict.csv", &t), 0);
	int c_case = fx_col(&t, "case"), c_period = fx_col(&t, "period"),
	    c_basis = fx_col(&t, "basis"), c_verdict = fx_col(&t, "verdict"),
	    c_judged = fx_col(&t, "judged");
	int cidx[NNUM];
	for (size_t k = 0; k < NNUM; k++)
		cidx[k] = fx_col(&t, numeric_cols[k]);
	size_t r = 0, cases = 0, judged = 0, notable = 0;
	while (r < t.nrows) {
		const char *cs = fx_str(&t, r, c_case);
		size_t end = r;
		while (end < t.nrows && !strcmp(fx_str(&t, end, c_case), cs))
			end++;
		char buf[256], *f[5];
		snprintf(buf, sizeof buf, "%s", cs);
		int k = 0;
		for (char *p = strtok(buf, ":"); p && k < 5; p = strtok(NULL, ":"))
			f[k++] = p;
		assert_int_equal(k, 5);
		assay_obs obs;
		assay_freq native;
		assay_analysis a;
		assay_analysis_opts o;
		assay_error err;
		assert_int_equal(fx_series(f[0], &obs, &native), 0);
		assay_analysis_opts_init(&o);
		o.freq = assay_freq_parse(f[2]);
		assert_int_equal(assay_seasonal_parse(f[3], &o.judge.seasonal), 0);
		o.allow_partial = atoi(f[4]);
		o.judge.scales = 1;
		assert_int_equal(assay_analyse(&obs, native, assay_kind_parse(f[1]),
					       &o, &a, &err), 0);
		assert_int_equal(a.s.n, end - r);
		for (size_t i = 0; i < a.s.n; i++, r++) {
			const assay_judgement *j = &a.j[i];
			char lbl[32];
			assay_period_format(a.s.freq, a.s.period[i], lbl, sizeof lbl);
			assert_string_equal(lbl, fx_str(&t, r, c_period));
			const char *want_v = fx_str(&t, r, c_verdict);
			const char *got_v = assay_verdict_name(j->verdict);
			if (!atoi(fx_str(&t, r, c_judged))) {
				if (got_v)
					fail_msg("%s %s: judged %s, expected NA (why %d)",
						 cs, lbl, got_v, j->why);
				continue;
			}
			if (!got_v || strcmp(got_v, want_v))
				fail_msg("%s %s: verdict %s, expected %s (why %d)",
					 cs, lbl, got_v ? got_v : "NA", want_v, j->why);
			assert_string_equal(assay_basis_name(j->basis),
					    fx_str(&t, r, c_basis));
			/* p_trend comes from a numerical integration on both
			 * sides (Simpson table here, adaptive quadrature in the
			 * script): 1e-7 for it, and for p when it decides p */
			double tr_tol = j->p_trend / 0.1 < j->p_shock / 0.9 ? 1e-7 : 1e-9;
			for (size_t c = 0; c < NNUM; c++) {
				double want = fx_num(&t, r, cidx[c]);
				double got = get(j, numeric_cols[c]);
				double tol = !strcmp(numeric_cols[c], "p_trend") ? 1e-7
					   : !strcmp(numeric_cols[c], "p") ? tr_tol : 1e-9;
				/* an absolute floor only where a value can be zero
				 * up to rounding (statsmodels' pinv leaves 1e-17
				 * where these sums give 0) */
				const char *nc = numeric_cols[c];
				double abs_tol = !strcmp(nc, "change") || !strcmp(nc, "expected") ||
						 !strcmp(nc, "expected_ar") ||
						 !strcmp(nc, "phi") || !strcmp(nc, "stat") ||
						 !strcmp(nc, "score") || !strcmp(nc, "run_stat")
						 ? 1e-12 : 0;
				if (!fx_close(got, want, tol, abs_tol))
					fail_msg("%s %s: %s %.17g, expected %.17g", cs,
						 lbl, numeric_cols[c], got, want);
			}
			judged++;
			notable += j->verdict != ASSAY_VERDICT_NOISE;
		}
		assay_analysis_release(&a);
		assay_obs_release(&obs);
		cases++;
	}
	assert_int_equal(cases, 11);
	assert_true(judged > 2500);
	assert_true(notable > 100);
	fx_free(&t);
}

static void test_halfnormal(void **state)
{
	(void)state;
	struct fx_table t;
	assert_int_equal(fx_load("analysis/halfnormal.csv", &t), 0);
	for (size_t r = 0; r < t.nrows; r++) {
		int k = atoi(fx_str(&t, r, 1));
		double x = fx_num(&t, r, 2), want = fx_num(&t, r, 3);
		double got = !strcmp(fx_str(&t, r, 0), "H")
			? assay_halfnormal_sum_q(k, x) : assay_run_p(x, k);
		if (!fx_close(got, want, 1e-6, 0))
			fail_msg("%s k=%d x=%g: %.17g, expected %.17g",
				 fx_str(&t, r, 0), k, x, got, want);
	}
	fx_free(&t);
	/* exact cases: H_1 is erfc, H_k(0) = 1, a single move has no run */
	assert_true(assay_halfnormal_sum_q(1, 1.5) == erfc(1.5 / M_SQRT2));
	assert_true(assay_halfnormal_sum_q(5, 0) == 1);
	assert_true(assay_run_p(3, 1) == 1);
	assert_true(isnan(assay_halfnormal_sum_q(0, 1)));
	/* P(K >= 2) = 1/2: the run p-value at 0 */
	assert_true(fabs(assay_run_p(0, 8) - 0.5) < 1e-15);
	/* beyond the table it stays an upper bound and decreasing */
	double a = assay_halfnormal_sum_q(8, 39.9), b = assay_halfnormal_sum_q(8, 45);
	assert_true(b < a && b > 0);
}

static void judge(const double *r, size_t n, assay_judge_opts *o,
		  assay_judgement *j)
{
	assay_error err;
	assert_int_equal(assay_judge(NULL, r, NULL, n, 0, o, j, &err), 0);
}

/* The window sd of every move is assay_vol_sd of the W finite changes
 * before it, to the bit, whichever way the verdict got it: from the F
 * test's one-intercept fit when that fit's rows are the window's (four
 * seasons, span = W: most moves here), or from the window itself (gaps,
 * a row without a lag, a set-aside shock, monthly spans of 60). */
static void check_window_sd(const double *r, size_t n, int seasons)
{
	assay_judge_opts o;
	assay_judgement j[200];
	int season[200];
	assay_error err;
	assay_judge_opts_init(&o);
	o.seasons = seasons;
	for (size_t i = 0; i < n; i++)
		season[i] = seasons ? (int)(i % (size_t)seasons) : 0;
	assert_int_equal(assay_judge(NULL, r, seasons ? season : NULL, n, 0, &o,
				     j, &err), 0);
	int judged = 0;
	for (size_t t = 0; t < n; t++) {
		if (!isfinite(r[t]))
			continue;
		double w[200];
		size_t nw = 0;
		for (size_t i = t > 20 ? t - 20 : 0; i < t; i++)
			if (isfinite(r[i]))
				w[nw++] = r[i];
		double sd = assay_vol_sd(w, nw);
		if (isnan(sd))
			assert_true(isnan(j[t].noise.sd));
		else
			assert_memory_equal(&j[t].noise.sd, &sd, sizeof sd);
		assert_int_equal(j[t].noise.n, nw);
		judged += j[t].why == ASSAY_JUDGED;
	}
	assert_true(judged > (int)n / 2);
}

static void test_window_sd(void **state)
{
	(void)state;
	double r[160];
	uint64_t u = 12345;
	for (int i = 0; i < 160; i++) {
		/* heavy-tailed steps with a seasonal pattern and some memory */
		u = u * 6364136223846793005u + 1442695040888963407u;
		double a = ((u >> 11) + 0.5) / 9007199254740992.0;
		r[i] = 0.03 * tan(3.0 * (a - 0.5)) + 0.01 * (i % 4) +
		       (i ? 0.3 * r[i - 1] : 0);
	}
	check_window_sd(r, 160, 4);
	check_window_sd(r, 160, 0);
	check_window_sd(r, 160, 12);
	r[50] = 1.5;                    /* a shock to set aside */
	r[90] = r[91] = NAN;            /* a gap */
	r[130] = NAN;
	check_window_sd(r, 160, 4);
	check_window_sd(r, 160, 12);
}

/* Without o->scales the seasonality F test is decided from a bracket of
 * its critical value, its p-value computed only near it: every decision,
 * p-value and verdict must be those of the full computation (scales on),
 * to the bit, over series whose seasonal means sweep through the test's
 * critical region. */
static void test_seasonal_decision(void **state)
{
	(void)state;
	enum { N = 120 };
	double r[N];
	int season[N];
	assay_judgement a[N], b[N];
	assay_error err;
	uint64_t u = 777;
	int seasonal_seen = 0, plain_seen = 0, p_given = 0;
	for (int s = 0; s < 400; s++) {
		double amp = 0.004 * (s % 100) / 100.0;
		for (int i = 0; i < N; i++) {
			u = u * 6364136223846793005u + 1442695040888963407u;
			double x = ((u >> 11) + 0.5) / 9007199254740992.0;
			season[i] = i % (s < 200 ? 4 : 12);
			r[i] = 0.01 * (x - 0.5) + amp * (season[i] % 3 - 1);
		}
		assay_judge_opts o;
		assay_judge_opts_init(&o);
		o.seasons = s < 200 ? 4 : 12;
		assert_int_equal(assay_judge(NULL, r, season, N, 0, &o, a, &err), 0);
		o.scales = 1;
		assert_int_equal(assay_judge(NULL, r, season, N, 0, &o, b, &err), 0);
		for (int i = 0; i < N; i++) {
			assert_int_equal(a[i].why, b[i].why);
			assert_int_equal(a[i].verdict, b[i].verdict);
			assert_int_equal(a[i].seasonal, b[i].seasonal);
			assert_memory_equal(&a[i].p, &b[i].p, sizeof a[i].p);
			assert_memory_equal(&a[i].stat, &b[i].stat, sizeof a[i].stat);
			if (b[i].why != ASSAY_JUDGED)
				continue;
			seasonal_seen += b[i].seasonal;
			plain_seen += !b[i].seasonal;
			/* where given without scales, it is the p-value */
			if (!isnan(a[i].seasonal_p)) {
				p_given++;
				assert_memory_equal(&a[i].seasonal_p, &b[i].seasonal_p,
						    sizeof a[i].seasonal_p);
			}
		}
	}
	assert_true(seasonal_seen > 1000 && plain_seen > 1000);
	(void)p_given;

	/* the bracket itself, at and around the critical values: a decision
	 * is always the p-value's, and undecided only very near them */
	for (int d1 = 1; d1 <= 11; d1++)
		for (int d2 = 1; d2 <= 70; d2++) {
			double alpha = d2 % 2 ? 0.01 : 0.05;
			double crit = gsl_cdf_fdist_Qinv(alpha, d1, d2);
			for (int k = -400; k <= 400; k++) {
				double f = crit * (1 + k * (abs(k) < 200 ? 1e-11 : 1e-6));
				int d = verdict_f_decided(f, d1, d2, alpha);
				if (d >= 0)
					assert_int_equal(d, assay_f_upper(f, d1, d2) < alpha);
				else
					assert_true(fabs(f / crit - 1) < 1e-6);
			}
			assert_int_equal(verdict_f_decided(crit * 0.5, d1, d2, alpha), 0);
			assert_int_equal(verdict_f_decided(crit * 2, d1, d2, alpha), 1);
		}
}

static void test_reasons(void **state)
{
	(void)state;
	assay_judge_opts o;
	assay_judgement j[40];
	double r[40];
	assay_judge_opts_init(&o);
	for (int i = 0; i < 40; i++)
		r[i] = sin(i * 1.7) + 0.1 * cos(i * 0.3);
	r[0] = NAN;
	r[15] = NAN;
	judge(r, 40, &o, j);
	assert_int_equal(j[0].why, ASSAY_UNJUDGED_NA);
	/* 8 changes with a lag are needed: moves 1..9 have fewer */
	assert_int_equal(j[9].why, ASSAY_UNJUDGED_HISTORY);
	assert_int_equal(j[9].n_history, 7);
	assert_int_equal(j[10].why, ASSAY_JUDGED);
	assert_int_equal(j[15].why, ASSAY_UNJUDGED_NA);
	/* after a gap the move has no lag: no AR term for it */
	assert_int_equal(j[16].why, ASSAY_JUDGED);
	assert_int_equal(j[16].ar, 0);
	assert_int_equal(j[17].ar, 1);

	/* no variation in the window */
	for (int i = 0; i < 40; i++)
		r[i] = 0;
	r[39] = 1;
	judge(r, 40, &o, j);
	assert_int_equal(j[39].why, ASSAY_UNJUDGED_FLAT);

	/* a window the model fits exactly (bgs/russia/mercury 2013): one
	 * step, a gap, then a fixed value -- the rows are (-70000, -680000)
	 * and (0, 0), and a line through two points leaves only rounding
	 * noise, which must not decide the test */
	for (int i = 0; i < 20; i++)
		r[i] = 0;
	r[0] = -680000;
	r[1] = -70000;
	r[2] = r[3] = NAN;
	judge(r, 20, &o, j);
	assert_int_equal(j[19].why, ASSAY_UNJUDGED_FLAT);
	assert_int_equal(j[19].n_history, 15);

	/* options */
	assay_error err;
	o.window = 1;
	assert_int_equal(assay_judge(NULL, r, NULL, 40, 0, &o, j, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	assay_judge_opts_init(&o);
	o.alpha = 1;
	assert_int_equal(assay_judge(NULL, r, NULL, 40, 0, &o, j, &err), -1);
	assay_judge_opts_init(&o);
	o.run_max = 17;
	assert_int_equal(assay_judge(NULL, r, NULL, 40, 0, &o, j, &err), -1);
	assay_judge_opts_init(&o);
	o.seasons = 1;
	assert_int_equal(assay_judge(NULL, r, NULL, 40, 0, &o, j, &err), -1);
}

static void test_conformal_bounds(void **state)
{
	(void)state;
	/* A huge shock beats every window move: rank 0 and a p-value below
	 * 1/(n+1), from the t tail; a move inside the window's range has a
	 * p-value on the rank grid's cell [R/(n+1), (R+1)/(n+1)]. */
	assay_judge_opts o;
	assay_judgement j[30];
	double r[30];
	assay_judge_opts_init(&o);
	for (int i = 0; i < 30; i++)
		r[i] = 0.01 * sin(i * 2.1) + 0.004 * cos(i * 5.3);
	r[29] = 0.5;
	judge(r, 30, &o, j);
	const assay_judgement *J = &j[29];
	assert_int_equal(J->why, ASSAY_JUDGED);
	assert_int_equal(J->rank, 0);
	assert_true(J->p_shock < 1.0 / (J->n_history + 1));
	assert_true(J->p_shock > 0);
	assert_int_equal(J->verdict, ASSAY_VERDICT_SHOCK);
	assert_true(fabs(J->p - J->p_shock / 0.9) < 1e-15);
	for (int t = 12; t < 29; t++) {
		const assay_judgement *M = &j[t];
		double n1 = M->n_history + 1;
		assert_true(M->p_shock >= M->rank / n1 - 1e-15);
		assert_true(M->p_shock <= (M->rank + 1) / n1 + 1e-15);
		assert_true(M->p >= M->p_shock);
	}
	/* `first` only skips: the same judgement for the last move */
	assay_judgement k[30];
	assay_error err;
	assert_int_equal(assay_judge(NULL, r, NULL, 30, 29, &o, k, &err), 0);
	assert_int_equal(k[28].why, ASSAY_UNJUDGED_SKIPPED);
	assert_true(k[29].p == J->p && k[29].p_trend == J->p_trend &&
		    k[29].run == J->run);
}

static void test_trend(void **state)
{
	(void)state;
	/* six moves in a row well above the usual, none extreme alone */
	assay_judge_opts o;
	assay_judgement j[40];
	double r[40];
	assay_judge_opts_init(&o);
	for (int i = 0; i < 40; i++)
		r[i] = 0.02 * sin(i * 2.1) + 0.008 * cos(i * 5.3);
	for (int i = 34; i < 40; i++)
		r[i] = 0.03 + 0.0005 * (i % 3);
	judge(r, 40, &o, j);
	/* the first such move is a shock; as the run grows it is a trend,
	 * although the later moves are no longer unusual one by one */
	assert_int_equal(j[34].verdict, ASSAY_VERDICT_SHOCK);
	for (int i = 37; i < 40; i++) {
		assert_int_equal(j[i].verdict, ASSAY_VERDICT_TREND);
		assert_true(j[i].run == i - 32);
		assert_true(j[i].p_shock > 0.2);
		assert_true(j[i].p_trend / 0.1 < j[i].p_shock / 0.9);
	}
}

static void test_log_or_diff(void **state)
{
	(void)state;
	/* a level that goes through zero: moves within reach of a
	 * non-positive value are judged on differences */
	assay_obs obs;
	assay_period p[40];
	double v[40];
	for (int i = 0; i < 40; i++) {
		p[i] = 2000 * 4 + i;
		v[i] = 10 + 3 * sin(i * 1.3);
	}
	v[5] = -1;
	obs.period = p;
	obs.value = v;
	obs.n = 40;
	assay_analysis a;
	assay_analysis_opts o;
	assay_error err;
	assay_analysis_opts_init(&o);
	assert_int_equal(assay_analyse(&obs, ASSAY_FREQ_Q, ASSAY_KIND_FLOW, &o,
				       &a, &err), 0);
	assert_int_equal(a.j[20].basis, ASSAY_BASIS_DIFF);   /* reaches v[5] */
	assert_int_equal(a.j[30].basis, ASSAY_BASIS_LOG);    /* does not */
	assert_true(isnan(a.c.pct[6]) && isfinite(a.c.diff[6]));
	assert_int_equal(a.used.seasons, 4);
	assay_analysis_release(&a);
}

/* Two judgements the same at magnitudes 2^0 and 2^k: the same verdict,
 * ranks and p-values to the bit, and what is in the unit of the series
 * times 2^k exactly (on differences; log changes have no unit). */
static int same_num(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static void assert_same_scaled(const assay_judgement *a, const assay_judgement *b,
			       int k, size_t t)
{
	int ok = a->verdict == b->verdict && a->why == b->why &&
		 a->basis == b->basis && a->rank == b->rank && a->run == b->run &&
		 a->run_cap == b->run_cap && a->df == b->df &&
		 a->n_history == b->n_history && a->seasonal == b->seasonal &&
		 a->ar == b->ar && a->n_set_aside == b->n_set_aside;
	for (int i = 0; ok && i < a->n_set_aside; i++)
		ok = a->set_aside_age[i] == b->set_aside_age[i] &&
		     same_num(a->set_aside_z[i], b->set_aside_z[i]);
	const double unitless[][2] = {
		{ a->stat, b->stat }, { a->p_t, b->p_t }, { a->p_shock, b->p_shock },
		{ a->score, b->score }, { a->run_stat, b->run_stat },
		{ a->p_trend, b->p_trend }, { a->p, b->p }, { a->phi, b->phi },
		{ a->vol_ratio, b->vol_ratio }, { a->seasonal_p, b->seasonal_p },
		{ a->noise.lambda, b->noise.lambda },
	};
	int bad = -1;
	for (size_t i = 0; ok && i < sizeof unitless / sizeof unitless[0]; i++)
		if (!(ok = same_num(unitless[i][0], unitless[i][1])))
			bad = (int)i;
	const double unit[][2] = {
		{ a->change, b->change }, { a->expected, b->expected },
		{ a->expected_ar, b->expected_ar }, { a->scale, b->scale },
		{ a->typical, b->typical }, { a->noise.sd, b->noise.sd },
		{ a->noise.mad, b->noise.mad }, { a->noise.qn, b->noise.qn },
		{ a->noise.ewma, b->noise.ewma }, { a->noise.annual, b->noise.annual },
	};
	int ku = a->basis == ASSAY_BASIS_LOG ? 0 : k;   /* log changes have no unit */
	for (size_t i = 0; ok && i < sizeof unit / sizeof unit[0]; i++)
		if (!(ok = same_num(ldexp(unit[i][0], ku), unit[i][1])))
			bad = 100 + (int)i;
	if (!ok)
		fail_msg("move %zu at 2^%d (field %d): verdict %d/%d, p %.17g/%.17g, stat "
			 "%.17g/%.17g, scale %.17g/%.17g (x 2^-k), sd %.17g/%.17g",
			 t, k, bad, a->verdict, b->verdict, a->p, b->p, a->stat, b->stat,
			 a->scale, ldexp(b->scale, -k), a->noise.sd,
			 ldexp(b->noise.sd, -k));
}

/* Deterministic Gaussian-ish noise (the sum of four uniforms of an LCG). */
static double noise_at(uint64_t *s)
{
	double u = 0;
	for (int i = 0; i < 4; i++) {
		*s = *s * 6364136223846793005u + 1442695040888963407u;
		u += (double)(*s >> 11) / 9007199254740992.0;
	}
	return (u - 2) * 1.7320508075688772;
}

/* The verdict is scale-invariant, and so is its computation: the same
 * changes at 1, 2^-520 (1e-156) and 2^510 (3e153) are judged alike (the
 * sums of squares underflowed or overflowed: an 8-sigma jump was p = 1 at
 * 1e-155 and "no variation" at 1e154). */
static void test_magnitude(void **state)
{
	(void)state;
	enum { N = 90 };
	static const int ks[] = { -520, 510, -900, 900 };
	double r[N], rs[N];
	int season[N];
	assay_judgement ref[N], got[N];
	uint64_t seed = 20240611;
	for (int i = 0; i < N; i++) {
		r[i] = noise_at(&seed) + 0.4 * (i % 4 == 1) - 0.2 * (i % 4 == 3);
		season[i] = i % 4;
	}
	r[30] = 9;              /* a past shock, set aside later */
	r[55] = NAN;            /* a gap */
	r[N - 1] = 8;           /* an 8-sigma jump */
	for (int pass = 0; pass < 3; pass++) {
		assay_judge_opts o;
		assay_judge_opts_init(&o);
		o.freq = ASSAY_FREQ_Q;
		if (pass >= 1) {
			o.seasons = 4;
			o.scales = 1;
		}
		if (pass == 2)
			o.seasonal = ASSAY_SEASONAL_YES;
		const int *sg = pass ? season : NULL;
		assay_error err;
		assert_int_equal(assay_judge(NULL, r, sg, N, 0, &o, ref, &err), 0);
		assert_int_equal(ref[N - 1].verdict, ASSAY_VERDICT_SHOCK);
		int set_aside = 0;
		for (int t = 31; t < 50; t++)
			set_aside |= ref[t].n_set_aside > 0;
		assert_true(set_aside);
		for (size_t k = 0; k < sizeof ks / sizeof ks[0]; k++) {
			/* 2^-900 and 2^900: the changes times 2^k are still
			 * normal doubles, and so is every result */
			for (int i = 0; i < N; i++)
				rs[i] = ldexp(r[i], ks[k]);
			assert_int_equal(assay_judge(NULL, rs, sg, N, 0, &o, got, &err), 0);
			for (int t = 0; t < N; t++)
				assert_same_scaled(&ref[t], &got[t], ks[k], (size_t)t);
		}
	}

	/* Through the analysis: levels crossing zero (judged on differences)
	 * at 1 and 2^-520, 2^510 */
	assay_period p[N];
	double v[N], vs[N];
	double level = 3;
	seed = 7;
	for (int i = 0; i < N; i++) {
		p[i] = 2000 * 12 + i;
		level += noise_at(&seed);
		v[i] = level;
	}
	v[N - 12] = -0.5;       /* in reach of the last move: differences */
	v[N - 1] = v[N - 2] + 8;
	assay_obs obs = { .period = p, .value = v, .n = N };
	assay_analysis_opts ao;
	assay_analysis_opts_init(&ao);
	ao.judge.scales = 1;
	assay_analysis a, b;
	assay_error err;
	assert_int_equal(assay_analyse(&obs, ASSAY_FREQ_M, ASSAY_KIND_PRICE, &ao, &a, &err), 0);
	assert_int_equal(a.j[N - 1].basis, ASSAY_BASIS_DIFF);
	assert_int_equal(a.j[N - 1].verdict, ASSAY_VERDICT_SHOCK);
	for (size_t k = 0; k < 2; k++) {
		for (int i = 0; i < N; i++)
			vs[i] = ldexp(v[i], ks[k]);
		obs.value = vs;
		assert_int_equal(assay_analyse(&obs, ASSAY_FREQ_M, ASSAY_KIND_PRICE, &ao, &b, &err), 0);
		for (int t = 0; t < N; t++) {
			assert_true(same_num(b.c.pct[t], a.c.pct[t]));
			assert_true(same_num(b.c.log[t], a.c.log[t]));
			assert_same_scaled(&a.j[t], &b.j[t], ks[k], (size_t)t);
		}
		assay_analysis_release(&b);
	}
	assay_analysis_release(&a);

	/* a move beyond 2^1023 times its window (scaled, it would be
	 * infinite; the infinite statistic counted every window score as a
	 * tie, p = 1): a shock */
	double w[30];
	for (int i = 0; i < 30; i++)
		w[i] = 1e-200 * sin(i * 1.7);
	w[29] = -1e300;
	assay_judge_opts o;
	assay_judge_opts_init(&o);
	assay_judgement jw[30];
	assert_int_equal(assay_judge(NULL, w, NULL, 30, 0, &o, jw, &err), 0);
	assert_int_equal(jw[29].verdict, ASSAY_VERDICT_SHOCK);
	assert_true(jw[29].p == 0 && jw[29].rank == 0 && jw[29].stat < 0);
}

/* Windows at different magnitudes in one series (some scaled, some not,
 * by different powers of two): each move is judged as it is alone, the
 * screen's sorted rows (kept from move to move) never of another scale. */
static void test_magnitude_mixed(void **state)
{
	(void)state;
	enum { N = 160 };
	double r[N];
	uint64_t seed = 99;
	for (int i = 0; i < N; i++) {
		int seg = i / 23;
		static const int ex[] = { 0, -600, -610, 0, 700, 700, -300 };
		r[i] = ldexp(noise_at(&seed), ex[seg]);
		if (i % 37 == 20)
			r[i] *= 9;      /* past shocks for the screen */
	}
	assay_judge_opts o;
	assay_judge_opts_init(&o);
	assay_judgement all[N], one[N];
	assay_error err;
	assert_int_equal(assay_judge(NULL, r, NULL, N, 0, &o, all, &err), 0);
	o.run_max = 1;          /* p_shock alone, judged from a cold start */
	assay_judgement full1[N];
	assert_int_equal(assay_judge(NULL, r, NULL, N, 0, &o, full1, &err), 0);
	int judged = 0;
	for (size_t t = 1; t < N; t++) {
		assert_int_equal(assay_judge(NULL, r, NULL, t + 1, t, &o, one, &err), 0);
		assert_same_scaled(&full1[t], &one[t], 0, t);
		assert_true(same_num(all[t].p_shock, one[t].p_shock));
		judged += one[t].why == ASSAY_JUDGED;
	}
	assert_true(judged > 100);
}

/* tails.csv (scripts/make-fixtures-analysis): the t and F tails against
 * scipy's stdtr and fdtrc and mpmath's betainc, to 1e-12 relative.  scipy
 * is the reference where it agrees with mpmath to 1e-13; where cephes has
 * lost digits (an ill-conditioned x = d2 / (d2 + d1 f) far out), mpmath. */
static void test_tails_vs_scipy(void **state)
{
	(void)state;
	struct fx_table t;
	assert_int_equal(fx_load("analysis/tails.csv", &t), 0);
	assert_true(t.nrows > 3000);
	size_t vs_scipy = 0;
	for (size_t r = 0; r < t.nrows; r++) {
		int d1 = atoi(fx_str(&t, r, 1)), d2 = atoi(fx_str(&t, r, 2));
		double x = fx_num(&t, r, 3), sp = fx_num(&t, r, 4), mp = fx_num(&t, r, 5);
		int is_t = !strcmp(fx_str(&t, r, 0), "t");
		double got = is_t ? assay_t_two_sided(x, d1) : assay_f_upper(x, d1, d2);
		int use_sp = fabs(sp - mp) <= 1e-13 * mp;
		vs_scipy += use_sp;
		if (!fx_close(got, mp, 1e-12, 0) || (use_sp && !fx_close(got, sp, 1e-12, 0)))
			fail_msg("%s(%d, %d) at %.17g: %.17g, scipy %.17g, mpmath %.17g",
				 is_t ? "t" : "F", d1, d2, x, got, sp, mp);
	}
	assert_true(vs_scipy > t.nrows * 9 / 10);
	fx_free(&t);
}

static void test_tails_vs_gsl(void **state)
{
	(void)state;
	/* the verdict's own incomplete beta against GSL's CDFs */
	static const int dfs[] = { 1, 2, 3, 5, 6, 7, 10, 17, 18, 19, 30, 99, 250 };
	for (size_t k = 0; k < sizeof dfs / sizeof dfs[0]; k++) {
		for (double t = 0; t < 60; t = t * 1.07 + 0.013) {
			double want = 2 * gsl_cdf_tdist_Q(t, dfs[k]);
			double got = assay_t_two_sided(-t, dfs[k]);
			/* GSL's own accuracy fades in the far tail (~1e-11 at
			 * 1e-23): there, mpmath values below are the reference */
			if (want > 1e-12 && !fx_close(got, want, 2e-13, 0))
				fail_msg("t=%g df=%d: %.17g, GSL %.17g", t, dfs[k],
					 got, want);
		}
		for (double f = 0; f < 500; f = f * 1.1 + 0.01) {
			int d1 = dfs[k] % 11 + 1, d2 = dfs[k];
			double want = gsl_cdf_fdist_Q(f, d1, d2);
			double got = assay_f_upper(f, d1, d2);
			if (want > 1e-12 && !fx_close(got, want, 2e-13, 0))
				fail_msg("F=%g (%d, %d): %.17g, GSL %.17g", f, d1, d2,
					 got, want);
		}
	}
	/* the seasonal F tests' usual degrees of freedom (quarterly: 3 and
	 * 14-15; monthly: 11 and 46-47), every parity */
	static const int fd[][2] = { { 3, 14 }, { 3, 15 }, { 11, 46 }, { 11, 47 },
				     { 1, 15 }, { 2, 15 }, { 4, 14 }, { 5, 9 },
				     { 1, 1 }, { 3, 1 }, { 2, 2 }, { 7, 400 } };
	for (size_t k = 0; k < sizeof fd / sizeof fd[0]; k++)
		for (double f = 0; f < 500; f = f * 1.05 + 0.003) {
			double want = gsl_cdf_fdist_Q(f, fd[k][0], fd[k][1]);
			double got = assay_f_upper(f, fd[k][0], fd[k][1]);
			if (want > 1e-12 && !fx_close(got, want, 2e-13, 0))
				fail_msg("F=%g (%d, %d): %.17g, GSL %.17g", f,
					 fd[k][0], fd[k][1], got, want);
		}
	/* far tails against mpmath's betainc at 50 digits */
	static const struct { double t; int df; double p; } tt[] = {
		{ 9.5, 99, 1.3486151902158947484e-15 },
		{ 13, 99, 3.9078283665915180464e-23 },
		{ 20, 18, 9.6322307548273298444e-14 },
		{ 40, 5, 1.8411962171772954355e-7 },
		{ 8, 250, 4.6528015189175439287e-14 },
		{ 30, 3, 0.000081352804271639594539 },
	};
	for (size_t i = 0; i < sizeof tt / sizeof tt[0]; i++)
		if (!fx_close(assay_t_two_sided(tt[i].t, tt[i].df), tt[i].p, 1e-13, 0))
			fail_msg("t=%g df=%d: %.17g, mpmath %.17g", tt[i].t, tt[i].df,
				 assay_t_two_sided(tt[i].t, tt[i].df), tt[i].p);
	static const struct { double f; int d1, d2; double p; } ft[] = {
		{ 40, 3, 18, 3.617794505258620038e-8 },
		{ 90, 11, 17, 7.9825200696384845459e-13 },
		{ 300, 2, 250, 3.6739680034337490382e-67 },
	};
	for (size_t i = 0; i < sizeof ft / sizeof ft[0]; i++)
		if (!fx_close(assay_f_upper(ft[i].f, ft[i].d1, ft[i].d2), ft[i].p, 1e-13, 0))
			fail_msg("F=%g: %.17g, mpmath %.17g", ft[i].f,
				 assay_f_upper(ft[i].f, ft[i].d1, ft[i].d2), ft[i].p);
	assert_true(assay_t_two_sided(0, 5) == 1);
	assert_true(assay_t_two_sided(INFINITY, 5) == 0);
	assert_true(isnan(assay_t_two_sided(NAN, 5)));
	assert_true(assay_f_upper(0, 3, 5) == 1);
}

/* Rule 1c: the seasonality test reads the W changes before the span,
 * screened.  A 40-sigma crash there is left out with the row after it
 * (whose lag it is): the test's p-value is that of the same series with
 * the crash a gap, to the bit.  And the older rows count: with all of
 * them gaps the p-value is another. */
/* The screen's Qn (rule 1a) is GSL's, to the bit, on both of its paths
 * (direct selection up to VERDICT_QN_SMALL values, GSL beyond): sorted
 * samples of every size from 2 to 80, Gaussian, Student t(2) and with
 * ties (values rounded to a coarse grid). */
static void test_qn_vs_gsl(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 31);
	double v[80], work[VERDICT_QN_WORK(80)], gw[3 * 80];
	int iwork[5 * 80], giw[5 * 80];
	for (int n = 2; n <= 80; n++)
		for (int rep = 0; rep < 30; rep++) {
			for (int i = 0; i < n; i++) {
				double x = rep % 3 == 0 ? gsl_ran_gaussian(rng, 1)
					 : rep % 3 == 1 ? gsl_ran_tdist(rng, 2)
					 : round(4 * gsl_ran_gaussian(rng, 1)) / 4;
				v[i] = x;
			}
			gsl_sort(v, 1, (size_t)n);
			double want = gsl_stats_Qn_from_sorted_data(v, 1, (size_t)n, gw, giw);
			double got = verdict_qn_sorted(v, n, work, iwork);
			if (memcmp(&want, &got, sizeof got)) {
				print_error("n %d rep %d: Qn %.17g, GSL %.17g\n", n, rep, got, want);
				fail();
			}
		}
	gsl_rng_free(rng);
}

static void test_season_history(void **state)
{
	(void)state;
	enum { N = 60 };
	double r[N], gap[N], none[N];
	int season[N];
	uint64_t seed = 99;
	for (int i = 0; i < N; i++) {
		r[i] = noise_at(&seed) + 0.8 * (i % 4 == 1) - 0.8 * (i % 4 == 3);
		season[i] = i % 4;
	}
	int t = N - 1, crash = t - 20 - 5;     /* 5 quarters before the span */
	memcpy(gap, r, sizeof r);
	memcpy(none, r, sizeof r);
	r[crash] = 40;
	gap[crash] = NAN;
	for (int i = 0; i < t - 21; i++)   /* the span's first lag kept */
		none[i] = NAN;
	assay_judge_opts o;
	assay_judge_opts_init(&o);
	o.freq = ASSAY_FREQ_Q;
	o.seasons = 4;
	o.scales = 1;           /* the F test's p-value, not its decision only */
	static assay_judgement a[N], b[N], c[N];
	assay_error err;
	assert_int_equal(assay_judge(NULL, r, season, N, 0, &o, a, &err), 0);
	assert_int_equal(assay_judge(NULL, gap, season, N, 0, &o, b, &err), 0);
	assert_int_equal(assay_judge(NULL, none, season, N, 0, &o, c, &err), 0);
	assert_true(isfinite(a[t].seasonal_p));
	assert_true(a[t].seasonal_p == b[t].seasonal_p);
	assert_true(isfinite(c[t].seasonal_p));
	assert_true(a[t].seasonal_p != c[t].seasonal_p);
	/* the models are fitted on the span alone: as many rows either way */
	assert_int_equal(a[t].n_history, c[t].n_history);
}

int main(void)
{
	assay_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_halfnormal),
		cmocka_unit_test(test_tails_vs_gsl),
		cmocka_unit_test(test_tails_vs_scipy),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_window_sd),
		cmocka_unit_test(test_seasonal_decision),
		cmocka_unit_test(test_conformal_bounds),
		cmocka_unit_test(test_trend),
		cmocka_unit_test(test_log_or_diff),
		cmocka_unit_test(test_magnitude),
		cmocka_unit_test(test_magnitude_mixed),
		cmocka_unit_test(test_season_history),
		cmocka_unit_test(test_qn_vs_gsl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
