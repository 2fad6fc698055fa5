#!/usr/bin/env bash
# The help (?) shows what applies where the user is: live, the dev-loop keys
# with their help and the replay keys under "Elsewhere"; in the Logs view,
# its own keys (s solos there: sync is not a key there); in a replay, the
# replay keys, the dev-loop keys under "Elsewhere" (live only).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"

start_sim --seed 3 --interval 400
start_ui v "$SKVIEW" -a "$ADDR" --no-config
$TM resize-window -t v: -x 120 -y 60
check_screen "live: connected" v "connected"
keys v ?
check_screen "live: the help says where it is" v "Help: keys, live, Artifacts"
check_screen "live: the dev-loop keys apply, with their help" v "b +build +Build once \(Execute\)"
check_not_screen "live: no replay key among them" v "pause +Pause or resume"
keys v G
check_screen "live: the replay keys under Elsewhere" v "Elsewhere .*Space +pause +in a replay only"
check_screen "live: the Logs view's keys under Elsewhere" v "s +log-solo +in Logs"

# closed S: Esc closes the help (waits for it to go).
closed() {
  local end=$((SECONDS + $(wait_limit 10)))
  keys "$1" Escape
  while [[ "$(screen "$1")" =~ "Help: keys" ]]; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done
}
check_cmd "Esc closes the help" closed v
keys v L ?
check_screen "Logs: the help says where it is" v "Help: keys, live, Logs"
check_screen "Logs: its keys apply, with their help" v "s +log-solo +Solo the line"
keys v G
check_screen "Logs: s is not sync there" v "s +sync +not in Logs"
check_screen "Logs: J jumps from the other panes" v "J +log-jump +from Artifacts"
check_cmd "Esc closes the help" closed v
keys v 1
check_screen "Artifacts focused again" v "Artifacts.*─"
keys v q
check_restored "live: quit" v

start_ui r "$SKVIEW" replay tests/data/skaffold-2x-events.jsonl --no-config
$TM resize-window -t r: -x 120 -y 60
keys r ?
check_screen "replay: the help says where it is" r "Help: keys, replay, Artifacts"
check_screen "replay: its keys apply, with their help" r "Space +pause +Pause or resume the replay"
keys r G
check_screen "replay: the dev-loop keys under Elsewhere" r "b +build +live only"
check_cmd "Esc closes the help" closed r
keys r q
check_restored "replay: quit" r
finish
