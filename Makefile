# skview: a terminal UI for Skaffold's dev loop.
# `make run` and `make test` are what a newcomer types; both install what is
# missing first (see `deps`). `V=1` shows full command lines.

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
SAN     ?=
PKGS    := grpc libprotobuf-c libuv ncursesw cmocka libpcre2-8

# Debian packages the build and the tests need; `make deps` installs the missing ones.
DEB_PKGS := build-essential pkg-config libgrpc-dev libprotobuf-c-dev protobuf-c-compiler \
            libprotobuf-dev protobuf-compiler libuv1-dev libncurses-dev libcmocka-dev \
            libjsmn-dev libpcre2-dev jq tmux python3 python3-grpcio python3-protobuf valgrind clang libclang-rt-14-dev procps time \
            docker.io busybox-static curl

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-8s %s\n' $(1) $(2)
endif

GEN      := $(BUILD)/gen
OBJ      := $(BUILD)/obj
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs-only-L $(PKGS) 2>/dev/null) -lgrpc -lgpr -lprotobuf-c -luv $(shell pkg-config --libs ncursesw libpcre2-8 2>/dev/null) -lpthread -lm
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
ALL_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE_EXTENDED $(WARN) $(CFLAGS) $(PKG_CFLAGS) -I$(GEN) -Isrc -MMD -MP
ifeq ($(SAN),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN      := -fsanitize=address,undefined
endif
# libFuzzer builds (clang): objects instrumented, harnesses linked with the fuzzer.
ifeq ($(SAN),fuzz)
ALL_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN      := -fsanitize=address,undefined
endif
LDFLAGS  ?=

VERSION  := 0.1.0

# ---- sources ---------------------------------------------------------------
# Every .proto under proto/ is compiled (import paths relative to proto/), plus
# the two well-known types Skaffold uses.
PROTOS     := $(shell find proto -name '*.proto' | sort)
PROTO_GEN  := $(patsubst proto/%.proto,$(GEN)/%.pb-c.c,$(PROTOS))
WKT_GEN    := $(GEN)/google/protobuf/timestamp.pb-c.c $(GEN)/google/protobuf/empty.pb-c.c
GEN_C      := $(PROTO_GEN) $(WKT_GEN) $(GEN)/codes_desc.c
GEN_H      := $(GEN_C:.c=.h)

# The layers, bottom up; each folder of src/ is one static library, and a
# layer includes and calls only the layers its allow-list names (ui reaches
# the session and the domain, not transport or sources; tools/check_layers.sh
# lists them). The link alone would not stop a call upwards (it resolves
# whenever a layer above already pulled the called object in), so the
# binaries wait for tools/check_layers.sh --symbols, which fails the build on
# any undefined symbol of a library that another layer than an allowed one
# defines, and on a pane (src/ui/pane_*, logs_*) calling the UI's engine
# (a file naming ui_t); the includes (both forms) are checked by `make test`
# (tests/integration/layers.sh).
#   core       strbuf, arena, utf8, textsafe, the JSON codec, code tables
#   domain     src/skaffold, src/buildkit: the folds and their view models
#   sources    readers, recordings, replay and its pacer: one sink interface
#   transport  the gRPC engine with the Skaffold and BuildKit clients
#   session    sources + models + commands, no curses
#   ui         the terminal UI
#   cli        the commands and main
LAYERS     := cli ui session transport sources domain core
core_DIRS      := src/core
domain_DIRS    := src/skaffold src/buildkit
sources_DIRS   := src/sources
transport_DIRS := src/transport
session_DIRS   := src/session
ui_DIRS        := src/ui
cli_DIRS       := src/cli
SIM_SRC    := $(sort $(wildcard src/sim/*.c))

objs = $(patsubst %.c,$(OBJ)/%.o,$(patsubst $(BUILD)/%,%,$(1)))
GEN_OBJ    := $(call objs,$(filter-out $(GEN)/codes_desc.c,$(GEN_C))) $(OBJ)/gen/codes_desc.o
layer_objs  = $(call objs,$(sort $(foreach d,$($(1)_DIRS),$(wildcard $(d)/*.c))))
core_OBJ      := $(GEN_OBJ) $(call layer_objs,core)
domain_OBJ    := $(call layer_objs,domain)
sources_OBJ   := $(call layer_objs,sources)
transport_OBJ := $(call layer_objs,transport)
session_OBJ   := $(call layer_objs,session)
ui_OBJ        := $(call layer_objs,ui)
cli_OBJ       := $(filter-out $(OBJ)/src/cli/main.o,$(call layer_objs,cli))
SIM_OBJ    := $(call objs,$(SIM_SRC))

TEST_SRC   := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))

.PHONY: all deps test suite unit integration run bench clean install asan valgrind check screenshots fuzz golden docs
all: $(BUILD)/skview $(BUILD)/skview-sim

# ---- dependencies ------------------------------------------------------------
# Installs only what is missing; `apt-get update` first, as a fresh machine needs.
deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing" $$missing; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

# ---- generated code ----------------------------------------------------------
$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: proto/%.proto
	$(call say,PROTOC,$<)
	$(Q)mkdir -p $(GEN) && protoc-c -Iproto -I/usr/include --c_out=$(GEN) $*.proto
$(GEN)/google/protobuf/%.pb-c.c $(GEN)/google/protobuf/%.pb-c.h: /usr/include/google/protobuf/%.proto
	$(call say,PROTOC,$<)
	$(Q)mkdir -p $(GEN) && protoc-c -I/usr/include --c_out=$(GEN) google/protobuf/$*.proto
$(GEN)/codes_desc.c: proto/skaffold.proto tools/codes.awk
	$(call say,GEN,$@)
	$(Q)mkdir -p $(GEN) && awk -f tools/codes.awk $< > $@.tmp && mv $@.tmp $@

# Every object may include generated headers.
$(OBJ)/%.o: %.c | $(GEN_H)
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@) && $(CC) $(ALL_CFLAGS) -c $< -o $@
$(OBJ)/gen/%.o: $(GEN)/%.c | $(GEN_H)
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@) && $(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c $< -o $@
$(GEN)/codes_desc.h:
	@true
# Generated files are kept: they are real inputs, not make intermediates.
.SECONDARY: $(GEN_C) $(GEN_H)

# ---- binaries ---------------------------------------------------------------
# Everything links the layer libraries, each once and top down.
LIBS_A     := $(foreach l,$(LAYERS),$(BUILD)/lib$(l).a)
SIM_LIBS_A := $(foreach l,transport sources domain core,$(BUILD)/lib$(l).a)
$(foreach l,$(LAYERS),$(eval $(BUILD)/lib$(l).a: $$($(l)_OBJ)))
$(LIBS_A):
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^
# The wall on the objects: every call of a library points down (see above).
$(BUILD)/layers.ok: $(LIBS_A) $(SIM_OBJ) tools/check_layers.sh
	$(call say,LAYERS,$(BUILD))
	$(Q)out=$$(tools/check_layers.sh --symbols $(BUILD)) || { echo "$$out" >&2; exit 1; }; touch $@
$(BUILD)/skview: $(OBJ)/src/cli/main.o $(LIBS_A) | $(BUILD)/layers.ok
	$(call say,LINK,$@)
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)
# The simulator shares the gRPC engine and the codecs, not the viewer.
$(BUILD)/skview-sim: $(SIM_OBJ) $(SIM_LIBS_A) | $(BUILD)/layers.ok
	$(call say,LINK,$@)
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBS_A) | $(GEN_H)
	$(call say,TEST,$@)
	$(Q)mkdir -p $(dir $@) && $(CC) $(ALL_CFLAGS) -Itests/unit $(LDSAN) $(LDFLAGS) $< -o $@ $(LIBS_A) $(PKG_LIBS) -lcmocka

# ---- fuzzing -----------------------------------------------------------------
# tests/fuzz/fuzz_NAME.c are libFuzzer harnesses with seed corpora in
# tests/fuzz/corpus/NAME. `make fuzz FUZZ_SECONDS=N` runs each under libFuzzer
# (clang, ASan+UBSan); `make test` replays every corpus through the same
# harnesses built with tests/fuzz/replay.c instead of libFuzzer.
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_SECONDS ?= 30
REPLAY_BIN   := $(addprefix $(BUILD)/replay/,$(FUZZ_NAMES))
$(BUILD)/replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIBS_A) | $(GEN_H)
	$(call say,FUZZREP,$@)
	$(Q)mkdir -p $(dir $@) && $(CC) $(ALL_CFLAGS) $(LDSAN) $(LDFLAGS) tests/fuzz/fuzz_$*.c tests/fuzz/replay.c -o $@ $(LIBS_A) $(PKG_LIBS)
$(BUILD)/fuzzer/%: tests/fuzz/fuzz_%.c $(LIBS_A) | $(GEN_H)
	$(call say,FUZZER,$@)
	$(Q)mkdir -p $(dir $@) && $(CC) $(ALL_CFLAGS) -fsanitize=fuzzer,address,undefined $(LDFLAGS) $< -o $@ $(LIBS_A) $(PKG_LIBS)

fuzz: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang SAN=fuzz OPT=-O1 $(addprefix build/fuzz/fuzzer/,$(FUZZ_NAMES))
	$(Q)tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

# ---- tests ------------------------------------------------------------------
# Unit tests (cmocka) first, then the integration scripts, which drive the real
# binaries against real files, the simulator on loopback and tmux. `make test`
# runs that suite twice: as built, then under ASan+UBSan (TEST_ASAN=0 skips the
# second pass; CI has the time for both).
TEST_ASAN ?= 1
test: deps
	$(Q)$(MAKE) --no-print-directory suite
ifeq ($(TEST_ASAN),1)
	@echo "== the same suite under ASan+UBSan (build/asan)"
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT=-O1 suite
endif

suite:
	$(Q)$(MAKE) --no-print-directory all $(TEST_BIN) $(REPLAY_BIN)
	$(Q)BUILD=$(BUILD) tests/run.sh $(TEST_BIN)

unit: all $(TEST_BIN)
	$(Q)BUILD=$(BUILD) tests/run.sh --unit-only $(TEST_BIN)

# The whole suite under ASan+UBSan, in its own build folder.
asan: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT=-O1 suite

# The unit tests, the fuzz corpora and the headless command tests under
# valgrind memcheck (see tests/run.sh for which scripts).
valgrind: deps
	$(Q)$(MAKE) --no-print-directory all $(TEST_BIN) $(REPLAY_BIN)
	$(Q)BUILD=$(BUILD) VALGRIND=1 tests/run.sh $(TEST_BIN)

# The hardening run: whole suite under ASan+UBSan, valgrind, every fuzz
# harness for FUZZ_SECONDS; ends with the counts (tests/check.sh).
check: deps
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) tests/check.sh

# Regenerates the whole-screen goldens (tests/golden/screens) after an
# intended change of what the viewer shows; review the diff before committing.
golden: all
	$(Q)BUILD=$(BUILD) GOLDEN_UPDATE=1 bash tests/integration/golden_screens.sh >/dev/null
	$(Q)git status --short tests/golden/screens

# The bench's peers, not make test's deps: the grpc-go client (tests/bench/bench_go),
# perf for profiles.
BENCH_PKGS := golang-go golang-google-grpc-dev golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev \
              protoc-gen-go protoc-gen-go-grpc linux-perf
bench: deps all $(BUILD)/bench/bench_floor
	$(Q)$(MAKE) --no-print-directory deps DEB_PKGS="$(BENCH_PKGS)"
	$(Q)BUILD=$(BUILD) tests/bench/bench.sh

# The floor beside them: gRPC C core alone on the same stream (tests/bench/bench_floor.c).
$(BUILD)/bench/bench_floor: tests/bench/bench_floor.c $(BUILD)/libtransport.a $(BUILD)/libcore.a | $(GEN_H)
	$(call say,BENCH,$@)
	$(Q)mkdir -p $(dir $@) && $(CC) $(ALL_CFLAGS) $(LDSAN) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)

# PNG pictures of the real program (tmux -> HTML -> headless Chromium); not
# part of `make test`. Installs chromium on first use.
screenshots: deps all
	$(Q)$(MAKE) --no-print-directory deps DEB_PKGS="chromium fonts-dejavu-core"
	$(Q)BUILD=$(BUILD) tools/screenshots.sh

# The key tables of doc/keys.md and doc/skview.1, from the binding table
# (`skview keys`); tests/integration/docs.sh fails when they drift.
docs: all
	$(Q)BUILD=$(BUILD) tools/gen_docs.sh

# `make run ARGS='--auto-build=false'`: ARGS go to the simulator (Skaffold's
# flags, as to `skaffold dev`), SKVIEW_ARGS to the viewer. The build runs
# on every core unless -j was given.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
run: deps
	$(Q)$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS)) all
	$(Q)BUILD=$(BUILD) SKVIEW_ARGS='$(SKVIEW_ARGS)' tools/run.sh $(ARGS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/skview/themes
	install -m 755 $(BUILD)/skview $(BUILD)/skview-sim $(DESTDIR)$(PREFIX)/bin/
	install -m 644 doc/skview.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	-install -m 644 themes/*.theme $(DESTDIR)$(PREFIX)/share/skview/themes/

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
