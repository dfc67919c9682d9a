/*
 * The worker pool (see pool.h).  A batch is a range of tasks the threads
 * take one at a time; with a batch_done callback, batch k + 1 runs while
 * the calling thread handles batch k.  The first batches are small and
 * double (16, 32, ... up to the batch size), so that the first results
 * come early and the pipeline fills fast.
 */
#include <pthread.h>
#include <stdlib.h>

#include "pool.h"

struct range {
	const assay_pool *p;
	size_t first;           /* the batch: tasks [first, end) */
	size_t next, end;       /* next task to take */
	pthread_mutex_t lock;   /* next */
};

static void *worker(void *arg)
{
	struct range *r = arg;
	const assay_pool *p = r->p;
	void *state = p->thread_start ? p->thread_start(p->ctx) : NULL;
	for (;;) {
		pthread_mutex_lock(&r->lock);
		size_t k = r->next < r->end ? r->next++ : r->end;
		pthread_mutex_unlock(&r->lock);
		if (k == r->end)
			break;
		p->task(p->ctx, state, k);
	}
	if (p->thread_end)
		p->thread_end(p->ctx, state);
	return NULL;
}

/* Start `want` threads on r; returns how many started. */
static int start(struct range *r, pthread_t *th, int want)
{
	int t;
	for (t = 0; t < want; t++)
		if (pthread_create(&th[t], NULL, worker, r))
			break;
	return t;
}

static void join(pthread_t *th, int n)
{
	for (int t = 0; t < n; t++)
		pthread_join(th[t], NULL);
}

/* No batch_done: one batch, the calling thread working too. */
static int run_all(const assay_pool *p, pthread_t *th)
{
	struct range r = { .p = p, .next = 0, .end = p->n };
	pthread_mutex_init(&r.lock, NULL);
	int started = start(&r, th, p->threads - 1);
	worker(&r);
	join(th, started);
	pthread_mutex_destroy(&r.lock);
	return 0;
}

static size_t batch_size(const assay_pool *p, size_t given)
{
	size_t max = p->batch ? p->batch : p->n, want = 16;
	while (want < max && want <= given)
		want *= 2;
	if (want > max)
		want = max;
	return p->n - given < want ? p->n - given : want;
}

/* Give range r the next batch. */
static void next_batch(const assay_pool *p, struct range *r, size_t *given)
{
	r->first = r->next = *given;
	*given += batch_size(p, *given);
	r->end = *given;
}

/* Cut a running batch short: its threads take no further task (the
 * run stopped: what they would compute has nowhere to go). */
static void cancel(struct range *r)
{
	pthread_mutex_lock(&r->lock);
	r->next = r->end;
	pthread_mutex_unlock(&r->lock);
}

int assay_pool_run(const assay_pool *p)
{
	pthread_t *th = calloc((size_t)(p->threads > 0 ? p->threads : 1), sizeof *th);
	if (!th)
		return -1;
	if (!p->batch_done) {
		int rc = run_all(p, th);
		free(th);
		return rc;
	}
	struct range r[2] = { { .p = p }, { .p = p } };
	pthread_mutex_init(&r[0].lock, NULL);
	pthread_mutex_init(&r[1].lock, NULL);
	size_t given = 0;
	int rc = 0, cur = 0, running = 0;
	if (p->n) {
		next_batch(p, &r[cur], &given);
		if (!(running = start(&r[cur], th, p->threads)))
			rc = -1;
	}
	while (running) {
		struct range *done = &r[cur], *next = &r[1 - cur];
		join(th, running);
		running = 0;
		if (given < p->n) {
			next_batch(p, next, &given);
			if (!(running = start(next, th, p->threads)))
				rc = -1;
		}
		if (!rc)
			rc = p->batch_done(p->ctx, done->first, done->end - done->first);
		if (rc) {
			if (running)
				cancel(next);
			break;
		}
		cur = 1 - cur;
	}
	join(th, running);
	pthread_mutex_destroy(&r[0].lock);
	pthread_mutex_destroy(&r[1].lock);
	free(th);
	return rc;
}
