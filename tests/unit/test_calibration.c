/* prototype driver (rewritten below when the method is fixed) */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include "assay/assay.h"
#include "calibration_sim.h"

static void test_calibration(void **state)
{
	(void)state;
	assay_judge_opts o;
	assay_judge_opts_init(&o);
	const char *e;
	if ((e = getenv("P_CUT"))) o.set_aside = atof(e);
	int n = getenv("ASSAY_CALIBRATION_N") ? atoi(getenv("ASSAY_CALIBRATION_N")) : 10000;
	for (int k = 0; k < CAL_NFAMILIES; k++) {
		struct cal_result r;
		assert_int_equal(cal_run(k, n, &o, &r), 0);
		printf("%-18s %7.4f %7.4f  aside %.3f\n", cal_families[k].name, r.r05, r.r01, r.set_aside);
	}
}

int main(void)
{
	assay_init();
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_calibration) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
