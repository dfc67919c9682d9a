/* assay_init: the one-time set-up of the libraries under assay (GSL and
 * SQLite).  In a file of its own so that neither assay_fail (error.c) nor
 * assay_init_stats (init_stats.c) pulls SQLite into a program that uses
 * only the statistics. */
#include <sqlite3.h>

#include "assay/assay.h"

void assay_init(void)
{
	assay_init_stats();
	/* Each connection stays in one thread (scan -j opens one per
	 * thread), and SQLite's global memory statistics would take a mutex
	 * on every allocation. */
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
