#!/bin/sh
# The demo report in a real browser (headless Chromium, Debian's
# `chromium`): every network request refused, screenshots at 1400 and
# 420 px wide, a print to PDF, and the DOM as the browser built it.
. "$TESTS_DIR/e2e/lib.sh"

B=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$B" ]; then
	not_ok browser-installed "chromium is not installed (scripts/install-deps)"
	exit 0
fi
D="$DATA_DIR"
"$ASSAY" -q import "$D/worldbank-cmo/cmo-monthly-2026-06.csv" --prefix wb/ --kind price --vintage 2026-06-02 \
	--source "World Bank Pink Sheet (CC BY 4.0)"
"$ASSAY" -q import "$D/owid-bgs/bgs-mineral-production-2016.csv" --layout wide \
	--key-cols Entity --date-col Year --prefix bgs/ --kind flow --unit t --vintage 2016-12-31 \
	--source "BGS World Mineral Statistics via Our World in Data"
# the demo's selection (scripts/demo)
"$ASSAY" -q report 'wb/[cn]*' bgs/democratic-republic-of-congo/cobalt --freq Q -o "$WORK/rep"
H="$WORK/rep/index.html"
nseries=$(grep -c '^<section class="series' "$H")

# The page names nothing on the network.
urls=$(grep -Eio '(src|href)="(https?:)?//[^"]*"|url\((https?:)?//[^)]*\)' "$H" | head -3)
[ -z "$urls" ] && ok browser-no-url-referenced || not_ok browser-no-url-referenced "$urls"

run_browser() {
	prof="$WORK/profile-$1"
	rm -rf "$prof"
	mkdir "$prof"
	shift
	timeout -k 10 120 "$B" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" --host-resolver-rules="MAP * ~NOTFOUND" \
		--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter --hide-scrollbars "$@" "file://$H" 2> "$WORK/browser.err"
}
png_width() { od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'; }

run_browser wide --window-size=1400,2000 --screenshot="$WORK/wide.png" > /dev/null
[ -s "$WORK/wide.png" ] && [ "$(png_width "$WORK/wide.png")" -eq 1400 ] && ok browser-screenshot-1400 ||
	not_ok browser-screenshot-1400 "$(tail -2 "$WORK/browser.err")"
run_browser narrow --window-size=420,2000 --screenshot="$WORK/narrow.png" > /dev/null
[ -s "$WORK/narrow.png" ] && [ "$(png_width "$WORK/narrow.png")" -eq 420 ] && ok browser-screenshot-420 ||
	not_ok browser-screenshot-420 "$(tail -2 "$WORK/browser.err")"
run_browser pdf --print-to-pdf="$WORK/report.pdf" --no-pdf-header-footer > /dev/null
head -c 5 "$WORK/report.pdf" 2>/dev/null | grep -q '%PDF-' && tail -c 1024 "$WORK/report.pdf" | grep -q '%%EOF' &&
	ok browser-print-pdf || not_ok browser-print-pdf "$(tail -2 "$WORK/browser.err")"
pages=$(grep -ac '/Type /Page$\|/Type /Page[^s]' "$WORK/report.pdf" || true)
[ "$pages" -ge 1 ] && [ "$pages" -le $((nseries * 2 + 4)) ] && ok browser-pdf-pages ||
	not_ok browser-pdf-pages "$pages pages for $nseries series"

# The DOM the browser built: summary, contents, a section per series, and
# no request made (a failed fetch shows in the net log).
run_browser dom --dump-dom --log-net-log="$WORK/net.json" > "$WORK/dom.html"
grep -q '<section id="summary">' "$WORK/dom.html" && ok browser-dom-summary || not_ok browser-dom-summary "no summary"
grep -q '<nav id="contents">' "$WORK/dom.html" && ok browser-dom-contents || not_ok browser-dom-contents "no contents"
dsec=$(grep -c '<section class="series' "$WORK/dom.html")
[ "$dsec" -eq "$nseries" ] && [ "$nseries" -gt 5 ] && ok browser-dom-sections ||
	not_ok browser-dom-sections "$dsec in the DOM, $nseries in the page"
if [ -s "$WORK/net.json" ]; then
	# Chromium's own services (update and time checks on google hosts)
	# still try despite the flags, and are refused by the resolver rule;
	# any other request would be the page's.
	reqs=$(grep -Eo '"url":"(https?|wss?|ftp)://[^"]*"' "$WORK/net.json" |
		grep -Ev '"url":"https?://[a-z0-9.-]*\.(googleapis|google|gvt1)\.com/' | sort -u | head -3)
	[ -z "$reqs" ] && ok browser-no-request || not_ok browser-no-request "$reqs"
else
	not_ok browser-no-request "no net log written"
fi
# For the README: the screenshots when asked (scripts/demo sets it).
if [ -n "${ASSAY_SHOTS_DIR:-}" ]; then
	cp "$WORK/wide.png" "$ASSAY_SHOTS_DIR/readme-report.png"
	cp "$WORK/narrow.png" "$ASSAY_SHOTS_DIR/readme-report-phone.png"
fi
