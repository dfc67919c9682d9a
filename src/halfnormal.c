/*
 * Sums of half-normals (verdict.h rule 4): H_k(x) = P(|Z_1| + ... + |Z_k|
 * >= x), tabulated once by quadrature, and the run test's p-value.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "assay/verdict.h"
#include "verdict_internal.h"

/* Tabulated on x = j / 64, 0 <= x <= 40, with the densities f_k, by the
 * recursions (Y = |Z_k| with density f_1(y) = 2 phi(y)):
 *   H_k(x) = P(Y >= x) + int_0^x f_1(y) H_{k-1}(x - y) dy
 *   f_k(x) = int_0^x f_1(y) f_{k-1}(x - y) dy
 * by composite Simpson (3/8 rule on the last three panels of an odd
 * count).  Every term is positive, so the tail keeps its relative
 * accuracy.  Between grid points log H is interpolated by cubic Hermite
 * with the exact slope -f/H. */
#define HS_PER 64
#define HS_XMAX 40
#define HS_N (HS_XMAX * HS_PER + 1)

static double hs_q[MAX_RUN + 1][HS_N];
static double hs_f[MAX_RUN + 1][HS_N];
/* log H and its slope -f/H, what the interpolation reads (two logs and
 * two divisions fewer per call; the run test calls it up to 7 times per
 * move) */
static double hs_lq[MAX_RUN + 1][HS_N];
static double hs_dl[MAX_RUN + 1][HS_N];
/* Row k is filled on x in [0, hs_len[k] / HS_PER): entry j of a row
 * needs only entries 0..j of rows 1 and k - 1, so a row is filled as far
 * as the run tests reach, and extended when one reaches further, with
 * the same doubles as a fill of the whole row.  (A whole fill of the 8
 * rows of the default run test cost 170 million instructions on every
 * process's first run test, with the other threads waiting for it; the
 * runs of W = 20 reach x = 18 of the 40.)  Row 1 is filled whole, and
 * hs_len[k] <= hs_len[k - 1].  Readers load the lengths with acquire
 * order and the filler stores them with release order (under hs_lock,
 * which only serialises fillers), so the hot path takes no lock: a mutex
 * here was 4% of the benchmark's time, contended between worker
 * threads. */
static atomic_int hs_len[MAX_RUN + 1];
static pthread_mutex_t hs_lock = PTHREAD_MUTEX_INITIALIZER;
#define HS_CHUNK 256    /* rows grow by at least this many entries */

/* int_0^{i h} a(y) b(i h - y) dy and int_0^{i h} a(y) c(i h - y) dy on
 * the grid, into *sb and *sc: the two convolutions of a table row share
 * their loads, and each sum runs in two accumulators so that the adds do
 * not wait for each other (the fill is on the first run test's path). */
static void convolve2(const double *a, const double *b, const double *c,
		      int i, double *sb, double *sc)
{
	const double h = 1.0 / HS_PER;
	if (i == 0) {
		*sb = *sc = 0;
		return;
	}
	if (i == 1) {
		*sb = h / 2 * (a[0] * b[1] + a[1] * b[0]);
		*sc = h / 2 * (a[0] * c[1] + a[1] * c[0]);
		return;
	}
	int m = i % 2 == 0 ? i : i - 3;
	double rb = 0, rc = 0;
	if (m > 0) {
		/* Simpson: weight 4 on odd j, 2 on even j in (0, m) */
		double ob0 = 0, ob1 = 0, eb0 = 0, eb1 = 0;
		double oc0 = 0, oc1 = 0, ec0 = 0, ec1 = 0;
		int j = 1;
		for (; j + 3 < m; j += 4) {
			ob0 += a[j] * b[i - j];
			oc0 += a[j] * c[i - j];
			eb0 += a[j + 1] * b[i - j - 1];
			ec0 += a[j + 1] * c[i - j - 1];
			ob1 += a[j + 2] * b[i - j - 2];
			oc1 += a[j + 2] * c[i - j - 2];
			eb1 += a[j + 3] * b[i - j - 3];
			ec1 += a[j + 3] * c[i - j - 3];
		}
		for (; j < m; j += 2) {
			ob0 += a[j] * b[i - j];
			oc0 += a[j] * c[i - j];
			if (j + 1 < m) {
				eb0 += a[j + 1] * b[i - j - 1];
				ec0 += a[j + 1] * c[i - j - 1];
			}
		}
		rb = h / 3 * (a[0] * b[i] + 4 * (ob0 + ob1) + 2 * (eb0 + eb1) +
			      a[m] * b[i - m]);
		rc = h / 3 * (a[0] * c[i] + 4 * (oc0 + oc1) + 2 * (ec0 + ec1) +
			      a[m] * c[i - m]);
	}
	if (m != i) {
		rb += 3 * h / 8 * (a[m] * b[i - m] + 3 * a[m + 1] * b[i - m - 1] +
				   3 * a[m + 2] * b[i - m - 2] + a[m + 3] * b[i - m - 3]);
		rc += 3 * h / 8 * (a[m] * c[i - m] + 3 * a[m + 1] * c[i - m - 1] +
				   3 * a[m + 2] * c[i - m - 2] + a[m + 3] * c[i - m - 3]);
	}
	*sb = rb;
	*sc = rc;
}

/* Rows 1..k filled on at least entries [0, len). */
static void hs_fill(int k, int len)
{
	pthread_mutex_lock(&hs_lock);
	if (atomic_load_explicit(&hs_len[1], memory_order_relaxed) == 0) {
		for (int j = 0; j < HS_N; j++) {
			double x = (double)j / HS_PER;
			hs_f[1][j] = M_SQRT2 * M_2_SQRTPI / 2 * exp(-x * x / 2);
			hs_q[1][j] = erfc(x / M_SQRT2);
			hs_lq[1][j] = log(hs_q[1][j]);
			hs_dl[1][j] = -hs_f[1][j] / hs_q[1][j];
		}
		atomic_store_explicit(&hs_len[1], HS_N, memory_order_release);
	}
	len = (len + HS_CHUNK - 1) / HS_CHUNK * HS_CHUNK;
	if (len > HS_N)
		len = HS_N;
	for (int r = 2; r <= k; r++) {
		int from = atomic_load_explicit(&hs_len[r], memory_order_relaxed);
		for (int j = from; j < len; j++) {
			double cq, cf;
			convolve2(hs_f[1], hs_q[r - 1], hs_f[r - 1], j, &cq, &cf);
			hs_q[r][j] = hs_q[1][j] + cq;
			hs_f[r][j] = cf;
			hs_lq[r][j] = log(hs_q[r][j]);
			hs_dl[r][j] = -hs_f[r][j] / hs_q[r][j];
		}
		if (len > from)
			atomic_store_explicit(&hs_len[r], len, memory_order_release);
	}
	pthread_mutex_unlock(&hs_lock);
}

/* H_k(x) from the table, for 2 <= k and x > 0 that hs_need(k, x) was
 * given (the callers check). */
static double hs_tail(int k, double x)
{
	const double *lq = hs_lq[k], *dl = hs_dl[k];
	const double h = 1.0 / HS_PER;
	double u = x * HS_PER;
	if (u >= HS_N - 1) {
		/* Beyond the table: log H is concave, so its tangent at the end
		 * bounds it from above (a conservative p-value). */
		int e = HS_N - 1;
		return exp(lq[e] + dl[e] * (x - (double)e / HS_PER));
	}
	int j = (int)u;
	double t = u - j;
	double l0 = lq[j], l1 = lq[j + 1];
	double d0 = dl[j], d1 = dl[j + 1];
	double t2 = t * t, t3 = t2 * t;
	double l = (2 * t3 - 3 * t2 + 1) * l0 + (t3 - 2 * t2 + t) * h * d0 +
		   (-2 * t3 + 3 * t2) * l1 + (t3 - t2) * h * d1;
	return exp(l);
}

/* The table holds rows 1..k as far as hs_tail reads them for x > 0 (and
 * for any x' <= x): entries j and j + 1 of u = x HS_PER, or the last. */
static void hs_need(int k, double x)
{
	double u = x * HS_PER;
	int len = u >= HS_N - 1 ? HS_N : (int)u + 2;
	if (atomic_load_explicit(&hs_len[k], memory_order_acquire) < len)
		hs_fill(k, len);
}

double assay_halfnormal_sum_q(int k, double x)
{
	if (k < 1 || k > MAX_RUN || isnan(x))
		return NAN;
	if (x <= 0)
		return 1;
	if (k == 1)
		return erfc(x / M_SQRT2);
	hs_need(k, x);
	return hs_tail(k, x);
}

/* The run statistics met, with their p-values: the mid-rank scores of
 * a window of W moves take only W + 1 values, so the sums of short runs
 * repeat (over 600 quarterly bench series, 56% of the run tests found
 * their statistic here; with 4,096 slots 50%, 65,536 63%).  The memo of
 * a pure function, direct-mapped on the statistic's bits and the cap,
 * per thread; entries start with cap 0, which is never looked up. */
#define RUN_P_SLOTS 8192      /* 192 KB a thread */
struct run_p_entry {
	double t;
	int cap;
	double p;
};
static _Thread_local struct run_p_entry run_p_memo[RUN_P_SLOTS];

static double run_p_sum(double t_obs, int cap);

/* The run test calls the table up to 7 times per move (the checks of
 * assay_halfnormal_sum_q once, not on every call). */
double assay_run_p(double t_obs, int cap)
{
	if (cap < 2 || isnan(t_obs))
		return 1;
	if (cap > MAX_RUN)
		cap = MAX_RUN;
	if (!(t_obs > 0))
		return 0.5;     /* every H_k(0) = 1: P(K >= 2), exactly */
	uint64_t bits;
	memcpy(&bits, &t_obs, sizeof bits);
	bits ^= bits >> 29;
	bits *= 0x9e3779b97f4a7c15u;
	struct run_p_entry *e = &run_p_memo[(bits >> 40) % RUN_P_SLOTS ^ cap];
	if (e->cap == cap && e->t == t_obs)
		return e->p;
	e->t = t_obs;
	e->cap = cap;
	return e->p = run_p_sum(t_obs, cap);
}

/* The run test's p-value for t_obs > 0 and 2 <= cap <= MAX_RUN. */
static double run_p_sum(double t_obs, int cap)
{
	/* t_obs sqrt(k) is largest for k = cap, and rows 2..cap - 1 are
	 * filled at least as far as row cap */
	hs_need(cap, t_obs * sqrt((double)cap));
	double p = 0, w = 0.25;
	for (int k = 2; k < cap; k++, w /= 2)
		p += w * hs_tail(k, t_obs * sqrt((double)k));
	/* the capped run: P(K = cap) = 2^-(cap-1) = 2 * (the last w) */
	p += 2 * w * hs_tail(cap, t_obs * sqrt((double)cap));
	return p > 1 ? 1 : p;
}

