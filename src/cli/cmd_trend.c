/*
 * assay trend: is a series trending, how fast, and where did its level
 * break?  Mann-Kendall (four variants), Sen's slope with its confidence
 * interval, log-linear growth, and PELT change points (src/METHODS.md
 * sections 5 and 6; the library does the work: trend.h, changepoint.h).
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/changepoint.h"
#include "assay/resample.h"
#include "assay/trend.h"
#include "cli.h"
#include "json_out.h"
#include "commands.h"
#include "judge_common.h"
#include "optable.h"
#include "output.h"

static const char usage[] =
	"Usage: assay trend SERIES [--freq M|Q|A] [--from P] [--to P]\n"
	"                   [--as-of DATE] [--variant V] [--alpha A]\n"
	"                   [--penalty mbic|bic|NUMBER] [--min-segment N]\n"
	"                   [--format table|csv|tsv|json|ndjson]\n"
	"\n"
	"Test SERIES for a monotonic trend, estimate its slope and growth rate,\n"
	"and find the periods where its level shifted.\n"
	"\n";

/* after the option lines */
static const char usage_after[] =
	"\n"
	"Mann-Kendall: S, Var S with the tie correction (times n/n* for\n"
	"hamed-rao and yue-wang), z with continuity correction, two-sided p;\n"
	"tau = S / (n(n-1)/2) as pyMannKendall, tau_b the tie-adjusted one as\n"
	"scipy's kendalltau.  Sen's slope: the median pairwise slope per period\n"
	"(and per year), CI after Gilbert (1987) as R's sens.slope.  Growth: least\n"
	"squares on log levels, percent per year with SE (delta method), CI and\n"
	"R^2.  Change points: PELT on the level standardised by Qn of the first\n"
	"differences / sqrt(2), so that units do not matter; each with its first\n"
	"period and the mean level before and after.\n"
	"\n"
	"Exit status: 0 success, 2 bad usage or unknown series, 3 too few\n"
	"observations to test, 4 database error.\n"
	"\n"
	"Examples:\n"
	"  assay trend bgs/democratic-republic-of-congo/cobalt\n"
	"  assay trend wb/copper --freq Q --from 2000 --variant hamed-rao --format json\n";

/* ---- output: one record of named values, three renderings ----------- */

enum kv_type { KV_STR, KV_NUM, KV_INT, KV_BOOL };

struct kv {
	const char *key;
	enum kv_type type;
	const char *s;          /* KV_STR; NULL: NA */
	double num;             /* KV_NUM; non-finite: NA */
	long long i;            /* KV_INT, KV_BOOL */
};

struct record {
	struct kv kv[64];
	int n;
};

static void put_str(struct record *r, const char *k, const char *s)
{
	r->kv[r->n++] = (struct kv){ .key = k, .type = KV_STR, .s = s };
}

static void put_num(struct record *r, const char *k, double v)
{
	r->kv[r->n++] = (struct kv){ .key = k, .type = KV_NUM, .num = v };
}

static void put_int(struct record *r, const char *k, long long v)
{
	r->kv[r->n++] = (struct kv){ .key = k, .type = KV_INT, .i = v };
}

static void put_bool(struct record *r, const char *k, int v)
{
	r->kv[r->n++] = (struct kv){ .key = k, .type = KV_BOOL, .i = v != 0 };
}

struct cp_row {
	char period[32];        /* first period at the new level */
	size_t index;           /* its 0-based position in the analysed data */
	double before, after;   /* segment means either side */
};

/* A number, null when NA (json_out writes its shortest exact text). */
static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static int print_json(const struct record *r, const struct cp_row *cp,
		      size_t ncp, double scale, int nd)
{
	json_t *o = json_object();
	for (int k = 0; k < r->n; k++) {
		const struct kv *e = &r->kv[k];
		json_t *v;
		switch (e->type) {
		case KV_STR: v = e->s ? out_json_text(e->s) : json_null(); break;
		case KV_NUM: v = jnum(e->num); break;
		case KV_INT: v = json_integer(e->i); break;
		default: v = json_boolean(e->i); break;
		}
		json_object_set_new(o, e->key, v);
	}
	json_t *a = json_array();
	for (size_t j = 0; j < ncp; j++) {
		json_t *c = json_object();
		json_object_set_new(c, "period", json_string(cp[j].period));
		json_object_set_new(c, "index", json_integer((json_int_t)cp[j].index));
		json_object_set_new(c, "before", jnum(cp[j].before));
		json_object_set_new(c, "after", jnum(cp[j].after));
		json_object_set_new(c, "change",
				    jnum(cp[j].after - cp[j].before));
		json_object_set_new(c, "change_scaled",
				    jnum((cp[j].after - cp[j].before) / scale));
		json_array_append_new(a, c);
	}
	json_object_set_new(o, "changepoints", a);
	int rc = json_out_write(stdout, o, nd ? 0 : 2, 0);
	json_decref(o);
	fputc('\n', stdout);
	return rc || ferror(stdout) ? -1 : 0;
}

/* Text of one value: shortest round trip (csv), or 6 significant digits
 * (table: for reading; csv and json carry every digit). */
static void kv_text(const struct kv *e, int human, char *buf, size_t n)
{
	switch (e->type) {
	case KV_STR: snprintf(buf, n, "%s", e->s ? e->s : (human ? "NA" : "")); break;
	case KV_INT: snprintf(buf, n, "%lld", e->i); break;
	case KV_BOOL: snprintf(buf, n, "%s", e->i ? "true" : "false"); break;
	default:
		if (!isfinite(e->num))
			snprintf(buf, n, "%s", human ? "NA" : "");
		else if (human)
			snprintf(buf, n, "%.6g", e->num);
		else
			out_fmt_double(e->num, buf, n);
	}
}

static int print_csv(const struct record *r, const struct cp_row *cp,
		     size_t ncp, enum out_format fmt)
{
	static const char *cols[65];
	char buf[64];
	int k;
	for (k = 0; k < r->n; k++)
		cols[k] = r->kv[k].key;
	cols[k] = "changepoints";
	out_table *t = out_table_new(cols, r->n + 1);
	for (k = 0; k < r->n; k++) {
		const struct kv *e = &r->kv[k];
		if ((e->type == KV_STR && !e->s) ||
		    (e->type == KV_NUM && !isfinite(e->num))) {
			out_null(t);
			continue;
		}
		kv_text(e, 0, buf, sizeof buf);
		out_str(t, buf);
	}
	/* The list in one field: PERIOD:BEFORE:AFTER separated by ';'. */
	size_t cap = 64 + ncp * 96, len = 0;
	char *list = cli_xmalloc(cap);
	list[0] = 0;
	for (size_t j = 0; j < ncp; j++) {
		char b[40], a[40];
		len += (size_t)snprintf(list + len, cap - len, "%s%s:%s:%s",
					j ? ";" : "", cp[j].period,
					out_fmt_double(cp[j].before, b, sizeof b),
					out_fmt_double(cp[j].after, a, sizeof a));
	}
	out_str(t, list);
	free(list);
	int rc = out_table_print(t, stdout, fmt);
	out_table_free(t);
	return rc;
}

/* A level with `dec` decimals (0: a whole number), right-aligned. */
static void out_level(out_table *t, double v, int dec)
{
	if (dec > 0)
		out_num(t, v, dec);
	else
		out_num(t, nearbyint(v), 0);
}

static int print_table(const struct record *r, const struct cp_row *cp,
		       size_t ncp, double scale)
{
	static const char *const cols[] = { "statistic", "value" };
	static const char *const ccols[] = {
		"period", "before", "after", "change", "change_scaled"
	};
	char buf[64];
	out_table *t = out_table_new(cols, 2);
	for (int k = 0; k < r->n; k++) {
		out_str(t, r->kv[k].key);
		kv_text(&r->kv[k], 1, buf, sizeof buf);
		out_str(t, buf);
	}
	int rc = out_table_print(t, stdout, OUT_TABLE);
	out_table_free(t);
	if (rc)
		return rc;
	if (!ncp) {
		fputs("\nchange points: none\n", stdout);
		return ferror(stdout) ? -1 : 0;
	}
	fputs("\nchange points:\n", stdout);
	/* Levels to about five significant digits of the largest. */
	double big = 0;
	for (size_t j = 0; j < ncp; j++) {
		if (fabs(cp[j].before) > big) big = fabs(cp[j].before);
		if (fabs(cp[j].after) > big) big = fabs(cp[j].after);
	}
	int dec = big > 0 ? 4 - (int)floor(log10(big)) : 2;
	dec = dec < 0 ? 0 : dec > 10 ? 10 : dec;
	t = out_table_new(ccols, 5);
	for (size_t j = 0; j < ncp; j++) {
		out_str(t, cp[j].period);
		out_level(t, cp[j].before, dec);
		out_level(t, cp[j].after, dec);
		out_level(t, cp[j].after - cp[j].before, dec);
		out_num(t, (cp[j].after - cp[j].before) / scale, 2);
	}
	rc = out_table_print(t, stdout, OUT_TABLE);
	out_table_free(t);
	return rc;
}

/* ---- the command ------------------------------------------------------ */

struct trend_args {
	const char *series;
	assay_freq freq;        /* --freq, or NONE: native */
	const char *from, *to;
	const char *as_of;      /* normalised vintage or NULL */
	assay_trend_opts topt;
	assay_cpt_opts copt;
	enum out_format fmt;
};

/* Bring obs to frequency `to` (resample.h: by the series' kind, each
 * period flagged partial unless all its sub-periods are there).  Partial
 * periods and gaps are left out of the analysis: a trend test on a
 * two-month "quarter" would compare it as if it were whole. */
static int resample(const assay_series_info *info, assay_obs *obs,
		    assay_freq to, assay_period lo, assay_period hi,
		    size_t *partial_dropped)
{
	assay_resampled rs;
	assay_error err;

	*partial_dropped = 0;
	if (to == info->freq)
		return 0;
	if (assay_resample(obs, info->freq, info->kind, to, &rs, &err))
		return cli_error(err.status, "%s: %s", info->name, err.msg);
	size_t n = 0;
	for (size_t i = 0; i < rs.n; i++) {
		if (rs.period[i] < lo || rs.period[i] > hi)
			continue;
		if (rs.partial[i]) {
			(*partial_dropped)++;
			continue;
		}
		if (!isfinite(rs.value[i]))
			continue;
		obs->period[n] = rs.period[i];
		obs->value[n++] = rs.value[i];
	}
	obs->n = n;                 /* fewer periods than observations */
	assay_resampled_release(&rs);
	return 0;
}

static const struct cli_opt trend_opts[] = {
	{ CLI_OPT_FREQ, .key = 'q',
	  .help = "analyse at frequency F (resampled by the series' kind:\n"
		  "flow summed, price averaged, stock last value;\n"
		  "partial periods are left out); default: native; a\n"
		  "series already at a lower one keeps its own, noted" },
	{ .name = "from", .key = 'F', .type = CLI_STR, .arg = "P",
	  .label = "--from P, --to P",
	  .help = "analyse the periods from P to P only (e.g. 1990, 2003Q2)" },
	{ .name = "to", .key = 'T', .type = CLI_STR, .arg = "P" },
	{ CLI_OPT_AS_OF, .key = 'a',
	  .help = "the data as it stood at DATE (a vintage)" },
	{ .name = "variant", .key = 'v', .type = CLI_STR, .arg = "V",
	  .values = "original hamed-rao yue-wang seasonal",
	  .help = "Mann-Kendall variant: original (default), hamed-rao,\n"
		  "yue-wang (variance corrected for autocorrelation) or\n"
		  "seasonal (seasonal Kendall; monthly or quarterly data)" },
	{ CLI_OPT_ALPHA, .key = 'A',
	  .help = "level of the test and of the intervals (default 0.05)" },
	{ .name = "penalty", .key = 'p', .type = CLI_STR, .arg = "P",
	  .values = "mbic bic",
	  .help = "change point penalty: mbic (default), bic, or a number" },
	{ .name = "min-segment", .key = 'm', .type = CLI_LONG, .arg = "N",
	  .lo = 1, .flags = CLI_OPT_NO_HI,
	  .help = "shortest segment between change points (default 2)" },
	{ .name = "format", .key = 'f', .type = CLI_STR, .arg = "F",
	  .values = "table csv tsv json ndjson",
	  .help = "table (default), csv, tsv, json or ndjson" },
	{ .name = NULL }
};

static const struct cli_optset trend_set = {
	"trend", usage, usage_after, 17, trend_opts
};

/* The options into ar (vintage: room for --as-of's time); returns 0, -1
 * after --help, or the exit status of a usage error. */
static int parse_args(int argc, char **argv, struct trend_args *ar,
		      char *vintage, size_t vsize)
{
	struct cli_optarg o;
	int c;

	memset(ar, 0, sizeof *ar);
	assay_trend_opts_init(&ar->topt);
	assay_cpt_opts_init(&ar->copt);
	ar->fmt = OUT_TABLE;
	while ((c = cli_opt_next(&trend_set, argc, argv, &o)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return o.status ? o.status : -1;
		case 'q':
			if (cli_parse_freq("trend", o.s, &ar->freq))
				return ASSAY_EUSAGE;
			break;
		case 'F': ar->from = o.s; break;
		case 'T': ar->to = o.s; break;
		case 'a':
			if (jc_as_of("trend", o.s, vintage, vsize))
				return ASSAY_EUSAGE;
			ar->as_of = vintage;
			break;
		case 'v':
			if (assay_mk_variant_parse(o.s, &ar->topt.variant))
				return cli_usage_error("trend", "--variant takes original, "
						       "hamed-rao, yue-wang or seasonal, "
						       "not '%s'", o.s);
			break;
		case 'A': ar->topt.alpha = o.d; break;
		case 'p':
			if (assay_penalty_parse(o.s, &ar->copt))
				return cli_usage_error("trend", "--penalty takes mbic, bic or "
						       "a number >= 0, not '%s'", o.s);
			break;
		case 'm': ar->copt.min_seg = (size_t)o.l; break;
		case 'f':
			if (out_format_parse_all(o.s, 0, &ar->fmt))
				return cli_usage_error("trend", "--format takes " OUT_FORMATS_ALL
						       ", not '%s'", o.s);
			break;
		}
	}
	return cli_check_range("trend", ar->from, ar->to);
}

/* The result's fields, in the order of every format.  The record points
 * into txt (the texts of the frequency and the first and last periods),
 * which must outlive it. */
struct record_text {
	char first[32], last[32], fr[2];
};

static void fill_record(struct record *r, struct record_text *txt,
			const assay_series_info *info,
			assay_freq freq, const assay_obs *obs, size_t n,
			size_t partial, const struct trend_args *ar,
			const assay_trend *tr, const assay_cpts *cp)
{
	char *first = txt->first, *last = txt->last, *fr = txt->fr;
	fr[0] = (char)freq;
	fr[1] = 0;
	r->n = 0;
	put_str(r, "series", info->name);
	put_str(r, "freq", fr);
	put_str(r, "from", assay_period_format(freq, obs->period[0], first, sizeof txt->first));
	put_str(r, "to", assay_period_format(freq, obs->period[n - 1], last, sizeof txt->last));
	put_int(r, "n", (long long)n);
	put_int(r, "partial_dropped", (long long)partial);
	put_str(r, "variant", assay_mk_variant_name(ar->topt.variant));
	put_num(r, "alpha", ar->topt.alpha);
	put_int(r, "seasons", tr->mk.seasons);
	put_int(r, "mk_s", tr->mk.s);
	put_num(r, "mk_var_s", tr->mk.var_s);
	put_num(r, "mk_var_s_ties", tr->mk.var_s0);
	put_num(r, "mk_n_ns", tr->mk.n_ns_raw);
	put_bool(r, "mk_correction_dropped", tr->mk.var_guarded);
	put_num(r, "mk_z", tr->mk.z);
	put_num(r, "mk_p", tr->mk.p);
	put_num(r, "tau", tr->mk.tau);
	put_num(r, "tau_b", tr->mk.tau_b);
	put_str(r, "trend", tr->mk.p < ar->topt.alpha ?
			     (tr->mk.s > 0 ? "increasing" : "decreasing") :
			     "no trend");
	put_num(r, "sen_slope", tr->sen_slope_period);
	put_num(r, "sen_lo", tr->sen_lo_period);
	put_num(r, "sen_hi", tr->sen_hi_period);
	put_num(r, "sen_slope_per_year", tr->sen_slope_year);
	put_num(r, "sen_lo_per_year", tr->sen_lo_year);
	put_num(r, "sen_hi_per_year", tr->sen_hi_year);
	put_num(r, "sen_intercept", tr->sen.intercept);
	put_int(r, "sen_pairs", tr->sen.pairs);
	put_num(r, "growth_pct_per_year", tr->growth.pct);
	put_num(r, "growth_se", tr->growth.se);
	put_num(r, "growth_lo", tr->growth.lo);
	put_num(r, "growth_hi", tr->growth.hi);
	put_num(r, "growth_r2", tr->growth.r2);
	put_num(r, "log_slope_per_year", tr->growth.log_slope);
	put_num(r, "log_slope_se", tr->growth.log_slope_se);
	/* why the growth fields are NA, so that NA never reads as "no growth" */
	put_str(r, "growth_note", tr->growth.ok ? NULL : n < 3 ?
		"fewer than 3 observations" :
		"values <= 0: no growth rate (see sen_slope, in units)");
	put_str(r, "penalty", assay_penalty_name(ar->copt.penalty));
	put_num(r, "penalty_value", cp->penalty);
	put_int(r, "min_segment", (long long)ar->copt.min_seg);
	put_num(r, "noise_scale", cp->scale);
	put_str(r, "noise_scale_method",
		cp->scale_source == ASSAY_SCALE_QN ? "qn-of-differences" :
		cp->scale_source == ASSAY_SCALE_SD ? "sd-of-differences" :
		"constant");
	put_int(r, "n_changepoints", cp->nseg ? (long long)cp->nseg - 1 : 0);

}

/* The observations analysed, in place: resampled to freq, within
 * --from/--to at that frequency, NA values left out (*n of them;
 * *partial: the partial periods dropped). */
/* A test that refused the series' data (too few, too large): named with
 * the series, as every data error is; I/O errors as they come. */
static int series_error(const struct trend_args *ar, const assay_error *err)
{
	if (err->status == ASSAY_EIO)
		return cli_report(err);
	return cli_error(err->status, "%s: %s", ar->series, err->msg);
}

static int window_obs(const struct trend_args *ar, const assay_series_info *info,
		      assay_freq freq, assay_obs *obs, size_t *n, size_t *partial)
{
	assay_series_info at = *info;
	at.freq = freq;
	assay_period lo = INT64_MIN, hi = INT64_MAX;
	int status;
	if (cli_period_bound(&at, ar->from, &lo, "--from") ||
	    cli_period_bound(&at, ar->to, &hi, "--to"))
		return ASSAY_EUSAGE;
	if ((status = resample(info, obs, freq, lo, hi, partial)))
		return status;
	*n = 0;
	for (size_t i = 0; i < obs->n; i++)
		if (obs->period[i] >= lo && obs->period[i] <= hi &&
		    isfinite(obs->value[i])) {
			obs->period[*n] = obs->period[i];
			obs->value[(*n)++] = obs->value[i];
		}
	return 0;
}

/* The record and the change points in the format asked for; 0 or -1
 * on a write error. */
static int print_result(const struct record *r, const struct trend_args *ar,
			assay_freq freq, const assay_obs *obs,
			const assay_cpts *cp)
{
	size_t ncp = cp->nseg ? cp->nseg - 1 : 0;
	struct cp_row *rows = cli_xcalloc(ncp, sizeof *rows);
	for (size_t j = 0; j < ncp; j++) {
		size_t i = cp->seg_start[j + 1];
		assay_period_format(freq, obs->period[i], rows[j].period,
				    sizeof rows[j].period);
		rows[j].index = i;
		rows[j].before = cp->seg_mean[j];
		rows[j].after = cp->seg_mean[j + 1];
	}
	int rc = ar->fmt == OUT_JSON || ar->fmt == OUT_NDJSON ?
			print_json(r, rows, ncp, cp->scale, ar->fmt == OUT_NDJSON) :
		 ar->fmt == OUT_CSV || ar->fmt == OUT_TSV ?
			print_csv(r, rows, ncp, ar->fmt) :
		 print_table(r, rows, ncp, cp->scale);
	free(rows);
	return rc;
}

int cmd_trend(int argc, char **argv)
{
	struct trend_args ar;
	char vintage[32];
	assay_error err;
	int status = parse_args(argc, argv, &ar, vintage, sizeof vintage);
	if (status)
		return status < 0 ? 0 : status;
	if (optind + 1 != argc)
		return cli_usage_error("trend", "give exactly one SERIES");
	ar.series = argv[optind];

	assay_store *st;
	assay_series_info info;
	assay_obs obs;
	memset(&obs, 0, sizeof obs);
	if ((status = cli_open_store(&st, 1)))
		return status;
	int found = assay_store_series_get(st, ar.series, &info, &err);
	if (found <= 0) {
		status = found < 0 ? cli_report(&err)
				   : cli_no_series(st, ar.series, cli.db_path);
		assay_store_close(st);
		return status;
	}
	if (assay_store_load(st, info.id, ar.as_of, &obs, &err)) {
		status = cli_report(&err);
		goto out;
	}
	struct cli_freq_note fnote = { .asked = ar.freq };
	cli_freq_note_add(&fnote, ar.series, info.freq);
	assay_freq freq = cli_freq_effective(ar.freq, info.freq);
	if (ar.topt.variant == ASSAY_MK_SEASONAL) {
		if (freq != ASSAY_FREQ_M && freq != ASSAY_FREQ_Q) {
			status = cli_usage_error("trend", "--variant seasonal needs monthly or quarterly data (try --freq Q or M)");
			goto out;
		}
		ar.topt.period = freq == ASSAY_FREQ_M ? 12 : 4;
	}
	assay_trend_opts_units(&ar.topt, freq);

	size_t n = 0, partial = 0;
	if ((status = window_obs(&ar, &info, freq, &obs, &n, &partial)))
		goto out;

	assay_trend tr;
	assay_cpts cp;
	memset(&cp, 0, sizeof cp);
	if (assay_trend_run(obs.period, obs.value, n, &ar.topt, &tr, &err)) {
		status = series_error(&ar, &err);
		goto out;
	}
	if (assay_pelt(obs.value, n, &ar.copt, &cp, &err)) {
		status = series_error(&ar, &err);
		goto out;
	}

	struct record r;
	struct record_text txt;
	fill_record(&r, &txt, &info, freq, &obs, n, partial, &ar, &tr, &cp);
	if (print_result(&r, &ar, freq, &obs, &cp))
		status = cli_write_error();
	else
		cli_freq_note_print(&fnote, "trend");
	assay_cpts_release(&cp);
out:
	assay_obs_release(&obs);
	assay_series_info_release(&info);
	assay_store_close(st);
	return status;
}
