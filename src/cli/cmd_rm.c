/* assay rm: remove series (names or glob patterns) with all their vintages. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "judge_common.h"

static const char usage[] =
	"Usage: assay rm SERIES... [--dry-run]\n"
	"\n"
	"Remove each SERIES with its observations and vintages.  SERIES are\n"
	"exact names or glob patterns ('old/*'; a name that exists is that\n"
	"series even when it holds glob characters).  The import records stay.\n"
	"All or nothing: an unknown name or a pattern that matches nothing\n"
	"removes none.  --dry-run prints the names that would go, one a line,\n"
	"and removes nothing.\n"
	"Exit status: 0 removed, 2 bad usage or unknown series, 4 database error.\n"
	"\n"
	"Examples:\n"
	"  assay rm example/drc-copper-exports\n"
	"  assay rm 'old/*' --dry-run\n";

static int have(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

/* The names to remove, each once, in argument order. */
static int resolve(assay_store *st, char **args, int nargs, char ***out,
		   size_t *nout)
{
	char **v = calloc((size_t)nargs + 1, sizeof *v);
	size_t n = 0, cap = (size_t)nargs + 1;
	assay_error err;
	int rc = 0;
	if (!v)
		return cli_error(ASSAY_EIO, "out of memory");
	for (int a = 0; a < nargs && !rc; a++) {
		assay_series_info info;
		int found = assay_store_series_get(st, args[a], &info, &err);
		char **m = NULL;
		size_t nm = 0;
		if (found < 0) {
			rc = cli_report(&err);
			break;
		}
		if (found) {
			assay_series_info_release(&info);
		} else if (!jc_is_glob(args[a])) {
			rc = cli_no_series(st, args[a], cli.db_path);
			break;
		}
		if (found) {
			m = malloc(sizeof *m);
			if (m && (m[0] = strdup(args[a])))
				nm = 1;
		} else if ((rc = jc_resolve(st, &args[a], 1, &m, &nm))) {
			break;
		}
		for (size_t i = 0; i < nm && !rc; i++) {
			if (have(v, n, m[i]))
				continue;
			if (n == cap) {
				char **nv = realloc(v, 2 * cap * sizeof *nv);
				if (!nv) {
					rc = cli_error(ASSAY_EIO, "out of memory");
					break;
				}
				v = nv;
				cap *= 2;
			}
			if (!(v[n] = strdup(m[i])))
				rc = cli_error(ASSAY_EIO, "out of memory");
			else
				n++;
		}
		assay_strv_free(m, nm);
	}
	if (rc) {
		assay_strv_free(v, n);
		return rc;
	}
	*out = v;
	*nout = n;
	return 0;
}

int cmd_rm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, status, dry_run = 0;
	assay_error err;
	assay_store *st;
	char **names = NULL;
	size_t n = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage, stdout); return 0;
		case 'n': dry_run = 1; break;
		default:
			fputs("Try 'assay rm --help'.\n", stderr);
			return ASSAY_EUSAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("rm", "no SERIES given");
	if ((status = cli_open_store(&st, dry_run)))
		return status;
	if (!dry_run && assay_store_begin(st, &err)) {
		assay_store_close(st);
		return cli_report(&err);
	}
	status = resolve(st, argv + optind, argc - optind, &names, &n);
	for (size_t i = 0; i < n && !status; i++) {
		if (dry_run) {
			printf("%s\n", names[i]);
			continue;
		}
		int rc = assay_store_series_remove(st, names[i], &err);
		if (rc < 0)
			status = cli_report(&err);
		else if (rc == 0)
			status = cli_no_series(st, names[i], cli.db_path);
	}
	if (!dry_run && assay_store_end(st, status == 0, &err) && !status)
		status = cli_report(&err);
	if (!status && dry_run && (fflush(stdout) || ferror(stdout)))
		status = cli_write_error();
	if (!status && !cli.quiet)
		fprintf(stderr, "assay: %s %zu series\n", dry_run ? "would remove" : "removed", n);
	assay_strv_free(names, n);
	assay_store_close(st);
	return status;
}
