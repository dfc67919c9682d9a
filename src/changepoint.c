/*
 * Change points in the mean: PELT (Killick, Fearnhead & Eckley 2012,
 * "Optimal detection of changepoints with a linear computational cost",
 * JASA 107:1590) on a robust standardised scale.  See changepoint.h for
 * the cost, the scale and the penalties.
 *
 * Recursion (optimal partitioning, Jackson et al. 2005), with m the
 * minimum segment length and beta the penalty:
 *     F(0) = -beta
 *     F(t) = min over tau in {0} u [m, t - m] of F(tau) + C(tau, t) + beta
 * where C(tau, t) is the cost of z[tau..t).  PELT keeps a set of
 * candidates tau and drops tau once F(tau) + C(tau, t) + K > F(t) at some
 * t: then for every T >= t + m, splitting (tau, T] at t is cheaper, so tau
 * is never the best last change again.  K bounds how much a split can
 * lower the cost: C(a,b) + C(b,c) + K <= C(a,c).  For the sum of squares
 * K = 0; the MBIC cost adds log(length) per segment, and
 * log p + log q - log(p + q) <= log((p + q)/4), so K = -log(n/4) there.
 * Ties go to the smallest tau, in PELT and in the unpruned recursion
 * alike, so the two return the same segmentation (the unit tests check).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "assay/changepoint.h"
#include "assay/volatility.h"
#include "c_locale.h"

void assay_cpt_opts_init(assay_cpt_opts *o)
{
	memset(o, 0, sizeof *o);
	o->penalty = ASSAY_PEN_MBIC;
	o->min_seg = 2;
}

/* Read in the C locale: "2,5" is not a number here even where the
 * caller's locale writes decimals with a comma (and strcasecmp folds case
 * as ASCII does). */
static int penalty_parse_c(const char *s, assay_cpt_opts *o)
{
	if (!strcasecmp(s, "mbic")) {
		o->penalty = ASSAY_PEN_MBIC;
		return 0;
	}
	if (!strcasecmp(s, "bic")) {
		o->penalty = ASSAY_PEN_BIC;
		return 0;
	}
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < 0)
		return -1;
	o->penalty = ASSAY_PEN_MANUAL;
	o->pen_value = v;
	return 0;
}

int assay_penalty_parse(const char *s, assay_cpt_opts *o)
{
	locale_t saved = assay_c_locale_enter();
	int rc = penalty_parse_c(s, o);
	assay_c_locale_leave(saved);
	return rc;
}

const char *assay_penalty_name(assay_penalty p)
{
	switch (p) {
	case ASSAY_PEN_MBIC: return "mbic";
	case ASSAY_PEN_BIC: return "bic";
	case ASSAY_PEN_MANUAL: return "manual";
	}
	return "";
}

void assay_cpts_release(assay_cpts *c)
{
	if (!c)
		return;
	free(c->seg_start);
	free(c->seg_len);
	free(c->seg_mean);
	memset(c, 0, sizeof *c);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of a[0..n), sorting a in place. */
static double median_inplace(double *a, size_t n)
{
	qsort(a, n, sizeof *a, cmp_double);
	return n % 2 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/* The robust noise scale of x (see changepoint.h): Qn of the first
 * differences / sqrt(2); else their sd / sqrt(2); else constant.  The
 * statistics are volatility.c's, the ones every noise scale uses (the
 * differences are finite: assay_pelt refuses values past 1e300). */
static int robust_scale(const double *x, size_t n, double *scale,
			assay_scale_source *src)
{
	*src = ASSAY_SCALE_CONSTANT;
	*scale = NAN;
	if (n < 3)              /* Qn needs two differences */
		return 0;
	size_t m = n - 1;
	double *d = malloc(m * sizeof *d);
	double *work = malloc(4 * m * sizeof *work);
	int *iwork = malloc(5 * m * sizeof *iwork);
	if (!d || !work || !iwork) {
		free(d);
		free(work);
		free(iwork);
		return -1;
	}
	for (size_t i = 0; i < m; i++)
		d[i] = x[i + 1] - x[i];
	double sd = assay_vol_sd(d, m);
	double qn = assay_vol_qn(d, m, work, iwork);
	free(d);
	free(work);
	free(iwork);
	if (qn > 0) {
		*scale = qn / M_SQRT2;
		*src = ASSAY_SCALE_QN;
	} else if (sd > 0) {
		*scale = sd / M_SQRT2;
		*src = ASSAY_SCALE_SD;
	}
	return 0;
}

static inline double seg_cost(const double *s1, const double *s2, size_t a,
			      size_t b, const double *logs)
{
	double len = (double)(b - a);
	double s = s1[b] - s1[a];
	double c = (s2[b] - s2[a]) - s * s / len;
	return logs ? c + logs[b - a] : c;
}

/* Every observation finite and small enough that differences do not
 * overflow. */
static int check_input(const double *x, size_t n, assay_error *err)
{
	if (n == 0)
		return assay_fail(err, ASSAY_ECANNOT,
				  "no observations to look for change points");
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return assay_fail(err, ASSAY_EUSAGE,
					  "observation %zu is not a finite "
					  "number", i + 1);
		if (fabs(x[i]) > 1e300)     /* differences must not overflow */
			return assay_fail(err, ASSAY_EUSAGE,
					  "observation %zu is too large: %g",
					  i + 1, x[i]);
	}
	return 0;
}

/* The working arrays of one run (n + 1 each; logs only for MBIC). */
struct pelt_work {
	double *s1, *s2, *F, *tmp, *logs;
	size_t *last, *cand, *kill;
};

/* The PELT recursion on x standardised by out->center and out->scale,
 * segments at least m long: F[t], the best penalised cost of x[0..t),
 * and last[t], where its last segment starts.  (One function: the inner
 * loop over the candidates is the hot path, O(n) to O(n^2).) */
static void pelt_recursion(const double *x, size_t n, size_t m, double beta,
			   int mbic, int no_prune, struct pelt_work *w,
			   assay_cpts *out)
{
	double *s1 = w->s1, *s2 = w->s2, *F = w->F, *tmp = w->tmp;
	size_t *last = w->last, *cand = w->cand, *kill = w->kill;
	s1[0] = s2[0] = 0;
	for (size_t i = 0; i < n; i++) {
		double z = (x[i] - out->center) / out->scale;
		s1[i + 1] = s1[i] + z;
		s2[i + 1] = s2[i] + z * z;
	}
	double K = mbic && n > 4 ? -log((double)n / 4) : 0;
	size_t nc = 0;
	F[0] = -beta;
	cand[nc] = 0;
	kill[nc++] = SIZE_MAX;
	for (size_t t = m; t <= n; t++) {
		/* t - m becomes a candidate once a segment of m fits
		 * before it and after it. */
		if (t >= 2 * m) {
			cand[nc] = t - m;
			kill[nc++] = SIZE_MAX;
		}
		double best = INFINITY;
		size_t arg = 0;
		for (size_t c = 0; c < nc; c++) {
			size_t tau = cand[c];
			double v = F[tau] + seg_cost(s1, s2, tau, t, w->logs)
				   + beta;
			tmp[c] = v;
			if (v < best) {
				best = v;
				arg = tau;
			}
		}
		F[t] = best;
		last[t] = arg;
		if (no_prune)
			continue;
		/* Prune: beaten now means beaten for all T >= t + m.
		 * The tolerance keeps rounding from pruning a tau that
		 * the unpruned recursion would pick in a near-tie. */
		double tol = 1e-9 * (fabs(best) + 1);
		size_t k = 0;
		for (size_t c = 0; c < nc; c++) {
			if (kill[c] == SIZE_MAX &&
			    tmp[c] - beta + K > best + tol)
				kill[c] = t + m;
			if (kill[c] > t + 1) {
				cand[k] = cand[c];
				kill[k++] = kill[c];
			}
		}
		nc = k;
	}
	out->cost = F[n];
}

/* Back-track the segment starts from last[], and each segment's mean
 * level; -1 when out of memory. */
static int back_track(const double *x, size_t n, const size_t *last,
		      assay_cpts *out)
{
	size_t nseg = 1;
	for (size_t t = n; last[t] > 0; t = last[t])
		nseg++;
	out->nseg = nseg;
	out->seg_start = malloc(nseg * sizeof *out->seg_start);
	out->seg_len = malloc(nseg * sizeof *out->seg_len);
	out->seg_mean = malloc(nseg * sizeof *out->seg_mean);
	if (!out->seg_start || !out->seg_len || !out->seg_mean)
		return -1;
	size_t j = nseg, end = n, t = n;
	do {
		j--;
		out->seg_start[j] = last[t];
		out->seg_len[j] = end - last[t];
		end = t = last[t];
	} while (t > 0);
	for (j = 0; j < nseg; j++) {
		double s = 0;
		for (size_t i = out->seg_start[j];
		     i < out->seg_start[j] + out->seg_len[j]; i++)
			s += x[i];
		out->seg_mean[j] = s / (double)out->seg_len[j];
	}
	return 0;
}

int assay_pelt(const double *x, size_t n, const assay_cpt_opts *o,
	       assay_cpts *out, assay_error *err)
{
	struct pelt_work w = { 0 };
	double *a = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	out->scale = out->center = out->penalty = out->cost = NAN;
	if (check_input(x, n, err))
		return -1;
	size_t m = o->min_seg ? o->min_seg : 1;
	int mbic = o->penalty == ASSAY_PEN_MBIC;
	double logn = log((double)n);
	double beta = o->penalty == ASSAY_PEN_MBIC ? 3 * logn :
		      o->penalty == ASSAY_PEN_BIC ? 2 * logn : o->pen_value;
	if (!(beta >= 0) || !isfinite(beta))
		return assay_fail(err, ASSAY_EUSAGE, "bad penalty %g", beta);
	out->n = n;
	out->penalty = beta;

	a = malloc(n * sizeof *a);
	w.s1 = malloc((n + 1) * sizeof *w.s1);
	w.s2 = malloc((n + 1) * sizeof *w.s2);
	w.F = malloc((n + 1) * sizeof *w.F);
	w.tmp = malloc((n + 1) * sizeof *w.tmp);
	w.last = malloc((n + 1) * sizeof *w.last);
	w.cand = malloc((n + 1) * sizeof *w.cand);
	w.kill = malloc((n + 1) * sizeof *w.kill);
	if (mbic)
		w.logs = malloc((n + 1) * sizeof *w.logs);
	if (!a || !w.s1 || !w.s2 || !w.F || !w.tmp || !w.last || !w.cand ||
	    !w.kill || (mbic && !w.logs))
		goto nomem;
	if (mbic) {
		/* log(length) of MBIC, looked up: PELT evaluates it O(n^2)
		 * times on a series without change. */
		w.logs[0] = -INFINITY;
		for (size_t i = 1; i <= n; i++)
			w.logs[i] = log((double)i);
	}

	memcpy(a, x, n * sizeof *a);
	out->center = median_inplace(a, n);
	if (robust_scale(x, n, &out->scale, &out->scale_source))
		goto nomem;

	if (out->scale_source == ASSAY_SCALE_CONSTANT || n < 2 * m) {
		/* Nothing can change: one segment. */
		w.last[n] = 0;
		out->cost = 0;
	} else {
		pelt_recursion(x, n, m, beta, mbic, o->no_prune, &w, out);
	}
	if (back_track(x, n, w.last, out))
		goto nomem;
	rc = 0;
	goto out;
nomem:
	assay_cpts_release(out);
	assay_fail(err, ASSAY_EIO, "out of memory");
out:
	free(a);
	free(w.s1);
	free(w.s2);
	free(w.F);
	free(w.tmp);
	free(w.last);
	free(w.cand);
	free(w.kill);
	free(w.logs);
	return rc;
}
