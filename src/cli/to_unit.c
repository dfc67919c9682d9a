/* --to-unit (to_unit.h). */
#include "assay/units.h"
#include "cli.h"
#include "to_unit.h"

int cli_to_unit(const assay_series_info *info, const char *to, double *v,
		size_t n)
{
	assay_error err;
	if (!to)
		return 0;
	if (!info->unit || !info->unit[0])
		return cli_error(ASSAY_EUSAGE, "%s: --to-unit %s: the series has no "
				 "unit (import it with --unit)", info->name, to);
	if (assay_unit_convert_values(info->unit, to, v, n, &err))
		return cli_error(err.status, "%s: --to-unit: %s", info->name, err.msg);
	return 0;
}
