/* Shared option handling of `changes` and `check` (see judge_common.h). */
#include <math.h>
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

/* Month ordinal of the first (last) month of period p at frequency f. */
static int64_t month_bound(assay_freq f, assay_period p, int upper)
{
	switch (f) {
	case ASSAY_FREQ_A: return p * 12 + (upper ? 11 : 0);
	case ASSAY_FREQ_Q: return p * 3 + (upper ? 2 : 0);
	default: return p;
	}
}

assay_period jc_period_at(const struct jc_period *p, assay_freq f, int upper)
{
	int rl = assay_freq_rank(p->freq), rt = assay_freq_rank(f);
	if (rl <= rt)           /* the label is as fine or finer: convert */
		return assay_period_convert(p->freq, p->p, f);
	/* A coarser label: its first or last sub-period at f. */
	if (f == ASSAY_FREQ_D || f == ASSAY_FREQ_W) {
		int64_t m = month_bound(p->freq, p->p, upper) + (upper ? 1 : 0);
		int64_t y = m >= 0 ? m / 12 : -((-m + 11) / 12);
		int64_t d = assay_days_from_civil((int)y, (int)(m - y * 12) + 1, 1);
		return upper ? d - 1 : d;
	}
	int64_t m = month_bound(p->freq, p->p, upper);
	return assay_period_convert(ASSAY_FREQ_M, m, f);
}

int jc_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int push_name(char ***v, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		char **nv = realloc(*v, *cap * sizeof *nv);
		if (!nv)
			return -1;
		*v = nv;
	}
	if (!((*v)[*n] = strdup(s)))
		return -1;
	(*n)++;
	return 0;
}

/* qsort of pointers to the slots of a name vector: by name, then by slot,
 * so that the first occurrence of a name sorts first. */
static int by_name_ref(const void *a, const void *b)
{
	char **const *x = a, **const *y = b;
	int c = strcmp(**x, **y);
	return c ? c : (*x < *y ? -1 : *x > *y);
}

/* Drop repeated names, keeping the first of each, in O(n log n) (a glob
 * over 10,000 series must not cost 50 million comparisons). */
static void dedupe(char **v, size_t *n)
{
	if (*n < 2)
		return;
	char ***ref = malloc(*n * sizeof *ref);
	if (!ref)
		return;         /* duplicates are harmless, only slower */
	for (size_t i = 0; i < *n; i++)
		ref[i] = &v[i];
	qsort(ref, *n, sizeof *ref, by_name_ref);
	const char *kept = *ref[0];
	for (size_t i = 1; i < *n; i++) {
		if (!strcmp(*ref[i], kept)) {
			free(*ref[i]);
			*ref[i] = NULL;
		} else {
			kept = *ref[i];
		}
	}
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (v[i])
			v[k++] = v[i];
	*n = k;
	free(ref);
}

int jc_resolve(assay_store *st, char **args, int nargs, char ***names,
	       size_t *n)
{
	char **v = NULL;
	size_t nv = 0, cap = 0;
	assay_error err;
	int rc = 0;
	for (int a = 0; a < nargs; a++) {
		if (jc_is_glob(args[a])) {
			char **m = NULL;
			size_t nm = 0;
			const char *pat[1] = { args[a] };
			if (assay_store_series_match(st, pat, 1, &m, &nm, &err)) {
				rc = cli_report(&err);
				goto out;
			}
			if (nm == 0) {
				assay_strv_free(m, nm);
				rc = cli_error(ASSAY_EUSAGE,
					       "no series matches '%s'", args[a]);
				goto out;
			}
			for (size_t i = 0; i < nm; i++)
				if (push_name(&v, &nv, &cap, m[i]))
					rc = cli_error(ASSAY_EIO, "out of memory");
			assay_strv_free(m, nm);
			if (rc)
				goto out;
		} else {
			assay_series_info info;
			int f = assay_store_series_get(st, args[a], &info, &err);
			if (f < 0) {
				rc = cli_report(&err);
				goto out;
			}
			if (f == 0) {
				rc = cli_no_series(st, args[a], assay_store_path(st));
				goto out;
			}
			assay_series_info_release(&info);
			if (push_name(&v, &nv, &cap, args[a])) {
				rc = cli_error(ASSAY_EIO, "out of memory");
				goto out;
			}
		}
	}
out:
	if (rc) {
		assay_strv_free(v, nv);
		v = NULL;
		nv = 0;
	}
	dedupe(v, &nv);
	*names = v;
	*n = nv;
	return rc;
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
	assay_error err;
	int rc;
	*names = NULL;
	*n = 0;
	if ((rc = cli_open_store(&st, 1)))
		return rc;
	if (nargs > 0)
		rc = jc_resolve(st, args, nargs, names, n);
	else if (assay_store_series_match(st, NULL, 0, names, n, &err))
		rc = cli_report(&err);
	assay_store_close(st);
	return rc;
}
