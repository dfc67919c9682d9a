#!/bin/sh
# One number format: in every command's csv, tsv, json and ndjson
# a number is the shortest text that reads back to the same double; checked
# against Python's repr(float), an independent shortest round-trip
# formatter.  (0.05 once printed as 0.050000000000000003 in scan and trend
# JSON, and changes/check printed 15 significant digits.)
. "$TESTS_DIR/e2e/lib.sh"

WB26="$DATA_DIR/worldbank-cmo/cmo-monthly-2026-06.csv"
BGS="$DATA_DIR/owid-bgs/bgs-mineral-production-2016.csv"
"$ASSAY" -q import "$WB26" --prefix wb/ --kind price --vintage 2026-06-02 >/dev/null 2>&1
"$ASSAY" -q import "$BGS" --layout wide --key-cols Entity --date-col Year \
	--prefix bgs/ --kind flow --unit t >/dev/null 2>&1

cat > "$WORK/shortest.py" <<'PY'
# usage: shortest.py FORMAT FILE -> "ok N" or the first number that is not
# in its shortest round-trip form
import csv, json, sys, re
fmt, path = sys.argv[1], sys.argv[2]
num = re.compile(r'-?\d+(\.\d+)?([eE][-+]?\d+)?$')
def shortest(t):
    r = repr(float(t))
    if r.endswith('.0') and '.' not in t and 'e' not in t:
        r = r[:-2]          # 586 for 586.0: an integral value in csv/tsv
    r = r.replace('e-0', 'e-').replace('e+0', 'e+')
    t2 = t.replace('e-0', 'e-').replace('e+0', 'e+')
    return r == t2
bad, n = [], 0
def walk(v):
    global n
    if isinstance(v, dict):
        for x in v.values(): walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
    elif isinstance(v, str) and v.startswith('NUM:'):
        n += 1
        if not shortest(v[4:]): bad.append(v[4:])
if fmt in ('json', 'ndjson'):
    text = open(path).read()
    docs = [text] if fmt == 'json' else text.splitlines()
    for d in docs:
        walk(json.loads(d, parse_float=lambda s: 'NUM:' + s))
else:
    for row in csv.reader(open(path, newline=''), delimiter=',' if fmt == 'csv' else '\t'):
        for c in row:
            if num.match(c) and ('.' in c or 'e' in c):
                n += 1
                if not shortest(c): bad.append(c)
print('ok %d' % n if not bad and n else 'bad %s (of %d)' % (bad[:3], n))
PY
check_numbers() {       # NAME FORMAT COMMAND...
	name=$1 fmt=$2
	shift 2
	"$@" > "$WORK/o" 2>/dev/null
	run python3 "$WORK/shortest.py" "$fmt" "$WORK/o"
	case "$out" in ok*) ok "numbers-$name" ;; *) not_ok "numbers-$name" "$out" ;; esac
}
for f in csv tsv json ndjson; do
	check_numbers "changes-$f" $f "$ASSAY" changes 'wb/c*' --freq Q --format $f
	check_numbers "export-$f" $f "$ASSAY" export 'wb/c*' --freq Q --format $f
	check_numbers "scan-$f" $f "$ASSAY" scan 'wb/*' --freq Q --format $f
done
for f in csv json; do
	check_numbers "trend-$f" $f "$ASSAY" trend wb/copper --freq Q --format $f
done
check_numbers check-json json "$ASSAY" check wb/copper --freq Q --format json

# alpha 0.05 prints as 0.05, not as its 17-digit expansion
run "$ASSAY" scan 'wb/*' --freq Q --format json
case "$out" in *0.050000000000000003*) not_ok numbers-no-17-digit-alpha "$out" ;;
*) ok numbers-no-17-digit-alpha ;; esac
run "$ASSAY" trend wb/copper --format json
expect_out_has numbers-trend-alpha '"alpha": 0.05,'
run "$ASSAY" check wb/copper --format json
expect_out_has numbers-check-alpha '"alpha": 0.05,'

# csv and json carry the same doubles
"$ASSAY" changes wb/copper --freq Q --format csv > "$WORK/c.csv"
"$ASSAY" changes wb/copper --freq Q --format json > "$WORK/c.json"
run python3 - "$WORK/c.csv" "$WORK/c.json" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
js = json.load(open(sys.argv[2]))
same = all((float(r[k]) if r[k] else None) == j[k]
           for r, j in zip(rows, js) for k in ('value', 'pct_change', 'sigma', 'p_value'))
print(len(rows) == len(js) > 100, same)
PY
expect_out numbers-csv-json-same "True True"
