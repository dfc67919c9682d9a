/*
 * Charts with gnuplot (see assay/plot.h for the contract and the safety
 * rules).  Three parts, in these files:
 *   1. quoting and naming (plot_quote.c): the only way a string from data
 *      reaches a script (assay_plot_quote) and the file names made from
 *      series names;
 *   2. chart scripts (this file dispatches; plot_frame.c has what all
 *      share, plot_level.c, plot_changes.c, plot_vol.c and plot_compare.c
 *      one chart type each): the data of each chart type prepared from
 *      the native observations (resampled, windowed, analysed) and
 *      written as gnuplot commands with inline data blocks, always in the
 *      C locale;
 *   3. the batch (gnuplot.c: finding gnuplot, the batch object, stale
 *      temporary files; plot_batch.c: running it): one gnuplot process
 *      started with posix_spawn (no shell); each chart's commands go to a file in a private directory, and
 *      gnuplot's stdin (a pipe) gets `load 'FILE'` per chart while its
 *      stderr is read in the same poll() loop; after each chart gnuplot
 *      prints a marker line with the chart's index and GPVAL_ERRNO, so that
 *      each message is attributed to the chart that caused it and one bad
 *      chart does not sink the rest.
 * plot_internal.h declares what these files share.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "assay/analysis.h"
#include "assay/changepoint.h"
#include "assay/changes.h"
#include "assay/plot.h"
#include "assay/resample.h"
#include "assay/trend.h"
#include "assay/verdict.h"
#include "assay/volatility.h"
#include "plot_internal.h"

/* ------------------------------------------------------------------ */
/* Names and options                                                    */

static const char *const type_names[] = { "level", "changes", "compare", "vol" };
static const char *const format_names[] = { "png", "svg", "pdf" };

int assay_chart_type_parse(const char *s, assay_chart_type *t)
{
	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, type_names[i])) {
			*t = (assay_chart_type)i;
			return 0;
		}
	return -1;
}

const char *assay_chart_type_name(assay_chart_type t)
{
	return (unsigned)t < 4 ? type_names[t] : "";
}

int assay_plot_format_parse(const char *s, assay_plot_format *f)
{
	for (int i = 0; i < 3; i++)
		if (s && !strcasecmp(s, format_names[i])) {
			*f = (assay_plot_format)i;
			return 0;
		}
	return -1;
}

int assay_plot_format_from_path(const char *path, assay_plot_format *f)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');
	return dot ? assay_plot_format_parse(dot + 1, f) : -1;
}

const char *assay_plot_format_ext(assay_plot_format f)
{
	return (unsigned)f < 3 ? format_names[f] : "";
}

void assay_plot_opts_init(assay_plot_opts *o)
{
	memset(o, 0, sizeof *o);
	o->type = ASSAY_CHART_LEVEL;
	o->format = ASSAY_PLOT_PNG;
	o->width = 1200;
	o->height = 675;
	o->freq = ASSAY_FREQ_NONE;
	o->window = 20;
	o->min_window = 8;
	o->alpha = 0.05;
	o->trend = 1;
}

/* ------------------------------------------------------------------ */

int assay_plot_script(FILE *fp, const char *outpath,
		      const assay_plot_input *in, size_t nin,
		      const assay_plot_opts *o, assay_error *err)
{
	int rc;
	if (nin == 0)
		return assay_fail(err, ASSAY_EUSAGE, "no series to plot");
	if (o->type != ASSAY_CHART_COMPARE && nin != 1)
		return assay_fail(err, ASSAY_EUSAGE, "a %s chart draws one series",
				  assay_chart_type_name(o->type));
	if (o->width < 200 || o->width > 10000 || o->height < 150 || o->height > 10000)
		return assay_fail(err, ASSAY_EUSAGE,
				  "chart size %dx%d is out of range (200..10000 x 150..10000)",
				  o->width, o->height);
	for (const char *p = outpath; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			return assay_fail(err, ASSAY_EUSAGE,
					  "output path has a control character");
	/* Numbers in the C locale whatever the program's locale is: this
	 * thread only, for the time the script is written. */
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	locale_t old = c ? uselocale(c) : (locale_t)0;
	if (!c)
		return assay_fail(err, ASSAY_EIO, "cannot switch to the C locale");
	switch (o->type) {
	case ASSAY_CHART_CHANGES: rc = assay_plot_chart_changes(fp, outpath, in, o, err); break;
	case ASSAY_CHART_VOL: rc = assay_plot_chart_vol(fp, outpath, in, o, err); break;
	case ASSAY_CHART_COMPARE: rc = assay_plot_chart_compare(fp, outpath, in, nin, o, err); break;
	default: rc = assay_plot_chart_level(fp, outpath, in, o, err); break;
	}
	uselocale(old);
	freelocale(c);
	if (!rc && ferror(fp))
		rc = assay_fail(err, ASSAY_EIO, "cannot write the gnuplot script");
	return rc;
}
