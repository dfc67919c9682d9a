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
case "$status" in 0|1) ok report-scan-all-runs ;;
*) not_ok report-scan-all-runs "status $status: $(grep -v 'cannot judge' "$WORK/err" | head -c 400)" ;; esac
printf '%s\n' "$out" > "$WORK/scan.csv"

run "$ASSAY" report -o "$WORK/rep"
expect_status report-all 0
expect_err_has report-summary-line "assay: wrote $WORK/rep/index.html and $WORK/rep/report.md ($nseries series"
H="$WORK/rep/index.html"
M="$WORK/rep/report.md"
[ -s "$H" ] && [ -s "$M" ] && ok report-files || not_ok report-files "missing"
# the inlined charts carry no "Gnuplot" tooltip (gnuplot titles every SVG so)
if grep -q '<svg' "$H" && ! grep -q '<title>Gnuplot</title>' "$H"; then ok report-no-gnuplot-tooltip
else not_ok report-no-gnuplot-tooltip "$(grep -c '<title>Gnuplot</title>' "$H") in the page"; fi

if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$H" 2>"$WORK/xml.err" && ok report-html-parses ||
		not_ok report-html-parses "$(head -3 "$WORK/xml.err")"
fi
sections=$(grep -c '^<section class="series' "$H")
[ "$sections" -eq "$nseries" ] && ok report-section-per-series || not_ok report-section-per-series "$sections sections, $nseries series"
msections=$(grep -c '^## ' "$M")
[ "$msections" -eq $((nseries + 2)) ] && ok report-md-section-per-series || not_ok report-md-section-per-series "$msections"
# Valid HTML by a validator from Debian (tidy: errors and warnings, the
# duplicate ids of inlined SVGs included).
if command -v tidy >/dev/null 2>&1; then
	tidy -q -e "$H" 2>"$WORK/tidy.err" && ok report-html-valid ||
		not_ok report-html-valid "$(head -3 "$WORK/tidy.err")"
else
	not_ok report-html-valid "tidy is not installed (scripts/install-deps)"
fi
# ids in either quote (gnuplot writes id='gpPt5'), unique, and every
# in-page reference (href="#..", xlink:href='#..', url(#..)) to one of them:
# the inlined charts' point markers pointed nowhere
grep -oE " id=(\"[^\"]*\"|'[^']*')" "$H" | sed "s/^ id=.//; s/.\$//" | sort > "$WORK/ids"
dups=$(uniq -d "$WORK/ids" | head -3)
[ -z "$dups" ] && ok report-unique-ids || not_ok report-unique-ids "$dups"
grep -oE "(href=(\"#[^\"]*\"|'#[^']*')|url\(#[^)]*\))" "$H" | sed "s/^href=.#//; s/^url(#//; s/[\"')]\$//" | sort -u > "$WORK/refs"
dangling=$(sort -u "$WORK/ids" | comm -13 - "$WORK/refs" | head -3)
[ -z "$dangling" ] && ok report-refs-resolve || not_ok report-refs-resolve "$dangling"
grep -q '<meta name="viewport"' "$H" && ok report-viewport || not_ok report-viewport "no viewport meta"
grep -q '<nav id="contents">' "$H" && [ "$(grep -c '^<li><a href="#s[0-9]*">' "$H")" -ge "$nseries" ] &&
	ok report-contents || not_ok report-contents "no table of contents"
grep -q 'page-break-before:always' "$H" && not_ok report-print-no-break-per-heading "a page break before every heading" ||
	ok report-print-no-break-per-heading
grep -q '<tr class="shock">' "$H" && ok report-verdict-rows-styled || not_ok report-verdict-rows-styled "no shock row"
if grep -q "$WORK/test.db\|$DB" "$H"; then not_ok report-no-db-path "the database path is shown"; else ok report-no-db-path; fi
grep -Eq 'Data as of vintage [0-9]{4}-[0-9]{2}-[0-9]{2}; latest import [0-9]{4}-[0-9]{2}-[0-9]{2}' "$H" && ok report-data-as-of || not_ok report-data-as-of "$(grep -o 'Data as of[^<]*' "$H")"
grep -q '<li>USGS MCS 2025</li>' "$H" && ok report-sources-named || not_ok report-sources-named "no sources list"

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

# The numbers are the commands': check's sentence in each section; the
# summary and the section state the same two verdicts (the scan's p and
# q), and the p of the sentence is the p of the summary.
for s in wb/copper bgs/democratic-republic-of-congo/cobalt; do
	sentence=$("$ASSAY" check "$s")
	grep -qxF "> $sentence" "$M" && ok "report-check-sentence-$s" || not_ok "report-check-sentence-$s" "$sentence"
	# the page writes check's ASCII "+/-" as its tables do, U+00B1
	hsentence=$(printf '%s' "$sentence" | sed 's|+/-|\&#177;|g')
	grep -qF "$hsentence" "$H" && ok "report-check-sentence-html-$s" || not_ok "report-check-sentence-html-$s" "$hsentence"
done
case $("$ASSAY" check wb/copper) in *'move +/-'*) ok report-check-ascii-plus-minus ;;
*) not_ok report-check-ascii-plus-minus "$("$ASSAY" check wb/copper)" ;; esac
n_pm=$(grep -c '+/-' "$H" || true)
n_pm_sentences=$(grep -c '^<p class="sentence [a-z]*">.*move &#177;[0-9]' "$H" || true)
[ "$n_pm" -eq 0 ] && [ "$n_pm_sentences" -gt 0 ] && ok report-html-plus-minus ||
	not_ok report-html-plus-minus "$n_pm lines with +/-, $n_pm_sentences sentences with &#177;"
# The statistics block: numbers in the tables' four significant digits
# (it printed 0.07997666151598476), p-values as the sentences write them.
sed -n '/^<details>/,/^<\/details>/p' "$H" | sed -n 's|^<tr><td>\([^<]*\)</td><td class="num">\([^<]*\)</td></tr>$|\1\t\2|p' > "$WORK/stats.tsv"
long=$(awk -F'\t' '$1 !~ /^p-value|Mann-Kendall p/ && $2 != "NA" {
	v = $2; sub(/^-/, "", v); sub(/e[-+][0-9]+$/, "", v); gsub(/,/, "", v)
	if (v ~ /\./) { gsub(/\./, "", v); sub(/^0+/, "", v) }
	if (length(v) > 4 && $2 ~ /[.e]/) print $1 ": " $2 }' "$WORK/stats.tsv" | head -3)
[ -s "$WORK/stats.tsv" ] && [ -z "$long" ] && ok report-stats-digits || not_ok report-stats-digits "${long:-no statistics rows}"
for s in wb/copper wb/crude-oil-brent; do
	sec=$(awk -v n="<h2>$s</h2>" '$0 == n { on = 1 } on && /^<\/section>/ { exit } on' "$H" | sed 's/&lt;/</g; s/&gt;/>/g')
	p_sentence=$(printf '%s\n' "$sec" | sed -n 's/^<p class="sentence [a-z]*">.*(p \([<=>] [0-9.]*\)[;)].*/\1/p' | sed 's/^= //')
	p_stats=$(printf '%s\n' "$sec" | sed -n 's|^<tr><td>p-value</td><td class="num">\(.*\)</td></tr>$|\1|p')
	mk_words=$(printf '%s\n' "$sec" | sed -n 's/.*(Mann-Kendall p \([<=>] [0-9.]*\)[;)].*/\1/p' | sed 's/^= //')
	mk_stats=$(printf '%s\n' "$sec" | sed -n 's|^<tr><td>Mann-Kendall p</td><td class="num">\(.*\)</td></tr>$|\1|p')
	[ -n "$p_stats" ] && [ "$p_stats" = "$p_sentence" ] && [ -n "$mk_stats" ] && [ "$mk_stats" = "$mk_words" ] &&
		ok "report-stats-pvalue-$s" || not_ok "report-stats-pvalue-$s" "sentence [$p_sentence] stats [$p_stats]; trend [$mk_words] stats [$mk_stats]"
done
# every summary row: name, "on its own" and "in the batch" cells; the
# section of that name must say "This move is ALONE; BATCH."
awk -F' [|] ' '/^### (Current|Not current)/ { t = 1; next } /^## / { t = 0 }
	t && /^[|] / && $1 != "| Series" { sub(/^[|] /, "", $1); print $1 "\t" $5 "\t" substr($6, 1, length($6) - 2) }' "$M" > "$WORK/sum.tsv"
[ -s "$WORK/sum.tsv" ] && ok report-summary-rows || not_ok report-summary-rows "no rows"
bad=0
while IFS="$(printf '\t')" read -r name alone batch; do
	sec=$(awk -v n="## $name" '$0 == n { on = 1; next } on && /^## / { exit } on' "$M")
	printf '%s\n' "$sec" | grep -qF "This move is $alone; $batch." || { bad=$((bad + 1)); echo "$name: $alone; $batch" >> "$WORK/mismatch"; }
	p_sum=$(printf '%s' "$alone" | sed -n 's/.*(\(p [<=>] [0-9.]*\)).*/\1/p')
	printf '%s\n' "$sec" | grep '^> ' | sed 's/\\\(.\)/\1/g' | grep -qF "($p_sum;" || { bad=$((bad + 1)); echo "$name: sentence p != $p_sum" >> "$WORK/mismatch"; }
done < "$WORK/sum.tsv"
[ "$bad" -eq 0 ] && ok report-summary-section-agree || not_ok report-summary-section-agree "$(head -3 "$WORK/mismatch")"
# A disagreement is explained where it appears.
n_own_only=$(awk -F'\t' '$2 ~ /^notable/ && $3 ~ /^not notable/' "$WORK/sum.tsv" | wc -l)
n_explained=$(grep -c 'The two answer different questions: judged alone' "$M")
[ "$n_own_only" -eq "$n_explained" ] && ok report-disagreement-explained ||
	not_ok report-disagreement-explained "$n_own_only disagree, $n_explained explained"
# Stale: the scan marks it, the report lists it apart.
st_scan=$(awk -F, '$1 == "wb/cotton-memphis" { print $10 }' "$WORK/scan.csv")
[ "$st_scan" = true ] && ok scan-stale-flag || not_ok scan-stale-flag "stale=$st_scan"
cu_scan=$(awk -F, '$1 == "wb/copper" { print $10 }' "$WORK/scan.csv")
[ "$cu_scan" = false ] && ok scan-current-flag || not_ok scan-current-flag "stale=$cu_scan"
awk '/^### Not current/ { on = 1 } /^## / && on { exit } on' "$M" | grep -q '^| wb/cotton-memphis |' &&
	ok report-stale-apart || not_ok report-stale-apart "cotton-memphis not under Not current"
awk '/^### Current/ { on = 1; next } /^### / && on { exit } on' "$M" | grep -q '^| wb/cotton-memphis |' &&
	not_ok report-stale-not-current "cotton-memphis among the current" || ok report-stale-not-current
# Options: --top, --notable-only, --sort name, --title, --subtitle.
run "$ASSAY" report 'wb/*' --top 3 --sort name --title 'Weekly <screen>' --subtitle 'for a client' -o "$WORK/top"
expect_status report-top 0
[ "$(grep -c '^<section class="series' "$WORK/top/index.html")" -eq 3 ] && ok report-top-three || not_ok report-top-three "$(grep -c '^<section class="series' "$WORK/top/index.html")"
grep -q '<h1>Weekly &lt;screen&gt;</h1>' "$WORK/top/index.html" && grep -q 'class="subtitle">for a client<' "$WORK/top/index.html" &&
	ok report-title-subtitle || not_ok report-title-subtitle "title or subtitle missing"
run "$ASSAY" scan 'wb/*' --notable-only --format csv
nn=$(printf '%s\n' "$out" | tail -n +2 | grep -vc ',shock$\|,trend$')
[ "$nn" -eq 0 ] && ok scan-notable-only || not_ok scan-notable-only "$nn rows not notable"
run "$ASSAY" scan 'wb/*' --since 2026-01 --format csv
old=$(printf '%s\n' "$out" | tail -n +2 | awk -F, '$2 < "2026-01"' | wc -l)
[ "$old" -eq 0 ] && ok scan-since || not_ok scan-since "$old rows before 2026-01"
run "$ASSAY" scan 'wb/*' --sort bogus
expect_status scan-sort-bad 2

# Markdown and HTML escape names: a series named with markup.
printf 'date,v\n2020-01,1\n2020-02,2\n2020-03,3\n2020-04,2\n2020-05,4\n' > "$WORK/inj.csv"
"$ASSAY" -q import "$WORK/inj.csv" --kind price --series '<script>alert(1)</script>|*x*' --source '<b>src</b>'
run "$ASSAY" report '<script>*' -o "$WORK/inj"
expect_status report-injection 0
grep -q '<script' "$WORK/inj/index.html" && not_ok report-html-escapes-name "a <script> element" || ok report-html-escapes-name
grep -q '\(^\|[^\\]\)<\(script\|b>\)' "$WORK/inj/report.md" && not_ok report-md-escapes-name "$(grep -m1 '<script\|<b>' "$WORK/inj/report.md")" ||
	ok report-md-escapes-name
grep -qxF '## \<script\>alert(1)\</script\>\|\*x\*' "$WORK/inj/report.md" && ok report-md-heading-escaped ||
	not_ok report-md-heading-escaped "$(grep -m1 '^## .*script' "$WORK/inj/report.md")"

# Errors
run "$ASSAY" report
expect_status report-no-dir 2
expect_err_has report-no-dir-msg "give the output directory with -o DIR"
# an -o that cannot name the charts (a newline in it) or names nothing is a
# usage error: the pages were written without their charts, exit 0
run "$ASSAY" report wb/copper -o "$WORK/a
b"
expect_status report-dir-control-status 2
expect_err_has report-dir-control-msg "assay report: -o: the directory name has a control character"
[ ! -e "$WORK/a
b" ] && ok report-dir-control-nothing || not_ok report-dir-control-nothing "a directory was made"
run "$ASSAY" report wb/copper -o ''
expect_status report-dir-empty-status 2
run "$ASSAY" report 'nothing/*' -o "$WORK/x"
expect_status report-no-match 2

# a series in percent: the report's change column gives percentage points
# too, as the check sentence does (from 31.2% to 52.2%: +67.3%, +21.0 pp)
awk 'BEGIN { print "date,value"; split("30 33 31 35 34 38 36 40 39 43 41 31.1917965889 52.1845465606", v, " ")
	for (i = 1; i <= 13; i++) printf "%d,%s\n", 1995 + i, v[i] }' > "$WORK/share.csv"
"$ASSAY" --db "$WORK/share.db" -q import "$WORK/share.csv" --series x/share --kind price --unit %
run "$ASSAY" --db "$WORK/share.db" report x/share -o "$WORK/share-rep"
expect_status report-pp-status 0
grep -q '^| 2008 | 52.18 | +67.3% (+21.0 pp) | +67.3% |' "$WORK/share-rep/report.md" &&
	ok report-pp || not_ok report-pp "$(grep '^| 2008' "$WORK/share-rep/report.md")"

# the summary's values carry their series' unit ("0.34 USD/t"; none
# without one), in four digits less padding zeros (it showed 0.3400);
# a name with "+/-" in it stays as named in the sentence
awk 'BEGIN { print "date,v"; for (i = 0; i < 30; i++) printf "%d-%02d,%.2f\n", 2020 + int(i / 12), i % 12 + 1, 0.30 + 0.01 * ((i * 7) % 5)
	print "2022-07,0.34" }' > "$WORK/unit.csv"
"$ASSAY" --db "$WORK/unit.db" -q import "$WORK/unit.csv" --series 'x/a+/-b' --kind price --unit USD/t
"$ASSAY" --db "$WORK/unit.db" -q import "$WORK/unit.csv" --series x/plain --kind price
"$ASSAY" --db "$WORK/unit.db" -q import "$WORK/unit.csv" --series x/share --kind price --unit %
run "$ASSAY" --db "$WORK/unit.db" report 'x/*' -o "$WORK/unit-rep"
expect_status report-unit-status 0
UH="$WORK/unit-rep/index.html"
grep -q '^| x/a+/-b | 2022-07 | 0\.34 USD/t | ' "$WORK/unit-rep/report.md" &&
	grep -q '^| x/plain | 2022-07 | 0\.34 | ' "$WORK/unit-rep/report.md" &&
	grep -q '^| x/share | 2022-07 | 0\.34% | ' "$WORK/unit-rep/report.md" &&
	ok report-summary-unit-md || not_ok report-summary-unit-md "$(grep '^| x/' "$WORK/unit-rep/report.md")"
grep -q '<a href="#s[0-9]*">x/a+/-b</a></td><td class="num">2022-07</td><td class="num">0\.34 USD/t</td>' "$UH" &&
	grep -q '<a href="#s[0-9]*">x/plain</a></td><td class="num">2022-07</td><td class="num">0\.34</td>' "$UH" &&
	grep -q '<a href="#s[0-9]*">x/share</a></td><td class="num">2022-07</td><td class="num">0\.34%</td>' "$UH" &&
	ok report-summary-unit-html || not_ok report-summary-unit-html "$(grep -o '<a href="#s[0-9]*">x/[^<]*</a></td><td class="num">[^<]*</td><td class="num">[^<]*</td>' "$UH")"
grep -q '<td class="num">0\.3400\|<td class="num">[0-9.,]*\.[0-9]*0</td>' "$UH" &&
	not_ok report-no-padding-zeros "$(grep -o '<td class="num">[0-9.,]*\.[0-9]*0</td>' "$UH" | head -3)" || ok report-no-padding-zeros
grep -q '^<p class="sentence [a-z]*">x/a+/-b 2022-07: .* move &#177;[0-9.]*%' "$UH" &&
	ok report-sentence-name-kept || not_ok report-sentence-name-kept "$(grep -o '<p class="sentence [a-z]*">x/a[^<]*' "$UH")"

# ---- a report over an earlier one: charts/ holds this report's charts -------
# (copper first, then second: its old 1-... charts are removed; a file of
# the user's there stays), and the inline charts are this run's
if command -v gnuplot >/dev/null 2>&1; then
	"$ASSAY" -q report wb/copper -o "$WORK/again" || not_ok report-again-first "exit $?"
	touch "$WORK/again/charts/notes.txt"
	run "$ASSAY" -q report wb/copper wb/zinc --sort name -o "$WORK/again"
	expect_status report-again-status 0
	got=$(ls "$WORK/again/charts" | tr '\n' ' ')
	[ "$got" = "1-wb-copper-changes.svg 1-wb-copper-level.svg 2-wb-zinc-changes.svg 2-wb-zinc-level.svg notes.txt " ] &&
		ok report-again-charts || not_ok report-again-charts "[$got]"
	n=$(grep -c '<svg' "$WORK/again/index.html")
	[ "$n" -eq 4 ] && ok report-again-inline || not_ok report-again-inline "$n inline charts"
	run "$ASSAY" -q report wb/zinc wb/copper --sort name --title x -o "$WORK/again"
	"$ASSAY" -q report wb/zinc -o "$WORK/again"
	got=$(ls "$WORK/again/charts" | tr '\n' ' ')
	[ "$got" = "1-wb-zinc-changes.svg 1-wb-zinc-level.svg notes.txt " ] &&
		ok report-again-stale-removed || not_ok report-again-stale-removed "[$got]"
fi

# --period: a series with no value in that period says so in its own
# section too (it showed its latest period's verdict: cotton's 2010Q4
# "notable shock" in a report about 2020Q1)
run "$ASSAY" -q report wb/copper wb/cotton-memphis --freq Q --period 2020Q1 -o "$WORK/rep-period"
expect_status report-period-status 0
grep -q '^> wb/cotton-memphis 2020Q1: cannot judge: there is no quarterly 2020Q1 in the data$' "$WORK/rep-period/report.md" &&
	ok report-period-no-value-section || not_ok report-period-no-value-section "$(grep '^> wb/cotton' "$WORK/rep-period/report.md")"
grep -q 'class="sentence unjudged">wb/cotton-memphis 2020Q1: cannot judge' "$WORK/rep-period/index.html" &&
	ok report-unjudged-class || not_ok report-unjudged-class "$(grep -o 'class="sentence [a-z]*">wb/cotton[^<]*' "$WORK/rep-period/index.html")"
# a move not judged shows no rank or run (0 read as the most extreme move)
run "$ASSAY" -q report wb/woodpulp --freq Q -o "$WORK/rep-flat"
if grep -q "rank among the window" "$WORK/rep-flat/index.html"; then not_ok report-unjudged-no-rank "rank shown"
else ok report-unjudged-no-rank; fi
# --period: the charts end at the move judged, whose bar is the one
# labelled (they labelled 2026Q1 under a sentence about 2024Q3)
run "$ASSAY" -q report wb/copper --freq Q --period 2024Q3 -o "$WORK/rep-p"
if grep -q '2024Q3: -5.7% QoQ' "$WORK"/rep-p/charts/*-changes.svg && ! grep -q '2026Q1' "$WORK"/rep-p/charts/*-changes.svg; then
	ok report-period-chart-label
else not_ok report-period-chart-label "$(grep -o '20[0-9][0-9]Q[1-4]: [^<]*QoQ' "$WORK"/rep-p/charts/*-changes.svg | head -2)"; fi
# the headline counts a notable move of a series not current (cotton's
# 2010Q4) and says so: "1 notable" read as a current move
grep -q 'notable\*\* ([0-9a-z ]* not current) among them' "$M" && ok report-headline-stale-notable ||
	not_ok report-headline-stale-notable "$(grep -o 'series screened, [^.]*' "$M")"

# ---- the headline counts every series screened; nothing left out unsaid --
write_batch_with_one_shock "$WORK/sel.csv"
"$ASSAY" --db "$WORK/sel.db" -q import "$WORK/sel.csv" --kind price >/dev/null 2>&1
run "$ASSAY" --db "$WORK/sel.db" report 'g/*' --top 3 --sort name -o "$WORK/rep-top"
expect_status report-top-status 0
run grep -c '30 series screened, \*\*1 notable\*\* among them' "$WORK/rep-top/report.md"
expect_out report-top-headline 1
run grep -c 'leaves 1 of the notable moves out' "$WORK/rep-top/report.md"
expect_out report-top-hidden-md 1
run grep -c 'leaves 1 of the notable moves out' "$WORK/rep-top/index.html"
expect_out report-top-hidden-html 1
# a derived series whose input is gone: listed, said on stderr, exit 2
"$ASSAY" --db "$WORK/sel.db" -q derive g/dd 'g/s00 * 2' >/dev/null 2>&1
"$ASSAY" --db "$WORK/sel.db" -q rm g/s00 --force >/dev/null 2>&1 || "$ASSAY" --db "$WORK/sel.db" -q rm g/s00 >/dev/null 2>&1
run "$ASSAY" --db "$WORK/sel.db" report 'g/*' -o "$WORK/rep-broken"
expect_status report-broken-status 2
expect_err_has report-broken-stderr "assay: g/dd: derived series 'g/dd'"
run grep -c "Could not be read" "$WORK/rep-broken/report.md"
expect_out report-broken-listed-md 1
run grep -c "g/dd" "$WORK/rep-broken/index.html"
expect_out report-broken-listed-html 1
