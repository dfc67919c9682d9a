/*
 * Unit tests of derive.c and store_derive.c on a small store: the parser's
 * errors (EXPR:COL: what), every operator and function against values
 * worked out by hand, units carried and refused, division by zero,
 * resampling to a common frequency, circular definitions, the load
 * through assay_store_load, the kinds of results (and a stored one gone
 * stale) and base-period indexes.  (The bundled-data values are checked against
 * pandas in tests/e2e/t70-derive.sh.)
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "assay/derive.h"
#include "assay/import.h"

struct env {
	char dir[64], db[96], csv[96];
	assay_store *st;
};

static void import_csv(struct env *e, const char *text, const char *kind,
		       const char *unit)
{
	FILE *fp = fopen(e->csv, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assay_import_opts o;
	assay_import_result r;
	assay_error err;
	memset(&o, 0, sizeof o);
	o.path = e->csv;
	o.decimal = '.';
	o.meta[ASSAY_META_KIND] = kind;
	o.meta[ASSAY_META_UNIT] = unit;
	o.vintage = "2026-01-10T00:00:00Z";
	if (assay_import(e->st, &o, &r, &err))
		fail_msg("import: %s", err.msg);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	assay_error err;
	snprintf(e->dir, sizeof e->dir, "/tmp/assay-derive-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->db, sizeof e->db, "%s/store.db", e->dir);
	snprintf(e->csv, sizeof e->csv, "%s/in.csv", e->dir);
	assert_int_equal(assay_store_open(&e->st, e->db, 0, &err), 0);
	/* a, b: tonnes; six months, b with a gap in 2020-04 */
	import_csv(e, "series,date,value\n"
		   "x/a,2020-01,1\nx/a,2020-02,2\nx/a,2020-03,3\nx/a,2020-04,4\n"
		   "x/a,2020-05,5\nx/a,2020-06,6\n"
		   "x/b,2020-01,10\nx/b,2020-02,20\nx/b,2020-03,0\n"
		   "x/b,2020-05,50\nx/b,2020-06,60\n", "flow", "t");
	import_csv(e, "series,date,value\np/cu,2020-01,1000\np/cu,2020-02,2000\n",
		   "price", "$/mt");
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

static void refused(struct env *e, const char *expr, const char *msg)
{
	assay_derive_result r;
	assay_error err;
	assert_int_equal(assay_derive_eval(e->st, NULL, expr, ASSAY_FREQ_NONE,
					   NULL, NULL, &r, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	if (strcmp(err.msg, msg))
		fail_msg("%s: got [%s], want [%s]", expr, err.msg, msg);
}

static void test_parse_errors(void **state)
{
	struct env *e = *state;
	refused(e, "", ":1: expected a series, a number, a function or '(' at the end");
	refused(e, "x/a +", "x/a +:6: expected a series, a number, a function or '(' at the end");
	refused(e, "(x/a", "(x/a:5: expected ')' at the end");
	refused(e, "x/a)", "x/a):4: unmatched ')'");
	refused(e, "x/a # 2", "x/a # 2:5: unexpected '#'");
	refused(e, "2x/a", "2x/a:1: a number runs into a name (a series name starts with a letter, or quote it)");
	refused(e, "lag(x/a, 1.5)", "lag(x/a, 1.5):10: lag takes a whole number of periods, not '1.5'");
	refused(e, "rebase(x/a, soon)", "rebase(x/a, soon):13: rebase needs a period (2010, 2010Q1, 2010-01), not 'soon'");
	refused(e, "foo(x/a)", "foo(x/a):1: unknown function 'foo' (rebase, lag, sum, share)");
	refused(e, "sum()", "sum():5: sum() needs a pattern, e.g. sum(bgs/*/cobalt)");
	refused(e, "'x/a", "'x/a:1: unterminated quoted name");
	refused(e, "x/c", "x/c:1: unknown series 'x/c'");
	refused(e, "x/a + p/cu", "x/a + p/cu:5: cannot add 't' and '$/mt': the units measure different things");
	refused(e, "share(x/a, p/cu)", "share(x/a, p/cu):1: share: 't' is no part of '$/mt' (the units measure different things)");
	refused(e, "rebase(x/b, 2020-04)", "rebase(x/b, 2020-04):1: rebase: no complete value for 2020-04");
	/* numbers alone: no periods, no frequency (SQLite's CHECK said so) */
	refused(e, "2 * 3", "2 * 3: the expression names no series (a derived series is computed from others; numbers alone have no periods)");
	refused(e, "lag(5, 1)", "lag(5, 1): the expression names no series (a derived series is computed from others; numbers alone have no periods)");
}

/* Evaluate and compare with want[] over 2020-01.. (NAN: no value). */
static void values(struct env *e, const char *expr, assay_freq f,
		   const double *want, size_t n, const char *unit)
{
	assay_derive_result r;
	assay_error err;
	if (assay_derive_eval(e->st, NULL, expr, f, NULL, NULL, &r, &err))
		fail_msg("%s: %s", expr, err.msg);
	assay_freq rf = f ? f : ASSAY_FREQ_M;
	assay_period p0 = rf == ASSAY_FREQ_M ? 2020 * 12 : 2020 * 4;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int have = k < r.n && r.period[k] == p0 + (assay_period)i;
		if (isnan(want[i])) {
			/* no value: absent, or NA where a division by zero
			 * keeps the period (test_div_zero_and_units) */
			if (have && !isnan(r.value[k]))
				fail_msg("%s: period %zu has %g, want none", expr, i, r.value[k]);
			k += have;
			continue;
		}
		if (!have)
			fail_msg("%s: period %zu missing", expr, i);
		if (fabs(r.value[k] - want[i]) > 1e-12 * fabs(want[i]))
			fail_msg("%s: period %zu: %.17g, want %.17g", expr, i, r.value[k], want[i]);
		k++;
	}
	assert_int_equal(k, r.n);
	if (unit)
		assert_string_equal(r.unit, unit);
	else
		assert_null(r.unit);
	assay_derive_result_release(&r);
}

static void test_operators(void **state)
{
	struct env *e = *state;
	values(e, "x/a + x/b", 0, (double[]){ 11, 22, 3, NAN, 55, 66 }, 6, "t");
	values(e, "x/b - x/a", 0, (double[]){ 9, 18, -3, NAN, 45, 54 }, 6, "t");
	values(e, "2 * x/a - 1", 0, (double[]){ 1, 3, 5, 7, 9, 11 }, 6, "t");
	values(e, "-(x/a) / 4", 0, (double[]){ -0.25, -0.5, -0.75, -1, -1.25, -1.5 }, 6, "t");
	/* 2020-03: b is 0: NA, counted */
	values(e, "x/a / x/b", 0, (double[]){ 0.1, 0.1, NAN, NAN, 0.1, 0.1 }, 6, "1");
	values(e, "lag(x/a, 2)", 0, (double[]){ NAN, NAN, 1, 2, 3, 4 }, 6, "t");
	values(e, "lag(x/a, -1)", 0, (double[]){ 2, 3, 4, 5, 6, NAN }, 6, "t");
	values(e, "rebase(x/a, 2020-02)", 0, (double[]){ 50, 100, 150, 200, 250, 300 }, 6, "2020-02=100");
	/* rebase to a quarter: the mean of its three months, 2 */
	values(e, "rebase(x/a, 2020Q1)", 0, (double[]){ 50, 100, 150, 200, 250, 300 }, 6, "2020Q1=100");
	/* sum adds the members with a value; b's gap leaves a alone */
	values(e, "sum(x/*)", 0, (double[]){ 11, 22, 3, 4, 55, 66 }, 6, "t");
	values(e, "share(x/a, sum(x/*))", 0,
	       (double[]){ 100.0 / 11, 200.0 / 22, 100, 100, 500.0 / 55, 600.0 / 66 }, 6, "%");
	/* quarters: flows summed first; Q2 of b has a gap month: NA */
	values(e, "x/a + x/b", ASSAY_FREQ_Q, (double[]){ 36, NAN }, 2, "t");
	values(e, "x/a * p/cu", 0, (double[]){ 1000, 4000, NAN, NAN, NAN, NAN }, 6, "t*($/mt)");
	values(e, "'x/a' * 1e3", 0, (double[]){ 1e3, 2e3, 3e3, 4e3, 5e3, 6e3 }, 6, "t");
}

/* A number in an expression is the correctly rounded double of its text
 * (strtod's), not a product of roundings; one out of range is an error. */
static void test_number_literals(void **state)
{
	struct env *e = *state;
	static const char *const lits[] = { "1.2345678901234567e-5", "0.45359237",
		"31.1034768e-3", "123456789012345678901234567890", "7.2057594037927933e16",
		"2.2250738585072014e-308", "0.1e1", "1e22", "1e23" };
	for (size_t i = 0; i < sizeof lits / sizeof *lits; i++) {
		char expr[128];
		snprintf(expr, sizeof expr, "x/a * %s", lits[i]);
		assay_derive_result r;
		assay_error err;
		if (assay_derive_eval(e->st, NULL, expr, 0, NULL, NULL, &r, &err))
			fail_msg("%s: %s", expr, err.msg);
		double want = strtod(lits[i], NULL);     /* x/a is 1 in 2020-01 */
		if (r.n < 1 || r.value[0] != want)
			fail_msg("%s: %.17g, want %.17g", expr, r.n ? r.value[0] : NAN, want);
		assay_derive_result_release(&r);
	}
	refused(e, "x/a * 1e999", "x/a * 1e999:7: number '1e999' is out of range");
	refused(e, "x/a * 1e-999", "x/a * 1e-999:7: number '1e-999' is out of range");
}

/* Does the result keep period p, as NA? */
static int na_at(const assay_derive_result *r, assay_period p)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->period[i] == p && isnan(r->value[i]))
			return 1;
	return 0;
}

static void test_div_zero_and_units(void **state)
{
	struct env *e = *state;
	assay_derive_result r;
	assay_error err;
	assert_int_equal(assay_derive_eval(e->st, NULL, "x/a / x/b", 0, NULL, NULL,
					   &r, &err), 0);
	assert_int_equal(r.n_div_zero, 1);
	assert_int_equal(r.first_div_zero, 2020 * 12 + 2);
	/* the period divided by zero stays, NA (dropped, the month before
	 * was taken for the latest); a missing input's period does not */
	int missing = 1;
	for (size_t i = 0; i < r.n; i++)
		missing &= r.period[i] != 2020 * 12 + 3;
	assert_true(na_at(&r, 2020 * 12 + 2));
	assert_true(missing);
	assert_int_equal(r.ninputs, 2);
	assert_string_equal(r.inputs[0], "x/a");
	assay_derive_result_release(&r);
	/* quarterly, b - b is 0 in 2020Q1 and in 2020Q2, which b's gap
	 * leaves partial: the partial quarter is left out and not counted
	 * as divided by zero (the count said 2 of a result of 1 period) */
	assert_int_equal(assay_derive_eval(e->st, NULL, "x/a / (x/b - x/b)",
					   ASSAY_FREQ_Q, NULL, NULL, &r, &err), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.n_div_zero, 1);
	assert_int_equal(r.first_div_zero, 2020 * 4);
	assert_true(isnan(r.value[0]));
	assay_derive_result_release(&r);
	/* the NA moves with the value: lag(a / b, 1) is NA in 2020-04 (the
	 * quotient of 2020-03) and has 0.1 in 2020-03 (that of 2020-02); the
	 * mark stayed on 2020-03 and the NA of 2020-04 was dropped, with no
	 * warning */
	assert_int_equal(assay_derive_eval(e->st, NULL, "lag(x/a / x/b, 1)", 0,
					   NULL, NULL, &r, &err), 0);
	assert_int_equal(r.n_div_zero, 1);
	assert_int_equal(r.first_div_zero, 2020 * 12 + 3);
	assert_true(na_at(&r, 2020 * 12 + 3));
	assay_derive_result_release(&r);
	/* a series over a stored ratio keeps the ratio's NA period (it
	 * was dropped: the series ended or gapped a month early, exit 0) */
	assert_int_equal(assay_derive_eval(e->st, "d/q", "x/a / x/b", 0, NULL,
					   NULL, &r, &err), 0);
	assert_int_equal(assay_store_derived_put(e->st, "d/q", "x/a / x/b", r.freq,
						 NULL, 0, NULL, &r, &err), 0);
	assay_derive_result_release(&r);
	assert_int_equal(assay_derive_eval(e->st, NULL, "2 * d/q", 0, NULL, NULL,
					   &r, &err), 0);
	assert_int_equal(r.n_div_zero, 1);
	assert_int_equal(r.first_div_zero, 2020 * 12 + 2);
	assert_true(na_at(&r, 2020 * 12 + 2));
	assay_derive_result_release(&r);
	/* to kt: divided by 1000 */
	assert_int_equal(assay_derive_eval(e->st, NULL, "x/a", 0, NULL, "kt", &r,
					   &err), 0);
	assert_true(fabs(r.value[0] - 0.001) < 1e-15);
	assert_string_equal(r.unit, "kt");
	assay_derive_result_release(&r);
	assert_int_equal(assay_derive_eval(e->st, NULL, "p/cu", 0, NULL, "EUR/mt",
					   &r, &err), -1);
	assert_non_null(strstr(err.msg, "cannot convert '$/mt' to 'EUR/mt'"));
	/* a monthly result cannot come from... annual? here: M asked of M */
	assert_int_equal(assay_derive_eval(e->st, NULL, "x/a", ASSAY_FREQ_A, NULL,
					   NULL, &r, &err), 0);
	assert_int_equal(r.n, 0);               /* 2020 is partial */
	assay_derive_result_release(&r);
}

static void test_store_and_cycles(void **state)
{
	struct env *e = *state;
	assay_derive_result r;
	assay_error err;
	assert_int_equal(assay_derive_eval(e->st, "d/one", "x/a * 2", 0, NULL, NULL,
					   &r, &err), 0);
	assert_int_equal(assay_store_derived_put(e->st, "d/one", "x/a * 2", r.freq,
						 NULL, 0, NULL, &r, &err), 0);
	assay_derive_result_release(&r);
	assay_series_info info;
	assert_int_equal(assay_store_series_get(e->st, "d/one", &info, &err), 1);
	assert_string_equal(info.source, "derived");
	assert_string_equal(info.unit, "t");
	assay_obs obs;
	assert_int_equal(assay_store_load(e->st, info.id, NULL, &obs, &err), 0);
	assert_int_equal(obs.n, 6);
	assert_true(obs.value[5] == 12);
	assay_obs_release(&obs);
	/* as of before the inputs' vintage: nothing */
	assert_int_equal(assay_store_load(e->st, info.id, "2025-01-01T00:00:00Z",
					  &obs, &err), 0);
	assert_int_equal(obs.n, 0);
	assay_obs_release(&obs);
	assay_derived_input *in;
	size_t n;
	assert_int_equal(assay_store_derived_inputs(e->st, info.id, &in, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(in[0].name, "x/a");
	assert_string_equal(in[0].vintage_then, "2026-01-10T00:00:00Z");
	free(in);
	assay_series_info_release(&info);
	/* d/two over d/one, then d/one over d/two: circular */
	assert_int_equal(assay_derive_eval(e->st, "d/two", "d/one + 1", 0, NULL, NULL,
					   &r, &err), 0);
	assert_int_equal(assay_store_derived_put(e->st, "d/two", "d/one + 1", r.freq,
						 NULL, 0, NULL, &r, &err), 0);
	assay_derive_result_release(&r);
	assert_int_equal(assay_derive_eval(e->st, "d/one", "d/two", 0, NULL, NULL,
					   &r, &err), -1);
	assert_string_equal(err.msg, "derived series 'd/two': d/one + 1:1: circular "
			    "definition: d/one -> d/two -> d/one");
	/* an imported series is not overwritten */
	assert_int_equal(assay_derive_eval(e->st, NULL, "x/b", 0, NULL, NULL, &r,
					   &err), 0);
	assert_int_equal(assay_store_derived_put(e->st, "x/a", "x/b", r.freq, NULL, 0,
						 NULL, &r, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	assay_derive_result_release(&r);
}

static void define(struct env *e, const char *name, const char *expr)
{
	assay_derive_result r;
	assay_error err;
	if (assay_derive_eval(e->st, name, expr, 0, NULL, NULL, &r, &err) ||
	    assay_store_derived_put(e->st, name, expr, r.freq, NULL, 0, NULL, &r,
				    &err))
		fail_msg("%s = %s: %s", name, expr, err.msg);
	assay_derive_result_release(&r);
}

/* sum(PATTERN) adds imported series only, the members recorded with the
 * definition; a circle through a rename is refused.  x/a + x/b by hand:
 * 11, 22, 3, 4 (x/b has no 2020-04), 55, 66. */
static void test_sum_members(void **state)
{
	struct env *e = *state;
	static const double sum[] = { 11, 22, 3, 4, 55, 66 };
	define(e, "x/tot", "sum(x/*)");
	/* a second total over the same pattern counts neither x/tot nor
	 * itself, and makes no circle */
	define(e, "x/tot2", "sum(x/*)");
	values(e, "x/tot2", ASSAY_FREQ_NONE, sum, 6, "t");
	values(e, "x/tot", ASSAY_FREQ_NONE, sum, 6, "t");
	values(e, "sum(x/*) - x/tot", ASSAY_FREQ_NONE,
	       (const double[]){ 0, 0, 0, 0, 0, 0 }, 6, "t");
	assay_error err;
	assert_int_equal(assay_derive_check_cycle(e->st, "x/tot", &err), 0);
	/* a member that only matches now is an error naming it */
	import_csv(e, "series,date,value\nx/c,2020-01,100\n", "flow", "t");
	assay_series_info info;
	assay_obs obs;
	assert_int_equal(assay_store_series_get(e->st, "x/tot", &info, &err), 1);
	assert_int_equal(assay_store_load(e->st, info.id, NULL, &obs, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	assert_string_equal(err.msg, "derived series 'x/tot': sum(x/*) matches other "
			    "series than when 'x/tot' was defined: 'x/c' is new (to "
			    "accept the series it matches now, define it again: "
			    "assay derive x/tot 'sum(x/*)')");
	assay_series_info_release(&info);
	/* renaming so that a definition reads a series that reads it */
	define(e, "y/n", "x/a * 1");
	define(e, "y/d", "y/n + 1");
	define(e, "y/e", "y/d * 2");
	assert_int_equal(assay_store_series_remove(e->st, "y/n", &err), 1);
	assert_int_equal(assay_store_series_rename(e->st, "y/e", "y/n", &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	assert_string_equal(err.msg, "renaming 'y/e' to 'y/n' would make a circular "
			    "definition: y/n -> y/d -> y/n; assay rm or redefine the "
			    "series that names 'y/n' first");
	assert_int_equal(assay_store_series_get(e->st, "y/e", &info, &err), 1);
	assay_series_info_release(&info);
	assert_int_equal(assay_store_series_rename(e->st, "y/e", "y/f", &err), 1);
}

/* Base-period indexes: rebase() is in "P=100" whatever its input's unit,
 * indexes on different bases neither add nor convert.  The values are
 * python's (100 * v / base, the base the mean of the base period). */
static void test_index_units(void **state)
{
	struct env *e = *state;
	import_csv(e, "series,date,value\ni/10,2020-01,110\ni/10,2020-02,120\n"
		   "i/10,2020-03,130\n", "price", "2010=100");
	import_csv(e, "series,date,value\ni/05,2020-01,50\ni/05,2020-02,60\n"
		   "i/05,2020-03,70\n", "price", "(2005=100)");
	values(e, "rebase(i/10, 2020-02)", 0,
	       (double[]){ 91.66666666666667, 100, 108.33333333333333 }, 3, "2020-02=100");
	values(e, "rebase(i/10, 2020Q1)", 0,
	       (double[]){ 91.66666666666667, 100, 108.33333333333333 }, 3, "2020Q1=100");
	/* one base period written two ways adds */
	values(e, "rebase(i/05, 2020-01) + rebase(i/10, 2020M01)", 0,
	       (double[]){ 200, 229.0909090909091, 258.1818181818182 }, 3, "2020-01=100");
	values(e, "i/10 * 2 + 1", 0, (double[]){ 221, 241, 261 }, 3, "2010=100");
	refused(e, "i/10 + i/05", "i/10 + i/05:6: cannot add '2010=100' and '2005=100': "
		"an index on another base period is no unit conversion: it needs the "
		"series' own mean over 2010 (the derive function rebase(SERIES, 2010))");
	refused(e, "i/05 - rebase(i/10, 2020Q1)", "i/05 - rebase(i/10, 2020Q1):6: cannot "
		"subtract '2020Q1=100' from '2005=100': an index on another base period "
		"is no unit conversion: it needs the series' own mean over 2005 (the "
		"derive function rebase(SERIES, 2005))");
	refused(e, "i/10 + share(i/10, i/10)", "i/10 + share(i/10, i/10):6: cannot add "
		"'2010=100' and '%': an index is the series relative to its own mean "
		"over the base period, not a unit of measure (the derive function "
		"rebase(SERIES, 2010))");
	refused(e, "sum(i/*)", "sum(i/*):1: sum(i/*): cannot convert '2010=100' to "
		"'2005=100': an index on another base period is no unit conversion: it "
		"needs the series' own mean over 2005 (the derive function "
		"rebase(SERIES, 2005))");
	/* --to-unit: the same index is no conversion, another base refused */
	assay_derive_result r;
	assay_error err;
	assert_int_equal(assay_derive_eval(e->st, NULL, "i/10", 0, NULL, "(2010=100)",
					   &r, &err), 0);
	assert_true(r.value[0] == 110);
	assay_derive_result_release(&r);
	assert_int_equal(assay_derive_eval(e->st, NULL, "i/10", 0, NULL, "2005=100",
					   &r, &err), -1);
	assert_string_equal(err.msg, "i/10: --to-unit: cannot convert '2010=100' to "
			    "'2005=100': an index on another base period is no unit "
			    "conversion: it needs the series' own mean over 2005 (the "
			    "derive function rebase(SERIES, 2005))");
	assert_int_equal(assay_derive_eval(e->st, NULL, "rebase(i/10, 2020-02)", 0,
					   NULL, "%", &r, &err), -1);
	assert_non_null(strstr(err.msg, "converts to no other unit"));
}

/* The kind of a result, and why it is unknown ("" when known). */
static void kind_is(struct env *e, const char *expr, assay_kind want,
		    const char *why)
{
	assay_derive_result r;
	assay_error err;
	if (assay_derive_eval(e->st, NULL, expr, ASSAY_FREQ_NONE, NULL, NULL, &r, &err))
		fail_msg("%s: %s", expr, err.msg);
	if (r.kind != want)
		fail_msg("%s: kind %d, want %d (%s)", expr, r.kind, want, r.kind_note);
	if (strcmp(r.kind_note, why))
		fail_msg("%s: kind note [%s], want [%s]", expr, r.kind_note, why);
	assay_derive_result_release(&r);
}

static void test_kinds(void **state)
{
	struct env *e = *state;
	import_csv(e, "series,date,value\nk/inv,2020-01,5\nk/inv,2020-02,6\n",
		   "stock", "t");
	import_csv(e, "series,date,value\nm/f,2020-01,5\n", "flow", "t");
	import_csv(e, "series,date,value\nm/s,2020-01,5\n", "stock", "t");
	const assay_kind F = ASSAY_KIND_FLOW, P = ASSAY_KIND_PRICE,
			 S = ASSAY_KIND_STOCK, N = ASSAY_KIND_NONE;
	/* t * $/t is $ a month: summed */
	kind_is(e, "x/a * p/cu", F, "");
	kind_is(e, "p/cu * x/a", F, "");
	kind_is(e, "x/a / p/cu", F, "");
	kind_is(e, "k/inv * p/cu", S, "");
	kind_is(e, "p/cu * k/inv", S, "");
	kind_is(e, "k/inv / k/inv", S, "");
	kind_is(e, "p/cu / p/cu", P, "");
	kind_is(e, "p/cu * p/cu", P, "");
	kind_is(e, "x/a / x/b", P, "");
	kind_is(e, "x/a + x/b", F, "");
	kind_is(e, "2 * x/a - 1", F, "");
	kind_is(e, "-(x/a) / 4", F, "");
	kind_is(e, "1 / p/cu", P, "");
	kind_is(e, "lag(k/inv, 1)", S, "");
	kind_is(e, "sum(x/*)", F, "");
	kind_is(e, "rebase(x/a, 2020-02)", P, "");
	kind_is(e, "share(x/a, sum(x/*))", P, "");
	/* (a number alone is refused: test_parse_errors) */
	/* unknown: the caller asks for one */
	kind_is(e, "x/a * x/b", N, "a flow times a flow");
	kind_is(e, "x/a * k/inv", N, "a flow times a stock");
	kind_is(e, "x/a / k/inv", N, "a flow divided by a stock");
	kind_is(e, "k/inv / x/a", N, "a stock divided by a flow");
	kind_is(e, "p/cu / x/a", N, "a price divided by a flow");
	kind_is(e, "p/cu / k/inv", N, "a price divided by a stock");
	kind_is(e, "1 / x/a", N, "a number divided by a flow");
	kind_is(e, "x/a + k/inv", N, "a flow plus a stock");
	kind_is(e, "k/inv - x/a", N, "a stock minus a flow");
	kind_is(e, "(x/a * x/b) / x/b * 2", N, "a flow times a flow");
	kind_is(e, "p/cu * (x/a * x/b)", N, "a flow times a flow");
	kind_is(e, "sum(m/*)", N, "sum() adds a flow and a stock");
	/* ... unless a function that fixes it comes after */
	kind_is(e, "rebase(x/a * x/b, 2020-01)", P, "");
	/* the store refuses a derived series of no kind, takes one given */
	assay_derive_result r;
	assay_error err;
	assert_int_equal(assay_derive_eval(e->st, "d/sq", "x/a * x/a", 0, NULL, NULL,
					   &r, &err), 0);
	assert_int_equal(assay_store_derived_put(e->st, "d/sq", "x/a * x/a", r.freq,
						 NULL, 0, NULL, &r, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	assert_string_equal(err.msg, "d/sq: the kind of the result cannot be told "
			    "from its inputs (a flow times a flow): give one (flow, "
			    "price or stock)");
	assay_series_info info;
	assert_int_equal(assay_store_series_get(e->st, "d/sq", &info, &err), 0);
	assert_int_equal(assay_store_derived_put(e->st, "d/sq", "x/a * x/a", r.freq,
						 NULL, ASSAY_KIND_FLOW, NULL, &r, &err), 0);
	assay_derive_result_release(&r);
	assert_int_equal(assay_store_series_get(e->st, "d/sq", &info, &err), 1);
	assert_int_equal(info.kind, ASSAY_KIND_FLOW);
	assay_series_info_release(&info);
}

/* The kind stored with a definition: inferred (kind_given 0) it is
 * checked against the inputs' on every read, and an input relabelled
 * another kind since makes the load an error that says to define it
 * again; given (--kind: kind_given 1) it is kept. */
static void test_kind_relabelled(void **state)
{
	struct env *e = *state;
	import_csv(e, "series,date,value\nk2/p,2020-01,1\nk2/p,2020-02,2\n",
		   "flow", "t");
	define(e, "d/ki", "k2/p * 2");
	assay_derive_result r;
	assay_error err;
	assert_int_equal(assay_derive_eval(e->st, "d/kg", "k2/p * 2", 0, NULL, NULL,
					   &r, &err), 0);
	assert_int_equal(assay_store_derived_put(e->st, "d/kg", "k2/p * 2", r.freq,
						 NULL, ASSAY_KIND_STOCK, NULL, &r,
						 &err), 0);
	assay_derive_result_release(&r);
	assay_series_info ki, kg;
	assay_derived_def def;
	assert_int_equal(assay_store_series_get(e->st, "d/ki", &ki, &err), 1);
	assert_int_equal(assay_store_series_get(e->st, "d/kg", &kg, &err), 1);
	assert_int_equal(ki.kind, ASSAY_KIND_FLOW);
	assert_int_equal(kg.kind, ASSAY_KIND_STOCK);
	assert_int_equal(assay_store_derived_get(e->st, ki.id, &def, &err), 1);
	assert_int_equal(def.kind_given, 0);
	assay_derived_def_release(&def);
	assert_int_equal(assay_store_derived_get(e->st, kg.id, &def, &err), 1);
	assert_int_equal(def.kind_given, 1);
	assay_derived_def_release(&def);
	assay_obs obs;
	assert_int_equal(assay_store_load(e->st, ki.id, NULL, &obs, &err), 0);
	assert_int_equal(obs.n, 2);
	assay_obs_release(&obs);
	/* k2/p relabelled a price (import --kind price --relabel) */
	FILE *fp = fopen(e->csv, "wb");
	assert_non_null(fp);
	fputs("series,date,value\nk2/p,2020-01,1\nk2/p,2020-02,2\n", fp);
	fclose(fp);
	assay_import_opts o;
	assay_import_result ir;
	memset(&o, 0, sizeof o);
	o.path = e->csv;
	o.decimal = '.';
	o.meta[ASSAY_META_KIND] = "price";
	o.meta[ASSAY_META_UNIT] = "t";
	o.relabel = 1;
	o.vintage = "2026-01-11T00:00:00Z";
	if (assay_import(e->st, &o, &ir, &err))
		fail_msg("import: %s", err.msg);
	assert_int_equal(assay_store_load(e->st, ki.id, NULL, &obs, &err), -1);
	assert_int_equal(err.status, ASSAY_EUSAGE);
	assert_string_equal(err.msg, "derived series 'd/ki': it is a flow, but its "
			    "inputs give a price now (an input's kind was changed "
			    "since it was defined: define it again: assay derive "
			    "d/ki 'k2/p * 2')");
	assert_int_equal(assay_store_load(e->st, kg.id, NULL, &obs, &err), 0);
	assert_int_equal(obs.n, 2);
	assert_true(obs.value[1] == 4);
	assay_obs_release(&obs);
	/* defined again: a price, and read */
	define(e, "d/ki", "k2/p * 2");
	assert_int_equal(assay_store_load(e->st, ki.id, NULL, &obs, &err), 0);
	assay_obs_release(&obs);
	assay_series_info_release(&ki);
	assay_series_info_release(&kg);
}

int main(void)
{
	assay_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_number_literals),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_div_zero_and_units),
		cmocka_unit_test(test_store_and_cycles),
		cmocka_unit_test(test_index_units),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_kind_relabelled),
		cmocka_unit_test(test_sum_members),     /* last: adds x/c */
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
