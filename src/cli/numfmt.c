/*
 * printf("%.15g") without printf (see numfmt.h), in double arithmetic.
 *
 * For 1e-8 <= |v| < 1e15 the value is scaled by an exact power of ten,
 * 10^k with 0 <= k <= 22, into [1e14, 1e15).  The product is computed
 * exactly as the unevaluated sum hi + lo (hi = fl(a 10^k), lo = the
 * rounding error, by Dekker's product), so the 15-digit integer and the
 * rounding of its fraction -- ties to even, as glibc's printf -- are
 * decided exactly, without the x87 unit or a division; the digits are
 * then made in registers and stored in 16-byte blocks.  Everything else
 * (zero, subnormals, huge and tiny magnitudes, which bulk output rarely
 * meets) goes to the C library.  tests/unit/test_numfmt.c compares with
 * snprintf on a million values.
 */
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"

/* The fast path needs unsigned __int128 and little-endian byte order
 * (x86-64, arm64, riscv64, ppc64el...); elsewhere (i386, armhf, s390x)
 * every number goes to snprintf: the same text, slower. */
#if defined(__SIZEOF_INT128__) && defined(__BYTE_ORDER__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NUMFMT_FAST 1
#else
#define NUMFMT_FAST 0
#endif

static int slow(double v, char *buf)
{
	return snprintf(buf, 32, "%.15g", v);
}

#if NUMFMT_FAST
/* 10^k, exact in a double for k <= 22 (5^22 < 2^53). */
static const double pow10_tab[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

typedef unsigned __int128 u128;

/* The 8 decimal digits of x < 10^8 as ASCII, the first in the lowest
 * byte: x is split into 4 + 4 digits in two 32-bit lanes, each into 2 + 2
 * in 16-bit lanes, each into 1 + 1 in bytes, dividing by 10^4, 100 and 10
 * as multiplications by scaled inverses (exact for these ranges:
 * tests/unit/test_numfmt.c checks every digit against printf). */
static uint64_t ascii8(uint32_t x)
{
	uint64_t hi4 = ((uint64_t)x * 109951163) >> 40;         /* x / 10^4 */
	uint64_t y = hi4 | (x - hi4 * 10000) << 32;
	uint64_t hi2 = ((y * 10486) >> 20) & 0x0000007F0000007FULL;  /* / 100 */
	uint64_t z = hi2 | (y - hi2 * 100) << 16;
	uint64_t hi1 = ((z * 103) >> 10) & 0x000F000F000F000FULL;    /* / 10 */
	return (hi1 | (z - hi1 * 10) << 8) + 0x3030303030303030ULL;
}

/* "000000000000000" (15 digits) */
static const u128 ascii_zeros = (u128)0x30303030303030ULL << 64 |
				0x3030303030303030ULL;

static void store16(char *p, u128 v)
{
	memcpy(p, &v, 16);
}

static const char lead[8] = "0.000000";

/* The high half of x by Veltkamp's split (26 bits), and the exact product
 * a b = *hi + *lo by Dekker's algorithm: about ten multiplications and
 * additions, where fma() is a library call on x86-64 (no FMA in the
 * baseline instruction set).  One operation per statement: a compiler
 * that contracts a * b + c into an fma within an expression would break
 * the error terms (gcc does not under -std=c11, clang may). */
static double split_hi(double x)
{
	double c = 134217729.0 * x;     /* 2^27 + 1 */
	double d = c - x;
	return c - d;
}

static void two_prod(double a, double b, double *hi, double *lo)
{
	double p = a * b;
	double ah = split_hi(a), bh = split_hi(b);
	double al = a - ah, bl = b - bh;
	double t = ah * bh;
	t = t - p;
	double u = ah * bl;
	t = t + u;
	u = al * bh;
	t = t + u;
	u = al * bl;
	*hi = p;
	*lo = t + u;
}

/* a 10^k as hi + lo exactly; compared with the bound c (a power of ten,
 * exact): -1, 0 or 1 as a 10^k is below, equal to or above c. */
static int cmp_exact(double hi, double lo, double c)
{
	if (hi != c)
		return hi < c ? -1 : 1;
	return lo < 0 ? -1 : lo > 0;
}

int numfmt_g15(double v, char *buf)
{
	double a = fabs(v);
	if (!(a >= 1e-8 && a < 1e15))
		return slow(v, buf);    /* also 0, -0, inf, nan */
	uint64_t bits;
	memcpy(&bits, &a, sizeof bits);
	int e2 = (int)((bits >> 52) & 0x7ff) - 1022;    /* a = f 2^e2, f in [.5,1) */
	/* floor(log10 a) is e or e + 1 for this e (78913 / 2^18 is just
	 * below log10 2); the loop settles it */
	int e = ((e2 - 1) * 78913) >> 18;
	double hi = 0, lo = 0;
	int tries;
	for (tries = 0; tries < 3; tries++) {
		int k = 14 - e;
		if (k < 0 || k > 22)
			return slow(v, buf);
		two_prod(a, pow10_tab[k], &hi, &lo);
		if (cmp_exact(hi, lo, 1e15) >= 0)
			e++;
		else if (cmp_exact(hi, lo, 1e14) < 0)
			e--;
		else
			break;
	}
	if (tries == 3)
		return slow(v, buf);
	/* hi < 2^50, so its ulp is at least 2^-6 and hi - fl is exact
	 * (Sterbenz); the sign of the true fraction minus one half is that
	 * of r unless r is zero, since |lo| <= ulp(hi) / 2. */
	uint64_t n = (uint64_t)(int64_t)hi;
	double r = (hi - (double)n) - 0.5;
	if (r > 0 || (r == 0 && (lo > 0 || (lo == 0 && (n & 1)))))
		n++;
	if (n == 1000000000000000ULL) {
		n = 100000000000000ULL;
		e++;
	}

	/* The 15 digits as ASCII in a 128-bit register, the first digit in
	 * the lowest byte (memory order on a little-endian machine), and
	 * the text stored from registers: no reading back of bytes just
	 * written, no loop over digits. */
	u128 D = (u128)ascii8((uint32_t)(n / 100000000)) |
		 (u128)ascii8((uint32_t)(n % 100000000)) << 64;
	D >>= 8;                        /* the first of 8 digits is '0' */
	u128 X = D ^ ascii_zeros;       /* digit values (and 0 past them) */
	uint64_t xh = (uint64_t)(X >> 64), xl = (uint64_t)X;
	int last = xh ? 64 + 63 - __builtin_clzll(xh) : 63 - __builtin_clzll(xl);
	int nd = last / 8 + 1;          /* significant digits */

	char *p = buf;
	*p = '-';
	p += v < 0;
	if (e >= 0 && e < 15) {
		int ip = e + 1;         /* digits before the point */
		store16(p, D);          /* D holds the zeros up to 15 digits */
		if (nd <= ip) {
			p += ip;
		} else {
			store16(p + ip + 1, D >> (8 * ip));
			p[ip] = '.';
			p += nd + 1;
		}
	} else if (e < 0 && e >= -4) {
		memcpy(p, lead, 8);
		p += 1 - e;             /* "0." and -e - 1 zeros */
		store16(p, D);
		p += nd;
	} else {
		int ae = e < 0 ? -e : e;
		p[0] = (char)D;
		if (nd > 1) {
			p[1] = '.';
			store16(p + 2, D >> 8);
			p += nd + 1;
		} else {
			p++;
		}
		*p++ = 'e';
		*p++ = e < 0 ? '-' : '+';
		*p++ = (char)('0' + ae / 10);
		*p++ = (char)('0' + ae % 10);
	}
	*p = 0;
	return (int)(p - buf);
}

#else

int numfmt_g15(double v, char *buf)
{
	return slow(v, buf);
}

#endif

/* The shortest by the C library: %.15g, %.16g, then %.17g, each read back. */
static int shortest_slow(double v, char *buf)
{
	int n = snprintf(buf, 48, "%.15g", v);
	if (strtod(buf, NULL) == v)
		return n;
	n = snprintf(buf, 48, "%.16g", v);
	if (strtod(buf, NULL) == v)
		return n;
	return snprintf(buf, 48, "%.17g", v);
}

#if NUMFMT_FAST
/* The P significant digits of a (1e-5 <= a < 1e15) rounded as printf
 * rounds them (to nearest, ties to even), exactly: a 10^k = hi + lo by
 * two_prod with k = P - 1 - e; *n the digits, *e the decimal exponent,
 * *d the signed distance n - a 10^k (in units of 10^-k) and *h half an
 * ulp of a in the same units.  0, or -1 when the exact path cannot say. */
static int digits_p(double a, int P, uint64_t *n, int *e, double *d, double *h)
{
	uint64_t bits;
	memcpy(&bits, &a, sizeof bits);
	int e2 = (int)((bits >> 52) & 0x7ff) - 1022;
	int ee = ((e2 - 1) * 78913) >> 18, tries, k = 0;
	double hi = 0, lo = 0;
	for (tries = 0; tries < 3; tries++) {
		k = P - 1 - ee;
		if (k < 0 || k > 22)
			return -1;
		two_prod(a, pow10_tab[k], &hi, &lo);
		if (cmp_exact(hi, lo, pow10_tab[P]) >= 0)
			ee++;
		else if (cmp_exact(hi, lo, pow10_tab[P - 1]) < 0)
			ee--;
		else
			break;
	}
	if (tries == 3)
		return -1;
	uint64_t m;
	double t;
	if (hi >= 4503599627370496.0) {        /* 2^52: hi is a whole number */
		double li = floor(lo), lf = lo - li;   /* exact: |lo| <= 8 */
		m = (uint64_t)hi + (uint64_t)(int64_t)li;
		if (lf > 0.5 || (lf == 0.5 && (m & 1)))
			m++;
		/* n - a 10^k = (m - hi) - lo, m - hi a small whole number */
		t = (double)(int64_t)(m - (uint64_t)hi);
	} else {
		m = (uint64_t)(int64_t)hi;
		double r = (hi - (double)m) - 0.5;
		if (r > 0 || (r == 0 && (lo > 0 || (lo == 0 && (m & 1)))))
			m++;
		t = (double)m - hi;             /* exact: both below 2^53 */
	}
	*d = t - lo;
	/* half an ulp of a, times 10^k: a power of two times an exact
	 * power of ten, so exact */
	*h = ldexp(pow10_tab[k], e2 - 54);
	if (m == (uint64_t)pow10_tab[P]) {
		m /= 10;
		ee++;
	}
	*n = m;
	*e = ee;
	return 0;
}

/* n (P digits, value n 10^(e - P + 1)) as printf("%.<P>g") writes it. */
static int put_g(char *buf, int neg, uint64_t n, int P, int e)
{
	char dg[20];
	int nd = P;
	while (nd > 1 && n % 10 == 0) {
		n /= 10;
		nd--;
	}
	for (int i = nd - 1; i >= 0; i--) {
		dg[i] = (char)('0' + n % 10);
		n /= 10;
	}
	char *p = buf;
	if (neg)
		*p++ = '-';
	if (e < -4 || e >= P) {
		*p++ = dg[0];
		if (nd > 1) {
			*p++ = '.';
			memcpy(p, dg + 1, (size_t)nd - 1);
			p += nd - 1;
		}
		p += sprintf(p, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
	} else if (e >= 0) {
		int ip = e + 1;
		for (int i = 0; i < ip; i++)
			*p++ = i < nd ? dg[i] : '0';
		if (nd > ip) {
			*p++ = '.';
			memcpy(p, dg + ip, (size_t)(nd - ip));
			p += nd - ip;
		}
	} else {
		*p++ = '0';
		*p++ = '.';
		for (int i = 0; i < -e - 1; i++)
			*p++ = '0';
		memcpy(p, dg, (size_t)nd);
		p += nd;
	}
	*p = 0;
	return (int)(p - buf);
}
#endif

int numfmt_shortest(double v, char *buf)
{
#if NUMFMT_FAST
	/* The decimal of P digits reads back to v when it lies within half
	 * an ulp of v (not at a power of two, where the interval is lopsided,
	 * and not on its edge, a tie: the C library decides those). */
	double a = fabs(v);
	uint64_t bits;
	memcpy(&bits, &a, sizeof bits);
	if (!(a >= 1e-5 && a < 1e15) || !(bits & 0xFFFFFFFFFFFFFULL))
		return shortest_slow(v, buf);
	for (int P = 15; P <= 17; P++) {
		uint64_t n;
		int e;
		double d, h;
		if (digits_p(a, P, &n, &e, &d, &h))
			return shortest_slow(v, buf);
		double ad = fabs(d), margin = h * 0x1p-30;
		if (P < 17 && ad > h - margin) {
			if (ad < h + margin)
				return shortest_slow(v, buf);
			continue;       /* does not read back: one digit more */
		}
		return put_g(buf, v < 0, n, P, e);
	}
	return shortest_slow(v, buf);
#else
	return shortest_slow(v, buf);
#endif
}
