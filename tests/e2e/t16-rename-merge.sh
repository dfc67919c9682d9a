#!/bin/sh
# Entities renamed at the source: --map at import, and `assay rename` /
# `assay merge` for series already in the store (vintages and revisions
# kept, conflicting values refused unless --prefer), with the nearest
# names suggested when a name misses.
. "$TESTS_DIR/e2e/lib.sh"

# Clio-Infra's shape: the DRC is "Congo, DRC" to 2012, then renamed.
printf 'Entity,Year,Copper\n"Congo, DRC",2011,500\n"Congo, DRC",2012,29\nDemocratic Republic of Congo,2013,970\n' > "$WORK/clio.csv"
run "$ASSAY" -q import "$WORK/clio.csv" --layout wide --key-cols Entity --date-col Year --prefix clio/ --kind flow --unit kt --vintage 2026-01-01
expect_status split-import 0
run "$ASSAY" list --format csv
expect_out split-two-series "$(printf 'name,kind,freq,first,last,count,unit,source\nclio/congo-drc/copper,flow,A,2011,2012,2,kt,\nclio/democratic-republic-of-congo/copper,flow,A,2013,2013,1,kt,')"

# A revision of 2012 in a later vintage, so that merge has history to keep.
printf 'Entity,Year,Copper\n"Congo, DRC",2012,31\n' > "$WORK/clio2.csv"
"$ASSAY" -q import "$WORK/clio2.csv" --layout wide --key-cols Entity --date-col Year --prefix clio/ --vintage 2026-02-01

run "$ASSAY" merge clio/congo-drc/copper clio/democratic-republic-of-congo/copper --into clio/democratic-republic-of-congo/copper
expect_status merge-status 0
expect_err merge-summary "assay: merged 'clio/congo-drc/copper' and 'clio/democratic-republic-of-congo/copper' into 'clio/democratic-republic-of-congo/copper': 2 values from 'clio/congo-drc/copper', 1 from 'clio/democratic-republic-of-congo/copper', 0 periods in both with equal values, 0 conflicting (kept from clio/congo-drc/copper), 0 values and revisions dropped"
run "$ASSAY" export clio/democratic-republic-of-congo/copper
expect_out merged-values "$(printf 'period,value\n2011,500\n2012,31\n2013,970')"
run "$ASSAY" export clio/democratic-republic-of-congo/copper --as-of 2026-01-15
expect_out merged-vintage "$(printf 'period,value\n2011,500\n2012,29\n2013,970')"
run "$ASSAY" list --format csv
expect_out merged-one-series "$(printf 'name,kind,freq,first,last,count,unit,source\nclio/democratic-republic-of-congo/copper,flow,A,2011,2013,3,kt,')"

# Conflicts: refused, and nothing changes; --prefer picks a side.
printf 'series,date,value\nx/a,2011,1\nx/a,2012,2\nx/b,2012,3\nx/b,2013,4\nx/m,2012-01,1\n' > "$WORK/ab.csv"
"$ASSAY" -q import "$WORK/ab.csv" --kind price --vintage 2026-01-01
sqlite3 "$DB" .dump > "$WORK/before.sql"
run "$ASSAY" merge x/a x/b --into x/c
expect_status conflict-status 2
expect_err conflict "assay: A 'x/a' and B 'x/b' differ in 1 period (first 2012: 2 in A, 3 in B); --prefer A or --prefer B keeps one side's values"
run "$ASSAY" merge x/a x/m --into x/c
expect_err freq-mismatch "assay: 'x/a' is annual and 'x/m' monthly: a merge needs one frequency"
run "$ASSAY" merge x/a x/b --into x/m
expect_err into-exists "assay: series 'x/m' exists: merge into it by naming it as A or B"
run "$ASSAY" merge x/a x/B --into x/c
expect_err merge-unknown "assay: no series 'x/B' in $DB; did you mean 'x/b'?"
sqlite3 "$DB" .dump | cmp -s - "$WORK/before.sql" && ok merge-refusals-write-nothing ||
	not_ok merge-refusals-write-nothing "the store changed"
run "$ASSAY" -q merge x/a x/b --into x/c --prefer B
expect_status prefer-status 0
run "$ASSAY" export x/c
expect_out prefer-b "$(printf 'period,value\n2011,1\n2012,3\n2013,4')"

# rename; a miss suggests the nearest names, capitals outside ASCII too
# (a store written before slugs lowered them).
printf 'series,date,value\ncobre/\303\232ltimo,2024,1\ncobre/m\303\241ximo,2024,2\n' > "$WORK/cobre.csv"
"$ASSAY" -q import "$WORK/cobre.csv" --kind price
run "$ASSAY" rename cobre/último cobre/ultimo
expect_status rename-miss-status 2
expect_err rename-miss "assay: no series 'cobre/último' in $DB; did you mean 'cobre/Último'?"
# every command that looks a series up suggests the same way
for cmd in export show check trend plot rm; do
	run "$ASSAY" $cmd cobre/último
	expect_status "suggest-$cmd-status" 2
	expect_err "suggest-$cmd" "assay: no series 'cobre/último' in $DB; did you mean 'cobre/Último'?"
done
run "$ASSAY" changes cobre/maximo
expect_err suggest-changes "assay: no series 'cobre/maximo' in $DB; did you mean 'cobre/máximo'?"
run "$ASSAY" rename cobre/Último cobre/último
expect_status rename-status 0
expect_err rename "assay: renamed 'cobre/Último' to 'cobre/último'"
run "$ASSAY" rename cobre/último cobre/máximo
expect_err rename-exists "assay: series 'cobre/máximo' exists; 'assay merge' joins two series"
run "$ASSAY" export cobre/último
expect_out renamed-values "$(printf 'period,value\n2024,1')"

# Slugs lower capitals outside ASCII: a wide header Último makes último.
printf 'date,\303\232ltimo,M\303\241ximo\n2024,1,2\n' > "$WORK/wide.csv"
run "$ASSAY" --db "$WORK/w.db" -q import "$WORK/wide.csv" --layout wide --prefix cobre/ --kind price
run "$ASSAY" --db "$WORK/w.db" list --format csv
expect_out slug-lowers "$(printf 'name,kind,freq,first,last,count,unit,source\ncobre/m\303\241ximo,price,A,2024,2024,1,,\ncobre/\303\272ltimo,price,A,2024,2024,1,,')"

# On the bundled real data: USGS names the DRC "Congo (Kinshasa)", BGS
# "Democratic Republic of Congo"; --map gives both one name.
run "$ASSAY" --db "$WORK/real.db" -q import "$DATA_DIR/usgs-mcs2025/MCS2025_World_Data.csv" --layout table \
	--key-cols COMMODITY,COUNTRY,TYPE --value-cols 'PROD_*' --prefix usgs/ --kind flow --unit-col UNIT_MEAS \
	--map 'Congo (Kinshasa)=Democratic Republic of Congo'
expect_status real-map-status 0
run "$ASSAY" --db "$WORK/real.db" export usgs/cobalt/democratic-republic-of-congo/mine-production-cobalt-content-estimated
expect_out real-map "$(printf 'period,value\n2023,175000\n2024,220000')"
# --meta: the salient statistics' columns are flows, prices, stocks and
# percentages in different units.
run "$ASSAY" --db "$WORK/real.db" -q import "$DATA_DIR/usgs-mcs2025/mcs2025-coppe_salient.csv" --layout wide \
	--key-cols Commodity --date-col Year --value-cols 'USprod_*,Imports_*,Exports_*,Consump_*,Price_*,Stocks_kt,Employment_num,NIR_pct' \
	--prefix usgs/salient/ --meta "$DATA_DIR/usgs-mcs2025/mcs2025-coppe_salient.meta.csv" --na 'Less than ½ unit.'
expect_status real-meta-status 0
run "$ASSAY" --db "$WORK/real.db" list 'usgs/salient/copper/[nps]*' --format csv
expect_out real-meta "$(printf 'name,kind,freq,first,last,count,unit,source\nusgs/salient/copper/nir_pct,stock,A,2020,2024,5,%%,\nusgs/salient/copper/price_comex_ctslb,price,A,2020,2024,5,US cents/lb,\nusgs/salient/copper/price_lme_ctslb,price,A,2020,2024,5,US cents/lb,\nusgs/salient/copper/price_us_ctslb,price,A,2020,2024,5,US cents/lb,\nusgs/salient/copper/stocks_kt,stock,A,2020,2024,5,kt,')"

# A merge converts no values: two series in different units are refused,
# and both stay as they were.
printf 'date,value\n2020,1\n' > "$WORK/m-t.csv"
printf 'date,value\n2021,2000\n' > "$WORK/m-kg.csv"
"$ASSAY" --db "$WORK/units.db" -q import "$WORK/m-t.csv" --series ni/t --kind flow --unit t
"$ASSAY" --db "$WORK/units.db" -q import "$WORK/m-kg.csv" --series ni/kg --kind flow --unit kg
run "$ASSAY" --db "$WORK/units.db" merge ni/t ni/kg --into ni/all
expect_status merge-units-status 2
expect_err merge-units "assay: 'ni/t' is in 't' and 'ni/kg' in 'kg': a merge needs one unit (it converts no values)"
run "$ASSAY" --db "$WORK/units.db" list --format csv
expect_out merge-units-unchanged "name,kind,freq,first,last,count,unit,source
ni/kg,flow,A,2021,2021,1,kg,
ni/t,flow,A,2020,2020,1,t,"

# Equal current values, different histories: the merged history is the
# union of both (each side's statements with their vintages), whatever the
# order of A and B and whichever is --into.  A: 2021-01-01 says 2020-03 = 3,
# 2021-03-01 says 3.3; B: 2021-02-01 says 30, 2021-04-01 says 3.3.  As of a
# date the value is the newest statement of either at or before it
# (worked out by hand from the four files):
#   2021-01-01: 1, 2, 3           2021-02-01: 1, 2, 30, 40, 50
#   2021-03-01: 1.1, 2, 3.3, 40, 50   2021-04-01: 1.1, 2, 3.3, 44, 50
printf 'date,value\n2020-01,1\n2020-02,2\n2020-03,3\n' > "$WORK/ua1.csv"
printf 'date,value\n2020-01,1.1\n2020-02,2\n2020-03,3.3\n' > "$WORK/ua3.csv"
printf 'date,value\n2020-03,30\n2020-04,40\n2020-05,50\n' > "$WORK/ub2.csv"
printf 'date,value\n2020-03,3.3\n2020-04,44\n2020-05,50\n' > "$WORK/ub4.csv"
U=$WORK/union.db
"$ASSAY" --db "$U" -q import "$WORK/ua1.csv" --series u/a --kind price --vintage 2021-01-01 &&
"$ASSAY" --db "$U" -q import "$WORK/ua3.csv" --series u/a --vintage 2021-03-01 &&
"$ASSAY" --db "$U" -q import "$WORK/ub2.csv" --series u/b --kind price --vintage 2021-02-01 &&
"$ASSAY" --db "$U" -q import "$WORK/ub4.csv" --series u/b --vintage 2021-04-01 ||
	not_ok union-setup "imports failed"
want_01='period,value
2020-01,1
2020-02,2
2020-03,3'
want_02='period,value
2020-01,1
2020-02,2
2020-03,30
2020-04,40
2020-05,50'
want_03='period,value
2020-01,1.1
2020-02,2
2020-03,3.3
2020-04,40
2020-05,50'
want_04='period,value
2020-01,1.1
2020-02,2
2020-03,3.3
2020-04,44
2020-05,50'
for how in "u/a u/b u/c" "u/b u/a u/c" "u/a u/b u/b" "u/b u/a u/b" "u/a u/b u/a"; do
	set -- $how
	tag="$(echo "$how" | tr ' /' '-_')"
	cp "$U" "$WORK/u-$tag.db"
	run "$ASSAY" --db "$WORK/u-$tag.db" merge "$1" "$2" --into "$3"
	expect_status "union-$tag-status" 0
	expect_err_has "union-$tag-summary" "1 period in both with equal values, 0 conflicting"
	expect_err_has "union-$tag-nothing-dropped" "0 values and revisions dropped"
	for m in 01 02 03 04; do
		run "$ASSAY" --db "$WORK/u-$tag.db" export "$3" --as-of "2021-$m-01"
		eval "expect_out union-$tag-as-of-$m \"\$want_$m\""
	done
done
# show: A's 3 of 2021-01-01 was revised by B's 30 of 2021-02-01, which A's
# 3.3 of 2021-03-01 replaced (B's 3.3 of 2021-04-01 confirmed it).
run "$ASSAY" --db "$WORK/u-u_b-u_a-u_c.db" show u/c --format csv
expect_out_has union-show-revisions "2020-03,30,2021-02-01T23:59:59Z,3.3,2021-03-01T23:59:59Z"

# A derived series holds a definition, not vintages: merge refuses it as A,
# as B and as --into, and writes nothing.
D=$WORK/dmerge.db
printf 'date,value\n2020-01,1\n2020-02,2\n' > "$WORK/dm1.csv"
printf 'date,value\n2020-03,3\n2020-04,4\n' > "$WORK/dm4.csv"
"$ASSAY" --db "$D" -q import "$WORK/dm1.csv" --series m1 --kind price --unit t
"$ASSAY" --db "$D" -q import "$WORK/dm4.csv" --series m4 --kind price --unit t
"$ASSAY" --db "$D" -q derive dd 'm1 * 2'
sqlite3 "$D" .dump > "$WORK/dbefore.sql"
for how in "m4 dd dd" "dd m4 x" "m1 dd x" "dd m4 m4"; do
	set -- $how
	tag="$(echo "$how" | tr ' ' '-')"
	run "$ASSAY" --db "$D" merge "$1" "$2" --into "$3"
	expect_status "merge-derived-$tag-status" 2
	expect_err "merge-derived-$tag" "assay: 'dd' is a derived series ('m1 * 2'): merge joins imported series only (to rename it, assay rename; to define it over other series, assay derive)"
done
sqlite3 "$D" .dump | cmp -s - "$WORK/dbefore.sql" && ok merge-derived-writes-nothing ||
	not_ok merge-derived-writes-nothing "the store changed"
run "$ASSAY" --db "$D" export m4
expect_out merge-derived-m4-kept "$(printf 'period,value\n2020-03,3\n2020-04,4')"

# ---- a new name keeps the one rule of names (import's): not empty nor
# blanks only, no blank at either end (import trims those off a cell, so
# such a name could never be imported again as itself) -----------------------
N="$WORK/names.db"
printf 'date,value\n2020,1\n2021,2\n' > "$WORK/n.csv"
"$ASSAY" --db "$N" -q import "$WORK/n.csv" --series a --kind flow
"$ASSAY" --db "$N" -q import "$WORK/n.csv" --series b --kind flow
sqlite3 "$N" .dump > "$WORK/nbefore.sql"
run "$ASSAY" --db "$N" rename a '   '
expect_status rename-blank-status 2
expect_err rename-blank "assay: '   ' is no fit series name: it is blanks only (UTF-8, no control characters, not empty, no blank at either end)"
run "$ASSAY" --db "$N" rename a ' a'
expect_err rename-leading-blank "assay: ' a' is no fit series name: it begins with a blank (UTF-8, no control characters, not empty, no blank at either end)"
run "$ASSAY" --db "$N" rename a 'a '
expect_err rename-trailing-blank "assay: 'a ' is no fit series name: it ends with a blank (UTF-8, no control characters, not empty, no blank at either end)"
run "$ASSAY" --db "$N" rename a ''
expect_err rename-empty "assay: '' is no fit series name: it is empty (UTF-8, no control characters, not empty, no blank at either end)"
run "$ASSAY" --db "$N" merge a b --into ' c '
expect_status merge-padded-status 2
expect_err merge-padded "assay: ' c ' is no fit series name: it begins with a blank (UTF-8, no control characters, not empty, no blank at either end)"
sqlite3 "$N" .dump | cmp -s - "$WORK/nbefore.sql" && ok names-refused-write-nothing ||
	not_ok names-refused-write-nothing "the store changed"
run "$ASSAY" --db "$N" rename a 'a b'
expect_status rename-inner-blank-ok 0

# A renamed series keeps no import's text (series_origin): 'Copper, mine'
# made copper-mine, renamed cm; a file whose header 'CM' makes cm was
# refused as made from 'Copper, mine', and the --map 'CM=Copper, mine' it
# suggested made copper-mine, a series of its own.  The same for merge
# --into a new name.
O="$WORK/origin-rename.db"
printf 'date,"Copper, mine"\n2020,5\n' > "$WORK/or1.csv"
printf 'date,CM\n2021,6\n' > "$WORK/or2.csv"
printf 'date,Zinc,Lead\n2019,1,\n2020,,2\n' > "$WORK/or3.csv"
printf 'date,ZL\n2021,3\n' > "$WORK/or4.csv"
"$ASSAY" --db "$O" -q import "$WORK/or1.csv" --kind flow
"$ASSAY" --db "$O" -q rename copper-mine cm
run "$ASSAY" --db "$O" -q import "$WORK/or2.csv" --kind flow
expect_status origin-renamed-import 0
run "$ASSAY" --db "$O" export cm
expect_out origin-renamed-joined "$(printf 'period,value\n2020,5\n2021,6')"
"$ASSAY" --db "$O" -q import "$WORK/or3.csv" --kind flow
"$ASSAY" --db "$O" -q merge zinc lead --into zl
run "$ASSAY" --db "$O" -q import "$WORK/or4.csv" --kind flow
expect_status origin-merged-import 0
run "$ASSAY" --db "$O" export zl
expect_out origin-merged-joined "$(printf 'period,value\n2019,1\n2020,2\n2021,3')"

# A rename to the series' own name does nothing, exit 0: the ids were
# compared after the release that zeroes one, and it was refused as
# "series 'cm' exists; 'assay merge' joins two series", exit 2.
run "$ASSAY" --db "$O" -q rename cm cm
expect_status rename-to-itself 0
run "$ASSAY" --db "$O" export cm
expect_out rename-to-itself-kept "$(printf 'period,value\n2020,5\n2021,6')"
