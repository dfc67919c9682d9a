/* Benjamini-Hochberg q-values against statsmodels (scripts/make-fixtures-fdr). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assay/fdr.h"

struct fixture_case {
	char name[32];
	double p[1024], q[1024];
	size_t n;
};

/* Read every row of one case from tests/fixtures/fdr_bh.csv. */
static size_t load_case(const char *name, struct fixture_case *c)
{
	char path[512], line[256];
	const char *dir = getenv("ASSAY_TEST_DATA");
	snprintf(path, sizeof path, "%s/fdr_bh.csv", dir ? dir : "tests/fixtures");
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	c->n = 0;
	while (fgets(line, sizeof line, fp)) {
		char cname[32];
		int idx;
		double p, q;
		if (sscanf(line, "%31[^,],%d,%lf,%lf", cname, &idx, &p, &q) == 4 &&
		    !strcmp(cname, name)) {
			assert_int_equal(idx, (int)c->n);
			c->p[c->n] = p;
			c->q[c->n++] = q;
		}
	}
	fclose(fp);
	return c->n;
}

static void check_case(const char *name)
{
	static struct fixture_case c;
	static double q[1024];
	assert_true(load_case(name, &c) > 0);
	assert_int_equal(assay_fdr_bh(c.p, q, c.n), 0);
	for (size_t i = 0; i < c.n; i++)
		assert_true(fabs(q[i] - c.q[i]) <= 1e-12 * fmax(1.0, fabs(c.q[i])));
}

static void test_mixed(void **s) { (void)s; check_case("mixed200"); }
static void test_ties(void **s) { (void)s; check_case("ties"); }
static void test_single(void **s) { (void)s; check_case("single"); }
static void test_ones(void **s) { (void)s; check_case("all_ones"); }
static void test_uniform(void **s) { (void)s; check_case("uniform1000"); }

/* NaN p-values (series that cannot be judged) are left out of m. */
static void test_nan_left_out(void **s)
{
	(void)s;
	double p[] = { 0.01, NAN, 0.04 }, q[3];
	assert_int_equal(assay_fdr_bh(p, q, 3), 0);
	assert_true(isnan(q[1]));
	assert_true(fabs(q[0] - 0.02) < 1e-15);    /* 2/1 * 0.01 */
	assert_true(fabs(q[2] - 0.04) < 1e-15);    /* 2/2 * 0.04 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mixed), cmocka_unit_test(test_ties),
		cmocka_unit_test(test_single), cmocka_unit_test(test_ones),
		cmocka_unit_test(test_uniform), cmocka_unit_test(test_nan_left_out),
	};
	return cmocka_run_group_tests_name("fdr", tests, NULL, NULL);
}
