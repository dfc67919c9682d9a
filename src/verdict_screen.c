/*
 * Past shocks in the window (verdict.h rule 1a): Hampel's screen on the
 * window's changes, kept sorted across consecutive moves, and the rows it
 * sets aside.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

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

/* Is row i the next period's move of row i - 1 the other way, row i - 1
 * further than lim_a from med and row i further than lim_b?  ys: the
 * values screened (the changes, or their seasonal residuals). */
static int reverts_beyond(const struct ctx *c, const double *ys, int i,
			  double med, double lim_a, double lim_b)
{
	double a = ys[i - 1] - med, b = ys[i] - med;
	return c->idx[i] == c->idx[i - 1] - 1 && fabs(a) > lim_a &&
	       fabs(b) > lim_b && a * b < 0;
}

/* ... both beyond the screen: row i is row i - 1's reversal */
static int reverts(const struct ctx *c, const double *ys, int i, double med,
		   double lim)
{
	return reverts_beyond(c, ys, i, med, lim, lim);
}

/* Past shocks (rule 1a in verdict.h): Hampel's screen at
 * ASSAY_SET_ASIDE_SCREEN robust sigma (1.4826 MAD about the median)
 * finds the candidates; when they are one event (one move, or a move and
 * its reversal) each candidate further than `cut` sd from the mean of the
 * other rows is set aside, with the AR term also the row after it (whose
 * lag it is).  Two or more events in the W window (three or more in the
 * five years of a seasonal window) say the tails are heavy, and nothing
 * is set aside.  v: the values screened, sorted; ys: the same values in
 * row order (the changes c->ys, or their seasonal residuals).  The rows
 * are compacted in place; their ages and z go to J.  Returns the new row
 * count. */
static int set_aside_sorted(struct ctx *c, const double *v, const double *ys,
			    int m, double med, double lim, int ar, double cut,
			    int max_events, int *heavy, assay_judgement *J);

/* The median of sorted v[0..k) without its element j (k >= 2). */
static double median_without(const struct row_value *v, int k, int j)
{
	int n = k - 1, h = n / 2;
	double b = v[h + (h >= j)].v;
	return n % 2 ? b : (v[h - 1 + (h - 1 >= j)].v + b) / 2;
}

/* Screen on the seasonal residuals when the seasonal means explain at
 * least SEASONAL_SCREEN_R2 of the window's variation -- the changes
 * winsorised at SEASONAL_SCREEN_WINSOR robust sigma of their median
 * first, so that the shock the screen is for does not hide the
 * seasonality it needs.  Without seasonality R^2 is a Beta((S - 1) / 2,
 * (n - S) / 2): over 20 quarters above 0.25 one time in six, so the
 * test also spares most windows of such a series the residuals' sorting
 * (at 0.2 the benchmark's analysis took 17% more time, at 0.25 about
 * 12%, and a 4-sigma shock after a past spike in a seasonal quarterly
 * series was found 65% and 63% of the time; winsorising at 3 sigma
 * instead of 2 left more seasonal windows with a past shock under the
 * limit).  A second test, the residuals' MAD below 0.9 of the changes',
 * only lost power (0.71 -> 0.70 after a past move in a seasonal quarterly
 * series) and was dropped. */
#define SEASONAL_SCREEN_WINSOR 2.0
#define SEASONAL_SCREEN_R2 0.25
/* The residuals carry the noise of their season's median, and more of a
 * heavy tail stands out among them: at the changes' cut, Student t(2.5)
 * changes about monthly means of 3.5 sigma were called notable 6.5% of
 * the time at 5%; 0.2 sd more keeps them at 6.4% (0.4 more: 6.3%, and
 * power after a past move in a seasonal quarterly series 0.68). */
#define SEASONAL_SCREEN_CUT_MORE 0.2

/* The share of the variation of the rows c->ys[0..m), winsorised at
 * med +- lim, that their seasons' means explain (R^2 of the means). */
static double seasonal_r2(const struct ctx *c, int m, double med, double lim)
{
	int ns = c->o->seasons, cnt[MAX_SEASONS] = { 0 };
	double sum[MAX_SEASONS] = { 0 }, tot = 0, sq0 = 0, sq1 = 0, ssb = 0;
	double lo = med - lim, hi = med + lim;
	/* one pass, the sum of squares in two chains: a test, not a
	 * statistic reported, and the textbook one-pass form loses digits
	 * only where the mean is millions of times the spread */
	int i = 0;
	for (; i + 1 < m; i += 2) {
		double x = c->ys[i], y = c->ys[i + 1];
		x = x < lo ? lo : x;    /* (not fmin/fmax: calls into libm) */
		x = x > hi ? hi : x;
		y = y < lo ? lo : y;
		y = y > hi ? hi : y;
		sum[c->gs[i]] += x;
		cnt[c->gs[i]]++;
		sum[c->gs[i + 1]] += y;
		cnt[c->gs[i + 1]]++;
		tot += x + y;
		sq0 += x * x;
		sq1 += y * y;
	}
	for (; i < m; i++) {
		double x = c->ys[i];
		x = x < lo ? lo : x;
		x = x > hi ? hi : x;
		sum[c->gs[i]] += x;
		cnt[c->gs[i]]++;
		tot += x;
		sq0 += x * x;
	}
	double mean = tot / m, sst = sq0 + sq1 - tot * mean;
	for (int g = 0; g < ns; g++)
		if (cnt[g]) {
			double d = sum[g] / cnt[g] - mean;
			ssb += cnt[g] * d * d;
		}
	return sst > 0 ? ssb / sst : 0;
}

/* The seasonal residuals of the rows c->ys[0..m): d_i = y_i minus the
 * median of the other rows of its season (c->gs), into d in row order
 * and sorted into ds.  Leaving row i out of its own season's median
 * keeps a shock from hiding in it and keeps the residuals from
 * shrinking towards zero (with five rows a season, a row that is its
 * season's median would have a residual of exactly 0).  Within a
 * season the residuals rise with the rows' values (leaving out a larger
 * value never raises the median), so taken season by season in sorted
 * order they are nearly sorted already.  Returns -1 when a season has
 * fewer than two rows, else 0. */
static int seasonal_residuals(struct ctx *c, int m, double *d, double *ds)
{
	int ns = c->o->seasons, cnt[MAX_SEASONS] = { 0 }, at[MAX_SEASONS];
	for (int i = 0; i < m; i++)
		cnt[c->gs[i]]++;
	for (int g = 0; g < ns; g++)
		if (cnt[g] < 2)
			return -1;
	/* A quarterly window's season has five rows, and a median of the
	 * other four is a noisy centre: rule 1c's older rows join the
	 * medians (row -1), not the residuals.  A 4-sigma shock after a
	 * past 5-8 sigma move in a seasonal quarterly series was found 72%
	 * of the time, now 74%; after a spike 66%, now 69%.  (Monthly
	 * windows have five years already.) */
	int nh = c->span <= c->o->window ? c->nh : 0;
	for (int h = 0; h < nh; h++)
		cnt[c->hg[h]]++;
	for (int g = 0, o = 0; g < ns; o += cnt[g], g++)
		at[g] = o;
	struct row_value *buck = c->sbuck;      /* the rows by season */
	int fill[MAX_SEASONS] = { 0 };
	for (int i = 0; i < m; i++) {
		int g = c->gs[i];
		buck[at[g] + fill[g]++] = (struct row_value){ c->ys[i], i };
	}
	for (int h = 0; h < nh; h++) {
		int g = c->hg[h];
		buck[at[g] + fill[g]++] = (struct row_value){ c->hy[h], -1 };
	}
	int k = 0;
	for (int g = 0; g < ns; g++) {
		struct row_value *v = buck + at[g];
		for (int i = 1; i < cnt[g]; i++) {      /* insertion sort */
			struct row_value x = v[i];
			int j = i;
			for (; j > 0 && v[j - 1].v > x.v; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		for (int j = 0; j < cnt[g]; j++) {
			if (v[j].row < 0)
				continue;
			double r = v[j].v - median_without(v, cnt[g], j);
			d[v[j].row] = r;
			ds[k++] = r;
		}
	}
	for (int i = 1; i < m; i++) {   /* insertion sort of nearly sorted runs */
		double x = ds[i];
		int j = i;
		for (; j > 0 && ds[j - 1] > x; j--)
			ds[j] = ds[j - 1];
		ds[j] = x;
	}
	return 0;
}

/* The k-th smallest (0-based) of d[0..n), by Hoare's selection: d is
 * reordered. */
static double select_kth(double *d, int n, int k)
{
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		double a = d[lo], b = d[(lo + hi) / 2], c = d[hi];
		double pivot = a < b ? (b < c ? b : (a < c ? c : a))
				     : (a < c ? a : (b < c ? c : b));
		int i = lo, j = hi;
		while (i <= j) {
			while (d[i] < pivot)
				i++;
			while (d[j] > pivot)
				j--;
			if (i <= j) {
				double x = d[i];
				d[i++] = d[j];
				d[j--] = x;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return d[k];
	}
	return d[k];
}

static double qn_factor(int n);

double verdict_qn_sorted(const double *v, int n, double *work, int *iwork)
{
	if (n < 2 || n > VERDICT_QN_SMALL)
		return gsl_stats_Qn_from_sorted_data(v, 1, (size_t)n, work, iwork);
	double *d = work;
	int m = 0;
	for (int j = 1; j < n; j++)
		for (int i = 0; i < j; i++)
			d[m++] = v[j] - v[i];
	int h = n / 2 + 1;
	return qn_factor(n) * select_kth(d, m, h * (h - 1) / 2 - 1);
}

/* 2.21914 d_n, d_n robustbase's small-sample factor of Qn, as GSL's
 * gsl_stats_Qn_from_sorted_data computes it (its first product) */
static double qn_factor(int n)
{
	static const double small[13] = {
		1, 1, .399356, .99365, .51321, .84401, .61220, .85877, .66993,
		.87344, .72014, .88906, .75743
	};
	double dn;
	if (n <= 12) {
		dn = small[n];
	} else {
		if (n % 2 == 1)
			dn = 1.60188 + (-2.1284 - 5.172 / n) / n;
		else
			dn = 3.67561 + (1.9654 + (6.987 - 77.0 / n) / n) / n;
		dn = 1.0 / (dn / (double)n + 1.0);
	}
	return 2.21914 * dn;
}

/* Is the k-th smallest distance of sorted v[0..n), k = C(n/2 + 1, 2) (Qn
 * before its factor), at least y > 0?  Fewer than k distances are below
 * y: counted in one pass, the rows i whose distance to row j is below y
 * being the run [i, j) that moves right with j. */
static int qn0_at_least(const double *v, int n, double y)
{
	int h = n / 2 + 1;
	long k = (long)h * (h - 1) / 2, below = 0;
	for (int i = 0, j = 1; j < n; j++) {
		while (v[j] - v[i] >= y)
			i++;
		below += j - i;
	}
	return below < k;
}

/* Rule 1a on a seasonal window's residuals (see the limits above):
 * returns the new row count when it ran (whether or not it set something
 * aside), else -1: the window is then screened on its changes.  That
 * fallback is for the window without seasonality (the R^2 gate), and for
 * the one whose residuals read as heavy tails (more events than
 * max_events): a 20-sigma splice stands out from the changes, while
 * among the residuals, whose scale is smaller, a second candidate beside
 * it reads as heavy tails.  When the residuals have no candidate, or
 * none beyond the cut, the seasonal model has judged the rows, and a row
 * ordinary against its season is no past shock: the changes' screen then
 * found a seasonal swing or a heavy draw in an extreme season.  (It fell
 * back in every such window before: Student t(2.5) weak seasons 0.0648
 * -> 0.0634 false positives at 5%, t(2.5) 0.0645 -> 0.0638; a Gaussian
 * window whose chance seasonality hid a past move from its residuals
 * loses the most, 4-sigma power after a past move 0.801 -> 0.790.) */
static int set_aside_seasonal(struct ctx *c, int m, double pm, double pmad,
			      int ar, double cut, int max_events,
			      assay_judgement *J)
{
	double winsor = SEASONAL_SCREEN_WINSOR * MAD_K * pmad;
	if (!(seasonal_r2(c, m, pm, winsor) >= SEASONAL_SCREEN_R2))
		return -1;
	if (seasonal_residuals(c, m, c->sres, c->sres_sorted))
		return -1;
	const double *ds = c->sres_sorted;
	double dm = sorted_median(ds, m);
	/* A quarterly window's 20 residuals: their scale by Qn (Rousseeuw
	 * and Croux 1993, GSL's gsl_stats_Qn with robustbase's small-sample
	 * factors), whose efficiency at the normal is 82% where the MAD's
	 * is 37%.  With twenty rows the MAD's own noise decided too often
	 * whether a past 5-8 sigma move was a candidate at all: a 4-sigma
	 * shock after one in a seasonal quarterly series was found 74% of
	 * the time, with Qn 77% (Student t(2.5) weak seasons 6.43% ->
	 * 6.45%).  Monthly windows keep the MAD: their 60 residuals give it
	 * less noise, and there Qn let through more of Student t(2.5)'s
	 * extremes (6.43% -> 6.52%, outside the band). */
	double lim;
	if (c->span <= c->o->window) {
		/* Nothing beyond the screen, in most windows: known without
		 * Qn when its distances say Qn >= D / SCREEN, D the residuals'
		 * largest distance from their median (1e-9 more: the rounding
		 * of lim's products is far below it). */
		double D = fmax(dm - ds[0], ds[m - 1] - dm);
		double y = D / (ASSAY_SET_ASIDE_SCREEN * qn_factor(m)) * (1 + 1e-9);
		if (y > 0 && isfinite(y) && qn0_at_least(ds, m, y))
			return m;
		lim = ASSAY_SET_ASIDE_SCREEN *
		      verdict_qn_sorted(ds, m, c->qn_work, c->qn_iwork);
	} else {
		lim = ASSAY_SET_ASIDE_SCREEN * MAD_K * sorted_mad(ds, m, dm);
	}
	int heavy = 0;
	int k = set_aside_sorted(c, ds, c->sres, m, dm, lim, ar,
				 cut + SEASONAL_SCREEN_CUT_MORE, max_events, &heavy, J);
	return J->n_set_aside || !heavy ? k : -1;
}

int verdict_set_aside_shocks(struct ctx *c, const double *y, size_t t,
			     int m, int ar, double cut, assay_judgement *J)
{
	J->n_set_aside = 0;
	c->screen_lim = NAN;
	c->nh = 0;
	if (!(cut > 0) || m < 4)
		return m;
	sorted_rows(&c->srt, y, t, ar); /* the multiset of c->ys[0..m) */
	/* Five years of a seasonal fit may hold two shocks (a 2008 and a
	 * 2020) and still not be heavy-tailed: two events are set aside
	 * there, one in the W window (see set_aside_sorted). */
	int max_events = c->span > c->o->window ? 2 : 1;
	/* A seasonal series' changes spread over its seasonal means too:
	 * against the pooled median a 6-sigma move in a quarterly series
	 * with means of +2, -1, -2 and +1 sigma was a candidate a quarter of
	 * the time, and the next shock was found 36% of the time (one past
	 * spike: 30%).  So such windows are screened on their seasonal
	 * residuals first, and on the changes when the residuals read as
	 * heavy tails (see set_aside_seasonal). */
	const double *v = c->srt.v;
	double med = sorted_median(v, m), mad = sorted_mad(v, m, med);
	c->screen_med = med;
	c->screen_lim = ASSAY_SET_ASIDE_SCREEN * MAD_K * mad;
	int seasonal = c->o->seasons >= 2 && c->season &&
		       c->o->seasonal != ASSAY_SEASONAL_NO;
	/* rule 1c's older rows: for the F test (auto), and for a quarterly
	 * window's seasonal medians below */
	if (seasonal && (c->o->seasonal == ASSAY_SEASONAL_AUTO ||
			 c->span <= c->o->window))
		verdict_history_rows(c, y, t, ar);
	if (seasonal) {
		int k = set_aside_seasonal(c, m, med, mad, ar, cut, max_events, J);
		if (k >= 0)
			return k;
	}
	return set_aside_sorted(c, v, c->ys, m, med, ASSAY_SET_ASIDE_SCREEN * MAD_K * mad,
				ar, cut, max_events, NULL, J);
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
	const double *v = c->srt_w.v;
	double med = sorted_median(v, m);
	return set_aside_sorted(c, v, c->ys, m, med,
				ASSAY_SET_ASIDE_SCREEN * MAD_K * sorted_mad(v, m, med), ar,
				cut, 1, NULL, J);
}

/* A spike by the evidence of both its halves (rule 1a, in a W window):
 * a candidate beyond the screen (lim from med) and the row of the next
 * or the previous period, moved the other way and beyond
 * SPIKE_OTHER_HALF of the screen, are both marked BEYOND when their mean
 * distance from the other rows' mean is beyond SPIKE_PAIR_CUT sd of
 * them -- also beside a half beyond the cut on its own, whose reversal
 * had to be a candidate before (a spike's second half carries noise
 * too: kept to pairs without such a half, the power below is 0.754).
 * Each half alone had to pass the cut of a single move: a 5-sigma
 * spike's halves carry their season's median noise, and in a seasonal
 * quarterly series a 4-sigma shock after a past spike was found 69% of
 * the time (after a single past move 77%); now 77%.  A move and its
 * reversal beyond 3 sd both are rare in heavy tails too (Student t(2.5)
 * changes 6.40% -> 6.45%, with weak seasons 6.45% -> 6.48%).  Not in
 * five years of monthly rows (max_events 2): three times the pairs make
 * such a pair by chance more often, and Student t(2.5) changes about
 * monthly means reached 6.5%.  keep: as set_aside_sorted's (NULL until
 * a row is marked); returns it. */
/* set_aside_sorted's marks of the rows */
enum { SET_ASIDE = 0, KEEP = 1, BEYOND = 2 };

#define SPIKE_PAIR_CUT 3.0
#define SPIKE_OTHER_HALF 0.6
static unsigned char *mark_spike_pairs(struct ctx *c, const double *ys, int m,
				       double med, double lim, double mean,
				       double sd, unsigned char *keep)
{
	for (int i = 1; i < m; i++) {
		double lo = SPIKE_OTHER_HALF * lim;
		if (!reverts_beyond(c, ys, i, med, lim, lo) &&
		    !reverts_beyond(c, ys, i, med, lo, lim))
			continue;
		double za = fabs(ys[i - 1] - mean) / sd, zb = fabs(ys[i] - mean) / sd;
		if (!((za + zb) / 2 > SPIKE_PAIR_CUT))
			continue;
		if (!keep) {
			keep = c->keep;
			memset(keep, KEEP, (size_t)m);
		}
		keep[i - 1] = keep[i] = BEYOND;
	}
	return keep;
}

/* Rule 1a on rows c->ys[0..m) screened by the values ys (v: sorted, med
 * and mad their median and MAD): up to max_events events are past
 * shocks, more are heavy tails (then *heavy, when given, is set). */
static int set_aside_sorted(struct ctx *c, const double *v, const double *ys,
			    int m, double med, double lim, int ar, double cut,
			    int max_events, int *heavy, assay_judgement *J)
{
	if (!(lim > 0))
		return m;
	/* nothing beyond the screen (most windows): nothing to set aside */
	if (!(med - v[0] > lim) && !(v[m - 1] - med > lim))
		return m;
	int events = 0, nin = 0;
	double sum = 0, sum2 = 0;
	for (int i = 0; i < m; i++) {
		if (fabs(ys[i] - med) > lim) {
			events += !(i > 0 && reverts(c, ys, i, med, lim));
		} else {
			sum += ys[i];
			nin++;
		}
	}
	if (heavy)
		*heavy = events > max_events;
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
	 * set up at the first), marked BEYOND */
	unsigned char *keep = NULL;
	for (int i = 0; i < m; i++) {
		if (!(fabs(ys[i] - med) > lim) ||
		    !(fabs(ys[i] - mean) / sd > cut))
			continue;
		if (!keep) {
			keep = c->keep;
			memset(keep, KEEP, (size_t)m);
		}
		keep[i] = BEYOND;
	}
	if (max_events == 1)
		keep = mark_spike_pairs(c, ys, m, med, lim, mean, sd, keep);
	if (!keep)
		return m;
	/* A spike is one event: beside a move beyond the cut its reversal
	 * goes too (kept, half the spike stayed in the window as a shock:
	 * a 4-sigma shock after a past spike was found 76% of the time,
	 * now 78%; in a seasonal quarterly series 61%, now 64%). */
	for (int i = 1; i < m; i++)
		if ((keep[i - 1] == BEYOND) != (keep[i] == BEYOND) &&
		    reverts(c, ys, i, med, lim))
			keep[i - 1] = keep[i] = BEYOND;
	for (int i = 0; i < m; i++) {
		if (keep[i] != BEYOND)
			continue;
		keep[i] = SET_ASIDE;
		if (J->n_set_aside < ASSAY_SET_ASIDE_MAX) {
			J->set_aside_age[J->n_set_aside] = c->idx[i];
			J->set_aside_z[J->n_set_aside] = (ys[i] - mean) / sd;
			J->n_set_aside++;
		}
		/* the next period's row (one younger) has it as its lag */
		if (ar && i + 1 < m && c->idx[i + 1] == c->idx[i] - 1 &&
		    keep[i + 1] == KEEP)
			keep[i + 1] = SET_ASIDE;
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
