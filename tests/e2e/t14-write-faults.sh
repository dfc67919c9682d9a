#!/bin/sh
# Writes that fail are errors (exit 4, one line naming the real error) and
# never replace what was there:
#   (a) plot and report onto a full file system (a small tmpfs) leave the
#       charts and pages that were there byte for byte, and no temporary file;
#       (a2) an import onto one is SQLite's error and writes nothing;
#   (b) every command that prints, with stdout on /dev/full: exit 4 and
#       "assay: write error on standard output: No space left on device";
#   (c) the same with stdout closed: "... Bad file descriptor", and no file
#       that assay opens takes its place;
#   (d) TERM (and INT) during a report or a plot batch over 200 series: no
#       temporary chart or gnuplot script left, death by the signal (143);
#   (e) after KILL, the next run removes the leftovers of the dead process
#       and nothing else.
. "$TESTS_DIR/e2e/lib.sh"

WB26="$DATA_DIR/worldbank-cmo/cmo-monthly-2026-06.csv"
MSG_FULL="assay: write error on standard output: No space left on device"
MSG_CLOSED="assay: write error on standard output: Bad file descriptor"
"$ASSAY" -q import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02 || not_ok setup-import "wb"

# 200 generated monthly series (a random walk each; awk's rand with a fixed
# seed), so that a report or plot batch runs long enough to be stopped.
awk 'BEGIN { srand(7); print "series,date,value"
	for (s = 0; s < 200; s++) { v = 100 + s
		for (m = 0; m < 120; m++) { v *= exp(0.03 * (rand() - 0.5))
			printf "gen/s%03d,%d-%02d,%.3f\n", s, 2010 + int(m / 12), m % 12 + 1, v } } }' \
	> "$WORK/gen.csv"
"$ASSAY" -q import "$WORK/gen.csv" --kind price --unit t --source "generated" || not_ok setup-import "gen"
# 60 series of two years each: too short for charts, so a report of them
# is only its pages.
awk 'BEGIN { print "series,date,value"
	for (s = 0; s < 60; s++) printf "short/s%02d,2023,%d\nshort/s%02d,2024,%d\n", s, 10 + s, s, 12 + s }' \
	> "$WORK/short.csv"
"$ASSAY" -q import "$WORK/short.csv" --kind flow --unit t || not_ok setup-import "short"

# Temporary files of assay's pattern, or any hidden .tmp, under a directory.
tmp_left() { find "$1" -name '.*.tmp' 2>/dev/null | head -3; }
expect_no_tmp() {
	left=$(tmp_left "$2")
	[ -z "$left" ] && ok "$1" || not_ok "$1" "left: $left"
}
expect_one_line() {
	n=$(wc -l < "$WORK/err")
	[ "$n" -eq 1 ] && ok "$1" || not_ok "$1" "$n lines on stderr: $(head -c 400 "$WORK/err")"
}
expect_same_tree() {
	if diff -r "$2" "$3" > "$WORK/diff" 2>&1; then ok "$1"
	else not_ok "$1" "$(head -3 "$WORK/diff")"; fi
}

# ---- (a) a full file system -----------------------------------------------

MNT="$WORK/mnt"
mkdir "$MNT"
if mount -t tmpfs -o size=4m tmpfs "$MNT" 2>"$WORK/mount.err"; then
	trap 'umount "$MNT" 2>/dev/null; rm -rf "$WORK"' EXIT
	# Good outputs first, while there is room.
	run "$ASSAY" -q plot wb/copper --size 800,450 -o "$MNT/copper.png"
	expect_status full-setup-png 0
	run "$ASSAY" -q plot wb/copper --size 800,450 -o "$MNT/copper.svg"
	expect_status full-setup-svg 0
	run "$ASSAY" -q plot wb/copper --size 800,450 -o "$MNT/copper.pdf"
	expect_status full-setup-pdf 0
	run "$ASSAY" -q plot 'gen/s00*' --size 800,450 --outdir "$MNT/batch"
	expect_status full-setup-batch 0
	run "$ASSAY" -q report gen/s000 gen/s001 -o "$MNT/rep"
	expect_status full-setup-report 0
	run "$ASSAY" -q report 'short/*' -o "$MNT/pages"
	expect_status full-setup-pages 0
	printf 'series,date,value\nr,2020-01,1\n' > "$WORK/r.csv"
	"$ASSAY" -q --db "$WORK/r.db" import "$WORK/r.csv" --kind price
	cp "$WORK/r.db" "$MNT/r.db"     # no -wal, no -shm beside it
	cp -a "$MNT" "$WORK/good"
	# Fill it, then free 16 KiB: gnuplot gets to write part of a chart
	# (a torn file), not nothing.
	dd if=/dev/zero of="$MNT/room" bs=16k count=1 2>/dev/null
	dd if=/dev/zero of="$MNT/room2" bs=16k count=4 2>/dev/null
	dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null
	rm -f "$MNT/room"

	for f in png svg pdf; do
		run "$ASSAY" plot wb/copper --size 800,450 -o "$MNT/copper.$f"
		expect_status "full-plot-$f-status" 4
		expect_err_has "full-plot-$f-msg" "assay: chart 'wb/copper': cannot write '$MNT/copper.$f': No space left on device"
		expect_one_line "full-plot-$f-one-line"
		cmp -s "$MNT/copper.$f" "$WORK/good/copper.$f" && ok "full-plot-$f-kept" ||
			not_ok "full-plot-$f-kept" "the $f chart changed"
	done
	run "$ASSAY" plot 'gen/s00*' --size 800,450 --outdir "$MNT/batch"
	expect_status full-batch-status 4
	case "$err" in *"assay: wrote"*) not_ok full-batch-no-wrote "$(grep 'assay: wrote' "$WORK/err" | head -2)" ;;
	*) ok full-batch-no-wrote ;; esac
	nfail=$(grep -c "No space left on device" "$WORK/err")
	[ "$nfail" -eq 10 ] && ok full-batch-each-chart || not_ok full-batch-each-chart "$nfail of 10 charts reported"
	expect_same_tree full-batch-kept "$WORK/good/batch" "$MNT/batch"
	# a reader of a store on the full disk (SQLite cannot make its -wal
	# and -shm): the store is not "not an assay store"
	run "$ASSAY" --db "$MNT/r.db" list
	expect_status full-reader-status 4
	expect_err full-reader-msg "assay: $MNT/r.db: cannot read the store: disk I/O error (No space left on device)"

	run "$ASSAY" report gen/s000 gen/s001 -o "$MNT/rep"
	expect_status full-report-status 4
	expect_err_has full-report-msg "No space left on device"
	expect_err_has full-report-kept-msg "the report in $MNT/rep is left as it was"
	expect_one_line full-report-one-line
	expect_same_tree full-report-kept "$WORK/good/rep" "$MNT/rep"
	expect_no_tmp full-no-tmp "$MNT"
	# A report of series too short for charts: only its pages (some
	# 85 kB) to write, into 16 kB.
	run "$ASSAY" report 'short/*' -o "$MNT/pages"
	expect_status pages-report-status 4
	expect_err_has pages-report-msg "$MNT/pages/index.html: cannot write: No space left on device"
	expect_one_line pages-report-one-line
	expect_same_tree pages-report-kept "$WORK/good/pages" "$MNT/pages"
	expect_no_tmp pages-no-tmp "$MNT"

	# Room (80 kB) for some of the report's four charts (20-40 kB each) but
	# not all: the ones drawn do not replace theirs either (one set).
	rm -f "$MNT/room2"
	run "$ASSAY" report gen/s000 gen/s001 -o "$MNT/rep"
	expect_status part-report-status 4
	expect_err_has part-report-msg "No space left on device"
	expect_err_has part-report-count "of 4 charts failed)"
	expect_one_line part-report-one-line
	expect_same_tree part-report-kept "$WORK/good/rep" "$MNT/rep"
	expect_no_tmp part-no-tmp "$MNT"

	# With the room back, the same commands write again.
	rm -f "$MNT/fill"
	run "$ASSAY" -q report gen/s000 gen/s001 -o "$MNT/rep"
	expect_status full-report-after 0
	expect_no_tmp full-after-no-tmp "$MNT"
	umount "$MNT" && trap 'rm -rf "$WORK"' EXIT
else
	skip full-disk "cannot mount a tmpfs here (needs root): $(head -c 200 "$WORK/mount.err")"
fi

# A report whose chart files cannot be made (charts/ is no directory here;
# the same path as a charts/ the user may not write) fails, exit 4, and
# leaves the pages that were there: it was a warning per chart, and new
# pages without their charts replaced the report with exit 0.
mkdir "$WORK/nochart"
echo old > "$WORK/nochart/index.html"
: > "$WORK/nochart/charts"
run "$ASSAY" report gen/s000 -o "$WORK/nochart"
expect_status nochart-report-status 4
expect_err nochart-report-msg "assay: cannot write '$WORK/nochart/charts/1-gen-s000-level.svg': Not a directory; the report in $WORK/nochart is left as it was"
[ "$(cat "$WORK/nochart/index.html")" = old ] && [ ! -e "$WORK/nochart/report.md" ] \
	&& ok nochart-report-kept || not_ok nochart-report-kept "the pages were replaced"

# ---- (a2) an import onto a full file system --------------------------------
# 480,000 values (1,000 monthly series of 40 years) need some 13 MB: the
# store on a 4 MB tmpfs fills during the import, in the writes that the
# import's writer thread makes while the file is still being read.  The
# error is SQLite's, once, exit 4, and the store is as it was; a bad value
# at the end of the file changes nothing (the write failed first).
MNT="$WORK/mnt2"
mkdir "$MNT"
if mount -t tmpfs -o size=4m tmpfs "$MNT" 2>"$WORK/mount.err"; then
	trap 'umount "$MNT" 2>/dev/null; rm -rf "$WORK"' EXIT
	awk 'BEGIN { srand(7); print "series,date,value"
		for (s = 0; s < 1000; s++) { v = 100
			for (m = 0; m < 480; m++) { v *= exp(0.03 * (rand() - 0.5))
				printf "big/s%04d,%d-%02d,%.4f\n", s, 1986 + int(m / 12), m % 12 + 1, v } } }' \
		> "$WORK/big.csv"
	{ cat "$WORK/big.csv"; echo "big/s9999,2030-01,abc"; } > "$WORK/big-bad.csv"
	"$ASSAY" --db "$MNT/s.db" -q import "$WORK/short.csv" --kind flow || not_ok full-import-setup
	sqlite3 "$MNT/s.db" .dump > "$WORK/full-before.dump"
	for f in big big-bad; do
		run "$ASSAY" --db "$MNT/s.db" import "$WORK/$f.csv" --kind price
		expect_status "full-import-$f-status" 4
		expect_err "full-import-$f-msg" "assay: $MNT/s.db: database or disk is full"
		sqlite3 "$MNT/s.db" .dump > "$WORK/full-after.dump"
		cmp -s "$WORK/full-before.dump" "$WORK/full-after.dump" && ok "full-import-$f-unchanged" ||
			not_ok "full-import-$f-unchanged" "the store changed"
	done
	umount "$MNT" && trap 'rm -rf "$WORK"' EXIT
else
	skip full-import "cannot mount a tmpfs here (needs root): $(head -c 200 "$WORK/mount.err")"
fi

# ---- (b) stdout on /dev/full, (c) stdout closed ---------------------------

# Every command that prints data or help to stdout.
cat > "$WORK/printing" <<'EOF'
--help
--version
list
list --format json
show wb/copper
show wb/copper --format json
export wb/copper
export wb/copper --format csv
changes wb/copper
changes wb/copper --format csv
changes gen/* --format csv
changes gen/* --format json
changes gen/* --format csv --jobs 1
changes gen/*
check wb/copper
check wb/copper --format json
trend wb/copper
trend wb/copper --format json
scan gen/s00*
scan gen/s00* --format csv
list --help
changes --help
plot --help
report --help
EOF
set -f  # the patterns are assay's to expand, not the shell's
if [ -w /dev/full ]; then
	while IFS= read -r args; do
		# shellcheck disable=SC2086
		"$ASSAY" $args > /dev/full 2> "$WORK/err"
		st=$?
		e=$(cat "$WORK/err")
		if [ "$st" -eq 4 ] && [ "$e" = "$MSG_FULL" ]; then ok "dev-full: $args"
		else not_ok "dev-full: $args" "exit $st, stderr [$(head -c 300 "$WORK/err")]"; fi
	done < "$WORK/printing"
	# import's summary as data: written before the commit, so a summary
	# that cannot be written rolls the import back (exit 4 = nothing
	# written; it was committed behind the error)
	cp "$DB" "$WORK/imp.db"
	before=$(sqlite3 "$WORK/imp.db" "SELECT count(*) FROM imports")
	ASSAY_DB="$WORK/imp.db" "$ASSAY" import "$WORK/gen.csv" --kind price --vintage "$(date -u +%Y-%m-%d)" \
		--format json > /dev/full 2> "$WORK/err"
	st=$?
	after=$(sqlite3 "$WORK/imp.db" "SELECT count(*) FROM imports")
	[ "$st" -eq 4 ] && [ "$(cat "$WORK/err")" = "$MSG_FULL: the import was rolled back, nothing imported" ] &&
		[ "$before" = "$after" ] && ok "dev-full: import --format json" ||
		not_ok "dev-full: import --format json" "exit $st, imports $before -> $after, stderr [$(head -c 300 "$WORK/err")]"
	# plot and report print nothing on stdout ("wrote" is a message):
	# a full stdout is no reason to fail them.
	run sh -c '"$0" plot wb/copper -o "$1" > /dev/full' "$ASSAY" "$WORK/full-stdout.png"
	expect_status dev-full-plot 0
	run sh -c '"$0" report gen/s000 -o "$1" > /dev/full' "$ASSAY" "$WORK/full-stdout-rep"
	expect_status dev-full-report 0
else
	skip dev-full "/dev/full is not writable here"
fi

while IFS= read -r args; do
	# shellcheck disable=SC2086
	"$ASSAY" $args >&- 2> "$WORK/err"
	st=$?
	e=$(cat "$WORK/err")
	if [ "$st" -eq 4 ] && [ "$e" = "$MSG_CLOSED" ]; then ok "closed-stdout: $args"
	else not_ok "closed-stdout: $args" "exit $st, stderr [$(head -c 300 "$WORK/err")]"; fi
done < "$WORK/printing"
set +f
cp "$DB" "$WORK/imp2.db"
before=$(sqlite3 "$WORK/imp2.db" "SELECT count(*) FROM imports")
ASSAY_DB="$WORK/imp2.db" "$ASSAY" import "$WORK/gen.csv" --kind price --vintage "$(date -u +%Y-%m-%d)" \
	--format csv >&- 2> "$WORK/err"
st=$?
after=$(sqlite3 "$WORK/imp2.db" "SELECT count(*) FROM imports")
[ "$st" -eq 4 ] && [ "$(cat "$WORK/err")" = "$MSG_CLOSED: the import was rolled back, nothing imported" ] &&
	[ "$before" = "$after" ] && ok "closed-stdout: import --format csv" ||
	not_ok "closed-stdout: import --format csv" "exit $st, imports $before -> $after, stderr [$(head -c 300 "$WORK/err")]"
# A closed stdout is not a free descriptor for the store, a chart or the
# report's pages: they are written where they belong, and nothing else.
"$ASSAY" plot wb/copper -o "$WORK/closed.png" >&- 2> "$WORK/err"
st=$?
sig=$(od -An -tx1 -N8 "$WORK/closed.png" 2>/dev/null | tr -d ' \n')
[ "$st" -eq 0 ] && [ "$sig" = "89504e470d0a1a0a" ] && ok closed-stdout-plot ||
	not_ok closed-stdout-plot "exit $st, signature [$sig], stderr [$(head -c 200 "$WORK/err")]"
"$ASSAY" -q report gen/s000 -o "$WORK/closed-rep" >&- 2> "$WORK/err"
st=$?
[ "$st" -eq 0 ] && tail -1 "$WORK/closed-rep/index.html" | grep -qx '</html>' && ok closed-stdout-report ||
	not_ok closed-stdout-report "exit $st, stderr [$(head -c 200 "$WORK/err")]"
run sqlite3 "$DB" 'PRAGMA integrity_check;'
expect_out closed-stdout-store-intact ok

# A reader that goes away (SIGPIPE) is not an error to shout about: the
# process ends quietly by the signal, as before.
{ "$ASSAY" changes 'gen/*' --format csv 2> "$WORK/err"; echo $? > "$WORK/st"; } | head -1 > /dev/null
st=$(cat "$WORK/st")
[ "$st" -eq 141 ] && [ ! -s "$WORK/err" ] && ok sigpipe-quiet ||
	not_ok sigpipe-quiet "exit $st, stderr [$(head -c 200 "$WORK/err")]"

# ---- (d) TERM and INT while charts are being drawn ------------------------

TD="$WORK/tmpdir"
mkdir "$TD"
# Wait (at most 180 s: an ASan build on a loaded machine takes more than
# 30 s to reach its charts) until CMD... succeeds.
wait_until() {
	i=0
	while [ $i -lt 1800 ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# Process $1 has ended (or is a zombie waiting for our wait).
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ]; }
# A temporary chart file exists under $1: the charts are being set up.
has_tmp() { [ -n "$(tmp_left "$1")" ]; }
# ... and gnuplot's scripts are in $TD: gnuplot is drawing them.
has_scripts() { has_tmp "$1" && [ -n "$(ls "$TD" | grep '^assay-gp-')" ]; }
# A gnuplot that tells its pid, so that a test can wait for it to end.
cat > "$WORK/gp-pid" <<EOF
#!/bin/sh
echo \$\$ > "$WORK/gp.pid"
exec gnuplot "\$@"
EOF
chmod +x "$WORK/gp-pid"

# stop_run NAME SIGNAL STATUS WHEN DIR CMD...: start CMD, send SIGNAL once
# `WHEN DIR` holds (has_tmp: setting the charts up; has_scripts: gnuplot
# drawing), and check the exit status and that nothing temporary is left.
stop_run() {
	name=$1 sig=$2 want=$3 when=$4 dir=$5
	shift 5
	rm -rf "$TD"/* "$TD"/.[!.]* 2>/dev/null
	"$@" 2> "$WORK/err" &
	pid=$!
	if wait_until "$when" "$dir"; then
		kill -"$sig" "$pid"
		# at most 180 s to stop; then it is a hang, named as one
		if ! wait_until gone "$pid"; then
			state=$(ps -o pid,stat,wchan:24,args -p "$pid" --ppid "$pid" 2>/dev/null | tr '\n' ';')
			kill -KILL "$pid" 2>/dev/null
			not_ok "$name-stops" "still running 180 s after $sig: $state"
		fi
		wait "$pid" 2>/dev/null  # no "Terminated" from the shell
		st=$?
		[ "$st" -eq "$want" ] && ok "$name-status" || not_ok "$name-status" "exit $st, expected $want"
		expect_no_tmp "$name-no-tmp" "$dir"
		left=$(ls -A "$TD")
		[ -z "$left" ] && ok "$name-no-scripts" || not_ok "$name-no-scripts" "in TMPDIR: $left"
		[ ! -s "$WORK/err" ] && ok "$name-quiet" || not_ok "$name-quiet" "$(head -c 300 "$WORK/err")"
	else
		wait "$pid" 2>/dev/null  # no "Terminated" from the shell
		not_ok "$name" "it never got to $when (exit $?)"
	fi
}
stop_run report-term TERM 143 has_scripts "$WORK/term" env TMPDIR="$TD" "$ASSAY" -q report -o "$WORK/term"
[ ! -e "$WORK/term/index.html" ] && ok report-term-no-page || not_ok report-term-no-page "index.html written"
stop_run plot-term TERM 143 has_tmp "$WORK/pterm" env TMPDIR="$TD" "$ASSAY" -q plot 'gen/*' --outdir "$WORK/pterm"
stop_run plot-term-drawing TERM 143 has_scripts "$WORK/pterm2" env TMPDIR="$TD" "$ASSAY" -q plot 'gen/*' --outdir "$WORK/pterm2"
# INT: a shell starts background jobs with INT ignored, and assay keeps an
# ignored signal ignored; perl (Debian's essential perl-base) restores it.
if command -v perl > /dev/null 2>&1; then
	stop_run report-int INT 130 has_scripts "$WORK/int" env TMPDIR="$TD" \
		perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die' "$ASSAY" -q report -o "$WORK/int"
else
	skip report-int "no perl to start a job with INT not ignored"
fi

# ---- (e) after KILL ---------------------------------------------------------

# A real one: leftovers appear, and the next run removes them.
rm -rf "$TD"/*
TMPDIR="$TD" ASSAY_GNUPLOT="$WORK/gp-pid" "$ASSAY" -q report -o "$WORK/kill" 2> /dev/null &
pid=$!
if wait_until has_scripts "$WORK/kill"; then
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null  # no "Terminated" from the shell
	# the orphaned gnuplot finishes what is already in its pipe: wait for it
	gp=$(cat "$WORK/gp.pid" 2>/dev/null)
	i=0
	while [ -n "$gp" ] && kill -0 "$gp" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$(tmp_left "$WORK/kill")" ] && [ -n "$(ls -A "$TD")" ] && ok kill-leaves-leftovers ||
		not_ok kill-leaves-leftovers "nothing left to clean: the test proves nothing"
	run env TMPDIR="$TD" "$ASSAY" -q report gen/s000 -o "$WORK/kill"
	expect_status kill-next-run 0
	expect_no_tmp kill-next-run-cleans "$WORK/kill"
	left=$(ls -A "$TD")
	[ -z "$left" ] && ok kill-next-run-cleans-scripts || not_ok kill-next-run-cleans-scripts "$left"
else
	wait "$pid" 2>/dev/null  # no "Terminated" from the shell
	not_ok kill-real "gnuplot never started"
fi

# Made-up leftovers: those of a dead process go, everything else stays.
dead=$(sh -c 'echo $$')
R="$WORK/fake"
mkdir -p "$R/charts" "$TD/assay-gp-$dead-AbC123" "$TD/assay-gp-$dead-XyZ789" "$TD/assay-gp-$$-LiVe00"
: > "$R/charts/.1-gen-s000-level.svg.assay-$dead-0.tmp"
: > "$R/charts/.9-old-changes.svg.assay-$dead-1f.tmp"
: > "$R/.index.html.assay-$dead-0.tmp"
: > "$R/.report.md.assay-$dead-1.tmp"
: > "$TD/assay-gp-$dead-AbC123/chart-0.gp"
: > "$TD/assay-gp-$dead-AbC123/chart-17.gp"
: > "$TD/assay-gp-$dead-XyZ789/chart-0.gp"
keep="$R/charts/.notes.tmp $R/charts/.x.svg.assay-$$-0.tmp $R/.index.html.assay-$dead-zz.tmp
	$R/charts/x.svg.assay-$dead-0.tmp $R/mine.txt $TD/assay-gp-$dead-XyZ789/notes.txt
	$TD/assay-gp-$$-LiVe00/chart-0.gp $TD/unrelated.gp"
for f in $keep; do : > "$f"; done
run env TMPDIR="$TD" "$ASSAY" -q report gen/s000 -o "$R"
expect_status fake-run 0
for f in "$R/charts/.1-gen-s000-level.svg.assay-$dead-0.tmp" "$R/charts/.9-old-changes.svg.assay-$dead-1f.tmp" \
	 "$R/.index.html.assay-$dead-0.tmp" "$R/.report.md.assay-$dead-1.tmp" \
	 "$TD/assay-gp-$dead-AbC123" "$TD/assay-gp-$dead-XyZ789/chart-0.gp"; do
	[ ! -e "$f" ] && ok "fake-removed ${f#"$WORK"/}" || not_ok "fake-removed ${f#"$WORK"/}" "still there"
done
for f in $keep; do
	[ -e "$f" ] && ok "fake-kept ${f#"$WORK"/}" || not_ok "fake-kept ${f#"$WORK"/}" "removed"
done
# plot sweeps its output directory too
: > "$R/charts/.y.png.assay-$dead-0.tmp"
run env TMPDIR="$TD" "$ASSAY" -q plot gen/s001 --outdir "$R/charts"
expect_status fake-plot 0
[ ! -e "$R/charts/.y.png.assay-$dead-0.tmp" ] && ok fake-plot-removed || not_ok fake-plot-removed "still there"
