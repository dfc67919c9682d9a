/*
 * The C locale for the library's own parsing and formatting (internal).
 *
 * A program that links libassay may call setlocale(LC_ALL, "de_DE.UTF-8");
 * strtod would then stop at a '.', and printf would write "1,5".  Every
 * library function that reads or writes numbers as text switches its own
 * thread to the C locale for the time it runs, and back:
 *
 *	locale_t saved = assay_c_locale_enter();
 *	...
 *	assay_c_locale_leave(saved);
 *
 * Calls nest (the saved locale is restored), and other threads are not
 * touched (uselocale is per thread).
 */
#ifndef ASSAY_C_LOCALE_H
#define ASSAY_C_LOCALE_H

#include <locale.h>

/* The process-wide C locale object, made on first use; (locale_t)0 only
 * when newlocale fails (out of memory). */
locale_t assay_c_locale(void);

/* Switch this thread to the C locale; returns what to restore.  When the
 * locale object cannot be made, nothing changes and (locale_t)0 is
 * returned (assay_c_locale_leave then does nothing). */
locale_t assay_c_locale_enter(void);
void assay_c_locale_leave(locale_t saved);

#endif
