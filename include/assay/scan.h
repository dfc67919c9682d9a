/*
 * Screening many series at once: judge one move of every series (the
 * latest complete period, or a given one), then control the false
 * discovery rate over all of them with Benjamini-Hochberg (fdr.h).
 * Series are analysed in parallel, each worker thread with its own SQLite
 * connection; the result does not depend on the number of threads.
 */
#ifndef ASSAY_SCAN_H
#define ASSAY_SCAN_H

#include <stddef.h>
#include "assay/analysis.h"

typedef struct assay_scan_opts {
	assay_analysis_opts analysis;   /* freq, window, alpha, seasonal ...;
					 * a series whose native frequency is
					 * lower than freq is judged at its own */
	int has_period;                 /* judge this period, not the latest */
	assay_freq period_freq;         /* frequency of the period's label */
	assay_period period;
	const char *as_of;              /* vintage time, or NULL */
	double fdr;                     /* false discovery rate (0.05) */
	int jobs;                       /* worker threads (1) */
	/* Called after each series with the count done; may be NULL.  Called
	 * from worker threads, one at a time. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *ctx;
} assay_scan_opts;

void assay_scan_opts_init(assay_scan_opts *o);

/* One series' row. */
typedef struct assay_scan_row {
	char *name;
	assay_freq freq;                /* frequency judged */
	int has_period;                 /* period is set */
	assay_period period;
	double value, previous;         /* level now and one period before */
	double pct_change;              /* percent */
	double sigma;                   /* trailing sd of the change */
	double stat;
	double p_value;                 /* NaN when not judged */
	double q_value;                 /* BH over the judged series */
	assay_verdict raw;              /* verdict at alpha, one series alone */
	assay_verdict verdict;          /* at the false discovery rate */
	const char *reason;             /* why not judged (static), or NULL */
	int failed;                     /* an error, not a reason: see error */
	assay_error error;
	assay_judgement judgement;      /* every number behind it */
} assay_scan_row;

typedef struct assay_scan_result {
	assay_scan_row *rows;           /* sorted: judged by p then name,
					 * then the unjudged by name */
	size_t n;
	size_t notable;                 /* rows with q <= fdr */
	size_t judged, failed;
} assay_scan_result;

/* Scan the series `names` of the store at `db_path`.  Returns 0 (row
 * errors are in the rows), or -1 with err filled when nothing could run. */
int assay_scan(const char *db_path, char *const *names, size_t n,
	       const assay_scan_opts *o, assay_scan_result *out,
	       assay_error *err);
void assay_scan_result_release(assay_scan_result *r);

/* The row of the judged move in an analysis: `period` when has_period,
 * else the latest complete period with a value.  (size_t)-1 when none. */
size_t assay_pick_row(const assay_analysis *a, int allow_partial,
		      int has_period, assay_period period);

/* Why a row was not judged, in words ("too little history"). */
const char *assay_unjudged_reason(assay_unjudged why);

#endif
