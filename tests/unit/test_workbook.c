/* Workbooks: cell references, ranges, the format told from content, and
 * date serials in both of Excel's date systems checked against openpyxl
 * (tests/workbooks/serials-*.xlsx hold a serial as a date cell and the
 * date openpyxl gives it, written by scripts/make-test-workbooks). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assay/workbook.h"

static void test_col_letters(void **state)
{
	(void)state;
	char b[8];
	assert_string_equal(assay_col_letters(1, b, sizeof b), "A");
	assert_string_equal(assay_col_letters(26, b, sizeof b), "Z");
	assert_string_equal(assay_col_letters(27, b, sizeof b), "AA");
	assert_string_equal(assay_col_letters(702, b, sizeof b), "ZZ");
	assert_string_equal(assay_col_letters(703, b, sizeof b), "AAA");
	assert_string_equal(assay_col_letters(16384, b, sizeof b), "XFD");
}

static void test_range(void **state)
{
	(void)state;
	assay_cell_range r;
	char why[160];
	assert_int_equal(assay_range_parse("B3:AA999", &r, why, sizeof why), 0);
	assert_int_equal(r.col1, 2);
	assert_int_equal(r.col2, 27);
	assert_int_equal(r.row1, 3);
	assert_int_equal(r.row2, 999);
	assert_int_equal(assay_range_parse("a1:xfd1048576", &r, why, sizeof why), 0);
	assert_int_equal(r.col2, 16384);
	const char *bad[] = { "A1", "A1-C3", "A0:B2", "A1:XFE2", "A1:B1048577",
			      "C3:B2", ":B2", "A1:B", "11:22", "" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(assay_range_parse(bad[i], &r, why, sizeof why), -1);
}

static void test_sniff(void **state)
{
	(void)state;
	assert_int_equal(assay_file_sniff((const unsigned char *)"PK\3\4xxxx", 8),
			 ASSAY_FILE_XLSX);
	assert_int_equal(assay_file_sniff((const unsigned char *)
					  "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8),
			 ASSAY_FILE_XLS);
	assert_int_equal(assay_file_sniff((const unsigned char *)"date,v\n", 7),
			 ASSAY_FILE_TEXT);
	assert_int_equal(assay_file_sniff((const unsigned char *)"PK", 2),
			 ASSAY_FILE_TEXT);
}

struct serial_check {
	long rows;
	int failed;
};

static int on_row(void *ctx, long row, size_t n, char *const *text,
		  const size_t *len, const unsigned char *type)
{
	struct serial_check *c = ctx;
	(void)len;
	if (row == 1)
		return 0;
	c->rows++;
	/* odd rows are in the format mmm-yy, which shows the month alone:
	 * the cell reads as YYYY-MM, as the sheet's CSV would */
	size_t want = row % 2 ? 7 : strlen(text[1]);
	if (n != 3 || type[0] != ASSAY_CELL_DATE || type[1] != ASSAY_CELL_TEXT ||
	    type[2] != ASSAY_CELL_NUMBER || strlen(text[0]) != want ||
	    strncmp(text[0], text[1], want)) {
		fprintf(stderr, "row %ld: %s (type %d) != %s\n", row, text[0],
			type[0], n > 1 ? text[1] : "?");
		c->failed++;
	}
	return 0;
}

static void check_serials(const char *name, int want1904)
{
	char path[512];
	const char *dir = getenv("ASSAY_TEST_DATA");
	snprintf(path, sizeof path, "%s/../workbooks/%s", dir ? dir : "tests/fixtures",
		 name);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assay_workbook *wb;
	assay_error err;
	assert_int_equal(assay_workbook_open(path, fd, ASSAY_FILE_XLSX, &wb, &err), 0);
	assert_int_equal(assay_workbook_1904(wb), want1904);
	size_t idx;
	assert_int_equal(assay_workbook_pick(wb, NULL, &idx, &err), 0);
	struct serial_check c = { 0, 0 };
	assert_int_equal(assay_workbook_read(wb, idx, NULL, on_row, &c, &err), 0);
	assert_int_equal(c.rows, 25);
	assert_int_equal(c.failed, 0);
	assay_workbook_close(wb);
	close(fd);
}

static void test_serials_1900(void **state)
{
	(void)state;
	check_serials("serials-1900.xlsx", 0);
}

static void test_serials_1904(void **state)
{
	(void)state;
	check_serials("serials-1904.xlsx", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_col_letters),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_serials_1900),
		cmocka_unit_test(test_serials_1904),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
