/* assay import: load series from a CSV file or a workbook into the store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "assay/import.h"
#include "assay/workbook.h"
#include "cli.h"
#include "commands.h"
#include "optable.h"
#include "output.h"
#include "progress.h"

/* --help is this text with the option table's lines between its parts
 * (print_help): the sections, and the lines the table cannot give (text
 * without a help column, or naming several options). */
static const char usage[] =
	"Usage: assay import FILE [OPTIONS]\n"
	"\n"
	"Load series from a CSV file (or - for standard input) or an Excel\n"
	"workbook (.xlsx, .xls) into the store, in one transaction: a failed\n"
	"import writes nothing.  Re-importing a changed value keeps the old one\n"
	"as an earlier vintage.\n"
	"\n"
	"Workbooks (told from the file's content, not its name):\n";

static const char usage_layout[] =
	"  A sheet is read as its CSV would be: every option below works; LINE\n"
	"  is the sheet's row number; number cells are read exactly as stored;\n"
	"  date cells (1900 or 1904 system) read as YYYY-MM-DD; errors name the\n"
	"  cell: FILE[SHEET]!C7.\n"
	"\n"
	"Layout:\n";

static const char usage_reading[] =
	"  COL is a header name (case-insensitive) or a 1-based column number.\n"
	"\n"
	"Reading:\n";

static const char usage_meta[] = "\nMetadata (a flag for every series, or a column per row):\n";

static const char usage_meta_flags[] =
	"  --unit U  --source S  --commodity C  --region R  --measure M  --notes N\n"
	"  --kind-col COL  --unit-col COL  --source-col COL  --commodity-col COL\n"
	"  --region-col COL  --measure-col COL  --notes-col COL\n";

static const char usage_output[] = "\nOutput:\n";

static const char usage_after[] =
	"\n"
	"Values with qualifiers (>50, <0.5, 123e) and flags (E) are reported on\n"
	"stderr and not imported.  A row with a non-empty field past the header's\n"
	"last column is an error (empty ones are padding); shorter rows are\n"
	"counted in the summary (wide, table: missing cells are NA).  Names and\n"
	"metadata must be UTF-8 (see --encoding).  Errors name FILE:LINE:COLUMN.\n"
	"Exit status: 0 imported, 2 bad usage or bad data, 4 database or I/O error.\n"
	"\n"
	"Examples:\n"
	"  assay import cmo-monthly-2026-06.csv --prefix wb/ --kind price --vintage 2026-06-02\n"
	"  assay import prices.csv --series my/price --kind price --dry-run\n"
	"  curl -s URL | assay import - --layout wide --key-cols Entity --date-col Year\n";

enum {
	OPT_LAYOUT = 256, OPT_SERIES, OPT_SERIES_COL, OPT_DATE_COL, OPT_VALUE_COL,
	OPT_KEY_COLS, OPT_VALUE_COLS, OPT_PREFIX, OPT_HEADER_LINE, OPT_DELIM,
	OPT_DECIMAL, OPT_DATE_FORMAT, OPT_FREQ, OPT_NA, OPT_SKIP_BAD, OPT_DRY_RUN, OPT_RELABEL,
	OPT_VINTAGE, OPT_FORMAT, OPT_ENCODING, OPT_SHEET, OPT_RANGE,
	OPT_LIST_SHEETS, OPT_SUFFIX, OPT_PERCENT, OPT_COL_META, OPT_META_FILE,
	OPT_MAP, OPT_MAP_FILE, OPT_ZERO,
	OPT_META = 512,         /* + field: --kind, --unit, ... */
	OPT_META_COL = 640      /* + field: --kind-col, ... */
};

/* A metadata field's two options, described in usage_meta_flags. */
#define META_OPTS(field, NAME) \
	{ .name = field, .key = OPT_META + ASSAY_META_##NAME, .type = CLI_STR, \
	  .arg = "V" }, \
	{ .name = field "-col", .key = OPT_META_COL + ASSAY_META_##NAME, \
	  .type = CLI_STR, .arg = "COL" }

/* In --help order; each section of it ends at the option print_help names. */
static const struct cli_opt import_opts[] = {
	{ .name = "sheet", .key = OPT_SHEET, .type = CLI_STR, .arg = "NAME|N",
	  .help = "the sheet to read (default: the only visible one)" },
	{ .name = "range", .key = OPT_RANGE, .type = CLI_STR, .arg = "A1:Z999",
	  .help = "read only these cells (field 1 is its first column)" },
	{ .name = "list-sheets", .key = OPT_LIST_SHEETS,
	  .help = "list the sheets (number, name, hidden) and stop" },
	{ .name = "layout", .key = OPT_LAYOUT, .type = CLI_STR, .arg = "L",
	  .help = "long (series,date,value), single (date,value with\n"
		  "--series), wide (a date column, one column per\n"
		  "series) or table (key columns, one column per\n"
		  "period); default: guessed from the header",
	  .values = "long single wide table" },
	{ .name = "series", .key = OPT_SERIES, .type = CLI_STR, .arg = "NAME",
	  .help = "the series of a single-series file" },
	{ .name = "series-col", .key = OPT_SERIES_COL, .type = CLI_STR, .arg = "COL",
	  .help = "long layout: the column of series names" },
	{ .name = "date-col", .key = OPT_DATE_COL, .type = CLI_STR, .arg = "COL",
	  .help = "the date column (default: date, period, ... or an\n"
		  "unnamed first column)" },
	{ .name = "value-col", .key = OPT_VALUE_COL, .type = CLI_STR, .arg = "COL",
	  .help = "long/single layouts: the value column" },
	{ .name = "key-cols", .key = OPT_KEY_COLS, .type = CLI_STR, .arg = "A,B,...",
	  .help = "wide/table: columns whose cells name the series" },
	{ .name = "value-cols", .key = OPT_VALUE_COLS, .type = CLI_STR, .arg = "GLOBS",
	  .help = "wide/table: which columns hold values (PROD_*)" },
	{ .name = "prefix", .key = OPT_PREFIX, .type = CLI_STR, .arg = "P",
	  .help = "prepended to generated series names (wb/)" },
	{ .name = "map", .key = OPT_MAP, .type = CLI_STR, .arg = "'OLD=NEW'",
	  .help = "a key cell, series cell or header OLD reads as NEW\n"
		  "before names are made (repeatable):\n"
		  "--map 'Congo, DRC=Democratic Republic of Congo'" },
	{ .name = "map-file", .key = OPT_MAP_FILE, .type = CLI_STR, .arg = "FILE",
	  .help = "the same from a CSV of OLD,NEW lines" },
	{ .name = "header-line", .key = OPT_HEADER_LINE, .type = CLI_LONG,
	  .arg = "N", .lo = 1, .flags = CLI_OPT_NO_HI,
	  .help = "the header is line N (default: the first line with\n"
		  "at least half of its cells filled)" },
	{ .name = "delimiter", .key = OPT_DELIM, .type = CLI_STR, .arg = "C",
	  .help = ", ; or tab (default: detected)" },
	{ .name = "decimal", .key = OPT_DECIMAL, .type = CLI_STR, .arg = "C",
	  .help = ". or , for decimal commas (\"2,6830\"); without it '.' is, "
		  "but a file whose numbers read both ways (\"1,234\" and none "
		  "like \"0.5\") is refused" },
	{ .name = "encoding", .key = OPT_ENCODING, .type = CLI_STR, .arg = "NAME",
	  .help = "the file's encoding when it is not UTF-8: cp1252,\n"
		  "latin1, utf-16, ... (any name iconv -l lists);\n"
		  "converted to UTF-8 as it is read" },
	{ .name = "date-format", .key = OPT_DATE_FORMAT, .type = CLI_STR,
	  .arg = "FMT", .help = "strptime(3) format for other dates (%d.%m.%Y)" },
	{ CLI_OPT_FREQ, .key = OPT_FREQ,
	  .help = "D, W, M, Q or A: the period a full date stands for\n"
		  "(default: from the dates; full dates that are all first\n"
		  "days of months are M); a finer label (2024Q1 under A) is\n"
		  "an error, not a year" },
	{ .name = "na", .key = OPT_NA, .type = CLI_STR, .arg = "TOKEN",
	  .help = "one more missing-value marker (repeatable); a\n"
		  "number (-999) marks that value however written; always\n"
		  "NA: empty, NA, N/A, #N/A, ., .., ..., \xE2\x80\xA6, W, nan, null;\n"
		  "a dash (-, --, \xE2\x80\x94, \xE2\x80\x93, \xE2\x88\x92) is an error unless\n"
		  "--na or --zero names it" },
	{ .name = "zero", .key = OPT_ZERO, .type = CLI_STR, .arg = "TOKEN",
	  .help = "a value cell TOKEN reads as 0 (repeatable): USGS\n"
		  "writes zero as \xE2\x80\x94, accounting formats as -" },
	{ .name = "suffix", .key = OPT_SUFFIX, .type = CLI_STR,
	  .arg = "K=1e3,M=1e6,B=1e9",
	  .help = "multiplier suffixes values carry (41.19K\n"
		  "reads as 41190; exact for powers of ten); with it,\n"
		  "a suffix it does not declare is an error" },
	{ .name = "percent", .key = OPT_PERCENT,
	  .help = "read 0.07% as 0.07, unit % (unless a unit is\n"
		  "given); a column's values are all percents or none" },
	{ .name = "skip-bad", .key = OPT_SKIP_BAD,
	  .help = "skip bad rows (listed on stderr) instead of failing" },
	{ .name = "dry-run", .key = OPT_DRY_RUN,
	  .help = "report what would change, write nothing" },
	{ .name = "relabel", .key = OPT_RELABEL,
	  .help = "an existing series takes this import's unit\n"
		  "and kind where they differ from the store's (its\n"
		  "values are not converted); else that is an error" },
	/* the trailing blank: three spaces before the help, as written */
	{ CLI_OPT_KIND, .key = OPT_META + ASSAY_META_KIND,
	  .label = "--kind flow|price|stock ",
	  .help = "flow: summed over a period; price: averaged;\n"
		  "stock: last value (required for new series)" },
	{ .name = "kind-col", .key = OPT_META_COL + ASSAY_META_KIND,
	  .type = CLI_STR, .arg = "COL" },
	META_OPTS("unit", UNIT), META_OPTS("source", SOURCE),
	META_OPTS("commodity", COMMODITY), META_OPTS("region", REGION),
	META_OPTS("measure", MEASURE), META_OPTS("notes", NOTES),
	{ .name = "col-meta", .key = OPT_COL_META, .type = CLI_STR,
	  .label = "--col-meta 'COL:field=value,...'",
	  .help = "metadata of one value column (a\n"
		  "header, glob or number) or series, over the flags\n"
		  "and a units row (repeatable):\n"
		  "--col-meta 'Vol.:kind=flow,unit=contracts'" },
	{ .name = "meta", .key = OPT_META_FILE, .type = CLI_STR, .arg = "FILE",
	  .help = "the same from a CSV: a column 'column' (or series)\n"
		  "and columns kind, unit, measure, source, ...\n"
		  "An entry that names nothing is an error." },
	{ .name = "vintage", .key = OPT_VINTAGE, .type = CLI_STR, .arg = "DATE",
	  .help = "when these values were published (default: now;\n"
		  "after tomorrow, UTC, is refused); 'export --as-of'\n"
		  "selects by it" },
	{ .name = "format", .key = OPT_FORMAT, .type = CLI_STR, .arg = "F",
	  .help = "table, csv, tsv, json or ndjson: the summary as\n"
		  "data on stdout\n"
		  "(default: one line on stderr)",
	  .values = "table csv tsv json ndjson" },
	/* in the table so that cli_opt_next leaves --help to print_help */
	{ .name = "help", .key = 'h', .flags = CLI_OPT_SHORT },
	{ .name = NULL }
};

static const struct cli_optset import_set = {
	"import", usage, usage_after, 20, import_opts
};

/* The lines of import_opts from *next up to the option named last (NULL:
 * to the end), after text. */
static void print_section(const char *text, size_t *next, const char *last)
{
	struct cli_opt part[sizeof import_opts / sizeof import_opts[0]];
	size_t n = 0;
	fputs(text, stdout);
	while (import_opts[*next].name) {
		const struct cli_opt *o = &import_opts[(*next)++];
		part[n++] = *o;
		if (last && !strcmp(o->name, last))
			break;
	}
	part[n] = (struct cli_opt){ .name = NULL };
	cli_opt_lines(stdout, part, import_set.width);
}

static void print_help(void)
{
	size_t next = 0;
	print_section(import_set.usage, &next, "list-sheets");
	print_section(usage_layout, &next, "map-file");
	print_section(usage_reading, &next, "dry-run");
	print_section(usage_meta, &next, "kind");
	print_section(usage_meta_flags, &next, "vintage");
	print_section(usage_output, &next, NULL);
	fputs(import_set.after, stdout);
}

static void notice(void *ctx, const char *msg)
{
	(void)ctx;
	cli_message("assay: ", "%s", msg);
}

/* What the import's callbacks share. */
struct import_run {
	struct progress bar;
	struct iargs *a;
	int summary_failed;     /* the summary could not be written */
};

static void on_progress(void *ctx, int pass, uint64_t done, uint64_t total)
{
	struct import_run *run = ctx;
	progress_update(&run->bar, pass == 1 ? "reading" : "importing", done, total);
}

static int parse_layout(const char *s, assay_layout *out)
{
	static const char *const names[] = { "auto", "long", "single", "wide", "table" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(s, names[i])) {
			*out = (assay_layout)i;
			return 0;
		}
	return -1;
}

/* Why values were kept as an earlier vintage: name this file's vintage
 * and the later one that stays current (a file imported without
 * --vintage has the time of its import as its vintage, so a file given
 * an earlier --vintage afterwards is, rightly, not current). */
static void explain_older(assay_store *st, const assay_import_result *r)
{
	assay_superseder s;
	if (assay_store_import_superseder(st, r->import_id, &s, NULL) != 1)
		return;
	fprintf(stderr, "assay: %llu value%s kept as an earlier vintage: this "
		"file's vintage %s is older than %s of %s%s, which stays "
		"current ('--as-of %s' shows this file's values)\n",
		(unsigned long long)r->older, r->older == 1 ? "" : "s",
		s.vintage ? s.vintage : "?", s.later_vintage ? s.later_vintage : "?",
		s.later_file ? s.later_file : "?", s.later_undated
		? " (imported without --vintage: its vintage is the time it was "
		  "imported)" : "", s.vintage ? s.vintage : "DATE");
	assay_superseder_release(&s);
}

static int print_summary(const assay_import_opts *o, const assay_import_result *r,
			 int have_format, enum out_format fmt)
{
	static const char *const cols[] = {
		"file", "rows", "series", "new_series", "inserted", "revised",
		"unchanged", "older", "na", "skipped", "sha256", "dry_run",
		"short_rows", "na_kept"
	};
	if (!have_format) {
		/* Short rows are named only when there are some: the line of
		 * a clean import stays as it was. */
		char short_rows[128] = "";
		if (r->short_rows)
			snprintf(short_rows, sizeof short_rows, "; %llu row%s shorter "
				 "than the header (missing cells are NA)",
				 (unsigned long long)r->short_rows,
				 r->short_rows == 1 ? "" : "s");
		char na_kept[128] = "";
		if (r->na_kept)
			snprintf(na_kept, sizeof na_kept, "; %llu NA where the store "
				 "has an earlier vintage's value (kept)",
				 (unsigned long long)r->na_kept);
		if (!cli.quiet)
			fprintf(stderr, "assay: %s %s: %llu row%s, %llu series (%llu new): "
				"%llu inserted, %llu revised, %llu unchanged, %llu "
				"earlier-vintage, %llu NA, %llu skipped%s%s\n",
				o->dry_run ? "would import" : "imported", o->path,
				(unsigned long long)r->rows_read,
				r->rows_read == 1 ? "" : "s",
				(unsigned long long)r->series_total,
				(unsigned long long)r->series_new,
				(unsigned long long)r->inserted,
				(unsigned long long)r->revised,
				(unsigned long long)r->unchanged,
				(unsigned long long)r->older,
				(unsigned long long)r->na,
				(unsigned long long)r->skipped, short_rows, na_kept);
		return 0;
	}
	out_table *t = out_table_new(cols, 14);
	out_str(t, o->path);
	out_int(t, (long long)r->rows_read);
	out_int(t, (long long)r->series_total);
	out_int(t, (long long)r->series_new);
	out_int(t, (long long)r->inserted);
	out_int(t, (long long)r->revised);
	out_int(t, (long long)r->unchanged);
	out_int(t, (long long)r->older);
	out_int(t, (long long)r->na);
	out_int(t, (long long)r->skipped);
	out_str(t, r->sha256);
	out_bool(t, o->dry_run);
	out_int(t, (long long)r->short_rows);
	out_int(t, (long long)r->na_kept);
	int rc = out_table_print(t, stdout, fmt);
	out_table_free(t);
	return rc ? cli_write_error() : 0;
}

/* Standard input (or a pipe) copied to a temporary file, as an import
 * reads it: an .xlsx is read by seeking.  NULL (errno set) on failure. */
static FILE *copy_stream(FILE *in)
{
	char block[1 << 16];
	size_t n;
	FILE *tmp = tmpfile();
	if (!tmp)
		return NULL;
	while ((n = fread(block, 1, sizeof block, in)) > 0)
		if (fwrite(block, 1, n, tmp) != n)
			break;
	if (ferror(in) || ferror(tmp) || fflush(tmp)) {
		int e = errno;
		fclose(tmp);
		errno = e ? e : EIO;
		return NULL;
	}
	rewind(tmp);
	return tmp;
}

/* The workbook --list-sheets reads: the file, or "-" (a pipe, a FIFO)
 * copied first, as an import does ("-: cannot open: No such file"). */
static FILE *open_listed(const char *path, int *copied)
{
	struct stat sb;
	*copied = !strcmp(path, "-");
	if (*copied)
		return copy_stream(stdin);
	FILE *fp = fopen(path, "rb");
	if (!fp || fstat(fileno(fp), &sb) || S_ISREG(sb.st_mode))
		return fp;
	FILE *tmp = copy_stream(fp);
	int e = errno;
	fclose(fp);
	errno = e;
	*copied = 1;
	return tmp;
}

/* --list-sheets: number, name and "hidden" of each sheet, tab-separated. */
static int list_workbook_sheets(const char *path)
{
	assay_error err;
	assay_workbook *wb;
	unsigned char head[8];
	int copied;
	FILE *fp = open_listed(path, &copied);
	if (!fp) {
		assay_fail(&err, ASSAY_EUSAGE, "%s: cannot %s: %s", path,
			   copied ? "read" : "open", strerror(errno));
		return cli_report(&err);
	}
	size_t n = fread(head, 1, sizeof head, fp);
	rewind(fp);
	enum assay_file_format fmt = assay_file_sniff(head, n);
	if (fmt == ASSAY_FILE_TEXT || (fmt == ASSAY_FILE_XLS && copied)) {
		fclose(fp);
		if (fmt == ASSAY_FILE_XLS)
			assay_fail(&err, ASSAY_EUSAGE, "%s: an .xls workbook is "
				   "read from a regular file, not from a pipe or "
				   "standard input", path);
		else
			assay_fail(&err, ASSAY_EUSAGE, "%s: not a workbook (.xlsx "
				   "or .xls): --list-sheets lists a workbook's "
				   "sheets", path);
		return cli_report(&err);
	}
	int rc = assay_workbook_open(path, fileno(fp), fmt, &wb, &err);
	fclose(fp);
	if (rc)
		return cli_report(&err);
	for (size_t i = 0; i < assay_workbook_sheets(wb); i++)
		printf("%zu\t%s%s\n", i + 1, assay_workbook_sheet_name(wb, i),
		       assay_workbook_sheet_hidden(wb, i) ? "\thidden" : "");
	assay_workbook_close(wb);
	return fflush(stdout) || ferror(stdout) ? cli_write_error() : 0;
}

/* What the command line asks beyond assay_import_opts. */
struct iargs {
	assay_import_opts o;
	const char **na, **zero, **colmeta, **maps;     /* argc + 1 each */
	char vintage[32];
	char today[16];
	enum out_format fmt;
	int have_format, list_sheets;
};

static void iargs_release(struct iargs *a)
{
	free(a->na);
	free(a->zero);
	free(a->colmeta);
	free(a->maps);
}

/* --delimiter: , ; | or tab. */
static int parse_delimiter(const char *s, char *out)
{
	if (!strcmp(s, "tab") || !strcmp(s, "\\t") || !strcmp(s, "\t"))
		*out = '\t';
	else if (!strcmp(s, ",") || !strcmp(s, ";") || !strcmp(s, "|"))
		*out = s[0];
	else
		return cli_usage_error("import", "--delimiter takes , ; | or tab, "
				       "not '%s'", s);
	return 0;
}

/* An option that takes checking; 0 or the exit status (message printed). */

/* Today's date in UTC, YYYY-MM-DD, in buf (16 bytes). */
static const char *today_utc(char *buf)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, 16, "%Y-%m-%d", &tm);
	return buf;
}

/* A vintage (normalised, YYYY-MM-DDTHH:MM:SSZ) later than tomorrow in
 * UTC: a typo (2062 for 2026) that would make the file's values current
 * against every real edition after it.  Tomorrow, not today: a date is
 * read as its last second, and a publisher east of UTC is a day ahead. */
static int vintage_in_future(const char *vintage)
{
	time_t later = time(NULL) + 24 * 3600;
	struct tm tm;
	char limit[16];
	gmtime_r(&later, &tm);
	strftime(limit, sizeof limit, "%Y-%m-%d", &tm);
	return strncmp(vintage, limit, 10) > 0;
}
static int checked_option(int c, const char *s, struct iargs *a)
{
	assay_import_opts *o = &a->o;
	assay_error err;
	switch (c) {
	case OPT_LAYOUT:
		if (parse_layout(s, &o->layout))
			return cli_usage_error("import", "--layout takes long, single, "
					       "wide or table, not '%s'", s);
		return 0;
	case OPT_DELIM:
		return parse_delimiter(s, &o->delimiter);
	case OPT_DECIMAL:
		if (strcmp(s, ".") && strcmp(s, ","))
			return cli_usage_error("import", "--decimal takes . or , not '%s'", s);
		o->decimal = s[0];
		return 0;
	case OPT_FREQ:
		if (!(o->freq = assay_freq_parse(s)))
			return cli_usage_error("import", "--freq takes D, W, M, Q or A, "
					       "not '%s'", s);
		return 0;
	case OPT_VINTAGE:
		if (assay_vintage_normalise(s, a->vintage, sizeof a->vintage, &err))
			return cli_usage_error("import", "--vintage: %s", err.msg);
		if (vintage_in_future(a->vintage))
			return cli_usage_error("import", "--vintage: %s is after today "
					       "(%s): a vintage is when the data were "
					       "published", s, today_utc(a->today));
		o->vintage = a->vintage;
		return 0;
	case OPT_FORMAT:
		if (out_format_parse_all(s, 0, &a->fmt))
			return cli_usage_error("import", "--format takes " OUT_FORMATS_ALL
					       ", not '%s'", s);
		a->have_format = 1;
		return 0;
	case OPT_META + ASSAY_META_KIND:
		if (!assay_kind_parse(s))
			return cli_usage_error("import", "--kind takes flow, price or "
					       "stock, not '%s'", s);
		o->meta[ASSAY_META_KIND] = s;
		return 0;
	}
	if (c >= OPT_META_COL && c < OPT_META_COL + ASSAY_META_COUNT)
		o->meta_col[c - OPT_META_COL] = s;
	else if (c >= OPT_META && c < OPT_META + ASSAY_META_COUNT)
		o->meta[c - OPT_META] = s;
	return 0;
}

/* Returns 0, -1 after --help, or the exit status of a usage error. */
static int parse_args(int argc, char **argv, struct iargs *a)
{
	assay_import_opts *o = &a->o;
	struct cli_optarg v;
	int c, rc;
	while ((c = cli_opt_next(&import_set, argc, argv, &v)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT: return v.status ? v.status : -1;
		case 'h': print_help(); return -1;
		case OPT_SERIES: o->series_name = v.s; break;
		case OPT_SERIES_COL: o->series_col = v.s; break;
		case OPT_DATE_COL: o->date_col = v.s; break;
		case OPT_VALUE_COL: o->value_col = v.s; break;
		case OPT_KEY_COLS: o->key_cols = v.s; break;
		case OPT_VALUE_COLS: o->value_cols = v.s; break;
		case OPT_PREFIX: o->prefix = v.s; break;
		case OPT_HEADER_LINE: o->header_line = v.l; break;
		case OPT_DATE_FORMAT: o->date_format = v.s; break;
		case OPT_ENCODING: o->encoding = v.s; break;
		case OPT_SHEET: o->sheet = v.s; break;
		case OPT_RANGE: o->range = v.s; break;
		case OPT_LIST_SHEETS: a->list_sheets = 1; break;
		case OPT_SUFFIX: o->suffix = v.s; break;
		case OPT_PERCENT: o->percent = 1; break;
		case OPT_COL_META: a->colmeta[o->n_col_meta++] = v.s; break;
		case OPT_META_FILE: o->meta_file = v.s; break;
		case OPT_MAP: a->maps[o->n_maps++] = v.s; break;
		case OPT_MAP_FILE: o->map_file = v.s; break;
		case OPT_NA: a->na[o->n_na_tokens++] = v.s; break;
		case OPT_ZERO: a->zero[o->n_zero_tokens++] = v.s; break;
		case OPT_SKIP_BAD: o->skip_bad = 1; break;
		case OPT_RELABEL: o->relabel = 1; break;
		case OPT_DRY_RUN: o->dry_run = 1; break;
		default:
			if ((rc = checked_option(c, v.s, a)))
				return rc;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("import", optind >= argc ? "no FILE given"
				       : "one FILE at a time (got %d)", argc - optind);
	o->na_tokens = a->na;
	o->zero_tokens = a->zero;
	o->col_meta = a->colmeta;
	o->maps = a->maps;
	o->path = argv[optind];
	return 0;
}

/* The summary, written and flushed before the import commits: when
 * standard output cannot take it (a full disk, a closed pipe), the
 * import is rolled back, and exit status 4 still means nothing was
 * written. */
static int summary_before_commit(void *ctx, const assay_import_result *res)
{
	struct import_run *run = ctx;
	progress_done(&run->bar);
	if (print_summary(&run->a->o, res, run->a->have_format, run->a->fmt) ||
	    fflush(stdout) || cli_stdout_errno()) {
		run->summary_failed = 1;
		return -1;
	}
	return 0;
}

static int run_import(struct iargs *a)
{
	assay_import_result res;
	assay_error err;
	assay_store *st;
	struct import_run run = { .a = a };
	int status;
	progress_init(&run.bar, !cli.quiet && cli_stderr_is_tty());
	a->o.notice = notice;
	a->o.progress = on_progress;
	a->o.before_commit = summary_before_commit;
	a->o.ctx = &run;
	if ((status = cli_open_store(&st, CLI_STORE_CREATE)))
		return status;
	status = assay_import(st, &a->o, &res, &err);
	progress_done(&run.bar);
	if (status && run.summary_failed) {
		int e = cli_stdout_errno();
		assay_store_close(st);
		cli_stdout_mark_reported();     /* here, once */
		return cli_error(ASSAY_EIO, "write error on standard output: %s: "
				 "the import was rolled back, nothing imported",
				 strerror(e ? e : EIO));
	}
	if (status) {
		assay_store_close(st);
		return cli_report(&err);
	}
	status = 0;
	if (!status && res.older && res.import_id && !cli.quiet)
		explain_older(st, &res);
	assay_store_close(st);
	return status;
}

int cmd_import(int argc, char **argv)
{
	struct iargs a = { .fmt = OUT_TABLE };
	a.na = cli_xcalloc((size_t)argc + 1, sizeof *a.na);
	a.zero = cli_xcalloc((size_t)argc + 1, sizeof *a.zero);
	a.colmeta = cli_xcalloc((size_t)argc + 1, sizeof *a.colmeta);
	a.maps = cli_xcalloc((size_t)argc + 1, sizeof *a.maps);
	int status = parse_args(argc, argv, &a);
	if (!status)
		status = a.list_sheets ? list_workbook_sheets(a.o.path) : run_import(&a);
	iargs_release(&a);
	return status < 0 ? 0 : status;
}
