#!/bin/sh
# The README's walk-through is what assay prints: every `$ assay check`,
# `changes` and `trend` example there with its output shown is run on the
# walk-through's store (the bundled real data imported as scripts/demo
# does, and the generated example exports) and must print exactly that.
# A change of method that moves a p-value in the README fails here until
# the README says what the code does.
. "$TESTS_DIR/e2e/lib.sh"
README="$TESTS_DIR/../README.md"
D="$DATA_DIR"

"$ASSAY" -q import "$D/worldbank-cmo/cmo-monthly-2020-03.csv" --prefix wb/ --kind price \
	--vintage 2020-03-03 --source "World Bank Pink Sheet (CC BY 4.0)" >/dev/null 2>&1
"$ASSAY" -q import "$D/worldbank-cmo/cmo-monthly-2026-06.csv" --prefix wb/ --kind price \
	--vintage 2026-06-02 --source "World Bank Pink Sheet (CC BY 4.0)" >/dev/null 2>&1
"$ASSAY" -q import "$D/usgs-mcs2025/MCS2025_World_Data.csv" --layout table \
	--key-cols COMMODITY,COUNTRY,TYPE --value-cols 'PROD_*' --prefix usgs/ \
	--kind flow --unit-col UNIT_MEAS --region-col COUNTRY --commodity-col COMMODITY \
	--measure-col TYPE --vintage 2025-01-31 --source "USGS Mineral Commodity Summaries 2025" >/dev/null 2>&1
"$ASSAY" -q import "$D/owid-bgs/bgs-mineral-production-2016.csv" --layout wide \
	--key-cols Entity --date-col Year --prefix bgs/ --kind flow --unit t \
	--region-col Entity --measure "mine production" --vintage 2016-12-31 \
	--source "BGS World Mineral Statistics via Our World in Data" >/dev/null 2>&1
python3 "$TESTS_DIR/../scripts/make-example-exports" "$WORK/example.csv" >/dev/null
"$ASSAY" -q import "$WORK/example.csv" --kind flow --unit t >/dev/null 2>&1

# the examples: NAME.cmd holds the command, NAME.exp the lines after it up
# to the next prompt or the end of the block (an elided output, "...", or
# a redirection is not compared)
awk -v dir="$WORK" '
	function flush() { if (n != "") { close(dir "/" n ".exp") } n = "" }
	/^```/ { flush(); next }
	/^\$ / { flush()
		if ($0 ~ /^\$ assay (check|changes|trend) / && $0 !~ /[<>|]/) {
			k++; n = sprintf("ex%02d", k)
			print substr($0, 3) > (dir "/" n ".cmd"); close(dir "/" n ".cmd")
			printf "" > (dir "/" n ".exp"); line[n] = NR
			print n " " NR >> (dir "/index")
		}
		next }
	n != "" { print >> (dir "/" n ".exp") }
	END { flush() }' "$README"

count=0
while read -r name lineno; do
	grep -q '^\.\.\.$' "$WORK/$name.exp" && continue
	cmd=$(cat "$WORK/$name.cmd")
	eval "set -- ${cmd#assay }"
	run "$ASSAY" "$@"
	want=$(cat "$WORK/$name.exp")
	got=$(printf '%s\n%s' "$out" "$err" | sed '/^$/d')
	if [ "$got" = "$want" ]; then ok "readme-line-$lineno"
	else not_ok "readme-line-$lineno" "README.md:$lineno: \`$cmd\` printed [$got], the README shows [$want]"; fi
	count=$((count + 1))
done < "$WORK/index"
[ "$count" -ge 10 ] && ok readme-examples-found ||
	not_ok readme-examples-found "only $count examples with output found in README.md"
