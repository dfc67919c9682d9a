/* --to-unit of export, changes and plot (derive has its own, in the
 * library): a series' values converted from its unit. */
#ifndef ASSAY_CLI_TO_UNIT_H
#define ASSAY_CLI_TO_UNIT_H

#include <stddef.h>
#include "assay/store.h"

/* Convert v[0..n) of series `info` to unit `to` (NULL: do nothing).
 * Returns 0, or prints "assay: SERIES: ..." and returns 2. */
int cli_to_unit(const assay_series_info *info, const char *to, double *v,
		size_t n);

#endif
