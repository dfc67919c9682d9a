/* The C locale for the library's parsing and formatting (see c_locale.h). */
#define _GNU_SOURCE 1   /* newlocale/uselocale are POSIX 2008; keep glibc happy */
#include <locale.h>
#include <pthread.h>

#include "c_locale.h"

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

locale_t assay_c_locale(void)
{
	pthread_once(&c_locale_once, make_c_locale);
	return c_locale;
}

locale_t assay_c_locale_enter(void)
{
	locale_t c = assay_c_locale();
	return c ? uselocale(c) : (locale_t)0;
}

void assay_c_locale_leave(locale_t saved)
{
	if (saved)
		uselocale(saved);
}
