/* JSON text with each number in its shortest round-trip form (json_out.c). */
#ifndef ASSAY_CLI_JSON_OUT_H
#define ASSAY_CLI_JSON_OUT_H

#include <jansson.h>
#include <stdio.h>

/* Write j to fp: indent 0 compact (NDJSON), 2 jansson's JSON_INDENT(2)
 * layout, nested `depth` levels deep (the closing bracket's indentation).
 * Returns 0, or -1 when fp has an error. */
int json_out_write(FILE *fp, const json_t *j, int indent, int depth);

/* The same as a malloc'd string; NULL when out of memory. */
char *json_out_text(const json_t *j, int indent, int depth);

#endif
