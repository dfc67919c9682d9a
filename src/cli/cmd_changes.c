/*
 * assay changes: one row per period of one or many series -- value, the
 * observations behind it, the changes, the trailing noise scale and the
 * verdict on the move -- from the analysis library (analysis.h).
 *
 * Many series run in one process on one store connection
 * (scripts/bench-analysis judges 10,000 series), inside one read
 * transaction, so all rows come from one state of the store.  The
 * library's pipeline
 * (assay_each_series_run, scan.h) reads the series in worker threads,
 * taking turns on the connection; the threads analyse and format each
 * series here (on_series), and the main thread writes each finished batch
 * in order (on_batch) while they go on with the next.  csv and json rows
 * are streamed batch by batch; the aligned table, whose widths depend on
 * every row, takes the cells the workers formatted into an out_table that
 * keeps them in a temporary file past a few megabytes, and is printed at
 * the end.
 */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assay/analysis.h"
#include "assay/scan.h"
#include "cli.h"
#include "commands.h"
#include "judge_common.h"
#include "optable.h"
#include "assay/units.h"
#include "numfmt.h"
#include "output.h"
#include "progress.h"

static const char usage[] =
	"Usage: assay changes SERIES... [--freq M|Q|A] [--from P] [--to P]\n"
	"                     [--window N] [--min-history N] [--alpha A]\n"
	"                     [--seasonal auto|yes|no] [--allow-partial]\n"
	"                     [--as-of DATE] [--to-unit U] [--format F] [--jobs N]\n"
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
	"shock or trend) follow the calibrated rules of 'assay check --help'.\n"
	"Partial periods (a quarter with two months of data) are shown, marked,\n"
	"and not compared; a gap makes the change across it NA, never 0%.  NA is\n"
	"empty in csv and tsv, null in json, NA in the table.  Numbers in csv,\n"
	"tsv, json and ndjson are the shortest text that reads back to the same\n"
	"double; the table rounds them for the eye: value to 12 significant\n"
	"digits, pct_change and yoy_change to 2 decimals, log_change and sigma\n"
	"to 5, stat to 3, p_value to 4 (from 1e15, six significant digits:\n"
	"1.20759e+80).\n"
	"\n"
	"SERIES may be several names and glob patterns ('wb/*'); with more than\n"
	"one argument or any pattern, a first column 'series' names each row's\n"
	"series.  All series run in one process on one database connection.  A\n"
	"series that cannot be resampled as asked (no kind to aggregate by)\n"
	"is reported on stderr and skipped, and the exit status is then 2.  Over\n"
	"many series a progress bar is drawn on stderr when it is a terminal\n"
	"(not while the rows go to that same terminal; -q turns it off).\n"
	"\n"
	"Options:\n";

/* after the option lines */
static const char usage_after[] =
	"\n"
	"Exit status:\n"
	"  0  success\n"
	"  2  usage error, unknown series or impossible frequency\n"
	"  4  database or I/O error\n"
	"\n"
	"Examples:\n"
	"  assay changes wb/copper --freq Q --from 2023Q1\n"
	"  assay changes 'wb/*' --freq A --format csv > changes.csv\n"
	"  assay changes bgs/democratic-republic-of-congo/cobalt --from 2006 --to 2011\n";

static const char *const cols[] = {
	"series", "period", "value", "n_obs", "partial", "pct_change",
	"log_change", "yoy_change", "sigma", "stat", "p_value", "verdict"
};
#define NCOLS 12

/* ---- a growing text buffer ------------------------------------------------ */

struct sbuf {
	char *p;
	size_t n, cap;
};

static char *sb_room(struct sbuf *b, size_t more)
{
	if (b->n + more > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + more)
			cap *= 2;
		b->p = cli_xrealloc(b->p, cap);
		b->cap = cap;
	}
	return b->p + b->n;
}

/* ---- csv: one line per row ----------------------------------------------- */

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

static char *put_num(char *p, double v, char sep)
{
	if (isfinite(v))
		p += numfmt_shortest(v, p);
	*p++ = sep;
	return p;
}

/* The series name as a csv field (RFC 4180 quoting when needed), or as a
 * tsv field, by output.c's rules (out_csv_needs_quotes, out_tsv_escape). */
static char *put_name(char *p, const char *name, char sep)
{
	if (sep == '\t') {
		for (const char *q = name; *q; q++) {
			const char *e = out_tsv_escape(*q);
			if (e) {
				*p++ = e[0];
				*p++ = e[1];
			} else {
				*p++ = *q;
			}
		}
	} else if (out_csv_needs_quotes(name)) {
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
	*p++ = sep;
	return p;
}

/* One csv (sep ',') or tsv (sep '\t') line; numbers in their shortest
 * round-trip text.  field: the series column as put_name writes it, sep
 * included (made once per series), or NULL. */
static void csv_row(struct sbuf *b, const char *field, size_t flen,
		    const assay_analysis *a, size_t i, char sep)
{
	const assay_resampled *s = &a->s;
	const assay_judgement *j = &a->j[i];
	char *start = sb_room(b, flen + 512), *p = start;
	if (field) {
		memcpy(p, field, flen);
		p += flen;
	}
	p = put_period(p, s->freq, s->period[i]);
	*p++ = sep;
	p = put_num(p, s->value[i], sep);
	p = put_int(p, s->n_obs[i]);
	*p++ = sep;
	memcpy(p, s->partial[i] ? "true" : "false", s->partial[i] ? 4 : 5);
	p += s->partial[i] ? 4 : 5;
	*p++ = sep;
	p = put_num(p, a->c.pct[i], sep);
	p = put_num(p, a->c.log[i], sep);
	p = put_num(p, a->c.yoy[i], sep);
	p = put_num(p, j->noise.sd, sep);
	p = put_num(p, j->stat, sep);
	p = put_num(p, j->p, sep);
	const char *v = assay_verdict_name(j->verdict);
	if (v) {
		size_t l = strlen(v);
		memcpy(p, v, l);
		p += l;
	}
	*p++ = '\n';
	b->n += (size_t)(p - start);
}

/* ---- json: written directly, byte for byte as jansson + json_out ------ */

/* The series name as a json string (with its quotes), written by
 * out_json_string (the one owner of the escapes) into a malloc'd string;
 * NULL when jansson refuses it (not UTF-8): the rows then have no
 * "series" member, as json_object_set_new leaves them when json_string
 * fails.  Once per series, not per row. */
static char *json_name(const char *name)
{
	json_t *js = out_json_text(name);
	if (!js)
		return NULL;
	json_decref(js);
	char *q = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&q, &len);
	if (!fp)
		cli_die_oom();
	out_json_string(fp, name);
	if (fclose(fp) || !q)
		cli_die_oom();
	return q;
}

/* A number as json_out writes a real (out_json_double, its one owner):
 * the shortest round-trip text, ".0" added when it reads as an integer;
 * null for NA.  p has room for 64 bytes (json_row reserves them). */
static char *put_jnum(char *p, double v)
{
	if (!isfinite(v)) {
		memcpy(p, "null", 4);
		return p + 4;
	}
	out_json_double(v, p, 64);
	return p + strlen(p);
}

/* The member names with what precedes them, in the indented layout of
 * every json output (JSON_INDENT(2), one level deep) and compact. */
enum { JK_SERIES, JK_PERIOD, JK_VALUE, JK_N_OBS, JK_PARTIAL, JK_PCT, JK_LOG,
       JK_YOY, JK_SIGMA, JK_STAT, JK_P, JK_VERDICT };

static char *put_key(char *p, int k, int first, int nd)
{
	if (!first)
		*p++ = ',';
	if (!nd) {
		memcpy(p, "\n    ", 5);
		p += 5;
	}
	*p++ = '"';
	size_t l = strlen(cols[k]);
	memcpy(p, cols[k], l);
	p += l;
	*p++ = '"';
	*p++ = ':';
	if (!nd)
		*p++ = ' ';
	return p;
}

/* json: each row is ",\n  {...}" in the indented layout (the writer turns
 * the first "," into "["); ndjson: "{...}\n".  jname: json_name's text,
 * or NULL (no series member). */
static void json_row(struct sbuf *b, int multi, const char *jname,
		     const assay_analysis *a, size_t i, int nd)
{
	const assay_resampled *s = &a->s;
	const assay_judgement *j = &a->j[i];
	size_t nl = jname ? strlen(jname) : 0;
	char *start = sb_room(b, nl + 1024), *p = start;
	int first = 1;
	if (!nd) {
		memcpy(p, ",\n  ", 4);
		p += 4;
	}
	*p++ = '{';
	if (multi && jname) {
		p = put_key(p, JK_SERIES, first, nd);
		memcpy(p, jname, nl);
		p += nl;
		first = 0;
	}
	p = put_key(p, JK_PERIOD, first, nd);
	*p++ = '"';
	p = put_period(p, s->freq, s->period[i]);
	*p++ = '"';
	p = put_key(p, JK_VALUE, 0, nd);
	p = put_jnum(p, s->value[i]);
	p = put_key(p, JK_N_OBS, 0, nd);
	p = put_int(p, s->n_obs[i]);
	p = put_key(p, JK_PARTIAL, 0, nd);
	memcpy(p, s->partial[i] ? "true" : "false", s->partial[i] ? 4 : 5);
	p += s->partial[i] ? 4 : 5;
	const double num[6] = { a->c.pct[i], a->c.log[i], a->c.yoy[i],
				j->noise.sd, j->stat, j->p };
	for (int k = 0; k < 6; k++) {
		p = put_key(p, JK_PCT + k, 0, nd);
		p = put_jnum(p, num[k]);
	}
	p = put_key(p, JK_VERDICT, 0, nd);
	const char *v = assay_verdict_name(j->verdict);
	if (v) {
		*p++ = '"';
		memcpy(p, v, strlen(v));
		p += strlen(v);
		*p++ = '"';
	} else {
		memcpy(p, "null", 4);
		p += 4;
	}
	if (!nd) {
		memcpy(p, "\n  ", 3);
		p += 3;
	}
	*p++ = '}';
	if (nd)
		*p++ = '\n';
	b->n += (size_t)(p - start);
}

/* ---- table: buffered for alignment --------------------------------------- */

static void table_row(out_table *t, int multi, const char *name,
		      const assay_analysis *a, size_t i)
{
	const assay_resampled *s = &a->s;
	const assay_judgement *j = &a->j[i];
	char lbl[32];
	if (multi)
		out_str(t, name);
	out_str(t, assay_period_format(s->freq, s->period[i], lbl, sizeof lbl));
	/* for the eye: 12 significant digits, so that a mean like
	 * 9198.249999999998 shows as 9198.25 (csv, tsv and json keep it all) */
	char v12[48];
	if (isfinite(s->value[i]))
		numfmt_sig12(s->value[i], v12, NULL);
	out_num_text(t, s->value[i], v12);
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

/* ---- one series ---------------------------------------------------------- */

struct opts {
	assay_analysis_opts an;
	struct jc_period from, to;
	const char *as_of;
	const char *to_unit;    /* --to-unit, or NULL */
	char vintage[40];
	enum out_format fmt;
	int multi;              /* leading series column */
	out_table *table;       /* OUT_TABLE */
};

/* What one series leaves for the writer: a slot of the ring of
 * assay_each_series_run (scan.h), filled in a worker thread. */
struct job {
	const char *name;
	assay_freq freq;        /* its native frequency */
	int loaded;             /* the series exists and was read */
	struct sbuf out;        /* csv or json text of its rows */
	out_table *rows;        /* the table format: its rows' cells */
	int status;             /* 0, or the exit status of an error */
	char msg[1200];         /* the error, printed in order */
};

/* The series as read by the library: an error to report, or nothing. */
static void job_load(const assay_each_series *s, struct job *jb)
{
	if (!s->found || s->failed) {
		jb->status = s->failed ? (s->err.status ? s->err.status : ASSAY_EIO)
				       : ASSAY_EUSAGE;
		if (s->failed)
			snprintf(jb->msg, sizeof jb->msg, "%s", s->err.msg);
		else
			snprintf(jb->msg, sizeof jb->msg, "no series '%s'", s->name);
	}
	jb->loaded = s->found;
	jb->freq = s->found ? s->info.freq : ASSAY_FREQ_NONE;
}

/* Analyse a loaded series and format its rows (any thread). */
static void job_run(const struct opts *o, const assay_each_series *s,
		    struct job *jb)
{
	assay_analysis a;
	assay_error err;
	if (jb->status)
		return;
	if (o->fmt == OUT_TABLE && !jb->rows)
		jb->rows = out_table_new(o->multi ? cols : cols + 1,
					 o->multi ? NCOLS : NCOLS - 1);
	/* --to-unit: the values, not the changes, are in the unit; converted
	 * in place (the series is this call's own until it returns). */
	if (o->to_unit && (!s->info.unit ||
	    assay_unit_convert_values(s->info.unit, o->to_unit, s->obs.value,
				      s->obs.n, &err))) {
		jb->status = ASSAY_EUSAGE;
		snprintf(jb->msg, sizeof jb->msg, "%s: --to-unit: %s", jb->name,
			 s->info.unit ? err.msg : "the series has no unit");
		return;
	}
	assay_analysis_opts an = o->an;
	assay_freq f = cli_freq_effective(an.freq, s->info.freq);
	an.freq = f;
	assay_period lo = o->from.set ? jc_period_at(&o->from, f, 0) : INT64_MIN;
	assay_period hi = o->to.set ? jc_period_at(&o->to, f, 1) : INT64_MAX;
	an.judge_from = lo;
	if (assay_analyse(&s->obs, s->info.freq, s->info.kind, &an, &a, &err)) {
		jb->status = err.status ? err.status : ASSAY_EIO;
		if (err.status == ASSAY_EUSAGE)
			snprintf(jb->msg, sizeof jb->msg, "%s: %s", jb->name, err.msg);
		else
			snprintf(jb->msg, sizeof jb->msg, "%s", err.msg);
		return;
	}
	char *jname = o->fmt == OUT_JSON || o->fmt == OUT_NDJSON ?
		      json_name(jb->name) : NULL;
	/* the csv or tsv series column, once for all rows */
	char *field = NULL;
	size_t flen = 0;
	if (o->multi && (o->fmt == OUT_CSV || o->fmt == OUT_TSV)) {
		field = cli_xmalloc(2 * strlen(jb->name) + 4);
		flen = (size_t)(put_name(field, jb->name,
					 o->fmt == OUT_CSV ? ',' : '\t') - field);
	}
	for (size_t i = 0; i < a.s.n; i++) {
		if (a.s.period[i] < lo || a.s.period[i] > hi)
			continue;
		switch (o->fmt) {
		case OUT_CSV: csv_row(&jb->out, field, flen, &a, i, ','); break;
		case OUT_TSV: csv_row(&jb->out, field, flen, &a, i, '\t'); break;
		case OUT_JSON: json_row(&jb->out, o->multi, jname, &a, i, 0); break;
		case OUT_NDJSON: json_row(&jb->out, o->multi, jname, &a, i, 1); break;
		default: table_row(jb->rows, o->multi, jb->name, &a, i); break;
		}
	}
	free(jname);
	free(field);
	assay_analysis_release(&a);
}

/* Series kept at their own frequency under --freq (main thread only). */
static struct cli_freq_note freq_note;

/* Write a finished job in order; returns 0, or the status that stops the
 * run (an error is printed here, so that it follows the rows of the series
 * before it).  A series that cannot be analysed as asked (an annual series
 * under --freq Q among many) is reported and skipped; the exit status is
 * then 2 at the end (*later). */
static int job_write(const struct opts *o, struct job *jb,
		     struct progress *bar, size_t *rows_written, int *later)
{
	if (jb->status) {
		progress_done(bar);
		cli_message("assay: ", "%s", jb->msg);
		if (jb->status == ASSAY_EUSAGE && jb->loaded) {
			*later = ASSAY_EUSAGE;
			return 0;
		}
		return jb->status;
	}
	cli_freq_note_add(&freq_note, jb->name, jb->freq);
	if (jb->rows) {
		/* the table: the cells go to the table (which keeps them in a
		 * temporary file past a few megabytes), printed at the end */
		out_table_move(o->table, jb->rows);
		return 0;
	}
	const char *p = jb->out.p;
	size_t n = jb->out.n;
	if (n && *rows_written == 0 && o->fmt == OUT_JSON && *p == ',') {
		/* the first json row opens the array */
		fputc('[', stdout);
		p++;
		n--;
	}
	if ((n && fwrite(p, 1, n, stdout) != n) || ferror(stdout)) {
		/* Stop here: the rows of the series after it have nowhere to
		 * go (the full disk's errno, not what later calls leave). */
		progress_done(bar);
		return cli_write_error();
	}
	*rows_written += jb->out.n ? 1 : 0;
	return 0;
}

/* ---- many series: the library's pipeline --------------------------------- */

struct run {
	const struct opts *o;
	struct job *ring;       /* ASSAY_EACH_RING slots, series k in k % RING */
	size_t n;
	struct progress *bar;
	size_t *rows;
	int *later;
};

/* In a worker thread: series k read; analyse and format it. */
static void on_series(void *ctx, size_t k, const assay_each_series *s)
{
	struct run *r = ctx;
	struct job *jb = &r->ring[k % ASSAY_EACH_RING];
	jb->name = s->name;
	jb->out.n = 0;
	jb->status = 0;
	jb->msg[0] = 0;
	job_load(s, jb);
	job_run(r->o, s, jb);
}

/* In this thread, in order: write series [first, first + count). */
static int on_batch(void *ctx, size_t first, size_t count)
{
	struct run *r = ctx;
	for (size_t k = first; k < first + count; k++) {
		int rc = job_write(r->o, &r->ring[k % ASSAY_EACH_RING], r->bar,
				   r->rows, r->later);
		if (rc)
			return rc;
	}
	progress_update(r->bar, "changes", first + count, r->n);
	return 0;
}

static int run_all(assay_store *st, char **names, size_t n,
		   const struct opts *o, int nthreads, struct progress *bar,
		   size_t *rows, int *later)
{
	struct job *ring = cli_xcalloc(ASSAY_EACH_RING, sizeof *ring);
	assay_error err;
	/* jansson seeds its hash function on first use: do that here */
	json_decref(json_object());
	struct run r = { .o = o, .ring = ring, .n = n, .bar = bar, .rows = rows,
			 .later = later };
	assay_each_opts eo = { .jobs = nthreads, .as_of = o->as_of,
			       .work = on_series, .emit = on_batch, .ctx = &r };
	int rc = assay_each_series_run(st, names, n, &eo, &err);
	if (rc < 0)
		rc = cli_report(&err);
	for (size_t i = 0; i < ASSAY_EACH_RING; i++) {
		free(ring[i].out.p);
		out_table_free(ring[i].rows);
	}
	free(ring);
	return rc;
}

/* ---- the command --------------------------------------------------------- */

static const struct cli_opt changes_opts[] = {
	{ CLI_OPT_FREQ, .key = 'F',
	  .help = "M, Q or A (default: the series' own frequency; a\n"
		  "series already at a lower one keeps its own, noted)" },
	{ .name = "from", .key = 'a', .type = CLI_STR, .arg = "P",
	  .label = "--from P, --to P",
	  .help = "print periods from/to P (2020Q1, 2020-01, 2020);\n"
		  "earlier data still feed the trailing windows" },
	{ .name = "to", .key = 'b', .type = CLI_STR, .arg = "P" },
	{ CLI_OPT_WINDOW, .key = 'w',
	  .help = "changes in the trailing window, 2 to 100000 (default 20)" },
	{ CLI_OPT_MIN_HISTORY, .key = 'm',
	  .help = "fewest changes to judge a move (default 8)" },
	{ CLI_OPT_ALPHA, .key = 'A', .help = "level of the verdict (default 0.05)" },
	{ CLI_OPT_SEASONAL, .key = 's',
	  .help = "auto (F test, default), yes or no" },
	{ .name = "allow-partial", .key = 'P',
	  .help = "compute and judge partial periods too" },
	{ CLI_OPT_AS_OF, .key = 'V',
	  .help = "the data as they stood at DATE (a vintage)" },
	{ .name = "to-unit", .key = 'U', .type = CLI_STR, .arg = "U",
	  .help = "the values converted from the series' unit to U" },
	{ .name = "format", .key = 'f', .type = CLI_STR, .arg = "F",
	  .values = "table csv tsv json ndjson",
	  .help = "table (default), csv or json" },
	{ CLI_OPT_KIND, .key = 'K', .label = "--kind K, --series NAME",
	  .help = "with SERIES '-': a CSV on standard input is\n"
		  "read into a private in-memory store (layout as\n"
		  "assay import finds it; NAME names a date,value\n"
		  "file's series, K its kind: flow, price or stock)" },
	{ .name = "series", .key = 'S', .type = CLI_STR, .arg = "NAME" },
	{ .name = "decimal", .key = 'D', .type = CLI_STR, .arg = "C",
	  .help = "with SERIES '-': the decimal mark, . or , (as\n"
		  "assay import --decimal)" },
	{ CLI_OPT_JOBS,
	  .help = "threads for many series, 1 to 64 (default: the CPUs,\n"
		  "at most 8)" },
	{ .name = NULL }
};

static const struct cli_optset changes_set = {
	"changes", usage, usage_after, 18, changes_opts
};

/* The options into o, *jobs and the filters of SERIES '-'; returns 0,
 * -1 after --help, or the exit status of a usage error. */
static int parse_args(int argc, char **argv, struct opts *o, long *jobs,
		      struct cli_filter *filter)
{
	struct cli_optarg a;
	int c, rc;

	memset(o, 0, sizeof *o);
	assay_analysis_opts_init(&o->an);
	o->fmt = OUT_TABLE;
	while ((c = cli_opt_next(&changes_set, argc, argv, &a)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return a.status ? a.status : -1;
		case 'F':
			if (cli_parse_freq("changes", a.s, &o->an.freq))
				return ASSAY_EUSAGE;
			break;
		case 'a':
			if ((rc = jc_period_parse("changes", "--from", a.s, &o->from)))
				return rc;
			break;
		case 'b':
			if ((rc = jc_period_parse("changes", "--to", a.s, &o->to)))
				return rc;
			break;
		case 'w': o->an.judge.window = (int)a.l; break;
		case 'm': o->an.judge.min_history = (int)a.l; break;
		case 'A': o->an.judge.alpha = a.d; break;
		case 's':
			if (assay_seasonal_parse(a.s, &o->an.judge.seasonal))
				return cli_usage_error("changes",
						       "--seasonal takes auto, yes or no");
			break;
		case 'P': o->an.allow_partial = 1; break;
		case 'V':
			if ((rc = jc_as_of("changes", a.s, o->vintage,
					   sizeof o->vintage)))
				return rc;
			o->as_of = o->vintage;
			break;
		case 'U': o->to_unit = a.s; break;
		case 'f':
			if (out_format_parse_all(a.s, 0, &o->fmt))
				return cli_usage_error("changes", "--format takes "
						       OUT_FORMATS_ALL ", not '%s'", a.s);
			break;
		case 'j': *jobs = a.l; break;
		case 'K': filter->kind = a.s; break;
		case 'S': filter->series = a.s; break;
		case 'D': filter->decimal = a.s; break;
		}
	}
	return 0;
}

int cmd_changes(int argc, char **argv)
{
	struct opts o;
	long jobs = 0;
	struct cli_filter filter = { 0 };
	int rc = parse_args(argc, argv, &o, &jobs, &filter);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind >= argc)
		return cli_usage_error("changes", "give at least one SERIES");
	if ((rc = cli_check_range("changes", o.from.text, o.to.text)))
		return rc;
	if ((rc = cli_filter_args("changes", &argc, &argv, &filter)))
		return rc;

	assay_store *st;
	char **names = NULL;
	size_t nnames = 0, rows = 0;
	freq_note = (struct cli_freq_note){ .asked = o.an.freq };
	if ((rc = cli_open_store(&st, 1)))
		return rc;
	int nargs = argc - optind;
	if ((rc = cli_resolve_series(st, argv + optind, nargs, 0, &names, &nnames)))
		goto out;
	o.multi = cli_series_multi(argv + optind, nargs);

	if (o.fmt == OUT_TABLE) {
		o.table = out_table_new(o.multi ? cols : cols + 1,
					o.multi ? NCOLS : NCOLS - 1);
		out_table_stream(o.table, stdout, OUT_TABLE);
	}
	else if (o.fmt == OUT_CSV || o.fmt == OUT_TSV)
		for (int k = o.multi ? 0 : 1; k < NCOLS; k++)
			printf("%s%c", cols[k], k + 1 < NCOLS ? (o.fmt == OUT_CSV ? ',' : '\t')
							      : '\n');
	/* One read transaction for all series: one consistent snapshot (an
	 * import running meanwhile cannot show half of itself), and no lock
	 * and unlock of the file around every series' query. */
	assay_error err;
	if (assay_store_read_begin(st, &err)) {
		rc = cli_report(&err);
		goto out;
	}
	if (!jobs)
		jobs = cli_default_jobs();
	/* A bar on a terminal for many series, unless the rows stream to the
	 * same terminal (a table too, past its first few megabytes). */
	struct progress bar;
	progress_init(&bar, !cli.quiet && cli_stderr_is_tty() && nnames > 1 &&
		      !isatty(STDOUT_FILENO));
	int later = 0;
	rc = run_all(st, names, nnames, &o, nnames < 2 ? 1 : (int)jobs, &bar,
		     &rows, &later);
	progress_done(&bar);
	if (!rc) {
		if (o.fmt == OUT_TABLE && out_table_print(o.table, stdout, OUT_TABLE))
			rc = cli_write_error();
		else if (o.fmt == OUT_JSON)
			fputs(rows ? "\n]\n" : "[]\n", stdout);
		/* the last buffer too, while errno still tells why */
		if (!rc)
			rc = fflush(stdout) || ferror(stdout) ? cli_write_error() : later;
	}
	if (assay_store_read_end(st, &err) && !rc)
		rc = cli_report(&err);
	cli_freq_note_print(&freq_note, "changes");
out:
	out_table_free(o.table);
	assay_strv_free(names, nnames);
	assay_store_close(st);
	return rc;
}
