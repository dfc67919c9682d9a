/*
 * Reading the analysis fixtures (tests/fixtures/analysis/, written by
 * scripts/make-fixtures-analysis from pandas, scipy and statsmodels):
 * plain comma-separated files without quoting, "" for NA.  Header-only,
 * for the test_*.c of the analysis modules.
 */
#ifndef ASSAY_TEST_ANALYSIS_FIXTURE_H
#define ASSAY_TEST_ANALYSIS_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/assay.h"
#include "assay/store.h"

struct fx_table {
	char *buf;              /* the file, cut into cells in place */
	char **cell;            /* row-major, header row first */
	size_t nrows;           /* data rows (without the header) */
	size_t ncols;
	size_t cap;
};

static void fx_free(struct fx_table *t)
{
	free(t->buf);
	free(t->cell);
	memset(t, 0, sizeof *t);
}

static int fx_path(const char *rel, char *out, size_t n)
{
	const char *dir = getenv("ASSAY_TEST_DATA");
	return snprintf(out, n, "%s/%s", dir && *dir ? dir : "tests/fixtures", rel) >= (int)n;
}

/* Load a fixture table; returns 0, or -1 (with a message on stderr). */
static int fx_load(const char *rel, struct fx_table *t)
{
	char path[1024];
	memset(t, 0, sizeof *t);
	if (fx_path(rel, path, sizeof path))
		return -1;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "cannot open fixture %s (run from the top "
			"directory or set ASSAY_TEST_DATA)\n", path);
		return -1;
	}
	fseek(fp, 0, SEEK_END);
	long len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	t->buf = malloc((size_t)len + 1);
	if (!t->buf || fread(t->buf, 1, (size_t)len, fp) != (size_t)len) {
		fclose(fp);
		fx_free(t);
		return -1;
	}
	fclose(fp);
	t->buf[len] = 0;
	size_t ncells = 0, row_cells = 0;
	char *p = t->buf, *start = p;
	for (;; p++) {
		if (*p == ',' || *p == '\n' || *p == 0) {
			int eol = *p != ',';
			int end = *p == 0;
			if (end && p == start && row_cells == 0)
				break;
			*p = 0;
			if (ncells == t->cap) {
				t->cap = t->cap ? 2 * t->cap : 1024;
				t->cell = realloc(t->cell, t->cap * sizeof *t->cell);
			}
			t->cell[ncells++] = start;
			row_cells++;
			start = p + 1;
			if (eol) {
				if (!t->ncols)
					t->ncols = row_cells;
				else if (row_cells != t->ncols) {
					fprintf(stderr, "%s: ragged row %zu\n", path,
						ncells / t->ncols);
					fx_free(t);
					return -1;
				}
				row_cells = 0;
			}
			if (end)
				break;
		}
	}
	t->nrows = t->ncols ? ncells / t->ncols - 1 : 0;
	return 0;
}

static int fx_col(const struct fx_table *t, const char *name)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (!strcmp(t->cell[j], name))
			return (int)j;
	fprintf(stderr, "fixture has no column '%s'\n", name);
	abort();
}

static const char *fx_str(const struct fx_table *t, size_t row, int col)
{
	return t->cell[(row + 1) * t->ncols + (size_t)col];
}

static double fx_num(const struct fx_table *t, size_t row, int col)
{
	const char *s = fx_str(t, row, col);
	if (!*s)
		return NAN;
	if (!strcmp(s, "inf"))
		return INFINITY;
	return strtod(s, NULL);
}

/* Equal within rel (relative) or abs (absolute); NaN equals NaN only. */
static int fx_close(double a, double b, double rel, double abs_tol)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	if (isinf(a) || isinf(b))
		return a == b;
	double d = fabs(a - b), m = fmax(fabs(a), fabs(b));
	return d <= rel * m || d <= abs_tol;
}

/* A fixture input series (series/NAME.csv: period,value) as observations. */
static int fx_series(const char *name, assay_obs *obs, assay_freq *freq)
{
	char rel[512];
	struct fx_table t;
	snprintf(rel, sizeof rel, "analysis/series/%s.csv", name);
	if (fx_load(rel, &t))
		return -1;
	obs->n = t.nrows;
	obs->period = malloc((t.nrows + 1) * sizeof *obs->period);
	obs->value = malloc((t.nrows + 1) * sizeof *obs->value);
	for (size_t i = 0; i < t.nrows; i++) {
		char why[128];
		if (assay_period_parse(fx_str(&t, i, 0), NULL, freq, &obs->period[i],
				       why, sizeof why)) {
			fprintf(stderr, "%s: bad period '%s': %s\n", rel,
				fx_str(&t, i, 0), why);
			fx_free(&t);
			return -1;
		}
		obs->value[i] = fx_num(&t, i, 1);
	}
	/* a day label is a day; the weekly series' days are its weeks */
	if (strstr(name, "weekly") && *freq == ASSAY_FREQ_D)
		*freq = ASSAY_FREQ_W;
	fx_free(&t);
	return 0;
}

#endif
