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

#include "cli/numfmt.h"

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
	/* 0.05 must print as 0.05, not 0.050000000000000003 */
	char a[64];
	numfmt_shortest(0.05, a);
	assert_string_equal(a, "0.05");
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* shortest_ok on v and its two neighbours */
static void shortest_near(double v)
{
	shortest_ok(v);
	shortest_ok(nextafter(v, INFINITY));
	shortest_ok(nextafter(v, -INFINITY));
}

/* The exact scaling (the mantissa times 5^k in one 128-bit product; 15,
 * 16 and 17 digits rounded from it in integers) against the C library on
 * every kind of double:
 * random bit patterns (subnormals, huge and tiny magnitudes, which go to
 * the C library, included), random values across the fast range [1e-5,
 * 1e15), powers of ten and their neighbours, and decimals that lie on or
 * next to the halfway point between two 15- or 16-digit decimals, where
 * the rounding is decided by the bits below the 17th digit.
 * NUMFMT_SHORTEST_N sets the count per kind (default 300,000; each
 * speed-up commit was checked with ten million). */
static void test_shortest_kinds(void **state)
{
	(void)state;
	const char *env = getenv("NUMFMT_SHORTEST_N");
	long count = env ? atol(env) : 300000;
	uint64_t x = 88172645463325252ULL;
	for (long i = 0; i < count; i++) {
		uint64_t b = xorshift(&x);
		double v;
		memcpy(&v, &b, sizeof v);
		if (isfinite(v))
			shortest_ok(v);
		double m = 1.0 + (double)(xorshift(&x) >> 11) / 9007199254740992.0;
		shortest_ok(m * pow(10, (int)(xorshift(&x) % 21) - 6));
		/* a subnormal */
		b = xorshift(&x) & 0x000FFFFFFFFFFFFFULL;
		memcpy(&v, &b, sizeof v);
		shortest_ok(v);
	}
	for (int e = -323; e <= 308; e++) {
		char t[32];
		snprintf(t, sizeof t, "1e%d", e);
		shortest_near(strtod(t, NULL));
	}
	/* d.ddd...d5 e X with 15 and 16 significant digits before the 5:
	 * the decimal halfway between two P-digit decimals, and the
	 * doubles on either side of it */
	for (long i = 0; i < count / 10; i++) {
		char t[48];
		uint64_t d = xorshift(&x);
		int P = 15 + (int)(d & 1);
		uint64_t lead = (xorshift(&x) % 900000000000000ULL) +
				100000000000000ULL;           /* 15 digits */
		if (P == 16)
			lead = lead * 10 + xorshift(&x) % 10;
		int ex = (int)(xorshift(&x) % 22) - 6;
		snprintf(t, sizeof t, "%llu5e%d", (unsigned long long)lead,
			 ex - P);
		shortest_near(strtod(t, NULL));
	}
}


/* numfmt_fixed against printf("%.*f") and numfmt_sig12 against its
 * definition, strtod(printf("%.12g")) written shortest by printf+strtod. */
static void fixed_ok(double v, int d)
{
	char a[64], b[64];
	int n = numfmt_fixed(v, d, a);
	snprintf(b, sizeof b, "%.*f", d, v);
	if (n < 0) {
		/* the caller asks printf: only outside the fast range */
		if (isfinite(v) && fabs(v) * pow(10, d) < 4e15 && NUMFMT_FAST)
			fail_msg("%.17g %%.%df: not formatted", v, d);
		return;
	}
	if (strcmp(a, b) || n != (int)strlen(b))
		fail_msg("%.17g %%.%df: '%s', printf gives '%s'", v, d, a, b);
}

static void sig12_ok(double v)
{
	char a[64], b[64], t[64];
	double r, want;
	numfmt_sig12(v, a, &r);
	snprintf(t, sizeof t, "%.12g", v);
	want = strtod(t, NULL);
	int p;
	for (p = 15; p < 17; p++) {
		snprintf(b, sizeof b, "%.*g", p, want);
		if (strtod(b, NULL) == want)
			break;
	}
	snprintf(b, sizeof b, "%.*g", p, want);
	if (strcmp(a, b) || !(r == want || (isnan(r) && isnan(want))))
		fail_msg("%.17g: sig12 '%s', printf gives '%s'", v, a, b);
}

static void test_fixed_sig12(void **state)
{
	(void)state;
	static const double v[] = { 0, -0.0, 0.005, 0.015, 0.025, 0.125, 2.5,
		-0.001, 1.005, 9198.249999999998, 999999.995, 0.000049999,
		1e-5, 1e13, 99999999999.99999, 999999999999.5, 4.5e15, 1e300,
		5e-324, 0.30000000000000004, 12.345 };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		for (int d = 1; d <= 9; d++) {
			fixed_ok(v[i], d);
			fixed_ok(-v[i], d);
			sig12_ok(v[i]);
			sig12_ok(-v[i]);
		}
	fixed_ok(INFINITY, 2);
	fixed_ok(NAN, 2);
	uint64_t x = 977281737ULL;
	for (int i = 0; i < 300000; i++) {
		xorshift(&x);
		double m = (double)(x >> 11) / 9007199254740992.0;
		double w = m * pow(10, (int)(x % 31) - 12);
		int d = (int)(x % 9) + 1;
		fixed_ok(w, d);
		fixed_ok(-w, d);
		/* decimals on a rounding tie of the d-th place, and near it */
		double tie = ((double)(x % 100000000) + 0.5) / pow(10, d);
		fixed_ok(tie, d);
		fixed_ok(nextafter(tie, 0), d);
		fixed_ok(nextafter(tie, INFINITY), d);
		sig12_ok(w);
		sig12_ok(-w);
		sig12_ok((double)(x % 100000000000000ULL) / 100.0 + 0.005);
		double r;
		memcpy(&r, &x, sizeof r);
		if (isfinite(r)) {
			fixed_ok(r, d);
			sig12_ok(r);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_shortest),
		cmocka_unit_test(test_shortest_kinds),
		cmocka_unit_test(test_fixed_sig12),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
