/*
 * The derived-series expression parser (see derive.c).
 *
 * The parser is assay's own: a hand-written recursive descent over the
 * grammar in derive.h, one function per rule, so that every error can name
 * the column it is at (EXPR:COL: what is wrong), series names may hold
 * '/', '-' and '.', and sum()'s argument is read as a glob rather than an
 * expression.  No parser generator or expression library is involved.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/derive.h"
#include "c_locale.h"
#include "derive_internal.h"

/* ---- parsing ---- */

struct parser {
	const char *expr, *s;
	assay_error *err;
};

static int col_of(const struct parser *p, const char *at)
{
	return (int)(at - p->expr) + 1;
}

static int perr(struct parser *p, const char *at, const char *fmt, const char *arg)
{
	char what[512];
	snprintf(what, sizeof what, fmt, arg);
	return assay_fail(p->err, ASSAY_EUSAGE, "%s:%d: %s", p->expr,
			  col_of(p, at), what);
}

static void skip_blanks(struct parser *p)
{
	while (isspace((unsigned char)*p->s))
		p->s++;
}

void derive_node_free(struct node *n)
{
	if (!n)
		return;
	derive_node_free(n->a);
	derive_node_free(n->b);
	free(n->name);
	assay_strv_free(n->members, n->nmembers);
	free(n);
}

static struct node *node_new(enum op op, int col)
{
	struct node *n = calloc(1, sizeof *n);
	if (n) {
		n->op = op;
		n->col = col;
	}
	return n;
}

static int name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '/' || c == '-' || c == '.';
}

/* A quoted name at p->s ('...' or "..."): malloc'd, or NULL (err set). */
static char *quoted(struct parser *p)
{
	char q = *p->s;
	const char *start = p->s + 1, *end = strchr(start, q);
	if (!end) {
		perr(p, p->s, "%s", "unterminated quoted name");
		return NULL;
	}
	p->s = end + 1;
	return strndup(start, (size_t)(end - start));
}

static struct node *parse_expr(struct parser *p);

static int expect(struct parser *p, char c)
{
	skip_blanks(p);
	if (*p->s != c) {
		char what[8] = { '\'', c, '\'', 0 };
		return perr(p, p->s, *p->s ? "expected %s" : "expected %s at the end",
			    what);
	}
	p->s++;
	return 0;
}

/* sum(PATTERN): the glob up to the closing parenthesis. */
static struct node *parse_sum(struct parser *p, int col)
{
	skip_blanks(p);
	char *pat;
	if (*p->s == '\'' || *p->s == '"') {
		if (!(pat = quoted(p)))
			return NULL;
	} else {
		const char *start = p->s;
		while (*p->s && *p->s != ')' && !isspace((unsigned char)*p->s))
			p->s++;
		if (p->s == start) {
			perr(p, p->s, "%s", "sum() needs a pattern, e.g. sum(bgs/*/cobalt)");
			return NULL;
		}
		pat = strndup(start, (size_t)(p->s - start));
	}
	struct node *n = node_new(N_SUM, col);
	if (!n || !pat) {
		free(pat);
		free(n);
		assay_fail(p->err, ASSAY_EIO, "out of memory");
		return NULL;
	}
	n->name = pat;
	if (expect(p, ')')) {
		derive_node_free(n);
		return NULL;
	}
	return n;
}

/* The second argument of rebase (a period label) or lag (a whole number). */
static int parse_word_arg(struct parser *p, char *buf, size_t n, const char **at)
{
	skip_blanks(p);
	*at = p->s;
	size_t k = 0;
	while (p->s[k] && p->s[k] != ')' && !isspace((unsigned char)p->s[k]))
		k++;
	if (k == 0 || k >= n)
		return perr(p, p->s, "%s", k ? "argument too long" : "missing argument");
	memcpy(buf, p->s, k);
	buf[k] = 0;
	p->s += k;
	return expect(p, ')');
}

static struct node *parse_call(struct parser *p, const char *fname, size_t flen,
			       const char *at)
{
	int col = col_of(p, at);
	struct node *n = NULL;
	char arg[64];
	const char *argat;
	if (flen == 3 && !strncmp(fname, "sum", 3))
		return parse_sum(p, col);
	enum op op;
	if (flen == 6 && !strncmp(fname, "rebase", 6))
		op = N_REBASE;
	else if (flen == 3 && !strncmp(fname, "lag", 3))
		op = N_LAG;
	else if (flen == 5 && !strncmp(fname, "share", 5))
		op = N_SHARE;
	else {
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(flen < 60 ? flen : 60), fname);
		perr(p, at, "unknown function '%s' (rebase, lag, sum, share)", name);
		return NULL;
	}
	if (!(n = node_new(op, col))) {
		assay_fail(p->err, ASSAY_EIO, "out of memory");
		return NULL;
	}
	if (!(n->a = parse_expr(p)) || expect(p, ','))
		goto fail;
	if (op == N_SHARE) {
		if (!(n->b = parse_expr(p)) || expect(p, ')'))
			goto fail;
		return n;
	}
	if (parse_word_arg(p, arg, sizeof arg, &argat))
		goto fail;
	if (op == N_LAG) {
		char *end;
		n->k = strtol(arg, &end, 10);
		if (*end || end == arg || labs(n->k) > 100000) {
			perr(p, argat, "lag takes a whole number of periods, not '%s'", arg);
			goto fail;
		}
	} else {
		assay_freq f;
		assay_period pp;
		char why[128];
		if (assay_period_parse(arg, NULL, &f, &pp, why, sizeof why)) {
			perr(p, argat, "rebase needs a period (2010, 2010Q1, 2010-01), "
			     "not '%s'", arg);
			goto fail;
		}
		n->name = strdup(arg);
	}
	return n;
fail:
	derive_node_free(n);
	return NULL;
}

static struct node *parse_number(struct parser *p)
{
	const char *start = p->s;
	size_t k = strspn(p->s, "0123456789");
	if (p->s[k] == '.')
		k += 1 + strspn(p->s + k + 1, "0123456789");
	if ((p->s[k] == 'e' || p->s[k] == 'E')) {
		size_t j = k + 1;
		if (p->s[j] == '+' || p->s[j] == '-')
			j++;
		if (isdigit((unsigned char)p->s[j]))
			k = j + strspn(p->s + j, "0123456789");
	}
	if (name_char((unsigned char)p->s[k]) && p->s[k] != '-' && p->s[k] != '/') {
		perr(p, start, "%s", "a number runs into a name (a series name "
		     "starts with a letter, or quote it)");
		return NULL;
	}
	char buf[64];
	if (k >= sizeof buf || (k == 1 && *start == '.')) {
		perr(p, start, "%s", "bad number");
		return NULL;
	}
	memcpy(buf, start, k);
	buf[k] = 0;
	/* strtod in the C locale: the correctly rounded double of the text
	 * (digits, a point, an exponent: the token checked above), whatever
	 * the caller's locale */
	locale_t saved = assay_c_locale_enter();
	errno = 0;
	double v = strtod(buf, NULL);
	int range = errno == ERANGE;
	assay_c_locale_leave(saved);
	if (!isfinite(v) || (range && v == 0)) {      /* overflow, underflow to 0 */
		perr(p, start, "number '%s' is out of range", buf);
		return NULL;
	}
	struct node *n = node_new(N_NUM, col_of(p, start));
	if (!n) {
		assay_fail(p->err, ASSAY_EIO, "out of memory");
		return NULL;
	}
	n->num = v;
	p->s += k;
	return n;
}

static struct node *parse_factor(struct parser *p)
{
	skip_blanks(p);
	const char *at = p->s;
	if (*p->s == '-') {
		p->s++;
		struct node *n = node_new(N_NEG, col_of(p, at));
		if (!n || !(n->a = parse_factor(p))) {
			derive_node_free(n);
			return NULL;
		}
		return n;
	}
	if (*p->s == '(') {
		p->s++;
		struct node *n = parse_expr(p);
		if (n && expect(p, ')')) {
			derive_node_free(n);
			return NULL;
		}
		return n;
	}
	if (isdigit((unsigned char)*p->s) || *p->s == '.')
		return parse_number(p);
	char *name = NULL;
	if (*p->s == '\'' || *p->s == '"') {
		if (!(name = quoted(p)))
			return NULL;
	} else if (isalpha((unsigned char)*p->s) || *p->s == '_') {
		const char *start = p->s;
		while (name_char((unsigned char)*p->s))
			p->s++;
		const char *after = p->s;
		skip_blanks(p);
		int word = 1;
		for (const char *c = start; c < after; c++)
			word = word && isalpha((unsigned char)*c);
		if (*p->s == '(' && word) {
			p->s++;
			return parse_call(p, start, (size_t)(after - start), start);
		}
		p->s = after;
		name = strndup(start, (size_t)(after - start));
	} else {
		perr(p, at, "%s", *at ? "expected a series, a number, a function or '('"
		     : "expected a series, a number, a function or '(' at the end");
		return NULL;
	}
	struct node *n = node_new(N_SERIES, col_of(p, at));
	if (!n || !name) {
		free(name);
		free(n);
		assay_fail(p->err, ASSAY_EIO, "out of memory");
		return NULL;
	}
	n->name = name;
	return n;
}

static struct node *parse_binary(struct parser *p, int level)
{
	struct node *left = level ? parse_factor(p) : parse_binary(p, 1);
	const char *ops = level ? "*/" : "+-";
	while (left) {
		skip_blanks(p);
		if (!*p->s || !strchr(ops, *p->s))
			break;
		char c = *p->s;
		struct node *n = node_new(c == '+' ? N_ADD : c == '-' ? N_SUB :
					  c == '*' ? N_MUL : N_DIV, col_of(p, p->s));
		p->s++;
		if (!n) {
			derive_node_free(left);
			assay_fail(p->err, ASSAY_EIO, "out of memory");
			return NULL;
		}
		n->a = left;
		if (!(n->b = level ? parse_factor(p) : parse_binary(p, 1))) {
			derive_node_free(n);
			return NULL;
		}
		left = n;
	}
	return left;
}

static struct node *parse_expr(struct parser *p)
{
	return parse_binary(p, 0);
}

struct node *derive_parse(const char *expr, assay_error *err)
{
	struct parser p = { expr, expr, err };
	struct node *n = parse_expr(&p);
	if (!n)
		return NULL;
	skip_blanks(&p);
	if (*p.s) {
		perr(&p, p.s, *p.s == ')' ? "%s" : "unexpected '%s'",
		     *p.s == ')' ? "unmatched ')'" : (char[2]){ *p.s, 0 });
		derive_node_free(n);
		return NULL;
	}
	return n;
}
