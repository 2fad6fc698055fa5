#!/usr/bin/env bash
# The wall between the layers (see the Makefile and tools/check_layers.sh):
# the includes of src/ (both forms) and the calls of the built libraries
# point down each layer's allow-list; a planted include of either form and a
# planted upward call are each named and fail the check; the binaries wait
# for the symbol check; each layer library is linked once, top down.
source "$(dirname "$0")/../lib/lib.sh"

out=$(tools/check_layers.sh 2>&1); rc=$?
check_eq "layers: every include in src/ points down" "0 layers: every include points down" "$rc $out"

# A tree with includes of both forms that reach too far: core includes the
# UI (quoted and angled), transport the session, ui transport and sources;
# ui's session and system includes are fine. The checker's list of
# exceptions is empty: a copy of it with two planted ones, a file that
# includes nothing of what it is let reach (said: remove the exception) and
# one that includes every layer it is let reach (fine).
T="$TMP/t/src"
mkdir -p "$T/core" "$T/transport" "$T/ui" "$T/cli"
printf '#include <stdio.h>\n#include "core/strbuf.h"\n#include "ui/ui.h"\n#include <ui/app.h>\n' > "$T/core/a.c"
printf '#include "skaffold.pb-c.h"\n#include "session/session.h"\n' > "$T/transport/b.c"
printf '#include <grpc/grpc.h>\n#include "session/session.h"\n#include <transport/engine.h>\n  #  include "sources/spool.h"\n' > "$T/ui/c.c"
printf '#include "session/session.h"\n#include <transport/client.h>\n' > "$T/cli/fresh.c"
printf '#include "session/session.h"\n' > "$T/cli/stale.c"
printf '#include "sources/x.h"\n#include <transport/y.h>\n' > "$T/cli/inuse.c"
check_eq "layers: the checker lists no exceptions" "" \
  "$(sed -n "/^EXCEPTIONS='/,/^'/p" tools/check_layers.sh | grep '^src/')"
mkdir -p "$TMP/tools"
awk '{ print } /^EXCEPTIONS=.$/ { print "src/cli/stale.c sources transport"; print "src/cli/inuse.c sources transport" }' \
  tools/check_layers.sh > "$TMP/tools/check_layers.sh"
out=$(sh "$TMP/tools/check_layers.sh" "$TMP/t" 2>&1); rc=$?
check_eq "layers: an include beyond the allow-list fails the check" 1 "$rc"
check_match "layers: core including ui is named with its line" 'src/core/a.c:3: core includes "ui/ui.h" \(core reaches no other layer\)' "$out"
check_match "layers: the angle form is read too" 'src/core/a.c:4: core includes <ui/app.h>' "$out"
check_match "layers: transport including session is named" 'src/transport/b.c:2: transport includes "session/session.h"' "$out"
check_match "layers: ui may not include transport, whatever the form" 'src/ui/c.c:3: ui includes <transport/engine.h> \(ui reaches core, skaffold, buildkit, session\)' "$out"
check_match "layers: ui may not include sources" 'src/ui/c.c:4: ui includes "sources/spool.h"' "$out"
check_match "layers: a cli file that is no listed exception may not include transport" 'src/cli/fresh.c:2: cli includes <transport/client.h>' "$out"
check_match "layers: an exception its file no longer needs is said" \
  "src/cli/stale.c: listed as reaching sources, but includes nothing of it: remove the exception" "$out"
check_match "layers: ... for each layer it names" \
  "src/cli/stale.c: listed as reaching transport, but includes nothing of it: remove the exception" "$out"
check_eq "layers: allowed includes, system headers and the listed exceptions in use are not reported" 8 \
  "$(printf '%s\n' "$out" | grep -c ':')"

# Panes in their own rooms: no pane file (src/ui/pane_*.c, the Logs pane's
# logs_*) names ui_t or includes a header that does, whatever the form; an
# engine file may, and so may a pane file's comment-free mention of
# pane_ctx.h. Planted in a scratch tree of its own.
P="$TMP/p/src/ui"
mkdir -p "$P"
printf '/* The viewer (ui_t). */\ntypedef struct ui ui_t;\nvoid ui_render(ui_t *ui);\n' > "$P/app.h"
printf '/* Panes never get a ui_t. */\ntypedef struct pane_ctx pane_ctx_t;\n' > "$P/pane_ctx.h"
printf '#include "ui/pane_ctx.h"\n#include <ui/app.h>\nstatic int f(ui_t *ui);\n' > "$P/pane_planted.c"
printf '#include "ui/pane_ctx.h"\n#  include "ui/app.h"\n' > "$P/logs_planted.h"
printf '#include "ui/app.h"\nint engine(ui_t *ui);\n' > "$P/engine.c"
printf '#include "ui/pane_ctx.h"\nint fine(const pane_ctx_t *c);\n' > "$P/pane_fine.c"
out=$(tools/check_layers.sh "$TMP/p" 2>&1); rc=$?
check_eq "layers: a pane reaching for ui_t fails the check" 1 "$rc"
check_match "layers: a pane naming ui_t is named with its line" \
  'src/ui/pane_planted.c:3: a pane names ui_t' "$out"
check_match "layers: a pane including ui/app.h (angle form) is named" \
  'src/ui/pane_planted.c:2: a pane includes ui/app.h, which names ui_t' "$out"
check_match "layers: the Logs pane's logs_* files are panes too" \
  'src/ui/logs_planted.h:2: a pane includes ui/app.h' "$out"
check_eq "layers: engine files and panes on pane_ctx_t are not reported" 3 \
  "$(printf '%s\n' "$out" | grep -c ': a pane ')"
n=$(grep -l '\bui_t\b' src/ui/pane_*.c src/ui/logs_*.[ch] 2>/dev/null | wc -l)
check_eq "layers: no pane file of this tree names ui_t" 0 "$n"

# The objects of this build: every undefined symbol of a layer's library is
# defined in a layer it may reach, or in no layer (libc, gRPC, curses).
out=$(tools/check_layers.sh --symbols "$BUILD" 2>&1); rc=$?
check_eq "layers: every call of the built libraries points down" "0 layers: every call points down" "$rc $out"

# Planted calls, with no include at all: the session calling the UI's
# ui_render, the UI calling the Skaffold client; beside them a UI object
# calling a session function and printf, which are fine.
B="$TMP/b"
mkdir -p "$B/src"
cp "$BUILD"/lib*.a "$B/"
printf 'void ui_render(void *);\nvoid planted_up(void) { ui_render(0); }\n' > "$B/src/planted_up.c"
printf 'void *sk_client_new(void);\nvoid planted_wire(void) { sk_client_new(); }\n' > "$B/src/planted_wire.c"
printf '#include <stdio.h>\nvoid session_fini(void *);\nvoid planted_ok(void) { session_fini(0); puts("x"); }\n' > "$B/src/planted_ok.c"
for f in planted_up planted_wire planted_ok; do cc -c "$B/src/$f.c" -o "$B/$f.o" || not_ok "layers: cannot compile $f"; done
ar r "$B/libsession.a" "$B/planted_up.o" 2>/dev/null
ar r "$B/libui.a" "$B/planted_wire.o" "$B/planted_ok.o" 2>/dev/null
out=$(tools/check_layers.sh --symbols "$B" 2>&1); rc=$?
check_eq "layers: a planted upward call fails the symbol check" 1 "$rc"
check_match "layers: session calling ui is named with its object" \
  'src/session/planted_up.c: session calls ui_render, defined in libui.a \(session may not reach ui\)' "$out"
check_match "layers: ui calling the Skaffold client is named" \
  'src/ui/planted_wire.c: ui calls sk_client_new, defined in libtransport.a \(ui may not reach transport\)' "$out"
check_eq "layers: calls down and into system libraries are not reported" 2 "$(printf '%s\n' "$out" | grep -c ' calls ')"

# A pane's object calling the engine (ui_message, defined in ui.o, whose
# source names ui_t), with no include at all, fails the symbol check; a
# pane calling the view engine and draw.h (no ui_t there) does not.
Q="$TMP/q"
mkdir -p "$Q/src"
cp "$BUILD"/lib*.a "$Q/"
printf 'void ui_message(void *, int, const char *, ...);\nvoid planted(void) { ui_message(0, 0, "x"); }\n' > "$Q/src/pane_planted.c"
printf 'void view_invalidate(void *);\nint draw_width(const void *, const char *);\nvoid fine(void) { view_invalidate(0); draw_width(0, ""); }\n' > "$Q/src/logs_fine.c"
for f in pane_planted logs_fine; do cc -c "$Q/src/$f.c" -o "$Q/$f.o" || not_ok "layers: cannot compile $f"; done
ar r "$Q/libui.a" "$Q/pane_planted.o" "$Q/logs_fine.o" 2>/dev/null
out=$(tools/check_layers.sh --symbols "$Q" 2>&1); rc=$?
check_eq "layers: a pane calling the engine fails the symbol check" 1 "$rc"
check_match "layers: the pane's call is named with the engine file" \
  'src/ui/pane_planted.c: a pane calls ui_message, defined in src/ui/ui.c' "$out"
check_eq "layers: a pane calling the view engine and draw.h is not reported" 1 \
  "$(printf '%s\n' "$out" | grep -c 'a pane calls')"

# The build runs the symbol check before it links either binary.
plan=$(make -n -B BUILD="$BUILD" "$BUILD/skview" "$BUILD/skview-sim" 2>/dev/null)
check_match "layers: make checks the symbols before linking the viewer" \
  "tools/check_layers.sh --symbols $BUILD"$'[^\n]*\n(.*\n)*[^\n]*'"-o $BUILD/skview " "$plan"

# The link: each layer library appears once on the viewer's link line, in
# order from cli down to core.
line=$(printf '%s\n' "$plan" | grep -- "-o $BUILD/skview " | tail -1)
libs=$(printf '%s\n' "$line" | grep -o 'lib[a-z]*\.a' | tr '\n' ' ')
check_eq "layers: the viewer links each library once, top down" "libcli.a libui.a libsession.a libtransport.a libsources.a libdomain.a libcore.a " "$libs"
finish
