/*
 * Series arguments to series names: the one resolver of every command that
 * takes SERIES (names and glob patterns).  See cli_resolve_series in cli.h.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

struct namev {
	char **v;
	size_t n, cap;
};

/* Take ownership of s. */
static void push_owned(struct namev *nv, char *s)
{
	if (nv->n == nv->cap) {
		nv->cap = nv->cap ? 2 * nv->cap : 16;
		nv->v = cli_xrealloc(nv->v, nv->cap * sizeof *nv->v);
	}
	nv->v[nv->n++] = s;
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
	char ***ref = cli_xmalloc(*n * sizeof *ref);
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

/* The series matching pattern (NULL: every series) onto nv; 1 when none. */
static int push_matches(assay_store *st, const char *pattern,
			struct namev *nv, int *rc)
{
	char **m = NULL;
	size_t nm = 0;
	assay_error err;
	const char *pat[1] = { pattern };
	if (assay_store_series_match(st, pattern ? pat : NULL, pattern ? 1 : 0,
				     &m, &nm, &err)) {
		*rc = cli_report(&err);
		return 0;
	}
	for (size_t i = 0; i < nm; i++)
		push_owned(nv, m[i]);
	free(m);
	return nm == 0;
}

/* 1 when `name` is a series of the store, 0 when not, -1 (reported) on
 * a database error. */
static int exists(assay_store *st, const char *name, int *rc)
{
	assay_series_info info;
	assay_error err;
	int f = assay_store_series_get(st, name, &info, &err);
	if (f < 0) {
		*rc = cli_report(&err);
		return -1;
	}
	if (f)
		assay_series_info_release(&info);
	return f;
}

/* The pattern that matches name s alone: each of * ? [ bracketed. */
static char *glob_escape(const char *s)
{
	char *e = cli_xmalloc(3 * strlen(s) + 1), *o = e;
	for (; *s; s++) {
		if (strchr("*?[", *s)) {
			*o++ = '[';
			*o++ = *s;
			*o++ = ']';
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	return e;
}

/* A pattern that is also the name of a series means the series it
 * matches (m), as it does everywhere (rm too: what rm --dry-run lists is
 * what rm removes); when that is more or other than the series of that
 * name, say how to name it alone, for whoever meant it. */
static void note_name_too(assay_store *st, const char *arg, char **m,
			  size_t matched)
{
	int rc = 0;
	if (cli.quiet || (matched == 1 && !strcmp(m[0], arg)) ||
	    exists(st, arg, &rc) != 1)
		return;
	char *e = glob_escape(arg);
	cli_message("assay: note: ", "'%s' is a pattern (%zu series match%s it); "
		    "the series named '%s' alone is '%s'", arg, matched,
		    matched == 1 ? "es" : "", arg, e);
	free(e);
}

static int resolve_one(assay_store *st, const char *arg, unsigned flags,
		       struct namev *nv)
{
	const char *db = assay_store_path(st);
	int rc = 0, f;
	if (!cli_is_glob(arg)) {
		if ((f = exists(st, arg, &rc)) < 0)
			return rc;
		if (!f)
			return cli_no_series(st, arg, db);
		push_owned(nv, cli_xstrdup(arg));
		return 0;
	}
	size_t before = nv->n;
	if (push_matches(st, arg, nv, &rc))
		return (flags & CLI_RESOLVE_NAME_STORE)
			? cli_error(ASSAY_EUSAGE, "no series matches '%s' in %s", arg, db)
			: cli_error(ASSAY_EUSAGE, "no series matches '%s'", arg);
	if (!rc)
		note_name_too(st, arg, nv->v + before, nv->n - before);
	return rc;
}

int cli_series_multi(char **args, int nargs)
{
	for (int a = 0; a < nargs; a++)
		if (cli_is_glob(args[a]))
			return 1;
	return nargs > 1;
}

int cli_resolve_series(assay_store *st, char **args, int nargs,
		       unsigned flags, char ***names, size_t *n)
{
	struct namev nv = { 0 };
	int rc = 0;
	*names = NULL;
	*n = 0;
	if (nargs == 0 && (flags & CLI_RESOLVE_ALL)) {
		if (push_matches(st, NULL, &nv, &rc) && (flags & CLI_RESOLVE_NONEMPTY))
			rc = cli_error(ASSAY_EUSAGE, "no series in %s", assay_store_path(st));
	}
	int missed = 0;
	for (int a = 0; a < nargs && !rc; a++) {
		/* names are stored in NFC: so is the argument read (a name
		 * typed on macOS comes decomposed) */
		char *nfc = assay_utf8_is_ascii(args[a]) ? NULL : assay_utf8_nfc(args[a]);
		rc = resolve_one(st, nfc ? nfc : args[a], flags, &nv);
		free(nfc);
		if (rc == ASSAY_EUSAGE && (flags & CLI_RESOLVE_GO_ON)) {
			missed = rc;
			rc = 0;
		}
	}
	if (rc) {
		assay_strv_free(nv.v, nv.n);
		return rc;
	}
	dedupe(nv.v, &nv.n);
	*names = nv.v;
	*n = nv.n;
	return missed;
}
