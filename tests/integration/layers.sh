#!/usr/bin/env bash
# The layers (see the Makefile): includes point down (tools/check_layers.sh),
# the checker names an include that points up, and each layer library is
# linked once, top down, so a call upwards cannot link.
source "$(dirname "$0")/../lib.sh"

out=$(tools/check_layers.sh 2>&1); rc=$?
check_eq "layers: every include in src/ points down" "0 layers: every include points down" "$rc $out"

# A tree with a core file that includes the UI and a transport file that
# includes the session: both reported with file and line, exit 1.
mkdir -p "$TMP/t/src/core" "$TMP/t/src/transport" "$TMP/t/src/ui" "$TMP/t/src/session"
printf '#include <stdio.h>\n#include "core/strbuf.h"\n#include "ui/ui.h"\n' > "$TMP/t/src/core/a.c"
printf '#include "skaffold.pb-c.h"\n#include "session/session.h"\n' > "$TMP/t/src/transport/b.c"
printf '#include "transport/engine.h"\n' > "$TMP/t/src/ui/c.c"
out=$(tools/check_layers.sh "$TMP/t" 2>&1); rc=$?
check_eq "layers: an upward include fails the check" 1 "$rc"
check_match "layers: core including ui is named with its line" 'src/core/a.c:3: core includes "ui/ui.h"' "$out"
check_match "layers: transport including session is named" 'src/transport/b.c:2: transport includes "session/session.h"' "$out"
check_eq "layers: downward includes are not reported" 2 "$(printf '%s\n' "$out" | grep -c ':')"

# The link: each layer library appears once on the viewer's link line, in
# order from cli down to core.
line=$(make -n -B BUILD="$BUILD" "$BUILD/skview" 2>/dev/null | grep -- "-o $BUILD/skview " | tail -1)
libs=$(printf '%s\n' "$line" | grep -o 'lib[a-z]*\.a' | tr '\n' ' ')
check_eq "layers: the viewer links each library once, top down" "libcli.a libui.a libsession.a libtransport.a libsources.a libdomain.a libcore.a " "$libs"
exit $_fails
