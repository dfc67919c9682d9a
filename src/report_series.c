/*
 * One series of the report: the check of the period the scan judged,
 * and the trend and shifts of its history (the map is in report.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/changepoint.h"
#include "assay/report.h"
#include "assay/sentence.h"
#include "assay/trend.h"
#include "report_internal.h"

/* ---- one series: its judgement, recent moves and trend ------------- */

/* The check of the period the scan judged, at the scan's frequency: the
 * same analysis as `assay check SERIES --freq F --period P`. */
void report_judge(struct rep *r, struct section *s, const assay_obs *obs)
{
	const assay_scan_row *row = s->row;
	assay_analysis_opts ao = r->o->scan.analysis;
	assay_error e;
	s->ck.row = (size_t)-1;
	s->ck.name = row->name;
	s->ck.as_of = r->o->scan.as_of;
	s->ck.allow_partial = ao.allow_partial;
	ao.freq = row->freq ? row->freq : s->ck.info.freq;
	/* the period the scan judged, or the one --period asked for where the
	 * series has no value (it showed the latest period's verdict then,
	 * under a summary that said "no value in that period") */
	const assay_scan_opts *so = &r->o->scan;
	int asked = row->has_period || so->has_period;
	assay_period want = row->has_period ? row->period
			    : so->has_period ? assay_period_bound(so->period_freq, so->period,
								  ao.freq, 0) : 0;
	if (asked) {
		/* the periods before it are judged too, for the table of recent
		 * moves; a move's verdict never depends on later ones */
		ao.judge_from = want - (RECENT - 1);
		s->ck.period = want;
		s->ck.has_period = 1;
	}
	if (assay_analyse(obs, s->ck.info.freq, s->ck.info.kind, &ao, &s->ck.a, &e)) {
		snprintf(s->sentence, sizeof s->sentence, "%.200s: cannot judge: %.700s",
			 row->name, e.msg);
		return;
	}
	s->analysed = 1;
	s->ck.row = assay_pick_row(&s->ck.a, ao.allow_partial, asked, want);
	if (s->ck.row == (size_t)-1 && s->ck.a.s.n && !asked) {
		s->ck.period = s->ck.a.s.period[s->ck.a.s.n - 1];
		s->ck.has_period = 1;
	}
	if (s->ck.row == (size_t)-1 || s->ck.a.j[s->ck.row].verdict == ASSAY_VERDICT_NONE)
		assay_check_explain(&s->ck);
	assay_check_sentence(&s->ck, s->sentence, sizeof s->sentence);
}

/* Index order of change points by the size of the shift, largest first. */
static double shift_pct(const assay_cpts *cp, size_t j)
{
	double b = cp->seg_mean[j], a = cp->seg_mean[j + 1];
	return b > 0 && a > 0 ? 100 * (a / b - 1) : NAN;
}

static void shift_words(const struct section *s, const assay_period *per,
			assay_freq f, char *buf, size_t n)
{
	enum { SHOWN = 3 };
	size_t ncp = s->cp.nseg ? s->cp.nseg - 1 : 0, len = 0, pick[SHOWN], np = 0;
	if (!ncp) {
		snprintf(buf, n, "no level shift");
		return;
	}
	/* all of them when few, else the largest (in time order) */
	for (size_t j = 0; j < ncp; j++) {
		double sz = fabs(shift_pct(&s->cp, j));
		if (!isfinite(sz))
			sz = fabs(s->cp.seg_mean[j + 1] - s->cp.seg_mean[j]);
		if (np < SHOWN) {
			pick[np++] = j;
			continue;
		}
		size_t worst = 0;
		for (size_t k = 1; k < np; k++) {
			double a = fabs(shift_pct(&s->cp, pick[k])), b = fabs(shift_pct(&s->cp, pick[worst]));
			if (a < b)
				worst = k;
		}
		if (sz > fabs(shift_pct(&s->cp, pick[worst]))) {
			for (size_t k = worst; k + 1 < np; k++)
				pick[k] = pick[k + 1];
			pick[np - 1] = j;
		}
	}
	if (ncp > SHOWN)
		len += (size_t)snprintf(buf, n, "%zu level shifts, the largest in ", ncp);
	else
		len += (size_t)snprintf(buf, n, "level shift%s in ", ncp > 1 ? "s" : "");
	for (size_t k = 0; k < np && len < n; k++) {
		size_t j = pick[k];
		char lbl[32], chg[48];
		assay_period_format(f, per[s->cp.seg_start[j + 1]], lbl, sizeof lbl);
		if (isfinite(shift_pct(&s->cp, j)))
			assay_fmt_pct(shift_pct(&s->cp, j), chg, sizeof chg);
		else
			assay_fmt_human(s->cp.seg_mean[j + 1] - s->cp.seg_mean[j], chg, sizeof chg);
		const char *sep = k == 0 ? "" : k + 1 == np ? " and " : ", ";
		len += (size_t)snprintf(buf + len, n - len, "%s%s (%s)", sep, lbl, chg);
	}
}

/* The trend record of the series at the frequency judged (partial
 * periods left out, as `assay trend --freq F`), and the trend in words. */
void report_trend(struct rep *r, struct section *s, const assay_obs *obs)
{
	const assay_series_info *info = &s->ck.info;
	assay_freq f = s->row->freq ? s->row->freq : info->freq;
	assay_trend_opts to;
	assay_cpt_opts co;
	assay_error e;
	assay_period *per = malloc((obs->n ? obs->n : 1) * sizeof *per);
	double *val = malloc((obs->n ? obs->n : 1) * sizeof *val);
	size_t n = 0;
	(void)r;
	if (!per || !val)
		goto out;
	if (f == info->freq) {
		for (size_t i = 0; i < obs->n; i++)
			if (isfinite(obs->value[i])) {
				per[n] = obs->period[i];
				val[n++] = obs->value[i];
			}
	} else {
		assay_resampled rs;
		if (assay_resample(obs, info->freq, info->kind, f, &rs, &e))
			goto out;
		for (size_t i = 0; i < rs.n && n < obs->n; i++)
			if (!rs.partial[i] && isfinite(rs.value[i])) {
				per[n] = rs.period[i];
				val[n++] = rs.value[i];
			}
		assay_resampled_release(&rs);
	}
	assay_trend_opts_init(&to);
	assay_trend_opts_units(&to, f);
	assay_cpt_opts_init(&co);
	if (n < 3 || assay_trend_run(per, val, n, &to, &s->tr, &e)) {
		/* trend's own reason where it refused them (too large) */
		if (n < 3)
			snprintf(s->trend_words, sizeof s->trend_words,
				 "Too few values (%zu) for a trend test.", n);
		else
			snprintf(s->trend_words, sizeof s->trend_words,
				 "No trend test: %.400s.", e.msg);
		goto out;
	}
	if (assay_pelt(val, n, &co, &s->cp, &e)) {
		memset(&s->cp, 0, sizeof s->cp);
		goto out;
	}
	s->has_trend = 1;
	s->tn = n;
	assay_period_format(f, per[0], s->tfrom, sizeof s->tfrom);
	assay_period_format(f, per[n - 1], s->tto, sizeof s->tto);
	char pb[32], shifts[400], growth[96] = "";
	assay_fmt_pvalue('p', s->tr.mk.p, pb, sizeof pb);
	shift_words(s, per, f, shifts, sizeof shifts);
	if (s->tr.growth.ok)
		snprintf(growth, sizeof growth, "; log-linear growth %s a year",
			 assay_fmt_pct(s->tr.growth.pct, (char[32]){ 0 }, 32));
	if (s->tr.mk.p < to.alpha)
		snprintf(s->trend_words, sizeof s->trend_words,
			 "%s trend over %s to %s (Mann-Kendall %s%s); %s.",
			 s->tr.mk.s > 0 ? "An increasing" : "A decreasing", s->tfrom, s->tto,
			 pb, growth, shifts);
	else
		snprintf(s->trend_words, sizeof s->trend_words,
			 "No monotonic trend over %s to %s (Mann-Kendall %s); %s.",
			 s->tfrom, s->tto, pb, shifts);
out:
	free(per);
	free(val);
}

void report_section_release(struct section *s)
{
	if (s->analysed)
		assay_analysis_release(&s->ck.a);
	assay_series_info_release(&s->ck.info);
	assay_cpts_release(&s->cp);
}

