#!/usr/bin/env bash
# skview ctl emit against the simulator: what arrives (its calls log, its
# GetState) is what was typed. User-typed JSON is read strictly: an unknown
# key anywhere, an unknown event kind, two kinds in one object or an empty
# Event is a usage error naming the place, and nothing is sent. Proto field
# names are read; a LogEntry given by mistake sends its event; `emit -` and
# `emit @FILE` take events of any size.
source "$(dirname "$0")/../lib/lib.sh"
start_sim --no-generate --step 0 --calls-log "$TMP/calls.log"
quiesce
calls() { grep -c '"method":"Handle"' "$TMP/calls.log" 2>/dev/null; }
last_event() { grep '"method":"Handle"' "$TMP/calls.log" | tail -1 | jq -c .event; }

# Proto field names arrive as the fields they name.
camel='{"portEvent":{"localPort":4503,"remotePort":8080,"podName":"web-0","containerName":"web","namespace":"default","resourceType":"pod","resourceName":"web-0"}}'
snake=$(sed 's/localPort/local_port/; s/remotePort/remote_port/; s/podName/pod_name/; s/containerName/container_name/; s/resourceType/resource_type/; s/resourceName/resource_name/' <<<"$camel")
"$SKVIEW" ctl -a "$ADDR" emit "$snake"; rc=$?
check_eq "proto names: exit 0" 0 "$rc"
check_eq "proto names: the event arrives with every field" "$(jq -c . <<<"$camel")" "$(last_event)"

# refused NAME MESSAGE JSON: exit 2, the message, and no Handle call.
refused() {
  local before; before=$(calls)
  "$SKVIEW" ctl -a "$ADDR" emit "$3" >/dev/null 2>"$TMP/err"; local rc=$?
  check_eq "$1: exit 2" 2 "$rc"
  check_eq "$1: says where" "skview: ctl emit: $2 (see skview --help)" "$(cat "$TMP/err")"
  check_eq "$1: nothing sent" "$before" "$(calls)"
}
refused "unknown kind" 'fooEvent: unknown Event kind' '{"fooEvent":{"status":"x"}}'
refused "two kinds" 'two Event kinds in one object: "buildEvent" and "deployEvent"' \
  '{"buildEvent":{"artifact":"a"},"deployEvent":{"status":"Complete"}}'
refused "empty Event" 'the Event has no kind (buildEvent, deployEvent, ... see proto/skaffold.proto)' '{}'
refused "unknown key deep inside" 'buildEvent.actionableErr.suggestions.actionn: unknown field' \
  '{"buildEvent":{"artifact":"a","actionableErr":{"errCode":"BUILD_UNKNOWN","suggestions":[{"actionn":"x"}]}}}'
refused "unknown key in a LogEntry" 'event.buildEvent.artifactt: unknown field' '{"event":{"buildEvent":{"artifactt":"a"}}}'
refused "a LogEntry without an event" 'a LogEntry without an event: nothing to emit' '{"timestamp":"2021-08-11T19:19:41Z","entry":"x"}'
refused "an enum name not in the schema" 'buildEvent.actionableErr.errCode: unknown StatusCode value "BUILD_NEWER"' \
  '{"buildEvent":{"artifact":"a","actionableErr":{"errCode":"BUILD_NEWER"}}}'

# A LogEntry (a line of an event log) given where an Event is expected: its event is sent.
line=$(grep -m1 buildEvent "$DATA/skaffold-v1.29-helm-events.jsonl")
"$SKVIEW" ctl -a "$ADDR" emit "$line"; rc=$?
check_eq "LogEntry: exit 0" 0 "$rc"
check_eq "LogEntry: its event arrives" "$(jq -c .event <<<"$line")" "$(last_event)"

# Large events through standard input and @FILE (past any argv limit).
big=$(head -c 3000000 /dev/zero | tr '\0' x)
printf '{"buildEvent":{"artifact":"big-stdin","status":"Failed","err":"%s"}}' "$big" > "$TMP/big.json"
"$SKVIEW" ctl -a "$ADDR" emit - < "$TMP/big.json"; rc=$?
check_eq "emit -: exit 0" 0 "$rc"
check_eq "emit -: the whole event arrives" "$(jq -c . "$TMP/big.json" | md5sum)" "$(last_event | md5sum)"
sed 's/big-stdin/big-file/' "$TMP/big.json" > "$TMP/big2.json"
"$SKVIEW" ctl -a "$ADDR" emit "@$TMP/big2.json"; rc=$?
check_eq "emit @FILE: exit 0" 0 "$rc"
check_eq "emit @FILE: the whole event arrives" "$(jq -c . "$TMP/big2.json" | md5sum)" "$(last_event | md5sum)"
check_eq "emit @FILE: in the State" "Failed Failed" \
  "$("$SKVIEW" ctl -a "$ADDR" state | jq -r '"\(.buildState.artifacts["big-stdin"]) \(.buildState.artifacts["big-file"])"')"
"$SKVIEW" ctl -a "$ADDR" emit "@$TMP/none.json" 2>"$TMP/err"; rc=$?
check_eq "emit @missing: exit 1, one line" "1 skview: ctl emit: $TMP/none.json: No such file or directory" "$rc $(cat "$TMP/err")"
finish
