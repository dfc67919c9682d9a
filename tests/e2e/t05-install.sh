# make install / uninstall into a DESTDIR: binary, static and shared
# library, headers, assay.pc, the man pages and the completion scripts; a
# program builds against the installed library both ways (pkg-config
# --libs: the shared one; --static --libs: the static one) and runs.
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$TESTS_DIR/.." && pwd)
ROOT="$WORK/root"
BUILD_DIR=$(dirname "$ASSAY")

# The same sanitizer flags as the build under test: relinking its objects
# without them would fail (make check-asan runs this with build-asan).
run make -C "$REPO" --no-print-directory install DESTDIR="$ROOT" PREFIX=/usr BUILD="$BUILD_DIR" SAN="${ASSAY_SAN_FLAGS:-}"
expect_status install-runs 0
for f in usr/bin/assay usr/lib/libassay.a usr/include/assay/assay.h \
	 usr/include/assay/store.h usr/include/assay/import.h \
	 usr/lib/pkgconfig/assay.pc usr/share/man/man1/assay.1 \
	 usr/share/man/man3/assay.3 usr/lib/libassay.so.0.1.0 \
	 usr/share/bash-completion/completions/assay \
	 usr/share/zsh/site-functions/_assay; do
	if [ -f "$ROOT/$f" ]; then ok "installed-$f"; else not_ok "installed-$f" "missing"; fi
done
run "$ROOT/usr/bin/assay" --version
expect_out installed-version "assay $(sed -n 's/#define ASSAY_VERSION "\(.*\)"/\1/p' "$REPO/include/assay/assay.h")"

# assay.pc points at the prefix; a program links with it both ways.  It
# uses the store (SQLite), an analysis (GSL) and the API conventions: a
# lookup returns 1/0/-1, *_name() is NULL for "none".
[ -L "$ROOT/usr/lib/libassay.so.0" ] && [ -L "$ROOT/usr/lib/libassay.so" ] \
	&& ok installed-so-links || not_ok installed-so-links "no libassay.so.0 / libassay.so"
run sh -c "readelf -d '$ROOT/usr/lib/libassay.so.0.1.0' | grep SONAME"
expect_out_has so-soname "[libassay.so.0]"
printf 'date,value\n2020-01,10\n2020-02,11\n2020-03,12\n' > "$WORK/s.csv"
"$ROOT/usr/bin/assay" -q --db "$WORK/p.db" import "$WORK/s.csv" --series t/s --kind price
cat > "$WORK/prog.c" <<'C'
#include <stdio.h>
#include <assay/assay.h>
#include <assay/store.h>
#include <assay/resample.h>
#include <assay/verdict.h>
int main(int argc, char **argv)
{
	char buf[32];
	assay_store *st;
	assay_series_info info;
	assay_obs obs;
	assay_resampled rs;
	assay_error err;
	assay_init();
	puts(assay_period_format(ASSAY_FREQ_Q, 2026 * 4, buf, sizeof buf));
	if (argc < 2 || assay_store_open(&st, argv[1], 1, &err))
		return 4;
	int none = assay_store_series_get(st, "no/such", &info, &err);
	int found = assay_store_series_get(st, "t/s", &info, &err);
	if (found != 1 || assay_store_load(st, info.id, NULL, &obs, &err) ||
	    assay_resample(&obs, info.freq, info.kind, ASSAY_FREQ_Q, &rs, &err))
		return 4;
	printf("%d %d %s %s %s %g\n", none, found, assay_kind_name(info.kind),
	       assay_kind_name(ASSAY_KIND_NONE) ? "name" : "NULL",
	       assay_verdict_name(ASSAY_VERDICT_NONE) ? "name" : "NULL", rs.value[0]);
	assay_resampled_release(&rs);
	assay_obs_release(&obs);
	assay_series_info_release(&info);
	assay_store_close(st);
	return 0;
}
C
export PKG_CONFIG_PATH="$ROOT/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$ROOT"
# (under check-asan the installed library is instrumented: link likewise)
run sh -c "cc ${ASSAY_SAN_FLAGS:-} -o '$WORK/prog' '$WORK/prog.c' \$(pkg-config --cflags assay) \$(pkg-config --libs assay)"
expect_status pc-links-shared 0
run sh -c "readelf -d '$WORK/prog' | grep NEEDED"
expect_out_has pc-shared-needed "[libassay.so.0]"
run env LD_LIBRARY_PATH="$ROOT/usr/lib" "$WORK/prog" "$WORK/p.db"
expect_out pc-program-runs-shared "2026Q1
0 1 price NULL NULL 11"
# the static library with what --static --libs lists beside it (-lassay
# would find the shared one first: name the archive)
run sh -c "cc ${ASSAY_SAN_FLAGS:-} -o '$WORK/prog-static' '$WORK/prog.c' \$(pkg-config --cflags assay) '$ROOT/usr/lib/libassay.a' \$(pkg-config --static --libs assay | sed 's/-lassay//')"
expect_status pc-links-static 0
run sh -c "readelf -d '$WORK/prog-static' | grep -c 'libassay'"
expect_out pc-static-no-libassay-so "0"
run "$WORK/prog-static" "$WORK/p.db"
expect_out pc-program-runs-static "2026Q1
0 1 price NULL NULL 11"

# A program that imports (the CSV and workbook readers: libcsv, libzip,
# expat, libfreexl, libgsf) links statically with what assay.pc lists
# too: Requires.private names every library the archive's objects use.
cat > "$WORK/importer.c" <<'C'
#include <stdio.h>
#include <assay/assay.h>
#include <assay/store.h>
#include <assay/import.h>
int main(int argc, char **argv)
{
	assay_store *st;
	assay_error err;
	assay_import_opts o = { 0 };
	assay_import_result res;
	assay_init();
	if (argc < 3 || assay_store_open(&st, argv[1], 0, &err))
		return 4;
	o.path = argv[2];
	o.layout = ASSAY_LAYOUT_WIDE;
	o.meta[ASSAY_META_KIND] = "price";
	o.percent = 1;
	o.dry_run = 1;
	if (assay_import(st, &o, &res, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	printf("%llu values\n", (unsigned long long)res.values);
	assay_store_close(st);
	return 0;
}
C
run sh -c "cc ${ASSAY_SAN_FLAGS:-} -o '$WORK/importer' '$WORK/importer.c' \$(pkg-config --cflags assay) '$ROOT/usr/lib/libassay.a' \$(pkg-config --static --libs assay | sed 's/-lassay//')"
expect_status pc-links-static-importer 0
run "$WORK/importer" "$WORK/i.db" "$TESTS_DIR/bad/230-xls-percent-format-read.csv"
expect_out pc-importer-runs-static "6 values"

# The statistics need no SQLite: a program that judges a move with the
# verdict links against the static library with GSL and libm alone (no
# -lsqlite3, no -lcsv); assay_fail and assay_init_stats pull in nothing
# of the store.
cat > "$WORK/verdict-only.c" <<'C'
#include <stdio.h>
#include <assay/assay.h>
#include <assay/verdict.h>
int main(void)
{
	double r[30];
	assay_judgement j[30];
	assay_judge_opts o;
	assay_error err;
	assay_init_stats();
	for (int i = 0; i < 30; i++)
		r[i] = 0.01 * ((i * 7) % 5 - 2);
	r[29] = 0.5;
	assay_judge_opts_init(&o);
	o.window = 0;
	if (assay_judge(r, r, NULL, 30, 29, &o, j, &err) == 0)
		return 1;       /* window 0 is refused, with a message */
	printf("%d %s\n", err.status, err.msg[0] ? "message" : "none");
	assay_judge_opts_init(&o);
	if (assay_judge(r, r, NULL, 30, 29, &o, j, &err))
		return 4;
	printf("%s\n", assay_verdict_name(j[29].verdict));
	return 0;
}
C
run sh -c "cc ${ASSAY_SAN_FLAGS:-} -I'$ROOT/usr/include' -o '$WORK/verdict-only' '$WORK/verdict-only.c' '$ROOT/usr/lib/libassay.a' -lgsl -lgslcblas -lm"
expect_status verdict-links-without-sqlite 0
run "$WORK/verdict-only"
expect_out verdict-only-runs "2 message
shock"

if command -v man >/dev/null 2>&1; then
	run sh -c "MANWIDTH=80 man -l '$ROOT/usr/share/man/man1/assay.1' 2>&1 >/dev/null"
	expect_out man-page-renders-cleanly ""
	run sh -c "MANWIDTH=80 man -l '$ROOT/usr/share/man/man3/assay.3' 2>&1 >/dev/null"
	expect_out man3-page-renders-cleanly ""
fi
# the installed bash completion offers the subcommands
if command -v bash >/dev/null 2>&1; then
	run bash -c ". '$ROOT/usr/share/bash-completion/completions/assay'; COMP_WORDS=(assay rep); COMP_CWORD=1; _assay; echo \"\${COMPREPLY[*]}\""
	expect_out installed-completion "report"
fi

run make -C "$REPO" --no-print-directory uninstall DESTDIR="$ROOT" PREFIX=/usr
expect_status uninstall-runs 0
left=$(find "$ROOT" -type f | wc -l)
if [ "$left" -eq 0 ]; then ok uninstall-removes-all; else not_ok uninstall-removes-all "$left files left"; fi
