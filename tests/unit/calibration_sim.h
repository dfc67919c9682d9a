/*
 * The simulated series of the verdict's calibration,
 * shared by tests/unit/test_calibration.c (which pins the targets) and
 * the table printer behind scripts/calibrate.
 *
 * Each series has LEN changes (30 quarterly: the W = 20 window, the
 * run_max = 8 moves the trend test reaches back, and two more; monthly
 * 70, for the 5-year seasonal window) and only its last move is judged,
 * with the default options: one independent trial per series.  The
 * generator is GSL's MT19937 with a fixed seed per family, so the table
 * is reproducible.  sigma = 1 is the sd of the current regime's
 * innovations throughout; a shock adds `shock` sigma (sign random) to
 * the last change.
 *
 * Past events in the window are placed at a random age (1 = the move
 * before the judged one, 20 = the oldest in the W = 20 window):
 *   outlier  one change of 5 to 8 sigma (uniform, random sign): a crash
 *            that stayed (the level moved once)
 *   spike    a level spike that reverted: +k then -k sigma in two
 *            consecutive changes, k uniform in 5..8
 *   splice   a permanent level step of 10 to 30 sigma (a source change)
 *   louder   an earlier regime with twice the volatility, older than a
 *            break at age 6..14 (uniform): today is the calm one
 *   calmer   an earlier regime with half the volatility (today is the
 *            louder one), break at age 6..14
 *   outlier, and one older (monthly): a 5-8 sigma move at age 1..20 and
 *            another at age 21..60, in the five years the seasonal test
 *            reads but not in the W window
 */
#ifndef CALIBRATION_SIM_H
#define CALIBRATION_SIM_H

#include <math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "assay/verdict.h"

#define CAL_MAXLEN 70

enum cal_base {
	B_GAUSS, B_T25, B_T3, B_T4, B_AR_POS, B_AR_NEG, B_GARCH, B_GARCH_T,
	B_SEASONAL, B_DRIFT, B_DRIFT_STRONG, B_GAUSS_M, B_SEASONAL_M, B_GAUSS_A,
	B_SEASONAL_M_T, B_SEASONAL_WEAK, B_SEASONAL_WEAK_T, B_SEASONAL_M_WEAK
};
enum cal_event { E_NONE, E_OUTLIER, E_SPIKE, E_SPLICE, E_LOUDER, E_CALMER,
		 E_OUTLIER_OLD };

/* What the family is held to (the targets in the README's "How the
 * verdict is calibrated"); T_*_OPEN: a target the method does not reach
 * yet, printed but not asserted. */
enum cal_target {
	T_NULL,         /* FPR in [0.035, 0.065] at 0.05, [0.006, 0.015] at 0.01 */
	T_NULL_HEAVY,   /* the same, but the 0.01 band is not reached (open) */
	T_EVENT,        /* FPR in [0.01, 0.065] at 0.05 */
	T_EVENT_OPEN,   /* the same, not reached (open) */
	T_POWER_CLEAN,  /* power >= 0.85 */
	T_POWER_REL,    /* power >= 0.8 of the known-sigma z-test's */
	T_POWER_EVENT,  /* power >= 0.75 */
	T_POWER_OPEN,   /* power >= 0.75, not reached (open) */
	T_NULL_OPEN,    /* FPR in [0.035, 0.065] at 0.05, not reached (open) */
	T_POWER_CLEAN_OPEN      /* power >= 0.85, not reached (open) */
};

struct cal_family {
	const char *name;
	const char *what;
	enum cal_base base;
	enum cal_event event;
	double shock;           /* 0: a null family */
	enum cal_target target;
};

static const struct cal_family cal_families[] = {
	{ "gaussian", "iid N(0,1)", B_GAUSS, E_NONE, 0, T_NULL },
	{ "t2.5", "iid Student t, 2.5 df", B_T25, E_NONE, 0, T_NULL_HEAVY },
	{ "t3", "iid Student t, 3 df", B_T3, E_NONE, 0, T_NULL_HEAVY },
	{ "t4", "iid Student t, 4 df", B_T4, E_NONE, 0, T_NULL_HEAVY },
	{ "ar+0.5", "AR(1), phi = +0.5", B_AR_POS, E_NONE, 0, T_NULL },
	{ "ar-0.4", "AR(1), phi = -0.4", B_AR_NEG, E_NONE, 0, T_NULL },
	{ "garch", "GARCH(1,1) 0.05/0.10/0.85, normal", B_GARCH, E_NONE, 0, T_NULL },
	{ "garch-t", "GARCH(1,1) 0.05/0.15/0.80, t5 innovations", B_GARCH_T, E_NONE, 0, T_NULL_HEAVY },
	{ "seasonal", "quarterly means +2,-1,-2,+1", B_SEASONAL, E_NONE, 0, T_NULL },
	{ "drift", "mean 1, wandering (steps 0.1)", B_DRIFT, E_NONE, 0, T_NULL },
	{ "drift-strong", "random walk, drift 5 sigma a quarter", B_DRIFT_STRONG, E_NONE, 0, T_NULL },
	{ "gaussian-M", "monthly iid N(0,1)", B_GAUSS_M, E_NONE, 0, T_NULL },
	{ "seasonal-M", "monthly means 1.5 sin", B_SEASONAL_M, E_NONE, 0, T_NULL },
	{ "gaussian-A", "annual iid N(0,1)", B_GAUSS_A, E_NONE, 0, T_NULL },
	{ "outlier", "Gaussian, one past 5-8 sigma move", B_GAUSS, E_OUTLIER, 0, T_EVENT },
	{ "outlier-t4", "t4, one past 5-8 sigma move", B_T4, E_OUTLIER, 0, T_EVENT },
	{ "outlier-ar", "AR(1) +0.5, one past 5-8 sigma move", B_AR_POS, E_OUTLIER, 0, T_EVENT },
	{ "spike", "Gaussian, a past 5-8 sigma spike and reversal", B_GAUSS, E_SPIKE, 0, T_EVENT },
	{ "splice", "Gaussian, a past 10-30 sigma level step", B_GAUSS, E_SPLICE, 0, T_EVENT },
	{ "louder-before", "Gaussian, earlier regime 2x volatility", B_GAUSS, E_LOUDER, 0, T_EVENT },
	{ "calmer-before", "Gaussian, earlier regime 0.5x volatility", B_GAUSS, E_CALMER, 0, T_EVENT_OPEN },
	{ "P4:gaussian", "4-sigma shock, Gaussian", B_GAUSS, E_NONE, 4, T_POWER_CLEAN },
	{ "P3:gaussian", "3-sigma shock, Gaussian", B_GAUSS, E_NONE, 3, T_POWER_REL },
	{ "P4:ar+0.5", "4-sigma shock, AR(1) +0.5", B_AR_POS, E_NONE, 4, T_POWER_CLEAN },
	{ "P4:seasonal", "4-sigma shock, seasonal", B_SEASONAL, E_NONE, 4, T_POWER_CLEAN },
	{ "P4:outlier", "4-sigma shock after a past 5-8 sigma move", B_GAUSS, E_OUTLIER, 4, T_POWER_EVENT },
	{ "P4:spike", "4-sigma shock after a past spike", B_GAUSS, E_SPIKE, 4, T_POWER_EVENT },
	{ "P4:splice", "4-sigma shock after a past level step", B_GAUSS, E_SPLICE, 4, T_POWER_EVENT },
	{ "P4:louder-before", "4-sigma shock after a 2x louder regime", B_GAUSS, E_LOUDER, 4, T_POWER_OPEN },
	{ "outlier-M", "monthly, a past 5-8 sigma move and an older one", B_GAUSS_M, E_OUTLIER_OLD, 0, T_EVENT },
	{ "P4:outlier-M", "4-sigma shock, monthly, the same two past moves", B_GAUSS_M, E_OUTLIER_OLD, 4, T_POWER_EVENT },
	{ "seasonal-M-2", "seasonal monthly, the same two past moves", B_SEASONAL_M, E_OUTLIER_OLD, 0, T_EVENT },
	{ "P4:seasonal-M-2", "4-sigma shock, seasonal monthly, two past moves", B_SEASONAL_M, E_OUTLIER_OLD, 4, T_POWER_EVENT },
	{ "t2.5-seasonal-M", "monthly means 3.5 sin, Student t 2.5 df", B_SEASONAL_M_T, E_NONE, 0, T_NULL_HEAVY },
	{ "louder-before-M", "monthly, earlier regime 2x volatility", B_GAUSS_M, E_LOUDER, 0, T_EVENT_OPEN },
	/* seasonal series with a past shock: screened on their seasonal
	 * residuals (rule 1a); appended, so the families above keep their
	 * seeds */
	{ "outlier-seas", "seasonal quarterly, one past 5-8 sigma move", B_SEASONAL, E_OUTLIER, 0, T_EVENT },
	{ "P4:outlier-seas", "4-sigma shock, seasonal quarterly, past move", B_SEASONAL, E_OUTLIER, 4, T_POWER_EVENT },
	{ "spike-seas", "seasonal quarterly, a past spike and reversal", B_SEASONAL, E_SPIKE, 0, T_EVENT },
	{ "P4:spike-seas", "4-sigma shock, seasonal quarterly, past spike", B_SEASONAL, E_SPIKE, 4, T_POWER_EVENT },
	{ "splice-seas", "seasonal quarterly, a past level step", B_SEASONAL, E_SPLICE, 0, T_EVENT },
	{ "P4:splice-seas", "4-sigma shock, seasonal quarterly, past step", B_SEASONAL, E_SPLICE, 4, T_POWER_EVENT },
	{ "outlier-seasM", "seasonal monthly, one past 5-8 sigma move", B_SEASONAL_M, E_OUTLIER, 0, T_EVENT },
	{ "P4:outlier-seasM", "4-sigma shock, seasonal monthly, past move", B_SEASONAL_M, E_OUTLIER, 4, T_POWER_EVENT },
	/* weak seasons, which the seasonal test finds in some windows and
	 * not in others: chosen on the window alone, the seasonal means
	 * overfit it there (README, "What it still cannot do") */
	{ "seasonal-weak", "quarterly means +1,-0.5,-1,+0.5", B_SEASONAL_WEAK, E_NONE, 0, T_NULL },
	{ "t2.5-seasonal-weak", "quarterly means +1,-0.5,-1,+0.5, Student t 2.5 df", B_SEASONAL_WEAK_T, E_NONE, 0, T_NULL_HEAVY },
	{ "seasonal-M-weak", "monthly means 0.75 sin", B_SEASONAL_M_WEAK, E_NONE, 0, T_NULL },
	{ "P4:seasonal-weak", "4-sigma shock, quarterly means +1,-0.5,-1,+0.5", B_SEASONAL_WEAK, E_NONE, 4, T_POWER_CLEAN_OPEN },
};
#define CAL_NFAMILIES ((int)(sizeof cal_families / sizeof cal_families[0]))

static int cal_len(enum cal_base b)
{
	return b == B_GAUSS_M || b == B_SEASONAL_M || b == B_SEASONAL_M_T ||
	       b == B_SEASONAL_M_WEAK ? 70 : 30;
}

static int cal_seasons(enum cal_base b)
{
	return b == B_GAUSS_M || b == B_SEASONAL_M || b == B_SEASONAL_M_T ||
	       b == B_SEASONAL_M_WEAK ? 12 : b == B_GAUSS_A ? 0 : 4;
}

/* The innovations of the base process into r[0..len), with a volatility
 * multiplier vol[i]. */
static void cal_base(gsl_rng *rng, enum cal_base b, int len, const int *season,
		     const double *vol, double *r)
{
	switch (b) {
	case B_T25:
	case B_T3:
	case B_T4: {
		double nu = b == B_T25 ? 2.5 : b == B_T3 ? 3 : 4;
		for (int i = 0; i < len; i++)
			r[i] = vol[i] * gsl_ran_tdist(rng, nu);
		break;
	}
	case B_AR_POS:
	case B_AR_NEG: {
		double phi = b == B_AR_POS ? 0.5 : -0.4, x = 0;
		for (int i = -200; i < len; i++) {
			x = phi * x + (i >= 0 ? vol[i] : 1) * gsl_ran_gaussian(rng, 1);
			if (i >= 0)
				r[i] = x;
		}
		break;
	}
	case B_GARCH:
	case B_GARCH_T: {
		double om = 0.05, a = b == B_GARCH ? 0.10 : 0.15;
		double be = b == B_GARCH ? 0.85 : 0.80;
		double h = om / (1 - a - be), x;
		/* t5 innovations scaled to variance 1 */
		double ts = sqrt(3.0 / 5.0);
		for (int i = -500; i < len; i++) {
			double z = b == B_GARCH ? gsl_ran_gaussian(rng, 1)
						: ts * gsl_ran_tdist(rng, 5);
			x = sqrt(h) * z;
			h = om + a * x * x + be * h;
			if (i >= 0)
				r[i] = x;
		}
		break;
	}
	case B_SEASONAL: {
		static const double s[4] = { 2, -1, -2, 1 };
		for (int i = 0; i < len; i++)
			r[i] = s[season[i]] + vol[i] * gsl_ran_gaussian(rng, 1);
		break;
	}
	case B_SEASONAL_WEAK:
	case B_SEASONAL_WEAK_T: {
		static const double s[4] = { 1, -0.5, -1, 0.5 };
		for (int i = 0; i < len; i++)
			r[i] = s[season[i]] + vol[i] * (b == B_SEASONAL_WEAK
				? gsl_ran_gaussian(rng, 1) : gsl_ran_tdist(rng, 2.5));
		break;
	}
	case B_SEASONAL_M_WEAK:
		for (int i = 0; i < len; i++)
			r[i] = 0.75 * sin(2 * M_PI * season[i] / 12) +
			       vol[i] * gsl_ran_gaussian(rng, 1);
		break;
	case B_SEASONAL_M_T:
		for (int i = 0; i < len; i++)
			r[i] = 3.5 * sin(2 * M_PI * season[i] / 12) +
			       vol[i] * gsl_ran_tdist(rng, 2.5);
		break;
	case B_SEASONAL_M:
		for (int i = 0; i < len; i++)
			r[i] = 1.5 * sin(2 * M_PI * season[i] / 12) +
			       vol[i] * gsl_ran_gaussian(rng, 1);
		break;
	case B_DRIFT:
	case B_DRIFT_STRONG: {
		double mu = b == B_DRIFT ? 1 : 5;
		for (int i = 0; i < len; i++) {
			mu += gsl_ran_gaussian(rng, 0.1);
			r[i] = mu + vol[i] * gsl_ran_gaussian(rng, 1);
		}
		break;
	}
	default:
		for (int i = 0; i < len; i++)
			r[i] = vol[i] * gsl_ran_gaussian(rng, 1);
	}
}

static double cal_sign(gsl_rng *rng)
{
	return gsl_rng_uniform(rng) < 0.5 ? -1 : 1;
}

/* One series of family f into r[0..len) and season[]; returns len. */
static int cal_simulate(gsl_rng *rng, const struct cal_family *f, double *r,
			int *season)
{
	const int len = cal_len(f->base), ns = cal_seasons(f->base);
	int nsm = ns ? ns : 1;
	int off = (int)gsl_rng_uniform_int(rng, (unsigned long)(nsm < 4 ? 4 : nsm));
	double vol[CAL_MAXLEN];
	for (int i = 0; i < len; i++) {
		season[i] = (i + off) % nsm;
		vol[i] = 1;
	}
	const int t = len - 1;          /* the judged move */
	if (f->event == E_LOUDER || f->event == E_CALMER) {
		int age = 6 + (int)gsl_rng_uniform_int(rng, 9);   /* 6..14 */
		for (int i = 0; i < t - age + 1; i++)
			vol[i] = f->event == E_LOUDER ? 2 : 0.5;
	}
	cal_base(rng, f->base, len, season, vol, r);
	if (f->event == E_OUTLIER_OLD) {
		int age = 21 + (int)gsl_rng_uniform_int(rng, 40); /* 21..60 */
		r[t - age] += (5 + 3 * gsl_rng_uniform(rng)) * cal_sign(rng);
	}
	if (f->event == E_OUTLIER || f->event == E_SPIKE || f->event == E_SPLICE ||
	    f->event == E_OUTLIER_OLD) {
		int age = 1 + (int)gsl_rng_uniform_int(rng, 20);  /* 1..20 */
		double k = f->event == E_SPLICE ? 10 + 20 * gsl_rng_uniform(rng)
						: 5 + 3 * gsl_rng_uniform(rng);
		k *= cal_sign(rng);
		r[t - age] += k;
		if (f->event == E_SPIKE) {
			if (age >= 2)
				r[t - age + 1] -= k;
			else
				r[t - age - 1] += k, r[t - age] -= 2 * k;
		}
	}
	if (f->shock)
		r[t] += f->shock * cal_sign(rng);
	return len;
}

/* Known-sigma z-test power against a shock of d sigma at level a. */
static inline double cal_z_power(double d, double a)
{
	double z = gsl_cdf_ugaussian_Qinv(a / 2);
	return gsl_cdf_ugaussian_Q(z - d) + gsl_cdf_ugaussian_P(-z - d);
}

struct cal_result {
	double r05, r01;        /* notable at alpha 0.05, p <= 0.01 */
	double set_aside;       /* share with past shocks set aside */
};

/* Judge the last move of n series of family k (seed 1000 + k). Returns
 * -1 on an inconsistency (a move not judged, or a verdict that
 * disagrees with p <= alpha), else 0. */
static int cal_run(int k, int n, const assay_judge_opts *base, struct cal_result *out)
{
	const struct cal_family *f = &cal_families[k];
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 1000 + (unsigned long)k);
	assay_judge_opts o = *base;
	o.seasons = cal_seasons(f->base);
	o.freq = o.seasons == 12 ? ASSAY_FREQ_M : o.seasons ? ASSAY_FREQ_Q
							  : ASSAY_FREQ_A;
	double r[CAL_MAXLEN];
	int season[CAL_MAXLEN];
	assay_judgement j[CAL_MAXLEN];
	assay_error err;
	int hits = 0, hits01 = 0, aside = 0, rc = 0;
	for (int s = 0; s < n; s++) {
		int len = cal_simulate(rng, f, r, season);
		if (assay_judge(NULL, r, o.seasons ? season : NULL, (size_t)len,
				(size_t)len - 1, &o, j, &err)) {
			rc = -1;
			break;
		}
		const assay_judgement *J = &j[len - 1];
		if (J->why != ASSAY_JUDGED) {
			rc = -1;
			break;
		}
		int notable = J->verdict == ASSAY_VERDICT_SHOCK ||
			      J->verdict == ASSAY_VERDICT_TREND;
		if (notable != (J->p <= o.alpha)) {
			rc = -1;
			break;
		}
		hits += notable;
		hits01 += J->p <= 0.01;
		aside += J->n_set_aside > 0;
	}
	gsl_rng_free(rng);
	out->r05 = (double)hits / n;
	out->r01 = (double)hits01 / n;
	out->set_aside = (double)aside / n;
	return rc;
}

#endif
