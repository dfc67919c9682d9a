/*
 * assay changes: one row per period of one or many series -- value, the
 * observations behind it, the changes, the trailing noise scale and the
 * verdict on the move -- from the analysis library (analysis.h).
 *
 * Many series run in one process on one store connection (the benchmark
 * of issue 3 judges 10,000 series): csv and json rows are streamed as each
 * series is done; only the aligned table waits for all rows.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/analysis.h"
#include "cli.h"
#include "commands.h"
#include "judge_common.h"
#include "numfmt.h"
#include "output.h"

static const char usage[] =
	"Usage: assay changes SERIES... [--freq M|Q|A] [--from P] [--to P]\n"
	"                     [--window N] [--min-history N] [--alpha A]\n"
	"                     [--seasonal auto|yes|no] [--allow-partial]\n"
	"                     [--as-of DATE] [--format table|csv|json]\n"
	"\n"
	"One row per period: the value (resampled to --freq by the series' kind:\n"
	"flow summed, price averaged, stock last), the observations behind it,\n"
	"whether the period is partial, the changes, the trailing noise scale and\n"
	"the verdict on the move into that period.  Columns:\n"
	"  period,value,n_obs,partial,pct_change,log_change,yoy_change,sigma,\n"
	"  stat,p_value,verdict\n"
	"pct_change and yoy_change are in percent (-14.8 means -14.8%); log_change\n"
	"is ln(x_t/x_{t-1}); sigma is the sample sd of the previous N changes\n"
	"(log changes, or differences for series with values <= 0); stat is the\n"
	"prediction-interval t statistic of the move; p_value and verdict (noise,\n"
	"shock or trend) follow the calibrated rules of 'assay check --help'.  NA\n"
	"is empty in csv, null in json, NA in the table.\n"
	"\n"
	"SERIES may be several names and glob patterns ('wb/*'); with more than\n"
	"one argument or any pattern, a first column 'series' names each row's\n"
	"series (all series run in one process).\n"
	"\n"
	"Options:\n"
	"  --freq F          M, Q or A (default: the series' own frequency)\n"
	"  --from P, --to P  print periods from/to P (2020Q1, 2020-01, 2020);\n"
	"                    earlier data still feed the trailing windows\n"
	"  --window N        changes in the trailing window (default 20)\n"
	"  --min-history N   fewest changes to judge a move (default 8)\n"
	"  --alpha A         level of the verdict (default 0.05)\n"
	"  --seasonal MODE   auto (F test, default), yes or no\n"
	"  --allow-partial   compute and judge partial periods too\n"
	"  --as-of DATE      the data as they stood at DATE (a vintage)\n"
	"  --format F        table (default), csv or json\n"
	"\n"
	"Exit status:\n"
	"  0  success\n"
	"  2  usage error, unknown series or impossible frequency\n"
	"  4  database or I/O error\n";

static const char *const cols[] = {
	"series", "period", "value", "n_obs", "partial", "pct_change",
	"log_change", "yoy_change", "sigma", "stat", "p_value", "verdict"
};
#define NCOLS 12

struct emit {
	enum out_format fmt;
	int multi;              /* leading series column */
	out_table *table;       /* OUT_TABLE */
	FILE *fp;
	size_t rows;            /* rows written (json separators) */
	char *buf;              /* csv line buffer */
	size_t cap;
};

/* ---- csv: one line per row, numbers in shortest round-trip form -------- */

/* The period label as assay_period_format writes it, without printf for
 * the common M, Q and A labels of years 0..9999. */
static char *put_period(char *p, assay_freq f, assay_period per)
{
	int64_t y = -1, k = 0;
	if (f == ASSAY_FREQ_A)
		y = per;
	else if (f == ASSAY_FREQ_Q && per >= 0)
		y = per / 4, k = per % 4 + 1;
	else if (f == ASSAY_FREQ_M && per >= 0)
		y = per / 12, k = per % 12 + 1;
	if (y < 0 || y > 9999) {
		assay_period_format(f, per, p, 32);
		return p + strlen(p);
	}
	*p++ = (char)('0' + y / 1000);
	*p++ = (char)('0' + y / 100 % 10);
	*p++ = (char)('0' + y / 10 % 10);
	*p++ = (char)('0' + y % 10);
	if (f == ASSAY_FREQ_Q) {
		*p++ = 'Q';
		*p++ = (char)('0' + k);
	} else if (f == ASSAY_FREQ_M) {
		*p++ = '-';
		*p++ = (char)('0' + k / 10);
		*p++ = (char)('0' + k % 10);
	}
	return p;
}

static char *put_int(char *p, long v)
{
	char tmp[24];
	int n = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10));
	if (v < 0)
		*p++ = '-';
	while (n)
		*p++ = tmp[--n];
	return p;
}

static void csv_num(char **p, double v)
{
	if (isfinite(v))
		*p += numfmt_g15(v, *p);
	*(*p)++ = ',';
}

static void csv_row(struct emit *e, const char *name, const assay_analysis *a,
		    size_t i)
{
	const assay_resampled *s = &a->s;
	const assay_judgement *j = &a->j[i];
	size_t need = strlen(name) * 2 + 512;
	if (need > e->cap) {
		e->cap = need;
		e->buf = realloc(e->buf, e->cap);
		if (!e->buf)
			abort();
	}
	char *p = e->buf;
	if (e->multi) {
		/* names are stored verbatim: quote when needed (RFC 4180) */
		if (strpbrk(name, ",\"\r\n")) {
			*p++ = '"';
			for (const char *q = name; *q; q++) {
				if (*q == '"')
					*p++ = '"';
				*p++ = *q;
			}
			*p++ = '"';
		} else {
			size_t l = strlen(name);
			memcpy(p, name, l);
			p += l;
		}
		*p++ = ',';
	}
	p = put_period(p, s->freq, s->period[i]);
	*p++ = ',';
	csv_num(&p, s->value[i]);
	p = put_int(p, s->n_obs[i]);
	memcpy(p, s->partial[i] ? ",true," : ",false,", s->partial[i] ? 6 : 7);
	p += s->partial[i] ? 6 : 7;
	csv_num(&p, a->c.pct[i]);
	csv_num(&p, a->c.log[i]);
	csv_num(&p, a->c.yoy[i]);
	csv_num(&p, j->noise.sd);
	csv_num(&p, j->stat);
	csv_num(&p, j->p);
	const char *v = assay_verdict_name(j->verdict);
	if (v) {
		size_t l = strlen(v);
		memcpy(p, v, l);
		p += l;
	}
	*p++ = '\n';
	fwrite(e->buf, 1, (size_t)(p - e->buf), e->fp);
}

/* ---- json: an array of objects, streamed one object at a time ---------- */

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static void json_row(struct emit *e, const char *name, const assay_analysis *a,
		     size_t i)
{
	const assay_resampled *s = &a->s;
	const assay_judgement *j = &a->j[i];
	char lbl[32];
	json_t *o = json_object();
	if (e->multi)
		json_object_set_new(o, "series", json_string(name));
	assay_period_format(s->freq, s->period[i], lbl, sizeof lbl);
	json_object_set_new(o, "period", json_string(lbl));
	json_object_set_new(o, "value", jnum(s->value[i]));
	json_object_set_new(o, "n_obs", json_integer(s->n_obs[i]));
	json_object_set_new(o, "partial", json_boolean(s->partial[i]));
	json_object_set_new(o, "pct_change", jnum(a->c.pct[i]));
	json_object_set_new(o, "log_change", jnum(a->c.log[i]));
	json_object_set_new(o, "yoy_change", jnum(a->c.yoy[i]));
	json_object_set_new(o, "sigma", jnum(j->noise.sd));
	json_object_set_new(o, "stat", jnum(j->stat));
	json_object_set_new(o, "p_value", jnum(j->p));
	const char *v = assay_verdict_name(j->verdict);
	json_object_set_new(o, "verdict", v ? json_string(v) : json_null());
	fputs(e->rows ? ",\n  " : "[\n  ", e->fp);
	char *txt = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT |
			       JSON_REAL_PRECISION(15));
	if (!txt)
		abort();
	fputs(txt, e->fp);
	free(txt);
	json_decref(o);
}

/* ---- table: buffered for alignment -------------------------------------- */

static void table_row(struct emit *e, const char *name, const assay_analysis *a,
		      size_t i)
{
	const assay_resampled *s = &a->s;
	const assay_judgement *j = &a->j[i];
	out_table *t = e->table;
	char lbl[32];
	if (e->multi)
		out_str(t, name);
	out_str(t, assay_period_format(s->freq, s->period[i], lbl, sizeof lbl));
	out_num(t, s->value[i], 0);
	out_int(t, s->n_obs[i]);
	out_bool(t, s->partial[i]);
	out_num(t, a->c.pct[i], 2);
	out_num(t, a->c.log[i], 5);
	out_num(t, a->c.yoy[i], 2);
	out_num(t, j->noise.sd, 5);
	out_num(t, j->stat, 3);
	out_num(t, j->p, 4);
	out_str(t, assay_verdict_name(j->verdict));
}

static void emit_row(struct emit *e, const char *name, const assay_analysis *a,
		     size_t i)
{
	switch (e->fmt) {
	case OUT_CSV: csv_row(e, name, a, i); break;
	case OUT_JSON: json_row(e, name, a, i); break;
	default: table_row(e, name, a, i); break;
	}
	e->rows++;
}

/* ---- the command --------------------------------------------------------- */

struct opts {
	assay_analysis_opts an;
	struct jc_period from, to;
	const char *as_of;
	char vintage[40];
};

static int run_series(assay_store *st, const char *name, const struct opts *o,
		      struct emit *e)
{
	assay_series_info info;
	assay_obs obs = { 0 };
	assay_analysis a;
	assay_error err;
	int rc = assay_store_series_get(st, name, &info, &err);
	if (rc <= 0)
		return rc < 0 ? cli_report(&err)
			      : cli_error(ASSAY_EUSAGE, "no series '%s'", name);
	assay_analysis_opts an = o->an;
	assay_freq f = an.freq == ASSAY_FREQ_NONE ? info.freq : an.freq;
	assay_period lo = o->from.set ? jc_period_at(&o->from, f, 0) : INT64_MIN;
	assay_period hi = o->to.set ? jc_period_at(&o->to, f, 1) : INT64_MAX;
	an.judge_from = lo;
	rc = 0;
	if (assay_store_load(st, info.id, o->as_of, &obs, &err)) {
		rc = cli_report(&err);
	} else if (assay_analyse(&obs, info.freq, info.kind, &an, &a, &err)) {
		if (err.status == ASSAY_EUSAGE)
			rc = cli_error(ASSAY_EUSAGE, "%s: %s", name, err.msg);
		else
			rc = cli_report(&err);
	} else {
		for (size_t i = 0; i < a.s.n; i++)
			if (a.s.period[i] >= lo && a.s.period[i] <= hi)
				emit_row(e, name, &a, i);
		assay_analysis_release(&a);
	}
	assay_obs_release(&obs);
	assay_series_info_release(&info);
	return rc;
}

int cmd_changes(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "freq", required_argument, NULL, 'F' },
		{ "from", required_argument, NULL, 'a' },
		{ "to", required_argument, NULL, 'b' },
		{ "window", required_argument, NULL, 'w' },
		{ "min-history", required_argument, NULL, 'm' },
		{ "alpha", required_argument, NULL, 'A' },
		{ "seasonal", required_argument, NULL, 's' },
		{ "allow-partial", no_argument, NULL, 'P' },
		{ "as-of", required_argument, NULL, 'V' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o;
	struct emit e;
	long l;
	int c, rc;

	memset(&o, 0, sizeof o);
	memset(&e, 0, sizeof e);
	assay_analysis_opts_init(&o.an);
	e.fmt = OUT_TABLE;
	e.fp = stdout;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'F':
			o.an.freq = assay_freq_parse(optarg);
			if (o.an.freq == ASSAY_FREQ_NONE)
				return cli_usage_error("changes",
						       "--freq takes D, W, M, Q or A, not '%s'",
						       optarg);
			break;
		case 'a':
			if ((rc = jc_period_parse("changes", "--from", optarg, &o.from)))
				return rc;
			break;
		case 'b':
			if ((rc = jc_period_parse("changes", "--to", optarg, &o.to)))
				return rc;
			break;
		case 'w':
			if (cli_parse_int("changes", "--window", optarg, &l))
				return ASSAY_EUSAGE;
			if (l < 2 || l > 100000)
				return cli_usage_error("changes", "--window must be between 2 and 100000");
			o.an.judge.window = (int)l;
			break;
		case 'm':
			if (cli_parse_int("changes", "--min-history", optarg, &l))
				return ASSAY_EUSAGE;
			if (l < 2 || l > 100000)
				return cli_usage_error("changes", "--min-history must be between 2 and 100000");
			o.an.judge.min_history = (int)l;
			break;
		case 'A':
			if (cli_parse_double("changes", "--alpha", optarg,
					     &o.an.judge.alpha))
				return ASSAY_EUSAGE;
			if (!(o.an.judge.alpha > 0 && o.an.judge.alpha < 1))
				return cli_usage_error("changes", "--alpha must be between 0 and 1");
			break;
		case 's':
			if (assay_seasonal_parse(optarg, &o.an.judge.seasonal))
				return cli_usage_error("changes",
						       "--seasonal takes auto, yes or no");
			break;
		case 'P':
			o.an.allow_partial = 1;
			break;
		case 'V':
			if ((rc = jc_as_of("changes", optarg, o.vintage,
					   sizeof o.vintage)))
				return rc;
			o.as_of = o.vintage;
			break;
		case 'f':
			if (out_format_parse(optarg, 0, &e.fmt))
				return cli_usage_error("changes",
						       "--format takes table, csv or json");
			break;
		default:
			fputs("Try 'assay changes --help'.\n", stderr);
			return ASSAY_EUSAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("changes", "give at least one SERIES");

	assay_store *st;
	char **names = NULL;
	size_t nnames = 0;
	if ((rc = cli_open_store(&st, 1)))
		return rc;
	int nargs = argc - optind;
	if ((rc = jc_resolve(st, argv + optind, nargs, &names, &nnames)))
		goto out;
	e.multi = nargs > 1;
	for (int a = optind; a < argc; a++)
		if (jc_is_glob(argv[a]))
			e.multi = 1;

	if (e.fmt == OUT_TABLE) {
		e.table = out_table_new(e.multi ? cols : cols + 1,
					e.multi ? NCOLS : NCOLS - 1);
	} else if (e.fmt == OUT_CSV) {
		for (int k = e.multi ? 0 : 1; k < NCOLS; k++)
			fprintf(stdout, "%s%c", cols[k], k + 1 < NCOLS ? ',' : '\n');
	}
	for (size_t i = 0; i < nnames && !rc; i++)
		rc = run_series(st, names[i], &o, &e);
	if (!rc) {
		if (e.fmt == OUT_TABLE && out_table_print(e.table, stdout, OUT_TABLE))
			rc = ASSAY_EIO;
		else if (e.fmt == OUT_JSON)
			fputs(e.rows ? "\n]\n" : "[]\n", stdout);
	}
out:
	out_table_free(e.table);
	free(e.buf);
	assay_strv_free(names, nnames);
	assay_store_close(st);
	return rc;
}
