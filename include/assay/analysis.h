/*
 * One series from observations to verdicts: resample to the frequency
 * asked for (resample.h), compute the changes (changes.h), judge every
 * move (verdict.h).  The `changes` and `check` commands are thin layers
 * over this; other programs linking libassay can use it the same way.
 */
#ifndef ASSAY_ANALYSIS_H
#define ASSAY_ANALYSIS_H

#include <stddef.h>
#include "assay/assay.h"
#include "assay/changes.h"
#include "assay/resample.h"
#include "assay/store.h"
#include "assay/verdict.h"

typedef struct assay_analysis_opts {
	assay_freq freq;        /* target frequency; NONE: the native one */
	int allow_partial;      /* judge partial periods too */
	assay_period judge_from;/* judge periods >= this (at the target
	                         * frequency); INT64_MIN: all */
	assay_judge_opts judge; /* seasons and freq are set from `freq` */
} assay_analysis_opts;

/* Defaults: native frequency, no partial periods, judge all, and
 * assay_judge_opts_init(). */
void assay_analysis_opts_init(assay_analysis_opts *o);

/* The result: row i of every array is period s.period[i]. */
typedef struct assay_analysis {
	assay_resampled s;      /* values, n_obs, partial */
	assay_changes c;        /* pct, log, diff, yoy */
	assay_judgement *j;     /* verdicts (s.n of them) */
	assay_judge_opts used;  /* the options as applied */
} assay_analysis;

/* Analyse observations `obs` of a series of native frequency `native` and
 * kind `kind`.  Returns 0 with *out filled (release with
 * assay_analysis_release), or -1 with err filled (ASSAY_EUSAGE for an
 * impossible frequency, bad options, or seasonal YES at a frequency
 * without seasons; ASSAY_EIO when out of memory). */
int assay_analyse(const assay_obs *obs, assay_freq native, assay_kind kind,
		  const assay_analysis_opts *o, assay_analysis *out,
		  assay_error *err);

void assay_analysis_release(assay_analysis *a);

/* Seasons per year used for a frequency: 4 (Q), 12 (M), else 0. */
int assay_seasons_of(assay_freq f);

#endif
