#!/bin/sh
# The shell side of assay: global options anywhere on the line,
# one error prefix, "did you mean", assay help CMD, -V, and the bash and
# zsh completion scripts generated from the commands' own option tables.
. "$TESTS_DIR/e2e/lib.sh"

printf 'date,value\n2024-01,1\n2024-02,2\n' > "$WORK/m.csv"
"$ASSAY" -q --db "$WORK/a.db" import "$WORK/m.csv" --series t/m --kind price >/dev/null 2>&1

# ---- global options before or after the command ----------------------------
run "$ASSAY" --db "$WORK/a.db" list --format csv
before=$out
run "$ASSAY" list --format csv --db "$WORK/a.db"
expect_status global-db-after-status 0
expect_out global-db-after "$before"
run "$ASSAY" list --db="$WORK/a.db" --format csv
expect_out global-db-equals "$before"
expect_out_has global-db-after-content "t/m,price,M,2024-01,2024-02,2,,"
# -q after the command: the import summary goes
printf 'date,value\n2024-03,3\n' > "$WORK/m2.csv"
run "$ASSAY" import "$WORK/m2.csv" --series t/m --kind price --db "$WORK/a.db" -q
expect_status global-q-after-status 0
expect_err global-q-after ""
run "$ASSAY" import "$WORK/m2.csv" --series t/m --kind price --db "$WORK/a.db" --quiet
expect_err global-quiet-after ""
# --format before the command goes to the command; after it, it wins
run "$ASSAY" --format json --db "$WORK/a.db" list
expect_out_has global-format-before '"name": "t/m"'
run "$ASSAY" --db "$WORK/a.db" list --format csv
before=$out
run "$ASSAY" --format json --db "$WORK/a.db" list --format csv
expect_out global-format-after-wins "$before"
run "$ASSAY" --format csv --db "$WORK/a.db" rm t/m
expect_status global-format-na-status 2
expect_err_has global-format-na "assay rm: --format does not apply to this command"
# "--" ends the options: a name like "-q" is a name
run "$ASSAY" --db "$WORK/a.db" export -- -q
expect_status global-dashdash 2
expect_err global-dashdash-msg "assay: no series '-q' in $WORK/a.db"

# ---- a command's option before the command -----------------------------------
run "$ASSAY" --freq Q check t/m
expect_status misplaced-status 2
expect_err_has misplaced-msg "assay: --freq is an option of a command, not of assay: give it after the command"
expect_err_has misplaced-list "check"
run "$ASSAY" --qiet list
expect_err misplaced-typo "assay: unknown option '--qiet'; did you mean '--quiet'?"

# ---- one error prefix, did you mean ------------------------------------------
run "$ASSAY" chnages t/m
expect_status dym-command-status 2
expect_err dym-command "assay: 'chnages' is not an assay command; did you mean 'changes'?"
run "$ASSAY" frobnicate
expect_err dym-none "assay: 'frobnicate' is not an assay command; see 'assay --help'"
run "$ASSAY" --db "$WORK/a.db" list --fomat csv
expect_status dym-option-status 2
expect_err dym-option "assay list: unrecognized option '--fomat'
assay list: did you mean '--format'?
Try 'assay list --help'."
run "$ASSAY" --db "$WORK/a.db" changes t/m --alowpartial
expect_err_has dym-option-changes "assay changes: did you mean '--allow-partial'?"
run "$ASSAY" --db "$WORK/a.db" check t/m --window
expect_err_has missing-arg "assay check: option '--window' requires an argument"
# no other prefix than "assay:" or "assay CMD:" on any error line
for c in import list show export rm changes check trend plot scan report completion; do
	"$ASSAY" --db "$WORK/a.db" $c --no-such-option > /dev/null 2> "$WORK/e"
	if grep -v "^assay: \|^assay $c: \|^Try 'assay $c --help'\.$" "$WORK/e" > "$WORK/bad"; then
		not_ok "prefix-$c" "$(cat "$WORK/bad")"
	else ok "prefix-$c"; fi
done

# ---- help, version -----------------------------------------------------------
run "$ASSAY" help changes
expect_status help-cmd-status 0
expect_out_has help-cmd "Usage: assay changes"
run "$ASSAY" help
expect_out_has help-global "Commands:"
run "$ASSAY" help chnages
expect_status help-unknown 2
expect_err help-unknown-msg "assay: 'chnages' is not an assay command; did you mean 'changes'?"
run "$ASSAY" -V
expect_out version-short "$("$ASSAY" --version)"
expect_out_has version-text "assay "
# help takes --version (and the globals) after it, as every command does
run "$ASSAY" help --version
expect_status help-version-status 0
expect_out help-version "$("$ASSAY" --version)"
run "$ASSAY" help -V
expect_out help-version-short "$("$ASSAY" --version)"
run "$ASSAY" help --help
expect_out_has help-help "Commands:"
run "$ASSAY" help -q list
expect_out_has help-global-after "Usage: assay list"
run "$ASSAY" help --bogus
expect_status help-bad-option 2
# every command's --help has an Examples block
for c in import list show export rm changes check trend plot scan report completion; do
	run "$ASSAY" $c --help
	expect_out_has "examples-$c" "Examples:"
done

# ---- completion ----------------------------------------------------------------
"$ASSAY" completion bash > "$WORK/assay.bash"
expect_status completion-bash-status 0
if command -v bash >/dev/null 2>&1; then
	# complete "assay <words>" in a bash that sourced the script; the
	# candidates, one a line
	comp() {
		bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
			_assay; printf "%s\n" "${COMPREPLY[@]}"' sh "$WORK/assay.bash" "$@"
	}
	PATH=$(dirname "$ASSAY"):$PATH
	export PATH
	run comp assay ch
	expect_out completion-commands "changes
check"
	run sh -c 'comp() { bash -c ". \"\$1\"; shift; COMP_WORDS=(\"\$@\"); COMP_CWORD=\$((\$# - 1)); _assay; printf \"%s\n\" \"\${COMPREPLY[@]}\"" sh "$@"; }; comp "$0" assay changes --al | sort' "$WORK/assay.bash"
	expect_out completion-option "--allow-partial
--alpha"
	run comp assay changes --freq ""
	expect_out completion-freq-values "D
W
M
Q
A"
	run comp assay export --format ""
	expect_out completion-format-values "table
csv
tsv
json
ndjson"
	run comp assay --db "$WORK/a.db" check t/
	expect_out completion-series "t/m"
	# a series name is data: a command in it does not run at TAB, and
	# the candidate is quoted for the command line
	printf 'series,date,value\n"h/$(touch %s/pwned)",2020-01,1\nh/q"uote,2020-01,2\n' \
		"$WORK" > "$WORK/hostile.csv"
	"$ASSAY" --db "$WORK/h.db" -q import "$WORK/hostile.csv" --kind price
	run comp assay --db "$WORK/h.db" check h/
	[ -e "$WORK/pwned" ] && not_ok completion-no-expansion "a command in a series name ran" ||
		ok completion-no-expansion
	expect_out completion-quoted "h/\\\$\\(touch\\ $WORK/pwned\\)
h/q\\\"uote"
	# a backslash in a name: tsv writes it doubled, the candidate is the
	# name itself (it completed to c/back\\slash, no such series)
	printf 'series,date,value\nc/back\\slash,2020-01,1\n' > "$WORK/bs.csv"
	"$ASSAY" --db "$WORK/bs.db" -q import "$WORK/bs.csv" --kind price
	run comp assay --db "$WORK/bs.db" check c/
	expect_out completion-backslash 'c/back\\slash'
	run comp assay --d
	expect_out completion-global "--db"
	run comp assay help ex
	expect_out completion-help "export"
	# every option each command accepts is offered (and only those): the
	# script is made from the commands' own tables
	run comp assay trend --
	for o in --freq --from --to --as-of --variant --alpha --penalty --min-segment --format --help --db --quiet; do
		case "
$out
" in *"
$o
"*) ok "completion-trend$o" ;; *) not_ok "completion-trend$o" "not offered: [$out]" ;; esac
	done
	# the report branch's options (scan and report selection, chart text)
	for co in "scan --since" "scan --notable-only" "scan --top" "scan --sort" \
		"report --subtitle" "report --period" "report --from" "report --to" \
		"report --sort" "plot --log" "plot --label"; do
		run comp assay ${co% *} --
		case "
$out
" in *"
${co#* }
"*) ok "completion-${co% *}${co#* }" ;; *) not_ok "completion-${co% *}${co#* }" "not offered: [$out]" ;; esac
	done
	run comp assay check --format ""
	expect_out completion-check-format-values "text
csv
tsv
json
ndjson"
	run comp assay scan --sort ""
	expect_out completion-sort-values "p
q
change
name"
else
	skip completion-bash "no bash"
fi
"$ASSAY" completion zsh > "$WORK/_assay"
expect_status completion-zsh-status 0
if command -v zsh >/dev/null 2>&1; then
	run zsh -n "$WORK/_assay"
	expect_status completion-zsh-syntax 0
	# the script under stand-ins for zsh's completion builtins, which print
	# the candidates they are given (zsh itself filters them by $PREFIX)
	cat > "$WORK/zt.zsh" <<'ZSH'
compadd() { local a=0 w=0 x; for x in "$@"; do
	if (( w )); then print -- $x; continue; fi
	case $x in -a) a=1 ;; --) w=1 ;; -*) ;; *) if (( a )); then print -l -- ${(P)x}; else print -- $x; fi ;; esac
done }
_describe() { print -l -- ${(P)4} }
_files() { print FILES }
words=("${(@s: :)ZWORDS}")
CURRENT=${#words}
PREFIX=${words[CURRENT]}
source $1
ZSH
	# Leak checking off for the assay that the script runs: under zsh's
	# command substitution with a pipeline, LeakSanitizer's stop-the-world
	# at exit deadlocks (the process spins in sched_yield while its tracer
	# child waits; 8 runs in 20 here, never under sh), which hung the ASan
	# pass of CI.  Every other ASan run still checks leaks.
	zcomp() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" ZWORDS="$*" \
		PATH="$(dirname "$ASSAY"):$PATH" zsh -f "$WORK/zt.zsh" "$WORK/_assay"; }
	run zcomp assay ch
	expect_out_has zsh-commands "changes:changes, noise scale and a verdict on every move"
	run zcomp assay changes --al
	expect_out_has zsh-options "--allow-partial"
	run zcomp assay changes --freq Q
	expect_out zsh-freq-values "D
W
M
Q
A"
	run zcomp assay --db "$WORK/a.db" check t/
	expect_out zsh-series "t/m"
else
	skip completion-zsh-syntax "no zsh"
fi
run "$ASSAY" completion fish
expect_status completion-fish 2

# The option table (src/cli/optable.h): numbers are read strictly and
# range-checked before the store is opened, in one wording for every
# command built on it.
run "$ASSAY" check t/m --alpha 1 --db "$WORK/a.db"
expect_status table-alpha-status 2
expect_err table-alpha "assay check: --alpha takes a number greater than 0 and less than 1, not '1'
Try 'assay check --help'."
run "$ASSAY" check t/m --window 2x --db "$WORK/a.db"
expect_err table-window "assay check: --window takes a whole number from 2 to 100000, not '2x'
Try 'assay check --help'."
run "$ASSAY" check t/m --half-life 0 --db "$WORK/a.db"
expect_err table-half-life "assay check: --half-life takes a number greater than 0, not '0'
Try 'assay check --help'."
run "$ASSAY" report -o "$WORK/rep" --top 0 --db "$WORK/a.db"
expect_status table-top-status 2
expect_err table-top "assay report: --top takes a whole number of at least 1, not '0'
Try 'assay report --help'."
run "$ASSAY" report -o "$WORK/rep" --fdr 0 --db "$WORK/a.db"
expect_err table-fdr "assay report: --fdr takes a number greater than 0 and less than 1, not '0'
Try 'assay report --help'."
run "$ASSAY" report -o "$WORK/rep" -j 65 --db "$WORK/a.db"
expect_err table-jobs "assay report: --jobs takes a whole number from 1 to 64, not '65'
Try 'assay report --help'."
[ -e "$WORK/rep" ] && not_ok table-refused-writes-nothing "$WORK/rep exists" \
	|| ok table-refused-writes-nothing
# --help's option lines come from the table: the line of an option and
# its continuation lines
run "$ASSAY" check --help
expect_out_has table-help-line "  --window N        trailing changes that define normal (default 20)"
expect_out_has table-help-continued "  --freq F          judge at frequency M, Q or A (default: native; a
                    series already at a lower one keeps its own, noted)"
run "$ASSAY" --help
expect_out_has table-global-help "  -V, --version print the version"
# ... and so do the completion scripts' words for an option's argument
run "$ASSAY" completion bash
expect_out_has table-completion-values "		--seasonal) v='auto yes no' ;;"
expect_out_has table-completion-globals "local globals='--db --quiet -q --format --help -h --version -V'"

# --from after --to is a usage error in every command that takes both (it
# printed nothing, exit 0)
for c in export changes trend; do
	run "$ASSAY" --db "$WORK/a.db" $c t/m --from 2024-02 --to 2024-01
	expect_status "range-reversed-$c" 2
	expect_err_has "range-reversed-$c-msg" "assay $c: --from 2024-02 is after --to 2024-01: no period lies between them"
done
run "$ASSAY" --db "$WORK/a.db" export t/m --from 2024Q1 --to 2024-01
expect_status range-overlapping-labels 0

# the table lines up names with wide (CJK) characters: two columns each
printf 'series,date,value\n\351\212\205/\346\227\245\346\234\254,2024-01,5\ncu/x,2024-01,6\n' > "$WORK/cjk.csv"
"$ASSAY" -q --db "$WORK/cjk.db" import "$WORK/cjk.csv" --kind price
run "$ASSAY" --db "$WORK/cjk.db" list
expect_out table-wide-chars "$(printf 'name     kind   freq  first    last     count  unit  source\ncu/x     price  M     2024-01  2024-01      1    NA      NA\n\351\212\205/\346\227\245\346\234\254  price  M     2024-01  2024-01      1    NA      NA')"

# --version after the command too (the help lists it among the global
# options that may come before or after it), and 'help --help'
for c in list changes import report; do
	run "$ASSAY" $c --version
	expect_status "version-after-$c" 0
	expect_out "version-after-$c-text" "$("$ASSAY" --version)"
done
run "$ASSAY" help --help
expect_status help-help 0
expect_out_has help-help-text "Usage: assay"
