#!/usr/bin/env bash
# Cache and Workers are asked for again every 5 s only while on screen:
# skview-sim logs each BuildKit call (--buildkit-calls-log); a pre-v0.11
# daemon (no history stream) makes the hidden viewer watch its connection
# with Info, whose calls mark the poll's ticks. Hidden (a Skaffold pane
# focused at 100 columns): two ticks pass with no DiskUsage nor
# ListWorkers; shown again (8): both asked at once, then again a tick later.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"
CALLS="$TMP/calls.log"
count() { grep -Fcx "$1" "$CALLS"; }
INFO="(unknown)"   # Info on a pre-v0.11 daemon: an unknown method (UNIMPLEMENTED)
more_than() { [ "$(count "$1")" -gt "$2" ]; }

start_sim --no-generate --buildkit-socket "$TMP/bkd.sock" --buildkit-old --buildkit-calls-log "$CALLS"
wait_for 10 "$SKVIEW" buildkit --buildkit "unix://$TMP/bkd.sock" workers || { echo "no BuildKit"; exit 1; }
start_ui live "$SKVIEW" -a "$ADDR" --buildkit "unix://$TMP/bkd.sock" --no-config
check_screen "BuildKit's panes shown" live "9 Cache  8 records"
keys live 1
check_screen "a Skaffold pane focused: BuildKit's panes hidden" live "1 Artifacts"
check_not_screen "no Cache pane on screen" live "9 Cache"
du=$(count DiskUsage) lw=$(count ListWorkers) info=$(count "$INFO")
# Two ticks of the poll: the connection watched with Info (UNIMPLEMENTED on v0.8, still an answer).
if wait_for 20 more_than "$INFO" $((info + 1)); then ok "hidden: the poll ticks ($(($(count "$INFO") - info)) Info calls)"
else not_ok "hidden: the poll ticks (Info calls: $(count "$INFO"))"; fi
check_eq "hidden for two ticks: no DiskUsage" "$du" "$(count DiskUsage)"
check_eq "hidden for two ticks: no ListWorkers" "$lw" "$(count ListWorkers)"
check_not_screen "hidden: the connection still watched, connected" live "reconnecting"

keys live 8
check_screen "shown again" live "9 Cache  8 records"
if wait_for 5 more_than DiskUsage "$du"; then ok "shown: the Cache asked at once"; else not_ok "shown: the Cache asked at once"; fi
if wait_for 5 more_than ListWorkers "$lw"; then ok "shown: Workers asked at once"; else not_ok "shown: Workers asked at once"; fi
du=$(count DiskUsage)
if wait_for 10 more_than DiskUsage "$du"; then ok "shown: the Cache polled again"; else not_ok "shown: the Cache polled again"; fi
finish
