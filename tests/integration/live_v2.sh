#!/usr/bin/env bash
# Skaffold 2.x's v2 API live, against skview-sim on loopback. Expected lines
# come from tests/tools/v2_peer.py, an independent client (Python grpcio and
# python3-protobuf, its own line assembly), reading the same server:
#  - `skview logs -a --json`: Skaffold's lines (v2 Events) equal the peer's,
#    each with its task and artifact/resource; the application's lines
#    (ApplicationLogs, still growing while the pods log) are the peer's
#    lines or a longer run of them, each with its pod and container;
#  - the text form: "[pod container] text" and "[Task subject] text";
#  - filters --skaffold, --app, --pod, --container, --task, --artifact,
#    --resource, --level select exactly the peer's lines of that kind;
#  - no escape byte in a pipe although the server sends colours; on a
#    terminal only SGR sequences; none with NO_COLOR;
#  - a server without v2 (skview-sim --no-v2: UNIMPLEMENTED): logs exits 1
#    saying so; `state -a` and the viewer's mirror still equal GetState;
#  - a v2 stream that keeps failing (skview-sim --v2-fail applogs): the
#    viewer's header names it with its status and a growing retry count;
#  - reconnects under --follow: the same server behind a TCP proxy killed
#    and restarted prints nothing twice (the replayed Events and the
#    current dev loop's application lines) and goes on with new lines; a
#    restarted server (another history) is printed after a boundary line;
#    the viewer's --record through the same reconnects holds each Skaffold
#    line and application line once, and the v1 mirror.
source "$(dirname "$0")/../lib/lib.sh"
source tests/lib/fault_lib.sh

PB2="$TMP/pb2"
mkdir -p "$PB2"
protoc -Iproto -I/usr/include --python_out="$PB2" proto/skaffold.proto proto/v2/skaffold_v2.proto ||
  { echo "not ok protoc --python_out"; exit 1; }
peer() { /usr/bin/python3 tests/tools/v2_peer.py "$1" "$PB2" 0.5 2>"$TMP/peer.err"; }
# settle ADDR: until the sim's dev loops are over (--idle-after): Skaffold's
# lines the same in two reads 0.5 s apart.
settle() {
  local a b end=$((SECONDS + 30))
  a=$(peer "$1" | grep -c '"skaffold"')
  while [ $SECONDS -lt $end ]; do
    sleep 0.5
    b=$(peer "$1" | grep -c '"skaffold"')
    [ "$b" -gt 0 ] && [ "$a" == "$b" ] && return 0
    a=$b
  done
  return 1
}
# Dev loops 100 ms apart, then idle; a pod line every second: the streams
# pause, so `logs -a` ends.
SIM_ARGS=(--seed 7 --step 10 --interval 100 --log-interval 1000)
# The peer's fields of skview's --json lines, sorted keys.
fields() { jq -S -c '{source, task_id, subject, pod, container, level, text}'; }
# is_prefix NAME SHORT LONG: one file's lines start the other's (the pods log on).
prefix_check() {
  local a b
  a=$(wc -l <"$2"); b=$(wc -l <"$3")
  if [ "$a" -gt "$b" ]; then set -- "$1" "$3" "$2"; fi
  if [ "$(wc -l <"$2")" -gt 0 ] && cmp -s "$2" <(head -n "$(wc -l <"$2")" "$3"); then ok "$1"; else
    not_ok "$1"; diff "$2" <(head -n "$(wc -l <"$2")" "$3") | head -5 | sed 's/^/  /'; echo "  ($a and $b lines)"; fi
}
same_check() { # NAME EXPECTED_FILE ACTUAL_FILE
  if [ -s "$2" ] && cmp -s "$2" "$3"; then ok "$1"; else
    not_ok "$1"; diff "$2" "$3" | head -5 | sed 's/^/  /'; echo "  ($(wc -l <"$2") and $(wc -l <"$3") lines)"; fi
}

# ---- 1. what logs -a prints is what the server sent ------------------------------
port_v2=$(free_port)
start_sim v2 "$port_v2" "${SIM_ARGS[@]}" --idle-after 4
a=$(sim_addr v2)
settle "$a" || { echo "not ok the simulator's dev loops did not end"; exit 1; }
peer "$a" >"$TMP/peer.jsonl"
"$SKVIEW" logs -a "$a" --json >"$TMP/logs.json" 2>"$TMP/logs.err"; rc=$?
check_eq "logs -a --json: exit 0" 0 "$rc"
check_eq "logs -a --json: nothing on stderr" "" "$(cat "$TMP/logs.err")"
check_cmd "logs -a --json: every line is JSON" jq -e . "$TMP/logs.json" >/dev/null
jq -S -c 'select(.source == "skaffold")' "$TMP/peer.jsonl" >"$TMP/peer.sk"
jq -S -c 'select(.source == "app")' "$TMP/peer.jsonl" >"$TMP/peer.app"
fields <"$TMP/logs.json" | jq -S -c 'select(.source == "skaffold")' >"$TMP/logs.sk"
fields <"$TMP/logs.json" | jq -S -c 'select(.source == "app")' >"$TMP/logs.app"
same_check "Skaffold's lines: the peer's, with task, artifact/resource and level" "$TMP/peer.sk" "$TMP/logs.sk"
prefix_check "application lines: the peer's, with pod and container" "$TMP/peer.app" "$TMP/logs.app"
check_match "the session has build output under artifacts" '"subject":"[a-z]' \
  "$(jq -c 'select(.task_id | startswith("Build-")) | select(.subject != "")' "$TMP/peer.sk" | head -1)"
check_match "the session has lines under resources" '"subject":"(deployment|pod)/' "$(grep -E '"subject":"(deployment|pod)/' "$TMP/peer.sk" | head -1)"
check_match "the server sent colours (escape sequences)" 'with an escape sequence' "$(grep -v ' 0 with' "$TMP/peer.err")"
check_eq "--json: no escape byte" 0 "$(grep -c $'\033' "$TMP/logs.json")"
check_eq "--json: a line's time is the event's" 1 "$(jq -r 'select(.source == "skaffold") | .time' "$TMP/logs.json" | head -1 | grep -c '^20[0-9-]*T[0-9:.]*Z$')"

# The text form: the prefix, then the text; no escape byte in a pipe.
"$SKVIEW" logs -a "$a" >"$TMP/logs.txt"; rc=$?
check_eq "logs -a: exit 0" 0 "$rc"
check_eq "logs -a | file: no escape byte" 0 "$(grep -c $'\033' "$TMP/logs.txt")"
"$SKVIEW" logs -a "$a" --skaffold >"$TMP/logs.sk.txt"
"$SKVIEW" logs -a "$a" --app >"$TMP/logs.app.txt"
text_of() { jq -r 'if .source == "app" then "[\(.pod) \(.container)] \(.text)"
  else "[\(.task_id | sub("-[0-9]+$"; ""))\(if .subject == "" then "" else " " + .subject end)] \(.text)" end' | tr '\t' ' '; }
text_of <"$TMP/peer.sk" >"$TMP/peer.sk.txt"
text_of <"$TMP/peer.app" >"$TMP/peer.app.txt"
same_check "text: '[Task subject] text' for Skaffold's lines" "$TMP/peer.sk.txt" "$TMP/logs.sk.txt"
prefix_check "text: '[pod container] text' for the application's" "$TMP/peer.app.txt" "$TMP/logs.app.txt"

# ---- 2. filters ---------------------------------------------------------------------
# filter NAME JQ-SELECT ARGS...: the peer's lines that JQ-SELECT keeps.
filter() {
  local name=$1 sel=$2; shift 2
  "$SKVIEW" logs -a "$a" --json "$@" | fields >"$TMP/f.out"
  jq -S -c "select($sel)" "$TMP/peer.jsonl" >"$TMP/f.exp"
  if grep -q '"source":"app"' "$TMP/f.exp"; then prefix_check "$name" "$TMP/f.exp" "$TMP/f.out"
  else same_check "$name" "$TMP/f.exp" "$TMP/f.out"; fi
}
pod=$(jq -r 'select(.source == "app") | .pod' "$TMP/peer.jsonl" | head -1)
ctr=$(jq -r 'select(.source == "app") | .container' "$TMP/peer.jsonl" | tail -1)
art=$(jq -r 'select(.task_id | startswith("Build-")) | select(.subject != "") | .subject' "$TMP/peer.jsonl" | tail -1)
res=$(jq -r 'select(.subject | test("^(deployment|pod)/")) | .subject' "$TMP/peer.jsonl" | head -1)
deploy=$(jq -r 'select(.task_id | startswith("Deploy-")) | .task_id' "$TMP/peer.jsonl" | tail -1)
filter "--skaffold: Skaffold's lines only" '.source == "skaffold"' --skaffold
filter "--app: the application's only" '.source == "app"' --app
filter "--pod $pod: its lines only" ".pod == \"$pod\"" --pod "$pod"
filter "--container $ctr: its lines only" ".container == \"$ctr\"" --container "$ctr"
filter "--task build: every Build task's lines" '.task_id | startswith("Build-")' --task build
filter "--task $deploy: that one task's lines" ".task_id == \"$deploy\"" --task "$deploy"
filter "--artifact $art: its build output" "(.task_id | test(\"^(Build|Test|Sync)-\")) and .subject == \"$art\"" --artifact "$art"
filter "--resource ${res#*/} (short for $res): its lines" \
  "(.task_id | test(\"^(Build|Test|Sync)-\") | not) and .subject == \"$res\"" --resource "${res#*/}"
filter "--level warn: Skaffold's warnings and errors" \
  '.source == "skaffold" and (.level | IN("WARN", "ERROR", "FATAL", "PANIC"))' --skaffold --level warn
filter "--pod P --pod Q: either" ".pod == \"$pod\" or .pod == \"nosuchpod\"" --pod "$pod" --pod nosuchpod
check_cmd "--level warn: the session has warnings or errors to show" grep -q . "$TMP/f.exp"

# ---- 3. colour only on a terminal --------------------------------------------------------
script -qec "$SKVIEW logs -a $a --skaffold" /dev/null >"$TMP/tty.out" </dev/null
check_cmd "on a terminal: colours" grep -q $'\033\\[[0-9;]*m' "$TMP/tty.out"
check_eq "on a terminal: every escape is an SGR colour" 0 \
  "$(sed 's/\x1b\[[0-9;]*m//g' "$TMP/tty.out" | grep -c $'\033')"
NO_COLOR=1 script -qec "$SKVIEW logs -a $a --skaffold" /dev/null >"$TMP/nocolor.out" </dev/null
check_eq "NO_COLOR on a terminal: no escape byte" 0 "$(grep -c $'\033' "$TMP/nocolor.out")"
check_eq "NO_COLOR on a terminal: the same lines as the pipe" "$(cat "$TMP/peer.sk.txt")" "$(tr -d '\r' <"$TMP/nocolor.out")"

# ---- 4. a server without v2 ------------------------------------------------------------
port_v1=$(free_port)
start_sim v1 "$port_v1" --no-v2 "${SIM_ARGS[@]}" --idle-after 2
v1=$(sim_addr v1)
ADDR=$v1 quiesce
"$SKVIEW" logs -a "$v1" >"$TMP/v1.out" 2>"$TMP/v1.err"; rc=$?
check_eq "--no-v2: logs exits 1" 1 "$rc"
check_match "--no-v2: says the server has no v2 API" "^skview: logs: $v1: v1 only: server has no v2 API" "$(cat "$TMP/v1.err")"
check_eq "--no-v2: no output" "" "$(cat "$TMP/v1.out")"
check_eq "--no-v2: state -a (v1) equals GetState" "$("$SKVIEW" ctl -a "$v1" state | jq -S -c .)" \
  "$("$SKVIEW" state -a "$v1" | jq -S -c .)"
start_ui nov2 "$v1"
if wait_for 15 mirror_settled nov2 "$v1"; then ok "--no-v2: the viewer's mirror equals GetState (v1 alone)"; else
  not_ok "--no-v2: the viewer's mirror equals GetState (v1 alone)"; fi
check_screen "--no-v2: the viewer's header says v1 only" 10 nov2 "v1 only"
check_cmd "--no-v2: the viewer runs on" alive nov2
keys nov2 q
wait_for 5 test -s "$TMP/nov2.rc"
check_eq "--no-v2: the viewer exits 0" 0 "$(cat "$TMP/nov2.rc" 2>/dev/null)"

# ---- 4b. a v2 stream that fails again and again (skview-sim --v2-fail) ----------------------
# The header says which stream, its status and how many tries, from the
# session's state; v1 goes on (the mirror still equals GetState).
port_f=$(free_port)
start_sim v2f "$port_f" --v2-fail applogs "${SIM_ARGS[@]}" --idle-after 2
v2f=$(sim_addr v2f)
start_ui v2fail "$v2f"
check_screen "--v2-fail applogs: the header names the stream and its status" 30 v2fail \
  "v2 ApplicationLogs: UNAVAILABLE: skview-sim --v2-fail: this stream fails failing, retrying \([0-9]+\)"
tries() { screen v2fail | sed -n 's/.*failing, retrying (\([0-9]*\)).*/\1/p' | head -1; }
first=$(tries)
wait_until 60 'test "$(tries)" -gt "${first:-0}"'
check_cmd "--v2-fail applogs: the count goes up with each retry (${first:-?} -> $(tries))" test "$(tries)" -gt "${first:-0}"
check_mirror "--v2-fail applogs: v1 goes on, the mirror equals GetState" v2fail "$v2f" 30
check_cmd "--v2-fail applogs: the viewer runs on" alive v2fail
keys v2fail q
wait_for 10 test -s "$TMP/v2fail.rc"
check_eq "--v2-fail applogs: the viewer exits 0" 0 "$(cat "$TMP/v2fail.rc" 2>/dev/null)"

# ---- 5. reconnects under --follow ---------------------------------------------------------
# The same server behind a proxy: nothing printed twice, and new lines go on.
pport=$(free_port)
python3 tests/tools/tcp_proxy.py "$pport" "$port_v2" >"$TMP/proxy.out" 2>&1 &
proxy=$!; at_exit "kill $proxy"
wait_for 5 grep -q '^listening on' "$TMP/proxy.out"
"$SKVIEW" logs -a "127.0.0.1:$pport" --follow --json >"$TMP/follow.json" 2>"$TMP/follow.err" &
follower=$!; at_exit "kill $follower"
# The viewer records the same: v1 and both v2 streams, each replay once.
$TM new-session -d -s rec -x 160 -y 48 \
  "'$SKVIEW' -a 127.0.0.1:$pport --no-config --record '$TMP/rec.skvr'; echo \$? >'$TMP/rec.rc'; sleep 600"
lines_at_least() { [ "$(wc -l <"$1")" -ge "$2" ]; }
recorded_sk() { "$SKVIEW" logs "$TMP/rec.skvr" --skaffold 2>/dev/null | wc -l; }
rec_has_all() { [ "$(recorded_sk)" -ge "$(wc -l <"$TMP/peer.sk")" ]; }
wait_for 10 lines_at_least "$TMP/follow.json" "$(wc -l <"$TMP/peer.sk")"
wait_for 10 rec_has_all
for i in 1 2; do
  before=$(wc -l <"$TMP/follow.json")
  kill -KILL "$proxy"; wait "$proxy" 2>/dev/null
  wait_for 5 grep -q "connection lost" "$TMP/follow.err"
  sleep 1
  python3 tests/tools/tcp_proxy.py "$pport" "$port_v2" >"$TMP/proxy.out" 2>&1 &
  proxy=$!; at_exit "kill $proxy"
  wait_until 15 'test "$(grep -c reconnected "$TMP/follow.err")" -ge "$i"'
  check_eq "proxy restart $i: reconnected" "$i" "$(grep -c 'reconnected to' "$TMP/follow.err")"
  wait_for 5 lines_at_least "$TMP/follow.json" $((before + 2))
  check_cmd "proxy restart $i: new application lines follow" lines_at_least "$TMP/follow.json" $((before + 2))
done
jq -S -c 'select(.source == "skaffold")' "$TMP/follow.json" | fields >"$TMP/follow.sk"
same_check "after 2 reconnects: Skaffold's lines once each" "$TMP/peer.sk" "$TMP/follow.sk"
dups=$(jq -c 'select(.source == "app") | [.time, .pod, .container, .text]' "$TMP/follow.json" | sort | uniq -d | wc -l)
check_eq "after 2 reconnects: no application line twice (the replayed dev loop)" 0 "$dups"
jq -S -c 'select(.source == "app")' "$TMP/follow.json" | fields >"$TMP/follow.app"
prefix_check "after 2 reconnects: the application lines are the peer's, then more" "$TMP/peer.app" "$TMP/follow.app"
check_eq "no boundary line (the same session)" 0 "$(grep -c 'new session' "$TMP/follow.err")"
keys rec q
wait_for 5 test -s "$TMP/rec.rc"
check_eq "viewer --record: exits 0" 0 "$(cat "$TMP/rec.rc" 2>/dev/null)"
"$SKVIEW" logs "$TMP/rec.skvr" --json >"$TMP/rec.json" 2>"$TMP/rec.err"
check_eq "the recording reads cleanly" "" "$(cat "$TMP/rec.err")"
jq -S -c 'select(.source == "skaffold")' "$TMP/rec.json" | fields >"$TMP/rec.sk"
same_check "the recording after 2 reconnects: Skaffold's lines once each" "$TMP/peer.sk" "$TMP/rec.sk"
dups=$(jq -c 'select(.source == "app") | [.time, .pod, .container, .text]' "$TMP/rec.json" | sort | uniq -d | wc -l)
check_eq "the recording after 2 reconnects: no application line twice" 0 "$dups"
jq -S -c 'select(.source == "app")' "$TMP/rec.json" | fields >"$TMP/rec.app"
prefix_check "the recording: the application lines are the peer's, then more" "$TMP/peer.app" "$TMP/rec.app"
# (autoTrigger is the server's alone: no event carries it; mirror_fidelity.sh)
no_auto() { jq -S -c 'del(.. | .autoTrigger?)'; }
check_eq "the recording: v1 too (its State == GetState but autoTrigger)" \
  "$("$SKVIEW" ctl -a "$a" state | no_auto)" "$("$SKVIEW" state "$TMP/rec.skvr" | no_auto)"

# A restarted server is another history: a boundary line, then its lines.
kill "$v2_sim"; wait "$v2_sim" 2>/dev/null
wait_for 5 grep -q "connection lost" "$TMP/follow.err"
n_before=$(wc -l <"$TMP/follow.json")
start_sim v2b "$port_v2" "${SIM_ARGS[@]}" --idle-after 1
wait_for 15 grep -q 'new session' "$TMP/follow.err"
check_match "restarted server: a boundary line on stderr" "--- a new session \(another history\) on 127\.0\.0\.1:$pport ---" "$(cat "$TMP/follow.err")"
settle "127.0.0.1:$port_v2"
peer "127.0.0.1:$port_v2" | jq -S -c 'select(.source == "skaffold")' >"$TMP/peer2.sk"
follow2() { tail -n +"$((n_before + 1))" "$TMP/follow.json" | jq -S -c 'select(.source == "skaffold")' | fields >"$TMP/follow2.sk"; }
caught_up() { follow2; cmp -s "$TMP/peer2.sk" "$TMP/follow2.sk"; }
wait_for 10 caught_up   # the follower has printed what the peer read (or the check shows the difference)
follow2
same_check "restarted server: its Skaffold lines, once each" "$TMP/peer2.sk" "$TMP/follow2.sk"
kill "$follower"; wait "$follower"; rc=$?
check_eq "--follow: SIGTERM exits 0" 0 "$rc"
finish
