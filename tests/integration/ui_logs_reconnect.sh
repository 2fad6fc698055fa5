#!/usr/bin/env bash
# The Logs view across a lost connection: on a reconnect Skaffold's
# ApplicationLogs replays only the current dev loop's lines. The viewer keeps
# the lines it holds (the earlier dev loops' are nowhere else any more) and
# shows the replayed ones once. Reference: `skview logs --app --follow`
# connected to the server directly the whole time (checked against an
# independent Python client in live_v2), in the same text form as the
# Logs view's saved lines.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"
echo "# faults injected: 1"

shown() { screen "$1" | grep -m1 -o 'L Logs *[0-9]*/' | sed 's|L Logs *||; s|/||'; }

sport=$(free_port); pport=$(free_port)
"$SKSIM" --port "$sport" --seed 11 --interval 700 --log-interval 150 >"$TMP/sim.out" 2>&1 &
sim=$!; at_exit "kill $sim"
wait_for 10 grep -q '^listening on' "$TMP/sim.out"
"$SKVIEW" logs -a "127.0.0.1:$sport" --app --follow >"$TMP/ref.txt" 2>"$TMP/ref.err" &
ref=$!; at_exit "kill $ref"
python3 tests/tools/tcp_proxy.py "$pport" "$sport" >"$TMP/proxy.out" 2>&1 &
proxy=$!; at_exit "kill $proxy"
wait_for 5 grep -q '^listening on' "$TMP/proxy.out"

start_ui v "$SKVIEW" -a "127.0.0.1:$pport" --no-config
$TM resize-window -t v: -x 160 -y 48
keys v L a a                                     # the Logs view, application lines
check_screen "before: the application's lines" v "application only"
wait_until 20 'test "$(shown v)" -ge 30'
# Dev loops pass while the viewer is away (one every 0.7 s or so): the
# server's buffer of application lines is emptied at each start.
kill -KILL "$proxy"; wait "$proxy" 2>/dev/null
check_screen "disconnected: the header says so" v "disconnected"

held=$(logs_save v "$TMP/before.txt")
check_cmd "disconnected: lines held ($held)" test "$held" -gt 0
sleep 2.5
python3 tests/tools/tcp_proxy.py "$pport" "$sport" >"$TMP/proxy.out" 2>&1 &
proxy=$!; at_exit "kill $proxy"
check_screen "reconnected" v "connected 127.0.0.1:$pport"
sleep 1.5
n=$(logs_save v "$TMP/after.txt")
check_cmd "reconnected: the lines held before are still there ($held -> $n)" test "$n" -ge "$held"
check_eq "reconnected: the held lines come first, unchanged" "$(cat "$TMP/before.txt")" "$(head -n "$held" "$TMP/after.txt")"
sleep 0.5
kill "$ref"; wait "$ref" 2>/dev/null
# The viewer's lines are two runs of the reference's, in order and each
# once: what it held, then what came after the reconnect (the lines of the
# dev loops that ended while it was away are gone from the server; the last
# few lines may still be on their way to one of the two).
verdict=$(python3 - "$TMP/after.txt" "$TMP/ref.txt" "$held" <<'PY'
import sys
v = open(sys.argv[1]).read().splitlines()
r = open(sys.argv[2]).read().splitlines()
held = int(sys.argv[3])
def run_at(part, start):
    """The longest match of part at a position >= start of r: (pos, length)."""
    best = (-1, 0)
    for i in range(start, len(r)):
        if part and r[i] == part[0]:
            k = 0
            while k < len(part) and i + k < len(r) and r[i + k] == part[k]:
                k += 1
            if k > best[1]:
                best = (i, k)
    return best
i, k = run_at(v[:held], 0)
if k != held:
    print("held lines: matched %d of %d" % (k, held)); sys.exit()
rest = v[held:]
j, k2 = run_at(rest, i + held)
if len(rest) < 5:
    print("only %d lines after the reconnect" % len(rest))
elif k2 < len(rest) - 3:
    print("after the reconnect: matched %d of %d" % (k2, len(rest)))
else:
    print("ok")
PY
)
check_eq "reconnected: the viewer's lines are the server's, each once, in order" ok "$verdict"
keys v q q
check_restored "reconnect" v
finish
