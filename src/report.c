/*
 * The report (report.h): the scan, then one section per series, written
 * as HTML and Markdown from library results.  Pages are built in memory
 * and written to temporary files renamed into place only when both are
 * complete on disk, after the charts have been rendered as one set.
 *
 * The report files:
 *   report.c         the state, the charts, all-or-nothing pages, the whole
 *   report_text.c    numbers and escaping for people, inline SVG ids
 *   report_series.c  one series: its judgement, recent moves and trend
 *   report_write.c   writing the HTML and Markdown pages
 *   report_internal.h  what they share (internal)
 */
#include <dirent.h>
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
#include "report_internal.h"
#include "utf8.h"

/* Fewest observations for which a series gets its charts. */
enum { MIN_CHART_OBS = 3 };

void assay_report_opts_init(assay_report_opts *o)
{
	memset(o, 0, sizeof *o);
	assay_scan_opts_init(&o->scan);
	o->charts = 1;
}

/* ---- the report's state -------------------------------------------- */

int report_cancelled(const struct rep *r)
{
	return r->o->cancel && *r->o->cancel;
}

static void warn(const struct rep *r, const char *msg)
{
	if (r->o->warn)
		r->o->warn(r->o->ctx, msg);
}

void report_add_source(struct rep *r, const char *s)
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
void report_note_imports(struct rep *r, int64_t id)
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
void report_describe(const assay_series_info *info, char *buf, size_t n)
{
	const char *part[3] = { info->commodity, info->region, info->measure };
	size_t len = 0;
	buf[0] = 0;
	for (int k = 0; k < 3; k++) {
		if (!part[k] || !*part[k] || len >= n)
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%.*s", len ? ", " : "",
					(int)assay_label_len(part[k]), part[k]);
	}
	if (info->unit && *info->unit && len < n)
		snprintf(buf + len, n - len, "%s(%s)", len ? " " : "", info->unit);
}

/* ---- charts --------------------------------------------------------- */

int report_load(struct rep *r, const char *name, assay_series_info *info,
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
 * owner/which: the row and chart of each entry of the batch.  A chart
 * that cannot be drawn from its data is a warning; one whose file cannot
 * be made (charts/ not writable) fails the report, -1 with r->err set,
 * as a chart gnuplot could not write does (it was a warning, and pages
 * without their charts replaced the report, exit 0). */
static int add_row_charts(struct rep *r, assay_plot_batch *b, size_t i,
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
		/* gnuplot's text is a fixed size on the canvas: a smaller canvas
		 * keeps it readable where the page scales the chart down (at
		 * 960 x 540 it was 3-4 px on a phone, 3 pt printed) */
		po.width = 720;
		po.height = 405;
		po.freq = r->o->scan.analysis.freq ? row->freq : ASSAY_FREQ_NONE;
		po.as_of = r->o->scan.as_of;
		po.from = r->o->from;
		po.to = r->o->to;
		/* --period: the charts end at the move judged, so that the bar
		 * outlined and labelled is the one the sentence is about (they
		 * showed the latest, 2026Q1, under a sentence about 2024Q3) */
		char upto[32];
		if (!po.to && r->o->scan.has_period && row->has_period) {
			assay_period_format(row->freq, row->period, upto, sizeof upto);
			po.to = upto;
		}
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
		if (added && e.status == ASSAY_EIO)
			return assay_fail(r->err, ASSAY_EIO, "%s; the report in %s "
					  "is left as it was", e.msg, r->dir);
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
	return 0;
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
			snprintf(r->drawn[owner[c]][which[c]], sizeof r->drawn[0][0],
				 "%s", assay_plot_batch_drawn_file(b, c));
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
	assay_plot_batch_set_deferred(b, 1);            /* until the pages are written */
	size_t *owner = calloc(2 * res->n + 1, sizeof *owner);
	int *which = calloc(2 * res->n + 1, sizeof *which);
	if (!owner || !which) {
		free(owner);
		free(which);
		assay_plot_batch_free(b);
		return assay_fail(r->err, ASSAY_EIO, "out of memory");
	}
	int added = 0;
	for (size_t i = 0; i < res->n && !report_cancelled(r); i++) {
		const assay_scan_row *row = &res->rows[i];
		assay_series_info info;
		assay_obs obs;
		char what[400];
		if (row->failed || report_load(r, row->name, &info, &obs))
			continue;
		if (obs.n >= MIN_CHART_OBS) {
			report_describe(&info, what, sizeof what);
			assay_plot_input in = { &info, &obs };
			added = add_row_charts(r, b, i, &in, what, owner, which);
		}
		assay_obs_release(&obs);
		assay_series_info_release(&info);
		if (added)
			break;
	}
	int status = 0;
	if (added) {
		status = -1;
	} else if (report_cancelled(r)) {
		status = assay_fail(r->err, ASSAY_EIO, "stopped");
	} else if (assay_plot_batch_run(b, &e)) {
		*r->err = e;
		status = -1;
	} else {
		status = charts_outcome(r, b, owner, which);
	}
	free(owner);
	free(which);
	if (status)
		assay_plot_batch_free(b);
	else
		r->charts = b;
	return status;
}

/* Read a whole file into a malloc'd string. */
char *report_read_all(const char *path)
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

/* Is `name` a chart file a report writes ("12-wb-copper-level.svg")? */
static int chart_file_name(const char *name)
{
	size_t n = strlen(name), d = strspn(name, "0123456789");
	static const char *const ends[] = { "-level.svg", "-changes.svg" };
	if (!d || name[d] != '-')
		return 0;
	for (size_t k = 0; k < 2; k++) {
		size_t e = strlen(ends[k]);
		if (n > d + e && !strcmp(name + n - e, ends[k]))
			return 1;
	}
	return 0;
}

/* After the pages are in place: the charts of an earlier report that
 * this one does not show ("1-wb-copper-level.svg" when copper is now
 * second) are removed, so charts/ holds this report's.  Other files
 * there are left alone. */
static void remove_old_charts(struct rep *r)
{
	char dir[1100], path[1400];
	snprintf(dir, sizeof dir, "%s/charts", r->dir);
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (!chart_file_name(de->d_name))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		int ours = 0;
		for (size_t i = 0; i < r->res.n && !ours; i++)
			for (int k = 0; k < 2 && !ours; k++)
				ours = (r->ok[i] >> k & 1) && !strcmp(r->paths[i][k], path);
		if (!ours)
			unlink(path);
	}
	closedir(dp);
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
	else if (report_cancelled(r))
		status = assay_fail(r->err, ASSAY_EIO, "stopped");
	else if (assay_plot_batch_commit(r->charts, r->err))
		status = -1;
	else if (rename(html.tmp, html.path) || rename(md.tmp, md.path))
		status = assay_fail(r->err, ASSAY_EIO, "%s: cannot write: %s", r->dir,
				    strerror(errno));
	else {
		html.tmp[0] = md.tmp[0] = 0;
		remove_old_charts(r);
	}
	page_discard(&html);
	page_discard(&md);
	return status;
}

/* ---- the whole ------------------------------------------------------ */

static int scan(struct rep *r, char *const *names, size_t n)
{
	const assay_report_opts *o = r->o;
	/* on the report's connection: the verdicts are of the snapshot its
	 * charts and tables read (assay_scan's connections took one of their
	 * own, after it: an import committing between was in the verdicts
	 * and not in the charts) */
	int rc = assay_scan_store(r->st, names, n, &o->scan, &r->res, r->err);
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
	r.drawn = calloc(r.res.n + 1, sizeof *r.drawn);
	r.ok = calloc(r.res.n + 1, 1);
	r.units = calloc(r.res.n + 1, sizeof *r.units);
	if (!r.paths || !r.drawn || !r.ok || !r.units) {
		status = assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	if ((status = draw_charts(&r)) || report_cancelled(&r)) {
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
	status = report_build_pages(&r);
	fclose(r.html);
	fclose(r.md);
	r.html = r.md = NULL;
	if (!status)
		status = commit_pages(&r);
	if (!status) {
		out->screened = r.res.screened;
		out->judged = r.res.judged;
		out->notable = r.res.notable_screened;
		out->stale = r.res.stale;
		for (size_t i = 0; i < r.res.n; i++) {
			const assay_scan_row *row = &r.res.rows[i];
			out->series += !row->failed;
			out->charts += (r.ok[i] & 1) + ((r.ok[i] >> 1) & 1);
			if (!row->failed)
				continue;
			out->failed++;
			if (row->error.status != ASSAY_EUSAGE)
				out->failed_status = ASSAY_EIO;
			else if (!out->failed_status)
				out->failed_status = ASSAY_EUSAGE;
			if (o->failed)
				o->failed(o->ctx, row->name, &row->error);
		}
	}
out:
	assay_plot_batch_free(r.charts);        /* charts not committed: removed */
	if (r.html)
		fclose(r.html);
	if (r.md)
		fclose(r.md);
	free(r.hbuf);
	free(r.mbuf);
	free(r.paths);
	free(r.drawn);
	free(r.ok);
	for (size_t i = 0; r.units && i < r.res.n; i++)
		free(r.units[i]);
	free(r.units);
	for (size_t k = 0; k < r.nsources; k++)
		free(r.sources[k]);
	free(r.sources);
	assay_scan_result_release(&r.res);
done:
	assay_c_locale_leave(saved);
	return status ? -1 : 0;
}
