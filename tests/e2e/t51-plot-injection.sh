#!/bin/sh
# assay plot with hostile strings from data: series names, a unit and a
# source holding a backquoted command, system(), a newline followed by
# '!', a line reading EOD, quotes (doubled, leading, trailing), a gnuplot
# macro, a trailing backslash and XML metacharacters.  Every chart must be
# drawn with the literal text (control characters dropped) and run
# nothing: the marker files the commands would create must not exist.
. "$TESTS_DIR/e2e/lib.sh"

OUT="$WORK/charts"
M="$WORK/pwned"         # prefix of the marker files

# The names, one per line; <NL> stands for a newline inside a name.
cat > "$WORK/names" <<'EOF'
bq `touch MARK-bq` end
sys system("touch MARK-sys") end
nl<NL>!touch MARK-nl
eod<NL>EOD<NL>plot 1
q ' '' ''' ; system('touch MARK-q') '
'lead
trail'
@GPVAL_PWD macro @M
back\
<b>&amp;</b> xml
EOF
sed -i "s|MARK|$M|g" "$WORK/names"
# A long-layout CSV (RFC 4180 quoting) with 24 years of each.  The
# importer refuses a line break in a name, so the names keep <NL> here and
# get their line breaks in the store below, as a store written by hand or
# by an older assay may hold them: the charts must be safe all the same.
awk 'BEGIN { print "series,date,value" }
{
	name = $0
	gsub(/"/, "\"\"", name)
	for (y = 1990; y < 2014; y++)
		printf "\"%s\",%d,%g\n", name, y, 100 + (y * 37 + NR * 11) % 23 + (y - 1990) * 2
}' "$WORK/names" > "$WORK/hostile.csv"
n=$(wc -l < "$WORK/names")

run "$ASSAY" -q import "$WORK/hostile.csv" --layout long --kind price \
	--unit "u \`touch $M-unit\` ' x" --source "src \`touch $M-src\`<NL>!touch $M-src2"
expect_status import 0
sqlite3 "$DB" "UPDATE series SET name = replace(name, '<NL>', char(10)),
	source = replace(source, '<NL>', char(10))" || not_ok line-breaks "sqlite3 failed"
run "$ASSAY" list --format csv
got=$(printf '%s\n' "$out" | grep -c ',price,A,1990,2013,24,')
[ "$got" -eq "$n" ] && ok imported-all || not_ok imported-all "$got of $n series: $out"

no_markers() {
	left=$(ls "$WORK" | grep '^pwned' | head -3)
	if [ -z "$left" ]; then ok "$1"; else not_ok "$1" "commands ran: $left"; fi
}

for type in level changes vol; do
	run "$ASSAY" plot --all --type "$type" --window 8 --format svg --outdir "$OUT/$type" \
		--title "title \`touch $M-title\`"
	expect_status "$type-status" 0
	no_markers "$type-ran-nothing"
	got=$(ls "$OUT/$type" | grep -c '\.svg$')
	[ "$got" -eq "$n" ] && ok "$type-all-charts" || not_ok "$type-all-charts" "$got of $n"
	bad=0
	for f in "$OUT/$type"/*.svg; do
		xmllint --noout "$f" 2>/dev/null || bad=$((bad + 1))
	done
	[ "$bad" -eq 0 ] && ok "$type-svg-valid" || not_ok "$type-svg-valid" "$bad invalid"
done
run "$ASSAY" plot --all --outdir "$OUT/png"
expect_status png-status 0
no_markers png-ran-nothing
run "$ASSAY" plot --all --type compare -o "$OUT/all.pdf"
expect_status compare-status 0
no_markers compare-ran-nothing
[ "$(head -c 5 "$OUT/all.pdf")" = "%PDF-" ] && ok compare-pdf || not_ok compare-pdf "not a PDF"

# The literal text is in the charts: the legend of each level chart holds
# the series name (gnuplot's SVG escapes & and < as entities).
has_text() {   # NAME TEXT: some level chart has TEXT
	if grep -rqF -- "$2" "$OUT/level"; then ok "$1"
	else not_ok "$1" "no chart holds [$2]"; fi
}
has_text text-backquote "bq \`touch $M-bq\` end"
has_text text-system "sys system(\"touch $M-sys\") end"
has_text text-newline "nl!touch $M-nl"
has_text text-eod "eodEODplot 1"
has_text text-quotes "q ' '' ''' ; system('touch $M-q') '"
has_text text-lead "'lead"
has_text text-trail "trail'"
has_text text-macro "@GPVAL_PWD macro @M"
has_text text-backslash "back\\"
has_text text-xml "&lt;b>&amp;amp;&lt;/b> xml"
has_text text-unit "u \`touch $M-unit\` ' x"
has_text text-source "Source: src \`touch $M-src\`!touch $M-src2"
has_text text-title "title \`touch $M-title\`"
# File names are made safe: nothing outside the output directory, no
# hidden files (but --outdir's record of whose chart each file is), no
# control characters.
run sh -c "find '$OUT' \( -name '.*' ! -name .assay-charts \) -o -name '*[[:cntrl:]]*'"
expect_out safe-file-names ""
run sh -c "ls '$OUT/png'"
expect_out_has safe-name-eod "eod-EOD-plot-1.png"
expect_out_has safe-name-bq "bq-touch-"
no_markers end-ran-nothing
