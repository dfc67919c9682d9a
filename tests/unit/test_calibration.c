/*
 * Calibration of the verdict (METHODS.md section 4, issue 3): on simulated
 * series where nothing happened, a test at alpha = 0.05 must call about 5%
 * of moves notable -- between 3.5% and 6.5% -- for each kind of null
 * series below, and flag a 4-sigma one-off shock on Gaussian changes at
 * least 90% of the time.
 *
 * Each simulated series has W + run_max + 2 = 30 changes of quarterly
 * data (seasons 0..3; monthly: 70, for the 5-year seasonal window), and
 * only its last move is judged, with the default
 * options (W = 20, min history 8, --seasonal auto, AR(1) on, trend share
 * 0.1, run_max 8): one independent trial per series.  The generator is
 * GSL's MT19937 with fixed seeds, so the table is reproducible; it is
 * printed to stdout and copied into tests/README-analysis.md.
 *
 * The kinds of null series (sigma = 1 throughout):
 *   gaussian   iid N(0, 1)
 *   t3         iid Student t with 3 degrees of freedom (heavy tails)
 *   ar1        AR(1) changes, phi = 0.5 (after a burn-in of 200)
 *   drift      mean change 1 plus a slowly wandering drift (a random
 *              walk with N(0, 0.1^2) steps), plus N(0, 1) noise
 *   garch      GARCH(1,1): omega 0.05, alpha 0.10, beta 0.85, Gaussian
 *              innovations (after a burn-in of 500): volatility clusters
 *   seasonal   quarterly means (+2, -1, -2, +1) plus N(0, 1), random phase
 * and, beyond the list, the other frequencies:
 *   gaussian-M  monthly iid N(0, 1) (12 seasons tested; 70 changes)
 *   seasonal-M  monthly means 1.5 sin(2 pi month / 12) plus N(0, 1)
 *   gaussian-A  annual iid N(0, 1) (no seasons)
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "assay/assay.h"
#include "assay/verdict.h"

#define NSERIES 10000           /* per kind: sd of a 5% rate = 0.0022 */
#define MAXLEN 70               /* monthly: 5 years + run_max + 2 */

enum kind { K_GAUSS, K_T3, K_AR1, K_DRIFT, K_GARCH, K_SEASONAL,
	    K_GAUSS_M, K_SEASONAL_M, K_GAUSS_A, NKINDS };
static const char *kind_name[NKINDS] = {
	"gaussian", "t3", "ar1", "drift", "garch", "seasonal",
	"gaussian-M", "seasonal-M", "gaussian-A"
};
/* changes per series: W + run_max + 2, and for monthly data the seasonal
 * window of 5 years instead of W */
static const int kind_len[NKINDS] = { 30, 30, 30, 30, 30, 30, 70, 70, 30 };
static const int kind_seasons[NKINDS] = { 4, 4, 4, 4, 4, 4, 12, 12, 0 };

static void simulate(gsl_rng *rng, enum kind k, double *r, int *season)
{
	const int LEN = kind_len[k], ns = kind_seasons[k] ? kind_seasons[k] : 1;
	int off = (int)gsl_rng_uniform_int(rng, (unsigned long)(ns < 4 ? 4 : ns));
	for (int i = 0; i < LEN; i++)
		season[i] = (i + off) % ns;
	switch (k) {
	case K_GAUSS_M:
	case K_GAUSS_A:
	case K_GAUSS:
		for (int i = 0; i < LEN; i++)
			r[i] = gsl_ran_gaussian(rng, 1);
		break;
	case K_T3:
		for (int i = 0; i < LEN; i++)
			r[i] = gsl_ran_tdist(rng, 3);
		break;
	case K_AR1: {
		double x = 0;
		for (int i = -200; i < LEN; i++) {
			x = 0.5 * x + gsl_ran_gaussian(rng, 1);
			if (i >= 0)
				r[i] = x;
		}
		break;
	}
	case K_DRIFT: {
		double mu = 1;
		for (int i = 0; i < LEN; i++) {
			mu += gsl_ran_gaussian(rng, 0.1);
			r[i] = mu + gsl_ran_gaussian(rng, 1);
		}
		break;
	}
	case K_GARCH: {
		const double om = 0.05, a = 0.10, b = 0.85;
		double h = om / (1 - a - b), x;
		for (int i = -500; i < LEN; i++) {
			x = sqrt(h) * gsl_ran_gaussian(rng, 1);
			h = om + a * x * x + b * h;
			if (i >= 0)
				r[i] = x;
		}
		break;
	}
	case K_SEASONAL: {
		static const double s[4] = { 2, -1, -2, 1 };
		for (int i = 0; i < LEN; i++)
			r[i] = s[season[i]] + gsl_ran_gaussian(rng, 1);
		break;
	}
	case K_SEASONAL_M:
		for (int i = 0; i < LEN; i++)
			r[i] = 1.5 * sin(2 * M_PI * season[i] / 12) +
			       gsl_ran_gaussian(rng, 1);
		break;
	default:
		break;
	}
}

/* Fractions of series whose last move is called notable at alpha = 0.05
 * (the verdict) and at 0.01 (p <= 0.01: the verdict is notable exactly
 * when p <= alpha, which is asserted on every series). */
static void rate(enum kind k, double shock, unsigned long seed,
		 double *r05, double *r01, double *seas_rate)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	assay_judge_opts o;
	assay_judge_opts_init(&o);
	o.seasons = kind_seasons[k];
	o.freq = o.seasons == 12 ? ASSAY_FREQ_M : o.seasons ? ASSAY_FREQ_Q
							  : ASSAY_FREQ_A;
	const int LEN = kind_len[k];
	double r[MAXLEN];
	int season[MAXLEN];
	assay_judgement j[MAXLEN];
	assay_error err;
	int hits = 0, hits01 = 0, seas = 0;
	for (int s = 0; s < NSERIES; s++) {
		simulate(rng, k, r, season);
		r[LEN - 1] += shock;
		assert_int_equal(assay_judge(NULL, r, o.seasons ? season : NULL,
					     (size_t)LEN, (size_t)LEN - 1, &o,
					     j, &err), 0);
		const assay_judgement *J = &j[LEN - 1];
		assert_int_equal(J->why, ASSAY_JUDGED);
		int notable = J->verdict == ASSAY_VERDICT_SHOCK ||
			      J->verdict == ASSAY_VERDICT_TREND;
		assert_int_equal(notable, J->p <= o.alpha);
		hits += notable;
		hits01 += J->p <= 0.01;
		seas += J->seasonal;
	}
	gsl_rng_free(rng);
	*r05 = (double)hits / NSERIES;
	*r01 = (double)hits01 / NSERIES;
	if (seas_rate)
		*seas_rate = (double)seas / NSERIES;
}

static void test_calibration(void **state)
{
	(void)state;
	double fpr[NKINDS], fpr01[NKINDS], seas[NKINDS], power, power01;
	for (int k = 0; k < NKINDS; k++)
		rate(k, 0, 1000 + k, &fpr[k], &fpr01[k], &seas[k]);
	rate(K_GAUSS, 4, 3000, &power, &power01, NULL);

	printf("calibration: %d null series per kind, last move judged, "
	       "W = 20, --seasonal auto; quarterly unless -M (monthly) or "
	       "-A (annual)\n", NSERIES);
	printf("%-10s %10s %10s %12s\n", "kind", "FPR(0.05)", "FPR(0.01)",
	       "seasonal");
	for (int k = 0; k < NKINDS; k++)
		printf("%-10s %10.4f %10.4f %12.4f\n", kind_name[k], fpr[k],
		       fpr01[k], seas[k]);
	printf("%-10s %10.4f %10.4f   (4-sigma shock, Gaussian)\n", "power",
	       power, power01);
	fflush(stdout);

	for (int k = 0; k < NKINDS; k++) {
		if (fpr[k] < 0.035 || fpr[k] > 0.065)
			fail_msg("%s: false-positive rate %.4f outside [0.035, 0.065]",
				 kind_name[k], fpr[k]);
	}
	if (power < 0.90)
		fail_msg("power %.4f below 0.90", power);
}

int main(void)
{
	assay_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calibration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
