/* assay_init: the one-time set-up of the libraries under assay (GSL and
 * SQLite).  In a file of its own so that neither assay_fail (error.c) nor
 * assay_init_stats (init_stats.c) pulls SQLite into a program that uses
 * only the statistics. */
#include "assay/assay.h"
#include "store_internal.h"

void assay_init(void)
{
	assay_init_stats();
	store_configure_library();      /* SQLite: the store's business */
}
