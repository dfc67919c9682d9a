/*
 * The worker pool (see pool.h).  Without a batch_done callback, the
 * threads and the calling thread take the tasks one at a time.  With one,
 * the threads take them one at a time, up to two batches ahead, while the
 * calling thread hands each finished batch over in order.  The first
 * batches are small and double (16, 32, ... up to the batch size), so
 * that the first results come early and the pipeline fills fast.
 */
#include <pthread.h>
#include <stdlib.h>

#include "pool.h"

struct range {
	const assay_pool *p;
	size_t next, end;       /* next task to take, of [0, end) */
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

/* ---- with batch_done: a stream of tasks, written in order -----------------
 *
 * The threads live for the whole run and take the next task as soon as
 * they are free, up to `window` tasks ahead of the first one not yet
 * handed to batch_done (two batches: a caller's ring of that many slots
 * is never overrun).  The calling thread waits for the tasks of the next
 * batch, in order, hands them over, and lets the threads go on.  (Threads
 * started and joined batch after batch waited at every join for the
 * slowest of them, and paid the starts.) */
struct stream {
	const assay_pool *p;
	pthread_mutex_t lock;           /* everything below */
	pthread_cond_t room;            /* a thread waits: window full */
	pthread_cond_t ready;           /* the caller waits: task `waiting` */
	size_t next;                    /* next task to take */
	size_t emitted;                 /* tasks handed to batch_done */
	size_t window;
	size_t waiting;                 /* the task the caller waits for */
	unsigned char *done;            /* per slot k % window: task k done */
	int stop;
};

static void *stream_worker(void *arg)
{
	struct stream *s = arg;
	const assay_pool *p = s->p;
	void *state = p->thread_start ? p->thread_start(p->ctx) : NULL;
	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->stop && s->next < p->n && s->next >= s->emitted + s->window)
			pthread_cond_wait(&s->room, &s->lock);
		if (s->stop || s->next >= p->n)
			break;
		size_t k = s->next++;
		pthread_mutex_unlock(&s->lock);
		p->task(p->ctx, state, k);
		pthread_mutex_lock(&s->lock);
		s->done[k % s->window] = 1;
		if (k == s->waiting)
			pthread_cond_signal(&s->ready);
	}
	pthread_mutex_unlock(&s->lock);
	if (p->thread_end)
		p->thread_end(p->ctx, state);
	return NULL;
}

/* Wait until tasks [first, first + count) are done: the last first,
 * which is taken last and so mostly done last (one wake-up a batch, not
 * one a task). */
static void stream_wait(struct stream *s, size_t first, size_t count)
{
	pthread_mutex_lock(&s->lock);
	for (size_t k = first + count; k-- > first;) {
		while (!s->done[k % s->window]) {
			s->waiting = k;
			pthread_cond_wait(&s->ready, &s->lock);
		}
	}
	s->waiting = (size_t)-1;
	pthread_mutex_unlock(&s->lock);
}

/* Tasks [first, first + count) handed over: their slots are free. */
static void stream_advance(struct stream *s, size_t first, size_t count, int stop)
{
	pthread_mutex_lock(&s->lock);
	for (size_t k = first; k < first + count; k++)
		s->done[k % s->window] = 0;
	s->emitted = first + count;
	s->stop |= stop;
	pthread_cond_broadcast(&s->room);
	pthread_mutex_unlock(&s->lock);
}

static int run_stream(const assay_pool *p, pthread_t *th)
{
	size_t batch = p->batch ? p->batch : p->n;
	struct stream s = { .p = p, .window = 2 * batch, .waiting = (size_t)-1 };
	s.done = calloc(s.window ? s.window : 1, 1);
	if (!s.done)
		return -1;
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.room, NULL);
	pthread_cond_init(&s.ready, NULL);
	int started = 0, rc = 0;
	while (started < p->threads &&
	       !pthread_create(&th[started], NULL, stream_worker, &s))
		started++;
	if (!started && p->n)
		rc = -1;
	for (size_t first = 0; !rc && first < p->n;) {
		size_t count = batch_size(p, first);
		stream_wait(&s, first, count);
		rc = p->batch_done(p->ctx, first, count);
		/* a nonzero status stops the threads: what they would
		 * compute has nowhere to go */
		stream_advance(&s, first, count, rc != 0);
		first += count;
	}
	join(th, started);
	pthread_cond_destroy(&s.ready);
	pthread_cond_destroy(&s.room);
	pthread_mutex_destroy(&s.lock);
	free(s.done);
	return rc;
}

int assay_pool_run(const assay_pool *p)
{
	pthread_t *th = calloc((size_t)(p->threads > 0 ? p->threads : 1), sizeof *th);
	if (!th)
		return -1;
	int rc = p->batch_done ? run_stream(p, th) : run_all(p, th);
	free(th);
	return rc;
}
