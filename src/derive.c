/*
 * Derived series (see derive.h): the inputs an expression names, loaded
 * and resampled onto one range, and the result.  The expression parser is
 * derive_parse.c, the evaluation over the aligned inputs derive_eval.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/derive.h"
#include "assay/resample.h"
#include "assay/units.h"
#include "derive_internal.h"
#include "utf8.h"

/* ---- inputs ---- */

/* Names of the series being evaluated on this thread, outermost first,
 * for circular definitions (a derived input is evaluated through
 * assay_store_load, which comes back here). */
#define MAX_DEPTH 16
static _Thread_local const char *eval_stack[MAX_DEPTH];
static _Thread_local int eval_depth;

int derive_cerr(struct ctx *c, int col, const char *fmt, const char *a,
		       const char *b)
{
	char what[700];
	snprintf(what, sizeof what, fmt, a, b);
	return assay_fail(c->err, ASSAY_EUSAGE, "%s:%d: %s", c->expr, col, what);
}

struct input *derive_find_input(struct ctx *c, const char *name)
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
	if (derive_find_input(c, name))
		return 0;
	if (on_stack(name)) {
		char cyc[600];
		return derive_cerr(c, col, "circular definition: %s%s",
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
		return derive_cerr(c, col, "unknown series '%s'%s", name, hint);
	}
	if (!(in->name = strdup(name))) {
		assay_series_info_release(&in->info);
		return assay_fail(c->err, ASSAY_EIO, "out of memory");
	}
	c->nin++;
	return 0;
}

/* Up to three names of a (of na) not in b (of nb; both sorted) into buf:
 * "'x', 'y' and 2 more"; the count. */
static size_t missing_from(char **a, size_t na, char **b, size_t nb,
			   char *buf, size_t len)
{
	size_t j = 0, count = 0, at = 0;
	buf[0] = 0;
	for (size_t i = 0; i < na; i++) {
		while (j < nb && strcmp(b[j], a[i]) < 0)
			j++;
		if (j < nb && !strcmp(b[j], a[i]))
			continue;
		if (count < 3 && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s'%s'",
					       count ? ", " : "", a[i]);
		count++;
	}
	if (count > 3 && at < len)
		snprintf(buf + at, len - at, " and %zu more", count - 3);
	return count;
}

/* A stored definition's sum(PATTERN) adds the members recorded when it
 * was defined: a member removed or renamed, or a series that matches
 * only now, is an error naming it rather than a total that silently
 * lost or gained a part. */
static int check_members(struct ctx *c, struct node *n)
{
	char **rec;
	size_t nrec;
	if (store_derive_recorded(c->st, c->check_id, n->name, &rec, &nrec, c->err))
		return -1;
	char gone[300], added[300], what[700];
	size_t ngone = missing_from(rec, nrec, n->members, n->nmembers, gone,
				    sizeof gone);
	size_t nadded = missing_from(n->members, n->nmembers, rec, nrec, added,
				     sizeof added);
	assay_strv_free(rec, nrec);
	if (!ngone && !nadded)
		return 0;
	int at = snprintf(what, sizeof what, "sum(%s) matches other series than "
			  "when '%s' was defined:", n->name, c->self);
	if (ngone && at >= 0 && (size_t)at < sizeof what)
		at += snprintf(what + at, sizeof what - (size_t)at, " %s %s "
			       "(removed or renamed)%s", gone, ngone == 1 ? "is gone"
			       : "are gone", nadded ? ";" : "");
	if (nadded && at >= 0 && (size_t)at < sizeof what)
		snprintf(what + at, sizeof what - (size_t)at, " %s %s new", added,
			 nadded == 1 ? "is" : "are");
	return assay_fail(c->err, ASSAY_EUSAGE, "%s (to accept the series it "
			  "matches now, define it again: assay derive %s '%s'%s%s)",
			  what, c->self, c->expr, c->to_unit ? " --to-unit " : "",
			  c->to_unit ? c->to_unit : "");
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
		size_t k, used = 0;
		if (store_derive_members(c->st, n->name, &names, &k, c->err))
			return -1;
		for (size_t i = 0; i < k; i++) {
			/* the series being defined is no member of its own sum
			 * (a derived series is no member of any) */
			if (c->self && !strcmp(names[i], c->self)) {
				free(names[i]);
				continue;
			}
			names[used++] = names[i];
		}
		n->members = names;
		n->nmembers = used;
		if (!used && !c->check_id)
			return derive_cerr(c, n->col, "sum(%s) matches no imported "
					   "series%s", n->name, "");
		if (c->check_id && check_members(c, n))
			return -1;
		for (size_t i = 0; i < used; i++)
			if (add_input(c, names[i], n->col))
				return -1;
		return 0;
	}
	return collect(c, n->a) || collect(c, n->b) ? -1 : 0;
}

/* A derived series is computed from others: an expression of numbers
 * alone ('2 * 3', 'lag(5, 1)') has no periods, and no frequency to store
 * it at (SQLite's CHECK on the frequency used to be the message). */
static int needs_input(struct ctx *c)
{
	if (c->nin)
		return 0;
	return assay_fail(c->err, ASSAY_EUSAGE, "%s: the expression names no "
			  "series (a derived series is computed from others; "
			  "numbers alone have no periods)", c->expr);
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
		/* a derived input's NA periods (its divisions by zero) stay
		 * NA here (a period with other values is partial, left out) */
		for (size_t j = 0; rc == 0 && j < obs.n; j++) {
			if (isfinite(obs.value[j]))
				continue;
			if (!in->na && !(in->na = malloc(obs.n * sizeof *in->na))) {
				rc = assay_fail(c->err, ASSAY_EIO, "out of memory");
				break;
			}
			in->na[in->nna++] = assay_period_convert(in->info.freq,
								 obs.period[j], c->freq);
		}
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
		if (rc) {
			char msg[sizeof c->err->msg];
			memcpy(msg, c->err->msg, sizeof msg);
			return assay_fail(c->err, ASSAY_EUSAGE, "%s: --to-unit: %s",
					  c->expr, msg);
		}
		r->unit = strdup(to_unit);
	} else if (x->unit) {
		r->unit = unit_text(c, x->unit);
	}
	/* a number alone is averaged like a price; an unknown kind is left
	 * to the caller (derive asks for --kind) */
	r->kind = x->is_number ? ASSAY_KIND_PRICE : x->kind;
	if (!r->kind)
		snprintf(r->kind_note, sizeof r->kind_note, "%s", x->kind_why);
	r->period = malloc((c->n ? c->n : 1) * sizeof *r->period);
	r->value = malloc((c->n ? c->n : 1) * sizeof *r->value);
	r->inputs = calloc(c->nin ? c->nin : 1, sizeof *r->inputs);
	if (!r->period || !r->value || !r->inputs)
		return assay_fail(c->err, ASSAY_EIO, "out of memory");
	/* The periods divided by zero are counted again as the result keeps
	 * them: a partial one is left out with the other partial periods
	 * (counted, at --freq Q a quarter with a gap and a zero was "12
	 * periods divide by zero" in a result of 11). */
	r->n_div_zero = 0;
	for (size_t i = 0; i < c->n; i++) {
		x->v[i] = derive_finite(c, i, x->v[i] * f);
		int na = x->na[i] && !x->partial[i];
		if (!isfinite(x->v[i]) && !na)
			continue;
		if (x->partial[i]) {
			if (!r->n_partial++)
				r->first_partial = c->lo + (assay_period)i;
			continue;
		}
		if (!isfinite(x->v[i]) && !r->n_div_zero++)
			r->first_div_zero = c->lo + (assay_period)i;
		r->period[r->n] = c->lo + (assay_period)i;
		r->value[r->n++] = x->v[i];
	}
	if (c->n_overflow) {
		char p[32];
		return assay_fail(c->err, ASSAY_EUSAGE, "%s: the value for %s is beyond "
				  "the range of a number (1.8e308; %zu period%s): check "
				  "the expression and its units", c->expr,
				  assay_period_format(c->freq, c->first_overflow, p,
						      sizeof p),
				  c->n_overflow, c->n_overflow == 1 ? "" : "s");
	}
	for (size_t i = 0; i < c->nin; i++)
		r->inputs[r->ninputs++] = strdup(c->in[i].name);
	qsort(r->inputs, r->ninputs, sizeof *r->inputs, cmp_str);
	return 0;
}

static int eval_def(assay_store *st, const char *self, const char *expr,
		    assay_freq freq, const char *as_of, const char *to_unit,
		    int64_t check_id, assay_derive_result *out, assay_error *err)
{
	memset(out, 0, sizeof *out);
	if (eval_depth >= MAX_DEPTH - 1)
		return assay_fail(err, ASSAY_EUSAGE, "%s: derived series nested more "
				  "than %d deep", expr, MAX_DEPTH - 1);
	struct node *tree = derive_parse(expr, err);
	if (!tree)
		return -1;
	struct ctx c = { .st = st, .expr = expr, .as_of = as_of, .freq = freq,
			 .res = out, .err = err, .self = self,
			 .check_id = self ? check_id : 0, .to_unit = to_unit };
	if (self)
		eval_stack[eval_depth++] = self;
	struct vec x = { 0 };
	int rc = collect(&c, tree) || needs_input(&c) || load_inputs(&c) ||
		 derive_eval(&c, tree, &x) || finish(&c, &x, to_unit) ? -1 : 0;
	if (self)
		eval_depth--;
	out->freq = c.freq;
	derive_vec_free(&x);
	for (size_t i = 0; i < c.nin; i++) {
		free(c.in[i].name);
		assay_series_info_release(&c.in[i].info);
		assay_resampled_release(&c.in[i].r);
		assay_unit_free(c.in[i].unit);
		free(c.in[i].na);
	}
	free(c.in);
	derive_node_free(tree);
	if (rc) {
		char note[512];
		memcpy(note, out->note, sizeof note);
		assay_derive_result_release(out);
		memcpy(out->note, note, sizeof note);
	}
	return rc;
}

int assay_derive_eval(assay_store *st, const char *self, const char *expr,
		      assay_freq freq, const char *as_of, const char *to_unit,
		      assay_derive_result *out, assay_error *err)
{
	/* the name first: a definition under a name it cannot be stored by
	 * is no use, and its expression's errors would only hide that */
	memset(out, 0, sizeof *out);
	if (self && assay_name_check(self, err))
		return -1;
	return eval_def(st, self, expr, freq, as_of, to_unit, 0, out, err);
}

/* The unit stored with the definition against the one its inputs give
 * now: the values are computed on read, the unit was stored when it was
 * defined, and an input whose unit was relabelled since (import
 * --relabel: $/mt to $/lb) gave values in the new unit under the old
 * label, so that --to-unit converted them by the wrong factor, exit 0.
 * A result of no unit (the inputs have none: --unit named it) is not
 * checked.  `info` is the derived series' own row. */
static int check_unit(const assay_series_info *info,
		      const assay_derived_def *def,
		      const assay_derive_result *r, assay_error *err)
{
	if (!r->unit)
		return 0;
	int same = info->unit && !strcmp(info->unit, r->unit);
	if (!same && info->unit) {
		assay_unit *a = NULL, *b = NULL;
		assay_error e;
		same = assay_unit_parse(info->unit, &a, &e) == 0 &&
		       assay_unit_parse(r->unit, &b, &e) == 0 && assay_unit_same(a, b);
		assay_unit_free(a);
		assay_unit_free(b);
	}
	if (!same)
		assay_fail(err, ASSAY_EUSAGE, "derived series '%s': it is in '%s', "
			   "but its inputs give '%s' now (an input's unit was "
			   "changed since it was defined: define it again: assay "
			   "derive %s '%s'%s%s)", def->name, info->unit ? info->unit :
			   "NA", r->unit, def->name, def->expr, def->to_unit ?
			   " --to-unit " : "", def->to_unit ? def->to_unit : "");
	return same ? 0 : -1;
}

/* The kind stored with the definition against the one its inputs give
 * now, as check_unit does the unit: a kind inferred when it was defined
 * (e = p * 2 a flow, p a flow) goes stale when an input's kind is
 * relabelled (import --kind price --relabel), and e was still summed as a
 * flow, exit 0.  A kind given (derive --kind) is kept whatever the
 * inputs'.  A definition from before the store recorded which it was
 * (kind_given -1) is checked as an inferred one, and the message says
 * that it may have been given. */
static int check_kind(const assay_series_info *info,
		      const assay_derived_def *def,
		      const assay_derive_result *r, assay_error *err)
{
	if (def->kind_given == 1 || (r->kind && r->kind == info->kind))
		return 0;
	const char *was = info->kind ? assay_kind_name(info->kind) : "NA";
	char why[300], redo[1200];
	const char *now = r->kind ? "its inputs give a " : "its kind cannot be "
			  "told from its inputs now";
	/* "a price now (an input's ...)", "now (a price plus a stock; an
	 * input's ...)" */
	if (r->kind)
		snprintf(why, sizeof why, "%s now (", assay_kind_name(r->kind));
	else
		snprintf(why, sizeof why, " (%s; ", r->kind_note[0] ?
			 r->kind_note : "none");
	snprintf(redo, sizeof redo, "assay derive %s '%s'%s%s%s", def->name,
		 def->expr, def->to_unit ? " --to-unit " : "",
		 def->to_unit ? def->to_unit : "", r->kind ? "" :
		 " --kind flow|price|stock");
	if (def->kind_given == 0)
		return assay_fail(err, ASSAY_EUSAGE, "derived series '%s': it is "
				  "a %s, but %s%san input's kind was changed since "
				  "it was defined: define it again: %s)", def->name,
				  was, now, why, redo);
	return assay_fail(err, ASSAY_EUSAGE, "derived series '%s': it is a %s, "
			  "but %s%san input's kind was changed since it was "
			  "defined, or --kind %s was given, which a definition "
			  "stored before assay recorded --kind does not tell: "
			  "define it again: %s%s%s%s)", def->name, was, now, why,
			  was, redo, r->kind ? ", or with --kind " : "", r->kind ? was
			  : "", r->kind ? " to keep it" : "");
}

/* The unit and the kind of the definition against its inputs'. */
static int check_stored(assay_store *st, const assay_derived_def *def,
			const assay_derive_result *r, assay_error *err)
{
	assay_series_info info;
	int rc = assay_store_series_get(st, def->name, &info, err);
	if (rc <= 0)
		return rc;
	rc = check_unit(&info, def, r, err) || check_kind(&info, def, r, err)
	     ? -1 : 0;
	assay_series_info_release(&info);
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
	if (eval_def(st, def.name, def.expr, def.freq, as_of, def.to_unit, id,
		     &r, err)) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", err->msg);
		assay_fail(err, err->status, "derived series '%s': %s", def.name, msg);
		assay_derived_def_release(&def);
		return -1;
	}
	if (check_stored(st, &def, &r, err)) {
		assay_derive_result_release(&r);
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

/* ---- circles through stored definitions ---- */

/* The series names of tree n (not sum() patterns: they add imported
 * series only) into *v. */
static int series_names(struct node *n, char ***v, size_t *k, size_t *cap)
{
	if (!n)
		return 0;
	if (n->op == N_SERIES) {
		if (*k == *cap) {
			size_t c = *cap ? 2 * *cap : 8;
			char **g = realloc(*v, c * sizeof *g);
			if (!g)
				return -1;
			*v = g;
			*cap = c;
		}
		if (!((*v)[*k] = strdup(n->name)))
			return -1;
		(*k)++;
		return 0;
	}
	return series_names(n->a, v, k, cap) || series_names(n->b, v, k, cap) ? -1 : 0;
}

/* The names the stored definition of `name` reads: 1 and *v (*k of
 * them), 0 when `name` is no derived series, -1 on error. */
static int definition_names(assay_store *st, const char *name, char ***v,
			    size_t *k, assay_error *err)
{
	assay_series_info info;
	assay_derived_def def;
	size_t cap = 0;
	*v = NULL;
	*k = 0;
	int rc = assay_store_series_get(st, name, &info, err);
	if (rc <= 0)
		return rc;
	rc = assay_store_derived_get(st, info.id, &def, err);
	assay_series_info_release(&info);
	if (rc <= 0)
		return rc;
	assay_error perr;
	struct node *tree = derive_parse(def.expr, &perr);
	assay_derived_def_release(&def);
	if (!tree)
		return 1;       /* stored, so it parsed: nothing read */
	rc = series_names(tree, v, k, &cap);
	derive_node_free(tree);
	if (rc) {
		assay_strv_free(*v, *k);
		*v = NULL;
		*k = 0;
		return assay_fail(err, ASSAY_EIO, "out of memory");
	}
	return 1;
}

/* Does a path of definitions lead from `from` to `target`?  1 with the
 * path's names appended to buf, 0 no, -1 error.  `seen` holds the derived
 * series already walked (each is walked once). */
static int leads_to(assay_store *st, const char *from, const char *target,
		    char ***seen, size_t *nseen, size_t *capseen, char *buf,
		    size_t len, assay_error *err)
{
	char **v;
	size_t k;
	int rc = definition_names(st, from, &v, &k, err);
	if (rc <= 0)
		return rc;
	if (*nseen == *capseen) {
		size_t c = *capseen ? 2 * *capseen : 16;
		char **g = realloc(*seen, c * sizeof *g);
		if (!g) {
			assay_strv_free(v, k);
			return assay_fail(err, ASSAY_EIO, "out of memory");
		}
		*seen = g;
		*capseen = c;
	}
	if (!((*seen)[*nseen] = strdup(from))) {
		assay_strv_free(v, k);
		return assay_fail(err, ASSAY_EIO, "out of memory");
	}
	(*nseen)++;
	rc = 0;
	for (size_t i = 0; i < k && rc == 0; i++) {
		size_t at = strlen(buf);
		snprintf(buf + at, len - at, " -> %s", v[i]);
		if (!strcmp(v[i], target)) {
			rc = 1;
			break;
		}
		int walked = 0;
		for (size_t j = 0; j < *nseen && !walked; j++)
			walked = !strcmp((*seen)[j], v[i]);
		if (!walked)
			rc = leads_to(st, v[i], target, seen, nseen, capseen, buf,
				      len, err);
		if (rc == 0)
			buf[at] = 0;
	}
	assay_strv_free(v, k);
	return rc;
}

int assay_derive_check_cycle(assay_store *st, const char *name,
			     assay_error *err)
{
	char **seen = NULL, path[600];
	size_t nseen = 0, capseen = 0;
	snprintf(path, sizeof path, "%s", name);
	int rc = leads_to(st, name, name, &seen, &nseen, &capseen, path,
			  sizeof path, err);
	assay_strv_free(seen, nseen);
	if (rc > 0)
		return assay_fail(err, ASSAY_EUSAGE, "circular definition: %s", path);
	return rc;
}
