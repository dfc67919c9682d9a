/*
 * printf("%.15g") without printf (see numfmt.h), in double arithmetic.
 *
 * For 1e-8 <= |v| < 1e15 the value is scaled by an exact power of ten,
 * 10^k with 0 <= k <= 22, into [1e14, 1e15).  The product is computed
 * exactly as the unevaluated sum hi + lo (hi = fl(a 10^k), lo = the
 * rounding error, exact by Dekker's product), so the 15-digit integer and the
 * rounding of its fraction -- ties to even, as glibc's printf -- are
 * decided exactly, without the x87 unit or a division; the text is then
 * written right to left without reading back what was written (a
 * store-to-load stall otherwise).  Everything else
 * (zero, subnormals, huge and tiny magnitudes, which bulk output rarely
 * meets) goes to the C library.  tests/unit/test_numfmt.c compares with
 * snprintf on a million values.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"

/* 10^k, exact in a double for k <= 22 (5^22 < 2^53). */
static const double pow10_tab[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static int slow(double v, char *buf)
{
	return snprintf(buf, 32, "%.15g", v);
}

static const char pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* The last k decimal digits of *v, written to end[-k..-1]; *v loses
 * them.  Two digits a step (a multiply by the inverse of 100), no reading
 * back of what was just written. */
static void put_rtl(char *end, uint64_t *v, int k)
{
	uint64_t x = *v;
	for (; k >= 2; k -= 2) {
		unsigned r = (unsigned)(x % 100);
		x /= 100;
		end -= 2;
		memcpy(end, pairs + 2 * r, 2);
	}
	if (k) {
		*--end = (char)('0' + x % 10);
		x /= 10;
	}
	*v = x;
}

static const char zeros[16] = "0000000000000000";
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

	/* Trailing zeros off (n >= 10^14 has at most 14). */
	int nd = 15;
	if (n % 100000000 == 0) { n /= 100000000; nd -= 8; }
	if (n % 10000 == 0) { n /= 10000; nd -= 4; }
	if (n % 100 == 0) { n /= 100; nd -= 2; }
	if (n % 10 == 0) { n /= 10; nd -= 1; }

	/* The text is written right to left, straight into buf: the
	 * digits after the point first, then the point, then the rest. */
	char *p = buf;
	*p = '-';
	p += v < 0;
	if (e >= 0 && e < 15) {
		int ip = e + 1;         /* digits before the point */
		if (nd <= ip) {
			put_rtl(p + nd, &n, nd);
			memcpy(p + nd, zeros, 16);
			p += ip;
		} else {
			char *end = p + nd + 1;
			put_rtl(end, &n, nd - ip);
			p[ip] = '.';
			put_rtl(p + ip, &n, ip);
			p = end;
		}
	} else if (e < 0 && e >= -4) {
		memcpy(p, lead, 8);
		p += 1 - e;             /* "0." and -e - 1 zeros */
		put_rtl(p + nd, &n, nd);
		p += nd;
	} else {
		int ae = e < 0 ? -e : e;
		if (nd > 1) {
			put_rtl(p + nd + 1, &n, nd - 1);
			p[1] = '.';
			p += nd + 1;
		} else {
			p++;
		}
		p[-(nd > 1 ? nd + 1 : 1)] = (char)('0' + n);
		*p++ = 'e';
		*p++ = e < 0 ? '-' : '+';
		*p++ = (char)('0' + ae / 10);
		*p++ = (char)('0' + ae % 10);
	}
	*p = 0;
	return (int)(p - buf);
}
