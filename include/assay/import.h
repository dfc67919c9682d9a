/*
 * The importer: streams a CSV file through libcsv into the store, in one
 * transaction, so that a failed or killed import writes nothing.
 *
 * Layouts (assay_import_opts.layout):
 *   long    series,date,value columns (names detected from the header)
 *   single  date,value with the series name given (--series)
 *   wide    a date column and one column per series (name: prefix + the
 *           key cells + the column header, made into a slug)
 *   table   key columns and one column per period, the period read from
 *           the column header (USGS: PROD_2023, "PROD_EST_ 2024")
 * The file is read twice: pass one validates every row and decides how to
 * read full dates (days, or months when every date is a month's first
 * day, or weeks when all fall on one weekday); pass two writes.
 *
 * The header's columns end at its last named cell.  A row with a
 * non-empty field past them is an error (a value no column names, and a
 * sign that the cells before it shifted); empty ones are padding.  A row
 * with fewer fields is counted in short_rows (wide, table: the missing
 * cells are NA; long, single: a missing series or value is an error).
 * Names and metadata the store keeps must be UTF-8 without control
 * characters; `encoding` converts other files (iconv) as they stream.
 * The import runs in the C locale whatever the caller's.
 *
 * A workbook (.xlsx or .xls, told from the file's first bytes; see
 * workbook.h) is read as the CSV records its sheet would give: each row
 * with a cell is a record (field 1 is the range's first column, or A),
 * "line" is the sheet's row number (--header-line too), number cells
 * are read exactly (strtod of the stored text), date-formatted cells
 * come as YYYY-MM-DD.  Errors name the cell: "FILE[SHEET]!C7: what".
 */
#ifndef ASSAY_IMPORT_H
#define ASSAY_IMPORT_H

#include <stdint.h>
#include "assay/store.h"

typedef enum assay_layout {
	ASSAY_LAYOUT_AUTO = 0,
	ASSAY_LAYOUT_LONG,
	ASSAY_LAYOUT_SINGLE,
	ASSAY_LAYOUT_WIDE,
	ASSAY_LAYOUT_TABLE
} assay_layout;

/* Metadata fields a column or a flag may give. */
enum assay_meta_field {
	ASSAY_META_COMMODITY, ASSAY_META_REGION, ASSAY_META_MEASURE,
	ASSAY_META_UNIT, ASSAY_META_SOURCE, ASSAY_META_NOTES, ASSAY_META_KIND,
	ASSAY_META_COUNT
};
/* "commodity" ... "kind" -> field index, or -1. */
int assay_meta_field_parse(const char *name);
const char *assay_meta_field_name(int field);

typedef struct assay_import_result assay_import_result;

typedef struct assay_import_opts {
	const char *path;               /* file to read; "-" for stdin; a
					 * pipe or FIFO is copied to a
					 * temporary file first */
	const char *encoding;           /* iconv(3) name of the file's
					 * encoding (cp1252, latin1,
					 * utf-16); NULL: UTF-8 */
	const char *sheet;              /* workbook: sheet name or 1-based
					 * number; NULL: the only visible one */
	const char *range;              /* workbook: "A1:Z999"; NULL: all */
	assay_layout layout;
	char delimiter;                 /* 0: detect among , ; and tab */
	char decimal;                   /* '.' or ','; 0 (the CLI's default):
					 * '.', but a file is refused whose
					 * numbers could be read with either
					 * mark ("1,234", "1.234" and nothing
					 * that tells which) */
	long header_line;               /* 0: first row that looks like one */
	const char *date_col;           /* header name or 1-based number */
	const char *series_col;         /* long layout */
	const char *value_col;          /* long and single layouts */
	const char *key_cols;           /* wide/table: comma-separated */
	const char *value_cols;         /* wide/table: comma-separated globs */
	const char *series_name;        /* single layout */
	const char *prefix;             /* prepended to generated names */
	const char *date_format;        /* strptime format, or NULL */
	assay_freq freq;                /* NONE: inferred from the dates */
	const char *const *na_tokens;   /* extra NA markers */
	size_t n_na_tokens;
	const char *const *zero_tokens; /* markers of a zero ("\xE2\x80\x94": USGS
					 * writes zero as an em dash) */
	size_t n_zero_tokens;
	const char *meta[ASSAY_META_COUNT];      /* values from flags */
	const char *meta_col[ASSAY_META_COUNT];  /* columns that give them */
	const char *suffix;             /* "K=1e3,M=1e6,B=1e9": multiplier
					 * suffixes values may carry (41.19K);
					 * NULL: a suffix is a qualifier */
	int percent;                    /* read "0.07%" as 0.07, unit % */
	/* Per-column (or per-series) metadata, over the flags and a units
	 * row: "SPEC:field=value,field=value" with SPEC a header (glob, or
	 * a column number) or a series name ("Vol.:kind=flow,unit=contracts");
	 * meta_file: a CSV with a column "column" (or "series", "name") and
	 * columns named after fields (kind, unit, measure, source, ...).  An
	 * entry that matches no value column and no series is an error. */
	const char *const *col_meta;
	size_t n_col_meta;
	const char *meta_file;
	/* Entity names: a key cell, series cell or header equal to OLD
	 * (exactly, after trimming) reads as NEW before the series name is
	 * made: "Congo, DRC=Democratic Republic of Congo".  map_file: a CSV
	 * of OLD,NEW lines (an optional header from,to). */
	const char *const *maps;
	size_t n_maps;
	const char *map_file;
	const char *vintage;            /* normalised; NULL: now */
	int skip_bad;                   /* skip bad rows instead of failing */
	int dry_run;                    /* roll back at the end */
	int relabel;                    /* an existing series takes this
					 * import's unit and kind where they
					 * differ (else an error: its stored
					 * values are in the stored unit) */
	/* Called for each skipped row ("FILE:LINE:COL: what (row skipped)")
	 * and each qualified value ("FILE:LINE:COL: value '>50' has qualifier
	 * '>'; not imported"); may be NULL.  --skip-bad skips rows with bad
	 * data only: database and I/O errors still stop the import. */
	void (*notice)(void *ctx, const char *msg);
	/* Called now and then with bytes read so far and the total (0 when
	 * unknown) of the current pass (1 or 2); may be NULL. */
	void (*progress)(void *ctx, int pass, uint64_t done, uint64_t total);
	/* Called once the import is complete, before it is committed, with
	 * its result; may be NULL.  A nonzero return rolls it back: the
	 * import fails (ASSAY_EIO) and writes nothing.  The assay command
	 * writes its summary there, so that a summary it cannot write is an
	 * import that did not happen, never one that did behind an error. */
	int (*before_commit)(void *ctx, const assay_import_result *res);
	void *ctx;
} assay_import_opts;

struct assay_import_result {
	int64_t import_id;              /* 0 on dry run */
	uint64_t rows_read;             /* data rows */
	uint64_t values;                /* values read (not NA) */
	uint64_t inserted;              /* new (series, period) values */
	uint64_t revised;               /* values replaced by this vintage */
	uint64_t older;                 /* kept as an earlier vintage */
	uint64_t unchanged;
	uint64_t skipped;               /* bad rows or qualified values */
	uint64_t na;                    /* NA cells */
	uint64_t short_rows;            /* rows with fewer fields than the
					 * header (wide, table: missing cells
					 * read as NA) */
	uint64_t series_new, series_total;
	assay_freq freq;                /* frequency of the file's dates */
	char sha256[65];
	uint64_t na_kept;               /* NA cells where the store holds a
					 * value of an earlier vintage (it
					 * stays current) */
};

/* Import one file.  Returns 0, or -1 with err filled: ASSAY_EUSAGE for bad
 * options or bad data (message "FILE:LINE:COL: what"), ASSAY_EIO for file
 * and database errors.  Nothing is written unless it returns 0. */
int assay_import(assay_store *st, const assay_import_opts *opts,
		 assay_import_result *res, assay_error *err);

/* A series name part from free text: letters lowered (ASCII, and by a
 * table Latin-1, Latin Extended-A, Greek and Cyrillic capitals: Último ->
 * último; no locale is consulted), runs of other ASCII characters (and
 * of the footnote marks U+2020, U+2021) turned into one '-', other UTF-8
 * kept, ends trimmed.
 * Writes at most n bytes with the NUL; returns out. */
char *assay_slug(const char *in, char *out, size_t n);

#endif
