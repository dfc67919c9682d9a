/*
 * libFuzzer target: assay_derive_eval, the parser and evaluator of
 * derived-series expressions (src/derive_parse.c, src/derive_eval.c), on
 * an in-memory store of a few series made at start: two monthly flows in
 * kt and t (one with a gap and a zero), a monthly price that crosses zero,
 * a quarterly stock and an annual flow in another unit.
 *
 * Input: one option byte, then the expression.
 *   byte 0  bits 0-1  the frequency asked: the inputs' lowest, M, Q, A
 *           bit 2     convert the result to "t" (--to-unit)
 *           bit 3     as of 2020-06-01 (the first vintage only)
 *           bit 4     defining "m/a" (a circle when it is named)
 * What the evaluator promises besides the sanitizers:
 *  - it returns 0, or -1 with a one-line message and ASSAY_EUSAGE (an
 *    in-memory store has no I/O errors);
 *  - on success the periods rise strictly and every value is a number or
 *    NaN (a division by zero), never an infinity;
 *  - the periods divided by zero are among the result's.
 * A violation prints what broke and aborts, so libFuzzer keeps the input.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assay/derive.h"
#include "assay/import.h"

static assay_store *store;

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_derive: invariant broken: %s", what);
	if (detail) {
		fputs(": ", stderr);
		for (const unsigned char *c = (const unsigned char *)detail; *c; c++)
			if (*c < 0x20 || *c == 0x7f)
				fprintf(stderr, "\\x%02x", *c);
			else
				fputc(*c, stderr);
	}
	fputc('\n', stderr);
	abort();
}

/* Import one CSV text into the store (a file made and removed here). */
static void import_text(const char *csv, const char *unit, const char *kind,
			const char *vintage)
{
	char path[] = "/tmp/fuzz-derive-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, csv, strlen(csv)) != (ssize_t)strlen(csv)) {
		perror("fuzz_derive: seed file");
		exit(1);
	}
	close(fd);
	assay_import_opts o;
	assay_import_result res;
	assay_error err;
	memset(&o, 0, sizeof o);
	o.path = path;
	o.layout = ASSAY_LAYOUT_LONG;
	o.decimal = '.';
	o.vintage = vintage;
	o.meta[ASSAY_META_UNIT] = unit;
	o.meta[ASSAY_META_KIND] = kind;
	if (assay_import(store, &o, &res, &err)) {
		fprintf(stderr, "fuzz_derive: seed import: %s\n", err.msg);
		exit(1);
	}
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	assay_error err;
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	assay_init();
	if (assay_store_open(&store, ":memory:", 0, &err)) {
		fprintf(stderr, "fuzz_derive: %s\n", err.msg);
		exit(1);
	}
	char csv[8192];
	size_t k = (size_t)snprintf(csv, sizeof csv, "series,date,value\n");
	for (int m = 0; m < 36; m++) {
		int y = 2018 + m / 12, mo = m % 12 + 1;
		if (m != 7)                     /* a gap in m/a */
			k += (size_t)snprintf(csv + k, sizeof csv - k,
					      "m/a,%d-%02d,%d\n", y, mo, m == 20 ? 0 : 10 + m);
		k += (size_t)snprintf(csv + k, sizeof csv - k, "m/b,%d-%02d,%d.5\n",
				      y, mo, 1000 + 7 * m);
	}
	import_text(csv, "kt", "flow", "2020-06-01T00:00:00Z");
	k = (size_t)snprintf(csv, sizeof csv, "series,date,value\n");
	for (int m = 0; m < 36; m++)
		k += (size_t)snprintf(csv + k, sizeof csv - k, "p/spread,%d-%02d,%g\n",
				      2018 + m / 12, m % 12 + 1, 3.5 - 0.25 * m);
	import_text(csv, "USD/bbl", "price", "2020-06-01T00:00:00Z");
	import_text("series,date,value\nq/stock,2018Q1,5\nq/stock,2018Q2,6\n"
		    "q/stock,2018Q3,4\nq/stock,2018Q4,7\nq/stock,2019Q1,8\n",
		    "t", "stock", "2021-01-01T00:00:00Z");
	import_text("series,date,value\na/ore,2017,1e6\na/ore,2018,1.2e6\n"
		    "a/ore,2019,9e5\na/ore,2020,1.1e6\n", "kg", "flow",
		    "2021-01-01T00:00:00Z");
	return 0;
}

static const assay_freq freqs[4] = {
	ASSAY_FREQ_NONE, ASSAY_FREQ_M, ASSAY_FREQ_Q, ASSAY_FREQ_A
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	char *expr = malloc(size);
	if (!expr)
		return 0;
	memcpy(expr, data + 1, size - 1);
	expr[size - 1] = 0;
	assay_derive_result r;
	assay_error err;
	memset(&r, 0, sizeof r);
	err.msg[0] = 0;
	int rc = assay_derive_eval(store, data[0] & 16 ? "m/a" : NULL, expr,
				   freqs[data[0] & 3],
				   data[0] & 8 ? "2020-06-01T00:00:00Z" : NULL,
				   data[0] & 4 ? "t" : NULL, &r, &err);
	if (rc != 0 && rc != -1)
		die("assay_derive_eval returned neither 0 nor -1", NULL);
	if (rc) {
		if (err.status != ASSAY_EUSAGE)
			die("a failure is not ASSAY_EUSAGE", err.msg);
		if (!err.msg[0] || strchr(err.msg, '\n') || strchr(err.msg, '\r'))
			die("a failure is one line", err.msg);
	} else {
		for (size_t i = 0; i < r.n; i++) {
			if (i && !(r.period[i - 1] < r.period[i]))
				die("the periods rise", expr);
			if (isinf(r.value[i]))
				die("a value is infinite", expr);
		}
		if (r.n_div_zero > r.n) {
			char msg[600];
			snprintf(msg, sizeof msg, "%s: %zu periods, %zu divided by zero",
				 expr, r.n, r.n_div_zero);
			die("the periods divided by zero are within the result", msg);
		}
		assay_derive_result_release(&r);
	}
	free(expr);
	return 0;
}
