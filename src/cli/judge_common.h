/*
 * Pieces shared by the `changes` and `check` commands: resolving series
 * arguments (names or glob patterns), period options at a series'
 * frequency, and the words for frequencies in sentences.
 */
#ifndef ASSAY_CLI_JUDGE_COMMON_H
#define ASSAY_CLI_JUDGE_COMMON_H

#include <stddef.h>
#include "assay/assay.h"
#include "assay/analysis.h"
#include "assay/store.h"

/* A period given on the command line, at the frequency of its label. */
struct jc_period {
	int set;                /* option given */
	assay_freq freq;        /* frequency of the label */
	assay_period p;
	const char *text;       /* as given */
};

/* Parse a period option; on error print a usage error and return 2. */
int jc_period_parse(const char *cmd, const char *opt, const char *s,
		    struct jc_period *out);

/* The period at frequency f where `p` starts (upper = 0) or ends
 * (upper = 1): 2026 -> 2026Q1 or 2026Q4, 2026-02-14 -> 2026Q1. */
assay_period jc_period_at(const struct jc_period *p, assay_freq f, int upper);

/* Does s contain glob characters (* ? [)? */
int jc_is_glob(const char *s);

/* Resolve series arguments: an exact name must exist; a glob pattern must
 * match at least one series.  Names in argument order, each once.  On
 * error prints "assay: ..." and returns the exit status; else 0.  Free
 * *names with assay_strv_free. */
int jc_resolve(assay_store *st, char **args, int nargs, char ***names,
	       size_t *n);

/* The same on the store named by the globals, opened and closed here;
 * no arguments: every series in the store.  For the batch commands. */
int jc_resolve_or_all(char **args, int nargs, char ***names, size_t *n);

/* Words: "quarterly", "QoQ" (the nouns are sentence.c's). */
const char *jc_freq_adj(assay_freq f);
const char *jc_freq_change(assay_freq f);

/* --as-of: normalise into buf (size n); prints a usage error -> 2. */
int jc_as_of(const char *cmd, const char *s, char *buf, size_t n);

#endif
