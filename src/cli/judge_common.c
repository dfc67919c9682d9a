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

int jc_is_glob(const char *s)
{
	return cli_is_glob(s);
}

int jc_resolve(assay_store *st, char **args, int nargs, char ***names,
	       size_t *n)
{
	return cli_resolve_series(st, args, nargs, 0, names, n);
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

int jc_resolve_or_all(char **args, int nargs, char ***names, size_t *n)
{
	assay_store *st;
	int rc;
	*names = NULL;
	*n = 0;
	if ((rc = cli_open_store(&st, 1)))
		return rc;
	rc = cli_resolve_series(st, args, nargs, CLI_RESOLVE_ALL, names, n);
	assay_store_close(st);
	return rc;
}
