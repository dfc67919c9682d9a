/*
 * assay check: judge one move -- the latest complete period by default --
 * and say so in one sentence a report writer can paste, or in JSON with
 * every number and parameter behind the verdict.  The exit status is the
 * answer for scripts: 0 noise, 1 notable, 3 cannot judge.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/analysis.h"
#include "assay/scan.h"
#include "assay/sentence.h"
#include "cli.h"
#include "json_out.h"
#include "commands.h"
#include "judge_common.h"
#include "optable.h"
#include "output.h"

static const char usage_head[] =
	"Usage: assay check SERIES... [--period P] [--freq M|Q|A] [--alpha A]\n"
	"                   [--window N] [--min-history N] [--seasonal auto|yes|no]\n"
	"                   [--allow-partial] [--half-life H] [--as-of DATE]\n"
	"                   [--format text|csv|tsv|json|ndjson]\n"
	"\n"
	"Is the move into period P (default: the latest complete period) real or\n"
	"noise?  Text: one sentence, e.g.\n"
	"  wb/copper 2026Q1: +15.5% QoQ, within normal variation (p = 0.28;\n"
	"  typical quarterly move +/-8.7%, 20 quarters of history)\n"
	"(the typical move, JSON 'typical', is the sd of the previous N log\n"
	"changes less the past shocks set aside, about the seasonal means in a\n"
	"seasonal verdict; 'sigma' is the sd of all N).\n"
	"JSON: every number behind the verdict (shortest exact text) and every\n"
	"parameter; csv and tsv: those fields as columns, a row per series;\n"
	"ndjson: one object a line.  SERIES may be several names and glob\n"
	"patterns ('wb/*'): one answer per series (json: an array of objects,\n"
	"as soon as there are several arguments or a pattern).\n"
	"\n"
	"How a move is judged (details: README, 'How the verdict is calibrated'):\n"
	"the log change (or the difference, for series with values <= 0) is\n"
	"compared with a model fitted on the previous N changes only: their mean\n"
	"(drift), an AR(1) term (autocorrelation) and, when the series is\n"
	"seasonal, one mean per quarter or month (fitted on the last 5 years).\n"
	"stat is the prediction-interval t statistic; its p-value is the move's\n"
	"rank among the window's leave-one-out statistics, interpolated by\n"
	"Student's t, so that heavy tails do not inflate it.  A run of\n"
	"same-signed moves is tested as a trend.  p = min(1, p_shock/0.9,\n"
	"p_trend/0.1); notable when p <= alpha.\n"
	"\n"
	"Options:\n";

static const char usage_after[] =
	"\n"
	"Exit status:\n"
	"  0  the move is within normal variation (noise)\n"
	"  1  the move is notable (shock or trend)\n"
	"  2  usage error, unknown series or a series that cannot be resampled\n"
	"  3  cannot judge: too little history, a partial period, a gap or an\n"
	"     undefined change\n"
	"  4  database or I/O error\n"
	"With several series the worst answer wins: 4, then 2 (a series that\n"
	"fails is reported and the others still judged), then 1 (any notable\n"
	"move), then 3 (any move that cannot be judged), else 0.  An alert:\n"
	"  assay check 'wb/*' --freq Q -q > checks.txt\n"
	"  case $? in 0) ;; 1) mail -s notable analyst < checks.txt ;;\n"
	"  3) echo 'some not judged' >&2 ;; *) echo 'check failed' >&2 ;; esac\n"
	"\n"
	"Examples:\n"
	"  assay check wb/copper --freq Q\n"
	"  assay check wb/copper --freq Q --period 2008Q4 --format json\n"
	"  assay check 'wb/*' --freq Q --format csv -q\n"
	"  curl -s URL | assay check - --kind price --series copper --freq Q\n";

/* The sentence on stdout (sentence.h builds it). */
static int print_text(const assay_check *c)
{
	char line[1024];
	int rc = assay_check_sentence(c, line, sizeof line);
	printf("%s\n", line);
	return rc;
}

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* ---- output of many series ---------------------------------------------- */

/* How the rows of this run are written (main thread; set by cmd_check). */
static struct {
	enum out_format fmt;
	int multi;              /* several arguments or a pattern */
	size_t rows;            /* objects written so far */
	json_t *columns;        /* csv/tsv: the keys of the first object */
} out;

static void put_text(const char *s, char sep);

static void put_field(const json_t *v, char sep)
{
	char buf[64];
	const char *s = NULL;
	switch (json_typeof(v)) {
	case JSON_STRING: s = json_string_value(v); break;
	case JSON_REAL: s = out_fmt_double(json_real_value(v), buf, sizeof buf); break;
	case JSON_INTEGER:
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = buf;
		break;
	case JSON_TRUE: s = "true"; break;
	case JSON_FALSE: s = "false"; break;
	case JSON_ARRAY:
	case JSON_OBJECT: {
		/* past_shocks: its compact JSON text in one field, so a csv
		 * row drops nothing the json object holds */
		char *t = json_out_text(v, 0, 0);
		if (!t)
			cli_die_oom();  /* not a blank field */
		put_text(t, sep);
		free(t);
		return;
	}
	default: return;        /* null: an empty field */
	}
	put_text(s, sep);
}

/* A csv field (RFC 4180 quotes when needed) or a tsv one (\t \n \r \\). */
static void put_text(const char *s, char sep)
{
	if (sep == ',' && strpbrk(s, ",\"\r\n")) {
		fputc('"', stdout);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', stdout);
			fputc(*s, stdout);
		}
		fputc('"', stdout);
		return;
	}
	for (; *s; s++) {
		const char *e = sep != '\t' ? NULL : *s == '\t' ? "\\t" : *s == '\n' ? "\\n"
				: *s == '\r' ? "\\r" : *s == '\\' ? "\\\\" : NULL;
		if (e)
			fputs(e, stdout);
		else
			fputc(*s, stdout);
	}
}

/* One series' object: json (an array when multi), ndjson (a line), or a
 * csv/tsv row whose columns are the object's keys. */
static int emit_json(json_t *o)
{
	char sep = out.fmt == OUT_TSV ? '\t' : ',';
	int rc = 0;
	switch (out.fmt) {
	case OUT_JSON:
		if (out.multi)
			fputs(out.rows ? ",\n  " : "[\n  ", stdout);
		rc = json_out_write(stdout, o, 2, out.multi);
		if (!out.multi)
			fputc('\n', stdout);
		break;
	case OUT_NDJSON:
		rc = json_out_write(stdout, o, 0, 0);
		fputc('\n', stdout);
		break;
	default: {
		const char *key;
		json_t *v;
		size_t k = 0;
		if (!out.rows) {
			out.columns = json_array();
			json_object_foreach(o, key, v) {
				json_array_append_new(out.columns, json_string(key));
				fputs(k++ ? (sep == ',' ? "," : "\t") : "", stdout);
				put_text(key, sep);
			}
			fputc('\n', stdout);
		}
		size_t i;
		json_t *name;
		json_array_foreach(out.columns, i, name) {
			if (i)
				fputc(sep, stdout);
			put_field(json_object_get(o, json_string_value(name)), sep);
		}
		fputc('\n', stdout);
	}
	}
	out.rows++;
	return rc || ferror(stdout) ? -1 : 0;
}

/* The earlier moves the verdict set aside as past shocks (verdict.h rule
 * 1a): period, change on the judged basis, z against the other moves. */
static json_t *past_shocks(const assay_analysis *a, size_t i)
{
	const assay_judgement *j = &a->j[i];
	json_t *arr = json_array();
	for (int k = 0; k < j->n_set_aside && k < ASSAY_SET_ASIDE_MAX; k++) {
		char lbl[32];
		size_t r = i - (size_t)j->set_aside_age[k];
		const double *y = j->basis == ASSAY_BASIS_LOG ? a->c.log : a->c.diff;
		assay_period_format(a->s.freq, a->s.period[r], lbl, sizeof lbl);
		json_t *e = json_object();
		json_object_set_new(e, "period", json_string(lbl));
		json_object_set_new(e, "change", jnum(y[r]));
		json_object_set_new(e, "z", jnum(j->set_aside_z[k]));
		json_array_append_new(arr, e);
	}
	return arr;
}

static int print_json(assay_check *c)
{
	const assay_analysis *a = &c->a;
	const assay_judge_opts *u = &a->used;
	assay_freq f = a->s.freq;
	char lbl[32], fr[2] = { (char)f, 0 };
	json_t *o = json_object();
	size_t i = c->row;
	int found = i != (size_t)-1;
	const assay_judgement *j = found ? &a->j[i] : NULL;
	int judged = found && j->verdict != ASSAY_VERDICT_NONE;

	json_object_set_new(o, "series", out_json_text(c->name));
	assay_period_format(f, found ? a->s.period[i] : c->period, lbl, sizeof lbl);
	json_object_set_new(o, "period", found || c->has_period ? json_string(lbl)
							   : json_null());
	json_object_set_new(o, "freq", json_string(fr));
	const char *kind = assay_kind_name(c->info.kind);
	json_object_set_new(o, "kind", kind ? json_string(kind) : json_null());
	json_object_set_new(o, "unit", c->info.unit ? out_json_text(c->info.unit)
						      : json_null());
	json_object_set_new(o, "value", jnum(found ? a->s.value[i] : NAN));
	size_t p = found ? a->c.prev[i] : (size_t)-1;
	json_object_set_new(o, "previous", jnum(p != (size_t)-1 ? a->s.value[p] : NAN));
	json_object_set_new(o, "n_obs", found ? json_integer(a->s.n_obs[i]) : json_null());
	json_object_set_new(o, "partial", found ? json_boolean(a->s.partial[i]) : json_null());
	json_object_set_new(o, "pct_change", jnum(found ? a->c.pct[i] : NAN));
	json_object_set_new(o, "log_change", jnum(found ? a->c.log[i] : NAN));
	json_object_set_new(o, "diff_change", jnum(found ? a->c.diff[i] : NAN));
	json_object_set_new(o, "yoy_change", jnum(found ? a->c.yoy[i] : NAN));
	json_object_set_new(o, "basis", found && j->basis ? json_string(assay_basis_name(j->basis)) : json_null());
	json_object_set_new(o, "change", jnum(found ? j->change : NAN));
	json_object_set_new(o, "expected", jnum(judged ? j->expected : NAN));
	json_object_set_new(o, "expected_ar", jnum(judged ? j->expected_ar : NAN));
	json_object_set_new(o, "scale", jnum(judged ? j->scale : NAN));
	json_object_set_new(o, "vol_ratio", jnum(judged ? j->vol_ratio : NAN));
	json_object_set_new(o, "sigma", jnum(found ? j->noise.sd : NAN));
	json_object_set_new(o, "typical", jnum(found ? j->typical : NAN));
	json_object_set_new(o, "sigma_mad", jnum(found ? j->noise.mad : NAN));
	json_object_set_new(o, "sigma_qn", jnum(found ? j->noise.qn : NAN));
	json_object_set_new(o, "sigma_ewma", jnum(found ? j->noise.ewma : NAN));
	json_object_set_new(o, "ewma_lambda", jnum(found ? j->noise.lambda : NAN));
	json_object_set_new(o, "vol_annual", jnum(found ? j->noise.annual : NAN));
	json_object_set_new(o, "periods_per_year", json_integer(assay_vol_periods_per_year(f)));
	json_object_set_new(o, "stat", jnum(judged ? j->stat : NAN));
	json_object_set_new(o, "df", judged ? json_integer(j->df) : json_null());
	json_object_set_new(o, "p_value", jnum(judged ? j->p : NAN));
	json_object_set_new(o, "p_shock", jnum(judged ? j->p_shock : NAN));
	json_object_set_new(o, "p_trend", jnum(judged ? j->p_trend : NAN));
	json_object_set_new(o, "p_t", jnum(judged ? j->p_t : NAN));
	json_object_set_new(o, "rank", judged ? json_integer(j->rank) : json_null());
	json_object_set_new(o, "score", jnum(judged ? j->score : NAN));
	json_object_set_new(o, "run", judged ? json_integer(j->run) : json_null());
	json_object_set_new(o, "run_stat", jnum(judged ? j->run_stat : NAN));
	json_object_set_new(o, "alpha", json_real(u->alpha));
	json_object_set_new(o, "trend_share", json_real(u->trend_share));
	json_object_set_new(o, "run_max", json_integer(u->run_max));
	const char *v = judged ? assay_verdict_name(j->verdict) : NULL;
	json_object_set_new(o, "verdict", v ? json_string(v) : json_null());
	json_object_set_new(o, "reason", judged ? json_null() : json_string(c->reason));
	json_object_set_new(o, "seasonal", json_string(assay_seasonal_name(u->seasonal)));
	json_object_set_new(o, "seasonal_adjusted", json_boolean(found && j->seasonal));
	json_object_set_new(o, "seasonal_p", jnum(found ? j->seasonal_p : NAN));
	/* rule 1c: the older changes the seasonality test read besides the
	 * n_history of the model */
	json_object_set_new(o, "seasonal_older", found ? json_integer(j->seasonal_older)
						       : json_null());
	json_object_set_new(o, "season_alpha", json_real(u->season_alpha));
	json_object_set_new(o, "ar", json_boolean(found && j->ar));
	json_object_set_new(o, "ar_phi", jnum(found ? j->phi : NAN));
	json_object_set_new(o, "past_shocks", judged ? past_shocks(a, i) : json_array());
	json_object_set_new(o, "set_aside", json_real(u->set_aside));
	json_object_set_new(o, "set_aside_screen", json_real(ASSAY_SET_ASIDE_SCREEN));
	json_object_set_new(o, "vol_half_life", json_real(u->vol_half_life));
	/* the degrees of freedom of rule 3's tail: min(df, 10) when judged */
	json_object_set_new(o, "tail_df", json_integer(judged && j->df < ASSAY_TAIL_DF
						       ? j->df : ASSAY_TAIL_DF));
	json_object_set_new(o, "window", json_integer(u->window));
	json_object_set_new(o, "min_history", json_integer(u->min_history));
	json_object_set_new(o, "n_history", found ? json_integer(j->n_history) : json_null());
	json_object_set_new(o, "half_life", json_real(u->half_life > 0 ? u->half_life
								    : u->window / 4.0));
	json_object_set_new(o, "allow_partial", json_boolean(c->allow_partial));
	json_object_set_new(o, "as_of", c->as_of ? json_string(c->as_of) : json_null());
	int rc = emit_json(o);
	json_decref(o);
	if (rc)
		return ASSAY_EIO;
	if (!judged)
		return ASSAY_ECANNOT;
	return j->verdict == ASSAY_VERDICT_NOISE ? ASSAY_OK : ASSAY_NOTABLE;
}

/* Judge one series and print it; returns its exit status. */
static int check_one(assay_store *st, const char *name, assay_analysis_opts an,
		     const struct jc_period *period, const char *as_of,
		     enum out_format fmt, struct cli_freq_note *fnote)
{
	int rc;
	assay_check cx;
	memset(&cx, 0, sizeof cx);
	cx.name = name;
	cx.as_of = as_of;
	cx.allow_partial = an.allow_partial;
	cx.row = (size_t)-1;
	assay_obs obs = { 0 };
	assay_error err;
	int found = assay_store_series_get(st, cx.name, &cx.info, &err);
	if (found <= 0)
		return found < 0 ? cli_report(&err)
				 : cli_no_series(st, cx.name, assay_store_path(st));
	cli_freq_note_add(fnote, cx.name, cx.info.freq);
	an.freq = cli_freq_effective(an.freq, cx.info.freq);
	assay_freq f = an.freq;
	if (period->set && assay_freq_rank(period->freq) > assay_freq_rank(f)) {
		char ex[32];
		assay_period_format(f, jc_period_at(period, f, 1), ex, sizeof ex);
		rc = cli_usage_error("check", "--period %s is %s but the series is "
				     "judged %s: give a period like %s",
				     period->text, jc_freq_adj(period->freq),
				     jc_freq_adj(f), ex);
		goto out;
	}
	if (assay_store_load(st, cx.info.id, as_of, &obs, &err)) {
		rc = cli_report(&err);
		goto out;
	}
	if (period->set) {
		cx.period = jc_period_at(period, f, 0);
		cx.has_period = 1;
		an.judge_from = cx.period;
	} else {
		/* Only the latest complete period is judged, as --period judges
		 * the one asked: every earlier one was too, for nothing (20,000
		 * days with --window 1000 took 22 s, not 0.03 s).  Which period
		 * that is needs the resampled rows: a first pass judges none. */
		assay_analysis_opts none = an;
		assay_analysis pa;
		none.judge_from = INT64_MAX;
		if (!assay_analyse(&obs, cx.info.freq, cx.info.kind, &none, &pa, &err)) {
			size_t i = assay_pick_row(&pa, an.allow_partial, 0, 0);
			if (i != (size_t)-1)
				an.judge_from = pa.s.period[i];
			assay_analysis_release(&pa);
		}
	}
	if (assay_analyse(&obs, cx.info.freq, cx.info.kind, &an, &cx.a, &err)) {
		rc = err.status == ASSAY_EUSAGE
			? cli_error(ASSAY_EUSAGE, "%s: %s", cx.name, err.msg)
			: cli_report(&err);
		goto out;
	}
	const assay_analysis *a = &cx.a;
	/* the period asked, or the latest complete one (scan's rule) */
	cx.row = assay_pick_row(a, an.allow_partial, period->set, cx.period);
	if (!period->set) {
		if (cx.row == (size_t)-1 && a->s.n) {
			cx.period = a->s.period[a->s.n - 1];
			cx.has_period = 1;
		}
	}
	if (cx.row == (size_t)-1 || a->j[cx.row].verdict == ASSAY_VERDICT_NONE)
		assay_check_explain(&cx);
	rc = fmt == OUT_TEXT ? print_text(&cx) : print_json(&cx);
	assay_analysis_release(&cx.a);
out:
	assay_obs_release(&obs);
	assay_series_info_release(&cx.info);
	return rc;
}

static const struct cli_opt check_opts[] = {
	{ .name = "period", .key = 'p', .type = CLI_STR, .arg = "P",
	  .help = "the period to judge (2026Q1, 2026-03, 2026)" },
	{ CLI_OPT_FREQ, .key = 'F',
	  .help = "judge at frequency M, Q or A (default: native; a\n"
		  "series already at a lower one keeps its own, noted)" },
	{ CLI_OPT_ALPHA, .key = 'A', .help = "level (default 0.05)" },
	{ CLI_OPT_WINDOW, .key = 'w',
	  .help = "trailing changes that define normal (default 20)" },
	{ CLI_OPT_MIN_HISTORY, .key = 'm',
	  .help = "fewest changes needed to judge (default 8)" },
	{ CLI_OPT_SEASONAL, .key = 's',
	  .help = "auto (F test at 1%, default), yes or no" },
	{ .name = "allow-partial", .key = 'P',
	  .help = "judge a partial period (e.g. two months of three)" },
	{ .name = "half-life", .key = 'H', .type = CLI_DOUBLE, .arg = "H",
	  .lo = 0, .flags = CLI_OPT_LO_OPEN | CLI_OPT_NO_HI,
	  .help = "EWMA half-life in periods (default N/4), JSON only" },
	{ CLI_OPT_AS_OF, .key = 'V',
	  .help = "the data as they stood at DATE (a vintage)" },
	{ .name = "format", .key = 'f', .type = CLI_STR, .arg = "F",
	  .values = "text csv tsv json ndjson",
	  .help = "text (default), csv, tsv, json or ndjson" },
	{ CLI_OPT_KIND, .key = 'K', .label = "--kind K, --series NAME",
	  .help = "with SERIES '-': a CSV on standard input is\n"
		  "read into a private in-memory store (layout as\n"
		  "assay import finds it; NAME names a date,value\n"
		  "file's series, K its kind: flow, price or stock)" },
	{ .name = "series", .key = 'S', .type = CLI_STR, .arg = "NAME" },
	{ .name = "decimal", .key = 'D', .type = CLI_STR, .arg = "C",
	  .help = "with SERIES '-': the decimal mark, . or , (as\n"
		  "assay import --decimal)" },
	{ .name = NULL }
};

static const struct cli_optset check_set = {
	"check", usage_head, usage_after, 18, check_opts
};

int cmd_check(int argc, char **argv)
{
	struct cli_filter filter = { 0 };
	assay_analysis_opts an;
	struct jc_period period = { 0 };
	enum out_format fmt = OUT_TEXT;
	char vintage[40];
	const char *as_of = NULL;
	struct cli_optarg o;
	int c, rc;

	assay_analysis_opts_init(&an);
	an.judge.scales = 1;
	while ((c = cli_opt_next(&check_set, argc, argv, &o)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return o.status;
		case 'p':
			if ((rc = jc_period_parse("check", "--period", o.s, &period)))
				return rc;
			break;
		case 'F':
			if ((rc = cli_parse_freq("check", o.s, &an.freq)))
				return rc;
			break;
		case 'A': an.judge.alpha = o.d; break;
		case 'w': an.judge.window = (int)o.l; break;
		case 'm': an.judge.min_history = (int)o.l; break;
		case 's':
			if (assay_seasonal_parse(o.s, &an.judge.seasonal))
				return cli_usage_error("check", "--seasonal takes auto, yes or no");
			break;
		case 'P': an.allow_partial = 1; break;
		case 'H': an.judge.half_life = o.d; break;
		case 'V':
			if ((rc = jc_as_of("check", o.s, vintage, sizeof vintage)))
				return rc;
			as_of = vintage;
			break;
		case 'f':
			if (out_format_parse_all(o.s, 1, &fmt) || fmt == OUT_TABLE)
				return cli_usage_error("check", "--format takes text, csv, tsv, "
						       "json or ndjson, not '%s'", o.s);
			break;
		case 'K': filter.kind = o.s; break;
		case 'S': filter.series = o.s; break;
		case 'D': filter.decimal = o.s; break;
		}
	}
	if (optind >= argc)
		return cli_usage_error("check", "give one or more SERIES (names or patterns)");
	if ((rc = cli_filter_args("check", &argc, &argv, &filter)))
		return rc;

	assay_store *st;
	char **names = NULL;
	size_t n = 0;
	struct cli_freq_note fnote = { .asked = an.freq };
	if ((rc = cli_open_store(&st, 1)))
		return rc;
	/* One read transaction for the names and every series: one snapshot,
	 * as changes and export read (an import committing meanwhile made a
	 * batch judge some series on its values and the others on the old). */
	assay_error err;
	if (assay_store_read_begin(st, &err)) {
		rc = cli_report(&err);
		assay_store_close(st);
		return rc;
	}
	/* A name that misses is reported and the others judged, as a
	 * series that fails is (exit 2 at the end). */
	int missed = cli_resolve_series(st, argv + optind, argc - optind,
					CLI_RESOLVE_GO_ON, &names, &n);
	if (missed && missed != ASSAY_EUSAGE) {
		assay_store_close(st);
		return missed;
	}
	out.fmt = fmt;
	out.rows = 0;
	out.multi = cli_series_multi(argv + optind, argc - optind);
	/* Many series: the worst answer wins, errors first (4, then 2), then
	 * a notable move (1) before a move that cannot be judged (3), then
	 * noise (0); a series that fails is reported and the others go on. */
	static const int rank[] = { [ASSAY_OK] = 0, [ASSAY_ECANNOT] = 1,
		[ASSAY_NOTABLE] = 2, [ASSAY_EUSAGE] = 3, [ASSAY_EIO] = 4 };
	int status = missed ? ASSAY_EUSAGE : ASSAY_OK;
	for (size_t i = 0; i < n; i++) {
		rc = check_one(st, names[i], an, &period, as_of, fmt, &fnote);
		if (rc < 0 || rc > ASSAY_EIO)
			rc = ASSAY_EIO;
		if (rank[rc] > rank[status])
			status = rc;
		if (cli_stdout_errno())
			break;  /* nowhere to write the rest */
	}
	if (fmt == OUT_JSON && out.multi)
		fputs(out.rows ? "\n]\n" : "[]\n", stdout);
	json_decref(out.columns);
	out.columns = NULL;
	if (fflush(stdout) || ferror(stdout))
		status = cli_write_error();
	else
		cli_freq_note_print(&fnote, "check");
	assay_strv_free(names, n);
	assay_store_read_end(st, &err);
	assay_store_close(st);
	return status;
}
