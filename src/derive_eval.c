/*
 * Evaluating a derived-series expression tree (see derive.c) over the
 * inputs laid on one common range of periods.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/derive.h"
#include "assay/resample.h"
#include "assay/units.h"
#include "derive_internal.h"

/* ---- evaluation ---- */

/* A division by zero is NA and reported: counted (finish counts the
 * periods of the result), and marked so that the period stays in the
 * series as NA.  Dropped, a new vintage of an input with a zero in its
 * latest month made check judge the month before as the latest, with
 * exit 0; kept, that month "has no value".  The mark is the vector's, so
 * that it moves with the value (lag(a / b, 1) kept 2020-03, which had a
 * value, as the NA and dropped 2020-04, which had none). */
void derive_div_zero(struct vec *x, size_t i)
{
	x->na[i] = 1;
}

double derive_finite(struct ctx *c, size_t i, double v)
{
	if (!isinf(v))
		return v;
	assay_period p = c->lo + (assay_period)i;
	if (!c->n_overflow++ || p < c->first_overflow)
		c->first_overflow = p;
	return NAN;
}

void derive_vec_free(struct vec *x)
{
	free(x->v);
	free(x->partial);
	free(x->na);
	assay_unit_free(x->unit);
	memset(x, 0, sizeof *x);
}

static int vec_alloc(struct ctx *c, struct vec *x)
{
	memset(x, 0, sizeof *x);
	x->v = malloc((c->n ? c->n : 1) * sizeof *x->v);
	x->partial = calloc(c->n ? c->n : 1, 1);
	x->na = calloc(c->n ? c->n : 1, 1);
	if (!x->v || !x->partial || !x->na) {
		derive_vec_free(x);
		return assay_fail(c->err, ASSAY_EIO, "out of memory");
	}
	return 0;
}

/* Input `in` laid on the common range, converted by `factor`.  Its own
 * NA periods (a derived input's division by zero) stay NA: a series over
 * a ratio whose latest month divided by zero ended a month earlier, and
 * check judged the month before as its latest, with exit 0. */
static void lay(struct ctx *c, const struct input *in, double factor,
		struct vec *x)
{
	for (size_t i = 0; i < c->n; i++)
		x->v[i] = NAN;
	for (size_t j = 0; j < in->r.n; j++) {
		size_t i = (size_t)(in->r.period[j] - c->lo);
		x->v[i] = derive_finite(c, i, in->r.value[j] * factor);
		x->partial[i] = in->r.partial[j];
	}
	for (size_t j = 0; j < in->nna; j++)
		if (in->na[j] >= c->lo && in->na[j] < c->lo + (assay_period)c->n)
			x->na[in->na[j] - c->lo] = 1;
}

static int eval_series(struct ctx *c, struct node *n, struct vec *x)
{
	struct input *in = derive_find_input(c, n->name);
	if (vec_alloc(c, x))
		return -1;
	lay(c, in, 1.0, x);
	x->unit = in->unit ? assay_unit_dup(in->unit) : NULL;
	x->kind = in->info.kind;
	if (!x->kind)
		snprintf(x->kind_why, sizeof x->kind_why, "'%.150s' has no kind",
			 in->name);
	return 0;
}

/* ---- kinds ----
 *
 * What resampling a result needs follows from its operands' kinds where
 * that is known, and is left unknown (ASSAY_KIND_NONE with the reason in
 * kind_why: derive then asks for --kind) where it is not:
 *
 *   a + b, a - b, sum()  one kind: that kind; kinds mixed: unknown
 *   flow * price, flow / price             flow (t * $/t is $ a month)
 *   stock * price, stock / price           stock (the value of a stock)
 *   price * price, price / price           price
 *   stock * stock, stock / stock           stock (the last value of a
 *                                          ratio is the ratio of the last)
 *   flow / flow                            price (a ratio: averaged)
 *   flow * flow, flow * stock, flow / stock, stock / flow, price / flow,
 *   price / stock                          unknown
 *   number * s, s * number, s / number     s's kind; number / flow unknown
 *   rebase(), share()                      price (an index and a share
 *                                          are averaged, so the base
 *                                          period stays 100 at a lower
 *                                          frequency)
 *   -s, lag(s, k)                          s's kind
 */

static const char *kind_words(assay_kind k)
{
	switch (k) {
	case ASSAY_KIND_FLOW: return "a flow";
	case ASSAY_KIND_PRICE: return "a price";
	case ASSAY_KIND_STOCK: return "a stock";
	default: return "a series of no kind";
	}
}

static void kind_unknown(struct vec *x, const char *fmt, assay_kind a,
			 assay_kind b)
{
	x->kind = ASSAY_KIND_NONE;
	snprintf(x->kind_why, sizeof x->kind_why, fmt, kind_words(a), kind_words(b));
}

/* x's kind after x OP b (x is the left operand, b the right). */
static void binary_kind(enum op op, struct vec *x, const struct vec *b)
{
	const assay_kind F = ASSAY_KIND_FLOW, P = ASSAY_KIND_PRICE,
			 S = ASSAY_KIND_STOCK;
	static const char *const verb[] = { [N_ADD] = "%s plus %s",
		[N_SUB] = "%s minus %s", [N_MUL] = "%s times %s",
		[N_DIV] = "%s divided by %s" };
	assay_kind ka = x->kind, kb = b->kind;
	if (x->is_number && b->is_number)
		return;
	if (!x->is_number && !ka)
		return;                         /* unknown stays unknown */
	if (!b->is_number && !kb) {
		x->kind = ASSAY_KIND_NONE;
		memcpy(x->kind_why, b->kind_why, sizeof x->kind_why);
		return;
	}
	if (x->is_number) {
		if (op == N_DIV && kb == F)
			kind_unknown(x, "a number divided by a flow", ka, kb);
		else
			x->kind = kb;
		return;
	}
	if (b->is_number)
		return;
	if (op == N_ADD || op == N_SUB) {
		if (ka != kb)
			kind_unknown(x, verb[op], ka, kb);
		return;
	}
	assay_kind k = ASSAY_KIND_NONE;
	if (op == N_MUL) {
		if ((ka == F && kb == P) || (ka == P && kb == F))
			k = F;
		else if ((ka == S && kb == P) || (ka == P && kb == S) ||
			 (ka == S && kb == S))
			k = S;
		else if (ka == P && kb == P)
			k = P;
	} else {
		if (kb == P)
			k = ka;                 /* flow, stock or price per price */
		else if (ka == S && kb == S)
			k = S;
		else if (ka == F && kb == F)
			k = P;
	}
	if (k)
		x->kind = k;
	else
		kind_unknown(x, verb[op], ka, kb);
}

static int eval_sum(struct ctx *c, struct node *n, struct vec *x)
{
	/* the members collect() found: never the name being defined, never
	 * a derived series (even one named elsewhere in the expression) */
	char **names = n->members;
	size_t k = n->nmembers;
	if (vec_alloc(c, x))
		return -1;
	for (size_t i = 0; i < c->n; i++)
		x->v[i] = NAN;
	int unknown = 0, first = 1;
	for (size_t m = 0; m < k; m++) {
		struct input *in = derive_find_input(c, names[m]);
		double f = 1.0;
		if (!in->unit)
			unknown = 1;
		else if (!x->unit && !unknown && first)
			x->unit = assay_unit_dup(in->unit);
		else if (x->unit && assay_unit_factor(in->unit, x->unit, &f, c->err)) {
			char msg[400];
			snprintf(msg, sizeof msg, "%.399s", c->err->msg);
			derive_vec_free(x);
			return derive_cerr(c, n->col, "sum(%s): %s", n->name, msg);
		}
		if (first) {
			x->kind = in->info.kind;
			if (!x->kind)
				snprintf(x->kind_why, sizeof x->kind_why, "'%.150s' "
					 "has no kind", in->name);
		} else if (x->kind && x->kind != in->info.kind) {
			kind_unknown(x, "sum() adds %s and %s", x->kind, in->info.kind);
			if (!in->info.kind)
				snprintf(x->kind_why, sizeof x->kind_why, "'%.150s' "
					 "has no kind", in->name);
		}
		first = 0;
		for (size_t j = 0; j < in->r.n; j++) {
			double v = in->r.value[j];
			if (!isfinite(v))
				continue;
			size_t i = (size_t)(in->r.period[j] - c->lo);
			x->v[i] = derive_finite(c, i, isnan(x->v[i]) ? v * f : x->v[i] + v * f);
			x->partial[i] |= in->r.partial[j];
		}
	}
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
	/* indexes: only on one base period (b's values taken as a's) */
	char why[400], what[600];
	if (assay_unit_index_clash(b->unit, a->unit, why, sizeof why)) {
		if (n->op == N_ADD)
			snprintf(what, sizeof what, "cannot add '%.80s' and '%.80s': %s",
				 assay_unit_text(a->unit), assay_unit_text(b->unit), why);
		else
			snprintf(what, sizeof what, "cannot subtract '%.80s' from '%.80s': %s",
				 assay_unit_text(b->unit), assay_unit_text(a->unit), why);
		return derive_cerr(c, n->col, "%s%s", what, "");
	}
	if (!assay_unit_compatible(a->unit, b->unit)) {
		if (n->op == N_ADD)
			return derive_cerr(c, n->col, "cannot add '%s' and '%s': the units "
				           "measure different things", assay_unit_text(a->unit),
				           assay_unit_text(b->unit));
		return derive_cerr(c, n->col, "cannot subtract '%s' from '%s': the units "
			           "measure different things", assay_unit_text(b->unit),
			           assay_unit_text(a->unit));
	}
	return assay_unit_factor(b->unit, a->unit, fb, c->err);
}

/* Both operands of n into x and b; on failure neither is left allocated. */
static int eval_operands(struct ctx *c, struct node *n, struct vec *x,
			 struct vec *b)
{
	if (derive_eval(c, n->a, x))
		return -1;
	if (derive_eval(c, n->b, b)) {
		derive_vec_free(x);
		return -1;
	}
	return 0;
}

static int eval_binary(struct ctx *c, struct node *n, struct vec *x)
{
	struct vec b;
	if (eval_operands(c, n, x, &b))
		return -1;
	double fb = 1.0;
	int rc = 0;
	if (n->op == N_ADD || n->op == N_SUB) {
		rc = add_units(c, n, x, &b, &fb);
		binary_kind(n->op, x, &b);
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
		binary_kind(n->op, x, &b);
		assay_unit_free(x->unit);
		x->unit = u;
	}
	for (size_t i = 0; rc == 0 && i < c->n; i++) {
		double l = x->v[i], r = derive_finite(c, i, b.v[i] * fb);
		switch (n->op) {
		case N_ADD: x->v[i] = derive_finite(c, i, l + r); break;
		case N_SUB: x->v[i] = derive_finite(c, i, l - r); break;
		case N_MUL: x->v[i] = derive_finite(c, i, l * r); break;
		default:
			if (r == 0 && isfinite(l)) {
				derive_div_zero(x, i);
				x->v[i] = NAN;
			} else {
				x->v[i] = derive_finite(c, i, l / r);
			}
		}
		x->partial[i] |= b.partial[i];
		x->na[i] |= b.na[i];
	}
	x->is_number = x->is_number && b.is_number;
	derive_vec_free(&b);
	if (rc)
		derive_vec_free(x);
	return rc;
}

/* 100 at period n->name: the mean of the periods of the series' frequency
 * in it, all complete and present. */
static int eval_rebase(struct ctx *c, struct node *n, struct vec *x)
{
	assay_freq pf;
	assay_period pp;
	char why[128];
	if (derive_eval(c, n->a, x))
		return -1;
	assay_period_parse(n->name, NULL, &pf, &pp, why, sizeof why);
	if (assay_freq_rank(pf) < assay_freq_rank(c->freq)) {
		derive_vec_free(x);
		return derive_cerr(c, n->col, "rebase: %s is shorter than a period of the "
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
		derive_vec_free(x);
		return derive_cerr(c, n->col, "rebase: no complete value for %s%s", n->name,
			           sum == 0 && count && !bad ? " (it is 0)" : "");
	}
	double base = sum / count;
	for (size_t i = 0; i < c->n; i++)
		x->v[i] = derive_finite(c, i, 100 * x->v[i] / base);
	char text[80];
	snprintf(text, sizeof text, "%s=100", n->name);
	assay_unit_free(x->unit);
	assay_error e;
	x->unit = NULL;
	assay_unit_parse(text, &x->unit, &e);
	x->kind = ASSAY_KIND_PRICE;
	x->is_number = 0;
	return 0;
}

static int eval_lag(struct ctx *c, struct node *n, struct vec *x)
{
	if (derive_eval(c, n->a, x))
		return -1;
	long k = n->k;
	if (k > 0) {
		for (size_t i = c->n; i-- > 0;) {
			int in = (long)i - k >= 0;
			x->v[i] = in ? x->v[i - (size_t)k] : NAN;
			x->partial[i] = in ? x->partial[i - (size_t)k] : 0;
			x->na[i] = in ? x->na[i - (size_t)k] : 0;
		}
	} else if (k < 0) {
		size_t s = (size_t)(-k);
		for (size_t i = 0; i < c->n; i++) {
			int in = i + s < c->n;
			x->v[i] = in ? x->v[i + s] : NAN;
			x->partial[i] = in ? x->partial[i + s] : 0;
			x->na[i] = in ? x->na[i + s] : 0;
		}
	}
	return 0;
}

static int eval_share(struct ctx *c, struct node *n, struct vec *x)
{
	struct vec b;
	if (eval_operands(c, n, x, &b))
		return -1;
	double fb = 1.0;
	if (x->unit && b.unit) {
		if (!assay_unit_compatible(x->unit, b.unit)) {
			derive_cerr(c, n->col, "share: '%s' is no part of '%s' (the units "
			            "measure different things)", assay_unit_text(x->unit),
			            assay_unit_text(b.unit));
			derive_vec_free(&b);
			derive_vec_free(x);
			return -1;
		}
		assay_unit_factor(b.unit, x->unit, &fb, c->err);
	}
	for (size_t i = 0; i < c->n; i++) {
		double den = derive_finite(c, i, b.v[i] * fb);
		if (den == 0 && isfinite(x->v[i])) {
			derive_div_zero(x, i);
			x->v[i] = NAN;
		} else {
			x->v[i] = derive_finite(c, i, 100 * x->v[i] / den);
		}
		x->partial[i] |= b.partial[i];
		x->na[i] |= b.na[i];
	}
	int known = x->unit && b.unit;
	assay_unit_free(x->unit);
	assay_error e;
	x->unit = NULL;
	if (known)
		assay_unit_parse("%", &x->unit, &e);
	x->kind = ASSAY_KIND_PRICE;
	x->is_number = 0;
	derive_vec_free(&b);
	return 0;
}

int derive_eval(struct ctx *c, struct node *n, struct vec *x)
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
		if (derive_eval(c, n->a, x))
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
