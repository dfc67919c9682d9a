#!/bin/sh
# One rule for --freq in every command: a series whose own
# frequency is already lower than --freq asks (annual data under --freq Q)
# keeps its own frequency, and one note on stderr says so; it is not an
# error (exit 2 stays for an unknown frequency).  The same in check,
# changes, trend, scan, report, plot and export.
. "$TESTS_DIR/e2e/lib.sh"

cat > "$WORK/annual.csv" <<'CSV'
date,value
2001,100
2002,104
2003,99
2004,103
2005,101
2006,108
2007,102
2008,106
2009,100
2010,105
2011,103
2012,140
CSV
"$ASSAY" -q import "$WORK/annual.csv" --series t/annual --kind flow >/dev/null 2>&1 \
	|| not_ok freq-setup "import failed"
NOTE="note: t/annual is annual, lower than --freq Q: kept at its own frequency"

run "$ASSAY" check t/annual --freq Q
expect_status freq-check-status 1
expect_out_has freq-check-annual "t/annual 2012: "
expect_err freq-check-note "assay check: $NOTE"

run "$ASSAY" changes t/annual --freq Q --format csv
expect_status freq-changes-status 0
expect_out_has freq-changes-annual "
2012,140,"
expect_err freq-changes-note "assay changes: $NOTE"

run "$ASSAY" trend t/annual --freq Q --format csv
expect_status freq-trend-status 0
expect_err freq-trend-note "assay trend: $NOTE"

run "$ASSAY" scan 't/*' --freq Q --format csv
expect_out_has freq-scan-annual "t/annual,2012,"
expect_err_has freq-scan-note "assay scan: $NOTE"

run "$ASSAY" export t/annual --freq Q
expect_status freq-export-status 0
expect_out_has freq-export-annual "2012,140"
expect_err freq-export-note "assay export: $NOTE"

# -q: no note
run "$ASSAY" -q check t/annual --freq Q
expect_err freq-quiet-no-note ""

# the same frequency or a lower one: no note
run "$ASSAY" check t/annual --freq A
expect_err freq-same-no-note ""

if command -v gnuplot >/dev/null 2>&1; then
	run "$ASSAY" plot t/annual --freq Q -o "$WORK/a.svg"
	expect_status freq-plot-status 0
	expect_err_has freq-plot-note "assay plot: $NOTE"
	run "$ASSAY" report 't/*' --freq Q -o "$WORK/rep"
	expect_err_has freq-report-note "assay report: $NOTE"
else
	skip freq-plot "no gnuplot"
fi

# a typo stays a usage error, the same in every command
for cmd in check changes trend scan export plot report; do
	run "$ASSAY" $cmd t/annual --freq X
	expect_status "freq-typo-$cmd" 2
	expect_err_has "freq-typo-msg-$cmd" "assay $cmd: --freq takes D, W, M, Q or A, not 'X'"
done
