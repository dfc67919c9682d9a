/* assay plot: charts of series drawn by gnuplot (the library's plot.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "assay/plot.h"
#include "cli.h"
#include "plot_names.h"
#include "to_unit.h"
#include "commands.h"
#include "optable.h"

static const char usage[] =
	"Usage: assay plot SERIES... [--type level|changes|compare|vol] [--freq F]\n"
	"                  [--from P] [--to P] [--as-of DATE] [--to-unit U] [--base P]\n"
	"                  [--dual]\n"
	"                  [--size W,H] [-o FILE | --outdir DIR] [--format png|svg|pdf]\n"
	"                  [--title TEXT] [--window N] [--alpha A] [--no-trend]\n"
	"       assay plot --all [OPTIONS]\n"
	"\n"
	"Draw charts with gnuplot (package gnuplot-nox), one gnuplot process for\n"
	"all of them.  SERIES may be glob patterns ('wb/*'); --all takes every\n"
	"series in the store.  One chart per series, except --type compare, which\n"
	"draws all the series given in one chart.\n"
	"\n"
	"Chart types:\n"
	"  level     the series, its Sen trend line and PELT change points (as\n"
	"            'assay trend'); partial periods as hollow points (default)\n"
	"  changes   % change on the previous period as bars coloured by the\n"
	"            verdict of 'assay check' (noise, shock, trend), the band of\n"
	"            normal variation shaded, the latest move labelled\n"
	"  compare   two or more series indexed to 100 at --base P (default: the\n"
	"            first period all have; a year of monthly data: the mean of\n"
	"            its months), or two series on two axes (--dual)\n"
	"  vol       trailing annualised volatility of the log changes\n"
	"\n"
	"Options:\n";

/* after the option lines */
static const char usage_after[] =
	"\n"
	"Environment: ASSAY_GNUPLOT names the gnuplot program (default: gnuplot,\n"
	"looked up in PATH).\n"
	"\n"
	"Exit status:\n"
	"  0  every chart was written\n"
	"  2  bad usage, an unknown series, or data that cannot be drawn\n"
	"  4  gnuplot is missing or failed on a chart, an output file cannot be\n"
	"     written whole (a full disk: the file that was there is kept), or a\n"
	"     database error\n"
	"TERM or INT stop gnuplot and remove the temporary files (status 128+N).\n"
	"\n"
	"Examples:\n"
	"  assay plot wb/copper --type changes --freq Q -o copper.svg\n"
	"  assay plot wb/copper wb/nickel --type compare --base 2020-01 -o cmp.png\n"
	"  assay plot 'wb/*' --outdir charts\n";

/* The series of one run, loaded. */
struct loaded {
	assay_series_info info;
	assay_obs obs;
};

/* mkdir -p for --outdir. */
static int make_dirs(const char *dir)
{
	char *p = cli_xstrdup(dir);
	int rc = 0;
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == 0) {
			char c = *s;
			*s = 0;
			if (mkdir(p, 0777) && errno != EEXIST)
				rc = -1;
			*s = c;
			if (!c || rc)
				break;
		}
	}
	free(p);
	return rc;
}

static int parse_size(const char *s, int *w, int *h)
{
	char *end;
	long a, b;
	errno = 0;
	a = strtol(s, &end, 10);
	if (end == s || (*end != ',' && *end != 'x'))
		return -1;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end == s || *end || errno || a < 200 || a > 10000 || b < 150 || b > 10000)
		return -1;
	*w = (int)a;
	*h = (int)b;
	return 0;
}

/* --type, --base, --dual and --all are described in the usage text. */
static const struct cli_opt plot_opts[] = {
	{ .name = "type", .key = 't', .type = CLI_STR, .arg = "T",
	  .values = "level changes compare vol" },
	{ CLI_OPT_FREQ, .key = 'q',
	  .help = "resample to M, Q or A first (flow: sum, price: mean,\n"
		  "stock: last); compare: default the lowest frequency;\n"
		  "a series already at a lower one keeps its own, noted" },
	{ .name = "from", .key = 'F', .type = CLI_STR, .arg = "P",
	  .label = "--from P, --to P",
	  .help = "the periods drawn (changes are judged with the\n"
		  "history before --from)" },
	{ .name = "to", .key = 'T', .type = CLI_STR, .arg = "P" },
	{ CLI_OPT_AS_OF, .key = 'a',
	  .help = "the data as published by DATE (vintages)" },
	{ .name = "to-unit", .key = 'U', .type = CLI_STR, .arg = "U",
	  .help = "values (and the axis) converted to unit U ($/lb, kt)" },
	{ .name = "base", .key = 'b', .type = CLI_STR, .arg = "P" },
	{ .name = "dual", .key = 'd' },
	{ .name = "size", .key = 's', .type = CLI_STR, .arg = "W,H",
	  .help = "pixels (default 1200,675); a PDF is W/96 x H/96 inches" },
	{ .name = "output", .key = 'o', .type = CLI_STR, .arg = "FILE",
	  .flags = CLI_OPT_SHORT, .label = "-o FILE",
	  .help = "the output file (one chart); the format is its\n"
		  "extension: .png (pngcairo), .svg or .pdf (pdfcairo)" },
	{ .name = "outdir", .key = 'D', .type = CLI_STR, .arg = "DIR",
	  .help = "where charts go without -o (default: plots), named from\n"
		  "the series: wb/copper -> plots/wb-copper.png, with\n"
		  "-changes, -vol or compare- added for those types; a name\n"
		  "two series make is the first one's, the next gets -2\n"
		  "(for good: DIR/.assay-charts says whose chart each\n"
		  "file is)" },
	{ .name = "format", .key = 'f', .type = CLI_STR, .arg = "FMT",
	  .values = "png svg pdf",
	  .help = "png, svg or pdf for --outdir (default png)" },
	{ .name = "title", .key = 'l', .type = CLI_STR, .arg = "TEXT",
	  .help = "the chart title (default: from the metadata, e.g.\n"
		  "'Copper price, World Bank Pink Sheet')" },
	{ .name = "label", .key = 'B', .type = CLI_STR, .arg = "TEXT",
	  .help = "the series' name in the legend (default: its name)" },
	{ .name = "log", .key = 'G',
	  .help = "level, compare: logarithmic y axis (compare without\n"
		  "--base always has one: a linear index to an early base\n"
		  "shows only the last decades)" },
	{ CLI_OPT_WINDOW, .key = 'w',
	  .help = "trailing window of changes and vol, 2 to 100000 (20)" },
	{ CLI_OPT_ALPHA, .key = 'A',
	  .help = "level of the verdicts and band (default 0.05)" },
	{ .name = "no-trend", .key = 'N',
	  .help = "level: no trend line or change points" },
	{ .name = "all", .key = 'L' },
	{ .name = NULL }
};

static const struct cli_optset plot_set = {
	"plot", usage, usage_after, 16, plot_opts
};

/* What the options say. */
struct plot_args {
	assay_plot_opts po;
	const char *out, *outdir, *format;
	const char *to_unit;    /* --to-unit */
	char vintage[32];       /* --as-of, normalised */
	int all;
};

/* One option into a; 0 or the exit status of a usage error. */
static int take_option(int c, const struct cli_optarg *o, struct plot_args *a)
{
	assay_plot_opts *po = &a->po;
	assay_error err;
	switch (c) {
	case 't':
		if (assay_chart_type_parse(o->s, &po->type))
			return cli_usage_error("plot", "--type takes level, changes, "
					       "compare or vol, not '%s'", o->s);
		break;
	case 'q':
		if (cli_parse_freq("plot", o->s, &po->freq))
			return ASSAY_EUSAGE;
		break;
	case 'F': po->from = o->s; break;
	case 'T': po->to = o->s; break;
	case 'a':
		if (assay_vintage_normalise(o->s, a->vintage, sizeof a->vintage, &err))
			return cli_usage_error("plot", "--as-of: %s", err.msg);
		po->as_of = o->s;
		break;
	case 'U': a->to_unit = o->s; break;
	case 'b': po->base = o->s; break;
	case 'd': po->dual = 1; break;
	case 's':
		if (parse_size(o->s, &po->width, &po->height))
			return cli_usage_error("plot", "--size takes W,H in 200..10000 "
					       "x 150..10000, not '%s'", o->s);
		break;
	case 'o': a->out = o->s; break;
	case 'D': a->outdir = o->s; break;
	case 'f': a->format = o->s; break;
	case 'l': po->title = o->s; break;
	case 'w':
		po->window = (size_t)o->l;
		if (po->min_window > po->window)
			po->min_window = po->window;
		break;
	case 'A': po->alpha = o->d; break;
	case 'N': po->trend = 0; break;
	case 'B': po->label = o->s; break;
	case 'G': po->log_y = 1; break;
	case 'L': a->all = 1; break;
	}
	return 0;
}

/* The combinations the options cannot make, and the output format. */
static int check_args(struct plot_args *a, int nargs)
{
	assay_plot_opts *po = &a->po;
	if (!nargs && !a->all)
		return cli_usage_error("plot", "give one or more SERIES (or --all)");
	if (nargs && a->all)
		return cli_usage_error("plot", "give SERIES or --all, not both");
	if (cli_check_range("plot", po->from, po->to))
		return ASSAY_EUSAGE;
	if ((po->base || po->dual) && po->type != ASSAY_CHART_COMPARE)
		return cli_usage_error("plot", "%s is for --type compare",
				       po->base ? "--base" : "--dual");
	if (po->log_y && (po->type == ASSAY_CHART_CHANGES ||
			  po->type == ASSAY_CHART_VOL || po->dual))
		return cli_usage_error("plot", "--log is for level and indexed compare charts");
	if (a->format && assay_plot_format_parse(a->format, &po->format))
		return cli_usage_error("plot", "--format takes png, svg or pdf, not '%s'",
				       a->format);
	if (a->out) {
		assay_plot_format f;
		if (assay_plot_format_from_path(a->out, &f))
			return cli_usage_error("plot", "cannot tell the format of '%s': "
					       "name it .png, .svg or .pdf", a->out);
		if (a->format && f != po->format)
			return cli_usage_error("plot", "--format %s does not match '%s'",
					       a->format, a->out);
		po->format = f;
	}
	return 0;
}

/* The options into a; 0, -1 after --help, or the exit status. */
static int parse_args(int argc, char **argv, struct plot_args *a)
{
	struct cli_optarg o;
	int c, rc;
	memset(a, 0, sizeof *a);
	a->outdir = "plots";
	assay_plot_opts_init(&a->po);
	while ((c = cli_opt_next(&plot_set, argc, argv, &o)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return o.status ? o.status : -1;
		if ((rc = take_option(c, &o, a)))
			return rc;
	}
	return check_args(a, argc - optind);
}

/* The series of the run and their charts. */
struct plot_run {
	char **names;
	size_t nnames, nloaded, ncharts;
	struct loaded *ld;
	assay_plot_input *in;
	char **paths;
	const char **holder;    /* who holds chart i's plain file name, or NULL */
	struct plot_names pn;   /* --outdir's record */
};

/* Load the series of r->names (in the unit of --to-unit). */
static int load_series(assay_store *st, const struct plot_args *a,
		       struct plot_run *r)
{
	assay_error err;
	int status;
	r->ld = cli_xcalloc(r->nnames, sizeof *r->ld);
	r->in = cli_xcalloc(r->nnames, sizeof *r->in);
	for (; r->nloaded < r->nnames; r->nloaded++) {
		struct loaded *l = &r->ld[r->nloaded];
		const char *name = r->names[r->nloaded];
		if (cli_signal)
			return ASSAY_EIO;
		int found = assay_store_series_get(st, name, &l->info, &err);
		if (found <= 0)
			return found < 0 ? cli_report(&err) :
				cli_no_series(st, name, cli.db_path);
		if (assay_store_load(st, l->info.id, a->po.as_of ? a->vintage : NULL,
				     &l->obs, &err)) {
			assay_series_info_release(&l->info);
			return cli_report(&err);
		}
		if (a->to_unit) {
			/* the values and the axis label in the unit asked for */
			if ((status = cli_to_unit(&l->info, a->to_unit, l->obs.value,
						  l->obs.n))) {
				assay_obs_release(&l->obs);
				assay_series_info_release(&l->info);
				return status;
			}
			free(l->info.unit);
			l->info.unit = cli_xstrdup(a->to_unit);
		}
		r->in[r->nloaded].info = &l->info;
		r->in[r->nloaded].obs = &l->obs;
	}
	return 0;
}

/* Chart i's file: -o, or a name under --outdir that is no other chart's
 * (plot_names.h). */
static char *chart_file(const struct plot_args *a, struct plot_run *r,
			size_t i)
{
	static const char *const suffix[] = { "", "-changes", "", "-vol" };
	const char *ext = assay_plot_format_ext(a->po.format);
	if (a->out)
		return cli_xstrdup(a->out);
	if (a->po.type == ASSAY_CHART_COMPARE) {
		char name[256];
		snprintf(name, sizeof name, "compare %s vs %s%s", r->names[0],
			 r->names[1], r->nnames > 2 ? " and more" : "");
		return plot_names_claim(&r->pn, name, "", ext, name, &r->holder[i]);
	}
	return plot_names_claim(&r->pn, r->names[i], suffix[a->po.type], ext,
				r->names[i], &r->holder[i]);
}

/* Queue every chart on the batch; *status: the worst of the charts
 * dropped.  Returns 0, or ASSAY_EIO when a signal came. */
static int add_charts(assay_plot_batch *batch, const struct plot_args *a,
		      struct plot_run *r, int *status)
{
	const assay_plot_opts *po = &a->po;
	assay_error err;
	/* The --freq rule of every command: a series at a lower frequency
	 * keeps its own; a comparison is drawn at the lowest of them. */
	assay_freq compare_freq = po->freq;
	for (size_t i = 0; i < r->nnames; i++)
		if (po->freq != ASSAY_FREQ_NONE)
			compare_freq = cli_freq_effective(compare_freq, r->ld[i].info.freq);
	r->paths = cli_xcalloc(r->ncharts, sizeof *r->paths);
	r->holder = cli_xcalloc(r->ncharts, sizeof *r->holder);
	if (!a->out)
		plot_names_load(&r->pn, a->outdir);
	for (size_t i = 0; i < r->ncharts; i++) {
		r->paths[i] = chart_file(a, r, i);
		if (cli_signal)
			return ASSAY_EIO;       /* batch_free removes the temporary files */
		assay_plot_opts pi = *po;
		pi.freq = po->type == ASSAY_CHART_COMPARE ? compare_freq
			: po->freq == ASSAY_FREQ_NONE ? po->freq
			: cli_freq_effective(po->freq, r->ld[i].info.freq);
		int rc = po->type == ASSAY_CHART_COMPARE ?
			assay_plot_batch_add(batch, r->paths[i], "compare", r->in,
					     r->nnames, &pi, &err) :
			assay_plot_batch_add(batch, r->paths[i], r->names[i], &r->in[i], 1,
					     &pi, &err);
		if (rc) {
			/* This chart is dropped; the others are still drawn. */
			int s = cli_report(&err);
			*status = s > *status ? s : *status;
		}
	}
	return 0;
}

/* "wrote DIR/x-a-2.png", and whose chart keeps the plain name when it is
 * another's: which file is which series' is not to be guessed. */
static void say_written(const struct plot_run *r, const char *path)
{
	size_t k = 0;
	while (k < r->ncharts && !(r->paths[k] && !strcmp(r->paths[k], path)))
		k++;
	if (k == r->ncharts || !r->holder[k])
		fprintf(stderr, "assay: wrote %s\n", path);
	else if (r->ncharts == r->nnames)
		fprintf(stderr, "assay: wrote %s: the chart of %s (its plain file "
			"name is %s's)\n", path, r->names[k], r->holder[k]);
	else
		fprintf(stderr, "assay: wrote %s (its plain file name is another "
			"chart's)\n", path);
}

/* Each chart's outcome on stderr, and the --outdir record of the charts
 * written; the worst status (from status). */
static int report_charts(assay_plot_batch *batch, const struct plot_args *a,
			 struct plot_run *r, int status)
{
	size_t n = assay_plot_batch_size(batch);
	const char **written = cli_xcalloc(n ? n : 1, sizeof *written);
	for (size_t i = 0; i < n; i++) {
		const char *path, *msg, *warn;
		int s = assay_plot_batch_result(batch, i, &path, &msg, &warn);
		if (s) {
			cli_error(s, "%s", msg);
			status = s > status ? s : status;
			continue;
		}
		written[i] = path;
		if (warn && !cli.quiet)
			cli_warn("%s: gnuplot: %s", path, warn);
		if (!cli.quiet)
			say_written(r, path);
	}
	/* the record is a guard, not a chart: failing to write it is said
	 * and changes no exit status */
	if (!a->out && plot_names_save(&r->pn, written, n) && !cli.quiet)
		cli_warn("cannot record the chart names in %s/.assay-charts: %s",
			 a->outdir, strerror(errno));
	free(written);
	return status;
}

static void run_free(struct plot_run *r)
{
	for (size_t i = 0; i < r->nloaded; i++) {
		assay_series_info_release(&r->ld[i].info);
		assay_obs_release(&r->ld[i].obs);
	}
	if (r->paths)
		for (size_t i = 0; i < r->ncharts; i++)
			free(r->paths[i]);
	free(r->paths);
	free(r->holder);
	plot_names_free(&r->pn);
	free(r->ld);
	free(r->in);
	assay_strv_free(r->names, r->nnames);
}

/* The series to draw, and the checks of their number. */
static int resolve_run(assay_store *st, const struct plot_args *a, char **args,
		       int nargs, struct plot_run *r)
{
	/* names and globs, in the order given; --all: every series */
	unsigned rflags = CLI_RESOLVE_NAME_STORE |
		(a->all ? CLI_RESOLVE_ALL | CLI_RESOLVE_NONEMPTY : 0);
	int status = cli_resolve_series(st, args, nargs, rflags, &r->names,
					&r->nnames);
	if (status)
		return status;
	r->ncharts = a->po.type == ASSAY_CHART_COMPARE ? 1 : r->nnames;
	if (a->po.type == ASSAY_CHART_COMPARE && r->nnames < 2)
		return cli_usage_error("plot", "--type compare needs two or more series "
				       "(%zu given)", r->nnames);
	if (a->out && r->ncharts > 1)
		return cli_usage_error("plot", "-o names one file, but %zu charts would be "
				       "drawn: use --outdir", r->ncharts);
	return 0;
}

int cmd_plot(int argc, char **argv)
{
	struct plot_args a;
	struct plot_run r = { 0 };
	assay_error err;
	int status = parse_args(argc, argv, &a);
	if (status)
		return status < 0 ? 0 : status;

	/* gnuplot first: without it nothing below is worth doing. */
	assay_plot_batch *batch;
	if (assay_plot_batch_new(&batch, &err))
		return cli_report(&err);
	/* TERM/INT stop the batch: gnuplot killed, temporary files removed,
	 * the existing charts as they were (main then dies of the signal). */
	cli_catch_signals();
	assay_plot_batch_set_cancel(batch, &cli_signal);

	assay_store *st;
	if ((status = cli_open_store(&st, 1))) {
		assay_plot_batch_free(batch);
		return status;
	}
	if ((status = resolve_run(st, &a, argv + optind, argc - optind, &r)) ||
	    (status = load_series(st, &a, &r)))
		goto out;
	if (!a.out && make_dirs(a.outdir)) {
		status = cli_error(ASSAY_EIO, "cannot create directory '%s': %s",
				   a.outdir, strerror(errno));
		goto out;
	}
	struct cli_freq_note fnote = { .asked = a.po.freq };
	for (size_t i = 0; i < r.nnames; i++)
		cli_freq_note_add(&fnote, r.names[i], r.ld[i].info.freq);
	if (add_charts(batch, &a, &r, &status)) {
		status = ASSAY_EIO;
		goto out;
	}
	if (assay_plot_batch_run(batch, &err)) {
		status = cli_signal ? ASSAY_EIO : cli_report(&err);
		goto out;
	}
	status = report_charts(batch, &a, &r, status);
	cli_freq_note_print(&fnote, "plot");
out:
	run_free(&r);
	assay_store_close(st);
	assay_plot_batch_free(batch);
	return status;
}
