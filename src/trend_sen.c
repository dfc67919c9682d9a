/*
 * Sen's slope and Gilbert's confidence interval (see trend.c for the
 * method): order statistics of the pairwise slopes, selected exactly
 * without materialising the n(n-1)/2 slopes when n is large.
 *
 * (One file of about 800 lines: the seam it has -- the hash histogram of
 * slopes, hist_* -- is on the hot path of sen_enumerate, whose inner
 * loop calls the inline hist_add for every pair in a bracket; in a file
 * of its own it would be a call per pair, the build having no link-time
 * optimisation.  The rest is the selection, which needs both.)
 */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>
#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assay/trend.h"
#include "trend_internal.h"

/* ---------------------------------------------------------------- */
/* Sen's slope: selection of order statistics of pairwise slopes    */

/* The data of one selection: groups of points (one group, or one per
 * season), each in time order, and the work arrays. */
struct sen_data {
	size_t n;               /* points in all groups */
	size_t ng;              /* number of groups */
	size_t *gofs;           /* group g is [gofs[g], gofs[g+1]) */
	int64_t *t;             /* ordinals, grouped */
	double *x;              /* values, grouped */
	double *tc;             /* t - t_mid as double: exact */
	double *xc;             /* x - midrange: only for classification */
	double mx, mt;          /* max |xc|, max |tc| */
	int64_t npairs;         /* within-group pairs */
	int zero_exact;         /* the sign of every slope is the sign of
	                         * x_j - x_i (no nonzero difference can
	                         * underflow to a zero slope) */
	int64_t neg, nonpos;    /* slopes < 0 and <= 0, counted exactly */
	double *y, *y2, *buf;   /* work: n doubles each */
	size_t cap;             /* enumerate when a bracket holds <= cap */
};

/* The slope of a pair, with the one expression both paths use. */
static inline double pair_slope(const struct sen_data *sd, size_t i,
				size_t j)
{
	return (sd->x[j] - sd->x[i]) / (double)(sd->t[j] - sd->t[i]);
}

/* The classification margin at slope q.  With u = 2^-53, mx = max |xc|
 * and mt = max |tc|: y_i = fl(xc_i - fl(q tc_i)) is within
 * u (mx + 2 |q| mt) of xc_i - q tc_i, and xc_j - xc_i within 2 u mx of
 * x_j - x_i, so the comparison of y_j and y_i can only misclassify a pair
 * whose exact slope s is within 4 u (mx + |q| mt) of q (time steps are
 * >= 1); its computed slope d = fl(fl(x_j - x_i) / dt) is within 2 u |s|
 * of s.  So every misplaced pair has |d - q| <= 4 u (mx + |q| (mt + 1))
 * (to first order).  The margin is 64 times that: rounding cannot reach
 * past half of it (sen_try), and it is still far below the spacing of
 * slopes in real data (2.8e-14 relative). */
static double sen_delta(const struct sen_data *sd, double q)
{
	return 128 * DBL_EPSILON * (sd->mx + fabs(q) * (sd->mt + 1)) +
	       4 * DBL_MIN;
}

static void sen_fill_y(const struct sen_data *sd, double q, double *y)
{
	for (size_t i = 0; i < sd->n; i++)
		y[i] = sd->xc[i] - q * sd->tc[i];
}

/* Pairs i < j within groups with y_j <= y_i, i.e. classified "slope <= q"
 * for the y of sen_fill_y(q).  y is left untouched. */
static int64_t sen_count_y(struct sen_data *sd, const double *y)
{
	int64_t c = 0;
	memcpy(sd->y2, y, sd->n * sizeof *y);
	for (size_t g = 0; g < sd->ng; g++) {
		size_t a = sd->gofs[g], m = sd->gofs[g + 1] - a;
		c += assay_trend_inversions(sd->y2 + a, sd->buf, m, 0);
	}
	return c;
}

static int64_t sen_count(struct sen_data *sd, double q)
{
	sen_fill_y(sd, q, sd->y);
	return sen_count_y(sd, sd->y);
}

/* A multiset of doubles kept as sorted (value, count) runs: the slopes
 * found in a bracket.  Values arrive in a buffer that is sorted and
 * merged into the runs whenever it fills, so that a bracket holding
 * millions of equal slopes (tied values give many zero slopes) costs
 * little memory. */
struct vc {
	double v;               /* a slope */
	int64_t c;              /* how many times */
};

/* The multiset of the slopes found in a bracket: a hash table from value
 * to count (open addressing, linear probing), sorted once at the end.
 * Memory grows with the number of distinct values, not of slopes: ties
 * make many equal slopes (zero for tied x, or one value repeated along a
 * straight stretch), and a series that is linear to the last bit puts
 * 10^8 slopes on a few thousand neighbouring doubles. */
struct hist {
	uint64_t *key;          /* bit patterns of the values; EMPTY: free */
	int64_t *cnt;           /* their counts */
	size_t cap;             /* slots, a power of two: 2^bits */
	int bits;
	size_t used;            /* distinct values */
	size_t last;            /* slot of the value added last: runs of
	                         * equal slopes skip the hashing */
	int64_t total;          /* values added */
	struct vc *sorted;      /* after hist_flush: (value, count) sorted */
	size_t nsorted;
	int oom;                /* an allocation failed */
};

#define HIST_EMPTY 0x7ff8000000000001ull    /* a NaN: never a slope */

static uint64_t dbl_bits(double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	return u;
}

static int hist_alloc(struct hist *h, size_t cap)
{
	h->key = malloc(cap * sizeof *h->key);
	h->cnt = malloc(cap * sizeof *h->cnt);
	if (!h->key || !h->cnt) {
		free(h->key);
		free(h->cnt);
		h->key = NULL;
		h->cnt = NULL;
		h->oom = 1;
		return -1;
	}
	for (size_t i = 0; i < cap; i++)
		h->key[i] = HIST_EMPTY;
	h->cap = cap;
	for (h->bits = 0; ((size_t)1 << h->bits) < cap; h->bits++)
		;
	h->used = 0;
	return 0;
}

static void hist_init(struct hist *h, size_t cap)
{
	memset(h, 0, sizeof *h);
	size_t c = 1024;
	while (c < cap)
		c *= 2;
	hist_alloc(h, c);
}

static void hist_release(struct hist *h)
{
	free(h->key);
	free(h->cnt);
	free(h->sorted);
	memset(h, 0, sizeof *h);
}

static void hist_reset(struct hist *h)
{
	for (size_t i = 0; i < h->cap; i++)
		h->key[i] = HIST_EMPTY;
	h->used = 0;
	h->last = 0;
	h->total = 0;
	free(h->sorted);
	h->sorted = NULL;
	h->nsorted = 0;
}

static inline size_t hist_slot(const struct hist *h, uint64_t k)
{
	/* Fibonacci hashing: the top bits of the product. */
	return (size_t)((k * 0x9E3779B97F4A7C15ull) >> (64 - h->bits));
}

static void hist_put(struct hist *h, uint64_t k, int64_t c)
{
	size_t i = hist_slot(h, k);
	while (h->key[i] != HIST_EMPTY && h->key[i] != k)
		i = (i + 1) & (h->cap - 1);
	if (h->key[i] == HIST_EMPTY) {
		h->key[i] = k;
		h->cnt[i] = 0;
		h->used++;
	}
	h->cnt[i] += c;
	h->last = i;
}

static void hist_grow(struct hist *h)
{
	uint64_t *key = h->key;
	int64_t *cnt = h->cnt;
	size_t cap = h->cap;
	int bits = h->bits;
	if (hist_alloc(h, 2 * cap)) {
		h->key = key;           /* keep the old table for release */
		h->cnt = cnt;
		h->cap = cap;
		h->bits = bits;
		return;
	}
	for (size_t i = 0; i < cap; i++)
		if (key[i] != HIST_EMPTY)
			hist_put(h, key[i], cnt[i]);
	free(key);
	free(cnt);
	h->last = 0;
}

static inline void hist_add(struct hist *h, double v)
{
	if (h->oom)
		return;
	h->total++;
	uint64_t k = dbl_bits(v + 0.0);         /* -0 and +0 together */
	if (h->key[h->last] == k) {
		h->cnt[h->last]++;
		return;
	}
	hist_put(h, k, 1);
	if (2 * h->used > h->cap)
		hist_grow(h);
}

static int cmp_vc(const void *a, const void *b)
{
	double x = ((const struct vc *)a)->v, y = ((const struct vc *)b)->v;
	return (x > y) - (x < y);
}

/* Sort the distinct values (before hist_select). */
static void hist_flush(struct hist *h)
{
	if (h->oom)
		return;
	free(h->sorted);
	h->sorted = malloc((h->used ? h->used : 1) * sizeof *h->sorted);
	if (!h->sorted) {
		h->oom = 1;
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < h->cap; i++)
		if (h->key[i] != HIST_EMPTY) {
			memcpy(&h->sorted[k].v, &h->key[i], sizeof(double));
			h->sorted[k++].c = h->cnt[i];
		}
	qsort(h->sorted, k, sizeof *h->sorted, cmp_vc);
	h->nsorted = k;
}

/* The r-th smallest (1-based) value added; call hist_flush first. */
static double hist_select(const struct hist *h, int64_t r)
{
	int64_t c = 0;
	for (size_t i = 0; i < h->nsorted; i++) {
		c += h->sorted[i].c;
		if (c >= r)
			return h->sorted[i].v;
	}
	return NAN;
}

/* One point of a group for the enumeration: its keys at L and H. */
struct enum_pt {
	double kl, kh;          /* y at L and at H */
	size_t i;               /* index into sd arrays */
};

static int cmp_enum_pt(const void *a, const void *b)
{
	const struct enum_pt *p = a, *q = b;
	if (p->kl != q->kl)
		return p->kl < q->kl ? -1 : 1;
	if (p->kh != q->kh)
		return p->kh < q->kh ? -1 : 1;
	return (p->i > q->i) - (p->i < q->i);
}

/* Add to h the slope of every pair that is not classified "<= L" by yl
 * but is classified "<= H" by yh: the pairs whose order differs between
 * y(L) and y(H).  Sort the points of a group by y(L), then merge-sort them
 * by y(H): each element of the right half that overtakes elements of the
 * left half forms such a pair with each of them.  O(m log m + pairs). */
static int sen_enumerate(struct sen_data *sd, const double *yl,
			 const double *yh, struct hist *h)
{
	size_t maxm = 0;
	for (size_t g = 0; g < sd->ng; g++)
		if (sd->gofs[g + 1] - sd->gofs[g] > maxm)
			maxm = sd->gofs[g + 1] - sd->gofs[g];
	struct enum_pt *p = malloc(maxm * sizeof *p);
	struct enum_pt *q = malloc(maxm * sizeof *q);
	if (!p || !q) {
		free(p);
		free(q);
		return -1;
	}
	for (size_t g = 0; g < sd->ng && !h->oom; g++) {
		size_t a = sd->gofs[g], m = sd->gofs[g + 1] - a;
		for (size_t k = 0; k < m; k++) {
			p[k].kl = yl[a + k];
			p[k].kh = yh[a + k];
			p[k].i = a + k;
		}
		qsort(p, m, sizeof *p, cmp_enum_pt);
		struct enum_pt *src = p, *dst = q;
		for (size_t w = 1; w < m; w *= 2) {
			for (size_t lo = 0; lo < m; lo += 2 * w) {
				size_t mid = lo + w < m ? lo + w : m;
				size_t hi = lo + 2 * w < m ? lo + 2 * w : m;
				size_t i = lo, j = mid, k = lo;
				while (i < mid && j < hi) {
					if (src[i].kh < src[j].kh) {
						dst[k++] = src[i++];
						continue;
					}
					/* src[i..mid) come before src[j] by
					 * y(L) and not before it by y(H). */
					const struct enum_pt *r = &src[j];
					for (size_t l = i; l < mid; l++) {
						const struct enum_pt *e = &src[l];
						/* Keep the pair only if it is a
						 * time-ordered pair above L: e
						 * earlier with y(L) strictly
						 * lower.  (Anything else is a
						 * pair counted below L.) */
						if (sd->t[e->i] < sd->t[r->i] &&
						    e->kl < r->kl)
							hist_add(h, pair_slope(sd, e->i, r->i));
					}
					dst[k++] = src[j++];
				}
				while (i < mid)
					dst[k++] = src[i++];
				while (j < hi)
					dst[k++] = src[j++];
			}
			struct enum_pt *tmp = src;
			src = dst;
			dst = tmp;
		}
	}
	free(p);
	free(q);
	hist_flush(h);
	return h->oom ? -1 : 0;
}

/* The exact fallback without materialising: every pair once, counting the
 * slopes below L and collecting those in [L, H].  O(n^2) time. */
static int sen_brute(struct sen_data *sd, double L, double H, int64_t *below,
		     struct hist *h)
{
	int64_t b = 0;
	hist_reset(h);
	for (size_t g = 0; g < sd->ng; g++) {
		size_t a = sd->gofs[g], e = sd->gofs[g + 1];
		for (size_t i = a; i + 1 < e; i++)
			for (size_t j = i + 1; j < e; j++) {
				double d = pair_slope(sd, i, j);
				if (d < L)
					b++;
				else if (d <= H)
					hist_add(h, d);
			}
	}
	hist_flush(h);
	*below = b;
	return h->oom ? -1 : 0;
}

/* A bracket whose slopes are enumerated: reused for nearby ranks. */
struct sen_bracket {
	int valid;
	double L, H;            /* classification bounds */
	double safe_lo, safe_hi;/* a value strictly inside is certainly
	                         * ranked right (see sen_try) */
	int64_t below;          /* pairs classified below L */
	struct hist h;          /* the slopes between */
};

/* The k-th smallest slope from bracket b, or NaN when b cannot prove it. */
static double sen_try(const struct sen_bracket *b, int64_t k)
{
	if (!b->valid)
		return NAN;
	int64_t r = k - b->below;
	if (r < 1 || r > b->h.total)
		return NAN;
	double v = hist_select(&b->h, r);
	/* Every pair counted below L has a slope < safe_lo, every pair not
	 * collected and not below has a slope > safe_hi; so a v strictly
	 * between is the k-th smallest of all. */
	if (!(v > b->safe_lo && v < b->safe_hi))
		return NAN;
	return v;
}

/* Deterministic generator for the sample that seeds the bracket
 * (splitmix64); the result does not depend on it, only the speed. */
static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* A range [lo, hi] of slope values holding the k-th smallest, with the
 * counts of slopes <= each end (clo, chi). */
struct sen_range {
	double lo, hi;
	int64_t clo, chi;
};

/* Global bounds: every slope is a weighted mean of the slopes of
 * consecutive points, so lies between their min and max. */
static void sen_global_range(struct sen_data *sd, struct sen_range *r)
{
	double gmin = INFINITY, gmax = -INFINITY;
	for (size_t g = 0; g < sd->ng; g++)
		for (size_t i = sd->gofs[g]; i + 1 < sd->gofs[g + 1]; i++) {
			double d = pair_slope(sd, i, i + 1);
			if (d < gmin) gmin = d;
			if (d > gmax) gmax = d;
		}
	r->lo = gmin - 4 * sen_delta(sd, gmin) - 1e-9 * fabs(gmin);
	r->hi = gmax + 4 * sen_delta(sd, gmax) + 1e-9 * fabs(gmax);
	r->clo = 0;
	r->chi = sd->npairs;
}

/* Narrow the range with quantiles of a sample of slopes; -1 when out
 * of memory. */
static int sen_sample_range(struct sen_data *sd, int64_t k, struct sen_range *r)
{
	enum { NSAMP = 8192 };
	double *smp = malloc(NSAMP * sizeof *smp);
	int64_t *cum = malloc((sd->ng + 1) * sizeof *cum);
	if (!smp || !cum) {
		free(smp);
		free(cum);
		return -1;
	}
	cum[0] = 0;
	for (size_t g = 0; g < sd->ng; g++) {
		int64_t m = (int64_t)(sd->gofs[g + 1] - sd->gofs[g]);
		cum[g + 1] = cum[g] + m * (m - 1) / 2;
	}
	uint64_t seed = 0x5eed5eedull + (uint64_t)k;
	for (int s = 0; s < NSAMP; s++) {
		int64_t pr = (int64_t)(splitmix64(&seed) % (uint64_t)sd->npairs);
		size_t g = 0;
		while (cum[g + 1] <= pr)
			g++;
		size_t a = sd->gofs[g];
		size_t m = sd->gofs[g + 1] - a;
		size_t i, j;
		do {
			i = splitmix64(&seed) % m;
			j = splitmix64(&seed) % m;
		} while (i == j);
		if (i > j) { size_t tmp = i; i = j; j = tmp; }
		smp[s] = pair_slope(sd, a + i, a + j);
	}
	qsort(smp, NSAMP, sizeof *smp, assay_trend_cmp_double);
	double p = ((double)k - 0.5) / (double)sd->npairs;
	double sdv = 4 * sqrt(NSAMP * p * (1 - p)) + 4;
	double il = NSAMP * p - sdv, ih = NSAMP * p + sdv;
	if (il >= 0) {
		double q = smp[(size_t)il];
		int64_t c = sen_count(sd, q);
		if (c < k) { r->lo = q; r->clo = c; }
	}
	if (ih < NSAMP - 1) {
		double q = smp[(size_t)ih + 1];
		int64_t c = sen_count(sd, q);
		if (c >= k) { r->hi = q; r->chi = c; }
	}
	free(smp);
	free(cum);
	return 0;
}

/* Bisection on the slope value until few enough slopes are left in the
 * range to enumerate. */
static void sen_bisect(struct sen_data *sd, int64_t k, struct sen_range *r)
{
	for (int it = 0; it < 400 && r->chi - r->clo > (int64_t)sd->cap; it++) {
		double mid = r->lo + (r->hi - r->lo) / 2;
		if (!(mid > r->lo && mid < r->hi))
			break;          /* adjacent doubles: cannot split */
		int64_t c = sen_count(sd, mid);
		if (c < k) {
			r->lo = mid;
			r->clo = c;
		} else {
			r->hi = mid;
			r->chi = c;
		}
	}
}

/* Widen the range by the rounding margin and enumerate its slopes into
 * bracket b; then the k-th smallest from it (counted exactly when the
 * bracket cannot prove it). */
static int sen_from_bracket(struct sen_data *sd, int64_t k,
			    const struct sen_range *r, struct sen_bracket *b,
			    double *out)
{
	double dl = sen_delta(sd, r->lo), dh = sen_delta(sd, r->hi);
	b->L = r->lo - 2 * dl;
	b->H = r->hi + 2 * dh;
	b->safe_lo = b->L + sen_delta(sd, b->L) / 2;
	b->safe_hi = b->H - sen_delta(sd, b->H) / 2;
	hist_reset(&b->h);
	sen_fill_y(sd, b->L, sd->y);
	b->below = sen_count_y(sd, sd->y);
	double *yh = malloc(sd->n * sizeof *yh);
	if (!yh)
		return -1;
	sen_fill_y(sd, b->H, yh);
	int rc = sen_enumerate(sd, sd->y, yh, &b->h);
	free(yh);
	if (rc)
		return -1;
	b->valid = 1;
	double v = sen_try(b, k);
	if (isnan(v)) {
		/* Not proven (should not happen): count exactly. */
		b->valid = 0;
		if (sen_brute(sd, b->L, b->H, &b->below, &b->h))
			return -1;
		int64_t rk = k - b->below;
		if (rk < 1 || rk > b->h.total) {
			if (sen_brute(sd, -INFINITY, INFINITY, &b->below,
				      &b->h))
				return -1;
			rk = k - b->below;
		}
		v = hist_select(&b->h, rk);
	}
	*out = v;
	return 0;
}

/* The k-th smallest (1-based) of the within-group pairwise slopes. */
static int sen_select(struct sen_data *sd, int64_t k, struct sen_bracket *b,
		      double *out)
{
	double v = sen_try(b, k);
	if (!isnan(v)) {
		*out = v;
		return 0;
	}
	if (sd->zero_exact && k > sd->neg && k <= sd->nonpos) {
		*out = 0.0;
		return 0;
	}
	struct sen_range r;
	sen_global_range(sd, &r);
	if (sd->npairs > (int64_t)sd->cap && sen_sample_range(sd, k, &r))
		return -1;
	sen_bisect(sd, k, &r);
	return sen_from_bracket(sd, k, &r, b, out);
}

static void sen_data_release(struct sen_data *sd)
{
	free(sd->gofs);
	free(sd->t);
	free(sd->x);
	free(sd->tc);
	free(sd->xc);
	free(sd->y);
	free(sd->y2);
	free(sd->buf);
}

/* Group the points (by season when period > 1) and prepare the arrays. */
static int sen_data_init(struct sen_data *sd, const int64_t *t,
			 const double *x, size_t n, int period, size_t cap)
{
	memset(sd, 0, sizeof *sd);
	if (period < 1)
		period = 1;
	sd->n = n;
	sd->ng = (size_t)period;
	sd->gofs = calloc(sd->ng + 1, sizeof *sd->gofs);
	sd->t = malloc(n * sizeof *sd->t);
	sd->x = malloc(n * sizeof *sd->x);
	sd->tc = malloc(n * sizeof *sd->tc);
	sd->xc = malloc(n * sizeof *sd->xc);
	sd->y = malloc(n * sizeof *sd->y);
	sd->y2 = malloc(n * sizeof *sd->y2);
	sd->buf = malloc(n * sizeof *sd->buf);
	if (!sd->gofs || !sd->t || !sd->x || !sd->tc || !sd->xc || !sd->y ||
	    !sd->y2 || !sd->buf) {
		sen_data_release(sd);
		return -1;
	}
	/* Counting sort by season, stable: each group stays in time order. */
	for (size_t i = 0; i < n; i++)
		sd->gofs[(((t[i] % period) + period) % period) + 1]++;
	for (size_t g = 0; g < sd->ng; g++)
		sd->gofs[g + 1] += sd->gofs[g];
	size_t *pos = malloc(sd->ng * sizeof *pos);
	if (!pos) {
		sen_data_release(sd);
		return -1;
	}
	memcpy(pos, sd->gofs, sd->ng * sizeof *pos);
	for (size_t i = 0; i < n; i++) {
		size_t g = (size_t)(((t[i] % period) + period) % period);
		sd->t[pos[g]] = t[i];
		sd->x[pos[g]] = x[i] + 0.0;     /* -0 -> +0 */
		pos[g]++;
	}
	free(pos);

	double xmin = INFINITY, xmax = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		if (x[i] < xmin) xmin = x[i];
		if (x[i] > xmax) xmax = x[i];
	}
	double xmid = xmin + (xmax - xmin) / 2;
	int64_t tmid = t[0] + (t[n - 1] - t[0]) / 2;
	sd->mx = sd->mt = 0;
	sd->npairs = 0;
	for (size_t i = 0; i < n; i++) {
		sd->xc[i] = sd->x[i] - xmid;
		sd->tc[i] = (double)(sd->t[i] - tmid);
		if (fabs(sd->xc[i]) > sd->mx) sd->mx = fabs(sd->xc[i]);
		if (fabs(sd->tc[i]) > sd->mt) sd->mt = fabs(sd->tc[i]);
	}
	for (size_t g = 0; g < sd->ng; g++) {
		int64_t m = (int64_t)(sd->gofs[g + 1] - sd->gofs[g]);
		sd->npairs += m * (m - 1) / 2;
	}
	/* Zero slopes are exact: d_ij = +0 exactly when x_i == x_j (inputs
	 * are normalised so that no -0 occurs), and d_ij < 0 exactly when
	 * x_j < x_i, provided no difference of distinct values divided by
	 * the time distance (< 2^53) underflows: true when every nonzero
	 * |x| is at least 2^-900.  Ties make zero slopes abundant (a series
	 * of 20,000 values of which many are equal has tens of millions), so
	 * a rank that falls on them is answered without enumerating them. */
	sd->zero_exact = 1;
	for (size_t i = 0; i < n; i++)
		if (sd->x[i] != 0 && fabs(sd->x[i]) < 0x1p-900)
			sd->zero_exact = 0;
	if (sd->zero_exact) {
		memcpy(sd->y, sd->x, n * sizeof *sd->y);
		memcpy(sd->y2, sd->x, n * sizeof *sd->y2);
		for (size_t g = 0; g < sd->ng; g++) {
			size_t a = sd->gofs[g], m = sd->gofs[g + 1] - a;
			sd->neg += assay_trend_inversions(sd->y + a, sd->buf, m, 1);
			sd->nonpos += assay_trend_inversions(sd->y2 + a, sd->buf, m, 0);
		}
	}
	sd->cap = cap ? cap : (4 * n > 65536 ? 4 * n : 65536);
	return 0;
}

/* Order statistics ranks[0..nr) (1-based) of the pairwise slopes. */
static int sen_order_stats(const int64_t *t, const double *x, size_t n,
			   int period, assay_trend_method method, size_t cap,
			   const int64_t *ranks, int nr, double *out,
			   int *fast)
{
	struct sen_data sd;
	int rc = -1;

	if (sen_data_init(&sd, t, x, n, period, cap))
		return -1;
	if (method == ASSAY_TREND_AUTO)
		method = sd.npairs <= ASSAY_TREND_EXACT_MAX_PAIRS ?
			 ASSAY_TREND_EXACT : ASSAY_TREND_FAST;
	*fast = method == ASSAY_TREND_FAST;
	if (method == ASSAY_TREND_EXACT) {
		double *d = malloc((size_t)(sd.npairs ? sd.npairs : 1) *
				   sizeof *d);
		if (!d)
			goto out;
		size_t k = 0;
		for (size_t g = 0; g < sd.ng; g++)
			for (size_t i = sd.gofs[g]; i + 1 < sd.gofs[g + 1]; i++)
				for (size_t j = i + 1; j < sd.gofs[g + 1]; j++)
					d[k++] = pair_slope(&sd, i, j);
		qsort(d, k, sizeof *d, assay_trend_cmp_double);
		for (int r = 0; r < nr; r++)
			out[r] = d[ranks[r] - 1];
		free(d);
		rc = 0;
		goto out;
	}
	struct sen_bracket b;
	memset(&b, 0, sizeof b);
	hist_init(&b.h, sd.cap);
	if (b.h.oom) {
		hist_release(&b.h);
		goto out;
	}
	rc = 0;
	for (int r = 0; r < nr && !rc; r++)
		rc = sen_select(&sd, ranks[r], &b, &out[r]);
	hist_release(&b.h);
out:
	sen_data_release(&sd);
	return rc;
}

/* The median slope alone (for detrending in the variance corrections). */
int assay_trend_sen_median(const int64_t *t, const double *x, size_t n,
		      assay_trend_method method, double *med)
{
	int64_t N = (int64_t)n * ((int64_t)n - 1) / 2;
	int64_t ranks[2] = { N / 2, N / 2 + 1 };
	double v[2];
	int fast;
	if (N % 2) {
		ranks[0] = (N + 1) / 2;
		if (sen_order_stats(t, x, n, 1, method, 0, ranks, 1, v, &fast))
			return -1;
		*med = v[0];
		return 0;
	}
	if (sen_order_stats(t, x, n, 1, method, 0, ranks, 2, v, &fast))
		return -1;
	*med = (v[0] + v[1]) / 2;
	return 0;
}

int assay_sen_slope(const int64_t *t, const double *x, size_t n,
		    const assay_trend_opts *o, double var_s, assay_sen *out,
		    assay_error *err)
{
	int period = o->variant == ASSAY_MK_SEASONAL ? o->period : 1;

	memset(out, 0, sizeof *out);
	out->slope = out->lo = out->hi = out->intercept = NAN;
	if (assay_trend_check_input(t, x, n, 2, err))
		return -1;
	if (period < 1)
		return assay_fail(err, ASSAY_EUSAGE, "bad season period %d",
				  period);
	int64_t N = 0;
	{
		int64_t *cnt = calloc((size_t)period, sizeof *cnt);
		if (!cnt)
			return assay_fail(err, ASSAY_EIO, ENOMEM_MSG);
		for (size_t i = 0; i < n; i++)
			cnt[((t[i] % period) + period) % period]++;
		for (int g = 0; g < period; g++)
			N += cnt[g] * (cnt[g] - 1) / 2;
		free(cnt);
	}
	if (N < 1)
		return assay_fail(err, ASSAY_ECANNOT,
				  "too few observations for Sen's slope: no "
				  "season has two");
	out->pairs = N;

	/* Gilbert (1987) eq. 16.9, as R's trend::sens.slope: ranks
	 * round((N - C)/2) and round((N + C)/2 + 1), C = z sqrt(Var S).
	 * R and numpy round halves to even, as nearbyint does. */
	double C = gsl_cdf_ugaussian_Pinv(1 - o->alpha / 2) * sqrt(var_s);
	double r1 = nearbyint((N - C) / 2), r2 = nearbyint((N + C) / 2 + 1);
	if (!(r1 >= 1)) r1 = 1;
	if (!(r2 <= (double)N)) r2 = (double)N;
	if (r1 > (double)N) r1 = (double)N;
	if (r2 < 1) r2 = 1;
	out->rank_lo = (int64_t)r1;
	out->rank_hi = (int64_t)r2;

	int64_t ranks[4];
	double v[4];
	int nr = 0, imed;
	ranks[nr++] = out->rank_lo;
	imed = nr;
	if (N % 2) {
		ranks[nr++] = (N + 1) / 2;
	} else {
		ranks[nr++] = N / 2;
		ranks[nr++] = N / 2 + 1;
	}
	ranks[nr++] = out->rank_hi;
	if (sen_order_stats(t, x, n, period, o->method, o->sen_cap, ranks, nr,
			    v, &out->fast))
		return assay_fail(err, ASSAY_EIO, ENOMEM_MSG);
	out->lo = v[0];
	out->slope = N % 2 ? v[imed] : (v[imed] + v[imed + 1]) / 2;
	out->hi = v[nr - 1];

	/* Intercept as scipy.stats.theilslopes: median(x) - slope median(t),
	 * time counted from the first observation. */
	double *a = malloc(n * sizeof *a);
	if (!a)
		return assay_fail(err, ASSAY_EIO, ENOMEM_MSG);
	memcpy(a, x, n * sizeof *a);
	qsort(a, n, sizeof *a, assay_trend_cmp_double);
	double mx = assay_trend_median_sorted(a, n);
	for (size_t i = 0; i < n; i++)
		a[i] = (double)(t[i] - t[0]);
	double mt = assay_trend_median_sorted(a, n);        /* t is sorted already */
	out->intercept = mx - out->slope * mt;
	free(a);
	return 0;
}

