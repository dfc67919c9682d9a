/*
 * Derived series (see derive.h): the expression parser and its evaluation
 * over aligned, resampled inputs.
 *
 * The parser is assay's own: a hand-written recursive descent over the
 * grammar in derive.h, one function per rule, so that every error can name
 * the column it is at (EXPR:COL: what is wrong), series names may hold
 * '/', '-' and '.', and sum()'s argument is read as a glob rather than an
 * expression.  No parser generator or expression library is involved.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/derive.h"
#include "assay/resample.h"
#include "assay/units.h"

enum op { N_NUM, N_SERIES, N_SUM, N_NEG, N_ADD, N_SUB, N_MUL, N_DIV,
	  N_REBASE, N_LAG, N_SHARE };

struct node {
	enum op op;
	int col;                        /* 1-based column in the expression */
	double num;                     /* N_NUM */
	char *name;                     /* N_SERIES name, N_SUM pattern,
					 * N_REBASE period label */
	long k;                         /* N_LAG */
	struct node *a, *b;
};

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

static void node_free(struct node *n)
{
	if (!n)
		return;
	node_free(n->a);
	node_free(n->b);
	free(n->name);
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
		node_free(n);
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
	node_free(n);
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
	/* digits only: the C locale's strtod reads them the same everywhere,
	 * but a comma locale would stop at the point, so parse by hand */
	double mant = 0, scale = 1;
	int exp = 0;
	const char *q = buf;
	for (; isdigit((unsigned char)*q); q++)
		mant = mant * 10 + (*q - '0');
	if (*q == '.')
		for (q++; isdigit((unsigned char)*q); q++) {
			mant = mant * 10 + (*q - '0');
			scale *= 10;
		}
	if (*q == 'e' || *q == 'E')
		exp = atoi(q + 1);
	struct node *n = node_new(N_NUM, col_of(p, start));
	if (!n) {
		assay_fail(p->err, ASSAY_EIO, "out of memory");
		return NULL;
	}
	n->num = mant / scale * pow(10, exp);
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
			node_free(n);
			return NULL;
		}
		return n;
	}
	if (*p->s == '(') {
		p->s++;
		struct node *n = parse_expr(p);
		if (n && expect(p, ')')) {
			node_free(n);
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
			node_free(left);
			assay_fail(p->err, ASSAY_EIO, "out of memory");
			return NULL;
		}
		n->a = left;
		if (!(n->b = level ? parse_factor(p) : parse_binary(p, 1))) {
			node_free(n);
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

static struct node *parse(const char *expr, assay_error *err)
{
	struct parser p = { expr, expr, err };
	struct node *n = parse_expr(&p);
	if (!n)
		return NULL;
	skip_blanks(&p);
	if (*p.s) {
		perr(&p, p.s, *p.s == ')' ? "%s" : "unexpected '%s'",
		     *p.s == ')' ? "unmatched ')'" : (char[2]){ *p.s, 0 });
		node_free(n);
		return NULL;
	}
	return n;
}

/* ---- inputs ---- */

struct input {
	char *name;
	assay_series_info info;
	assay_resampled r;
	assay_unit *unit;               /* NULL: none or unreadable */
};

/* Names of the series being evaluated on this thread, outermost first,
 * for circular definitions (a derived input is evaluated through
 * assay_store_load, which comes back here). */
#define MAX_DEPTH 16
static _Thread_local const char *eval_stack[MAX_DEPTH];
static _Thread_local int eval_depth;

struct ctx {
	assay_store *st;
	const char *expr, *as_of;
	assay_freq freq;
	assay_period lo;
	size_t n;                       /* periods lo .. lo + n - 1 */
	struct input *in;
	size_t nin, capin;
	assay_derive_result *res;
	assay_error *err;
};

static int cerr(struct ctx *c, int col, const char *fmt, const char *a,
		const char *b)
{
	char what[700];
	snprintf(what, sizeof what, fmt, a, b);
	return assay_fail(c->err, ASSAY_EUSAGE, "%s:%d: %s", c->expr, col, what);
}

static struct input *find_input(struct ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nin; i++)
		if (!strcmp(c->in[i].name, name))
			return &c->in[i];
	return NULL;
}

static int on_stack(const char *name)
{
	for (int i = 0; i < eval_depth; i++)
		if (!strcmp(eval_stack[i], name))
			return 1;
	return 0;
}

/* "a -> b -> a" in buf. */
static const char *cycle_text(const char *name, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = 0;
	for (int i = 0; i < eval_depth && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s -> ", eval_stack[i]);
	if (len < n)
		snprintf(buf + len, n - len, "%s", name);
	return buf;
}

/* Look series `name` up, check it can reach the frequency, load it. */
static int add_input(struct ctx *c, const char *name, int col)
{
	if (find_input(c, name))
		return 0;
	if (on_stack(name)) {
		char cyc[600];
		return cerr(c, col, "circular definition: %s%s",
			    cycle_text(name, cyc, sizeof cyc), "");
	}
	if (c->nin == c->capin) {
		size_t cap = c->capin ? 2 * c->capin : 8;
		struct input *g = realloc(c->in, cap * sizeof *g);
		if (!g)
			return assay_fail(c->err, ASSAY_EIO, "out of memory");
		c->in = g;
		c->capin = cap;
	}
	struct input *in = &c->in[c->nin];
	memset(in, 0, sizeof *in);
	int rc = assay_store_series_get(c->st, name, &in->info, c->err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		char hint[400] = "";
		if (strchr(name, '-') && !strchr(name, ' '))
			snprintf(hint, sizeof hint, " (to subtract, put blanks "
				 "around the '-')");
		return cerr(c, col, "unknown series '%s'%s", name, hint);
	}
	if (!(in->name = strdup(name))) {
		assay_series_info_release(&in->info);
		return assay_fail(c->err, ASSAY_EIO, "out of memory");
	}
	c->nin++;
	return 0;
}

/* Collect every input of the tree; the frequency they share. */
static int collect(struct ctx *c, struct node *n)
{
	if (!n)
		return 0;
	if (n->op == N_SERIES)
		return add_input(c, n->name, n->col);
	if (n->op == N_SUM) {
		char **names;
		size_t k;
		const char *pat = n->name;
		if (assay_store_series_match(c->st, &pat, 1, &names, &k, c->err))
			return -1;
		size_t used = 0;
		for (size_t i = 0; i < k; i++) {
			/* the series being defined is no member of its own sum */
			if (eval_depth && !strcmp(names[i], eval_stack[eval_depth - 1]))
				continue;
			if (add_input(c, names[i], n->col)) {
				assay_strv_free(names, k);
				return -1;
			}
			used++;
		}
		assay_strv_free(names, k);
		if (!used)
			return cerr(c, n->col, "sum(%s) matches no series%s", n->name, "");
		return 0;
	}
	return collect(c, n->a) || collect(c, n->b) ? -1 : 0;
}

static char freq_letter(assay_freq f) { return (char)f; }

static int load_inputs(struct ctx *c)
{
	assay_freq lowest = ASSAY_FREQ_NONE;
	for (size_t i = 0; i < c->nin; i++)
		if (assay_freq_rank(c->in[i].info.freq) > assay_freq_rank(lowest))
			lowest = c->in[i].info.freq;
	if (c->freq == ASSAY_FREQ_NONE)
		c->freq = lowest;
	if (c->freq == ASSAY_FREQ_D || c->freq == ASSAY_FREQ_W)
		c->freq = ASSAY_FREQ_M;
	int have = 0;
	for (size_t i = 0; i < c->nin; i++) {
		struct input *in = &c->in[i];
		char fa[2] = { freq_letter(in->info.freq), 0 },
		     fb[2] = { freq_letter(c->freq), 0 };
		if (assay_freq_rank(in->info.freq) > assay_freq_rank(c->freq)) {
			char what[700];
			snprintf(what, sizeof what, "'%s' is %s (%s) and cannot be made "
				 "%s (%s): give --freq %s or lower", in->name,
				 assay_freq_adjective(in->info.freq), fa,
				 assay_freq_adjective(c->freq), fb, fa);
			return assay_fail(c->err, ASSAY_EUSAGE, "%s: %s", c->expr, what);
		}
		if (in->info.freq != c->freq && in->info.kind == ASSAY_KIND_NONE)
			return assay_fail(c->err, ASSAY_EUSAGE, "%s: '%s' has no kind "
					  "(flow, price, stock), so it cannot be "
					  "resampled to %s", c->expr, in->name,
					  assay_freq_adjective(c->freq));
		assay_obs obs;
		if (assay_store_load(c->st, in->info.id, c->as_of, &obs, c->err))
			return -1;
		int rc = assay_resample(&obs, in->info.freq, in->info.kind ?
					in->info.kind : ASSAY_KIND_PRICE, c->freq,
					&in->r, c->err);
		assay_obs_release(&obs);
		if (rc)
			return -1;
		if (in->info.unit && in->info.unit[0]) {
			assay_error uerr;
			if (assay_unit_parse(in->info.unit, &in->unit, &uerr) &&
			    !c->res->note[0])
				snprintf(c->res->note, sizeof c->res->note,
					 "the unit of '%.200s' is unknown: %.280s",
					 in->name, uerr.msg);
		} else if (!c->res->note[0]) {
			snprintf(c->res->note, sizeof c->res->note, "'%s' has no unit",
				 in->name);
		}
		if (in->r.n == 0)
			continue;
		assay_period first = in->r.period[0], last = in->r.period[in->r.n - 1];
		if (!have || first < c->lo)
			c->n = have ? c->n + (size_t)(c->lo - first) : (size_t)(last - first + 1),
			c->lo = first;
		if ((size_t)(last - c->lo + 1) > c->n)
			c->n = (size_t)(last - c->lo + 1);
		have = 1;
	}
	return 0;
}

/* ---- evaluation ---- */

struct vec {
	double *v;
	unsigned char *partial;
	assay_unit *unit;               /* NULL: unknown */
	int is_number;                  /* a literal: takes its partner's unit */
	int unit_known;                 /* unit meaningful (even if NULL) */
	assay_kind kind;
};

static void vec_free(struct vec *x)
{
	free(x->v);
	free(x->partial);
	assay_unit_free(x->unit);
	memset(x, 0, sizeof *x);
}

static int vec_alloc(struct ctx *c, struct vec *x)
{
	memset(x, 0, sizeof *x);
	x->v = malloc((c->n ? c->n : 1) * sizeof *x->v);
	x->partial = calloc(c->n ? c->n : 1, 1);
	if (!x->v || !x->partial) {
		vec_free(x);
		return assay_fail(c->err, ASSAY_EIO, "out of memory");
	}
	return 0;
}

static int eval(struct ctx *c, struct node *n, struct vec *out);

/* Input `in` laid on the common range, converted by `factor`. */
static void lay(struct ctx *c, const struct input *in, double factor,
		struct vec *x)
{
	for (size_t i = 0; i < c->n; i++)
		x->v[i] = NAN;
	for (size_t j = 0; j < in->r.n; j++) {
		size_t i = (size_t)(in->r.period[j] - c->lo);
		x->v[i] = in->r.value[j] * factor;
		x->partial[i] = in->r.partial[j];
	}
}

static int eval_series(struct ctx *c, struct node *n, struct vec *x)
{
	struct input *in = find_input(c, n->name);
	if (vec_alloc(c, x))
		return -1;
	lay(c, in, 1.0, x);
	x->unit = in->unit ? assay_unit_dup(in->unit) : NULL;
	x->kind = in->info.kind;
	return 0;
}

static int eval_sum(struct ctx *c, struct node *n, struct vec *x)
{
	char **names;
	size_t k;
	const char *pat = n->name;
	if (vec_alloc(c, x) ||
	    assay_store_series_match(c->st, &pat, 1, &names, &k, c->err))
		return -1;
	for (size_t i = 0; i < c->n; i++)
		x->v[i] = NAN;
	int unknown = 0, first = 1;
	for (size_t m = 0; m < k; m++) {
		struct input *in = find_input(c, names[m]);
		if (!in)
			continue;       /* the series being defined */
		double f = 1.0;
		if (!in->unit)
			unknown = 1;
		else if (!x->unit && !unknown && first)
			x->unit = assay_unit_dup(in->unit);
		else if (x->unit && assay_unit_factor(in->unit, x->unit, &f, c->err)) {
			char msg[400];
			snprintf(msg, sizeof msg, "%.399s", c->err->msg);
			assay_strv_free(names, k);
			return cerr(c, n->col, "sum(%s): %s", n->name, msg);
		}
		x->kind = first ? in->info.kind :
			  x->kind == in->info.kind ? x->kind : ASSAY_KIND_PRICE;
		first = 0;
		for (size_t j = 0; j < in->r.n; j++) {
			double v = in->r.value[j];
			if (!isfinite(v))
				continue;
			size_t i = (size_t)(in->r.period[j] - c->lo);
			x->v[i] = isnan(x->v[i]) ? v * f : x->v[i] + v * f;
			x->partial[i] |= in->r.partial[j];
		}
	}
	assay_strv_free(names, k);
	if (unknown) {
		assay_unit_free(x->unit);
		x->unit = NULL;
	}
	return 0;
}

/* The unit of a + b, and the factor that brings b into it. */
static int add_units(struct ctx *c, struct node *n, struct vec *a,
		     struct vec *b, double *fb)
{
	*fb = 1.0;
	if (a->is_number && b->is_number)
		return 0;
	if (a->is_number) {
		a->unit = b->unit ? assay_unit_dup(b->unit) : NULL;
		return 0;
	}
	if (b->is_number || !a->unit || !b->unit) {
		if (!b->is_number && (!a->unit || !b->unit)) {
			assay_unit_free(a->unit);
			a->unit = NULL;
		}
		return 0;
	}
	if (!assay_unit_compatible(a->unit, b->unit)) {
		if (n->op == N_ADD)
			return cerr(c, n->col, "cannot add '%s' and '%s': the units "
				    "measure different things", assay_unit_text(a->unit),
				    assay_unit_text(b->unit));
		return cerr(c, n->col, "cannot subtract '%s' from '%s': the units "
			    "measure different things", assay_unit_text(b->unit),
			    assay_unit_text(a->unit));
	}
	return assay_unit_factor(b->unit, a->unit, fb, c->err);
}

static int eval_binary(struct ctx *c, struct node *n, struct vec *x)
{
	struct vec b;
	if (eval(c, n->a, x))
		return -1;
	if (eval(c, n->b, &b)) {
		vec_free(x);
		return -1;
	}
	double fb = 1.0;
	int rc = 0;
	if (n->op == N_ADD || n->op == N_SUB) {
		rc = add_units(c, n, x, &b, &fb);
		x->kind = x->is_number ? b.kind : b.is_number || x->kind == b.kind ?
			  x->kind : ASSAY_KIND_PRICE;
	} else {
		assay_unit *u = NULL;
		if (x->is_number && b.is_number)
			u = NULL;
		else if (b.is_number && n->op == N_MUL)
			u = x->unit ? assay_unit_dup(x->unit) : NULL;
		else if (b.is_number)
			u = x->unit ? assay_unit_dup(x->unit) : NULL;
		else if (x->is_number && n->op == N_MUL)
			u = b.unit ? assay_unit_dup(b.unit) : NULL;
		else if (x->is_number) {
			assay_unit *one = NULL;
			assay_error e;
			if (b.unit && assay_unit_parse("1", &one, &e) == 0)
				u = assay_unit_div(one, b.unit, NULL);
			assay_unit_free(one);
		} else if (x->unit && b.unit)
			u = n->op == N_MUL ? assay_unit_mul(x->unit, b.unit, NULL)
					   : assay_unit_div(x->unit, b.unit, NULL);
		x->kind = x->is_number ? b.kind : b.is_number ? x->kind : ASSAY_KIND_PRICE;
		assay_unit_free(x->unit);
		x->unit = u;
	}
	for (size_t i = 0; rc == 0 && i < c->n; i++) {
		double l = x->v[i], r = b.v[i] * fb;
		switch (n->op) {
		case N_ADD: x->v[i] = l + r; break;
		case N_SUB: x->v[i] = l - r; break;
		case N_MUL: x->v[i] = l * r; break;
		default:
			if (r == 0 && isfinite(l)) {
				if (!c->res->n_div_zero++ || c->lo + (assay_period)i <
				    c->res->first_div_zero)
					c->res->first_div_zero = c->lo + (assay_period)i;
				x->v[i] = NAN;
			} else {
				x->v[i] = l / r;
			}
		}
		x->partial[i] |= b.partial[i];
	}
	x->is_number = x->is_number && b.is_number;
	vec_free(&b);
	if (rc)
		vec_free(x);
	return rc;
}

/* 100 at period n->name: the mean of the periods of the series' frequency
 * in it, all complete and present. */
static int eval_rebase(struct ctx *c, struct node *n, struct vec *x)
{
	assay_freq pf;
	assay_period pp;
	char why[128];
	if (eval(c, n->a, x))
		return -1;
	assay_period_parse(n->name, NULL, &pf, &pp, why, sizeof why);
	if (assay_freq_rank(pf) < assay_freq_rank(c->freq)) {
		vec_free(x);
		return cerr(c, n->col, "rebase: %s is shorter than a period of the "
			    "series (%s)", n->name, assay_freq_adjective(c->freq));
	}
	double sum = 0;
	int count = 0, bad = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (assay_period_convert(c->freq, c->lo + (assay_period)i, pf) != pp)
			continue;
		if (!isfinite(x->v[i]) || x->partial[i])
			bad = 1;
		sum += x->v[i];
		count++;
	}
	int64_t d0, d1;
	assay_period_span_days(pf, pp, &d0, &d1);
	/* periods of the series' frequency that the base period covers */
	assay_period a = assay_period_convert(ASSAY_FREQ_D, d0, c->freq),
		     b = assay_period_convert(ASSAY_FREQ_D, d1, c->freq);
	if (bad || count == 0 || count != (int)(b - a + 1) || sum == 0) {
		vec_free(x);
		return cerr(c, n->col, "rebase: no complete value for %s%s", n->name,
			    sum == 0 && count && !bad ? " (it is 0)" : "");
	}
	double base = sum / count;
	for (size_t i = 0; i < c->n; i++)
		x->v[i] = 100 * x->v[i] / base;
	char text[80];
	snprintf(text, sizeof text, "%s=100", n->name);
	assay_unit_free(x->unit);
	assay_error e;
	x->unit = NULL;
	assay_unit_parse(text, &x->unit, &e);
	x->is_number = 0;
	return 0;
}

static int eval_lag(struct ctx *c, struct node *n, struct vec *x)
{
	if (eval(c, n->a, x))
		return -1;
	long k = n->k;
	if (k > 0) {
		for (size_t i = c->n; i-- > 0;) {
			int in = (long)i - k >= 0;
			x->v[i] = in ? x->v[i - (size_t)k] : NAN;
			x->partial[i] = in ? x->partial[i - (size_t)k] : 0;
		}
	} else if (k < 0) {
		size_t s = (size_t)(-k);
		for (size_t i = 0; i < c->n; i++) {
			int in = i + s < c->n;
			x->v[i] = in ? x->v[i + s] : NAN;
			x->partial[i] = in ? x->partial[i + s] : 0;
		}
	}
	return 0;
}

static int eval_share(struct ctx *c, struct node *n, struct vec *x)
{
	struct vec b;
	if (eval(c, n->a, x))
		return -1;
	if (eval(c, n->b, &b)) {
		vec_free(x);
		return -1;
	}
	double fb = 1.0;
	if (x->unit && b.unit) {
		if (!assay_unit_compatible(x->unit, b.unit)) {
			cerr(c, n->col, "share: '%s' is no part of '%s' (the units "
			     "measure different things)", assay_unit_text(x->unit),
			     assay_unit_text(b.unit));
			vec_free(&b);
			vec_free(x);
			return -1;
		}
		assay_unit_factor(b.unit, x->unit, &fb, c->err);
	}
	for (size_t i = 0; i < c->n; i++) {
		double den = b.v[i] * fb;
		if (den == 0 && isfinite(x->v[i])) {
			if (!c->res->n_div_zero++)
				c->res->first_div_zero = c->lo + (assay_period)i;
			x->v[i] = NAN;
		} else {
			x->v[i] = 100 * x->v[i] / den;
		}
		x->partial[i] |= b.partial[i];
	}
	int known = x->unit && b.unit;
	assay_unit_free(x->unit);
	assay_error e;
	x->unit = NULL;
	if (known)
		assay_unit_parse("%", &x->unit, &e);
	x->kind = ASSAY_KIND_PRICE;
	x->is_number = 0;
	vec_free(&b);
	return 0;
}

static int eval(struct ctx *c, struct node *n, struct vec *x)
{
	switch (n->op) {
	case N_NUM:
		if (vec_alloc(c, x))
			return -1;
		for (size_t i = 0; i < c->n; i++)
			x->v[i] = n->num;
		x->is_number = 1;
		return 0;
	case N_SERIES: return eval_series(c, n, x);
	case N_SUM: return eval_sum(c, n, x);
	case N_NEG:
		if (eval(c, n->a, x))
			return -1;
		for (size_t i = 0; i < c->n; i++)
			x->v[i] = -x->v[i];
		return 0;
	case N_REBASE: return eval_rebase(c, n, x);
	case N_LAG: return eval_lag(c, n, x);
	case N_SHARE: return eval_share(c, n, x);
	default: return eval_binary(c, n, x);
	}
}

/* ---- the result ---- */

void assay_derive_result_release(assay_derive_result *r)
{
	if (!r)
		return;
	free(r->period);
	free(r->value);
	free(r->unit);
	assay_strv_free(r->inputs, r->ninputs);
	memset(r, 0, sizeof *r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The result's unit text: an input's own text when it is that unit. */
static char *unit_text(struct ctx *c, const assay_unit *u)
{
	for (size_t i = 0; i < c->nin; i++)
		if (c->in[i].unit && assay_unit_same(c->in[i].unit, u) &&
		    !strcmp(assay_unit_text(c->in[i].unit), assay_unit_text(u)))
			return strdup(c->in[i].info.unit);
	for (size_t i = 0; i < c->nin; i++)
		if (c->in[i].unit && assay_unit_same(c->in[i].unit, u))
			return strdup(c->in[i].info.unit);
	if (assay_unit_dimensionless(u) && strchr(assay_unit_text(u), '/')) {
		assay_unit *one;
		assay_error e;
		int same = assay_unit_parse("1", &one, &e) == 0 &&
			   assay_unit_same(one, u);
		assay_unit_free(one);
		if (same)
			return strdup("1");
	}
	return strdup(assay_unit_text(u));
}

static int finish(struct ctx *c, struct vec *x, const char *to_unit)
{
	assay_derive_result *r = c->res;
	double f = 1.0;
	if (to_unit) {
		assay_unit *to;
		if (!x->unit)
			return assay_fail(c->err, ASSAY_EUSAGE, "%s: --to-unit %s: the "
					  "result's unit is unknown (%s)", c->expr,
					  to_unit, r->note[0] ? r->note : "a number");
		if (assay_unit_parse(to_unit, &to, c->err))
			return -1;
		int rc = assay_unit_factor(x->unit, to, &f, c->err);
		assay_unit_free(to);
		if (rc)
			return -1;
		r->unit = strdup(to_unit);
	} else if (x->unit) {
		r->unit = unit_text(c, x->unit);
	}
	r->kind = x->kind ? x->kind : ASSAY_KIND_PRICE;
	r->period = malloc((c->n ? c->n : 1) * sizeof *r->period);
	r->value = malloc((c->n ? c->n : 1) * sizeof *r->value);
	r->inputs = calloc(c->nin ? c->nin : 1, sizeof *r->inputs);
	if (!r->period || !r->value || !r->inputs)
		return assay_fail(c->err, ASSAY_EIO, "out of memory");
	for (size_t i = 0; i < c->n; i++) {
		if (!isfinite(x->v[i]))
			continue;
		if (x->partial[i]) {
			if (!r->n_partial++)
				r->first_partial = c->lo + (assay_period)i;
			continue;
		}
		r->period[r->n] = c->lo + (assay_period)i;
		r->value[r->n++] = x->v[i] * f;
	}
	for (size_t i = 0; i < c->nin; i++)
		r->inputs[r->ninputs++] = strdup(c->in[i].name);
	qsort(r->inputs, r->ninputs, sizeof *r->inputs, cmp_str);
	return 0;
}

int assay_derive_eval(assay_store *st, const char *self, const char *expr,
		      assay_freq freq, const char *as_of, const char *to_unit,
		      assay_derive_result *out, assay_error *err)
{
	memset(out, 0, sizeof *out);
	if (eval_depth >= MAX_DEPTH - 1)
		return assay_fail(err, ASSAY_EUSAGE, "%s: derived series nested more "
				  "than %d deep", expr, MAX_DEPTH - 1);
	struct node *tree = parse(expr, err);
	if (!tree)
		return -1;
	struct ctx c = { .st = st, .expr = expr, .as_of = as_of, .freq = freq,
			 .res = out, .err = err };
	if (self)
		eval_stack[eval_depth++] = self;
	struct vec x = { 0 };
	int rc = collect(&c, tree) || load_inputs(&c) || eval(&c, tree, &x) ||
		 finish(&c, &x, to_unit) ? -1 : 0;
	if (self)
		eval_depth--;
	out->freq = c.freq;
	vec_free(&x);
	for (size_t i = 0; i < c.nin; i++) {
		free(c.in[i].name);
		assay_series_info_release(&c.in[i].info);
		assay_resampled_release(&c.in[i].r);
		assay_unit_free(c.in[i].unit);
	}
	free(c.in);
	node_free(tree);
	if (rc) {
		char note[512];
		memcpy(note, out->note, sizeof note);
		assay_derive_result_release(out);
		memcpy(out->note, note, sizeof note);
	}
	return rc;
}

int assay_derive_load(assay_store *st, int64_t id, const char *as_of,
		      assay_obs *out, assay_error *err)
{
	assay_derived_def def;
	int rc = assay_store_derived_get(st, id, &def, err);
	if (rc <= 0)
		return rc;
	assay_derive_result r;
	memset(out, 0, sizeof *out);
	if (assay_derive_eval(st, def.name, def.expr, def.freq, as_of, def.to_unit,
			      &r, err)) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", err->msg);
		assay_fail(err, err->status, "derived series '%s': %s", def.name, msg);
		assay_derived_def_release(&def);
		return -1;
	}
	assay_derived_def_release(&def);
	out->period = r.period;
	out->value = r.value;
	out->n = r.n;
	r.period = NULL;
	r.value = NULL;
	assay_derive_result_release(&r);
	return 1;
}

int assay_derive_summarise(assay_store *st, assay_series_summary *s,
			   assay_error *err)
{
	if (!s->info.source || strcmp(s->info.source, "derived"))
		return 0;
	assay_obs obs;
	int rc = assay_derive_load(st, s->info.id, NULL, &obs, err);
	if (rc <= 0)
		return rc;
	s->count = (int64_t)obs.n;
	if (obs.n) {
		s->first = obs.period[0];
		s->last = obs.period[obs.n - 1];
	}
	assay_obs_release(&obs);
	return 1;
}
