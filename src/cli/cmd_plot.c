/* assay plot: charts of series drawn by gnuplot (the library's plot.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "assay/plot.h"
#include "cli.h"
#include "to_unit.h"
#include "commands.h"

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
	"            first period all have), or two series on two axes (--dual)\n"
	"  vol       trailing annualised volatility of the log changes\n"
	"\n"
	"Options:\n"
	"  --freq F        resample to M, Q or A first (flow: sum, price: mean,\n"
	"                  stock: last); compare: default the lowest frequency;\n"
	"                  a series already at a lower one keeps its own, noted\n"
	"  --from P, --to P  the periods drawn (changes are judged with the\n"
	"                  history before --from)\n"
	"  --as-of DATE    the data as published by DATE (vintages)\n"
	"  --to-unit U     values (and the axis) converted to unit U ($/lb, kt)\n"
	"  --size W,H      pixels (default 1200,675); a PDF is W/96 x H/96 inches\n"
	"  -o FILE         the output file (one chart); the format is its\n"
	"                  extension: .png (pngcairo), .svg or .pdf (pdfcairo)\n"
	"  --outdir DIR    where charts go without -o (default: plots), named from\n"
	"                  the series: wb/copper -> plots/wb-copper.png, with\n"
	"                  -changes, -vol or compare- added for those types\n"
	"  --format FMT    png, svg or pdf for --outdir (default png)\n"
	"  --title TEXT    the chart title (default: from the metadata, e.g.\n"
	"                  'Copper price, World Bank Pink Sheet')\n"
	"  --label TEXT    the series' name in the legend (default: its name)\n"
	"  --log           level, compare: logarithmic y axis (compare without\n"
	"                  --base always has one: a linear index to an early base\n"
	"                  shows only the last decades)\n"
	"  --window N      trailing window of changes and vol, 2 to 100000 (20)\n"
	"  --alpha A       level of the verdicts and band (default 0.05)\n"
	"  --no-trend      level: no trend line or change points\n"
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

/* DIR/NAME[-SUFFIX].EXT, made distinct from the paths already taken. */
static char *chart_path(const char *dir, const char *name, const char *suffix,
			const char *ext, char **taken, size_t ntaken)
{
	char base[128];
	size_t sz = strlen(dir) + sizeof base + 64;
	char *p = cli_xmalloc(sz);
	assay_plot_file_name(name, base, sizeof base);
	for (int k = 1; ; k++) {
		char num[16] = "";
		int dup = 0;
		if (k > 1)
			snprintf(num, sizeof num, "-%d", k);
		snprintf(p, sz, "%s/%s%s%s.%s", dir, base, suffix, num, ext);
		for (size_t i = 0; i < ntaken && !dup; i++)
			dup = taken[i] && !strcmp(taken[i], p);
		if (!dup)
			return p;
	}
}

int cmd_plot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "freq", required_argument, NULL, 'q' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "to-unit", required_argument, NULL, 'U' },
		{ "base", required_argument, NULL, 'b' },
		{ "dual", no_argument, NULL, 'd' },
		{ "size", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "outdir", required_argument, NULL, 'D' },
		{ "format", required_argument, NULL, 'f' },
		{ "title", required_argument, NULL, 'l' },
		{ "window", required_argument, NULL, 'w' },
		{ "alpha", required_argument, NULL, 'A' },
		{ "no-trend", no_argument, NULL, 'N' },
		{ "label", required_argument, NULL, 'B' },
		{ "log", no_argument, NULL, 'G' },
		{ "all", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	assay_plot_opts po;
	const char *out = NULL, *outdir = "plots", *format = NULL;
	char vintage[32];
	const char *to_unit = NULL;     /* --to-unit */
	int c, all = 0, status = 0;
	long lv;
	assay_error err;

	assay_plot_opts_init(&po);
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage, stdout); return 0;
		case 't':
			if (assay_chart_type_parse(optarg, &po.type))
				return cli_usage_error("plot", "--type takes level, changes, "
						       "compare or vol, not '%s'", optarg);
			break;
		case 'q':
			if (cli_parse_freq("plot", optarg, &po.freq))
				return ASSAY_EUSAGE;
			break;
		case 'F': po.from = optarg; break;
		case 'T': po.to = optarg; break;
		case 'a':
			if (assay_vintage_normalise(optarg, vintage, sizeof vintage, &err))
				return cli_usage_error("plot", "--as-of: %s", err.msg);
			po.as_of = optarg;
			break;
		case 'U': to_unit = optarg; break;
		case 'b': po.base = optarg; break;
		case 'd': po.dual = 1; break;
		case 's':
			if (parse_size(optarg, &po.width, &po.height))
				return cli_usage_error("plot", "--size takes W,H in 200..10000 "
						       "x 150..10000, not '%s'", optarg);
			break;
		case 'o': out = optarg; break;
		case 'D': outdir = optarg; break;
		case 'f': format = optarg; break;
		case 'l': po.title = optarg; break;
		case 'w':
			if (cli_parse_shared("plot", "--window", optarg, &lv))
				return ASSAY_EUSAGE;
			po.window = (size_t)lv;
			if (po.min_window > po.window)
				po.min_window = po.window;
			break;
		case 'A':
			if (cli_parse_double("plot", "--alpha", optarg, &po.alpha))
				return ASSAY_EUSAGE;
			if (!(po.alpha > 0 && po.alpha < 1))
				return cli_usage_error("plot", "--alpha takes a level between 0 "
						       "and 1, not '%s'", optarg);
			break;
		case 'N': po.trend = 0; break;
		case 'B': po.label = optarg; break;
		case 'G': po.log_y = 1; break;
		case 'L': all = 1; break;
		default:
			fputs("Try 'assay plot --help'.\n", stderr);
			return ASSAY_EUSAGE;
		}
	}
	int nargs = argc - optind;
	if (!nargs && !all)
		return cli_usage_error("plot", "give one or more SERIES (or --all)");
	if (nargs && all)
		return cli_usage_error("plot", "give SERIES or --all, not both");
	if ((po.base || po.dual) && po.type != ASSAY_CHART_COMPARE)
		return cli_usage_error("plot", "%s is for --type compare",
				       po.base ? "--base" : "--dual");
	if (po.log_y && (po.type == ASSAY_CHART_CHANGES || po.type == ASSAY_CHART_VOL || po.dual))
		return cli_usage_error("plot", "--log is for level and indexed compare charts");
	if (format && assay_plot_format_parse(format, &po.format))
		return cli_usage_error("plot", "--format takes png, svg or pdf, not '%s'",
				       format);
	if (out) {
		assay_plot_format f;
		if (assay_plot_format_from_path(out, &f))
			return cli_usage_error("plot", "cannot tell the format of '%s': "
					       "name it .png, .svg or .pdf", out);
		if (format && f != po.format)
			return cli_usage_error("plot", "--format %s does not match '%s'",
					       format, out);
		po.format = f;
	}

	/* gnuplot first: without it nothing below is worth doing. */
	assay_plot_batch *batch;
	if (assay_plot_batch_new(&batch, &err))
		return cli_report(&err);
	/* TERM/INT stop the batch: gnuplot killed, temporary files removed,
	 * the existing charts as they were (main then dies of the signal). */
	cli_catch_signals();
	assay_plot_batch_set_cancel(batch, &cli_signal);

	assay_store *st;
	char **names = NULL, **paths = NULL;
	size_t nnames = 0, nloaded = 0, ncharts = 0;
	struct loaded *ld = NULL;
	assay_plot_input *in = NULL;
	if ((status = cli_open_store(&st, 1))) {
		assay_plot_batch_free(batch);
		return status;
	}
	/* names and globs, in the order given; --all: every series */
	unsigned rflags = CLI_RESOLVE_NAME_STORE |
		(all ? CLI_RESOLVE_ALL | CLI_RESOLVE_NONEMPTY : 0);
	if ((status = cli_resolve_series(st, argv + optind, nargs, rflags, &names,
					 &nnames)))
		goto out;
	ncharts = po.type == ASSAY_CHART_COMPARE ? 1 : nnames;
	if (po.type == ASSAY_CHART_COMPARE && nnames < 2) {
		status = cli_usage_error("plot", "--type compare needs two or more series "
					 "(%zu given)", nnames);
		goto out;
	}
	if (out && ncharts > 1) {
		status = cli_usage_error("plot", "-o names one file, but %zu charts would be "
					 "drawn: use --outdir", ncharts);
		goto out;
	}
	ld = cli_xcalloc(nnames, sizeof *ld);
	in = cli_xcalloc(nnames, sizeof *in);
	paths = cli_xcalloc(ncharts, sizeof *paths);
	for (; nloaded < nnames; nloaded++) {
		struct loaded *l = &ld[nloaded];
		if (cli_signal) {
			status = ASSAY_EIO;
			goto out;
		}
		int found = assay_store_series_get(st, names[nloaded], &l->info, &err);
		if (found <= 0) {
			status = found < 0 ? cli_report(&err) :
				cli_no_series(st, names[nloaded], cli.db_path);
			goto out;
		}
		if (assay_store_load(st, l->info.id, po.as_of ? vintage : NULL, &l->obs, &err)) {
			assay_series_info_release(&l->info);
			status = cli_report(&err);
			goto out;
		}
		if (to_unit) {
			/* the values and the axis label in the unit asked for */
			if ((status = cli_to_unit(&l->info, to_unit, l->obs.value,
						  l->obs.n))) {
				assay_obs_release(&l->obs);
				assay_series_info_release(&l->info);
				goto out;
			}
			free(l->info.unit);
			l->info.unit = cli_xstrdup(to_unit);
		}
		in[nloaded].info = &l->info;
		in[nloaded].obs = &l->obs;
	}
	if (!out && make_dirs(outdir)) {
		status = cli_error(ASSAY_EIO, "cannot create directory '%s': %s", outdir,
				   strerror(errno));
		goto out;
	}
	/* The --freq rule of every command: a series at a lower frequency
	 * keeps its own; a comparison is drawn at the lowest of them. */
	struct cli_freq_note fnote = { .asked = po.freq };
	assay_freq compare_freq = po.freq;
	for (size_t i = 0; i < nnames; i++) {
		cli_freq_note_add(&fnote, names[i], ld[i].info.freq);
		if (po.freq != ASSAY_FREQ_NONE)
			compare_freq = cli_freq_effective(compare_freq, ld[i].info.freq);
	}
	const char *ext = assay_plot_format_ext(po.format);
	static const char *const suffix[] = { "", "-changes", "", "-vol" };
	for (size_t i = 0; i < ncharts; i++) {
		if (out) {
			paths[i] = cli_xstrdup(out);
		} else if (po.type == ASSAY_CHART_COMPARE) {
			char name[256];
			snprintf(name, sizeof name, "compare %s vs %s%s", names[0], names[1],
				 nnames > 2 ? " and more" : "");
			paths[i] = chart_path(outdir, name, "", ext, paths, i);
		} else {
			paths[i] = chart_path(outdir, names[i], suffix[po.type], ext, paths, i);
		}
		if (cli_signal) {
			status = ASSAY_EIO;
			goto out;       /* batch_free removes the temporary files */
		}
		assay_plot_opts pi = po;
		pi.freq = po.type == ASSAY_CHART_COMPARE ? compare_freq
			: po.freq == ASSAY_FREQ_NONE ? po.freq
			: cli_freq_effective(po.freq, ld[i].info.freq);
		int rc = po.type == ASSAY_CHART_COMPARE ?
			assay_plot_batch_add(batch, paths[i], "compare", in, nnames, &pi, &err) :
			assay_plot_batch_add(batch, paths[i], names[i], &in[i], 1, &pi, &err);
		if (rc) {
			/* This chart is dropped; the others are still drawn. */
			int s = cli_report(&err);
			status = s > status ? s : status;
		}
	}
	if (assay_plot_batch_run(batch, &err)) {
		status = cli_signal ? ASSAY_EIO : cli_report(&err);
		goto out;
	}
	for (size_t i = 0; i < assay_plot_batch_size(batch); i++) {
		const char *path, *msg, *warn;
		int s = assay_plot_batch_result(batch, i, &path, &msg, &warn);
		if (s) {
			cli_error(s, "%s", msg);
			status = s > status ? s : status;
			continue;
		}
		if (warn && !cli.quiet)
			cli_warn("%s: gnuplot: %s", path, warn);
		if (!cli.quiet)
			fprintf(stderr, "assay: wrote %s\n", path);
	}
	cli_freq_note_print(&fnote, "plot");
out:
	for (size_t i = 0; i < nloaded; i++) {
		assay_series_info_release(&ld[i].info);
		assay_obs_release(&ld[i].obs);
	}
	if (paths)
		for (size_t i = 0; i < ncharts; i++)
			free(paths[i]);
	free(paths);
	free(ld);
	free(in);
	assay_strv_free(names, nnames);
	assay_store_close(st);
	assay_plot_batch_free(batch);
	return status;
}
