/*
 * Opening and reading the fixture files that scripts/make-fixtures-*
 * write (tests/fixtures, or $ASSAY_TEST_DATA): shared by the unit tests.
 * Include after <cmocka.h>: a missing fixture fails the test.
 */
#ifndef ASSAY_TEST_FIXTURE_FILE_H
#define ASSAY_TEST_FIXTURE_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *data_dir(void)
{
	const char *d = getenv("ASSAY_TEST_DATA");
	return d && *d ? d : "tests/fixtures";
}

static FILE *open_fixture(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", data_dir(), name);
	FILE *fp = fopen(path, "r");
	if (!fp)
		fail_msg("cannot open fixture %s", path);
	return fp;
}

/* Next data line (no comment, no newline) or NULL at the end. */
static char *next_line(FILE *fp, char *buf, size_t n)
{
	while (fgets(buf, (int)n, fp)) {
		buf[strcspn(buf, "\r\n")] = 0;
		if (buf[0] != '#' && buf[0])
			return buf;
	}
	return NULL;
}

/* Split a CSV line in place (RFC 4180 quotes); returns the field count. */
static int split_csv(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		if (*p == '"') {
			char *w = ++p;
			f[n++] = w;
			while (*p) {
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*w++ = *p++;
				}
			}
			*w = 0;
			if (*p == ',')
				p++;
			else
				break;
		} else {
			f[n++] = p;
			char *c = strchr(p, ',');
			if (!c)
				break;
			*c = 0;
			p = c + 1;
		}
	}
	return n;
}

#endif
