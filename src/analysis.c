/*
 * The analysis pipeline of one series: resample, changes, verdicts.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assay/analysis.h"

void assay_analysis_opts_init(assay_analysis_opts *o)
{
	memset(o, 0, sizeof *o);
	o->freq = ASSAY_FREQ_NONE;
	o->judge_from = INT64_MIN;
	assay_judge_opts_init(&o->judge);
}

int assay_seasons_of(assay_freq f)
{
	return f == ASSAY_FREQ_Q ? 4 : f == ASSAY_FREQ_M ? 12 : 0;
}

void assay_analysis_release(assay_analysis *a)
{
	if (!a)
		return;
	assay_resampled_release(&a->s);
	assay_changes_release(&a->c);
	free(a->j);
	a->j = NULL;
}

int assay_analyse(const assay_obs *obs, assay_freq native, assay_kind kind,
		  const assay_analysis_opts *o, assay_analysis *out,
		  assay_error *err)
{
	memset(out, 0, sizeof *out);
	assay_freq to = o->freq == ASSAY_FREQ_NONE ? native : o->freq;
	int *season = NULL;
	int rc = -1;

	if (o->judge.seasonal == ASSAY_SEASONAL_YES && !assay_seasons_of(to))
		return assay_fail(err, ASSAY_EUSAGE,
				  "--seasonal yes needs monthly or quarterly "
				  "data (these are %s)",
				  to == ASSAY_FREQ_A ? "annual" : to == ASSAY_FREQ_W
				  ? "weekly" : "daily");
	if (assay_resample(obs, native, kind, to, &out->s, err))
		return -1;
	if (assay_changes_compute(&out->s, o->allow_partial, &out->c, err))
		goto out;
	size_t n = out->s.n;
	out->j = malloc((n ? n : 1) * sizeof *out->j);
	season = malloc((n ? n : 1) * sizeof *season);
	if (!out->j || !season) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	out->used = o->judge;
	out->used.seasons = assay_seasons_of(to);
	out->used.freq = to;
	for (size_t i = 0; i < n; i++) {
		int k = out->used.seasons;
		season[i] = k ? (int)(((out->s.period[i] % k) + k) % k) : 0;
	}
	size_t first = 0;
	while (first < n && out->s.period[first] < o->judge_from)
		first++;
	if (assay_judge(out->c.log, out->c.diff, out->used.seasons ? season : NULL,
			n, first, &out->used, out->j, err))
		goto out;
	rc = 0;
out:
	free(season);
	if (rc)
		assay_analysis_release(out);
	return rc;
}
