/*
 * Benjamini-Hochberg (1995) adjusted p-values.  Sort the m finite
 * p-values, q_(i) = min_{j >= i} (m / j) p_(j), capped at 1, and put each
 * back at its series' place (statsmodels multipletests 'fdr_bh').
 */
#include <math.h>
#include <stdlib.h>

#include "assay/fdr.h"

struct ranked {
	double p;
	size_t at;              /* index in the caller's array */
};

static int by_p(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

int assay_fdr_bh(const double *p, double *q, size_t n)
{
	struct ranked *r = malloc((n ? n : 1) * sizeof *r);
	size_t m = 0;
	if (!r)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (isfinite(p[i]))
			r[m++] = (struct ranked){ p[i], i };
	for (size_t i = 0; i < n; i++)
		if (!isfinite(p[i]))
			q[i] = NAN;
	qsort(r, m, sizeof *r, by_p);
	/* Walk from the largest p down, carrying the running minimum. */
	double running = 1.0;
	for (size_t k = m; k-- > 0;) {
		double v = (double)m / (double)(k + 1) * r[k].p;
		if (v < running)
			running = v;
		q[r[k].at] = running;
	}
	free(r);
	return 0;
}
