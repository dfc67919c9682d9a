#!/bin/sh
# Where an import reads from and what it records: a FIFO (and so <(cmd))
# is read like standard input, the import record keeps the file's
# SHA-256, the summary counts short rows, --encoding converts a file of
# many blocks as it streams, and a library caller's locale does not
# change how numbers are read (the C locale inside assay_import); a later
# import whose header or key cell makes a stored series' name from other
# text is refused.
. "$TESTS_DIR/e2e/lib.sh"

# ---- a FIFO: not seekable, copied to a temporary file first -----------------

printf 'series,date,value\ncu,2026-01-05,1\ncu,2026-01-06,2\nzn,2026-01-05,3\n' > "$WORK/in.csv"
mkfifo "$WORK/fifo"
# The writer is bounded: if assay never opened the FIFO, the test fails
# instead of waiting for ever.
timeout 60 sh -c 'cat "$1" > "$2"' sh "$WORK/in.csv" "$WORK/fifo" &
writer=$!
run "$ASSAY" import "$WORK/fifo" --kind price
wait "$writer"
expect_status fifo-import 0
expect_err fifo-summary "assay: imported $WORK/fifo: 3 rows, 2 series (2 new): 3 inserted, 0 revised, 0 unchanged, 0 earlier-vintage, 0 NA, 0 skipped"
run "$ASSAY" export cu
expect_out fifo-values "period,value
2026-01-05,1
2026-01-06,2"

# A big FIFO (more than the 8 KiB the delimiter guess reads, and than one
# read block) loses nothing.
awk 'BEGIN { print "date,value"; for (i = 0; i < 20000; i++)
	printf "%d-%02d,%d.25\n", 1000 + int(i / 12), i % 12 + 1, i }' > "$WORK/big.csv"
timeout 60 sh -c 'cat "$1" > "$2"' sh "$WORK/big.csv" "$WORK/fifo" &
writer=$!
run "$ASSAY" import "$WORK/fifo" --series big --kind price --format csv
wait "$writer"
expect_status fifo-big 0
want=$(sha256sum "$WORK/big.csv" | cut -d' ' -f1)
expect_out fifo-big-summary "file,rows,series,new_series,inserted,revised,unchanged,older,na,skipped,sha256,dry_run,short_rows,na_kept
$WORK/fifo,20000,1,1,20000,0,0,0,0,0,$want,false,0,0"
n=$("$ASSAY" export big | wc -l)
[ "$n" -eq 20001 ] && ok fifo-big-count || not_ok fifo-big-count "$n lines"

# Process substitution, where a shell has it (the tests run under sh).
if command -v bash >/dev/null 2>&1; then
	run bash -c "\"\$ASSAY\" import <(cat '$WORK/in.csv') --prefix ps/ --kind price"
	expect_status process-substitution 0
	run "$ASSAY" export ps/zn
	expect_out process-substitution-values "period,value
2026-01-05,3"
fi

# ---- the import record keeps the file's SHA-256 ----------------------------

got=$(sqlite3 "$DB" "SELECT sha256 FROM imports WHERE file = '$WORK/fifo' ORDER BY id LIMIT 1")
want=$(sha256sum "$WORK/in.csv" | cut -d' ' -f1)
[ "$got" = "$want" ] && ok sha256-fifo || not_ok sha256-fifo "[$got], expected [$want]"
"$ASSAY" -q import "$WORK/in.csv" --kind price --vintage 2026-02-01
got=$(sqlite3 "$DB" "SELECT sha256 FROM imports WHERE file = '$WORK/in.csv'")
[ "$got" = "$want" ] && ok sha256-file || not_ok sha256-file "[$got], expected [$want]"
n=$(sqlite3 "$DB" "SELECT count(*) FROM imports WHERE length(sha256) <> 64")
[ "$n" -eq 0 ] && ok sha256-all-recorded || not_ok sha256-all-recorded "$n imports without one"
run "$ASSAY" show cu --format json
expect_out_has sha256-shown "\"sha256\": \"$want\""

# ---- short rows are counted in the summary ----------------------------------

printf 'date,cu,zn,pb\n2026-01,1,2,3\n2026-02,4\n2026-03,5,6\n2026-04,7,8,9,,\n' > "$WORK/short.csv"
run "$ASSAY" import "$WORK/short.csv" --prefix s/ --kind price
expect_status short-import 0
expect_err short-summary "assay: imported $WORK/short.csv: 4 rows, 3 series (3 new): 9 inserted, 0 revised, 0 unchanged, 0 earlier-vintage, 3 NA, 0 skipped; 2 rows shorter than the header (missing cells are NA)"
run "$ASSAY" import "$WORK/short.csv" --prefix s/ --kind price --format json --dry-run
expect_out_has short-json '"short_rows": 2'
expect_out_has short-json-na '"na": 3'
printf 'date,value,note\n2026-01,1\n2026-02,2,x\n' > "$WORK/short-single.csv"
run "$ASSAY" import "$WORK/short-single.csv" --series one --kind price --format csv
expect_out short-single "file,rows,series,new_series,inserted,revised,unchanged,older,na,skipped,sha256,dry_run,short_rows,na_kept
$WORK/short-single.csv,2,1,1,2,0,0,0,0,0,$(sha256sum "$WORK/short-single.csv" | cut -d' ' -f1),false,1,0"

# ---- --encoding streams: a UTF-16 file of many blocks -----------------------

if iconv -f UTF-8 -t UTF-16 "$WORK/big.csv" > "$WORK/big16.csv" 2>/dev/null; then
	run "$ASSAY" import "$WORK/big16.csv" --series big16 --kind price --encoding utf-16
	expect_status utf16-big 0
	"$ASSAY" export big > "$WORK/a"
	"$ASSAY" export big16 > "$WORK/b"
	cmp -s "$WORK/a" "$WORK/b" && ok utf16-big-same || not_ok utf16-big-same "values differ"
	got=$(sqlite3 "$DB" "SELECT sha256 FROM imports WHERE file = '$WORK/big16.csv'")
	want=$(sha256sum "$WORK/big16.csv" | cut -d' ' -f1)
	[ "$got" = "$want" ] && ok utf16-sha256-of-raw-file || not_ok utf16-sha256-of-raw-file "[$got]"
else
	not_ok utf16-big "iconv(1) cannot make UTF-16"
fi
# A cp1252 file whose bad byte lies past the first blocks: the line is right.
{ printf 'date,v\n'; awk 'BEGIN { for (i = 0; i < 9000; i++) printf "%d,%d\n", 1000 + i, i }'
  printf '9999,\201\n'; } > "$WORK/late.csv"
run "$ASSAY" import "$WORK/late.csv" --series late --kind flow --encoding cp1252
expect_status cp1252-late-bad-byte 2
expect_err cp1252-late-bad-byte-msg "assay: $WORK/late.csv:9002:2: byte 0x81 is no cp1252 text (is --encoding right?)"

# ---- standard input and /dev/stdin ------------------------------------------

run sh -c "printf 'date,value\n2026-01,1\n' | \"\$ASSAY\" import /dev/stdin --series devstdin --kind price"
expect_status dev-stdin 0
run "$ASSAY" export devstdin
expect_out dev-stdin-value "period,value
2026-01,1"

run sqlite3 "$DB" 'PRAGMA integrity_check'
expect_out sources-integrity ok

# ---- a daily series and a file of one day that looks monthly ---------------
# Month starts and ends make a file's dates months; an update of a series
# the store holds as days keeps its days (it was refused: "holds D
# periods, but '2026-01' is M"), and a new series in such a file is
# monthly.
printf 'date,px\n2026-01-28,10\n2026-01-29,11\n2026-01-30,12\n' > "$WORK/daily.csv"
"$ASSAY" -q import "$WORK/daily.csv" --kind price
printf 'date,px\n2026-01-31,13\n' > "$WORK/day-31.csv"
run "$ASSAY" -q import "$WORK/day-31.csv"
expect_status daily-update-month-end 0
printf 'date,px,fresh\n2026-02-01,14,5\n' > "$WORK/day-1.csv"
run "$ASSAY" -q import "$WORK/day-1.csv" --kind price
expect_status daily-update-month-start 0
run "$ASSAY" export px
expect_out daily-update-days "period,value
2026-01-28,10
2026-01-29,11
2026-01-30,12
2026-01-31,13
2026-02-01,14"
run "$ASSAY" export fresh
expect_out daily-update-new-series-monthly "period,value
2026-02,5"
# month ends alone are months, and a month's change is called MoM
printf 'date,me\n2025-10-31,100\n2025-11-30,110\n2025-12-31,99\n' > "$WORK/month-ends.csv"
"$ASSAY" -q import "$WORK/month-ends.csv" --kind price
run "$ASSAY" changes me --format csv
expect_out_has month-ends-monthly "2025-11,110,1,false,10.000000000000009,"
# quarter starts are quarters, and a one-row update of a quarterly series
# dated by its quarter's first day is that quarter (a month start alone
# reads as a month); a day that is no end of a quarter is refused
printf 'DATE,gdp\n2025-01-01,100\n2025-04-01,101\n2025-07-01,102\n' > "$WORK/quarters.csv"
"$ASSAY" -q import "$WORK/quarters.csv" --kind flow
printf 'DATE,gdp\n2025-10-01,103\n' > "$WORK/quarter-update.csv"
run "$ASSAY" -q import "$WORK/quarter-update.csv"
expect_status quarterly-update 0
run "$ASSAY" export gdp
expect_out quarterly-update-values "period,value
2025Q1,100
2025Q2,101
2025Q3,102
2025Q4,103"
printf 'DATE,gdp\n2025-11-01,104\n' > "$WORK/quarter-bad.csv"
run "$ASSAY" -q import "$WORK/quarter-bad.csv"
expect_status quarterly-update-mid-quarter 2
expect_err quarterly-update-mid-quarter-msg "assay: $WORK/quarter-bad.csv:2:2: series 'gdp' holds Q periods, but '2025-11' is M"

# An existing series keeps its unit and kind: a new vintage in kilograms
# of a series in tonnes would relabel the tonnes it holds (the values are
# never converted), so it is refused, and nothing is written; --relabel
# says the stored unit was wrong.  A vintage that names no unit keeps it.
printf 'date,value\n2023,5\n2024,6\n' > "$WORK/zinc-t.csv"
printf 'date,value\n2025,7000\n' > "$WORK/zinc-kg.csv"
"$ASSAY" -q import "$WORK/zinc-t.csv" --series zinc --kind flow --unit t
run "$ASSAY" import "$WORK/zinc-kg.csv" --series zinc --unit kg
expect_status unit-differs-from-store 2
expect_err unit-differs-from-store-msg "assay: $WORK/zinc-kg.csv:2:2: series 'zinc' is in 't' in the store, but this import gives 'kg': its values would be read in another unit (convert them, or give --relabel if the stored unit is wrong)"
run "$ASSAY" list zinc --format csv
expect_out unit-differs-nothing-written "name,kind,freq,first,last,count,unit,source
zinc,flow,A,2023,2024,2,t,"
run "$ASSAY" -q import "$WORK/zinc-kg.csv" --series zinc
expect_status unit-not-given-keeps 0
run "$ASSAY" list zinc --format csv
expect_out unit-not-given-kept "name,kind,freq,first,last,count,unit,source
zinc,flow,A,2023,2025,3,t,"
run "$ASSAY" -q import "$WORK/zinc-t.csv" --series zinc --unit kt --relabel
expect_status unit-relabel 0
run "$ASSAY" list zinc --format csv
expect_out unit-relabelled "name,kind,freq,first,last,count,unit,source
zinc,flow,A,2023,2025,3,kt,"

# ---- editions in any order: a newer edition that confirms a value -----------
# 10 Jan says 3, 19 Jan says 3 again, 16 Jan (imported last) says 1: the
# newest edition's 3 is current, and each date sees its own edition.  The
# 19th's unchanged value used to record nothing, so the 16th, newer than
# the 10th, became current.

DB2="$WORK/vintages.db"
for e in 2021-01-10:3 2021-01-19:3 2021-01-16:1; do
	printf 'date,value\n2020-03,%s\n' "${e#*:}" > "$WORK/ed.csv"
	"$ASSAY" --db "$DB2" -q import "$WORK/ed.csv" --series s --kind price \
		--vintage "${e%:*}" || not_ok vintage-order-import "edition $e"
done
run "$ASSAY" --db "$DB2" export s
expect_out vintage-order-current "period,value
2020-03,3"
for d in 2021-01-12:3 2021-01-17:1 2021-01-20:3; do
	run "$ASSAY" --db "$DB2" export s --as-of "${d%:*}"
	expect_out "vintage-order-as-of-${d%:*}" "period,value
2020-03,${d#*:}"
done
run "$ASSAY" --db "$DB2" show s --format csv
expect_out vintage-order-show "period,old_value,old_vintage,new_value,new_vintage
2020-03,3,2021-01-10T23:59:59Z,1,2021-01-16T23:59:59Z
2020-03,1,2021-01-16T23:59:59Z,3,2021-01-19T23:59:59Z"

# ---- a weekly series keeps its weekday ---------------------------------------
# Fridays, then a file of Mondays: refused (two values in one week, and
# "week-over-week" moves between a Friday and a Monday); a one-row update
# on a Friday (alone it reads as a day) is the next week's value.

DB3="$WORK/weekly.db"
printf 'date,value\n2020-04-10,1\n2020-04-17,2\n2020-04-24,3\n' > "$WORK/fri.csv"
"$ASSAY" --db "$DB3" -q import "$WORK/fri.csv" --series w --kind price ||
	not_ok weekly-import "Fridays"
printf 'date,value\n2020-04-27,4\n2020-05-04,5\n' > "$WORK/mon.csv"
run "$ASSAY" --db "$DB3" -q import "$WORK/mon.csv" --series w --kind price
expect_status weekly-other-weekday 2
expect_err weekly-other-weekday-msg "assay: $WORK/mon.csv:2:2: series 'w' is weekly on Fridays (2020-04-10), but 2020-04-27 is a Monday: a weekly series' dates fall on one weekday (assay does not move days into weeks)"
for d in 2020-05-01 2020-05-08; do
	printf 'date,value\n%s,6\n' "$d" > "$WORK/next.csv"
	run "$ASSAY" --db "$DB3" -q import "$WORK/next.csv" --series w --kind price
	expect_status "weekly-one-row-$d" 0
done
run "$ASSAY" --db "$DB3" export w
expect_out weekly-after-updates "period,value
2020-04-10,1
2020-04-17,2
2020-04-24,3
2020-05-01,6
2020-05-08,6"

# ---- check of a series with no data as of a date names no period -------------
DB4="$WORK/asof.db"
printf 'date,value\n2020-01,1\n2020-02,2\n2020-03,3\n' > "$WORK/a.csv"
"$ASSAY" --db "$DB4" -q import "$WORK/a.csv" --series a --kind price --vintage 2021-01-01
run "$ASSAY" --db "$DB4" check a --as-of 2020-06-01
expect_status check-no-data-status 3
expect_out check-no-data-sentence "a: cannot judge: the series has no data"
run "$ASSAY" --db "$DB4" check a --as-of 2020-06-01 --format json
expect_out_has check-no-data-json '"period": null,'

# ---- a later import that makes a stored series' name from other text ---------
# "Copper, mine" and, in another import, "copper mine" both make the name
# copper-mine: two series under one name, or two spellings of one.  The
# second was merged into the first without a word; it is refused, naming
# what the first was made from and the --map that joins them.  An edition
# that adds a footnote mark ("Beef **", as the Pink Sheet's of 2026 does to
# the "Beef" of 2020) or changes the case is the same series.
DB5="$WORK/origin.db"
printf 'date,"Copper, mine",Beef\n2024-01,1,5\n2024-02,2,6\n' > "$WORK/o1.csv"
printf 'date,copper mine (t)\n2024-03,3\n' > "$WORK/o2.csv"
printf 'date,BEEF **\n2024-03,7\n' > "$WORK/o3.csv"
printf 'COMMODITY,COUNTRY,PROD_2023\nCobalt,"Congo, Kinshasa",100\n' > "$WORK/o4.csv"
printf 'COMMODITY,COUNTRY,PROD_2024\nCobalt,Congo Kinshasa,120\n' > "$WORK/o5.csv"
"$ASSAY" --db "$DB5" -q import "$WORK/o1.csv" --kind flow --unit t --vintage 2026-01-01
run "$ASSAY" --db "$DB5" -q import "$WORK/o2.csv" --kind flow
expect_status origin-header-status 2
expect_err origin-header-msg "assay: $WORK/o2.csv:1:2: column header 'copper mine (t)' makes series 'copper-mine', which an earlier import made from 'Copper, mine': two series under one name, or two spellings of one? (--map 'copper mine (t)=Copper, mine (t)' adds to it; --map 'copper mine (t)=...' names it apart)"
run "$ASSAY" --db "$DB5" -q import "$WORK/o2.csv" --kind flow --map 'copper mine (t)=Copper, mine (t)' --vintage 2026-01-02
expect_status origin-header-map 0
run "$ASSAY" --db "$DB5" export copper-mine
expect_out origin-header-joined "period,value
2024-01,1
2024-02,2
2024-03,3"
run "$ASSAY" --db "$DB5" -q import "$WORK/o3.csv" --kind flow --unit t --vintage 2026-01-03
expect_status origin-footnote-mark 0
"$ASSAY" --db "$DB5" -q import "$WORK/o4.csv" --layout table --key-cols COMMODITY,COUNTRY \
	--prefix u/ --kind flow --unit t --vintage 2026-01-01
run "$ASSAY" --db "$DB5" -q import "$WORK/o5.csv" --layout table --key-cols COMMODITY,COUNTRY \
	--prefix u/ --kind flow --unit t
expect_status origin-key-status 2
expect_err origin-key-msg "assay: $WORK/o5.csv:2:2: key 'Congo Kinshasa' makes series 'u/cobalt/congo-kinshasa', which an earlier import made from 'Congo, Kinshasa': two series under one name, or two spellings of one? (--map 'Congo Kinshasa=Congo, Kinshasa' adds to it; --map 'Congo Kinshasa=...' names it apart)"
run "$ASSAY" --db "$DB5" export u/cobalt/congo-kinshasa
expect_out origin-key-untouched "period,value
2023,100"

# A --prefix stands for the key cells another import named the series by:
# 'Chile' as a key of a wide file, then a file of Chile's alone under
# --prefix chile/, make chile/copper from the same 'Copper'.  The parts
# were compared from the start ('Copper' against 'Chile') and the second
# file refused, suggesting a --map 'Copper=Chile' that makes chile/chile;
# they are compared from the end.  The same for a table layout's keys.
DB6="$WORK/origin-prefix.db"
printf 'Country,Year,Copper\nChile,2020,5\n' > "$WORK/p1.csv"
printf 'Year,Copper\n2021,6\n' > "$WORK/p2.csv"
printf 'Year,COPPER *\n2022,7\n' > "$WORK/p3.csv"
printf 'Country,2022\nCosta Rica,7\n' > "$WORK/p4.csv"
printf 'Metal,Country,2023\nx,COSTA RICA,8\n' > "$WORK/p5.csv"
printf 'Metal,Country,2024\nx,Costa-Rica,9\n' > "$WORK/p6.csv"
"$ASSAY" --db "$DB6" -q import "$WORK/p1.csv" --layout wide --key-cols Country \
	--date-col Year --kind flow
run "$ASSAY" --db "$DB6" -q import "$WORK/p2.csv" --date-col Year --prefix chile/ --kind flow
expect_status origin-prefix-wide 0
run "$ASSAY" --db "$DB6" -q import "$WORK/p3.csv" --date-col Year --prefix chile/ --kind flow
expect_status origin-prefix-wide-mark 0
run "$ASSAY" --db "$DB6" export chile/copper
expect_out origin-prefix-wide-joined "period,value
2020,5
2021,6
2022,7"
"$ASSAY" --db "$DB6" -q import "$WORK/p4.csv" --layout table --key-cols Country \
	--prefix x/ --kind flow
run "$ASSAY" --db "$DB6" -q import "$WORK/p5.csv" --layout table --key-cols Metal,Country --kind flow
expect_status origin-prefix-table 0
run "$ASSAY" --db "$DB6" -q import "$WORK/p6.csv" --layout table --key-cols Metal,Country --kind flow
expect_status origin-prefix-table-differs 2
expect_err origin-prefix-table-msg "assay: $WORK/p6.csv:2:2: key 'Costa-Rica' makes series 'x/costa-rica', which an earlier import made from 'Costa Rica': two series under one name, or two spellings of one? (--map 'Costa-Rica=Costa Rica' adds to it; --map 'Costa-Rica=...' names it apart)"
run "$ASSAY" --db "$DB6" export x/costa-rica
expect_out origin-prefix-table-joined "period,value
2022,7
2023,8"

# Case is compared as a slug lowers it, not in ASCII alone: 'NÍQUEL *' (an
# edition in capitals, with a footnote mark) makes níquel as 'Níquel' did,
# and was refused (strcasecmp knows no Í).
# Two editions of one series, a header each (printf formats): the second
# import joins the first, exit 0.
two_editions() {        # NAME DB HEADER1 HEADER2
	printf "date,$3\n2020,1\n" > "$WORK/$1-1.csv"
	printf "date,$4\n2021,2\n" > "$WORK/$1-2.csv"
	"$ASSAY" --db "$2" -q import "$WORK/$1-1.csv" --kind flow
	run "$ASSAY" --db "$2" -q import "$WORK/$1-2.csv" --kind flow
	expect_status "$1" 0
}
DB7="$WORK/origin-case.db"
two_editions origin-case-latin1 "$DB7" 'N\303\255quel' 'N\303\215QUEL *'
run "$ASSAY" --db "$DB7" export "n$(printf '\303\255')quel"
expect_out origin-case-latin1-joined "period,value
2020,1
2021,2"

# A dagger is a footnote mark as '*' is, in the name too: an edition's
# 'Tin †' made a second series tin-† beside the last edition's tin (the
# origins agreed, the names did not), exit 0.
DB8="$WORK/origin-dagger.db"
two_editions origin-dagger "$DB8" 'Tin' 'Tin \342\200\240'
run "$ASSAY" --db "$DB8" list --format csv
expect_out origin-dagger-one-series "name,kind,freq,first,last,count,unit,source
tin,flow,A,2020,2021,2,,"

# Runs of blanks are one space: an edition whose header has a no-break
# space ('Crude\302\240oil', as tables copied from web pages have) or two
# spaces makes crude-oil from the text the last one had; it was refused
# with a message that showed the two texts alike.
DB9="$WORK/origin-blanks.db"
printf 'date,Crude oil\n2020,1\n' > "$WORK/b1.csv"
printf 'date,Crude\302\240oil\n2021,2\n' > "$WORK/b2.csv"
printf 'date,Crude  oil\n2022,3\n' > "$WORK/b3.csv"
"$ASSAY" --db "$DB9" -q import "$WORK/b1.csv" --kind flow
run "$ASSAY" --db "$DB9" -q import "$WORK/b2.csv" --kind flow
expect_status origin-no-break-space 0
run "$ASSAY" --db "$DB9" -q import "$WORK/b3.csv" --kind flow
expect_status origin-two-spaces 0
run "$ASSAY" --db "$DB9" export crude-oil
expect_out origin-blanks-joined "period,value
2020,1
2021,2
2022,3"
