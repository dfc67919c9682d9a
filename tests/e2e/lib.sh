# Helpers for end-to-end tests (sourced).  Each test runs the real binary
# and checks its exit status, stdout and stderr.
#
#   run CMD...                 run, capturing $out, $err and $status
#   expect_status NAME N       the last run exited N
#   expect_out NAME TEXT       stdout is exactly TEXT
#   expect_err NAME TEXT       stderr is exactly TEXT
#   expect_out_has NAME TEXT   stdout contains TEXT (fixed string)
#   expect_err_has NAME TEXT   stderr contains TEXT
#   ok NAME / not_ok NAME WHY  record a result
#   skip NAME WHY              a check this machine cannot make (not a pass)
set -u
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB="$WORK/test.db"
export ASSAY_DB="$DB"

ok() { echo "PASS $1" >> "$RESULTS"; }
not_ok() { echo "FAIL $1: $2" >> "$RESULTS"; }
skip() { echo "SKIP $1: $2" >> "$RESULTS"; echo "SKIP $1: $2" >&2; }

run() {
	"$@" > "$WORK/out" 2> "$WORK/err"
	status=$?
	out=$(cat "$WORK/out")
	err=$(cat "$WORK/err")
}

expect_status() {
	if [ "$status" -eq "$2" ]; then ok "$1"
	else not_ok "$1" "exit status $status, expected $2 (stderr: $(head -c 300 "$WORK/err"))"; fi
}
expect_out() {
	if [ "$out" = "$2" ]; then ok "$1"
	else not_ok "$1" "stdout was [$(printf %s "$out" | head -c 400)], expected [$2]"; fi
}
expect_err() {
	if [ "$err" = "$2" ]; then ok "$1"
	else not_ok "$1" "stderr was [$(printf %s "$err" | head -c 400)], expected [$2]"; fi
}
expect_out_has() {
	case "$out" in *"$2"*) ok "$1" ;;
	*) not_ok "$1" "stdout lacks [$2]: [$(printf %s "$out" | head -c 400)]" ;; esac
}
expect_err_has() {
	case "$err" in *"$2"*) ok "$1" ;;
	*) not_ok "$1" "stderr lacks [$2]: [$(printf %s "$err" | head -c 400)]" ;; esac
}

# 30 monthly price series g/s00..g/s29 of six years (deterministic), the
# last with a +25% final month: one notable move in the batch (t60, t61)
write_batch_with_one_shock() {
	awk 'BEGIN { s = 77; print "series,date,value"
	for (k = 0; k < 30; k++) { v = 100
		for (i = 0; i < 72; i++) { s = (s * 1103515245 + 12345) % 2147483648
			u = s / 2147483648 - 0.5; r = 0.06 * u
			if (k == 29 && i == 71) r += 0.25
			v = v * exp(r)
			printf "g/s%02d,%d-%02d,%.6f\n", k, 2020 + int(i / 12), i % 12 + 1, v } } }' > "$1"
}

# The two imports of the one-snapshot tests (t40, t60): DIR/snap1.csv with
# N monthly price series m/sNNN of M months from January of year Y, and
# DIR/snap2.csv with a new final month, 2025-12, at three times each
# series' last level (so that a row judged on it stands out).
write_snapshot_imports() {
	python3 -c '
import random, sys
d, n, months, y0 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
w = len(str(n - 1))
rng = random.Random(9)
with open(d + "/snap1.csv", "w") as a, open(d + "/snap2.csv", "w") as b:
    a.write("series,date,value\n"); b.write("series,date,value\n")
    for s in range(n):
        v = 100.0
        for i in range(months):
            v *= 1 + rng.gauss(0, 0.02)
            a.write(f"m/s{s:0{w}d},{y0 + i // 12}-{i % 12 + 1:02d},{v:.4f}\n")
        b.write(f"m/s{s:0{w}d},2025-12,{3 * v:.4f}\n")' "$1" "$2" "$3" "$4"
}
