/*
 * The check sentence (sentence.h): the words of `assay check` for one
 * judged move, or the reason it cannot be judged.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "assay/sentence.h"

/* "quarter"/"quarters" (the sentence's nouns for a frequency). */
static const char *freq_noun(assay_freq f, int plural)
{
	switch (f) {
	case ASSAY_FREQ_D: return plural ? "days" : "day";
	case ASSAY_FREQ_W: return plural ? "weeks" : "week";
	case ASSAY_FREQ_M: return plural ? "months" : "month";
	case ASSAY_FREQ_Q: return plural ? "quarters" : "quarter";
	case ASSAY_FREQ_A: return plural ? "years" : "year";
	default: return plural ? "periods" : "period";
	}
}

/* "0.21", "0.048", "< 0.0001" */
static void fmt_p(double p, char *buf, size_t n)
{
	if (p < 0.0001)
		snprintf(buf, n, "p < 0.0001");
	else
		snprintf(buf, n, "p = %.2g", p);
}

static void fmt_change(const assay_check *c, char *buf, size_t n)
{
	size_t i = c->row;
	double pct = c->a.c.pct[i], diff = c->a.c.diff[i];
	const char *lbl = assay_freq_change_tag(c->a.s.freq);
	if (isfinite(pct))
		snprintf(buf, n, "%+.1f%% %s", pct, lbl);
	else if (isfinite(diff))
		snprintf(buf, n, "%+.6g%s%s %s", diff, c->info.unit ? " " : "",
			 c->info.unit ? c->info.unit : "", lbl);
	else
		snprintf(buf, n, "no %s change", lbl);
}

/* "2 of 3 months", or "17 observations" for daily and weekly data. */
static const char *coverage(const assay_check *c, size_t i)
{
	static char buf[64];
	assay_freq from = c->info.freq, to = c->a.s.freq;
	int n = c->a.s.n_obs[i], of = 0;
	if (from == ASSAY_FREQ_M)
		of = to == ASSAY_FREQ_Q ? 3 : 12;
	else if (from == ASSAY_FREQ_Q)
		of = 4;
	if (of)
		snprintf(buf, sizeof buf, "%d of %d %s", n, of,
			 freq_noun(from, of != 1));
	else
		snprintf(buf, sizeof buf, "%d observation%s", n, n == 1 ? "" : "s");
	return buf;
}

/* The reason a move cannot be judged, in words. */
void assay_check_explain(assay_check *c)
{
	const assay_analysis *a = &c->a;
	assay_freq f = a->s.freq;
	char lbl[32];
	if (c->row == (size_t)-1) {
		assay_period_format(f, c->period, lbl, sizeof lbl);
		if (a->s.n == 0)
			snprintf(c->reason, sizeof c->reason, "the series has no data");
		else
			snprintf(c->reason, sizeof c->reason,
				 "there is no %s %s in the data", assay_freq_adjective(f), lbl);
		return;
	}
	size_t i = c->row;
	const assay_judgement *j = &a->j[i];
	size_t p = a->c.prev[i];
	switch (j->why) {
	case ASSAY_UNJUDGED_NA:
		if (!isfinite(a->s.value[i]))
			snprintf(c->reason, sizeof c->reason, "no value for this %s",
				 freq_noun(f, 0));
		else if (a->s.partial[i])
			snprintf(c->reason, sizeof c->reason,
				 "the %s is partial (%s); --allow-partial "
				 "judges it anyway", freq_noun(f, 0),
				 coverage(c, i));
		else if (p == (size_t)-1 || !isfinite(a->s.value[p]))
			snprintf(c->reason, sizeof c->reason,
				 "the previous %s has no value", freq_noun(f, 0));
		else if (a->s.partial[p])
			snprintf(c->reason, sizeof c->reason,
				 "the previous %s is partial", freq_noun(f, 0));
		else
			snprintf(c->reason, sizeof c->reason, "the change is undefined");
		break;
	case ASSAY_UNJUDGED_HISTORY:
		snprintf(c->reason, sizeof c->reason,
			 "only %d %s of history (%d needed)", j->n_history,
			 freq_noun(f, j->n_history != 1),
			 a->used.min_history > j->params + 2 ? a->used.min_history
							    : j->params + 2);
		break;
	case ASSAY_UNJUDGED_FLAT:
		snprintf(c->reason, sizeof c->reason,
			 "the previous %d %s show no variation", j->n_history,
			 freq_noun(f, 1));
		break;
	case ASSAY_UNJUDGED_SEASONAL:
		snprintf(c->reason, sizeof c->reason,
			 "--seasonal yes needs at least 2 changes per %s in the "
			 "window", freq_noun(f, 0));
		break;
	default:
		snprintf(c->reason, sizeof c->reason, "not judged");
	}
}

int assay_check_sentence(const assay_check *c, char *buf, size_t n)
{
	char lbl[32], chg[96], pbuf[32], typ[96];
	assay_freq f = c->a.s.freq;
	if (c->row == (size_t)-1) {
		assay_period_format(f, c->period, lbl, sizeof lbl);
		snprintf(buf, n, "%s %s: cannot judge: %s", c->name, lbl, c->reason);
		return ASSAY_ECANNOT;
	}
	size_t i = c->row;
	const assay_judgement *j = &c->a.j[i];
	assay_period_format(f, c->a.s.period[i], lbl, sizeof lbl);
	fmt_change(c, chg, sizeof chg);
	if (j->verdict == ASSAY_VERDICT_NONE) {
		if (isfinite(c->a.c.pct[i]) || isfinite(c->a.c.diff[i]))
			snprintf(buf, n, "%s %s: %s, cannot judge: %s", c->name, lbl, chg,
			       c->reason);
		else
			snprintf(buf, n, "%s %s: cannot judge: %s", c->name, lbl, c->reason);
		return ASSAY_ECANNOT;
	}
	fmt_p(j->p, pbuf, sizeof pbuf);
	if (j->basis == ASSAY_BASIS_LOG)
		snprintf(typ, sizeof typ, "+/-%.1f%%", 100 * j->noise.sd);
	else
		snprintf(typ, sizeof typ, "+/-%.6g%s%s", j->noise.sd,
			 c->info.unit ? " " : "", c->info.unit ? c->info.unit : "");
	const char *what;
	char trend[96];
	switch (j->verdict) {
	case ASSAY_VERDICT_SHOCK:
		what = "a notable shock";
		break;
	case ASSAY_VERDICT_TREND:
		snprintf(trend, sizeof trend,
			 "part of a notable trend (%d %s %s in a row)", j->run,
			 freq_noun(f, 1), j->stat > 0 ? "up" : "down");
		what = trend;
		break;
	default:
		what = "within normal variation";
	}
	snprintf(buf, n, "%s %s: %s, %s (%s; typical %s move %s, %d %s of history%s)",
	       c->name, lbl, chg, what, pbuf, assay_freq_adjective(f), typ, j->n_history,
	       freq_noun(f, j->n_history != 1),
	       j->seasonal ? ", seasonal pattern removed" : "");
	return j->verdict == ASSAY_VERDICT_NOISE ? ASSAY_OK : ASSAY_NOTABLE;
}

