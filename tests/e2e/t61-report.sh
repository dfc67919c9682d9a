#!/bin/sh
# assay report over all the bundled real data: a self-contained HTML page
# that an XML parser accepts, a section per series, nothing fetched from
# outside, and the very numbers the commands print.
. "$TESTS_DIR/e2e/lib.sh"

D="$DATA_DIR"
"$ASSAY" -q import "$D/worldbank-cmo/cmo-monthly-2020-03.csv" --prefix wb/ --kind price --vintage 2020-03-03
"$ASSAY" -q import "$D/worldbank-cmo/cmo-monthly-2026-06.csv" --prefix wb/ --kind price --vintage 2026-06-02
"$ASSAY" -q import "$D/usgs-mcs2025/MCS2025_World_Data.csv" --layout table \
	--key-cols COMMODITY,COUNTRY,TYPE --value-cols 'PROD_*' --prefix usgs/ --kind flow \
	--unit-col UNIT_MEAS --source "USGS MCS 2025"
"$ASSAY" -q import "$D/owid-bgs/bgs-mineral-production-2016.csv" --layout wide \
	--key-cols Entity --date-col Year --prefix bgs/ --kind flow --unit t \
	--source "BGS via Our World in Data"
nseries=$("$ASSAY" list --format csv | tail -n +2 | wc -l)

run "$ASSAY" scan --format csv
case "$status" in 0|1) ok report-scan-all-runs ;; *) not_ok report-scan-all-runs "status $status" ;; esac
printf '%s\n' "$out" > "$WORK/scan.csv"

run "$ASSAY" report -o "$WORK/rep"
expect_status report-all 0
expect_err_has report-summary-line "assay: wrote $WORK/rep/index.html and $WORK/rep/report.md ($nseries series"
H="$WORK/rep/index.html"
M="$WORK/rep/report.md"
[ -s "$H" ] && [ -s "$M" ] && ok report-files || not_ok report-files "missing"

if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$H" 2>"$WORK/xml.err" && ok report-html-parses ||
		not_ok report-html-parses "$(head -3 "$WORK/xml.err")"
fi
sections=$(grep -c '^<section>' "$H")
[ "$sections" -eq "$nseries" ] && ok report-section-per-series || not_ok report-section-per-series "$sections sections, $nseries series"
msections=$(grep -c '^## ' "$M")
[ "$msections" -eq $((nseries + 1)) ] && ok report-md-section-per-series || not_ok report-md-section-per-series "$msections"

# Self-contained: no scripts, links, external images, fonts or imports.
if grep -Eiq '<script|<link|<img|<iframe|src=|@import|url\(|href="(https?:|//)' "$H"; then
	not_ok report-self-contained "$(grep -Eio '<script|<link|<img|<iframe|src=[^ ]*|@import|url\([^)]*\)|href="(https?:|//)[^"]*' "$H" | sort -u | head -3)"
else
	ok report-self-contained
fi
grep -q '<svg' "$H" && ok report-inline-svg || not_ok report-inline-svg "no svg"
# Two charts (level, changes) for every series with at least 3 values.
nsvg=$(ls "$WORK/rep/charts" | grep -c '\.svg$')
ncharted=$("$ASSAY" list --format csv | awk -F, 'NR > 1 && $6 >= 3' | wc -l)
[ "$nsvg" -eq $((2 * ncharted)) ] && [ "$nsvg" -gt 0 ] && ok report-two-charts-per-series ||
	not_ok report-two-charts-per-series "$nsvg charts, $ncharted series with 3+ values"
ninline=$(grep -c '^<svg' "$H")
[ "$ninline" -eq "$nsvg" ] && ok report-charts-inline || not_ok report-charts-inline "$ninline inline, $nsvg files"
grep -o '](charts/[^)]*)' "$M" | sed 's/^](//; s/)$//' | while read -r f; do
	[ -f "$WORK/rep/$f" ] || echo "$f"
done > "$WORK/missing"
[ -s "$WORK/missing" ] && not_ok report-md-links-resolve "$(head -2 "$WORK/missing")" || ok report-md-links-resolve

# The numbers are the commands': check's sentence, changes' rows, the
# summary row of scan.
for s in wb/copper bgs/democratic-republic-of-congo/cobalt; do
	sentence=$("$ASSAY" check "$s")
	grep -qxF "> $sentence" "$M" && ok "report-check-sentence-$s" || not_ok "report-check-sentence-$s" "$sentence"
	grep -qF "$sentence" "$H" && ok "report-check-sentence-html-$s" || not_ok "report-check-sentence-html-$s" "$sentence"
done
"$ASSAY" trend bgs/democratic-republic-of-congo/cobalt > "$WORK/trend.txt"
awk '/^## bgs\/democratic-republic-of-congo\/cobalt$/ { on = 1 } on && /^### Trend/ { t = 1; next }
	t && /^```$/ { if (inside) exit; inside = 1; next } t && inside { print }' "$M" > "$WORK/trend-md.txt"
cmp -s "$WORK/trend.txt" "$WORK/trend-md.txt" && ok report-trend-block || not_ok report-trend-block "differs"
last=$(awk -F, '$1 == "wb/copper" { print $2 }' "$WORK/scan.csv")
"$ASSAY" changes wb/copper --from "$(printf '%s' "$last" | awk -F- '{ m = $2 - 7; y = $1; while (m < 1) { m += 12; y-- } printf "%04d-%02d", y, m }')" --to "$last" > "$WORK/changes.txt"
[ "$(wc -l < "$WORK/changes.txt")" -eq 9 ] && ok report-changes-eight-rows || not_ok report-changes-eight-rows "$(wc -l < "$WORK/changes.txt") lines"
awk '/^## wb\/copper$/ { on = 1 } on && /^### Changes/ { t = 1; next }
	t && /^```$/ { if (inside) exit; inside = 1; next } t && inside { print }' "$M" > "$WORK/changes-md.txt"
cmp -s "$WORK/changes.txt" "$WORK/changes-md.txt" && ok report-changes-block || not_ok report-changes-block "differs"
pv_scan=$("$ASSAY" -q scan wb/copper --format table | awk 'NR == 2 { print $7 }')
pv_md=$(awk -F' [|] ' '$1 == "| wb/copper" { print $7 }' "$M")
[ -n "$pv_scan" ] && [ "$pv_scan" = "$pv_md" ] && ok report-summary-p || not_ok report-summary-p "scan $pv_scan, report $pv_md"

# Errors
run "$ASSAY" report
expect_status report-no-dir 2
expect_err_has report-no-dir-msg "give the output directory with -o DIR"
run "$ASSAY" report 'nothing/*' -o "$WORK/x"
expect_status report-no-match 2
