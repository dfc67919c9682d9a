#!/bin/sh
# assay check over several series and patterns: one answer per
# series in text, csv, tsv, json or ndjson, and one exit status for the
# run: errors first (4, then 2), then notable (1), then cannot judge (3),
# then noise (0).  The alert script of the man page and README.
. "$TESTS_DIR/e2e/lib.sh"

WB26="$DATA_DIR/worldbank-cmo/cmo-monthly-2026-06.csv"
"$ASSAY" -q import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02 >/dev/null 2>&1
printf 'date,value\n2024Q1,1\n2024Q2,2\n2024Q3,3\n' > "$WORK/short.csv"
"$ASSAY" -q import "$WORK/short.csv" --series t/short --kind flow >/dev/null 2>&1

NOISE=wb/copper         # 2026Q1: +15.5%, within normal variation
SHOCK=wb/crude-oil-brent # 2026Q1: +26.5%, a notable shock (p = 0.042)
run "$ASSAY" check $NOISE --freq Q
expect_status check-one-noise 0
run "$ASSAY" check $SHOCK --freq Q
expect_status check-one-shock 1
run "$ASSAY" check t/short
expect_status check-one-cannot 3

run "$ASSAY" check $NOISE $SHOCK --freq Q
expect_status check-many-notable 1
expect_out check-many-text "wb/copper 2026Q1: +15.5% QoQ, within normal variation (p = 0.28; typical quarterly move +/-8.7%, 20 quarters of history)
wb/crude-oil-brent 2026Q1: +26.5% QoQ, a notable shock (p = 0.042; typical quarterly move +/-11.6%, 20 quarters of history)"
run "$ASSAY" check $NOISE t/short --freq Q
expect_status check-many-cannot 3
run "$ASSAY" check $SHOCK t/short --freq Q
expect_status check-many-notable-beats-cannot 1
run "$ASSAY" check $NOISE wb/no-such --freq Q
expect_status check-many-unknown 2
expect_err check-many-unknown-msg "assay: no series 'wb/no-such' in $DB"

# a pattern: every match, in the order of the names
run "$ASSAY" check 'wb/c*' --freq Q
expect_status check-glob-status 1
n=$(printf '%s\n' "$out" | grep -c '^wb/c')
[ "$n" -ge 5 ] && ok check-glob-rows || not_ok check-glob-rows "$n rows"

# formats read back by Python
for f in csv tsv json ndjson; do
	"$ASSAY" check $NOISE $SHOCK t/short --freq Q --format $f > "$WORK/c.$f"
	echo $? > "$WORK/c.$f.status"
done
run python3 - "$WORK" <<'PY'
import csv, json, sys
d = sys.argv[1]
c = list(csv.DictReader(open(d + '/c.csv', newline='')))
t = list(csv.DictReader(open(d + '/c.tsv', newline=''), delimiter='\t'))
j = json.load(open(d + '/c.json'))
n = [json.loads(l) for l in open(d + '/c.ndjson')]
print([r['series'] for r in j], [r['verdict'] for r in n])
print(j == n, [r['verdict'] for r in c] == [r['verdict'] for r in t],
      [float(r['p_value']) if r['p_value'] else None for r in c] == [r['p_value'] for r in j])
PY
expect_out check-formats "['wb/copper', 'wb/crude-oil-brent', 't/short'] ['noise', 'shock', None]
True True True"
run cat "$WORK/c.csv.status" "$WORK/c.json.status"
expect_out check-formats-exit "1
1"

# the alert script of the man page and the README, word for word
cat > "$WORK/alert.sh" <<'SH'
assay check 'wb/*' --freq Q -q > checks.txt
case $? in
0) ;;                                   # every move within normal variation
1) grep -E 'notable (shock|trend)' checks.txt | mail -s "assay: notable moves" analyst ;;
3) echo "assay: some series could not be judged" >&2 ;;
*) echo "assay check failed" >&2; exit 1 ;;
esac
SH
mkdir -p "$WORK/bin" "$WORK/run"
printf '#!/bin/sh\ncat > "%s/mail.txt"\n' "$WORK" > "$WORK/bin/mail"
chmod +x "$WORK/bin/mail"
ln -s "$ASSAY" "$WORK/bin/assay"
run sh -c "cd '$WORK/run' && PATH='$WORK/bin':\$PATH sh '$WORK/alert.sh'"
expect_status alert-script-status 0
run cat "$WORK/mail.txt"
expect_out_has alert-script-mails "wb/crude-oil-brent 2026Q1: +26.5% QoQ, a notable shock"
# and a failing check is not an alert
run sh -c "cd '$WORK/run' && PATH='$WORK/bin':\$PATH ASSAY_DB='$WORK/none.db' sh '$WORK/alert.sh'"
expect_status alert-script-error 1
expect_err_has alert-script-error-msg "assay check failed"
