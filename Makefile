# assay: build the library libassay.a, the assay command on it, and the tests.
# User CFLAGS/LDFLAGS are kept; the project's flags are appended (redis-style).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
CC ?= cc
CFLAGS ?= -O2 -g
BUILD ?= build

PKGS = gsl sqlite3 jansson libcrypto libzip expat freexl
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
	-Iinclude -MMD -MP $(PKG_CFLAGS) $(CFLAGS) $(SAN)
ALL_LDFLAGS = $(LDFLAGS) $(SAN)
LIBS = $(PKG_LIBS) -lcsv -lpthread -lm

LIB_SRC := $(sort $(wildcard src/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/lib/%.o)
CLI_OBJ := $(CLI_SRC:src/cli/%.c=$(BUILD)/cli/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps demo test check unit e2e check-asan check-warnings install uninstall clean bench

all: $(BUILD)/assay


$(BUILD)/libassay.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/assay: $(CLI_OBJ) $(BUILD)/libassay.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libassay.a $(LIBS)

$(BUILD)/lib/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/cli/%.o: src/cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libassay.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(BUILD)/libassay.a $(ALL_LDFLAGS) $(LIBS) -lcmocka

# Install what a fresh Debian machine lacks (does nothing when all is there).
deps:
	@scripts/install-deps --check >/dev/null 2>&1 || scripts/install-deps

# The main job on the bundled data: import, list, analyse.
demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

unit: $(UNIT_BIN)
	@failed=""; for t in $(UNIT_BIN); do \
		ASSAY_TEST_DATA=tests/fixtures $$t || failed="$$failed $$(basename $$t)"; \
	done; \
	if [ -n "$$failed" ]; then echo "unit: failed:$$failed"; exit 1; fi

e2e: $(BUILD)/assay
	@ASSAY=$(abspath $(BUILD)/assay) ASSAY_SAN_FLAGS="$(SAN)" tests/e2e/run

# The README's test command: unit tests (cmocka), end-to-end tests, and the
# whole suite once more under AddressSanitizer and UBSan.
test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-warnings
	@$(MAKE) --no-print-directory unit e2e
	@$(MAKE) --no-print-directory check-asan

check: test

check-asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		CFLAGS="-O1 -g" unit e2e

# -Wall -Wextra clean with both compilers (warnings are errors here).
check-warnings:
	@$(MAKE) --no-print-directory BUILD=build-gcc CC=gcc CFLAGS="-O2 -Werror" build-gcc/assay
	@$(MAKE) --no-print-directory BUILD=build-clang CC=clang CFLAGS="-O2 -Werror" build-clang/assay
	@echo "check-warnings: gcc and clang build with -Wall -Wextra -Werror"

bench: all
	scripts/bench-import

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/assay $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/assay $(DESTDIR)$(BINDIR)/assay
	install -m 644 $(BUILD)/libassay.a $(DESTDIR)$(LIBDIR)/libassay.a
	install -m 644 include/assay/*.h $(DESTDIR)$(INCLUDEDIR)/assay/
	install -m 644 src/assay.1 $(DESTDIR)$(MANDIR)/man1/assay.1
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(shell sed -n 's/#define ASSAY_VERSION "\(.*\)"/\1/p' include/assay/assay.h)|' \
		src/assay.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/assay.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/assay $(DESTDIR)$(LIBDIR)/libassay.a \
		$(DESTDIR)$(LIBDIR)/pkgconfig/assay.pc $(DESTDIR)$(MANDIR)/man1/assay.1
	rm -rf $(DESTDIR)$(INCLUDEDIR)/assay

clean:
	rm -rf build build-asan build-gcc build-clang tests/out

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
