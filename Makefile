# sbx: one non-recursive Makefile for build, tests, lint, install, images, bench.
#   make            binaries into bin/ (the dispatcher finds its verbs beside it)
#   make deps       apt-get every Debian package needed to build, test and run
#   make check      install what is missing, build, build the runtime images for
#                   podman and docker, run every test suite
#   make lint       clang-format check + clang-tidy on compile_commands.json
#   make asan       unit tests under AddressSanitizer + UBSan
#   make install    PREFIX=/usr/local DESTDIR=
#   make images     build the runtime images of the shipped catalog
#   make bench      sbx run against a bare engine run, side by side; then the web API
#                   against static nginx, and a run over HTTP against a bare run; then warm
#                   runs from the pool against cold ones and the floor (POOL_BENCH_ARGS);
#                   then Piston's and codapi's endpoints against the native one (COMPAT_BENCH_ARGS)
#                   (BENCH_ARGS go to contrib/bench/run, WEB_BENCH_ARGS to contrib/bench/web)

PREFIX  ?= /usr/local
DESTDIR ?=

CXX      ?= g++
PKGS     := tomlplusplus sqlite3 libarchive libsodium fcgi libqrencode
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# Our aggregates give every member a default, so designated initializers may omit some.
WARN     := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wnon-virtual-dtor -Wno-missing-field-initializers
HARDEN   := -D_FORTIFY_SOURCE=2 -D_GLIBCXX_ASSERTIONS -fstack-protector-strong \
            -fstack-clash-protection -fcf-protection -fPIE
CPPFLAGS += -Ilib -Icmd $(PKG_CFLAGS)
# CXXFLAGS/LDFLAGS are the caller's to change (make asan does); the rest always apply.
CXXFLAGS ?= -O2 -g
ALL_CXXFLAGS = -std=c++20 $(WARN) $(HARDEN) -MMD -MP $(CXXFLAGS)
ALL_LDFLAGS  = -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(LDFLAGS)
LDLIBS   := -lSQLiteCpp $(PKG_LIBS) -lboost_program_options -lcrypto -lpthread

B := build
# lib/init is the code of sbx-init, which runs inside sandboxes: static, apart from libsbx.
INIT_SRCS := $(sort $(wildcard lib/init/*.cpp))
# lib/preload is sbx-preload.so, loaded into the programs in sandboxes.
PRELOAD_SRCS := $(sort $(wildcard lib/preload/*.cpp))
LIB_SRCS  := $(filter-out $(INIT_SRCS) $(PRELOAD_SRCS),$(sort $(wildcard lib/*.cpp lib/*/*.cpp)))
CMD_SRCS  := $(sort $(wildcard cmd/*.cpp))
CLI_SRCS  := $(sort $(wildcard cmd/cli/*.cpp))
TEST_SRCS := $(sort $(wildcard tests/unit/*.cpp))
BINS      := $(patsubst cmd/%.cpp,bin/%,$(CMD_SRCS))

all: $(BINS) bin/sbx-preload.so ui

$(B)/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(ALL_CXXFLAGS) -c $< -o $@

# Tests find the shipped etc/ through this.
$(B)/tests/%.o: CPPFLAGS += -DSBX_SOURCE_DIR='"$(CURDIR)"'

$(B)/libsbx.a: $(LIB_SRCS:%.cpp=$(B)/%.o)
	@rm -f $@
	ar rcs $@ $^

$(B)/libcli.a: $(CLI_SRCS:%.cpp=$(B)/%.o)
	@rm -f $@
	ar rcs $@ $^

$(B)/libinit.a: $(INIT_SRCS:%.cpp=$(B)/%.o)
	@rm -f $@
	ar rcs $@ $^

# Static: it is mounted into images that share no libraries with the host.
bin/sbx-init: $(B)/cmd/sbx-init.o $(B)/libinit.a
	@mkdir -p bin
	$(CXX) -static-pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(LDFLAGS) -o $@ $^ -lseccomp

# Loaded by the images' own ld.so: position-independent, and nothing from the host but libc.
$(B)/lib/preload/%.o: ALL_CXXFLAGS += -fPIC -fno-exceptions -fno-rtti
bin/sbx-preload.so: $(PRELOAD_SRCS:%.cpp=$(B)/%.o)
	@mkdir -p bin
	$(CXX) -shared -nostartfiles -Wl,--as-needed -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(LDFLAGS) -o $@ $^

bin/%: $(B)/cmd/%.o $(B)/libcli.a $(B)/libsbx.a
	@mkdir -p bin
	$(CXX) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/unit-tests: $(TEST_SRCS:%.cpp=$(B)/%.o) $(B)/libsbx.a $(B)/libinit.a
	$(CXX) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS) -lseccomp

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ---- web UI ------------------------------------------------------------------
# web/src bundled by esbuild into share/www/app.js and app.css (index.html is source).
UI_SRCS := $(shell find web/src -type f 2>/dev/null) web/build.mjs
ui: share/www/app.js

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

share/www/app.js: $(UI_SRCS) web/node_modules/.package-lock.json
	cd web && node build.mjs

# ---- tests -------------------------------------------------------------------
unit: $(B)/unit-tests
	$(B)/unit-tests

cli: all
	bats --print-output-on-failure tests/cli

# Real client libraries of the compatible APIs (piston-client), for tests/api.
api-clients: tests/api/clients/node_modules/.package-lock.json
tests/api/clients/node_modules/.package-lock.json: tests/api/clients/package-lock.json
	cd tests/api/clients && npm ci --no-audit --no-fund

check: deps
	$(MAKE) -j2 all $(B)/unit-tests api-clients
	contrib/images/build-images --engine both
	tests/run-all

# ---- sanitizers --------------------------------------------------------------
# GCC 12 reports a false maybe-uninitialized inside <regex> under the sanitizers.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
              -Wno-maybe-uninitialized
asan:
	$(MAKE) B=build/asan CXXFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" build/asan/unit-tests
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 build/asan/unit-tests

# ---- lint --------------------------------------------------------------------
FORMAT_FILES = $(wildcard lib/*.?pp lib/*/*.?pp cmd/*.cpp cmd/*/*.?pp tests/unit/*.?pp)
compile_commands.json: $(LIB_SRCS) $(INIT_SRCS) $(PRELOAD_SRCS) $(CMD_SRCS) $(CLI_SRCS) $(TEST_SRCS) Makefile
	contrib/dev/compile-commands "$(CXX) $(CPPFLAGS) $(ALL_CXXFLAGS)" $(LIB_SRCS) $(INIT_SRCS) $(PRELOAD_SRCS) $(CMD_SRCS) $(CLI_SRCS) $(TEST_SRCS) > $@

lint: compile_commands.json
	clang-format --dry-run -Werror $(FORMAT_FILES)
	@# One clang-tidy per core: a single one over every file takes 15 minutes here.
	printf '%s\n' $(LIB_SRCS) $(INIT_SRCS) $(PRELOAD_SRCS) $(CMD_SRCS) $(CLI_SRCS) | \
	    xargs -P "$$(nproc)" -n 8 clang-tidy -p . --quiet

format:
	clang-format -i $(FORMAT_FILES)

# ---- deps, install, images, bench --------------------------------------------
deps:
	contrib/dev/install-deps

quickstart:
	contrib/quickstart

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/sbx \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	    $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/sbx/www
	install -m 755 bin/sbx $(DESTDIR)$(PREFIX)/bin/sbx
	install -m 755 $(filter-out bin/sbx,$(BINS)) $(DESTDIR)$(PREFIX)/libexec/sbx/
	install -m 644 bin/sbx-preload.so $(DESTDIR)$(PREFIX)/libexec/sbx/
	install -m 644 share/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 share/man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 share/man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	cp -r share/www/. $(DESTDIR)$(PREFIX)/share/sbx/www/
	install -m 644 share/openapi.yaml contrib/nginx/sbx.conf $(DESTDIR)$(PREFIX)/share/sbx/
	install -d $(DESTDIR)$(PREFIX)/share/sbx/examples
	cp -r etc/. $(DESTDIR)$(PREFIX)/share/sbx/examples/

images:
	contrib/images/build-images $(IMAGE_ARGS)

bench: all
	contrib/images/build-images --engine both
	contrib/bench/run $(BENCH_ARGS)
	contrib/bench/web $(WEB_BENCH_ARGS)
	contrib/bench/pool $(POOL_BENCH_ARGS)
	contrib/bench/compat $(COMPAT_BENCH_ARGS)

clean:
	rm -rf $(B) bin compile_commands.json

.PHONY: all ui unit cli api-clients check asan lint format deps quickstart install images bench clean
.DELETE_ON_ERROR:
.SECONDARY:
