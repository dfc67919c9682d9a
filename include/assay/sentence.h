/*
 * The check sentence: one move of one series, judged, in words a report
 * writer can paste ("wb/copper 2026Q1: +15.5% QoQ, within normal
 * variation (p = 0.35; typical quarterly move +/-8.7%, 20 quarters of
 * history)"), or why it cannot be judged.  `assay check` prints it; the
 * report (report.h) quotes it.
 */
#ifndef ASSAY_SENTENCE_H
#define ASSAY_SENTENCE_H

#include <stddef.h>
#include "assay/analysis.h"
#include "assay/store.h"

/* One judged move: the series, its analysis and the row judged. */
typedef struct assay_check {
	const char *name;
	assay_series_info info;
	assay_analysis a;
	size_t row;             /* the judged row, or (size_t)-1 */
	assay_period period;    /* the period asked for ... */
	int has_period;         /* ... if any: a series without data has none */
	int allow_partial;
	const char *as_of;
	char reason[256];       /* why it cannot be judged */
} assay_check;

/* Fill c->reason: why the move of c->row (or the missing period
 * c->period) cannot be judged, in words. */
void assay_check_explain(assay_check *c);

/* The sentence (without a newline) into buf of size n.  Returns the exit
 * status of `assay check`: ASSAY_OK (noise), ASSAY_NOTABLE or
 * ASSAY_ECANNOT (c->reason, from assay_check_explain, is quoted). */
int assay_check_sentence(const assay_check *c, char *buf, size_t n);

#endif
