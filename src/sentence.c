/*
 * The check sentence (sentence.h): the words of `assay check` for one
 * judged move, or the reason it cannot be judged.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "assay/report.h"
#include "assay/scan.h"
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
	assay_fmt_pvalue('p', p, buf, n);      /* one rule, scan's and the report's */
}

/* The unit after a difference: "t", "$/mt"; a difference of percentages
 * is in percentage points. */
static const char *unit_word(const char *unit)
{
	return !unit ? "" : !strcmp(unit, "%") ? "pp" : unit;
}

static void fmt_change(const assay_check *c, char *buf, size_t n)
{
	size_t i = c->row;
	double pct = c->a.c.pct[i], diff = c->a.c.diff[i];
	const char *lbl = assay_freq_change_tag(c->a.s.freq);
	char p[48], pp[48] = "";
	/* a share or a rate in percent moves in percentage points too: from
	 * 31% to 52% is +67% and +21 pp, and a reader asks for the second */
	if (c->info.unit && !strcmp(c->info.unit, "%") && isfinite(diff))
		assay_fmt_points(diff, pp, sizeof pp);
	/* a move judged on its difference (a spread, a series with zero
	 * years) states the difference too: its expected and typical moves
	 * are in the series' unit, and the percent alone was not what was
	 * judged */
	if (!*pp && isfinite(pct) && isfinite(diff) &&
	    c->a.j[i].basis == ASSAY_BASIS_DIFF)
		snprintf(pp, sizeof pp, "%+.3g%s%s", diff, c->info.unit ? " " : "",
			 unit_word(c->info.unit));
	if (isfinite(pct) && *pp) {
		snprintf(buf, n, "%s %s (%s)", assay_fmt_pct(pct, p, sizeof p), lbl, pp);
	} else if (isfinite(pct)) {
		snprintf(buf, n, "%s %s", assay_fmt_pct(pct, p, sizeof p), lbl);
	} else if (*pp) {
		snprintf(buf, n, "%s %s", pp, lbl);
	} else if (isfinite(diff)) {
		snprintf(buf, n, "%+.6g%s%s %s", diff, c->info.unit ? " " : "",
			 c->info.unit ? c->info.unit : "", lbl);
	} else {
		snprintf(buf, n, "no %s change", lbl);
	}
}

/* "2 of 3 months", or "17 observations" for daily and weekly data. */
static const char *coverage(const assay_check *c, size_t i, char *buf, size_t size)
{
	assay_freq from = c->info.freq, to = c->a.s.freq;
	int n = c->a.s.n_obs[i], of = 0;
	if (from == ASSAY_FREQ_M)
		of = to == ASSAY_FREQ_Q ? 3 : 12;
	else if (from == ASSAY_FREQ_Q)
		of = 4;
	if (of)
		snprintf(buf, size, "%d of %d %s", n, of,
			 freq_noun(from, of != 1));
	else
		snprintf(buf, size, "%d observation%s", n, n == 1 ? "" : "s");
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
	char cov[64];
	switch (j->why) {
	case ASSAY_UNJUDGED_NA:
		if (!isfinite(a->s.value[i]))
			snprintf(c->reason, sizeof c->reason, "no value for this %s",
				 freq_noun(f, 0));
		else if (a->s.partial[i])
			snprintf(c->reason, sizeof c->reason,
				 "the %s is partial (%s); --allow-partial "
				 "judges it anyway", freq_noun(f, 0),
				 coverage(c, i, cov, sizeof cov));
		else if (i == 0)
			snprintf(c->reason, sizeof c->reason,
				 "it is the first %s of the data", freq_noun(f, 0));
		else if (p == (size_t)-1 || !isfinite(a->s.value[p]))
			snprintf(c->reason, sizeof c->reason,
				 "the previous %s has no value", freq_noun(f, 0));
		else if (a->s.partial[p])
			snprintf(c->reason, sizeof c->reason,
				 "the previous %s is partial", freq_noun(f, 0));
		else
			snprintf(c->reason, sizeof c->reason, "the change is undefined");
		break;
	case ASSAY_UNJUDGED_HISTORY: {
		int need = a->used.min_history > j->params + 2 ? a->used.min_history
							       : j->params + 2;
		/* the earlier changes in the window, not the model's rows:
		 * with the AR term one change is no row (it has no lag), and
		 * "only 0 quarters of history" beside a quarter of data read
		 * as wrong */
		int have = j->n_history;
		if (j->noise.n > (size_t)have)
			have = (int)j->noise.n;
		snprintf(c->reason, sizeof c->reason,
			 "only %d %s of history (%d needed%s)", have,
			 freq_noun(f, have != 1), need,
			 need > a->used.window && !j->seasonal
			 ? ": more than --window holds" : "");
		break;
	}
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

/* The reasons a sentence gives, for the judged move of row i of `a`
 * (unit: the series' unit, or NULL).  Each writes "" when it has nothing
 * to say:
 *  - run_words: "8 months up in a row"; when the run's moves do not all go
 *    the way of its scores, "8 months in a row of smaller rises than
 *    expected" (direction words come from the moves, not from the sign of
 *    a score);
 *  - expected_words: " against an expected +69% (momentum)" when the
 *    model's expected move is at least half the typical move: the AR part
 *    ("momentum", or "mean reversion" for phi < 0) or the mean part ("the
 *    usual Q1 fall" with seasonal means, else "the recent average move"),
 *    whichever is larger;
 *  - set_aside_words: "; 2008Q4 set aside as a past shock" (or "2008Q4 and
 *    2009Q1 set aside as a past shock and its reversal"). */

/* ---- the reasons in a sentence ------------------------------------------- */

static void run_words(const assay_analysis *a, size_t i, char *buf, size_t n)
{
	const assay_judgement *j = &a->j[i];
	const char *noun = freq_noun(a->s.freq, 1);
	int K = j->run, up = 0, down = 0;
	const double *y = j->basis == ASSAY_BASIS_LOG ? a->c.log : a->c.diff;
	/* the run is the K judged moves ending at row i (verdict.h rule 4);
	 * the earlier ones' judgements are not kept, their changes are */
	for (int k = 0; k < K && (size_t)k <= i; k++) {
		double ch = y[i - k];
		up += ch > 0;
		down += ch < 0;
	}
	int above = j->score > 0;
	if (above && up == K)
		snprintf(buf, n, "%d %s up in a row", K, noun);
	else if (!above && down == K)
		snprintf(buf, n, "%d %s down in a row", K, noun);
	else if (up == K || down == K)
		snprintf(buf, n, "%d %s in a row of %s %s than expected", K, noun,
			 above == (up == K) ? "larger" : "smaller",
			 up == K ? "rises" : "falls");
	else
		snprintf(buf, n, "%d %s in a row %s the expected move", K, noun,
			 above ? "above" : "below");
}

/* A change on the judged basis in words: "+69%", "-12%", "+3.5 t". */
static void fmt_basis_change(const assay_judgement *j, double v,
			     const char *unit, char *buf, size_t n)
{
	if (j->basis == ASSAY_BASIS_LOG) {
		double pct = 100 * expm1(v);
		if (fabs(pct) < 9.95)
			assay_fmt_pct(pct, buf, n);
		else
			snprintf(buf, n, "%+.0f%%", pct);
	} else {
		snprintf(buf, n, "%+.3g%s%s", v, unit ? " " : "", unit_word(unit));
	}
}

/* "Q1", "March", or the period's label at other frequencies. */
static void season_name(const assay_analysis *a, size_t i, char *buf, size_t n)
{
	static const char *const months[12] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"
	};
	assay_period p = a->s.period[i];
	if (a->s.freq == ASSAY_FREQ_Q)
		snprintf(buf, n, "Q%d", (int)(((p % 4) + 4) % 4) + 1);
	else if (a->s.freq == ASSAY_FREQ_M)
		snprintf(buf, n, "%s", months[((p % 12) + 12) % 12]);
	else
		assay_period_format(a->s.freq, p, buf, n);
}

static void expected_words(const assay_analysis *a, size_t i, const char *unit,
		       char *buf, size_t n)
{
	const assay_judgement *j = &a->j[i];
	buf[0] = 0;
	if (!isfinite(j->expected) || !(j->typical > 0) ||
	    !(fabs(j->expected) >= 0.5 * j->typical))
		return;
	double ar = isfinite(j->expected_ar) ? j->expected_ar : 0;
	double mean = j->expected - ar;
	char e[48], why[64], sn[24];
	fmt_basis_change(j, j->expected, unit, e, sizeof e);
	if (!strpbrk(e, "123456789"))
		return;         /* "an expected +0.0%" says nothing */
	if (fabs(ar) >= fabs(mean)) {
		snprintf(why, sizeof why, "%s", j->phi >= 0 ? "momentum" : "mean reversion");
	} else if (j->seasonal) {
		season_name(a, i, sn, sizeof sn);
		snprintf(why, sizeof why, "the usual %s %s", sn, mean > 0 ? "rise" : "fall");
	} else {
		snprintf(why, sizeof why, "the recent average move");
	}
	snprintf(buf, n, " against an expected %s (%s)", e, why);
}

static assay_period set_aside_period(const assay_analysis *a, size_t i, int k)
{
	return a->s.period[i - (size_t)a->j[i].set_aside_age[k]];
}

/* Is set-aside k + 1 the reversal of k (the next period, the other
 * sign)? */
static int is_reversal(const assay_judgement *j, int k)
{
	return k + 1 < j->n_set_aside &&
	       j->set_aside_age[k + 1] == j->set_aside_age[k] - 1 &&
	       j->set_aside_z[k] * j->set_aside_z[k + 1] < 0;
}

/* The past shocks set aside, in words: "; 2020-04 set aside as a past
 * shock", "; 2016Q2 and 2016Q3 set aside as a past shock and its
 * reversal", or for two events (a seasonal window's five years may hold
 * a 2008 and a 2020) "; 2008-10 and 2020-04 with its reversal 2020-05
 * set aside as past shocks". */
static void set_aside_words(const assay_analysis *a, size_t i, char *buf, size_t n)
{
	const assay_judgement *j = &a->j[i];
	char p0[32], p1[32];
	buf[0] = 0;
	if (j->n_set_aside < 1)
		return;
	int events = 0;
	for (int k = 0; k < j->n_set_aside; k += is_reversal(j, k) ? 2 : 1)
		events++;
	if (events == 1) {
		assay_period_format(a->s.freq, set_aside_period(a, i, 0), p0, sizeof p0);
		if (j->n_set_aside == 1) {
			snprintf(buf, n, "; %s set aside as a past shock", p0);
			return;
		}
		assay_period_format(a->s.freq, set_aside_period(a, i, 1), p1, sizeof p1);
		snprintf(buf, n, "; %s and %s set aside as a past shock and its reversal",
			 p0, p1);
		return;
	}
	size_t len = 0;
	int e = 0;
	for (int k = 0; k < j->n_set_aside; e++) {
		int pair = is_reversal(j, k);
		assay_period_format(a->s.freq, set_aside_period(a, i, k), p0, sizeof p0);
		const char *sep = e == 0 ? "; " : e == events - 1 ? " and " : ", ";
		if (pair) {
			assay_period_format(a->s.freq, set_aside_period(a, i, k + 1),
					    p1, sizeof p1);
			len += (size_t)snprintf(buf + len, len < n ? n - len : 0,
						"%s%s with its reversal %s", sep, p0, p1);
		} else {
			len += (size_t)snprintf(buf + len, len < n ? n - len : 0,
						"%s%s", sep, p0);
		}
		if (len >= n)
			return;
		k += pair ? 2 : 1;
	}
	snprintf(buf + len, n - len, " set aside as past shocks");
}

int assay_check_sentence(const assay_check *c, char *buf, size_t n)
{
	char lbl[32], chg[96], pbuf[32], typ[96];
	assay_freq f = c->a.s.freq;
	if (c->row == (size_t)-1) {
		if (!c->has_period) {   /* no data: no period to name */
			snprintf(buf, n, "%s: cannot judge: %s", c->name, c->reason);
			return ASSAY_ECANNOT;
		}
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
	if (j->basis == ASSAY_BASIS_LOG) {
		char pct[48];    /* the typical move is positive: "+0.55%" */
		assay_fmt_pct(100 * j->typical, pct, sizeof pct);
		snprintf(typ, sizeof typ, "+/-%s", pct + 1);
	} else {
		snprintf(typ, sizeof typ, "+/-%.3g%s%s", j->typical,
			 c->info.unit ? " " : "", unit_word(c->info.unit));
	}
	const char *what;
	char trend[128], run[96], expect[160], aside[160];
	switch (j->verdict) {
	case ASSAY_VERDICT_SHOCK:
		what = "a notable shock";
		break;
	case ASSAY_VERDICT_TREND:
		run_words(&c->a, i, run, sizeof run);
		snprintf(trend, sizeof trend, "part of a notable trend (%s)", run);
		what = trend;
		break;
	default:
		what = "within normal variation";
	}
	expected_words(&c->a, i, c->info.unit, expect, sizeof expect);
	set_aside_words(&c->a, i, aside, sizeof aside);
	/* --allow-partial: a move of a partial period is judged, and says so
	 * (one month of a quarter's flow reads as a two-thirds fall) */
	char part[128] = "", cov[64];
	size_t prev = c->a.c.prev[i];
	int after_partial = prev != (size_t)-1 && c->a.s.partial[prev];
	char cov2[64];
	if (c->a.s.partial[i] && after_partial)
		snprintf(part, sizeof part, " (partial: %s, after a partial %s: %s)",
			 coverage(c, i, cov, sizeof cov), freq_noun(f, 0),
			 coverage(c, prev, cov2, sizeof cov2));
	else if (c->a.s.partial[i])
		snprintf(part, sizeof part, " (partial: %s)", coverage(c, i, cov, sizeof cov));
	else if (after_partial)
		snprintf(part, sizeof part, " (after a partial %s: %s)", freq_noun(f, 0),
			 coverage(c, prev, cov, sizeof cov));
	snprintf(buf, n, "%s %s%s: %s%s, %s (%s; typical %s move %s, %d %s of history%s%s)",
	       c->name, lbl, part, chg, expect, what, pbuf, assay_freq_adjective(f), typ,
	       j->n_history, freq_noun(f, j->n_history != 1),
	       j->seasonal ? ", seasonal pattern removed" : "", aside);
	return j->verdict == ASSAY_VERDICT_NOISE ? ASSAY_OK : ASSAY_NOTABLE;
}

