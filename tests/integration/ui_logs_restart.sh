#!/usr/bin/env bash
# Skaffold's lines across a reconnect: a new v2 Events stream replays the
# server's whole history, and the Logs view keeps the lines it holds until
# the replay brings them (each line once), and keeps them for good when the
# replay is another server's (Skaffold restarted): the ended session's lines
# stay above the new session's.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"
echo "# faults injected: 2"

shown() { screen "$1" | grep -m1 -o 'L Logs *[0-9]*/' | sed 's|L Logs *||; s|/||'; }
# settle S: waits (at most 30 s) until the Logs view's count holds for 1.5 s.
settle() {
  local a b end=$((SECONDS + 30))
  a=$(shown "$1")
  while [ $SECONDS -lt $end ]; do
    sleep 1.5; b=$(shown "$1")
    [ -n "$b" ] && [ "$b" != 0 ] && [ "$a" == "$b" ] && return 0
    a=$b
  done
  return 1
}
sim() { # SEED LOOPS: a simulator on $sport that stops after LOOPS dev loops, no pods' lines
  "$SKSIM" --port "$sport" --seed "$1" --interval 300 --log-interval 0 --idle-after "$2" >"$TMP/sim$1.out" 2>&1 &
  simpid=$!; at_exit "kill $simpid"
  wait_for 10 grep -q '^listening on' "$TMP/sim$1.out"
}

sport=$(free_port); pport=$(free_port)
sim 11 2
python3 tests/tools/tcp_proxy.py "$pport" "$sport" >"$TMP/proxy.out" 2>&1 &
proxy=$!; at_exit "kill $proxy"
wait_for 5 grep -q '^listening on' "$TMP/proxy.out"

start_ui v "$SKVIEW" -a "127.0.0.1:$pport" --no-config
$TM resize-window -t v: -x 160 -y 48
keys v L a                                       # the Logs view, Skaffold's lines
check_screen "Skaffold's lines" v "Skaffold only"
check_cmd "the first server's dev loops are over" settle v
held=$(logs_save v "$TMP/before.txt")
check_cmd "lines held ($held)" test "$held" -ge 20

# The same server again: its history is replayed; the view is unchanged.
kill -KILL "$proxy"; wait "$proxy" 2>/dev/null
check_screen "disconnected" v "disconnected"
check_eq "disconnected: the lines stay" "$held" "$(shown v)"
python3 tests/tools/tcp_proxy.py "$pport" "$sport" >"$TMP/proxy.out" 2>&1 &
proxy=$!; at_exit "kill $proxy"
check_screen "reconnected" v "connected 127.0.0.1:$pport"
settle v
n=$(logs_save v "$TMP/again.txt")
check_eq "the same server's replay: each line once" "$held" "$n"
check_eq "the same server's replay: the same lines" "$(cat "$TMP/before.txt")" "$(cat "$TMP/again.txt")"

# Skaffold restarted (another history on the same address): the ended
# session's lines stay, the new session's come after them.
kill "$simpid"; wait "$simpid" 2>/dev/null
check_screen "the server is gone" v "disconnected|reconnecting|retry"
sim 12 3
check_screen "connected to the new server" v "connected 127.0.0.1:$pport"
more() { [ "$(shown v)" -gt "$held" ]; }
wait_for 30 more
settle v
n=$(logs_save v "$TMP/after.txt")
check_cmd "restart: the new session's lines added ($held -> $n)" test "$n" -gt "$held"
check_eq "restart: the ended session's lines stay, first and unchanged" \
  "$(cat "$TMP/before.txt")" "$(head -n "$held" "$TMP/after.txt")"
keys v q
check_restored "quit" v
finish
