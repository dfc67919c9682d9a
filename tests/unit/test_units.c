/*
 * Unit tests of units.c: conversions checked against published factors
 * (NIST SP 811 / the 1959 international yard and pound agreement:
 * 1 lb = 0.45359237 kg exactly; 1 troy oz = 31.1034768 g exactly;
 * 1 bbl = 42 US gal = 0.158987294928 m3; 1 Btu(IT) = 1055.05585262 J),
 * the source texts of the bundled data, the refusals, and base-period
 * indexes (a unit of their own: no factor to another base, to % or to 1).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "assay/units.h"

/* The factor from a to b, asserting it exists. */
static double factor(const char *a, const char *b)
{
	assay_unit *ua, *ub;
	assay_error err;
	double f = NAN;
	if (assay_unit_parse(a, &ua, &err))
		fail_msg("%s: %s", a, err.msg);
	if (assay_unit_parse(b, &ub, &err))
		fail_msg("%s: %s", b, err.msg);
	if (assay_unit_factor(ua, ub, &f, &err))
		fail_msg("%s -> %s: %s", a, b, err.msg);
	assay_unit_free(ua);
	assay_unit_free(ub);
	return f;
}

static void close_to(double got, double want)
{
	if (!(fabs(got - want) <= 1e-12 * fabs(want)))
		fail_msg("got %.17g, want %.17g", got, want);
}

static void test_published_factors(void **state)
{
	(void)state;
	/* $/mt -> $/lb: a tonne is 1000 / 0.45359237 lb */
	close_to(factor("$/mt", "$/lb"), 0.45359237 / 1000);
	close_to(factor("lb", "kg"), 0.45359237);
	close_to(factor("troy oz", "g"), 31.1034768);
	close_to(factor("$/troy oz", "$/kg"), 1000 / 31.1034768);
	close_to(factor("t", "kt"), 1e-3);
	close_to(factor("kt", "t"), 1e3);
	close_to(factor("thousand metric tons", "t"), 1e3);
	close_to(factor("million metric tons", "kt"), 1e3);
	close_to(factor("cents/kg", "$/mt"), 10.0);
	close_to(factor("US cents/lb", "$/mt"), 0.01 * 1000 / 0.45359237);
	close_to(factor("bbl", "m3"), 0.158987294928);
	close_to(factor("bbl", "l"), 158.987294928);
	close_to(factor("$/mmbtu", "$/GJ"), 1e9 / 1055.05585262e6);
	close_to(factor("%", "1"), 0.01);
	/* one unit converts to itself, and to another spelling of itself,
	 * by exactly 1 (UDUNITS gave '% g' 0.99999999999999989 of itself:
	 * fuzz_units) */
	assert_true(factor("% g", "% g") == 1);
	assert_true(factor("percent g", "g%") == 1);
	assert_true(factor("$/mt", "USD/t") == 1);
	close_to(factor("kilograms", "t"), 1e-3);
	close_to(factor("($/mt)", "$/t"), 1.0);
}

/* Every unit text of the bundled data parses (World Bank, USGS, BGS). */
static void test_bundled_units(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"($/bbl)", "($/mt)", "($/mmbtu)", "(2010=100)", "(2005=100)",
		"($/kg)", "($/cubic meter)", "(cents/sheet)", "($/dmtu)",
		"($/troy oz)", "(cents/kg)", "t", "kt", "%", "US cents/lb",
		"persons", "thousand metric tons", "metric tons",
		"thousand metric dry tons", "kilograms", "million metric tons",
		"thousand carats", "million cubic meters", "million carats",
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		assay_unit *u;
		assay_error err;
		if (assay_unit_parse(texts[i], &u, &err))
			fail_msg("%s: %s", texts[i], err.msg);
		assay_unit_free(u);
	}
}

static void refused(const char *a, const char *b, const char *needle)
{
	assay_unit *ua = NULL, *ub = NULL;
	assay_error err;
	double f;
	int rc = assay_unit_parse(a, &ua, &err);
	if (rc == 0 && b)
		rc = assay_unit_parse(b, &ub, &err);
	if (rc == 0 && b)
		rc = assay_unit_factor(ua, ub, &f, &err);
	assert_int_equal(rc, -1);
	assert_int_equal(err.status, 2);
	if (!strstr(err.msg, needle))
		fail_msg("'%s' not in '%s'", needle, err.msg);
	assay_unit_free(ua);
	assay_unit_free(ub);
}

static void test_refusals(void **state)
{
	(void)state;
	refused("$/mt", "EUR/mt", "cannot convert '$/mt' to 'EUR/mt'");
	refused("$/mt", "EUR/mt", "exchange rates");
	refused("t", "$/mt", "measure different things");
	refused("$/dmtu", "$/mt", "measure different things");
	/* a unit and its reciprocal: UDUNITS converts x -> 1/x, which is no
	 * factor (fuzz_units: compatible, and then refused as "an offset") */
	refused("t", "USD/USD/t", "measure different things");
	/* a factor of 1e310 one way and 1e-310 (subnormal) the other was
	 * compatible one way only (fuzz_units): such a size is refused */
	refused("1e308", NULL, "its size is beyond the range");
	{
		assay_unit *ua, *ub;
		assay_error err;
		assert_int_equal(assay_unit_parse("t", &ua, &err), 0);
		assert_int_equal(assay_unit_parse("1/t", &ub, &err), 0);
		assert_int_equal(assay_unit_compatible(ua, ub), 0);
		assay_unit_free(ua);
		assay_unit_free(ub);
	}
	refused("$/oz", NULL, "'oz' is ambiguous");
	refused("short tons", NULL, "'short' is no unit");
	refused("widgets/h", NULL, "'widgets' is no unit");
	refused("", NULL, "empty unit");
	/* 1e311 kg: no conversion, not even to itself (fuzz_units) */
	refused("1e308 t", NULL, "unit '1e308 t': its size is beyond the range");
	refused("1e200 t", NULL, "its size is beyond the range");      /* its square */
}

static void test_arithmetic(void **state)
{
	(void)state;
	assay_unit *a, *b, *r;
	assay_error err;
	assert_int_equal(assay_unit_parse("$/mt", &a, &err), 0);
	assert_int_equal(assay_unit_parse("$/kg", &b, &err), 0);
	r = assay_unit_div(a, b, NULL);
	assert_non_null(r);
	assert_true(assay_unit_dimensionless(r));
	assert_string_equal(assay_unit_text(r), "$/mt/($/kg)");
	double f;
	assay_unit *one;
	assert_int_equal(assay_unit_parse("1", &one, &err), 0);
	assert_int_equal(assay_unit_factor(r, one, &f, &err), 0);
	close_to(f, 1e-3);
	/* the composed text parses back to the same unit */
	assay_unit *back;
	assert_int_equal(assay_unit_parse(assay_unit_text(r), &back, &err), 0);
	assert_true(assay_unit_same(back, r));
	assert_false(assay_unit_same(a, b));
	assert_true(assay_unit_compatible(a, b));
	assay_unit_free(back);
	assay_unit_free(one);
	assay_unit_free(r);
	assay_unit_free(a);
	assay_unit_free(b);
	double v[3] = { 1000, NAN, 2204.62 };
	assert_int_equal(assay_unit_convert_values("$/mt", "$/lb", v, 3, &err), 0);
	close_to(v[0], 0.45359237);
	assert_true(isnan(v[1]));
}

/* An index converts only to itself: the same base period (written as the
 * source does, in parentheses, or as another label of that period). */
static void test_indexes(void **state)
{
	(void)state;
	assay_unit *u;
	assay_error err;
	close_to(factor("2010=100", "2010=100"), 1.0);
	close_to(factor("(2010=100)", "2010=100"), 1.0);
	close_to(factor("2010-01=100", "2010M01=100"), 1.0);
	close_to(factor("2010Q1=100", "2010Q1=100"), 1.0);
	refused("2010=100", "2005=100", "cannot convert '2010=100' to '2005=100': "
		"an index on another base period is no unit conversion: it needs "
		"the series' own mean over 2005 (the derive function "
		"rebase(SERIES, 2005))");
	refused("2010=100", "2010Q1=100", "rebase(SERIES, 2010Q1)");
	refused("2010=100", "%", "cannot convert '2010=100' to '%': an index is "
		"relative to its base period, not a unit of measure, and converts "
		"to no other unit");
	refused("2010=100", "1", "converts to no other unit");
	refused("%", "2010=100", "cannot convert '%' to '2010=100': an index is "
		"the series relative to its own mean over the base period");
	refused("$/mt", "2010=100", "rebase(SERIES, 2010)");
	/* a base that is no period label: the hint names none */
	refused("1982-84=100", "2010=100", "rebase(SERIES, 2010)");
	refused("2010=100", "1982-84=100", "rebase(SERIES, PERIOD)");

	assert_int_equal(assay_unit_parse("(2010Q1=100)", &u, &err), 0);
	assert_string_equal(assay_unit_index_base(u), "2010Q1");
	assert_true(assay_unit_dimensionless(u));
	assay_unit *v, *one;
	assert_int_equal(assay_unit_parse("2005=100", &v, &err), 0);
	assert_int_equal(assay_unit_parse("1", &one, &err), 0);
	assert_false(assay_unit_compatible(u, v));
	assert_false(assay_unit_same(u, v));
	assert_false(assay_unit_compatible(u, one));
	assert_false(assay_unit_same(one, v));
	assert_null(assay_unit_index_base(one));
	/* a copy is the same index */
	assay_unit *c = assay_unit_dup(v);
	assert_string_equal(assay_unit_index_base(c), "2005");
	assert_true(assay_unit_same(c, v));
	/* a compound text with an index in it is no index: derive's
	 * "$/mt/2010=100" is $/mt */
	assay_unit *cmp, *mt;
	assert_int_equal(assay_unit_parse("$/mt/2010=100", &cmp, &err), 0);
	assert_int_equal(assay_unit_parse("$/mt", &mt, &err), 0);
	assert_null(assay_unit_index_base(cmp));
	close_to(factor("$/mt/2010=100", "$/mt"), 1.0);
	/* the product of an index and another unit is no index either */
	assay_unit *prod = assay_unit_mul(v, mt, NULL);
	assert_null(assay_unit_index_base(prod));
	assert_true(assay_unit_same(prod, mt));
	char why[400];
	assert_int_equal(assay_unit_index_clash(v, c, why, sizeof why), 0);
	assert_int_equal(assay_unit_index_clash(mt, prod, NULL, 0), 0);
	assert_int_equal(assay_unit_index_clash(u, v, why, sizeof why), 1);
	assert_non_null(strstr(why, "mean over 2005"));
	/* values are left as they were */
	double x[2] = { 119.14, 113.76 };
	assert_int_equal(assay_unit_convert_values("2010=100", "2005=100", x, 2, &err), -1);
	assert_int_equal(err.status, 2);
	assert_true(x[0] == 119.14 && x[1] == 113.76);
	assert_int_equal(assay_unit_convert_values("2010=100", "(2010=100)", x, 2, &err), 0);
	assert_true(x[0] == 119.14 && x[1] == 113.76);
	assay_unit_free(prod);
	assay_unit_free(mt);
	assay_unit_free(cmp);
	assay_unit_free(c);
	assay_unit_free(one);
	assay_unit_free(v);
	assay_unit_free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_factors),
		cmocka_unit_test(test_bundled_units),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_indexes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
