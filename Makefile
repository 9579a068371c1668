# tracker: example-based smart trackers over recorded sales calls.
# Targets: all (./tracker), check, check-asan, demo, bench, deps, clean.

CC      ?= cc
PKGS    := ncursesw sqlite3 sndfile portaudio-2.0 libcjson inih rubberband samplerate alsa jack espeak-ng
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -MMD -MP -Iinclude \
	   -DTRACKER_ASSETS='"$(CURDIR)/assets"' -pthread
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS  += $(PKG_LIBS) -llinear -lstemmer -lm -pthread

# Debian packages the build, the tests and the demo need (checked before installing).
DEB_PKGS := gcc make pkg-config libncurses-dev libsqlite3-dev libsndfile1-dev \
	    portaudio19-dev libcjson-dev libinih-dev liblinear-dev libstemmer-dev \
	    librubberband-dev libsamplerate0-dev tmux espeak-ng sox alsa-utils \
	    libasound2-plugins python3 libasound2-dev libjack-jackd2-dev jackd2 libespeak-ng-dev

SRC      := $(wildcard src/*/*.c)
LIB_OBJ  := $(SRC:%.c=build/%.o)
MAIN_OBJ := build/src/main.o
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=build/tests/%)

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
ASAN_OBJ   := $(SRC:%.c=build-asan/%.o)
ASAN_TESTS := $(TEST_SRC:tests/%.c=build-asan/tests/%)

# The tests play into a capturing ALSA device instead of a sound card.
TEST_ENV := ALSA_CONFIG_PATH=$(CURDIR)/tests/asound.conf

.PHONY: all check check-asan demo bench deps clean tests
.DEFAULT_GOAL := all

all: tracker

tracker: $(LIB_OBJ) $(MAIN_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/tests/%: tests/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests -o $@ $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)

tests: tracker $(TEST_BIN)

# Installs the Debian packages that are missing (apt-get update only when one is),
# as root or through sudo, never asking anything.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
		export DEBIAN_FRONTEND=noninteractive; \
		$$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq </dev/null && \
		$$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
			$$missing </dev/null || { echo "could not install:$$missing" >&2; exit 1; }; \
	fi; \
	pkg-config --exists $(PKGS) || { echo "pkg-config cannot find: $(PKGS)" >&2; exit 1; }

check: deps
	@$(MAKE) --no-print-directory tests
	@$(TEST_ENV) tests/run ./tracker build/tests

check-asan: deps
	@$(MAKE) --no-print-directory tracker-asan $(ASAN_TESTS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(TEST_ENV) tests/run ./tracker-asan build-asan/tests

tracker-asan: $(ASAN_OBJ) build-asan/src/main.o
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

build-asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) $(PKG_CFLAGS) -c -o $@ $<

build-asan/tests/%: tests/%.c $(ASAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) $(PKG_CFLAGS) -Itests -o $@ $< $(ASAN_OBJ) $(LDFLAGS) $(LDLIBS)

DEMO_DB ?= demo.db
demo: deps
	@$(MAKE) --no-print-directory tracker
	@if [ ! -f $(DEMO_DB) ]; then ./tracker demo --db $(DEMO_DB); fi
	@./tracker --db $(DEMO_DB)

bench: deps
	@$(MAKE) --no-print-directory tracker build/tests/bench_tracker build/tests/bench_audio
	@build/tests/bench_tracker ./tracker
	@$(TEST_ENV) build/tests/bench_audio
	@sh tests/tui/bench.sh ./tracker || echo "tui: a goal was missed (see above)"

build/tests/bench_audio: tests/bench_audio.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests -o $@ $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)

build/tests/bench_tracker: tests/bench_tracker.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests -o $@ $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)

clean:
	rm -rf build build-asan tracker tracker-asan

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_BIN:=.d) $(ASAN_OBJ:.o=.d)
