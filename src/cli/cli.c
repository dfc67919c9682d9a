/* Message helpers, exit statuses, the out-of-memory rule, stdout, signals
 * and the --freq rule of the assay command. */
/* fopencookie */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assay/import.h"
#include "cli.h"

/* One message line on stderr: prefix, then the text with control
 * characters and bytes that are not UTF-8 escaped (assay_shown).  Names
 * and periods in messages come from arguments and files: an escape
 * sequence in one must not reach the terminal, nor a line break split the
 * message in two. */
static void put_message(const char *prefix, const char *fmt, va_list ap)
{
	char small[1024], *text = small, *shown;
	va_list again;
	va_copy(again, ap);
	int len = vsnprintf(small, sizeof small, fmt, ap);
	if (len >= (int)sizeof small && (text = malloc((size_t)len + 1)))
		vsnprintf(text, (size_t)len + 1, fmt, again);
	va_end(again);
	if (len < 0 || !text) {
		fprintf(stderr, "%s%s\n", prefix, len < 0 ? "(unprintable message)" : small);
		return;
	}
	size_t room = 4 * (size_t)len + 8;      /* \x1b: four bytes for one */
	shown = malloc(room);
	fprintf(stderr, "%s%s\n", prefix, shown ? assay_shown(text, shown, room) : text);
	free(shown);
	if (text != small)
		free(text);
}

int cli_error(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put_message("assay: ", fmt, ap);
	va_end(ap);
	return status;
}

/* ---- out of memory: one message, exit status 4 ------------------------ */

int cli_oom(void)
{
	/* no stdio buffer to allocate for an unbuffered stderr */
	fputs("assay: out of memory\n", stderr);
	return ASSAY_EIO;
}

_Noreturn void cli_die_oom(void)
{
	exit(cli_oom());
}

void *cli_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		cli_die_oom();
	return p;
}

void *cli_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		cli_die_oom();
	return p;
}

void *cli_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		cli_die_oom();
	return q;
}

char *cli_xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		cli_die_oom();
	return p;
}

int cli_no_series(assay_store *st, const char *name, const char *db)
{
	char near[400];
	if (assay_store_suggest(st, name, near, sizeof near))
		return cli_error(ASSAY_EUSAGE, "no series '%s' in %s; did you mean "
				 "%s?", name, db, near);
	return cli_error(ASSAY_EUSAGE, "no series '%s' in %s", name, db);
}

void cli_message(const char *prefix, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put_message(prefix, fmt, ap);
	va_end(ap);
}

int cli_report(const assay_error *err)
{
	cli_message("assay: ", "%s", err->msg);
	return err->status ? err->status : ASSAY_EIO;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put_message("assay: warning: ", fmt, ap);
	va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char prefix[64];
	snprintf(prefix, sizeof prefix, "assay %s: ", cmd);
	va_start(ap, fmt);
	put_message(prefix, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'assay %s --help'.\n", cmd);
	return ASSAY_EUSAGE;
}

static assay_store *filter_store;       /* filter mode, until handed out */

int cli_open_store(assay_store **st, int mode)
{
	assay_error err;
	if (filter_store) {
		*st = filter_store;
		filter_store = NULL;
		return 0;
	}
	if (mode == CLI_STORE_EDIT
	    ? assay_store_open_existing(st, cli.db_path, &err)
	    : assay_store_open(st, cli.db_path, mode == CLI_STORE_READ, &err))
		return cli_report(&err);
	return 0;
}

/* ---- standard output that remembers its first write error ---------------
 *
 * stdio keeps only a flag when a write fails (glibc drops the unwritten
 * buffer, and a later fflush succeeds), so errno at exit is whatever the
 * last failing call left: SQLite's fcntl lock probe on a read-only store
 * fails with EBADF, and a full disk used to be reported as "Bad file
 * descriptor".  stdout is therefore a stream of our own over fd 1 (glibc's
 * fopencookie; glibc documents stdout as an assignable variable) whose
 * write function keeps the errno of the first failure. */

static int stdout_first_errno;  /* errno of the first failed write(1) */
static int stdout_reported;     /* cli_write_error() has printed it */

struct wstream {
	int fd;
	int *first_errno;
	int owned;              /* malloc'd (cli_fdopen_w), freed on close */
};

static ssize_t wstream_write(void *cookie, const char *buf, size_t n)
{
	struct wstream *w = cookie;
	size_t done = 0;
	while (done < n) {
		ssize_t k = write(w->fd, buf + done, n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (!*w->first_errno)
				*w->first_errno = k < 0 ? errno : EIO;
			break;  /* short count: stdio sets the stream's error flag */
		}
		done += (size_t)k;
	}
	return (ssize_t)done;
}

static int wstream_close(void *cookie)
{
	struct wstream *w = cookie;
	int rc = 0;
	/* close() is where NFS reports a failed write-back */
	if (close(w->fd) && errno != EINTR) {
		if (!*w->first_errno)
			*w->first_errno = errno;
		rc = -1;
	}
	if (w->owned)
		free(w);
	return rc;
}

FILE *cli_fdopen_w(int fd, int *first_errno)
{
	cookie_io_functions_t io = { .write = wstream_write, .close = wstream_close };
	struct wstream *w = malloc(sizeof *w);
	FILE *fp;
	if (!w)
		return NULL;
	*w = (struct wstream){ fd, first_errno, 1 };
	*first_errno = 0;
	if (!(fp = fopencookie(w, "w", io)))
		free(w);
	return fp;
}

/* A closed descriptor 0, 1 or 2 (`>&-`) would be taken by the next file
 * opened (the store, a chart, a pipe to gnuplot) and our output would go
 * there.  Fill it with /dev/null opened the other way round, so that a
 * write to a closed stdout still fails with EBADF, its real error. */
static void fill_closed_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		int nfd = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
		if (nfd >= 0 && nfd != fd) {
			dup2(nfd, fd);
			close(nfd);
		}
	}
}

void cli_stdout_init(void)
{
	static char buf[1 << 16];
	static struct wstream out = { STDOUT_FILENO, &stdout_first_errno, 0 };
	cookie_io_functions_t io = { .write = wstream_write, .close = wstream_close };
	fill_closed_std_fds();
	FILE *fp = fopencookie(&out, "w", io);
	if (!fp)
		return;         /* keep glibc's stdout: errors are still caught */
	setvbuf(fp, isatty(STDOUT_FILENO) ? NULL : buf,
		isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, sizeof buf);
	stdout = fp;
}

int cli_stdout_errno(void)
{
	if (stdout_first_errno)
		return stdout_first_errno;
	return ferror(stdout) ? EIO : 0;
}

void cli_stdout_clear_error(void)
{
	clearerr(stdout);
	stdout_first_errno = 0;
	stdout_reported = 0;
}

void cli_stdout_mark_reported(void)
{
	stdout_reported = 1;
}

int cli_write_error(void)
{
	if (!stdout_reported) {
		int e = cli_stdout_errno();
		cli_error(ASSAY_EIO, "write error on standard output: %s",
			  strerror(e ? e : EIO));
		stdout_reported = 1;
	}
	return ASSAY_EIO;
}

int cli_close_stdout(int status)
{
	/* git's run_builtin and coreutils' close_stdout: a write error that
	 * stdio buffered must not turn into a silent truncation, whatever the
	 * command returned (its own error was printed; this one was not). */
	int failed = fflush(stdout) != 0;
	failed |= ferror(stdout) != 0;
	failed |= fclose(stdout) != 0;
	if (failed || stdout_first_errno)
		return cli_write_error();
	return status;
}

/* ---- TERM, INT and HUP: stop, clean up, then die of the signal ---------- */

volatile sig_atomic_t cli_signal;

static void on_stop_signal(int sig)
{
	cli_signal = sig;
}

void cli_catch_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	/* SA_RESTART: stdio and SQLite never see EINTR; poll() is not
	 * restarted whatever the flag, and that is where plot waits. */
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction old;
		/* a signal ignored by whoever started us stays ignored
		 * (nohup, a shell's background job) */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

void cli_reraise_signal(void)
{
	int sig = cli_signal;
	sigset_t set;
	if (!sig)
		return;
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);       /* not reached */
}

int cli_stderr_is_tty(void)
{
	return isatty(STDERR_FILENO);
}

int cli_period_bound(const assay_series_info *info, const char *s,
		     assay_period *bound, const char *opt)
{
	assay_freq f;
	assay_period p;
	char why[128];
	if (!s)
		return 0;
	if (assay_period_parse(s, NULL, &f, &p, why, sizeof why))
		return cli_error(ASSAY_EUSAGE, "%s: cannot read period '%s': %s",
				 opt, s, why);
	*bound = assay_period_bound(f, p, info->freq, !strcmp(opt, "--to"));
	return 0;
}

int cli_check_range(const char *cmd, const char *from, const char *to)
{
	assay_freq f1, f2;
	assay_period p1, p2;
	if (!from || !to || assay_period_parse(from, NULL, &f1, &p1, NULL, 0) ||
	    assay_period_parse(to, NULL, &f2, &p2, NULL, 0))
		return 0;       /* a bad label is the command's to report */
	if (assay_period_bound(f1, p1, ASSAY_FREQ_D, 0) >
	    assay_period_bound(f2, p2, ASSAY_FREQ_D, 1))
		return cli_usage_error(cmd, "--from %s is after --to %s: no period "
				       "lies between them", from, to);
	return 0;
}

/* ---- --freq: one rule for every command ------------------------------- */

assay_freq cli_freq_effective(assay_freq asked, assay_freq native)
{
	if (asked == ASSAY_FREQ_NONE)
		return native;
	return assay_freq_rank(asked) < assay_freq_rank(native) ? native : asked;
}

void cli_freq_note_add(struct cli_freq_note *note, const char *series,
		       assay_freq native)
{
	if (note->asked == ASSAY_FREQ_NONE ||
	    cli_freq_effective(note->asked, native) == note->asked)
		return;
	if (note->n++ == 0) {
		snprintf(note->first, sizeof note->first, "%s", series);
		note->first_freq = native;
	}
}

void cli_freq_note_print(const struct cli_freq_note *note, const char *cmd)
{
	if (!note->n || cli.quiet)
		return;
	if (note->n == 1)
		fprintf(stderr, "assay %s: note: %s is %s, lower than --freq %c: "
			"kept at its own frequency\n", cmd, note->first,
			assay_freq_adjective(note->first_freq), (char)note->asked);
	else
		fprintf(stderr, "assay %s: note: %zu series are at a lower "
			"frequency than --freq %c and were kept at their own "
			"(the first: %s, %s)\n", cmd, note->n, (char)note->asked,
			note->first, assay_freq_adjective(note->first_freq));
}

int cli_parse_freq(const char *cmd, const char *s, assay_freq *out)
{
	assay_freq f = assay_freq_parse(s);
	if (f == ASSAY_FREQ_NONE || s[1])
		return cli_usage_error(cmd, "--freq takes D, W, M, Q or A, not '%s'", s);
	*out = f;
	return 0;
}

int cli_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* ---- filter mode: a CSV on standard input, a private store -------------- */

static void filter_notice(void *ctx, const char *msg)
{
	(void)ctx;
	cli_message("assay: ", "%s", msg);
}

int cli_filter_load(const char *cmd, const struct cli_filter *f,
		    const char **pattern)
{
	const char *kind = f->kind, *series = f->series;
	assay_import_opts o;
	assay_import_result res;
	assay_error err;
	assay_store *st;
	if (kind && assay_kind_parse(kind) == ASSAY_KIND_NONE)
		return cli_usage_error(cmd, "--kind takes flow, price or stock, not '%s'",
				       kind);
	if (f->decimal && strcmp(f->decimal, ".") && strcmp(f->decimal, ","))
		return cli_usage_error(cmd, "--decimal takes . or , not '%s'",
				       f->decimal);
	if (assay_store_open(&st, ":memory:", 0, &err))
		return cli_report(&err);
	memset(&o, 0, sizeof o);
	o.path = "-";
	o.series_name = series;
	o.meta[ASSAY_META_KIND] = kind;
	o.decimal = f->decimal ? f->decimal[0] : 0;
	o.notice = filter_notice;
	if (assay_import(st, &o, &res, &err)) {
		assay_store_close(st);
		return cli_report(&err);
	}
	filter_store = st;
	*pattern = series ? series : "*";
	return 0;
}

int cli_filter_args(const char *cmd, int *argc, char ***argv,
		    const struct cli_filter *f)
{
	int nargs = *argc - optind;
	int filter = nargs >= 1 && !strcmp((*argv)[optind], "-");
	const char *pattern;
	if (filter && nargs > 1)
		return cli_usage_error(cmd, "'-' (a CSV on standard input) is the "
				       "only SERIES when given");
	if (!filter) {
		if (f->kind || f->series || f->decimal)
			return cli_usage_error(cmd, "%s is for a CSV on standard input "
					       "(SERIES '-'); series in the store have "
					       "their own", f->kind ? "--kind" : f->series
					       ? "--series" : "--decimal");
		return 0;
	}
	int rc = cli_filter_load(cmd, f, &pattern);
	if (rc)
		return rc;
	/* the arguments are now the pattern only */
	(*argv)[optind] = (char *)pattern;
	*argc = optind + 1;
	return 0;
}
