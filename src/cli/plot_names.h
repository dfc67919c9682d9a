/*
 * The chart files of plot --outdir: a file name made from the series
 * name (wb/copper -> wb-copper.png), and DIR/.assay-charts, the record of
 * whose chart each file is, so that a name two series make is theirs for
 * good: the first drawn keeps it, the next gets NAME-2, in this run and
 * in every later one.  (Numbered in each run's order, a later run that
 * drew only the second series wrote its chart over the first one's.)
 */
#ifndef CLI_PLOT_NAMES_H
#define CLI_PLOT_NAMES_H

#include <stddef.h>

struct plot_name {
	char *file;             /* a file name in dir */
	char *owner;            /* whose chart it is */
	int claimed;            /* by this run (not in the record yet) */
};

struct plot_names {
	const char *dir;
	struct plot_name *e;
	size_t n, cap;
};

/* The record of dir (empty when there is none; entries whose file is
 * gone are dropped). */
void plot_names_load(struct plot_names *pn, const char *dir);

/* DIR/NAME[SUFFIX].EXT for the chart of `owner` (a series name, or a
 * compare chart's), whose file name `name` makes: the first of NAME,
 * NAME-2, ... that is no other chart's, in this run or by the record;
 * claimed for owner.  *holder: the owner of the plain name when it was
 * another's (points into pn), else NULL. */
char *plot_names_claim(struct plot_names *pn, const char *name,
		       const char *suffix, const char *ext, const char *owner,
		       const char **holder);

/* Write the record back, with this run's claims of the paths written[0..n)
 * (the charts drawn; a claim of a chart that failed is dropped).  Returns
 * 0, or -1 with errno. */
int plot_names_save(const struct plot_names *pn, const char *const *written,
		    size_t n);

void plot_names_free(struct plot_names *pn);

#endif
