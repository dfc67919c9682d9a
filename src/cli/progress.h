/* A progress bar on stderr for long work, drawn only on a terminal. */
#ifndef ASSAY_CLI_PROGRESS_H
#define ASSAY_CLI_PROGRESS_H

#include <stdint.h>
#include <time.h>

struct progress {
	int enabled;            /* stderr is a terminal and not --quiet */
	int drawn;              /* something is on the line */
	struct timespec last;   /* last redraw */
};

void progress_init(struct progress *p, int enabled);
/* Redraw at most ten times a second: "label [=====>    ] 45%". */
void progress_update(struct progress *p, const char *label, uint64_t done,
		     uint64_t total);
/* Clear the line. */
void progress_done(struct progress *p);

#endif
