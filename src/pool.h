/*
 * The worker pool of the many-series runs (internal): assay_scan and
 * assay_each_series both run through it.  Tasks 0..n-1 are shared out to
 * threads in batches; after each batch a callback runs in the calling
 * thread, in order, while the threads go on with the next batch (a
 * pipeline: assay changes writes one batch while the next is computed).
 */
#ifndef ASSAY_POOL_H
#define ASSAY_POOL_H

#include <stddef.h>

typedef struct assay_pool {
	size_t n;               /* tasks */
	int threads;            /* worker threads, at least 1 */
	size_t batch;           /* tasks per batch at most; 0: one batch */
	/* Per-thread state (a store connection), made in the thread before
	 * its first task and given back after its last; both may be NULL. */
	void *(*thread_start)(void *ctx);
	void (*thread_end)(void *ctx, void *state);
	/* Task k, in some worker thread. */
	void (*task)(void *ctx, void *state, size_t k);
	/* Tasks [first, first + count) are done: in the calling thread, in
	 * order, while the threads go on with the tasks before first + 2 x
	 * batch (a ring of 2 x batch slots suffices).  Nonzero stops the
	 * run (no further task is started; those running finish, and no
	 * batch_done follows) and is returned.  NULL: the calling thread
	 * works on the tasks too. */
	int (*batch_done)(void *ctx, size_t first, size_t count);
	void *ctx;
} assay_pool;

/* Run the pool; returns 0, batch_done's nonzero status, or -1 when no
 * thread could be started (nothing was run then). */
int assay_pool_run(const assay_pool *p);

#endif
