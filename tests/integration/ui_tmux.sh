#!/usr/bin/env bash
# The real viewer in tmux against skview-sim: panes, control keys and the
# calls they make, help, resize, replay controls, hostile logs, and the
# terminal restored on q, SIGINT, SIGTERM and SIGHUP.
source "$(dirname "$0")/../lib/lib.sh"

source "$(dirname "$0")/../lib/tmux_lib.sh"

# ---- live against the simulator ------------------------------------------------
"$SKSIM" --port 0 --seed 7 --interval 400 --calls-log "$TMP/calls.log" > "$TMP/sim.out" 2>&1 &
sim=$!
at_exit "kill $sim"
wait_for 10 grep -q 'listening on' "$TMP/sim.out"
addr=$(sed -n 's/.*listening on \([0-9.:]*\).*/\1/p' "$TMP/sim.out" | head -1)

start_ui live "$SKVIEW" -a "$addr" --no-config
check_screen "live: connected to the simulator" live "connected $addr"
check_screen "live: artifacts" live "frontend.*"$'\n'".*backend"
check_screen "live: resources" live "deployment/frontend"
check_screen "live: ports" live "127\.0\.0\.1:9000 +service/frontend"
check_screen "live: debugging container" live "dlv=56268"
check_screen "live: an error with its code and suggestion" live "(BUILD_USER_ERROR|DEPLOY_|STATUSCHECK_)[A-Z_]*"

# Each control key makes its call.
: > "$TMP/calls.log"
for k in b s d B S D; do keys live "$k"; sleep 0.3; done
wait_until 10 'test "$(wc -l < "$TMP/calls.log")" -ge 6'
check_match "b: Execute build" '"method":"Execute","build":true,"sync":false,"deploy":false' "$(sed -n 1p "$TMP/calls.log")"
check_match "s: Execute sync" '"method":"Execute","build":false,"sync":true,"deploy":false' "$(sed -n 2p "$TMP/calls.log")"
check_match "d: Execute deploy" '"method":"Execute","build":false,"sync":false,"deploy":true' "$(sed -n 3p "$TMP/calls.log")"
check_match "B: AutoBuild" '"method":"AutoBuild".*"enabled":false' "$(sed -n 4p "$TMP/calls.log")"
check_match "S: AutoSync" '"method":"AutoSync".*"enabled":false' "$(sed -n 5p "$TMP/calls.log")"
check_match "D: AutoDeploy" '"method":"AutoDeploy".*"enabled":false' "$(sed -n 6p "$TMP/calls.log")"
check_screen "status line shows the last result" live "auto-deploy off"
check_screen "header shows the auto triggers off" live "auto: build off sync off deploy off"
keys live B
check_screen "B again turns auto-build on" live "auto-build on"

# Focus, filter, details.
keys live 5 /
keys live -l "kind:build"
keys live Enter
check_screen "filter by kind in Events" live "/kind:build"
keys live 4 Enter
check_screen "Enter opens the details" live "(phase:|─ Error [0-9]+ ─|no row|nothing selected)"
keys live Escape

# Help lists every action (taller window), and the layout follows a resize.
$TM resize-window -t live: -x 100 -y 110
check_screen "resize: the layout grows" live "5 Events"
keys live '?'
wait_screen 5 live "Help: keys"
help=$(screen live)
missing=""
for a in $(grep -o 'X([A-Z_0-9]*, *"[a-z-]*", *GROUP' src/ui/actions.h | sed 's/, *GROUP//' | sed 's/.*"\(.*\)"/\1/'); do
  [[ "$help" == *"$a"* ]] || missing="$missing $a"
done
check_eq "help overlay lists every action" "" "$missing"
keys live '?'
$TM resize-window -t live: -x 80 -y 24
check_screen "resize to 80x24: still every pane title" live "1 Artifacts.*"$'\n'".*2 Resources"
keys live q
check_restored "q" live
check_eq "q exits 0" 0 "$(cat "$TMP/live.rc" 2>/dev/null)"

# Signals restore the terminal too.
for sig in INT TERM HUP; do
  start_ui "sig$sig" "$SKVIEW" -a "$addr" --no-config
  check_screen "SIG$sig: viewer up" "sig$sig" "connected"
  kill -s "$sig" "$(cat "$TMP/sig$sig.pid")"
  check_restored "SIG$sig" "sig$sig"
done
start_ui ctrlc "$SKVIEW" -a "$addr" --no-config
check_screen "Ctrl-C: viewer up" ctrlc "connected"
keys ctrlc C-c
check_restored "Ctrl-C" ctrlc
# A crash (the debug-only trigger raises SIGSEGV) restores the terminal too,
# and the status says the process died of it.
start_ui crash env SKVIEW_DEBUG_CRASH=1500 "$SKVIEW" -a "$addr" --no-config
check_screen "crash: viewer up" crash "connected"
check_restored "crash (SIGSEGV)" crash
check_eq "crash: died of SIGSEGV" 139 "$(cat "$TMP/crash.rc" 2>/dev/null)"

# ---- replay ------------------------------------------------------------------
log="$DATA/skaffold-v1.29-helm-events.jsonl"
start_ui replay "$SKVIEW" replay "$log" --paused --no-config
check_screen "replay: paused at the start" replay "replay paused 0/19"
keys replay .
check_screen "replay: . steps one entry" replay "replay paused 1/19"
keys replay ']'
check_screen "replay: ] next iteration" replay "iter 0 \(1 of 2\)"
keys replay ']'
check_screen "replay: ] again" replay "iter 1 \(2 of 2\)"
keys replay '['
check_screen "replay: [ previous iteration" replay "iter 0 \(1 of 2\)"
keys replay + +
check_screen "replay: + speeds up" replay " 4x "
keys replay - - - - -
check_screen "replay: - slows down to 0.5x" replay " 0.5x "
keys replay b
check_screen "replay: control keys are read-only" replay "replay is read-only"
keys replay Space
check_screen "replay: space resumes" replay "replaying"
keys replay q
check_restored "replay q" replay

# ---- a log full of escape sequences -------------------------------------------
evil="$TMP/hostile-log.jsonl"
printf '%s\n' \
 '{"timestamp":"2021-01-01T00:00:00Z","event":{"buildEvent":{"artifact":"\u001b]0;PWNED\u0007evil\u001b[2J\u001b[H","status":"Failed","err":"x\u009b31m\u001bc"}},"entry":"\u001b]2;PWNED2\u0007\u001b[31mred\u001b[?1049l"}' \
 '{"timestamp":"2021-01-01T00:00:01Z","event":{"resourceStatusCheckEvent":{"resource":"pod/\u001bP+q\u001b\\","status":"Failed","message":"\u0007\u0007bell \u202eevil"}}}' > "$evil"
start_ui evil "$SKVIEW" replay "$evil" --at END --no-config
check_screen "escape log: header intact" evil "^ .*replay.*2/2"
check_screen "escape log: sequences shown as placeholders" evil "␛\]0;PWNED␇evil␛\[2J"
s=$(screen evil)
check_eq "escape log: status line still at the bottom" 30 "$(printf '%s\n' "$s" | wc -l)"
title=$($TM display -p -t evil: -F '#{pane_title}')
check_cmd "escape log: the title was not changed" test "${title#*PWNED}" = "$title"
keys evil q
check_restored "escape log q" evil

finish
