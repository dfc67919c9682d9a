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
 *
 * The shortest round-trip text (numfmt_shortest) is decided in integers
 * instead: the mantissa times 5^k is one exact 64 x 64-bit product, from
 * which the 15-, 16- and 17-digit roundings and their distances from the
 * value follow by shifts and divisions by constants.
 */
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "assay/assay.h"
#include "numfmt.h"


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
static inline __attribute__((always_inline)) uint64_t ascii8(uint32_t x)
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

/* The shortest by the C library (%.15g, %.16g, then %.17g, each read
 * back): the library's assay_fmt_g, the reference the fast path matches. */
static int shortest_slow(double v, char *buf)
{
	return (int)strlen(assay_fmt_g(v, buf, 48));
}

#if NUMFMT_FAST
/* dec_floor[j + 5] is the smallest double >= 10^j, -5 <= j <= 15: the
 * C literals 1e-5 .. 1e-1 round up (checked with exact rationals), the
 * others are exact.  So a >= dec_floor[j + 5] exactly when a >= 10^j. */
static const double dec_floor[21] = {
	1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
};

/* a (1e-5 <= a < 1e15) scaled exactly to 17 digits: a 10^k = *m + *f
 * with *m in [1e16, 1e17) a whole number and 0 <= *f < 1 (exact, by
 * two_prod: hi >= 1e16 > 2^53 is whole and |lo| <= 8), *e = floor(log10
 * a) and *h half an ulp of a in units of 10^-k (a power of two times an
 * exact power of ten, so exact).  The 15- and 16-digit roundings are
 * then decided from *m and *f by integer arithmetic: one scaling for the
 * three precisions. */
static void scale17(double a, uint64_t *m, double *f, int *e, double *h)
{
	uint64_t bits;
	memcpy(&bits, &a, sizeof bits);
	int e2 = (int)((bits >> 52) & 0x7ff) - 1022;
	/* floor(log10 a) from the binary exponent (78913 / 2^18 is just
	 * below log10 2), settled by exact comparisons with the table */
	int ee = ((e2 - 1) * 78913) >> 18;
	ee = ee < -5 ? -5 : ee;
	ee += a >= dec_floor[ee + 6];   /* the estimate is low by 0 or 1 */
	int k = 16 - ee;                /* 2 <= k <= 21 */
	double hi, lo;
	two_prod(a, pow10_tab[k], &hi, &lo);
	double li = floor(lo);
	*f = lo - li;                   /* exact: |lo| <= 8 */
	*m = (uint64_t)hi + (uint64_t)(int64_t)li;
	/* 2^(e2 - 54), half an ulp of a, built from its bits (no ldexp call):
	 * e2 - 54 is well inside the normal range here */
	uint64_t pb = (uint64_t)(1023 + e2 - 54) << 52;
	double p2;
	memcpy(&p2, &pb, sizeof p2);
	*h = pow10_tab[k] * p2;
	*e = ee;
}

/* m + f (17 digits) rounded to 17 - log10(u) digits as printf rounds (to
 * nearest, ties to even), u = 100, 10 or 1: the digits are returned and
 * the signed distance n u - (m + f) goes to *d (a small whole number
 * minus f: its rounding error is far below the margin numfmt_shortest
 * leaves).  Inlined with u a constant, the divisions are multiplications. */
static inline __attribute__((always_inline))
uint64_t round_u(uint64_t m, double f, uint64_t u, double *d)
{
	uint64_t n = m / u, r = m % u;
	/* & and | rather than && and ||: which way each test goes is a coin
	 * toss, and branches on it were mispredicted half the time */
	int odd = (int)(n & 1), up;
	if (u > 1)
		up = (2 * r > u) | ((2 * r == u) & ((f > 0) | odd));
	else
		up = (f > 0.5) | ((f == 0.5) & odd);
	n += (uint64_t)up;
	*d = (double)(int64_t)(n * u - m) - f;
	return n;
}

/* n (P digits, 15 <= P <= 17, value n 10^(e - P + 1), -5 <= e <= 14)
 * as printf("%.<P>g") writes it: fixed notation but for e = -5.  The
 * digits are made in registers -- the first one, and the other P - 1 in
 * a 128-bit value, the second digit in its lowest byte -- and stored from
 * there in 16-byte blocks that may write past the text (the buffer has
 * room): built in memory and read back at an offset, they stalled on
 * store forwarding, most of the time this took. */
static int put_g(char *buf, int neg, uint64_t n, int P, int e)
{
	uint64_t lo8 = ascii8((uint32_t)(n % 100000000));
	uint64_t q = n / 100000000;
	uint64_t mid8 = ascii8((uint32_t)(q % 100000000));
	/* the last 16 digits of n zero padded to 17, the first lowest */
	u128 D = (u128)mid8 | (u128)lo8 << 64;
	char first;
	u128 rest;
	if (P == 17) {
		first = (char)('0' + q / 100000000);
		rest = D;
	} else {                        /* P = 15 drops a leading '0' */
		if (P == 15)
			D >>= 8;
		first = (char)D;
		rest = D >> 8;
	}
	/* zeros ending n: its last digit is the highest byte of lo8, so
	 * they are the leading zero bytes of the digit values; n >=
	 * 10^(P-1), so at least one digit is left */
	uint64_t xl = lo8 - 0x3030303030303030ULL, xm = mid8 - 0x3030303030303030ULL;
	int tz = xl ? __builtin_clzll(xl) >> 3
		    : xm ? 8 + (__builtin_clzll(xm) >> 3) : 16;
	int nd = P - tz;                /* significant digits */
	char *p = buf;
	*p = '-';
	p += neg;
	if (e >= 0) {
		int ip = e + 1;         /* digits before the point, <= P */
		p[0] = first;
		store16(p + 1, rest);   /* digits up to P: zeros past nd */
		if (nd <= ip) {
			p += ip;
		} else {
			p[ip] = '.';
			store16(p + ip + 1, rest >> (8 * (ip - 1)));
			p += nd + 1;
		}
	} else if (e >= -4) {
		memcpy(p, "0.0000", 6);
		p += 1 - e;             /* "0." and -e - 1 zeros */
		p[0] = first;
		store16(p + 1, rest);
		p += nd;
	} else {                        /* e = -5: d.ddde-05 */
		*p++ = first;
		if (nd > 1) {
			*p++ = '.';
			store16(p, rest);
			p += nd - 1;
		}
		memcpy(p, "e-05", 4);
		p += 4;
	}
	*p = 0;
	return (int)(p - buf);
}

/* put_g after a rounding up to 10^P (99.99... to 100.0...). */
static int put_short(char *buf, int neg, uint64_t n, int P, int e)
{
	if (n == (uint64_t)pow10_tab[P]) {
		n /= 10;
		e++;
	}
	return put_g(buf, neg, n, P, e);
}

/* 5^k, exact in 64 bits for k <= 27. */
static const uint64_t pow5_tab[22] = {
	1ULL, 5ULL, 25ULL, 125ULL, 625ULL, 3125ULL, 15625ULL, 78125ULL,
	390625ULL, 1953125ULL, 9765625ULL, 48828125ULL, 244140625ULL,
	1220703125ULL, 6103515625ULL, 30517578125ULL, 152587890625ULL,
	762939453125ULL, 3814697265625ULL, 19073486328125ULL,
	95367431640625ULL, 476837158203125ULL
};

/* The value X = m + frac / 2^F (the scaled a, exact) rounded to the
 * multiples of u (1, 10 or 100) as printf rounds, ties to even: the
 * quotient, and *twice its distance from X in units of 2^-F (below
 * 2^56).  Inlined with u a constant, the divisions are multiplications. */
static inline __attribute__((always_inline))
uint64_t round_exact(uint64_t m, uint64_t frac, int F, uint64_t u, uint64_t *dist2)
{
	uint64_t q = m / u, r = m % u;
	uint64_t U = u << F, R = (r << F) + frac;       /* X mod U, < U */
	uint64_t up = (2 * R > U) | ((2 * R == U) & q);
	up &= 1;
	*dist2 = 2 * (up ? U - R : R);
	return q + up;
}
#endif

int numfmt_shortest(double v, char *buf)
{
#if NUMFMT_FAST
	/* The decimal of P digits reads back to v when it lies within half
	 * an ulp of v (not at a power of two, where the interval is lopsided,
	 * and not on its edge, a tie: the C library decides those).  Decided
	 * in integers: a = M 2^E scaled by 10^k into [1e16, 1e17) is
	 * M 5^k 2^(E + k), exactly a 64 x 64-bit product shifted right by
	 * F = -(E + k) bits (1 <= F <= 48 in this range), and half an ulp
	 * of a scales to 5^k / 2 in units of 2^-F. */
	double a = fabs(v);
	uint64_t bits;
	memcpy(&bits, &a, sizeof bits);
	if (!(a >= 1e-5 && a < 1e15) || !(bits & 0xFFFFFFFFFFFFFULL))
		return shortest_slow(v, buf);
	int be = (int)(bits >> 52);
	uint64_t M = (bits & 0xFFFFFFFFFFFFFULL) | (1ULL << 52);
	/* floor(log10 a) from the binary exponent (78913 / 2^18 is just
	 * below log10 2), settled by an exact comparison with the table */
	int e = ((be - 1023) * 78913) >> 18;
	e = e < -5 ? -5 : e;
	e += a >= dec_floor[e + 6];     /* the estimate is low by 0 or 1 */
	int k = 16 - e;                 /* 2 <= k <= 21 */
	int F = 1075 - be - k;
	if (F < 1 || F > 48)
		return shortest_slow(v, buf);   /* not in this range */
	u128 X = (u128)M * pow5_tab[k];
	uint64_t m = (uint64_t)(X >> F), frac = (uint64_t)X & ((1ULL << F) - 1);
	uint64_t h2 = pow5_tab[k];      /* twice half an ulp */
	uint64_t d15, d16, d17;
	uint64_t n15 = round_exact(m, frac, F, 100, &d15);
	uint64_t n16 = round_exact(m, frac, F, 10, &d16);
	uint64_t n17 = round_exact(m, frac, F, 1, &d17);
	int ok15 = d15 < h2, ok16 = d16 < h2, ok17 = d17 < h2;
	/* a tie (on the edge) where it decides, or m not of 17 digits */
	if ((d15 == h2) | (!ok15 & (d16 == h2)) | (!ok15 & !ok16 & !ok17) |
	    (m < 10000000000000000ULL) | (m >= 100000000000000000ULL))
		return shortest_slow(v, buf);
	if (ok15)
		return put_short(buf, v < 0, n15, 15, e);
	if (ok16)
		return put_short(buf, v < 0, n16, 16, e);
	return put_short(buf, v < 0, n17, 17, e);
#else
	return shortest_slow(v, buf);
#endif
}

/* ---- fixed decimals and 12 significant digits, for the aligned table ---- */

#if NUMFMT_FAST
/* The whole number nearest v 10^d (ties to even, as glibc's printf rounds
 * the exact binary value), when |v| 10^d < 2^52: then hi + lo = v 10^d
 * exactly (Dekker), hi's ulp is at most 1/2, so hi's fraction minus one
 * half is exact and, unless zero, larger than |lo|; lo breaks the tie. */
static int round_scaled(double a, int d, uint64_t *n)
{
	double hi, lo;
	two_prod(a, pow10_tab[d], &hi, &lo);
	if (!(hi < 4503599627370496.0))        /* 2^52 */
		return -1;
	uint64_t k = (uint64_t)hi;
	double r = (hi - (double)k) - 0.5;
	if (r > 0 || (r == 0 && (lo > 0 || (lo == 0 && (k & 1)))))
		k++;
	*n = k;
	return 0;
}
#endif

int numfmt_fixed(double v, int d, char *buf)
{
#if NUMFMT_FAST
	uint64_t n;
	if (d >= 1 && d <= 9 && isfinite(v) && round_scaled(fabs(v), d, &n) == 0) {
		uint64_t p10 = (uint64_t)pow10_tab[d];
		uint64_t ip = n / p10, fp = n % p10;
		char tmp[24], *p = buf;
		int k = 0;
		*p = '-';
		p += signbit(v) != 0;           /* printf writes -0.00 too */
		do
			tmp[k++] = (char)('0' + ip % 10);
		while ((ip /= 10));
		while (k)
			*p++ = tmp[--k];
		*p++ = '.';
		for (int i = d - 1; i >= 0; i--, fp /= 10)
			p[i] = (char)('0' + fp % 10);
		p += d;
		*p = 0;
		return (int)(p - buf);
	}
#endif
	(void)v, (void)d, (void)buf;
	return -1;
}

/* The C library's way, the definition the fast one is held to. */
static int sig12_slow(double v, char *buf, double *rounded)
{
	char tmp[48];
	snprintf(tmp, sizeof tmp, "%.12g", v);
	double r = strtod(tmp, NULL);
	if (rounded)
		*rounded = r;
	return numfmt_shortest(r, buf);
}

int numfmt_sig12(double v, char *buf, double *rounded)
{
#if NUMFMT_FAST
	/* v rounded to 12 digits from the exact 17-digit scaling, then
	 * written as %.15g writes the double nearest it: a decimal of at
	 * most 15 digits comes back whole from its nearest double (DBL_DIG),
	 * so that text is the decimal itself, and it reads back. */
	double a = fabs(v);
	uint64_t bits;
	memcpy(&bits, &a, sizeof bits);
	if (a >= 1e-5 && a < 1e14 && (bits & 0xFFFFFFFFFFFFFULL)) {
		uint64_t m;
		double f, h, dist;
		int e;
		scale17(a, &m, &f, &e, &h);
		uint64_t n = round_u(m, f, 100000, &dist);      /* 12 digits */
		if (n == 1000000000000ULL) {
			n /= 10;
			e++;
		}
		if (e <= 14) {
			int len = put_g(buf, v < 0, n * 1000, 15, e);
			if (rounded)
				*rounded = strtod(buf, NULL);
			return len;
		}
	}
#endif
	return sig12_slow(v, buf, rounded);
}
