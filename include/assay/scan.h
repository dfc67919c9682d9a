/*
 * Screening many series at once: judge one move of every series (the
 * latest complete period, or a given one), then control the false
 * discovery rate over all of them with Benjamini-Hochberg (fdr.h).
 * Series are analysed in parallel, each worker thread with its own SQLite
 * connection, all of them on one snapshot of the store; the result does
 * not depend on the number of threads.
 */
#ifndef ASSAY_SCAN_H
#define ASSAY_SCAN_H

#include <stddef.h>
#include "assay/analysis.h"
#include "assay/store.h"

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
	const char *reason;             /* why not judged (static), or NULL;
					 * assay_scan_row_reason says it */
	int failed;                     /* an error, not a reason: see error */
	assay_error error;              /* failed, or a reason in words
					 * (assay_scan_row_reason) */
	assay_judgement judgement;      /* every number behind it */
	int stale;                      /* its period is older than the
					 * batch's latest (assay_scan_mark_stale) */
} assay_scan_row;

typedef struct assay_scan_result {
	assay_scan_row *rows;           /* sorted: judged by p then name,
					 * then the unjudged by name */
	size_t n;
	size_t notable;                 /* rows with q <= fdr */
	size_t judged, failed;
	size_t screened;                /* judged series the q-values are
					 * over (judged before any selection) */
	size_t notable_screened;        /* notable among them, before any
					 * selection (assay_scan_select keeps
					 * it: the headline's count) */
	size_t stale_notable_screened;  /* of those, in series not current */
	size_t stale;                   /* rows marked stale */
	int64_t latest_day;             /* last day of the batch's latest
					 * period (days since 1970-01-01);
					 * INT64_MIN when no row has one */
} assay_scan_result;

/* Scan the series `names` of the store at `db_path`, every series read on
 * one snapshot (an import committing meanwhile is in all rows or none).
 * Returns 0 (row errors are in the rows), or -1 with err filled when
 * nothing could run (the store cannot be opened or read). */
int assay_scan(const char *db_path, char *const *names, size_t n,
	       const assay_scan_opts *o, assay_scan_result *out,
	       assay_error *err);
void assay_scan_result_release(assay_scan_result *r);

/* The same on the caller's connection, in the caller's read transaction
 * if it is in one (so in its snapshot): for a program that has the store
 * open already.  With o->jobs > 1 the series are read in turns on the
 * connection and judged in o->jobs threads; progress is then called from
 * the calling thread. */
int assay_scan_store(assay_store *st, char *const *names, size_t n,
		     const assay_scan_opts *o, assay_scan_result *out,
		     assay_error *err);

/* ---- every series in order, on worker threads ---------------------------
 *
 * The pipeline of 'assay changes' over thousands of series: the series
 * are read through the caller's one connection (in turns: a connection
 * serves one thread at a time), and `work` runs on each, in worker
 * threads, several series at once; when a batch of series is done, `emit`
 * runs in the calling thread for it, in order, while the workers go on
 * with the next batch.  The library prints nothing: work formats what
 * the caller wants into the caller's slot for the series, emit writes
 * it.  At most ASSAY_EACH_RING series are between work and emit at any
 * time, so a ring of that many slots, indexed k % ASSAY_EACH_RING, is
 * enough however many series there are. */
#define ASSAY_EACH_BATCH 64
#define ASSAY_EACH_RING (2 * ASSAY_EACH_BATCH)

typedef struct assay_each_series {
	const char *name;
	int found;                      /* 0: no series of that name */
	assay_series_info info;         /* when found */
	assay_obs obs;                  /* its observations (as_of) */
	int failed;                     /* reading it failed: see err */
	assay_error err;
} assay_each_series;

typedef struct assay_each_opts {
	int jobs;                       /* worker threads (1: one after
					 * another in the calling thread) */
	const char *as_of;              /* vintage time, or NULL */
	/* Series k (names[k]) read: in a worker thread. */
	void (*work)(void *ctx, size_t k, const assay_each_series *s);
	/* Series [first, first + count) worked: in the calling thread, in
	 * order.  Nonzero stops the run and is returned. */
	int (*emit)(void *ctx, size_t first, size_t count);
	void *ctx;
} assay_each_opts;

/* Run work and emit over names[0..n) on st.  Returns 0, emit's nonzero
 * status, or -1 with err filled when the threads cannot be started. */
int assay_each_series_run(assay_store *st, char *const *names, size_t n,
			  const assay_each_opts *o, assay_error *err);

/* Which rows to keep and in what order (assay_scan_select). */
typedef enum assay_scan_sort {
	ASSAY_SCAN_SORT_P = 0,          /* p-value (the scan's own order) */
	ASSAY_SCAN_SORT_Q,              /* q-value, then p */
	ASSAY_SCAN_SORT_CHANGE,         /* largest |change| first */
	ASSAY_SCAN_SORT_NAME
} assay_scan_sort;

/* "p" | "q" | "change" | "name" -> 0 and *s; else -1. */
int assay_scan_sort_parse(const char *text, assay_scan_sort *s);

typedef struct assay_scan_selection {
	int has_since;                  /* keep series current since: */
	assay_freq since_freq;          /* the label's frequency */
	assay_period since;             /* whose period ends on or after the
					 * start of this one */
	int notable_only;               /* keep the notable at the FDR */
	size_t top;                     /* keep the first N (0: all) */
	assay_scan_sort sort;
} assay_scan_selection;

/* Sort and filter r's rows in place (failed rows are kept, last); the
 * q-values and counts of the screen are not recomputed: they stay those
 * of every series screened.  notable, judged and stale are recounted over
 * the rows kept. */
void assay_scan_select(assay_scan_result *r, const assay_scan_selection *s);

/* Mark the rows whose period ends before the last period of their own
 * frequency that is complete by the batch's latest day: a discontinued or
 * late series among current ones.  assay_scan does this. */
void assay_scan_mark_stale(assay_scan_result *r);

/* The two verdicts of a row in words, for tables and reports:
 *   alone: "notable on its own (p = 0.0051)" or "within normal variation
 *          on its own (p = 0.35)";
 *   batch: "not notable among 85 series screened (q = 0.43)".
 * Both empty when the row was not judged.  p is written as the check
 * sentence writes it (two significant digits, "p < 0.0001"). */
void assay_scan_words(const assay_scan_result *r, const assay_scan_row *row,
		      char *alone, size_t na, char *batch, size_t nb);

/* "p = 0.0051", "p < 0.0001" (letter: 'p' or 'q'). */
void assay_fmt_pvalue(char letter, double p, char *buf, size_t n);

/* The row of the judged move in an analysis: `period` when has_period,
 * else the latest complete period (its value may be NA: a derived
 * series' division by zero).  (size_t)-1 when none. */
size_t assay_pick_row(const assay_analysis *a, int allow_partial,
		      int has_period, assay_period period);

/* Why a row was not judged, in words ("too little history"). */
const char *assay_unjudged_reason(assay_unjudged why);

/* Why the row was not judged, in check's words ("only 5 months of
 * history (8 needed)"), or the analysis' where it refused the series
 * ("--seasonal yes needs monthly or quarterly data (these are annual)"),
 * else its reason; NULL for a judged or failed row.  (Points into the
 * row: use it before the rows move.) */
const char *assay_scan_row_reason(const assay_scan_row *row);

#endif
