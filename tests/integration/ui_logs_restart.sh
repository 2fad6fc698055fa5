#!/usr/bin/env bash
# Skaffold's lines across a reconnect: a new v2 Events stream replays the
# server's whole history, and the Logs view keeps the lines it holds until
# the replay brings them (each line once), and keeps them for good when the
# replay is another server's (Skaffold restarted): the ended session's lines
# stay above the new session's, which is session 2 (its first line says so).
# `skview logs -a -f` beside it prints the same lines, and says once that a
# new session began (the restart), not at the same server's reconnect.
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

"$SKVIEW" logs -a "127.0.0.1:$pport" -f --skaffold >"$TMP/follow.out" 2>"$TMP/follow.err" &
follow=$!; at_exit "kill $follow"
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
# The cursor to the new server's first line (g, then one j per line held).
keys v z g
check_screen "zoomed, at the first line" v "L Logs .* paused"
# shellcheck disable=SC2046 # one j a word
keys v $(printf 'j %.0s' $(seq "$held"))
details() { keys v Enter; wait_screen 10 v "session: +[0-9]+" || return; screen v | grep -o 'session: *[0-9]*' | grep -o '[0-9]*$'; closed; }
closed() { keys v Escape; local end=$((SECONDS + 10)); while screen v | grep -q 'session: '; do [ $SECONDS -ge $end ] && return; sleep 0.1; done; }
check_eq "restart: the new server's first line is in session 2" 2 "$(details)"
check_screen "restart: that line begins session 2 (says so)" v "session 2"
check_eq "restart: one session mark on screen" 1 "$(screen v | grep -c 'session [0-9]')"
keys v k
check_eq "restart: the line above it, the ended server's last, in session 1" 1 "$(details)"
keys v z

# logs -a -f saw the same: the reconnect to the same server printed
# nothing twice, the restart is said once, the new server's lines follow.
same() { [ "$(cat "$TMP/follow.out")" == "$(cat "$TMP/after.txt")" ]; }
check_cmd "logs -a -f: the lines the viewer shows, each once" wait_for 30 same
check_eq "logs -a -f: the restart said once" 1 "$(grep -c 'a new session' "$TMP/follow.err")"
keys v q
check_restored "quit" v
finish
