/*
 * libFuzzer target: assay_import on .xlsx workbooks built from the input,
 * so that the mutations reach assay's readers of the workbook's XML
 * parts (src/workbook_xlsx.c) rather than stop at the ZIP container's
 * checksums, which almost every mutation of a real .xlsx breaks (raw
 * files go through fuzz_import).
 *
 * Input: the two option bytes of fuzz_import.c, then up to six parts
 * separated by the line "@@PART@@":
 *   xl/worksheets/sheet1.xml, xl/sharedStrings.xml, xl/styles.xml,
 *   xl/workbook.xml, xl/_rels/workbook.xml.rels, _rels/.rels
 * An empty part is left out of the ZIP (a workbook without shared
 * strings or styles, or a part the relationships name and the ZIP lacks);
 * the last three default to a workbook of one sheet, "Sheet1", with both
 * optional parts, when the input has fewer parts.  The ZIP is written by
 * hand, each part stored (no compression) with its CRC-32.
 *
 * The checks are fuzz_import's (import_checked, run_twice): a failure is
 * ASSAY_EUSAGE with a one-line message naming the file (PATH[SHEET]!CELL:
 * for a cell), nothing is written by a failed import or a dry run, the
 * counts add up and a re-import changes nothing.
 */
#define FUZZ_IMPORT_HARNESS_ONLY
#include "fuzz_import.c"

/* (its value check mode is fuzz_import's own) */
static void __attribute__((unused)) value_check_unused(void)
{
	(void)value_check;
}

#define NPARTS 6
static const char *const part_names[NPARTS] = {
	"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
	"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels"
};
static const char *const part_defaults[NPARTS] = {
	NULL, NULL, NULL,
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://"
	"schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http:"
	"//schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
	"</workbook>",
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http"
	"://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
	"officeDocument/2006/relationships/worksheet\" Target=\"worksheets/"
	"sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas."
	"openxmlformats.org/officeDocument/2006/relationships/sharedStrings\""
	" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\""
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	"styles\" Target=\"styles.xml\"/></Relationships>",
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http"
	"://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
	"officeDocument/2006/relationships/officeDocument\" Target=\"xl/"
	"workbook.xml\"/></Relationships>"
};
static const char separator[] = "\n@@PART@@\n";

/* CRC-32 (ISO 3309, as ZIP uses it), bit by bit: the parts are small. */
static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
	}
	return ~c;
}

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void put16(struct buf *b, unsigned v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	put(b, x, 2);
}

static void put32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };
	put(b, x, 4);
}

/* A ZIP of the parts (stored), into z. */
static void build_zip(struct buf *z, const uint8_t *const *part,
		      const size_t *len)
{
	struct buf cd = { 0 };
	unsigned count = 0;
	for (int i = 0; i < NPARTS; i++) {
		if (!part[i] || !len[i])
			continue;
		uint32_t crc = crc32_of(part[i], len[i]), off = (uint32_t)z->n;
		size_t nl = strlen(part_names[i]);
		put32(z, 0x04034b50);           /* local file header */
		put16(z, 20);
		put16(z, 0);                    /* flags */
		put16(z, 0);                    /* stored */
		put16(z, 0);
		put16(z, 0x21);                 /* 1980-01-01 */
		put32(z, crc);
		put32(z, (uint32_t)len[i]);
		put32(z, (uint32_t)len[i]);
		put16(z, (unsigned)nl);
		put16(z, 0);
		put(z, part_names[i], nl);
		put(z, part[i], len[i]);
		put32(&cd, 0x02014b50);         /* central directory entry */
		put16(&cd, 20);
		put16(&cd, 20);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0x21);
		put32(&cd, crc);
		put32(&cd, (uint32_t)len[i]);
		put32(&cd, (uint32_t)len[i]);
		put16(&cd, (unsigned)nl);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put32(&cd, 0);
		put32(&cd, off);
		put(&cd, part_names[i], nl);
		count++;
	}
	uint32_t cd_off = (uint32_t)z->n;
	if (cd.n)
		put(z, cd.p, cd.n);
	put32(z, 0x06054b50);                   /* end of central directory */
	put16(z, 0);
	put16(z, 0);
	put16(z, count);
	put16(z, count);
	put32(z, (uint32_t)cd.n);
	put32(z, cd_off);
	put16(z, 0);
	free(cd.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	assay_import_opts o;
	assay_import_result res;
	const uint8_t *part[NPARTS] = { 0 };
	size_t len[NPARTS] = { 0 };

	if (size < 2)
		return 0;
	decode(data, &o);
	if ((data[0] & 7) == LAYOUT_VALUE_CHECK)
		o.layout = ASSAY_LAYOUT_AUTO;
	const uint8_t *p = data + 2, *end = data + size;
	size_t sl = sizeof separator - 1;
	int k = 0;
	for (; k < NPARTS; k++) {
		const uint8_t *q = k < NPARTS - 1 ?
			memmem(p, (size_t)(end - p), separator, sl) : NULL;
		part[k] = p;
		len[k] = (size_t)((q ? q : end) - p);
		if (!q) {
			k++;
			break;
		}
		p = q + sl;
	}
	for (; k < NPARTS; k++) {
		part[k] = (const uint8_t *)part_defaults[k];
		len[k] = part[k] ? strlen(part_defaults[k]) : 0;
	}
	struct buf z = { 0 };
	build_zip(&z, part, len);
	write_input(z.p, z.n);
	free(z.p);
	if (data[0] & 128)
		run_twice(&o);
	else
		import_checked(&o, &res);
	return 0;
}
