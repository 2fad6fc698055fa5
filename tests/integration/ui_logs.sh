#!/usr/bin/env bash
# The Logs view in a real terminal (tmux): against skview-sim (Skaffold's
# output and the pods' logs on the v2 API) follow, pause and resume,
# source, level, solo and mute filters, search with highlight and n/N,
# wrap, the jumps from an artifact and an error, the build output under a
# failed build in Errors, zoom; against a replayed v2 log, the saved lines
# equal `skview logs FILE` with the same filter, SGR colours reach the
# terminal as colour attributes and no other escape sequence acts (a
# title-setting OSC, a clear-screen CSI); against a v1-only server, the
# header's "v1 only" note.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"

cap() { $TM capture-pane -p -e -t "$1:"; }          # with colour attributes
# A negative check looks once: let the keys sent before it be drawn first.
settled_not_screen() { sleep 0.5; check_not_screen "$@"; }
title() { screen "$1" | grep -m1 -o 'L Logs .*'; }
# body S: the Logs view's rows when it has the whole screen (zoom).
body() { screen "$1" | sed -n '4,$p' | sed '$d'; }

# ---- live: the simulator's dev loop and pods -------------------------------------
start_sim --seed 7 --interval 600 --log-interval 300
start_ui live "$SKVIEW" -a "$ADDR" --no-config
$TM resize-window -t live: -x 160 -y 48
check_screen "160x48: the Logs pane is part of the layout" live "L Logs +[0-9]+/[0-9]+"
check_screen "Logs shows the pods' lines" live "│ \[[a-z]+\] "
$TM resize-window -t live: -x 100 -y 30
settled_not_screen "100x30: Logs is not stacked with the others" live "L Logs"
keys live L
check_screen "L focuses Logs, alone on a 100x30 screen" live "L Logs .* follow"
settled_not_screen "... without the other panes" live "1 Artifacts"

# Follow: new lines come in at the bottom and push the older ones up.
wait_until 10 'test "$(body live | grep -c .)" -ge 20'
total() { title "$1" | sed -n 's|L Logs *[0-9]*/\([0-9]*\).*|\1|p'; }
b1=$(body live); t1=$(total live)
moved_on() { [ "$(total live)" -gt "$t1" ] && [ "$(body live)" != "$b1" ]; }
wait_for 10 moved_on; b2=$(body live); t2=$(total live)
check_cmd "follow: lines keep arriving ($t1 -> $t2)" test "$t2" -gt "$t1"
check_cmd "follow: the screen shows them" test "$b1" != "$b2"
# Paused: moving up stops following; the lines on screen stay.
keys live k
check_screen "k: paused" live "L Logs .* paused"
settled_body() { local a b; a=$(body live); sleep 0.3; b=$(body live); [ "$a" == "$b" ]; }
wait_for 5 settled_body   # the frame that says paused is drawn whole
p1=$(body live); sleep 1.2; p2=$(body live)
check_eq "paused: the screen holds still while lines arrive" "$p1" "$p2"
check_match "paused: the title counts the lines below" ", [0-9]+ below" "$(title live)"
keys live G
check_screen "G: following again" live "L Logs .* follow"

# Source: Skaffold, application, all.
keys live a
check_screen "a: Skaffold's lines only" live "Skaffold only"
settled_not_screen "Skaffold only: no application line" live $'\n'" \[[a-z-]+\] "
keys live a
check_screen "a again: the application's lines only" live "application only"
wait_until 5 'test "$(body live | grep -c "^ \[")" -ge 10'
check_eq "application only: every row is a pod's" "" "$(body live | grep -v '^ \[' | grep -v '^ *$')"
keys live a
check_screen "a again: all lines" live "lines from: all"
keys live v
check_screen "v: Skaffold's lines from info" live "level>=info"
keys live v v v
settled_not_screen "v cycles back to all levels" live "level>="
# The level filter reads the application's lines too (logfmt, JSON, klog,
# a leading WARN): at warn and up no line that says info, nor a plain one.
keys live a a v v
check_screen "application only, level>=warn" live "level>=warn.*application only|application only.*level>=warn"
wait_for 30 bash -c "$(declare -f screen); TM='$TM'; screen live | grep -q 'WARN'"
n=$(logs_save live "$TMP/warn.txt")
check_cmd "level>=warn: the lines that say warn ($n)" test "$n" -gt 0
check_eq "level>=warn: no line that says info or nothing" "" "$(grep -Ev '\] (WARN|ERROR|panic:)|level=(warn|error)' "$TMP/warn.txt")"
keys live v v a
check_screen "back to all levels and lines" live "lines from: all"

# Solo and mute the selected line's container of its workload (its pods
# across rollouts: ui_logs_solo), checked on the saved lines.
keys live a a k                                     # application only, paused
wait_screen 5 live "application only"
keys live s
check_screen "s: solo the line's container of its workload" live "solo [a-z]+/[a-z]+"
key=$(screen live | grep -m1 -o 'solo [a-z]*/[a-z]*' | sed 's/solo //')
wl=${key%/*}; ct=${key#*/}
n=$(logs_save live "$TMP/solo.txt")
check_cmd "solo: saved lines ($n)" test "$n" -gt 0
check_eq "solo: every saved line is $key's" "" "$(grep -Ev "^\[$wl-[0-9a-z]+-[0-9a-z]+ $ct\] " "$TMP/solo.txt")"
keys live s
check_screen "s again: unsolo" live "unsolo $key"
keys live m
check_screen "m: mute it" live "mute $key"
logs_save live "$TMP/mute.txt" >/dev/null
check_eq "mute: no saved line is $key's" "" "$(grep -E "^\[$wl-[0-9a-z]+-[0-9a-z]+ $ct\] " "$TMP/mute.txt")"
check_cmd "mute: other pods' lines saved" test -s "$TMP/mute.txt"
keys live x
check_screen "x clears the filters" live "log filters cleared"

# Search: matches highlighted, n/N move between matching lines.
# cursor S: the screen row (from 1) of the Logs view's cursor (black on cyan).
cursor() { cap "$1" | sed -n '4,$p' | grep -n $'\e\\[46m' | head -1 | cut -d: -f1; }
# settled_cursor S: the cursor's row once two looks 0.3 s apart agree (the
# keys sent before are drawn, however busy the machine).
settled_cursor() {
  local a b end=$((SECONDS + $(wait_limit 5)))
  while [ $SECONDS -lt $end ]; do
    a=$(cursor "$1"); sleep 0.3; b=$(cursor "$1")
    [ -n "$a" ] && [ "$a" == "$b" ] && break
  done
  echo "$b"
}
keys live / ; keys live -l "get /"; keys live Enter
check_screen "/get /: only matching lines" live "L Logs .*/get /"
check_eq "/get /: every row matches, in any case" "" "$(body live | grep -iv 'get /' | grep -v '^ *$')"
check_match "/get /: the matches are highlighted (log-match: black on bright yellow)" \
  $'\e\\[30m\e\\[103mGET /' "$(cap live)"
keys live '&'
check_screen "&: every line, matches marked" live "find /get /"
# Each key is awaited by the cursor leaving the row it was on (under load
# the viewer may draw a key's effect late); lines are told by their text,
# as the view may scroll under the cursor.
row_text() { body live | sed -n "${1:-1}p"; }
moved_from() { local c; c=$(cursor live); [ -n "$c" ] && [ "$c:$(row_text "$c")" != "$1:$2" ]; }
# From the top (g): near the bottom n may wrap to the first match, and N
# then goes to the newest match, which lines arriving meanwhile change.
keys live k g n
cur1=$(settled_cursor live); text1=$(row_text "$cur1")
keys live n
wait_for 5 moved_from "$cur1" "$text1"; cur2=$(settled_cursor live)
check_cmd "n moves the cursor to another line ($cur1 -> $cur2)" test "$(row_text "$cur2")" != "$text1"
check_match "n: the cursor's line matches" "GET /" "$(row_text "$cur2")"
keys live N
wait_for 5 moved_from "$cur2" "$(row_text "$cur2")"
check_eq "N moves back to the line n left" "$text1" "$(row_text "$(settled_cursor live)")"
keys live x G

# Wrap: at 60 columns a long line goes on under its text's column.
$TM resize-window -t live: -x 60 -y 30
keys live w
check_screen "w: wrap on" live "wrap"
check_screen "wrap: a continuation row under the text's column" live $'\n'" {17}[^ ]"
keys live w
settled_not_screen "w again: no continuation row" live $'\n'" {17}[^ ]"
$TM resize-window -t live: -x 100 -y 30

# Jump from an artifact: its build output.
keys live 1 g
wait_screen 5 live "1 Artifacts"
art=$(screen live | sed -n '/1 Artifacts/{n;p}' | awk '{print $2}')
check_match "an artifact is selected" "^[a-z]+$" "$art"
keys live J
check_screen "J from artifact $art: its lines" live "solo $art"
check_eq "J: every row is $art's (its build and sync output)" "" "$(body live | grep -Ev "^ [A-Za-z]* $art( |$)" | grep -v '^ *$')"
keys live x

# Jump from an error, and the build output under a failed build.
# (Logs has the whole 100x30 screen: Errors shows once focused.)
keys live 4
wait_screen 60 live "4 Errors  [1-9]"
check_screen "Errors: a failed build shows its output" live "    │ "
keys live J
check_screen "J from an error: its iteration's lines" live "L Logs .*iter [0-9]+"
check_screen "J: the status line says which" live "logs of the .* error of iteration [0-9]+"

# Zoom: at 160x48 Logs is one pane of many; z gives it the screen, Esc and
# q give it back (q does not quit then).
$TM resize-window -t live: -x 160 -y 48
check_screen "160x48: Logs among the others" live "1 Artifacts"
keys live z
check_screen "z: Logs full screen" live "L Logs .*─{100}"
settled_not_screen "z: no other pane" live "1 Artifacts"
keys live Escape
check_screen "Esc: back to every pane" live "1 Artifacts"
keys live z
settled_not_screen "z again: full screen" live "1 Artifacts"
keys live q
check_screen "q: back to every pane, still running" live "1 Artifacts"
keys live q
check_restored "q" live

# ---- a replayed v2 log: saved lines, colours, inert escape sequences ----------------
python3 - "$TMP/h.v2" <<'PY'
import json, sys
ev = lambda t, **k: json.dumps(dict(timestamp="2025-01-01T00:00:%02d.000000000Z" % t, **k))
lines = [
  ev(0, metaEvent={"entry": "Starting Skaffold: &{Version:v2.13.2}"}),
  ev(1, taskEvent={"id": "DevLoop-1", "task": "DevLoop", "iteration": 1, "status": "InProgress"}),
  ev(2, taskEvent={"id": "Build-1", "task": "Build", "iteration": 1, "status": "InProgress"}),
  ev(3, skaffoldLogEvent={"taskId": "Build-1", "subtaskId": "web", "level": "STANDARD",
        "message": "Building [web]...\n"}),
  ev(4, skaffoldLogEvent={"taskId": "Build-1", "subtaskId": "web", "level": "STANDARD",
        "message": "before\u001b]0;PWNED\u0007 mid \u001b[2J\u001b[Hafter \u001b[31mred text\u001b[0m end\n"}),
  ev(5, skaffoldLogEvent={"taskId": "Build-1", "subtaskId": "web", "level": "ERROR",
        "message": "\u001b[1;32mgreen bold\u001b[0m and \u001b[38;5;208morange\u001b[0m\n"}),
]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
start_ui rep "$SKVIEW" replay "$TMP/h.v2" --no-config --at END --focus logs
check_screen "replay: the lines" rep "Building \[web\]"
check_screen "an OSC and a CSI in a message do nothing: the text around them stays" rep "before mid after red text end"
check_screen "the clear-screen CSI cleared nothing: the header is there" rep "replay ended"
ptitle=$($TM display -p -t rep: '#{pane_title}')
check_cmd "the title-setting OSC did not set the title ($ptitle)" test "${ptitle/PWNED/}" == "$ptitle"
check_match "SGR red became the terminal's red" $'\e\\[31mred text' "$(cap rep)"
check_match "SGR 38;5;208 became colour 208" $'\e\\[38;5;208morange' "$(cap rep)"
check_match "SGR bold green: bold and green" $'\e\\[1m\e\\[32mgreen bold|\e\\[32m\e\\[1mgreen bold' "$(cap rep)"
n=$(logs_save rep "$TMP/all.txt")
check_eq "save: every line, as skview logs prints them" "$("$SKVIEW" logs "$TMP/h.v2")" "$(cat "$TMP/all.txt")"
keys rep v v v
check_screen "v v v: errors only" rep "level>=error"
logs_save rep "$TMP/err.txt" >/dev/null
check_eq "save at level error = skview logs --level error" "$("$SKVIEW" logs "$TMP/h.v2" --level error)" "$(cat "$TMP/err.txt")"
keys rep o C-u; keys rep -l "/nonexistent/dir/x.txt"; keys rep Enter
check_screen "save to a path that cannot be written: the error" rep "cannot save to '/nonexistent/dir/x.txt': No such file"
# A long path is kept whole (the prompt once kept 127 bytes and saved elsewhere);
# one of PATH_MAX bytes or more is refused, and nothing is written.
long="$TMP/$(printf 'n%.0s' $(seq 204))"
keys rep o C-u; keys rep -l "$long"; keys rep Enter
check_screen "save to a 204-byte name: saved" rep "saved [0-9]+ lines? to"
check_eq "save to a 204-byte name: the file has that name and the lines shown" "$("$SKVIEW" logs "$TMP/h.v2" --level error)" "$(cat "$long" 2>/dev/null)"
huge="$TMP/$(printf 'd%.0s' $(seq 200))/$(printf 'x%.0s' $(seq 4100))"
keys rep o C-u; keys rep -l "$huge"; keys rep Enter
check_screen "save to a path past PATH_MAX: refused with why" rep "not saved: the path is [0-9]+ bytes, longer than PATH_MAX"
check_eq "save to a path past PATH_MAX: nothing written beside" "" "$(find "$TMP" -maxdepth 1 -name 'ddd*' -o -maxdepth 1 -name 'xxx*')"
keys rep q q  # q leaves the Logs view (100x30), q again quits
check_restored "replay q" rep
NO_COLOR=1 start_ui mono env NO_COLOR=1 "$SKVIEW" replay "$TMP/h.v2" --no-config --at END --focus logs
check_screen "NO_COLOR: the lines" mono "red text"
check_match "NO_COLOR: no colour, the bold stays" $'\e\\[1[;0-9]*mgreen bold' "$(cap mono)"
check_cmd "NO_COLOR: no SGR colour reaches the terminal" bash -c "! grep -q $'\e\\\\[3[0-7]m' <<<\"\$1\"" _ "$(cap mono)"
keys mono q q

# ---- a server without the v2 API ------------------------------------------------------
start_sim --seed 7 --no-v2
start_ui v1 "$SKVIEW" -a "$ADDR" --no-config
check_screen "v1-only server: the header says so" v1 "v1 only"
keys v1 L
check_screen "v1 only: the Logs view says why it has no lines" v1 "no log lines: this server has no v2 API"
keys v1 q q
finish
