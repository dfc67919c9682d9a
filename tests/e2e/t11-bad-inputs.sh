#!/bin/sh
# The catalogue of malformed and messy inputs in tests/bad (see its
# README): each case is imported with its arguments; the exit status and
# the whole of stderr must be exactly as written down.  Cases that fail
# (exit 2) run against a populated store that must not change at all;
# cases that succeed run against a fresh store whose contents must be the
# expected ones (NAME.out).
. "$TESTS_DIR/e2e/lib.sh"

BAD="$TESTS_DIR/bad"
GOOD_DB="$WORK/good.db"

# What a store holds, as the CLI shows it: the list, then every series
# (a name's glob characters bracketed, as every command reads a pattern:
# the series of that name alone, in long rows).
contents() {
	"$ASSAY" --db "$1" list --format csv
	sqlite3 "$1" 'SELECT name FROM series ORDER BY name' |
	while IFS= read -r name; do
		echo "== $name"
		"$ASSAY" --db "$1" export "$(printf '%s\n' "$name" | sed 's/[*?[]/[&]/g')"
	done
}

# The populated store: daily, monthly and annual series, two vintages.
{
	echo "series,date,value"
	for d in 05 06 07 08 09; do echo "pre/daily,2026-01-$d,1$d.5"; done
	for m in 01 02 03; do echo "pre/monthly,2025-$m,$m"; done
	echo "cu,2026-01-05,100"
} > "$WORK/pre.csv"
printf 'series,date,value\npre/annual,2024,1\npre/annual,2025,2\n' > "$WORK/pre2.csv"
printf 'series,date,value\npre/annual,2025,2.5\n' > "$WORK/pre3.csv"
"$ASSAY" -q import "$WORK/pre.csv" --kind price --vintage 2026-01-10 &&
"$ASSAY" -q import "$WORK/pre2.csv" --kind flow --vintage 2026-01-11 &&
"$ASSAY" -q import "$WORK/pre3.csv" --vintage 2026-02-01 ||
	not_ok bad-setup "could not populate the store"
sqlite3 "$DB" .dump > "$WORK/before.sql"

ncases=0
for args_file in "$BAD"/*.args; do
	name=$(basename "$args_file" .args)
	ncases=$((ncases + 1))
	want_status=2
	[ -f "$BAD/$name.status" ] && want_status=$(cat "$BAD/$name.status")
	db=$DB
	if [ "$want_status" -eq 0 ]; then
		rm -f "$GOOD_DB" "$GOOD_DB-wal" "$GOOD_DB-shm"
		db=$GOOD_DB
	fi
	eval "set -- $(cat "$args_file")"
	(cd "$BAD" && "$ASSAY" --db "$db" -q import "$name.csv" "$@") \
		> "$WORK/out" 2> "$WORK/err"
	status=$?
	if [ "$status" -eq "$want_status" ]; then ok "$name: status"
	else not_ok "$name: status" "exit $status, expected $want_status (stderr: $(head -c 300 "$WORK/err"))"; fi
	if cmp -s "$WORK/err" "$BAD/$name.err"; then ok "$name: stderr"
	else not_ok "$name: stderr" "[$(cat "$WORK/err")], expected [$(cat "$BAD/$name.err")]"; fi
	if [ -s "$WORK/out" ]; then not_ok "$name: stdout" "[$(head -c 300 "$WORK/out")]"
	else ok "$name: stdout"; fi
	if [ "$want_status" -eq 0 ]; then
		contents "$GOOD_DB" > "$WORK/contents" 2>&1
		if cmp -s "$WORK/contents" "$BAD/$name.out"; then ok "$name: contents"
		else not_ok "$name: contents" "$(diff "$BAD/$name.out" "$WORK/contents" | head -20)"; fi
	else
		# Nothing of a failed import is written, not even its record.
		sqlite3 "$DB" .dump > "$WORK/after.sql"
		if cmp -s "$WORK/before.sql" "$WORK/after.sql"; then ok "$name: store unchanged"
		else not_ok "$name: store unchanged" "$(diff "$WORK/before.sql" "$WORK/after.sql" | head -10)"; fi
	fi
done
[ "$ncases" -ge 30 ] && ok "catalogue size" || not_ok "catalogue size" "only $ncases cases"

# Every case has its expected stderr (and, when it succeeds, contents).
for f in "$BAD"/*.csv; do
	name=$(basename "$f" .csv)
	[ -f "$BAD/$name.args" ] && [ -f "$BAD/$name.err" ] && ok "$name: complete" ||
		not_ok "$name: complete" "no .args or .err"
done

run sqlite3 "$DB" 'PRAGMA integrity_check'
expect_out "bad: integrity" ok
