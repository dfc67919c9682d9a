/* Progress bar (see progress.h). */
#include <stdio.h>
#include <string.h>

#include "progress.h"

void progress_init(struct progress *p, int enabled)
{
	memset(p, 0, sizeof *p);
	p->enabled = enabled;
}

void progress_update(struct progress *p, const char *label, uint64_t done,
		     uint64_t total)
{
	struct timespec now;
	if (!p || !p->enabled)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double dt = (double)(now.tv_sec - p->last.tv_sec) +
		    (double)(now.tv_nsec - p->last.tv_nsec) / 1e9;
	if (p->drawn && dt < 0.1 && done < total)
		return;
	p->last = now;
	if (total) {
		int width = 30, fill = (int)((double)done / (double)total * width);
		if (fill > width)
			fill = width;
		fprintf(stderr, "\r%-10s [%.*s%*s] %3d%%", label, fill,
			"==============================", width - fill, "",
			(int)(100.0 * (double)done / (double)total));
	} else {
		fprintf(stderr, "\r%-10s %llu", label, (unsigned long long)done);
	}
	p->drawn = 1;
}

void progress_done(struct progress *p)
{
	if (p && p->enabled && p->drawn)
		fprintf(stderr, "\r%60s\r", "");
	if (p)
		p->drawn = 0;
}
