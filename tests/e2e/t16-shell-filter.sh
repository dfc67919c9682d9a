#!/bin/sh
# Filter mode: check - and changes - read a CSV from standard
# input into a private in-memory store (no database file); rm with
# patterns and --dry-run; the import summary says why values were kept as
# an earlier vintage.
. "$TESTS_DIR/e2e/lib.sh"

WB26="$DATA_DIR/worldbank-cmo/cmo-monthly-2026-06.csv"
"$ASSAY" -q import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02 >/dev/null 2>&1

# ---- filter mode: the same answers as from the store ------------------------
"$ASSAY" export wb/copper > "$WORK/copper.csv"
run "$ASSAY" check wb/copper --freq Q
want=$(printf '%s\n' "$out" | sed 's|^wb/copper|copper|')
cd "$WORK" || exit 1
run sh -c "'$ASSAY' check - --kind price --series copper --freq Q < copper.csv"
expect_status filter-check-status 0
expect_out filter-check-same "$want"
[ ! -e "$WORK/assay.db" ] && ok filter-no-db-file || not_ok filter-no-db-file "assay.db was created"
run sh -c "cat copper.csv | ASSAY_DB=/nonexistent/x.db '$ASSAY' changes - --kind price --series copper --freq Q --from 2026Q1 --format csv"
expect_status filter-changes-status 0
run "$ASSAY" changes wb/copper --freq Q --from 2026Q1 --format csv
expect_out filter-changes-same "$(cd "$WORK" && ASSAY_DB=/nonexistent/x.db "$ASSAY" changes - --kind price --series copper --freq Q --from 2026Q1 --format csv < copper.csv | sed 's|^copper|wb/copper|')"
# a wide file: every column a series, a series column in the output
"$ASSAY" export wb/copper wb/nickel --from 2025 --wide > "$WORK/wide.csv"
run sh -c "'$ASSAY' changes - --kind price --freq A --format csv < wide.csv"
expect_out_has filter-wide-series "series,period,value"
expect_out_has filter-wide-copper "wb-copper,2025,"
# no kind: the import's own message
run sh -c "'$ASSAY' check - --series copper --freq Q < copper.csv"
expect_status filter-no-kind 2
expect_err_has filter-no-kind-msg "has no kind: give --kind"
run "$ASSAY" check - wb/copper
expect_status filter-dash-alone 2
expect_err_has filter-dash-alone-msg "'-' (a CSV on standard input) is the only SERIES"
run "$ASSAY" check wb/copper --kind price
expect_status filter-kind-without-dash 2
expect_err_has filter-kind-without-dash-msg "--kind is for a CSV on standard input"
cd - >/dev/null || exit 1

# ---- rm: patterns, --dry-run ----------------------------------------------------
run "$ASSAY" rm 'wb/coffee*' --dry-run
expect_status rm-dry-status 0
expect_out rm-dry-names "wb/coffee-arabica
wb/coffee-robusta"
expect_err rm-dry-summary "assay: would remove 2 series"
run "$ASSAY" list 'wb/coffee*' --format csv
n=$(printf '%s\n' "$out" | wc -l)
[ "$n" -eq 3 ] && ok rm-dry-removes-nothing || not_ok rm-dry-removes-nothing "$n lines"
# [!...] negates as in the shell (SQLite's GLOB reads [!c] as "! or c"):
# the wb/co... series whose next letter is not a or c, and [^...] the same
for neg in '!' '^'; do
	run "$ASSAY" rm "wb/co[${neg}ac]*" --dry-run
	expect_out "rm-dry-negated-$neg" "wb/coffee-arabica
wb/coffee-robusta
wb/copper
wb/cotton-a-index"
done
run "$ASSAY" rm 'wb/coffee*' wb/coffee-arabica wb/nosuch
expect_status rm-all-or-nothing 2
run "$ASSAY" list 'wb/coffee*' --format csv
n=$(printf '%s\n' "$out" | wc -l)
[ "$n" -eq 3 ] && ok rm-all-or-nothing-kept || not_ok rm-all-or-nothing-kept "$n lines"
run "$ASSAY" rm 'wb/coffee*' wb/coffee-arabica
expect_status rm-glob-status 0
expect_err rm-glob-summary "assay: removed 2 series"
run "$ASSAY" rm 'wb/coffee*'
expect_status rm-glob-nomatch 2
expect_err rm-glob-nomatch-msg "assay: no series matches 'wb/coffee*'"

# ---- vintages: why values are kept as earlier ones ---------------------------
printf 'date,value\n2020-01,10\n2020-02,11\n' > "$WORK/new.csv"
printf 'date,value\n2020-01,9\n2020-02,11\n' > "$WORK/old.csv"
"$ASSAY" -q --db "$WORK/v.db" import "$WORK/new.csv" --series t/x --kind price
run "$ASSAY" --db "$WORK/v.db" import "$WORK/old.csv" --series t/x --kind price --vintage 2020-03-01
expect_status vintage-older-status 0
expect_err_has vintage-older-why "assay: 1 value kept as an earlier vintage: this file's vintage 2020-03-01T23:59:59Z is older than "
expect_err_has vintage-older-now "of $WORK/new.csv (imported without --vintage: its vintage is the time it was imported), which stays current ('--as-of 2020-03-01T23:59:59Z' shows this file's values)"
run "$ASSAY" --db "$WORK/v.db" export t/x --as-of 2020-03-01
expect_out vintage-older-as-of "period,value
2020-01,9
2020-02,11"

# A number of two readings on stdin: refused, and --decimal says which.
printf 'date,value\n2024-01,"1,234"\n2024-02,"1,300"\n' > "$WORK/two-ways.csv"
run sh -c '"$1" changes - --series x --kind price --format csv < "$2"' sh "$ASSAY" "$WORK/two-ways.csv"
expect_status filter-two-readings 2
expect_err filter-two-readings-msg "assay: <stdin>:2:2: value '1,234' is 1234, or 1.234 with a decimal comma, and no number in the file tells which: give --decimal . or --decimal ,"
run sh -c '"$1" changes - --series x --kind price --format csv --decimal , < "$2"' sh "$ASSAY" "$WORK/two-ways.csv"
expect_status filter-decimal-comma 0
expect_out_has filter-decimal-comma-value "2024-02,1.3,"
run "$ASSAY" check wb/copper --decimal .
expect_status filter-decimal-without-dash 2
