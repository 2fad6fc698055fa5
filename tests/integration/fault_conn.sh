#!/usr/bin/env bash
# Connection faults, each against the real viewer in tmux: a server never
# started, a peer that refuses (accepts and closes), a peer that stalls
# (accepts, never speaks HTTP/2). Each time skview keeps running, says in its
# header what happened, stays responsive, and once skview-sim starts on that
# port it connects by itself and its mirror (SKVIEW_DUMP_STATE) ends equal to
# GetState. The three run side by side to keep the wall time down (the
# stalled one waits out gRPC's 20 s connect timeout).
source "$(dirname "$0")/../lib/lib.sh"

source tests/lib/fault_lib.sh
faults=0

p_none=$(free_port); p_refuse=$(free_port); p_stall=$(free_port)
start_peer refuse refuse "$p_refuse"
start_peer stall stall "$p_stall"
faults=$((faults + 2))
start_ui none "127.0.0.1:$p_none"; faults=$((faults + 1))
start_ui refuse "127.0.0.1:$p_refuse"
start_ui stall "127.0.0.1:$p_stall"

# ---- never started: nothing listens ------------------------------------------
check_screen "never started: says it is reconnecting, and why" 10 none \
  "reconnecting in [0-9]+s 127\.0\.0\.1:$p_none \(UNAVAILABLE: [^)]*(refused|Failed to connect)"
check_cmd "never started: still running" alive none
keys none '?'
check_screen "never started: keys work (help opens)" 5 none "Help: keys"
keys none '?'

# ---- refusing: accepted, then closed at once -----------------------------------
check_screen "refusing: says it is reconnecting, and why" 10 refuse \
  "reconnecting in [0-9]+s 127\.0\.0\.1:$p_refuse \(UNAVAILABLE: [^)]*(Socket closed|reset|EOF)"
check_cmd "refusing: still running" alive refuse

# ---- stalled: accepted, never a byte of HTTP/2 -----------------------------------
# (waits for the first frame: under ASan the viewer may not have drawn yet)
wait_until 10 'screen stall | head -1 | grep -q .'
s=$(screen stall | head -1)
check_match "stalled: not shown as connected" "connecting 127\.0\.0\.1:$p_stall" "$s"
keys stall '?'
check_screen "stalled: keys work (help opens)" 5 stall "Help: keys"
keys stall '?'
check_screen "stalled: help closes" 5 stall "1 Artifacts"

# The servers come (back): skview connects within its backoff.
start_sim none "$p_none" --no-generate --step 0 --seed 7
check_screen "never started: connects by itself once the server is up" 15 none "connected 127\.0\.0\.1:$p_none"
check_mirror "never started: mirror == GetState" none "127.0.0.1:$p_none"
kill "$refuse_peer"; wait "$refuse_peer" 2>/dev/null
start_sim refuse "$p_refuse" --play "$DATA/skaffold-v1.29-helm-events.jsonl" --speed 0 --no-generate
check_screen "refusing: connects by itself once the server is up" 15 refuse "connected 127\.0\.0\.1:$p_refuse"
check_mirror "refusing: mirror == GetState" refuse "127.0.0.1:$p_refuse"

# gRPC gives up on a handshake after 20 s: the header names the timeout.
check_screen "stalled: says the connection attempt timed out" 30 stall \
  "reconnecting in [0-9]+s 127\.0\.0\.1:$p_stall \(UNAVAILABLE: [^)]*timed out"
check_cmd "stalled: still running" alive stall
kill "$stall_peer"; wait "$stall_peer" 2>/dev/null
start_sim stall "$p_stall" --no-generate --step 0 --seed 3
check_screen "stalled: connects by itself once a real server is up" 40 stall "connected 127\.0\.0\.1:$p_stall"
check_mirror "stalled: mirror == GetState" stall "127.0.0.1:$p_stall"

quit none
quit refuse
quit stall
echo "# faults injected: $faults"
finish
