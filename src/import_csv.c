/*
 * The importer's input: opening the file (a pipe is copied first), the
 * delimiter, libcsv fed line by line so that every record knows its line,
 * --encoding through iconv, and workbooks fed as records.
 */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "import_internal.h"

/* Append one field to the current record; -1 when out of memory. */
static int add_field(struct importer *im, const char *s, size_t len,
		     unsigned char type)
{
	if (im->buflen + len + 1 > im->bufcap) {
		size_t cap = im->bufcap;
		while (im->buflen + len + 1 > cap)
			cap = cap ? 2 * cap : 4096;
		char *buf = realloc(im->buf, cap);
		if (!buf)
			return im_oom(im);
		im->buf = buf;
		im->bufcap = cap;
	}
	if (im->nfield == im->capfield) {
		size_t cap = im->capfield ? 2 * im->capfield : 64;
		size_t *off = realloc(im->off, cap * sizeof *off);
		if (off)
			im->off = off;
		unsigned char *ftype = off ? realloc(im->ftype, cap) : NULL;
		if (!ftype)
			return im_oom(im);
		im->ftype = ftype;
		im->capfield = cap;
	}
	im->ftype[im->nfield] = type;
	im->off[im->nfield++] = im->buflen;
	if (len)
		memcpy(im->buf + im->buflen, s, len);
	im->buflen += len;
	im->buf[im->buflen++] = 0;
	return 0;
}

/* libcsv callbacks */
static void on_field(void *s, size_t len, void *data)
{
	struct importer *im = data;
	if (im->failed || im->stop)
		return;
	if (im->nfield == 0)
		im->row_line = im->rec_line;
	add_field(im, s, len, ASSAY_CELL_TEXT);
}

static void on_row_end(int c, void *data)
{
	struct importer *im = data;
	(void)c;
	if (!im->failed && !im->stop && im->nfield)
		im_on_record(im);
	im->nfield = 0;
	im->buflen = 0;
}

/* ---- reading the file ------------------------------------------------ */

/* Choose the delimiter from the first lines: the candidate found the same
 * non-zero number of times on every sampled line, most often, wins. */
/* The delimiter a first line "sep=;" declares (Excel writes it, and
 * honours it on opening), or 0.  Counted with the others, that line
 * threw the guess off to ',', and the header search landed on data. */
char im_declared_delimiter(const char *buf, size_t len)
{
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		buf += 3, len -= 3;
	if (len < 5 || strncasecmp(buf, "sep=", 4) || buf[4] == '\n' ||
	    buf[4] == '\r' || buf[4] == 0)
		return 0;
	if (len > 5 && buf[5] != '\n' && buf[5] != '\r')
		return 0;
	return buf[4];
}

char im_sniff_delimiter(const char *buf, size_t len)
{
	char declared = im_declared_delimiter(buf, len);
	if (declared)
		return declared;
	const char cand[] = { ',', ';', '\t' };
	char best = ',';
	long best_count = 0;
	for (size_t c = 0; c < sizeof cand; c++) {
		long first = -1, total = 0;
		int consistent = 1, lines = 0, quoted = 0;
		long count = 0;
		for (size_t i = 0; i < len && lines < 20; i++) {
			if (buf[i] == '"')
				quoted = !quoted;
			else if (!quoted && buf[i] == cand[c])
				count++;
			else if (!quoted && buf[i] == '\n') {
				if (count) {
					if (first < 0)
						first = count;
					else if (count != first)
						consistent = 0;
				}
				total += count;
				count = 0;
				lines++;
			}
		}
		if (consistent && first > 0 && total > best_count) {
			best = cand[c];
			best_count = total;
		}
	}
	return best;
}

static int only_space(unsigned char c) { return c == ' '; }


/* UTF-16 text (mostly ASCII) has a NUL byte next to every character. */
static int looks_like_utf16(const char *s, size_t len)
{
	size_t nul = 0;
	for (size_t i = 0; i < len; i++)
		nul += s[i] == 0;
	return nul * 3 >= len;
}

/* A compressed file's tool for its magic bytes ("gzip" for 1f 8b), NULL
 * for anything else: read as text it would fail at a NUL byte or, worse,
 * at a cell.  (bzip2's "BZh" is followed by the block size, 1-9.) */
static const char *compressed(const char *s, size_t n)
{
	if (n >= 2 && !memcmp(s, "\x1f\x8b", 2))
		return "gzip";
	if (n >= 4 && !memcmp(s, "BZh", 3) && s[3] >= '1' && s[3] <= '9')
		return "bzip2";
	if (n >= 6 && !memcmp(s, "\xfd" "7zXZ\0", 6))
		return "xz";
	if (n >= 4 && !memcmp(s, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	return NULL;
}

/* The last byte of the first line ending in [s, end): LF, CRLF, or a CR
 * alone (files of classic Mac OS and of Excel for Mac end their lines
 * so, and libcsv reads them: every message said line 1).  A CR at the
 * end of the block is returned too, and the next byte decides. */
static char *line_end(char *s, char *end)
{
	for (char *c = s; c < end; c++) {
		if (*c == '\n')
			return c;
		if (*c == '\r') {
			if (c + 1 < end && c[1] == '\n')
				return c + 1;
			return c;
		}
	}
	return NULL;
}

/* Feed UTF-8 text to libcsv line by line, so that every record knows its
 * line.  *first: this is the start of the file (a byte order mark). */
static int feed_text(struct importer *im, struct csv_parser *p, char *s,
		     size_t n, int *first)
{
	char *end = s + n, *block = s;
	const char *packed = *first ? compressed(s, n) : NULL;
	if (packed)
		return im_fail_at(im, 1, 0, ASSAY_EUSAGE, "%s-compressed, not a text "
				  "file (decompress it first, or pipe it in: %s -dc "
				  "FILE | assay import - ...)", packed, packed);
	if (*first && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3;         /* UTF-8 byte order mark */
	if (n)
		*first = 0;
	/* Text has no NUL bytes; UTF-16 (an Excel "Unicode" export) and
	 * binary files do.  libcsv would pass them on and every cell would
	 * end at the first one. */
	int has_nul = memchr(s, 0, (size_t)(end - s)) != NULL;
	/* A CR that ended the last block ended its line unless an LF
	 * follows here (CRLF split by the block). */
	if (im->cr_pending && s < end) {
		im->cr_pending = 0;
		if (*s != '\n')
			im->line++;
	}
	while (s < end && !im->failed && !im->stop) {
		char *nl = line_end(s, end);
		size_t len = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
		if (has_nul && memchr(s, 0, len))
			return im_fail_at(im, im->line, 0, ASSAY_EUSAGE, "a NUL byte: "
				       "not a text file%s",
				       !im->o->encoding && looks_like_utf16(s, len)
				       ? " (UTF-16? give --encoding utf-16)" : "");
		/* Between records (libcsv's ROW_NOT_BEGUN, 0), the next one
		 * starts on this line; a quoted line break keeps the line
		 * where its record began. */
		if (p->pstate == 0) {
			im->rec_line = im->line;
			im->rec_off = im->feed_off < 0 ? -1
				      : im->feed_off + (s - block);
		}
		if (csv_parse(p, s, len, on_field, on_row_end, im) != len)
			return im_fail_at(im, im->line, 0, ASSAY_EUSAGE, "%s",
				       csv_strerror(csv_error(p)));
		if (nl && *nl == '\r' && nl + 1 == end)
			im->cr_pending = 1;     /* the next block's byte decides */
		else if (nl)
			im->line++;
		s += len;
	}
	return im->failed ? -1 : 0;
}

/* --encoding: convert raw[0..n) to UTF-8 and feed it.  An incomplete
 * character at the end is moved to the front of raw for the next read
 * (*keep: its length).  Memory stays one block whatever the file. */
static int feed_converted(struct importer *im, struct csv_parser *p,
			  struct source *src, char *raw, size_t n, size_t *keep,
			  int *first)
{
	char *in = raw;
	size_t inleft = n;
	*keep = 0;
	while (inleft && !im->failed && !im->stop) {
		char *out = im->conv;
		size_t outleft = BLOCK;
		size_t r = iconv(src->cd, &in, &inleft, &out, &outleft);
		int e = errno;
		if (feed_text(im, p, im->conv, BLOCK - outleft, first))
			return -1;
		if (r != (size_t)-1 || e == E2BIG)
			continue;
		if (e == EINVAL) {      /* a character split by the block */
			memmove(raw, in, inleft);
			*keep = inleft;
			return 0;
		}
		/* The fields fed so far give the column of the bad bytes. */
		return im_fail_at(im, im->line, (int)im->nfield + 1, ASSAY_EUSAGE,
			       "byte 0x%02x is no %s text (is --encoding right?)",
			       (unsigned char)*in, im->o->encoding);
	}
	return im->failed ? -1 : 0;
}

/* A quote still open at the end of the file is most often one closed
 * with text after it ("12"5): libcsv, lenient, read the quote as text
 * and the rest of the file into the field.  Read the record again from
 * its start and name that text, where it stands.  1 when found (the
 * error set), 0 not (the open-quote error stands). */
static int text_after_quote(struct importer *im, struct source *src,
			    char delim)
{
	char buf[1 << 16];
	if (im->rec_off < 0 || fseeko(src->fp, (off_t)im->rec_off, SEEK_SET))
		return 0;
	size_t n = fread(buf, 1, sizeof buf, src->fp);
	long line = im->rec_line;
	int col = 1, at_start = 1, quoted = 0;
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (quoted) {
			if (c == '\n' || (c == '\r' && (i + 1 >= n || buf[i + 1] != '\n')))
				line++;
			if (c != '"')
				continue;
			if (i + 1 < n && buf[i + 1] == '"') {
				i++;
				continue;
			}
			quoted = 0;
			if (i + 1 >= n || buf[i + 1] == delim || buf[i + 1] == '\n' ||
			    buf[i + 1] == '\r')
				continue;
			char shown[32];
			size_t k = 0;
			for (size_t j = i + 1; j < n && k < 20 && buf[j] != delim &&
			     buf[j] != '\n' && buf[j] != '\r'; j++)
				shown[k++] = buf[j];
			shown[k] = 0;
			im_fail_at(im, line, col, ASSAY_EUSAGE, "text '%s' after the "
				   "closing quote of a quoted field (a quote inside "
				   "quotes is written twice: \"\")", shown);
			return 1;
		}
		if (c == '"' && at_start) {
			quoted = 1;
		} else if (c == delim) {
			col++;
			at_start = 1;
			continue;
		} else if (c == '\n' || c == '\r') {
			return 0;       /* the record ended: not this */
		}
		at_start = 0;
	}
	return 0;
}

int im_feed(struct importer *im, struct source *src, char delim)
{
	struct csv_parser p;
	char raw[BLOCK];
	size_t n, keep = 0;
	uint64_t done = 0, next_report = 0;
	int first = 1;

	if (csv_init(&p, CSV_APPEND_NULL))
		return assay_fail(im->err, ASSAY_EIO, "out of memory");
	csv_set_delim(&p, (unsigned char)delim);
	if (delim == '\t')       /* else libcsv's own test: space and tab */
		csv_set_space_func(&p, only_space);
	im->delim = delim;
	im->line = 1;
	im->cr_pending = 0;
	im->state = BEFORE_HEADER;
	rewind(src->fp);
	if (src->cd != (iconv_t)-1)
		iconv(src->cd, NULL, NULL, NULL, NULL);    /* initial state */
	im->stop = 0;
	while (!im->failed && !im->stop &&
	       (n = fread(raw + keep, 1, sizeof raw - keep, src->fp)) > 0) {
		if (im->pass == 2)
			EVP_DigestUpdate(im->sha, raw + keep, n);
		im->feed_off = src->cd == (iconv_t)-1 ? (long long)done : -1;
		if (src->cd == (iconv_t)-1)
			feed_text(im, &p, raw, n, &first);
		else
			feed_converted(im, &p, src, raw, keep + n, &keep, &first);
		done += n;
		if (im->o->progress && done >= next_report) {
			im->o->progress(im->o->ctx, im->pass, done, src->size);
			next_report = done + (1u << 20);
		}
	}
	if (!im->failed && ferror(src->fp))
		im_fail_at(im, 0, 0, ASSAY_EIO, "read error: %s", strerror(errno));
	if (!im->failed && !im->stop && keep)
		im_fail_at(im, im->line, (int)im->nfield + 1, ASSAY_EUSAGE,
			"the file ends inside a %s character (is --encoding "
			"right?)", im->o->encoding);
	if (!im->failed && !im->stop) {
		/* No final newline: the last record ends at end of file.  A
		 * quote still open there is an error, not a field that runs to
		 * the end (strict checking at the end only: the fields before
		 * were read leniently). */
		csv_set_opts(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
		if (csv_fini(&p, on_field, on_row_end, im) &&
		    !text_after_quote(im, src, delim))
			im_fail_at(im, im->rec_line, (int)im->nfield + 1, ASSAY_EUSAGE,
				"unterminated quoted field: no closing quote "
				"before the end of the file");
	}
	csv_free(&p);
	if (im->o->progress && !im->failed && !im->stop)
		im->o->progress(im->o->ctx, im->pass, done, src->size);
	return im->failed ? -1 : 0;
}

/* One row of a workbook, fed as a CSV record: the same handler reads
 * it, so every layout and option works, and errors name the cell. */
static int on_sheet_row(void *ctx, long row, size_t n, char *const *text,
			const size_t *len, const unsigned char *type)
{
	struct importer *im = ctx;
	if (im->failed || im->stop)
		return 1;
	im->nfield = im->buflen = 0;
	im->row_line = im->rec_line = im->line = row;
	for (size_t i = 0; i < n; i++)
		if (add_field(im, text[i], len[i], type[i]))
			return 1;
	im_on_record(im);
	im->nfield = im->buflen = 0;
	return im->failed || im->stop;
}

int im_feed_workbook(struct importer *im)
{
	im->delim = 0;
	im->state = BEFORE_HEADER;
	im->stop = 0;
	if (im->o->progress)
		im->o->progress(im->o->ctx, im->pass, 0, 0);
	if (assay_workbook_read(im->wb, im->sheet, &im->range, on_sheet_row, im,
				im->err)) {
		im->failed = 1;
		return -1;
	}
	return im->failed ? -1 : 0;
}

/* The file's SHA-256, for the import record (a workbook is not read as
 * a byte stream). */
int im_hash_file(struct importer *im, FILE *fp)
{
	char block[BLOCK];
	size_t n;
	rewind(fp);
	while ((n = fread(block, 1, sizeof block, fp)) > 0)
		EVP_DigestUpdate(im->sha, block, n);
	if (ferror(fp))
		return im_fail_at(im, 0, 0, ASSAY_EIO, "read error: %s", strerror(errno));
	return 0;
}

/* What the first bytes say the file is; the workbook is opened when it
 * is one.  Text-only options on a workbook, and workbook options on
 * text, are refused rather than ignored. */
int im_open_workbook(struct importer *im, struct source *src)
{
	const assay_import_opts *o = im->o;
	unsigned char head[8];
	size_t n = fread(head, 1, sizeof head, src->fp);
	rewind(src->fp);
	enum assay_file_format fmt = assay_file_sniff(head, n);
	if (fmt == ASSAY_FILE_TEXT) {
		if (o->sheet || o->range)
			return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s is for workbooks "
				       "(.xlsx, .xls); this file is text",
				       o->sheet ? "--sheet" : "--range");
		return 0;
	}
	if (o->encoding || o->delimiter)
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "%s is for text files; "
			       "this is a%s workbook", o->encoding ? "--encoding"
			       : "--delimiter", fmt == ASSAY_FILE_XLSX ? "n .xlsx"
			       : " .xls");
	struct stat sb;
	if (fmt == ASSAY_FILE_XLS && (!strcmp(o->path, "-") ||
				      stat(o->path, &sb) || !S_ISREG(sb.st_mode)))
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "an .xls workbook is read "
			       "from a regular file, not from a pipe or standard "
			       "input");
	if (o->range) {
		char why[160];
		if (assay_range_parse(o->range, &im->range, why, sizeof why))
			return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "--range: %s", why);
	}
	im->col1 = im->range.col1 ? im->range.col1 : 1;
	im->first_line = im->range.row1 ? im->range.row1 - 1 : 0;
	if (assay_workbook_open(im->path, fileno(src->fp), fmt, &im->wb, im->err) ||
	    assay_workbook_pick(im->wb, o->sheet, &im->sheet, im->err)) {
		im->failed = 1;
		return -1;
	}
	im->sheet_name = assay_workbook_sheet_name(im->wb, im->sheet);
	return 0;
}

/* Copy a stream to a temporary file, so that it can be read twice. */
static int copy_to_temp(struct importer *im, FILE *in, struct source *src)
{
	char block[BLOCK];
	size_t n;
	src->fp = tmpfile();
	if (!src->fp)
		return im_fail_at(im, 0, 0, ASSAY_EIO, "cannot make a temporary "
			       "file: %s", strerror(errno));
	while ((n = fread(block, 1, sizeof block, in)) > 0)
		if (fwrite(block, 1, n, src->fp) != n)
			return im_fail_at(im, 0, 0, ASSAY_EIO, "write error: %s",
				       strerror(errno));
	if (ferror(in))
		return im_fail_at(im, 0, 0, ASSAY_EIO, "read error: %s",
			       strerror(errno));
	if (fflush(src->fp))
		return im_fail_at(im, 0, 0, ASSAY_EIO, "write error: %s",
			       strerror(errno));
	src->size = (uint64_t)ftell(src->fp);
	rewind(src->fp);        /* the caller reads from the start */
	return 0;
}

/* Open the input.  What cannot be read twice -- stdin, a pipe, a FIFO,
 * <(cmd) -- is copied to a temporary file first. */
int im_open_source(struct importer *im, struct source *src)
{
	struct stat sb;
	if (!strcmp(im->o->path, "-"))
		return copy_to_temp(im, stdin, src);
	FILE *fp = fopen(im->o->path, "rb");
	if (!fp)
		return im_fail_at(im, 0, 0, errno == ENOENT || errno == EACCES ||
			       errno == EISDIR ? ASSAY_EUSAGE : ASSAY_EIO,
			       "cannot open: %s", strerror(errno));
	if (fstat(fileno(fp), &sb)) {
		int e = errno;
		fclose(fp);
		return im_fail_at(im, 0, 0, ASSAY_EIO, "cannot read: %s", strerror(e));
	}
	if (S_ISDIR(sb.st_mode)) {
		fclose(fp);
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, "cannot read: %s",
			       strerror(EISDIR));
	}
	if (!S_ISREG(sb.st_mode)) {
		int rc = copy_to_temp(im, fp, src);
		fclose(fp);
		return rc;
	}
	src->fp = fp;
	src->size = sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
	return 0;
}

/* The first block as UTF-8, for guessing the delimiter. */
size_t im_read_head(struct importer *im, struct source *src, char *out,
			size_t n)
{
	char raw[8192];
	size_t got = fread(raw, 1, sizeof raw, src->fp);
	if (got == 0 && ferror(src->fp)) {
		im_fail_at(im, 0, 0, errno == EISDIR ? ASSAY_EUSAGE : ASSAY_EIO,
			"cannot read: %s", strerror(errno));
		return 0;
	}
	if (got == 0) {
		im_fail_at(im, 0, 0, ASSAY_EUSAGE, "empty file");
		return 0;
	}
	if (src->cd == (iconv_t)-1) {
		got = got < n ? got : n;
		memcpy(out, raw, got);
		return got;
	}
	/* As far as it converts: errors are reported by the passes. */
	char *in = raw, *o = out;
	size_t inleft = got, outleft = n;
	iconv(src->cd, &in, &inleft, &o, &outleft);
	iconv(src->cd, NULL, NULL, NULL, NULL);
	return n - outleft;
}

/* --encoding NAME: a converter to UTF-8, or none for UTF-8 itself. */
int im_open_encoding(struct importer *im, struct source *src)
{
	const char *e = im->o->encoding;
	src->cd = (iconv_t)-1;
	if (!e || !strcasecmp(e, "utf-8") || !strcasecmp(e, "utf8"))
		return 0;
	src->cd = iconv_open("UTF-8", e);
	if (src->cd == (iconv_t)-1)
		return im_fail_at(im, 0, 0, ASSAY_EUSAGE, errno == EINVAL
			       ? "unknown encoding '%s' (iconv -l lists them)"
			       : "cannot convert from '%s'", e);
	im->conv = malloc(BLOCK);
	if (!im->conv)
		return im_oom(im);
	return 0;
}

