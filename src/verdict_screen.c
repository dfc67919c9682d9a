/*
 * Past shocks in the window (verdict.h rule 1a): Hampel's screen on the
 * window's changes, kept sorted across consecutive moves, and the rows it
 * sets aside.
 */
#include <math.h>
#include <string.h>

#include "verdict_internal.h"

/* Is y[i] a model row of a move (finite, with a finite lag under AR)? */
static int is_row(const double *y, size_t i, int ar)
{
	return isfinite(y[i]) && (!ar || (i > 0 && isfinite(y[i - 1])));
}

static void sorted_insert(double *v, int *n, double x)
{
	int lo = 0, hi = *n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(v + lo + 1, v + lo, (size_t)(*n - lo) * sizeof *v);
	v[lo] = x;
	(*n)++;
}

static void sorted_delete(double *v, int *n, double x)
{
	int lo = 0, hi = *n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* x is there: it was inserted when its row entered */
	memmove(v + lo, v + lo + 1, (size_t)(*n - lo - 1) * sizeof *v);
	(*n)--;
}

/* sorted_delete(x_out) then sorted_insert(x_in) in one pass: the values
 * between the two places move by one.  The same array: x_out's first
 * copy goes, x_in lands after every value <= x_in. */
static void sorted_replace(double *v, int n, double x_out, double x_in)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (v[mid] < x_out)
			lo = mid + 1;
		else
			hi = mid;
	}
	int j = lo;
	if (x_in >= x_out) {
		for (; j + 1 < n && v[j + 1] <= x_in; j++)
			v[j] = v[j + 1];
	} else {
		for (; j > 0 && v[j - 1] > x_in; j--)
			v[j] = v[j - 1];
	}
	v[j] = x_in;
}

/* The rows of move t (y[i], i in [t - span, t), is_row) sorted into s:
 * updated from move t - 1's when that was the last one sorted on the same
 * basis, else sorted afresh (by insertion: the windows are small, and
 * qsort's calls through a pointer cost more). */
static void sorted_rows(struct sorted_rows *s, const double *y, size_t t, int ar)
{
	size_t span = s->span;
	if (s->y == y && s->ar == ar && t >= 1 && s->t == t - 1) {
		int out = t - 1 >= span && is_row(y, t - 1 - span, ar);
		int in = is_row(y, t - 1, ar);
		if (out && in)          /* a full window moving on */
			sorted_replace(s->v, s->n, y[t - 1 - span], y[t - 1]);
		else if (out)
			sorted_delete(s->v, &s->n, y[t - 1 - span]);
		else if (in)
			sorted_insert(s->v, &s->n, y[t - 1]);
	} else {
		s->n = 0;
		for (size_t i = t > span ? t - span : 0; i < t; i++)
			if (is_row(y, i, ar))
				sorted_insert(s->v, &s->n, y[i]);
	}
	s->y = y;
	s->ar = ar;
	s->t = t;
}

/* The median of sorted v[0..n) (n >= 1). */
static double sorted_median(const double *v, int n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The median of |v_i - med| for sorted v[0..n), med its median.  The
 * distances below the median, L_i = med - v[a - 1 - i], rise leftwards
 * from the middle and those above, R_j = v[a + j] - med, rise rightwards:
 * two sorted runs, so the K = n/2 + 1 smallest distances are L_0..L_i-1
 * and R_0..R_K-i-1 for the smallest i with L_i >= R_K-1-i, found by
 * bisection (what merging the runs up to the middle found in n/2 steps).
 * The median is the largest of those K, or the mean of the two largest
 * for even n.  (fabs(v - med) and med - v are the same double: IEEE
 * subtraction rounds symmetrically.) */
static double sorted_mad(const double *v, int n, double med)
{
	int a = (n + 1) / 2;            /* v[0..a) <= med <= v[a..n) */
	int K = n / 2 + 1, lo = K - (n - a) > 0 ? K - (n - a) : 0;
	int hi = K < a ? K : a;
	/* no branch on the comparison: a coin toss for the predictor */
	while (lo < hi) {
		int i = (lo + hi) / 2;
		int ge = med - v[a - 1 - i] >= v[a + K - 1 - i] - med;
		hi = ge ? i : hi;
		lo = ge ? lo : i + 1;
	}
	int i = lo, j = K - lo;
	double l1 = i > 0 ? med - v[a - i] : -INFINITY;         /* L_i-1 */
	double r1 = j > 0 ? v[a + j - 1] - med : -INFINITY;     /* R_j-1 */
	double d = l1 >= r1 ? l1 : r1, d1 = d;
	if (n % 2 == 0) {               /* the second largest of the K */
		if (l1 >= r1) {
			double l2 = i > 1 ? med - v[a - i + 1] : -INFINITY;
			d1 = l2 >= r1 ? l2 : r1;
		} else {
			double r2 = j > 1 ? v[a + j - 2] - med : -INFINITY;
			d1 = l1 >= r2 ? l1 : r2;
		}
	}
	return (d1 + d) / 2;
}

#define MAD_K 1.482602218505602         /* 1 / Phi^-1(3/4) */

/* Is row i beyond the screen, and is it the reversal of row i - 1 (the
 * next period, beyond the screen too, the other way)? */
static int reverts(const struct ctx *c, int i, double med, double lim)
{
	double a = c->ys[i - 1] - med, b = c->ys[i] - med;
	return c->idx[i] == c->idx[i - 1] - 1 && fabs(a) > lim &&
	       fabs(b) > lim && a * b < 0;
}

/* Past shocks (rule 1a in verdict.h): Hampel's screen at
 * ASSAY_SET_ASIDE_SCREEN robust sigma (1.4826 MAD about the median)
 * finds the candidates; when they are one event (one move, or a move and
 * its reversal) each candidate further than `cut` sd from the mean of the
 * other rows is set aside, with the AR term also the row after it (whose
 * lag it is).  Two or more events in the W window (three or more in the
 * five years of a seasonal window) say the tails are heavy, and nothing
 * is set aside.  The rows are compacted in place; their ages and z go to
 * J.  Returns the new row count. */
static int set_aside_sorted(struct ctx *c, const double *v, int m, int ar,
			    double cut, int max_events, assay_judgement *J);

int verdict_set_aside_shocks(struct ctx *c, const double *y, size_t t,
			     int m, int ar, double cut, assay_judgement *J)
{
	J->n_set_aside = 0;
	if (!(cut > 0) || m < 4)
		return m;
	sorted_rows(&c->srt, y, t, ar); /* the multiset of c->ys[0..m) */
	/* Five years of a seasonal fit may hold two shocks (a 2008 and a
	 * 2020) and still not be heavy-tailed: two events are set aside
	 * there, one in the W window (see set_aside_sorted). */
	return set_aside_sorted(c, c->srt.v, m, ar, cut,
				c->span > c->o->window ? 2 : 1, J);
}

/* The same for the W window's rows when the span is longer (a monthly
 * series, whose seasonal test looks five years back). */
int verdict_set_aside_shocks_w(struct ctx *c, const double *y, size_t t,
			       int m, int ar, double cut, assay_judgement *J)
{
	J->n_set_aside = 0;
	if (!(cut > 0) || m < 4)
		return m;
	sorted_rows(&c->srt_w, y, t, ar);
	return set_aside_sorted(c, c->srt_w.v, m, ar, cut, 1, J);
}

/* Rule 1a on rows c->ys[0..m) whose values v holds sorted: up to
 * max_events events are past shocks, more are heavy tails. */
static int set_aside_sorted(struct ctx *c, const double *v, int m, int ar,
			    double cut, int max_events, assay_judgement *J)
{
	double med = sorted_median(v, m);
	double lim = ASSAY_SET_ASIDE_SCREEN * MAD_K * sorted_mad(v, m, med);
	if (!(lim > 0))
		return m;
	/* nothing beyond the screen (most windows): nothing to set aside */
	if (!(med - v[0] > lim) && !(v[m - 1] - med > lim))
		return m;
	const double *ys = c->ys;
	int events = 0, nin = 0;
	double sum = 0, sum2 = 0;
	for (int i = 0; i < m; i++) {
		if (fabs(ys[i] - med) > lim) {
			events += !(i > 0 && reverts(c, i, med, lim));
		} else {
			sum += ys[i];
			nin++;
		}
	}
	if (events < 1 || events > max_events)
		return m;
	double mean = sum / nin;
	for (int i = 0; i < m; i++)
		if (!(fabs(ys[i] - med) > lim))
			sum2 += (ys[i] - mean) * (ys[i] - mean);
	double sd = sqrt(sum2 / (nin - 1));
	if (!(sd > 0))
		return m;
	/* the candidates beyond `cut` sd (in most windows none: keep is
	 * set up at the first) */
	unsigned char *keep = NULL;
	for (int i = 0; i < m; i++) {
		if (!(fabs(ys[i] - med) > lim))
			continue;
		double z = (ys[i] - mean) / sd;
		if (!(fabs(z) > cut))
			continue;
		if (!keep) {
			keep = c->keep;
			memset(keep, 1, (size_t)m);
		}
		keep[i] = 0;
		if (J->n_set_aside < ASSAY_SET_ASIDE_MAX) {
			J->set_aside_age[J->n_set_aside] = c->idx[i];
			J->set_aside_z[J->n_set_aside] = z;
			J->n_set_aside++;
		}
		/* the next period's row (one younger) has it as its lag */
		if (ar && i + 1 < m && c->idx[i + 1] == c->idx[i] - 1)
			keep[i + 1] = 0;
	}
	if (!J->n_set_aside)
		return m;
	int k = 0;
	for (int i = 0; i < m; i++) {
		if (!keep[i])
			continue;
		c->ys[k] = c->ys[i];
		c->xs[k] = c->xs[i];
		c->gs[k] = c->gs[i];
		c->idx[k] = c->idx[i];
		k++;
	}
	return k;
}
