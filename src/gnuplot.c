/*
 * Finding gnuplot, the batch object, and the temporary files a killed
 * run leaves behind.
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

/* ------------------------------------------------------------------ */
/* Finding and running gnuplot                                          */

static int executable(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, X_OK) == 0;
}

int assay_plot_find_gnuplot(char *buf, size_t n, assay_error *err)
{
	const char *env = getenv("ASSAY_GNUPLOT");
	const char *prog = env && *env ? env : "gnuplot";
	if (strchr(prog, '/')) {
		if (executable(prog) && strlen(prog) < n) {
			snprintf(buf, n, "%s", prog);
			return 0;
		}
	} else {
		const char *path = getenv("PATH");
		if (!path)
			path = "/usr/local/bin:/usr/bin:/bin";
		while (*path) {
			const char *colon = strchr(path, ':');
			size_t dl = colon ? (size_t)(colon - path) : strlen(path);
			/* An empty PATH element is the current directory; never
			 * run a gnuplot that happens to lie there. */
			if (dl > 0 && dl + 1 + strlen(prog) < n) {
				snprintf(buf, n, "%.*s/%s", (int)dl, path, prog);
				if (executable(buf))
					return 0;
			}
			path += dl + (colon != NULL);
		}
	}
	if (env && *env)
		return assay_fail(err, ASSAY_EIO, "gnuplot not found: install the "
				  "gnuplot-nox package (ASSAY_GNUPLOT is '%s')", env);
	return assay_fail(err, ASSAY_EIO,
			  "gnuplot not found: install the gnuplot-nox package");
}

int assay_plot_batch_new(assay_plot_batch **out, assay_error *err)
{
	assay_plot_batch *b = calloc(1, sizeof *b);
	struct timespec ts;
	*out = NULL;
	if (!b)
		return assay_fail(err, ASSAY_EIO, "out of memory");
	if (assay_plot_find_gnuplot(b->gnuplot, sizeof b->gnuplot, err)) {
		free(b);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(b->marker, sizeof b->marker, "@@assay-%lx%lx%lx ",
		 (unsigned long)getpid(), (unsigned long)ts.tv_sec,
		 (unsigned long)ts.tv_nsec);
	*out = b;
	return 0;
}

size_t assay_plot_batch_size(const assay_plot_batch *b)
{
	return b ? b->n : 0;
}

/* ---- temporary files that a killed run leaves behind ----------------------
 *
 * Every temporary file assay makes beside an output is named
 * ".NAME.assay-PID-N.tmp" and every script directory "assay-gp-PID-XXXXXX"
 * in $TMPDIR, so that a later run can tell which ones belong to a process
 * that is gone (killed with KILL, or a machine that went down) and remove
 * them, and leave everything else alone. */

/* The pid in a name "PREFIX<digits>SEP...", or 0. */
static long name_pid(const char *s, const char *prefix, char sep)
{
	size_t pl = strlen(prefix);
	long pid = 0;
	if (strncmp(s, prefix, pl))
		return 0;
	s += pl;
	if (*s < '1' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		pid = pid * 10 + (*s - '0');
		if (pid > 1L << 30)
			return 0;
	}
	return *s == sep ? pid : 0;
}

/* Is process `pid` gone?  (EPERM: it exists, under another user.) */
static int pid_gone(long pid)
{
	return pid != (long)getpid() && kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

/* ".NAME.assay-PID-HEX.tmp" of a dead process: its pid, else 0. */
static long stale_tmp_pid(const char *name)
{
	size_t len = strlen(name);
	const char *tag;
	if (name[0] != '.' || len < 16 || strcmp(name + len - 4, ".tmp"))
		return 0;
	/* the last ".assay-": NAME itself may contain one */
	for (tag = name + len - 4; tag > name && strncmp(tag, ".assay-", 7); tag--)
		;
	if (tag == name)
		return 0;
	long pid = name_pid(tag, ".assay-", '-');
	const char *h = strchr(tag + 7, '-') + 1;       /* name_pid saw the '-' */
	if (!pid || h == name + len - 4)
		return 0;
	for (; h < name + len - 4; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return 0;
	return pid_gone(pid) ? pid : 0;
}

size_t assay_plot_remove_stale(const char *dir)
{
	DIR *d = opendir(dir && *dir ? dir : ".");
	struct dirent *e;
	size_t removed = 0;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct stat st;
		if (!stale_tmp_pid(e->d_name) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    st.st_uid != geteuid() || S_ISDIR(st.st_mode))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

/* Script directories "assay-gp-PID-XXXXXX" in tmpdir of dead processes:
 * their "chart-N.gp" files, then the directory (kept if anything else is
 * in it). */
void assay_plot_remove_stale_scripts(const char *tmpdir)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;
		long pid = name_pid(e->d_name, "assay-gp-", '-');
		if (!pid || strlen(strchr(e->d_name + 9, '-')) != 7 || !pid_gone(pid) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		int sfd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				 O_CLOEXEC);
		DIR *sd = sfd >= 0 ? fdopendir(sfd) : NULL;
		if (!sd) {
			if (sfd >= 0)
				close(sfd);
			continue;
		}
		struct dirent *f;
		while ((f = readdir(sd))) {
			const char *n = f->d_name;
			size_t l = strlen(n);
			if (!strncmp(n, "chart-", 6) && l > 9 && !strcmp(n + l - 3, ".gp") &&
			    strspn(n + 6, "0123456789") == l - 9)
				unlinkat(dirfd(sd), n, 0);
		}
		closedir(sd);
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* Sweep the directory of `path` once per batch. */
void assay_plot_sweep_dir_of(assay_plot_batch *b, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) :
		strdup(".");
	if (!dir)
		return;
	for (size_t i = 0; i < b->nswept; i++)
		if (!strcmp(b->swept[i], dir)) {
			free(dir);
			return;
		}
	char **g = realloc(b->swept, (b->nswept + 1) * sizeof *g);
	if (!g) {
		free(dir);
		return;
	}
	b->swept = g;
	b->swept[b->nswept++] = dir;
	assay_plot_remove_stale(dir);
}

void assay_plot_batch_set_cancel(assay_plot_batch *b,
				 const volatile sig_atomic_t *flag)
{
	b->cancel = flag;
}

void assay_plot_batch_set_deferred(assay_plot_batch *b, int on)
{
	b->deferred = on;
}

void assay_plot_batch_set_all_or_nothing(assay_plot_batch *b, int on)
{
	b->all_or_nothing = on;
}

int assay_plot_cancelled(const assay_plot_batch *b)
{
	return b->cancel && *b->cancel;
}

/* Create an empty file beside `path` that nobody else can have made
 * (O_EXCL: a planted link is never followed), for gnuplot to write:
 * ".NAME.assay-PID-N.tmp". */
