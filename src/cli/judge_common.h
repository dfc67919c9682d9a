/*
 * Pieces shared by the judging commands (check, changes, scan, report):
 * period options at a series' frequency, --as-of, the words for
 * frequencies in sentences, and the older names of the series resolver.
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
 * (upper = 1): 2026 -> 2026Q1 or 2026Q4, 2026-02-14 -> 2026Q1
 * (assay_period_bound of the label). */
assay_period jc_period_at(const struct jc_period *p, assay_freq f, int upper);

/* Words: "quarterly", "QoQ" (the nouns are sentence.c's). */
const char *jc_freq_adj(assay_freq f);
const char *jc_freq_change(assay_freq f);

/* --as-of: normalise into buf (size n); prints a usage error -> 2. */
int jc_as_of(const char *cmd, const char *s, char *buf, size_t n);

#endif
