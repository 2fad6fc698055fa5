#!/usr/bin/env bash
# The docker dial (connect, POST /grpc, wait for the 101) runs off the
# viewer's loop: against a socket that accepts and never answers
# (tests/tools/mute_socket.py), the viewer draws and answers keys while the dial
# still waits on its first connection, then says why it gave up and dials
# again, still answering keys.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"
echo "# faults injected: 1"
PEER="$TMP/peer.out"
python3 "$(dirname "$0")/../tools/mute_socket.py" "$TMP/mute.sock" >"$PEER" 2>&1 &
at_exit "kill $!"
wait_for 10 grep -q '^listening on' "$PEER" || { echo "mute_socket.py did not start:"; cat "$PEER"; exit 1; }
start_sim --no-generate
start_ui live "$SKVIEW" -a "$ADDR" --buildkit "docker://$TMP/mute.sock" --no-config
if wait_for 10 grep -qx 'accepted 1' "$PEER"; then ok "the dial reached the socket"; else not_ok "the dial reached the socket"; fi
check_screen "the viewer draws while the dial waits" live "connected $ADDR"
keys live '?'
check_screen "? answers while the dial waits: the help" live "General"
check_cmd "...and the first dial was still waiting (its connection open)" test "$(grep -cx 'closed 1' "$PEER")" = 0
keys live '?'
$TM resize-window -t live: -x 220   # the status line's whole sentence
check_screen "the dial gives up, saying why" live "does not answer as a Docker daemon \(no answer within 5 s\)"
check_cmd "...and closed its connection" grep -qx 'closed 1' "$PEER"
if wait_for 20 grep -qx 'accepted 2' "$PEER"; then ok "the next try dials again"; else not_ok "the next try dials again"; fi
keys live 8
check_screen "8 answers during the second dial: the Build pane focused" live "8 Build"
keys live q
wait_for 10 test -s "$TMP/live.after"
check_eq "q exits 0 while a dial may wait" 0 "$(cat "$TMP/live.rc" 2>/dev/null)"
check_restored "q" live
finish
