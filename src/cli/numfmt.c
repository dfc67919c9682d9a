/*
 * printf("%.15g") without printf (see numfmt.h).  The value is scaled to
 * a 15-digit integer in x87 extended precision (64-bit mantissa) with an
 * exact power of ten, so the scaled value is within 2^-64 relative of the
 * true product, i.e. within 6e-5 of it below 1e15; only when its fraction
 * is within 1e-3 of one half (or the power of ten is not exact, |k| > 27)
 * could the rounding differ from the exact decimal, and then the C library
 * does the work.  tests/unit/test_numfmt.c compares with snprintf.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"

/* 10^k, exact in the 64-bit mantissa for k <= 27 (5^27 < 2^64). */
static const long double pow10_tab[28] = {
	1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L,
	1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
	1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L
};

static long double pow10l_exact(int k)
{
	return pow10_tab[k];
}

static int slow(double v, char *buf)
{
	return snprintf(buf, 32, "%.15g", v);
}

int numfmt_g15(double v, char *buf)
{
	if (v == 0)
		return slow(v, buf);    /* "0" or "-0" */
	double a = fabs(v);
	int e2;
	frexp(a, &e2);
	int e = (int)floor((e2 - 1) * 0.30102999566398120);  /* ~log10(a) */
	unsigned long long n = 0;
	for (int tries = 0; tries < 3; tries++) {
		int k = 14 - e;
		if (k > 27 || k < -27)
			return slow(v, buf);
		long double s = k >= 0 ? (long double)a * pow10l_exact(k)
				       : (long double)a / pow10l_exact(-k);
		if (s >= 1e15L) {
			e++;
			continue;
		}
		if (s < 1e14L) {
			e--;
			continue;
		}
		long double fl = floorl(s), fr = s - fl;
		if (fabsl(fr - 0.5L) < 1e-3L)
			return slow(v, buf);
		n = (unsigned long long)fl + (fr > 0.5L);
		if (n == 1000000000000000ULL) {
			n = 100000000000000ULL;
			e++;
		}
		goto digits;
	}
	return slow(v, buf);
digits:;
	char d[16];
	for (int i = 14; i >= 0; i--) {
		d[i] = (char)('0' + n % 10);
		n /= 10;
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
