/*
 * The worker pool (src/pool.h): every task runs exactly once, batch_done
 * sees the tasks in order and only when they are done, no task starts
 * more than two batches ahead of the first one not yet handed over (the
 * caller's ring of 2 x batch slots), a nonzero batch_done stops the run,
 * and the per-thread state comes and goes once per thread.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pool.h"

struct probe {
	pthread_mutex_t lock;
	size_t n, batch;
	int *runs;              /* times task k ran */
	int *done;              /* task k finished */
	size_t emitted;         /* tasks handed over so far */
	size_t batches;
	size_t too_far;         /* tasks started >= emitted + 2 batch */
	size_t not_done;        /* handed over before they finished */
	size_t out_of_order;
	int stop_at;            /* batch_done returns 7 at this batch (0: never) */
	int starts, ends, bad_state;
	unsigned sink;
};

static void *probe_start(void *ctx)
{
	struct probe *p = ctx;
	pthread_mutex_lock(&p->lock);
	p->starts++;
	pthread_mutex_unlock(&p->lock);
	return p;               /* the state the tasks must see */
}

static void probe_end(void *ctx, void *state)
{
	struct probe *p = ctx;
	pthread_mutex_lock(&p->lock);
	p->ends++;
	p->bad_state += state != p;
	pthread_mutex_unlock(&p->lock);
}

static void probe_task(void *ctx, void *state, size_t k)
{
	struct probe *p = ctx;
	pthread_mutex_lock(&p->lock);
	p->runs[k]++;
	if (p->batch && k >= p->emitted + 2 * p->batch)
		p->too_far++;
	if (state && state != p)
		p->bad_state++;
	pthread_mutex_unlock(&p->lock);
	/* uneven work, so that tasks finish out of order */
	unsigned x = 0;
	for (unsigned i = 0; i < (unsigned)(k * 7919 % 13) * 2000; i++)
		x += i * i;
	pthread_mutex_lock(&p->lock);
	p->sink += x;           /* kept, so that the loop is not dropped */
	p->done[k] = 1;
	pthread_mutex_unlock(&p->lock);
}

static int probe_batch(void *ctx, size_t first, size_t count)
{
	struct probe *p = ctx;
	pthread_mutex_lock(&p->lock);
	if (first != p->emitted || count == 0 || count > p->batch)
		p->out_of_order++;
	for (size_t k = first; k < first + count; k++)
		p->not_done += !p->done[k];
	p->batches++;
	int rc = p->stop_at && (int)p->batches == p->stop_at ? 7 : 0;
	if (!rc)
		p->emitted = first + count;
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static void probe_init(struct probe *p, size_t n, size_t batch)
{
	memset(p, 0, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	p->n = n;
	p->batch = batch;
	p->runs = calloc(n ? n : 1, sizeof *p->runs);
	p->done = calloc(n ? n : 1, sizeof *p->done);
	assert_non_null(p->runs);
	assert_non_null(p->done);
}

static void probe_free(struct probe *p)
{
	free(p->runs);
	free(p->done);
	pthread_mutex_destroy(&p->lock);
}

static int run(struct probe *p, int threads, int with_batch_done, int with_state)
{
	assay_pool pool = {
		.n = p->n, .threads = threads, .batch = p->batch,
		.thread_start = with_state ? probe_start : NULL,
		.thread_end = with_state ? probe_end : NULL,
		.task = probe_task,
		.batch_done = with_batch_done ? probe_batch : NULL,
		.ctx = p
	};
	return assay_pool_run(&pool);
}

static void test_stream_in_order(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 64, 65, 1000, 3001 };
	for (int threads = 1; threads <= 4; threads++) {
		for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
			struct probe p;
			probe_init(&p, sizes[s], 64);
			assert_int_equal(run(&p, threads, 1, 1), 0);
			for (size_t k = 0; k < p.n; k++)
				assert_int_equal(p.runs[k], 1);
			assert_int_equal(p.emitted, p.n);
			assert_int_equal(p.out_of_order, 0);
			assert_int_equal(p.not_done, 0);
			assert_int_equal(p.too_far, 0);
			assert_int_equal(p.starts, threads);
			assert_int_equal(p.ends, threads);
			assert_int_equal(p.bad_state, 0);
			probe_free(&p);
		}
	}
}

static void test_stream_stop(void **state)
{
	(void)state;
	for (int threads = 1; threads <= 3; threads++) {
		struct probe p;
		probe_init(&p, 5000, 64);
		p.stop_at = 3;
		assert_int_equal(run(&p, threads, 1, 0), 7);
		assert_int_equal(p.batches, 3);
		/* nothing ran beyond the window of the batch that stopped it */
		size_t ran = 0;
		for (size_t k = 0; k < p.n; k++) {
			assert_true(p.runs[k] <= 1);
			ran += (size_t)p.runs[k];
		}
		assert_true(ran <= p.emitted + 2 * p.batch);
		assert_int_equal(p.too_far, 0);
		probe_free(&p);
	}
}

static void test_all_without_batch_done(void **state)
{
	(void)state;
	for (int threads = 1; threads <= 4; threads++) {
		struct probe p;
		probe_init(&p, 2000, 0);
		assert_int_equal(run(&p, threads, 0, 1), 0);
		for (size_t k = 0; k < p.n; k++)
			assert_int_equal(p.runs[k], 1);
		/* the calling thread works too: threads - 1 more */
		assert_int_equal(p.starts, threads);
		assert_int_equal(p.ends, threads);
		assert_int_equal(p.bad_state, 0);
		probe_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_in_order),
		cmocka_unit_test(test_stream_stop),
		cmocka_unit_test(test_all_without_batch_done),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
