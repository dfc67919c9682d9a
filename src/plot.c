/*
 * Charts with gnuplot (see assay/plot.h for the contract and the safety
 * rules).  Three parts:
 *   1. quoting and naming: the only way a string from data reaches a
 *      script (assay_plot_quote) and the file names made from series names;
 *   2. chart scripts: the data of each chart type prepared from the native
 *      observations (resampled, windowed, analysed) and written as gnuplot
 *      commands with inline data blocks, always in the C locale;
 *   3. the batch: one gnuplot process started with posix_spawn (no shell);
 *      each chart's commands go to a file in a private directory, and
 *      gnuplot's stdin (a pipe) gets `load 'FILE'` per chart while its
 *      stderr is read in the same poll() loop; after each chart gnuplot
 *      prints a marker line with the chart's index and GPVAL_ERRNO, so that
 *      each message is attributed to the chart that caused it and one bad
 *      chart does not sink the rest.
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

extern char **environ;

/* ------------------------------------------------------------------ */
/* Names and options                                                    */

static const char *const type_names[] = { "level", "changes", "compare", "vol" };
static const char *const format_names[] = { "png", "svg", "pdf" };

int assay_chart_type_parse(const char *s, assay_chart_type *t)
{
	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, type_names[i])) {
			*t = (assay_chart_type)i;
			return 0;
		}
	return -1;
}

const char *assay_chart_type_name(assay_chart_type t)
{
	return (unsigned)t < 4 ? type_names[t] : "";
}

int assay_plot_format_parse(const char *s, assay_plot_format *f)
{
	for (int i = 0; i < 3; i++)
		if (s && !strcasecmp(s, format_names[i])) {
			*f = (assay_plot_format)i;
			return 0;
		}
	return -1;
}

int assay_plot_format_from_path(const char *path, assay_plot_format *f)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');
	return dot ? assay_plot_format_parse(dot + 1, f) : -1;
}

const char *assay_plot_format_ext(assay_plot_format f)
{
	return (unsigned)f < 3 ? format_names[f] : "";
}

void assay_plot_opts_init(assay_plot_opts *o)
{
	memset(o, 0, sizeof *o);
	o->type = ASSAY_CHART_LEVEL;
	o->format = ASSAY_PLOT_PNG;
	o->width = 1200;
	o->height = 675;
	o->freq = ASSAY_FREQ_NONE;
	o->window = 20;
	o->min_window = 8;
	o->alpha = 0.05;
	o->trend = 1;
}

/* ------------------------------------------------------------------ */
/* Quoting and file names                                               */

/* Length of the well-formed UTF-8 sequence at s (1..4), 0 if malformed
 * (overlong forms, surrogates and code points above U+10FFFF included). */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	int n;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
	else return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

char *assay_plot_quote(const char *s, size_t max_bytes)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p);
	/* Worst case: every byte a quote, each one ` . "'"` (6 bytes). */
	char *out = malloc(6 * len + 4);
	size_t o = 0, content = 0;
	int in_run = 0;         /* inside a '...' piece */
	if (!out)
		return NULL;
	while (*p) {
		int n = utf8_len(p);
		const unsigned char *bytes = p;
		if (n == 0) {                   /* malformed: one '?' per byte */
			n = 1;
			bytes = (const unsigned char *)"?";
		} else if ((n == 1 && (*p < 0x20 || *p == 0x7F)) ||
			   (n == 2 && p[0] == 0xC2 && p[1] < 0xA0)) {
			p += n;                 /* C0, DEL, C1 controls: dropped */
			continue;
		}
		if (max_bytes && content + (size_t)n > max_bytes)
			break;
		if (*bytes == '\'') {
			/* A quote is a piece of its own, "'": gnuplot 5.4 misreads
			 * doubled quotes next to each other ('a''''b') and at the
			 * start of a string ('''a'), so '' is never relied on. */
			if (in_run)
				out[o++] = '\'';
			if (o) {
				memcpy(out + o, " . ", 3);
				o += 3;
			}
			memcpy(out + o, "\"'\"", 3);
			o += 3;
			in_run = 0;
		} else {
			if (!in_run) {
				if (o) {
					memcpy(out + o, " . ", 3);
					o += 3;
				}
				out[o++] = '\'';
				in_run = 1;
			}
			memcpy(out + o, bytes, (size_t)n);
			o += (size_t)n;
		}
		content += (size_t)n;
		p += n;
	}
	if (in_run)
		out[o++] = '\'';
	if (o == 0) {
		out[o++] = '"';         /* "": the empty string */
		out[o++] = '"';
	}
	out[o] = 0;
	return out;
}

char *assay_plot_file_name(const char *series, char *buf, size_t n)
{
	size_t o = 0, max = n - 1 < 100 ? n - 1 : 100;
	int dash = 0;
	for (const char *p = series ? series : ""; *p && o < max; p++) {
		unsigned char c = (unsigned char)*p;
		int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		if (keep && o == 0 && (c == '.' || c == '-'))
			continue;
		if (!keep) {
			dash = o > 0;
			continue;
		}
		if (dash) {
			if (o + 1 >= max)
				break;
			buf[o++] = '-';
		}
		dash = 0;
		buf[o++] = (char)c;
	}
	while (o > 0 && buf[o - 1] == '.')
		o--;                    /* "x." would read as an empty extension */
	if (o == 0) {
		snprintf(buf, n, "%s", "series");
		return buf;
	}
	buf[o] = 0;
	return buf;
}

/* Write `s` quoted to fp (out of memory: an empty string, never the raw
 * text). */
static void put_q(FILE *fp, const char *s, size_t max)
{
	char *q = assay_plot_quote(s, max);
	fputs(q ? q : "\"\"", fp);
	free(q);
}

/* A number for a script or a data block: shortest round-trip text in the
 * C locale (the caller switched to it), NaN for anything not finite. */
static void put_num(FILE *fp, double v)
{
	char buf[40];
	fputs(isfinite(v) ? assay_fmt_g(v, buf, sizeof buf) : "NaN", fp);
}

/* ------------------------------------------------------------------ */
/* Preparing series: resampled by the analysis library, then windowed   */

/* A series at the chart's frequency: every row (changes are judged with
 * the history before --from) and the range of rows drawn. */
struct view {
	assay_resampled rs;     /* resample.h: gaps NaN, partial flagged */
	size_t a, b;            /* rows [a, b) are drawn */
};

static const char *freq_word(assay_freq f)
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
static int period_at(const char *label, assay_freq f, int upper,
		     const char *opt, assay_period *out, assay_error *err)
{
	assay_freq lf;
	assay_period p;
	int64_t d0, d1;
	char why[128];
	if (assay_period_parse(label, NULL, &lf, &p, why, sizeof why))
		return assay_fail(err, ASSAY_EUSAGE, "%s: cannot read period '%s': %s",
				  opt, label, why);
	assay_period_span_days(lf, p, &d0, &d1);
	*out = assay_period_convert(ASSAY_FREQ_D, upper ? d1 : d0, f);
	return 0;
}

/* Resample the series to `freq` (NONE: its own) and find the rows within
 * --from/--to, without the gaps at either end. */
static int prepare(const assay_plot_input *in, assay_freq freq,
		   const assay_plot_opts *o, struct view *v, assay_error *err)
{
	assay_error e2;
	assay_period lo = INT64_MIN, hi = INT64_MAX;
	memset(v, 0, sizeof *v);
	if (freq == ASSAY_FREQ_NONE)
		freq = in->info->freq;
	if (assay_resample(in->obs, in->info->freq, in->info->kind, freq, &v->rs, &e2))
		return assay_fail(err, e2.status, "'%s': %s", in->info->name, e2.msg);
	if ((o->from && period_at(o->from, freq, 0, "--from", &lo, err)) ||
	    (o->to && period_at(o->to, freq, 1, "--to", &hi, err))) {
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

static void view_release(struct view *v)
{
	assay_resampled_release(&v->rs);
}
/* ------------------------------------------------------------------ */
/* Time axis                                                            */

/* Seconds since 1970 of the start, middle and end of a period. */
static double period_start(assay_freq f, assay_period p)
{
	int64_t d0, d1;
	assay_period_span_days(f, p, &d0, &d1);
	return (double)d0 * 86400.0;
}

static double period_end(assay_freq f, assay_period p)
{
	int64_t d0, d1;
	assay_period_span_days(f, p, &d0, &d1);
	return (double)(d1 + 1) * 86400.0;
}

static double period_mid(assay_freq f, assay_period p)
{
	return (period_start(f, p) + period_end(f, p)) / 2;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Calendar-aligned tics between x0 and x1 (seconds): years, months or
 * days, as many as the width holds, written as an explicit list. */
static void put_time_tics(FILE *fp, double x0, double x1, int width)
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
		for (size_t i = 0; i < sizeof msteps / sizeof *msteps; i++)
			if ((m1 - m0) / msteps[i] + 1 <= maxtics) {
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
			put_q(fp, lbl, 0);
			fputc(' ', fp);
			put_num(fp, (double)dd * 86400);
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
			put_q(fp, lbl, 0);
			fputc(' ', fp);
			put_num(fp, (double)dd * 86400);
		}
	}
	fputs(")\n", fp);
}

/* ------------------------------------------------------------------ */
/* The common frame of every chart                                      */

#define C_MAIN "#1f4e79"
#define C_TREND "#c55a11"
#define C_CPT "#7f7f7f"
#define C_BAND "#e3e3e3"
#define C_NOISE "#8eb4e3"
#define C_SHOCK "#c00000"
#define C_UP "#ed7d31"
#define C_TEXT "#404040"

static const char *const palette[] = {
	"#1f4e79", "#c55a11", "#548235", "#7030a0",
	"#bf9000", "#2e75b6", "#c00000", "#7f7f7f"
};

/* Longest text taken from data for a title, label or footer. */
#define MAX_TEXT 200

struct frame {
	const char *title;      /* first title line (from data: quoted) */
	char sub[256];          /* second line, made here */
	char footer[512];       /* "Source: ...", made from data: quoted */
	char xlabel[64];
	char ylabel[256];       /* may hold a unit from data: quoted */
	char y2label[256];
	double x0, x1;          /* x range, seconds */
	double y0, y1;          /* y range; NaN: gnuplot's autoscale */
	int nkey;               /* entries in the key, one per line */
	int log_y;              /* logarithmic y axis */
	int own_ytics;          /* y tics with thousands separators */
	int top_labels;         /* a line of labels above the plot */
};

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
static void put_y_tics(FILE *fp, const char *axis, double y0, double y1, int log_y,
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
				put_num(fp, v);
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
			put_num(fp, r);
			first = 0;
		}
	}
	fputs(")\n", fp);
}

static int font_size(const assay_plot_opts *o)
{
	double s = fmin(o->width / 1200.0, o->height / 675.0);
	int fs = (int)lround(13 * (0.45 + 0.55 * s));
	return fs < 7 ? 7 : fs > 48 ? 48 : fs;
}

static int small_font(const assay_plot_opts *o)
{
	return font_size(o) - 2 > 6 ? font_size(o) - 2 : 6;
}

/* A screen coordinate to the script. */
static void put_screen(FILE *fp, double x, double y)
{
	fputs("screen ", fp);
	put_num(fp, x);
	fputs(", screen ", fp);
	put_num(fp, y);
}

/* Terminal, output and the layout every chart shares: the title and a
 * subtitle flush left at the top, the key under them
 * (never over the data), the plot, the x label, and the source line at
 * the foot.  Text heights are in screen fractions of the font size. */
static void put_frame(FILE *fp, const char *outpath, const assay_plot_opts *o,
		      const struct frame *fr)
{
	int fs = font_size(o);
	double lw = fmax(1.0, fs / 10.0);
	double line = 1.5 * fs / o->height;     /* one line of text */
	double left = 12.0 / o->width;
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
		put_num(fp, o->width / 96.0);
		fputs("in,", fp);
		put_num(fp, o->height / 96.0);
		/* pdfcairo's default font scale is 0.5: at 0.667 the text
		 * has the size it has in the PNG (measured on 5.4). */
		fprintf(fp, "in noenhanced font 'Sans,%d' fontscale 0.667 linewidth ", fs);
		break;
	default:
		fprintf(fp, "set terminal pngcairo size %d,%d noenhanced "
			"font 'Sans,%d' linewidth ", o->width, o->height, fs);
		break;
	}
	put_num(fp, lw);
	fputs(" background rgb 'white'\n", fp);
	fputs("set output ", fp);
	put_q(fp, outpath, 0);
	fputc('\n', fp);

	double y = 1 - 1.2 * line;
	fputs("set label 1 ", fp);
	put_q(fp, fr->title, MAX_TEXT);
	fputs(" at ", fp);
	put_screen(fp, left, y);
	fprintf(fp, " left front noenhanced font ',%d'\n", fs + 3);
	if (fr->sub[0]) {
		y -= 1.15 * line;
		fputs("set label 2 ", fp);
		put_q(fp, fr->sub, MAX_TEXT);
		fputs(" at ", fp);
		put_screen(fp, left, y);
		fprintf(fp, " left front noenhanced textcolor rgb '" C_TEXT "'\n");
	}
	/* a short chart writes its key in the small font: at 450 pixels four
	 * lines of key in the body font take a fifth of the height */
	int rows = fr->nkey, small_key = o->height < 600;
	double kline = small_key ? line * small_font(o) / fs : line;
	y -= 0.6 * line;
	fputs("set key at ", fp);
	put_screen(fp, left, y);
	fputs(" left top vertical Left reverse noenhanced samplen 2.5 width 1 "
	      "spacing 1.0", fp);
	if (small_key)
		fprintf(fp, " font ',%d'", small_font(o));
	fputc('\n', fp);
	y -= rows * 1.0 * kline + 0.8 * line + (fr->top_labels ? 1.1 * line : 0);
	fputs("set tmargin at screen ", fp);
	put_num(fp, y);
	fputs("\nset label 3 ", fp);
	put_q(fp, fr->footer, 2 * MAX_TEXT);
	fputs(" at ", fp);
	put_screen(fp, left, 0.7 * line);
	fprintf(fp, " left front noenhanced font ',%d' textcolor rgb '" C_TEXT "'\n",
		small_font(o));
	fputs("set bmargin at screen ", fp);
	put_num(fp, 4.0 * line);
	fputs("\nset rmargin ", fp);
	/* room for the right axis' tics and its label (at 800 px, 10
	 * characters cut the label) */
	fputs(fr->y2label[0] ? "14\n" : "4\n", fp);
	fputs("set border 3 lc rgb '" C_TEXT "'\n"
	      "set tics nomirror textcolor rgb '" C_TEXT "'\n"
	      "set grid ytics lc rgb '#e8e8e8' lw 1 dt 1\n"
	      "set style textbox opaque margins 2,2 noborder\n"
	      "set xlabel ", fp);
	put_q(fp, fr->xlabel, MAX_TEXT);
	fputs(" noenhanced offset 0,0.3\nset ylabel ", fp);
	put_q(fp, fr->ylabel, MAX_TEXT);
	fputs(" noenhanced\n", fp);
	if (fr->y2label[0]) {
		fputs("set border 11 lc rgb '" C_TEXT "'\nset y2label ", fp);
		put_q(fp, fr->y2label, MAX_TEXT);
		fputs(" noenhanced\nset y2tics textcolor rgb '" C_TEXT "'\n", fp);
	}
	fputs("set xrange [", fp);
	put_num(fp, fr->x0);
	fputc(':', fp);
	put_num(fp, fr->x1);
	fputs("]\n", fp);
	if (isfinite(fr->y0) && isfinite(fr->y1) && fr->y1 > fr->y0) {
		fputs("set yrange [", fp);
		put_num(fp, fr->y0);
		fputc(':', fp);
		put_num(fp, fr->y1);
		fputs("]\n", fp);
	}
	if (fr->log_y)
		fputs("set logscale y 10\n", fp);
	if (fr->own_ytics)
		put_y_tics(fp, "y", fr->y0, fr->y1, fr->log_y, o->height);
	put_time_tics(fp, fr->x0, fr->x1, o->width);
}

/* A y range around the values v[a..b) with a margin, from 0 when the
 * values are positive and 0 is near: the level charts' trend line may
 * run beyond it and is clipped. */
static void y_range_of(struct frame *fr, const double *v, size_t a, size_t b)
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
static void title_of(const assay_series_info *info, char *buf, size_t n)
{
	const char *what = info->measure && *info->measure ? info->measure :
			   info->kind == ASSAY_KIND_PRICE ? "price" : NULL;
	if (!info->commodity || !*info->commodity) {
		snprintf(buf, n, "%s", info->name);
		return;
	}
	size_t len = (size_t)snprintf(buf, n, "%s%s%s", info->commodity, what ? " " : "",
				      what ? what : "");
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
static void axis_label(const assay_series_info *info, char *buf, size_t n)
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
static void make_footer(struct frame *fr, const assay_plot_input *in,
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
static void describe_freq(char *buf, size_t n, const assay_series_info *info,
			  assay_freq f)
{
	if (f == info->freq)
		snprintf(buf, n, "%s", assay_freq_adjective(f));
	else
		snprintf(buf, n, "%s %s of %s data", assay_freq_adjective(f), kind_agg(info->kind),
			 assay_freq_adjective(info->freq));
}

/* A number for a legend or a label, with sensible digits. */
static char *nice_num(double v, int sign, char *buf, size_t n)
{
	double a = fabs(v);
	const char *fmt = sign ? (a >= 100 ? "%+.0f" : a >= 1 ? "%+.1f" : "%+.2g")
			       : (a >= 100 ? "%.0f" : a >= 1 ? "%.1f" : "%.2g");
	snprintf(buf, n, fmt, v);
	return buf;
}

static char *p_text(double p, char *buf, size_t n)
{
	if (p < 0.001)
		snprintf(buf, n, "p < 0.001");
	else
		snprintf(buf, n, "p = %.2g", p);
	return buf;
}

/* One data block row: numbers only, so no line of a block reads "EOD". */
static void put_row(FILE *fp, const double *v, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(' ', fp);
		put_num(fp, v[i]);
	}
	fputc('\n', fp);
}

static void put_x_range(struct frame *fr, const struct view *v)
{
	fr->x0 = period_start(v->rs.freq, v->rs.period[v->a]);
	fr->x1 = period_end(v->rs.freq, v->rs.period[v->b - 1]);
	if (fr->x1 - fr->x0 < 2 * 86400) {
		fr->x0 -= 86400;
		fr->x1 += 86400;
	}
}

static const char *unit_or(const assay_series_info *info, const char *dflt)
{
	return info->unit && *info->unit ? info->unit : dflt;
}

/* ------------------------------------------------------------------ */
/* level                                                                */

/* The series, complete periods as a line and partial ones as hollow
 * points; Sen's trend line (trend.h) and PELT change points
 * (changepoint.h) computed on the complete periods drawn, as `assay
 * trend` with the same --freq/--from/--to would. */
static int chart_level(FILE *fp, const char *outpath,
		       const assay_plot_input *in, const assay_plot_opts *o,
		       assay_error *err)
{
	struct view v;
	struct frame fr;
	assay_trend tr;
	assay_cpts cp;
	int have_trend = 0, have_cpt = 0, any_partial = 0, rc = -1;
	int64_t *t = NULL;
	double *x = NULL;
	size_t *idx = NULL, nc = 0;
	char desc[128], b1[64], b2[64], text[512];

	if (prepare(in, o->freq, o, &v, err))
		return -1;
	const assay_resampled *rs = &v.rs;
	assay_freq f = rs->freq;
	memset(&fr, 0, sizeof fr);
	memset(&cp, 0, sizeof cp);
	t = malloc(rs->n * sizeof *t);
	x = malloc(rs->n * sizeof *x);
	idx = malloc(rs->n * sizeof *idx);
	if (!t || !x || !idx) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	for (size_t i = v.a; i < v.b; i++) {
		any_partial |= rs->partial[i] && isfinite(rs->value[i]);
		if (!isfinite(rs->value[i]) || rs->partial[i])
			continue;
		t[nc] = rs->period[i];
		x[nc] = rs->value[i];
		idx[nc++] = i;
	}
	if (o->trend && nc >= 3) {
		assay_trend_opts to;
		assay_error e2;
		assay_trend_opts_init(&to);
		to.alpha = o->alpha;
		to.units_per_period = f == ASSAY_FREQ_W ? 7 : 1;
		to.units_per_year = f == ASSAY_FREQ_D || f == ASSAY_FREQ_W ?
			365.25 : assay_periods_per_year(f);
		have_trend = assay_trend_run(t, x, nc, &to, &tr, &e2) == 0 &&
			     isfinite(tr.sen.slope) && isfinite(tr.sen.intercept);
	}
	if (o->trend && nc >= 4) {
		assay_cpt_opts co;
		assay_error e2;
		assay_cpt_opts_init(&co);
		have_cpt = assay_pelt(x, nc, &co, &cp, &e2) == 0 && cp.nseg > 1;
	}

	char auto_title[512];
	title_of(in->info, auto_title, sizeof auto_title);
	fr.title = o->title ? o->title : auto_title;
	describe_freq(desc, sizeof desc, in->info, f);
	snprintf(fr.sub, sizeof fr.sub, "%s, %s%s", in->info->name, desc,
		 o->log_y ? ", log scale" : "");
	make_footer(&fr, in, 1, o);
	snprintf(fr.xlabel, sizeof fr.xlabel, "%s", freq_word(f));
	axis_label(in->info, fr.ylabel, sizeof fr.ylabel);
	put_x_range(&fr, &v);
	if (o->log_y) {
		for (size_t i = v.a; i < v.b; i++)
			if (isfinite(rs->value[i]) && rs->value[i] <= 0) {
				assay_fail(err, ASSAY_EUSAGE, "'%s' has values <= 0: no log "
					   "scale (drop --log)", in->info->name);
				goto out;
			}
		fr.log_y = 1;
	}
	fr.own_ytics = 1;
	y_range_of(&fr, rs->value, v.a, v.b);
	/* A price that compounds is drawn against its log-linear growth
	 * curve (trend.h: least squares on log levels), which follows the
	 * data; a straight Sen line under 66 years of exponential growth
	 * runs below nearly all of them.  Other series: Sen's line through
	 * the median point. */
	int growth_line = have_trend && in->info->kind == ASSAY_KIND_PRICE && tr.growth.ok;
	double per_year = f == ASSAY_FREQ_D || f == ASSAY_FREQ_W ? 365.25 :
			  assay_periods_per_year(f);
	fr.nkey = 1 + any_partial + have_trend + have_cpt;
	fr.top_labels = have_cpt && cp.nseg <= 16;
	put_frame(fp, outpath, o, &fr);

	/* $D0: x, complete value, partial value, trend line. */
	fputs("$D0 << EOD\n", fp);
	for (size_t i = v.a; i < v.b; i++) {
		double row[4], val = rs->value[i];
		row[0] = period_mid(f, rs->period[i]);
		row[1] = rs->partial[i] ? NAN : val;
		row[2] = rs->partial[i] ? val : NAN;
		int in_fit = have_trend && rs->period[i] >= t[0] && rs->period[i] <= t[nc - 1];
		row[3] = !in_fit ? NAN : growth_line
			 ? exp(tr.growth.log_intercept + tr.growth.log_slope *
			       (double)(rs->period[i] - t[0]) / per_year)
			 : tr.sen.intercept + tr.sen.slope * (double)(rs->period[i] - t[0]);
		put_row(fp, row, 4);
	}
	fputs("EOD\n", fp);
	if (have_cpt) {
		/* $D1: the level of each segment, one line piece each. */
		fputs("$D1 << EOD\n", fp);
		for (size_t s = 0; s < cp.nseg; s++) {
			size_t a = idx[cp.seg_start[s]];
			size_t b = idx[cp.seg_start[s] + cp.seg_len[s] - 1];
			double row[2];
			if (s)
				fputc('\n', fp);
			row[0] = period_start(f, rs->period[a]);
			row[1] = cp.seg_mean[s];
			put_row(fp, row, 2);
			row[0] = period_end(f, rs->period[b]);
			put_row(fp, row, 2);
		}
		fputs("EOD\n", fp);
		/* A dashed line at each change point, and its period above the
		 * plot (outside it: no line or data runs through the label)
		 * while labels stay a label's width apart; lines only when
		 * there are few. */
		double px = (fr.x1 - fr.x0) / (0.85 * o->width);    /* x units a pixel */
		double last = -INFINITY, last_half = 0;
		for (size_t s = 1; s < cp.nseg && cp.nseg <= 16; s++) {
			size_t a = idx[cp.seg_start[s]];
			double cx = period_start(f, rs->period[a]);
			fputs("set arrow from ", fp);
			put_num(fp, cx);
			fputs(", graph 0 to ", fp);
			put_num(fp, cx);
			fputs(", graph 1 nohead back dt 2 lc rgb '" C_CPT "'\n", fp);
			/* half a centred label's width each side, and a space */
			assay_period_format(f, rs->period[a], b1, sizeof b1);
			double half = 0.5 * ((double)strlen(b1) + 1.5) * 0.62 * small_font(o) * px;
			if (cx - last < half + last_half)
				continue;
			last = cx;
			last_half = half;
			fputs("set label ", fp);
			put_q(fp, b1, 0);
			fputs(" at ", fp);
			put_num(fp, cx);
			fprintf(fp, ", graph 1 center offset 0,0.7 noenhanced "
				"textcolor rgb '" C_CPT "' font ',%d'\n", small_font(o));
		}
	}
	fputs("plot $D0 using ($1):2 with lines lw 2 lc rgb '" C_MAIN "' title ", fp);
	put_q(fp, o->label ? o->label : in->info->name, MAX_TEXT);
	if (any_partial)
		fputs(", \\\n  $D0 using ($1):3 with points pt 6 ps 1.3 lw 2 lc rgb '"
		      C_MAIN "' title 'partial period (not all data in)'", fp);
	if (have_trend) {
		if (growth_line)
			snprintf(text, sizeof text, "trend (log-linear growth): %s%% a year, "
				 "Mann-Kendall %s%s", nice_num(tr.growth.pct, 1, b1, sizeof b1),
				 p_text(tr.mk.p, b2, sizeof b2),
				 tr.mk.p < o->alpha ? "" : ", not significant");
		else
			snprintf(text, sizeof text, "trend (Sen's slope): %s %s a year, Mann-Kendall %s%s",
				 nice_num(tr.sen_slope_year, 1, b1, sizeof b1),
				 unit_or(in->info, "units"), p_text(tr.mk.p, b2, sizeof b2),
				 tr.mk.p < o->alpha ? "" : ", not significant");
		/* Solid when significant at alpha, dashed when not. */
		fprintf(fp, ", \\\n  $D0 using ($1):4 with lines lw 2 dt %d lc rgb '" C_TREND
			"' title ", tr.mk.p < o->alpha ? 1 : 2);
		put_q(fp, text, MAX_TEXT);
	}
	if (have_cpt)
		fputs(", \\\n  $D1 using ($1):2 with lines lw 3 lc rgb '#60808080' "
		      "title 'level between change points (PELT, MBIC)'", fp);
	fputs("\nunset output\n", fp);
	rc = 0;
out:
	free(t);
	free(x);
	free(idx);
	assay_cpts_release(&cp);
	view_release(&v);
	return rc;
}

/* ------------------------------------------------------------------ */
/* changes                                                              */

/* The band of the decision itself: for move i, the changes r (on the
 * basis it was judged on) that assay_judge would call noise, every other
 * move as it is.  The verdict is monotone in each direction from the
 * model's expected move (a larger move has a smaller rank p-value and, in
 * the direction of a run, a larger run statistic), so each edge is a root
 * of p(r) = alpha, bracketed by doubling and found by safeguarded false
 * position (Illinois) to 1% of the move's scale (the typical move: a
 * fraction of a pixel on a chart whose axis spans many of them).  Only the moves in
 * reach of move i's judgement enter (a judgement never depends on later
 * data, nor on data before its windows), checked by judging the actual
 * move first: it must give the analysis' p exactly, else all earlier moves
 * are used.  The edges are then widened to take in the move itself when
 * it is noise, so that every drawn bar sits on the side of the band its
 * colour says.  NaN edges when even the expected move is notable (a run
 * that any continuation extends) or on failure. */
struct decision_ctx {
	const assay_analysis *an;
	const int *season;
	double *rl, *rd;                /* scratch copies of the changes */
	assay_judgement *j;             /* scratch judgements */
	size_t s, i;                    /* moves s..i are judged */
	int log_basis;
	assay_judge_opts shock;         /* the options, without the run test */
};

/* Judge move i with change r under opts o; NULL on failure. */
static const assay_judgement *judged(struct decision_ctx *d, double r,
				     const assay_judge_opts *o)
{
	assay_error e;
	size_t s = d->s, i = d->i;
	(d->log_basis ? d->rl : d->rd)[i] = r;
	if (assay_judge(d->rl + s, d->rd + s, d->season ? d->season + s : NULL, i + 1 - s,
			i - s, o, d->j, &e) || d->j[i - s].verdict == ASSAY_VERDICT_NONE)
		return NULL;
	return &d->j[i - s];
}

/* The shock part of the p-value (verdict.h rule 5: p_shock / (1 - w)),
 * minus alpha.  With run_max = 1 only move i is judged (the run test
 * needs the moves before it): eight times cheaper, and p_shock does not
 * depend on the run test. */
static double g_shock(struct decision_ctx *d, double r)
{
	const assay_judgement *j = judged(d, r, &d->shock);
	return j ? j->p_shock / (1 - d->an->used.trend_share) - d->an->used.alpha : NAN;
}

static int noise_full(struct decision_ctx *d, double r)
{
	const assay_judgement *j = judged(d, r, &d->an->used);
	return j ? j->verdict == ASSAY_VERDICT_NOISE : -1;
}

/* The last r from `in` (g > 0) towards `out` (g <= 0) with g > 0. */
static double edge(struct decision_ctx *d, double in, double out, double gin, double gout,
		   double tol)
{
	int side = 0;
	for (int k = 0; k < 40 && fabs(out - in) > tol; k++) {
		double width = fabs(out - in);
		double m = in + (out - in) * gin / (gin - gout);     /* false position */
		if (!(fabs(m - in) > 0.01 * width && fabs(out - m) > 0.01 * width))
			m = 0.5 * (in + out);
		double g = g_shock(d, m);
		if (!isfinite(g))
			return NAN;
		if (g > 0) {            /* still noise */
			in = m;
			gin = g;
			if (side == 1)
				gout *= 0.5;    /* Illinois: the kept end's weight */
			side = 1;
		} else {
			out = m;
			gout = g;
			if (side == -1)
				gin *= 0.5;
			side = -1;
		}
	}
	return in;
}

/* The run test can make a move notable before its shock part does (a
 * move that extends a run): then the edge is where the whole verdict
 * turns, by bisection between the expected move and the shock edge. */
static double full_edge(struct decision_ctx *d, double mid, double e, double tol)
{
	int v = noise_full(d, e);
	if (v != 0)
		return v == 1 ? e : NAN;
	double in = mid, out = e;
	while (fabs(out - in) > tol) {
		double m = 0.5 * (in + out);
		if ((v = noise_full(d, m)) < 0)
			return NAN;
		if (v)
			in = m;
		else
			out = m;
	}
	return in;
}

static void decision_band(struct decision_ctx *d, size_t i, double *lo, double *hi)
{
	const assay_judgement *ji = &d->an->j[i];
	const assay_judge_opts *u = &d->an->used;
	size_t n = i + 1, span = (size_t)(u->window > 5 * u->seasons ? u->window : 5 * u->seasons);
	size_t reach = (size_t)u->run_max + 2 * span + 16;
	*lo = *hi = NAN;
	d->i = i;
	d->shock = *u;
	d->shock.run_max = 1;
	d->log_basis = ji->basis == ASSAY_BASIS_LOG;
	double actual = d->log_basis ? d->an->c.log[i] : d->an->c.diff[i];
	d->s = i > reach ? i - reach : 0;
	memcpy(d->rl + d->s, d->an->c.log + d->s, (n - d->s) * sizeof *d->rl);
	memcpy(d->rd + d->s, d->an->c.diff + d->s, (n - d->s) * sizeof *d->rd);
	const assay_judgement *jc = d->s ? judged(d, actual, u) : NULL;
	if (d->s && (!jc || jc->p != ji->p)) {
		d->s = 0;       /* something earlier mattered: take everything */
		memcpy(d->rl, d->an->c.log, n * sizeof *d->rl);
		memcpy(d->rd, d->an->c.diff, n * sizeof *d->rd);
	}
	double mid = ji->expected, step = isfinite(ji->scale) && ji->scale > 0 ? ji->scale : 0;
	if (!isfinite(mid) || !(step > 0) || noise_full(d, mid) != 1)
		return;
	double gmid = g_shock(d, mid), tol = 1e-2 * step;
	if (!(gmid > 0))
		return;
	for (int side = -1; side <= 1; side += 2) {
		double in = mid, gin = gmid, out = mid + side * 3 * step, gout = g_shock(d, out);
		for (int k = 0; gout > 0 && k < 40; k++) {
			in = out;
			gin = gout;
			out = mid + side * 3 * step * ldexp(1, k + 1);
			gout = g_shock(d, out);
		}
		if (!(gout <= 0))
			return;
		double e = edge(d, in, out, gin, gout, tol);
		if (!isfinite(e) || !isfinite(e = full_edge(d, mid, e, tol)))
			return;
		*(side < 0 ? lo : hi) = e;
	}
	if (ji->verdict == ASSAY_VERDICT_NOISE && isfinite(actual)) {
		*lo = fmin(*lo, actual);
		*hi = fmax(*hi, actual);
	}
}

/* Percent changes as bars coloured by the verdict of `assay check`
 * (verdict.h: same options, same function), the band of normal variation
 * shaded: the changes that same verdict would call noise in each period
 * (decision_band), mapped from the log (or difference) scale the move was
 * judged on to percent.  So band and colour show one decision on one
 * basis: a bar outside the band is notable, a bar inside is noise; for a
 * seasonal series the band moves with the season the model removes. */
static int chart_changes(FILE *fp, const char *outpath,
			 const assay_plot_input *in, const assay_plot_opts *o,
			 assay_error *err)
{
	struct view v;
	struct frame fr;
	assay_analysis an;
	assay_analysis_opts ao;
	double *lo = NULL, *hi = NULL;
	char desc[128], b1[64], b2[64], per[32], text[256];
	int have[4] = { 0 }, rc = -1;
	size_t latest = SIZE_MAX, n_partial = 0, last_partial = 0;

	memset(&an, 0, sizeof an);
	if (prepare(in, o->freq, o, &v, err))
		return -1;
	const assay_resampled *rs = &v.rs;
	assay_freq f = rs->freq;
	/* The analysis of `assay changes`/`check` (analysis.h), judging from
	 * the first period drawn with all the history before it. */
	assay_analysis_opts_init(&ao);
	ao.freq = f;
	ao.judge_from = rs->period[v.a];
	ao.judge.window = o->window ? (int)o->window : 20;
	ao.judge.min_history = o->min_window ? (int)o->min_window : 8;
	ao.judge.alpha = o->alpha;
	if (assay_analyse(in->obs, in->info->freq, in->info->kind, &ao, &an, err))
		goto out;
	if (an.s.n != rs->n) {
		assay_fail(err, ASSAY_EIO, "'%s': resampling is not deterministic",
			   in->info->name);
		goto out;
	}
	const assay_changes *ch = &an.c;
	const assay_judgement *j = an.j;
	lo = malloc(rs->n * sizeof *lo);
	hi = malloc(rs->n * sizeof *hi);
	struct decision_ctx dc = { .an = &an, .rl = malloc(rs->n * sizeof(double)),
				   .rd = malloc(rs->n * sizeof(double)),
				   .j = malloc(rs->n * sizeof(assay_judgement)) };
	int *season = malloc(rs->n * sizeof *season);
	for (size_t i = 0; season && i < rs->n; i++) {
		int k = an.used.seasons;
		season[i] = k ? (int)(((rs->period[i] % k) + k) % k) : 0;
	}
	dc.season = an.used.seasons ? season : NULL;
	if (!lo || !hi || !dc.rl || !dc.rd || !dc.j || !season) {
		free(dc.rl);
		free(dc.rd);
		free(dc.j);
		free(season);
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	for (size_t i = v.a; i < v.b; i++) {
		lo[i] = hi[i] = NAN;
		if (rs->partial[i] && isfinite(rs->value[i])) {
			n_partial++;
			last_partial = i;
		}
		if (!isfinite(ch->pct[i]))
			continue;
		latest = i;
		if (j[i].verdict == ASSAY_VERDICT_NONE) {
			have[0] = 1;
			continue;
		}
		have[j[i].verdict] = 1;
		double r0, r1;
		decision_band(&dc, i, &r0, &r1);
		if (!isfinite(r0) || !isfinite(r1))
			continue;
		if (j[i].basis == ASSAY_BASIS_LOG) {
			lo[i] = 100 * expm1(r0);
			hi[i] = 100 * expm1(r1);
		} else if (ch->prev[i] != (size_t)-1 && rs->value[ch->prev[i]] > 0) {
			lo[i] = 100 * r0 / rs->value[ch->prev[i]];
			hi[i] = 100 * r1 / rs->value[ch->prev[i]];
		}
	}
	free(dc.rl);
	free(dc.rd);
	free(dc.j);
	free(season);
	if (latest == SIZE_MAX) {
		assay_fail(err, ASSAY_EUSAGE, "'%s' has no %s-on-%s change to plot%s",
			   in->info->name, freq_word(f), freq_word(f),
			   o->from || o->to ? " in the chosen range" : "");
		goto out;
	}
	memset(&fr, 0, sizeof fr);
	char auto_title[512];
	title_of(in->info, auto_title, sizeof auto_title);
	fr.title = o->title ? o->title : auto_title;
	describe_freq(desc, sizeof desc, in->info, f);
	snprintf(fr.sub, sizeof fr.sub, "%s, %% change on the previous %s, %s", in->info->name,
		 freq_word(f), desc);
	if (n_partial) {
		size_t len = strlen(fr.sub);
		snprintf(fr.sub + len, sizeof fr.sub - len, "; partial %s not shown",
			 n_partial == 1 ? assay_period_format(f, rs->period[last_partial],
							       per, sizeof per) : "periods");
	}
	make_footer(&fr, in, 1, o);
	snprintf(fr.xlabel, sizeof fr.xlabel, "%s", freq_word(f));
	snprintf(fr.ylabel, sizeof fr.ylabel, "%% change on the previous %s", freq_word(f));
	put_x_range(&fr, &v);
	fr.nkey = 1 + have[0] + have[1] + have[2] + have[3];
	put_frame(fp, outpath, o, &fr);

	/* $D0: the band, a step per period (corners at the period's edges). */
	fputs("$D0 << EOD\n", fp);
	for (size_t i = v.a; i < v.b; i++) {
		double row[3];
		if (!isfinite(lo[i]) || !isfinite(hi[i])) {
			fputs("NaN NaN NaN\n", fp);
			continue;
		}
		row[0] = period_start(f, rs->period[i]);
		row[1] = lo[i];
		row[2] = hi[i];
		put_row(fp, row, 3);
		row[0] = period_end(f, rs->period[i]);
		put_row(fp, row, 3);
	}
	/* $D1: x, % change, verdict (0 not judged, 1 noise, 2 shock, 3 trend). */
	fputs("EOD\n$D1 << EOD\n", fp);
	for (size_t i = v.a; i < v.b; i++) {
		double row[3] = { period_mid(f, rs->period[i]), ch->pct[i], j[i].verdict };
		put_row(fp, row, 3);
	}
	fputs("EOD\n", fp);
	double width = period_end(f, rs->period[v.a]) - period_start(f, rs->period[v.a]);
	if (f == ASSAY_FREQ_D || f == ASSAY_FREQ_W) {
		/* Irregular spacing: the narrowest gap between observations. */
		double g = INFINITY;
		for (size_t i = v.a + 1; i < v.b; i++)
			g = fmin(g, period_mid(f, rs->period[i]) - period_mid(f, rs->period[i - 1]));
		if (isfinite(g))
			width = g;
	}
	fputs("set boxwidth ", fp);
	put_num(fp, 0.8 * width);
	fputs(" absolute\nset style fill solid 0.9 noborder\n"
	      "set xzeroaxis lt 1 lw 1 lc rgb '" C_TEXT "'\n", fp);

	/* The latest move, labelled with its number and verdict. */
	const assay_judgement *lj = &j[latest];
	if (lj->verdict != ASSAY_VERDICT_NONE)
		snprintf(text, sizeof text, "%s: %s%% %s, %s (%s)",
			 assay_period_format(f, rs->period[latest], per, sizeof per),
			 nice_num(ch->pct[latest], 1, b1, sizeof b1), assay_freq_change_tag(f),
			 assay_verdict_name(lj->verdict), p_text(lj->p, b2, sizeof b2));
	else
		snprintf(text, sizeof text, "%s: %s%% %s, not judged (%s)",
			 assay_period_format(f, rs->period[latest], per, sizeof per),
			 nice_num(ch->pct[latest], 1, b1, sizeof b1), assay_freq_change_tag(f),
			 lj->why == ASSAY_UNJUDGED_HISTORY ? "too little history" :
			 lj->why == ASSAY_UNJUDGED_FLAT ? "no variation before it" : "no change");
	/* Above the top right corner of the plot, where it hides nothing;
	 * the bar itself gets a dark outline. */
	fputs("set label 10 ", fp);
	put_q(fp, text, 0);
	fprintf(fp, " at graph 1, graph 1 right offset 0,0.9 front noenhanced "
		"textcolor rgb '%s' font ',%d'\n",
		lj->verdict == ASSAY_VERDICT_SHOCK ? C_SHOCK :
		lj->verdict == ASSAY_VERDICT_TREND ? C_UP : C_TEXT, font_size(o) + 1);

	static const char *const colours[] = { "#595959", C_NOISE, C_SHOCK, C_UP };
	static const char *const titles[] = {
		"not judged (too little history)", "noise", "shock (notable one-off move)",
		"trend (notable persistent move)"
	};
	snprintf(text, sizeof text, "normal variation: a move inside is judged noise "
		 "(alpha = %g, trailing %d %ss)", o->alpha, an.used.window, freq_word(f));
	fputs("plot $D0 using ($1):2:3 with filledcurves fc rgb '" C_BAND "' "
	      "fs solid 1.0 title ", fp);
	put_q(fp, text, 0);
	for (int c = 0; c < 4; c++)
		if (have[c] && c == 0)  /* hollow: never mistaken for the band */
			fprintf(fp, ", \\\n  $D1 using ($1):($3 == 0 ? $2 : NaN) with boxes "
				"fs empty border lc rgb '%s' lw 1.5 title '%s'", colours[0], titles[0]);
		else if (have[c])
			fprintf(fp, ", \\\n  $D1 using ($1):($3 == %d ? $2 : NaN) with boxes "
				"fc rgb '%s' title '%s'", c, colours[c], titles[c]);
	fprintf(fp, ", \\\n  $D1 using ($1):($0 == %zu ? $2 : NaN) with boxes fs empty "
		"lc rgb '#000000' lw 1.5 notitle", latest - v.a);
	fputs("\nunset output\n", fp);
	rc = 0;
out:
	free(lo);
	free(hi);
	assay_analysis_release(&an);
	view_release(&v);
	return rc;
}

/* ------------------------------------------------------------------ */
/* vol                                                                  */

/* Trailing annualised volatility: the sd of the log changes in the
 * window of the `window` latest changes up to and including period i
 * (what was seen by then, as TTR's volatility()), annualised by
 * volatility.h (252 trading days for daily data), in percent. */
static int chart_vol(FILE *fp, const char *outpath,
		     const assay_plot_input *in, const assay_plot_opts *o,
		     assay_error *err)
{
	struct view v;
	struct frame fr;
	assay_changes ch;
	char desc[128];
	size_t w = o->window ? o->window : 20, mw = o->min_window ? o->min_window : 8;
	double *vol = NULL, *win = NULL;
	int any = 0, rc = -1;

	memset(&ch, 0, sizeof ch);
	if (prepare(in, o->freq, o, &v, err))
		return -1;
	const assay_resampled *rs = &v.rs;
	assay_freq f = rs->freq;
	if (assay_changes_compute(rs, 0, &ch, err))
		goto out;
	vol = malloc(rs->n * sizeof *vol);
	win = malloc(w * sizeof *win);
	if (!vol || !win) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	for (size_t i = v.a; i < v.b; i++) {
		size_t k = 0;
		vol[i] = NAN;
		if (!isfinite(ch.log[i]))
			continue;
		for (size_t jj = i + 1; jj-- > 0 && k < w;)
			if (isfinite(ch.log[jj]))
				win[k++] = ch.log[jj];
		if (k >= mw && k >= 2) {
			vol[i] = 100 * assay_vol_annualise(assay_vol_sd(win, k), f);
			any |= isfinite(vol[i]);
		}
	}
	if (!any) {
		assay_fail(err, ASSAY_EUSAGE, "'%s' has too little history for a volatility "
			   "chart (%zu changes needed)", in->info->name, mw);
		goto out;
	}
	memset(&fr, 0, sizeof fr);
	char auto_title[512];
	title_of(in->info, auto_title, sizeof auto_title);
	fr.title = o->title ? o->title : auto_title;
	describe_freq(desc, sizeof desc, in->info, f);
	snprintf(fr.sub, sizeof fr.sub, "annualised volatility of log changes over the "
		 "trailing %zu %ss (%s)", w, freq_word(f), desc);
	make_footer(&fr, in, 1, o);
	snprintf(fr.xlabel, sizeof fr.xlabel, "%s", freq_word(f));
	snprintf(fr.ylabel, sizeof fr.ylabel, "annualised volatility, %%");
	put_x_range(&fr, &v);
	fr.nkey = 1;
	put_frame(fp, outpath, o, &fr);
	fputs("set yrange [0:*]\n$D0 << EOD\n", fp);
	for (size_t i = v.a; i < v.b; i++) {
		double row[2] = { period_mid(f, rs->period[i]), vol[i] };
		put_row(fp, row, 2);
	}
	fputs("EOD\nplot $D0 using ($1):2 with lines lw 2 lc rgb '" C_MAIN "' title ", fp);
	put_q(fp, in->info->name, MAX_TEXT);
	fputs("\nunset output\n", fp);
	rc = 0;
out:
	free(vol);
	free(win);
	assay_changes_release(&ch);
	view_release(&v);
	return rc;
}

/* ------------------------------------------------------------------ */
/* compare                                                              */

/* Row of period p in view v, or SIZE_MAX. */
static size_t view_find(const struct view *v, assay_period p)
{
	for (size_t i = v->a; i < v->b; i++)
		if (v->rs.period[i] == p)
			return i;
	return SIZE_MAX;
}

static int usable_base(const struct view *v, size_t i)
{
	return i != SIZE_MAX && isfinite(v->rs.value[i]) && v->rs.value[i] > 0 &&
	       !v->rs.partial[i];
}

/* Two or more series at a common frequency (the lowest of theirs unless
 * --freq), each indexed to 100 at the base period, or two series on two
 * y axes (--dual). */
static int chart_compare(FILE *fp, const char *outpath,
			 const assay_plot_input *in, size_t nin,
			 const assay_plot_opts *o, assay_error *err)
{
	struct view *v = NULL;
	struct frame fr;
	size_t nv = 0;
	assay_freq f = o->freq;
	assay_period base = 0;
	char b1[64], title[512];
	int rc = -1;

	if (nin < 2)
		return assay_fail(err, ASSAY_EUSAGE, "a compare chart needs two or more series");
	if (o->dual && nin != 2)
		return assay_fail(err, ASSAY_EUSAGE,
				  "--dual draws exactly two series (%zu given)", nin);
	if (o->dual && o->base)
		return assay_fail(err, ASSAY_EUSAGE, "--dual and --base exclude each other");
	if (f == ASSAY_FREQ_NONE)
		for (size_t i = 0; i < nin; i++)
			if (assay_freq_rank(in[i].info->freq) > assay_freq_rank(f))
				f = in[i].info->freq;
	if (!(v = calloc(nin, sizeof *v)))
		return assay_fail(err, ASSAY_EIO, "out of memory");
	for (; nv < nin; nv++)
		if (prepare(&in[nv], f, o, &v[nv], err))
			goto out;
	if (!o->dual) {
		if (o->base) {
			if (period_at(o->base, f, 0, "--base", &base, err))
				goto out;
		} else {
			/* The first period that every series has complete. */
			assay_period lo = INT64_MIN, hi = INT64_MAX;
			for (size_t i = 0; i < nin; i++) {
				if (v[i].rs.period[v[i].a] > lo)
					lo = v[i].rs.period[v[i].a];
				if (v[i].rs.period[v[i].b - 1] < hi)
					hi = v[i].rs.period[v[i].b - 1];
			}
			int found = 0;
			for (assay_period p = lo; p <= hi && !found; p++) {
				found = 1;
				for (size_t i = 0; i < nin && found; i++)
					found = usable_base(&v[i], view_find(&v[i], p));
				if (found)
					base = p;
			}
			if (!found) {
				assay_fail(err, ASSAY_EUSAGE, "the series have no %s in common "
					   "to index to 100 (try --dual)", freq_word(f));
				goto out;
			}
		}
		for (size_t i = 0; i < nin; i++) {
			size_t k = view_find(&v[i], base);
			if (!usable_base(&v[i], k)) {
				assay_fail(err, ASSAY_EUSAGE, "'%s' has no complete positive value "
					   "in %s to index to 100", in[i].info->name,
					   assay_period_format(f, base, b1, sizeof b1));
				goto out;
			}
			double bv = v[i].rs.value[k];
			for (size_t r = v[i].a; r < v[i].b; r++)
				v[i].rs.value[r] = 100 * v[i].rs.value[r] / bv;
		}
	}

	memset(&fr, 0, sizeof fr);
	if (o->title) {
		fr.title = o->title;
	} else {
		size_t len = 0;
		title[0] = 0;
		for (size_t i = 0; i < nin && len < sizeof title; i++) {
			if (i == 4 && nin > 5) {
				snprintf(title + len, sizeof title - len, " and %zu more", nin - 4);
				break;
			}
			const char *c = in[i].info->commodity;
			len += (size_t)snprintf(title + len, sizeof title - len, "%s%s",
						i == 0 ? "" : nin == 2 ? " vs " : ", ",
						c && *c ? c : in[i].info->name);
		}
		fr.title = title;
	}
	/* Without a chosen base the index starts at the first common period
	 * (1960 for the World Bank series): on a linear axis that shows the
	 * last decades only, so the axis is logarithmic, where equal growth
	 * rates look alike whatever the base. */
	fr.log_y = !o->dual && (o->log_y || !o->base);
	if (o->dual)
		snprintf(fr.sub, sizeof fr.sub, "%s, on two axes", assay_freq_adjective(f));
	else
		snprintf(fr.sub, sizeof fr.sub, "%s, indexed to 100 in %s%s", assay_freq_adjective(f),
			 assay_period_format(f, base, b1, sizeof b1),
			 fr.log_y ? ", log scale" : "");
	make_footer(&fr, in, nin, o);
	snprintf(fr.xlabel, sizeof fr.xlabel, "%s", freq_word(f));
	if (o->dual) {
		snprintf(fr.ylabel, sizeof fr.ylabel, "%s (%s)", in[0].info->name,
			 unit_or(in[0].info, "unit not recorded"));
		snprintf(fr.y2label, sizeof fr.y2label, "%s (%s)", in[1].info->name,
			 unit_or(in[1].info, "unit not recorded"));
	} else {
		snprintf(fr.ylabel, sizeof fr.ylabel, "index, %s = 100",
			 assay_period_format(f, base, b1, sizeof b1));
	}
	fr.x0 = INFINITY;
	fr.x1 = -INFINITY;
	for (size_t i = 0; i < nin; i++) {
		fr.x0 = fmin(fr.x0, period_start(f, v[i].rs.period[v[i].a]));
		fr.x1 = fmax(fr.x1, period_end(f, v[i].rs.period[v[i].b - 1]));
	}
	fr.nkey = (int)nin;
	if (!o->dual) {
		/* the y range of every series, for the tics */
		double lo = INFINITY, hi = -INFINITY;
		for (size_t i = 0; i < nin; i++)
			for (size_t k = v[i].a; k < v[i].b; k++)
				if (isfinite(v[i].rs.value[k])) {
					lo = fmin(lo, v[i].rs.value[k]);
					hi = fmax(hi, v[i].rs.value[k]);
				}
		if (fr.log_y && !(lo > 0)) {
			assay_fail(err, ASSAY_EUSAGE, "an index <= 0 has no log scale "
				   "(give --base without --log)");
			goto out;
		}
		double one[2] = { lo, hi };
		y_range_of(&fr, one, 0, 2);
		fr.own_ytics = 1;
	}
	put_frame(fp, outpath, o, &fr);
	if (!o->dual) {
		double bx = period_mid(f, base);
		fputs("set arrow from ", fp);
		put_num(fp, bx);
		fputs(", graph 0 to ", fp);
		put_num(fp, bx);
		fputs(", graph 1 nohead back dt 3 lc rgb '" C_CPT "'\n", fp);
	} else {
		/* each axis its own range and tics, with separators */
		fputs("set ytics nomirror\n", fp);
		for (int ax = 0; ax < 2; ax++) {
			struct frame one;
			memset(&one, 0, sizeof one);
			y_range_of(&one, v[ax].rs.value, v[ax].a, v[ax].b);
			if (!(isfinite(one.y0) && isfinite(one.y1)))
				continue;
			fprintf(fp, "set %srange [", ax ? "y2" : "y");
			put_num(fp, one.y0);
			fputc(':', fp);
			put_num(fp, one.y1);
			fputs("]\n", fp);
			put_y_tics(fp, ax ? "y2" : "y", one.y0, one.y1, 0, o->height);
		}
	}
	for (size_t i = 0; i < nin; i++) {
		fprintf(fp, "$D%zu << EOD\n", i);
		for (size_t k = v[i].a; k < v[i].b; k++) {
			double val = v[i].rs.value[k];
			double row[3] = { period_mid(f, v[i].rs.period[k]),
					  v[i].rs.partial[k] ? NAN : val,
					  v[i].rs.partial[k] ? val : NAN };
			put_row(fp, row, 3);
		}
		fputs("EOD\n", fp);
	}
	fputs("plot ", fp);
	for (size_t i = 0; i < nin; i++) {
		const char *col = palette[i % (sizeof palette / sizeof *palette)];
		const char *axes = o->dual && i == 1 ? "axes x1y2 " : "";
		fprintf(fp, "%s$D%zu using ($1):2 with lines lw 2 lc rgb '%s' %stitle ",
			i ? ", \\\n  " : "", i, col, axes);
		put_q(fp, in[i].info->name, MAX_TEXT);
		fprintf(fp, ", \\\n  $D%zu using ($1):3 with points pt 6 ps 1.2 lw 2 "
			"lc rgb '%s' %snotitle", i, col, axes);
	}
	fputs("\nunset output\n", fp);
	rc = 0;
out:
	for (size_t i = 0; i < nv; i++)
		view_release(&v[i]);
	free(v);
	return rc;
}
/* ------------------------------------------------------------------ */

int assay_plot_script(FILE *fp, const char *outpath,
		      const assay_plot_input *in, size_t nin,
		      const assay_plot_opts *o, assay_error *err)
{
	int rc;
	if (nin == 0)
		return assay_fail(err, ASSAY_EUSAGE, "no series to plot");
	if (o->type != ASSAY_CHART_COMPARE && nin != 1)
		return assay_fail(err, ASSAY_EUSAGE, "a %s chart draws one series",
				  assay_chart_type_name(o->type));
	if (o->width < 200 || o->width > 10000 || o->height < 150 || o->height > 10000)
		return assay_fail(err, ASSAY_EUSAGE,
				  "chart size %dx%d is out of range (200..10000 x 150..10000)",
				  o->width, o->height);
	for (const char *p = outpath; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			return assay_fail(err, ASSAY_EUSAGE,
					  "output path has a control character");
	/* Numbers in the C locale whatever the program's locale is: this
	 * thread only, for the time the script is written. */
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	locale_t old = c ? uselocale(c) : (locale_t)0;
	if (!c)
		return assay_fail(err, ASSAY_EIO, "cannot switch to the C locale");
	switch (o->type) {
	case ASSAY_CHART_CHANGES: rc = chart_changes(fp, outpath, in, o, err); break;
	case ASSAY_CHART_VOL: rc = chart_vol(fp, outpath, in, o, err); break;
	case ASSAY_CHART_COMPARE: rc = chart_compare(fp, outpath, in, nin, o, err); break;
	default: rc = chart_level(fp, outpath, in, o, err); break;
	}
	uselocale(old);
	freelocale(c);
	if (!rc && ferror(fp))
		rc = assay_fail(err, ASSAY_EIO, "cannot write the gnuplot script");
	return rc;
}

/* ------------------------------------------------------------------ */
/* Finding and running gnuplot                                          */

static int executable(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, X_OK) == 0;
}

int assay_plot_find_gnuplot(char *buf, size_t n, assay_error *err)
{
	const char *env = getenv("ASSAY_GNUPLOT");
	const char *prog = env && *env ? env : "gnuplot";
	if (strchr(prog, '/')) {
		if (executable(prog) && strlen(prog) < n) {
			snprintf(buf, n, "%s", prog);
			return 0;
		}
	} else {
		const char *path = getenv("PATH");
		if (!path)
			path = "/usr/local/bin:/usr/bin:/bin";
		while (*path) {
			const char *colon = strchr(path, ':');
			size_t dl = colon ? (size_t)(colon - path) : strlen(path);
			/* An empty PATH element is the current directory; never
			 * run a gnuplot that happens to lie there. */
			if (dl > 0 && dl + 1 + strlen(prog) < n) {
				snprintf(buf, n, "%.*s/%s", (int)dl, path, prog);
				if (executable(buf))
					return 0;
			}
			path += dl + (colon != NULL);
		}
	}
	if (env && *env)
		return assay_fail(err, ASSAY_EIO, "gnuplot not found: install the "
				  "gnuplot-nox package (ASSAY_GNUPLOT is '%s')", env);
	return assay_fail(err, ASSAY_EIO,
			  "gnuplot not found: install the gnuplot-nox package");
}

struct chart {
	char *label;            /* for messages */
	char *path;             /* destination */
	char *tmp;              /* what gnuplot writes; renamed to path */
	char *script;           /* the chart's commands */
	size_t len;
	char *gp;               /* the file they are loaded from, or NULL */
	assay_plot_format format;       /* what a complete file ends with */
	int status;             /* 0, or ASSAY_EIO after run */
	int finished;           /* gnuplot printed this chart's marker */
	int held_back;          /* fine, but not written: others failed */
	char *msg;              /* error, when status != 0 */
	char *warn;             /* gnuplot's other messages, or NULL */
};

struct assay_plot_batch {
	struct chart *c;
	size_t n, cap;
	char gnuplot[4096];     /* resolved program path */
	char marker[64];        /* "@@assay-<nonce> ": starts marker lines */
	unsigned seq;           /* temp file names */
	char dir[4096];         /* private directory of the scripts, or "" */
	char **swept;           /* output directories cleaned of stale temps */
	size_t nswept;
	const volatile sig_atomic_t *cancel;    /* stop when it becomes nonzero */
	int all_or_nothing;     /* no chart replaces its file unless all can */
};

int assay_plot_batch_new(assay_plot_batch **out, assay_error *err)
{
	assay_plot_batch *b = calloc(1, sizeof *b);
	struct timespec ts;
	*out = NULL;
	if (!b)
		return assay_fail(err, ASSAY_EIO, "out of memory");
	if (assay_plot_find_gnuplot(b->gnuplot, sizeof b->gnuplot, err)) {
		free(b);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(b->marker, sizeof b->marker, "@@assay-%lx%lx%lx ",
		 (unsigned long)getpid(), (unsigned long)ts.tv_sec,
		 (unsigned long)ts.tv_nsec);
	*out = b;
	return 0;
}

size_t assay_plot_batch_size(const assay_plot_batch *b)
{
	return b ? b->n : 0;
}

/* ---- temporary files that a killed run leaves behind ----------------------
 *
 * Every temporary file assay makes beside an output is named
 * ".NAME.assay-PID-N.tmp" and every script directory "assay-gp-PID-XXXXXX"
 * in $TMPDIR, so that a later run can tell which ones belong to a process
 * that is gone (killed with KILL, or a machine that went down) and remove
 * them, and leave everything else alone. */

/* The pid in a name "PREFIX<digits>SEP...", or 0. */
static long name_pid(const char *s, const char *prefix, char sep)
{
	size_t pl = strlen(prefix);
	long pid = 0;
	if (strncmp(s, prefix, pl))
		return 0;
	s += pl;
	if (*s < '1' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		pid = pid * 10 + (*s - '0');
		if (pid > 1L << 30)
			return 0;
	}
	return *s == sep ? pid : 0;
}

/* Is process `pid` gone?  (EPERM: it exists, under another user.) */
static int pid_gone(long pid)
{
	return pid != (long)getpid() && kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

/* ".NAME.assay-PID-HEX.tmp" of a dead process: its pid, else 0. */
static long stale_tmp_pid(const char *name)
{
	size_t len = strlen(name);
	const char *tag;
	if (name[0] != '.' || len < 16 || strcmp(name + len - 4, ".tmp"))
		return 0;
	/* the last ".assay-": NAME itself may contain one */
	for (tag = name + len - 4; tag > name && strncmp(tag, ".assay-", 7); tag--)
		;
	if (tag == name)
		return 0;
	long pid = name_pid(tag, ".assay-", '-');
	const char *h = strchr(tag + 7, '-') + 1;       /* name_pid saw the '-' */
	if (!pid || h == name + len - 4)
		return 0;
	for (; h < name + len - 4; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return 0;
	return pid_gone(pid) ? pid : 0;
}

size_t assay_plot_remove_stale(const char *dir)
{
	DIR *d = opendir(dir && *dir ? dir : ".");
	struct dirent *e;
	size_t removed = 0;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct stat st;
		if (!stale_tmp_pid(e->d_name) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    st.st_uid != geteuid() || S_ISDIR(st.st_mode))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

/* Script directories "assay-gp-PID-XXXXXX" in tmpdir of dead processes:
 * their "chart-N.gp" files, then the directory (kept if anything else is
 * in it). */
static void remove_stale_scripts(const char *tmpdir)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;
		long pid = name_pid(e->d_name, "assay-gp-", '-');
		if (!pid || strlen(strchr(e->d_name + 9, '-')) != 7 || !pid_gone(pid) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		int sfd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				 O_CLOEXEC);
		DIR *sd = sfd >= 0 ? fdopendir(sfd) : NULL;
		if (!sd) {
			if (sfd >= 0)
				close(sfd);
			continue;
		}
		struct dirent *f;
		while ((f = readdir(sd))) {
			const char *n = f->d_name;
			size_t l = strlen(n);
			if (!strncmp(n, "chart-", 6) && l > 9 && !strcmp(n + l - 3, ".gp") &&
			    strspn(n + 6, "0123456789") == l - 9)
				unlinkat(dirfd(sd), n, 0);
		}
		closedir(sd);
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* Sweep the directory of `path` once per batch. */
static void sweep_dir_of(assay_plot_batch *b, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) :
		strdup(".");
	if (!dir)
		return;
	for (size_t i = 0; i < b->nswept; i++)
		if (!strcmp(b->swept[i], dir)) {
			free(dir);
			return;
		}
	char **g = realloc(b->swept, (b->nswept + 1) * sizeof *g);
	if (!g) {
		free(dir);
		return;
	}
	b->swept = g;
	b->swept[b->nswept++] = dir;
	assay_plot_remove_stale(dir);
}

void assay_plot_batch_set_cancel(assay_plot_batch *b,
				 const volatile sig_atomic_t *flag)
{
	b->cancel = flag;
}

void assay_plot_batch_set_all_or_nothing(assay_plot_batch *b, int on)
{
	b->all_or_nothing = on;
}

static int cancelled(const assay_plot_batch *b)
{
	return b->cancel && *b->cancel;
}

/* Create an empty file beside `path` that nobody else can have made
 * (O_EXCL: a planted link is never followed), for gnuplot to write:
 * ".NAME.assay-PID-N.tmp". */
static char *make_tmp(assay_plot_batch *b, const char *path, assay_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = slash ? slash + 1 : path;
	size_t sz = strlen(path) + 64;
	char *tmp = malloc(sz);
	if (!tmp) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		return NULL;
	}
	for (int tries = 0; tries < 100; tries++) {
		snprintf(tmp, sz, "%.*s.%.40s.assay-%ld-%x.tmp", (int)dl, path, base,
			 (long)getpid(), b->seq++);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0) {
			close(fd);
			return tmp;
		}
		if (errno != EEXIST)
			break;
	}
	assay_fail(err, ASSAY_EIO, "cannot write '%s': %s", path, strerror(errno));
	free(tmp);
	return NULL;
}

int assay_plot_batch_add(assay_plot_batch *b, const char *path,
			 const char *label, const assay_plot_input *in,
			 size_t nin, const assay_plot_opts *o,
			 assay_error *err)
{
	struct chart ch = { 0 };
	FILE *fp = NULL;
	int rc = -1;

	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		struct chart *grown = realloc(b->c, cap * sizeof *grown);
		if (!grown)
			return assay_fail(err, ASSAY_EIO, "out of memory");
		b->c = grown;
		b->cap = cap;
	}
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			return assay_fail(err, ASSAY_EUSAGE,
					  "output path has a control character");
	ch.label = strdup(label ? label : nin ? in[0].info->name : "chart");
	ch.path = strdup(path);
	if (!ch.label || !ch.path) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	/* The temporary file first (the script names it); a chart that
	 * cannot be drawn removes it again below. */
	sweep_dir_of(b, path);
	ch.format = o->format;
	if (!(ch.tmp = make_tmp(b, path, err)))
		goto out;
	if (!(fp = open_memstream(&ch.script, &ch.len))) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	if (assay_plot_script(fp, ch.tmp, in, nin, o, err))
		goto out;
	if (fclose(fp)) {
		fp = NULL;
		assay_fail(err, ASSAY_EIO, "out of memory");
		goto out;
	}
	fp = NULL;
	b->c[b->n++] = ch;
	return 0;
out:
	if (fp)
		fclose(fp);
	if (ch.tmp)
		unlink(ch.tmp);
	free(ch.tmp);
	free(ch.script);
	free(ch.label);
	free(ch.path);
	return rc;
}

/* Append s[0..n) to the growable string *dst (of length *len). */
static void str_add(char **dst, size_t *len, const char *s, size_t n)
{
	char *g = realloc(*dst, *len + n + 1);
	if (!g)
		return;
	memcpy(g + *len, s, n);
	*len += n;
	g[*len] = 0;
	*dst = g;
}

/* gnuplot's messages about one chart, made into one line: the echo of the
 * command and the caret line dropped, the rest joined with "; ". */
static char *tidy_messages(const char *text)
{
	char *out = NULL;
	size_t len = 0;
	const char *p = text;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *a = p, *e = p + n;
		while (a < e && (*a == ' ' || *a == '\t' || *a == '\r'))
			a++;
		while (e > a && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		int caret = a < e && strspn(a, "^ ") >= (size_t)(e - a);
		/* "/tmp/.../chart-3.gp" line 14: the script the user never
		 * sees */
		if (*a == '"') {
			const char *q = memchr(a + 1, '"', (size_t)(e - a - 1));
			if (q && e - q > 7 && !strncmp(q, "\" line ", 7))
				a = q + 2;
		}
		if (e - a > 5 && !strncmp(a, "line ", 5)) {
			const char *d = a + 5;
			while (d < e && *d >= '0' && *d <= '9')
				d++;
			if (d + 1 < e && d[0] == ':' && d[1] == ' ')
				a = d + 2;
		}
		if (a < e && !caret && strncmp(a, "gnuplot>", 8)) {
			if (len)
				str_add(&out, &len, "; ", 2);
			str_add(&out, &len, a, (size_t)(e - a));
		}
		p = nl ? nl + 1 : NULL;
	}
	return out;
}

static void chart_fail(struct chart *ch, const char *fmt, const char *detail)
{
	size_t n = strlen(ch->label) + strlen(fmt) + (detail ? strlen(detail) : 0) + 64;
	free(ch->msg);
	ch->msg = malloc(n);
	if (ch->msg) {
		int k = snprintf(ch->msg, n, "chart '%s': ", ch->label);
		snprintf(ch->msg + k, n - (size_t)k, fmt, detail ? detail : "");
	}
	ch->status = ASSAY_EIO;
}

/* Does the tail of a chart file end it as its format must?  A PNG ends
 * with the IEND chunk, an SVG with </svg> (and whitespace), a PDF has
 * %%EOF within its last 1024 bytes (ISO 32000-1, 7.5.5); the head has the
 * format's signature.  A full disk makes cairo stop mid-file without an
 * error gnuplot would report, so this is what tells a chart from a torn
 * one. */
static const char *incomplete_why(assay_plot_format f, const char *head,
				  size_t hn, const char *tail, size_t tn)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
	static const unsigned char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D',
						0xAE, 0x42, 0x60, 0x82 };
	switch (f) {
	case ASSAY_PLOT_PNG:
		if (hn < 8 || memcmp(head, png_sig, 8))
			return "not a PNG file";
		if (tn < 12 || memcmp(tail + tn - 12, iend, 12))
			return "the PNG has no IEND chunk at its end";
		return NULL;
	case ASSAY_PLOT_SVG:
		while (tn && strchr(" \t\r\n", tail[tn - 1]))
			tn--;
		if (hn < 5 || !memchr(head, '<', hn))
			return "not an SVG file";
		if (tn < 6 || memcmp(tail + tn - 6, "</svg>", 6))
			return "the SVG does not end with </svg>";
		return NULL;
	case ASSAY_PLOT_PDF:
		if (hn < 5 || memcmp(head, "%PDF-", 5))
			return "not a PDF file";
		for (size_t i = 0; i + 5 <= tn; i++)
			if (!memcmp(tail + i, "%%EOF", 5))
				return NULL;
		return "the PDF has no %%EOF at its end";
	}
	return "unknown format";
}

/* Check what gnuplot wrote to ch->tmp before it may replace ch->path:
 * not empty, complete (incomplete_why; only the first and last 1 KiB are
 * read), and on disk (fsync: a write-back error shows here, not later).
 * Fails the chart with the reason; "No space left on device" when its
 * file system is full, which is what an incomplete file there means. */
static void check_written(struct chart *ch)
{
	char head[16], tail[1024], detail[1400];
	const char *why = NULL;
	int err = 0;
	struct stat st;
	ssize_t hn = 0, tn = 0;
	int fd = open(ch->tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st)) {
		err = errno;
	} else if (st.st_size == 0) {
		why = "gnuplot wrote an empty file";
	} else {
		off_t at = st.st_size > (off_t)sizeof tail ? st.st_size - (off_t)sizeof tail : 0;
		hn = pread(fd, head, sizeof head, 0);
		tn = pread(fd, tail, sizeof tail, at);
		if (hn < 0 || tn < 0)
			err = errno;
		else
			why = incomplete_why(ch->format, head, (size_t)hn, tail, (size_t)tn);
		if (!err && !why && fsync(fd) && errno != EINVAL)
			err = errno;
	}
	if (fd >= 0 && close(fd) && !err && !why)
		err = errno;
	if (!err && !why)
		return;
	if (why) {
		/* Cut short with (next to) no room left: the disk was full.
		 * (64 KiB: a file system keeps some blocks back for itself.) */
		struct statvfs vfs;
		if (statvfs(ch->tmp, &vfs) == 0 &&
		    ((double)vfs.f_bavail * (double)vfs.f_frsize < 65536.0 ||
		     vfs.f_favail == 0))
			err = ENOSPC;
	}
	if (err && why)
		snprintf(detail, sizeof detail, "cannot write '%s': %s (%s)", ch->path,
			 strerror(err), why);
	else if (err)
		snprintf(detail, sizeof detail, "cannot write '%s': %s", ch->path,
			 strerror(err));
	else
		snprintf(detail, sizeof detail, "cannot write '%s': %s", ch->path, why);
	if (ch->warn) {
		size_t k = strlen(detail);
		snprintf(detail + k, sizeof detail - k, "; gnuplot: %s", ch->warn);
	}
	chart_fail(ch, "%s", detail);
}

/* One line of gnuplot's stderr: a marker closes the current chart with
 * what was collected for it; anything else is collected. */
static void take_line(assay_plot_batch *b, const char *line, char **acc,
		      size_t *acclen)
{
	size_t ml = strlen(b->marker);
	unsigned long idx;
	int gperr;
	if (!strncmp(line, b->marker, ml) &&
	    sscanf(line + ml, "%lu %d", &idx, &gperr) == 2 && idx < b->n) {
		struct chart *ch = &b->c[idx];
		char *tidy = *acc ? tidy_messages(*acc) : NULL;
		ch->finished = 1;
		if (gperr) {
			chart_fail(ch, "gnuplot: %s", tidy ? tidy : "error");
			free(tidy);
		} else {
			ch->warn = tidy;
		}
		free(*acc);
		*acc = NULL;
		*acclen = 0;
		return;
	}
	str_add(acc, acclen, line, strlen(line));
	str_add(acc, acclen, "\n", 1);
}

/* Remove the scripts' files and their directory. */
static void remove_scripts(assay_plot_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		if (b->c[i].gp) {
			unlink(b->c[i].gp);
			free(b->c[i].gp);
			b->c[i].gp = NULL;
		}
	}
	if (b->dir[0]) {
		rmdir(b->dir);
		b->dir[0] = 0;
	}
}

/* Write each chart's commands to a file in a private directory (mkdtemp:
 * mode 0700, a name nobody can predict; each file O_EXCL, 0600) and make
 * the commands gnuplot reads from its stdin: per chart, `load` the file,
 * close the output, and print the marker with GPVAL_ERRNO.  gnuplot reads
 * a pipe one byte per read(2) but a loaded file through stdio: this halves
 * its time on a batch.  An error inside a loaded file ends that file only,
 * so the marker still comes.  Returns the stream (malloc'd) or NULL. */
static char *write_scripts(assay_plot_batch *b, size_t *len, assay_error *err)
{
	const char *tmpdir = getenv("TMPDIR");
	char *cmds = NULL;
	FILE *fp;
	if (!tmpdir || tmpdir[0] != '/' || strlen(tmpdir) > 1024)
		tmpdir = "/tmp";
	for (const char *p = tmpdir; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			tmpdir = "/tmp";
	remove_stale_scripts(tmpdir);
	snprintf(b->dir, sizeof b->dir, "%s/assay-gp-%ld-XXXXXX", tmpdir,
		 (long)getpid());
	if (!mkdtemp(b->dir)) {
		assay_fail(err, ASSAY_EIO, "cannot create a temporary directory in %s: %s",
			   tmpdir, strerror(errno));
		b->dir[0] = 0;
		return NULL;
	}
	if (!(fp = open_memstream(&cmds, len))) {
		assay_fail(err, ASSAY_EIO, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct chart *ch = &b->c[i];
		size_t sz = strlen(b->dir) + 32;
		int fd;
		if (!(ch->gp = malloc(sz)))
			goto nomem;
		snprintf(ch->gp, sz, "%s/chart-%zu.gp", b->dir, i);
		fd = open(ch->gp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, ch->script, ch->len) != (ssize_t)ch->len ||
		    close(fd)) {
			assay_fail(err, ASSAY_EIO, "cannot write '%s': %s", ch->gp,
				   strerror(errno));
			if (fd >= 0)
				close(fd);
			fclose(fp);
			free(cmds);
			return NULL;
		}
		fputs("load ", fp);
		put_q(fp, ch->gp, 0);
		fprintf(fp, "\nunset output\nprint sprintf('%s%zu %%d', GPVAL_ERRNO)\n",
			b->marker, i);
	}
	if (fclose(fp) == 0)
		return cmds;
	fp = NULL;
nomem:
	if (fp)
		fclose(fp);
	free(cmds);
	assay_fail(err, ASSAY_EIO, "out of memory");
	return NULL;
}

int assay_plot_batch_run(assay_plot_batch *b, assay_error *err)
{
	int in[2] = { -1, -1 }, er[2] = { -1, -1 }, devnull = -1, rc = -1;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t block, oldmask, pending, empty;
	int had_pipe_pending, got_epipe = 0, fa_ok = 0, attr_ok = 0;
	pid_t pid = -1;
	char *acc = NULL, *line = NULL, *cmds = NULL;
	size_t acclen = 0, linelen = 0, cmdlen = 0, off = 0;

	if (!b || b->n == 0)
		return 0;
	if (!(cmds = write_scripts(b, &cmdlen, err))) {
		remove_scripts(b);
		return -1;
	}
	/* A gnuplot that dies early must give EPIPE, not kill us: block
	 * SIGPIPE in this thread and consume the one our writes raise. */
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &oldmask);
	sigpending(&pending);
	had_pipe_pending = sigismember(&pending, SIGPIPE);

	if (pipe(in) || pipe(er)) {
		assay_fail(err, ASSAY_EIO, "cannot start gnuplot: %s", strerror(errno));
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(in[i], F_SETFD, FD_CLOEXEC);
		fcntl(er[i], F_SETFD, FD_CLOEXEC);
	}
	fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
	fcntl(er[0], F_SETFL, fcntl(er[0], F_GETFL) | O_NONBLOCK);
	if ((devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0) {
		assay_fail(err, ASSAY_EIO, "cannot open /dev/null: %s", strerror(errno));
		goto out;
	}
	if (posix_spawn_file_actions_init(&fa) == 0)
		fa_ok = 1;
	if (posix_spawnattr_init(&attr) == 0)
		attr_ok = 1;
	if (!fa_ok || !attr_ok ||
	    posix_spawn_file_actions_adddup2(&fa, in[0], 0) ||
	    posix_spawn_file_actions_adddup2(&fa, devnull, 1) ||
	    posix_spawn_file_actions_adddup2(&fa, er[1], 2)) {
		assay_fail(err, ASSAY_EIO, "cannot start gnuplot: out of memory");
		goto out;
	}
	/* gnuplot gets the default signal handling and mask back. */
	sigemptyset(&empty);
	posix_spawnattr_setsigmask(&attr, &empty);
	posix_spawnattr_setsigdefault(&attr, &block);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	/* --default-settings: no ~/.gnuplot or system gnuplotrc, so every
	 * chart looks the same wherever it is drawn. */
	char *argv[] = { "gnuplot", "--default-settings", NULL };
	int se = posix_spawn(&pid, b->gnuplot, &fa, &attr, argv, environ);
	if (se) {
		pid = -1;
		assay_fail(err, ASSAY_EIO, "cannot start gnuplot (%s): %s", b->gnuplot,
			   strerror(se));
		goto out;
	}
	close(in[0]);
	close(er[1]);
	close(devnull);
	in[0] = er[1] = devnull = -1;

	while (in[1] >= 0 || er[0] >= 0) {
		struct pollfd pf[2];
		int np = 0, wi = -1, ri = -1;
		if (in[1] >= 0) {
			pf[np].fd = in[1];
			pf[np].events = POLLOUT;
			wi = np++;
		}
		if (er[0] >= 0) {
			pf[np].fd = er[0];
			pf[np].events = POLLIN;
			ri = np++;
		}
		/* A cancel flag is set by a signal handler: poll returns EINTR
		 * when the signal comes to this thread, and the timeout covers
		 * one that came just before poll or to another thread. */
		int pr = poll(pf, (nfds_t)np, b->cancel ? 100 : -1);
		if (cancelled(b)) {
			assay_fail(err, ASSAY_EIO, "interrupted");
			goto out;
		}
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (wi >= 0 && pf[wi].revents) {
			while (off < cmdlen) {
				ssize_t w = write(in[1], cmds + off, cmdlen - off);
				if (w < 0) {
					if (errno == EINTR)
						continue;
					if (errno == EPIPE)
						got_epipe = 1;
					if (errno != EAGAIN)
						off = cmdlen;   /* gnuplot is gone */
					break;
				}
				off += (size_t)w;
			}
			if (off == cmdlen) {
				close(in[1]);   /* EOF: gnuplot exits when done */
				in[1] = -1;
			}
		}
		if (ri >= 0 && pf[ri].revents) {
			char buf[8192];
			ssize_t r = read(er[0], buf, sizeof buf);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0) {
				close(er[0]);
				er[0] = -1;
				continue;
			}
			for (ssize_t i = 0; i < r; i++) {
				if (buf[i] != '\n') {
					char cbuf = buf[i];
					str_add(&line, &linelen, &cbuf, 1);
					continue;
				}
				take_line(b, line ? line : "", &acc, &acclen);
				free(line);
				line = NULL;
				linelen = 0;
			}
		}
	}
	if (line) {
		take_line(b, line, &acc, &acclen);
		free(line);
		line = NULL;
	}
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	char why[64];
	if (WIFSIGNALED(ws))
		snprintf(why, sizeof why, "killed by signal %d", WTERMSIG(ws));
	else
		snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(ws));
	char *tidy = acc ? tidy_messages(acc) : NULL;
	for (size_t i = 0; i < b->n; i++) {
		struct chart *ch = &b->c[i];
		if (!ch->finished) {
			char detail[1024];
			snprintf(detail, sizeof detail, "gnuplot stopped before drawing it "
				 "(%s)%s%s", why, tidy ? ": " : "", tidy ? tidy : "");
			chart_fail(ch, "%s", detail);
			free(tidy);
			tidy = NULL;    /* the messages belong to the first one */
		}
	}
	/* Every file checked before any failed one is removed: on a full
	 * disk, removing one frees the room whose lack tells the next why. */
	size_t nbad = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->c[i].status == 0)
			check_written(&b->c[i]);
		nbad += b->c[i].status != 0;
	}
	for (size_t i = 0; i < b->n && nbad && b->all_or_nothing; i++)
		if (b->c[i].status == 0) {
			chart_fail(&b->c[i], "%s", "not written: other charts of the set failed");
			b->c[i].held_back = 1;
		}
	for (size_t i = 0; i < b->n; i++) {
		struct chart *ch = &b->c[i];
		if (ch->status == 0 && rename(ch->tmp, ch->path)) {
			char detail[600];
			snprintf(detail, sizeof detail, "cannot write '%s': %s", ch->path,
				 strerror(errno));
			chart_fail(ch, "%s", detail);
		}
		if (ch->status)
			unlink(ch->tmp);
		free(ch->tmp);
		ch->tmp = NULL;
	}
	free(tidy);
	rc = 0;
out:
	if (pid > 0) {
		/* A set-up failure after the spawn, or cancelled: nothing
		 * gnuplot writes from here on is wanted. */
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (rc) {
		for (size_t i = 0; i < b->n; i++) {
			struct chart *ch = &b->c[i];
			if (ch->tmp) {
				unlink(ch->tmp);
				free(ch->tmp);
				ch->tmp = NULL;
			}
			if (!ch->status)
				chart_fail(ch, "%s", err->msg);
		}
	}
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (er[i] >= 0)
			close(er[i]);
	}
	if (devnull >= 0)
		close(devnull);
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (attr_ok)
		posix_spawnattr_destroy(&attr);
	free(acc);
	free(line);
	free(cmds);
	remove_scripts(b);
	if (got_epipe && !had_pipe_pending) {
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&block, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	return rc;
}

int assay_plot_batch_result(const assay_plot_batch *b, size_t i,
			    const char **path, const char **msg,
			    const char **warnings)
{
	const struct chart *ch = &b->c[i];
	if (path)
		*path = ch->path;
	if (msg)
		*msg = ch->status ? (ch->msg ? ch->msg : "chart failed") : NULL;
	if (warnings)
		*warnings = ch->warn;
	return ch->status;
}

int assay_plot_batch_held_back(const assay_plot_batch *b, size_t i)
{
	return b->c[i].held_back;
}

void assay_plot_batch_free(assay_plot_batch *b)
{
	if (!b)
		return;
	remove_scripts(b);
	for (size_t i = 0; i < b->n; i++) {
		struct chart *ch = &b->c[i];
		if (ch->tmp) {
			unlink(ch->tmp);
			free(ch->tmp);
		}
		free(ch->label);
		free(ch->path);
		free(ch->script);
		free(ch->msg);
		free(ch->warn);
	}
	for (size_t i = 0; i < b->nswept; i++)
		free(b->swept[i]);
	free(b->swept);
	free(b->c);
	free(b);
}
