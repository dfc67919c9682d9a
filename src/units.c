/*
 * Units of measure on UDUNITS-2 (see units.h).  The unit texts of sources
 * are read word by word against the table below, each word replaced by
 * its definition in SI terms, and the result parsed by UDUNITS; words the
 * table does not hold are refused.  UDUNITS' parser is not reentrant, so
 * every call into the library holds one mutex.
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <udunits2.h>

#include "assay/period.h"
#include "assay/units.h"
#include "c_locale.h"

struct assay_unit {
	ut_unit *u;
	char *text;
	char *base;             /* "2010" of the index "2010=100", else NULL */
};

/* Currencies and counted things: base units of their own, so that they
 * convert only to themselves (and multiples: cents). */
static const char *const opaque_units[] = {
	"USD", "EUR", "GBP", "JPY", "CNY", "AUD", "CAD", "CHF", "INR", "ZAR",
	"RUB", "BRL", "dmtu", "sheet", "person"
};
#define OPAQUE_PREFIX "assay_"

/* Word (or phrase) -> definition.  Masses and volumes are given in SI
 * units from the published factors, not from UDUNITS' own table, whose
 * troy ounce (0.03110348 kg) and barrel (0.158987304 m3) are rounded. */
static const struct word { const char *word, *def; } words[] = {
	/* currencies */
	{ "US dollars", "assay_USD" }, { "US dollar", "assay_USD" },
	{ "US$", "assay_USD" }, { "USD", "assay_USD" }, { "$", "assay_USD" },
	{ "dollars", "assay_USD" }, { "dollar", "assay_USD" },
	{ "US cents", "(0.01 assay_USD)" }, { "cents", "(0.01 assay_USD)" },
	{ "cent", "(0.01 assay_USD)" }, { "\xc2\xa2", "(0.01 assay_USD)" },
	{ "EUR", "assay_EUR" }, { "\xe2\x82\xac", "assay_EUR" },
	{ "GBP", "assay_GBP" }, { "\xc2\xa3", "assay_GBP" },
	{ "JPY", "assay_JPY" }, { "CNY", "assay_CNY" }, { "AUD", "assay_AUD" },
	{ "CAD", "assay_CAD" }, { "CHF", "assay_CHF" }, { "INR", "assay_INR" },
	{ "ZAR", "assay_ZAR" }, { "RUB", "assay_RUB" }, { "BRL", "assay_BRL" },
	/* mass: "mt" is the World Bank's metric ton (a millitonne in
	 * UDUNITS), "kt" a thousand tonnes (a knot in UDUNITS) */
	{ "metric dry tons", "(1000 kg)" }, { "metric dry ton", "(1000 kg)" },
	{ "metric tonnes", "(1000 kg)" }, { "metric tonne", "(1000 kg)" },
	{ "metric tons", "(1000 kg)" }, { "metric ton", "(1000 kg)" },
	{ "tonnes", "(1000 kg)" }, { "tonne", "(1000 kg)" },
	{ "mt", "(1000 kg)" }, { "t", "(1000 kg)" },
	{ "kt", "(1e6 kg)" }, { "Mt", "(1e9 kg)" },
	{ "kilograms", "kg" }, { "kilogram", "kg" }, { "kg", "kg" },
	{ "grams", "(0.001 kg)" }, { "gram", "(0.001 kg)" }, { "g", "(0.001 kg)" },
	{ "mg", "(1e-6 kg)" },
	{ "pounds", "(0.45359237 kg)" }, { "pound", "(0.45359237 kg)" },
	{ "lbs", "(0.45359237 kg)" }, { "lb", "(0.45359237 kg)" },
	{ "troy ounces", "(0.0311034768 kg)" }, { "troy ounce", "(0.0311034768 kg)" },
	{ "troy oz", "(0.0311034768 kg)" }, { "toz", "(0.0311034768 kg)" },
	{ "carats", "(0.0002 kg)" }, { "carat", "(0.0002 kg)" },
	/* volume */
	{ "bbl", "(0.158987294928 m3)" }, { "barrels", "(0.158987294928 m3)" },
	{ "barrel", "(0.158987294928 m3)" },
	{ "cubic meters", "m3" }, { "cubic meter", "m3" },
	{ "cubic metres", "m3" }, { "cubic metre", "m3" }, { "m3", "m3" },
	{ "liters", "(0.001 m3)" }, { "liter", "(0.001 m3)" },
	{ "litres", "(0.001 m3)" }, { "litre", "(0.001 m3)" },
	{ "l", "(0.001 m3)" }, { "L", "(0.001 m3)" },
	/* energy: the International Table Btu */
	{ "mmbtu", "(1055.05585262e6 J)" }, { "MMBtu", "(1055.05585262e6 J)" },
	{ "Btu", "(1055.05585262 J)" }, { "GJ", "(1e9 J)" }, { "MJ", "(1e6 J)" },
	{ "J", "J" }, { "MWh", "(3.6e9 J)" }, { "kWh", "(3.6e6 J)" },
	/* pure numbers and counts */
	{ "thousand", "1000" }, { "million", "1e6" }, { "billion", "1e9" },
	{ "percent", "(0.01)" }, { "pct", "(0.01)" }, { "%", "(0.01)" },
	{ "dmtu", "assay_dmtu" }, { "sheets", "assay_sheet" }, { "sheet", "assay_sheet" },
	{ "persons", "assay_person" }, { "person", "assay_person" },
	{ "people", "assay_person" },
};

/* Words refused with a reason rather than "not known". */
static const struct word ambiguous[] = {
	{ "oz", "write 'troy oz' for precious metals (an ounce is also a fluid ounce and an avoirdupois ounce)" },
	{ "ton", "write 't' or 'metric ton' (a ton is also a short or a long ton)" },
	{ "tons", "write 't' or 'metric tons' (a ton is also a short or a long ton)" },
	{ "gallon", "write the volume in l or m3 (US and imperial gallons differ)" },
};

static pthread_mutex_t ut_lock = PTHREAD_MUTEX_INITIALIZER;
static ut_system *sys;
static int sys_failed;

/* The unit system with assay's base units, read once; call locked. */
static ut_system *unit_system(assay_error *err)
{
	if (!sys && !sys_failed) {
		ut_set_error_message_handler(ut_ignore);
		sys = ut_read_xml(NULL);
		for (size_t i = 0; sys && i < sizeof opaque_units / sizeof *opaque_units; i++) {
			char name[64];
			snprintf(name, sizeof name, OPAQUE_PREFIX "%s", opaque_units[i]);
			ut_unit *b = ut_new_base_unit(sys);
			if (!b || ut_map_name_to_unit(name, UT_ASCII, b) != UT_SUCCESS) {
				ut_free(b);
				ut_free_system(sys);
				sys = NULL;
			}
			ut_free(b);
		}
		sys_failed = !sys;
	}
	if (!sys)
		assay_fail(err, ASSAY_EIO, "cannot read the UDUNITS-2 unit database "
			   "(install libudunits2-data, or set UDUNITS2_XML_PATH to "
			   "udunits2.xml)");
	return sys;
}

static int word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* The longest table entry matching at s and ending at a word boundary. */
static const struct word *match_word(const struct word *tab, size_t n,
				     const char *s)
{
	const struct word *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(tab[i].word);
		if (len <= best_len || strncmp(s, tab[i].word, len))
			continue;
		if (word_char((unsigned char)tab[i].word[len - 1]) &&
		    word_char((unsigned char)s[len]))
			continue;
		best = &tab[i];
		best_len = len;
	}
	return best;
}

/* "2010=100" (a base-period index: 2010Q1=100, 2010-01=100 too) at s:
 * its length, else 0. */
static size_t index_base(const char *s)
{
	size_t i = 0;
	if (!isdigit((unsigned char)*s))
		return 0;
	while (isdigit((unsigned char)s[i]) || s[i] == '-' || s[i] == 'Q' ||
	       s[i] == 'M')
		i++;
	if (strncmp(s + i, "=100", 4) || isdigit((unsigned char)s[i + 4]))
		return 0;
	return i + 4;
}

static int append(char *out, size_t n, size_t *len, const char *s)
{
	size_t k = strlen(s);
	if (*len + k + 2 >= n)
		return -1;
	memcpy(out + *len, s, k);
	*len += k;
	out[*len] = 0;
	return 0;
}

/* The trimmed text without one pair of enclosing parentheses, in buf. */
static const char *trimmed(const char *text, char *buf, size_t n)
{
	while (isspace((unsigned char)*text))
		text++;
	snprintf(buf, n, "%s", text);
	size_t len = strlen(buf);
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = 0;
	if (len >= 2 && buf[0] == '(' && buf[len - 1] == ')' &&
	    !strchr(buf + 1, '(')) {
		memmove(buf, buf + 1, len - 2);
		buf[len - 2] = 0;
	}
	return buf;
}

/* Rewrite a unit text in UDUNITS syntax with assay's definitions. */
static int translate(const char *text, char *out, size_t n, assay_error *err)
{
	size_t len = 0;
	const char *s = text;
	out[0] = 0;
	while (*s) {
		const struct word *w;
		size_t k;
		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if ((k = index_base(s))) {
			if (append(out, n, &len, " 1 "))
				goto long_text;
			s += k;
		} else if (isdigit((unsigned char)*s) || *s == '.') {
			/* a number: digits, a point, an exponent */
			char num[64];
			k = strspn(s, "0123456789.");
			if ((s[k] == 'e' || s[k] == 'E') && (isdigit((unsigned char)s[k + 1]) ||
			    ((s[k + 1] == '-' || s[k + 1] == '+') && isdigit((unsigned char)s[k + 2]))))
				k += 2 + strspn(s + k + 2, "0123456789");
			if (k >= sizeof num)
				goto long_text;
			snprintf(num, sizeof num, " %.*s ", (int)k, s);
			if (append(out, n, &len, num))
				goto long_text;
			s += k;
		} else if (strchr("/*^()-", *s)) {
			char op[2] = { *s, 0 };
			if (append(out, n, &len, op))
				goto long_text;
			s++;
		} else if ((w = match_word(words, sizeof words / sizeof *words, s))) {
			if (append(out, n, &len, " ") || append(out, n, &len, w->def) ||
			    append(out, n, &len, " "))
				goto long_text;
			s += strlen(w->word);
		} else if ((w = match_word(ambiguous, sizeof ambiguous / sizeof *ambiguous, s))) {
			return assay_fail(err, ASSAY_EUSAGE, "unit '%s': '%s' is "
					  "ambiguous: %s", text, w->word, w->def);
		} else {
			k = 0;
			while (s[k] && word_char((unsigned char)s[k]))
				k++;
			if (k == 0)
				k = 1;
			return assay_fail(err, ASSAY_EUSAGE, "unit '%s': '%.*s' is no "
					  "unit assay knows (masses t, kt, kg, lb, "
					  "troy oz; currencies $, cents, EUR; volumes "
					  "bbl, m3; energy mmbtu; %%; an index like "
					  "2010=100)", text, (int)k, s);
		}
	}
	return 0;
long_text:
	return assay_fail(err, ASSAY_EUSAGE, "unit '%s': too long", text);
}

/* A unit owning u (freed on failure), its text and index base (or NULL). */
static assay_unit *unit_new(ut_unit *u, const char *text, const char *base)
{
	assay_unit *a = calloc(1, sizeof *a);
	if (!a || !(a->text = strdup(text)) || (base && !(a->base = strdup(base)))) {
		if (a)
			free(a->text);
		free(a);
		ut_free(u);
		return NULL;
	}
	a->u = u;
	return a;
}

/* UDUNITS refuses blanks at either end, after '(' and before ')'; a blank
 * elsewhere multiplies.  Drops those (and doubled ones) in place. */
static const char *tidy_blanks(char *e)
{
	char *o = e;
	for (const char *p = e; *p; p++) {
		if (*p == ' ' && (o == e || o[-1] == ' ' || o[-1] == '(' ||
				  o[-1] == '/' || o[-1] == '*' || p[1] == ')' ||
				  p[1] == '/' || p[1] == '*' || p[1] == ' ' || !p[1]))
			continue;
		*o++ = *p;
	}
	*o = 0;
	return e;
}

int assay_unit_parse(const char *text, assay_unit **out, assay_error *err)
{
	char clean[256], expr[1024];
	*out = NULL;
	if (!text)
		return assay_fail(err, ASSAY_EUSAGE, "no unit");
	trimmed(text, clean, sizeof clean);
	if (!clean[0])
		return assay_fail(err, ASSAY_EUSAGE, "empty unit");
	if (translate(clean, expr, sizeof expr, err))
		return -1;
	pthread_mutex_lock(&ut_lock);
	ut_system *s = unit_system(err);
	ut_unit *u = NULL;
	if (s) {
		locale_t saved = assay_c_locale_enter();
		const char *e = tidy_blanks(expr);
		u = ut_parse(s, *e ? e : "1", UT_ASCII);
		assay_c_locale_leave(saved);
	}
	pthread_mutex_unlock(&ut_lock);
	if (!s)
		return -1;
	if (!u)
		return assay_fail(err, ASSAY_EUSAGE, "unit '%s' cannot be read "
				  "(as '%s')", clean, expr);
	/* A scale beyond the doubles ("1e308 t" is 1e311 kg) converts
	 * nothing, not even to itself (NaN): refused here, where the text is
	 * read, not later as a conversion "with an offset". */
	/* Its square is checked too: then the product and the quotient of
	 * any two units read are units ('$%%%...%/t', a hundred percent
	 * signs, is 1e-200 $/kg, and times itself it was "out of memory"). */
	pthread_mutex_lock(&ut_lock);
	cv_converter *cv = ut_get_converter(u, u);
	double one = cv ? cv_convert_double(cv, 1.0) : NAN;
	if (cv)
		cv_free(cv);
	ut_unit *sq = ut_multiply(u, u);
	cv = sq ? ut_get_converter(sq, sq) : NULL;
	double sq_one = cv ? cv_convert_double(cv, 1.0) : NAN;
	if (cv)
		cv_free(cv);
	if (sq)
		ut_free(sq);
	pthread_mutex_unlock(&ut_lock);
	if (!(fabs(one - 1) < 1e-12) || !(fabs(sq_one - 1) < 1e-12)) {
		pthread_mutex_lock(&ut_lock);
		ut_free(u);
		pthread_mutex_unlock(&ut_lock);
		return assay_fail(err, ASSAY_EUSAGE, "unit '%s': its size is beyond "
				  "the range of a number", clean);
	}
	/* an index is the whole text "P=100"; inside a compound unit
	 * ("$/mt/2010=100", made by derive) it counts as the number 1 */
	size_t k = index_base(clean);
	char base[256] = "";
	if (k && k == strlen(clean))
		snprintf(base, sizeof base, "%.*s", (int)(k - 4), clean);
	if (!(*out = unit_new(u, clean, base[0] ? base : NULL)))
		return assay_fail(err, ASSAY_EIO, "out of memory");
	return 0;
}

void assay_unit_free(assay_unit *u)
{
	if (!u)
		return;
	pthread_mutex_lock(&ut_lock);
	ut_free(u->u);
	pthread_mutex_unlock(&ut_lock);
	free(u->text);
	free(u->base);
	free(u);
}

const char *assay_unit_text(const assay_unit *u)
{
	return u ? u->text : NULL;
}

const char *assay_unit_index_base(const assay_unit *u)
{
	return u ? u->base : NULL;
}

/* The same base period: the same text, or labels of one period (2010-01
 * and 2010M01). */
static int same_base(const char *a, const char *b)
{
	assay_freq fa, fb;
	assay_period pa, pb;
	char why[64];
	if (!strcmp(a, b))
		return 1;
	return assay_period_parse(a, NULL, &fa, &pa, why, sizeof why) == 0 &&
	       assay_period_parse(b, NULL, &fb, &pb, why, sizeof why) == 0 &&
	       fa == fb && pa == pb;
}

/* The base as a rebase() argument: itself when it is a period label. */
static const char *base_arg(const char *base)
{
	assay_freq f;
	assay_period p;
	char why[64];
	return assay_period_parse(base, NULL, &f, &p, why, sizeof why) == 0 ?
	       base : "PERIOD";
}

int assay_unit_index_clash(const assay_unit *a, const assay_unit *b, char *why,
			   size_t n)
{
	if (!a->base && !b->base)
		return 0;
	if (a->base && b->base) {
		if (same_base(a->base, b->base))
			return 0;
		snprintf(why, n, "an index on another base period is no unit "
			 "conversion: it needs the series' own mean over %s (the "
			 "derive function rebase(SERIES, %s))", b->base,
			 base_arg(b->base));
	} else if (a->base) {
		snprintf(why, n, "an index is relative to its base period, not a "
			 "unit of measure, and converts to no other unit (the "
			 "derive function rebase(SERIES, PERIOD) changes its base)");
	} else {
		snprintf(why, n, "an index is the series relative to its own mean "
			 "over the base period, not a unit of measure (the derive "
			 "function rebase(SERIES, %s))", base_arg(b->base));
	}
	return 1;
}

static int factor_locked(const assay_unit *a, const assay_unit *b, double *f);

int assay_unit_compatible(const assay_unit *a, const assay_unit *b)
{
	if (assay_unit_index_clash(a, b, NULL, 0))
		return 0;
	double f;
	pthread_mutex_lock(&ut_lock);
	int ok = factor_locked(a, b, &f) != 1;  /* an offset is compatible */
	pthread_mutex_unlock(&ut_lock);
	return ok;
}

/* The linear factor from a to b; 0 on success, 1 incompatible, 2 offset.
 * UDUNITS also converts a unit to its reciprocal (t to 1/t: x -> 1/x) and
 * along logarithms: no factor, so incompatible ('t' and 'USD/USD/t' were
 * compatible, and the factor then failed as "an offset"). */
static int factor_locked(const assay_unit *a, const assay_unit *b, double *f)
{
	cv_converter *cv = ut_get_converter(a->u, b->u);
	if (!cv)
		return 1;
	double zero = cv_convert_double(cv, 0.0);
	double one = cv_convert_double(cv, 1.0), two = cv_convert_double(cv, 2.0);
	cv_free(cv);
	*f = one;
	/* (a factor beyond the normal doubles, 1e308 to %, is none either:
	 * one way it overflows, the other it loses its digits) */
	if (!isfinite(zero) || !isnormal(one - zero) ||
	    !(fabs(two - zero - 2 * (one - zero)) <= 1e-12 * fabs(one - zero)))
		return 1;
	return zero != 0.0 ? 2 : 0;
}

int assay_unit_factor(const assay_unit *a, const assay_unit *b, double *f,
		      assay_error *err)
{
	char why[400];
	if (assay_unit_index_clash(a, b, why, sizeof why))
		return assay_fail(err, ASSAY_EUSAGE, "cannot convert '%s' to '%s': %s",
				  a->text, b->text, why);
	pthread_mutex_lock(&ut_lock);
	int rc = factor_locked(a, b, f);
	pthread_mutex_unlock(&ut_lock);
	/* The same unit (assay_unit_same) converts by exactly 1: UDUNITS
	 * composes the scales of a text's words, and '% g' came out as
	 * 0.99999999999999989 of itself, which would change converted values
	 * in their last digit. */
	if (rc == 0 && fabs(*f - 1.0) < 1e-12)
		*f = 1;
	if (rc == 1)
		return assay_fail(err, ASSAY_EUSAGE, "cannot convert '%s' to '%s': "
				  "they measure different things%s", a->text,
				  b->text, strpbrk(a->text, "$\xc2\xe2") ||
				  strpbrk(b->text, "$\xc2\xe2") ||
				  strstr(a->text, "cent") || strstr(b->text, "cent")
				  ? " (currencies convert only to themselves: "
				  "assay knows no exchange rates)" : "");
	if (rc == 2)
		return assay_fail(err, ASSAY_EUSAGE, "cannot convert '%s' to '%s': "
				  "the conversion has an offset", a->text, b->text);
	return 0;
}

int assay_unit_same(const assay_unit *a, const assay_unit *b)
{
	double f;
	if (assay_unit_index_clash(a, b, NULL, 0))
		return 0;
	pthread_mutex_lock(&ut_lock);
	int rc = factor_locked(a, b, &f);
	pthread_mutex_unlock(&ut_lock);
	return rc == 0 && fabs(f - 1.0) < 1e-12;
}

int assay_unit_dimensionless(const assay_unit *u)
{
	pthread_mutex_lock(&ut_lock);
	int d = sys && ut_are_convertible(u->u, ut_get_dimensionless_unit_one(sys));
	pthread_mutex_unlock(&ut_lock);
	return d;
}

/* "a/b" or "a*b", the right operand in parentheses when compound. */
static char *compose(const char *a, const char *b, char op)
{
	size_t n = strlen(a) + strlen(b) + 8;
	char *s = malloc(n);
	int paren_b = strpbrk(b, "/* ") != NULL;
	int paren_a = op == '*' && strchr(a, '/') != NULL;
	if (s)
		snprintf(s, n, "%s%s%s%c%s%s%s", paren_a ? "(" : "", a,
			 paren_a ? ")" : "", op, paren_b ? "(" : "", b,
			 paren_b ? ")" : "");
	return s;
}

static assay_unit *combine(const assay_unit *a, const assay_unit *b,
			   const char *text, char op)
{
	char *made = text ? NULL : compose(a->text, b->text, op);
	if (!text && !made)
		return NULL;
	pthread_mutex_lock(&ut_lock);
	ut_unit *u = op == '*' ? ut_multiply(a->u, b->u) : ut_divide(a->u, b->u);
	pthread_mutex_unlock(&ut_lock);
	assay_unit *r = u ? unit_new(u, text ? text : made, NULL) : NULL;
	free(made);
	return r;
}

assay_unit *assay_unit_mul(const assay_unit *a, const assay_unit *b,
			   const char *text)
{
	return combine(a, b, text, '*');
}

assay_unit *assay_unit_div(const assay_unit *a, const assay_unit *b,
			   const char *text)
{
	return combine(a, b, text, '/');
}

assay_unit *assay_unit_dup(const assay_unit *u)
{
	pthread_mutex_lock(&ut_lock);
	ut_unit *c = ut_clone(u->u);
	pthread_mutex_unlock(&ut_lock);
	return c ? unit_new(c, u->text, u->base) : NULL;
}

int assay_unit_convert_values(const char *from, const char *to, double *v,
			      size_t n, assay_error *err)
{
	assay_unit *a = NULL, *b = NULL;
	double f;
	int rc = -1;
	if (assay_unit_parse(from, &a, err) == 0 &&
	    assay_unit_parse(to, &b, err) == 0 &&
	    assay_unit_factor(a, b, &f, err) == 0) {
		rc = 0;
		/* A value whose conversion is beyond a double's range (or
		 * underflows to 0) is an error, never a gap or a zero: export
		 * printed it empty with exit 0. */
		for (size_t i = 0; i < n && !rc; i++) {
			double x = v[i] * f;
			if (isfinite(v[i]) && (!isfinite(x) || (x == 0 && v[i] != 0))) {
				locale_t saved = assay_c_locale_enter();
				rc = assay_fail(err, ASSAY_EUSAGE, "%g %s in '%s' is %s "
						"the range of a number (%s)", v[i], from,
						to, x == 0 ? "below" : "beyond",
						x == 0 ? "4.9e-324" : "1.8e308");
				assay_c_locale_leave(saved);
			}
		}
		for (size_t i = 0; i < n && !rc; i++)
			v[i] *= f;
	}
	assay_unit_free(a);
	assay_unit_free(b);
	return rc;
}
