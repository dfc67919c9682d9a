/*
 * UTF-8 case folding for names (internal), independent of any locale: a
 * table for the letters series names meet in commodity data -- ASCII,
 * Latin-1 Supplement, Latin Extended-A, Greek and Cyrillic capitals.
 * What the table does not know is kept as it is.
 */
#ifndef ASSAY_UTF8_H
#define ASSAY_UTF8_H

#include <stddef.h>

/* The lower-case form of the character at s (len bytes of valid UTF-8,
 * 1-4) into out (at least 4 bytes); returns its length. */
size_t assay_utf8_lower(const unsigned char *s, size_t len, unsigned char *out);

/* A NUL-terminated copy of s with every character lowered (malloc'd;
 * NULL when out of memory).  Invalid bytes are copied as they are. */
char *assay_utf8_lower_dup(const char *s);

/* Is the character at s (of UTF-8 length len) a control character: C0,
 * DEL, or C1 (U+0080-U+009F, what a cp1252 file read as latin1 gives)? */
int assay_utf8_is_control(const unsigned char *s, size_t len);

#endif
