# assay: build the library libassay.a, the assay command on it, and the tests.
# User CFLAGS/LDFLAGS are kept; the project's flags are appended (redis-style).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/site-functions
PKG_CONFIG ?= pkg-config
CC ?= cc
CFLAGS ?= -O2 -g
BUILD ?= build

PKGS = gsl sqlite3 jansson libcrypto libzip expat freexl libgsf-1 libutf8proc
# A library pkg-config cannot find stops the build here, naming it (a
# silent empty --cflags would only fail later, on a missing header).  The
# goals that build nothing, or install what is missing first, skip this.
NO_PKG_GOALS = clean deps deps-check demo
ifneq ($(filter-out $(NO_PKG_GOALS),$(or $(MAKECMDGOALS),all)),)
ifeq ($(shell command -v $(PKG_CONFIG)),)
$(error $(PKG_CONFIG) is not installed; run scripts/install-deps)
endif
PKG_MISSING := $(strip $(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists $(p) && echo y),,$(p))))
ifneq ($(PKG_MISSING),)
$(error $(PKG_CONFIG) finds no $(PKG_MISSING) (their -dev packages are missing); run scripts/install-deps)
endif
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))
endif
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
	-Iinclude -MMD -MP $(PKG_CFLAGS) $(CFLAGS) $(SAN)
ALL_LDFLAGS = $(LDFLAGS) $(SAN)
# UDUNITS-2 ships no pkg-config file in Debian 12: named here.
LIBS = $(PKG_LIBS) -lcsv -ludunits2 -lpthread -lm

LIB_SRC := $(sort $(wildcard src/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/lib/%.o)
CLI_OBJ := $(CLI_SRC:src/cli/%.c=$(BUILD)/cli/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# The shared library: libassay.so.VERSION, soname libassay.so.MAJOR (the
# major number changes when the ABI does), beside the static one.
VERSION := $(shell sed -n 's/#define ASSAY_VERSION "\(.*\)"/\1/p' include/assay/assay.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
SONAME := libassay.so.$(SOMAJOR)
SHLIB := libassay.so.$(VERSION)

.PHONY: all deps deps-check demo test check unit e2e check-asan check-warnings install uninstall clean bench \
	fuzz fuzz-build fuzz-smoke fuzz-replay fuzz-bins

all: $(BUILD)/assay $(BUILD)/$(SHLIB) $(BUILD)/assay.bash $(BUILD)/_assay

$(BUILD)/libassay.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/$(SHLIB): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
	ln -sf $(SHLIB) $(BUILD)/$(SONAME)
	ln -sf $(SHLIB) $(BUILD)/libassay.so

# The completion scripts, generated from the command table and each
# command's options by the binary itself.
$(BUILD)/assay.bash: $(BUILD)/assay
	$(BUILD)/assay completion bash > $@.tmp && mv $@.tmp $@
$(BUILD)/_assay: $(BUILD)/assay
	$(BUILD)/assay completion zsh > $@.tmp && mv $@.tmp $@

$(BUILD)/assay: $(CLI_OBJ) $(BUILD)/libassay.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libassay.a $(LIBS)

$(BUILD)/lib/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

$(BUILD)/cli/%.o: src/cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The CLI's number formatter is tested through its header, linked from
# its object (it is CLI code, not in the library).
$(BUILD)/tests/test_numfmt: tests/unit/test_numfmt.c $(BUILD)/cli/numfmt.o $(BUILD)/libassay.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(BUILD)/cli/numfmt.o $(BUILD)/libassay.a $(ALL_LDFLAGS) $(LIBS) -lcmocka

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libassay.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(BUILD)/libassay.a $(ALL_LDFLAGS) $(LIBS) -lcmocka

# Install what a fresh Debian machine lacks (does nothing when all is there).
deps:
	@scripts/install-deps --check >/dev/null 2>&1 || scripts/install-deps

# What the tests need, checked but never installed (make test runs no
# apt-get; CI's .ci/run calls scripts/install-deps itself first).
deps-check:
	@missing=$$(scripts/install-deps --check) || { \
		echo "make: cannot run the tests: $$missing" >&2; \
		echo "make: run scripts/install-deps (apt-get; sudo when not root)" >&2; \
		exit 1; }

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
# whole suite once more under AddressSanitizer and UBSan.  It installs
# nothing: deps-check names what is missing.
test: deps-check
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-warnings
	@$(MAKE) --no-print-directory unit e2e
	@$(MAKE) --no-print-directory check-asan
	@$(MAKE) --no-print-directory fuzz-smoke

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

# Fuzzing (tests/fuzz/): libFuzzer targets built with clang, ASan and UBSan
# on a copy of the library compiled the same way (in build-fuzz/).
FUZZ_BUILD = build-fuzz
FUZZ_TARGETS = fuzz_import fuzz_period fuzz_date_format fuzz_biff fuzz_xlsx fuzz_derive fuzz_units fuzz_plot_quote
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_TIME ?= 300
FUZZ_SMOKE_TIME ?= 20
FUZZ_SEED ?= 1
FUZZ_RUN = FUZZ_DIR=$(abspath $(FUZZ_BUILD)) FUZZ_TIME=$(FUZZ_TIME) \
	FUZZ_SMOKE_TIME=$(FUZZ_SMOKE_TIME) FUZZ_SEED=$(FUZZ_SEED) tests/fuzz/run

fuzz-bins: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
	@:

$(BUILD)/fuzz/fuzz_xlsx: tests/fuzz/fuzz_import.c       # its harness

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libassay.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -fsanitize=fuzzer -o $@ $< $(BUILD)/libassay.a \
		$(ALL_LDFLAGS) -fsanitize=fuzzer $(LIBS)

fuzz-build: deps-check
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="-O1 -g" \
		SAN="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" fuzz-bins
	@rm -rf $(FUZZ_BUILD)/seeds
	@tests/fuzz/make-seeds . $(FUZZ_BUILD)/seeds

# Each target for FUZZ_TIME seconds (make fuzz FUZZ_TIME=3600), keeping its
# corpus in build-fuzz/corpus/.
fuzz: fuzz-build
	@$(FUZZ_RUN) long

# What make test runs: the reproducers in tests/fuzz/regress/, then each
# target for FUZZ_SMOKE_TIME seconds from its seeds with a fixed seed.
fuzz-smoke: fuzz-build
	@$(FUZZ_RUN) smoke

fuzz-replay: fuzz-build
	@$(FUZZ_RUN) replay

bench: all
	scripts/bench-import

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/assay $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BUILD)/assay $(DESTDIR)$(BINDIR)/assay
	install -m 644 $(BUILD)/libassay.a $(DESTDIR)$(LIBDIR)/libassay.a
	install -m 755 $(BUILD)/$(SHLIB) $(DESTDIR)$(LIBDIR)/$(SHLIB)
	ln -sf $(SHLIB) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SHLIB) $(DESTDIR)$(LIBDIR)/libassay.so
	install -m 644 include/assay/*.h $(DESTDIR)$(INCLUDEDIR)/assay/
	install -m 644 src/assay.1 $(DESTDIR)$(MANDIR)/man1/assay.1
	install -m 644 src/assay.3 $(DESTDIR)$(MANDIR)/man3/assay.3
	install -m 644 $(BUILD)/assay.bash $(DESTDIR)$(BASHCOMPDIR)/assay
	install -m 644 $(BUILD)/_assay $(DESTDIR)$(ZSHCOMPDIR)/_assay
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		-e 's|@REQUIRES@|$(PKGS)|' \
		src/assay.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/assay.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/assay $(DESTDIR)$(LIBDIR)/libassay.a \
		$(DESTDIR)$(LIBDIR)/$(SHLIB) $(DESTDIR)$(LIBDIR)/$(SONAME) \
		$(DESTDIR)$(LIBDIR)/libassay.so \
		$(DESTDIR)$(LIBDIR)/pkgconfig/assay.pc $(DESTDIR)$(MANDIR)/man1/assay.1 \
		$(DESTDIR)$(MANDIR)/man3/assay.3 $(DESTDIR)$(BASHCOMPDIR)/assay \
		$(DESTDIR)$(ZSHCOMPDIR)/_assay
	rm -rf $(DESTDIR)$(INCLUDEDIR)/assay

clean:
	rm -rf build build-asan build-gcc build-clang build-fuzz tests/out

# -MMD beside -o writes BUILD/tests/test_x.d for a unit test (compiled and
# linked in one step), so a header change rebuilds the tests that use it.
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d) $(wildcard $(BUILD)/fuzz/*.d)
