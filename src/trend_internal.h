/*
 * What the trend files share (internal; see trend.c for the map).
 */
#ifndef ASSAY_TREND_INTERNAL_H
#define ASSAY_TREND_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "assay/trend.h"

#define ENOMEM_MSG "out of memory"

/* 0, or -1 with err filled when the input cannot be tested: fewer than
 * nmin or more than ASSAY_TREND_MAX_N points, a value not finite or past
 * 1e300 (differences must not overflow), times not increasing or past
 * 2^52. */
int assay_trend_check_input(const int64_t *t, const double *x, size_t n,
			    size_t nmin, assay_error *err);

/* Sort a[0..n) ascending with a bottom-up merge sort (buf: n doubles) and
 * return the number of pairs i < j (positions before sorting) with
 * a[i] > a[j] when `strict`, a[i] >= a[j] otherwise. */
int64_t assay_trend_inversions(double *a, double *buf, size_t n, int strict);

/* qsort comparison of doubles, ascending. */
int assay_trend_cmp_double(const void *a, const void *b);

/* Median of a sorted array: the mean of the middle two for even n. */
double assay_trend_median_sorted(const double *a, size_t n);

/* The median pairwise slope alone (for detrending in the variance
 * corrections); 0, or -1 when out of memory. */
int assay_trend_sen_median(const int64_t *t, const double *x, size_t n,
			   assay_trend_method method, double *med);

#endif
