/*
 * Running a batch: the chart scripts written to a private directory, one
 * gnuplot process fed `load` commands, its messages attributed to charts.
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

static char *make_tmp(assay_plot_batch *b, const char *path, assay_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = slash ? slash + 1 : path;
	size_t sz = strlen(path) + 64;
	char *tmp = malloc(sz);
	if (!tmp) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		return NULL;
	}
	for (int tries = 0; tries < 100; tries++) {
		snprintf(tmp, sz, "%.*s.%.40s.assay-%ld-%x.tmp", (int)dl, path, base,
			 (long)getpid(), b->seq++);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0) {
			close(fd);
			return tmp;
		}
		if (errno != EEXIST)
			break;
	}
	assay_fail(err, ASSAY_EIO, "cannot write '%s': %s", path, strerror(errno));
	free(tmp);
	return NULL;
}

int assay_plot_batch_add(assay_plot_batch *b, const char *path,
			 const char *label, const assay_plot_input *in,
			 size_t nin, const assay_plot_opts *o,
			 assay_error *err)
{
	struct chart ch = { 0 };
	FILE *fp = NULL;
	int rc = -1;

	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		struct chart *grown = realloc(b->c, cap * sizeof *grown);
		if (!grown)
			return assay_fail(err, ASSAY_EIO, "out of memory");
		b->c = grown;
		b->cap = cap;
	}
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			return assay_fail(err, ASSAY_EUSAGE,
					  "output path has a control character");
	ch.label = strdup(label ? label : nin ? in[0].info->name : "chart");
	ch.path = strdup(path);
	if (!ch.label || !ch.path) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	/* The temporary file first (the script names it); a chart that
	 * cannot be drawn removes it again below. */
	assay_plot_sweep_dir_of(b, path);
	ch.format = o->format;
	if (!(ch.tmp = make_tmp(b, path, err)))
		goto out;
	if (!(fp = open_memstream(&ch.script, &ch.len))) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	if (assay_plot_script(fp, ch.tmp, in, nin, o, err))
		goto out;
	if (fclose(fp)) {
		fp = NULL;
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	fp = NULL;
	b->c[b->n++] = ch;
	return 0;
out:
	if (fp)
		fclose(fp);
	if (ch.tmp)
		unlink(ch.tmp);
	free(ch.tmp);
	free(ch.script);
	free(ch.label);
	free(ch.path);
	return rc;
}

/* Append s[0..n) to the growable string *dst (of length *len). */
static void str_add(char **dst, size_t *len, const char *s, size_t n)
{
	char *g = realloc(*dst, *len + n + 1);
	if (!g)
		return;
	memcpy(g + *len, s, n);
	*len += n;
	g[*len] = 0;
	*dst = g;
}

/* gnuplot's messages about one chart, made into one line: the echo of the
 * command and the caret line dropped, the rest joined with "; ". */
static char *tidy_messages(const char *text)
{
	char *out = NULL;
	size_t len = 0;
	const char *p = text;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *a = p, *e = p + n;
		while (a < e && (*a == ' ' || *a == '\t' || *a == '\r'))
			a++;
		while (e > a && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		int caret = a < e && strspn(a, "^ ") >= (size_t)(e - a);
		/* "/tmp/.../chart-3.gp" line 14: the script the user never
		 * sees */
		if (*a == '"') {
			const char *q = memchr(a + 1, '"', (size_t)(e - a - 1));
			if (q && e - q > 7 && !strncmp(q, "\" line ", 7))
				a = q + 2;
		}
		if (e - a > 5 && !strncmp(a, "line ", 5)) {
			const char *d = a + 5;
			while (d < e && *d >= '0' && *d <= '9')
				d++;
			if (d + 1 < e && d[0] == ':' && d[1] == ' ')
				a = d + 2;
		}
		if (a < e && !caret && strncmp(a, "gnuplot>", 8)) {
			if (len)
				str_add(&out, &len, "; ", 2);
			str_add(&out, &len, a, (size_t)(e - a));
		}
		p = nl ? nl + 1 : NULL;
	}
	return out;
}

static void chart_fail(struct chart *ch, const char *fmt, const char *detail)
{
	size_t n = strlen(ch->label) + strlen(fmt) + (detail ? strlen(detail) : 0) + 64;
	free(ch->msg);
	ch->msg = malloc(n);
	if (ch->msg) {
		int k = snprintf(ch->msg, n, "chart '%s': ", ch->label);
		snprintf(ch->msg + k, n - (size_t)k, fmt, detail ? detail : "");
	}
	ch->status = ASSAY_EIO;
}

/* Does the tail of a chart file end it as its format must?  A PNG ends
 * with the IEND chunk, an SVG with </svg> (and whitespace), a PDF has
 * %%EOF within its last 1024 bytes (ISO 32000-1, 7.5.5); the head has the
 * format's signature.  A full disk makes cairo stop mid-file without an
 * error gnuplot would report, so this is what tells a chart from a torn
 * one. */
static const char *incomplete_why(assay_plot_format f, const char *head,
				  size_t hn, const char *tail, size_t tn)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
	static const unsigned char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D',
						0xAE, 0x42, 0x60, 0x82 };
	switch (f) {
	case ASSAY_PLOT_PNG:
		if (hn < 8 || memcmp(head, png_sig, 8))
			return "not a PNG file";
		if (tn < 12 || memcmp(tail + tn - 12, iend, 12))
			return "the PNG has no IEND chunk at its end";
		return NULL;
	case ASSAY_PLOT_SVG:
		while (tn && strchr(" \t\r\n", tail[tn - 1]))
			tn--;
		if (hn < 5 || !memchr(head, '<', hn))
			return "not an SVG file";
		if (tn < 6 || memcmp(tail + tn - 6, "</svg>", 6))
			return "the SVG does not end with </svg>";
		return NULL;
	case ASSAY_PLOT_PDF:
		if (hn < 5 || memcmp(head, "%PDF-", 5))
			return "not a PDF file";
		for (size_t i = 0; i + 5 <= tn; i++)
			if (!memcmp(tail + i, "%%EOF", 5))
				return NULL;
		return "the PDF has no %%EOF at its end";
	}
	return "unknown format";
}

/* Check what gnuplot wrote to ch->tmp before it may replace ch->path:
 * not empty, complete (incomplete_why; only the first and last 1 KiB are
 * read), and on disk (fsync: a write-back error shows here, not later).
 * Fails the chart with the reason; "No space left on device" when its
 * file system is full, which is what an incomplete file there means. */
static void check_written(struct chart *ch)
{
	char head[16], tail[1024], detail[1400];
	const char *why = NULL;
	int err = 0;
	struct stat st;
	ssize_t hn = 0, tn = 0;
	int fd = open(ch->tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st)) {
		err = errno;
	} else if (st.st_size == 0) {
		why = "gnuplot wrote an empty file";
	} else {
		off_t at = st.st_size > (off_t)sizeof tail ? st.st_size - (off_t)sizeof tail : 0;
		hn = pread(fd, head, sizeof head, 0);
		tn = pread(fd, tail, sizeof tail, at);
		if (hn < 0 || tn < 0)
			err = errno;
		else
			why = incomplete_why(ch->format, head, (size_t)hn, tail, (size_t)tn);
		if (!err && !why && fsync(fd) && errno != EINVAL)
			err = errno;
	}
	if (fd >= 0 && close(fd) && !err && !why)
		err = errno;
	if (!err && !why)
		return;
	if (why) {
		/* Cut short with (next to) no room left: the disk was full.
		 * (64 KiB: a file system keeps some blocks back for itself.) */
		struct statvfs vfs;
		if (statvfs(ch->tmp, &vfs) == 0 &&
		    ((double)vfs.f_bavail * (double)vfs.f_frsize < 65536.0 ||
		     vfs.f_favail == 0))
			err = ENOSPC;
	}
	if (err && why)
		snprintf(detail, sizeof detail, "cannot write '%s': %s (%s)", ch->path,
			 strerror(err), why);
	else if (err)
		snprintf(detail, sizeof detail, "cannot write '%s': %s", ch->path,
			 strerror(err));
	else
		snprintf(detail, sizeof detail, "cannot write '%s': %s", ch->path, why);
	if (ch->warn) {
		size_t k = strlen(detail);
		snprintf(detail + k, sizeof detail - k, "; gnuplot: %s", ch->warn);
	}
	chart_fail(ch, "%s", detail);
}

/* One line of gnuplot's stderr: a marker closes the current chart with
 * what was collected for it; anything else is collected. */
static void take_line(assay_plot_batch *b, const char *line, char **acc,
		      size_t *acclen)
{
	size_t ml = strlen(b->marker);
	unsigned long idx;
	int gperr;
	if (!strncmp(line, b->marker, ml) &&
	    sscanf(line + ml, "%lu %d", &idx, &gperr) == 2 && idx < b->n) {
		struct chart *ch = &b->c[idx];
		char *tidy = *acc ? tidy_messages(*acc) : NULL;
		ch->finished = 1;
		if (gperr) {
			chart_fail(ch, "gnuplot: %s", tidy ? tidy : "error");
			free(tidy);
		} else {
			ch->warn = tidy;
		}
		free(*acc);
		*acc = NULL;
		*acclen = 0;
		return;
	}
	str_add(acc, acclen, line, strlen(line));
	str_add(acc, acclen, "\n", 1);
}

/* Remove the scripts' files and their directory. */
static void remove_scripts(assay_plot_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		if (b->c[i].gp) {
			unlink(b->c[i].gp);
			free(b->c[i].gp);
			b->c[i].gp = NULL;
		}
	}
	if (b->dir[0]) {
		rmdir(b->dir);
		b->dir[0] = 0;
	}
}

/* Write each chart's commands to a file in a private directory (mkdtemp:
 * mode 0700, a name nobody can predict; each file O_EXCL, 0600) and make
 * the commands gnuplot reads from its stdin: per chart, `load` the file,
 * close the output, and print the marker with GPVAL_ERRNO.  gnuplot reads
 * a pipe one byte per read(2) but a loaded file through stdio: this halves
 * its time on a batch.  An error inside a loaded file ends that file only,
 * so the marker still comes.  Returns the stream (malloc'd) or NULL. */
static char *write_scripts(assay_plot_batch *b, size_t *len, assay_error *err)
{
	const char *tmpdir = getenv("TMPDIR");
	char *cmds = NULL;
	FILE *fp;
	if (!tmpdir || tmpdir[0] != '/' || strlen(tmpdir) > 1024)
		tmpdir = "/tmp";
	for (const char *p = tmpdir; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			tmpdir = "/tmp";
	assay_plot_remove_stale_scripts(tmpdir);
	snprintf(b->dir, sizeof b->dir, "%s/assay-gp-%ld-XXXXXX", tmpdir,
		 (long)getpid());
	if (!mkdtemp(b->dir)) {
		assay_fail(err, ASSAY_EIO, "cannot create a temporary directory in %s: %s",
			   tmpdir, strerror(errno));
		b->dir[0] = 0;
		return NULL;
	}
	if (!(fp = open_memstream(&cmds, len))) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct chart *ch = &b->c[i];
		size_t sz = strlen(b->dir) + 32;
		int fd;
		if (!(ch->gp = malloc(sz)))
			goto nomem;
		snprintf(ch->gp, sz, "%s/chart-%zu.gp", b->dir, i);
		fd = open(ch->gp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, ch->script, ch->len) != (ssize_t)ch->len ||
		    close(fd)) {
			assay_fail(err, ASSAY_EIO, "cannot write '%s': %s", ch->gp,
				   strerror(errno));
			if (fd >= 0)
				close(fd);
			fclose(fp);
			free(cmds);
			return NULL;
		}
		fputs("load ", fp);
		assay_plot_put_q(fp, ch->gp, 0);
		fprintf(fp, "\nunset output\nprint sprintf('%s%zu %%d', GPVAL_ERRNO)\n",
			b->marker, i);
	}
	if (fclose(fp) == 0)
		return cmds;
	fp = NULL;
nomem:
	if (fp)
		fclose(fp);
	free(cmds);
	assay_fail(err, ASSAY_EIO, "out of memory");
	return NULL;
}

/* One gnuplot process of a batch run: its pipes, the commands still to
 * write to it, and what it says on stderr. */
struct gp {
	int in[2], er[2];       /* its stdin, its stderr; -1 when closed */
	pid_t pid;              /* -1: not running (or reaped) */
	char *cmds;             /* the commands (write_scripts) */
	size_t cmdlen, off;     /* off: how much of them is written */
	char *acc, *line;       /* stderr: messages so far, the line being read */
	size_t acclen, linelen;
	int got_epipe;          /* a write raised SIGPIPE (blocked) */
};

/* Start gnuplot on g's pipes: stdin from in[0], stdout to /dev/null,
 * stderr to er[1]; gnuplot gets the default signal handling and mask
 * back (`block` is the set this thread blocks). */
static int spawn_gnuplot(assay_plot_batch *b, struct gp *g,
			 const sigset_t *block, assay_error *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t empty;
	int devnull = -1, fa_ok = 0, attr_ok = 0, rc = -1;

	if (pipe(g->in) || pipe(g->er))
		return assay_fail(err, ASSAY_EIO, "cannot start gnuplot: %s",
				  strerror(errno));
	for (int i = 0; i < 2; i++) {
		fcntl(g->in[i], F_SETFD, FD_CLOEXEC);
		fcntl(g->er[i], F_SETFD, FD_CLOEXEC);
	}
	fcntl(g->in[1], F_SETFL, fcntl(g->in[1], F_GETFL) | O_NONBLOCK);
	fcntl(g->er[0], F_SETFL, fcntl(g->er[0], F_GETFL) | O_NONBLOCK);
	if ((devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		return assay_fail(err, ASSAY_EIO, "cannot open /dev/null: %s",
				  strerror(errno));
	if (posix_spawn_file_actions_init(&fa) == 0)
		fa_ok = 1;
	if (posix_spawnattr_init(&attr) == 0)
		attr_ok = 1;
	if (!fa_ok || !attr_ok ||
	    posix_spawn_file_actions_adddup2(&fa, g->in[0], 0) ||
	    posix_spawn_file_actions_adddup2(&fa, devnull, 1) ||
	    posix_spawn_file_actions_adddup2(&fa, g->er[1], 2)) {
		assay_fail(err, ASSAY_EIO, "cannot start gnuplot: out of memory");
		goto out;
	}
	sigemptyset(&empty);
	posix_spawnattr_setsigmask(&attr, &empty);
	posix_spawnattr_setsigdefault(&attr, block);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	/* --default-settings: no ~/.gnuplot or system gnuplotrc, so every
	 * chart looks the same wherever it is drawn. */
	char *argv[] = { "gnuplot", "--default-settings", NULL };
	int se = posix_spawn(&g->pid, b->gnuplot, &fa, &attr, argv, environ);
	if (se) {
		g->pid = -1;
		assay_fail(err, ASSAY_EIO, "cannot start gnuplot (%s): %s", b->gnuplot,
			   strerror(se));
		goto out;
	}
	close(g->in[0]);
	close(g->er[1]);
	g->in[0] = g->er[1] = -1;
	rc = 0;
out:
	close(devnull);
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (attr_ok)
		posix_spawnattr_destroy(&attr);
	return rc;
}

/* Write what is left of the commands without blocking; close gnuplot's
 * stdin after the last byte (EOF: gnuplot exits when done). */
static void feed(struct gp *g)
{
	while (g->off < g->cmdlen) {
		ssize_t w = write(g->in[1], g->cmds + g->off, g->cmdlen - g->off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				g->got_epipe = 1;
			if (errno != EAGAIN)
				g->off = g->cmdlen;     /* gnuplot is gone */
			break;
		}
		g->off += (size_t)w;
	}
	if (g->off == g->cmdlen) {
		close(g->in[1]);
		g->in[1] = -1;
	}
}

/* Read what gnuplot wrote on stderr, line by line into take_line. */
static void drain(assay_plot_batch *b, struct gp *g)
{
	char buf[8192];
	ssize_t r = read(g->er[0], buf, sizeof buf);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		close(g->er[0]);
		g->er[0] = -1;
		return;
	}
	for (ssize_t i = 0; i < r; i++) {
		if (buf[i] != '\n') {
			char cbuf = buf[i];
			str_add(&g->line, &g->linelen, &cbuf, 1);
			continue;
		}
		take_line(b, g->line ? g->line : "", &g->acc, &g->acclen);
		free(g->line);
		g->line = NULL;
		g->linelen = 0;
	}
}

/* Feed gnuplot its commands and read its stderr until both pipes are
 * closed; -1 when cancelled. */
static int exchange(assay_plot_batch *b, struct gp *g, assay_error *err)
{
	while (g->in[1] >= 0 || g->er[0] >= 0) {
		struct pollfd pf[2];
		int np = 0, wi = -1, ri = -1;
		if (g->in[1] >= 0) {
			pf[np].fd = g->in[1];
			pf[np].events = POLLOUT;
			wi = np++;
		}
		if (g->er[0] >= 0) {
			pf[np].fd = g->er[0];
			pf[np].events = POLLIN;
			ri = np++;
		}
		/* A cancel flag is set by a signal handler: poll returns EINTR
		 * when the signal comes to this thread, and the timeout covers
		 * one that came just before poll or to another thread. */
		int pr = poll(pf, (nfds_t)np, b->cancel ? 100 : -1);
		if (assay_plot_cancelled(b))
			return assay_fail(err, ASSAY_EIO, "interrupted");
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (wi >= 0 && pf[wi].revents)
			feed(g);
		if (ri >= 0 && pf[ri].revents)
			drain(b, g);
	}
	if (g->line) {
		take_line(b, g->line, &g->acc, &g->acclen);
		free(g->line);
		g->line = NULL;
	}
	return 0;
}

/* After gnuplot exited (wait status ws, its messages acc): a chart it
 * did not finish fails with the messages; every file is checked, and
 * then (all or nothing) the good ones are renamed into place. */
static void finish_charts(assay_plot_batch *b, int ws, const char *acc)
{
	char why[64];
	if (WIFSIGNALED(ws))
		snprintf(why, sizeof why, "killed by signal %d", WTERMSIG(ws));
	else
		snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(ws));
	char *tidy = acc ? tidy_messages(acc) : NULL;
	for (size_t i = 0; i < b->n; i++) {
		struct chart *ch = &b->c[i];
		if (!ch->finished) {
			char detail[1024];
			snprintf(detail, sizeof detail, "gnuplot stopped before drawing it "
				 "(%s)%s%s", why, tidy ? ": " : "", tidy ? tidy : "");
			chart_fail(ch, "%s", detail);
			free(tidy);
			tidy = NULL;    /* the messages belong to the first one */
		}
	}
	/* Every file checked before any failed one is removed: on a full
	 * disk, removing one frees the room whose lack tells the next why. */
	size_t nbad = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->c[i].status == 0)
			check_written(&b->c[i]);
		nbad += b->c[i].status != 0;
	}
	for (size_t i = 0; i < b->n && nbad && b->all_or_nothing; i++)
		if (b->c[i].status == 0) {
			chart_fail(&b->c[i], "%s", "not written: other charts of the set failed");
			b->c[i].held_back = 1;
		}
	/* A drawn chart replaces its file now, or (deferred) at
	 * assay_plot_batch_commit; a failed one's temporary file goes. */
	for (size_t i = 0; i < b->n; i++) {
		struct chart *ch = &b->c[i];
		if (ch->status == 0 && b->deferred)
			continue;
		if (ch->status == 0 && rename(ch->tmp, ch->path)) {
			char detail[600];
			snprintf(detail, sizeof detail, "cannot write '%s': %s", ch->path,
				 strerror(errno));
			chart_fail(ch, "%s", detail);
		}
		if (ch->status)
			unlink(ch->tmp);
		free(ch->tmp);
		ch->tmp = NULL;
	}
	free(tidy);
}

const char *assay_plot_batch_drawn_file(const assay_plot_batch *b, size_t i)
{
	return b->c[i].tmp ? b->c[i].tmp : b->c[i].path;
}

int assay_plot_batch_commit(assay_plot_batch *b, assay_error *err)
{
	for (size_t i = 0; b && i < b->n; i++) {
		struct chart *ch = &b->c[i];
		if (!ch->tmp)
			continue;
		if (rename(ch->tmp, ch->path))
			return assay_fail(err, ASSAY_EIO, "cannot write '%s': %s",
					  ch->path, strerror(errno));
		free(ch->tmp);
		ch->tmp = NULL;
	}
	return 0;
}

int assay_plot_batch_run(assay_plot_batch *b, assay_error *err)
{
	struct gp g = { .in = { -1, -1 }, .er = { -1, -1 }, .pid = -1 };
	sigset_t block, oldmask, pending;
	int had_pipe_pending, rc = -1;

	if (!b || b->n == 0)
		return 0;
	if (!(g.cmds = write_scripts(b, &g.cmdlen, err))) {
		remove_scripts(b);
		return -1;
	}
	/* A gnuplot that dies early must give EPIPE, not kill us: block
	 * SIGPIPE in this thread and consume the one our writes raise. */
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &oldmask);
	sigpending(&pending);
	had_pipe_pending = sigismember(&pending, SIGPIPE);

	if (spawn_gnuplot(b, &g, &block, err) || exchange(b, &g, err))
		goto out;
	int ws = 0;
	while (waitpid(g.pid, &ws, 0) < 0 && errno == EINTR)
		;
	g.pid = -1;
	finish_charts(b, ws, g.acc);
	rc = 0;
out:
	if (g.pid > 0) {
		/* A set-up failure after the spawn, or cancelled: nothing
		 * gnuplot writes from here on is wanted. */
		kill(g.pid, SIGKILL);
		while (waitpid(g.pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (rc) {
		for (size_t i = 0; i < b->n; i++) {
			struct chart *ch = &b->c[i];
			if (ch->tmp) {
				unlink(ch->tmp);
				free(ch->tmp);
				ch->tmp = NULL;
			}
			if (!ch->status)
				chart_fail(ch, "%s", err->msg);
		}
	}
	for (int i = 0; i < 2; i++) {
		if (g.in[i] >= 0)
			close(g.in[i]);
		if (g.er[i] >= 0)
			close(g.er[i]);
	}
	free(g.acc);
	free(g.line);
	free(g.cmds);
	remove_scripts(b);
	if (g.got_epipe && !had_pipe_pending) {
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&block, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	return rc;
}

int assay_plot_batch_result(const assay_plot_batch *b, size_t i,
			    const char **path, const char **msg,
			    const char **warnings)
{
	const struct chart *ch = &b->c[i];
	if (path)
		*path = ch->path;
	if (msg)
		*msg = ch->status ? (ch->msg ? ch->msg : "chart failed") : NULL;
	if (warnings)
		*warnings = ch->warn;
	return ch->status;
}

int assay_plot_batch_held_back(const assay_plot_batch *b, size_t i)
{
	return b->c[i].held_back;
}

void assay_plot_batch_free(assay_plot_batch *b)
{
	if (!b)
		return;
	remove_scripts(b);
	for (size_t i = 0; i < b->n; i++) {
		struct chart *ch = &b->c[i];
		if (ch->tmp) {
			unlink(ch->tmp);
			free(ch->tmp);
		}
		free(ch->label);
		free(ch->path);
		free(ch->script);
		free(ch->msg);
		free(ch->warn);
	}
	for (size_t i = 0; i < b->nswept; i++)
		free(b->swept[i]);
	free(b->swept);
	free(b->c);
	free(b);
}
