/*
 * The verdict's least squares: group means + one slope (verdict.c's design
 * notes), in closed form from centred moments.
 */
#include <math.h>
#include <string.h>

#include "verdict_internal.h"

/* Group counts and means and the pooled within-group moments of rows
 * [0, m) but `skip` (or -1); with ar == 0 the x columns are ignored. */
static void fit_moments(const double *y, const double *x, const int *g,
			int m, int skip, int ngroups, int ar, struct fit *f)
{
	double sy[MAX_SEASONS] = { 0 }, sx[MAX_SEASONS] = { 0 };
	memset(f->ng, 0, sizeof f->ng);
	f->ngroups = ngroups;
	for (int i = 0; i < m; i++) {
		if (i == skip)
			continue;
		f->ng[g[i]]++;
		sy[g[i]] += y[i];
		sx[g[i]] += x[i];       /* mx is used only with ar */
	}
	for (int k = 0; k < ngroups; k++) {
		double inv = f->ng[k] ? 1.0 / f->ng[k] : 0;
		f->my[k] = sy[k] * inv;
		f->mx[k] = sx[k] * inv;
	}
	double sxx = 0, sxy = 0, syy = 0, sx2 = 0;
	for (int i = 0; i < m; i++) {
		if (i == skip)
			continue;
		double dy = y[i] - f->my[g[i]];
		syy += dy * dy;
		if (ar) {
			double dx = x[i] - f->mx[g[i]];
			sxx += dx * dx;
			sxy += dx * dy;
			sx2 += x[i] * x[i];
		}
	}
	f->sxx = sxx;
	f->sxy = sxy;
	f->syy = syy;
	f->sx2 = sx2;
}

/* The residual sum of fit f summed over its rows (verdict_fit_finish's
 * exact pass). */
void verdict_fit_exact_rss(struct fit *f, const double *y, const double *x,
			   const int *g, int m, int skip)
{
	double rss = 0;
	for (int i = 0; i < m; i++) {
		if (i == skip)
			continue;
		double e = y[i] - f->my[g[i]] - f->beta * (x[i] - f->mx[g[i]]);
		rss += e * e;
	}
	f->rss = rss;
}

/* Fit y = a_g + beta x on rows [0, m) skipping row `skip` (or -1). */
void verdict_fit_rows(const double *y, const double *x, const int *g, int m,
		     int skip, int ngroups, int ar, struct fit *f)
{
	fit_moments(y, x, g, m, skip, ngroups, ar, f);
	verdict_fit_finish(f, ar, y, x, g, m, skip);
}
