/*
 * assay report: the weekly screen as a document.  DIR/index.html is one
 * self-contained page (inline SVG charts and CSS, nothing fetched) and
 * DIR/report.md the same in Markdown with the charts as files beside it.
 *
 * Every number in the report is the one the commands print, because the
 * report runs them: `scan` through the library (its table built by the
 * same function as `assay scan`), and `check`, `changes` and `trend` by
 * calling the subcommands themselves with their standard output captured.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "assay/plot.h"
#include "assay/scan.h"
#include "cli.h"
#include "commands.h"
#include "judge_common.h"
#include "output.h"
#include "progress.h"

static const char usage[] =
	"Usage: assay report [PATTERN...] -o DIR [OPTIONS]\n"
	"\n"
	"Write DIR/index.html, one self-contained page (inline SVG charts and\n"
	"CSS, no network fetches, readable printed), and DIR/report.md with the\n"
	"charts as SVG files in DIR/charts/: a summary table of the scan (what\n"
	"moved notably, what is noise), then a section per series with its\n"
	"'check' sentence, the last eight periods of 'changes', the 'trend'\n"
	"result and the level and changes charts.  Series: those matching the\n"
	"glob PATTERNs (all when none).\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR    where to write (created if missing)\n"
	"  --freq F            analyse at frequency M, Q or A (default: native; a\n"
	"                      series already at a lower one keeps its own, noted)\n"
	"  --fdr Q             false discovery rate of the summary (0.05)\n"
	"  --as-of DATE        the data as they stood at that vintage\n"
	"  --title TEXT        the report's title (default: assay report)\n"
	"  -j, --jobs N        threads for the scan, 1 to 64 (default: the CPUs,\n"
	"                      at most 8)\n"
	"\n"
	"Charts are drawn for the series with at least 3 observations; they need\n"
	"gnuplot, and without it the report is written without them (a warning\n"
	"says so).\n"
	"The pages and charts replace those in DIR only when complete: when a\n"
	"chart or a page cannot be written whole (a full disk), the report that\n"
	"was in DIR stays as it was.  TERM or INT stop the report and remove its\n"
	"temporary files.\n"
	"Exit status: 0 written, 2 bad usage or unknown series, 4 database, I/O\n"
	"or gnuplot error (the previous report kept), 128+N stopped by signal N.\n"
	"\n"
	"Examples:\n"
	"  assay report 'wb/*' --freq Q -o report\n"
	"  assay report -o all-series --title 'All series'\n";

/* Fewest observations for which a series gets its charts. */
enum { MIN_CHART_OBS = 3 };

struct report {
	const char *dir;
	const char *title;
	assay_freq freq;
	const char *as_of;      /* as given */
	char as_of_norm[40];
	double fdr;
	int jobs;
	FILE *html, *md;
};

/* Read all of fd from its start into a malloc'd string, then close it. */
static char *slurp(int fd)
{
	off_t len = lseek(fd, 0, SEEK_END);
	char *text = len >= 0 ? malloc((size_t)len + 1) : NULL;
	if (text) {
		ssize_t got = pread(fd, text, (size_t)len, 0);
		text[got > 0 ? got : 0] = 0;
	}
	close(fd);
	return text;
}

static int temp_fd(void)
{
	char path[] = "/tmp/assay-report-XXXXXX";
	int fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* The errno of the first capture whose output could not be written to its
 * temporary file: the report would show a cut text, so it fails. */
static int capture_errno;

/* Run a subcommand with its stdout and stderr captured into malloc'd
 * strings (a command that cannot answer says why on stderr, and that is
 * what the report shows).  Returns the command's exit status. */
static int capture(cli_command_fn fn, char **argv, char **out, char **err)
{
	int fo = temp_fd(), fe = temp_fd(), status, argc = 0;
	*out = *err = NULL;
	if (fo < 0 || fe < 0) {
		if (!capture_errno)
			capture_errno = errno;
		if (fo >= 0)
			close(fo);
		if (fe >= 0)
			close(fe);
		return ASSAY_EIO;
	}
	while (argv[argc])
		argc++;
	fflush(stdout);
	fflush(stderr);
	int so = dup(STDOUT_FILENO), se = dup(STDERR_FILENO);
	dup2(fo, STDOUT_FILENO);
	dup2(fe, STDERR_FILENO);
	optind = 0;             /* each command parses its own options */
	status = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	if (cli_stdout_errno()) {
		if (!capture_errno)
			capture_errno = cli_stdout_errno();
		cli_stdout_clear_error();   /* the report's own stdout is fine */
	}
	if (ferror(stderr) && !capture_errno)
		capture_errno = EIO;
	dup2(so, STDOUT_FILENO);
	dup2(se, STDERR_FILENO);
	close(so);
	close(se);
	*out = slurp(fo);
	*err = slurp(fe);
	return status;
}

/* What a command said: its output, or (when it printed nothing) its
 * message without the "assay: " prefix.  Returns a malloc'd string. */
static char *said(cli_command_fn fn, char **argv)
{
	char *out, *err;
	capture(fn, argv, &out, &err);
	if (out && *out) {
		free(err);
		return out;
	}
	free(out);
	if (err && !strncmp(err, "assay: ", 7))
		memmove(err, err + 7, strlen(err + 7) + 1);
	return err ? err : strdup("");
}

static const char css[] =
	"body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1200px;"
	"margin:2em auto;padding:0 1em;color:#222;line-height:1.4}"
	"h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;font-size:.85em;margin:.5em 0}"
	"th,td{padding:.2em .6em;border-bottom:1px solid #e4e4e4;text-align:left}"
	".num{text-align:right;font-variant-numeric:tabular-nums}"
	"pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.8em}"
	".sentence{font-size:1.05em;background:#eef3fa;padding:.5em .8em;border-left:4px solid #4a78b0}"
	".shock{color:#b01c1c;font-weight:bold}.trend{color:#b06a00;font-weight:bold}"
	".chart svg{max-width:100%;height:auto}"
	"@media print{h2{page-break-before:always}.chart svg{max-width:100%}"
	"pre{white-space:pre-wrap}}";

static void html_pre(FILE *fp, const char *text)
{
	fputs("<pre>", fp);
	out_html_escape(fp, text);
	fputs("</pre>\n", fp);
}

/* Inline an SVG file: everything from its <svg element on (the XML
 * prolog and DOCTYPE cannot stand inside HTML). */
static int inline_svg(FILE *fp, const char *path)
{
	FILE *in = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;
	if (!in)
		return -1;
	do {
		if (len + 65536 > cap) {
			cap = cap ? 2 * cap : 1 << 17;
			char *g = realloc(buf, cap);
			if (!g) {
				free(buf);
				fclose(in);
				return -1;
			}
			buf = g;
		}
		n = fread(buf + len, 1, cap - len - 1, in);
		len += n;
	} while (n > 0);
	fclose(in);
	buf[len] = 0;
	char *svg = strstr(buf, "<svg");
	if (svg)
		fputs(svg, fp);
	free(buf);
	return svg ? 0 : -1;
}

/* The argv of a subcommand on one series, with the report's options; the
 * frequency is the one the scan judged it at (its own when lower). */
static void build_argv(const struct report *r, const assay_scan_row *row,
		       const char *cmd, char **argv, char *fbuf,
		       const char *extra1, const char *extra2, const char *extra3)
{
	int k = 0;
	argv[k++] = (char *)cmd;
	argv[k++] = row->name;
	if (r->freq && row->freq) {
		fbuf[0] = (char)row->freq;
		fbuf[1] = 0;
		argv[k++] = "--freq";
		argv[k++] = fbuf;
	}
	if (r->as_of) {
		argv[k++] = "--as-of";
		argv[k++] = (char *)r->as_of;
	}
	if (extra1)
		argv[k++] = (char *)extra1;
	if (extra2)
		argv[k++] = (char *)extra2;
	if (extra3)
		argv[k++] = (char *)extra3;
	argv[k] = NULL;
}

/* A sub-heading and what a command printed, as preformatted text. */
static void command_block(struct report *r, const char *title,
			  cli_command_fn fn, char **argv)
{
	char *text = said(fn, argv);
	fputs("<h3>", r->html);
	out_html_escape(r->html, title);
	fputs("</h3>\n", r->html);
	html_pre(r->html, text ? text : "");
	fprintf(r->md, "\n### %s\n\n```\n%s```\n", title, text ? text : "");
	free(text);
}

static void section(struct report *r, const assay_scan_row *row, int n,
		    const char *level_svg, const char *changes_svg,
		    const char *level_rel, const char *changes_rel)
{
	char *argv[16], fbuf[2], from[32], to[32], range[40], *text = NULL;
	FILE *h = r->html, *m = r->md;

	fputs("<section>\n<h2 id=\"s", h);
	fprintf(h, "%d\">", n);
	out_html_escape(h, row->name);
	fputs("</h2>\n", h);
	fprintf(m, "\n## %s\n\n", row->name);

	build_argv(r, row, "check", argv, fbuf, NULL, NULL, NULL);
	text = said(cmd_check, argv);
	fputs("<p class=\"sentence\">", h);
	out_html_escape(h, text ? text : "");
	fputs("</p>\n", h);
	fprintf(m, "> %s\n", text ? text : "");
	free(text);

	if (row->has_period) {
		/* The last eight periods: from seven before the judged one. */
		assay_period_format(row->freq, row->period - 7, from, sizeof from);
		assay_period_format(row->freq, row->period, to, sizeof to);
		snprintf(range, sizeof range, "--to=%s", to);
		build_argv(r, row, "changes", argv, fbuf, "--from", from, range);
	} else {
		build_argv(r, row, "changes", argv, fbuf, NULL, NULL, NULL);
	}
	command_block(r, "Changes, last eight periods", cmd_changes, argv);
	build_argv(r, row, "trend", argv, fbuf, NULL, NULL, NULL);
	command_block(r, "Trend and change points", cmd_trend, argv);

	if (level_svg || changes_svg) {
		fputs("<div class=\"chart\">\n", h);
		if (level_svg && inline_svg(h, level_svg) == 0)
			fprintf(m, "\n![%s, level](%s)\n", row->name, level_rel);
		if (changes_svg && inline_svg(h, changes_svg) == 0)
			fprintf(m, "\n![%s, changes](%s)\n", row->name, changes_rel);
		fputs("</div>\n", h);
	}
	fputs("</section>\n", h);
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0777) && errno != EEXIST)
		return cli_error(ASSAY_EIO, "%s: cannot create: %s", path, strerror(errno));
	return 0;
}

/* Draw the level and changes charts of every judged series, one gnuplot
 * process.  ok[i] bit 1: level written, bit 2: changes written. */
static int draw_charts(struct report *r, assay_store *st, const assay_scan_result *res,
		       char (*paths)[2][1024], unsigned char *ok)
{
	assay_plot_batch *b;
	assay_error err;
	if (assay_plot_batch_new(&b, &err)) {
		cli_warn("%s; the report has no charts", err.msg);
		return 0;
	}
	assay_plot_batch_set_cancel(b, &cli_signal);
	assay_plot_batch_set_all_or_nothing(b, 1);     /* the old report stays whole */
	size_t *owner = calloc(2 * res->n + 1, sizeof *owner);
	int *which = calloc(2 * res->n + 1, sizeof *which);
	for (size_t i = 0; i < res->n && !cli_signal; i++) {
		const assay_scan_row *row = &res->rows[i];
		assay_series_info info;
		assay_obs obs;
		char fname[128];
		if (row->failed || assay_store_series_get(st, row->name, &info, &err) <= 0)
			continue;
		if (assay_store_load(st, info.id, r->as_of ? r->as_of_norm : NULL, &obs, &err)) {
			assay_series_info_release(&info);
			continue;
		}
		/* Fewer than MIN_CHART_OBS values (USGS's two years) make no
		 * chart worth drawing: such a section has its text only. */
		if (obs.n < MIN_CHART_OBS) {
			assay_obs_release(&obs);
			assay_series_info_release(&info);
			continue;
		}
		assay_plot_input in = { &info, &obs };
		for (int k = 0; k < 2; k++) {
			assay_plot_opts po;
			assay_plot_opts_init(&po);
			po.type = k ? ASSAY_CHART_CHANGES : ASSAY_CHART_LEVEL;
			po.format = ASSAY_PLOT_SVG;
			po.width = 960;
			po.height = 540;
			po.freq = r->freq ? row->freq : ASSAY_FREQ_NONE;
			po.as_of = r->as_of ? r->as_of_norm : NULL;
			assay_plot_file_name(row->name, fname, sizeof fname);
			snprintf(paths[i][k], sizeof paths[i][k], "%s/charts/%zu-%s-%s.svg",
				 r->dir, i + 1, fname, k ? "changes" : "level");
			if (assay_plot_batch_add(b, paths[i][k], row->name, &in, 1, &po, &err)) {
				cli_warn("%s: %s chart: %s", row->name, k ? "changes" : "level",
					 err.msg);
				continue;
			}
			size_t at = assay_plot_batch_size(b) - 1;
			owner[at] = i;
			which[at] = k;
		}
		assay_obs_release(&obs);
		assay_series_info_release(&info);
	}
	int status = 0;
	if (cli_signal) {
		status = ASSAY_EIO;     /* batch_free removes the temporary files */
	} else if (assay_plot_batch_run(b, &err)) {
		status = cli_signal ? ASSAY_EIO : cli_report(&err);
	} else {
		/* One line however many failed: on a full disk they all do. */
		const char *first = NULL;
		size_t nfailed = 0;
		for (size_t c = 0; c < assay_plot_batch_size(b); c++) {
			const char *msg;
			if (assay_plot_batch_result(b, c, NULL, &msg, NULL) == 0) {
				ok[owner[c]] |= (unsigned char)(1 << which[c]);
			} else if (!assay_plot_batch_held_back(b, c)) {
				first = first ? first : msg;
				nfailed++;
			}
		}
		if (nfailed > 1)
			status = cli_error(ASSAY_EIO, "%s (%zu of %zu charts failed); the report "
					   "in %s is left as it was", first, nfailed,
					   assay_plot_batch_size(b), r->dir);
		else if (nfailed)
			status = cli_error(ASSAY_EIO, "%s; the report in %s is left as it was",
					   first, r->dir);
	}
	free(owner);
	free(which);
	assay_plot_batch_free(b);
	return status;
}

static void summary(struct report *r, const assay_scan_result *res)
{
	out_table *t = scan_result_table(res, 1);
	fprintf(r->html, "<h2>Summary</h2>\n<p>%zu series scanned; %zu judged; "
		"<strong>%zu notable</strong> at a false discovery rate of %g "
		"(Benjamini-Hochberg q-value); %zu could not be judged.</p>\n",
		res->n, res->judged, res->notable, r->fdr,
		res->n - res->judged - res->failed);
	out_table_print(t, r->html, OUT_HTML);
	fprintf(r->md, "\n## Summary\n\n%zu series scanned; %zu judged; **%zu notable** "
		"at a false discovery rate of %g (Benjamini-Hochberg q-value); %zu could "
		"not be judged.\n\n", res->n, res->judged, res->notable, r->fdr,
		res->n - res->judged - res->failed);
	out_table_print(t, r->md, OUT_MARKDOWN);
	out_table_free(t);
}

/* A page written to ".NAME.assay-PID-N.tmp" in the report directory and
 * renamed over NAME only when all of it is on disk, so that a failed or
 * interrupted report leaves the previous one in place (and a report killed
 * outright leaves a file the next run recognises and removes). */
struct page {
	char path[1200];
	char tmp[1300];
	int fd;
	int first_errno;        /* of the stream's writes (cli_fdopen_w) */
	FILE *fp;
};

static int page_open(struct page *pg, const char *dir, const char *name)
{
	snprintf(pg->path, sizeof pg->path, "%s/%s", dir, name);
	pg->fd = -1;
	pg->fp = NULL;
	pg->tmp[0] = 0;
	for (unsigned k = 0; k < 100 && pg->fd < 0; k++) {
		snprintf(pg->tmp, sizeof pg->tmp, "%s/.%s.assay-%ld-%x.tmp", dir, name,
			 (long)getpid(), k);
		pg->fd = open(pg->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (pg->fd < 0 && errno != EEXIST)
			break;
	}
	if (pg->fd < 0) {
		pg->tmp[0] = 0;
		return cli_error(ASSAY_EIO, "%s: cannot write: %s", pg->path, strerror(errno));
	}
	if (!(pg->fp = cli_fdopen_w(pg->fd, &pg->first_errno))) {
		close(pg->fd);
		unlink(pg->tmp);
		pg->tmp[0] = 0;
		return cli_error(ASSAY_EIO, "out of memory");
	}
	return 0;
}

/* Flush, fsync and close the page; 0, or the first error's errno. */
static int page_close(struct page *pg)
{
	int e = 0;
	if (!pg->fp)
		return 0;
	if (fflush(pg->fp) || ferror(pg->fp))
		e = pg->first_errno ? pg->first_errno : EIO;
	if (!e && fsync(pg->fd))
		e = errno;
	if (fclose(pg->fp) && !e)
		e = pg->first_errno ? pg->first_errno : EIO;
	pg->fp = NULL;
	return e;
}

/* Forget a page that will not be committed. */
static void page_discard(struct page *pg)
{
	page_close(pg);
	if (pg->tmp[0])
		unlink(pg->tmp);
	pg->tmp[0] = 0;
}

static int write_report(struct report *r, const assay_scan_result *res)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	assay_store *st;
	int status;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M UTC", &tm);
	char charts[1100];
	snprintf(charts, sizeof charts, "%s/charts", r->dir);
	if ((status = make_dir(r->dir)) || (status = make_dir(charts)))
		return status;
	if ((status = cli_open_store(&st, 1)))
		return status;

	/* what a run killed with KILL left here (charts/ is the batch's) */
	assay_plot_remove_stale(r->dir);
	char (*paths)[2][1024] = calloc(res->n + 1, sizeof *paths);
	unsigned char *ok = calloc(res->n + 1, 1);
	struct page html = { .fd = -1 }, md = { .fd = -1 };
	status = draw_charts(r, st, res, paths, ok);
	assay_store_close(st);
	if (status || cli_signal)
		goto out;       /* the previous report stays as it was */

	if ((status = page_open(&html, r->dir, "index.html")) ||
	    (status = page_open(&md, r->dir, "report.md")))
		goto out;
	r->html = html.fp;
	r->md = md.fp;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n<title>", r->html);
	out_html_escape(r->html, r->title);
	fprintf(r->html, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
	out_html_escape(r->html, r->title);
	fprintf(r->html, "</h1>\n<p>Generated by assay %s on %s from %s", ASSAY_VERSION,
		stamp, "");
	out_html_escape(r->html, cli.db_path);
	if (r->as_of) {
		fputs(", data as of ", r->html);
		out_html_escape(r->html, r->as_of);
	}
	fputs(".</p>\n", r->html);
	fprintf(r->md, "# %s\n\nGenerated by assay %s on %s from %s%s%s.\n", r->title,
		ASSAY_VERSION, stamp, cli.db_path, r->as_of ? ", data as of " : "",
		r->as_of ? r->as_of : "");
	summary(r, res);

	struct progress bar;
	progress_init(&bar, !cli.quiet && cli_stderr_is_tty());
	for (size_t i = 0; i < res->n && !cli_signal; i++) {
		const assay_scan_row *row = &res->rows[i];
		char rel[2][1100];
		if (row->failed)
			continue;
		for (int k = 0; k < 2; k++) {
			const char *slash = strrchr(paths[i][k], '/');
			snprintf(rel[k], sizeof rel[k], "charts/%s", slash ? slash + 1 : "");
		}
		section(r, row, (int)i + 1, ok[i] & 1 ? paths[i][0] : NULL,
			ok[i] & 2 ? paths[i][1] : NULL, rel[0], rel[1]);
		progress_update(&bar, "report", i + 1, res->n);
	}
	progress_done(&bar);
	fputs("<footer><p>Sources are named under each chart; see each series' "
	      "metadata (<code>assay show</code>).</p></footer>\n</body>\n</html>\n", r->html);
	if (cli_signal) {
		status = ASSAY_EIO;
		goto out;
	}
	if (capture_errno) {
		status = cli_error(ASSAY_EIO, "cannot capture the commands' output for the "
				   "report: %s; the report in %s is left as it was",
				   strerror(capture_errno), r->dir);
		goto out;
	}
	/* Both pages complete on disk, or neither replaces its old self. */
	struct page *bad = NULL;
	int e;
	if ((e = page_close(&html)))
		bad = &html;
	else if ((e = page_close(&md)))
		bad = &md;
	if (bad) {
		status = cli_error(ASSAY_EIO, "%s: cannot write: %s; the report in %s is "
				   "left as it was", bad->path, strerror(e), r->dir);
		goto out;
	}
	if (rename(html.tmp, html.path) || rename(md.tmp, md.path)) {
		status = cli_error(ASSAY_EIO, "%s: cannot write: %s", r->dir, strerror(errno));
		goto out;
	}
	html.tmp[0] = md.tmp[0] = 0;
out:
	r->html = r->md = NULL;
	page_discard(&html);
	page_discard(&md);
	free(paths);
	free(ok);
	return status;
}

int cmd_report(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "freq", required_argument, NULL, 'F' },
		{ "fdr", required_argument, NULL, 'Q' },
		{ "as-of", required_argument, NULL, 'V' },
		{ "title", required_argument, NULL, 'T' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct report r = { .title = "assay report", .fdr = 0.05,
			    .jobs = cli_default_jobs() };
	long l;
	int c, rc;

	while ((c = getopt_long(argc, argv, "ho:j:", lopts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage, stdout); return 0;
		case 'o': r.dir = optarg; break;
		case 'F':
			if (cli_parse_freq("report", optarg, &r.freq))
				return ASSAY_EUSAGE;
			break;
		case 'Q':
			if (cli_parse_double("report", "--fdr", optarg, &r.fdr))
				return ASSAY_EUSAGE;
			if (!(r.fdr > 0 && r.fdr < 1))
				return cli_usage_error("report", "--fdr must be between 0 and 1");
			break;
		case 'V':
			if ((rc = jc_as_of("report", optarg, r.as_of_norm, sizeof r.as_of_norm)))
				return rc;
			r.as_of = optarg;
			break;
		case 'T': r.title = optarg; break;
		case 'j':
			if (cli_parse_shared("report", "--jobs", optarg, &l))
				return ASSAY_EUSAGE;
			r.jobs = (int)l;
			break;
		default:
			fputs("Try 'assay report --help'.\n", stderr);
			return ASSAY_EUSAGE;
		}
	}
	if (!r.dir)
		return cli_usage_error("report", "give the output directory with -o DIR");
	/* TERM/INT: stop, remove the temporary files, keep the previous
	 * report; main then dies of the signal. */
	cli_catch_signals();

	char **names = NULL;
	size_t n = 0;
	assay_error err;
	if ((rc = jc_resolve_or_all(argv + optind, argc - optind, &names, &n)))
		return rc;

	assay_scan_opts so;
	assay_scan_result res;
	assay_scan_opts_init(&so);
	so.analysis.freq = r.freq;
	so.fdr = r.fdr;
	so.jobs = r.jobs;
	so.as_of = r.as_of ? r.as_of_norm : NULL;
	rc = assay_scan(cli.db_path, names, n, &so, &res, &err);
	assay_strv_free(names, n);
	if (rc)
		return cli_report(&err);
	rc = write_report(&r, &res);
	if (!rc && !cli.quiet)
		fprintf(stderr, "assay: wrote %s/index.html and %s/report.md (%zu series, "
			"%zu notable)\n", r.dir, r.dir, res.n, res.notable);
	struct cli_freq_note fnote = { .asked = r.freq };
	for (size_t i = 0; i < res.n; i++)
		if (res.rows[i].freq)   /* the frequency it was judged at */
			cli_freq_note_add(&fnote, res.rows[i].name, res.rows[i].freq);
	if (!rc)
		cli_freq_note_print(&fnote, "report");
	assay_scan_result_release(&res);
	return rc;
}
