/*
 * Writing the report's pages (the map is in report.c): the summary, the
 * contents, one section per series and the page around them, as HTML
 * and Markdown into the report's memory streams.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assay/report.h"
#include "assay/sentence.h"
#include "report_internal.h"

/* ---- writing -------------------------------------------------------- */

static const char css[] =
	"body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1200px;"
	"margin:1.5em auto;padding:0 1em;color:#222;line-height:1.45}"
	"h1{font-size:1.6em;margin-bottom:.2em}.subtitle{font-size:1.15em;color:#444;margin-top:0}"
	"@media (max-width:600px){td,th{padding:.2em .35em}}"
	"h2{font-size:1.3em;margin-top:1.8em;border-bottom:1px solid #ccc}"
	"h3{font-size:1.05em;margin-bottom:.3em}"
	".meta{color:#555;font-size:.9em}"
	".scroll{overflow-x:auto;max-width:100%}"
	"table{border-collapse:collapse;font-size:.85em;margin:.5em 0}"
	"th,td{padding:.25em .6em;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}"
	"th{background:#f3f3f3}"
	".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"tr.shock td{background:#fbeaea}tr.trend td{background:#fdf3e3}"
	".shock{color:#b01c1c;font-weight:bold}.trend{color:#b06a00;font-weight:bold}"
	"td.shock,td.trend{font-weight:normal}"
	".sentence{font-size:1.05em;background:#eef3fa;padding:.5em .8em;border-left:4px solid #4a78b0}"
	".sentence.shock,.sentence.trend{color:#222;font-weight:normal}"
	".sentence.shock{border-left-color:#b01c1c;background:#fbeaea}"
	".sentence.trend{border-left-color:#b06a00;background:#fdf3e3}"
	".sentence.unjudged{border-left-color:#999;background:#f3f3f3}"
	".stale{color:#777}"
	".chart svg{max-width:100%;height:auto}"
	"nav ol{columns:2;font-size:.9em}"
	"details{margin:.5em 0}summary{cursor:pointer;color:#4a78b0}"
	".source{font-size:.85em;color:#555}"
	"@media (max-width:600px){body{padding:0 .4em}nav ol{columns:1}table{font-size:.8em}"
	".chart{overflow-x:auto}.chart svg{min-width:560px}"
	".scroll table{min-width:560px}}"
	"@media print{body{max-width:none;margin:0}nav{display:none}"
	"h2{break-after:avoid;page-break-after:avoid}"
	"section.series{break-inside:avoid;page-break-inside:avoid}"
	".chart svg{width:100%;max-width:7in;display:block;break-inside:avoid;page-break-inside:avoid}"
	"details{display:none}.scroll{overflow:visible}}";

/* The page's plus-minus sign (U+00B1), in tables and prose alike. */
#define PLUS_MINUS "&#177;"

static void h(struct rep *r, const char *s) { assay_html_escape(r->html, s); }
static void m(struct rep *r, const char *s) { assay_md_escape(r->md, s); }

/* The check sentence as HTML: it writes the typical move "+/-11.6%" in
 * ASCII for the scripts that read `assay check`, while the page's tables
 * write PLUS_MINUS; a client read two notations for one thing.  The
 * series name the sentence starts with is kept as named, "+/-" and all. */
static void h_sentence(struct rep *r, const char *s, const char *name)
{
	char part[1200];
	size_t skip = 0;        /* the name, or as much as a "%.200s" kept */
	while (name && name[skip] && s[skip] == name[skip])
		skip++;
	snprintf(part, sizeof part, "%.*s", (int)skip, s);
	h(r, part);
	for (const char *p = s + skip; *p;) {
		const char *pm = strstr(p, "+/-");
		size_t len = pm ? (size_t)(pm - p) : strlen(p);
		snprintf(part, sizeof part, "%.*s", (int)len, p);
		h(r, part);
		if (!pm)
			break;
		fputs(PLUS_MINUS, r->html);
		p = pm + 3;
	}
}

static const char *verdict_class(assay_verdict v)
{
	return v == ASSAY_VERDICT_SHOCK ? "shock" : v == ASSAY_VERDICT_TREND ? "trend"
	       : v == ASSAY_VERDICT_NOISE ? "noise" : "unjudged";
}

/* The two verdicts and, when they differ, why. */
static void why_differ(const struct rep *r, const assay_scan_row *row, char *buf, size_t n)
{
	int own = row->raw == ASSAY_VERDICT_SHOCK || row->raw == ASSAY_VERDICT_TREND;
	int among = row->verdict == ASSAY_VERDICT_SHOCK || row->verdict == ASSAY_VERDICT_TREND;
	buf[0] = 0;
	if (!isfinite(row->p_value) || own == among)
		return;
	if (own)
		snprintf(buf, n, "The two answer different questions: judged alone the move is "
			 "unusual for this series, but with %zu series screened about %.0f "
			 "would look this unusual by chance (false discovery rate %g), so the "
			 "screen does not single it out.", r->res.screened,
			 fmax(1, round(r->res.screened * r->o->scan.analysis.judge.alpha)),
			 r->o->scan.fdr);
	else
		snprintf(buf, n, "The two answer different questions: the screen's rate "
			 "(%g) is looser than the series' own level (alpha = %g).",
			 r->o->scan.fdr, r->o->scan.analysis.judge.alpha);
}

/* A value and its unit, "17,339 USD/t" or "52.18%": the series of a
 * summary differ in unit, so each cell names its own (none when the
 * series has none). */
static void value_cell(struct rep *r, const char *val, const char *unit)
{
	const char *sep = unit && strcmp(unit, "%") ? " " : "";
	fputs(val, r->html);
	fputs(val, r->md);
	if (!unit)
		return;
	fputs(sep, r->html);
	h(r, unit);
	fputs(sep, r->md);
	m(r, unit);
}

static void summary_rows(struct rep *r, int stale)
{
	const assay_scan_result *res = &r->res;
	char lbl[32], val[64], pct[32], alone[160], batch[160];
	fputs("<div class=\"scroll\"><table>\n<thead><tr><th>Series</th><th>Period</th>"
	      "<th class=\"num\">Value</th><th class=\"num\">Change</th>"
	      "<th>On its own</th><th>In the batch</th></tr></thead>\n<tbody>\n", r->html);
	fputs("| Series | Period | Value | Change | On its own | In the batch |\n"
	      "|---|---|--:|--:|---|---|\n", r->md);
	for (size_t i = 0; i < res->n; i++) {
		const assay_scan_row *row = &res->rows[i];
		if (row->failed || !isfinite(row->p_value) || row->stale != stale)
			continue;
		assay_scan_words(res, row, alone, sizeof alone, batch, sizeof batch);
		assay_period_format(row->freq, row->period, lbl, sizeof lbl);
		assay_fmt_human(row->value, val, sizeof val);
		assay_fmt_pct(row->pct_change, pct, sizeof pct);
		fprintf(r->html, "<tr class=\"%s\"><td><a href=\"#s%zu\">", verdict_class(row->verdict), i + 1);
		h(r, row->name);
		fputs("| ", r->md);
		m(r, row->name);
		fprintf(r->html, "</a></td><td class=\"num\">%s</td><td class=\"num\">", lbl);
		fprintf(r->md, " | %s | ", lbl);
		value_cell(r, val, isfinite(row->value) ? r->units[i] : NULL);
		fprintf(r->html, "</td><td class=\"num\">%s</td><td class=\"%s\">", pct,
			verdict_class(row->raw));
		h(r, alone);
		fprintf(r->html, "</td><td class=\"%s\">", verdict_class(row->verdict));
		h(r, batch);
		fputs("</td></tr>\n", r->html);
		fprintf(r->md, " | %s | %s | %s |\n", pct, alone, batch);
	}
	fputs("</tbody></table></div>\n", r->html);
}

/* The series that could not be read at all (a derived series whose
 * input was removed): no section, but never left out unsaid. */
static void failed_rows(struct rep *r)
{
	const assay_scan_result *res = &r->res;
	fputs("<h3>Could not be read</h3>\n<ul>\n", r->html);
	fputs("\n### Could not be read\n\n", r->md);
	for (size_t i = 0; i < res->n; i++) {
		const assay_scan_row *row = &res->rows[i];
		if (!row->failed)
			continue;
		fputs("<li>", r->html);
		h(r, row->name);
		fputs(": ", r->html);
		h(r, row->error.msg);
		fputs("</li>\n", r->html);
		fputs("- ", r->md);
		m(r, row->name);
		fputs(": ", r->md);
		m(r, row->error.msg);
		fputs("\n", r->md);
	}
	fputs("</ul>\n", r->html);
}

static void summary(struct rep *r)
{
	const assay_scan_result *res = &r->res;
	size_t cur = 0, old = 0, unj = 0, failed = 0;
	for (size_t i = 0; i < res->n; i++) {
		const assay_scan_row *row = &res->rows[i];
		failed += row->failed;
		if (row->failed)
			continue;
		if (!isfinite(row->p_value))
			unj++;
		else if (row->stale)
			old++;
		else
			cur++;
	}
	/* a headline "1 notable" that is a discontinued series' 2010 move
	 * says so where it is counted; the counts are of every series
	 * screened, as the q-values are, whatever --top or --since show */
	size_t notable = res->notable_screened, stale_notable = res->stale_notable_screened;
	char stale_note[96] = "";
	if (stale_notable)
		snprintf(stale_note, sizeof stale_note, " (%s%zu in %s not current)",
			 stale_notable == notable ? "" : "of them ", stale_notable,
			 stale_notable == 1 ? "a series" : "series");
	char hidden[160] = "";
	if (res->notable < notable)
		snprintf(hidden, sizeof hidden, " The selection of this report (--since, "
			 "--top or --notable-only) leaves %zu of the notable moves out.",
			 notable - res->notable);
	char as[64] = "";
	if (res->latest_day != INT64_MIN) {
		int64_t d = res->latest_day;
		assay_period_format(ASSAY_FREQ_D, d, as, sizeof as);
	}
	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<p>", r->html);
	fprintf(r->html, "%zu series screened, <strong>%zu notable</strong>%s among them at "
		"a false discovery rate of %g (Benjamini-Hochberg q-value over all %zu). "
		"Each move is also judged on its own, as <code>assay check</code> does "
		"(p-value at alpha = %g): the two verdicts answer different questions "
		"and both are shown.%s", res->screened, notable, stale_note,
		r->o->scan.fdr, res->screened, r->o->scan.analysis.judge.alpha, hidden);
	if (old)
		fprintf(r->html, " %zu series %s not current (%s latest period ends "
			"before %s) and %s listed apart.", old, old == 1 ? "is" : "are",
			old == 1 ? "its" : "their", as, old == 1 ? "is" : "are");
	fputs("</p>\n", r->html);
	fprintf(r->md, "\n## Summary\n\n%zu series screened, **%zu notable**%s among them at a "
		"false discovery rate of %g (Benjamini-Hochberg q-value over all %zu). Each "
		"move is also judged on its own, as `assay check` does (p-value at alpha = "
		"%g): the two verdicts answer different questions and both are shown.%s%s\n\n",
		res->screened, notable, stale_note, r->o->scan.fdr, res->screened,
		r->o->scan.analysis.judge.alpha, hidden, old ? " Series that are not current are "
		"listed apart." : "");
	if (cur) {
		fputs("<h3>Current</h3>\n", r->html);
		fputs("### Current\n\n", r->md);
		summary_rows(r, 0);
	}
	if (old) {
		fputs("<h3>Not current</h3>\n<p class=\"stale\">Latest period older than the "
		      "batch's latest: a discontinued or late series.</p>\n", r->html);
		fputs("\n### Not current\n\nLatest period older than the batch's latest: a "
		      "discontinued or late series.\n\n", r->md);
		summary_rows(r, 1);
	}
	if (unj) {
		fputs("<h3>Not judged</h3>\n<ul>\n", r->html);
		fputs("\n### Not judged\n\n", r->md);
		for (size_t i = 0; i < res->n; i++) {
			const assay_scan_row *row = &res->rows[i];
			if (row->failed || isfinite(row->p_value))
				continue;
			fprintf(r->html, "<li><a href=\"#s%zu\">", i + 1);
			h(r, row->name);
			fputs("</a>: ", r->html);
			const char *why = assay_scan_row_reason(row);
			h(r, why ? why : "not judged");
			fputs("</li>\n", r->html);
			fputs("- ", r->md);
			m(r, row->name);
			fprintf(r->md, ": %s\n", why ? why : "not judged");
		}
		fputs("</ul>\n", r->html);
	}
	if (failed)
		failed_rows(r);
	fputs("</section>\n", r->html);
}

/* A series in percent moves in percentage points too, as the check
 * sentence says: "+67.3% (+21.0 pp)", or "+2.1 pp" with no % change. */
static void add_points(char *pct, size_t n, double diff)
{
	char pp[40];
	size_t len = strlen(pct);
	assay_fmt_points(diff, pp, sizeof pp);
	if (!strcmp(pct, "NA"))
		snprintf(pct, n, "%s", pp);
	else if (len < n)
		snprintf(pct + len, n - len, " (%s)", pp);
}

/* The last RECENT periods up to the one judged. */
static void recent_table(struct rep *r, const struct section *s)
{
	const assay_analysis *a = &s->ck.a;
	size_t end = s->ck.row != (size_t)-1 ? s->ck.row + 1 : a->s.n;
	size_t start = end > RECENT ? end - RECENT : 0;
	const char *unit = s->ck.info.unit;
	if (!s->analysed || end == 0)
		return;
	fputs("<div class=\"scroll\"><table>\n<thead><tr><th>Period</th><th class=\"num\">Value", r->html);
	if (unit && *unit) {
		fputs(" (", r->html);
		h(r, unit);
		fputs(")", r->html);
	}
	fputs("</th><th class=\"num\">Change</th><th class=\"num\">Year on year</th>"
	      "<th class=\"num\">Typical move</th><th>Verdict on its own</th></tr></thead>\n<tbody>\n", r->html);
	fputs("\n| Period | Value", r->md);
	if (unit && *unit) {
		fputs(" (", r->md);
		m(r, unit);
		fputs(")", r->md);
	}
	fputs(" | Change | Year on year | Typical move | Verdict on its own |\n|---|--:|--:|--:|--:|---|\n", r->md);
	for (size_t i = start; i < end; i++) {
		const assay_judgement *j = &a->j[i];
		char lbl[32], val[64], pct[128], yoy[32], typ[48], pb[32], verdict[96];
		assay_period_format(a->s.freq, a->s.period[i], lbl, sizeof lbl);
		assay_fmt_human(a->s.value[i], val, sizeof val);
		assay_fmt_pct(a->c.pct[i], pct, sizeof pct);
		if (unit && !strcmp(unit, "%") && isfinite(a->c.diff[i]))
			add_points(pct, sizeof pct, a->c.diff[i]);
		assay_fmt_pct(a->c.yoy[i], yoy, sizeof yoy);
		char tp[32];
		if (j->basis == ASSAY_BASIS_LOG && isfinite(j->typical))
			snprintf(typ, sizeof typ, PLUS_MINUS "%s",   /* "+0.55%" less its sign */
				 assay_fmt_pct(100 * j->typical, tp, sizeof tp) + 1);
		else
			snprintf(typ, sizeof typ, "NA");
		if (j->verdict == ASSAY_VERDICT_NONE) {
			snprintf(verdict, sizeof verdict, "not judged");
		} else {
			assay_fmt_pvalue('p', j->p, pb, sizeof pb);
			snprintf(verdict, sizeof verdict, "%s (%s)",
				 j->verdict == ASSAY_VERDICT_NOISE ? "normal variation" :
				 j->verdict == ASSAY_VERDICT_SHOCK ? "notable shock" : "notable trend", pb);
		}
		fprintf(r->html, "<tr class=\"%s\"><td>%s%s</td><td class=\"num\">%s</td>"
			"<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
			"<td>", verdict_class(j->verdict), lbl,
			a->s.partial[i] ? " (partial)" : "", val, pct, yoy, typ);
		h(r, verdict);
		fputs("</td></tr>\n", r->html);
		fprintf(r->md, "| %s%s | %s | %s | %s | %s%s | %s |\n", lbl,
			a->s.partial[i] ? " (partial)" : "", val, pct, yoy,
			strncmp(typ, PLUS_MINUS, strlen(PLUS_MINUS)) ? "NA" : "+/-",
			strncmp(typ, PLUS_MINUS, strlen(PLUS_MINUS)) ? "" : typ + strlen(PLUS_MINUS),
			verdict);
	}
	fputs("</tbody></table></div>\n", r->html);
}

/* A number of the statistics as the tables write numbers (four
 * significant digits: 0.07997666151598476 told a reader nothing more);
 * every digit is in `assay check --format json` and `assay trend`. */
static void stat_row(struct rep *r, const char *name, double v)
{
	char buf[64];
	fprintf(r->html, "<tr><td>%s</td><td class=\"num\">%s</td></tr>\n", name,
		assay_fmt_human(v, buf, sizeof buf));
}

/* A p-value as the sentences write it, less their "p = ": "0.042",
 * "< 0.0001" (never a 0.05 that is 0.050027 or 4.3e-58). */
static void stat_p_row(struct rep *r, const char *name, double p)
{
	char buf[48];
	const char *shown = "NA";
	if (isfinite(p)) {
		assay_fmt_pvalue('p', p, buf, sizeof buf);
		shown = buf + (strncmp(buf, "p = ", 4) ? 2 : 4);
	}
	fprintf(r->html, "<tr><td>%s</td><td class=\"num\">", name);
	h(r, shown);
	fputs("</td></tr>\n", r->html);
}

/* Every number behind the verdict and the trend, collapsed. */
static void raw_stats(struct rep *r, const struct section *s)
{
	/* a move not judged has no verdict's numbers: rank 0 would read as
	 * "beyond every window move" (check's JSON gives null) */
	int judged = s->analysed && s->ck.row != (size_t)-1 &&
		     s->ck.a.j[s->ck.row].verdict != ASSAY_VERDICT_NONE;
	if (!judged && !s->has_trend)
		return;
	fputs("<details><summary>Statistics behind the verdict and the trend</summary>\n"
	      "<div class=\"scroll\"><table>\n<tbody>\n", r->html);
	if (judged) {
		const assay_judgement *j = &s->ck.a.j[s->ck.row];
		stat_row(r, "change judged (log or difference)", j->change);
		stat_row(r, "expected by the model", j->expected);
		stat_row(r, "prediction-interval scale", j->scale);
		stat_row(r, "t statistic", j->stat);
		stat_p_row(r, "p-value, shock part", j->p_shock);
		stat_p_row(r, "p-value, trend part", j->p_trend);
		stat_p_row(r, "p-value", j->p);
		stat_row(r, "rank among the window's moves", j->rank);
		stat_row(r, "same-signed run", j->run);
		stat_row(r, "AR(1) coefficient", j->phi);
		stat_row(r, "changes in the window", j->n_history);
		stat_row(r, "typical move (sd, past shocks aside)", j->typical);
	}
	if (s->has_trend) {
		stat_row(r, "Mann-Kendall S", (double)s->tr.mk.s);
		stat_row(r, "Mann-Kendall z", s->tr.mk.z);
		stat_p_row(r, "Mann-Kendall p", s->tr.mk.p);
		stat_row(r, "Kendall tau", s->tr.mk.tau);
		stat_row(r, "Sen slope per year", s->tr.sen_slope_year);
		stat_row(r, "Sen slope per year, low", s->tr.sen_lo_year);
		stat_row(r, "Sen slope per year, high", s->tr.sen_hi_year);
		stat_row(r, "log-linear growth, % a year", s->tr.growth.pct);
		stat_row(r, "log-linear growth R squared", s->tr.growth.r2);
		stat_row(r, "values in the trend test", (double)s->tn);
		stat_row(r, "level shifts", s->cp.nseg ? (double)s->cp.nseg - 1 : 0);
	}
	fputs("</tbody></table></div>\n</details>\n", r->html);
}

static void charts_of(struct rep *r, size_t i, const char *name)
{
	if (!(r->ok[i] & 3))
		return;
	fputs("<div class=\"chart\">\n", r->html);
	for (int k = 0; k < 2; k++) {
		if (!(r->ok[i] & (1 << k)))
			continue;
		char *svg = report_read_all(r->drawn[i][k]), prefix[32];
		snprintf(prefix, sizeof prefix, "c%zu%c", i + 1, k ? 'c' : 'l');
		if (svg)
			assay_svg_inline(r->html, svg, prefix);
		free(svg);
		const char *slash = strrchr(r->paths[i][k], '/');
		fputs("\n![", r->md);
		m(r, name);
		fprintf(r->md, ", %s](charts/%s)\n", k ? "changes" : "level", slash ? slash + 1 : "");
	}
	fputs("</div>\n", r->html);
}

static void section(struct rep *r, size_t i)
{
	const assay_scan_row *row = &r->res.rows[i];
	struct section s;
	assay_obs obs;
	memset(&s, 0, sizeof s);
	s.row = row;
	s.index = i + 1;
	if (report_load(r, row->name, &s.ck.info, &obs)) {
		memset(&s.ck.info, 0, sizeof s.ck.info);
		snprintf(s.sentence, sizeof s.sentence, "%s: cannot be read", row->name);
	} else {
		report_note_imports(r, s.ck.info.id);
		if (s.ck.info.unit && *s.ck.info.unit)
			r->units[i] = strdup(s.ck.info.unit);
		report_add_source(r, s.ck.info.source);
		report_describe(&s.ck.info, s.what, sizeof s.what);
		report_judge(r, &s, &obs);
		report_trend(r, &s, &obs);
		assay_obs_release(&obs);
	}
	fprintf(r->html, "<section class=\"series%s\" id=\"s%zu\">\n<h2>", row->stale ? " stale" : "", s.index);
	h(r, row->name);
	fputs("</h2>\n", r->html);
	fputs("\n## ", r->md);
	m(r, row->name);
	fputs("\n\n", r->md);
	if (*s.what) {
		fputs("<p class=\"meta\">", r->html);
		h(r, s.what);
		if (row->stale)
			fputs("; <span class=\"stale\">not current</span>", r->html);
		fputs("</p>\n", r->html);
		m(r, s.what);
		fputs(row->stale ? "; not current\n\n" : "\n\n", r->md);
	}
	assay_verdict v = s.analysed && s.ck.row != (size_t)-1 ? s.ck.a.j[s.ck.row].verdict
							      : ASSAY_VERDICT_NONE;
	fprintf(r->html, "<p class=\"sentence %s\">", verdict_class(v));
	h_sentence(r, s.sentence, row->name);
	fputs("</p>\n", r->html);
	fputs("> ", r->md);
	m(r, s.sentence);
	fputs("\n\n", r->md);
	char alone[160], batch[160], why[600];
	assay_scan_words(&r->res, row, alone, sizeof alone, batch, sizeof batch);
	if (*alone) {
		why_differ(r, row, why, sizeof why);
		fprintf(r->html, "<p class=\"verdicts\">This move is <span class=\"%s\">",
			verdict_class(row->raw));
		h(r, alone);
		fprintf(r->html, "</span>; <span class=\"%s\">", verdict_class(row->verdict));
		h(r, batch);
		fputs("</span>.", r->html);
		fprintf(r->md, "This move is %s; %s.", alone, batch);
		if (*why) {
			fprintf(r->html, " %s", why);
			fprintf(r->md, " %s", why);
		}
		fputs("</p>\n", r->html);
		fputs("\n\n", r->md);
	}
	if (*s.trend_words) {
		fputs("<p class=\"trendtext\">", r->html);
		h(r, s.trend_words);
		fputs("</p>\n", r->html);
		fprintf(r->md, "%s\n", s.trend_words);
	}
	recent_table(r, &s);
	charts_of(r, i, row->name);
	fputs("<p class=\"source\">Source: ", r->html);
	h(r, s.ck.info.source && *s.ck.info.source ? s.ck.info.source : "not recorded");
	fputs("</p>\n", r->html);
	fputs("\nSource: ", r->md);
	m(r, s.ck.info.source && *s.ck.info.source ? s.ck.info.source : "not recorded");
	fputs("\n", r->md);
	raw_stats(r, &s);
	fputs("</section>\n", r->html);
	report_section_release(&s);
}

/* Which group a row's section belongs to: 0 current, 1 not current,
 * 2 not judged; failed rows get none. */
static int group_of(const assay_scan_row *row)
{
	if (!isfinite(row->p_value))
		return 2;
	return row->stale ? 1 : 0;
}

static void contents(struct rep *r)
{
	static const char *const names[] = { "Current", "Not current", "Not judged" };
	fputs("<nav id=\"contents\">\n<h2>Contents</h2>\n<ol>\n<li><a href=\"#summary\">Summary</a></li>\n", r->html);
	for (int g = 0; g < 3; g++)
		for (size_t i = 0; i < r->res.n; i++) {
			const assay_scan_row *row = &r->res.rows[i];
			if (row->failed || group_of(row) != g)
				continue;
			fprintf(r->html, "<li><a href=\"#s%zu\">", i + 1);
			h(r, row->name);
			fputs("</a>", r->html);
			if (g)
				fprintf(r->html, " <span class=\"stale\">(%s)</span>", g == 1 ? "not current" : "not judged");
			fputs("</li>\n", r->html);
		}
	fputs("</ol>\n</nav>\n", r->html);
	(void)names;
}

static void header(struct rep *r)
{
	const char *title = r->o->title ? r->o->title : "assay report";
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M UTC", &tm);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n<title>", r->html);
	h(r, title);
	fprintf(r->html, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
	h(r, title);
	fputs("</h1>\n", r->html);
	fputs("# ", r->md);
	m(r, title);
	fputs("\n\n", r->md);
	if (r->o->subtitle) {
		fputs("<p class=\"subtitle\">", r->html);
		h(r, r->o->subtitle);
		fputs("</p>\n", r->html);
		m(r, r->o->subtitle);
		fputs("\n\n", r->md);
	}
	/* what the data are and as of when, not where the file is */
	char asof[200];
	size_t len = (size_t)snprintf(asof, sizeof asof, "Data as of ");
	if (r->o->scan.as_of)
		len += (size_t)snprintf(asof + len, sizeof asof - len, "vintage %.10s (as they stood then)",
					r->o->scan.as_of);
	else if (*r->latest_vintage)
		len += (size_t)snprintf(asof + len, sizeof asof - len, "vintage %.10s", r->latest_vintage);
	else
		len += (size_t)snprintf(asof + len, sizeof asof - len, "the store's newest values");
	if (*r->latest_import)
		snprintf(asof + len, sizeof asof - len, "; latest import %.10s", r->latest_import);
	fputs("<p class=\"meta\">", r->html);
	h(r, asof);
	fprintf(r->html, ". Written by assay %s on %s.</p>\n</header>\n", ASSAY_VERSION, stamp);
	fprintf(r->md, "%s. Written by assay %s on %s.\n", asof, ASSAY_VERSION, stamp);
}

static void footer(struct rep *r)
{
	fputs("<footer>\n<h2>Sources</h2>\n", r->html);
	fputs("\n## Sources\n\n", r->md);
	if (!r->nsources) {
		fputs("<p>No source is recorded for these series (<code>assay import "
		      "--source</code> records one).</p>\n", r->html);
		fputs("No source is recorded for these series.\n", r->md);
	} else {
		fputs("<ul>\n", r->html);
		for (size_t k = 0; k < r->nsources; k++) {
			fputs("<li>", r->html);
			h(r, r->sources[k]);
			fputs("</li>\n", r->html);
			fputs("- ", r->md);
			m(r, r->sources[k]);
			fputs("\n", r->md);
		}
		fputs("</ul>\n", r->html);
	}
	fputs("</footer>\n</body>\n</html>\n", r->html);
}

/* Sections and the page around them; sources and dates are known only
 * once every section is built, so the sections go to a buffer first. */
int report_build_pages(struct rep *r)
{
	char *sbuf = NULL, *smd = NULL;
	size_t slen = 0, smdlen = 0;
	FILE *page = r->html, *pmd = r->md;
	r->html = open_memstream(&sbuf, &slen);
	r->md = open_memstream(&smd, &smdlen);
	if (!r->html || !r->md) {
		if (r->html)
			fclose(r->html);
		if (r->md)
			fclose(r->md);
		free(sbuf);
		free(smd);
		r->html = page;
		r->md = pmd;
		return assay_fail(r->err, ASSAY_EIO, "out of memory");
	}
	for (int g = 0; g < 3 && !report_cancelled(r); g++)
		for (size_t i = 0; i < r->res.n && !report_cancelled(r); i++)
			if (!r->res.rows[i].failed && group_of(&r->res.rows[i]) == g)
				section(r, i);
	fclose(r->html);
	fclose(r->md);
	r->html = page;
	r->md = pmd;
	header(r);
	contents(r);
	summary(r);
	fwrite(sbuf, 1, slen, r->html);
	fwrite(smd, 1, smdlen, r->md);
	footer(r);
	free(sbuf);
	free(smd);
	if (report_cancelled(r))
		return assay_fail(r->err, ASSAY_EIO, "stopped");
	return 0;
}

