# hotline build.  `make` builds the release binary; `make check` builds the
# sanitizer variant and runs every test; `make run` starts the demo center.
# Sources are discovered by wildcard so a new file needs no Makefile edit.

CC      ?= cc
PKGS    := libre jansson yaml-0.1 sqlite3 sndfile spandsp libsodium
# libre's re.mk defines these; without HAVE_STDBOOL_H libre redefines bool.
RE_DEFS := -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -DHAVE_INET6
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(RE_DEFS) $(WARN) -Isrc \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread
TEST_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

REL_CFLAGS  := $(BASE_CFLAGS) -O2 -g
ASAN_CFLAGS := $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer \
               -fsanitize=address,undefined -fno-sanitize-recover=all
ASAN_LDFLAGS := -fsanitize=address,undefined

LIB_SRCS   := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
TEST_SRCS  := $(sort $(wildcard tests/*/test_*.c))
TEST_HELPERS := $(sort $(wildcard tests/common/*.c))
BENCH_SRCS := $(sort $(wildcard bench/*/*.c))

REL_OBJS  := $(LIB_SRCS:%.c=build/release/%.o)
ASAN_OBJS := $(LIB_SRCS:%.c=build/asan/%.o)
TEST_BINS := $(TEST_SRCS:%.c=build/asan/%)
BENCH_BINS := $(patsubst bench/%.c,build/release/bench/%,$(BENCH_SRCS))

.PHONY: all release asan check run deps clean bench format tests prompts web

all: release
release: build/release/hotline
asan: build/asan/hotline $(TEST_BINS)
tests: $(TEST_BINS)

build/release/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -MMD -MP -c $< -o $@

build/release/libhotline.a: $(REL_OBJS)
	@rm -f $@; ar rcs $@ $^

build/asan/libhotline.a: $(ASAN_OBJS)
	@rm -f $@; ar rcs $@ $^

build/release/hotline: build/release/src/main.o build/release/libhotline.a
	$(CC) -o $@ $^ $(LIBS)

build/asan/hotline: build/asan/src/main.o build/asan/libhotline.a
	$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)

build/asan/tests/%: tests/%.c build/asan/libhotline.a $(TEST_HELPERS)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -Itests $(ASAN_LDFLAGS) -o $@ $< $(TEST_HELPERS) \
		build/asan/libhotline.a $(LIBS) $(TEST_LIBS)

build/release/bench/%: bench/%.c build/release/libhotline.a
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -o $@ $< build/release/libhotline.a $(LIBS)

bench: $(BENCH_BINS) build/release/hotline

deps:
	@scripts/install-deps

# The IVR's prompts, spoken from prompts/*.txt into build/prompts (incremental).
prompts:
	@scripts/gen-prompts

# The agent desktop and wallboard: npm ci only when the lock file changed
# (npm keeps its own copy in node_modules), then vite builds web/dist.
WEB_SRCS := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.js
web: web/dist/index.html
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SRCS)
	cd web && npm run build --silent

check: deps
	$(MAKE) prompts asan web
	@scripts/run-tests

run: deps
	$(MAKE) prompts release web
	@scripts/run-demo

format:
	clang-format -i $$(find src tests bench -name '*.[ch]')

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
