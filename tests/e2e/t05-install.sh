# make install / uninstall into a DESTDIR: binary, library, headers, assay.pc
# and the man page; a program builds against the installed library.
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$TESTS_DIR/.." && pwd)
ROOT="$WORK/root"
BUILD_DIR=$(dirname "$ASSAY")

run make -C "$REPO" --no-print-directory install DESTDIR="$ROOT" PREFIX=/usr BUILD="$BUILD_DIR"
expect_status install-runs 0
for f in usr/bin/assay usr/lib/libassay.a usr/include/assay/assay.h \
	 usr/include/assay/store.h usr/include/assay/import.h \
	 usr/lib/pkgconfig/assay.pc usr/share/man/man1/assay.1; do
	if [ -f "$ROOT/$f" ]; then ok "installed-$f"; else not_ok "installed-$f" "missing"; fi
done
run "$ROOT/usr/bin/assay" --version
expect_out installed-version "assay $(sed -n 's/#define ASSAY_VERSION "\(.*\)"/\1/p' "$REPO/include/assay/assay.h")"

# assay.pc points at the prefix; a program links the static library with it.
cat > "$WORK/prog.c" <<'C'
#include <stdio.h>
#include <assay/assay.h>
int main(void)
{
	char buf[32];
	assay_init();
	puts(assay_period_format(ASSAY_FREQ_Q, 2026 * 4, buf, sizeof buf));
	return 0;
}
C
export PKG_CONFIG_PATH="$ROOT/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$ROOT"
# (under check-asan the installed library is instrumented: link likewise)
run sh -c "cc ${ASSAY_SAN_FLAGS:-} -o '$WORK/prog' '$WORK/prog.c' \$(pkg-config --cflags assay) \$(pkg-config --static --libs assay)"
expect_status pc-links 0
run "$WORK/prog"
expect_out pc-program-runs "2026Q1"

if command -v man >/dev/null 2>&1; then
	run sh -c "MANWIDTH=80 man -l '$ROOT/usr/share/man/man1/assay.1' 2>&1 >/dev/null"
	expect_out man-page-renders-cleanly ""
fi

run make -C "$REPO" --no-print-directory uninstall DESTDIR="$ROOT" PREFIX=/usr
expect_status uninstall-runs 0
left=$(find "$ROOT" -type f | wc -l)
if [ "$left" -eq 0 ]; then ok uninstall-removes-all; else not_ok uninstall-removes-all "$left files left"; fi
