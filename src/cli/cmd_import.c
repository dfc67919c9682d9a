/* assay import: load series from a CSV file or a workbook into the store. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assay/import.h"
#include "assay/workbook.h"
#include "cli.h"
#include "commands.h"
#include "output.h"
#include "progress.h"

static const char usage[] =
	"Usage: assay import FILE [OPTIONS]\n"
	"\n"
	"Load series from a CSV file (or - for standard input) or an Excel\n"
	"workbook (.xlsx, .xls) into the store, in one transaction: a failed\n"
	"import writes nothing.  Re-importing a changed value keeps the old one\n"
	"as an earlier vintage.\n"
	"\n"
	"Workbooks (told from the file's content, not its name):\n"
	"  --sheet NAME|N      the sheet to read (default: the only visible one)\n"
	"  --range A1:Z999     read only these cells (field 1 is its first column)\n"
	"  --list-sheets       list the sheets (number, name, hidden) and stop\n"
	"  A sheet is read as its CSV would be: every option below works; LINE\n"
	"  is the sheet's row number; number cells are read exactly as stored;\n"
	"  date cells (1900 or 1904 system) read as YYYY-MM-DD; errors name the\n"
	"  cell: FILE[SHEET]!C7.\n"
	"\n"
	"Layout:\n"
	"  --layout L          long (series,date,value), single (date,value with\n"
	"                      --series), wide (a date column, one column per\n"
	"                      series) or table (key columns, one column per\n"
	"                      period); default: guessed from the header\n"
	"  --series NAME       the series of a single-series file\n"
	"  --series-col COL    long layout: the column of series names\n"
	"  --date-col COL      the date column (default: date, period, ... or an\n"
	"                      unnamed first column)\n"
	"  --value-col COL     long/single layouts: the value column\n"
	"  --key-cols A,B,...  wide/table: columns whose cells name the series\n"
	"  --value-cols GLOBS  wide/table: which columns hold values (PROD_*)\n"
	"  --prefix P          prepended to generated series names (wb/)\n"
	"  --map 'OLD=NEW'     a key cell, series cell or header OLD reads as NEW\n"
	"                      before names are made (repeatable):\n"
	"                      --map 'Congo, DRC=Democratic Republic of Congo'\n"
	"  --map-file FILE     the same from a CSV of OLD,NEW lines\n"
	"  COL is a header name (case-insensitive) or a 1-based column number.\n"
	"\n"
	"Reading:\n"
	"  --header-line N     the header is line N (default: the first line with\n"
	"                      at least half of its cells filled)\n"
	"  --delimiter C       , ; or tab (default: detected)\n"
	"  --decimal C         . (default) or , for decimal commas (\"2,6830\")\n"
	"  --encoding NAME     the file's encoding when it is not UTF-8: cp1252,\n"
	"                      latin1, utf-16, ... (any name iconv -l lists);\n"
	"                      converted to UTF-8 as it is read\n"
	"  --date-format FMT   strptime(3) format for other dates (%d.%m.%Y)\n"
	"  --freq F            D, W, M, Q or A (default: from the dates; full\n"
	"                      dates that are all first days of months are M)\n"
	"  --na TOKEN          one more missing-value marker (repeatable); always\n"
	"                      NA: empty, NA, N/A, #N/A, ., .., ..., \xE2\x80\xA6, -, --, W, nan, null\n"
	"  --suffix K=1e3,M=1e6,B=1e9  multiplier suffixes values carry (41.19K\n"
	"                      reads as 41190; exact for powers of ten); with it,\n"
	"                      a suffix it does not declare is an error\n"
	"  --percent           read 0.07% as 0.07, unit % (unless a unit is\n"
	"                      given); a column's values are all percents or none\n"
	"  --skip-bad          skip bad rows (listed on stderr) instead of failing\n"
	"  --dry-run           report what would change, write nothing\n"
	"\n"
	"Metadata (a flag for every series, or a column per row):\n"
	"  --kind flow|price|stock   flow: summed over a period; price: averaged;\n"
	"                      stock: last value (required for new series)\n"
	"  --unit U  --source S  --commodity C  --region R  --measure M  --notes N\n"
	"  --kind-col COL  --unit-col COL  --source-col COL  --commodity-col COL\n"
	"  --region-col COL  --measure-col COL  --notes-col COL\n"
	"  --col-meta 'COL:field=value,...'  metadata of one value column (a\n"
	"                      header, glob or number) or series, over the flags\n"
	"                      and a units row (repeatable):\n"
	"                      --col-meta 'Vol.:kind=flow,unit=contracts'\n"
	"  --meta FILE         the same from a CSV: a column 'column' (or series)\n"
	"                      and columns kind, unit, measure, source, ...\n"
	"                      An entry that names nothing is an error.\n"
	"  --vintage DATE      when these values were published (default: now);\n"
	"                      'export --as-of' selects by it\n"
	"\n"
	"Output:\n"
	"  --format F          table, csv, tsv, json or ndjson: the summary as\n"
	"                      data on stdout\n"
	"                      (default: one line on stderr)\n"
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
	OPT_DECIMAL, OPT_DATE_FORMAT, OPT_FREQ, OPT_NA, OPT_SKIP_BAD, OPT_DRY_RUN,
	OPT_VINTAGE, OPT_FORMAT, OPT_ENCODING, OPT_SHEET, OPT_RANGE,
	OPT_LIST_SHEETS, OPT_SUFFIX, OPT_PERCENT, OPT_COL_META, OPT_META_FILE,
	OPT_MAP, OPT_MAP_FILE,
	OPT_META = 512,         /* + field: --kind, --unit, ... */
	OPT_META_COL = 640      /* + field: --kind-col, ... */
};

static void notice(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "assay: %s\n", msg);
}

static void on_progress(void *ctx, int pass, uint64_t done, uint64_t total)
{
	progress_update(ctx, pass == 1 ? "reading" : "importing", done, total);
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
		"short_rows"
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
		if (!cli.quiet)
			fprintf(stderr, "assay: %s %s: %llu rows, %llu series (%llu new): "
				"%llu inserted, %llu revised, %llu unchanged, %llu "
				"earlier-vintage, %llu NA, %llu skipped%s\n",
				o->dry_run ? "would import" : "imported", o->path,
				(unsigned long long)r->rows_read,
				(unsigned long long)r->series_total,
				(unsigned long long)r->series_new,
				(unsigned long long)r->inserted,
				(unsigned long long)r->revised,
				(unsigned long long)r->unchanged,
				(unsigned long long)r->older,
				(unsigned long long)r->na,
				(unsigned long long)r->skipped, short_rows);
		return 0;
	}
	out_table *t = out_table_new(cols, 13);
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
	int rc = out_table_print(t, stdout, fmt);
	out_table_free(t);
	return rc ? cli_write_error() : 0;
}

/* --list-sheets: number, name and "hidden" of each sheet, tab-separated. */
static int list_workbook_sheets(const char *path)
{
	assay_error err;
	assay_workbook *wb;
	unsigned char head[8];
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		assay_fail(&err, ASSAY_EUSAGE, "%s: cannot open: %s", path,
			   strerror(errno));
		return cli_report(&err);
	}
	size_t n = fread(head, 1, sizeof head, fp);
	enum assay_file_format fmt = assay_file_sniff(head, n);
	if (fmt == ASSAY_FILE_TEXT) {
		fclose(fp);
		assay_fail(&err, ASSAY_EUSAGE, "%s: not a workbook (.xlsx or "
			   ".xls): --list-sheets lists a workbook's sheets", path);
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

/* Longer than a function should be (about 185 lines) for one reason: a
 * case per option of the getopt loop, each a line or two.  An option
 * table shared by every command is what will shorten it. */
int cmd_import(int argc, char **argv)
{
	static struct option opts[64];
	static const struct { const char *name; int has_arg; int val; } base[] = {
		{ "layout", 1, OPT_LAYOUT }, { "series", 1, OPT_SERIES },
		{ "series-col", 1, OPT_SERIES_COL }, { "date-col", 1, OPT_DATE_COL },
		{ "value-col", 1, OPT_VALUE_COL }, { "key-cols", 1, OPT_KEY_COLS },
		{ "value-cols", 1, OPT_VALUE_COLS }, { "prefix", 1, OPT_PREFIX },
		{ "header-line", 1, OPT_HEADER_LINE }, { "delimiter", 1, OPT_DELIM },
		{ "decimal", 1, OPT_DECIMAL }, { "date-format", 1, OPT_DATE_FORMAT },
		{ "freq", 1, OPT_FREQ }, { "na", 1, OPT_NA },
		{ "skip-bad", 0, OPT_SKIP_BAD }, { "dry-run", 0, OPT_DRY_RUN },
		{ "vintage", 1, OPT_VINTAGE }, { "format", 1, OPT_FORMAT },
		{ "encoding", 1, OPT_ENCODING }, { "sheet", 1, OPT_SHEET },
		{ "range", 1, OPT_RANGE }, { "list-sheets", 0, OPT_LIST_SHEETS },
		{ "suffix", 1, OPT_SUFFIX }, { "percent", 0, OPT_PERCENT },
		{ "col-meta", 1, OPT_COL_META }, { "meta", 1, OPT_META_FILE },
		{ "map", 1, OPT_MAP }, { "map-file", 1, OPT_MAP_FILE },
		{ "help", 0, 'h' },
	};
	static char colnames[ASSAY_META_COUNT][32];
	assay_import_opts o;
	assay_import_result res;
	assay_error err;
	const char **na = calloc((size_t)argc + 1, sizeof *na);
	const char **colmeta = calloc((size_t)argc + 1, sizeof *colmeta);
	const char **maps = calloc((size_t)argc + 1, sizeof *maps);
	char vintage[32];
	enum out_format fmt = OUT_TABLE;
	int have_format = 0, list_sheets = 0, c, k = 0, status;
	long num;

	memset(&o, 0, sizeof o);
	o.decimal = '.';
	for (size_t i = 0; i < sizeof base / sizeof *base; i++)
		opts[k++] = (struct option){ base[i].name, base[i].has_arg, NULL, base[i].val };
	for (int f = 0; f < ASSAY_META_COUNT; f++) {
		snprintf(colnames[f], sizeof colnames[f], "%s-col", assay_meta_field_name(f));
		opts[k++] = (struct option){ assay_meta_field_name(f), 1, NULL, OPT_META + f };
		opts[k++] = (struct option){ colnames[f], 1, NULL, OPT_META_COL + f };
	}
	opts[k] = (struct option){ NULL, 0, NULL, 0 };

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			free(na);
			free(colmeta);
			free(maps);
			return 0;
		case OPT_LAYOUT:
			if (parse_layout(optarg, &o.layout))
				goto usage_layout;
			break;
		case OPT_SERIES: o.series_name = optarg; break;
		case OPT_SERIES_COL: o.series_col = optarg; break;
		case OPT_DATE_COL: o.date_col = optarg; break;
		case OPT_VALUE_COL: o.value_col = optarg; break;
		case OPT_KEY_COLS: o.key_cols = optarg; break;
		case OPT_VALUE_COLS: o.value_cols = optarg; break;
		case OPT_PREFIX: o.prefix = optarg; break;
		case OPT_HEADER_LINE:
			if (cli_parse_int("import", "--header-line", optarg, &num))
				goto fail;
			if (num < 1) {
				cli_usage_error("import", "--header-line must be 1 or more");
				goto fail;
			}
			o.header_line = num;
			break;
		case OPT_DELIM:
			if (!strcmp(optarg, "tab") || !strcmp(optarg, "\\t") || !strcmp(optarg, "\t"))
				o.delimiter = '\t';
			else if (!strcmp(optarg, ",") || !strcmp(optarg, ";") || !strcmp(optarg, "|"))
				o.delimiter = optarg[0];
			else {
				cli_usage_error("import", "--delimiter takes , ; | or tab, not '%s'", optarg);
				goto fail;
			}
			break;
		case OPT_DECIMAL:
			if (strcmp(optarg, ".") && strcmp(optarg, ",")) {
				cli_usage_error("import", "--decimal takes . or , not '%s'", optarg);
				goto fail;
			}
			o.decimal = optarg[0];
			break;
		case OPT_DATE_FORMAT: o.date_format = optarg; break;
		case OPT_ENCODING: o.encoding = optarg; break;
		case OPT_SHEET: o.sheet = optarg; break;
		case OPT_RANGE: o.range = optarg; break;
		case OPT_LIST_SHEETS: list_sheets = 1; break;
		case OPT_SUFFIX: o.suffix = optarg; break;
		case OPT_PERCENT: o.percent = 1; break;
		case OPT_COL_META: colmeta[o.n_col_meta++] = optarg; break;
		case OPT_META_FILE: o.meta_file = optarg; break;
		case OPT_MAP: maps[o.n_maps++] = optarg; break;
		case OPT_MAP_FILE: o.map_file = optarg; break;
		case OPT_FREQ:
			if (!(o.freq = assay_freq_parse(optarg))) {
				cli_usage_error("import", "--freq takes D, W, M, Q or A, not '%s'", optarg);
				goto fail;
			}
			break;
		case OPT_NA: na[o.n_na_tokens++] = optarg; break;
		case OPT_SKIP_BAD: o.skip_bad = 1; break;
		case OPT_DRY_RUN: o.dry_run = 1; break;
		case OPT_VINTAGE:
			if (assay_vintage_normalise(optarg, vintage, sizeof vintage, &err)) {
				cli_usage_error("import", "--vintage: %s", err.msg);
				goto fail;
			}
			o.vintage = vintage;
			break;
		case OPT_FORMAT:
			if (out_format_parse_all(optarg, 0, &fmt)) {
				cli_usage_error("import", "--format takes " OUT_FORMATS_ALL
						", not '%s'", optarg);
				goto fail;
			}
			have_format = 1;
			break;
		default:
			if (c >= OPT_META_COL && c < OPT_META_COL + ASSAY_META_COUNT) {
				o.meta_col[c - OPT_META_COL] = optarg;
			} else if (c >= OPT_META && c < OPT_META + ASSAY_META_COUNT) {
				if (c - OPT_META == ASSAY_META_KIND && !assay_kind_parse(optarg)) {
					cli_usage_error("import", "--kind takes flow, price or stock, not '%s'", optarg);
					goto fail;
				}
				o.meta[c - OPT_META] = optarg;
			} else {
				fputs("Try 'assay import --help'.\n", stderr);
				goto fail;
			}
		}
	}
	if (optind + 1 != argc) {
		cli_usage_error("import", optind >= argc ? "no FILE given"
				: "one FILE at a time (got %d)", argc - optind);
		goto fail;
	}
	if (list_sheets) {
		free(na);
		free(colmeta);
		free(maps);
		return list_workbook_sheets(argv[optind]);
	}
	o.na_tokens = na;
	o.col_meta = colmeta;
	o.maps = maps;
	o.path = argv[optind];
	o.notice = notice;
	o.progress = on_progress;
	struct progress bar;
	progress_init(&bar, !cli.quiet && cli_stderr_is_tty());
	o.ctx = &bar;

	assay_store *st;
	if ((status = cli_open_store(&st, 0)))
		goto out;
	status = assay_import(st, &o, &res, &err);
	progress_done(&bar);
	if (status) {
		assay_store_close(st);
		status = cli_report(&err);
		goto out;
	}
	status = print_summary(&o, &res, have_format, fmt);
	if (!status && res.older && res.import_id && !cli.quiet)
		explain_older(st, &res);
	assay_store_close(st);
out:
	free(na);
	free(colmeta);
	free(maps);
	return status;
usage_layout:
	cli_usage_error("import", "--layout takes long, single, wide or table, not '%s'", optarg);
fail:
	free(na);
	free(colmeta);
	free(maps);
	return ASSAY_EUSAGE;
}
