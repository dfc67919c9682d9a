/*
 * assay_each_series_run (see scan.h): the series read in turns through
 * the caller's connection, worked on in the pool's threads (pool.h), and
 * emitted batch by batch in order.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "assay/scan.h"
#include "pool.h"

struct each {
	assay_store *st;
	char *const *names;
	const assay_each_opts *o;
	pthread_mutex_t db_lock;        /* the connection, one thread at a time */
};

/* Read series k (under the lock) and work on it (without). */
static void each_task(void *ctx, void *state, size_t k)
{
	struct each *e = ctx;
	assay_each_series s;
	(void)state;
	memset(&s, 0, sizeof s);
	s.name = e->names[k];
	pthread_mutex_lock(&e->db_lock);
	int rc = assay_store_series_get(e->st, s.name, &s.info, &s.err);
	if (rc < 0) {
		s.failed = 1;
	} else if (rc > 0) {
		s.found = 1;
		if (assay_store_load(e->st, s.info.id, e->o->as_of, &s.obs, &s.err))
			s.failed = 1;
	}
	pthread_mutex_unlock(&e->db_lock);
	e->o->work(e->o->ctx, k, &s);
	if (s.found) {
		assay_obs_release(&s.obs);
		assay_series_info_release(&s.info);
	}
}

static int each_emit(void *ctx, size_t first, size_t count)
{
	struct each *e = ctx;
	return e->o->emit(e->o->ctx, first, count);
}

int assay_each_series_run(assay_store *st, char *const *names, size_t n,
			  const assay_each_opts *o, assay_error *err)
{
	struct each e = { .st = st, .names = names, .o = o };
	if (o->jobs <= 1) {
		/* one after another, no thread: a batch of one */
		pthread_mutex_init(&e.db_lock, NULL);
		int rc = 0;
		for (size_t k = 0; k < n && !rc; k++) {
			each_task(&e, NULL, k);
			rc = o->emit(o->ctx, k, 1);
		}
		pthread_mutex_destroy(&e.db_lock);
		return rc;
	}
	assay_pool pool = {
		.n = n, .threads = o->jobs, .batch = ASSAY_EACH_BATCH,
		.task = each_task, .batch_done = each_emit, .ctx = &e
	};
	pthread_mutex_init(&e.db_lock, NULL);
	int rc = assay_pool_run(&pool);
	pthread_mutex_destroy(&e.db_lock);
	if (rc == -1)
		return assay_fail(err, ASSAY_EIO, "cannot start threads");
	return rc;
}
