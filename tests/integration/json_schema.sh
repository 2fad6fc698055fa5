#!/usr/bin/env bash
# The JSON reader against a schema newer or spelled differently than ours:
# proto field names (local_port) read as their JSON names; an event kind we
# do not know, or two kinds in one Event, reported with the line and skipped;
# enum values we do not know (a number, a name) kept through events --json
# and state, with one warning per (enum, value) at its first line, in the
# sequential and the parallel reader alike.
source "$(dirname "$0")/../lib/lib.sh"
helm="$DATA/skaffold-v1.29-helm-events.jsonl"

# ---- field names ------------------------------------------------------------------------------
port='{"timestamp":"2021-08-11T19:19:50Z","event":{"portEvent":{"localPort":4503,"remotePort":8080,"podName":"web-0","containerName":"web","namespace":"default","portName":"http","resourceType":"pod","resourceName":"web-0","address":"127.0.0.1"}}}'
snake=$(sed 's/localPort/local_port/; s/remotePort/remote_port/; s/podName/pod_name/; s/containerName/container_name/; s/portName/port_name/; s/resourceType/resource_type/; s/resourceName/resource_name/' <<<"$port")
check_cmd "the snake_case line really differs" test "$port" != "$snake"
printf '%s\n' "$snake" > "$TMP/snake.jsonl"
check_eq "proto field names read as their JSON names" "$port" "$("$SKVIEW" events --json "$TMP/snake.jsonl" 2>&1)"

# ---- event kinds --------------------------------------------------------------------------------
{ sed -n 1,3p "$helm"; echo '{"timestamp":"2021-08-11T19:19:42Z","event":{"fooBarEvent":{"status":"x"}}}'
  echo '{"timestamp":"2021-08-11T19:19:42Z","event":{"buildEvent":{"artifact":"a","status":"In Progress"},"deployEvent":{"status":"Complete"}}}'
  sed -n 4,19p "$helm"; } > "$TMP/kinds.jsonl"
"$SKVIEW" state "$TMP/kinds.jsonl" > "$TMP/out" 2> "$TMP/err"; rc=$?
check_eq "unknown kind: exit 0, reading went on" 0 "$rc"
check_eq "unknown kind: the state of the other lines" "$("$SKVIEW" state "$helm")" "$(cat "$TMP/out")"
check_eq "unknown kind and two kinds: named with their lines" \
"$TMP/kinds.jsonl:4: event: unknown Event kind \"fooBarEvent\" (from a newer Skaffold?) (skipped)
$TMP/kinds.jsonl:5: event: two Event kinds in one object: \"buildEvent\" and \"deployEvent\" (skipped)
skview: $TMP/kinds.jsonl: skipped 2 malformed line(s) of 21" "$(cat "$TMP/err")"
"$SKVIEW" state --strict "$TMP/kinds.jsonl" > /dev/null 2>&1; check_eq "unknown kind under --strict: exit 3" 3 $?

# ---- enum values newer than the schema ------------------------------------------------------------
# Line 1: a ClusterType name and a BuilderType number we do not know; line 8 a
# StatusCode number, line 17 a StatusCode name; lines 20-21 the same again.
{ sed -n 1p "$helm" | sed 's/"cluster":"MINIKUBE"/"cluster":"CLUSTER_FROM_THE_FUTURE"/; s/"type":"DOCKER"/"type":42/'
  sed -n 2,7p "$helm"
  sed -n 8p "$helm" | sed 's/"STATUSCHECK_SUCCESS"/1234/'
  sed -n 9,16p "$helm"
  sed -n 17p "$helm" | sed 's/"STATUSCHECK_SUCCESS"/"STATUSCHECK_FROM_THE_FUTURE"/'
  sed -n 8p "$helm" | sed 's/"STATUSCHECK_SUCCESS"/1234/'
  sed -n 17p "$helm" | sed 's/"STATUSCHECK_SUCCESS"/"STATUSCHECK_FROM_THE_FUTURE"/'
  sed -n 18,19p "$helm"; } > "$TMP/enum.jsonl"
check_eq "the test log has 4 distinct unknown values" 4 "$(grep -oE '"[A-Z_]*FROM_THE_FUTURE"|:1234|"type":42' "$TMP/enum.jsonl" | sort -u | wc -l)"
"$SKVIEW" events --json "$TMP/enum.jsonl" > "$TMP/out" 2> "$TMP/err"; rc=$?
check_eq "unknown enums: exit 0" 0 "$rc"
check_eq "unknown enums: events --json prints every line back exactly" "$(cat "$TMP/enum.jsonl")" "$(cat "$TMP/out")"
f="$TMP/enum.jsonl"
want_warn="$f:1: event.metaEvent.metadata.build.builders.type: BuilderType value 42 is newer than skview's schema; kept as UNKNOWN(42) (not reported again)
$f:1: event.metaEvent.metadata.deploy.cluster: ClusterType value \"CLUSTER_FROM_THE_FUTURE\" is newer than skview's schema; kept as is (not reported again)
$f:8: event.resourceStatusCheckEvent.statusCode: StatusCode value 1234 is newer than skview's schema; kept as UNKNOWN(1234) (not reported again)
$f:17: event.resourceStatusCheckEvent.statusCode: StatusCode value \"STATUSCHECK_FROM_THE_FUTURE\" is newer than skview's schema; kept as is (not reported again)"
check_eq "unknown enums: one warning per value, at its first line" "$want_warn" "$(cat "$TMP/err")"
"$SKVIEW" state "$TMP/enum.jsonl" > "$TMP/state" 2> "$TMP/err"
check_eq "unknown enums: state keeps them (metadata as the MetaEvent had it)" \
  "$(head -1 "$TMP/enum.jsonl" | jq -c .event.metaEvent.metadata)" "$(jq -c .metadata "$TMP/state")"
check_eq "unknown enums: state warns alike" "$want_warn" "$(cat "$TMP/err")"
"$SKVIEW" events --json --strict "$TMP/enum.jsonl" > /dev/null 2>&1; check_eq "unknown enums are no malformed input (--strict exit 0)" 0 $?
# The parallel reader (files over 4 MiB): the same warnings, once, at the first lines.
for i in $(seq 400); do cat "$TMP/enum.jsonl"; done > "$TMP/big.jsonl"
"$SKVIEW" events --json "$TMP/big.jsonl" > "$TMP/out" 2> "$TMP/err"
check_eq "parallel reader: every line back" "$(cat "$TMP/big.jsonl")" "$(cat "$TMP/out")"
check_eq "parallel reader: the same four warnings" "${want_warn//$f/$TMP/big.jsonl}" "$(cat "$TMP/err")"
finish
