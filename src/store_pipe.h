/*
 * The import's writer thread (store_pipe.c), private to store_write.c: an
 * ordered queue of writes that a second thread runs while the importer
 * parses on.  The queue knows nothing of SQL: each full buffer of entries
 * goes to the run function given at pipe_new, on the writer thread, in
 * the order the entries were queued; the caller's thread runs the rest
 * itself at pipe_drain.  Only one thread ever runs the function at a
 * time, and the caller must not touch what it touches (the database
 * connection) unless pipe_drain has just returned.
 */
#ifndef ASSAY_STORE_PIPE_H
#define ASSAY_STORE_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "assay/assay.h"

#pragma GCC visibility push(hidden)

/* One queued write: a value, or (series != NULL) a new series, a block
 * the queue frees once the entry has run or is dropped. */
struct pipe_entry {
	int64_t sid, period, import_id;
	double value;
	long line;
	void *series;
};

/* Runs n entries in order: 0, or -1 with err filled (the entries after
 * the failing one are not run; every later call fails with that error). */
typedef int (*pipe_run_fn)(void *ctx, const struct pipe_entry *e, size_t n,
			   assay_error *err);

typedef struct store_pipe store_pipe;

/* NULL when out of memory.  The thread starts with the first full buffer
 * (a small import never starts it); threaded 0: never, the caller's
 * thread runs every buffer as it fills (SQLite built without threads). */
store_pipe *pipe_new(pipe_run_fn run, void *ctx, int threaded);
/* Stops the thread (the buffer it runs is finished, the rest dropped)
 * and frees p.  NULL is fine. */
void pipe_free(store_pipe *p);
/* The next entry to fill, or NULL with err filled when a write queued
 * earlier has failed. */
struct pipe_entry *pipe_slot(store_pipe *p, assay_error *err);
/* Every queued entry run (the caller's thread runs those the writer was
 * not given): 0, or -1 with the first failure's err. */
int pipe_drain(store_pipe *p, assay_error *err);
/* Waits for the writer to finish what it was given (runs nothing else):
 * -1 with err filled when a write has failed, else 0. */
int pipe_error(store_pipe *p, assay_error *err);

#pragma GCC visibility pop

#endif
