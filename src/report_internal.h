/*
 * What the report files share (internal; the map is in report.c).
 */
#ifndef ASSAY_REPORT_INTERNAL_H
#define ASSAY_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "assay/changepoint.h"
#include "assay/plot.h"
#include "assay/report.h"
#include "assay/sentence.h"
#include "assay/trend.h"

#pragma GCC visibility push(hidden)

/* Periods shown in a section's table of recent moves. */
enum { RECENT = 8 };

/* ---- the report's state (report.c) ---------------------------------- */

struct rep {
	assay_store *st;
	const char *dir;
	const assay_report_opts *o;
	assay_scan_result res;
	FILE *html, *md;
	char *hbuf, *mbuf;
	size_t hlen, mlen;
	char (*paths)[2][1024];         /* chart files of row i ... */
	char (*drawn)[2][1100];         /* ... and where they are until the
					 * pages are written (temporary files) */
	unsigned char *ok;              /* bit k: chart k of row i written */
	char **units;                   /* unit of row i (its section reads
					 * it; the summary, written after
					 * the sections, shows it) or NULL */
	assay_plot_batch *charts;       /* drawn, committed with the pages */
	char **sources;                 /* distinct, in order of appearance */
	size_t nsources;
	char latest_import[32], latest_vintage[32];
	assay_error *err;
};

int report_cancelled(const struct rep *r);
void report_add_source(struct rep *r, const char *s);
/* The newest import time and vintage of a series, into the report's. */
void report_note_imports(struct rep *r, int64_t id);
/* "Copper, World, price ($/mt)": what the series is, from its metadata. */
void report_describe(const assay_series_info *info, char *buf, size_t n);
int report_load(struct rep *r, const char *name, assay_series_info *info,
		assay_obs *obs);
/* Read a whole file into a malloc'd string. */
char *report_read_all(const char *path);

/* ---- one series (report_series.c) ---------------------------------- */

struct section {
	const assay_scan_row *row;
	size_t index;                   /* 1-based section number */
	assay_check ck;                 /* the check of the scan's period */
	int analysed;
	char sentence[1100];
	char what[400];
	/* trend */
	int has_trend;
	char trend_words[800];
	assay_trend tr;
	assay_cpts cp;
	size_t tn;
	char tfrom[32], tto[32];
};

/* The check of the period the scan judged, at the scan's frequency. */
void report_judge(struct rep *r, struct section *s, const assay_obs *obs);
void report_trend(struct rep *r, struct section *s, const assay_obs *obs);
void report_section_release(struct section *s);

/* ---- writing (report_write.c) -------------------------------------- */

/* Sections and the page around them, into r->html and r->md. */
int report_build_pages(struct rep *r);

#pragma GCC visibility pop

#endif
