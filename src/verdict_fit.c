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

/* The least-squares fit y = a_g + beta x from the moments (the rows they
 * came from are at hand for the rare exact pass). */
void verdict_fit_finish(struct fit *f, int ar, const double *y,
		       const double *x, const int *g, int m, int skip)
{
	f->p = 0;
	for (int k = 0; k < f->ngroups; k++)
		f->p += f->ng[k] > 0;
	f->beta = 0;
	f->ar = 0;
	f->rss = f->syy;
	/* The lag is left out when it has no variation within the groups
	 * (all equal, e.g. a fixed price): Sxx <= 1e-10 sum x^2 means the
	 * slope would be rounding noise. */
	if (!ar || !(f->sxx > 1e-10 * f->sx2))
		return;
	f->ar = 1;
	f->beta = f->sxy / f->sxx;
	f->p++;
	f->rss = f->syy - f->beta * f->sxy;
	if (f->rss >= 1e-2 * f->syy)
		return;
	/* The lag explains over 99% of the variation: Syy - Sxy^2/Sxx
	 * would lose digits, so sum the squared residuals instead. */
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
