#!/usr/bin/env bash
# skview logs, the command line: every bad usage exits 2 with one line naming
# what is wrong and prints nothing on stdout; an unreachable address or an
# unreadable file exits 1 naming it; a file without v2 events (a v1 log)
# exits 1 saying where Skaffold writes them.
# Files: each v2 form in tests/data (F.v2, the gateway's /v2/events and
# /v2/applicationLogs captures, F with its F.v2 beside it) prints the lines
# tests/tools/v2_peer.py (python3-protobuf's JSON reader, its own line assembly)
# finds in it; a malformed line is skipped and said (exit 3 with --strict);
# hostile escape sequences in a message come out inert, none in a pipe.
source "$(dirname "$0")/../lib/lib.sh"

# usage NAME MESSAGE ARGS...: exit 2, that one line on stderr, nothing on stdout.
usage() {
  local name=$1 msg=$2; shift 2
  "$SKVIEW" logs "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  check_eq "$name: exit 2" 2 "$rc"
  check_eq "$name: says why" "skview: logs: $msg (see skview --help)" "$(cat "$TMP/err")"
  check_eq "$name: no output" "" "$(cat "$TMP/out")"
}
usage "no source" "missing -a ADDR or FILE"
usage "FILE and -a" "give FILE or -a ADDR, not both" f -a 127.0.0.1:1
usage "two files" "one FILE only ('g')" f g
usage "--skaffold --app" "--skaffold and --app exclude each other (give neither for both)" --skaffold --app -a 127.0.0.1:1
usage "--follow on a file" "--follow needs -a ADDR" --follow f
usage "a bad level" "--level: 'loud' is not a level (trace, debug, info, warn, error, fatal, panic)" -a 127.0.0.1:1 --level loud
usage "-a without a value" "-a needs a value" -a
for o in --task --artifact --resource --pod --container --level; do
  usage "$o without a value" "$o needs a value" -a 127.0.0.1:1 "$o"
  usage "$o= empty" "$o needs a value" -a 127.0.0.1:1 "$o="
done
usage "an unknown option" "unknown option '--tail'" -a 127.0.0.1:1 --tail
keys=(); for i in $(seq 17); do keys+=(--pod "p$i"); done
usage "17 pods" "at most 16 --pod" -a 127.0.0.1:1 "${keys[@]}"
"$SKVIEW" logs -a bad:address:: >/dev/null 2>&1; rc=$?
check_eq "a malformed address: exit 2 (as every command)" 2 "$rc"
check_match "help lists logs" "skview logs FILE\|-a ADDR \[-f\|--follow\]" "$("$SKVIEW" --help)"

# Runtime errors: exit 1, naming the place.
port=$(free_port)
"$SKVIEW" logs -a "127.0.0.1:$port" >"$TMP/out" 2>"$TMP/err"; rc=$?
check_eq "nobody listening: exit 1" 1 "$rc"
check_match "nobody listening: names the address and the status" "^skview: logs: 127\.0\.0\.1:$port: Events: UNAVAILABLE: " "$(cat "$TMP/err")"
"$SKVIEW" logs "$TMP/nonexistent" >"$TMP/out" 2>"$TMP/err"; rc=$?
check_eq "unreadable file: exit 1" 1 "$rc"
check_eq "unreadable file: names it" "skview: $TMP/nonexistent: No such file or directory" "$(cat "$TMP/err")"
v1log="$DATA/http-gateway-getting-started.jsonl"
"$SKVIEW" logs "$v1log" >"$TMP/out" 2>"$TMP/err"; rc=$?
check_eq "a v1 log: exit 1" 1 "$rc"
check_eq "a v1 log: says where v2 events are" \
  "skview: logs: $v1log: no v2 events in it (Skaffold 2.x writes them to FILE.v2 beside --event-log-file's FILE)" \
  "$(cat "$TMP/err")"
check_eq "a v1 log: no output" "" "$(cat "$TMP/out")"

# ---- files ---------------------------------------------------------------------------
PB2="$TMP/pb2"; mkdir -p "$PB2"
protoc -Iproto -I/usr/include --python_out="$PB2" proto/skaffold.proto proto/v2/skaffold_v2.proto ||
  { echo "not ok protoc --python_out"; exit 1; }
expected() { /usr/bin/python3 tests/tools/v2_peer.py --file "$1" "$PB2" 2>/dev/null | jq -S -c .; }
got() { "$SKVIEW" logs "$@" --json 2>"$TMP/err" | jq -S -c '{source, task_id, subject, pod, container, level, text}'; }
same() { # NAME EXPECTED ACTUAL
  if [ -n "$2" ] && [ "$2" == "$3" ]; then ok "$1 ($(wc -l <<<"$2") lines)"; else
    not_ok "$1"; diff <(echo "$2") <(echo "$3") | head -5 | sed 's/^/  /'; fi
}
d=tests/data
same "F.v2: Skaffold's lines with task and subject" "$(expected $d/skaffold-2x-events.jsonl.v2)" "$(got $d/skaffold-2x-events.jsonl.v2)"
same "F (v1) reads its F.v2 beside it" "$(expected $d/skaffold-2x-events.jsonl.v2)" "$(got $d/skaffold-2x-events.jsonl)"
same "gateway /v2/events capture" "$(expected $d/gateway-events.v2.jsonl)" "$(got $d/gateway-events.v2.jsonl)"
check_match "gateway /v2/events capture: its error line is said" "gateway reported an error" "$(cat "$TMP/err")"
same "gateway /v2/applicationLogs capture: pod and container" "$(expected $d/gateway-applogs.v2.jsonl)" "$(got $d/gateway-applogs.v2.jsonl)"
same "--app --pod on a file" "$(expected $d/gateway-applogs.v2.jsonl | jq -c 'select(.pod == "leeroy-app-7f5d8c6b9-kq2vn")')" \
  "$(got $d/gateway-applogs.v2.jsonl --app --pod leeroy-app-7f5d8c6b9-kq2vn)"
# --level reads the level an application line says (here Go's panic; the
# plain lines count as info).
check_eq "--app --level warn: the lines that say warn and up" \
  "$(expected $d/gateway-applogs.v2.jsonl | jq -r 'select(.text | startswith("panic: ")) | .text')" \
  "$(got $d/gateway-applogs.v2.jsonl --app --level warn | jq -r .text)"
check_eq "--app --level info: every line" "$(expected $d/gateway-applogs.v2.jsonl | wc -l)" \
  "$(got $d/gateway-applogs.v2.jsonl --app --level info | wc -l)"

# A malformed line among good ones: skipped and said; --strict stops (3).
{ head -5 $d/skaffold-2x-events.jsonl.v2; echo '{"timestamp": "2024-11-29T08:46:41Z", "skaffoldLogEvent": {"message": 5}'
  tail -n +6 $d/skaffold-2x-events.jsonl.v2; } >"$TMP/bad.v2"
same "a malformed line: the others printed" "$(expected $d/skaffold-2x-events.jsonl.v2)" "$(got "$TMP/bad.v2")"
check_match "a malformed line: said with its place" "bad.v2:6: .*skipped 1 malformed line" "$(tr '\n' ' ' <"$TMP/err")"
"$SKVIEW" logs "$TMP/bad.v2" --strict >/dev/null 2>&1; rc=$?
check_eq "a malformed line under --strict: exit 3" 3 "$rc"

# Hostile text: an OSC title, a CSI clear, an SGR colour and a C1 CSI go
# whole (core/sgr.h); only the letters between them come through a pipe.
esc=$'\\u001b'
printf '{"timestamp":"2024-11-29T08:46:40Z","skaffoldLogEvent":{"taskId":"Build-1","subtaskId":"web","level":"STANDARD","message":"a%s]0;owned%sb%s[2Jc%s[31md\\u009b1me\\n"}}\n' \
  "$esc" '\u0007' "$esc" "$esc" >"$TMP/hostile.v2"
"$SKVIEW" logs "$TMP/hostile.v2" >"$TMP/out" 2>"$TMP/err"; rc=$?
check_eq "hostile: exit 0" 0 "$rc"
check_eq "hostile: no ESC, BEL or C1 byte in a pipe" 0 "$(LC_ALL=C grep -c $'[\x1b\x07]\\|\xc2[\x80-\x9f]' "$TMP/out")"
check_eq "hostile: the letters stay" "[Build web] abcde" "$(cat "$TMP/out")"
finish
