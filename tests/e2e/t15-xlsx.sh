#!/bin/sh
# Workbooks: the World Bank's published 2020 Pink Sheet workbook gives
# exactly the values of the CSV written from it, series by series (every
# double bit for bit, and the same sheet rows); --list-sheets, --sheet,
# the format told from content (a workbook named .csv, a workbook on
# stdin), and the .xls path on a committed file written by
# scripts/make-test-workbooks.
. "$TESTS_DIR/e2e/lib.sh"

XLSX="$DATA_DIR/worldbank-cmo/cmo-monthly-2020-03.xlsx"
CSV="$DATA_DIR/worldbank-cmo/cmo-monthly-2020-03.csv"
XLS="$TESTS_DIR/workbooks/usgs-style.xls"
XDB="$WORK/xlsx.db"
CDB="$WORK/csv.db"

run "$ASSAY" import "$XLSX" --list-sheets
expect_status list-sheets-status 0
expect_out list-sheets "$(printf '1\tAFOSHEET\thidden\n2\tMonthly Prices\n3\tMonthly Indices\n4\tDescription\n5\tIndex Weights')"
# from standard input, copied first as an import copies it (it said "-: cannot
# open: No such file or directory")
"$ASSAY" import - --list-sheets < "$XLSX" > "$WORK/out" 2> "$WORK/err"
status=$? out=$(cat "$WORK/out") err=$(cat "$WORK/err")
expect_status list-sheets-stdin-status 0
expect_out list-sheets-stdin "$(printf '1\tAFOSHEET\thidden\n2\tMonthly Prices\n3\tMonthly Indices\n4\tDescription\n5\tIndex Weights')"

run "$ASSAY" --db "$XDB" import "$XLSX" --kind price
expect_status no-sheet-status 2
expect_err no-sheet "assay: $XLSX: the workbook has 4 sheets ('Monthly Prices', 'Monthly Indices', 'Description', 'Index Weights'); choose one with --sheet NAME or --sheet N"

run "$ASSAY" --db "$XDB" import "$XLSX" --sheet 'Monthly Prices' --prefix wb/ --kind price --vintage 2020-03-03
expect_status xlsx-status 0
expect_err xlsx-summary "assay: imported $XLSX: 722 rows, 82 series (82 new): 49362 inserted, 0 revised, 0 unchanged, 0 earlier-vintage, 9842 NA, 0 skipped"
run "$ASSAY" --db "$CDB" import "$CSV" --prefix wb/ --kind price --vintage 2020-03-03
expect_status csv-status 0

# Series by series: the same list, and the same export of each.
"$ASSAY" --db "$XDB" list --format csv > "$WORK/list-x"
"$ASSAY" --db "$CDB" list --format csv > "$WORK/list-c"
cmp -s "$WORK/list-x" "$WORK/list-c" && ok xlsx-list-same ||
	not_ok xlsx-list-same "$(diff "$WORK/list-c" "$WORK/list-x" | head -5)"
nseries=0
ndiff=0
for s in $(tail -n +2 "$WORK/list-c" | cut -d, -f1); do
	nseries=$((nseries + 1))
	"$ASSAY" --db "$XDB" export "$s" > "$WORK/ex"
	"$ASSAY" --db "$CDB" export "$s" > "$WORK/ec"
	cmp -s "$WORK/ex" "$WORK/ec" || { ndiff=$((ndiff + 1)); not_ok "xlsx-export-$s" "$(diff "$WORK/ec" "$WORK/ex" | head -4)"; }
done
[ "$nseries" -eq 82 ] && [ "$ndiff" -eq 0 ] && ok xlsx-exports-same ||
	not_ok xlsx-exports-same "$ndiff of $nseries series differ"
# Bit for bit, beyond what export prints: every stored double and the row
# it came from.
same=$(sqlite3 "$CDB" "ATTACH '$XDB' AS x;
	SELECT count(*) || ' ' || sum(c.value = w.value) || ' ' || sum(c.line = w.line)
	FROM obs c JOIN series cs ON cs.id = c.series_id
	JOIN x.series ws ON ws.name = cs.name
	JOIN x.obs w ON w.series_id = ws.id AND w.period = c.period")
[ "$same" = "49362 49362 49362" ] && ok xlsx-doubles-exact || not_ok xlsx-doubles-exact "$same"
run "$ASSAY" --db "$XDB" export wb/copper --from 2003-03 --to 2003-05
expect_out xlsx-copper "$(printf 'period,value\n2003-03,1658.976\n2003-04,1587.475\n2003-05,1648.275')"

# The same sheet by number, through a name that says CSV, and on stdin.
cp "$XLSX" "$WORK/pink.csv"
run "$ASSAY" --db "$WORK/n.db" -q import "$WORK/pink.csv" --sheet 2 --prefix wb/ --kind price --vintage 2020-03-03
expect_status sniffed-by-content 0
run "$ASSAY" --db "$WORK/s.db" -q import - --sheet 2 --prefix wb/ --kind price --vintage 2020-03-03 < "$XLSX"
expect_status xlsx-stdin 0
for d in n s; do
	a=$(sqlite3 "$WORK/$d.db" 'SELECT count(*), sum(value) FROM obs')
	b=$(sqlite3 "$XDB" 'SELECT count(*), sum(value) FROM obs')
	[ "$a" = "$b" ] && ok "xlsx-same-$d" || not_ok "xlsx-same-$d" "$a vs $b"
done

# A cell error names the workbook, the sheet and the cell.
run "$ASSAY" --db "$WORK/r.db" import "$XLSX" --sheet 'Monthly Prices' --prefix wb/ --kind price --date-format '%Y'
expect_status xlsx-cell-error-status 2
expect_err xlsx-cell-error "assay: $XLSX[Monthly Prices]!A8: cannot read date '1960M01': trailing text after the date"
run "$ASSAY" --db "$WORK/r.db" import "$XLSX" --sheet 'Monthly Prices' --prefix wb/ --kind price --freq A
expect_err xlsx-cell-error-row "assay: $XLSX[Monthly Prices]!A8: date '1960M01' is monthly, finer than --freq A: its value is not the whole period's (import it at its own frequency; changes, export and check --freq A aggregate)"

# --range: two columns of the sheet, rows 5-10 (header, units, codes, 3
# months).
run "$ASSAY" --db "$WORK/g.db" -q import "$XLSX" --sheet 'Monthly Prices' --range A5:C10 --prefix wb/ --kind price
expect_status xlsx-range-status 0
run "$ASSAY" --db "$WORK/g.db" list --format csv
expect_out xlsx-range "$(printf 'name,kind,freq,first,last,count,unit,source\nwb/crude-oil-average,price,M,1960-01,1960-03,3,$/bbl,')"

# .xls: dates (quarter starts, so quarters), a Latin-1 name, a double that
# is not 0.3.
run "$ASSAY" --db "$WORK/xls.db" import "$XLS" --prefix xls/ --kind flow --unit t
expect_status xls-status 0
run "$ASSAY" --db "$WORK/xls.db" export xls/cobalt
expect_out xls-cobalt "$(printf 'period,value\n2023Q1,170000\n2023Q2,0.30000000000000004\n2023Q3,175000.25')"
run "$ASSAY" import "$XLS" --list-sheets
expect_out xls-list-sheets "$(printf '1\tProduction')"
