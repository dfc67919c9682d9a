#!/bin/sh
# Numbers are read and written in the C locale whatever the user's: the
# same commands under a comma-decimal locale (de_DE.UTF-8, which
# scripts/install-deps generates) give byte-identical output.
. "$TESTS_DIR/e2e/lib.sh"

loc=$(locale -a 2>/dev/null | grep -i '^de_DE\.utf-\{0,1\}8$' | head -1)
if [ -z "$loc" ]; then
	not_ok locale-available "no de_DE.UTF-8 locale: run scripts/install-deps"
	exit 0
fi
ok locale-available
WB26="$DATA_DIR/worldbank-cmo/cmo-monthly-2026-06.csv"
BGS="$DATA_DIR/owid-bgs/bgs-mineral-production-2016.csv"

both() { # both NAME CMD...: run under C and under de_DE, compare everything
	name=$1; shift
	rm -f "$WORK/c.db"* "$WORK/de.db"*
	cp "$DB" "$WORK/c.db" 2>/dev/null; cp "$DB" "$WORK/de.db" 2>/dev/null
	LC_ALL=C ASSAY_DB="$WORK/c.db" "$@" > "$WORK/c.out" 2> "$WORK/c.err"; sc=$?
	LC_ALL=$loc ASSAY_DB="$WORK/de.db" "$@" > "$WORK/de.out" 2> "$WORK/de.err"; sd=$?
	if [ $sc -eq $sd ] && cmp -s "$WORK/c.out" "$WORK/de.out" &&
	   cmp -s "$WORK/c.err" "$WORK/de.err"; then
		ok "locale-$name"
	else
		not_ok "locale-$name" "differs under $loc (status $sc vs $sd): $(diff "$WORK/c.out" "$WORK/de.out" | head -3)"
	fi
}

"$ASSAY" -q import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02
"$ASSAY" -q import "$BGS" --layout wide --key-cols Entity --date-col Year --prefix bgs/ --kind flow --unit t
printf 'date,value\n2026-01,"1,234.5"\n2026-02,0.25\n2026-03,-1e-3\n' > "$WORK/n.csv"

both import-decimals "$ASSAY" import "$WORK/n.csv" --series t/x --kind price --format csv
both export-csv "$ASSAY" export wb/copper --format csv
both export-json "$ASSAY" export wb/copper --format json
both list "$ASSAY" list --format table
both changes-csv "$ASSAY" changes wb/copper --freq Q --format csv
both changes-table "$ASSAY" changes wb/copper --freq Q
both check-text "$ASSAY" check wb/copper --freq Q
both check-json "$ASSAY" check wb/copper --freq Q --format json
both trend-json "$ASSAY" trend bgs/democratic-republic-of-congo/cobalt --format json
both scan-csv "$ASSAY" scan 'wb/c*' --format csv
LC_ALL=$loc "$ASSAY" -q import "$WORK/n.csv" --series t/y --kind price
run env LC_ALL="$loc" "$ASSAY" export t/y
expect_out locale-values-read-in-c "period,value
2026-01,1234.5
2026-02,0.25
2026-03,-0.001"
