/*
 * JSON text of a jansson value with every real in its own shortest
 * round-trip form: jansson has one precision per dump, so 17 digits (to
 * keep every value exact) print 0.05 as 0.050000000000000003, and 15 lose
 * the last digits of computed values.  The layout is jansson's: with
 * indent, JSON_INDENT(2) | JSON_PRESERVE_ORDER; without, JSON_COMPACT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "output.h"

static void newline(FILE *fp, int indent, int depth)
{
	fputc('\n', fp);
	for (int i = 0; i < indent * depth; i++)
		fputc(' ', fp);
}

static void write_value(FILE *fp, const json_t *j, int indent, int depth)
{
	char buf[64];
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *v;
		int first = 1;
		if (!json_object_size(j)) {
			fputs("{}", fp);
			break;
		}
		fputc('{', fp);
		json_object_foreach((json_t *)j, key, v) {
			if (!first)
				fputc(',', fp);
			first = 0;
			if (indent)
				newline(fp, indent, depth + 1);
			out_json_string(fp, key);
			fputs(indent ? ": " : ":", fp);
			write_value(fp, v, indent, depth + 1);
		}
		if (indent)
			newline(fp, indent, depth);
		fputc('}', fp);
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;
		if (!json_array_size(j)) {
			fputs("[]", fp);
			break;
		}
		fputc('[', fp);
		json_array_foreach((json_t *)j, i, v) {
			if (i)
				fputc(',', fp);
			if (indent)
				newline(fp, indent, depth + 1);
			write_value(fp, v, indent, depth + 1);
		}
		if (indent)
			newline(fp, indent, depth);
		fputc(']', fp);
		break;
	}
	case JSON_STRING: out_json_string(fp, json_string_value(j)); break;
	case JSON_INTEGER: fprintf(fp, "%" JSON_INTEGER_FORMAT, json_integer_value(j)); break;
	case JSON_REAL:
		fputs(out_json_double(json_real_value(j), buf, sizeof buf), fp);
		break;
	case JSON_TRUE: fputs("true", fp); break;
	case JSON_FALSE: fputs("false", fp); break;
	default: fputs("null", fp);
	}
}

int json_out_write(FILE *fp, const json_t *j, int indent, int depth)
{
	write_value(fp, j, indent, depth);
	return ferror(fp) ? -1 : 0;
}

char *json_out_text(const json_t *j, int indent, int depth)
{
	char *p = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&p, &n);
	if (!fp)
		return NULL;
	write_value(fp, j, indent, depth);
	if (fclose(fp)) {
		free(p);
		return NULL;
	}
	return p;
}
