/* assay_init_stats: what a program that uses only the statistics (the
 * verdict, trend tests, FDR, ...) needs set up; no SQLite, so that such
 * a program links with -lgsl -lgslcblas -lm alone.  assay_init (init.c)
 * calls it. */
#include <gsl/gsl_errno.h>

#include "assay/assay.h"

void assay_init_stats(void)
{
	/* GSL aborts on error by default; the manual recommends turning the
	 * handler off in production code and checking every status. */
	gsl_set_error_handler_off();
}
