#!/bin/sh
# A killed import (kill -9 half-way through a large file) leaves the store
# exactly as it was: the import is one transaction, and SQLite's WAL
# recovery drops the frames of a transaction that never committed.
. "$TESTS_DIR/e2e/lib.sh"

# A populated store, with a revision, to compare against.
printf 'series,date,value\npre/cu,2026-01-05,1\npre/cu,2026-01-06,2\npre/zn,2025,7\n' > "$WORK/pre.csv"
printf 'series,date,value\npre/cu,2026-01-06,2.5\n' > "$WORK/pre2.csv"
"$ASSAY" -q import "$WORK/pre.csv" --kind price --vintage 2026-01-10 &&
"$ASSAY" -q import "$WORK/pre2.csv" --vintage 2026-01-11 ||
	not_ok kill-setup "could not populate the store"
sqlite3 "$DB" .dump > "$WORK/before.sql"

# 1,000,000 rows: 1,000 series of 1,000 years.
awk 'BEGIN {
	print "series,date,value"
	for (s = 0; s < 1000; s++)
		for (y = 1000; y < 2000; y++)
			printf "big/s%03d,%d,%d.25\n", s, y, y * s
}' > "$WORK/big.csv"

"$ASSAY" -q import "$WORK/big.csv" --kind flow &
pid=$!
# Wait until pass two has written a good part of its transaction to the
# WAL (about 27 MB when it commits), then kill it.  10 ms polls, at most
# 60 s (a slow machine, or a sanitizer build).
want=4194304
wal=0
i=0
while [ "$i" -lt 6000 ]; do
	wal=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
	[ "$wal" -ge "$want" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.01
	i=$((i + 1))
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
status=$?
if [ "$status" -eq 137 ]; then ok "kill: killed while running"
else not_ok "kill: killed while running" "exit status $status: the import ended before the kill"; fi
if [ "$wal" -ge "$want" ]; then ok "kill: killed while writing"
else not_ok "kill: killed while writing" "WAL only $wal bytes"; fi

# The store reads back exactly as before (this first open also runs the
# WAL recovery), and is sound.
sqlite3 "$DB" .dump > "$WORK/after.sql"
if cmp -s "$WORK/before.sql" "$WORK/after.sql"; then ok "kill: store unchanged"
else not_ok "kill: store unchanged" "$(diff "$WORK/before.sql" "$WORK/after.sql" | head -10)"; fi
run sqlite3 "$DB" 'PRAGMA integrity_check; PRAGMA foreign_key_check;'
expect_out "kill: integrity" ok
run "$ASSAY" list --format csv
expect_out "kill: list" "name,kind,freq,first,last,count,unit,source
pre/cu,price,D,2026-01-05,2026-01-06,2,,
pre/zn,price,A,2025,2025,1,,"
run "$ASSAY" export pre/cu --as-of 2026-01-10
expect_out "kill: old vintage" "period,value
2026-01-05,1
2026-01-06,2"

# And it takes the next import: no lock or half-written state is left.
printf 'series,date,value\nbig/s001,1999,1.5\n' > "$WORK/after.csv"
run "$ASSAY" import "$WORK/after.csv" --kind flow
expect_status "kill: next import" 0
expect_err "kill: next import summary" "assay: imported $WORK/after.csv: 1 row, 1 series (1 new): 1 inserted, 0 revised, 0 unchanged, 0 earlier-vintage, 0 NA, 0 skipped"
run "$ASSAY" show big/s001 --format csv
expect_out "kill: no revisions from the killed import" "period,old_value,old_vintage,new_value,new_vintage"
