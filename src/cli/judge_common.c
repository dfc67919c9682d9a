/* Shared option handling of the judging commands (see judge_common.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "judge_common.h"

int jc_period_parse(const char *cmd, const char *opt, const char *s,
		    struct jc_period *out)
{
	char why[128];
	if (assay_period_parse(s, NULL, &out->freq, &out->p, why, sizeof why))
		return cli_usage_error(cmd, "%s: cannot read period '%s': %s",
				       opt, s, why);
	out->set = 1;
	out->text = s;
	return 0;
}

assay_period jc_period_at(const struct jc_period *p, assay_freq f, int upper)
{
	return assay_period_bound(p->freq, p->p, f, upper);
}

const char *jc_freq_adj(assay_freq f)
{
	return assay_freq_adjective(f);
}

const char *jc_freq_change(assay_freq f)
{
	return assay_freq_change_tag(f);
}

int jc_as_of(const char *cmd, const char *s, char *buf, size_t n)
{
	assay_error err;
	if (assay_vintage_normalise(s, buf, n, &err))
		return cli_usage_error(cmd, "--as-of: %s", err.msg);
	return 0;
}

