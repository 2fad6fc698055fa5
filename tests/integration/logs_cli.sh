#!/usr/bin/env bash
# skview logs, the command line: every bad usage exits 2 with one line naming
# what is wrong and prints nothing on stdout; an unreachable address or an
# unreadable file exits 1 naming it; a file without v2 events (a v1 log)
# exits 1 saying where Skaffold writes them.
source "$(dirname "$0")/../lib.sh"

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
check_match "help lists logs" "skview logs FILE\|-a ADDR \[--follow\]" "$("$SKVIEW" --help)"

# Runtime errors: exit 1, naming the place.
port=$(free_port)
"$SKVIEW" logs -a "127.0.0.1:$port" >"$TMP/out" 2>"$TMP/err"; rc=$?
check_eq "nobody listening: exit 1" 1 "$rc"
check_match "nobody listening: names the address and the status" "^skview: logs: 127\.0\.0\.1:$port: UNAVAILABLE: " "$(cat "$TMP/err")"
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
finish
