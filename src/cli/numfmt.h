/*
 * Fast number text for bulk output (assay changes over thousands of
 * series): exactly what printf("%.15g") writes, about ten times faster.
 * 15 significant digits is DBL_DIG: every digit shown is correct (the
 * correctly rounded decimal of the double), and values that came from
 * decimal data with up to 15 digits (5687.75) print as they were read.
 */
#ifndef ASSAY_CLI_NUMFMT_H
#define ASSAY_CLI_NUMFMT_H

/* The fast path needs unsigned __int128 and little-endian byte order
 * (x86-64, arm64, riscv64, ppc64el...); elsewhere (i386, armhf, s390x)
 * every number goes to snprintf: the same text, slower. */
#if defined(__SIZEOF_INT128__) && defined(__BYTE_ORDER__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NUMFMT_FAST 1
#else
#define NUMFMT_FAST 0
#endif

/* Write v as printf("%.15g", v) would into buf, NUL terminated; returns
 * the length (at most 23).  buf must have 48 bytes of room: the digits are
 * copied in fixed 16-byte blocks that may write past the end of the text. */
int numfmt_g15(double v, char *buf);

/* The shortest of %.15g, %.16g and %.17g that reads back to v exactly
 * (what output.c's out_fmt_double writes, the same text), by an exact
 * scaling in integers (v's mantissa times 5^k, one 64 x 64-bit product):
 * the P-digit decimal reads back when it lies within half an ulp of v,
 * decided exactly, so that no strtod is needed; powers of two, ties and
 * magnitudes outside [1e-5, 1e15) go to the C library.  Same buffer
 * rules.  Returns the length. */
int numfmt_shortest(double v, char *buf);

/* printf("%.*f", d, v) for 1 <= d <= 9 and |v| 10^d < 2^52: the exact
 * product v 10^d rounded to a whole number, ties to even, as glibc
 * rounds.  Returns the length, or -1 (nothing written) for any other v
 * or d, and everywhere without the fast path: the caller then asks
 * printf, with the buffer size it always had.  Same buffer rules. */
int numfmt_fixed(double v, int d, char *buf);

/* v to 12 significant digits for the eye (9198.249999999998 -> 9198.25):
 * *rounded = strtod(printf("%.12g", v)) and buf its shortest round-trip
 * text, as numfmt_shortest writes it (rounded may be NULL).  Same buffer
 * rules. */
int numfmt_sig12(double v, char *buf, double *rounded);

#endif
