/*
 * Derived series: a series defined by an expression over other series,
 * e.g. the copper/aluminium price ratio, a country's share of world
 * production or a price deflated by an index.
 *
 *   expr    := term (('+' | '-') term)*
 *   term    := factor (('*' | '/') factor)*
 *   factor  := '-' factor | NUMBER | SERIES | '(' expr ')'
 *            | rebase(expr, PERIOD)      100 at PERIOD (the mean of the
 *                                        periods it covers: rebase(x, 2010)
 *                                        on monthly data is 2010 = 100)
 *            | lag(expr, K)              the value K periods earlier
 *            | sum(PATTERN)              over the imported series matching
 *                                        a glob (never a derived one)
 *            | share(expr, expr)         100 * a / b, in %
 *   SERIES  := a name of [A-Za-z0-9_./-] (so 'a-b' is one name: put blanks
 *              around a minus) or any name in '...' or "..."
 *
 * Alignment.  Every input is resampled to one frequency (--freq, or the
 * lowest of the inputs' own) by its kind (resample.h); an input cannot be
 * made more frequent.  A gap in an input is NA in the result; a partial
 * period (a year of 5 months) is partial in the result.  sum(PATTERN)
 * adds the members that have a value in the period (a country missing from
 * a year of BGS's table produced nothing that the source counts) and is NA
 * only when none has; it is partial when a member it adds is.  Division by
 * zero gives NA and is counted.
 *
 * Members.  sum(PATTERN) adds imported series only: a total kept beside
 * its members under their naming scheme (bgs/world/cobalt) is not counted
 * into another sum over them, and no circle runs through a pattern.  The
 * members are recorded with the definition (derived_inputs); reading a
 * stored definition whose pattern matches other series now (a member
 * removed, renamed or new) is an error naming them, until the series is
 * defined again.
 *
 * Units.  Inputs' units (units.h) are checked and carried: a + b needs
 * compatible units (b converted to a's), a * b and a / b multiply and
 * divide them, numbers take the unit of what they are added to.  An input
 * without a unit, or with one assay cannot read, makes the result's unit
 * unknown (reported in `note`).  rebase(S, P) is in the index "P=100"
 * whatever S's unit; indexes add only to indexes on the same base period
 * (units.h).
 *
 * Kinds.  The result's kind (how it is resampled when read at a lower
 * frequency) follows from the operands' (derive_eval.c has the table):
 * one kind added to itself keeps it, flow * price and flow / price are
 * flows, stock * price a stock, price * price, price / price and
 * flow / flow prices (ratios are averaged), rebase() and share() prices.
 * Where it cannot be told (flow * flow, price / flow, a flow plus a
 * stock) the kind is ASSAY_KIND_NONE and kind_note says why: the caller
 * names one (assay derive --kind).
 *
 * Values are computed on read (assay_derive_load, called by
 * assay_store_load): a derived series stores its definition, not values,
 * so that --as-of gives exactly the derived values the inputs had then and
 * a new vintage of an input is seen at once.
 */
#ifndef ASSAY_DERIVE_H
#define ASSAY_DERIVE_H

#include <stddef.h>
#include <stdint.h>
#include "assay/assay.h"
#include "assay/store.h"

typedef struct assay_derive_result {
	assay_freq freq;
	size_t n;                       /* complete periods with a value */
	assay_period *period;
	double *value;
	char *unit;                     /* the result's unit text, or NULL */
	assay_kind kind;                /* what resampling the result needs;
					 * ASSAY_KIND_NONE: it cannot be told
					 * from the inputs (kind_note) */
	char **inputs;                  /* the series read, sorted */
	size_t ninputs;
	size_t n_div_zero;              /* periods NA by division by zero */
	assay_period first_div_zero;
	size_t n_partial;               /* partial periods, left out */
	assay_period first_partial;
	char note[512];                 /* "" or why the unit is unknown */
	char kind_note[256];            /* "" or why the kind is unknown
					 * ("a flow times a flow") */
} assay_derive_result;

void assay_derive_result_release(assay_derive_result *r);

/* Evaluate `expr` with the inputs as of `as_of` (NULL: newest) at `freq`
 * (ASSAY_FREQ_NONE: the lowest frequency of the inputs).  `self` is the
 * name being defined (NULL: none), for circular definitions; `to_unit`
 * (NULL: none) converts the result.  Returns 0, or -1 with err filled:
 * ASSAY_EUSAGE with "EXPR:COL: what is wrong" for the expression, unknown
 * series, an expression that names none (numbers alone), circular
 * definitions, unreachable frequencies and unit errors. */
int assay_derive_eval(assay_store *st, const char *self, const char *expr,
		      assay_freq freq, const char *as_of, const char *to_unit,
		      assay_derive_result *out, assay_error *err);

/* The stored definition of a derived series. */
typedef struct assay_derived_def {
	int64_t id;
	char *name, *expr, *to_unit, *defined_at;
	assay_freq freq;
	int kind_given;                 /* 1: its kind was given (--kind);
					 * 0: inferred from the inputs; -1:
					 * not recorded (defined before
					 * schema version 5) */
} assay_derived_def;
void assay_derived_def_release(assay_derived_def *d);

/* One input as recorded: its newest vintage when the definition was
 * stored, and now ("" for a derived input). */
typedef struct assay_derived_input {
	char name[512];
	char vintage_then[32];
	char vintage_now[32];
	int present;                    /* 0: no longer in the store */
} assay_derived_input;

/* Store (or replace) the definition of `name` with the result of
 * evaluating it (unit, kind, inputs): a series row (source "derived")
 * and the definition.  `kind` ASSAY_KIND_NONE: r->kind (when that is
 * NONE too, refused: ASSAY_EUSAGE), recorded as inferred, so that reading
 * the series when its inputs give another kind is an error
 * (assay_derive_load); a `kind` given is recorded so, and kept whatever
 * the inputs'.  `unit` NULL: r->unit.  An imported series of that name is
 * refused (ASSAY_EUSAGE). */
int assay_store_derived_put(assay_store *st, const char *name,
			    const char *expr, assay_freq freq,
			    const char *to_unit, assay_kind kind,
			    const char *unit, const assay_derive_result *r,
			    assay_error *err);

/* The definition of series `id`: 1 found, 0 not derived, -1 error. */
int assay_store_derived_get(assay_store *st, int64_t id,
			    assay_derived_def *def, assay_error *err);

/* The recorded inputs of series `id` (free with free()). */
int assay_store_derived_inputs(assay_store *st, int64_t id,
			       assay_derived_input **out, size_t *n,
			       assay_error *err);

/* Whether the stored definitions make a circle through series `name`
 * (it reads, through derived series, itself): 0 none, -1 with err
 * ASSAY_EUSAGE "circular definition: a -> b -> a" (or another error).
 * sum(PATTERN) adds imported series only, so a circle runs through
 * names.  derive checks every definition it stores, rename every name it
 * gives a derived series. */
int assay_derive_check_cycle(assay_store *st, const char *name,
			     assay_error *err);

/* For assay_store_load: when `id` is derived, evaluate it as of `as_of`
 * into *out and return 1; 0 when it is not derived; -1 on error, among
 * them (ASSAY_EUSAGE) a unit or an inferred kind stored with the
 * definition that its inputs no longer give (an input relabelled since:
 * define it again). */
int assay_derive_load(assay_store *st, int64_t id, const char *as_of,
		      assay_obs *out, assay_error *err);

/* For list and show: when s->info is a derived series (its source is
 * "derived"), fill first, last and count from its values now and return 1;
 * 0 when it is not derived; -1 on error (an input gone, err filled). */
int assay_derive_summarise(assay_store *st, assay_series_summary *s,
			   assay_error *err);

#endif
