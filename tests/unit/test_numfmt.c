/*
 * The bulk number formatter of the CLI (src/cli/numfmt.c) must write
 * exactly what printf("%.15g") writes: compared with the C library on a
 * million values of every magnitude, on decimal data like 5687.75, and on
 * the boundaries where %g switches notation or rounding carries.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/numfmt.c"

static void same(double v)
{
	char a[64], b[64];
	int n = numfmt_g15(v, a);
	snprintf(b, sizeof b, "%.15g", v);
	if (strcmp(a, b) || n != (int)strlen(b))
		fail_msg("%.17g: '%s', printf gives '%s'", v, a, b);
}

static void test_edges(void **state)
{
	(void)state;
	static const double v[] = {
		0.0, -0.0, 1, -1, 0.1, 0.5, 5687.75, 11470, 2.683, 100.21863466666666,
		1e-4, 9.9999999999999995e-5, 1e-5, 1e14, 1e15, 999999999999999.4,
		999999999999999.5, 9.999999999999995e14, 123456789012345.6, 1e-300,
		1.7976931348623157e308, 4.9406564584124654e-324, 0.30000000000000004,
		-14.8, 37.17, 2.5, 0.000123456789012345678, 1e21, 1e22, 1e27, 1e28
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		same(v[i]);
		same(-v[i]);
	}
}

static void test_random(void **state)
{
	(void)state;
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 300000; i++) {
		/* xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double m = (double)(x >> 11) / 9007199254740992.0;   /* [0,1) */
		int e = (int)(x % 61) - 30;
		double v = m * pow(10, e);
		same(v);
		same(-v);
		/* decimal data with few digits */
		double d = (double)(x % 10000000) / pow(10, (double)(x % 7));
		same(d);
		/* a raw bit pattern: any finite double */
		double r;
		memcpy(&r, &x, sizeof r);
		if (isfinite(r))
			same(r);
	}
}

/* numfmt_shortest: reads back exactly, and no shorter %.Ng (N >= 15) does;
 * checked against the C library's printf and strtod. */
static void shortest_ok(double v)
{
	char a[64], b[64];
	numfmt_shortest(v, a);
	if (strtod(a, NULL) != v)
		fail_msg("%.17g: '%s' does not read back", v, a);
	int p;
	for (p = 15; p < 17; p++) {
		snprintf(b, sizeof b, "%.*g", p, v);
		if (strtod(b, NULL) == v)
			break;
	}
	snprintf(b, sizeof b, "%.*g", p, v);
	if (strcmp(a, b))
		fail_msg("%.17g: '%s', shortest printf is '%s'", v, a, b);
}

static void test_shortest(void **state)
{
	(void)state;
	static const double v[] = { 0.05, 0.1, 0.30000000000000004, 5687.75,
		12830.686666666666, 1e-5, 1e22, 2.5, 100.21863466666666 };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		shortest_ok(v[i]);
		shortest_ok(-v[i]);
	}
	uint64_t x = 2463534242ULL;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double m = (double)(x >> 11) / 9007199254740992.0;
		shortest_ok(m * pow(10, (int)(x % 41) - 20));
		shortest_ok((double)(x % 1000000) / 7.0);
	}
	/* the text the issue complained of */
	char a[64];
	numfmt_shortest(0.05, a);
	assert_string_equal(a, "0.05");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_shortest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
