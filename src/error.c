/* Error reporting of the library: fill the caller's assay_error.  No
 * SQLite here (assay_init, which configures it, is in init.c), so that a
 * program using only the statistics links without -lsqlite3. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/assay.h"
#include "c_locale.h"
#include "store_internal.h"

/* A message is one line, whatever the data it quotes hold: a line break
 * or another control character from a file (a workbook's cell reference
 * '&#10;C3') is written as an escape, \n, \r, \t or \xNN, as
 * assay_shown writes a quoted cell.  (Not assay_shown itself: a program
 * of the statistics alone links without the names' Unicode library.) */
static void one_line(char *msg)
{
	const unsigned char *u = (const unsigned char *)msg;
	while (*u && *u >= 0x20 && *u != 0x7f)
		u++;
	if (!*u)
		return;
	char copy[sizeof ((assay_error *)0)->msg];
	size_t n = sizeof copy, k = 0;
	memcpy(copy, msg, n);
	for (const unsigned char *c = (const unsigned char *)copy; *c; c++) {
		char esc[8];
		if (*c == '\n' || *c == '\r' || *c == '\t')
			snprintf(esc, sizeof esc, "\\%c", *c == '\n' ? 'n' : *c == '\r' ? 'r' : 't');
		else if (*c < 0x20 || *c == 0x7f)
			snprintf(esc, sizeof esc, "\\x%02x", *c);
		else
			esc[0] = (char)*c, esc[1] = 0;
		size_t len = strlen(esc);
		if (k + len + 4 > n) {
			/* not inside a UTF-8 sequence */
			while (k > 0 && ((unsigned char)msg[k - 1] & 0xC0) == 0x80)
				k--;
			if (k > 0 && (unsigned char)msg[k - 1] >= 0xC0)
				k--;
			memcpy(msg + k, "...", 4);
			return;
		}
		memcpy(msg + k, esc, len);
		k += len;
	}
	msg[k] = 0;
}

int assay_fail(assay_error *err, int status, const char *fmt, ...)
{
	if (err) {
		/* Messages quote numbers ("alpha 1.5 is ..."): as assay reads
		 * them, whatever the caller's or this thread's locale. */
		locale_t saved = assay_c_locale_enter();
		va_list ap;
		err->status = status;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		assay_c_locale_leave(saved);
		one_line(err->msg);
	}
	return -1;
}

/* One switch of the thread's locale per number costs about 3 ns against
 * 250 ns for the snprintf, so this is safe to call in loops. */
char *assay_fmt_g(double v, char *buf, size_t n)
{
	locale_t saved = assay_c_locale_enter();
	int prec;
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (prec == 17)
		snprintf(buf, n, "%.17g", v);
	assay_c_locale_leave(saved);
	return buf;
}
