#!/bin/sh
# assay plot: every output format is a valid file of its type and size
# (PNG signature and IHDR, SVG that xmllint accepts with the title in it,
# PDF header), default paths, globs drawn by one gnuplot process, usage
# errors, missing series, unwritable outputs, a gnuplot that fails on one
# chart or is missing (ASSAY_GNUPLOT and PATH), and non-plot commands
# working without gnuplot.
. "$TESTS_DIR/e2e/lib.sh"

WB26="$DATA_DIR/worldbank-cmo/cmo-monthly-2026-06.csv"
BGS="$DATA_DIR/owid-bgs/bgs-mineral-production-2016.csv"
DRC=bgs/democratic-republic-of-congo/cobalt
OUT="$WORK/charts"
mkdir -p "$OUT"

# PNG width and height from the IHDR chunk: "W H", or "" if not a PNG.
png_size() {
	sig=$(od -An -tx1 -N8 "$1" 2>/dev/null | tr -d ' \n')
	[ "$sig" = "89504e470d0a1a0a" ] || return 0
	od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d %d", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8 }'
}
expect_png() {  # NAME FILE W H
	got=$(png_size "$2")
	if [ "$got" = "$3 $4" ]; then ok "$1"
	else not_ok "$1" "$2: size [$got], expected [$3 $4]"; fi
}
expect_file_absent() {
	if [ -e "$2" ]; then not_ok "$1" "$2 exists"; else ok "$1"; fi
}
# No temporary files left behind in a directory.
expect_no_tmp() {
	left=$(find "$2" -name '.*.tmp' 2>/dev/null | head -3)
	if [ -z "$left" ]; then ok "$1"; else not_ok "$1" "left behind: $left"; fi
}

# ---- help -----------------------------------------------------------------

run "$ASSAY" plot --help
expect_status help-status 0
expect_out_has help-usage "Usage: assay plot SERIES..."
expect_out_has help-exit "Exit status:"
expect_out_has help-exit-4 "  4  gnuplot is missing or failed"
expect_out_has help-env "ASSAY_GNUPLOT"
run "$ASSAY" --help
expect_out_has help-lists-plot "  plot "

# ---- data -------------------------------------------------------------------

run "$ASSAY" -q import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02 \
	--source "World Bank Pink Sheet (CC BY 4.0)"
expect_status import-wb 0
run "$ASSAY" -q import "$BGS" --layout wide --key-cols Entity --date-col Year \
	--prefix bgs/ --kind flow --unit t --source "BGS via Our World in Data"
expect_status import-bgs 0

# ---- the three formats ------------------------------------------------------

run "$ASSAY" plot wb/copper --freq Q -o "$OUT/copper.png"
expect_status png-status 0
expect_err png-msg "assay: wrote $OUT/copper.png"
expect_out png-stdout ""
expect_png png-size "$OUT/copper.png" 1200 675

run "$ASSAY" plot wb/copper --freq Q --size 640,360 -o "$OUT/small.png"
expect_status png-small-status 0
expect_png png-small-size "$OUT/small.png" 640 360
run "$ASSAY" plot wb/copper --size 2400x1350 -o "$OUT/big.PNG"
expect_status png-big-status 0
expect_png png-big-size "$OUT/big.PNG" 2400 1350

run "$ASSAY" plot wb/copper --type changes --freq Q --from 2015 -o "$OUT/changes.svg"
expect_status svg-status 0
if xmllint --noout "$OUT/changes.svg" 2>"$WORK/xml.err"; then ok svg-parses
else not_ok svg-parses "$(head -c 300 "$WORK/xml.err")"; fi
# the title from the metadata (commodity, measure, publisher), the name under it
grep -q '>Copper price, World Bank Pink Sheet<' "$OUT/changes.svg" && ok svg-title || not_ok svg-title "no title text"
grep -q '>wb/copper, % change' "$OUT/changes.svg" && ok svg-subtitle-name || not_ok svg-subtitle-name "no name"
grep -q 'QoQ, noise\|QoQ, shock\|QoQ, trend' "$OUT/changes.svg" && ok svg-latest-label ||
	not_ok svg-latest-label "no label of the latest move"
grep -q "width=\"1200\" height=\"675\"" "$OUT/changes.svg" && ok svg-size || not_ok svg-size "size"

run "$ASSAY" plot wb/copper --type vol -o "$OUT/vol.pdf"
expect_status pdf-status 0
[ "$(head -c 5 "$OUT/vol.pdf")" = "%PDF-" ] && ok pdf-header || not_ok pdf-header "not a PDF"
# the first points of the data use fewer changes than the window: the
# subtitle says how few, and only then
run "$ASSAY" plot wb/copper --type vol -o "$OUT/vol-all.svg"
grep -q 'over the trailing 20 months, at least 8 (' "$OUT/vol-all.svg" && ok vol-fewer-said ||
	not_ok vol-fewer-said "$(grep -o 'annualised volatility of log[^<]*' "$OUT/vol-all.svg")"
run "$ASSAY" plot wb/copper --type vol --from 2000 -o "$OUT/vol-2000.svg"
grep -q 'over the trailing 20 months (' "$OUT/vol-2000.svg" && ok vol-full-window-said ||
	not_ok vol-full-window-said "$(grep -o 'annualised volatility of log[^<]*' "$OUT/vol-2000.svg")"

run "$ASSAY" plot --format svg wb/copper --type changes --outdir "$OUT/fmt"
expect_status format-svg 0
[ -s "$OUT/fmt/wb-copper-changes.svg" ] && ok format-svg-name || not_ok format-svg-name "$(ls "$OUT/fmt")"

# ---- level with trend and change points; compare ---------------------------

run "$ASSAY" plot "$DRC" --format svg --outdir "$OUT"
expect_status level-drc 0
S="$OUT/bgs-democratic-republic-of-congo-cobalt.svg"
grep -q "Sen's slope" "$S" && ok level-trend || not_ok level-trend "no trend line"
grep -q 'change points (PELT' "$S" && ok level-cpt || not_ok level-cpt "no change points"
grep -q 'Source: BGS via Our World in Data' "$S" && ok level-source || not_ok level-source "no source line"
grep -q '>level (t)<' "$S" && ok level-unit || not_ok level-unit "no unit on the y axis"

run "$ASSAY" plot wb/copper --freq Q --to 2026Q2 --format svg --outdir "$OUT/partial"
grep -q 'partial period' "$OUT/partial/wb-copper.svg" && ok level-partial ||
	not_ok level-partial "the partial 2026Q2 is not marked"

run "$ASSAY" plot wb/copper wb/nickel wb/aluminum --type compare --freq Q --base 2010Q1 -o "$OUT/cmp.svg"
expect_status compare 0
grep -q 'indexed to 100 in 2010Q1' "$OUT/cmp.svg" && ok compare-base || not_ok compare-base "no base"
# a base coarser than the chart's periods is their mean, as derive's
# rebase(S, 2020) (--base 2020 of monthly series was its first month:
# "indexed to 100 in 2020-01"); a finer one is refused (2020-06 of a
# quarterly chart was read as 2020Q2)
# (a gnuplot that keeps a copy of each chart's script: assay has it load them)
cat > "$WORK/gp-tee" <<EOF
#!/bin/sh
while IFS= read -r line; do
	case "\$line" in "load '"*) f=\${line#load \'}; f=\${f%\'}; cat "\$f" >> "$WORK/gp-script" ;; esac
	printf '%s\n' "\$line"
done | exec gnuplot "\$@"
EOF
chmod +x "$WORK/gp-tee"
run env ASSAY_GNUPLOT="$WORK/gp-tee" "$ASSAY" plot wb/copper wb/nickel --type compare --base 2020 -o "$OUT/cmp-year.svg"
expect_status compare-base-year 0
grep -q 'indexed to 100 in 2020 (the mean of its months)' "$OUT/cmp-year.svg" && ok compare-base-year-said ||
	not_ok compare-base-year-said "$(grep -o 'indexed to 100 [^<]*' "$OUT/cmp-year.svg")"
grep -q '>index, 2020 = 100<' "$OUT/cmp-year.svg" && ok compare-base-year-axis || not_ok compare-base-year-axis "y label"
# the mean of each series' twelve months of 2020 is 100 (x in seconds:
# 2020-01-01 is 1577836800, 2021-01-01 1609459200)
for d in 0 1; do
	awk -v d="\$D$d" '$1 == d { on = 1; next } $1 == "EOD" { on = 0 }
		on && $1 > 1577836800 && $1 < 1609459200 { s += $2; n++ }
		END { m = n ? s / n : 0; exit !(n == 12 && m > 100 - 1e-9 && m < 100 + 1e-9) }' "$WORK/gp-script" &&
		ok "compare-base-year-mean-$d" || not_ok "compare-base-year-mean-$d" "2020 is not 100 on average"
done
run "$ASSAY" plot wb/copper wb/nickel --type compare --freq Q --base 2020-06 -o "$OUT/cmp-fine.svg"
expect_status compare-base-finer 2
expect_err compare-base-finer-msg "assay: --base 2020-06 is shorter than a period of the chart (quarterly): give a quarter or a longer period (the mean of its quarters)"
run "$ASSAY" plot wb/copper wb/nickel --type compare --base 2026 -o "$OUT/cmp-part.svg"
expect_status compare-base-incomplete 2
expect_err compare-base-incomplete-msg "assay: 'wb/copper' has no complete positive value in every month of 2026 to index to 100 (the base is their mean)"
run "$ASSAY" plot "$DRC" wb/copper --type compare --dual -o "$OUT/dual.png"
expect_status compare-dual 0
expect_png compare-dual-size "$OUT/dual.png" 1200 675
run "$ASSAY" plot wb/copper wb/nickel --type compare --outdir "$OUT/cmpdir"
expect_status compare-default-name 0
[ -s "$OUT/cmpdir/compare-wb-copper-vs-wb-nickel.png" ] && ok compare-name ||
	not_ok compare-name "$(ls "$OUT/cmpdir")"

# --as-of: the footer says which vintage, and later data are not drawn.
run "$ASSAY" plot wb/copper --as-of 2026-06-01 -o "$OUT/asof.svg"
expect_status as-of-empty 2
expect_err as-of-empty-msg "assay: 'wb/copper' has no observations to plot"
run "$ASSAY" plot wb/copper --as-of 2026-06-02 -o "$OUT/asof.svg"
expect_status as-of 0
grep -q 'data as published by 2026-06-02' "$OUT/asof.svg" && ok as-of-footer || not_ok as-of-footer "no vintage"

# ---- default paths, globs and one gnuplot for all ---------------------------

mkdir "$WORK/cwd"
run sh -c "cd '$WORK/cwd' && '$ASSAY' plot wb/copper"
expect_status default-path 0
expect_err default-path-msg "assay: wrote plots/wb-copper.png"
expect_png default-path-png "$WORK/cwd/plots/wb-copper.png" 1200 675

# A gnuplot that logs each start, to count the processes.
cat > "$WORK/gp-count" <<EOF
#!/bin/sh
echo started >> "$WORK/gp-starts"
exec gnuplot "\$@"
EOF
chmod +x "$WORK/gp-count"
n=$("$ASSAY" list 'bgs/democratic-republic-of-congo/*' --format csv | tail -n +2 | wc -l)
run env ASSAY_GNUPLOT="$WORK/gp-count" "$ASSAY" -q plot 'bgs/democratic-republic-of-congo/*' --outdir "$OUT/glob"
expect_status glob 0
expect_err glob-quiet ""
got=$(ls "$OUT/glob" | grep -c '\.png$')
[ "$got" -eq "$n" ] && [ "$n" -gt 2 ] && ok glob-one-chart-each || not_ok glob-one-chart-each "$got charts for $n series"
[ "$(wc -l < "$WORK/gp-starts")" -eq 1 ] && ok glob-one-gnuplot || not_ok glob-one-gnuplot "$(wc -l < "$WORK/gp-starts") starts"
bad=0
for f in "$OUT"/glob/*.png; do
	[ "$(png_size "$f")" = "1200 675" ] || bad=$((bad + 1))
done
[ "$bad" -eq 0 ] && ok glob-all-valid || not_ok glob-all-valid "$bad bad PNGs"
expect_no_tmp glob-no-tmp "$OUT/glob"

# The same name twice, or a glob and a name: one chart.
run "$ASSAY" plot wb/copper 'wb/copp*' --outdir "$OUT/dedup"
expect_status dedup 0
[ "$(ls "$OUT/dedup" | wc -l)" -eq 1 ] && ok dedup-one || not_ok dedup-one "$(ls "$OUT/dedup")"

# ---- usage errors (2) ---------------------------------------------------------

run "$ASSAY" plot
expect_status no-series 2
expect_err no-series-msg "assay plot: give one or more SERIES (or --all)
Try 'assay plot --help'."
run "$ASSAY" plot wb/copper --type pie
expect_status bad-type 2
expect_err bad-type-msg "assay plot: --type takes level, changes, compare or vol, not 'pie'
Try 'assay plot --help'."
run "$ASSAY" plot wb/copper --size 12x
expect_status bad-size 2
expect_err_has bad-size-msg "--size takes W,H"
run "$ASSAY" plot wb/copper --size 50,50
expect_status small-size 2
run "$ASSAY" plot wb/copper --freq X
expect_status bad-freq 2
run "$ASSAY" plot wb/copper -o "$OUT/x.jpg"
expect_status bad-ext 2
expect_err bad-ext-msg "assay plot: cannot tell the format of '$OUT/x.jpg': name it .png, .svg or .pdf
Try 'assay plot --help'."
expect_file_absent bad-ext-no-file "$OUT/x.jpg"
run "$ASSAY" plot wb/copper wb/nickel -o "$OUT/two.png"
expect_status two-charts-one-file 2
expect_err_has two-charts-one-file-msg "-o names one file, but 2 charts would be drawn: use --outdir"
run "$ASSAY" plot wb/copper --base 2010
expect_status base-not-compare 2
run "$ASSAY" plot wb/copper --type compare
expect_status compare-one 2
expect_err_has compare-one-msg "--type compare needs two or more series (1 given)"
run "$ASSAY" plot wb/copper wb/nickel wb/tin --type compare --dual -o "$OUT/d3.png"
expect_status dual-three 2
expect_err dual-three-msg "assay: --dual draws exactly two series (3 given)"
run "$ASSAY" plot wb/copper wb/nickel --type compare --base 1900 -o "$OUT/b.png"
expect_status base-missing 2
expect_err base-missing-msg "assay: 'wb/copper' has no complete positive value in every month of 1900 to index to 100 (the base is their mean)"
run "$ASSAY" plot wb/copper wb/nickel --type compare --base 1900-01 -o "$OUT/b.png"
expect_err base-missing-month-msg "assay: 'wb/copper' has no complete positive value in 1900-01 to index to 100"
run "$ASSAY" plot wb/copper --from 2030 -o "$OUT/future.png"
expect_status empty-range 2
expect_err empty-range-msg "assay: 'wb/copper' has no observations in the chosen range to plot"
expect_file_absent empty-range-no-file "$OUT/future.png"
run "$ASSAY" plot wb/copper --from 2020-13 -o "$OUT/x.png"
expect_status bad-from 2
expect_err bad-from-msg "assay: --from: cannot read period '2020-13': month 13 is out of range"
run "$ASSAY" plot "$DRC" --freq M -o "$OUT/x.png"
expect_status upsample 0
expect_err_has upsample-msg "assay plot: note: $DRC is annual, lower than --freq M: kept at its own frequency"
run "$ASSAY" plot wb/copper --as-of 2026-13-01
expect_status bad-as-of 2
run "$ASSAY" plot wb/copper --frobnicate
expect_status bad-option 2
expect_err_has bad-option-msg "Try 'assay plot --help'."
expect_no_tmp usage-no-tmp "$OUT"

# ---- missing series (2) -----------------------------------------------------

run "$ASSAY" plot no/such/series
expect_status unknown-series 2
expect_err unknown-series-msg "assay: no series 'no/such/series' in $DB"
run "$ASSAY" plot 'no/such/*'
expect_status unknown-glob 2
expect_err unknown-glob-msg "assay: no series matches 'no/such/*' in $DB"
run "$ASSAY" --db "$WORK/none.db" plot wb/copper
expect_status no-store 4
expect_file_absent no-store-not-created "$WORK/none.db"

# ---- unwritable outputs (4) --------------------------------------------------

run "$ASSAY" plot wb/copper -o "$WORK/no/such/dir/c.png"
expect_status unwritable 4
expect_err unwritable-msg "assay: cannot write '$WORK/no/such/dir/c.png': No such file or directory"
: > "$WORK/afile"
run "$ASSAY" plot wb/copper --outdir "$WORK/afile/sub"
expect_status outdir-is-file 4
expect_err_has outdir-is-file-msg "cannot create directory '$WORK/afile/sub'"
run "$ASSAY" plot wb/copper -o "$WORK/ctl
x.png"
expect_status control-in-path 2
expect_err control-in-path-msg "assay: output path has a control character"

# ---- gnuplot fails on one chart of a batch (4) ----------------------------------

# This gnuplot breaks the plot command of the charts of one series only
# (assay sends `load 'FILE'` for each chart: the wrapper edits FILE).
cat > "$WORK/gp-bad" <<'EOF'
#!/bin/sh
while IFS= read -r l; do
	case $l in
	"load '"*)
		f=${l#load \'}
		sed -i "/^plot .*zambia/s/^plot /plot no_such_function(1), /" "${f%\'}" ;;
	esac
	printf '%s\n' "$l"
done | gnuplot "$@"
EOF
chmod +x "$WORK/gp-bad"
run env ASSAY_GNUPLOT="$WORK/gp-bad" "$ASSAY" plot 'bgs/zambia/*' bgs/chile/lithium --outdir "$OUT/bad"
expect_status gnuplot-error 4
expect_err_has gnuplot-error-chart "assay: chart 'bgs/zambia/cobalt': gnuplot: "
expect_err_has gnuplot-error-text "undefined function"
expect_err_has gnuplot-error-others "assay: wrote $OUT/bad/bgs-chile-lithium.png"
expect_file_absent gnuplot-error-no-file "$OUT/bad/bgs-zambia-cobalt.png"
expect_png gnuplot-error-others-ok "$OUT/bad/bgs-chile-lithium.png" 1200 675
expect_no_tmp gnuplot-error-no-tmp "$OUT/bad"

# The scripts' private directory is removed, also when gnuplot fails.
mkdir "$WORK/tmp"
run env TMPDIR="$WORK/tmp" "$ASSAY" plot wb/copper wb/nickel --outdir "$OUT/tmpdir"
expect_status tmpdir 0
[ -z "$(ls -A "$WORK/tmp")" ] && ok tmpdir-removed || not_ok tmpdir-removed "$(ls -A "$WORK/tmp")"
run env TMPDIR="$WORK/tmp" ASSAY_GNUPLOT="$WORK/gp-bad" "$ASSAY" plot bgs/zambia/cobalt --outdir "$OUT/tmpdir"
expect_status tmpdir-bad 4
[ -z "$(ls -A "$WORK/tmp")" ] && ok tmpdir-removed-bad || not_ok tmpdir-removed-bad "$(ls -A "$WORK/tmp")"

# A gnuplot that exits at once.
run env ASSAY_GNUPLOT=/bin/false "$ASSAY" plot wb/copper -o "$OUT/false.png"
expect_status gnuplot-dies 4
expect_err gnuplot-dies-msg "assay: chart 'wb/copper': gnuplot stopped before drawing it (exit status 1)"
expect_file_absent gnuplot-dies-no-file "$OUT/false.png"
expect_no_tmp gnuplot-dies-no-tmp "$OUT"

# ---- gnuplot missing (4): one clear message; other commands still work -------

run env PATH=/nonexistent "$ASSAY" plot wb/copper -o "$OUT/nogp.png"
expect_status no-gnuplot 4
expect_err no-gnuplot-msg "assay: gnuplot not found: install the gnuplot-nox package"
expect_file_absent no-gnuplot-no-file "$OUT/nogp.png"
run env ASSAY_GNUPLOT="$WORK/no-such-gnuplot" "$ASSAY" plot wb/copper -o "$OUT/nogp.png"
expect_status no-gnuplot-env 4
expect_err no-gnuplot-env-msg "assay: gnuplot not found: install the gnuplot-nox package (ASSAY_GNUPLOT is '$WORK/no-such-gnuplot')"
run env PATH=/nonexistent "$ASSAY" list wb/copper --format csv
expect_status no-gnuplot-list 0
expect_out_has no-gnuplot-list-out "wb/copper,price,M"
run env PATH=/nonexistent "$ASSAY" export wb/copper --from 2020-01 --to 2020-01
expect_out no-gnuplot-export "period,value
2020-01,6031.21"
# Usage errors are found before gnuplot is looked for.
run env PATH=/nonexistent "$ASSAY" plot wb/copper --type pie
expect_status no-gnuplot-usage-first 2

# ---- numbers do not follow the locale ---------------------------------------------

if locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
	run env LC_ALL=de_DE.UTF-8 "$ASSAY" plot wb/copper --freq Q -o "$OUT/de.svg"
	expect_status locale-de 0
	if xmllint --noout "$OUT/de.svg" 2>/dev/null; then
		ok locale-de-valid
	else
		not_ok locale-de-valid "invalid SVG"
	fi
	LC_ALL=C "$ASSAY" plot wb/copper --freq Q -o "$OUT/c.svg" 2>/dev/null
	if cmp -s "$OUT/de.svg" "$OUT/c.svg"; then ok locale-de-same
	else not_ok locale-de-same "the SVG differs under de_DE"; fi
fi

# A daily series with seven missing weeks: the line breaks there (one row
# of NaN in the chart's data, as a missing month gives), and weekends do
# not break it.  A gnuplot that keeps the script shows the data rows.
cat > "$WORK/gp-keep" <<EOF2
#!/bin/sh
while IFS= read -r line; do
	case \$line in "load '"*) f=\${line#"load '"}; cat "\${f%"'"}" >> "$WORK/gp-script" ;; esac
	printf '%s\n' "\$line"
done | exec gnuplot "\$@"
EOF2
chmod +x "$WORK/gp-keep"
python3 -c '
import datetime
print("date,value")
d0, v = datetime.date(2024, 1, 1), 100
for k in range(182):
    d = d0 + datetime.timedelta(days=k)
    if d.weekday() < 5 and not 64 <= k <= 110:
        v += k % 5 - 2
        print(f"{d},{v:.1f}")' > "$WORK/gap-daily.csv"
"$ASSAY" -q import "$WORK/gap-daily.csv" --series x/gap-daily --kind price >/dev/null 2>&1
rm -f "$WORK/gp-script"
run env ASSAY_GNUPLOT="$WORK/gp-keep" "$ASSAY" -q plot x/gap-daily --no-trend -o "$OUT/gap-daily.png"
expect_status daily-gap-status 0
gaps=$(awk '/^\$D0 << EOD/ { on = 1; next } /^EOD/ { on = 0 } on && $2 == "NaN" && $3 == "NaN"' "$WORK/gp-script" | wc -l)
rows=$(awk '/^\$D0 << EOD/ { on = 1; next } /^EOD/ { on = 0 } on' "$WORK/gp-script" | wc -l)
want=$(wc -l < "$WORK/gap-daily.csv")  # the rows less the header, and the NaN row
[ "$gaps" -eq 1 ] && [ "$rows" -eq "$want" ] && ok daily-gap-breaks-line ||
	not_ok daily-gap-breaks-line "$gaps NaN rows, $rows rows (want 1 and $want)"

# one bar of an annual series: the axis takes in zero (the bar was drawn
# from 25.4 on a 25.4..26 axis, with gnuplot's "empty y range" warning),
# year tics (it ticked months), and no band in the key where none is drawn
printf 'date,value\n2023,100\n2024,125\n' > "$WORK/onebar.csv"
"$ASSAY" -q import "$WORK/onebar.csv" --series one/bar --kind flow
run "$ASSAY" plot one/bar --type changes -o "$OUT/onebar.svg"
expect_status onebar-status 0
case "$err" in *"empty y range"*) not_ok onebar-no-gnuplot-warning "$err" ;; *) ok onebar-no-gnuplot-warning ;; esac
grep -q '> 0</text>' "$OUT/onebar.svg" && ok onebar-zero-on-axis || not_ok onebar-zero-on-axis "no 0 tic"
grep -q '>2023-04</text>' "$OUT/onebar.svg" && not_ok onebar-year-tics "month tics on an annual chart" || ok onebar-year-tics
grep -q 'normal variation' "$OUT/onebar.svg" && not_ok onebar-no-band-key "band in the key" || ok onebar-no-band-key

# a source's footnote markers ("Chicken **") are left out of the title
printf 'date,Chicken **\n2024-01,1\n2024-02,2\n' > "$WORK/foot.csv"
"$ASSAY" -q import "$WORK/foot.csv" --prefix foot/ --kind price
run "$ASSAY" plot foot/chicken -o "$OUT/foot.svg"
grep -q '<text>Chicken price</text>' "$OUT/foot.svg" && ok title-without-footnote-marker ||
	not_ok title-without-footnote-marker "$(grep -o '<text>Chicken[^<]*' "$OUT/foot.svg")"

# without --from a monthly changes chart shows the last ten years, and
# says so (66 years of monthly bars were 800 hairlines)
run "$ASSAY" plot wb/copper --type changes -o "$OUT/changes-default.svg"
grep -q 'the last 10 years (--from for more)' "$OUT/changes-default.svg" && ok changes-default-recent ||
	not_ok changes-default-recent "$(grep -o 'wb/copper, % change[^<]*' "$OUT/changes-default.svg")"
run "$ASSAY" plot wb/copper --type changes --from 1990 -o "$OUT/changes-1990.svg"
grep -q 'the last 10 years' "$OUT/changes-1990.svg" && not_ok changes-from-all "said last 10 years under --from" || ok changes-from-all

# ---- --outdir: a file name two series make is the first one's for good ----
# ('n/a b' and 'n/a-b' both make n-a-b: the second drawn was n-a-b-2 in that
# run, and a later run drawing it alone wrote n-a-b, over the first one's
# chart; DIR/.assay-charts records whose chart each file is)
printf 'series,date,value\n' > "$WORK/names.csv"
for m in 01 02 03 04 05 06; do
	printf '"n/a b",2020-%s,1%s\n"n/a-b",2020-%s,2%s\n' "$m" "$m" "$m" "$m" >> "$WORK/names.csv"
done
"$ASSAY" -q import "$WORK/names.csv" --kind price
run "$ASSAY" plot 'n/a b' 'n/a-b' --format svg --outdir "$OUT/names"
expect_status names-both 0
expect_err names-both-said "assay: wrote $OUT/names/n-a-b.svg
assay: wrote $OUT/names/n-a-b-2.svg: the chart of n/a-b (its plain file name is n/a b's)"
run "$ASSAY" plot 'n/a-b' --format svg --outdir "$OUT/names"
expect_err names-later-run "assay: wrote $OUT/names/n-a-b-2.svg: the chart of n/a-b (its plain file name is n/a b's)"
grep -q '>n/a b, ' "$OUT/names/n-a-b.svg" && ok names-first-kept ||
	not_ok names-first-kept "n-a-b.svg is no longer n/a b's chart: $(grep -o '>n/a[^<,]*, ' "$OUT/names/n-a-b.svg")"
grep -q '>n/a-b, ' "$OUT/names/n-a-b-2.svg" && ok names-second-own || not_ok names-second-own "n-a-b-2.svg"
# a chart removed gives its name back; one kept keeps its own
rm "$OUT/names/n-a-b.svg"
run "$ASSAY" plot 'n/a-b' 'n/a b' --format svg --outdir "$OUT/names"
expect_err names-freed "assay: wrote $OUT/names/n-a-b-2.svg
assay: wrote $OUT/names/n-a-b.svg"
