/*
 * The vol chart: trailing annualised volatility of the log changes.
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
/* vol                                                                  */

/* Trailing annualised volatility: the sd of the log changes in the
 * window of the `window` latest changes up to and including period i
 * (what was seen by then, as TTR's volatility()), annualised by
 * volatility.h (252 trading days for daily data), in percent. */
int assay_plot_chart_vol(FILE *fp, const char *outpath,
		     const assay_plot_input *in, const assay_plot_opts *o,
		     assay_error *err)
{
	struct view v;
	struct frame fr;
	assay_changes ch;
	char desc[128];
	size_t w = o->window ? o->window : 20, mw = o->min_window ? o->min_window : 8;
	double *vol = NULL, *win = NULL;
	int any = 0, fewer = 0, rc = -1;

	memset(&ch, 0, sizeof ch);
	if (assay_plot_prepare(in, o->freq, o, &v, err))
		return -1;
	const assay_resampled *rs = &v.rs;
	assay_freq f = rs->freq;
	if (assay_changes_compute(rs, 0, &ch, err))
		goto out;
	vol = malloc(rs->n * sizeof *vol);
	win = malloc(w * sizeof *win);
	if (!vol || !win) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	for (size_t i = v.a; i < v.b; i++) {
		size_t k = 0;
		vol[i] = NAN;
		if (!isfinite(ch.log[i]))
			continue;
		for (size_t jj = i + 1; jj-- > 0 && k < w;)
			if (isfinite(ch.log[jj]))
				win[k++] = ch.log[jj];
		if (k >= mw && k >= 2) {
			vol[i] = 100 * assay_vol_annualise(assay_vol_sd(win, k), f);
			any |= isfinite(vol[i]);
			fewer |= isfinite(vol[i]) && k < w;
		}
	}
	if (!any) {
		assay_fail(err, ASSAY_EUSAGE, "'%s' has too little history for a volatility "
			   "chart (%zu changes needed)", in->info->name, mw);
		goto out;
	}
	memset(&fr, 0, sizeof fr);
	char auto_title[512];
	assay_plot_title_of(in->info, auto_title, sizeof auto_title);
	fr.title = o->title ? o->title : auto_title;
	assay_plot_describe_freq(desc, sizeof desc, in->info, f);
	/* where points drawn use fewer changes than the window (the first
	 * ones of the data, those after gaps) the subtitle says how few */
	char least[48] = "";
	if (fewer)
		snprintf(least, sizeof least, ", at least %zu", mw);
	snprintf(fr.sub, sizeof fr.sub, "annualised volatility of log changes over the "
		 "trailing %zu %ss%s (%s)", w, assay_plot_freq_word(f), least, desc);
	assay_plot_make_footer(&fr, in, 1, o);
	snprintf(fr.xlabel, sizeof fr.xlabel, "%s", assay_plot_freq_word(f));
	snprintf(fr.ylabel, sizeof fr.ylabel, "annualised volatility, %%");
	assay_plot_put_x_range(&fr, &v);
	fr.nkey = 1;
	assay_plot_put_frame(fp, outpath, o, &fr);
	fputs("set yrange [0:*]\n$D0 << EOD\n", fp);
	for (size_t i = v.a; i < v.b; i++) {
		double row[2] = { assay_plot_period_mid(f, rs->period[i]), vol[i] };
		assay_plot_put_row(fp, row, 2);
	}
	fputs("EOD\nplot $D0 using ($1):2 with lines lw 2 lc rgb '" C_MAIN "' title ", fp);
	assay_plot_put_q(fp, in->info->name, MAX_TEXT);
	fputs("\nunset output\n", fp);
	rc = 0;
out:
	free(vol);
	free(win);
	assay_changes_release(&ch);
	assay_plot_view_release(&v);
	return rc;
}
