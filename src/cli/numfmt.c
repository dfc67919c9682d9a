/*
 * printf("%.15g") without printf (see numfmt.h), in double arithmetic.
 *
 * For 1e-8 <= |v| < 1e15 the value is scaled by an exact power of ten,
 * 10^k with 0 <= k <= 22, into [1e14, 1e15).  The product is computed
 * exactly as the unevaluated sum hi + lo (hi = fl(a 10^k), lo = the
 * rounding error, exact by fma), so the 15-digit integer and the
 * rounding of its fraction -- ties to even, as glibc's printf -- are
 * decided exactly, without the x87 unit or a division.  Everything else
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

/* The 8 decimal digits of x < 10^8 into d[0..7]. */
static void digits8(uint32_t x, char *d)
{
	for (int i = 6; i >= 0; i -= 2) {
		uint32_t r = x % 100;
		x /= 100;
		d[i] = pairs[2 * r];
		d[i + 1] = pairs[2 * r + 1];
	}
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
		hi = a * pow10_tab[k];
		lo = fma(a, pow10_tab[k], -hi);
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

	/* The digits, and the text with fixed 16-byte copies (no call to
	 * memcpy for a variable length: buf has room, see numfmt.h). */
	char d[32];
	uint32_t top = (uint32_t)(n / 100000000), low = (uint32_t)(n % 100000000);
	char t8[8];
	digits8(top, t8);               /* top < 10^7: t8[0] is '0' */
	memcpy(d, t8 + 1, 7);
	digits8(low, d + 7);
	memset(d + 15, '0', 17);        /* room for the 16-byte copies */
	int nd = 15;
	while (d[nd - 1] == '0')        /* n > 0: d[0] is not '0' */
		nd--;

	char *p = buf;
	*p = '-';
	p += v < 0;
	if (e >= 0 && e < 15) {
		int ip = e + 1;         /* digits before the point */
		memcpy(p, d, 16);
		if (nd <= ip) {
			p += ip;        /* d holds the zeros up to 15 digits */
		} else {
			p[ip] = '.';
			memcpy(p + ip + 1, d + ip, 16);
			p += nd + 1;
		}
	} else if (e < 0 && e >= -4) {
		static const char lead[8] = "0.000000";
		memcpy(p, lead, 8);
		p += 1 - e;             /* "0." and -e - 1 zeros */
		memcpy(p, d, 16);
		p += nd;
	} else {
		int ae = e < 0 ? -e : e;
		*p++ = d[0];
		*p = '.';
		memcpy(p + 1, d + 1, 16);
		p += nd > 1 ? nd : 0;
		*p++ = 'e';
		*p++ = e < 0 ? '-' : '+';
		*p++ = (char)('0' + ae / 10);
		*p++ = (char)('0' + ae % 10);
	}
	*p = 0;
	return (int)(p - buf);
}
