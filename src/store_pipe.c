/*
 * The import's writer thread (see store_pipe.h).  Double buffering: the
 * importer fills one buffer while the writer runs the other; a full
 * buffer waits only for the writer to be done with the one before it.
 * SQLite was half of a first import's time and the parser the other half
 * (perf: 46% libsqlite3, 45% libcsv, the importer and libc), so on two
 * cores the wall time comes near the larger of the two.  A mutex and two
 * condition variables hand the buffers over; they also order every write
 * of one thread to the connection before the other's next use of it, as
 * SQLite's multi-thread mode requires (one thread at a time).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "store_pipe.h"

/* Entries per buffer: 4,096 of 48 bytes (two buffers: 384 kB), the
 * hand-over cost (a wake-up of the writer) shared by thousands of rows,
 * and the writer's last buffer, run after the parser has ended, short. */
#ifndef PIPE_ENTRIES    /* a tiny one (-DPIPE_ENTRIES=5) runs every test
			 * import on the thread */
#define PIPE_ENTRIES 4096
#endif

struct store_pipe {
	pipe_run_fn run;
	void *ctx;
	struct pipe_entry *buf[2];
	struct pipe_entry *fill;        /* the importer's buffer */
	size_t nfill;
	/* under lock: the buffer given to the writer (NULL: it is idle) */
	pthread_mutex_t lock;
	pthread_cond_t wake, idle;
	struct pipe_entry *job;
	size_t njob;
	int quit;
	int thread;                     /* 1 running, 0 not started, -1 none */
	pthread_t th;
	/* set once a run has failed; werr says how (written before) */
	atomic_int failed;
	assay_error werr;
};

static void drop(struct pipe_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].series);
}

/* Runs a buffer unless a run has failed, then frees its series blocks. */
static void run_buffer(store_pipe *p, struct pipe_entry *e, size_t n)
{
	if (!atomic_load(&p->failed) && p->run(p->ctx, e, n, &p->werr))
		atomic_store(&p->failed, 1);
	drop(e, n);
}

static void *writer(void *arg)
{
	store_pipe *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->job && !p->quit)
			pthread_cond_wait(&p->wake, &p->lock);
		if (!p->job)
			break;
		struct pipe_entry *e = p->job;
		size_t n = p->njob;
		int quit = p->quit;
		pthread_mutex_unlock(&p->lock);
		if (quit)
			drop(e, n);     /* the import is being rolled back */
		else
			run_buffer(p, e, n);
		pthread_mutex_lock(&p->lock);
		p->job = NULL;
		pthread_cond_signal(&p->idle);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

store_pipe *pipe_new(pipe_run_fn run, void *ctx, int threaded)
{
	store_pipe *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->buf[0] = malloc(PIPE_ENTRIES * sizeof *p->buf[0]);
	p->buf[1] = malloc(PIPE_ENTRIES * sizeof *p->buf[1]);
	if (!p->buf[0] || !p->buf[1]) {
		free(p->buf[0]);
		free(p->buf[1]);
		free(p);
		return NULL;
	}
	p->run = run;
	p->ctx = ctx;
	p->fill = p->buf[0];
	p->thread = threaded ? 0 : -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	pthread_cond_init(&p->idle, NULL);
	atomic_init(&p->failed, 0);
	return p;
}

/* Until the writer has finished its buffer. */
static void wait_idle(store_pipe *p)
{
	if (p->thread <= 0)
		return;
	pthread_mutex_lock(&p->lock);
	while (p->job)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void pipe_free(store_pipe *p)
{
	if (!p)
		return;
	if (p->thread > 0) {
		pthread_mutex_lock(&p->lock);
		p->quit = 1;
		pthread_cond_signal(&p->wake);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->th, NULL);
	}
	drop(p->fill, p->nfill);
	pthread_cond_destroy(&p->idle);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	free(p->buf[0]);
	free(p->buf[1]);
	free(p);
}

static int failure(store_pipe *p, assay_error *err)
{
	if (err)
		*err = p->werr;
	return -1;
}

/* The full buffer to the writer, which is started with the first one
 * (where no thread can be made, the caller's thread runs every buffer). */
static void hand_over(store_pipe *p)
{
	wait_idle(p);
	if (p->thread == 0)
		p->thread = pthread_create(&p->th, NULL, writer, p) ? -1 : 1;
	if (p->thread < 0) {
		run_buffer(p, p->fill, p->nfill);
		p->nfill = 0;
		return;
	}
	pthread_mutex_lock(&p->lock);
	p->job = p->fill;
	p->njob = p->nfill;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	/* the other buffer: the writer is done with it (wait_idle above) */
	p->fill = p->fill == p->buf[0] ? p->buf[1] : p->buf[0];
	p->nfill = 0;
}

struct pipe_entry *pipe_slot(store_pipe *p, assay_error *err)
{
	if (p->nfill == PIPE_ENTRIES)
		hand_over(p);
	/* An error shows at the first call after it is known: the import
	 * stops as soon as it would have without the thread, or later (see
	 * store_import_check). */
	if (atomic_load_explicit(&p->failed, memory_order_relaxed)) {
		wait_idle(p);
		return failure(p, err), NULL;
	}
	return &p->fill[p->nfill++];
}

int pipe_error(store_pipe *p, assay_error *err)
{
	wait_idle(p);
	return atomic_load(&p->failed) ? failure(p, err) : 0;
}

int pipe_drain(store_pipe *p, assay_error *err)
{
	if (pipe_error(p, err))
		return -1;
	size_t n = p->nfill;
	p->nfill = 0;
	if (n)
		run_buffer(p, p->fill, n);
	return atomic_load(&p->failed) ? failure(p, err) : 0;
}
