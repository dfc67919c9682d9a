#!/bin/sh
# assay trend on real bundled data: BGS cobalt production of the DRC
# (annual, 1970-2015) and World Bank copper (monthly, two vintages).  The
# numbers asserted here are the ones the unit tests check against scipy,
# statsmodels and an independent Python implementation
# (tests/fixtures/trend-expected.csv, changepoint-expected.csv); these tests
# check that the command reaches them through the store, and its surface:
# help, formats, windows, resampling, vintages, errors, exit statuses.
. "$TESTS_DIR/e2e/lib.sh"

WB20="$DATA_DIR/worldbank-cmo/cmo-monthly-2020-03.csv"
WB26="$DATA_DIR/worldbank-cmo/cmo-monthly-2026-06.csv"
BGS="$DATA_DIR/owid-bgs/bgs-mineral-production-2016.csv"
DRC=bgs/democratic-republic-of-congo/cobalt

run "$ASSAY" trend --help
expect_status trend-help 0
expect_out_has trend-help-usage "Usage: assay trend SERIES"
expect_out_has trend-help-exit "Exit status:"
expect_err trend-help-stderr ""

run "$ASSAY" -q import "$BGS" --layout wide --key-cols Entity --date-col Year \
	--prefix bgs/ --kind flow --unit t
expect_status trend-import-bgs 0

# ---- the DRC cobalt series: JSON ------------------------------------------
run "$ASSAY" trend "$DRC" --format json
expect_status trend-drc-json 0
expect_err trend-drc-json-stderr ""
for kv in '"n": 46,' '"from": "1970",' '"to": "2015",' '"mk_s": 189,' \
	'"mk_var_s": 11153.0,' '"mk_z": 1.7801721325934559,' \
	'"tau": 0.1826086956521739,' '"tau_b": 0.1827853852877541,' \
	'"trend": "no trend",' '"sen_slope": 383.5,' '"sen_lo": -22.5,' \
	'"sen_hi": 1000.0,' '"sen_slope_per_year": 383.5,' \
	'"sen_intercept": 4923.25,' '"penalty": "mbic",' '"min_segment": 2,' \
	'"n_changepoints": 8,' '"period": "1972",' '"period": "2012",' \
	'"before": 98584.0,' '"after": 80316.75,'; do
	expect_out_has "trend-drc-json $kv" "$kv"
done
# growth to 1e-9 of statsmodels (the digits past that differ by design)
expect_out_has trend-drc-growth '"growth_pct_per_year": 2.82561389612'
expect_out_has trend-drc-growth-se '"growth_se": 1.03386485273687'
for k in mk_p growth_lo growth_hi growth_r2 log_slope_per_year changepoints; do
	expect_out_has "trend-drc-json-key-$k" "\"$k\": "
done
expect_out_has trend-drc-growth-note '"growth_note": null'

# a series with a zero or negative value has no growth rate, and says why
printf 'date,value\n2018,3\n2019,-1\n2020,4\n2021,5\n2022,7\n' > "$WORK/neg.csv"
"$ASSAY" -q import "$WORK/neg.csv" --series x/balance --kind flow >/dev/null 2>&1
run "$ASSAY" trend x/balance --format json
expect_out_has trend-neg-growth-na '"growth_pct_per_year": null'
expect_out_has trend-neg-growth-note '"growth_note": "values <= 0: no growth rate (see sen_slope, in units)"'

# ---- table and csv --------------------------------------------------------
run "$ASSAY" trend "$DRC"
expect_status trend-drc-table 0
expect_out_has trend-drc-table-s "mk_s                   189"
expect_out_has trend-drc-table-trend "trend                  no trend"
expect_out_has trend-drc-table-cp "change points:
period  before  after  change  change_scaled
1972     14238  32200   17962           6.52
1976     32200  10420  -21780          -7.91"

run "$ASSAY" trend "$DRC" --format csv
expect_status trend-drc-csv 0
header=$(printf '%s\n' "$out" | head -n 1)
case "$header" in
series,freq,from,to,n,partial_dropped,variant,alpha,seasons,mk_s,mk_var_s,*,changepoints)
	ok trend-drc-csv-header ;;
*)	not_ok trend-drc-csv-header "[$header]" ;;
esac
expect_out_has trend-drc-csv-row "$DRC,A,1970,2015,46,0,original,0.05,1,189,11153,"
expect_out_has trend-drc-csv-cps ",1972:14238:32200;1976:32200:10419.882352941177;"
lines=$(printf '%s\n' "$out" | wc -l)
[ "$lines" -eq 2 ] && ok trend-drc-csv-lines || not_ok trend-drc-csv-lines "$lines lines"

# ---- window, variants, penalty --------------------------------------------
run "$ASSAY" trend "$DRC" --from 1990 --to 2009 --format json
expect_status trend-drc-window 0
expect_out_has trend-drc-window-n '"n": 20,'
expect_out_has trend-drc-window-s '"mk_s": 127,'
expect_out_has trend-drc-window-trend '"trend": "increasing",'

run "$ASSAY" trend "$DRC" --variant hamed-rao --format json
expect_status trend-drc-hamed-rao 0
expect_out_has trend-drc-hamed-rao-variant '"variant": "hamed-rao",'
expect_out_has trend-drc-hamed-rao-s '"mk_s": 189,'

run "$ASSAY" trend "$DRC" --penalty bic --min-segment 3 --alpha 0.1 --format json
expect_status trend-drc-bic 0
expect_out_has trend-drc-bic-pen '"penalty": "bic",'
expect_out_has trend-drc-bic-min '"min_segment": 3,'
expect_out_has trend-drc-bic-alpha '"alpha": 0.1'

run "$ASSAY" trend "$DRC" --penalty 1e6 --format json
expect_status trend-drc-huge-penalty 0
expect_out_has trend-drc-huge-penalty-none '"n_changepoints": 0,'
expect_out_has trend-drc-huge-penalty-list '"changepoints": []'

# ---- errors ---------------------------------------------------------------
run "$ASSAY" trend no/such/series
expect_status trend-unknown 2
expect_err_has trend-unknown-msg "assay: no series 'no/such/series' in"

run "$ASSAY" trend "$DRC" --from 2014
expect_status trend-too-few 3
expect_err trend-too-few-msg "assay: $DRC: too few observations for a trend test: 2 (at least 3)"

run "$ASSAY" trend "$DRC" --variant seasonal
expect_status trend-seasonal-annual 2
expect_err trend-seasonal-annual-msg "assay trend: --variant seasonal needs monthly or quarterly data (try --freq Q or M)
Try 'assay trend --help'."

run "$ASSAY" trend "$DRC" --freq M
expect_status trend-freq-higher 0
expect_err trend-freq-higher-msg "assay trend: note: $DRC is annual, lower than --freq M: kept at its own frequency"

for bad in "--variant sen" "--alpha 0" "--alpha 1.5" "--penalty aic" \
	"--penalty -3" "--min-segment 0" "--format xml" "--freq X"; do
	# shellcheck disable=SC2086
	run "$ASSAY" trend "$DRC" $bad
	expect_status "trend-bad $bad" 2
	expect_err_has "trend-bad-try $bad" "Try 'assay trend --help'."
done
run "$ASSAY" trend
expect_status trend-no-series 2

if [ -w /dev/full ]; then
	"$ASSAY" trend "$DRC" > /dev/full 2> "$WORK/err"
	s=$?
	[ "$s" -eq 4 ] && ok trend-dev-full || not_ok trend-dev-full "exit $s"
fi

# ---- World Bank copper: resampling, seasonal test, vintages ---------------
run "$ASSAY" -q import "$WB20" --prefix wb/ --kind price --vintage 2020-03-03
expect_status trend-import-wb20 0
run "$ASSAY" -q import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02
expect_status trend-import-wb26 0

run "$ASSAY" trend wb/copper --format json
expect_status trend-copper 0
expect_out_has trend-copper-n '"n": 797,'
expect_out_has trend-copper-freq '"freq": "M",'

# Quarterly means, 2026Q2 (April and May only) partial and left out.
run "$ASSAY" trend wb/copper --freq Q --variant seasonal --from 2000 --format json
expect_status trend-copper-q 0
expect_out_has trend-copper-q-freq '"freq": "Q",'
expect_out_has trend-copper-q-from '"from": "2000Q1",'
expect_out_has trend-copper-q-to '"to": "2026Q1",'
expect_out_has trend-copper-q-n '"n": 105,'
expect_out_has trend-copper-q-partial '"partial_dropped": 1,'
expect_out_has trend-copper-q-seasons '"seasons": 4,'
expect_out_has trend-copper-q-taub '"tau_b": null,'

# As the data stood in March 2020: the 2020 vintage ends in 2020-02.
run "$ASSAY" trend wb/copper --as-of 2020-03-31 --format json
expect_status trend-copper-asof 0
expect_out_has trend-copper-asof-n '"n": 722,'
expect_out_has trend-copper-asof-to '"to": "2020-02",'
