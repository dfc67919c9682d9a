/*
 * assay_scan: judge many series in parallel and adjust for multiplicity
 * (see scan.h).  Work is handed out by the worker pool (pool.h), each
 * thread with its own connection, all of them on one snapshot; every
 * worker writes only its own rows, so the output cannot depend on
 * scheduling.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/fdr.h"
#include "assay/scan.h"
#include "assay/sentence.h"
#include "pool.h"
#include "c_locale.h"

void assay_scan_opts_init(assay_scan_opts *o)
{
	memset(o, 0, sizeof *o);
	assay_analysis_opts_init(&o->analysis);
	o->fdr = 0.05;
	o->jobs = 1;
}

const char *assay_unjudged_reason(assay_unjudged why)
{
	switch (why) {
	case ASSAY_UNJUDGED_NA:
		return "no change to judge (a gap, a partial period or an undefined ratio)";
	case ASSAY_UNJUDGED_HISTORY: return "too little history";
	case ASSAY_UNJUDGED_FLAT: return "no variation in the window";
	case ASSAY_UNJUDGED_SEASONAL: return "too few changes per season";
	case ASSAY_UNJUDGED_SKIPPED: return "not judged";
	default: return NULL;
	}
}

const char *assay_scan_row_reason(const assay_scan_row *row)
{
	if (row->failed || !row->reason)
		return NULL;
	return row->error.status && row->error.msg[0] ? row->error.msg : row->reason;
}

size_t assay_pick_row(const assay_analysis *a, int allow_partial,
		      int has_period, assay_period period)
{
	for (size_t i = a->s.n; i-- > 0;) {
		if (has_period) {
			if (a->s.period[i] == period)
				return i;
			continue;
		}
		/* the latest complete period, with a value or NA (a derived
		 * series' division by zero): the move before an NA is not the
		 * latest move */
		if (allow_partial || !a->s.partial[i])
			return i;
	}
	return (size_t)-1;
}

struct shared {
	char *const *names;
	size_t n;
	const assay_scan_opts *o;
	assay_scan_row *rows;
	size_t done;
	assay_store **conns;    /* the threads' connections, one snapshot */
	int nconns, taken;
	pthread_mutex_t lock;   /* done, taken and the progress callback */
};

/* Why row i of a cannot be judged (i: (size_t)-1, no row of period
 * want), in check's words ("only 5 months of history (8 needed)", "the
 * quarter is partial (2 of 3 months); ..."): into r->error, which
 * assay_scan_row_reason says.  (The reason alone, "too little history",
 * is the row's static word for it.) */
static void explain(assay_scan_row *r, const assay_series_info *info,
		    const assay_analysis *a, size_t i, int has_period,
		    assay_period want)
{
	assay_check c;
	memset(&c, 0, sizeof c);
	c.name = r->name;
	c.info = *info;         /* read only: released by the caller */
	c.a = *a;
	c.row = i;
	c.period = want;
	c.has_period = has_period;
	assay_check_explain(&c);
	r->error.status = ASSAY_ECANNOT;
	snprintf(r->error.msg, sizeof r->error.msg, "%s", c.reason);
}

/* Judge series k, as read into s (assay_each_series_run's form), into its
 * row: the row is this call's own, whatever the thread. */
static void judge_read(struct shared *sh, size_t k, const assay_each_series *s)
{
	const assay_scan_opts *o = sh->o;
	assay_scan_row *r = &sh->rows[k];
	const assay_series_info *info = &s->info;
	assay_analysis a;

	r->name = strdup(sh->names[k]);
	r->p_value = r->q_value = r->value = r->previous = NAN;
	r->pct_change = r->sigma = r->stat = NAN;
	if (!s->found) {
		if (s->failed)
			r->error = s->err;
		else
			assay_fail(&r->error, ASSAY_EUSAGE, "no series '%s'", sh->names[k]);
		r->failed = 1;
		return;
	}
	/* A batch mixes frequencies: a series whose native frequency is
	 * already lower than the one asked for is judged at its own. */
	assay_freq f = o->analysis.freq ? o->analysis.freq : info->freq;
	if (assay_freq_rank(f) < assay_freq_rank(info->freq))
		f = info->freq;
	r->freq = f;
	if (o->has_period && assay_freq_rank(o->period_freq) > assay_freq_rank(f)) {
		r->reason = "--period is coarser than the series' frequency";
		return;
	}
	if (s->failed) {        /* its observations could not be read */
		r->error = s->err;
		r->failed = 1;
		return;
	}
	assay_analysis_opts ao = o->analysis;
	ao.freq = f;
	/* the period to judge at f: the first one the label covers */
	assay_period want = o->has_period
		? assay_period_bound(o->period_freq, o->period, f, 0) : 0;
	if (o->has_period) {
		ao.judge_from = want;
	} else {
		/* only the latest complete period is judged (check's rule): a
		 * first pass that judges nothing finds it */
		assay_analysis_opts none = ao;
		assay_analysis pa;
		assay_error e;
		none.judge_from = INT64_MAX;
		if (!assay_analyse(&s->obs, info->freq, info->kind, &none, &pa, &e)) {
			size_t i = assay_pick_row(&pa, ao.allow_partial, 0, 0);
			if (i != (size_t)-1)
				ao.judge_from = pa.s.period[i];
			assay_analysis_release(&pa);
		}
	}
	if (assay_analyse(&s->obs, info->freq, info->kind, &ao, &a, &r->error)) {
		/* the analysis' message stays in r->error: it says why
		 * (assay_scan_row_reason) */
		if (r->error.status == ASSAY_EUSAGE)
			r->reason = "cannot be analysed at this frequency";
		else
			r->failed = 1;
		return;
	}
	size_t i = assay_pick_row(&a, ao.allow_partial, o->has_period, want);
	if (i == (size_t)-1) {
		r->reason = o->has_period ? "no value in that period" : "no complete period";
		if (o->has_period || a.s.n == 0)
			explain(r, info, &a, i, o->has_period, want);
	} else {
		const assay_judgement *j = &a.j[i];
		r->has_period = 1;
		r->period = a.s.period[i];
		r->value = a.s.value[i];
		if (a.c.prev[i] != (size_t)-1)
			r->previous = a.s.value[a.c.prev[i]];
		r->pct_change = a.c.pct[i];
		r->judgement = *j;
		r->sigma = j->noise.sd;         /* check's and changes', judged or not */
		if (j->verdict == ASSAY_VERDICT_NONE) {
			r->reason = a.s.partial[i] && !ao.allow_partial
				    ? "partial period" : assay_unjudged_reason(j->why);
			explain(r, info, &a, i, o->has_period, want);
		} else {
			r->stat = j->stat;
			r->p_value = j->p;
			r->raw = j->verdict;
		}
	}
	assay_analysis_release(&a);
}

/* Read series k through st and judge it. */
static void scan_one(assay_store *st, struct shared *sh, size_t k)
{
	assay_each_series s;
	memset(&s, 0, sizeof s);
	s.name = sh->names[k];
	int rc = assay_store_series_get(st, s.name, &s.info, &s.err);
	if (rc < 0) {
		s.failed = 1;
	} else if (rc > 0) {
		s.found = 1;
		if (assay_store_load(st, s.info.id, sh->o->as_of, &s.obs, &s.err))
			s.failed = 1;
	}
	judge_read(sh, k, &s);
	assay_obs_release(&s.obs);
	assay_series_info_release(&s.info);
}

/* A worker's connection (SQLite serves one thread per connection): one
 * of those assay_scan opened and began, each taken by one thread. */
static void *conn_take(void *ctx)
{
	struct shared *sh = ctx;
	pthread_mutex_lock(&sh->lock);
	assay_store *st = sh->taken < sh->nconns ? sh->conns[sh->taken++] : NULL;
	pthread_mutex_unlock(&sh->lock);
	return st;
}

static void scan_task(void *ctx, void *state, size_t k)
{
	struct shared *sh = ctx;
	assay_store *st = state;
	if (!st) {
		/* (no more threads are started than connections opened) */
		sh->rows[k].name = strdup(sh->names[k]);
		sh->rows[k].failed = 1;
		assay_fail(&sh->rows[k].error, ASSAY_EIO, "no store connection");
	} else {
		/* A new thread starts in the process's global locale, not the
		 * caller's; the C locale keeps messages and any number read
		 * the same in every worker.  (Switched per series, not for the
		 * whole loop, so that the progress callback runs in the
		 * caller's locale.) */
		locale_t saved = assay_c_locale_enter();
		scan_one(st, sh, k);
		assay_c_locale_leave(saved);
	}
	pthread_mutex_lock(&sh->lock);
	sh->done++;
	if (sh->o->progress)
		sh->o->progress(sh->o->ctx, sh->done, sh->n);
	pthread_mutex_unlock(&sh->lock);
}

/* Judged rows first by p-value, then by name; then the unjudged by name. */
static int by_significance(const void *a, const void *b)
{
	const assay_scan_row *x = a, *y = b;
	int jx = isfinite(x->p_value), jy = isfinite(y->p_value);
	if (jx != jy)
		return jy - jx;
	if (jx && x->p_value != y->p_value)
		return x->p_value < y->p_value ? -1 : 1;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* Which kind of notable move: the part of the weighted Bonferroni rule
 * (verdict.h, rule 5) that gives the smaller p-value. */
static assay_verdict notable_kind(const assay_scan_row *r, double share)
{
	const assay_judgement *j = &r->judgement;
	if (r->raw == ASSAY_VERDICT_SHOCK || r->raw == ASSAY_VERDICT_TREND)
		return r->raw;
	return j->p_trend / share < j->p_shock / (1 - share)
	       ? ASSAY_VERDICT_TREND : ASSAY_VERDICT_SHOCK;
}

/* Benjamini-Hochberg over the judged rows, the verdicts at the FDR, the
 * scan's order and the stale marks; takes the rows (freed on failure). */
static int finish(assay_scan_row *rows, size_t n, const assay_scan_opts *o,
		  assay_scan_result *out, assay_error *err)
{
	double *p = malloc((n ? n : 1) * sizeof *p);
	for (size_t i = 0; p && i < n; i++)
		p[i] = rows[i].p_value;
	if (!p || assay_fdr_bh(p, p, n)) {
		free(p);
		out->rows = rows;
		out->n = n;
		assay_scan_result_release(out);
		return assay_fail(err, ASSAY_EIO, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		assay_scan_row *r = &rows[i];
		r->q_value = p[i];
		if (r->failed) {
			out->failed++;
			continue;
		}
		if (!isfinite(r->p_value))
			continue;
		out->judged++;
		if (r->q_value <= o->fdr) {
			r->verdict = notable_kind(r, o->analysis.judge.trend_share);
			out->notable++;
		} else {
			r->verdict = ASSAY_VERDICT_NOISE;
		}
	}
	free(p);
	out->screened = out->judged;
	qsort(rows, n, sizeof *rows, by_significance);
	out->rows = rows;
	out->n = n;
	assay_scan_mark_stale(out);
	out->notable_screened = out->notable;
	out->stale_notable_screened = 0;
	for (size_t i = 0; i < out->n; i++)
		out->stale_notable_screened += out->rows[i].stale &&
			(out->rows[i].verdict == ASSAY_VERDICT_SHOCK ||
			 out->rows[i].verdict == ASSAY_VERDICT_TREND);
	return 0;
}

/* Tries at one snapshot before the scan falls back to one connection. */
#define SNAPSHOT_TRIES 8

static void end_reads(assay_store **c, int n)
{
	assay_error e;
	for (int i = 0; i < n; i++)
		assay_store_read_end(c[i], &e);
}

/* Begin the read transactions of c[0..n) on one snapshot of the store,
 * whatever commits meanwhile.  Each connection's snapshot is its own
 * (Debian's SQLite has no sqlite3_snapshot_open to share one), so the
 * snapshots are taken between two readings of the probe's data version:
 * when no commit fell between them, they are all the same.  (Taken at
 * each thread's first read, an import committing as the threads started
 * made one batch of both states: of 2,000 series, 551 judged on the old
 * data, marked stale beside the others, in 8 scans of 60 with -j 4.)
 * Returns the connections begun: n, or 1 when commits kept falling
 * between (one connection is one snapshot); -1 with err filled. */
static int begin_one_snapshot(assay_store *probe, assay_store **c, int n,
			      assay_error *err)
{
	for (int t = 0; t < SNAPSHOT_TRIES; t++) {
		int64_t before, after;
		int i = 0;
		if (assay_store_data_version(probe, &before, err))
			return -1;
		while (i < n && !assay_store_read_begin(c[i], err))
			i++;
		if (i < n || assay_store_data_version(probe, &after, err)) {
			end_reads(c, i);
			return -1;
		}
		if (before == after)
			return n;
		end_reads(c, n);
	}
	return assay_store_read_begin(c[0], err) ? -1 : 1;
}

/* Open sh->nconns connections to db_path and a probe (NULL for one
 * connection: it needs none) and begin their reads; sh->nconns is the
 * number begun.  Returns 0, or -1 with err filled and nothing open. */
static int open_conns(struct shared *sh, const char *db_path, assay_error *err)
{
	int n = sh->nconns, opened = 0, rc = -1;
	assay_store *probe = NULL;
	if (!(sh->conns = calloc((size_t)n, sizeof *sh->conns)))
		return assay_fail(err, ASSAY_EIO, "out of memory");
	while (opened < n && !assay_store_open(&sh->conns[opened], db_path, 1, err))
		opened++;
	if (opened == n && (n == 1 || !assay_store_open(&probe, db_path, 1, err)))
		rc = n == 1 ? (assay_store_read_begin(sh->conns[0], err) ? -1 : 1)
			    : begin_one_snapshot(probe, sh->conns, n, err);
	assay_store_close(probe);
	if (rc < 0) {
		for (int i = 0; i < opened; i++)
			assay_store_close(sh->conns[i]);
		free(sh->conns);
		sh->conns = NULL;
		return -1;
	}
	for (int i = rc; i < n; i++)    /* unused: the fallback to one */
		assay_store_close(sh->conns[i]);
	sh->nconns = rc;
	return 0;
}

static void close_conns(struct shared *sh)
{
	end_reads(sh->conns, sh->nconns);
	for (int i = 0; i < sh->nconns; i++)
		assay_store_close(sh->conns[i]);
	free(sh->conns);
}

int assay_scan(const char *db_path, char *const *names, size_t n,
	       const assay_scan_opts *o, assay_scan_result *out,
	       assay_error *err)
{
	struct shared sh = { .names = names, .n = n, .o = o,
			     .nconns = o->jobs < 1 ? 1 : o->jobs };
	memset(out, 0, sizeof *out);
	if ((size_t)sh.nconns > n)
		sh.nconns = n ? (int)n : 1;     /* a thread a series at most */
	if (open_conns(&sh, db_path, err))
		return -1;
	if (!(sh.rows = calloc(n ? n : 1, sizeof *sh.rows))) {
		close_conns(&sh);
		return assay_fail(err, ASSAY_EIO, "out of memory");
	}
	pthread_mutex_init(&sh.lock, NULL);
	/* one batch, the calling thread working too */
	assay_pool pool = {
		.n = n, .threads = sh.nconns, .thread_start = conn_take,
		.task = scan_task, .ctx = &sh
	};
	assay_pool_run(&pool);
	pthread_mutex_destroy(&sh.lock);
	close_conns(&sh);
	return finish(sh.rows, n, o, out, err);
}

/* assay_scan_store's threads: series k read (on the caller's connection,
 * in turns), judged here. */
static void each_work(void *ctx, size_t k, const assay_each_series *s)
{
	locale_t saved = assay_c_locale_enter();
	judge_read(ctx, k, s);
	assay_c_locale_leave(saved);
}

/* Series [first, first + count) judged: in the calling thread, in order. */
static int each_progress(void *ctx, size_t first, size_t count)
{
	struct shared *sh = ctx;
	if (sh->o->progress)
		sh->o->progress(sh->o->ctx, first + count, sh->n);
	return 0;
}

int assay_scan_store(assay_store *st, char *const *names, size_t n,
		     const assay_scan_opts *o, assay_scan_result *out,
		     assay_error *err)
{
	struct shared sh = { .names = names, .n = n, .o = o };
	memset(out, 0, sizeof *out);
	if (!(sh.rows = calloc(n ? n : 1, sizeof *sh.rows)))
		return assay_fail(err, ASSAY_EIO, "out of memory");
	if (o->jobs > 1) {
		/* the caller's connection in turns, the judging in threads */
		assay_each_opts eo = { .jobs = o->jobs, .as_of = o->as_of,
				       .work = each_work, .emit = each_progress,
				       .ctx = &sh };
		if (assay_each_series_run(st, names, n, &eo, err)) {
			out->rows = sh.rows;
			out->n = n;
			assay_scan_result_release(out);
			return -1;
		}
		return finish(sh.rows, n, o, out, err);
	}
	for (size_t k = 0; k < n; k++) {
		locale_t saved = assay_c_locale_enter();
		scan_one(st, &sh, k);
		assay_c_locale_leave(saved);
		if (o->progress)
			o->progress(o->ctx, k + 1, n);
	}
	return finish(sh.rows, n, o, out, err);
}

static int64_t period_end_day(assay_freq f, assay_period p)
{
	int64_t first, last;
	assay_period_span_days(f, p, &first, &last);
	return last;
}

void assay_scan_mark_stale(assay_scan_result *r)
{
	r->latest_day = INT64_MIN;
	r->stale = 0;
	for (size_t i = 0; i < r->n; i++)
		if (!r->rows[i].failed && r->rows[i].has_period) {
			int64_t d = period_end_day(r->rows[i].freq, r->rows[i].period);
			if (d > r->latest_day)
				r->latest_day = d;
		}
	for (size_t i = 0; i < r->n; i++) {
		assay_scan_row *row = &r->rows[i];
		row->stale = 0;
		if (row->failed || !row->has_period || r->latest_day == INT64_MIN)
			continue;
		/* the last period at the row's frequency complete by then: an
		 * annual series is current in 2026Q1 with 2025 */
		assay_period cur = assay_period_convert(ASSAY_FREQ_D, r->latest_day,
							row->freq);
		if (period_end_day(row->freq, cur) > r->latest_day)
			cur--;
		if (row->period < cur) {
			row->stale = 1;
			r->stale++;
		}
	}
}

int assay_scan_sort_parse(const char *text, assay_scan_sort *s)
{
	static const char *const names[] = { "p", "q", "change", "name" };
	for (int k = 0; k < 4; k++)
		if (!strcmp(text, names[k])) {
			*s = (assay_scan_sort)k;
			return 0;
		}
	return -1;
}

/* Failed rows last, then each sort's key, then the name. */
static int by_q(const void *a, const void *b)
{
	const assay_scan_row *x = a, *y = b;
	int jx = isfinite(x->q_value), jy = isfinite(y->q_value);
	if (jx != jy)
		return jy - jx;
	if (jx && x->q_value != y->q_value)
		return x->q_value < y->q_value ? -1 : 1;
	return by_significance(a, b);
}

static int by_change(const void *a, const void *b)
{
	const assay_scan_row *x = a, *y = b;
	double cx = fabs(x->pct_change), cy = fabs(y->pct_change);
	int jx = isfinite(cx), jy = isfinite(cy);
	if (jx != jy)
		return jy - jx;
	if (jx && cx != cy)
		return cx > cy ? -1 : 1;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

static int by_name(const void *a, const void *b)
{
	const assay_scan_row *x = a, *y = b;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

static int dropped(const assay_scan_row *row, const assay_scan_selection *s)
{
	if (row->failed)
		return 0;       /* an error is always said */
	if (s->notable_only && !(row->verdict == ASSAY_VERDICT_SHOCK ||
				 row->verdict == ASSAY_VERDICT_TREND))
		return 1;
	if (s->has_since) {
		int64_t first, last, end;
		assay_period_span_days(s->since_freq, s->since, &first, &last);
		if (!row->has_period)
			return 1;
		end = period_end_day(row->freq, row->period);
		if (end < first)
			return 1;
	}
	return 0;
}

void assay_scan_select(assay_scan_result *r, const assay_scan_selection *s)
{
	int (*cmp)(const void *, const void *) =
		s->sort == ASSAY_SCAN_SORT_Q ? by_q :
		s->sort == ASSAY_SCAN_SORT_CHANGE ? by_change :
		s->sort == ASSAY_SCAN_SORT_NAME ? by_name : by_significance;
	qsort(r->rows, r->n, sizeof *r->rows, cmp);
	size_t k = 0, kept = 0;
	for (size_t i = 0; i < r->n; i++) {
		assay_scan_row *row = &r->rows[i];
		int keep = !dropped(row, s) &&
			   (row->failed || !s->top || kept < s->top);
		if (!keep) {
			free(row->name);
			continue;
		}
		if (!row->failed)
			kept++;
		r->rows[k++] = *row;
	}
	r->n = k;
	r->notable = r->judged = r->stale = 0;
	for (size_t i = 0; i < r->n; i++) {
		const assay_scan_row *row = &r->rows[i];
		if (row->failed)
			continue;
		r->judged += isfinite(row->p_value);
		r->notable += row->verdict == ASSAY_VERDICT_SHOCK ||
			      row->verdict == ASSAY_VERDICT_TREND;
		r->stale += row->stale;
	}
}

void assay_fmt_pvalue(char letter, double p, char *buf, size_t n)
{
	/* two digits, or more where two would put the value on the other
	 * side of a usual level ("p = 0.05" for 0.050027, called normal at
	 * 0.05; "p = 1" for 0.997) */
	static const double levels[] = { 0.001, 0.01, 0.05, 0.1 };
	locale_t saved = assay_c_locale_enter();
	if (!isfinite(p))
		snprintf(buf, n, "%c not computed", letter);
	else if (p < 0.0001)
		snprintf(buf, n, "%c < 0.0001", letter);
	else if (p < 1 && p >= 0.995)
		snprintf(buf, n, "%c > 0.99", letter);
	else
		for (int d = 2; d <= 6; d++) {
			char num[32];
			snprintf(num, sizeof num, "%.*g", d, p);
			double shown = strtod(num, NULL);
			int same_side = 1;
			for (size_t k = 0; k < sizeof levels / sizeof *levels; k++)
				same_side &= (shown <= levels[k]) == (p <= levels[k]) &&
					     (shown != levels[k] || p == levels[k]);
			snprintf(buf, n, "%c = %s", letter, num);
			if (same_side)
				break;
		}
	assay_c_locale_leave(saved);
}

void assay_scan_words(const assay_scan_result *r, const assay_scan_row *row,
		      char *alone, size_t na, char *batch, size_t nb)
{
	char pb[32], qb[32];
	alone[0] = batch[0] = 0;
	if (row->failed || !isfinite(row->p_value))
		return;
	assay_fmt_pvalue('p', row->p_value, pb, sizeof pb);
	assay_fmt_pvalue('q', row->q_value, qb, sizeof qb);
	int own = row->raw == ASSAY_VERDICT_SHOCK || row->raw == ASSAY_VERDICT_TREND;
	int among = row->verdict == ASSAY_VERDICT_SHOCK || row->verdict == ASSAY_VERDICT_TREND;
	snprintf(alone, na, "%s on its own (%s)",
		 own ? "notable" : "within normal variation", pb);
	snprintf(batch, nb, "%s among %zu series screened (%s)",
		 among ? "notable" : "not notable", r->screened, qb);
}

void assay_scan_result_release(assay_scan_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->rows[i].name);
	free(r->rows);
	memset(r, 0, sizeof *r);
}
