/* The report's text helpers: human numbers, Markdown and HTML escaping,
 * SVG ids made unique. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assay/report.h"
#include "assay/scan.h"

static void test_human_numbers(void **state)
{
	char b[64];
	(void)state;
	assert_string_equal(assay_fmt_human(12830.68667, b, sizeof b), "12,831");
	assert_string_equal(assay_fmt_human(1.23449, b, sizeof b), "1.234");
	assert_string_equal(assay_fmt_human(-14284000, b, sizeof b), "-14,284,000");
	assert_string_equal(assay_fmt_human(999.96, b, sizeof b), "1,000");
	/* no zeros after the point that were only padding to four digits
	 * ("0.3400" in the summary read as a measured 0.3400); digits are
	 * rounded, never cut, and integer zeros stay */
	assert_string_equal(assay_fmt_human(0.34, b, sizeof b), "0.34");
	assert_string_equal(assay_fmt_human(335.0011949, b, sizeof b), "335");
	assert_string_equal(assay_fmt_human(0.012301, b, sizeof b), "0.0123");
	assert_string_equal(assay_fmt_human(-0.00001, b, sizeof b), "-0.00001");
	assert_string_equal(assay_fmt_human(0, b, sizeof b), "0");
	assert_string_equal(assay_fmt_human(-0.0, b, sizeof b), "0");
	assert_string_equal(assay_fmt_human(72.0, b, sizeof b), "72");
	assert_string_equal(assay_fmt_human(7.49, b, sizeof b), "7.49");
	assert_string_equal(assay_fmt_human(1.23456, b, sizeof b), "1.235");
	assert_string_equal(assay_fmt_human(0.099996, b, sizeof b), "0.1");
	assert_string_equal(assay_fmt_human(9.99951, b, sizeof b), "10");
	assert_string_equal(assay_fmt_human(100.04, b, sizeof b), "100");
	assert_string_equal(assay_fmt_human(100.06, b, sizeof b), "100.1");
	assert_string_equal(assay_fmt_human(9876, b, sizeof b), "9,876");
	assert_string_equal(assay_fmt_human(10000, b, sizeof b), "10,000");
	assert_string_equal(assay_fmt_human(2.5e-5, b, sizeof b), "0.000025");
	assert_string_equal(assay_fmt_human(1e-9, b, sizeof b), "1e-09");
	/* four digits at any magnitude: below 1e-5 and from 1e15 in
	 * scientific notation (7.952e-09 read 0.0000000, 3.5e50 was cut to
	 * a 63-character 351,754,...) */
	assert_string_equal(assay_fmt_human(7.952e-9, b, sizeof b), "7.952e-09");
	assert_string_equal(assay_fmt_human(-2.71e-7, b, sizeof b), "-2.71e-07");
	assert_string_equal(assay_fmt_human(3.518e50, b, sizeof b), "3.518e+50");
	assert_string_equal(assay_fmt_human(1.23456e15, b, sizeof b), "1.235e+15");
	assert_string_equal(assay_fmt_human(999999999999999.0, b, sizeof b), "999,999,999,999,999");
	assert_string_equal(assay_fmt_pct(-2.2e-14, b, sizeof b), "-2.2e-14%");
	/* a p-value is never shown on the other side of a usual level */
	assay_fmt_pvalue('p', 0.050027, b, sizeof b);
	assert_string_equal(b, "p = 0.05003");
	assay_fmt_pvalue('p', 0.0499, b, sizeof b);
	assert_string_equal(b, "p = 0.0499");
	assay_fmt_pvalue('p', 0.24, b, sizeof b);
	assert_string_equal(b, "p = 0.24");
	assay_fmt_pvalue('p', 0.997, b, sizeof b);
	assert_string_equal(b, "p > 0.99");
	assay_fmt_pvalue('p', 1, b, sizeof b);
	assert_string_equal(b, "p = 1");
	assert_string_equal(assay_fmt_pct(1.5e-7, b, sizeof b), "+0.00000015%");
	assert_string_equal(assay_fmt_pct(15.54, b, sizeof b), "+15.5%");
	/* below 0.95%, two significant digits: no move of 0.03% reads +0.0% */
	assert_string_equal(assay_fmt_pct(-0.44, b, sizeof b), "-0.44%");
	assert_string_equal(assay_fmt_pct(0.0015, b, sizeof b), "+0.0015%");
	assert_string_equal(assay_fmt_pct(0.949, b, sizeof b), "+0.95%");
	assert_string_equal(assay_fmt_pct(0.96, b, sizeof b), "+1.0%");
	assert_string_equal(assay_fmt_pct(0, b, sizeof b), "+0.0%");
	assert_string_equal(assay_fmt_pct(-2.5, b, sizeof b), "-2.5%");
	assert_string_equal(assay_fmt_points(20.99, b, sizeof b), "+21.0 pp");
	assert_string_equal(assay_fmt_points(-0.64, b, sizeof b), "-0.64 pp");
	assert_string_equal(assay_fmt_pct(1234.5, b, sizeof b), "+1,234%");
}

static char *escaped(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	fn(fp, s);
	fclose(fp);
	return buf;
}

static void test_markdown_escape(void **state)
{
	(void)state;
	char *e = escaped(assay_md_escape, "<script>alert(1)</script>\n# x|*y*");
	assert_string_equal(e, "\\<script\\>alert(1)\\</script\\> \\# x\\|\\*y\\*");
	free(e);
	e = escaped(assay_md_escape, "1. item");
	assert_string_equal(e, "1\\. item");
	free(e);
	e = escaped(assay_md_escape, "- x-y");
	assert_string_equal(e, "\\- x-y");
	free(e);
	e = escaped(assay_html_escape, "<b a=\"1\">&'");
	assert_string_equal(e, "&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
	free(e);
}

static void test_svg_ids(void **state)
{
	(void)state;
	const char *svg = "<?xml version=\"1.0\"?>\n<svg width=\"1\">"
			  "\n<title>Gnuplot</title>"
			  "<g id=\"gpPt0\"/><use xlink:href=\"#gpPt0\"/>"
			  "<rect fill=\"url(#grad)\"/><a href=\"#textbox\"/>"
			  "<path id='gpPt5'/><use xlink:href='#gpPt5'/></svg>";
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_int_equal(assay_svg_inline(fp, svg, "c1l"), 0);
	fclose(fp);
	/* gnuplot's "Gnuplot" title is no chart's tooltip */
	assert_string_equal(buf, "<svg width=\"1\">\n<g id=\"c1l-gpPt0\"/>"
			    "<use xlink:href=\"#c1l-gpPt0\"/><rect fill=\"url(#c1l-grad)\"/>"
			    "<a href=\"#c1l-textbox\"/>"
			    "<path id='c1l-gpPt5'/><use xlink:href='#c1l-gpPt5'/></svg>");
	free(buf);
	fp = open_memstream(&buf, &len);
	assert_int_equal(assay_svg_inline(fp, "no svg here", "x"), -1);
	fclose(fp);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human_numbers),
		cmocka_unit_test(test_markdown_escape),
		cmocka_unit_test(test_svg_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
