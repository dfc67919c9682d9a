/* assay export: observations of one or many series, as they stood at a
 * vintage, long (a row per series and period) or wide (a column per
 * series), at their own frequency or resampled with --freq. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/resample.h"
#include "cli.h"
#include "commands.h"
#include "judge_common.h"
#include "optable.h"
#include "output.h"
#include "to_unit.h"

static const char usage[] =
	"Usage: assay export PATTERN... [--freq F] [--from P] [--to P]\n"
	"                    [--as-of DATE] [--wide] [--to-unit U]\n"
	"                    [--format csv|tsv|json|ndjson|table]\n"
	"\n"
	"Print the observations of the series named (exact names or glob\n"
	"patterns, 'wb/*').  One exact name gives columns period,value; several\n"
	"arguments or any pattern add a first column 'series' (the rule of\n"
	"'assay changes'), one row per series and period.  --wide gives one\n"
	"column per series instead, a row per period (empty where a series has\n"
	"no value); all series must then be at one frequency (use --freq), and\n"
	"none may be named 'period', the name of the first column.\n"
	"\n"
	"Options:\n";

/* after the option lines */
static const char usage_after[] =
	"\n"
	"Examples:\n"
	"  assay export wb/copper --from 2020-01 --to 2020-12\n"
	"  assay export 'wb/*' --freq Q --wide --format tsv > wb-quarterly.tsv\n"
	"  assay export 'bgs/*/cobalt' --format ndjson | jq -c .\n"
	"  assay export wb/copper --as-of 2020-03-31   # as published then\n"
	"\n"
	"Exit status: 0 success, 2 bad usage or unknown series, 4 database or\n"
	"write error.\n";

struct xopts {
	assay_freq freq;        /* --freq, or NONE */
	const char *from, *to;
	const char *as_of;
	const char *to_unit;    /* --to-unit, or NULL */
	int wide, multi;
	enum out_format fmt;
};

/* One series at the frequency it is printed at. */
struct xseries {
	const char *name;
	assay_freq freq;
	assay_period *period;
	double *value;
	size_t n;
};

static void xseries_release(struct xseries *x)
{
	free(x->period);
	free(x->value);
	memset(x, 0, sizeof *x);
}

/* Load one series, resample it when --freq asks, keep the periods within
 * --from/--to.  Returns 0 or the exit status (message printed). */
static int load_one(assay_store *st, const struct xopts *o, const char *name,
		    struct cli_freq_note *note, size_t *partial,
		    struct xseries *x)
{
	assay_series_info info;
	assay_obs obs = { 0 };
	assay_resampled rs = { 0 };
	assay_error err;
	int rc = 0;
	int found = assay_store_series_get(st, name, &info, &err);
	if (found <= 0)
		return found < 0 ? cli_report(&err)
				 : cli_no_series(st, name, cli.db_path);
	cli_freq_note_add(note, name, info.freq);
	assay_freq f = cli_freq_effective(o->freq, info.freq);
	assay_series_info at = info;
	at.freq = f;
	assay_period lo = INT64_MIN, hi = INT64_MAX;
	if (cli_period_bound(&at, o->from, &lo, "--from") ||
	    cli_period_bound(&at, o->to, &hi, "--to")) {
		rc = ASSAY_EUSAGE;
		goto out;
	}
	if (assay_store_load(st, info.id, o->as_of, &obs, &err)) {
		rc = cli_report(&err);
		goto out;
	}
	if ((rc = cli_to_unit(&info, o->to_unit, obs.value, obs.n)))
		goto out;
	int resampled = f != info.freq;
	if (resampled && assay_resample(&obs, info.freq, info.kind, f, &rs, &err)) {
		rc = cli_error(err.status ? err.status : ASSAY_EIO, "%s: %s", name,
			       err.msg);
		goto out;
	}
	size_t n = resampled ? rs.n : obs.n;
	x->name = name;
	x->freq = f;
	x->period = cli_xmalloc(n * sizeof *x->period);
	x->value = cli_xmalloc(n * sizeof *x->value);
	for (size_t i = 0; i < n; i++) {
		assay_period p = resampled ? rs.period[i] : obs.period[i];
		double v = resampled ? rs.value[i] : obs.value[i];
		if (p < lo || p > hi)
			continue;
		if (resampled && !isfinite(v))
			continue;       /* a gap: no data in that period */
		if (resampled && rs.partial[i]) {
			(*partial)++;
			continue;
		}
		x->period[x->n] = p;
		x->value[x->n++] = v;
	}
out:
	assay_resampled_release(&rs);
	assay_obs_release(&obs);
	assay_series_info_release(&info);
	return rc;
}

static void put_long(out_table *t, const struct xopts *o,
		     const struct xseries *x)
{
	char lbl[32];
	for (size_t i = 0; i < x->n; i++) {
		if (o->multi)
			out_str(t, x->name);
		out_str(t, assay_period_format(x->freq, x->period[i], lbl, sizeof lbl));
		out_num(t, x->value[i], 0);
	}
}

static int cmp_period(const void *a, const void *b)
{
	assay_period x = *(const assay_period *)a, y = *(const assay_period *)b;
	return (x > y) - (x < y);
}

/* The wide table: the union of the periods, one column per series. */
static out_table *wide_table(struct xseries *xs, size_t nx)
{
	size_t total = 0, np = 0;
	for (size_t k = 0; k < nx; k++)
		total += xs[k].n;
	assay_period *ps = cli_xmalloc(total * sizeof *ps);
	const char **cols = cli_xmalloc((nx + 1) * sizeof *cols);
	size_t *at = cli_xcalloc(nx, sizeof *at);
	for (size_t k = 0; k < nx; k++)
		for (size_t i = 0; i < xs[k].n; i++)
			ps[np++] = xs[k].period[i];
	qsort(ps, np, sizeof *ps, cmp_period);
	size_t u = 0;
	for (size_t i = 0; i < np; i++)
		if (!u || ps[u - 1] != ps[i])
			ps[u++] = ps[i];
	cols[0] = "period";
	for (size_t k = 0; k < nx; k++)
		cols[k + 1] = xs[k].name;
	out_table *t = out_table_new(cols, (int)nx + 1);
	assay_freq f = nx ? xs[0].freq : ASSAY_FREQ_NONE;
	for (size_t i = 0; i < u; i++) {
		char lbl[32];
		out_str(t, assay_period_format(f, ps[i], lbl, sizeof lbl));
		for (size_t k = 0; k < nx; k++) {
			/* each series' periods are ascending: a merge */
			while (at[k] < xs[k].n && xs[k].period[at[k]] < ps[i])
				at[k]++;
			if (at[k] < xs[k].n && xs[k].period[at[k]] == ps[i])
				out_num(t, xs[k].value[at[k]], 0);
			else
				out_null(t);
		}
	}
	free(ps);
	free(cols);
	free(at);
	return t;
}

static const struct cli_opt export_opts[] = {
	{ CLI_OPT_FREQ, .key = 'q',
	  .help = "resample to M, Q or A by the series' kind (flow summed,\n"
		  "price averaged, stock last value); partial periods are\n"
		  "left out (a note counts them).  A series already at a\n"
		  "lower frequency keeps its own (a note says so)." },
	{ .name = "from", .key = 'F', .type = CLI_STR, .arg = "P",
	  .label = "--from P, --to P",
	  .help = "the periods printed (2020Q1, 2020-01, 2020)" },
	{ .name = "to", .key = 'T', .type = CLI_STR, .arg = "P" },
	{ CLI_OPT_AS_OF, .key = 'a',
	  .help = "the data as it stood then: for every period, the newest\n"
		  "vintage at or before DATE (YYYY-MM-DD, end of day UTC,\n"
		  "or YYYY-MM-DDTHH:MM:SS)" },
	{ .name = "wide", .key = 'w', .help = "one column per series" },
	{ .name = "to-unit", .key = 'U', .type = CLI_STR, .arg = "U",
	  .help = "values converted from the series' unit to U ($/mt to\n"
		  "$/lb, t to kt; currencies only to themselves)" },
	{ .name = "format", .key = 'f', .type = CLI_STR, .arg = "F",
	  .values = "table csv tsv json ndjson",
	  .help = "csv (default), tsv, json, ndjson or table; numbers in\n"
		  "full (shortest text that reads back exactly), NA empty\n"
		  "in csv and tsv, null in json" },
	{ .name = NULL }
};

static const struct cli_optset export_set = {
	"export", usage, usage_after, 16, export_opts
};

static int parse_args(int argc, char **argv, struct xopts *o, char *vintage,
		      size_t vsize)
{
	struct cli_optarg a;
	int c;
	while ((c = cli_opt_next(&export_set, argc, argv, &a)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return a.status ? a.status : -1;
		case 'a':
			if (jc_as_of("export", a.s, vintage, vsize))
				return ASSAY_EUSAGE;
			o->as_of = vintage;
			break;
		case 'F': o->from = a.s; break;
		case 'T': o->to = a.s; break;
		case 'q':
			if (cli_parse_freq("export", a.s, &o->freq))
				return ASSAY_EUSAGE;
			break;
		case 'w': o->wide = 1; break;
		case 'U': o->to_unit = a.s; break;
		case 'f':
			if (out_format_parse_all(a.s, 0, &o->fmt))
				return cli_usage_error("export", "--format takes "
						       OUT_FORMATS_ALL ", not '%s'", a.s);
			break;
		}
	}
	if (optind >= argc)
		return cli_usage_error("export", "give one or more SERIES or patterns");
	return cli_check_range("export", o->from, o->to);
}

/* The series to print, and whether a series column is needed. */
static int resolve(assay_store *st, char **args, int nargs, struct xopts *o,
		   char ***names, size_t *n)
{
	int rc = cli_resolve_series(st, args, nargs, 0, names, n);
	if (rc)
		return rc;
	o->multi = cli_series_multi(args, nargs);
	return 0;
}

/* --wide names a column by each series, after the column "period": a
 * series of that name would be a second "period" key in a JSON object
 * (readers keep the last: the dates are gone) and an ambiguous header in
 * csv.  Refused, never renamed behind the user's back. */
static int wide_names_ok(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], "period"))
			return cli_usage_error("export", "--wide: series 'period' "
					       "would be a second column 'period', "
					       "beside the periods' own: export it "
					       "without --wide (long rows "
					       "series,period,value), or rename it "
					       "(assay rename period NEW)");
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const char *const cols[] = { "series", "period", "value" };
	struct xopts o = { .fmt = OUT_CSV };
	char vintage[32];
	int status = parse_args(argc, argv, &o, vintage, sizeof vintage);
	if (status)
		return status < 0 ? 0 : status;

	assay_store *st;
	char **names = NULL;
	size_t nnames = 0, partial = 0, nx = 0;
	struct xseries *xs = NULL;
	struct cli_freq_note note = { .asked = o.freq };
	out_table *t = NULL;
	assay_error err;
	int in_read = 0;
	if ((status = cli_open_store(&st, 1)))
		return status;
	if ((status = resolve(st, argv + optind, argc - optind, &o, &names, &nnames)) ||
	    (o.wide && (status = wide_names_ok(names, nnames))))
		goto out;
	/* one snapshot of the store for all series */
	if (assay_store_read_begin(st, &err)) {
		status = cli_report(&err);
		goto out;
	}
	in_read = 1;
	xs = cli_xcalloc(nnames ? nnames : 1, sizeof *xs);
	if (!o.wide)
		t = out_table_new(o.multi ? cols : cols + 1, o.multi ? 3 : 2);
	for (; nx < nnames; nx++) {
		if ((status = load_one(st, &o, names[nx], &note, &partial, &xs[nx])))
			goto out;
		if (o.wide && xs[nx].freq != xs[0].freq) {
			status = cli_usage_error("export", "--wide needs one frequency, but "
						 "%s is %s and %s is %s: give --freq",
						 xs[0].name, assay_freq_adjective(xs[0].freq),
						 xs[nx].name, assay_freq_adjective(xs[nx].freq));
			nx++;
			goto out;
		}
		if (!o.wide) {
			put_long(t, &o, &xs[nx]);
			xseries_release(&xs[nx]);
		}
	}
	if (o.wide)
		t = wide_table(xs, nx);
	status = out_table_print(t, stdout, o.fmt) || fflush(stdout) ? cli_write_error() : 0;
	if (!status) {
		cli_freq_note_print(&note, "export");
		if (partial && !cli.quiet)
			fprintf(stderr, "assay export: note: %zu partial period%s left out "
				"(a period with some of its data missing)\n", partial,
				partial == 1 ? "" : "s");
	}
out:
	if (in_read && assay_store_read_end(st, &err) && !status)
		status = cli_report(&err);
	for (size_t k = 0; k < nx; k++)
		xseries_release(&xs[k]);
	free(xs);
	out_table_free(t);
	assay_strv_free(names, nnames);
	assay_store_close(st);
	return status;
}
