/*
 * What the derived-series files share (internal):
 *
 *   derive.c        the inputs (loading, cycles), assay_derive_eval, the result
 *   derive_parse.c  the expression parser (recursive descent)
 *   derive_eval.c   evaluating the tree over the aligned inputs
 */
#ifndef ASSAY_DERIVE_INTERNAL_H
#define ASSAY_DERIVE_INTERNAL_H

#include "assay/derive.h"
#include "assay/resample.h"
#include "assay/units.h"

#pragma GCC visibility push(hidden)

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
	char **members;                 /* N_SUM: the series it adds (collect) */
	size_t nmembers;
};

struct input {
	char *name;
	assay_series_info info;
	assay_resampled r;
	assay_unit *unit;               /* NULL: none or unreadable */
	assay_period *na;               /* its own NA periods at the common
					 * frequency (a derived input's
					 * division by zero), sorted */
	size_t nna;
};

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
	const char *self;               /* the series evaluated, or NULL */
	const char *to_unit;            /* its --to-unit, or NULL */
	int64_t check_id;               /* > 0: its stored definition, whose
					 * recorded sum() members must be the
					 * ones matched now */
	size_t n_overflow;              /* results beyond a double's range */
	assay_period first_overflow;
};

/* v, or NaN with the overflow counted when v is infinite: the inputs are
 * finite, so an infinity is a result beyond 1.8e308, never a value. */
double derive_finite(struct ctx *c, size_t i, double v);

struct vec {
	double *v;
	unsigned char *partial;
	unsigned char *na;              /* [i]: NA by a division by zero, here
					 * or in a derived input: the period
					 * stays in the result, NA.  The marks
					 * move with the values (lag), as the
					 * partial flags do */
	assay_unit *unit;               /* NULL: unknown */
	int is_number;                  /* a literal: takes its partner's unit */
	int unit_known;                 /* unit meaningful (even if NULL) */
	assay_kind kind;                /* NONE (not a number): unknown */
	char kind_why[200];             /* why the kind is unknown */
};

/* Mark period i of x divided by zero: it stays in the result, NA
 * (derive_eval.c). */
void derive_div_zero(struct vec *x, size_t i);

struct node *derive_parse(const char *expr, assay_error *err);
void derive_node_free(struct node *n);

int derive_cerr(struct ctx *c, int col, const char *fmt, const char *a,
		const char *b);
struct input *derive_find_input(struct ctx *c, const char *name);

int derive_eval(struct ctx *c, struct node *n, struct vec *x);

/* store_derive.c.  The members of sum(pattern): the imported series that
 * match it, never a derived one (so no cycle runs through a pattern and a
 * total kept beside its members is not counted into them), sorted. */
int store_derive_members(assay_store *st, const char *pattern, char ***names,
			 size_t *n, assay_error *err);
/* The members of sum(pattern) recorded with the definition of series id:
 * its recorded inputs that were imported series then and match pattern. */
int store_derive_recorded(assay_store *st, int64_t id, const char *pattern,
			  char ***names, size_t *n, assay_error *err);
void derive_vec_free(struct vec *x);

#pragma GCC visibility pop

#endif
