#!/bin/sh
# One rule for SERIES arguments in every command (cli_resolve_series): an
# argument with * ? or [ is a pattern, even where a series bears that very
# name; export and rm took such an argument as the one series of that name
# while changes, check, scan, list and plot took the pattern, so a script
# that checked 'g/*' then exported or removed another set.  The name alone
# is the pattern with its glob characters bracketed ('g/[*]'), and a note
# says so.  rm removes what rm --dry-run lists.
. "$TESTS_DIR/e2e/lib.sh"

printf 'series,date,value\ng/*,2020,5\ng/*,2021,6\ng/a,2020,1\ng/a,2021,3\ng/b,2020,1\ng/b,2021,1\nh[1],2020,1\nh[1],2021,2\nh1,2020,2\nh1,2021,3\n' \
	> "$WORK/in.csv"
"$ASSAY" -q import "$WORK/in.csv" --kind flow >/dev/null 2>&1

# the series each command selects for 'g/*', one a line
series_of() {
	"$@" 2>/dev/null | awk -F, 'NR > 1 { print $1 }' | sort -u
}
all="g/*
g/a
g/b"
for c in export changes check scan list; do
	run series_of "$ASSAY" $c 'g/*' --format csv
	expect_out "glob-$c-pattern" "$all"
done
run sh -c '"$1" rm --dry-run "g/*" 2>/dev/null | sort' sh "$ASSAY"
expect_out glob-rm-dry-run "$all"
# export of a pattern: long rows with a series column, as changes
run "$ASSAY" export 'g/*'
expect_out_has glob-export-long "series,period,value
g/*,2020,5"
# a note says how to name the series alone
expect_err glob-export-note "assay: note: 'g/*' is a pattern (3 series match it); the series named 'g/*' alone is 'g/[*]'"
run "$ASSAY" -q export 'g/*'
expect_err glob-export-note-quiet ""
# ... and the bracketed pattern is that series alone, in every command
for c in export changes check list; do
	run series_of "$ASSAY" $c 'g/[*]' --format csv
	expect_out "glob-$c-bracketed" "g/*"
done
# a pattern that matches another series than the one of its name
run "$ASSAY" rm --dry-run 'h[1]'
expect_out glob-rm-other "h1"
expect_err_has glob-rm-other-note "the series named 'h[1]' alone is 'h[[]1]'"
run "$ASSAY" rm --dry-run 'h[[]1]'
expect_out glob-rm-bracket-open "h[1]"
# rm removes what --dry-run listed, all or nothing
run "$ASSAY" rm 'g/*'
expect_status glob-rm-status 0
expect_err_has glob-rm-count "assay: removed 3 series"
run series_of "$ASSAY" list --format csv
expect_out glob-rm-left "h1
h[1]"
run "$ASSAY" rm 'h[[]1]' 'nothing/*'
expect_status glob-rm-all-or-nothing 2
run series_of "$ASSAY" list --format csv
expect_out glob-rm-all-or-nothing-left "h1
h[1]"
