#!/bin/sh
# Bulk export: patterns, --freq, --wide, csv/tsv/json/ndjson read
# back by Python's csv and json modules; the store's SQL views
# (observations, latest) read with sqlite3.
. "$TESTS_DIR/e2e/lib.sh"

WB26="$DATA_DIR/worldbank-cmo/cmo-monthly-2026-06.csv"
BGS="$DATA_DIR/owid-bgs/bgs-mineral-production-2016.csv"
"$ASSAY" -q import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02 >/dev/null 2>&1
"$ASSAY" -q import "$BGS" --layout wide --key-cols Entity --date-col Year \
	--prefix bgs/ --kind flow --unit t --vintage 2016-12-31 >/dev/null 2>&1

# one exact name: period,value as before
run "$ASSAY" export wb/copper --from 2026-04
expect_out export-one "period,value
2026-04,12950.96
2026-05,13543.19"

# patterns: a series column, every matching series
run "$ASSAY" export 'wb/copp*' wb/nickel --from 2026-05
expect_out export-long "series,period,value
wb/copper,2026-05,13543.19
wb/nickel,2026-05,18805.77"

# --freq Q: prices averaged; the partial 2026Q2 left out with a note
run "$ASSAY" export wb/copper wb/nickel --freq Q --from 2026Q1
expect_status export-freq-status 0
expect_out export-freq "series,period,value
wb/copper,2026Q1,12830.686666666666
wb/nickel,2026Q1,17339.296666666665"
expect_err export-freq-partial "assay export: note: 2 partial periods left out (a period with some of its data missing)"
# (the mean as Python computes it, digit for digit)
run python3 -c 'print(repr((13012+12951.35+12528.71)/3))'
expect_out export-freq-python "12830.686666666666"

# --wide: a column per series, read back by Python's csv module
"$ASSAY" export wb/copper wb/nickel --from 2026-01 --to 2026-05 --wide > "$WORK/w.csv"
run python3 - "$WORK/w.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
print(len(rows), list(rows[0]), rows[-1]['period'], float(rows[-1]['wb/copper']))
PY
expect_out export-wide-csv "5 ['period', 'wb/copper', 'wb/nickel'] 2026-05 13543.19"

# mixed frequencies in --wide: refused, naming the fix
run "$ASSAY" export wb/copper bgs/albania/cobalt --wide
expect_status export-wide-mixed 2
expect_err_has export-wide-mixed-msg "--wide needs one frequency, but wb/copper is monthly and bgs/albania/cobalt is annual: give --freq"
# with --freq A they line up (wb/copper averaged by year; the means as
# Python computes them from the monthly export)
run "$ASSAY" export wb/copper bgs/albania/cobalt --wide --freq A --from 1990 --to 1991
expect_out export-wide-annual "period,wb/copper,bgs/albania/cobalt
1990,2661.4824999999996,586
1991,2338.7825,500"
"$ASSAY" export wb/copper --from 1990 --to 1991-12 > "$WORK/m.csv"
run python3 - "$WORK/m.csv" <<'PY'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1], newline='')))
for y in ("1990", "1991"):
    v = [float(x["value"]) for x in r if x["period"].startswith(y)]
    print(y, repr(sum(v) / len(v)))
PY
expect_out export-wide-annual-python "1990 2661.4824999999996
1991 2338.7825"

# json and ndjson read back by Python's json module, every number intact
"$ASSAY" export 'bgs/albania/*' --format json > "$WORK/x.json"
"$ASSAY" export 'bgs/albania/*' --format ndjson > "$WORK/x.ndjson"
"$ASSAY" export 'bgs/albania/*' --format csv > "$WORK/x.csv"
run python3 - "$WORK" <<'PY'
import csv, json, sys
d = sys.argv[1]
a = json.load(open(d + '/x.json'))
b = [json.loads(l) for l in open(d + '/x.ndjson')]
c = [dict(r, value=float(r['value']) if r['value'] else None)
     for r in csv.DictReader(open(d + '/x.csv', newline=''))]
print(a == b, a == c, len(a) > 10, sorted(a[0]))
PY
expect_out export-json-ndjson-csv "True True True ['period', 'series', 'value']"

# tsv
run "$ASSAY" export wb/copper wb/nickel --from 2026-05 --format tsv
expect_out export-tsv "$(printf 'series\tperiod\tvalue\nwb/copper\t2026-05\t13543.19\nwb/nickel\t2026-05\t18805.77')"

# --as-of still works with patterns
run "$ASSAY" export 'wb/copp*' --from 2026-05 --as-of 2026-06-01
expect_out export-asof "series,period,value"

run "$ASSAY" export 'zz/*'
expect_status export-nomatch 2
expect_err export-nomatch-msg "assay: no series matches 'zz/*'"
run "$ASSAY" export wb/copper --format xml
expect_status export-bad-format 2

# ---- the SQL views -----------------------------------------------------------
run sqlite3 "$DB" "select series, period, value, freq from observations where series = 'wb/copper' and period >= '2026-04' order by period"
expect_out views-observations "wb/copper|2026-04|12950.96|M
wb/copper|2026-05|13543.19|M"
run sqlite3 "$DB" "select series, period, value from latest where series in ('wb/copper', 'bgs/albania/cobalt') order by series"
expect_out views-latest "bgs/albania/cobalt|1991|500.0
wb/copper|2026-05|13543.19"
# every row of the view is what export prints
a=$(sqlite3 -csv "$DB" "select period, value from observations where series = 'bgs/albania/cobalt' order by period_ordinal")
b=$("$ASSAY" export bgs/albania/cobalt | sed 1d)
[ "$a" = "$(printf '%s\n' "$b" | sed 's/,\([0-9]*\)$/,\1.0/')" ] && ok views-match-export \
	|| not_ok views-match-export "[$a] vs [$b]"

# a store of schema version 1 (before the views): read as it is, and the
# next import adds the views
cp "$DB" "$WORK/v1.db"
sqlite3 "$WORK/v1.db" "drop view observations; drop view latest; pragma user_version = 1"
run "$ASSAY" --db "$WORK/v1.db" export wb/copper --from 2026-05
expect_out views-v1-readable "period,value
2026-05,13543.19"
printf 'date,value\n2020,1\n2021,2\n' > "$WORK/one.csv"
"$ASSAY" -q --db "$WORK/v1.db" import "$WORK/one.csv" --series t/one --kind flow >/dev/null 2>&1
run sqlite3 "$WORK/v1.db" "pragma user_version; select count(*) from latest where series = 't/one'"
expect_out views-v1-migrated "5
1"

# --wide: a series named 'period' would be a second 'period' column (a
# duplicate JSON key, whose last value readers keep: the dates were lost),
# refused in every format with the way out; the long layout keeps it apart
PD="$WORK/period.db"
printf 'series,date,value\nperiod,2020-01,111\nperiod,2020-02,112\nb,2020-01,1\nb,2020-02,2\n' > "$WORK/period.csv"
"$ASSAY" -q --db "$PD" import "$WORK/period.csv" --kind price >/dev/null 2>&1
for f in json csv tsv ndjson table; do
	run "$ASSAY" --db "$PD" export '*' --wide --format $f
	expect_status "wide-period-$f-status" 2
	[ -z "$out" ] && ok "wide-period-$f-no-output" || not_ok "wide-period-$f-no-output" "[$out]"
done
expect_err_has wide-period-msg "assay export: --wide: series 'period' would be a second column 'period', beside the periods' own: export it without --wide (long rows series,period,value), or rename it (assay rename period NEW)"
run "$ASSAY" --db "$PD" export period b --format csv
expect_status wide-period-long-status 0
expect_out_has wide-period-long "period,2020-01,111"
"$ASSAY" -q --db "$PD" rename period p
run "$ASSAY" --db "$PD" export '*' --wide --format csv
expect_out wide-period-renamed "period,b,p
2020-01,1,111
2020-02,2,112"
