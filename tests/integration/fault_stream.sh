#!/usr/bin/env bash
# Stream faults, each against the real viewer in tmux with its mirror dumped
# (SKVIEW_DUMP_STATE): the server SIGKILLed in the middle of a flood and
# restarted on the same port with another history; one 20 MiB entry (over the
# client's 16 MiB limit) and one of 15 MiB (under it); a burst of 1,000,000
# entries. skview keeps running, says what happened, recovers, and its mirror
# ends equal to the server's GetState.
source "$(dirname "$0")/../lib/lib.sh"
source tests/lib/fault_lib.sh
faults=0

# ---- killed mid-stream, restarted with a different history -----------------------
port=$(free_port)
start_sim flood "$port" --no-generate --step 0 --flood 100000000
start_ui kill "127.0.0.1:$port"
check_screen "killed: connected, mid-flood" 10 kill "connected 127\.0\.0\.1:$port"
wait_for 10 test -s "$TMP/kill.json"
sleep 0.3
kill -KILL "$flood_sim"; wait "$flood_sim" 2>/dev/null; faults=$((faults + 1))
check_screen "killed: says it is reconnecting, and why" 10 kill \
  "reconnecting in [0-9]+s 127\.0\.0\.1:$port \(UNAVAILABLE"
check_cmd "killed: still running" alive kill
start_sim replay "$port" --play "$DATA/skaffold-v1.29-helm-events.jsonl" --speed 0 --no-generate
faults=$((faults + 1))
check_screen "restarted: connects by itself" 15 kill "connected 127\.0\.0\.1:$port"
check_mirror "restarted: mirror == the new GetState (rebuilt from scratch)" kill "127.0.0.1:$port"
check_eq "restarted: nothing left of the old history" "" "$(grep -o 'skview-demo' "$TMP/kill.json")"
check_screen "restarted: the new history on screen" 10 kill "Skaffold v1\.29"
quit kill
kill "$replay_sim"

# ---- a 20 MiB entry (over the limit) and a 15 MiB one (under it), side by side ----
start_sim big20 0 --no-generate --step 0 --seed 7 --big-entry 20; faults=$((faults + 1))
start_sim big15 0 --no-generate --step 0 --seed 7 --big-entry 15
a20=$(sim_addr big20); a15=$(sim_addr big15)
start_ui big20 "$a20"
start_ui big15 "$a15"
check_screen "20 MiB: says the message is over the limit" 15 big20 \
  "reconnecting in [0-9]+s $a20 \(RESOURCE_EXHAUSTED: Received message larger than max \(2097[0-9]+ vs\. 16777216\)\)"
check_mirror "20 MiB: mirror == GetState (reconciled)" big20 "$a20"
# Each retry fails the same way: the delay grows (1 s, 1.6 s, 2.6 s ...).
check_screen "20 MiB: keeps retrying, with a growing backoff" 15 big20 "reconnecting in ([3-9]|[1-9][0-9])s $a20 \(RESOURCE_EXHAUSTED"
check_cmd "20 MiB: still running" alive big20
keys big20 '?'
check_screen "20 MiB: keys work (help opens)" 5 big20 "Help: keys"
keys big20 '?'
check_screen "15 MiB: connected" 15 big15 "connected $a15"
check_mirror "15 MiB: mirror == GetState" big15 "$a15"
check_screen "15 MiB: the huge entry is listed" 5 big15 "with a huge sentence"
s=$(screen big15 | head -1)
check_match "15 MiB: still connected" "connected $a15" "$s"
n=$(timeout $(wait_limit 20) "$SKVIEW" events -a "$a15" --json | tail -1 | wc -c)
check_cmd "15 MiB: events -a gets the whole entry ($n bytes)" test "$n" -gt $((15 << 20))
quit big20
quit big15
kill "$big20_sim" "$big15_sim"

# ---- a burst of 1,000,000 entries --------------------------------------------------
start_sim burst 0 --no-generate --step 0 --seed 7 --burst 1000000; faults=$((faults + 1))
ab=$(sim_addr burst)
wait_for 10 "$SKVIEW" ctl -a "$ab" state
start_ui burst "$ab"
wait_screen 10 burst "connected $ab"
keys burst '?'
t_key=$(date +%s.%N)
check_screen "burst: a key pressed mid-burst is handled (help opens)" 5 burst "Help: keys"
t_help=$(date +%s.%N)
# A million entries take a while to fold under ASan on a busy machine.
check_mirror "burst: mirror == GetState at the end" burst "$ab" 120
echo "# burst: mirror settled $(awk -v a="$t_help" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s after the help opened"
t_last=$(stat -c %.9Y "$TMP/burst.json")
check_cmd "burst: help opened within 3 s of the key" awk -v a="$t_key" -v b="$t_help" 'BEGIN { exit !(b - a < 3) }'
# The mirror kept changing after the help opened: the key did not wait for
# the end of the burst.
check_cmd "burst: the key was handled before the burst ended" awk -v h="$t_help" -v l="$t_last" 'BEGIN { exit !(l > h) }'
keys burst '?'
check_screen "burst: the Events pane keeps its bounded history" 5 burst "Events  100000"
quit burst
echo "# faults injected: $faults"
finish
