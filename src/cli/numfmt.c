/*
 * printf("%.15g") without printf (see numfmt.h).  The value is scaled to
 * a 15-digit integer in x87 extended precision (64-bit mantissa) with an
 * exact power of ten, so the scaled value is within 2^-64 relative of the
 * true product, i.e. within 6e-5 of it below 1e15; only when its fraction
 * is within 1e-3 of one half (or the power of ten is not exact, |k| > 27,
 * or the value is subnormal) could the rounding differ from the exact
 * decimal, and then the C library does the work.  tests/unit/test_numfmt.c compares with snprintf.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"

/* 10^k, exact in the 64-bit mantissa for k <= 27 (5^27 < 2^64). */
static const long double pow10_tab[28] = {
	1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L,
	1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
	1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L
};

static int slow(double v, char *buf)
{
	return snprintf(buf, 32, "%.15g", v);
}

static const char pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

int numfmt_g15(double v, char *buf)
{
	if (v == 0 || !isfinite(v))
		return slow(v, buf);    /* "0", "-0" */
	double a = fabs(v);
	uint64_t bits;
	memcpy(&bits, &a, sizeof bits);
	int e2 = (int)((bits >> 52) & 0x7ff) - 1022;    /* a = f 2^e2, f in [.5,1) */
	if (e2 == -1022)
		return slow(v, buf);    /* subnormal */
	/* floor(log10 a) is e or e - 1 for this e; the loop settles it */
	int e = (int)floor((e2 - 1) * 0.30102999566398120);
	uint64_t n = 0;
	for (int tries = 0; tries < 3; tries++) {
		int k = 14 - e;
		if (k > 27 || k < -27)
			return slow(v, buf);
		long double s = k >= 0 ? (long double)a * pow10_tab[k]
				       : (long double)a / pow10_tab[-k];
		if (s >= 1e15L) {
			e++;
			continue;
		}
		if (s < 1e14L) {
			e--;
			continue;
		}
		uint64_t fl = (uint64_t)s;              /* s > 0: truncation */
		long double fr = s - (long double)fl;
		if (fr > 0.499L && fr < 0.501L)
			return slow(v, buf);
		n = fl + (fr > 0.5L);
		if (n == 1000000000000000ULL) {
			n = 100000000000000ULL;
			e++;
		}
		goto digits;
	}
	return slow(v, buf);
digits:;
	/* 15 digits, two at a time */
	char d[16];
	d[0] = (char)('0' + n / 100000000000000ULL);
	n %= 100000000000000ULL;
	for (int i = 13; i > 0; i -= 2) {
		unsigned r = (unsigned)(n % 100);
		n /= 100;
		d[i] = pairs[2 * r];
		d[i + 1] = pairs[2 * r + 1];
	}
	int nd = 15;
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	char *p = buf;
	if (v < 0)
		*p++ = '-';
	if (e < -4 || e >= 15) {
		*p++ = d[0];
		if (nd > 1) {
			*p++ = '.';
			memcpy(p, d + 1, nd - 1);
			p += nd - 1;
		}
		p += sprintf(p, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
	} else if (e >= 0) {
		int ip = e + 1;         /* digits before the point */
		if (nd <= ip) {
			memcpy(p, d, nd);
			p += nd;
			for (int i = nd; i < ip; i++)
				*p++ = '0';
		} else {
			memcpy(p, d, ip);
			p += ip;
			*p++ = '.';
			memcpy(p, d + ip, nd - ip);
			p += nd - ip;
		}
	} else {
		*p++ = '0';
		*p++ = '.';
		for (int i = 0; i < -e - 1; i++)
			*p++ = '0';
		memcpy(p, d, nd);
		p += nd;
	}
	*p = 0;
	return (int)(p - buf);
}
