/* Message helpers and shared option parsing of the assay command. */
#include <errno.h>
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

int cli_close_stdout(int status)
{
	/* git's run_builtin and datamash's close_stdout: a write error that
	 * stdio buffered must not turn into a silent truncation. */
	int bad = ferror(stdout);
	if (fflush(stdout) || bad) {
		if (status == 0 || status == ASSAY_NOTABLE || status == ASSAY_ECANNOT)
			cli_error(ASSAY_EIO, "write error on standard output: %s",
				  strerror(errno ? errno : EIO));
		return ASSAY_EIO;
	}
	if (fclose(stdout) && status == 0)
		return cli_error(ASSAY_EIO, "write error on standard output: %s",
				 strerror(errno));
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
