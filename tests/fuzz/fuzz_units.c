/*
 * libFuzzer target: the unit texts of src/units.c (assay's word table on
 * UDUNITS-2), which read units from the files' headers ("Production (kt)",
 * "US$/mt") as well as from the command line.
 *
 * Input: "A\nB", two unit texts.  What the reader promises besides the
 * sanitizers:
 *  - a text parses, or fails with ASSAY_EUSAGE and a one-line message;
 *  - a unit is the same as itself and converts to itself by 1;
 *  - compatibility and the index rule are symmetric;
 *  - compatible units convert both ways by finite, positive factors whose
 *    product is 1 (to 1e-12), and a factor is given exactly when the
 *    units are compatible;
 *  - their product and quotient are units.
 * A violation prints what broke and aborts, so libFuzzer keeps the input.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/units.h"

static void die(const char *what, const char *a, const char *b)
{
	fprintf(stderr, "fuzz_units: invariant broken: %s ('", what);
	for (const unsigned char *c = (const unsigned char *)a; *c; c++)
		fprintf(stderr, *c < 0x20 || *c >= 0x7f ? "\\x%02x" : "%c", *c);
	fputs("', '", stderr);
	for (const unsigned char *c = (const unsigned char *)b; *c; c++)
		fprintf(stderr, *c < 0x20 || *c >= 0x7f ? "\\x%02x" : "%c", *c);
	fputs("')\n", stderr);
	abort();
}

static assay_unit *parse(const char *text, const char *other)
{
	assay_unit *u = NULL;
	assay_error err;
	err.msg[0] = 0;
	if (assay_unit_parse(text, &u, &err)) {
		if (err.status != ASSAY_EUSAGE)
			die("a unit text fails otherwise than ASSAY_EUSAGE", text, err.msg);
		if (!err.msg[0] || strchr(err.msg, '\n') || strchr(err.msg, '\r'))
			die("a failure is one line", text, err.msg);
		return NULL;
	}
	if (!u)
		die("a parsed text has no unit", text, other);
	return u;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	assay_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 512)
		return 0;
	char *a = malloc(size + 1);
	if (!a)
		return 0;
	memcpy(a, data, size);
	a[size] = 0;
	char *nl = memchr(a, '\n', size), *b = nl ? nl + 1 : a;
	if (nl)
		*nl = 0;
	assay_unit *ua = parse(a, b), *ub = parse(b, a);
	assay_error err;
	double f, g;
	if (ua) {
		if (!assay_unit_same(ua, ua) || assay_unit_factor(ua, ua, &f, &err) ||
		    f != 1)
			die("a unit is itself", a, a);
	}
	if (ua && ub) {
		int c = assay_unit_compatible(ua, ub);
		if (c != assay_unit_compatible(ub, ua))
			die("compatibility is symmetric", a, b);
		if (assay_unit_index_clash(ua, ub, NULL, 0) !=
		    assay_unit_index_clash(ub, ua, NULL, 0))
			die("the index rule is symmetric", a, b);
		int rf = assay_unit_factor(ua, ub, &f, &err);
		int rg = assay_unit_factor(ub, ua, &g, &err);
		if ((rf == 0) != c || (rg == 0) != c)
			die("a factor is given exactly for compatible units", a, b);
		if (c && (!isfinite(f) || !isfinite(g) || !(f > 0) || !(g > 0) ||
			  fabs(f * g - 1) > 1e-12))
			die("the factors both ways multiply to 1", a, b);
		assay_unit *m = assay_unit_mul(ua, ub, NULL), *d = assay_unit_div(ua, ub, NULL);
		if (!m || !d)
			die("a product and a quotient are units", a, b);
		assay_unit_free(m);
		assay_unit_free(d);
	}
	assay_unit_free(ua);
	assay_unit_free(ub);
	free(a);
	return 0;
}
