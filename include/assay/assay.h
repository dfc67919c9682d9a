/*
 * assay: tell signal from noise in commodity production and price data.
 *
 * Umbrella header and the conventions every module follows:
 *  - Functions that can fail return 0 on success and -1 on failure, and fill
 *    the caller's `assay_error` with an exit-status class and a one-line
 *    message (without the "assay: " prefix, which is the CLI's).
 *  - Lookups, where "not there" is an answer and not a failure, return 1
 *    when found, 0 when not found and -1 on failure (err filled):
 *    assay_store_series_get and assay_store_series_remove.  Test `rc < 0`
 *    for an error and `rc == 0` for "no such series".
 *  - assay_*_name() functions turn an enum into its name and return NULL
 *    for the "none" value (ASSAY_KIND_NONE, ASSAY_VERDICT_NONE): no name,
 *    NA in a table and null in JSON.  Words for messages
 *    (assay_freq_adjective, assay_freq_change_tag) return "" instead, so
 *    that they can be printed as they are.
 *  - The library never prints, never exits, never aborts.  GSL's abort
 *    handler is switched off by assay_init() (or assay_init_stats()).
 *  - Strings returned in structs are owned by the struct; release them with
 *    the matching *_release() function.  *_release(NULL) is a no-op.
 */
#ifndef ASSAY_ASSAY_H
#define ASSAY_ASSAY_H

#include <stddef.h>
#include <stdint.h>

#define ASSAY_VERSION "0.1.0"

/* Exit statuses of the assay command; the one table of them (README, man). */
enum assay_status {
	ASSAY_OK = 0,           /* success; for check: the move is noise */
	ASSAY_NOTABLE = 1,      /* check/scan: a notable move (shock or trend) */
	ASSAY_EUSAGE = 2,       /* bad usage or bad input data */
	ASSAY_ECANNOT = 3,      /* check: cannot judge (history, partial, NA) */
	ASSAY_EIO = 4           /* database or I/O error */
};

typedef struct assay_error {
	int status;             /* one of enum assay_status */
	char msg[1024];         /* "FILE:LINE:COL: what is wrong", no prefix */
} assay_error;

/* Fill `err` (if not NULL) with status and a printf-style message; returns -1
 * so that callers can write `return assay_fail(err, ...);`. */
int assay_fail(assay_error *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Shortest "%.Ng" text of v that reads back to the same double (C
 * locale); returns buf. */
char *assay_fmt_g(double v, char *buf, size_t n);

/* The length (1-4) of the valid UTF-8 character at s, or 0 when the
 * bytes there are none (overlong forms and surrogates included). */
size_t assay_utf8_len(const unsigned char *s);

/* s as a message may show it, in buf (n >= 8 bytes): line breaks, tabs
 * and other control characters escaped (\n, \x1b), bytes that are not
 * UTF-8 too, and cut with "..." to fit -- text from a file or an argument
 * must not move a terminal's cursor or split a message in two.  Returns
 * buf. */
const char *assay_shown(const char *s, char *buf, size_t n);

/* s in normalisation form C, malloc'd (utf8proc); NULL when s is not
 * UTF-8 or out of memory.  Every name that enters the store or names one
 * on the command line is in NFC, so one spelling is one series. */
char *assay_utf8_nfc(const char *s);
int assay_utf8_is_ascii(const char *s);

/* One-time library set-up, before any other call: turns GSL's
 * abort-on-error handler off and configures SQLite (one connection per
 * thread, no global memory statistics). */
void assay_init(void);

/* The part of assay_init that the statistics need (GSL's handler off),
 * for a program that uses them without the store: it links without
 * SQLite (-lgsl -lgslcblas -lm), which assay_init would pull in. */
void assay_init_stats(void);

#include "assay/period.h"

#endif
