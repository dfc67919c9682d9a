/*
 * Trend tests: Mann-Kendall (four variants), Sen's slope with Gilbert's
 * confidence interval, and log-linear growth.  METHODS.md section 5; the
 * formulas follow pyMannKendall (Hussain & Mahmud 2019) for the test
 * variants, R's trend::sens.slope and scipy.stats.theilslopes for Sen.
 *
 * Two ways to the same numbers:
 *  - EXACT: every pair.  S = sum sgn(x_j - x_i); all N = n(n-1)/2 slopes
 *    d_ij = (x_j - x_i) / (t_j - t_i) in memory, sorted.  O(n^2).
 *  - FAST: S = P - T - 2D, with D the strict inversions of x in time order
 *    counted by a merge sort, T the tied pairs.  The k-th smallest slope is
 *    selected without the N slopes: for a trial slope q, the pairs i < j
 *    with slope <= q are exactly the pairs with y_j <= y_i for
 *    y = x - q t, counted as (non-strict) inversions in O(n log n).
 *    Bisection on q shrinks a bracket [lo, hi] around the k-th slope until
 *    it holds few slopes; those are then enumerated as the pairs whose
 *    order differs between y(L) and y(H) (again a merge sort), each slope
 *    computed with the same expression as EXACT, and the k-th one taken.
 *    The comparisons of y are rounded, so the bracket is widened by a
 *    margin 64 times the bound on their rounding error (sen_delta)
 *    and the selected value is checked to lie where the rounding cannot
 *    have misplaced any pair; should a check fail, an O(n^2) pass without
 *    materialising finishes the job.  Either way the result is the double
 *    that sorting all slopes gives.
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

#define ENOMEM_MSG "out of memory"

static const char *const variant_names[] = {
	"original", "hamed-rao", "yue-wang", "seasonal"
};

int assay_mk_variant_parse(const char *s, assay_mk_variant *v)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, variant_names[i])) {
			*v = (assay_mk_variant)i;
			return 0;
		}
	return -1;
}

const char *assay_mk_variant_name(assay_mk_variant v)
{
	return (unsigned)v < 4 ? variant_names[v] : "";
}

void assay_trend_opts_init(assay_trend_opts *o)
{
	memset(o, 0, sizeof *o);
	o->variant = ASSAY_MK_ORIGINAL;
	o->alpha = 0.05;
	o->period = 1;
	o->units_per_period = 1;
	o->units_per_year = 1;
	o->method = ASSAY_TREND_AUTO;
}

void assay_trend_opts_units(assay_trend_opts *o, assay_freq f)
{
	o->units_per_period = f == ASSAY_FREQ_W ? 7 : 1;
	switch (f) {
	case ASSAY_FREQ_M: o->units_per_year = 12; break;
	case ASSAY_FREQ_Q: o->units_per_year = 4; break;
	case ASSAY_FREQ_A: o->units_per_year = 1; break;
	default: o->units_per_year = 365.25; break;
	}
}

static int check_input(const int64_t *t, const double *x, size_t n,
		       size_t nmin, assay_error *err)
{
	if (n < nmin)
		return assay_fail(err, ASSAY_ECANNOT,
				  "too few observations for a trend test: "
				  "%zu (at least %zu)", n, nmin);
	if (n > ASSAY_TREND_MAX_N)
		return assay_fail(err, ASSAY_EUSAGE,
				  "too many observations for a trend test: "
				  "%zu (at most %zu)", n, ASSAY_TREND_MAX_N);
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return assay_fail(err, ASSAY_EUSAGE,
					  "observation %zu is not a finite "
					  "number", i + 1);
		/* Differences of values must not overflow. */
		if (fabs(x[i]) > 1e300)
			return assay_fail(err, ASSAY_EUSAGE,
					  "observation %zu is too large: %g",
					  i + 1, x[i]);
		if (i && t[i] <= t[i - 1])
			return assay_fail(err, ASSAY_EUSAGE,
					  "observation %zu is not later than "
					  "the one before", i + 1);
		if (t[i] > ((int64_t)1 << 52) || t[i] < -((int64_t)1 << 52))
			return assay_fail(err, ASSAY_EUSAGE,
					  "time ordinal out of range");
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Sorting and inversion counting                                   */

/* Sort a[0..n) ascending with a bottom-up merge sort (buf: n doubles) and
 * return the number of pairs i < j (positions before sorting) with
 * a[i] > a[j] when `strict`, a[i] >= a[j] otherwise. */
static int64_t inversions(double *a, double *buf, size_t n, int strict)
{
	int64_t inv = 0;
	double *src = a, *dst = buf;

	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				int left = strict ? src[i] <= src[j]
						  : src[i] < src[j];
				if (left) {
					dst[k++] = src[i++];
				} else {
					inv += (int64_t)(mid - i);
					dst[k++] = src[j++];
				}
			}
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		double *tmp = src;
		src = dst;
		dst = tmp;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	return inv;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of a sorted array: the mean of the middle two for even n. */
static double median_sorted(const double *a, size_t n)
{
	if (n % 2)
		return a[n / 2];
	return (a[n / 2 - 1] + a[n / 2]) / 2;
}

/* ---------------------------------------------------------------- */
/* Mann-Kendall S and its tie-corrected variance, one group         */

struct mk_part {
	int64_t s;              /* Kendall's S of the group */
	int64_t n;              /* its size */
	int64_t ties;           /* sum over tie groups of t(t-1)(2t+5) */
	int64_t tie_pairs;      /* sum over tie groups of t(t-1)/2 */
};

/* x: m values in time order; work: 2m doubles. */
static void mk_part_compute(const double *x, size_t m, int exact,
			    double *work, struct mk_part *r)
{
	double *a = work, *buf = work + m;
	int64_t P = (int64_t)m * ((int64_t)m - 1) / 2;

	memcpy(a, x, m * sizeof *a);
	if (exact) {
		int64_t s = 0;
		for (size_t i = 0; i + 1 < m; i++)
			for (size_t j = i + 1; j < m; j++)
				s += (x[j] > x[i]) - (x[j] < x[i]);
		r->s = s;
		qsort(a, m, sizeof *a, cmp_double);
	}
	/* The merge sort also sorts `a`, for the tie groups below. */
	int64_t d = exact ? 0 : inversions(a, buf, m, 1);
	int64_t ties = 0, tie_pairs = 0;
	for (size_t i = 0; i < m;) {
		size_t j = i + 1;
		while (j < m && a[j] == a[i])
			j++;
		int64_t g = (int64_t)(j - i);
		ties += g * (g - 1) * (2 * g + 5);
		tie_pairs += g * (g - 1) / 2;
		i = j;
	}
	if (!exact)
		r->s = P - tie_pairs - 2 * d;   /* concordant - discordant */
	r->n = (int64_t)m;
	r->ties = ties;
	r->tie_pairs = tie_pairs;
}

static double mk_var(const struct mk_part *r)
{
	int64_t n = r->n;
	/* Exact in int64 for n <= ASSAY_TREND_MAX_N, and exact as a double
	 * below 2^53: the same rounding as pyMannKendall's integer sum / 18. */
	return (double)(n * (n - 1) * (2 * n + 5) - r->ties) / 18;
}

static double mk_z(int64_t s, double var)
{
	if (s > 0)
		return (double)(s - 1) / sqrt(var);
	if (s < 0)
		return (double)(s + 1) / sqrt(var);
	return 0;
}

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
		c += inversions(sd->y2 + a, sd->buf, m, 0);
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

	/* Global bounds: every slope is a weighted mean of the slopes of
	 * consecutive points, so lies between their min and max. */
	double gmin = INFINITY, gmax = -INFINITY;
	for (size_t g = 0; g < sd->ng; g++)
		for (size_t i = sd->gofs[g]; i + 1 < sd->gofs[g + 1]; i++) {
			double d = pair_slope(sd, i, i + 1);
			if (d < gmin) gmin = d;
			if (d > gmax) gmax = d;
		}
	double lo = gmin - 4 * sen_delta(sd, gmin) - 1e-9 * fabs(gmin);
	double hi = gmax + 4 * sen_delta(sd, gmax) + 1e-9 * fabs(gmax);
	int64_t clo = 0, chi = sd->npairs;

	/* Narrow the start with quantiles of a sample of slopes. */
	enum { NSAMP = 8192 };
	if (sd->npairs > (int64_t)sd->cap) {
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
			int64_t r = (int64_t)(splitmix64(&seed) %
					      (uint64_t)sd->npairs);
			size_t g = 0;
			while (cum[g + 1] <= r)
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
		qsort(smp, NSAMP, sizeof *smp, cmp_double);
		double p = ((double)k - 0.5) / (double)sd->npairs;
		double sdv = 4 * sqrt(NSAMP * p * (1 - p)) + 4;
		double il = NSAMP * p - sdv, ih = NSAMP * p + sdv;
		if (il >= 0) {
			double q = smp[(size_t)il];
			int64_t c = sen_count(sd, q);
			if (c < k) { lo = q; clo = c; }
		}
		if (ih < NSAMP - 1) {
			double q = smp[(size_t)ih + 1];
			int64_t c = sen_count(sd, q);
			if (c >= k) { hi = q; chi = c; }
		}
		free(smp);
		free(cum);
	}

	/* Bisection on the slope value. */
	for (int it = 0; it < 400 && chi - clo > (int64_t)sd->cap; it++) {
		double mid = lo + (hi - lo) / 2;
		if (!(mid > lo && mid < hi))
			break;          /* adjacent doubles: cannot split */
		int64_t c = sen_count(sd, mid);
		if (c < k) {
			lo = mid;
			clo = c;
		} else {
			hi = mid;
			chi = c;
		}
	}

	/* Widen by the margin and enumerate. */
	double dl = sen_delta(sd, lo), dh = sen_delta(sd, hi);
	b->L = lo - 2 * dl;
	b->H = hi + 2 * dh;
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
	v = sen_try(b, k);
	if (isnan(v)) {
		/* Not proven (should not happen): count exactly. */
		b->valid = 0;
		if (sen_brute(sd, b->L, b->H, &b->below, &b->h))
			return -1;
		int64_t r = k - b->below;
		if (r < 1 || r > b->h.total) {
			if (sen_brute(sd, -INFINITY, INFINITY, &b->below,
				      &b->h))
				return -1;
			r = k - b->below;
		}
		v = hist_select(&b->h, r);
	}
	*out = v;
	return 0;
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
			sd->neg += inversions(sd->y + a, sd->buf, m, 1);
			sd->nonpos += inversions(sd->y2 + a, sd->buf, m, 0);
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
		qsort(d, k, sizeof *d, cmp_double);
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
static int sen_median(const int64_t *t, const double *x, size_t n,
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
	if (check_input(t, x, n, 2, err))
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
	qsort(a, n, sizeof *a, cmp_double);
	double mx = median_sorted(a, n);
	for (size_t i = 0; i < n; i++)
		a[i] = (double)(t[i] - t[0]);
	double mt = median_sorted(a, n);        /* t is sorted already */
	out->intercept = mx - out->slope * mt;
	free(a);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Autocorrelation corrections                                      */

/* Sample autocorrelations rho_0..rho_{n-1} of v (biased acov, divided by
 * n, as pyMannKendall's __acf and statsmodels' acf).  Direct sums up to
 * direct_max points (0: ACF_DIRECT_MAX), beyond by FFT of the series
 * zero-padded to a power of two >= 2n (no circular wrap), O(n log n):
 * all n - 1 lags by direct sums would cost O(n^2).  Returns 0, or -1 on no memory;
 * *degenerate = 1 when the series is constant (rho undefined). */
#define ACF_DIRECT_MAX 4096

static int acf_all(const double *v, size_t n, size_t direct_max, double *rho,
		   int *degenerate)
{
	double mean = 0;
	for (size_t i = 0; i < n; i++)
		mean += v[i];
	mean /= (double)n;
	*degenerate = 0;
	if (n <= (direct_max ? direct_max : ACF_DIRECT_MAX)) {
		double *y = malloc(n * sizeof *y);
		if (!y)
			return -1;
		for (size_t i = 0; i < n; i++)
			y[i] = v[i] - mean;
		for (size_t k = 0; k < n; k++) {
			double s = 0;
			for (size_t i = 0; i + k < n; i++)
				s += y[i] * y[i + k];
			rho[k] = s / (double)n;
		}
		free(y);
	} else {
		size_t m = 1;
		while (m < 2 * n)
			m *= 2;
		double *y = calloc(m, sizeof *y);
		if (!y)
			return -1;
		for (size_t i = 0; i < n; i++)
			y[i] = v[i] - mean;
		if (gsl_fft_real_radix2_transform(y, 1, m)) {
			free(y);
			return -1;
		}
		/* Half-complex: y[0] real, y[k] + i y[m-k], y[m/2] real. */
		y[0] = y[0] * y[0];
		y[m / 2] = y[m / 2] * y[m / 2];
		for (size_t k = 1; k < m / 2; k++) {
			y[k] = y[k] * y[k] + y[m - k] * y[m - k];
			y[m - k] = 0;
		}
		if (gsl_fft_halfcomplex_radix2_inverse(y, 1, m)) {
			free(y);
			return -1;
		}
		for (size_t k = 0; k < n; k++)
			rho[k] = y[k] / (double)n;
		free(y);
	}
	if (!(rho[0] > 0)) {
		*degenerate = 1;
		return 0;
	}
	double c0 = rho[0];
	for (size_t k = 0; k < n; k++)
		rho[k] /= c0;
	return 0;
}

struct idx_val {
	double v;
	size_t i;
};

static int cmp_iv(const void *a, const void *b)
{
	const struct idx_val *p = a, *q = b;
	if (p->v != q->v)
		return p->v < q->v ? -1 : 1;
	return (p->i > q->i) - (p->i < q->i);
}

/* Average ranks (1-based, ties share the mean rank: scipy's rankdata). */
static int rank_average(const double *v, size_t n, double *rank)
{
	struct idx_val *a = malloc(n * sizeof *a);
	if (!a)
		return -1;
	for (size_t i = 0; i < n; i++) {
		a[i].v = v[i];
		a[i].i = i;
	}
	qsort(a, n, sizeof *a, cmp_iv);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && a[j].v == a[i].v)
			j++;
		/* positions i..j-1 (0-based) -> ranks i+1..j, mean (i+1+j)/2 */
		double r = (double)(i + 1 + j) / 2;
		for (size_t k = i; k < j; k++)
			rank[a[k].i] = r;
		i = j;
	}
	free(a);
	return 0;
}

/* n/n* of Hamed and Rao (1998) or Yue and Wang (2004), as pyMannKendall
 * computes them with its default lag (all n - 1 lags): the series is
 * detrended with Sen's slope against 1, 2, ..., n. */
static int variance_factor(const int64_t *t, const double *x, size_t n,
			   const assay_trend_opts *o, double *factor)
{
	double slope;
	double *det = malloc(n * sizeof *det);
	double *rho = malloc(n * sizeof *rho);
	int rc = -1, degenerate;

	if (!det || !rho)
		goto out;
	if (sen_median(t, x, n, o->method, &slope))
		goto out;
	/* pyMannKendall: x - arange(1, n+1) * slope, the slope per step.  With
	 * ordinals, the position of a point is its distance in time + 1 (the
	 * same numbers when there are no gaps). */
	for (size_t i = 0; i < n; i++)
		det[i] = x[i] - (double)(t[i] - t[0] + 1) * slope;
	if (o->variant == ASSAY_MK_HAMED_RAO) {
		double *rk = calloc(n, sizeof *rk);
		if (!rk || rank_average(det, n, rk)) {
			free(rk);
			goto out;
		}
		rc = acf_all(rk, n, o->acf_direct_max, rho, &degenerate);
		free(rk);
		if (rc)
			goto out;
		rc = -1;
		double nn = (double)n;
		double bound = gsl_cdf_ugaussian_Pinv(1 - o->alpha / 2) /
			       sqrt(nn);
		double sni = 0;
		if (!degenerate)
			for (size_t i = 1; i < n; i++) {
				if (rho[i] <= bound && rho[i] >= -bound)
					continue;
				int64_t m = (int64_t)(n - i);
				sni += (double)(m * (m - 1) * (m - 2)) * rho[i];
			}
		int64_t in = (int64_t)n;
		*factor = 1 + (2 / (double)(in * (in - 1) * (in - 2))) * sni;
	} else {
		if (acf_all(det, n, o->acf_direct_max, rho, &degenerate))
			goto out;
		double sni = 0, nn = (double)n;
		if (!degenerate)
			for (size_t i = 1; i < n; i++)
				sni += (1 - (double)i / nn) * rho[i];
		*factor = 1 + 2 * sni;
	}
	rc = 0;
out:
	free(det);
	free(rho);
	return rc;
}

/* ---------------------------------------------------------------- */
/* The Mann-Kendall test                                            */

int assay_mk_test(const int64_t *t, const double *x, size_t n,
		  const assay_trend_opts *o, assay_mk *out, assay_error *err)
{
	memset(out, 0, sizeof *out);
	out->z = out->p = out->tau = out->tau_b = NAN;
	out->var_s = out->var_s0 = NAN;
	out->n_ns = out->n_ns_raw = 1;
	if (check_input(t, x, n, 3, err))
		return -1;
	out->n = n;

	int seasonal = o->variant == ASSAY_MK_SEASONAL;
	int period = seasonal ? o->period : 1;
	if (seasonal && period < 2)
		return assay_fail(err, ASSAY_EUSAGE,
				  "the seasonal test needs a period of at "
				  "least 2 seasons");
	int64_t Nall = (int64_t)n * ((int64_t)n - 1) / 2;
	int exact = o->method == ASSAY_TREND_EXACT ||
		    (o->method == ASSAY_TREND_AUTO &&
		     Nall <= ASSAY_TREND_EXACT_MAX_PAIRS);

	double *work = malloc(3 * n * sizeof *work);
	if (!work)
		return assay_fail(err, ASSAY_EIO, ENOMEM_MSG);
	if (!seasonal) {
		struct mk_part r;
		mk_part_compute(x, n, exact, work, &r);
		out->s = r.s;
		out->var_s0 = mk_var(&r);
		out->pairs = Nall;
		out->seasons = 1;
		out->tau = (double)r.s / (0.5 * (double)n * (double)(n - 1));
		out->tau_b = (double)r.s / sqrt((double)Nall) /
			     sqrt((double)(Nall - r.tie_pairs));
	} else {
		/* Hirsch et al. (1982): the test on each season, summed. */
		double *xs = work + 2 * n;
		int64_t s = 0, pairs = 0;
		double var = 0;
		int used = 0;
		for (int g = 0; g < period; g++) {
			size_t m = 0;
			for (size_t i = 0; i < n; i++)
				if (((t[i] % period) + period) % period == g)
					xs[m++] = x[i];
			if (m < 2)
				continue;
			struct mk_part r;
			mk_part_compute(xs, m, exact, work, &r);
			s += r.s;
			var += mk_var(&r);
			pairs += r.n * (r.n - 1) / 2;
			used++;
		}
		if (!pairs) {
			free(work);
			return assay_fail(err, ASSAY_ECANNOT,
					  "too few observations for the "
					  "seasonal test: no season has two");
		}
		out->s = s;
		out->var_s0 = var;
		out->pairs = pairs;
		out->seasons = used;
		out->tau = (double)s / (double)pairs;
	}
	free(work);

	out->var_s = out->var_s0;
	if (o->variant == ASSAY_MK_HAMED_RAO || o->variant == ASSAY_MK_YUE_WANG) {
		double f;
		if (variance_factor(t, x, n, o, &f))
			return assay_fail(err, ASSAY_EIO, ENOMEM_MSG);
		out->n_ns_raw = f;
		/* pyMannKendall#29: a strongly negative autocorrelation can
		 * make n/n* <= 0 and sqrt(Var S) NaN.  Then no correction is
		 * applied (conservative: negative dependence shrinks the true
		 * Var S), and the caller is told. */
		if (isfinite(f) && f > 0) {
			out->n_ns = f;
		} else {
			out->n_ns = 1;
			out->var_guarded = 1;
		}
		out->var_s = out->var_s0 * out->n_ns;
	}
	if (out->var_s > 0) {
		out->z = mk_z(out->s, out->var_s);
		out->p = 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
	} else {
		/* Every value tied (within each season): S = 0. */
		out->z = 0;
		out->p = 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Growth: least squares on log levels                              */

int assay_growth_fit(const int64_t *t, const double *x, size_t n,
		     const assay_trend_opts *o, assay_growth *out,
		     assay_error *err)
{
	memset(out, 0, sizeof *out);
	out->log_slope = out->log_slope_se = out->log_intercept = NAN;
	out->pct = out->se = out->lo = out->hi = out->r2 = NAN;
	if (check_input(t, x, n, 0, err))
		return -1;
	if (n < 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(x[i] > 0))
			return 0;
	double *yr = malloc(n * sizeof *yr), *ly = malloc(n * sizeof *ly);
	if (!yr || !ly) {
		free(yr);
		free(ly);
		return assay_fail(err, ASSAY_EIO, ENOMEM_MSG);
	}
	for (size_t i = 0; i < n; i++) {
		yr[i] = (double)(t[i] - t[0]) / o->units_per_year;
		ly[i] = log(x[i]);
	}
	double c0, c1, cov00, cov01, cov11, sumsq;
	int rc = gsl_fit_linear(yr, 1, ly, 1, n, &c0, &c1, &cov00, &cov01,
				&cov11, &sumsq);
	if (rc) {
		free(yr);
		free(ly);
		return assay_fail(err, ASSAY_EUSAGE,
				  "log-linear fit failed: %s",
				  gsl_strerror(rc));
	}
	double mean = 0, tss = 0;
	for (size_t i = 0; i < n; i++)
		mean += ly[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		tss += (ly[i] - mean) * (ly[i] - mean);
	free(yr);
	free(ly);

	double se = sqrt(cov11);
	double tq = gsl_cdf_tdist_Pinv(1 - o->alpha / 2, (double)n - 2);
	out->ok = 1;
	out->log_slope = c1;
	out->log_slope_se = se;
	out->log_intercept = c0;
	out->pct = 100 * expm1(c1);
	out->se = 100 * exp(c1) * se;
	out->lo = 100 * expm1(c1 - tq * se);
	out->hi = 100 * expm1(c1 + tq * se);
	/* R^2 is undefined for a constant series (rounding in the mean
	 * would otherwise make up a tiny total sum of squares). */
	int constant = 1;
	for (size_t i = 1; i < n && constant; i++)
		constant = x[i] == x[0];
	out->r2 = constant || !(tss > 0) ? NAN : 1 - sumsq / tss;
	return 0;
}

/* ---------------------------------------------------------------- */

int assay_trend_run(const int64_t *t, const double *x, size_t n,
		    const assay_trend_opts *o, assay_trend *out,
		    assay_error *err)
{
	memset(out, 0, sizeof *out);
	if (assay_mk_test(t, x, n, o, &out->mk, err))
		return -1;
	/* The CI uses the Var S of the chosen variant: the original one
	 * (Gilbert, R's sens.slope) unless a correction was asked for. */
	if (assay_sen_slope(t, x, n, o, out->mk.var_s, &out->sen, err))
		return -1;
	double up = o->units_per_period, uy = o->units_per_year;
	out->sen_slope_period = out->sen.slope * up;
	out->sen_lo_period = out->sen.lo * up;
	out->sen_hi_period = out->sen.hi * up;
	out->sen_slope_year = out->sen.slope * uy;
	out->sen_lo_year = out->sen.lo * uy;
	out->sen_hi_year = out->sen.hi * uy;
	return assay_growth_fit(t, x, n, o, &out->growth, err);
}
