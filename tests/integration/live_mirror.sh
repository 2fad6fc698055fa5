#!/usr/bin/env bash
# The live stream mirrors the server: the State folded from
# `skview events -a ADDR --json` equals GetState at quiescence, for the demo
# and for a real Skaffold log played back; a recording reads back the same.
source "$(dirname "$0")/../lib/lib.sh"

# Events cannot carry the auto triggers: compare the rest (the statusCodes
# the server sets beside the events follow from them).
event_part() { jq -S -c 'walk(if type=="object" then del(.autoTrigger) else . end)'; }

# The demo, one iteration, then quiet.
start_sim --no-generate --step 0 --seed 7
check_cmd "demo: quiescent" quiesce
server=$("$SKVIEW" ctl -a "$ADDR" state)
timeout $(wait_limit 20) "$SKVIEW" events -a "$ADDR" --json >"$TMP/demo.jsonl"; rc=$?
check_eq "demo: events exits 0 after the quiet" 0 "$rc"
mirror=$("$SKVIEW" state - <"$TMP/demo.jsonl")
check_eq "demo: mirror == GetState (event part)" "$(event_part <<<"$server")" "$(event_part <<<"$mirror")"
check_eq "demo: server auto triggers on" "true true true" \
  "$(jq -r '[.buildState.autoTrigger, .deployState.autoTrigger, .fileSyncState.autoTrigger] | map(tostring) | join(" ")' <<<"$server")"
check_match "demo: every kind of event" "meta.*devloop.*build.*Test.*deploy.*statuscheck.*resource.*debug.*port" \
  "$(jq -r '.event | keys[0]' "$TMP/demo.jsonl" | sed 's/Event$//; s/resourceStatusCheck/resource/; s/statusCheck/statuscheck/; s/debuggingContainer/debug/; s/devLoop/devloop/' | uniq | tr '\n' ' ')"
check_eq "demo: MetaEvent first, with metadata" "MINIKUBE" "$(head -1 "$TMP/demo.jsonl" | jq -r '.event.metaEvent.metadata.deploy.cluster')"
timeout $(wait_limit 20) "$SKVIEW" events -a "$ADDR" >"$TMP/demo.txt"
check_eq "demo: text and JSON have the same entries" "$(wc -l <"$TMP/demo.jsonl")" "$(wc -l <"$TMP/demo.txt")"
check_match "demo: Skaffold's sentences" "build +Build started for artifact frontend" "$(cat "$TMP/demo.txt")"

# Same seed, same story.
start_sim --no-generate --step 0 --seed 7
quiesce
timeout $(wait_limit 20) "$SKVIEW" events -a "$ADDR" --json >"$TMP/demo2.jsonl"
check_eq "demo: deterministic for a seed" "$(jq -c 'del(.timestamp)' "$TMP/demo.jsonl")" "$(jq -c 'del(.timestamp)' "$TMP/demo2.jsonl")"

# A recording of the live stream reads back to the same State.
"$SKVIEW" record -a "$ADDR" -o "$TMP/demo.rec" 2>"$TMP/rec.err" &
rec=$!
at_exit "kill $rec"
wait_for 10 grep -q connected "$TMP/rec.err"
rec_is_mirror() { [ "$mirror" == "$("$SKVIEW" state "$TMP/demo.rec" 2>/dev/null)" ]; }
wait_for 30 rec_is_mirror  # what was sent is written: a condition, not a pause
kill -TERM $rec; wait $rec; rc=$?
check_eq "record: SIGTERM ends it with 0" 0 "$rc"
check_eq "recording: State == live mirror" "$mirror" "$("$SKVIEW" state "$TMP/demo.rec")"
check_match "record: says how many" "entries written to" "$(cat "$TMP/rec.err")"

# A real Skaffold v1.29 log, played as fast as possible.
start_sim --play "$DATA/skaffold-v1.29-helm-events.jsonl" --speed 0 --no-generate
quiesce
server=$("$SKVIEW" ctl -a "$ADDR" state)
timeout $(wait_limit 20) "$SKVIEW" events -a "$ADDR" --json >"$TMP/play.jsonl"
check_eq "play: all 19 entries" 19 "$(wc -l <"$TMP/play.jsonl")"
check_eq "play: mirror == GetState (event part)" "$(event_part <<<"$server")" "$("$SKVIEW" state - <"$TMP/play.jsonl" | event_part)"
check_eq "play: == the file's own fold" "$("$SKVIEW" state "$DATA/skaffold-v1.29-helm-events.jsonl" | event_part)" "$(event_part <<<"$server")"
check_eq "play: status codes set as Skaffold sets them" "DEPLOY_SUCCESS STATUSCHECK_SUCCESS" \
  "$(jq -r '[.deployState.statusCode, .statusCheckState.statusCode] | join(" ")' <<<"$server")"

# --follow keeps streaming: new entries (ctl emit) arrive while it runs.
"$SKVIEW" events -a "$ADDR" --follow >"$TMP/follow.txt" &
fol=$!
at_exit "kill $fol"
wait_for 10 test -s "$TMP/follow.txt"
"$SKVIEW" ctl -a "$ADDR" emit '{"buildEvent":{"artifact":"late-arrival","status":"Failed","errCode":"BUILD_USER_ERROR"}}'
check_cmd "follow: a new entry arrives" wait_for 10 grep -q "late-arrival" "$TMP/follow.txt"
kill -INT $fol; wait $fol; rc=$?
check_eq "follow: SIGINT ends it with 0" 0 "$rc"

# Server gone mid-stream: events says why and exits 1.
start_sim --no-generate --step 0 --flood 100000000
"$SKVIEW" events -a "$ADDR" >/dev/null 2>"$TMP/gone.err" &
ev=$!
at_exit "kill $ev"
sleep 0.5
kill $SIM_PID
timeout $(wait_limit 10) tail --pid=$ev -f /dev/null
wait $ev; rc=$?
check_eq "server gone: exit 1" 1 "$rc"
check_match "server gone: one line naming the status" "^skview: events: 127\.0\.0\.1:[0-9]+: Events: (UNAVAILABLE|CANCELLED|INTERNAL|UNKNOWN)" "$(cat "$TMP/gone.err")"

# A stream that never goes quiet: state -a still answers (it asks GetState
# itself after a while and takes that answer), with the server's State.
start_sim --no-generate --step 0 --flood 100000000
timeout $(wait_limit 60) "$SKVIEW" state -a "$ADDR" > "$TMP/flood-state.json" 2>"$TMP/flood-state.err"; rc=$?
check_eq "never quiet: state -a ends with 0" 0 "$rc"
check_eq "never quiet: nothing on stderr" "" "$(cat "$TMP/flood-state.err")"
check_eq "never quiet: the mirror's metadata is the server's" \
  "$("$SKVIEW" ctl -a "$ADDR" state | jq -c .metadata)" "$(jq -c .metadata "$TMP/flood-state.json")"
kill $SIM_PID
finish
