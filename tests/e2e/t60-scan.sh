#!/bin/sh
# assay scan: many series at once, Benjamini-Hochberg q-values, exit
# statuses, the reasons of series that cannot be judged, and output that
# does not depend on -j.  (BH itself is checked against statsmodels in
# tests/unit/test_fdr.c; here: that scan uses check's p-values.)
. "$TESTS_DIR/e2e/lib.sh"

WB26="$DATA_DIR/worldbank-cmo/cmo-monthly-2026-06.csv"
run "$ASSAY" -q import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02
expect_status scan-import-wb 0

run "$ASSAY" scan --help
expect_status scan-help 0
expect_out_has scan-help-exit "Exit status: 0 nothing notable"

# ---- real data: the header, one row per series, p-values as check's -----
run "$ASSAY" scan 'wb/*' --format csv
expect_status scan-wb-nothing-notable 0
header=$(printf '%s\n' "$out" | head -1)
[ "$header" = "series,period,value,pct_change,sigma,stat,p_value,q_value,raw_verdict,stale,verdict" ] &&
	ok scan-header || not_ok scan-header "$header"
rows=$(printf '%s\n' "$out" | tail -n +2 | wc -l)
nseries=$("$ASSAY" list 'wb/*' --format csv | tail -n +2 | wc -l)
[ "$rows" -eq "$nseries" ] && ok scan-one-row-per-series || not_ok scan-one-row-per-series "$rows rows, $nseries series"
expect_err_has scan-reason-on-stderr "assay: scan: wb/phosphate-rock 2026-05: cannot judge: the previous 20 months show no variation"
printf '%s\n' "$out" > "$WORK/scan1.csv"

for s in wb/copper wb/nickel wb/crude-oil-brent; do
	p_scan=$(awk -F, -v s="$s" '$1 == s { print $7 }' "$WORK/scan1.csv")
	p_check=$("$ASSAY" check "$s" --format json | sed -n 's/^ *"p_value": \([^,]*\),*$/\1/p')
	awk -v a="$p_scan" -v b="$p_check" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 1e-12 * (b < 0 ? -b : b)) }' &&
		ok "scan-p-equals-check-$s" || not_ok "scan-p-equals-check-$s" "scan $p_scan, check $p_check"
done

# sorted by p-value; q >= p; q monotone in p
awk -F, 'NR > 1 && $7 != "" { if (prev != "" && $7 + 0 < prev + 0) bad = 1; if ($8 + 0 < $7 + 0) bad = 1;
	if (pq != "" && $8 + 0 < pq + 0) bad = 1; prev = $7; pq = $8 } END { exit bad }' "$WORK/scan1.csv" &&
	ok scan-sorted-q-monotone || not_ok scan-sorted-q-monotone "order or q"

# ---- identical output whatever -j is -------------------------------------
run "$ASSAY" scan 'wb/*' --format csv -j 2
printf '%s\n' "$out" > "$WORK/scan2.csv"
cmp -s "$WORK/scan1.csv" "$WORK/scan2.csv" && ok scan-j2-identical || not_ok scan-j2-identical "differs"
run "$ASSAY" scan 'wb/*' --format json -j 3
printf '%s\n' "$out" > "$WORK/scan3.json"
run "$ASSAY" scan 'wb/*' --format json -j 1
printf '%s\n' "$out" | cmp -s - "$WORK/scan3.json" && ok scan-json-j-identical || not_ok scan-json-j-identical "differs"
case "$out" in *'"q_value":'*'"verdict":'*) ok scan-json-keys ;; *) not_ok scan-json-keys "keys" ;; esac

# ---- a planted shock among quiet series: exit 1 and the shock first -------
awk 'BEGIN {
	srand(7); print "series,date,value";
	for (s = 0; s < 30; s++) {
		v = 100;
		for (m = 0; m < 60; m++) {
			# sum of uniforms: roughly normal changes of sd ~1%
			e = 0; for (k = 0; k < 12; k++) e += rand(); e -= 6;
			v *= exp(0.01 * e);
			if (s == 0 && m == 59) v *= exp(0.15);   # a 15-sigma jump
			printf "sim/s%02d,%04d-%02d,%.6f\n", s, 2020 + int(m / 12), 1 + m % 12, v;
		}
	}
}' > "$WORK/sim.csv"
run "$ASSAY" -q import "$WORK/sim.csv" --kind price
expect_status scan-import-sim 0
run "$ASSAY" scan 'sim/*' --format csv
expect_status scan-notable-exit-1 1
first=$(printf '%s\n' "$out" | sed -n 2p)
case "$first" in sim/s00,2024-12,*,shock) ok scan-shock-first ;; *) not_ok scan-shock-first "$first" ;; esac
notable=$(printf '%s\n' "$out" | grep -c ',shock$\|,trend$')
[ "$notable" -eq 1 ] && ok scan-one-notable || not_ok scan-one-notable "$notable notable"

# --fdr: a stricter rate can only flag fewer
run "$ASSAY" scan 'sim/*' --fdr 0.000001 --format csv
n_strict=$(printf '%s\n' "$out" | grep -c ',shock$\|,trend$')
[ "$n_strict" -le 1 ] && ok scan-fdr-stricter || not_ok scan-fdr-stricter "$n_strict"

# ---- a series too short to judge is listed, the scan goes on ---------------
printf 'series,date,value\nshort/x,2026-01,1\nshort/x,2026-02,2\nshort/x,2026-03,3\n' > "$WORK/short.csv"
run "$ASSAY" -q import "$WORK/short.csv" --kind flow
run "$ASSAY" scan 'short/*' 'sim/s01' --format csv
expect_status scan-unjudged-goes-on 0
# in check's words (scan said only "too little history")
expect_err_has scan-unjudged-reason "assay: scan: short/x 2026-03: cannot judge: only 1 month of history (8 needed)"
expect_out_has scan-unjudged-row "short/x,2026-03,3,50,,,,,"
run "$ASSAY" check short/x
expect_out_has scan-unjudged-as-check "short/x 2026-03: +50.0% MoM, cannot judge: only 1 month of history (8 needed)"

# ---- errors -----------------------------------------------------------------
run "$ASSAY" scan 'nothing/*'
expect_status scan-no-match 2
expect_err scan-no-match-msg "assay: no series matches 'nothing/*'"
run "$ASSAY" scan --fdr 2
expect_status scan-bad-fdr 2
expect_err_has scan-bad-fdr-msg "assay scan: --fdr takes a number greater than 0 and less than 1, not '2'"
run "$ASSAY" scan -j 0
expect_status scan-bad-jobs 2

# ---- sigma of a series that cannot be judged: check's, as for the others ----
DBS="$WORK/short.db"
printf 'date,value\n2020,10\n2021,12\n2022,11\n2023,15\n2024,14\n' > "$WORK/short.csv"
"$ASSAY" --db "$DBS" -q import "$WORK/short.csv" --series a --kind flow --unit t
sig_check=$("$ASSAY" --db "$DBS" -q check a --format json | sed -n 's/^  "sigma": \(.*\),$/\1/p')
run "$ASSAY" --db "$DBS" -q scan a --format csv
sig_scan=$(printf '%s\n' "$out" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "sigma") c = i } NR == 2 { print $c }')
[ -n "$sig_check" ] && [ "$sig_check" = "$sig_scan" ] && ok scan-sigma-unjudged ||
	not_ok scan-sigma-unjudged "check [$sig_check], scan [$sig_scan]"
# a series the analysis refuses: the analysis' own words, as check says them
# (scan said only "cannot be analysed at this frequency"); still exit 3
run "$ASSAY" --db "$DBS" check a --seasonal yes
expect_err scan-refused-check "assay: a: --seasonal yes needs monthly or quarterly data (these are annual)"
run "$ASSAY" --db "$DBS" scan a --seasonal yes
expect_status scan-refused-status 3
expect_err_has scan-refused-why "assay: scan: a: cannot judge: --seasonal yes needs monthly or quarterly data (these are annual)"
expect_out_has scan-refused-table "--seasonal yes needs monthly or quarterly data (these are annual)"

# ---- the selection shortens the table, and says what it left out --------
# 30 monthly series, one with a +25% last month: notable in the batch
write_batch_with_one_shock "$WORK/sel.csv"
run "$ASSAY" --db "$WORK/sel.db" -q import "$WORK/sel.csv" --kind price
expect_status sel-import 0
run "$ASSAY" --db "$WORK/sel.db" scan 'g/*' --top 3 --sort name
expect_status sel-top-status 1
expect_err_has sel-top-closing "30 judged, 1 notable at FDR 0.05"
expect_err_has sel-top-hidden "assay: scan: 1 of the notable moves not shown (--since, --top or --notable-only)"
run "$ASSAY" --db "$WORK/sel.db" scan 'g/*' --since 2099-01 --format json
expect_status sel-since-status 1
expect_out sel-since-empty "[]"
expect_err_has sel-since-hidden "1 of the notable moves not shown"
# a --period no series has: nothing judged is "cannot judge" (3), not
# "nothing notable" (0)
run "$ASSAY" --db "$WORK/sel.db" scan 'g/*' --period 2019-01
expect_status sel-period-none-status 3
expect_err_has sel-period-none-said "assay: scan: no series could be judged"
# a store with no series is no batch: exit 2, as plot --all says (scan said
# 'scanned 0 series' and exit 0, nothing notable; report wrote an empty one)
printf 'series,date,value\ne,2020-01,1\n' > "$WORK/e.csv"
"$ASSAY" --db "$WORK/empty.db" -q import "$WORK/e.csv" --kind price
"$ASSAY" --db "$WORK/empty.db" -q rm e
run "$ASSAY" --db "$WORK/empty.db" scan
expect_status scan-empty-store-status 2
expect_err scan-empty-store-msg "assay: no series in $WORK/empty.db"
run "$ASSAY" --db "$WORK/empty.db" report -o "$WORK/empty-rep"
expect_status report-empty-store-status 2
[ ! -e "$WORK/empty-rep" ] && ok report-empty-store-nothing || not_ok report-empty-store-nothing "a report was written"
# and --help and the man page say so (they listed 0, 1, 2 and 4 only)
run "$ASSAY" scan --help
expect_out_has sel-period-none-help "3 no series of the batch could be judged"
if grep -q 'scan\\fR: no series of the batch could be judged' "$TESTS_DIR/../src/assay.1"; then ok sel-period-none-man
else not_ok sel-period-none-man "assay.1 does not name scan's exit status 3"; fi
run "$ASSAY" --db "$WORK/sel.db" scan 'g/*' --period 2025Q4
expect_status sel-period-coarser-status 3

# a scan reads one snapshot on its connection: an import that commits while
# it runs shows in all of its rows or in none (each series was read in a
# transaction of its own; 1734 of 2000 were judged on the new final month)
write_snapshot_imports "$WORK" 2000 240 2006
SNAP="$WORK/snap.db"
"$ASSAY" --db "$SNAP" -q import "$WORK/snap1.csv" --kind price --vintage 2025-01-01
"$ASSAY" --db "$SNAP" -q scan -j 1 --format csv > "$WORK/snap.out" &
sleep 0.3
"$ASSAY" --db "$SNAP" -q import "$WORK/snap2.csv" --vintage 2025-02-01
wait
new=$(awk -F, 'NR > 1 && $4 > 100' "$WORK/snap.out" | wc -l)
all=$(tail -n +2 "$WORK/snap.out" | wc -l)
if [ "$all" -eq 2000 ] && { [ "$new" -eq 0 ] || [ "$new" -eq 2000 ]; }; then ok scan-one-snapshot
else not_ok scan-one-snapshot "$new of $all series judged on the import that committed meanwhile"; fi

# ... and so does scan -j N, whose threads read on connections of their own:
# they begin on one snapshot.  (Each thread's began at its first read: with
# imports committing one after another, a third of the scans -j 16 mixed
# two states of the store, some series judged on a month the others had
# not, and marked stale.)  Every import adds one month to every series, so
# a scan of one snapshot has one latest period.
awk 'BEGIN { s = 5; print "series,date,value"
	for (k = 0; k < 1000; k++) for (i = 0; i < 24; i++) {
		s = (s * 1103515245 + 12345) % 2147483648
		printf "j/x%04d,%d-%02d,%.4f\n", k, 2020 + int(i / 12), i % 12 + 1, 100 + s % 997 / 100 } }' > "$WORK/j.csv"
"$ASSAY" --db "$WORK/j.db" -q import "$WORK/j.csv" --kind price --vintage 2025-01-01
m=0
while [ $m -lt 30 ]; do
	awk -v m=$m 'BEGIN { print "series,date,value"; for (k = 0; k < 1000; k++)
		printf "j/x%04d,%d-%02d,%d\n", k, 2022 + int(m / 12), m % 12 + 1, 100 + (k + m) % 7 }' > "$WORK/j$m.csv"
	m=$((m + 1))
done
(
	m=0
	while [ $m -lt 30 ]; do
		"$ASSAY" --db "$WORK/j.db" -q import "$WORK/j$m.csv" --vintage "2025-02-$((10 + m % 18))T0$((m / 18)):00:00"
		m=$((m + 1))
	done
) &
importer=$!
mixed=0 scans=0
while kill -0 $importer 2>/dev/null; do
	scans=$((scans + 1))
	"$ASSAY" --db "$WORK/j.db" -q scan -j 16 --format csv > "$WORK/j.out"
	periods=$(tail -n +2 "$WORK/j.out" | cut -d, -f2 | sort -u | wc -l)
	[ "$periods" -eq 1 ] || mixed=$((mixed + 1))
done
wait
[ "$mixed" -eq 0 ] && [ "$scans" -gt 0 ] && ok scan-j-one-snapshot ||
	not_ok scan-j-one-snapshot "$mixed of $scans scans -j 16 mixed two states of the store"
