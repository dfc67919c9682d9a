/*
 * Units of measure: a series' unit text parsed into a unit of UDUNITS-2,
 * so that values convert between compatible units ($/mt -> $/lb, t -> kt,
 * cents/kg -> $/mt) and arithmetic on series knows its unit.
 *
 * The unit texts of sources are not UDUNITS syntax, and UDUNITS reads some
 * of them as something else: "mt" is a millitonne there (the World Bank
 * means a metric ton), "kt" a knot (USGS means a thousand tonnes), "oz" a
 * fluid ounce.  So a text is read word by word against assay's own table
 * (units.c), each word given its definition in SI terms from published
 * factors (1 lb = 0.45359237 kg, 1 troy oz = 31.1034768 g, 1 bbl = 42 US
 * gallons = 0.158987294928 m3, 1 Btu (IT) = 1055.05585262 J); a word that
 * is not in the table is refused, never guessed.  Currencies (USD with $,
 * cents and US$; EUR, GBP, ...) are base units of their own, so $/mt
 * converts to $/lb and never to EUR/mt.  A base-period index ("2010=100",
 * "2010Q1=100") is a unit of its own: it converts only to the same index
 * (the same base period, factor 1), never to another base, to %, to 1 or
 * from them: another base is a rebase over the series' values (derive's
 * rebase()), not a factor.  Inside a compound text ("$/mt/2010=100", as
 * derive composes them) an index counts as the number 1.
 *
 * The unit database (the UDUNITS-2 XML files, Debian's libudunits2-data)
 * is read once per process, on first use; UDUNITS2_XML_PATH overrides its
 * place as in UDUNITS itself.
 */
#ifndef ASSAY_UNITS_H
#define ASSAY_UNITS_H

#include "assay/assay.h"

typedef struct assay_unit assay_unit;

/* Parse a unit text ("$/mt", "US cents/lb", "thousand metric tons",
 * "2010=100"; surrounding parentheses and blanks are dropped).  Returns 0
 * with *out (free with assay_unit_free), or -1 with err filled:
 * ASSAY_EUSAGE naming the text and the word not understood, ASSAY_EIO when
 * the unit database cannot be read. */
int assay_unit_parse(const char *text, assay_unit **out, assay_error *err);
void assay_unit_free(assay_unit *u);

/* The text the unit was parsed from (trimmed), or the text given to
 * assay_unit_mul/div's result. */
const char *assay_unit_text(const assay_unit *u);

/* 1 when values in `a` convert to `b` (the same dimension, currencies
 * included; an index only to an index on the same base period), else 0. */
int assay_unit_compatible(const assay_unit *a, const assay_unit *b);

/* 1 when `a` and `b` are the same unit (a factor of exactly 1). */
int assay_unit_same(const assay_unit *a, const assay_unit *b);

/* 1 when the unit is a pure number (a ratio, an index, "%" is not). */

/* "2010" when the unit is the index "2010=100" (the text's base period as
 * written), else NULL.  Owned by u. */
const char *assay_unit_index_base(const assay_unit *u);

/* The rule for indexes, the one place it is kept: 1 when values in `a`
 * cannot be taken as values in `b` because one of them is an index and
 * the other is not, or they are indexes on different base periods (2010
 * and 2005; 2010-01 and 2010M01 are one period); then `why` (n bytes, may
 * be NULL with n 0) says so in a phrase that names the remedy, derive's
 * rebase() -- without the units' texts.  0 otherwise (no index, or the
 * same base).  assay_unit_compatible, _same and _factor keep it. */
int assay_unit_index_clash(const assay_unit *a, const assay_unit *b, char *why,
			   size_t n);
int assay_unit_dimensionless(const assay_unit *u);

/* The factor f with value_in_b = f * value_in_a.  Returns 0, or -1 with
 * err filled (ASSAY_EUSAGE) when the units measure different things
 * ("cannot convert '$/mt' to 'EUR/mt': ...") or an index is involved
 * that is not the same index ("cannot convert '2010=100' to '2005=100':
 * ... rebase(S, 2005) ...", see assay_unit_index_clash).  Conversions with an
 * offset (Celsius to Fahrenheit) are refused too: series values here are
 * quantities, not temperatures. */
int assay_unit_factor(const assay_unit *a, const assay_unit *b, double *f,
		      assay_error *err);

/* Product and quotient, with the text `text` (NULL: one made from the
 * operands' texts).  NULL when out of memory. */
assay_unit *assay_unit_mul(const assay_unit *a, const assay_unit *b,
			   const char *text);
assay_unit *assay_unit_div(const assay_unit *a, const assay_unit *b,
			   const char *text);
/* A copy; NULL when out of memory. */
assay_unit *assay_unit_dup(const assay_unit *u);

/* Convert values in place from unit text `from` to `to` (factor applied,
 * NaN kept).  Returns 0, or -1 with err filled (ASSAY_EUSAGE also when a
 * finite value would convert beyond a double's range or to 0: nothing is
 * converted then). */
int assay_unit_convert_values(const char *from, const char *to, double *v,
			      size_t n, assay_error *err);

#endif
