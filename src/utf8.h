/*
 * UTF-8 case folding for names (internal), independent of any locale: a
 * table for the letters series names meet in commodity data -- ASCII,
 * Latin-1 Supplement, Latin Extended-A, Greek and Cyrillic capitals.
 * What the table does not know is kept as it is.
 */
#ifndef ASSAY_UTF8_H
#define ASSAY_UTF8_H

#include <stddef.h>

#include "assay/assay.h"

/* The lower-case form of the character at s (len bytes of valid UTF-8,
 * 1-4) into out (at least 4 bytes); returns its length. */
size_t assay_utf8_lower(const unsigned char *s, size_t len, unsigned char *out);

/* A NUL-terminated copy of s with every character lowered (malloc'd;
 * NULL when out of memory).  Invalid bytes are copied as they are. */
char *assay_utf8_lower_dup(const char *s);

/* Is the character at s (of UTF-8 length len) a control character: C0,
 * DEL, C1 (U+0080-U+009F), a bidirectional formatting one (U+202E) or
 * another invisible one (U+200B, U+FEFF)? */
int assay_utf8_is_control(const unsigned char *s, size_t len);

/* The first byte of s that makes it no name: not UTF-8 (*bad_utf8 set),
 * or a control character (a line break, a tab, U+202E).  NULL when s is
 * fine.  The characters' half of the rule of names (assay_name_why). */
const char *assay_name_flaw(const char *s, int *bad_utf8);

/* Why s is no series name ("it begins with a blank"), or NULL: the one
 * rule of names, of the importer's names (its cells trimmed first, its
 * flags as given) and rename's, merge's and derive's (store_check_name).
 * Not empty nor blanks only, no blank (U+0020, U+00A0) at either end
 * (the importer trims those off a cell, so such a name could never be
 * imported again as itself), and assay_name_flaw's characters. */
const char *assay_name_why(const char *s);
/* The rule in a few words, for messages. */
#define ASSAY_NAME_RULE "UTF-8, no control characters, not empty, no blank " \
	"at either end"
/* For the writers that take a name as given (rename, merge --into,
 * derive): 0 when s keeps the rule, else -1 with err filled
 * (ASSAY_EUSAGE: "'S' is no fit series name: WHY (RULE)"). */
int assay_name_check(const char *s, assay_error *err);

/* The length of s without a source's trailing footnote markers and the
 * blanks before them ("Chicken **", "Beef *", "Tin \u2020"): what titles
 * and headings show of a label; the store keeps the label as it came. */
size_t assay_label_len(const char *s);


#endif
