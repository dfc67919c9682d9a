/*
 * The report (report.h): the scan, then one section per series, written
 * as HTML and Markdown from library results.  Pages are built in memory
 * and written to temporary files renamed into place only when both are
 * complete on disk, after the charts have been rendered as one set.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "assay/changepoint.h"
#include "assay/plot.h"
#include "assay/report.h"
#include "assay/resample.h"
#include "assay/sentence.h"
#include "assay/trend.h"
#include "c_locale.h"

/* Fewest observations for which a series gets its charts. */
enum { MIN_CHART_OBS = 3 };
/* Periods shown in a section's table of recent moves. */
enum { RECENT = 8 };

void assay_report_opts_init(assay_report_opts *o)
{
	memset(o, 0, sizeof *o);
	assay_scan_opts_init(&o->scan);
	o->charts = 1;
}

/* ---- numbers and escaping for people ------------------------------- */

static char *fmt_human(double v, char *buf, size_t n);

/* In the C locale whatever the caller's: "." is the decimal point. */
char *assay_fmt_human(double v, char *buf, size_t n)
{
	locale_t saved = assay_c_locale_enter();
	fmt_human(v, buf, n);
	assay_c_locale_leave(saved);
	return buf;
}

static char *fmt_human(double v, char *buf, size_t n)
{
	char raw[64], *dot, *out = buf;
	if (!isfinite(v)) {
		snprintf(buf, n, "NA");
		return buf;
	}
	double a = fabs(v);
	int mag = a > 0 ? (int)floor(log10(a)) : 0;
	int dec = 3 - mag;
	if (dec < 0)
		dec = 0;
	if (dec > 8)
		dec = 8;
	snprintf(raw, sizeof raw, "%.*f", dec, a);
	/* 999.96 rounds to 1000.0: four digits are 1,000 */
	if (dec > 0 && a > 0 && (int)floor(log10(strtod(raw, NULL))) > mag)
		snprintf(raw, sizeof raw, "%.*f", --dec, a);
	dot = strchr(raw, '.');
	size_t ilen = dot ? (size_t)(dot - raw) : strlen(raw);
	size_t room = n;
	/* "-0" and "-0.000" are zero */
	int neg = v < 0 && strspn(raw, "0.") != strlen(raw);
	if (neg && room > 1) {
		*out++ = '-';
		room--;
	}
	for (size_t i = 0; i < ilen && room > 1; i++) {
		if (i && (ilen - i) % 3 == 0 && room > 2) {
			*out++ = ',';
			room--;
		}
		*out++ = raw[i];
		room--;
	}
	for (const char *p = dot; p && *p && room > 1; p++) {
		*out++ = *p;
		room--;
	}
	*out = 0;
	return buf;
}

char *assay_fmt_pct(double pct, char *buf, size_t n)
{
	locale_t saved = assay_c_locale_enter();
	if (!isfinite(pct))
		snprintf(buf, n, "NA");
	else if (fabs(pct) >= 1000) {
		char h[64];
		assay_fmt_human(fabs(pct), h, sizeof h);
		snprintf(buf, n, "%c%s%%", pct < 0 ? '-' : '+', h);
	} else {
		snprintf(buf, n, "%+.1f%%", pct);
	}
	assay_c_locale_leave(saved);
	return buf;
}

void assay_html_escape(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:
			/* control characters are not allowed in HTML text */
			if ((unsigned char)*s < 0x20 && *s != '\t')
				fputc(' ', fp);
			else
				fputc(*s, fp);
		}
	}
}

void assay_md_escape(FILE *fp, const char *s)
{
	int lead_digits = 1;    /* "1." at the start would open a list */
	for (const char *p = s; p && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f)
			fputc(' ', fp);
		else if (strchr("\\`*_{}[]<>#|!&~", c) ||
			 (p == s && strchr("+-=", c)) || (c == '.' && lead_digits && p > s))
			fprintf(fp, "\\%c", c);
		else
			fputc(c, fp);
		lead_digits = lead_digits && c >= '0' && c <= '9';
	}
}

/* ---- inline SVG with ids unique in the page ------------------------ */

static int is_id_char(char c)
{
	return c && c != '"' && c != '\'' && c != ')' && c != ' ' && c != '>';
}

int assay_svg_inline(FILE *fp, const char *svg, const char *prefix)
{
	const char *p = strstr(svg, "<svg");
	if (!p)
		return -1;
	/* the markers after which an id follows */
	static const char *const marks[] = { " id=\"", "href=\"#", "url(#", "href='#" };
	while (*p) {
		const char *best = NULL;
		size_t blen = 0;
		for (int k = 0; k < 4; k++) {
			const char *m = strstr(p, marks[k]);
			if (m && (!best || m < best)) {
				best = m;
				blen = strlen(marks[k]);
			}
		}
		if (!best) {
			fputs(p, fp);
			break;
		}
		fwrite(p, 1, (size_t)(best - p) + blen, fp);
		p = best + blen;
		if (is_id_char(*p))
			fprintf(fp, "%s-", prefix);
		while (is_id_char(*p))
			fputc(*p++, fp);
	}
	return 0;
}

/* ---- the report's state -------------------------------------------- */

struct rep {
	assay_store *st;
	const char *dir;
	const assay_report_opts *o;
	assay_scan_result res;
	FILE *html, *md;
	char *hbuf, *mbuf;
	size_t hlen, mlen;
	char (*paths)[2][1024];         /* chart files of row i */
	unsigned char *ok;              /* bit k: chart k of row i written */
	char **sources;                 /* distinct, in order of appearance */
	size_t nsources;
	char latest_import[32], latest_vintage[32];
	assay_error *err;
};

static int cancelled(const struct rep *r)
{
	return r->o->cancel && *r->o->cancel;
}

static void warn(const struct rep *r, const char *msg)
{
	if (r->o->warn)
		r->o->warn(r->o->ctx, msg);
}

static void add_source(struct rep *r, const char *s)
{
	if (!s || !*s)
		return;
	for (size_t i = 0; i < r->nsources; i++)
		if (!strcmp(r->sources[i], s))
			return;
	char **v = realloc(r->sources, (r->nsources + 1) * sizeof *v);
	if (!v)
		return;
	r->sources = v;
	if ((v[r->nsources] = strdup(s)))
		r->nsources++;
}

/* The newest import time and vintage of a series, into the report's. */
static void note_imports(struct rep *r, int64_t id)
{
	assay_import_record *imp = NULL;
	assay_revision *rev = NULL;
	size_t ni = 0, nr = 0;
	assay_error e;
	if (assay_store_history(r->st, id, &imp, &ni, &rev, &nr, &e))
		return;
	for (size_t i = 0; i < ni; i++) {
		if (strcmp(imp[i].imported_at, r->latest_import) > 0)
			snprintf(r->latest_import, sizeof r->latest_import, "%s",
				 imp[i].imported_at);
		if (strcmp(imp[i].vintage, r->latest_vintage) > 0)
			snprintf(r->latest_vintage, sizeof r->latest_vintage, "%s",
				 imp[i].vintage);
	}
	free(imp);
	free(rev);
}

/* "Copper, World, price ($/mt)": what the series is, from its metadata. */
static void describe(const assay_series_info *info, char *buf, size_t n)
{
	const char *part[3] = { info->commodity, info->region, info->measure };
	size_t len = 0;
	buf[0] = 0;
	for (int k = 0; k < 3; k++) {
		if (!part[k] || !*part[k] || len >= n)
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "", part[k]);
	}
	if (info->unit && *info->unit && len < n)
		snprintf(buf + len, n - len, "%s(%s)", len ? " " : "", info->unit);
}

/* ---- charts --------------------------------------------------------- */

static int load(struct rep *r, const char *name, assay_series_info *info,
		assay_obs *obs)
{
	assay_error e;
	memset(obs, 0, sizeof *obs);
	if (assay_store_series_get(r->st, name, info, &e) <= 0)
		return -1;
	if (assay_store_load(r->st, info->id, r->o->scan.as_of, obs, &e)) {
		assay_series_info_release(info);
		return -1;
	}
	return 0;
}

/* Queue the level (k = 0) and changes (k = 1) charts of row i on b;
 * owner/which: the row and chart of each entry of the batch. */
static void add_row_charts(struct rep *r, assay_plot_batch *b, size_t i,
			   const assay_plot_input *in, const char *what,
			   size_t *owner, int *which)
{
	const assay_scan_row *row = &r->res.rows[i];
	assay_error e;
	char fname[128], title[600];
	for (int k = 0; k < 2; k++) {
		assay_plot_opts po;
		assay_plot_opts_init(&po);
		po.type = k ? ASSAY_CHART_CHANGES : ASSAY_CHART_LEVEL;
		po.format = ASSAY_PLOT_SVG;
		po.width = 960;
		po.height = 540;
		po.freq = r->o->scan.analysis.freq ? row->freq : ASSAY_FREQ_NONE;
		po.as_of = r->o->scan.as_of;
		po.from = r->o->from;
		po.to = r->o->to;
		/* the changes chart shows the last ten years up to the move
		 * judged (66 years of monthly bars are a grey wall, and each
		 * bar's band costs a search: plot.c) */
		char recent[32];
		if (k == 1 && !po.from && row->has_period &&
		    (row->freq == ASSAY_FREQ_M || row->freq == ASSAY_FREQ_Q ||
		     row->freq == ASSAY_FREQ_A)) {
			assay_period_format(row->freq, row->period -
					    10 * assay_periods_per_year(row->freq) + 1,
					    recent, sizeof recent);
			po.from = recent;
			po.freq = row->freq;
		}
		snprintf(title, sizeof title, "%s%s%s: %s", row->name,
			 *what ? ", " : "", what, k ? "changes" : "level");
		po.title = title;
		assay_plot_file_name(row->name, fname, sizeof fname);
		snprintf(r->paths[i][k], sizeof r->paths[i][k], "%s/charts/%zu-%s-%s.svg",
			 r->dir, i + 1, fname, k ? "changes" : "level");
		int added = assay_plot_batch_add(b, r->paths[i][k], row->name, in, 1, &po, &e);
		if (added && po.from == recent) {
			/* no change in the last ten years: the whole series */
			po.from = NULL;
			added = assay_plot_batch_add(b, r->paths[i][k], row->name, in, 1, &po, &e);
		}
		if (added) {
			char msg[1400];
			snprintf(msg, sizeof msg, "%s: %s chart: %s", row->name,
				 k ? "changes" : "level", e.msg);
			warn(r, msg);
			continue;
		}
		size_t at = assay_plot_batch_size(b) - 1;
		owner[at] = i;
		which[at] = k;
	}
}

/* After the batch ran: the charts drawn into r->ok, and one error line
 * however many failed (on a full disk they all do). */
static int charts_outcome(struct rep *r, assay_plot_batch *b,
			  const size_t *owner, const int *which)
{
	const char *first = NULL;
	size_t nfailed = 0;
	for (size_t c = 0; c < assay_plot_batch_size(b); c++) {
		const char *msg;
		if (assay_plot_batch_result(b, c, NULL, &msg, NULL) == 0) {
			r->ok[owner[c]] |= (unsigned char)(1 << which[c]);
		} else if (!assay_plot_batch_held_back(b, c)) {
			first = first ? first : msg;
			nfailed++;
		}
	}
	if (nfailed > 1)
		return assay_fail(r->err, ASSAY_EIO, "%s (%zu of %zu charts failed); "
				  "the report in %s is left as it was", first,
				  nfailed, assay_plot_batch_size(b), r->dir);
	if (nfailed)
		return assay_fail(r->err, ASSAY_EIO, "%s; the report in %s is left "
				  "as it was", first, r->dir);
	return 0;
}

/* Draw the level and changes charts of every section's series with one
 * gnuplot process, all or nothing. */
static int draw_charts(struct rep *r)
{
	const assay_scan_result *res = &r->res;
	assay_plot_batch *b;
	assay_error e;
	if (!r->o->charts)
		return 0;
	if (assay_plot_batch_new(&b, &e)) {
		char msg[1100];
		snprintf(msg, sizeof msg, "%s; the report has no charts", e.msg);
		warn(r, msg);
		return 0;
	}
	if (r->o->cancel)
		assay_plot_batch_set_cancel(b, r->o->cancel);
	assay_plot_batch_set_all_or_nothing(b, 1);      /* the old report stays whole */
	size_t *owner = calloc(2 * res->n + 1, sizeof *owner);
	int *which = calloc(2 * res->n + 1, sizeof *which);
	if (!owner || !which) {
		free(owner);
		free(which);
		assay_plot_batch_free(b);
		return assay_fail(r->err, ASSAY_EIO, "out of memory");
	}
	for (size_t i = 0; i < res->n && !cancelled(r); i++) {
		const assay_scan_row *row = &res->rows[i];
		assay_series_info info;
		assay_obs obs;
		char what[400];
		if (row->failed || load(r, row->name, &info, &obs))
			continue;
		if (obs.n >= MIN_CHART_OBS) {
			describe(&info, what, sizeof what);
			assay_plot_input in = { &info, &obs };
			add_row_charts(r, b, i, &in, what, owner, which);
		}
		assay_obs_release(&obs);
		assay_series_info_release(&info);
	}
	int status = 0;
	if (cancelled(r)) {
		status = assay_fail(r->err, ASSAY_EIO, "stopped");
	} else if (assay_plot_batch_run(b, &e)) {
		*r->err = e;
		status = -1;
	} else {
		status = charts_outcome(r, b, owner, which);
	}
	free(owner);
	free(which);
	assay_plot_batch_free(b);
	return status;
}

/* Read a whole file into a malloc'd string. */
static char *read_all(const char *path)
{
	FILE *in = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, len = 0, got;
	if (!in)
		return NULL;
	do {
		if (len + 65536 > cap) {
			cap = cap ? 2 * cap : 1 << 17;
			char *g = realloc(buf, cap);
			if (!g) {
				free(buf);
				fclose(in);
				return NULL;
			}
			buf = g;
		}
		got = fread(buf + len, 1, cap - len - 1, in);
		len += got;
	} while (got > 0);
	fclose(in);
	buf[len] = 0;
	return buf;
}

/* ---- one series: its judgement, recent moves and trend ------------- */

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

/* The check of the period the scan judged, at the scan's frequency: the
 * same analysis as `assay check SERIES --freq F --period P`. */
static void judge(struct rep *r, struct section *s, const assay_obs *obs)
{
	const assay_scan_row *row = s->row;
	assay_analysis_opts ao = r->o->scan.analysis;
	assay_error e;
	s->ck.row = (size_t)-1;
	s->ck.name = row->name;
	s->ck.as_of = r->o->scan.as_of;
	s->ck.allow_partial = ao.allow_partial;
	ao.freq = row->freq ? row->freq : s->ck.info.freq;
	if (row->has_period) {
		/* the periods before it are judged too, for the table of recent
		 * moves; a move's verdict never depends on later ones */
		ao.judge_from = row->period - (RECENT - 1);
		s->ck.period = row->period;
	}
	if (assay_analyse(obs, s->ck.info.freq, s->ck.info.kind, &ao, &s->ck.a, &e)) {
		snprintf(s->sentence, sizeof s->sentence, "%.200s: cannot judge: %.700s",
			 row->name, e.msg);
		return;
	}
	s->analysed = 1;
	s->ck.row = assay_pick_row(&s->ck.a, ao.allow_partial, row->has_period,
				   row->period);
	if (s->ck.row == (size_t)-1 && s->ck.a.s.n && !row->has_period)
		s->ck.period = s->ck.a.s.period[s->ck.a.s.n - 1];
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
static void trend(struct rep *r, struct section *s, const assay_obs *obs)
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
		snprintf(s->trend_words, sizeof s->trend_words,
			 "Too few values (%zu) for a trend test.", n);
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
			 "An %s trend over %s to %s (Mann-Kendall %s%s); %s.",
			 s->tr.mk.s > 0 ? "increasing" : "decreasing", s->tfrom, s->tto,
			 pb, growth, shifts);
	else
		snprintf(s->trend_words, sizeof s->trend_words,
			 "No monotonic trend over %s to %s (Mann-Kendall %s); %s.",
			 s->tfrom, s->tto, pb, shifts);
out:
	free(per);
	free(val);
}

static void section_release(struct section *s)
{
	if (s->analysed)
		assay_analysis_release(&s->ck.a);
	assay_series_info_release(&s->ck.info);
	assay_cpts_release(&s->cp);
}

/* ---- writing -------------------------------------------------------- */

static const char css[] =
	"body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1200px;"
	"margin:1.5em auto;padding:0 1em;color:#222;line-height:1.45}"
	"h1{font-size:1.6em;margin-bottom:.2em}.subtitle{font-size:1.15em;color:#444;margin-top:0}"
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
	".stale{color:#777}"
	".chart svg{max-width:100%;height:auto}"
	"nav ol{columns:2;font-size:.9em}"
	"details{margin:.5em 0}summary{cursor:pointer;color:#4a78b0}"
	".source{font-size:.85em;color:#555}"
	"@media (max-width:600px){body{padding:0 .4em}nav ol{columns:1}table{font-size:.8em}}"
	"@media print{body{max-width:none;margin:0}nav{display:none}"
	"h2{break-after:avoid;page-break-after:avoid}"
	"section.series{break-inside:avoid;page-break-inside:avoid}"
	".chart{display:flex;gap:1%}.chart svg{width:49.5%;break-inside:avoid}"
	"details{display:none}.scroll{overflow:visible}}";

static void h(struct rep *r, const char *s) { assay_html_escape(r->html, s); }
static void m(struct rep *r, const char *s) { assay_md_escape(r->md, s); }

static const char *verdict_class(assay_verdict v)
{
	return v == ASSAY_VERDICT_SHOCK ? "shock" : v == ASSAY_VERDICT_TREND ? "trend" : "noise";
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
		fprintf(r->html, "</a></td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
			"<td class=\"%s\">", lbl, val, pct, verdict_class(row->raw));
		h(r, alone);
		fprintf(r->html, "</td><td class=\"%s\">", verdict_class(row->verdict));
		h(r, batch);
		fputs("</td></tr>\n", r->html);
		fputs("| ", r->md);
		m(r, row->name);
		fprintf(r->md, " | %s | %s | %s | %s | %s |\n", lbl, val, pct, alone, batch);
	}
	fputs("</tbody></table></div>\n", r->html);
}

static void summary(struct rep *r)
{
	const assay_scan_result *res = &r->res;
	size_t cur = 0, old = 0, unj = 0;
	for (size_t i = 0; i < res->n; i++) {
		const assay_scan_row *row = &res->rows[i];
		if (row->failed)
			continue;
		if (!isfinite(row->p_value))
			unj++;
		else if (row->stale)
			old++;
		else
			cur++;
	}
	char as[64] = "";
	if (res->latest_day != INT64_MIN) {
		int64_t d = res->latest_day;
		assay_period_format(ASSAY_FREQ_D, d, as, sizeof as);
	}
	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<p>", r->html);
	fprintf(r->html, "%zu series screened, <strong>%zu notable</strong> among them at "
		"a false discovery rate of %g (Benjamini-Hochberg q-value over all %zu). "
		"Each move is also judged on its own, as <code>assay check</code> does "
		"(p-value at alpha = %g): the two verdicts answer different questions "
		"and both are shown.", res->screened, res->notable, r->o->scan.fdr,
		res->screened, r->o->scan.analysis.judge.alpha);
	if (old)
		fprintf(r->html, " %zu series are not current (their latest period ends "
			"before %s) and are listed apart.", old, as);
	fputs("</p>\n", r->html);
	fprintf(r->md, "\n## Summary\n\n%zu series screened, **%zu notable** among them at a "
		"false discovery rate of %g (Benjamini-Hochberg q-value over all %zu). Each "
		"move is also judged on its own, as `assay check` does (p-value at alpha = "
		"%g): the two verdicts answer different questions and both are shown.%s\n\n",
		res->screened, res->notable, r->o->scan.fdr, res->screened,
		r->o->scan.analysis.judge.alpha, old ? " Series that are not current are "
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
			h(r, row->reason ? row->reason : "not judged");
			fputs("</li>\n", r->html);
			fputs("- ", r->md);
			m(r, row->name);
			fprintf(r->md, ": %s\n", row->reason ? row->reason : "not judged");
		}
		fputs("</ul>\n", r->html);
	}
	fputs("</section>\n", r->html);
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
		char lbl[32], val[64], pct[32], yoy[32], typ[48], pb[32], verdict[96];
		assay_period_format(a->s.freq, a->s.period[i], lbl, sizeof lbl);
		assay_fmt_human(a->s.value[i], val, sizeof val);
		assay_fmt_pct(a->c.pct[i], pct, sizeof pct);
		assay_fmt_pct(a->c.yoy[i], yoy, sizeof yoy);
		if (j->basis == ASSAY_BASIS_LOG && isfinite(j->noise.sd))
			snprintf(typ, sizeof typ, "&#177;%.1f%%", 100 * j->noise.sd);
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
			strncmp(typ, "&#177;", 6) ? "NA" : "+/-", strncmp(typ, "&#177;", 6) ? "" : typ + 6,
			verdict);
	}
	fputs("</tbody></table></div>\n", r->html);
}

static void stat_row(struct rep *r, const char *name, double v)
{
	char buf[40];
	fprintf(r->html, "<tr><td>%s</td><td class=\"num\">%s</td></tr>\n", name,
		isfinite(v) ? assay_fmt_g(v, buf, sizeof buf) : "NA");
}

/* Every number behind the verdict and the trend, collapsed. */
static void raw_stats(struct rep *r, const struct section *s)
{
	fputs("<details><summary>Statistics behind the verdict and the trend</summary>\n"
	      "<div class=\"scroll\"><table>\n<tbody>\n", r->html);
	if (s->analysed && s->ck.row != (size_t)-1) {
		const assay_judgement *j = &s->ck.a.j[s->ck.row];
		stat_row(r, "change judged (log or difference)", j->change);
		stat_row(r, "expected by the model", j->expected);
		stat_row(r, "prediction-interval scale", j->scale);
		stat_row(r, "t statistic", j->stat);
		stat_row(r, "p-value, shock part", j->p_shock);
		stat_row(r, "p-value, trend part", j->p_trend);
		stat_row(r, "p-value", j->p);
		stat_row(r, "rank among the window's moves", j->rank);
		stat_row(r, "same-signed run", j->run);
		stat_row(r, "AR(1) coefficient", j->phi);
		stat_row(r, "changes in the window", j->n_history);
		stat_row(r, "typical move (sd)", j->noise.sd);
	}
	if (s->has_trend) {
		stat_row(r, "Mann-Kendall S", (double)s->tr.mk.s);
		stat_row(r, "Mann-Kendall z", s->tr.mk.z);
		stat_row(r, "Mann-Kendall p", s->tr.mk.p);
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
		char *svg = read_all(r->paths[i][k]), prefix[32];
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
	if (load(r, row->name, &s.ck.info, &obs)) {
		memset(&s.ck.info, 0, sizeof s.ck.info);
		snprintf(s.sentence, sizeof s.sentence, "%s: cannot be read", row->name);
	} else {
		note_imports(r, s.ck.info.id);
		add_source(r, s.ck.info.source);
		describe(&s.ck.info, s.what, sizeof s.what);
		judge(r, &s, &obs);
		trend(r, &s, &obs);
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
	h(r, s.sentence);
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
	section_release(&s);
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
static int build_pages(struct rep *r)
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
	for (int g = 0; g < 3 && !cancelled(r); g++)
		for (size_t i = 0; i < r->res.n && !cancelled(r); i++)
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
	if (cancelled(r))
		return assay_fail(r->err, ASSAY_EIO, "stopped");
	return 0;
}

/* ---- all-or-nothing pages ------------------------------------------ */

struct page {
	char path[1200];
	char tmp[1300];
};

/* Write len bytes to a new temporary file ".NAME.assay-PID-N.tmp" beside
 * NAME (a run killed outright leaves a name the next run recognises and
 * removes), flushed to disk.  0, or the errno. */
static int page_write(struct page *pg, const char *dir, const char *name,
		      const char *data, size_t len)
{
	int fd = -1, e = 0;
	snprintf(pg->path, sizeof pg->path, "%s/%s", dir, name);
	pg->tmp[0] = 0;
	for (unsigned k = 0; k < 100 && fd < 0; k++) {
		snprintf(pg->tmp, sizeof pg->tmp, "%s/.%s.assay-%ld-%x.tmp", dir, name,
			 (long)getpid(), k);
		fd = open(pg->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		e = errno;
		pg->tmp[0] = 0;
		return e;
	}
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			break;
		}
		data += w;
		len -= (size_t)w;
	}
	if (!e && fsync(fd))
		e = errno;
	if (close(fd) && !e)
		e = errno;
	return e;
}

static void page_discard(struct page *pg)
{
	if (pg->tmp[0])
		unlink(pg->tmp);
	pg->tmp[0] = 0;
}

static int make_dir(const char *path, assay_error *err)
{
	if (mkdir(path, 0777) && errno != EEXIST)
		return assay_fail(err, ASSAY_EIO, "%s: cannot create: %s", path, strerror(errno));
	return 0;
}

static int commit_pages(struct rep *r)
{
	struct page html = { .tmp = "" }, md = { .tmp = "" };
	int e, status = 0;
	if ((e = page_write(&html, r->dir, "index.html", r->hbuf, r->hlen)))
		status = assay_fail(r->err, ASSAY_EIO, "%s: cannot write: %s; the report in %s "
				    "is left as it was", html.path, strerror(e), r->dir);
	else if ((e = page_write(&md, r->dir, "report.md", r->mbuf, r->mlen)))
		status = assay_fail(r->err, ASSAY_EIO, "%s: cannot write: %s; the report in %s "
				    "is left as it was", md.path, strerror(e), r->dir);
	else if (cancelled(r))
		status = assay_fail(r->err, ASSAY_EIO, "stopped");
	else if (rename(html.tmp, html.path) || rename(md.tmp, md.path))
		status = assay_fail(r->err, ASSAY_EIO, "%s: cannot write: %s", r->dir,
				    strerror(errno));
	else
		html.tmp[0] = md.tmp[0] = 0;
	page_discard(&html);
	page_discard(&md);
	return status;
}

/* ---- the whole ------------------------------------------------------ */

static int scan(struct rep *r, char *const *names, size_t n)
{
	const assay_report_opts *o = r->o;
	int rc = o->scan.jobs > 1
		 ? assay_scan(assay_store_path(r->st), names, n, &o->scan, &r->res, r->err)
		 : assay_scan_store(r->st, names, n, &o->scan, &r->res, r->err);
	if (rc)
		return rc;
	assay_scan_select(&r->res, &o->select);
	return 0;
}

int assay_report_write(assay_store *st, const char *dir, char *const *names,
		       size_t n, const assay_report_opts *o,
		       assay_report_summary *out, assay_error *err)
{
	struct rep r;
	char charts[1100];
	int status;
	memset(&r, 0, sizeof r);
	memset(out, 0, sizeof *out);
	r.st = st;
	r.dir = dir;
	r.o = o;
	r.err = err;
	snprintf(charts, sizeof charts, "%s/charts", dir);
	if (make_dir(dir, err) || make_dir(charts, err))
		return -1;
	locale_t saved = assay_c_locale_enter();
	if ((status = scan(&r, names, n)))
		goto done;
	/* what a run killed with KILL left here (charts/ is the batch's) */
	assay_plot_remove_stale(dir);
	r.paths = calloc(r.res.n + 1, sizeof *r.paths);
	r.ok = calloc(r.res.n + 1, 1);
	if (!r.paths || !r.ok) {
		status = assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	if ((status = draw_charts(&r)) || cancelled(&r)) {
		if (!status)
			status = assay_fail(err, ASSAY_EIO, "stopped");
		goto out;
	}
	r.html = open_memstream(&r.hbuf, &r.hlen);
	r.md = open_memstream(&r.mbuf, &r.mlen);
	if (!r.html || !r.md) {
		status = assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	status = build_pages(&r);
	fclose(r.html);
	fclose(r.md);
	r.html = r.md = NULL;
	if (!status)
		status = commit_pages(&r);
	if (!status) {
		out->screened = r.res.screened;
		out->judged = r.res.judged;
		out->notable = r.res.notable;
		out->stale = r.res.stale;
		for (size_t i = 0; i < r.res.n; i++) {
			out->series += !r.res.rows[i].failed;
			out->charts += (r.ok[i] & 1) + ((r.ok[i] >> 1) & 1);
		}
	}
out:
	if (r.html)
		fclose(r.html);
	if (r.md)
		fclose(r.md);
	free(r.hbuf);
	free(r.mbuf);
	free(r.paths);
	free(r.ok);
	for (size_t k = 0; k < r.nsources; k++)
		free(r.sources[k]);
	free(r.sources);
	assay_scan_result_release(&r.res);
done:
	assay_c_locale_leave(saved);
	return status ? -1 : 0;
}
