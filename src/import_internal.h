/*
 * Private to the importer's files (import*.c): the reader's state and
 * what one part of the importer asks of another.
 *
 *   import.c          assay_import: the two passes, the transaction, messages
 *   import_text.c     trimming, slugs, UTF-8 checks, growable strings
 *   import_options.c  --col-meta, --meta, --map, --map-file, --suffix
 *   import_csv.c      opening the input, libcsv, --encoding, workbooks
 *   import_row.c      the header search and each data row
 *   import_header.c   columns from the header, per layout
 *   import_cell.c     numbers, NA markers, dates
 *   import_write.c    the series table and each value against the store
 */
#ifndef ASSAY_IMPORT_INTERNAL_H
#define ASSAY_IMPORT_INTERNAL_H

#include <iconv.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <openssl/evp.h>

#include "assay/import.h"
#include "assay/workbook.h"
#include "store_write.h"

#pragma GCC visibility push(hidden)

#define MAX_ERRMSG 900
/* Lines searched for a header that resolves, when none is given. */
#define HEADER_SEARCH_LINES 50
/* Bytes read at a time. */
#define BLOCK (1 << 16)

#define ENCODING_HINT "; give the file's encoding with --encoding, e.g. " \
	"--encoding cp1252"

extern const char *const im_meta_names[ASSAY_META_COUNT];

/* Growable strings (names of any length). */
struct sbuf {
	char *s;
	size_t len, cap;
	int failed;             /* an allocation failed (see im_sb_reserve) */
};

/* The series table: names seen in this import. */
/* What a set of full dates has in common, for im_days_freq: the DAY_*
 * marks every one has, one weekday or not, two distinct days or not. */
struct day_stats {
	long cells;             /* dates counted */
	unsigned marks;         /* DAY_* that every one has */
	int one_weekday, weekday;
	int distinct;           /* two different days at least */
	assay_period first;
	unsigned quarters;      /* the quarters of the year seen (bit q-1) */
	long first_line;        /* where the first date stands (im->days) */
	int first_col;
};

struct series_entry {
	char *name;
	int64_t id;
	assay_freq freq;        /* stored or first seen */
	int is_new;             /* created by this import */
	long created_at;        /* line of the row that added it to the map */
	int has_last;           /* new: a value appended, at period last */
	assay_period last;
	size_t new_index;       /* new: the how-manieth new series (1, ...) */
	int wday;               /* weekly: 1 + the weekday of its weeks; 0 not
				 * known yet ... */
	assay_period wref;      /* ... and the day it was learnt from */
	char *unit;             /* its unit and kind (the store's, or this */
	char *kind;             /* import's first row's); NULL: none */
	char *keys;             /* the key cells that made its name, joined
				 * by \x1f (wide and table layouts) */
	long unit_line;         /* the row that gave the unit; 0: the store */
	char *said[ASSAY_META_COUNT];   /* source, commodity, region, measure,
					 * notes from a column: the first row's
					 * that gives one ... */
	long said_line[ASSAY_META_COUNT];       /* ... and that row */
	/* new, long and wide layouts: its own full dates, read as a file's are
	 * (im_check_series_days) */
	struct day_stats days;
};

/* The NA cells of this import, by series and period: a value and an NA
 * for one period in one file are two answers, refused like two values
 * (import_write.c). */
struct na_cell {
	char *name;
	assay_period period;
	assay_freq freq;
	long line;
};

struct na_cells {
	struct na_cell *slot;
	size_t cap, n;
};

struct series_map {
	struct series_entry *slot;
	size_t cap, n;
	struct series_entry *last;      /* the one found last (rows of a long
					 * file name one series many times) */
};

/* Which period boundary a full date is: the first or last day of its
 * month, quarter or year (im_read_date). */
enum {
	DAY_MONTH_START = 1, DAY_MONTH_END = 2,
	DAY_QUARTER_START = 4, DAY_QUARTER_END = 8,
	DAY_YEAR_START = 16, DAY_YEAR_END = 32
};

/* What the numbers of a file say about its decimal mark, when the caller
 * did not give it (see im_note_marks). */
struct mark_evidence {
	int dot_decimal;        /* a number that only '.' as decimal reads */
	long line;              /* the first number either mark could read */
	int col;
	int comma;              /* its separator: 1 ',', 0 '.' */
	char text[16];          /* its sign, digits and separator */
	char cell[40];          /* the whole cell, as shown */
	/* ','-delimited files: "1.234" there is a decimal point unless the
	 * file is a decimal-comma locale's integers, "987" and "12.345" */
	long dot_line;          /* the first "1.234" ... */
	int dot_col;
	char dot_text[16], dot_cell[40];
	long small_line;        /* the first plain integer 1 to 999 ("987") */
	char small_text[8];
	int big_int;            /* a plain integer of 4 or more digits, which
				 * such a locale would have grouped */
};

/* Labels such as 2010-11 read as months, but they are also how fiscal
 * years are written (2010-11 for July 2010 to June 2011): a file whose
 * every such label is a year followed by the next one's last two digits
 * is refused (im_note_fiscal, im_check_fiscal). */
struct fiscal_evidence {
	long months;            /* YYYY-MM and YYYY/MM labels read as months */
	long fiscal;            /* those with MM the next year's last digits */
	int distinct;           /* two of those differ */
	assay_period first;     /* the first of those ... */
	long line;              /* ... where it is */
	int col;
	char cell[8];
};

struct value_col {
	int idx;                /* field index */
	char *part;             /* name part (wide: slug of the header) */
	char *raw;              /* wide: the header's name part, before the
				 * slug (an origin, import_write.c) */
	char *unit;             /* from a units row, or NULL */
	assay_period period;    /* table layout: from the header */
	assay_freq pfreq;
	char plabel[8];         /* table layout: the header's period, when
				 * 7 bytes long (im_check_fiscal) */
	const char *meta[ASSAY_META_COUNT];     /* from --col-meta/--meta */
	int pct;                /* --percent: 1 its values end in %, -1 they
				 * do not, 0 none read yet */
	long pct_line;          /* where pct was decided */
};

struct col_meta {
	char *spec;             /* header, glob, column number or series */
	char *val[ASSAY_META_COUNT];
	int used;
	char origin[160];       /* "--col-meta 'Vol.:...'" or "FILE:LINE" */
};

#define MAX_SUFFIX 16
struct suffix {
	char text[8];           /* "K" */
	double mult;            /* 1e3 */
	int pow10;              /* mult is 10^pow10 (else INT_MIN) */
};

enum state { BEFORE_HEADER, AFTER_HEADER, IN_DATA };
enum cell_kind { CELL_VALUE, CELL_NA, CELL_QUALIFIED, CELL_BAD, CELL_PERCENT };

struct importer {
	const assay_import_opts *o;
	assay_import_result *res;
	assay_error *err;
	assay_store *st;
	store_import *w;        /* pass two: the store's writer */
	size_t interleave;      /* new series seen to take values in turn
				 * (store_import_interleaved told so) */
	const char *path;       /* as shown in messages */
	int pass;               /* 1: validate, 2: write */
	int failed;             /* stop feeding: err is filled */
	int stop;               /* stop feeding: pass one has learnt enough */
	char delim;
	char decimal;           /* the decimal mark: '.' or ',' (the caller's,
				 * or '.' with the marks checked) */
	struct mark_evidence marks;
	struct fiscal_evidence fy;
	long qual_line;         /* the first value with a qualifier ... */
	long skip_line;         /* --skip-bad: the first row skipped, */
	uint64_t skip_rows;     /* and how many were */
	int qual_col;
	char qual_why[256];     /* ... and what it is */
	assay_layout layout;

	/* current record */
	char *buf;              /* fields, NUL-separated */
	size_t buflen, bufcap;
	size_t *off;            /* field offsets into buf */
	unsigned char *ftype;   /* per field: enum assay_cell_type (CSV: TEXT) */
	size_t nfield, capfield;
	char **field;           /* pointers, valid in on_record */
	size_t capptr;          /* room in field */
	long line;              /* physical line being parsed */
	int cr_pending;         /* the last block ended in CR: a line ends
				 * there, or with the LF that may follow */
	long row_line;          /* line where the current record started */
	long rec_line;          /* line where the record being parsed began */
	long long feed_off;     /* file offset of the block being fed (-1:
				 * converted text, whose offsets are not the
				 * file's) ... */
	long long rec_off;      /* ... and of the record's start */

	/* header */
	enum state state;
	char **header;
	size_t nheader;
	size_t hwidth;          /* columns: up to the last named header cell */
	int *unnamed;           /* wide: columns with no name, to stay empty */
	size_t nunnamed;
	int *spare;             /* long/single, value column guessed: the other
				 * named columns, which must hold no numbers */
	size_t nspare;
	long spare_line;        /* the first number in one of them ... */
	int spare_col;
	char spare_cell[64];    /* ... and its text */
	long header_at;
	char header_err[MAX_ERRMSG + 128];      /* why the first guess failed */
	char header_last_err[MAX_ERRMSG + 128]; /* why the latest one failed */
	char header_named_err[MAX_ERRMSG + 128];/* why the first one that held
						 * every column an option names
						 * failed (the header, surely) */
	int header_named_ok;    /* this candidate held them */
	int header_status;
	int date_col, series_col, value_col;
	int *key_col;
	size_t nkey;
	struct value_col *vcol;
	size_t nvcol;
	int meta_col[ASSAY_META_COUNT];
	enum cell_kind *cell;   /* per value column, this row */
	double *val;

	/* dates: how to read full dates, decided after pass one */
	struct day_stats days;
	int no_stats;           /* this row's date is not counted (-1: not
				 * known yet) */
	int stats_done;         /* the dates are days: no more counting */
	int speculative;        /* one pass: pass two before pass one (see
				 * speculate() in import.c) */
	assay_freq day_freq;
	assay_freq file_freq;   /* of the first value, for the summary */
	int row_is_day;         /* this row's date is a full date (row_day),
				 * and no --freq was given */
	int row_day_guessed;    /* this row's date is a day that day_freq
				 * reads as a month or a week ... */
	assay_period row_day;   /* ... and that day */

	/* pass two */
	struct series_map map;
	struct na_cells na;     /* NA cells read so far */
	double *na_values;      /* the --na tokens that are numbers, read ... */
	size_t n_na_values;
	char na_values_mark;    /* ... with this decimal mark (0: not yet) */
	char *unit_checked;     /* a file unit found the same as --unit's */
	char *unitcol_checked;  /* a unit column's cell and a header's
				 * (unit), joined by \x1f, found the same */
	int64_t import_id;
	char vintage[32];
	EVP_MD_CTX *sha;        /* sha256 of the file, for the import record */
	struct sbuf name;       /* the series name being built */
	struct sbuf keys;       /* its key cells, joined by \x1f */
	struct sbuf origin;     /* what its name was made from: the key
				 * cells, then a wide header's name part,
				 * joined by \x1f; empty in long and single
				 * layouts (the name is the cell) */
	char *conv;             /* --encoding: text converted to UTF-8 */

	char **vpat;                    /* --value-cols, split */
	size_t nvpat;
	char **map_from, **map_to;      /* --map, --map-file */
	size_t nmap;
	struct col_meta *cmeta;         /* --col-meta, --meta FILE */
	size_t ncmeta;
	struct suffix suffix[MAX_SUFFIX];       /* --suffix */
	size_t nsuffix;

	/* a workbook (.xlsx, .xls) instead of text */
	assay_workbook *wb;
	size_t sheet;
	const char *sheet_name; /* NULL: a CSV file */
	assay_cell_range range;
	int col1;               /* sheet column of field 1 */
	long first_line;        /* lines before the range (header search) */
};

/* The input being read. */
struct source {
	FILE *fp;
	uint64_t size;
	iconv_t cd;             /* --encoding: to UTF-8; (iconv_t)-1: none */
};

/* import.c: messages and the state between passes */
int im_check_name(struct importer *im, const char *s, long line, int col,
		const char *what);
int im_check_name_fix(struct importer *im, const char *s, long line, int col,
		const char *what, const char *fix);
int im_db_error(struct importer *im);
int im_fail_at(struct importer *im, long line, int col, int status,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
const char *im_mapped(struct importer *im, const char *s);
void im_notify(struct importer *im, const char *msg);
const char *im_where(struct importer *im, long line, int col, char *buf,
		size_t n);
void im_drop_header(struct importer *im);

/* import_text.c */
void im_sb_cat(struct sbuf *b, const char *s);
int im_sb_reserve(struct sbuf *b, size_t more);
void im_sb_slug(struct sbuf *b, const char *s);
/* Does slug s hold a letter or a digit (of any script)?  One of dashes or
 * symbols alone ('—', '€') names nothing, as '-' does not. */
int im_slug_names(const char *s);
char *im_trim(char *s);
/* Out of memory: err filled, the import stops; returns -1. */
int im_oom(struct importer *im);
/* strdup, or NULL after im_oom. */
char *im_strdup(struct importer *im, const char *s);

/* import_options.c */
int im_check_col_meta_used(struct importer *im);
int im_check_options(struct importer *im);
void im_free_col_meta(struct importer *im);
struct col_meta *im_new_col_meta(struct importer *im, const char *spec);

/* import_csv.c */
int im_feed(struct importer *im, struct source *src, char delim);
int im_feed_workbook(struct importer *im);
int im_hash_file(struct importer *im, FILE *fp);
int im_open_encoding(struct importer *im, struct source *src);
int im_open_source(struct importer *im, struct source *src);
int im_open_workbook(struct importer *im, struct source *src);
size_t im_read_head(struct importer *im, struct source *src, char *out,
		size_t n);
char im_sniff_delimiter(const char *buf, size_t len);
char im_declared_delimiter(const char *buf, size_t len);

/* import_row.c */
void im_on_record(struct importer *im);
int im_check_new_series(struct importer *im);
int im_day_stats_wanted(struct importer *im);

/* import_header.c */
int im_check_header_names(struct importer *im);
int im_same_unit(const char *a, const char *b);
int im_header_is_data(struct importer *im);
int im_looks_like_header(struct importer *im);
int im_resolve_header(struct importer *im);
int im_take_header(struct importer *im);
int im_take_units_row(struct importer *im);
/* Is unit text s, or the s of "(s)", a missing-value marker ("NA",
 * "(n/a)") or a dash, no unit, as a blank is?  Not an error value, not
 * "W" (the watt). */
int im_na_unit(struct importer *im, const char *s);

/* import_cell.c */
int im_is_na(struct importer *im, const char *s);
/* Is s a lone dash ("-", "--", "---", an en or em dash or two, a minus
 * sign or two)? */
int im_is_dash(const char *s);
/* -1, the import failed at it, when field c (0-based) of the row is a
 * workbook formula with no stored result: read as text it would name a
 * series "=A2&B2" or leave a value NA.  0 otherwise. */
int im_formula_at(struct importer *im, int c);
enum cell_kind im_read_cell(struct importer *im, char *cell, int type,
		double *v, char *why, size_t n);
int im_read_date(struct importer *im, char *cell, int col, assay_freq *f,
		assay_period *p);
int im_read_number(const char *s, char decimal, double *v);
void im_note_marks(struct importer *im, const char *cell, long line, int col);
unsigned im_day_marks(assay_period day);
/* The weekday of a day ordinal, 0 Sunday to 6 Saturday. */
int im_weekday(assay_period day);
/* Can a day stand for a period of frequency f (import_write.c)? */
int im_day_fits(assay_period day, assay_freq f);
/* import.c: count one more full date into s ... */
void im_day_stats_add(struct day_stats *s, assay_period day);
/* ... and what the dates counted are: months (all month starts or ends),
 * quarters, years (two days at least), weeks (one weekday, two days at
 * least) or days. */
assay_freq im_days_freq(const struct day_stats *s);
int im_check_marks(struct importer *im);
int im_fiscal_shape(const char *label);
void im_note_fiscal(struct importer *im, const char *label, int shape,
		    assay_freq f, assay_period p, long line, int col);
int im_check_fiscal(struct importer *im);
int im_check_values_read(struct importer *im);
int im_check_spare_columns(struct importer *im);

/* import_write.c */
int im_map_forget_row(struct series_map *m, long line);
void im_map_free(struct series_map *m);
/* Is s a spreadsheet's error value ("#N/A", "#REF!")? */
int im_is_error_value(const char *s);
int im_series_lookup(struct importer *im, const char *name, int col,
		assay_freq freq, struct value_col *v, struct series_entry **out);
void im_na_free(struct na_cells *s);
int im_na_forget_row(struct na_cells *s, long line);
/* An NA cell of series `name` for period p (of frequency f): refused
 * when this import gave the period a value, else remembered, so that a
 * value after it is refused too (a file must not say both).  Returns 1
 * when the store holds a value for it from a vintage before this
 * import's (*old and *vintage say which), 0 when not, -1 with the error
 * set. */
int im_na_cell(struct importer *im, const char *name, assay_period p,
	       assay_freq f, int col, double *old, const char **vintage);
/* The end of pass two: a new series of a long file whose own full dates
 * read as another frequency than the file's (an annual series beside a
 * quarterly one) is refused.  0, or -1 with the error set. */
int im_check_series_days(struct importer *im);
int im_write_value(struct importer *im, struct series_entry *e, assay_period p,
		assay_freq f, double value, int col);

#pragma GCC visibility pop

#endif
