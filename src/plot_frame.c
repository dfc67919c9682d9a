/*
 * What every chart shares: the series prepared (resampled by the analysis
 * library, then windowed), the time axis, and the common frame (terminal,
 * title, axes, footer).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "assay/analysis.h"
#include "assay/changepoint.h"
#include "assay/changes.h"
#include "assay/plot.h"
#include "assay/resample.h"
#include "assay/trend.h"
#include "assay/verdict.h"
#include "assay/volatility.h"
#include "plot_internal.h"
#include "utf8.h"

/* ------------------------------------------------------------------ */
/* Preparing series: resampled by the analysis library, then windowed   */

const char *assay_plot_freq_word(assay_freq f)
{
	switch (f) {
	case ASSAY_FREQ_D: return "day";
	case ASSAY_FREQ_W: return "week";
	case ASSAY_FREQ_M: return "month";
	case ASSAY_FREQ_Q: return "quarter";
	case ASSAY_FREQ_A: return "year";
	default: return "period";
	}
}

/* A --from/--to/--base label as a period of frequency f: the first (or,
 * for an upper bound, the last) period of f that the label covers. */
int assay_plot_period_at(const char *label, assay_freq f, int upper,
		     const char *opt, assay_period *out, assay_error *err)
{
	assay_freq lf;
	assay_period p;
	char why[128];
	if (assay_period_parse(label, NULL, &lf, &p, why, sizeof why))
		return assay_fail(err, ASSAY_EUSAGE, "%s: cannot read period '%s': %s",
				  opt, label, why);
	*out = assay_period_bound(lf, p, f, upper);
	return 0;
}

/* Resample the series to `freq` (NONE: its own) and find the rows within
 * --from/--to, without the gaps at either end. */
int assay_plot_prepare(const assay_plot_input *in, assay_freq freq,
		   const assay_plot_opts *o, struct view *v, assay_error *err)
{
	assay_error e2;
	assay_period lo = INT64_MIN, hi = INT64_MAX;
	memset(v, 0, sizeof *v);
	if (freq == ASSAY_FREQ_NONE)
		freq = in->info->freq;
	if (assay_resample(in->obs, in->info->freq, in->info->kind, freq, &v->rs, &e2))
		return assay_fail(err, e2.status, "'%s': %s", in->info->name, e2.msg);
	if ((o->from && assay_plot_period_at(o->from, freq, 0, "--from", &lo, err)) ||
	    (o->to && assay_plot_period_at(o->to, freq, 1, "--to", &hi, err))) {
		assay_resampled_release(&v->rs);
		return -1;
	}
	const assay_resampled *rs = &v->rs;
	size_t a = 0, b = rs->n;
	while (a < b && (rs->period[a] < lo || !isfinite(rs->value[a])))
		a++;
	while (b > a && (rs->period[b - 1] > hi || !isfinite(rs->value[b - 1])))
		b--;
	if (a == b) {
		assay_resampled_release(&v->rs);
		return assay_fail(err, ASSAY_EUSAGE, "'%s' has no observations%s to plot",
				  in->info->name, o->from || o->to ? " in the chosen range" : "");
	}
	v->a = a;
	v->b = b;
	return 0;
}

void assay_plot_view_release(struct view *v)
{
	assay_resampled_release(&v->rs);
}
/* ------------------------------------------------------------------ */
/* Time axis                                                            */

/* Seconds since 1970 of the start, middle and end of a period. */
double assay_plot_period_start(assay_freq f, assay_period p)
{
	int64_t d0, d1;
	assay_period_span_days(f, p, &d0, &d1);
	return (double)d0 * 86400.0;
}

double assay_plot_period_end(assay_freq f, assay_period p)
{
	int64_t d0, d1;
	assay_period_span_days(f, p, &d0, &d1);
	return (double)(d1 + 1) * 86400.0;
}

double assay_plot_period_mid(assay_freq f, assay_period p)
{
	return (assay_plot_period_start(f, p) + assay_plot_period_end(f, p)) / 2;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Calendar-aligned tics between x0 and x1 (seconds): years, months or
 * days, as many as the width holds, written as an explicit list. */
static void put_time_tics(FILE *fp, double x0, double x1, int width, int min_step)
{
	static const int msteps[] = { 1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000 };
	static const int dsteps[] = { 1, 2, 7, 14 };
	int maxtics = width / 110 < 4 ? 4 : width / 110;
	int64_t d0 = (int64_t)floor(x0 / 86400), d1 = (int64_t)floor(x1 / 86400);
	int y, m, d, sep = 0;
	char lbl[32];
	fputs("set xtics (", fp);
	if (d1 - d0 >= 61) {
		assay_period m0 = assay_period_convert(ASSAY_FREQ_D, d0, ASSAY_FREQ_M);
		assay_period m1 = assay_period_convert(ASSAY_FREQ_D, d1, ASSAY_FREQ_M);
		int step = msteps[sizeof msteps / sizeof *msteps - 1];
		/* never finer than the data: an annual chart ticked 2023-04,
		 * 2023-07 put labels between its bars */
		for (size_t i = 0; i < sizeof msteps / sizeof *msteps; i++)
			if (msteps[i] >= min_step && (m1 - m0) / msteps[i] + 1 <= maxtics) {
				step = msteps[i];
				break;
			}
		for (assay_period mo = floor_div(m0, step) * step; mo <= m1; mo += step) {
			int64_t dd = assay_days_from_civil((int)floor_div(mo, 12),
							   (int)(mo - floor_div(mo, 12) * 12) + 1, 1);
			if (dd < d0)
				continue;
			if (step >= 12)
				assay_period_format(ASSAY_FREQ_A, floor_div(mo, 12), lbl, sizeof lbl);
			else
				assay_period_format(ASSAY_FREQ_M, mo, lbl, sizeof lbl);
			fputs(sep++ ? ", " : "", fp);
			assay_plot_put_q(fp, lbl, 0);
			fputc(' ', fp);
			assay_plot_put_num(fp, (double)dd * 86400);
		}
	} else {
		int step = 14;
		for (size_t i = 0; i < sizeof dsteps / sizeof *dsteps; i++)
			if ((d1 - d0) / dsteps[i] + 1 <= maxtics) {
				step = dsteps[i];
				break;
			}
		for (int64_t dd = d0; dd <= d1; dd += step) {
			assay_civil_from_days(dd, &y, &m, &d);
			snprintf(lbl, sizeof lbl, "%04d-%02d-%02d", y, m, d);
			fputs(sep++ ? ", " : "", fp);
			assay_plot_put_q(fp, lbl, 0);
			fputc(' ', fp);
			assay_plot_put_num(fp, (double)dd * 86400);
		}
	}
	fputs(")\n", fp);
}

/* ------------------------------------------------------------------ */
/* The common frame of every chart                                      */

/* A tic label: thousands separators, the decimals the step needs. */
static void tic_text(double v, double step, char *buf, size_t n)
{
	char raw[64], *out = buf;
	int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
	if (dec > 6)
		dec = 6;
	snprintf(raw, sizeof raw, "%.*f", dec, fabs(v));
	const char *dot = strchr(raw, '.');
	size_t ilen = dot ? (size_t)(dot - raw) : strlen(raw), room = n;
	if (v < 0 && strspn(raw, "0.") != strlen(raw) && room > 1) {
		*out++ = '-';
		room--;
	}
	for (size_t i = 0; i < ilen && room > 2; i++) {
		if (i && (ilen - i) % 3 == 0) {
			*out++ = ',';
			room--;
		}
		*out++ = raw[i];
		room--;
	}
	for (; dot && *dot && room > 1; dot++, room--)
		*out++ = *dot;
	*out = 0;
}

/* y tics between y0 and y1 as explicit labels (gnuplot's own have no
 * thousands separators in the C locale): 1, 2 or 5 times a power of ten,
 * about one per 70 pixels; on a log axis the 1-2-5 steps of each decade. */
void assay_plot_put_y_tics(FILE *fp, const char *axis, double y0, double y1, int log_y,
		       int height)
{
	char lbl[64];
	int first = 1;
	if (!(isfinite(y0) && isfinite(y1) && y1 > y0) || (log_y && y0 <= 0))
		return;
	fprintf(fp, "set %stics (", axis);
	if (log_y) {
		static const double m[] = { 1, 2, 5 };
		double d0 = floor(log10(y0)), d1 = ceil(log10(y1));
		int count = 0;
		for (double d = d0; d <= d1; d++)
			for (int k = 0; k < 3; k++) {
				double v = m[k] * pow(10, d);
				if (v < y0 || v > y1)
					continue;
				tic_text(v, v >= 1 ? 1 : pow(10, d), lbl, sizeof lbl);
				fprintf(fp, "%s'%s' ", first ? "" : ", ", lbl);
				assay_plot_put_num(fp, v);
				first = 0;
				count++;
			}
		(void)count;
	} else {
		double want = fmax(3, height / 70.0);
		double raw = (y1 - y0) / want, p10 = pow(10, floor(log10(raw)));
		double step = raw / p10 < 1.5 ? p10 : raw / p10 < 3.5 ? 2 * p10 :
			      raw / p10 < 7.5 ? 5 * p10 : 10 * p10;
		for (double v = ceil(y0 / step) * step; v <= y1 + 1e-9 * step; v += step) {
			double r = fabs(v) < 1e-9 * step ? 0 : v;
			tic_text(r, step, lbl, sizeof lbl);
			fprintf(fp, "%s'%s' ", first ? "" : ", ", lbl);
			assay_plot_put_num(fp, r);
			first = 0;
		}
	}
	fputs(")\n", fp);
}

int assay_plot_font_size(const assay_plot_opts *o)
{
	double s = fmin(o->width / 1200.0, o->height / 675.0);
	int fs = (int)lround(13 * (0.45 + 0.55 * s));
	return fs < 7 ? 7 : fs > 48 ? 48 : fs;
}

int assay_plot_small_font(const assay_plot_opts *o)
{
	return assay_plot_font_size(o) - 2 > 6 ? assay_plot_font_size(o) - 2 : 6;
}

/* A screen coordinate to the script. */
static void put_screen(FILE *fp, double x, double y)
{
	fputs("screen ", fp);
	assay_plot_put_num(fp, x);
	fputs(", screen ", fp);
	assay_plot_put_num(fp, y);
}

/* The terminal of the format asked for, and the output file. */
static void put_terminal(FILE *fp, const char *outpath, const assay_plot_opts *o)
{
	int fs = assay_plot_font_size(o);
	double lw = fmax(1.0, fs / 10.0);
	fputs("reset session\n", fp);
	switch (o->format) {
	case ASSAY_PLOT_SVG:
		fprintf(fp, "set terminal svg size %d,%d fixed noenhanced "
			"font 'Sans,%d' linewidth ", o->width, o->height, fs);
		break;
	case ASSAY_PLOT_PDF:
		/* 96 pixels to the inch, as the cairo terminals size fonts
		 * for PNG: the PDF looks like the PNG. */
		fputs("set terminal pdfcairo size ", fp);
		assay_plot_put_num(fp, o->width / 96.0);
		fputs("in,", fp);
		assay_plot_put_num(fp, o->height / 96.0);
		/* pdfcairo's default font scale is 0.5: at 0.667 the text
		 * has the size it has in the PNG (measured on 5.4). */
		fprintf(fp, "in noenhanced font 'Sans,%d' fontscale 0.667 linewidth ", fs);
		break;
	default:
		fprintf(fp, "set terminal pngcairo size %d,%d noenhanced "
			"font 'Sans,%d' linewidth ", o->width, o->height, fs);
		break;
	}
	assay_plot_put_num(fp, lw);
	fputs(" background rgb 'white'\n", fp);
	fputs("set output ", fp);
	assay_plot_put_q(fp, outpath, 0);
	fputc('\n', fp);
}

/* Title, subtitle and key from the top down, the plot's top margin
 * under them, the source line and the bottom margin at the foot. */
static void put_layout(FILE *fp, const assay_plot_opts *o, const struct frame *fr)
{
	int fs = assay_plot_font_size(o);
	double line = 1.5 * fs / o->height;     /* one line of text */
	double left = 12.0 / o->width;
	double y = 1 - 1.2 * line;
	fputs("set label 1 ", fp);
	assay_plot_put_q(fp, fr->title, MAX_TEXT);
	fputs(" at ", fp);
	put_screen(fp, left, y);
	fprintf(fp, " left front noenhanced font ',%d'\n", fs + 3);
	if (fr->sub[0]) {
		y -= 1.15 * line;
		fputs("set label 2 ", fp);
		assay_plot_put_q(fp, fr->sub, MAX_TEXT);
		fputs(" at ", fp);
		put_screen(fp, left, y);
		fprintf(fp, " left front noenhanced textcolor rgb '" C_TEXT "'\n");
	}
	/* a short chart writes its key in the small font: at 450 pixels four
	 * lines of key in the body font take a fifth of the height */
	int rows = fr->nkey, small_key = o->height < 600;
	double kline = small_key ? line * assay_plot_small_font(o) / fs : line;
	y -= 0.6 * line;
	fputs("set key at ", fp);
	put_screen(fp, left, y);
	fputs(" left top vertical Left reverse noenhanced samplen 2.5 width 1 "
	      "spacing 1.0", fp);
	if (small_key)
		fprintf(fp, " font ',%d'", assay_plot_small_font(o));
	fputc('\n', fp);
	y -= rows * 1.0 * kline + 0.8 * line + (fr->top_labels ? 1.1 * line : 0);
	fputs("set tmargin at screen ", fp);
	assay_plot_put_num(fp, y);
	fputs("\nset label 3 ", fp);
	assay_plot_put_q(fp, fr->footer, 2 * MAX_TEXT);
	fputs(" at ", fp);
	put_screen(fp, left, 0.7 * line);
	fprintf(fp, " left front noenhanced font ',%d' textcolor rgb '" C_TEXT "'\n",
		assay_plot_small_font(o));
	fputs("set bmargin at screen ", fp);
	assay_plot_put_num(fp, 4.0 * line);
	fputs("\nset rmargin ", fp);
	/* room for the right axis' tics and its label (at 800 px, 10
	 * characters cut the label) */
	fputs(fr->y2label[0] ? "14\n" : "4\n", fp);
}

/* Border, grid, axis labels, ranges and tics. */
static void put_axes(FILE *fp, const assay_plot_opts *o, const struct frame *fr)
{
	fputs("set border 3 lc rgb '" C_TEXT "'\n"
	      "set tics nomirror textcolor rgb '" C_TEXT "'\n"
	      "set grid ytics lc rgb '#e8e8e8' lw 1 dt 1\n"
	      "set style textbox opaque margins 2,2 noborder\n"
	      "set xlabel ", fp);
	assay_plot_put_q(fp, fr->xlabel, MAX_TEXT);
	fputs(" noenhanced offset 0,0.3\nset ylabel ", fp);
	assay_plot_put_q(fp, fr->ylabel, MAX_TEXT);
	fputs(" noenhanced\n", fp);
	if (fr->y2label[0]) {
		fputs("set border 11 lc rgb '" C_TEXT "'\nset y2label ", fp);
		assay_plot_put_q(fp, fr->y2label, MAX_TEXT);
		fputs(" noenhanced\nset y2tics textcolor rgb '" C_TEXT "'\n", fp);
	}
	fputs("set xrange [", fp);
	assay_plot_put_num(fp, fr->x0);
	fputc(':', fp);
	assay_plot_put_num(fp, fr->x1);
	fputs("]\n", fp);
	if (isfinite(fr->y0) && isfinite(fr->y1) && fr->y1 > fr->y0) {
		fputs("set yrange [", fp);
		assay_plot_put_num(fp, fr->y0);
		fputc(':', fp);
		assay_plot_put_num(fp, fr->y1);
		fputs("]\n", fp);
	}
	if (fr->log_y)
		fputs("set logscale y 10\n", fp);
	if (fr->own_ytics)
		assay_plot_put_y_tics(fp, "y", fr->y0, fr->y1, fr->log_y, o->height);
	put_time_tics(fp, fr->x0, fr->x1, o->width, fr->min_step);
}

/* Terminal, output and the layout every chart shares: the title and a
 * subtitle flush left at the top, the key under them
 * (never over the data), the plot, the x label, and the source line at
 * the foot.  Text heights are in screen fractions of the font size. */
void assay_plot_put_frame(FILE *fp, const char *outpath, const assay_plot_opts *o,
		      const struct frame *fr)
{
	put_terminal(fp, outpath, o);
	put_layout(fp, o, fr);
	put_axes(fp, o, fr);
}

/* A y range around the values v[a..b) with a margin, from 0 when the
 * values are positive and 0 is near: the level charts' trend line may
 * run beyond it and is clipped. */
void assay_plot_y_range_of(struct frame *fr, const double *v, size_t a, size_t b)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = a; i < b; i++)
		if (isfinite(v[i])) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
		}
	if (!(hi > lo)) {
		fr->y0 = fr->y1 = NAN;
		return;
	}
	if (fr->log_y && lo > 0) {
		fr->y0 = lo / pow(hi / lo, 0.04);
		fr->y1 = hi * pow(hi / lo, 0.04);
		return;
	}
	double pad = 0.06 * (hi - lo);
	fr->y0 = lo >= 0 && lo - pad < 0.25 * (hi - lo) ? 0 : lo - pad;
	fr->y1 = hi + pad;
}

/* What a series is, from its metadata: "Copper price, World Bank Pink
 * Sheet", "Cobalt mine production, Democratic Republic of Congo"; the
 * name when the store has no commodity. */
void assay_plot_title_of(const assay_series_info *info, char *buf, size_t n)
{
	const char *what = info->measure && *info->measure ? info->measure :
			   info->kind == ASSAY_KIND_PRICE ? "price" : NULL;
	if (!info->commodity || !*info->commodity) {
		snprintf(buf, n, "%s", info->name);
		return;
	}
	size_t len = (size_t)snprintf(buf, n, "%.*s%s%s", (int)assay_label_len(info->commodity),
				      info->commodity, what ? " " : "", what ? what : "");
	if (len >= n)
		return;
	if (info->region && *info->region) {
		snprintf(buf + len, n - len, ", %s", info->region);
	} else if (info->source && *info->source) {
		/* the publisher, without a licence in brackets */
		int cut = (int)strcspn(info->source, "(");
		while (cut > 0 && info->source[cut - 1] == ' ')
			cut--;
		snprintf(buf + len, n - len, ", %.*s", cut, info->source);
	}
}

/* "price ($/mt)", "mine production (t)": what the y axis measures. */
void assay_plot_axis_label(const assay_series_info *info, char *buf, size_t n)
{
	const char *what = info->measure && *info->measure ? info->measure :
			   info->kind == ASSAY_KIND_PRICE ? "price" :
			   info->kind == ASSAY_KIND_STOCK ? "stock" : "level";
	if (info->unit && *info->unit)
		snprintf(buf, n, "%s (%s)", what, info->unit);
	else
		snprintf(buf, n, "%s (unit not recorded)", what);
}

/* "Source: A; B" from the distinct sources of the inputs, with the
 * vintage when the chart shows one. */
void assay_plot_make_footer(struct frame *fr, const assay_plot_input *in,
			size_t nin, const assay_plot_opts *o)
{
	size_t len = 0, shown = 0;
	len += (size_t)snprintf(fr->footer, sizeof fr->footer, "Source: ");
	for (size_t i = 0; i < nin && len < sizeof fr->footer; i++) {
		const char *s = in[i].info->source;
		int dup = 0;
		if (!s || !*s)
			continue;
		for (size_t j = 0; j < i; j++)
			dup |= in[j].info->source && !strcmp(in[j].info->source, s);
		if (dup)
			continue;
		len += (size_t)snprintf(fr->footer + len, sizeof fr->footer - len,
					"%s%s", shown++ ? "; " : "", s);
	}
	if (!shown && len < sizeof fr->footer)
		len += (size_t)snprintf(fr->footer + len, sizeof fr->footer - len,
					"not recorded in the store");
	if (o->as_of && len < sizeof fr->footer)
		len += (size_t)snprintf(fr->footer + len, sizeof fr->footer - len,
					"   |   data as published by %s", o->as_of);
	if (len < sizeof fr->footer)
		snprintf(fr->footer + len, sizeof fr->footer - len, "   |   chart: assay");
}

static const char *kind_agg(assay_kind k)
{
	switch (k) {
	case ASSAY_KIND_FLOW: return "total";
	case ASSAY_KIND_STOCK: return "end of period";
	default: return "average";
	}
}

/* "quarterly average of monthly data" when resampled, else "monthly". */
void assay_plot_describe_freq(char *buf, size_t n, const assay_series_info *info,
			  assay_freq f)
{
	if (f == info->freq)
		snprintf(buf, n, "%s", assay_freq_adjective(f));
	else
		snprintf(buf, n, "%s %s of %s data", assay_freq_adjective(f), kind_agg(info->kind),
			 assay_freq_adjective(info->freq));
}

/* A number for a legend or a label, with sensible digits. */
char *assay_plot_nice_num(double v, int sign, char *buf, size_t n)
{
	double a = fabs(v);
	const char *fmt = sign ? (a >= 100 ? "%+.0f" : a >= 1 ? "%+.1f" : "%+.2g")
			       : (a >= 100 ? "%.0f" : a >= 1 ? "%.1f" : "%.2g");
	snprintf(buf, n, fmt, v);
	return buf;
}

char *assay_plot_p_text(double p, char *buf, size_t n)
{
	if (p < 0.001)
		snprintf(buf, n, "p < 0.001");
	else
		snprintf(buf, n, "p = %.2g", p);
	return buf;
}

/* One data block row: numbers only, so no line of a block reads "EOD". */
void assay_plot_put_row(FILE *fp, const double *v, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(' ', fp);
		assay_plot_put_num(fp, v[i]);
	}
	fputc('\n', fp);
}

/* Whether a daily or weekly series has a gap (assay_periods_adjacent)
 * between rows i - 1 and i of the view starting at `first`: the chart then
 * writes a row of NaN there (at assay_plot_gap_x), so that the line breaks
 * as it does at a missing month instead of drawing seven missing weeks as
 * one straight move.  Monthly and lower series have a NaN row for each
 * missing period already. */
int assay_plot_gap_before(const assay_resampled *rs, size_t first, size_t i)
{
	assay_freq f = rs->freq;
	return i > first && (f == ASSAY_FREQ_D || f == ASSAY_FREQ_W) &&
	       !assay_periods_adjacent(f, rs->period[i - 1], rs->period[i]);
}

double assay_plot_gap_x(const assay_resampled *rs, size_t i)
{
	return (assay_plot_period_mid(rs->freq, rs->period[i - 1]) +
		assay_plot_period_mid(rs->freq, rs->period[i])) / 2;
}

void assay_plot_put_x_range(struct frame *fr, const struct view *v)
{
	fr->x0 = assay_plot_period_start(v->rs.freq, v->rs.period[v->a]);
	fr->x1 = assay_plot_period_end(v->rs.freq, v->rs.period[v->b - 1]);
	fr->min_step = v->rs.freq == ASSAY_FREQ_A ? 12 : v->rs.freq == ASSAY_FREQ_Q ? 3 : 0;
	if (fr->x1 - fr->x0 < 2 * 86400) {
		fr->x0 -= 86400;
		fr->x1 += 86400;
	}
}

const char *assay_plot_unit_or(const assay_series_info *info, const char *dflt)
{
	return info->unit && *info->unit ? info->unit : dflt;
}
