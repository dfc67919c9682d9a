#!/bin/sh
# Derived series and units on the bundled data: values against
# the pandas computation of scripts/make-fixtures-derive
# (tests/fixtures/derive/expected.csv), a newer vintage of an input seen at
# once and --as-of on the derived series, unit conversion against the
# published factors, the errors, and a version-2 store.
. "$TESTS_DIR/e2e/lib.sh"

WB20="$DATA_DIR/worldbank-cmo/cmo-monthly-2020-03.csv"
WB26="$DATA_DIR/worldbank-cmo/cmo-monthly-2026-06.csv"
BGS="$DATA_DIR/owid-bgs/bgs-mineral-production-2016.csv"
FX="$TESTS_DIR/fixtures/derive/expected.csv"

# same NAME CASE: stdout (period,value csv) equals the fixture's CASE rows,
# period for period, to 1e-12 relative (pandas and assay divide the same
# doubles; the conversions multiply by factors in another order).
same() {
	printf '%s\n' "$out" | awk -F, -v c="$2" -v fx="$FX" '
		BEGIN { while ((getline l < fx) > 0) { split(l, f, ",");
			if (f[1] == c) { want[f[2]] = f[3]; n++ } } }
		NR == 1 { next }
		{ got++; if (!($1 in want)) { print "extra period " $1; bad++; next }
		  d = $2 - want[$1]; if (d < 0) d = -d; w = want[$1]; if (w < 0) w = -w
		  if (d > 1e-12 * w) { print $1 ": " $2 " != " want[$1]; bad++ } }
		END { if (got != n) { print got " periods, fixture " n; bad++ }
		      exit bad > 0 }' > "$WORK/same" 2>&1
	if [ $? -eq 0 ] && [ "$status" -eq 0 ]; then ok "$1"
	else not_ok "$1" "status $status: $(head -c 300 "$WORK/same") $(head -c 200 "$WORK/err")"; fi
}

"$ASSAY" -q import "$WB20" --prefix wb/ --kind price --vintage 2020-03-03 >/dev/null 2>&1
"$ASSAY" -q import "$BGS" --layout wide --key-cols Entity --date-col Year \
	--prefix bgs/ --kind flow --unit t --vintage 2016-12-31 >/dev/null 2>&1

# --- the copper/aluminium ratio, before and after a newer vintage
run "$ASSAY" derive wb/cu-al 'wb/copper / wb/aluminum'
expect_status derive-ratio-status 0
expect_err derive-ratio-msg "assay: derived wb/cu-al: 722 monthly values 1960-01 to 2020-02 from 2 series, unit 1, kind price"
run "$ASSAY" export wb/cu-al
same derive-ratio-2020 cu-al-2020
"$ASSAY" -q import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02 >/dev/null 2>&1
run "$ASSAY" export wb/cu-al
same derive-ratio-new-vintage cu-al
run "$ASSAY" export wb/cu-al --as-of 2020-03-31
same derive-ratio-as-of cu-al-2020
run "$ASSAY" export wb/cu-al --from 2003-03 --to 2003-03 --as-of 2020-03-31
expect_out derive-ratio-as-of-value "period,value
2003-03,1.1941316111868503"

# show: the definition and the inputs' vintages then and now
run "$ASSAY" show wb/cu-al
expect_out_has derive-show-expr "expr        wb/copper / wb/aluminum"
expect_out_has derive-show-inputs "wb/copper    2020-03-03T23:59:59Z  2026-06-02T23:59:59Z"
run "$ASSAY" show wb/cu-al --format json
if printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin)["derived"]; assert d["expr"]=="wb/copper / wb/aluminum" and [i["input"] for i in d["inputs"]]==["wb/aluminum","wb/copper"] and d["inputs"][1]["vintage_defined"]=="2020-03-03T23:59:59Z"'; then ok derive-show-json
else not_ok derive-show-json "$out"; fi
# list: marked derived, with its values counted
run "$ASSAY" list wb/cu-al --format csv
expect_out derive-list "name,kind,freq,first,last,count,unit,source
wb/cu-al,price,M,1960-01,2026-05,797,1,derived"

# judged, trended and plotted like any series
run "$ASSAY" check wb/cu-al --freq Q --period 2026Q1
expect_out_has derive-check "wb/cu-al 2026Q1: "
run "$ASSAY" trend wb/cu-al --from 2000-01
expect_status derive-trend 0
run "$ASSAY" plot wb/cu-al -o "$WORK/cu-al.svg" --format svg
if [ "$status" -eq 0 ] && grep -q '<svg' "$WORK/cu-al.svg"; then ok derive-plot
else not_ok derive-plot "status $status: $err"; fi

# at a lower frequency: the inputs averaged to quarters first
run "$ASSAY" derive wb/cu-al-q 'wb/copper / wb/aluminum' --freq Q
expect_err derive-q-msg "assay: warning: wb/cu-al-q: 1 partial period left out, the first 2026Q2
assay: derived wb/cu-al-q: 265 quarterly values 1960Q1 to 2026Q1 from 2 series, unit 1, kind price"
run "$ASSAY" export wb/cu-al-q
same derive-q cu-q

# --- DRC's share of world cobalt: the sum over every BGS country
run "$ASSAY" derive bgs/drc-cobalt-share \
	'share(bgs/democratic-republic-of-congo/cobalt, sum(bgs/*/cobalt))'
expect_err derive-share-msg "assay: derived bgs/drc-cobalt-share: 46 annual values 1970 to 2015 from 22 series, unit %, kind price"
run "$ASSAY" export bgs/drc-cobalt-share
same derive-share drc-share
run "$ASSAY" check bgs/drc-cobalt-share
expect_out_has derive-share-check "bgs/drc-cobalt-share 2015: "
# A world total kept beside the countries, under their naming scheme, is no
# member of a sum over them: sum(PATTERN) adds imported series only.  The
# share stays the pandas one (it used to halve: its denominator counted the
# countries and their total), and a second total over the same pattern
# makes no circle (it used to make both totals and the share unreadable).
# The totals against the BGS file summed by awk (no quoted fields in it).
run "$ASSAY" derive bgs/world/cobalt 'sum(bgs/*/cobalt)'
expect_err derive-world-msg "assay: derived bgs/world/cobalt: 46 annual values 1970 to 2015 from 22 series, unit t, kind flow"
run "$ASSAY" export bgs/drc-cobalt-share
same derive-share-beside-total drc-share
run "$ASSAY" derive bgs/total/cobalt 'sum(bgs/*/cobalt)'
expect_err derive-total-msg "assay: derived bgs/total/cobalt: 46 annual values 1970 to 2015 from 22 series, unit t, kind flow"
run "$ASSAY" export bgs/drc-cobalt-share
same derive-share-beside-two-totals drc-share
world_awk=$(awk -F, 'NR > 1 && $4 != "" { s[$2] += $4 } END { print "period,value"
	for (y = 1900; y < 2100; y++) if (y in s) printf "%d,%.17g\n", y, s[y] }' "$BGS")
for t in world total; do
	run "$ASSAY" export bgs/$t/cobalt
	expect_out "derive-$t-total-values" "$world_awk"
done
run "$ASSAY" derive bgs/x 'sum(bgs/*/cobalt) - bgs/world/cobalt' --dry-run
expect_err derive-total-named-not-member "assay: would derive bgs/x: 46 annual values 1970 to 2015 from 23 series, unit t, kind flow"
run "$ASSAY" derive bgs/x 'sum(bgs/w*/cobalt)' --dry-run
expect_err derive-sum-only-derived "assay: sum(bgs/w*/cobalt):1: sum(bgs/w*/cobalt) matches no imported series"
"$ASSAY" -q rm bgs/world/cobalt bgs/total/cobalt

# --- rebase and units
run "$ASSAY" derive wb/cu-2010 'rebase(wb/copper, 2010)'
expect_err_has derive-rebase-unit "unit 2010=100"
run "$ASSAY" export wb/cu-2010
same derive-rebase cu-rebase
run "$ASSAY" derive wb/cu-lb wb/copper --to-unit '$/lb'
expect_err_has derive-to-unit-msg "unit \$/lb"
run "$ASSAY" export wb/cu-lb
same derive-to-unit cu-lb
run "$ASSAY" export wb/copper --to-unit '$/lb'
same export-to-unit-lb cu-lb
run "$ASSAY" export wb/gold --to-unit '$/kg'
same export-to-unit-troy-oz gold-kg
run "$ASSAY" export wb/copper --from 2026-05 --to-unit '$/t'
expect_out export-to-unit-same "period,value
2026-05,13543.19"
run "$ASSAY" export bgs/china/cobalt --from 2015 --to-unit kt
expect_out export-to-unit-kt "period,value
2015,9.6"
run "$ASSAY" export wb/copper --to-unit 'EUR/mt'
expect_status export-to-unit-eur-status 2
expect_err export-to-unit-eur "assay: wb/copper: --to-unit: cannot convert '\$/mt' to 'EUR/mt': they measure different things (currencies convert only to themselves: assay knows no exchange rates)"
run "$ASSAY" changes wb/copper --from 2026-05 --to-unit '$/lb' --format csv
expect_out_has changes-to-unit "2026-05,6.143"
run "$ASSAY" plot wb/copper --to-unit '$/lb' -o "$WORK/cu-lb.svg" --format svg
if [ "$status" -eq 0 ] && grep -q 'lb' "$WORK/cu-lb.svg"; then ok plot-to-unit
else not_ok plot-to-unit "status $status: $err"; fi
# a value that --to-unit would take beyond a double's range (or to 0) is an
# error, exit 2: export printed it as an empty field (NA), exit 0
printf 'series,date,value\nhuge,2020-01,1e306\nhuge,2020-02,3\ntiny,2020-01,5e-320\ntiny,2020-02,3\n' > "$WORK/huge.csv"
"$ASSAY" -q --db "$WORK/huge.db" import "$WORK/huge.csv" --kind flow --unit kg >/dev/null 2>&1
run "$ASSAY" --db "$WORK/huge.db" export huge --to-unit g
expect_status export-to-unit-overflow-status 2
expect_err export-to-unit-overflow "assay: huge: --to-unit: 1e+306 kg in 'g' is beyond the range of a number (1.8e308)"
run "$ASSAY" --db "$WORK/huge.db" changes huge --to-unit g --format csv
expect_status changes-to-unit-overflow-status 2
run "$ASSAY" --db "$WORK/huge.db" export tiny --to-unit 'Mt'
expect_status export-to-unit-underflow-status 2
expect_err_has export-to-unit-underflow "is below the range of a number"

# --- an index on one base period is no unit of another: --to-unit refuses
# it on every command (units.c owns the rule), rebase() does it.  The
# expected values are pandas' (the 2026-06 edition where it has a value,
# else the 2020-03 one): the natural gas index (2010=100) over its own
# 2005 mean, 142.40083333333334.
# near NAME "PERIOD=VALUE ...": stdout's period,value rows hold each
# VALUE to 1e-12 relative, and no other rows
near() {
	printf '%s\n' "$out" | awk -F, -v want="$2" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) {
			split(w[i], kv, "="); v[kv[1]] = kv[2] } }
		NR == 1 { next }
		{ got++; if (!($1 in v)) { print "extra " $0; bad++; next }
		  d = $2 - v[$1]; if (d < 0) d = -d; a = v[$1]; if (a < 0) a = -a
		  if (d > 1e-12 * a) { print $1 ": " $2 " != " v[$1]; bad++ } }
		END { if (got != n) { print got " rows, want " n; bad++ }; exit bad > 0 }' \
		> "$WORK/near" 2>&1
	if [ $? -eq 0 ] && [ "$status" -eq 0 ]; then ok "$1"
	else not_ok "$1" "status $status: $(head -c 300 "$WORK/near") $(head -c 200 "$WORK/err")"; fi
}
NG_REBASE="an index on another base period is no unit conversion: it needs the series' own mean over 2005 (the derive function rebase(SERIES, 2005))"
run "$ASSAY" export wb/natural-gas-index --freq A --from 2005 --to 2010 --to-unit '2005=100'
expect_status index-to-unit-base-status 2
expect_err index-to-unit-base "assay: wb/natural-gas-index: --to-unit: cannot convert '2010=100' to '2005=100': $NG_REBASE"
run "$ASSAY" export wb/natural-gas-index --from 2010-01 --to 2010-02 --to-unit '%'
expect_status index-to-unit-pct-status 2
expect_err index-to-unit-pct "assay: wb/natural-gas-index: --to-unit: cannot convert '2010=100' to '%': an index is relative to its base period, not a unit of measure, and converts to no other unit (the derive function rebase(SERIES, PERIOD) changes its base)"
run "$ASSAY" export wb/natural-gas-index --from 2010-01 --to 2010-02 --to-unit 1
expect_status index-to-unit-one 2
run "$ASSAY" export wb/copper --from 2010-01 --to 2010-02 --to-unit '2010=100'
expect_status index-from-price-status 2
expect_err index-from-price "assay: wb/copper: --to-unit: cannot convert '\$/mt' to '2010=100': an index is the series relative to its own mean over the base period, not a unit of measure (the derive function rebase(SERIES, 2010))"
run "$ASSAY" changes wb/natural-gas-index --to-unit '2005=100' --format csv
expect_status index-changes-status 2
expect_err index-changes "assay: wb/natural-gas-index: --to-unit: cannot convert '2010=100' to '2005=100': $NG_REBASE"
run "$ASSAY" plot wb/natural-gas-index --to-unit '2005=100' -o "$WORK/ng05.svg" --format svg
expect_status index-plot-status 2
expect_err index-plot "assay: wb/natural-gas-index: --to-unit: cannot convert '2010=100' to '2005=100': $NG_REBASE"
if [ ! -e "$WORK/ng05.svg" ]; then ok index-plot-no-file; else not_ok index-plot-no-file "a chart was written"; fi
run "$ASSAY" derive wb/ng05 wb/natural-gas-index --to-unit '2005=100'
expect_status index-derive-status 2
expect_err index-derive "assay: wb/natural-gas-index: --to-unit: cannot convert '2010=100' to '2005=100': $NG_REBASE"
run "$ASSAY" list wb/ng05 --format csv
expect_out index-derive-nothing "name,kind,freq,first,last,count,unit,source"
# the same index (its text in parentheses, or the same base period
# written another way) is no conversion: the values as they are
run "$ASSAY" export wb/natural-gas-index --from 2010-01 --to 2010-02 --to-unit '(2010=100)'
expect_out index-to-unit-same "period,value
2010-01,119.14
2010-02,113.76"
# rebase() is the way, and its unit is the base asked for
run "$ASSAY" derive wb/ng05 'rebase(wb/natural-gas-index, 2005)'
expect_err index-rebase-msg "assay: derived wb/ng05: 797 monthly values 1960-01 to 2026-05 from 1 series, unit 2005=100, kind price"
run "$ASSAY" export wb/ng05 --freq A --from 2005 --to 2010 --to-unit '2005=100'
near index-rebase-annual "2005=100 2006=88.94786430322857 2007=91.75508102129551 2008=126.24809077662233 2009=67.01564246463913 2010=70.22430814426413"
run "$ASSAY" export wb/ng05 --from 2010-01 --to 2010-01
near index-rebase-month "2010-01=83.6652407230763"
run "$ASSAY" list wb/ng05 --format csv
expect_out_has index-rebase-list "wb/ng05,price,M,1960-01,2026-05,797,2005=100,derived"

# --- rebase of an index: labelled by the base asked for, not the input's
# (pandas: the 2020-03 edition's steel index over its 2010 mean)
run "$ASSAY" derive wb/steel10 'rebase(wb/steel-index, 2010)'
expect_err index-rebase-label "assay: derived wb/steel10: 402 monthly values 1979-01 to 2012-06 from 1 series, unit 2010=100, kind price"
run "$ASSAY" export wb/steel10 --freq A --from 2005 --to 2005
near index-rebase-label-value "2005=80.66851043487088"
run "$ASSAY" derive --dry-run wb/x 'rebase(wb/natural-gas-index, 2010Q1)'
expect_err_has index-rebase-quarter "unit 2010Q1=100, kind price"
run "$ASSAY" derive --dry-run wb/x 'rebase(wb/natural-gas-index, 2010Q1)' --to-unit '2010=100'
expect_status index-rebase-quarter-to-year 2
# indexes on different bases do not add; on one base they do
run "$ASSAY" derive wb/x 'wb/natural-gas-index + wb/steel-index'
expect_status index-add-status 2
expect_err index-add "assay: wb/natural-gas-index + wb/steel-index:22: cannot add '2010=100' and '2005=100': an index on another base period is no unit conversion: it needs the series' own mean over 2010 (the derive function rebase(SERIES, 2010))"
run "$ASSAY" derive wb/x 'wb/natural-gas-index - rebase(wb/copper, 2010-01)' --dry-run
expect_err_has index-sub "cannot subtract '2010-01=100' from '2010=100': an index on another base period"
run "$ASSAY" derive --dry-run wb/x 'wb/natural-gas-index + wb/steel10'
expect_err index-add-same-base "assay: would derive wb/x: 402 monthly values 1979-01 to 2012-06 from 2 series, unit 2010=100, kind price"

# --- kinds: a flow times a price is a flow (summed), where the kind
# cannot be told --kind is asked for.  Expected values: python, the sum of
# the months of (100 + i) t * (10 + i % 5) $/t
awk 'BEGIN { print "date,value"; for (i = 0; i < 36; i++)
	printf "%d-%02d-01,%d\n", 2020 + int(i / 12), i % 12 + 1, 100 + i }' > "$WORK/tonnes.csv"
awk 'BEGIN { print "date,value"; for (i = 0; i < 36; i++)
	printf "%d-%02d-01,%d\n", 2020 + int(i / 12), i % 12 + 1, 10 + i % 5 }' > "$WORK/price.csv"
printf 'date,value\n2020-01-31,5\n2020-02-29,6\n2020-03-31,7\n' > "$WORK/stock.csv"
"$ASSAY" -q import "$WORK/tonnes.csv" --series k/prod --kind flow --unit t
"$ASSAY" -q import "$WORK/price.csv" --series k/price --kind price --unit '$/t'
"$ASSAY" -q import "$WORK/stock.csv" --series k/inv --kind stock --unit t
run "$ASSAY" derive k/revenue 'k/prod * k/price'
expect_err kind-flow-price "assay: derived k/revenue: 36 monthly values 2020-01 to 2022-12 from 2 series, unit t*(\$/t), kind flow"
run "$ASSAY" export k/revenue --freq A
expect_out kind-flow-price-annual "period,value
2020,14881
2021,17033
2022,18646"
run "$ASSAY" changes k/revenue --freq Q --format csv
expect_out_has kind-flow-price-quarter "2020Q1,3335,3,false,,"
run "$ASSAY" derive --dry-run k/x 'k/price * k/prod'
expect_err_has kind-price-flow "kind flow"
run "$ASSAY" derive --dry-run k/x 'k/inv * k/price'
expect_err_has kind-stock-price "kind stock"
run "$ASSAY" derive --dry-run k/x 'k/prod / k/prod'
expect_err_has kind-flow-ratio "unit 1, kind price"
run "$ASSAY" derive --dry-run k/x 'rebase(k/prod, 2020)'
expect_err_has kind-rebase-flow "unit 2020=100, kind price"
run "$ASSAY" derive k/sq 'k/prod * k/prod'
expect_status kind-unknown-status 2
expect_err kind-unknown "assay: k/prod * k/prod: the kind of the result cannot be told from its inputs (a flow times a flow): give --kind flow, price or stock (summed, averaged or the last value over a period)"
run "$ASSAY" list k/sq --format csv
expect_out kind-unknown-nothing "name,kind,freq,first,last,count,unit,source"
run "$ASSAY" derive --dry-run k/x 'k/prod + k/inv'
expect_err_has kind-unknown-mixed "(a flow plus a stock): give --kind"
run "$ASSAY" derive --dry-run k/x 'k/price / k/prod'
expect_err_has kind-unknown-per-flow "(a price divided by a flow): give --kind"
run "$ASSAY" derive k/sq 'k/prod * k/prod' --kind flow
expect_err kind-given "assay: derived k/sq: 36 monthly values 2020-01 to 2022-12 from 1 series, unit t*t, kind flow"
# a ratio of prices per different masses: the unit is derived
run "$ASSAY" derive --dry-run wb/x 'wb/gold / wb/copper'
expect_err derive-ratio-unit "assay: would derive wb/x: 797 monthly values 1960-01 to 2026-05 from 2 series, unit \$/troy oz/(\$/mt), kind price"

# --- errors
run "$ASSAY" derive wb/x 'wb/copper + bgs/china/cobalt' --freq A
expect_status derive-units-status 2
expect_err derive-units "assay: wb/copper + bgs/china/cobalt:11: cannot add '\$/mt' and 't': the units measure different things"
run "$ASSAY" derive wb/x 'wb/copper / (wb/aluminum'
expect_err derive-parse "assay: wb/copper / (wb/aluminum:25: expected ')' at the end"
run "$ASSAY" derive wb/x 'wb/copper ** 2'
expect_err derive-parse-2 "assay: wb/copper ** 2:12: expected a series, a number, a function or '('"
run "$ASSAY" derive wb/x 'wb/coper / 2'
expect_err derive-unknown "assay: wb/coper / 2:1: unknown series 'wb/coper'"
run "$ASSAY" derive wb/x 'wb/copper-wb/aluminum'
expect_err derive-minus-hint "assay: wb/copper-wb/aluminum:1: unknown series 'wb/copper-wb/aluminum' (to subtract, put blanks around the '-')"
run "$ASSAY" derive wb/x 'max(wb/copper, 2)'
expect_err derive-function "assay: max(wb/copper, 2):1: unknown function 'max' (rebase, lag, sum, share)"
run "$ASSAY" derive wb/x 'sum(nothing/*)'
expect_err derive-sum-empty "assay: sum(nothing/*):1: sum(nothing/*) matches no imported series"
# an expression of numbers alone names no series: a usage error, nothing
# stored (SQLite's CHECK on the frequency leaked with exit 4, and with
# --freq an always-empty series was stored)
run "$ASSAY" derive wb/k '2 * 3'
expect_status derive-constant-status 2
expect_err derive-constant "assay: 2 * 3: the expression names no series (a derived series is computed from others; numbers alone have no periods)"
run "$ASSAY" derive wb/k 'lag(5, 1)' --dry-run
expect_status derive-constant-lag-status 2
run "$ASSAY" derive wb/k '2 * 3' --freq M
expect_status derive-constant-freq-status 2
expect_err_has derive-constant-freq "the expression names no series"
run "$ASSAY" show wb/k
expect_status derive-constant-not-stored 2
run "$ASSAY" derive wb/x 'bgs/china/cobalt' --freq M
expect_err derive-freq "assay: bgs/china/cobalt: 'bgs/china/cobalt' is annual (A) and cannot be made monthly (M): give --freq A or lower"
run "$ASSAY" derive wb/cu-al 'wb/cu-lb / wb/cu-al'
expect_err derive-circular "assay: wb/cu-lb / wb/cu-al:12: circular definition: wb/cu-al -> wb/cu-al"
run "$ASSAY" derive wb/y 'wb/cu-al * 2'
run "$ASSAY" derive wb/cu-al 'wb/y + 1'
expect_err derive-circular-2 "assay: derived series 'wb/y': wb/cu-al * 2:1: circular definition: wb/cu-al -> wb/y -> wb/cu-al"
run "$ASSAY" derive wb/copper 'wb/aluminum * 2'
expect_err derive-imported "assay: 'wb/copper' is an imported series: derive writes new names and derived series only"
run "$ASSAY" derive wb/x 'wb/copper / (wb/copper - wb/copper)' --dry-run
expect_err_has derive-div-zero "assay: warning: wb/x: 797 periods divide by zero (NA), the first 1960-01"
# a result beyond a double's range is refused, never stored as a gap
# (an infinity used to be dropped as NA, or divided into 0)
run "$ASSAY" derive wb/x 'wb/copper * 1e300 * 1e10' --dry-run
expect_status derive-overflow-status 2
expect_err derive-overflow "assay: wb/copper * 1e300 * 1e10: the value for 1960-01 is beyond the range of a number (1.8e308; 797 periods): check the expression and its units"
run "$ASSAY" derive wb/x 'wb/copper / (wb/copper * 1e300 * 1e10)' --dry-run
expect_status derive-overflow-divisor 2
run "$ASSAY" export wb/cu-al --to-unit 'EUR'
expect_status derive-export-eur 2
# an import into a derived series writes nothing
printf 'date,value\n2030-01,5\n' > "$WORK/into.csv"
run "$ASSAY" import "$WORK/into.csv" --series wb/cu-al --kind price
if [ "$status" -ne 0 ] && printf %s "$err" | grep -q 'derived series takes no imported values'; then ok derive-import-refused
else not_ok derive-import-refused "status $status: $err"; fi
run "$ASSAY" list wb/cu-al --format csv
expect_out_has derive-import-nothing "wb/cu-al,price,M,1960-01,2026-05,797,1,derived"
# rm of an input: the derived series says so when read
run "$ASSAY" rm wb/cu-2010
run "$ASSAY" derive wb/al2 'wb/aluminum * 2'
run "$ASSAY" rm wb/aluminum
run "$ASSAY" export wb/al2
expect_status derive-input-removed-status 2
expect_err derive-input-removed "assay: derived series 'wb/al2': wb/aluminum * 2:1: unknown series 'wb/aluminum'"
# list and show give it no count (NA, not 0: it was '0' with exit 0), and
# list's exit status is 2, as scan's is
run "$ASSAY" list wb/al2 --format csv
expect_status derive-input-removed-list-status 2
expect_out derive-input-removed-list "name,kind,freq,first,last,count,unit,source
wb/al2,price,M,,,,\$/mt,derived"
expect_err derive-input-removed-list-msg "assay: derived series 'wb/al2': wb/aluminum * 2:1: unknown series 'wb/aluminum'"
run "$ASSAY" show wb/al2 --format json
expect_status derive-input-removed-show-status 0
expect_out_has derive-input-removed-show '"count": null'

# --- a version-2 store (before derived series) is read as it is, and a
# writer migrates it
V2="$WORK/v2.db"
ASSAY_DB="$V2" "$ASSAY" -q import "$BGS" --layout wide --key-cols Entity --date-col Year \
	--prefix bgs/ --kind flow --unit t --vintage 2016-12-31 >/dev/null 2>&1
sqlite3 "$V2" "drop trigger derived_takes_no_obs; drop table derived_kind; drop table derived_inputs; drop table derived; drop table series_origin; pragma user_version = 2"
run env ASSAY_DB="$V2" "$ASSAY" export bgs/china/cobalt --from 2015
expect_out derive-v2-read "period,value
2015,9600"
run sqlite3 "$V2" "pragma user_version"
expect_out derive-v2-untouched "2"
run env ASSAY_DB="$V2" "$ASSAY" derive bgs/cn2 'bgs/china/cobalt * 2'
expect_status derive-v2-migrated 0
run sqlite3 "$V2" "pragma user_version"
expect_out derive-v2-version "5"

# --- a derived series' name is held to the rules of import and rename:
# invalid UTF-8, control characters or nothing made check --format csv
# crash and JSON lose its "series" key
BADNAME=$(printf 'b\377')
run "$ASSAY" derive "$BADNAME" 'bgs/china/cobalt * 2'
expect_status derive-bad-utf8-name 2
expect_err_has derive-bad-utf8-name-msg "is no fit series name: it is not UTF-8 (UTF-8, no control characters, not empty, no blank at either end)"
run "$ASSAY" derive '' 'bgs/china/cobalt * 2'
expect_status derive-empty-name 2
# ... and blanks: import trims them off a cell, so a name that begins or
# ends with one (or is nothing else) could never be imported again as
# itself (it was stored, beside the trimmed name of a later import)
run "$ASSAY" derive ' padded ' 'bgs/china/cobalt * 2'
expect_status derive-padded-name 2
expect_err derive-padded-name-msg "assay: ' padded ' is no fit series name: it begins with a blank (UTF-8, no control characters, not empty, no blank at either end)"
run "$ASSAY" derive 'padded ' 'bgs/china/cobalt * 2' --dry-run
expect_err derive-trailing-blank-msg "assay: 'padded ' is no fit series name: it ends with a blank (UTF-8, no control characters, not empty, no blank at either end)"
run "$ASSAY" derive "$(printf 'nb\302\240')" 'bgs/china/cobalt * 2'
expect_err_has derive-trailing-nbsp-msg "is no fit series name: it ends with a blank"
# the name is judged before the expression
run "$ASSAY" derive '   ' "'   ' * 2"
expect_err derive-blank-name-msg "assay: '   ' is no fit series name: it is blanks only (UTF-8, no control characters, not empty, no blank at either end)"
run "$ASSAY" show ' padded '
expect_status derive-padded-not-stored 2
run "$ASSAY" derive 'in between' 'bgs/china/cobalt * 2' --dry-run
expect_status derive-inner-blank-ok 0
# ... and a name a store holds from elsewhere (SQL by hand) is written as
# valid JSON, U+FFFD for its bad byte, and CSV keeps its column
FFFD=$(printf 'b\357\277\275')
NB="$WORK/badname.db"
printf 'date,value\n2020-01,1\n2020-02,2\n' > "$WORK/bn.csv"
ASSAY_DB="$NB" "$ASSAY" -q import "$WORK/bn.csv" --series a --kind price
ASSAY_DB="$NB" "$ASSAY" -q import "$WORK/bn.csv" --series b --kind price
sqlite3 "$NB" "update series set name = cast(x'62ff' as text) where name = 'b'"
run env ASSAY_DB="$NB" "$ASSAY" check a "$BADNAME" --format csv
expect_status badname-check-csv 3
case "$out" in *"
$FFFD,2020-02,"*) ok badname-check-csv-row ;; *) not_ok badname-check-csv-row "$out" ;; esac
run env ASSAY_DB="$NB" "$ASSAY" check "$BADNAME" --format json
expect_out_has badname-check-json "\"series\": \"$FFFD\""
run env ASSAY_DB="$NB" "$ASSAY" list --format json
expect_out_has badname-list-json '"name": "b\ufffd"'
# the refusal shows a name's control characters escaped, not raw
run "$ASSAY" derive "$(printf 'c\033[2J')" 'bgs/china/cobalt * 2'
expect_err derive-control-name-msg "assay: 'c\\x1b[2J' is no fit series name: it holds a control character (UTF-8, no control characters, not empty, no blank at either end)"

# --- sum(PATTERN) adds the members it matched when it was defined: a
# member removed, renamed or new is an error naming it (the total used to
# shrink or grow silently), until the series is defined again.
P="$WORK/pat.db"
printf 'date,value\n2020,1\n2021,2\n' > "$WORK/px.csv"
printf 'date,value\n2020,10\n2021,20\n' > "$WORK/py.csv"
printf 'date,value\n2020,100\n2021,200\n' > "$WORK/pz.csv"
"$ASSAY" --db "$P" -q import "$WORK/px.csv" --series c/x/cob --kind flow --unit t
"$ASSAY" --db "$P" -q import "$WORK/py.csv" --series c/y/cob --kind flow --unit t
"$ASSAY" --db "$P" -q derive tot 'sum(c/*/cob)'
"$ASSAY" --db "$P" -q derive shr 'share(c/y/cob, tot)'
run "$ASSAY" --db "$P" export tot
expect_out members-defined "$(printf 'period,value\n2020,11\n2021,22')"
run "$ASSAY" --db "$P" show tot --format json
expect_out_has members-show-x '"input": "c/x/cob"'
expect_out_has members-show-y '"input": "c/y/cob"'
"$ASSAY" --db "$P" -q import "$WORK/pz.csv" --series c/z/cob --kind flow --unit t
sqlite3 "$P" .dump > "$WORK/pat-before.sql"
run "$ASSAY" --db "$P" export tot
expect_status members-new-status 2
expect_err members-new "assay: derived series 'tot': sum(c/*/cob) matches other series than when 'tot' was defined: 'c/z/cob' is new (to accept the series it matches now, define it again: assay derive tot 'sum(c/*/cob)')"
run "$ASSAY" --db "$P" export shr
expect_status members-new-through-status 2
expect_err_has members-new-through "assay: derived series 'shr': derived series 'tot': sum(c/*/cob) matches other series"
run "$ASSAY" --db "$P" rm c/x/cob
run "$ASSAY" --db "$P" export tot
expect_err members-gone "assay: derived series 'tot': sum(c/*/cob) matches other series than when 'tot' was defined: 'c/x/cob' is gone (removed or renamed); 'c/z/cob' is new (to accept the series it matches now, define it again: assay derive tot 'sum(c/*/cob)')"
run "$ASSAY" --db "$P" rename c/y/cob other/y
run "$ASSAY" --db "$P" export tot
expect_err members-renamed "assay: derived series 'tot': sum(c/*/cob) matches other series than when 'tot' was defined: 'c/x/cob', 'c/y/cob' are gone (removed or renamed); 'c/z/cob' is new (to accept the series it matches now, define it again: assay derive tot 'sum(c/*/cob)')"
run "$ASSAY" --db "$P" show tot
expect_err_has members-show-warns "'c/x/cob', 'c/y/cob' are gone (removed or renamed)"
expect_out_has members-show-removed "c/x/cob  "
# defining it again accepts the members it matches now (c/z/cob alone)
run "$ASSAY" --db "$P" derive tot 'sum(c/*/cob)'
expect_err members-redefined "assay: derived tot: 2 annual values 2020 to 2021 from 1 series, unit t, kind flow"
run "$ASSAY" --db "$P" export tot
expect_out members-redefined-values "$(printf 'period,value\n2020,100\n2021,200')"
# renamed back, c/y/cob is a member again only when defined again
run "$ASSAY" --db "$P" rename other/y c/y/cob
run "$ASSAY" --db "$P" export tot
expect_err_has members-back "'c/y/cob' is new"

# --- no definition makes a circle, also through rename: a definition that
# names a series gone (r/d names r/n) must not come to read one that reads
# it.  r/e reads r/d; renaming r/e to r/n would make r/n -> r/d -> r/n.
R="$WORK/ren.db"
"$ASSAY" --db "$R" -q import "$WORK/px.csv" --series r/x --kind flow --unit t
"$ASSAY" --db "$R" -q derive r/n 'r/x * 1'
"$ASSAY" --db "$R" -q derive r/d 'r/n + 1'
"$ASSAY" --db "$R" -q derive r/e 'r/d * 2'
"$ASSAY" --db "$R" -q rm r/n
sqlite3 "$R" .dump > "$WORK/ren-before.sql"
run "$ASSAY" --db "$R" rename r/e r/n
expect_status rename-circle-status 2
expect_err rename-circle "assay: renaming 'r/e' to 'r/n' would make a circular definition: r/n -> r/d -> r/n; assay rm or redefine the series that names 'r/n' first"
sqlite3 "$R" .dump | cmp -s - "$WORK/ren-before.sql" && ok rename-circle-writes-nothing ||
	not_ok rename-circle-writes-nothing "the store changed"
run "$ASSAY" --db "$R" derive r/n 'r/e - 1'
expect_status derive-circle-new-name-status 2
expect_err_has derive-circle-new-name "circular definition: r/n -> r/e -> r/d -> r/n"
# a rename that makes no circle mends r/d: r/n is r/x * 3 now, r/d = 3x + 1
"$ASSAY" --db "$R" -q derive r/g 'r/x * 3'
run "$ASSAY" --db "$R" rename r/g r/n
expect_status rename-mends-status 0
run "$ASSAY" --db "$R" export r/e
expect_out rename-mends "$(printf 'period,value\n2020,8\n2021,14')"

# a new vintage of an input that makes a denominator zero in the latest
# month: that month stays, NA, so check answers about it ("no value")
# rather than judging the month before as the latest, with exit 0
printf 'series,date,value\ndz/a,2024-09,10\ndz/a,2024-10,11\ndz/a,2024-11,12\ndz/a,2024-12,13\ndz/b,2024-09,2\ndz/b,2024-10,2\ndz/b,2024-11,3\ndz/b,2024-12,4\n' > "$WORK/dz1.csv"
printf 'series,date,value\ndz/b,2024-12,0\n' > "$WORK/dz2.csv"
"$ASSAY" --db "$WORK/dz.db" -q import "$WORK/dz1.csv" --kind price --unit t --vintage 2025-01-01 >/dev/null 2>&1
"$ASSAY" --db "$WORK/dz.db" -q derive dz/r 'dz/a / dz/b' >/dev/null 2>&1
"$ASSAY" --db "$WORK/dz.db" -q import "$WORK/dz2.csv" --kind price --unit t --vintage 2025-02-01 >/dev/null 2>&1
run "$ASSAY" --db "$WORK/dz.db" export dz/r --format csv
expect_out_has divzero-kept-na "2024-12,"
run "$ASSAY" --db "$WORK/dz.db" check dz/r
expect_status divzero-check-status 3
expect_out divzero-check-words "dz/r 2024-12: cannot judge: no value for this month"
run "$ASSAY" --db "$WORK/dz.db" export dz/r --as-of 2025-01-15 --format csv
expect_out_has divzero-as-of-value "2024-12,3.25"
# a series over that ratio keeps its NA month too (it ended in 2024-11,
# and check judged 2024-11 as the latest, exit 0), and a lag of a ratio
# keeps the NA in the month it moves to (it was kept in the month of the
# zero, which has a value after the lag, and dropped where it moved,
# with no warning)
"$ASSAY" --db "$WORK/dz.db" -q derive dz/r2 '2 * dz/r' >/dev/null 2>&1
run "$ASSAY" --db "$WORK/dz.db" export dz/r2 --format csv
expect_out divzero-nested-kept-na "$(printf 'period,value\n2024-09,10\n2024-10,11\n2024-11,8\n2024-12,')"
run "$ASSAY" --db "$WORK/dz.db" check dz/r2
expect_status divzero-nested-check-status 3
expect_out divzero-nested-check-words "dz/r2 2024-12: cannot judge: no value for this month"
printf 'series,date,value\ndz/c,2024-09,2\ndz/c,2024-10,0\ndz/c,2024-11,3\ndz/c,2024-12,4\n' > "$WORK/dz3.csv"
"$ASSAY" --db "$WORK/dz.db" -q import "$WORK/dz3.csv" --kind price --unit t --vintage 2025-01-01 >/dev/null 2>&1
run "$ASSAY" --db "$WORK/dz.db" derive dz/l 'lag(dz/a / dz/c, 1)'
expect_err_has divzero-lag-warning "assay: warning: dz/l: 1 period divides by zero (NA), the first 2024-11"
run "$ASSAY" --db "$WORK/dz.db" export dz/l --format csv
expect_out divzero-lag-kept-na "$(printf 'period,value\n2024-10,5\n2024-11,\n2024-12,4')"

# an input's unit relabelled after the definition (import --relabel,
# $/mt to $/lb): the values, computed on read, are in the new unit, and
# the unit stored with the definition is not; reading the series is an
# error that says so (it kept '$/mt': --to-unit '$/lb' divided the $/lb
# values by 2204.6 again, exit 0) until it is defined again
printf 'series,date,value\nrl/p,2024-01,2204.62262184878\nrl/p,2024-02,4409.24524369756\n' > "$WORK/rl1.csv"
printf 'series,date,value\nrl/p,2024-01,1\nrl/p,2024-02,2\n' > "$WORK/rl2.csv"
"$ASSAY" --db "$WORK/rl.db" -q import "$WORK/rl1.csv" --kind price --unit '$/mt' --vintage 2025-01-01 >/dev/null 2>&1
"$ASSAY" --db "$WORK/rl.db" -q derive rl/d 'rl/p * 2' >/dev/null 2>&1
"$ASSAY" --db "$WORK/rl.db" -q import "$WORK/rl2.csv" --kind price --unit '$/lb' --relabel --vintage 2025-02-01 >/dev/null 2>&1
run "$ASSAY" --db "$WORK/rl.db" export rl/d --to-unit '$/lb'
expect_status relabel-stale-unit-status 2
expect_err relabel-stale-unit-msg "assay: derived series 'rl/d': it is in '\$/mt', but its inputs give '\$/lb' now (an input's unit was changed since it was defined: define it again: assay derive rl/d 'rl/p * 2')"
"$ASSAY" --db "$WORK/rl.db" -q derive rl/d 'rl/p * 2' >/dev/null 2>&1
run "$ASSAY" --db "$WORK/rl.db" export rl/d --to-unit '$/lb'
expect_out relabel-defined-again "$(printf 'period,value\n2024-01,2\n2024-02,4')"

# an input's kind relabelled after the definition (import --kind price
# --relabel of a flow), as its unit above: a kind inferred from the inputs
# (rk/e = rk/p * 2, a flow) is stale, and reading the series is an error
# until it is defined again (it stayed a flow, and --freq A summed a price,
# exit 0); a kind given (--kind) is kept whatever the inputs'.  The store
# records which it was (schema version 5); show says it (kind_given).
printf 'series,date,value\nrk/p,2024-01,1\nrk/p,2024-02,2\nrk/p,2024-03,3\nrk/q,2024-01,3\nrk/q,2024-02,4\n' > "$WORK/rk.csv"
printf 'series,date,value\nrk/p,2024-01,1\nrk/p,2024-02,2\nrk/p,2024-03,3\n' > "$WORK/rk-p.csv"
printf 'series,date,value\nrk/q,2024-01,3\nrk/q,2024-02,4\n' > "$WORK/rk-q.csv"
RK="$WORK/rk.db"
"$ASSAY" --db "$RK" -q import "$WORK/rk.csv" --kind flow --unit t --vintage 2025-01-01 >/dev/null 2>&1
run "$ASSAY" --db "$RK" derive rk/e 'rk/p * 2'
expect_err kind-inferred-defined "assay: derived rk/e: 3 monthly values 2024-01 to 2024-03 from 1 series, unit t, kind flow"
run "$ASSAY" --db "$RK" derive rk/s 'rk/p * 2' --kind stock
expect_err kind-given-defined "assay: derived rk/s: 3 monthly values 2024-01 to 2024-03 from 1 series, unit t, kind stock"
run "$ASSAY" --db "$RK" derive rk/f 'rk/p * 2' --kind flow
expect_status kind-given-same-defined 0
run "$ASSAY" --db "$RK" derive rk/sum 'rk/p + rk/q'
expect_err_has kind-inferred-sum-defined "kind flow"
run sqlite3 "$RK" "pragma user_version; select s.name, k.given from derived_kind k join series s on s.id = k.series_id order by s.name"
expect_out kind-recorded "5
rk/e|0
rk/f|1
rk/s|1
rk/sum|0"
run "$ASSAY" --db "$RK" show rk/e --format json
expect_out_has kind-show-inferred-json '"kind_given": false'
run "$ASSAY" --db "$RK" show rk/s --format json
expect_out_has kind-show-given-json '"kind_given": true'
run "$ASSAY" --db "$RK" show rk/s
expect_out_has kind-show-given "kind_given  yes"
run "$ASSAY" --db "$RK" export rk/e --freq Q
expect_out kind-inferred-before "$(printf 'period,value\n2024Q1,12')"
# ... rk/p relabelled a price
"$ASSAY" --db "$RK" -q import "$WORK/rk-p.csv" --kind price --unit t --relabel --vintage 2025-02-01 >/dev/null 2>&1
run "$ASSAY" --db "$RK" export rk/e
expect_status kind-stale-status 2
expect_err kind-stale-msg "assay: derived series 'rk/e': it is a flow, but its inputs give a price now (an input's kind was changed since it was defined: define it again: assay derive rk/e 'rk/p * 2')"
[ -z "$out" ] && ok kind-stale-no-output || not_ok kind-stale-no-output "[$out]"
run "$ASSAY" --db "$RK" check rk/e
expect_status kind-stale-check-status 2
run "$ASSAY" --db "$RK" list --format csv
expect_status kind-stale-list-status 2
expect_out_has kind-stale-list "rk/e,flow,M,,,,t,derived"
run "$ASSAY" --db "$RK" export rk/s
expect_status kind-given-kept-status 0
expect_out kind-given-kept "$(printf 'period,value\n2024-01,2\n2024-02,4\n2024-03,6')"
run "$ASSAY" --db "$RK" export rk/f
expect_status kind-given-same-kept-status 0
# ... the flow plus a flow, when one input becomes a stock: no kind at all
"$ASSAY" --db "$RK" -q import "$WORK/rk-q.csv" --kind stock --unit t --relabel --vintage 2025-02-01 >/dev/null 2>&1
run "$ASSAY" --db "$RK" export rk/sum
expect_status kind-untold-status 2
expect_err kind-untold-msg "assay: derived series 'rk/sum': it is a flow, but its kind cannot be told from its inputs now (a price plus a stock; an input's kind was changed since it was defined: define it again: assay derive rk/sum 'rk/p + rk/q' --kind flow|price|stock)"
# ... defined again: the kind its inputs give now
run "$ASSAY" --db "$RK" derive rk/e 'rk/p * 2'
expect_err kind-defined-again-msg "assay: derived rk/e: 3 monthly values 2024-01 to 2024-03 from 1 series, unit t, kind price"
run "$ASSAY" --db "$RK" export rk/e --freq Q
expect_out kind-defined-again "$(printf 'period,value\n2024Q1,4')"

# ... a store of version 4, before the store recorded whether --kind was
# given: read as it is; a command that fails or is a dry run leaves it
# byte for byte as it was; the first write migrates it, and its
# definitions' kinds are "not recorded": one that its inputs no longer
# give is an error as an inferred one, saying that it may have been given
# (rk4/s, --kind stock), until it is defined again
R4="$WORK/rk4.db"
sed 's,rk/,rk4/,g' "$WORK/rk.csv" > "$WORK/rk4.csv"
sed 's,rk/,rk4/,g' "$WORK/rk-p.csv" > "$WORK/rk4-p.csv"
printf 'series,date,value\nrk4/p,2024-03,x\n' > "$WORK/rk4-bad.csv"
{ "$ASSAY" --db "$R4" -q import "$WORK/rk4.csv" --kind flow --unit t --vintage 2025-01-01 &&
  "$ASSAY" --db "$R4" -q derive rk4/e 'rk4/p * 2' &&
  "$ASSAY" --db "$R4" -q derive rk4/s 'rk4/p * 2' --kind stock &&
  "$ASSAY" --db "$R4" -q derive rk4/q2 'rk4/q * 2' &&
  sqlite3 "$R4" 'DROP TABLE derived_kind; PRAGMA user_version = 4'; } >/dev/null 2>&1 ||
	not_ok kind-v4-setup "could not make the store"
cp "$R4" "$WORK/rk4.orig"
run "$ASSAY" --db "$R4" export rk4/e
expect_out kind-v4-read "$(printf 'period,value\n2024-01,2\n2024-02,4\n2024-03,6')"
# (rk4/s, given a stock, is no longer read as one: the store cannot tell
# it from a stale inferred kind)
run "$ASSAY" --db "$R4" export rk4/s
expect_status kind-v4-given-unknown-status 2
expect_err kind-v4-given-unknown-msg "assay: derived series 'rk4/s': it is a stock, but its inputs give a flow now (an input's kind was changed since it was defined, or --kind stock was given, which a definition stored before assay recorded --kind does not tell: define it again: assay derive rk4/s 'rk4/p * 2', or with --kind stock to keep it)"
run "$ASSAY" --db "$R4" show rk4/s --format json
expect_out_has kind-v4-show-not-recorded '"kind_given": null'
cmp -s "$R4" "$WORK/rk4.orig" && ok kind-v4-read-unchanged || not_ok kind-v4-read-unchanged "the file changed"
while IFS='|' read -r name want cmd; do
	# shellcheck disable=SC2086
	run "$ASSAY" --db "$R4" -q $cmd
	expect_status "kind-v4-$name-status" "$want"
	cmp -s "$R4" "$WORK/rk4.orig" && ok "kind-v4-$name-unchanged" ||
		not_ok "kind-v4-$name-unchanged" "the file changed: user_version $(sqlite3 "$R4" 'PRAGMA user_version')"
done <<EOF2
import-bad|2|import $WORK/rk4-bad.csv --kind flow --unit t
relabel-dry-run|0|import $WORK/rk4-p.csv --kind price --unit t --relabel --vintage 2025-02-01 --dry-run
derive-unknown-input|2|derive rk4/x nosuch*2
derive-dry-run|0|derive rk4/x rk4/p*2 --dry-run
rm-missing|2|rm rk4/e nosuch
EOF2
run "$ASSAY" --db "$R4" -q import "$WORK/rk4-p.csv" --kind price --unit t --relabel --vintage 2025-02-01
expect_status kind-v4-relabel-status 0
run sqlite3 "$R4" "pragma user_version; select count(*) from derived_kind"
expect_out kind-v4-migrated "5
0"
run "$ASSAY" --db "$R4" export rk4/e
expect_status kind-v4-stale-status 2
expect_err kind-v4-stale-msg "assay: derived series 'rk4/e': it is a flow, but its inputs give a price now (an input's kind was changed since it was defined, or --kind flow was given, which a definition stored before assay recorded --kind does not tell: define it again: assay derive rk4/e 'rk4/p * 2', or with --kind flow to keep it)"
run "$ASSAY" --db "$R4" export rk4/s
expect_status kind-v4-given-status 2
expect_err_has kind-v4-given-msg "or --kind stock was given, which a definition stored before assay recorded --kind does not tell: define it again: assay derive rk4/s 'rk4/p * 2', or with --kind stock to keep it)"
run "$ASSAY" --db "$R4" export rk4/q2
expect_status kind-v4-same-kind-status 0
run "$ASSAY" --db "$R4" -q derive rk4/s 'rk4/p * 2' --kind stock
run "$ASSAY" --db "$R4" export rk4/s
expect_out kind-v4-given-again "$(printf 'period,value\n2024-01,2\n2024-02,4\n2024-03,6')"
run "$ASSAY" --db "$R4" show rk4/s --format json
expect_out_has kind-v4-given-again-recorded '"kind_given": true'
run "$ASSAY" --db "$R4" -q derive rk4/e 'rk4/p * 2'
run "$ASSAY" --db "$R4" export rk4/e
expect_out kind-v4-inferred-again "$(printf 'period,value\n2024-01,2\n2024-02,4\n2024-03,6')"
