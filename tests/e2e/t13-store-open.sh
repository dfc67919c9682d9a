#!/bin/sh
# Opening the store: readers refuse a newer schema as writers do; a store
# on a read-only file system or in a read-only directory is read where
# SQLite can, and otherwise the message says what is read-only (never "not
# an assay store"); a file that is no database is "not an assay store".
# Also: impossible --as-of times and overlong period labels on reading
# commands are refused with exit 2, naming the option.
. "$TESTS_DIR/e2e/lib.sh"

printf 'series,date,value\ncu,2026-01,1.5\ncu,2026-02,1.75\ncu,2026-03,2\n' > "$WORK/m.csv"
run "$ASSAY" -q import "$WORK/m.csv" --kind price --vintage 2026-04-01
expect_status open-setup 0

# ---- a store from a newer assay -------------------------------------------
cp "$DB" "$WORK/new.db"
sqlite3 "$WORK/new.db" 'PRAGMA user_version = 99'
sqlite3 "$WORK/new.db" .dump > "$WORK/new.before"
for cmd in list "export cu" "changes cu" "check cu" "show cu" "trend cu" "scan cu"; do
	name=$(echo "$cmd" | cut -d' ' -f1)
	# shellcheck disable=SC2086
	run "$ASSAY" --db "$WORK/new.db" $cmd
	expect_status "newer-schema-$name-status" 4
	expect_err "newer-schema-$name-msg" "assay: $WORK/new.db: store schema version 99 is newer than this assay understands (5)"
	[ -z "$out" ] && ok "newer-schema-$name-no-output" ||
		not_ok "newer-schema-$name-no-output" "[$out]"
done
run "$ASSAY" --db "$WORK/new.db" -q import "$WORK/m.csv" --kind price
expect_status newer-schema-import-status 4
expect_err newer-schema-import-msg "assay: $WORK/new.db: store schema version 99 is newer than this assay understands (5)"
sqlite3 "$WORK/new.db" .dump > "$WORK/new.after"
cmp -s "$WORK/new.before" "$WORK/new.after" && ok newer-schema-unchanged ||
	not_ok newer-schema-unchanged "the store changed"

# ---- a store of an earlier schema (version 3, before series_origin): an
# import migrates it in its own transaction, so that an import that fails,
# or a --dry-run, leaves the file byte for byte as it was (the migration
# was committed at the opening, before the import failed); readers read it
# as it is; the first import that commits migrates it
V3="$WORK/v3.db"
cp "$DB" "$V3"
sqlite3 "$V3" 'DROP TABLE derived_kind; DROP TABLE series_origin; PRAGMA user_version = 3'
cp "$V3" "$WORK/v3.orig"
printf 'series,date,value\ncu,2026-04,x\n' > "$WORK/v3-bad.csv"
printf 'series,date,value\ncu,2026-04,2.5\n' > "$WORK/v3-good.csv"
run "$ASSAY" --db "$V3" -q import "$WORK/v3-bad.csv" --kind price
expect_status v3-failed-import-status 2
cmp -s "$V3" "$WORK/v3.orig" && ok v3-failed-import-unchanged ||
	not_ok v3-failed-import-unchanged "the file changed: user_version $(sqlite3 "$V3" 'PRAGMA user_version')"
run "$ASSAY" --db "$V3" -q import "$WORK/v3-good.csv" --kind price --dry-run
expect_status v3-dry-run-status 0
cmp -s "$V3" "$WORK/v3.orig" && ok v3-dry-run-unchanged ||
	not_ok v3-dry-run-unchanged "the file changed: user_version $(sqlite3 "$V3" 'PRAGMA user_version')"
run "$ASSAY" --db "$V3" export cu
expect_out v3-readable "period,value
2026-01,1.5
2026-02,1.75
2026-03,2"
run "$ASSAY" --db "$V3" list --format csv
expect_status v3-list-status 0
cmp -s "$V3" "$WORK/v3.orig" && ok v3-read-unchanged || not_ok v3-read-unchanged "the file changed"
run "$ASSAY" --db "$V3" -q import "$WORK/v3-good.csv" --kind price
expect_status v3-import-status 0
run sqlite3 "$V3" "PRAGMA user_version; SELECT count(*) FROM sqlite_master WHERE name IN ('series_origin', 'derived_kind')"
expect_out v3-import-migrates "5
2"
run "$ASSAY" --db "$V3" export cu --from 2026-04
expect_out v3-import-value "period,value
2026-04,2.5"

# ... and so do the writers that edit series (rename, merge, derive, rm):
# they migrated the store when they opened it, so that one that failed
# left a version-4 file (the migration committed, the edit refused); now
# the migration is part of the edit's transaction.  A store with a derived
# series 'd' over cu and x, x then removed: renaming d to x would make a
# circle, refused inside the edit's transaction.
V3E="$WORK/v3-edit.db"
printf 'series,date,value\ncu,2026-01,1.5\ncu,2026-02,1.75\nni,2026-03,3\nx,2026-01,1\n' > "$WORK/v3e.csv"
"$ASSAY" --db "$V3E" -q import "$WORK/v3e.csv" --kind price --vintage 2026-04-01 &&
"$ASSAY" --db "$V3E" -q derive d 'x + cu' --unit t &&
"$ASSAY" --db "$V3E" -q rm x &&
sqlite3 "$V3E" 'DROP TABLE derived_kind; DROP TABLE series_origin; PRAGMA user_version = 3' ||
	not_ok v3-edit-setup "could not make the store"
cp "$V3E" "$WORK/v3-edit.orig"
while IFS='|' read -r name want cmd; do
	cp "$WORK/v3-edit.orig" "$V3E"
	# shellcheck disable=SC2086
	run "$ASSAY" --db "$V3E" -q $cmd
	expect_status "v3-$name-status" "$want"
	cmp -s "$V3E" "$WORK/v3-edit.orig" && ok "v3-$name-unchanged" ||
		not_ok "v3-$name-unchanged" "the file changed: user_version $(sqlite3 "$V3E" 'PRAGMA user_version')"
done <<'EOF'
rename-missing|2|rename nosuch y
rename-circle|2|rename d x
merge-missing|2|merge cu nosuch --into cw
merge-derived|2|merge cu d --into cw
derive-unknown-input|2|derive e nosuch*2
derive-over-imported|2|derive cu ni*2
derive-dry-run|0|derive e cu*2 --dry-run
rm-missing|2|rm cu nosuch
rm-dry-run|0|rm --dry-run cu
EOF
# ... the edits that succeed migrate it, in their transaction
while IFS='|' read -r name cmd; do
	cp "$WORK/v3-edit.orig" "$V3E"
	# shellcheck disable=SC2086
	run "$ASSAY" --db "$V3E" -q $cmd
	expect_status "v3-$name-status" 0
	run sqlite3 "$V3E" "PRAGMA user_version; SELECT count(*) FROM sqlite_master WHERE name IN ('series_origin', 'derived_kind')"
	expect_out "v3-$name-migrates" "5
2"
done <<'EOF'
rename|rename ni zn
merge|merge cu ni --into cw
derive|derive e cu*2
rm|rm ni
EOF
run "$ASSAY" --db "$V3E" export cu
expect_out v3-rm-kept-cu "period,value
2026-01,1.5
2026-02,1.75"

# A refusal inside an edit's transaction (a circle found after the rename
# was written) rolled back a savepoint and released it, which committed an
# empty transaction: the file's change counter moved, on a current store
# too.  The edit's transaction is now its own (BEGIN IMMEDIATE), and
# rolled back.
cp "$WORK/v3-edit.orig" "$V3E"
"$ASSAY" --db "$V3E" -q rename ni ni2 || not_ok v4-edit-setup "rename failed"
cp "$V3E" "$WORK/v4-edit.orig"
run "$ASSAY" --db "$V3E" -q rename d x
expect_status v4-rename-circle-status 2
expect_err v4-rename-circle-msg "assay: renaming 'd' to 'x' would make a circular definition: x -> x; assay rm or redefine the series that names 'x' first"
cmp -s "$V3E" "$WORK/v4-edit.orig" && ok v4-rename-circle-unchanged ||
	not_ok v4-rename-circle-unchanged "the file changed"

# ---- no file at --db: the writers that edit series say so, as readers do,
# and create nothing (they made an empty store and blamed the series) ------
for cmd in "list" "show cu" "rm cu" "rename cu cv" "merge cu cv --into cw" \
	"derive d cu*2"; do
	name=$(echo "$cmd" | cut -d' ' -f1)
	rm -f "$WORK/typo.db"*
	# shellcheck disable=SC2086
	run "$ASSAY" --db "$WORK/typo.db" $cmd
	expect_status "no-store-$name-status" 4
	expect_err "no-store-$name-msg" "assay: $WORK/typo.db: no such store (import something first, or pass --db)"
	if ls "$WORK"/typo.db* >/dev/null 2>&1; then
		not_ok "no-store-$name-nothing-made" "$(ls "$WORK"/typo.db*)"
	else ok "no-store-$name-nothing-made"; fi
done
# ... an import makes the store it is given
run "$ASSAY" --db "$WORK/typo.db" -q import "$WORK/m.csv" --kind price
expect_status no-store-import-creates 0
run "$ASSAY" --db "$WORK/typo.db" rename cu cv
expect_status no-store-rename-after-import 0
rm -f "$WORK/typo.db"*

# ---- files that are not assay stores --------------------------------------
echo "hello, world" > "$WORK/text.db"
run "$ASSAY" --db "$WORK/text.db" list
expect_status not-db-list-status 4
expect_err not-db-list-msg "assay: $WORK/text.db: not an assay store: file is not a database"
run "$ASSAY" --db "$WORK/text.db" -q import "$WORK/m.csv" --kind price
expect_status not-db-import-status 4
expect_err not-db-import-msg "assay: $WORK/text.db: not an assay store: file is not a database"
[ "$(cat "$WORK/text.db")" = "hello, world" ] && ok not-db-unchanged ||
	not_ok not-db-unchanged "the file changed"
mkdir "$WORK/dir.db"
run "$ASSAY" --db "$WORK/dir.db" export cu
expect_status dir-export-status 4
expect_err dir-export-msg "assay: $WORK/dir.db: not an assay store: a directory"
# Somebody else's SQLite database: not read, and not written into.
sqlite3 "$WORK/other.db" 'CREATE TABLE t(x); INSERT INTO t VALUES (1)'
run "$ASSAY" --db "$WORK/other.db" list
expect_status foreign-list-status 4
expect_err foreign-list-msg "assay: $WORK/other.db: not an assay store: no such table: series"
run "$ASSAY" --db "$WORK/other.db" -q import "$WORK/m.csv" --kind price
expect_status foreign-import-status 4
expect_err foreign-import-msg "assay: $WORK/other.db: not an assay store: a SQLite database with other tables (give a new file with --db)"
run sqlite3 "$WORK/other.db" .tables
expect_out foreign-import-untouched "t"

# ---- read-only file system ------------------------------------------------
# Tests run as root, which ignores permission bits: a read-only bind mount
# in a mount namespace of our own (unshare -m) makes the directory truly
# read-only, and disappears with the command.
RO="$WORK/ro"
mkdir "$RO"
cp "$DB" "$RO/st.db"
# A store whose last import's log was never checkpointed (a killed
# process): the newest value 2.5 is only in st.db-wal.
mkdir "$WORK/crash"
cp "$DB" "$WORK/crash/st.db"
printf 'PRAGMA journal_mode = WAL;\nUPDATE obs SET value = 2.5 WHERE period = 2026 * 12 + 1;\n.shell cp %s/crash/st.db %s/crash/st.db-wal %s/\n.shell cp %s/crash/st.db-shm %s/shm-copy\n' \
	"$WORK" "$WORK" "$RO" "$WORK" "$WORK" | sqlite3 "$WORK/crash/st.db" > /dev/null
mv "$RO/st.db" "$RO/crashed.db" && mv "$RO/st.db-wal" "$RO/crashed.db-wal"
cp "$DB" "$RO/st.db"
cp "$RO/crashed.db" "$RO/indexed.db"
cp "$RO/crashed.db-wal" "$RO/indexed.db-wal"
cp "$WORK/shm-copy" "$RO/indexed.db-shm"

in_ro() { # in_ro CMD...: run CMD with $RO mounted read-only
	unshare -m sh -c 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && shift && exec "$@"' \
		"$RO" x "$@"
}
if in_ro touch "$RO/probe" 2>/dev/null || ! in_ro true 2>/dev/null; then
	rm -f "$RO/probe"
	echo "SKIP read-only file system: cannot make a read-only bind mount here (unshare -m)" >&2
	ok "ro-fs-skipped (SKIP: no unshare -m)"
else
	run in_ro "$ASSAY" --db "$RO/st.db" export cu
	expect_status ro-fs-export-status 0
	expect_out ro-fs-export "period,value
2026-01,1.5
2026-02,1.75
2026-03,2"
	run in_ro "$ASSAY" --db "$RO/st.db" list --format csv
	expect_status ro-fs-list-status 0
	expect_out_has ro-fs-list "cu,price,M,2026-01,2026-03,3"
	run in_ro "$ASSAY" --db "$RO/st.db" changes cu --format csv
	expect_status ro-fs-changes-status 0
	run in_ro "$ASSAY" --db "$RO/st.db" -q import "$WORK/m.csv" --kind price
	expect_status ro-fs-import-status 4
	expect_err ro-fs-import-msg "assay: $RO/st.db: cannot open the store read-write: Read-only file system"
	run in_ro "$ASSAY" --db "$RO/st.db" rm cu
	expect_status ro-fs-rm-status 4
	expect_err ro-fs-rm-msg "assay: $RO/st.db: cannot open the store read-write: Read-only file system"
	run in_ro "$ASSAY" --db "$RO/fresh.db" -q import "$WORK/m.csv" --kind price
	expect_status ro-fs-create-status 4
	expect_err ro-fs-create-msg "assay: $RO/fresh.db: cannot create the store: its directory $RO is not writable (Read-only file system)"
	# A log without its index cannot be read there; the file alone
	# would show the older 1.75, so nothing is shown.
	run in_ro "$ASSAY" --db "$RO/crashed.db" export cu
	expect_status ro-fs-wal-status 4
	expect_err ro-fs-wal-msg "assay: $RO/crashed.db: cannot read the store: its directory $RO is not writable (Read-only file system) and SQLite needs to create $RO/crashed.db-shm there to read the write-ahead log $RO/crashed.db-wal"
	[ -z "$out" ] && ok ro-fs-wal-no-output || not_ok ro-fs-wal-no-output "[$out]"
	# With the index there too, SQLite reads the log: the newest value.
	run in_ro "$ASSAY" --db "$RO/indexed.db" export cu
	expect_status ro-fs-indexed-status 0
	expect_out ro-fs-indexed "period,value
2026-01,1.5
2026-02,2.5
2026-03,2"
	run ls "$RO"
	expect_out ro-fs-nothing-created "crashed.db
crashed.db-wal
indexed.db
indexed.db-shm
indexed.db-wal
st.db"
fi

# ---- read-only directory, as a user without root's override ----------------
# setpriv drops to nobody, for whom permission bits count.
if [ "$(id -u)" -eq 0 ] && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	U="$WORK/user"
	mkdir "$U"
	cp "$DB" "$U/st.db"
	chmod 755 "$WORK"
	chmod 666 "$U/st.db"
	chmod 555 "$U"                  # nobody may write it: read as immutable
	run as_nobody "$ASSAY" --db "$U/st.db" export cu --from 2026-03
	expect_status ro-dir-export-status 0
	expect_out ro-dir-export "period,value
2026-03,2"
	run as_nobody "$ASSAY" --db "$U/st.db" -q import "$WORK/m.csv" --kind price
	expect_status ro-dir-import-status 4
	expect_err ro-dir-import-msg "assay: $U/st.db: cannot write to the store: its directory $U is not writable (Permission denied)"
	chmod 755 "$U"                  # its owner may import meanwhile
	run as_nobody "$ASSAY" --db "$U/st.db" export cu
	expect_status ro-dir-owned-status 4
	expect_err ro-dir-owned-msg "assay: $U/st.db: cannot read the store: its directory $U is not writable (Permission denied), so SQLite cannot create $U/st.db-shm to coordinate with writers (read it as a user who can write there, or a copy)"
	chmod 444 "$U/st.db"
	chmod 777 "$U"
	run as_nobody "$ASSAY" --db "$U/st.db" -q import "$WORK/m.csv" --kind price
	expect_status ro-file-import-status 4
	expect_err ro-file-import-msg "assay: $U/st.db: cannot open the store read-write: Permission denied"
	chmod 000 "$U/st.db"
	run as_nobody "$ASSAY" --db "$U/st.db" list
	expect_status unreadable-list-status 4
	expect_err unreadable-list-msg "assay: $U/st.db: cannot read the store: Permission denied"
	chmod 700 "$WORK"
else
	echo "SKIP read-only directory: not root, or setpriv cannot switch to nobody" >&2
	ok "ro-dir-skipped (SKIP: no setpriv)"
fi

# ---- a vintage after tomorrow (UTC) is a typo, refused (2062 for 2026 would
# make the file's values current against every real edition after it);
# tomorrow is accepted: a date is read as its last second, and a publisher
# east of UTC may be a day ahead
snapshot_vintage=$(sqlite3 "$DB" "SELECT count(*) FROM imports")
run "$ASSAY" import "$WORK/m.csv" --kind price --vintage 2062-01-01
expect_status vintage-future-status 2
expect_err vintage-future-msg "assay import: --vintage: 2062-01-01 is after today ($(date -u +%Y-%m-%d)): a vintage is when the data were published
Try 'assay import --help'."
[ "$(sqlite3 "$DB" "SELECT count(*) FROM imports")" = "$snapshot_vintage" ] &&
	ok vintage-future-writes-nothing || not_ok vintage-future-writes-nothing "an import was recorded"
run "$ASSAY" import "$WORK/m.csv" --kind price --vintage "$(date -u -d tomorrow +%Y-%m-%d)" --dry-run
expect_status vintage-tomorrow-status 0

# ---- impossible times and overlong labels on reading commands -------------
run "$ASSAY" export cu --as-of 2020-04-31
expect_status asof-apr31-export-status 2
expect_err asof-apr31-export-msg "assay export: --as-of: cannot read vintage time '2020-04-31': day 31 is out of range for 2020-04
Try 'assay export --help'."
run "$ASSAY" changes cu --as-of 2020-04-31
expect_status asof-apr31-changes-status 2
expect_err asof-apr31-changes-msg "assay changes: --as-of: cannot read vintage time '2020-04-31': day 31 is out of range for 2020-04
Try 'assay changes --help'."
run "$ASSAY" check cu --as-of 2021-02-29
expect_status asof-feb29-check-status 2
expect_err asof-feb29-check-msg "assay check: --as-of: cannot read vintage time '2021-02-29': day 29 is out of range for 2021-02
Try 'assay check --help'."
run "$ASSAY" trend cu --as-of 2021-01-01T25:00:00
expect_status asof-hour25-trend-status 2
expect_err asof-hour25-trend-msg "assay trend: --as-of: cannot read vintage time '2021-01-01T25:00:00': hour 25 is out of range
Try 'assay trend --help'."
run "$ASSAY" scan cu --as-of 2021-06-29T23:59:60
expect_status asof-second60-scan-status 2
expect_err asof-second60-scan-msg "assay scan: --as-of: cannot read vintage time '2021-06-29T23:59:60': second 60 is out of range
Try 'assay scan --help'."
# A real leap second and a real leap day are fine.
run "$ASSAY" export cu --as-of 2016-12-31T23:59:60Z
expect_status asof-leap-second-status 0
expect_out asof-leap-second-empty "period,value"
run "$ASSAY" export cu --as-of 2028-02-29
expect_status asof-leap-day-status 0
expect_out_has asof-leap-day "2026-03,2"

run "$ASSAY" export cu --from 1960M12345678901
expect_status from-overflow-status 2
expect_err from-overflow-msg "assay: --from: cannot read period '1960M12345678901': month 12345678901 is out of range"
run "$ASSAY" changes cu --to 2026M99999999999
expect_status to-overflow-status 2
expect_err to-overflow-msg "assay changes: --to: cannot read period '2026M99999999999': month 99999999999 is out of range
Try 'assay changes --help'."

# ---- a period that no date gives (a damaged or hand-edited store) ----------
cp "$DB" "$WORK/damaged.db"
sqlite3 "$WORK/damaged.db" 'UPDATE obs SET period = 9223372036854775807 WHERE period = 2026 * 12 + 2'
run "$ASSAY" --db "$WORK/damaged.db" export cu
expect_status damaged-export-status 4
expect_err damaged-export-msg "assay: $WORK/damaged.db: series 1 holds period 9223372036854775807, which no date gives: the store is damaged"
run "$ASSAY" --db "$WORK/damaged.db" changes cu
expect_status damaged-changes-status 4
run "$ASSAY" --db "$WORK/damaged.db" list --format csv
expect_status damaged-list-status 0
expect_out_has damaged-list-labels "cu,price,M,2026-01,768614336404564650-08,3"

# ---- imports started together on a path with no store yet ------------------
# Each saw schema version 0 before the write lock; all but the first to take
# it then found the new tables and called the store somebody else's ("not an
# assay store: a SQLite database with other tables", exit 4).
# What must hold: an import that exits 0 has landed, and none calls the new
# store somebody else's.  (One that times out on the lock of a loaded
# machine says so and exits 4: reported, not lost; counted apart.)
for k in 0 1 2 3; do printf 'date,value\n2024-01,%d\n2024-02,%d\n' $k $k > "$WORK/par$k.csv"; done
bad=""
busy=0
for trial in 1 2 3 4 5; do
	rm -f "$WORK/par.db" "$WORK/par.db-wal" "$WORK/par.db-shm"
	pids=""
	for k in 0 1 2 3; do
		"$ASSAY" --db "$WORK/par.db" -q import "$WORK/par$k.csv" --series "s$k" \
			--kind price > "$WORK/par$k.out" 2>&1 &
		pids="$pids $!"
	done
	sts=""
	for pid in $pids; do
		st=0
		wait "$pid" || st=$?
		sts="$sts $st"
	done
	k=0
	for st in $sts; do
		got=$(sqlite3 "$WORK/par.db" "SELECT count(*) FROM series WHERE name = 's$k'")
		if [ "$st" -eq 0 ] && [ "$got" -ne 1 ]; then
			bad="$bad trial $trial s$k: exit 0 but not stored;"
		elif [ "$st" -ne 0 ] && grep -q 'not an assay store' "$WORK/par$k.out"; then
			bad="$bad trial $trial s$k: $(head -c 200 "$WORK/par$k.out");"
		elif [ "$st" -ne 0 ]; then
			busy=$((busy + 1))
			printf 'parallel import s%d (trial %d), exit %d: %s\n' "$k" "$trial" "$st" \
				"$(head -c 200 "$WORK/par$k.out")" >&2
		fi
		k=$((k + 1))
	done
done
[ -z "$bad" ] && ok parallel-first-imports || not_ok parallel-first-imports "$bad"
[ "$busy" -le 2 ] && ok parallel-first-imports-mostly-land ||
	not_ok parallel-first-imports-mostly-land "$busy of 20 imports failed (see stderr)"
