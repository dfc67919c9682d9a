/* assay show: one series' metadata, import history and revisions. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/derive.h"
#include "cli.h"
#include "json_out.h"
#include "commands.h"
#include "optable.h"
#include "output.h"

static const char usage[] =
	"Usage: assay show SERIES [--format table|csv|tsv|json|ndjson]\n"
	"\n"
	"Print the metadata of SERIES, the imports that brought its values\n"
	"(file, sha256, time, vintage, counts) and every revision: a period's\n"
	"value at one vintage and the value that replaced it.  csv and tsv print\n"
	"the revisions only; json one object {series, imports, revisions}\n"
	"(ndjson: the same object on one line).  A derived series (assay\n"
	"derive) shows its definition (kind_given: yes when derive --kind named\n"
	"its kind) and its inputs with their newest vintage when it was defined\n"
	"and now; its values are computed when read.\n"
	"Exit status: 0 success, 2 bad usage or unknown series, 4 database error.\n"
	"\n"
	"Examples:\n"
	"  assay show wb/copper\n"
	"  assay show wb/copper --format csv   # the revisions\n";

static out_table *metadata_table(const assay_series_summary *s)
{
	static const char *const cols[] = { "field", "value" };
	out_table *t = out_table_new(cols, 2);
	char a[32], b[32], fr[2] = { (char)s->info.freq, 0 };
	const char *rows[][2] = {
		{ "name", s->info.name }, { "kind", assay_kind_name(s->info.kind) },
		{ "freq", fr }, { "commodity", s->info.commodity },
		{ "region", s->info.region }, { "measure", s->info.measure },
		{ "unit", s->info.unit }, { "source", s->info.source },
		{ "notes", s->info.notes },
		{ "first", s->count > 0 ? assay_period_format(s->info.freq, s->first, a, sizeof a) : NULL },
		{ "last", s->count > 0 ? assay_period_format(s->info.freq, s->last, b, sizeof b) : NULL },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		out_str(t, rows[i][0]);
		out_str(t, rows[i][1]);
	}
	out_str(t, "count");
	if (s->count < 0)
		out_null(t);
	else
		out_int(t, s->count);
	return t;
}

static out_table *imports_table(const assay_import_record *r, size_t n)
{
	static const char *const cols[] = {
		"import", "file", "imported_at", "vintage", "values", "sha256"
	};
	out_table *t = out_table_new(cols, 6);
	for (size_t i = 0; i < n; i++) {
		out_int(t, r[i].id);
		out_str(t, r[i].file);
		out_str(t, r[i].imported_at);
		out_str(t, r[i].vintage);
		out_int(t, r[i].values);
		out_str(t, r[i].sha256);
	}
	return t;
}

static out_table *revisions_table(assay_freq f, const assay_revision *r, size_t n)
{
	static const char *const cols[] = {
		"period", "old_value", "old_vintage", "new_value", "new_vintage"
	};
	out_table *t = out_table_new(cols, 5);
	for (size_t i = 0; i < n; i++) {
		char lbl[32];
		out_str(t, assay_period_format(f, r[i].period, lbl, sizeof lbl));
		out_num(t, r[i].old_value, 0);
		out_str(t, r[i].old_vintage);
		out_num(t, r[i].new_value, 0);
		out_str(t, r[i].new_vintage);
	}
	return t;
}

/* A derived series' definition and inputs: 1 read, 0 an imported series,
 * or minus the exit status of the error reported. */
static int load_definition(assay_store *st, int64_t id, assay_derived_def *def,
			   assay_derived_input **in, size_t *n)
{
	assay_error err;
	int rc = assay_store_derived_get(st, id, def, &err);
	if (rc <= 0)
		return rc < 0 ? -cli_report(&err) : 0;
	if (assay_store_derived_inputs(st, id, in, n, &err)) {
		assay_derived_def_release(def);
		return -cli_report(&err);
	}
	return 1;
}

/* A derived series' definition and its inputs with their vintages (when
 * the definition was stored, and now): nothing for an imported series. */
static int show_definition(assay_store *st, int64_t id)
{
	assay_derived_def def;
	assay_derived_input *in = NULL;
	size_t n = 0;
	int rc = load_definition(st, id, &def, &in, &n);
	if (rc <= 0)
		return -rc;
	char fr[2] = { (char)def.freq, 0 };
	printf("\ndefinition\n");
	static const char *const cols[] = { "field", "value" };
	out_table *t = out_table_new(cols, 2);
	/* kind_given: yes (--kind), no (from the inputs: checked against
	 * theirs on read), NA (defined before the store recorded it) */
	const char *rows[][2] = {
		{ "expr", def.expr }, { "freq", fr }, { "to_unit", def.to_unit },
		{ "kind_given", def.kind_given < 0 ? NULL : def.kind_given ?
		  "yes" : "no" },
		{ "defined_at", def.defined_at },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		out_str(t, rows[i][0]);
		out_str(t, rows[i][1]);
	}
	out_table_print(t, stdout, OUT_TABLE);
	out_table_free(t);
	printf("\ninputs (%zu)\n", n);
	static const char *const icols[] = { "input", "vintage_defined", "vintage_now" };
	t = out_table_new(icols, 3);
	for (size_t i = 0; i < n; i++) {
		out_str(t, in[i].name);
		out_str(t, in[i].vintage_then[0] ? in[i].vintage_then : NULL);
		out_str(t, !in[i].present ? "removed" : in[i].vintage_now[0] ?
			in[i].vintage_now : NULL);
	}
	out_table_print(t, stdout, OUT_TABLE);
	out_table_free(t);
	free(in);
	assay_derived_def_release(&def);
	return 0;
}

/* The definition as {"derived": {expr, freq, to_unit, kind_given, defined_at,
 * inputs: [{input, vintage_defined, vintage_now}]}} for a derived series. */
static int definition_json(assay_store *st, int64_t id, json_t *obj)
{
	assay_derived_def def;
	assay_derived_input *in = NULL;
	size_t n = 0;
	int rc = load_definition(st, id, &def, &in, &n);
	if (rc <= 0)
		return -rc;
	char fr[2] = { (char)def.freq, 0 };
	json_t *d = json_object(), *inputs = json_array();
	json_object_set_new(d, "expr", out_json_text(def.expr));
	json_object_set_new(d, "freq", json_string(fr));
	json_object_set_new(d, "to_unit", def.to_unit ? out_json_text(def.to_unit) : json_null());
	json_object_set_new(d, "kind_given", def.kind_given < 0 ? json_null() :
			    json_boolean(def.kind_given));
	json_object_set_new(d, "defined_at", out_json_text(def.defined_at));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "input", out_json_text(in[i].name));
		json_object_set_new(o, "vintage_defined", in[i].vintage_then[0] ?
				    out_json_text(in[i].vintage_then) : json_null());
		json_object_set_new(o, "vintage_now", !in[i].present ? json_string("removed")
				    : in[i].vintage_now[0] ? out_json_text(in[i].vintage_now)
				    : json_null());
		json_array_append_new(inputs, o);
	}
	json_object_set_new(d, "inputs", inputs);
	json_object_set_new(obj, "derived", d);
	free(in);
	assay_derived_def_release(&def);
	return 0;
}

/* JSON: render each table with jansson through a memory stream and nest.
 * A memory stream fails only for want of memory; an empty array in its
 * place would be a wrong answer with exit 0. */
static json_t *table_json(out_table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		cli_die_oom();
	int failed = out_table_print(t, mem, OUT_JSON) != 0;
	if (fclose(mem) || failed)
		cli_die_oom();
	json_t *j = json_loadb(buf, len, 0, NULL);
	free(buf);
	if (!j) {       /* output.c's JSON that jansson cannot read: a bug */
		cli_error(ASSAY_EIO, "internal error: a table's JSON does not parse");
		exit(ASSAY_EIO);
	}
	return j;
}

/* --format is in the usage line, so the table lists nothing. */
static const struct cli_opt show_opts[] = {
	{ .name = "format", .key = 'f', .type = CLI_STR, .arg = "F",
	  .values = "table csv tsv json ndjson" },
	{ .name = NULL }
};

static const struct cli_optset show_set = { "show", usage, NULL, 0, show_opts };

int cmd_show(int argc, char **argv)
{
	enum out_format fmt = OUT_TABLE;
	assay_error err;
	struct cli_optarg o;
	int c, status;

	while ((c = cli_opt_next(&show_set, argc, argv, &o)) != CLI_OPT_END) {
		if (c == CLI_OPT_EXIT)
			return o.status;
		if (c == 'f' && out_format_parse_all(o.s, 0, &fmt))
			return cli_usage_error("show", "--format takes " OUT_FORMATS_ALL
					       ", not '%s'", o.s);
	}
	if (optind + 1 != argc)
		return cli_usage_error("show", "give exactly one SERIES");

	assay_store *st;
	assay_series_summary *s = NULL;
	assay_import_record *imp = NULL;
	assay_revision *rev = NULL;
	size_t n = 0, nimp = 0, nrev = 0;
	const char *name = argv[optind];
	if ((status = cli_open_store(&st, 1)))
		return status;
	/* Exact match: a name may hold glob characters, so filter here. */
	if (assay_store_summaries(st, NULL, 0, &s, &n, &err)) {
		status = cli_report(&err);
		goto out;
	}
	size_t k;
	for (k = 0; k < n && strcmp(s[k].info.name, name); k++)
		;
	if (k == n) {
		status = cli_no_series(st, name, cli.db_path);
		goto out;
	}
	if (assay_derive_summarise(st, &s[k], &err) < 0) {
		cli_warn("%s", err.msg);
		s[k].count = -1;        /* not known: NA, not 0 */
	}
	if (assay_store_history(st, s[k].info.id, &imp, &nimp, &rev, &nrev, &err)) {
		status = cli_report(&err);
		goto out;
	}
	out_table *meta = metadata_table(&s[k]);
	out_table *imports = imports_table(imp, nimp);
	out_table *revs = revisions_table(s[k].info.freq, rev, nrev);
	if (fmt == OUT_JSON || fmt == OUT_NDJSON) {
		json_t *obj = json_object(), *m = json_object();
		json_t *rows = table_json(meta);
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row)
			json_object_set(m, json_string_value(json_object_get(row, "field")),
					json_object_get(row, "value"));
		json_decref(rows);
		json_object_set_new(obj, "series", m);
		if ((status = definition_json(st, s[k].info.id, obj)))
			goto done;
		json_object_set_new(obj, "imports", table_json(imports));
		json_object_set_new(obj, "revisions", table_json(revs));
		if (json_out_write(stdout, obj, fmt == OUT_JSON ? 2 : 0, 0) ||
		    fputc('\n', stdout) == EOF)
			status = cli_write_error();
		json_decref(obj);
	} else if (fmt == OUT_CSV || fmt == OUT_TSV) {
		status = out_table_print(revs, stdout, fmt) ? cli_write_error() : 0;
	} else {
		out_table_print(meta, stdout, OUT_TABLE);
		if ((status = show_definition(st, s[k].info.id)))
			goto done;
		printf("\nimports (%zu)\n", nimp);
		out_table_print(imports, stdout, OUT_TABLE);
		printf("\nrevisions (%zu)\n", nrev);
		if (nrev)
			out_table_print(revs, stdout, OUT_TABLE);
	}
done:
	out_table_free(meta);
	out_table_free(imports);
	out_table_free(revs);
out:
	free(imp);
	free(rev);
	assay_series_summaries_free(s, n);
	assay_store_close(st);
	return status;
}
