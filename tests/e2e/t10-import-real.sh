#!/bin/sh
# The bundled real data sets, imported with the documented flags, with
# known values asserted; vintages and revisions of the two World Bank files;
# the command-line surface (help, version, errors, --db, stdin, dry run,
# write errors).
. "$TESTS_DIR/e2e/lib.sh"

WB26="$DATA_DIR/worldbank-cmo/cmo-monthly-2026-06.csv"
WB20="$DATA_DIR/worldbank-cmo/cmo-monthly-2020-03.csv"
USGS="$DATA_DIR/usgs-mcs2025/MCS2025_World_Data.csv"
BGS="$DATA_DIR/owid-bgs/bgs-mineral-production-2016.csv"
LIST_HEADER="name,kind,freq,first,last,count,unit,source"

# A snapshot of everything the store holds, to compare before and after:
# "snapshot before" ... "same_as before" (files: the dumps are megabytes).
snapshot() {
	sqlite3 "$DB" .dump > "$WORK/snap-$1"
}
same_as() {
	sqlite3 "$DB" .dump | cmp -s - "$WORK/snap-$1"
}
# The same, leaving out the records of imports.
same_data_as() {
	sqlite3 "$DB" .dump | grep -v '^INSERT INTO imports' > "$WORK/snap-now"
	grep -v '^INSERT INTO imports' "$WORK/snap-$1" | cmp -s - "$WORK/snap-now"
}

# ---- help, version, usage errors ------------------------------------------

version=$(sed -n 's/^#define ASSAY_VERSION "\(.*\)"/\1/p' "$TESTS_DIR/../include/assay/assay.h")
run "$ASSAY" --version
expect_status version-status 0
expect_out version "assay $version"
expect_err version-stderr ""

run "$ASSAY" --help
expect_status help-status 0
expect_out_has help-usage "Usage: assay [--db PATH] COMMAND [ARGS...]"
expect_out_has help-exit-table "  4  database, I/O or gnuplot error"
expect_err help-stderr ""
for c in import list show export rm; do
	expect_out_has "help-lists-$c" "  $c "
done
for c in import list show export rm; do
	run "$ASSAY" "$c" --help
	expect_status "help-$c-status" 0
	expect_out_has "help-$c-usage" "Usage: assay $c"
	expect_out_has "help-$c-exit" "Exit status:"
	expect_err "help-$c-stderr" ""
done

run "$ASSAY"
expect_status no-command 2
expect_out no-command-stdout ""
expect_err_has no-command-help "Usage: assay [--db PATH] COMMAND [ARGS...]"

run "$ASSAY" frobnicate
expect_status unknown-command 2
expect_err unknown-command-msg "assay: 'frobnicate' is not an assay command; see 'assay --help'"

run "$ASSAY" --frobnicate
expect_status unknown-global-option 2

run "$ASSAY" import --frobnicate x.csv
expect_status unknown-import-option 2
expect_err_has unknown-import-option-msg "Try 'assay import --help'."

run "$ASSAY" import
expect_status import-no-file 2
expect_err import-no-file-msg "assay import: no FILE given
Try 'assay import --help'."

run "$ASSAY" import "$WB26" --kind bogus
expect_status import-bad-kind 2
expect_err import-bad-kind-msg "assay import: --kind takes flow, price or stock, not 'bogus'
Try 'assay import --help'."

# Reading a store that does not exist creates nothing.
run "$ASSAY" list
expect_status list-no-store 4
expect_err list-no-store-msg "assay: $DB: no such store (import something first, or pass --db)"
if [ -e "$DB" ]; then not_ok list-no-store-creates "$DB was created"; else ok list-no-store-creates; fi

run "$ASSAY" import "$WORK/missing.csv" --kind price
expect_status import-missing-file 2
expect_err import-missing-file-msg "assay: $WORK/missing.csv: cannot open: No such file or directory"

run "$ASSAY" import "$WORK" --kind price
expect_status import-directory 2
expect_err import-directory-msg "assay: $WORK: cannot read: Is a directory"

# ---- World Bank, 2026 vintage -----------------------------------------------

run "$ASSAY" import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02
expect_status wb26-import 0
expect_out wb26-import-stdout ""
expect_err wb26-import-summary "assay: imported $WB26: 797 rows, 71 series (71 new): 50167 inserted, 0 revised, 0 unchanged, 0 earlier-vintage, 6420 NA, 0 skipped"

run "$ASSAY" list 'wb/copper' --format csv
expect_status wb26-list 0
expect_out wb26-list-copper "$LIST_HEADER
wb/copper,price,M,1960-01,2026-05,797,\$/mt,"

run "$ASSAY" export wb/copper
expect_status wb26-export 0
expect_out_has wb26-copper-2020-02 "
2020-02,5687.75
"
expect_out_has wb26-copper-2003-03 "
2003-03,1658.98
"
expect_out_has wb26-copper-first "period,value
1960-01,715.4
"
n=$(printf '%s\n' "$out" | wc -l)
[ "$n" -eq 798 ] && ok wb26-copper-count || not_ok wb26-copper-count "$n lines"

run "$ASSAY" export wb/copper --from 2020-01 --to 2020-03 --format json
expect_out wb26-copper-json '[
  {
    "period": "2020-01",
    "value": 6031.21
  },
  {
    "period": "2020-02",
    "value": 5687.75
  },
  {
    "period": "2020-03",
    "value": 5182.63
  }
]'

# Re-importing the same file changes nothing and records no revision.
snapshot before
run "$ASSAY" import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02
expect_status wb26-reimport 0
expect_err wb26-reimport-summary "assay: imported $WB26: 797 rows, 71 series (0 new): 0 inserted, 0 revised, 50167 unchanged, 0 earlier-vintage, 6420 NA, 0 skipped"
# Only the imports table may differ (a record of the re-import).
if same_data_as before; then
	ok wb26-reimport-data-unchanged
else
	not_ok wb26-reimport-data-unchanged "observations changed"
fi

# ---- World Bank, 2020 vintage: an earlier vintage, imported later -----------

run "$ASSAY" import "$WB20" --prefix wb/ --kind price --vintage 2020-03-03
expect_status wb20-import 0
expect_err wb20-import-summary "assay: imported $WB20: 722 rows, 82 series (14 new): 6603 inserted, 0 revised, 24269 unchanged, 18490 earlier-vintage, 9842 NA, 0 skipped
assay: 18490 values kept as an earlier vintage: this file's vintage 2020-03-03T23:59:59Z is older than 2026-06-02T23:59:59Z of $WB26, which stays current ('--as-of 2020-03-03T23:59:59Z' shows this file's values)"

# Current values stay the 2026 ones.
run "$ASSAY" export wb/copper
expect_out_has wb-current-2003-03 "
2003-03,1658.98
"
expect_out_has wb-current-2020-02 "
2020-02,5687.75
"
expect_out_has wb-current-last "
2026-05,"
# As of the end of 2020: the unrounded 2020 file, ending in 2020-02.
run "$ASSAY" export wb/copper --as-of 2020-12-31
expect_status wb-asof-2020 0
expect_out_has wb-asof-2020-03 "
2003-03,1658.976
"
expect_out_has wb-asof-2020-02 "
2020-02,5687.75"
case "$out" in *2020-03,*) not_ok wb-asof-2020-end "2020-03 present as of 2020" ;; *) ok wb-asof-2020-end ;; esac
n=$(printf '%s\n' "$out" | wc -l)
[ "$n" -eq 723 ] && ok wb-asof-2020-count || not_ok wb-asof-2020-count "$n lines"
# The day before the 2026 vintage is still 2020; the vintage day is 2026.
run "$ASSAY" export wb/copper --as-of 2026-06-01 --from 2003-03 --to 2003-03
expect_out wb-asof-2026-06-01 "period,value
2003-03,1658.976"
run "$ASSAY" export wb/copper --as-of 2026-06-02 --from 2003-03 --to 2003-03
expect_out wb-asof-2026-06-02 "period,value
2003-03,1658.98"
run "$ASSAY" export wb/copper --from 2020-13
expect_status export-bad-from 2
expect_err export-bad-from-msg "assay: --from: cannot read period '2020-13': month 13 is out of range"
run "$ASSAY" export wb/copper --from 2026 --to 2026Q1
expect_out export-from-to "period,value
2026-01,13012
2026-02,12951.35
2026-03,12528.71"
# Before any vintage: nothing.
run "$ASSAY" export wb/copper --as-of 2020-03-02
expect_status wb-asof-before 0
expect_out wb-asof-before-empty "period,value"
run "$ASSAY" export wb/copper --as-of 2020-13-01
expect_status wb-asof-bad 2
expect_err wb-asof-bad-msg "assay export: --as-of: cannot read vintage time '2020-13-01': month 13 is out of range
Try 'assay export --help'."

# show lists both imports and the revisions.
run "$ASSAY" show wb/copper
expect_status wb-show 0
expect_out_has wb-show-imports "imports (2)"
expect_out_has wb-show-revisions "revisions (86)"
expect_out_has wb-show-revision-row "2003-03          1658.976  2020-03-03T23:59:59Z    1658.98  2026-06-02T23:59:59Z"
run "$ASSAY" show wb/copper --format csv
expect_out_has wb-show-csv "period,old_value,old_vintage,new_value,new_vintage
2003-03,1658.976,2020-03-03T23:59:59Z,1658.98,2026-06-02T23:59:59Z
"
n=$(printf '%s\n' "$out" | wc -l)
[ "$n" -eq 87 ] && ok wb-show-csv-count || not_ok wb-show-csv-count "$n lines"
run "$ASSAY" show wb/copper --format json
expect_out_has wb-show-json-vintage '"vintage": "2020-03-03T23:59:59Z"'
expect_out_has wb-show-json-name '"name": "wb/copper"'

# Re-importing the old vintage again adds nothing.
snapshot before
run "$ASSAY" import "$WB20" --prefix wb/ --kind price --vintage 2020-03-03
expect_status wb20-reimport 0
expect_err wb20-reimport-summary "assay: imported $WB20: 722 rows, 82 series (0 new): 0 inserted, 0 revised, 49362 unchanged, 0 earlier-vintage, 9842 NA, 0 skipped"
if same_data_as before; then
	ok wb20-reimport-data-unchanged
else
	not_ok wb20-reimport-data-unchanged "observations changed"
fi
run "$ASSAY" show wb/copper
expect_out_has wb-show-revisions-again "revisions (86)"

# In the order of publication (2020, then 2026): the 2026 edition leaves
# empty what the 2020 one gave (DAP before 1967, the natural gas index
# before 1977).  The stored values stay current, and the import says so:
# a notice for the first such cell, the count in the summary and JSON.
# The count is computed apart: cells of the 2026 file's series and dates
# that its own store lacks but the 2020 store holds.  (The 2020 edition
# gave DAP as 1e-10 for 1960-1966: placeholders, dropped since.)
"$ASSAY" --db "$WORK/w20.db" -q import "$WB20" --prefix wb/ --kind price --vintage 2020-03-03
"$ASSAY" --db "$WORK/w26.db" -q import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02
withdrawn=$(sqlite3 "$WORK/w20.db" "ATTACH '$WORK/w26.db' AS b;
  SELECT count(*) FROM obs o JOIN series s ON s.id = o.series_id
  WHERE s.name IN (SELECT name FROM b.series)
  AND o.period BETWEEN (SELECT min(period) FROM b.obs) AND (SELECT max(period) FROM b.obs)
  AND NOT EXISTS (SELECT 1 FROM b.obs bo JOIN b.series bs ON bs.id = bo.series_id
                  WHERE bs.name = s.name AND bo.period = o.period)")
[ "$withdrawn" -eq 288 ] && ok na-kept-independent-count || not_ok na-kept-independent-count "$withdrawn"
run "$ASSAY" --db "$WORK/w20.db" import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02
expect_status na-kept-import 0
expect_err na-kept-summary "assay: $WB26:7:11: 'wb/natural-gas-index' 1960-01 is NA here, but the store holds 3.62435661904471 from vintage 2020-03-03T23:59:59Z: that value stays current (the summary counts such cells)
assay: imported $WB26: 797 rows, 71 series (3 new): 7408 inserted, 18490 revised, 24269 unchanged, 0 earlier-vintage, 6420 NA, 0 skipped; $withdrawn NA where the store has an earlier vintage's value (kept)"
run "$ASSAY" --db "$WORK/w20.db" export wb/dap --from 1966-12 --to 1967-01
expect_out na-kept-value-current "period,value
1966-12,1e-10
1967-01,68.5"
rm -f "$WORK/w20.db"*
"$ASSAY" --db "$WORK/w20.db" -q import "$WB20" --prefix wb/ --kind price --vintage 2020-03-03
run "$ASSAY" --db "$WORK/w20.db" import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02 --dry-run --format json
expect_out_has na-kept-json "\"na_kept\": $withdrawn"
# an NA in an older vintage than the stored value is no news
run "$ASSAY" --db "$WORK/w26.db" import "$WB20" --prefix wb/ --kind price --vintage 2020-03-03 --format json
expect_out_has na-kept-older-file "\"na_kept\": 0"
# the long and table layouts alike; a series first seen in this file, an
# NA of the same vintage, and a stored value of a newer vintage are no news
printf 'series,date,value\nzn,2020,5\nzn,2021,6\ncu,2020,7\n' > "$WORK/na1.csv"
printf 'series,date,value\nzn,2020,NA\nzn,2021,W\ncu,2020,7\npb,2020,NA\n' > "$WORK/na2.csv"
"$ASSAY" --db "$WORK/na.db" -q import "$WORK/na1.csv" --kind flow --vintage 2021-01-01
run "$ASSAY" --db "$WORK/na.db" -q import "$WORK/na2.csv" --kind flow --vintage 2022-01-01
expect_err na-kept-long "assay: $WORK/na2.csv:2:3: 'zn' 2020 is NA here, but the store holds 5 from vintage 2021-01-01T23:59:59Z: that value stays current (the summary counts such cells)"
run "$ASSAY" --db "$WORK/na.db" import "$WORK/na2.csv" --kind flow --vintage 2022-01-01 --format csv
expect_out_has na-kept-long-count ",0,2"
run "$ASSAY" --db "$WORK/na.db" import "$WORK/na2.csv" --kind flow --vintage 2020-01-01 --format csv
expect_out_has na-kept-long-older ",0,0"
printf 'country,2020,2021\nzn,NA,\ncu,7,8\n' > "$WORK/na3.csv"
run "$ASSAY" --db "$WORK/na.db" import "$WORK/na3.csv" --layout table --key-cols country --kind flow --vintage 2023-01-01 --format csv
expect_out_has na-kept-table ",0,2"

# A newer vintage from standard input revises one value.
run sh -c "printf 'date,value\n2020M02,5700\n' | \"\$ASSAY\" import - --series wb/copper --vintage 2026-07-01"
expect_status stdin-revision 0
expect_err stdin-revision-summary "assay: imported -: 1 row, 1 series (0 new): 0 inserted, 1 revised, 0 unchanged, 0 earlier-vintage, 0 NA, 0 skipped"
run "$ASSAY" export wb/copper --from 2020-02 --to 2020-02
expect_out stdin-revision-current "period,value
2020-02,5700"
run "$ASSAY" export wb/copper --from 2020-02 --to 2020-02 --as-of 2026-06-30
expect_out stdin-revision-asof "period,value
2020-02,5687.75"
run "$ASSAY" show wb/copper --format csv
expect_out_has stdin-revision-listed "
2020-02,5687.75,2026-06-02T23:59:59Z,5700,2026-07-01T23:59:59Z"
n=$(printf '%s\n' "$out" | wc -l)
[ "$n" -eq 88 ] && ok stdin-revision-count || not_ok stdin-revision-count "$n lines"

# Bad data on standard input is named <stdin>.
snapshot before
run sh -c "printf 'date,value\n2026-13-01,1\n' | \"\$ASSAY\" import - --series wb/copper"
expect_status stdin-bad 2
expect_err stdin-bad-msg "assay: <stdin>:2:1: cannot read date '2026-13-01': month 13 is out of range"
same_as before && ok stdin-bad-unchanged || not_ok stdin-bad-unchanged "store changed"

# ---- --dry-run writes nothing -----------------------------------------------

snapshot before
run "$ASSAY" import "$BGS" --layout wide --key-cols Entity --date-col Year \
	--prefix bgs/ --kind flow --unit t --dry-run
expect_status dry-run 0
expect_err dry-run-summary "assay: would import $BGS: 3242 rows, 251 series (251 new): 7151 inserted, 0 revised, 0 unchanged, 0 earlier-vintage, 22027 NA, 0 skipped"
same_as before && ok dry-run-unchanged || not_ok dry-run-unchanged "store changed"
run sh -c "printf 'date,value\n2020M02,1\n' | \"\$ASSAY\" import - --series wb/copper --vintage 2026-08-01 --dry-run --format csv"
expect_status dry-run-revision 0
expect_out dry-run-revision-csv "file,rows,series,new_series,inserted,revised,unchanged,older,na,skipped,sha256,dry_run,short_rows,na_kept
-,1,1,0,0,1,0,0,0,0,$(printf 'date,value\n2020M02,1\n' | sha256sum | cut -d' ' -f1),true,0,0"
same_as before && ok dry-run-revision-unchanged || not_ok dry-run-revision-unchanged "store changed"

# ---- USGS world data (table layout) ----------------------------------------

run "$ASSAY" import "$USGS" --layout table --key-cols COMMODITY,COUNTRY,TYPE \
	--value-cols 'PROD_*' --prefix usgs/ --kind flow --unit-col UNIT_MEAS
expect_status usgs-import 0
expect_err usgs-import-summary "assay: imported $USGS: 1250 rows, 1098 series (1098 new): 2192 inserted, 0 revised, 0 unchanged, 0 earlier-vintage, 308 NA, 0 skipped"
S=usgs/cobalt/congo-kinshasa/mine-production-cobalt-content-estimated
run "$ASSAY" export "$S"
expect_status usgs-export 0
expect_out usgs-drc-cobalt "period,value
2023,175000
2024,220000"
run "$ASSAY" list "$S" --format csv
expect_out usgs-list-csv "$LIST_HEADER
$S,flow,A,2023,2024,2,metric tons,"
run "$ASSAY" list "$S" --format json
expect_out usgs-list-json "[
  {
    \"name\": \"$S\",
    \"kind\": \"flow\",
    \"freq\": \"A\",
    \"first\": \"2023\",
    \"last\": \"2024\",
    \"count\": 2,
    \"unit\": \"metric tons\",
    \"source\": null
  }
]"
run "$ASSAY" list 'usgs/cobalt/*' --format csv
n=$(printf '%s\n' "$out" | wc -l)
[ "$n" -eq 15 ] && ok usgs-cobalt-series || not_ok usgs-cobalt-series "$n lines"
run "$ASSAY" export usgs/cobalt/world-total-rounded/mine-production-cobalt-content-estimated
expect_out usgs-world-cobalt "period,value
2023,238000
2024,290000"

# ---- BGS via Our World in Data (wide layout with a key column) -------------

run "$ASSAY" import "$BGS" --layout wide --key-cols Entity --date-col Year \
	--prefix bgs/ --kind flow --unit t
expect_status bgs-import 0
expect_err bgs-import-summary "assay: imported $BGS: 3242 rows, 251 series (251 new): 7151 inserted, 0 revised, 0 unchanged, 0 earlier-vintage, 22027 NA, 0 skipped"
run "$ASSAY" list bgs/democratic-republic-of-congo/cobalt --format csv
expect_out bgs-list-csv "$LIST_HEADER
bgs/democratic-republic-of-congo/cobalt,flow,A,1970,2015,46,t,"
run "$ASSAY" export bgs/democratic-republic-of-congo/cobalt
n=$(printf '%s\n' "$out" | grep -c '^[0-9][0-9][0-9][0-9],')
[ "$n" -eq 46 ] && ok bgs-drc-cobalt-46 || not_ok bgs-drc-cobalt-46 "$n values"
expect_out_has bgs-drc-cobalt-1970 "period,value
1970,13958
"
# 46 consecutive years 1970-2015, no gaps.
years=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\),.*/\1/p' | tr '\n' ' ')
[ "$years" = "$(seq 1970 2015 | tr '\n' ' ')" ] && ok bgs-drc-cobalt-years || not_ok bgs-drc-cobalt-years "$years"

# ---- USGS salient statistics (wide, Year as date) -------------------------
# Prices, stocks and flows are imported with their own kind; 'W' (withheld)
# is an NA marker; "Less than ½ unit." is made one with --na; NIR ">50" and
# the flag "E" are reported and not imported.
for f in "$DATA_DIR"/usgs-mcs2025/mcs2025-*_salient.csv; do
	b=$(basename "$f")
	common="--layout wide --key-cols Commodity --date-col Year --prefix usgs/salient/ --commodity-col Commodity"
	# shellcheck disable=SC2086
	run "$ASSAY" -q import "$f" $common --value-cols 'Price_*' --kind price
	expect_status "salient-$b-price" 0
	if head -1 "$f" | grep -q 'Stocks_'; then
		# shellcheck disable=SC2086
		run "$ASSAY" -q import "$f" $common --value-cols 'Stocks_*' --kind stock
		expect_status "salient-$b-stock" 0
	fi
	# shellcheck disable=SC2086
	run "$ASSAY" -q import "$f" $common --kind flow --na 'Less than ½ unit.' \
		--value-cols 'USprod_*,Imports_*,Exports_*,Consump_*,Shipments_*,Employment_*,NIR_*'
	expect_status "salient-$b-flow" 0
	case $b in
	*lithium*)
		expect_err salient-lithium-qualifiers "assay: $f:2:10: value '>50' has qualifier '>'; not imported
assay: $f:3:10: value '>25' has qualifier '>'; not imported
assay: $f:4:10: value '>25' has qualifier '>'; not imported
assay: $f:5:10: value '>50' has qualifier '>'; not imported
assay: $f:6:10: value '>50' has qualifier '>'; not imported" ;;
	*rareee*)
		expect_err_has salient-rareee-flag "assay: $f:2:22: 'E' is a flag, not a value; not imported" ;;
	*cobal*|*galli*)
		expect_err "salient-$b-quiet" "" ;;
	esac
done
run "$ASSAY" export usgs/salient/cobalt/usprod_mine_t
expect_out salient-cobalt-mine "period,value
2020,600
2021,650
2022,500
2023,500
2024,300"
run "$ASSAY" export usgs/salient/lithium/price_dt --from 2022 --to 2022
expect_out salient-lithium-price "period,value
2022,71100"
run "$ASSAY" list 'usgs/salient/lithium/*' --format csv
expect_out salient-lithium-list "$LIST_HEADER
usgs/salient/lithium/employment_num,flow,A,2020,2024,5,,
usgs/salient/lithium/exports_t,flow,A,2020,2024,5,,
usgs/salient/lithium/imports_t,flow,A,2020,2024,5,,
usgs/salient/lithium/price_dt,price,A,2020,2024,5,,"
run "$ASSAY" export usgs/salient/copper/imports_ores_kt
expect_out salient-copper-less-than-half "period,value
2020,2
2021,11
2022,12
2023,3"
run "$ASSAY" show usgs/salient/nickel/stocks_lme_t --format json
expect_out_has salient-nickel-kind '"kind": "stock"'
expect_out_has salient-nickel-commodity '"commodity": "Nickel"'

# ---- the global --db flag beats $ASSAY_DB; ./assay.db is the default -------

OTHER="$WORK/other.db"
run "$ASSAY" --db "$OTHER" import "$BGS" --layout wide --key-cols Entity \
	--date-col Year --prefix only-other/ --kind flow
expect_status db-flag-import 0
run "$ASSAY" --db "$OTHER" list 'only-other/zambia/cobalt' --format csv
expect_out db-flag-list "$LIST_HEADER
only-other/zambia/cobalt,flow,A,1970,2015,46,,"
run "$ASSAY" list 'only-other/*' --format csv
expect_out db-flag-not-in-env-db "$LIST_HEADER"
run env ASSAY_DB="$OTHER" "$ASSAY" list 'only-other/zambia/co*' --format csv
expect_out db-env "$LIST_HEADER
only-other/zambia/cobalt,flow,A,1970,2015,46,,"
run "$ASSAY" export only-other/zambia/cobalt
expect_status db-flag-unknown-here 2
expect_err db-flag-unknown-here-msg "assay: no series 'only-other/zambia/cobalt' in $DB"
mkdir "$WORK/cwd"
run sh -c "cd \"$WORK/cwd\" && ASSAY_DB= \"\$ASSAY\" -q import \"$BGS\" --layout wide --key-cols Entity --date-col Year --prefix cwd/ --kind flow"
expect_status db-default 0
[ -s "$WORK/cwd/assay.db" ] && ok db-default-file || not_ok db-default-file "no ./assay.db"
run sh -c "cd \"$WORK/cwd\" && unset ASSAY_DB && \"\$ASSAY\" list cwd/zambia/cobalt --format csv"
expect_out db-default-list "$LIST_HEADER
cwd/zambia/cobalt,flow,A,1970,2015,46,,"

# ---- unknown series, rm ----------------------------------------------------

run "$ASSAY" show no/such/series
expect_status show-unknown 2
expect_err show-unknown-msg "assay: no series 'no/such/series' in $DB"
run "$ASSAY" export no/such/series
expect_status export-unknown 2
expect_err export-unknown-msg "assay: no series 'no/such/series' in $DB"
snapshot before
run "$ASSAY" rm bgs/zambia/cobalt no/such/series
expect_status rm-unknown 2
expect_err rm-unknown-msg "assay: no series 'no/such/series' in $DB"
same_as before && ok rm-all-or-nothing || not_ok rm-all-or-nothing "store changed"
run "$ASSAY" rm bgs/zambia/cobalt bgs/zambia/cadmium
expect_status rm 0
expect_err rm-msg "assay: removed 2 series"
run "$ASSAY" list 'bgs/zambia/*' --format csv
expect_out rm-gone "$LIST_HEADER"
case $out in *bgs/zambia/cobalt*) not_ok rm-gone-cobalt "still listed" ;; *) ok rm-gone-cobalt ;; esac
run "$ASSAY" export bgs/zambia/cobalt
expect_status rm-export-gone 2
run "$ASSAY" rm
expect_status rm-no-args 2

# ---- the store stays sound --------------------------------------------------

run sqlite3 "$DB" 'PRAGMA integrity_check; PRAGMA foreign_key_check;'
expect_out integrity ok

# ---- a full disk is an error (4), never a silent truncation ----------------

if [ -w /dev/full ]; then
	for args in "--version" "--help" "import --help" "list" "list --format json" \
		    "export wb/copper" "export wb/copper --format json" \
		    "show wb/copper" "show wb/copper --format json" \
		    "show wb/copper --format csv"; do
		# shellcheck disable=SC2086
		"$ASSAY" $args > /dev/full 2> "$WORK/err"
		st=$?
		e=$(cat "$WORK/err")
		if [ "$st" -eq 4 ] && [ "$e" = "assay: write error on standard output: No space left on device" ]; then
			ok "dev-full: $args"
		else
			not_ok "dev-full: $args" "exit $st, stderr [$e]"
		fi
	done
	"$ASSAY" import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02 \
		--format json > /dev/full 2> "$WORK/err"
	st=$?
	# (the store holds 2020 values where this file has NA: a notice
	# comes first; the write error is the last line, and the import is
	# rolled back: its summary was written before the commit)
	e=$(tail -n 1 "$WORK/err")
	if [ "$st" -eq 4 ] && [ "$e" = "assay: write error on standard output: No space left on device: the import was rolled back, nothing imported" ]; then
		ok "dev-full: import --format json"
	else
		not_ok "dev-full: import --format json" "exit $st, stderr [$e]"
	fi
fi
