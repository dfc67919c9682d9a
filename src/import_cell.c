/*
 * The importer's cells: numbers (thousands separators, suffixes,
 * qualifiers, percents), NA markers and dates.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"
#include "utf8.h"

/* No dash: a lone "-" or "--" read as NA, but USGS writes zero as a dash
 * ("\u2014 Zero", and "--" where the dash is lost), as do accounting
 * formats (0 shown as "-"): a zero stored as missing, exit 0.  Which it
 * is only the user can say (--na, --zero). */
static const char *const default_na[] = {
	"", "NA", "N/A", "n/a", "na", "#N/A", ".", "..", "...", "\xE2\x80\xA6",
	"W", "nan", "NaN", "null", "NULL"
};

/* A lone dash: "-", "--", "---", an en or em dash or two, a minus sign
 * (U+2212) or two. */
int im_is_dash(const char *s)
{
	static const char *const dashes[] = {
		"-", "--", "---", "\xE2\x80\x93", "\xE2\x80\x94",
		"\xE2\x80\x93\xE2\x80\x93", "\xE2\x80\x94\xE2\x80\x94",
		"\xE2\x88\x92", "\xE2\x88\x92\xE2\x88\x92", NULL
	};
	for (const char *const *d = dashes; *d; d++)
		if (!strcmp(s, *d))
			return 1;
	return 0;
}

static int is_zero_token(const struct importer *im, const char *s)
{
	for (size_t i = 0; i < im->o->n_zero_tokens; i++)
		if (!strcmp(s, im->o->zero_tokens[i]))
			return 1;
	return 0;
}

/* ---- cells -------------------------------------------------------------- */

/* Is v the value of a --na token that is a number (-999, 9999)?  Such a
 * sentinel marks every cell of that value, however written (-999.0) and
 * in number cells of a workbook too. */
static int na_token_value(struct importer *im, size_t i, double *t)
{
	/* "-999.5" names the value whatever the file's mark */
	return im_read_number(im->o->na_tokens[i], im->decimal, t) == 0 ||
	       (im->decimal != '.' && im_read_number(im->o->na_tokens[i], '.', t) == 0);
}

static int is_na_number(struct importer *im, double v)
{
	double t;
	/* the tokens are read once per decimal mark, not once a cell */
	if (im->na_values_mark != im->decimal || !im->na_values) {
		free(im->na_values);
		im->n_na_values = 0;
		im->na_values_mark = 0;
		im->na_values = malloc(im->o->n_na_tokens * sizeof *im->na_values);
		if (!im->na_values) {   /* no room for the list: read them here */
			for (size_t i = 0; i < im->o->n_na_tokens; i++)
				if (na_token_value(im, i, &t) && t == v)
					return 1;
			return 0;
		}
		for (size_t i = 0; i < im->o->n_na_tokens; i++)
			if (na_token_value(im, i, &t))
				im->na_values[im->n_na_values++] = t;
		im->na_values_mark = im->decimal;
	}
	for (size_t i = 0; i < im->n_na_values; i++)
		if (im->na_values[i] == v)
			return 1;
	return 0;
}

int im_is_na(struct importer *im, const char *s)
{
	for (size_t i = 0; i < sizeof default_na / sizeof *default_na; i++)
		if (!strcmp(s, default_na[i]))
			return 1;
	double v;
	for (size_t i = 0; i < im->o->n_na_tokens; i++)
		if (!strcmp(s, im->o->na_tokens[i]))
			return 1;
	return im->o->n_na_tokens && im_read_number(s, im->decimal, &v) == 0 &&
	       is_na_number(im, v);
}

/* Read a plain number: sign, digits with optional thousands separators in
 * groups of three, decimal part, exponent.  strtod alone would accept hex,
 * "inf" and "nan", and would follow the locale; this never does. */
int im_read_number(const char *s, char decimal, double *v)
{
	char group = decimal == ',' ? '.' : ',';
	char clean[128];
	size_t k = 0, run = 0;
	int groups = 0, digits = 0;
	const char *p = s;

	/* Clinger's fast path: with at most 15 significant digits and at
	 * most 22 decimals, mantissa and power of ten are exact doubles and
	 * one IEEE division rounds correctly -- the same double as strtod. */
	uint64_t mant = 0;
	int frac = 0, neg = *p == '-';
	static const double pow10[23] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
	};

	if (*p == '+' || *p == '-')
		clean[k++] = *p++;
	const char *int_start = p;
	for (; isdigit((unsigned char)*p) || *p == group; p++) {
		if (*p == group) {
			/* first group 1-3 digits, then exactly 3 each; a
			 * grouped number never starts with 0 ("0,123" is a
			 * decimal comma, not 123) */
			if (run == 0 || (groups ? run != 3 : run > 3) ||
			    (!groups && *int_start == '0'))
				return -1;
			groups++;
			run = 0;
			continue;
		}
		if (k + 2 >= sizeof clean)
			return -1;
		clean[k++] = *p;
		run++;
		digits++;
		if (digits <= 15)
			mant = mant * 10 + (uint64_t)(*p - '0');
	}
	if (groups && run != 3)
		return -1;
	if (*p == decimal) {
		p++;
		clean[k++] = '.';
		for (; isdigit((unsigned char)*p); p++) {
			if (k + 2 >= sizeof clean)
				return -1;
			clean[k++] = *p;
			digits++;
			frac++;
			if (digits <= 15)
				mant = mant * 10 + (uint64_t)(*p - '0');
		}
	}
	if (!digits)
		return -1;
	if (*p == 0 && digits <= 15 && frac <= 22) {
		double x = (double)mant / pow10[frac];
		*v = neg ? -x : x;
		return 0;
	}
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;
		if (*q == '+' || *q == '-')
			q++;
		if (!isdigit((unsigned char)*q))
			return -1;
		/* One optional sign, then digits only: strtod would stop at a
		 * second sign and read "1e5-3" as 1e5 without a word. */
		clean[k++] = 'e';
		p++;
		if (*p == '+' || *p == '-')
			clean[k++] = *p++;
		for (; isdigit((unsigned char)*p); p++) {
			if (k + 2 >= sizeof clean)
				return -1;
			clean[k++] = *p;
		}
	}
	if (*p)
		return -1;
	clean[k] = 0;
	errno = 0;
	*v = strtod(clean, NULL);
	/* ERANGE: beyond the largest double, or below the smallest normal
	 * one.  A subnormal (1e-310) is the correctly rounded value and is
	 * read; what rounds to 0 or infinity is no value (-2: out of range). */
	if (errno == ERANGE && (*v == 0 || isinf(*v)))
		return -2;
	return 0;
}

/* ---- the decimal mark ----------------------------------------------------- */

/* Without --decimal a number is read with '.' as the decimal mark and ','
 * grouping thousands.  "1,234" and "1.234" (one separator, three digits
 * after it, a first group of 1-3 digits not starting with 0; "1.234" only
 * in a file of ';' or tab delimiters) then have a second reading, 1.234
 * and 1234, that a file from a decimal-comma locale means -- a thousand
 * times off, with nothing to show for it.  Any number that only '.' as
 * the decimal mark reads ("0.5", "12.25", "1,234.5", "1,234,567",
 * "1234.567") settles it for the whole file; a file with a number of two
 * readings and none of those is refused at that number (im_check_marks),
 * naming the flag that says which. */
void im_note_marks(struct importer *im, const char *cell, long line, int col)
{
	struct mark_evidence *m = &im->marks;
	if (im->o->decimal || m->dot_decimal)
		return;
	const char *p = cell;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p && strchr("<>~", *p))
		for (p++; *p == ' '; p++)
			;
	const char *num = p;    /* with its sign */
	if (*p == '+' || *p == '-')
		p++;
	else if (!strncmp(p, "\xe2\x88\x92", 3))   /* U+2212, a minus too */
		p += 3;
	const char *start = p;
	int before = -1, after = 0, commas = 0, dots = 0;
	for (; isdigit((unsigned char)*p) || *p == ',' || *p == '.'; p++) {
		if (isdigit((unsigned char)*p)) {
			after++;
			continue;
		}
		if (before < 0)
			before = after;
		commas += *p == ',';
		dots += *p == '.';
		after = 0;
	}
	if (!commas && !dots) {
		if (after && !*p && before < 0) {
			m->big_int |= after >= 4;
			if (after < 4 && strspn(start, "0") < (size_t)after &&
			    !m->small_line) {
				m->small_line = line;
				snprintf(m->small_text, sizeof m->small_text,
					 "%.*s", (int)(p - num), num);
			}
		}
		return;
	}
	/* "1.234" as 1234 is a decimal-comma locale's, which writes ';' or
	 * tab between cells: in a ','-delimited file (or a workbook's text)
	 * it is a decimal point. */
	int dot_two_ways = im->delim && im->delim != ',' && *p != 'e' && *p != 'E';
	int two_ways = commas + dots == 1 && after == 3 && before >= 1 &&
		       before <= 3 && *start != '0' && (commas || dot_two_ways);
	if (!two_ways && im->delim == ',' && dots == 1 && !commas && after == 3 &&
	    before >= 1 && before <= 3 && *start != '0' && !*p) {
		/* "1.234" in a ','-delimited file: see im_check_marks */
		if (!m->dot_line) {
			m->dot_line = line;
			m->dot_col = col;
			snprintf(m->dot_text, sizeof m->dot_text, "%.*s",
				 (int)(start - num) + before + 4, num);
			char cut[40];
			snprintf(cut, sizeof cut, "%s", cell);
			assay_shown(im_trim(cut), m->dot_cell, sizeof m->dot_cell);
		}
		return;
	}
	if (!two_ways) {
		/* a number that im_read_number read with '.' as the mark */
		m->dot_decimal = dots > 0 || commas > 1;
		return;
	}
	if (m->line)
		return;
	m->line = line;
	m->col = col;
	m->comma = commas;
	snprintf(m->text, sizeof m->text, "%.*s", (int)(start - num) + before + 4, num);
	char cut[40];
	snprintf(cut, sizeof cut, "%s", cell);
	assay_shown(im_trim(cut), m->cell, sizeof m->cell);
}

/* The end of a file's pass two: refuse it if a number had two readings
 * and none told which (see im_note_marks). */
int im_check_marks(struct importer *im)
{
	const struct mark_evidence *m = &im->marks;
	if (im->o->decimal || m->dot_decimal)
		return 0;
	/* A ','-delimited file of "987" and "12.345" and nothing else is a
	 * decimal-comma locale's integers (a spreadsheet exported with ','
	 * between cells, as Google Sheets exports whatever the locale):
	 * read with a decimal point, 12.345 would be a thousand times off.
	 * A file of "21.480" alone (FRED's CPI) has no "987" and stands, as
	 * does one with a "1294" that such a locale would have grouped. */
	if (!m->line && m->dot_line && m->small_line && !m->big_int) {
		int b = (int)strlen(m->dot_text) - 4;
		return im_fail_at(im, m->dot_line, m->dot_col, ASSAY_EUSAGE,
				  "value '%s' is %s, or %.*s%s with '.' grouping "
				  "thousands (as a decimal-comma locale writes it "
				  "next to '%s' at line %ld), and no number in the "
				  "file tells which: give --decimal . or --decimal ,",
				  m->dot_cell, m->dot_text, b, m->dot_text,
				  m->dot_text + b + 1, m->small_text, m->small_line);
	}
	if (!m->line)
		return 0;
	char whole[16], point[16];
	int b = (int)strlen(m->text) - 4;
	snprintf(whole, sizeof whole, "%.*s%s", b, m->text, m->text + b + 1);
	snprintf(point, sizeof point, "%.*s.%s", b, m->text, m->text + b + 1);
	return im_fail_at(im, m->line, m->col, ASSAY_EUSAGE,
			  "value '%s' is %s, or %s with %s, and no number in the "
			  "file tells which: give --decimal . or --decimal ,",
			  m->cell, m->comma ? whole : point, m->comma ? point : whole,
			  m->comma ? "a decimal comma" : "'.' grouping thousands");
}

/* The shape of a label read as a month: 1 for YYYY-MM or YYYY/MM whose MM
 * is the next year's last two digits (2010-11: a month, or the fiscal
 * year 2010/11), 0 for another YYYY-MM or YYYY/MM, -1 for any other form
 * (1960M01, a full date). */
int im_fiscal_shape(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (i == 4 ? s[i] != '-' && s[i] != '/' : !isdigit((unsigned char)s[i]))
			return -1;
	if (s[7])
		return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
		(s[3] - '0');
	return (s[5] - '0') * 10 + (s[6] - '0') == (y + 1) % 100;
}

/* A date label read as period p of frequency f, of the given shape
 * (im_fiscal_shape): counted towards im_check_fiscal. */
void im_note_fiscal(struct importer *im, const char *label, int shape,
		    assay_freq f, assay_period p, long line, int col)
{
	struct fiscal_evidence *e = &im->fy;
	if (im->o->date_format || f != ASSAY_FREQ_M || shape < 0)
		return;
	e->months++;
	if (!shape)
		return;
	if (e->fiscal++ == 0) {
		e->first = p;
		e->line = line;
		e->col = col;
		snprintf(e->cell, sizeof e->cell, "%.7s", label);
	} else if (p != e->first) {
		e->distinct = 1;
	}
}

/* Fiscal years written 2009-10, 2010-11, 2011-12 read as October 2009,
 * November 2010 and December 2011 -- three values in the wrong periods,
 * without a word.  No monthly file has one month a year on that diagonal,
 * so when every YYYY-MM label of the file is on it (two different ones at
 * least), the file is refused: --date-format says they are months. */
int im_check_fiscal(struct importer *im)
{
	static const char *const month_names[] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"
	};
	struct fiscal_evidence *e = &im->fy;
	for (size_t i = 0; im->layout == ASSAY_LAYOUT_TABLE && i < im->nvcol; i++) {
		const struct value_col *v = &im->vcol[i];
		im_note_fiscal(im, v->plabel, im_fiscal_shape(v->plabel), v->pfreq,
			       v->period, im->header_at, v->idx + 1);
	}
	if (!e->distinct || e->fiscal != e->months)
		return 0;
	const char *c = e->cell;
	int table = im->layout == ASSAY_LAYOUT_TABLE;
	return im_fail_at(im, e->line, e->col, ASSAY_EUSAGE,
			  "%s '%s' reads as %s %.4s, but every YYYY%cMM %s in the "
			  "file has the next year's last two digits as its month, "
			  "as fiscal years are written (%s for the fiscal year "
			  "%.4s/%s): label each by a calendar year (the one it ends "
			  "in, say)%s%.4s%s%s",
			  table ? "period" : "date", c,
			  month_names[(c[5] - '0') * 10 + (c[6] - '0') - 1], c,
			  c[4], table ? "period" : "date", c, c, c + 5,
			  table ? ", or write months as " : "", table ? c : "",
			  table ? "M" : "", table ? c + 5
			  : c[4] == '/' ? ", or give --date-format %Y/%m if they are months"
			  : ", or give --date-format %Y-%m if they are months");
}

/* A workbook's number cell: the text of a double as the file stores it
 * ("0.40477399635468603", "1E-3"), read with strtod in the C locale so
 * that it gives exactly the file's double.  The syntax is checked first:
 * strtod alone would take hex, inf and nan. */
static int read_stored_number(const char *s, double *v)
{
	const char *p = s;
	int digits = 0;
	if (*p == '-' || *p == '+')
		p++;
	for (; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	if (!digits)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p)
		return -1;
	errno = 0;
	*v = strtod(s, NULL);
	return errno == ERANGE && (*v > 1 || *v < -1) ? -1 : 0;
}

/* A workbook number cell with a percent format holds 0.0725 and shows
 * 7.25%: as its CSV would, it reads as the percent with --percent (the
 * decimal exponent moved by two, so 7.25 exactly, not 0.0725 * 100 =
 * 7.2499999999999991) and is an error without, since the stored fraction
 * under a unit % would be a hundred times off. */
static enum cell_kind read_percent_cell(struct importer *im, const char *s,
					double *v, char *why, size_t n)
{
	char txt[160];
	if (strlen(s) > 120 || read_stored_number(s, v)) {
		snprintf(why, n, "cannot read number cell '%.60s'", s);
		return CELL_BAD;
	}
	const char *e = strpbrk(s, "eE");
	long exp = e ? strtol(e + 1, NULL, 10) : 0;
	snprintf(txt, sizeof txt, "%.*se%ld", e ? (int)(e - s) : (int)strlen(s), s,
		 exp + 2);
	if (read_stored_number(txt, v)) {
		snprintf(why, n, "cannot read number cell '%.60s'", s);
		return CELL_BAD;
	}
	if (im->o->percent)
		return CELL_PERCENT;
	snprintf(why, n, "the cell holds %.60s and shows it as %.15g%% (a percent "
		 "format): --percent reads it as %.15g with unit %%", s, *v, *v);
	return CELL_BAD;
}

/* A number with a --suffix multiplier.  A power of ten moves the decimal
 * exponent ("41.19" "K" reads as 41.19e3, exactly 41190), so that no
 * rounding of a product creeps in; other multipliers multiply. */
static enum cell_kind read_suffixed(struct importer *im, const char *head,
				    const struct suffix *sx, double *v,
				    char *why, size_t n)
{
	if (sx->pow10 != INT_MIN && !strpbrk(head, "eE")) {
		char txt[160];
		snprintf(txt, sizeof txt, "%se%d", head, sx->pow10);
		if (im_read_number(txt, im->decimal, v) == 0)
			return CELL_VALUE;
	} else if (im_read_number(head, im->decimal, v) == 0 &&
		   isfinite(*v * sx->mult)) {
		*v *= sx->mult;
		return CELL_VALUE;
	}
	snprintf(why, n, "cannot read value '%s%s': out of range", head, sx->text);
	return CELL_BAD;
}

/* The longest digitless cell whose error suggests --na: USGS's salient
 * statistics write 'Less than ½ unit.' (18 bytes), which the limit of 16
 * left with a bare "not a number"; longer text is more likely a note in
 * the wrong column than a marker. */
#define NA_HINT_MAX 40

/* "inf", "-Infinity": strtod reads them, but no source means a value by
 * them, and a missing-value hint would be wrong. */
static int is_infinity(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	return !strcasecmp(s, "inf") || !strcasecmp(s, "infinity");
}

/* Five digits from 10000 (1927-05-18) to 99999 (2173-10-14): a date that a
 * spreadsheet saved as CSV wrote as its serial number. */
static int excel_serial(const char *s)
{
	return strlen(s) == 5 && strspn(s, "0123456789") == 5 && s[0] != '0';
}

/* The error of a workbook cell holding a formula and no result. */
static void formula_why(const char *formula, char *why, size_t n)
{
	if (formula[0] != '=')          /* an .xls's own words */
		snprintf(why, n, "%s", formula);
	else
		snprintf(why, n, "the cell holds a formula (%.70s) and no "
			 "result: the workbook was saved without calculating it; "
			 "open and save it in a spreadsheet program", formula);
}

int im_formula_at(struct importer *im, int c)
{
	char why[320];
	if (c < 0 || (size_t)c >= im->nfield || !im->ftype ||
	    im->ftype[c] != ASSAY_CELL_FORMULA)
		return 0;
	formula_why(im_trim(im->field[c]), why, sizeof why);
	return im_fail_at(im, im->row_line, c + 1, ASSAY_EUSAGE, "%s", why);
}

/* Classify one value cell.  Qualified values ("<0.5", ">50", "123 e") and
 * bare flags ("E": USGS's net exporter) are not silently read as numbers. */
enum cell_kind im_read_cell(struct importer *im, char *cell, int type,
				double *v, char *why, size_t n)
{
	char *s = im_trim(cell);
	if (type == ASSAY_CELL_FORMULA) {
		formula_why(s, why, n);
		return CELL_BAD;
	}
	if (type == ASSAY_CELL_PERCENT)
		return read_percent_cell(im, s, v, why, n);
	if (type == ASSAY_CELL_SCALED) {
		/* "#,##0," shows 1234567 as 1,235: the header's "(kt)" or
		 * the sheet's title may mean what is shown, or what is held
		 * (the CSV of the sheet says 1,235); read as the held number,
		 * it was a thousand times off without a word */
		char buf[64];
		snprintf(why, n, "the cell holds %s in a format that shows it "
			 "divided by 1000 per trailing comma ('#,##0,' shows "
			 "thousands): the number held or the one shown? give the "
			 "column a format that does not scale, or import the "
			 "sheet saved as CSV (which holds what is shown)",
			 assay_shown(s, buf, sizeof buf));
		return CELL_BAD;
	}
	if (type == ASSAY_CELL_NUMBER) {
		if (read_stored_number(s, v) == 0)
			return im->o->n_na_tokens && is_na_number(im, *v) ? CELL_NA
			       : CELL_VALUE;
		char buf[64];
		snprintf(why, n, "cannot read number cell '%s'",
			 assay_shown(s, buf, sizeof buf));
		return CELL_BAD;
	}
	/* U+2212 MINUS SIGN, as typeset tables (and PDFs copied from) write
	 * negative numbers: it means '-' and nothing else (unlike a dash).
	 * Before a number only: a lone one is a dash, and was quoted as '-'
	 * in its error, and --zero '\u2212' as the file writes it missed it */
	char minus[128];
	if (!strncmp(s, "\xe2\x88\x92", 3) && (isdigit((unsigned char)s[3]) ||
						s[3] == '.' || s[3] == ',') &&
	    strlen(s) < sizeof minus - 1) {
		snprintf(minus, sizeof minus, "-%s", s + 3);
		s = minus;
	}
	if (im_read_number(s, im->decimal, v) == 0)     /* no default NA
							 * marker reads as a number */
		return im->o->n_na_tokens && is_na_number(im, *v) ? CELL_NA
		       : CELL_VALUE;
	if (is_zero_token(im, s)) {
		*v = 0;
		return CELL_VALUE;
	}
	if (im_is_na(im, s))
		return CELL_NA;
	if (im_is_dash(s)) {
		snprintf(why, n, "value '%s' is a dash: a zero or a missing value? "
			 "(USGS and accounting formats write zero as a dash, other "
			 "sources a missing value: --zero '%s' reads it as 0, --na "
			 "'%s' as NA)", s, s, s);
		return CELL_BAD;
	}
	if (strchr("<>~", s[0]) && im_read_number(im_trim(s + 1), im->decimal, v) == 0) {
		snprintf(why, n, "value '%s' has qualifier '%c'; not imported", s, s[0]);
		return CELL_QUALIFIED;
	}
	size_t len = strlen(s);
	size_t tail = 0;
	if (len > 1 && s[len - 1] == '%') {
		char head[128];
		snprintf(head, sizeof head, "%.*s", (int)(len - 1), s);
		if (im_read_number(im_trim(head), im->decimal, v) == 0) {
			if (im->o->percent)
				return CELL_PERCENT;
			snprintf(why, n, "cannot read value '%s': a percent (--percent "
				 "reads it as %s with unit %%; --value-cols can leave "
				 "the column out)", s, im_trim(head));
			return CELL_BAD;
		}
	}
	while (tail < len && tail < 2 && (isalpha((unsigned char)s[len - 1 - tail]) ||
					  s[len - 1 - tail] == '*'))
		tail++;
	if (tail && tail < len) {
		char head[128];
		snprintf(head, sizeof head, "%.*s", (int)(len - tail), s);
		if (im_read_number(im_trim(head), im->decimal, v) == 0) {
			const char *suf = s + len - tail;
			for (size_t k = 0; k < im->nsuffix; k++)
				if (!strcmp(suf, im->suffix[k].text))
					return read_suffixed(im, im_trim(head),
							     &im->suffix[k], v, why, n);
			if (im->nsuffix) {
				snprintf(why, n, "value '%s' has suffix '%s', which "
					 "--suffix does not declare", s, suf);
				return CELL_BAD;
			}
			snprintf(why, n, "value '%s' has qualifier '%s'; not imported%s",
				 s, suf, isupper((unsigned char)suf[0]) && tail == 1
				 ? " (a multiplier? --suffix K=1e3,M=1e6 reads it; "
				   "--value-cols can leave the column out)" : "");
			return CELL_QUALIFIED;
		}
	}
	if (len == 1 && isupper((unsigned char)s[0])) {
		snprintf(why, n, "'%s' is a flag, not a value; not imported", s);
		return CELL_QUALIFIED;
	}
	char buf[64];
	int bad_utf8;
	/* "2,6830" or "1.234.567": a decimal-comma locale's number */
	if (strpbrk(s, ",.") && im->decimal != ',' && im_read_number(s, ',', v) == 0)
		snprintf(why, n, "cannot read value '%s': not a number "
			 "(a decimal comma? see --decimal)", assay_shown(s, buf, sizeof buf));
	else if (assay_name_flaw(s, &bad_utf8) && bad_utf8)
		snprintf(why, n, "cannot read value '%s': not a number (invalid "
			 "UTF-8%s)", assay_shown(s, buf, sizeof buf), ENCODING_HINT);
	else if (is_infinity(s))
		snprintf(why, n, "cannot read value '%s': not a finite number", s);
	else if (im_read_number(s, im->decimal, v) == -2)
		snprintf(why, n, "cannot read value '%s': out of the range of a "
			 "double (beyond 1.8e308, or below 4.9e-324)",
			 assay_shown(s, buf, sizeof buf));
	else if (!strpbrk(s, "0123456789'") && !strstr(s, "\xef\xbc") &&
		 strlen(s) <= NA_HINT_MAX && !assay_name_flaw(s, &bad_utf8))
		/* a token without digits is often a source's missing-value
		 * marker (Eurostat's ':', 'n.a.', USGS's 'Less than ½ unit.');
		 * only the user can say so */
		snprintf(why, n, "cannot read value '%s': not a number (if it marks "
			 "a missing value: --na '%s')", s, s);
	else
		snprintf(why, n, "cannot read value '%s': not a number",
			 assay_shown(s, buf, sizeof buf));
	return CELL_BAD;
}

int im_weekday(assay_period day)
{
	return (int)(((day % 7) + 7 + 4) % 7);  /* 1970-01-01 was a Thursday */
}

/* The period boundaries that day p is (DAY_*). */
unsigned im_day_marks(assay_period p)
{
	int y, m, d, next_m, next_d;
	assay_civil_from_days(p, &y, &m, &d);
	assay_civil_from_days(p + 1, &y, &next_m, &next_d);
	unsigned k = 0;
	if (d == 1)
		k |= DAY_MONTH_START | (m % 3 == 1 ? DAY_QUARTER_START : 0) |
		     (m == 1 ? DAY_YEAR_START : 0);
	if (next_d == 1)
		k |= DAY_MONTH_END | (m % 3 == 0 ? DAY_QUARTER_END : 0) |
		     (m == 12 ? DAY_YEAR_END : 0);
	return k;
}

/* Read a date cell; full dates become days, weeks, months, quarters or
 * years as decided after pass one (or by --freq). */
int im_read_date(struct importer *im, char *cell, int col, assay_freq *f,
		     assay_period *p)
{
	char why[128], buf[64];
	char *s = im_trim(cell);
	int bad_utf8;
	im->row_day_guessed = 0;
	im->row_is_day = 0;
	if (im_formula_at(im, col - 1))
		return -1;
	/* --date-format reads text: a workbook's date cell is a date
	 * already (written YYYY-MM-DD, or YYYY for a year format), and the
	 * format made a column of date cells and typed-in text dates
	 * unimportable ("cannot read date '2024-01-15'", a text the sheet
	 * does not hold). */
	const char *fmt = im->ftype && (size_t)col - 1 < im->nfield &&
			  im->ftype[col - 1] == ASSAY_CELL_DATE ? NULL
			  : im->o->date_format;
	if (assay_period_parse(s, fmt, f, p, why, sizeof why))
		return im_fail_at(im, im->row_line, col, ASSAY_EUSAGE,
			       "cannot read date '%s': %s%s",
			       assay_shown(s, buf, sizeof buf), why,
			       !im->o->date_format && im_fiscal_shape(s) == 1
			       ? " (a fiscal year? label it by a calendar year, "
				 "the one it ends in, say)"
			       : assay_name_flaw(s, &bad_utf8) && bad_utf8
			       ? " (invalid UTF-8" ENCODING_HINT ")"
			       : im->ftype[col - 1] == ASSAY_CELL_DATE &&
				 !strncmp(s, "1900-0", 6)
			       ? " (a date serial Excel's 1900 date system counts"
				 " but the calendar has not: 0 or 60)"
			       : !strcmp(why, "not a date") && excel_serial(s) &&
				 im->sheet_name
			       ? " (an Excel date serial, 43831 for 2020-01-01? "
				 "the cell holds a number in a format that is no "
				 "date's (a plain number or a duration): give the "
				 "cells a date format in the workbook; --date-format "
				 "reads text, not serials)"
			       : !strcmp(why, "not a date") && excel_serial(s)
			       ? " (an Excel date serial, 43831 for 2020-01-01? "
				 "import the workbook itself, whose date cells "
				 "assay reads)"
			       : !strcmp(why, "not a date") && !im->o->date_format
			       ? " (give its form with --date-format)" : "");
	im_note_fiscal(im, s, im_fiscal_shape(s), *f, *p, im->row_line, col);
	if (*f == ASSAY_FREQ_D) {
		if (im_day_stats_wanted(im)) {
			if (!im->days.cells) {
				im->days.first_line = im->row_line;
				im->days.first_col = col;
			}
			im_day_stats_add(&im->days, *p);
			/* Days that are neither all one kind of period
			 * boundary nor all one weekday are days: the rest of
			 * pass one can be skipped (a speculative pass two only
			 * stops counting). */
			if (!im->days.marks && !im->days.one_weekday) {
				im->stats_done = 1;
				im->stop = im->pass == 1;
			}
		}
		if (!im->o->freq) {
			im->row_day_guessed = im->day_freq &&
					      im->day_freq != ASSAY_FREQ_D;
			im->row_is_day = 1;
			im->row_day = *p;
			if (im->day_freq == ASSAY_FREQ_M || im->day_freq == ASSAY_FREQ_Q ||
			    im->day_freq == ASSAY_FREQ_A)
				*p = assay_period_convert(ASSAY_FREQ_D, *p, im->day_freq);
			*f = im->day_freq ? im->day_freq : ASSAY_FREQ_D;
		}
	}
	if (im->o->freq && *f != im->o->freq) {
		if (assay_freq_rank(*f) > assay_freq_rank(im->o->freq))
			return im_fail_at(im, im->row_line, col, ASSAY_EUSAGE,
				       "date '%s' is coarser than --freq %c%s", s,
				       (char)im->o->freq, im->ftype &&
				       (size_t)col - 1 < im->nfield &&
				       im->ftype[col - 1] == ASSAY_CELL_DATE
				       ? " (a date cell in a format that shows its "
					 "month or year alone, as its CSV would: "
					 "give the column a format that shows the "
					 "day)" : "");
		/* --freq says which period a full date stands for; a period
		 * label already names its own, and a quarter's value is not
		 * the year's */
		if (*f != ASSAY_FREQ_D)
			return im_fail_at(im, im->row_line, col, ASSAY_EUSAGE,
				       "date '%s' is %s, finer than --freq %c: its "
				       "value is not the whole period's (import it at "
				       "its own frequency; changes, export and check "
				       "--freq %c aggregate)", s,
				       assay_freq_adjective(*f), (char)im->o->freq,
				       (char)im->o->freq);
		*p = assay_period_convert(*f, *p, im->o->freq);
		*f = im->o->freq;
	}
	return 0;
}

