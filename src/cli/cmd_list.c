/* assay list: the series in the store, one row each. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "assay/derive.h"
#include "cli.h"
#include "commands.h"
#include "optable.h"
#include "output.h"

static const char usage[] =
	"Usage: assay list [PATTERN...] [--format table|csv|tsv|json|ndjson]\n"
	"\n"
	"List the series in the store (those matching the glob PATTERNs, e.g.\n"
	"'wb/*'), with columns name, kind, freq, first, last, count, unit, source.\n"
	"A derived series (assay derive) has the source 'derived'; one that\n"
	"cannot be read (an input removed or renamed) is listed with count,\n"
	"first and last NA, its error on stderr, and the exit status is 2.\n"
	"\n"
	"Examples:\n"
	"  assay list 'wb/*'\n"
	"  assay list --format tsv | cut -f1        # the names only\n"
	"  assay list 'bgs/*/cobalt' --format json --db other.db\n"
	"\n"
	"Exit status: 0 success, 2 bad usage or a derived series that cannot\n"
	"be read, 4 database error.\n";

static const struct cli_opt list_opts[] = {
	{ .name = "format", .key = 'f', .type = CLI_STR, .arg = "F",
	  .values = "table csv tsv json ndjson" },  /* in the usage line */
	{ .name = NULL }
};

static const struct cli_optset list_set = { "list", usage, NULL, 0, list_opts };

int cmd_list(int argc, char **argv)
{
	static const char *const cols[] = {
		"name", "kind", "freq", "first", "last", "count", "unit", "source"
	};
	enum out_format fmt = OUT_TABLE;
	struct cli_optarg o;
	int c, status;

	while ((c = cli_opt_next(&list_set, argc, argv, &o)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return o.status;
		case 'f':
			if (out_format_parse_all(o.s, 0, &fmt))
				return cli_usage_error("list", "--format takes "
						       OUT_FORMATS_ALL ", not '%s'", o.s);
			break;
		}
	}
	assay_store *st;
	assay_error err;
	assay_series_summary *s;
	size_t n;
	if ((status = cli_open_store(&st, 1)))
		return status;
	if (assay_store_summaries(st, (const char *const *)argv + optind,
				  (size_t)(argc - optind), &s, &n, &err)) {
		assay_store_close(st);
		return cli_report(&err);
	}
	/* Derived series (source "derived") hold no values: count theirs.
	 * One that cannot be read (an input gone) has no count, first or
	 * last (NA, not 0) and makes the exit status 2, as in scan. */
	int unreadable = 0;
	for (size_t i = 0; i < n; i++)
		if (assay_derive_summarise(st, &s[i], &err) < 0) {
			cli_error(err.status, "%s", err.msg);
			s[i].count = -1;
			unreadable = err.status ? err.status : ASSAY_EUSAGE;
		}
	out_table *t = out_table_new(cols, 8);
	for (size_t i = 0; i < n; i++) {
		char first[32], last[32], fr[2] = { (char)s[i].info.freq, 0 };
		out_str(t, s[i].info.name);
		out_str(t, s[i].info.kind ? assay_kind_name(s[i].info.kind) : NULL);
		out_str(t, fr);
		out_str(t, s[i].count > 0 ? assay_period_format(s[i].info.freq, s[i].first,
								first, sizeof first) : NULL);
		out_str(t, s[i].count > 0 ? assay_period_format(s[i].info.freq, s[i].last,
								last, sizeof last) : NULL);
		if (s[i].count < 0)
			out_null(t);
		else
			out_int(t, s[i].count);
		out_str(t, s[i].info.unit);
		out_str(t, s[i].info.source);
	}
	status = out_table_print(t, stdout, fmt) ? cli_write_error() : unreadable;
	out_table_free(t);
	assay_series_summaries_free(s, n);
	assay_store_close(st);
	return status;
}
