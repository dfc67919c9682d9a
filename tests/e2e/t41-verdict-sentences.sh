#!/bin/sh
# The sentence of `assay check` says why: direction words come
# from the moves, not from the sign of a statistic; a large expected move
# is named with its reason (momentum, the usual season's move); past
# shocks set aside are named, and listed in the JSON.  Synthetic series,
# written here by awk (deterministic), imported into a scratch store.
. "$TESTS_DIR/e2e/lib.sh"

# +1 a month from 1: the series rises every month, by ever smaller
# percentages, so the scores run negative (the old sentence said "8
# months down in a row")
awk 'BEGIN { print "date,value"
	for (i = 0; i < 36; i++) printf "%d-%02d-01,%d\n", 2020 + int(i / 12), i % 12 + 1, i + 1 }' \
	> "$WORK/rise.csv"
"$ASSAY" -q import "$WORK/rise.csv" --series x/rise --kind price >/dev/null 2>&1
run "$ASSAY" check x/rise --period 2022-06
expect_status rise-status 1
expect_out rise-words "x/rise 2022-06: +3.4% MoM against an expected +3.5% (the recent average move), part of a notable trend (8 months in a row of smaller rises than expected) (p = 0.0022; typical monthly move +/-2.1%, 20 months of history)"
said_down=0
for p in 2021-09 2021-12 2022-03 2022-06 2022-09 2022-12; do
	run "$ASSAY" check x/rise --period $p
	case "$out" in *down*|*falls*) said_down=1 ;; esac
done
if [ $said_down -eq 0 ]; then ok rise-never-down; else not_ok rise-never-down "$out"; fi

# quarterly, Q1 falls about 12% every year: the expectation is named
awk 'BEGIN { s = 4242; split("-0.13 0.08 0.06 -0.01", f, " "); v = 100; print "date,value"
	for (i = 0; i < 32; i++) { s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648 - 0.5
		v = v * exp(f[i % 4 + 1] + 0.04 * u)
		printf "%d-%02d-01,%.3f\n", 2018 + int(i / 4), (i % 4) * 3 + 1, v } }' > "$WORK/seas.csv"
"$ASSAY" -q import "$WORK/seas.csv" --series x/seas --kind price --freq Q >/dev/null 2>&1
run "$ASSAY" check x/seas --period 2025Q1
expect_status seas-status 0
expect_out seas-words "x/seas 2025Q1: -11.2% QoQ against an expected -12% (the usual Q1 fall), within normal variation (p = 0.18; typical quarterly move +/-0.88%, 20 quarters of history, seasonal pattern removed)"

# AR(1) changes (phi 0.85) with a +65% quarter before the judged one: a
# large move after a large move is expected (momentum), and the +65% is
# set aside as a past shock
awk 'BEGIN { s = 4243; r = 0; v = 100; print "date,value"
	for (i = 0; i < 32; i++) { s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648 - 0.5
		r = 0.85 * r + 0.12 * u; if (i == 30) r = 0.5; v = v * exp(r)
		printf "%d-%02d-01,%.3f\n", 2018 + int(i / 4), (i % 4) * 3 + 1, v } }' > "$WORK/mom-in.csv"
"$ASSAY" -q import "$WORK/mom-in.csv" --series x/mom --kind price --freq Q >/dev/null 2>&1
run "$ASSAY" check x/mom
expect_status mom-status 0
expect_out mom-words "x/mom 2025Q4: +51.9% QoQ against an expected +42% (momentum), within normal variation (p = 0.46; typical quarterly move +/-4.1%, 19 quarters of history; 2025Q3 set aside as a past shock)"
run "$ASSAY" check x/mom --format json
expect_out_has mom-json-period '"period": "2025Q3"'
expect_out_has mom-json-change "\"change\": 0.49999"
expect_out_has mom-json-cut '"set_aside": 4.2'
# csv and tsv keep the list too: its compact JSON text in one field
for f in csv tsv json; do
	"$ASSAY" check x/mom --format $f > "$WORK/mom.$f"
done
run python3 - "$WORK" <<'PY'
import csv, json, sys
d = sys.argv[1]
j = json.load(open(d + '/mom.json'))
c = next(csv.DictReader(open(d + '/mom.csv', newline='')))
t = next(csv.DictReader(open(d + '/mom.tsv', newline=''), delimiter='\t'))
print(len(j['past_shocks']), json.loads(c['past_shocks']) == j['past_shocks'],
      json.loads(t['past_shocks']) == j['past_shocks'])
PY
expect_out mom-csv-past-shocks "1 True True"
# the typical move is the sd of the window's other changes: the +65%
# quarter set aside does not make a normal quarter look like +/-11%
# (recomputed here from the file: the 20 log changes before 2025Q4, less
# the one set aside; 'sigma' keeps the sd of all 20)
run python3 - "$WORK" <<'PY'
import csv, json, math, statistics, sys
d = sys.argv[1]
v = [float(r['value']) for r in csv.DictReader(open(d + '/mom-in.csv'))]
r = [math.log(v[i] / v[i - 1]) for i in range(1, len(v))]
win = r[-21:-1]
j = json.load(open(d + '/mom.json'))
assert [p['period'] for p in j['past_shocks']] == ['2025Q3']
kept = win[:-1]  # 2025Q3 is the last change before the judged one
print(abs(j['typical'] - statistics.stdev(kept)) < 1e-12,
      abs(j['sigma'] - statistics.stdev(win)) < 1e-12)
PY
expect_out mom-typical-without-shock "True True"

# no past shock, no mention; the JSON list is empty
run "$ASSAY" check x/seas --period 2025Q1 --format json
expect_out_has seas-json-none '"past_shocks": []'

# a series whose moves are hundredths of a percent (a policy rate index,
# a stable price): the sentence gives two significant digits, never
# "+0.0% MoM ... typical monthly move +/-0.0%"; the digits are the JSON's
awk 'BEGIN { s = 4244; v = 100; print "date,value"
	for (i = 0; i < 30; i++) { s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648 - 0.5
		v = v * exp(0.0004 * u); printf "%d-%02d-01,%.6f\n", 2020 + int(i / 12), i % 12 + 1, v } }' > "$WORK/calm.csv"
"$ASSAY" -q import "$WORK/calm.csv" --series x/calm --kind price >/dev/null 2>&1
run "$ASSAY" check x/calm
expect_status calm-status 0
"$ASSAY" check x/calm --format json > "$WORK/calm.json"
run python3 - "$WORK" "$out" <<'PY'
import json, math, sys
j = json.load(open(sys.argv[1] + '/calm.json'))
def two(p):  # two significant digits below 0.95%, as the README says
    a = abs(p)
    return 1 if a == 0 or a >= 0.95 else min(8, 1 - math.floor(math.log10(a)))
pct, typ = j['pct_change'], 100 * j['typical']
want = '%+.*f%% MoM' % (two(pct), pct), 'typical monthly move +/-%.*f%%' % (two(typ), typ)
print(all(w in sys.argv[2] for w in want), '0.0%' in sys.argv[2])
PY
expect_out calm-two-digits "True False"

# a series in percent (a share, a rate) also moves in percentage points:
# from 31.2% to 52.2% is +67.3% and +21.0 pp (the real DRC share of world
# cobalt mine production, 2007 to 2008, BGS); a difference basis is in pp
awk 'BEGIN { print "date,value"; split("30 33 31 35 34 38 36 40 39 43 41 31.1917965889 52.1845465606", v, " ")
	for (i = 1; i <= 13; i++) printf "%d,%s\n", 1995 + i, v[i] }' > "$WORK/share.csv"
"$ASSAY" -q import "$WORK/share.csv" --series x/share --kind price --unit % >/dev/null 2>&1
run "$ASSAY" check x/share
expect_out_has share-pp "x/share 2008: +67.3% YoY (+21.0 pp) against"

# monthly: a crash in 2022-07 and a jump in 2025-06.  The seasonal test
# reads five years, but the verdict's window is 20 months: the old crash
# is no past shock of it (it was listed as one, and beside the jump it
# made two events, read as heavy tails, so neither was set aside)
awk 'BEGIN { s = 4244; v = 100; print "date,value"
	for (i = 0; i < 72; i++) { s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648 - 0.5
		r = 0.03 * u; if (i == 30) r = -0.4; if (i == 65) r = 0.3; v = v * exp(r)
		printf "%d-%02d-01,%.4f\n", 2020 + int(i / 12), i % 12 + 1, v } }' > "$WORK/two.csv"
"$ASSAY" -q import "$WORK/two.csv" --series x/two --kind price >/dev/null 2>&1
run "$ASSAY" check x/two --period 2025-05 --format json
expect_out_has old-crash-not-listed '"past_shocks": []'
run "$ASSAY" check x/two --period 2025-05
case "$out" in *"set aside"*) not_ok old-crash-not-said "$out" ;; *) ok old-crash-not-said ;; esac
run "$ASSAY" check x/two --format json
run python3 -c 'import json, sys; print([p["period"] for p in json.load(sys.stdin)["past_shocks"]])' <<PY
$out
PY
expect_out jump-listed-alone "['2025-06']"

# --allow-partial: a partial period's move says it is partial (one month
# of a quarter's flow reads as a two-thirds fall), and so does the move
# after one
awk 'BEGIN { print "date,value"; for (i = 0; i < 34; i++) printf "%d-%02d-01,%d\n", 2020 + int(i / 12), i % 12 + 1, 100 + i }' > "$WORK/flow.csv"
"$ASSAY" -q import "$WORK/flow.csv" --series x/flow --kind flow --unit t >/dev/null 2>&1
run "$ASSAY" check x/flow --freq Q --allow-partial
expect_out_has partial-said "x/flow 2022Q4 (partial: 1 of 3 months): -66.2% QoQ"
run "$ASSAY" check x/flow --freq Q
case "$out" in *partial*) not_ok partial-not-said-when-full "$out" ;; *) ok partial-not-said-when-full ;; esac
# a window too short for the model names the number its parameters need
# (it said "only 3 quarters of history (2 needed)")
run "$ASSAY" check x/flow --freq Q --window 3 --min-history 2
expect_out_has history-need-model "only 3 quarters of history (4 needed: more than --window holds)"

# a seasonal quarterly flow (Q1 -13%, Q2 +8%, Q3 +6%, Q4 -1%) with a
# strike quarter (2024Q2, -10% on top of its season) and a -6% shock in
# the judged quarter: against the pooled median the strike hid among
# the seasonal swings and kept the shock at p = 0.11 (rule 1a now
# screens the seasonal residuals)
awk 'BEGIN { s = 4244; split("-0.13 0.08 0.06 -0.01", f, " "); v = 100; print "date,value"
	for (i = 0; i < 32; i++) { s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648 - 0.5
		r = f[i % 4 + 1] + 0.04 * u; if (i == 25) r -= 0.10; if (i == 31) r -= 0.06
		v = v * exp(r)
		printf "%d-%02d-01,%.3f\n", 2018 + int(i / 4), (i % 4) * 3 + 1, v } }' > "$WORK/strike.csv"
"$ASSAY" -q import "$WORK/strike.csv" --series x/strike --kind flow --freq Q >/dev/null 2>&1
run "$ASSAY" check x/strike
expect_status strike-status 1
expect_out strike-words "x/strike 2025Q4: -6.4% QoQ against an expected -1.1% (the usual Q4 fall), a notable shock (p = 0.0016; typical quarterly move +/-1.1%, 18 quarters of history, seasonal pattern removed; 2024Q2 set aside as a past shock)"

# a seasonal monthly price with a crash (2019-02) and, later, a spike and
# its reversal (2021-08, 2021-09): two events of the five years, named as
# such (two set-asides were always called "a past shock and its
# reversal"), all three listed in the JSON
awk 'BEGIN { s = 4245; v = 100; print "date,value"
	for (i = 0; i < 90; i++) { s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648 - 0.5
		r = 0.03 * sin(2 * 3.14159265 * (i % 12) / 12) + 0.07 * u
		if (i == 49) r -= 0.15; if (i == 79) r -= 0.14; if (i == 80) r += 0.14
		v = v * exp(r)
		printf "%d-%02d-01,%.4f\n", 2015 + int(i / 12), i % 12 + 1, v } }' > "$WORK/events.csv"
"$ASSAY" -q import "$WORK/events.csv" --series x/events --kind price >/dev/null 2>&1
run "$ASSAY" check x/events
expect_status events-status 0
expect_out events-words "x/events 2022-06: +0.93% MoM against an expected +2.1% (the usual June rise), within normal variation (p = 0.85; typical monthly move +/-2.0%, 55 months of history, seasonal pattern removed; 2019-02 and 2021-08 with its reversal 2021-09 set aside as past shocks)"
run sh -c "\"$ASSAY\" check x/events --format json | python3 -c 'import json, sys; print([p[\"period\"] for p in json.load(sys.stdin)[\"past_shocks\"]])'"
expect_out events-json "['2019-02', '2021-08', '2021-09']"

# the quarter right after a level step (+65%, set aside): +28% on a
# typical +/-4% is a shock.  The step is the move's lag; extrapolated by
# the AR term with its leverage, the move was "expected +4.4% (momentum),
# within normal variation (p = 0.13)"; now its lag counts as unknown
awk 'BEGIN { s = 4301; v = 100; print "date,value"
	for (i = 0; i < 32; i++) { s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648 - 0.5
		r = 0.14 * u; if (i == 30) r += 0.5; if (i == 31) r += 0.2; v = v * exp(r)
		printf "%d-%02d-01,%.3f\n", 2018 + int(i / 4), (i % 4) * 3 + 1, v } }' > "$WORK/step.csv"
"$ASSAY" -q import "$WORK/step.csv" --series x/step --kind price --freq Q >/dev/null 2>&1
run "$ASSAY" check x/step
expect_status step-status 1
expect_out step-words "x/step 2025Q4: +27.9% QoQ, a notable shock (p < 0.0001; typical quarterly move +/-4.0%, 19 quarters of history; 2025Q3 set aside as a past shock)"

# every quarter of a contract price averages 1.1333...: the same three
# monthly prices in another order each quarter, whose means differ in
# their last bits.  Those differences are rounding, not moves: the window
# has no variation (it was "-2.2e-14% QoQ, a notable shock (p = 0.027)")
awk 'BEGIN { split("1.13 1.12 1.15 1.13 1.13 1.14 1.12 1.15 1.13 1.15 1.13 1.12 1.14 1.13 1.13 1.12 1.13 1.15", t, " ")
	s = 4302; print "date,value"
	for (q = 0; q < 44; q++) { s = (s * 1103515245 + 12345) % 2147483648; k = int(s / 2147483648 * 6)
		for (j = 0; j < 3; j++) { v = t[3 * k + j + 1]; if (q == 43) v = 1.14
			printf "%d-%02d,%s\n", 2015 + int(q / 4), (q % 4) * 3 + j + 1, v } } }' > "$WORK/order.csv"
"$ASSAY" -q import "$WORK/order.csv" --series x/order --kind price >/dev/null 2>&1
run "$ASSAY" check x/order --freq Q --period 2023Q2
expect_status order-flat-status 3
expect_out order-flat-words "x/order 2023Q2: +0.0% QoQ, cannot judge: the previous 20 quarters show no variation"
run "$ASSAY" changes x/order --freq Q --from 2023Q1 --to 2023Q3 --format csv
expect_out_has order-zero-change "2023Q2,1.1333333333333333,3,false,0,0,0,"

# a spread that goes negative is judged on its differences: the sentence
# states the difference judged, in the unit of its expected and typical
# moves (it gave the percent alone beside "+/-3.87595 $/bbl")
awk 'BEGIN { s = 4303; v = 0.5; print "date,value"
	for (i = 0; i < 32; i++) { s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648 - 0.5
		v = 0.5 * v + 3 * u; if (i == 31) v = v + 0.9
		printf "%d-%02d-01,%.3f\n", 2018 + int(i / 4), (i % 4) * 3 + 1, v } }' > "$WORK/spread.csv"
"$ASSAY" -q import "$WORK/spread.csv" --series x/spread --kind price --unit '$/bbl' --freq Q >/dev/null 2>&1
run "$ASSAY" check x/spread
# the move as judged, before the first comma: "+2.9% QoQ (+0.45 $/bbl)" or
# "-0.019 $/bbl QoQ" when the percent is undefined
move=${out%%,*}
case "$move" in
*' $/bbl'*) ok spread-diff-stated ;;
*) not_ok spread-diff-stated "$out" ;;
esac
case "$out" in *"typical quarterly move +/-"*' $/bbl'*) ok spread-typical-unit ;; *) not_ok spread-typical-unit "$out" ;; esac
case "$out" in *"+/-"*[0-9][0-9][0-9][0-9]*' $/bbl'*) not_ok spread-typical-digits "$out" ;; *) ok spread-typical-digits ;; esac

# --allow-partial: a partial quarter after a partial quarter says both
awk 'BEGIN { s = 4304; v = 500; print "date,value"
	for (i = 0; i < 94; i++) { s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648 - 0.5
		v = v * exp(0.05 * u); if (i == 91) continue
		printf "%d-%02d-01,%.3f\n", 2019 + int(i / 12), i % 12 + 1, v } }' > "$WORK/pp.csv"
"$ASSAY" -q import "$WORK/pp.csv" --series x/pp --kind flow >/dev/null 2>&1
run "$ASSAY" check x/pp --freq Q --allow-partial
expect_out_has pp-both "2026Q4 (partial: 1 of 3 months, after a partial quarter: 2 of 3 months)"

# tail_df is the tail's degrees of freedom, min(df, 10), not the cap alone
run sh -c "\"$ASSAY\" check x/pp --freq Q --window 6 --min-history 4 --format json | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d[\"df\"] == d[\"tail_df\"], d[\"tail_df\"] < 10)'"
expect_out tail-df-used "True True"
run "$ASSAY" check x/spread --period 2025Q1
expect_out spread-pct-and-diff "x/spread 2025Q1: -145.9% QoQ (-1.41 \$/bbl), within normal variation (p = 0.32; typical quarterly move +/-1.07 \$/bbl, 20 quarters of history)"
