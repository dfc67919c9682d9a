/* Message helpers and shared option parsing of the assay command. */
/* fopencookie */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_error(int status, const char *fmt, ...)
{
	va_list ap;
	fputs("assay: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

int cli_report(const assay_error *err)
{
	fprintf(stderr, "assay: %s\n", err->msg);
	return err->status ? err->status : ASSAY_EIO;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	fputs("assay: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "assay %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'assay %s --help'.\n", cmd);
	return ASSAY_EUSAGE;
}

int cli_open_store(assay_store **st, int readonly)
{
	assay_error err;
	if (assay_store_open(st, cli.db_path, readonly, &err))
		return cli_report(&err);
	return 0;
}

int cli_parse_double(const char *cmd, const char *opt, const char *s,
		     double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v))
		return cli_usage_error(cmd, "%s: '%s' is not a number", opt, s);
	*out = v;
	return 0;
}

int cli_parse_int(const char *cmd, const char *opt, const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno)
		return cli_usage_error(cmd, "%s: '%s' is not a whole number",
				       opt, s);
	*out = v;
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

static ssize_t stdout_write(void *cookie, const char *buf, size_t n)
{
	size_t done = 0;
	(void)cookie;
	while (done < n) {
		ssize_t w = write(STDOUT_FILENO, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!stdout_first_errno)
				stdout_first_errno = w < 0 ? errno : EIO;
			break;  /* short count: stdio sets the stream's error flag */
		}
		done += (size_t)w;
	}
	return (ssize_t)done;
}

static int stdout_close(void *cookie)
{
	(void)cookie;
	/* close(1) is where NFS reports a failed write-back */
	if (close(STDOUT_FILENO) && errno != EINTR) {
		if (!stdout_first_errno)
			stdout_first_errno = errno;
		return -1;
	}
	return 0;
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
	cookie_io_functions_t io = { .write = stdout_write, .close = stdout_close };
	fill_closed_std_fds();
	FILE *fp = fopencookie(NULL, "w", io);
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

int cli_stderr_is_tty(void)
{
	return isatty(STDERR_FILENO);
}

int cli_period_bound(const assay_series_info *info, const char *s,
		     assay_period *bound, const char *opt)
{
	assay_freq f;
	assay_period p;
	int64_t first, last;
	char why[128];
	if (!s)
		return 0;
	if (assay_period_parse(s, NULL, &f, &p, why, sizeof why))
		return cli_error(ASSAY_EUSAGE, "%s: cannot read period '%s': %s",
				 opt, s, why);
	assay_period_span_days(f, p, &first, &last);
	*bound = assay_period_convert(ASSAY_FREQ_D,
				      strcmp(opt, "--to") ? first : last,
				      info->freq);
	return 0;
}
