/*
 * Benchmark driver for scripts/bench-trend (not a test): Mann-Kendall and
 * Sen's slope with its CI on one series read from a CSV file "t,x" (t the
 * period ordinal), through libassay.  Prints one line of key=value pairs:
 * the results (to compare with scipy's), the seconds each step took and
 * the peak resident memory of the process (getrusage, kB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "assay/trend.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_trend FILE.csv\n");
		return 2;
	}
	FILE *fp = fopen(argv[1], "r");
	if (!fp) {
		perror(argv[1]);
		return 2;
	}
	size_t cap = 1024, n = 0;
	int64_t *t = malloc(cap * sizeof *t);
	double *x = malloc(cap * sizeof *x);
	char line[256];
	while (fgets(line, sizeof line, fp)) {
		long long a;
		double b;
		if (sscanf(line, "%lld,%lf", &a, &b) != 2)
			continue;       /* header */
		if (n == cap) {
			cap *= 2;
			t = realloc(t, cap * sizeof *t);
			x = realloc(x, cap * sizeof *x);
		}
		t[n] = a;
		x[n++] = b;
	}
	fclose(fp);

	assay_init();
	assay_trend_opts o;
	assay_mk mk;
	assay_sen sen;
	assay_error err;
	assay_trend_opts_init(&o);
	o.units_per_year = 365.25;

	double t0 = now();
	if (assay_mk_test(t, x, n, &o, &mk, &err)) {
		fprintf(stderr, "bench_trend: %s\n", err.msg);
		return 1;
	}
	double t1 = now();
	if (assay_sen_slope(t, x, n, &o, mk.var_s, &sen, &err)) {
		fprintf(stderr, "bench_trend: %s\n", err.msg);
		return 1;
	}
	double t2 = now();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("n=%zu S=%lld var_s=%.17g tau_b=%.17g slope=%.17g lo=%.17g "
	       "hi=%.17g intercept=%.17g fast=%d mk_s=%.6f sen_s=%.6f "
	       "total_s=%.6f maxrss_kb=%ld\n",
	       n, (long long)mk.s, mk.var_s, mk.tau_b, sen.slope, sen.lo, sen.hi,
	       sen.intercept, sen.fast, t1 - t0, t2 - t1, t2 - t0, ru.ru_maxrss);
	free(t);
	free(x);
	return 0;
}
