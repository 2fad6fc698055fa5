#!/usr/bin/env bash
# The headless commands on the session (issues 16, 17, 18):
#  - events -a and logs -a deliver the whole history over a slow link
#    (5 KB/s, in bursts): the end is a GetState barrier that agrees with the
#    mirror, not 300 ms of silence (the loaded machine: headless_load.sh);
#  - a wedged server (takes the calls, never answers) ends them with exit 1
#    and the reason;
#  - record -a writes both v2 streams; a second record -o of the same
#    session appends nothing;
#  - one v2 stream UNIMPLEMENTED: logs uses the other and says which fails;
#  - logs -f prints a line without its newline after a short delay;
#  - events -f follows.
source "$(dirname "$0")/../lib/lib.sh"
PY=/usr/bin/python3
PB2="$TMP/pb2"; mkdir -p "$PB2"
protoc -Iproto -I/usr/include --python_out="$PB2" proto/skaffold.proto proto/v2/skaffold_v2.proto ||
  { echo "not ok protoc --python_out"; exit 1; }

start_sim --no-generate --step 0 --seed 7 --log-interval 0
"$SKVIEW" events -a "$ADDR" --quiet 0 >/dev/null 2>"$TMP/q.err"; rc=$?
check_eq "--quiet 0 is a usage error" 2 "$rc"
check_match "--help says what --quiet is" "--quiet MS" "$("$SKVIEW" --help)"
kill "$SIM_PID"

# ---- a slow link: 5 KB/s, in bursts (main: 17 of 31 entries, 6 of 164 lines) ---------------
start_sim --no-generate --step 0 --seed 7 --log-interval 0
direct=$(timeout 60 "$SKVIEW" events -a "$ADDR")
direct_logs=$(timeout 60 "$SKVIEW" logs -a "$ADDR")
port=$(free_port)
$PY tests/tools/tcp_proxy.py "$port" "${ADDR##*:}" 5000 > "$TMP/proxy.out" 2>&1 &
at_exit "kill $!"
wait_for 10 grep -q '^listening on' "$TMP/proxy.out"
slow=$(timeout 120 "$SKVIEW" events -a "127.0.0.1:$port"); rc=$?
check_eq "slow link: events -a exit 0" 0 "$rc"
check_eq "slow link: every entry ($(printf '%s\n' "$direct" | wc -l))" "$direct" "$slow"
slow=$(timeout 120 "$SKVIEW" logs -a "127.0.0.1:$port"); rc=$?
check_eq "slow link: logs -a exit 0" 0 "$rc"
check_eq "slow link: every log line ($(printf '%s\n' "$direct_logs" | wc -l))" "$direct_logs" "$slow"

# ---- record -a: both v2 streams; a second run appends nothing ------------------------------
rec="$TMP/live.rec"
record_once() {
  "$SKVIEW" record -a "$ADDR" -o "$rec" 2> "$TMP/rec.err" &
  local r=$!
  wait_for 20 grep -q connected "$TMP/rec.err"
  # The whole history is in once the file stops growing for a second.
  local a b; a=-1; b=$(stat -c %s "$rec" 2>/dev/null || echo 0)
  for _ in $(seq 60); do [ "$a" == "$b" ] && [ "$b" != 0 ] && break; sleep 1; a=$b; b=$(stat -c %s "$rec"); done
  kill -INT $r; wait $r
}
record_once
check_eq "record -a: the application's lines and Skaffold's are in the recording" \
  "$(timeout 60 "$SKVIEW" logs -a "$ADDR" --quiet 2000 | sort)" "$("$SKVIEW" logs "$rec" | sort)"
size=$(stat -c %s "$rec")
record_once
check_match "second record: nothing new written" "record: 0 entries written to .*, with 0 v2 events .*already recorded" "$(cat "$TMP/rec.err")"
check_eq "second record: the file did not grow" "$size" "$(stat -c %s "$rec")"
"$SKVIEW" ctl -a "$ADDR" emit '{"buildEvent":{"artifact":"after-the-first-record","status":"Complete"}}'
record_once
check_match "third record: the new entry appended" "record: [1-9][0-9]* entries written" "$(cat "$TMP/rec.err")"
check_eq "third record: one session, the new entry once" 1 "$("$SKVIEW" events "$rec" | grep -c after-the-first-record)"
check_eq "the recording holds one session" 1 "$("$SKVIEW" events --json "$rec" | grep -c '"event":{"metaEvent"')"

# ---- events -f ------------------------------------------------------------------------------
"$SKVIEW" events -f -a "$ADDR" > "$TMP/follow.txt" 2>&1 &
fol=$!
at_exit "kill $fol"
check_cmd "events -f: the history arrives" wait_for 20 grep -q "after-the-first-record" "$TMP/follow.txt"
"$SKVIEW" ctl -a "$ADDR" emit '{"buildEvent":{"artifact":"followed","status":"Complete"}}'
check_cmd "events -f: a new entry arrives" wait_for 20 grep -q "followed" "$TMP/follow.txt"
kill -INT $fol; wait $fol; rc=$?
check_eq "events -f: SIGINT ends it with 0" 0 "$rc"

# ---- logs -f: a line without its newline -----------------------------------------------------
"$SKVIEW" logs -f -a "$ADDR" --skaffold > "$TMP/logsf.txt" 2>&1 &
lf=$!
at_exit "kill $lf"
wait_for 20 test -s "$TMP/logsf.txt"
$PY - "$ADDR" "$PB2" <<'EOF'
import sys
sys.path.insert(0, sys.argv[2])
import grpc
from v2 import skaffold_v2_pb2 as v2
ev = v2.Event(skaffoldLogEvent=v2.SkaffoldLogEvent(task_id="Deploy-1", subtask_id="-1", level=7,
                                                   message="Password for the cluster: "))
ch = grpc.insecure_channel(sys.argv[1])
ch.unary_unary("/proto.v2.SkaffoldV2Service/Handle", request_serializer=lambda m: m.SerializeToString(),
               response_deserializer=lambda b: b)(ev, timeout=10)
EOF
check_cmd "logs -f: a prompt without newline shows while it runs" wait_for 10 grep -q "Password for the cluster:" "$TMP/logsf.txt"
kill -INT $lf; wait $lf
kill "$SIM_PID"

# ---- one v2 stream UNIMPLEMENTED ------------------------------------------------------------------
start_sim --no-generate --step 0 --seed 7 --log-interval 0 --no-v2-applogs
out=$(timeout 60 "$SKVIEW" logs -a "$ADDR" 2>"$TMP/na.err"); rc=$?
check_eq "no ApplicationLogs: exit 0" 0 "$rc"
check_cmd "no ApplicationLogs: Skaffold's lines printed" test -n "$out"
check_match "no ApplicationLogs: says which stream is not served" \
  "^skview: logs: 127\.0\.0\.1:[0-9]+: v2 ApplicationLogs: UNIMPLEMENTED" "$(cat "$TMP/na.err")"
kill "$SIM_PID"
start_sim --no-generate --step 0 --seed 7 --log-interval 1000 --no-v2-events
out=$(timeout 60 "$SKVIEW" logs -a "$ADDR" --app 2>"$TMP/ne.err"); rc=$?
check_eq "no v2 Events: exit 0" 0 "$rc"
check_cmd "no v2 Events: the application's lines printed" test -n "$out"
check_match "no v2 Events: says which stream is not served" \
  "^skview: logs: 127\.0\.0\.1:[0-9]+: v2 Events: UNIMPLEMENTED" "$(cat "$TMP/ne.err")"
kill "$SIM_PID"

# ---- a wedged server ---------------------------------------------------------------------------------
$PY tests/tools/hang_peer.py > "$TMP/hang.out" 2>&1 &
at_exit "kill $!"
wait_for 20 grep -q '^listening on' "$TMP/hang.out"
hang=$(sed -n 's/^listening on //p' "$TMP/hang.out")
for c in events state logs; do
  timeout 60 "$SKVIEW" $c -a "$hang" > /dev/null 2> "$TMP/hang.err"; rc=$?
  check_eq "wedged server: $c -a exits 1 (not 124: no hang)" 1 "$rc"
  check_match "wedged server: $c -a says why" "^skview: $c: $hang: .*(DEADLINE_EXCEEDED|no answer)" "$(cat "$TMP/hang.err")"
done
finish
