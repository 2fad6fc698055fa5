#!/usr/bin/env bash
# The mirror is Skaffold's State: `skview state` of a log cut at the end of
# any iteration equals what the simulator's server (which keeps its State the
# way Skaffold's event.go does, resets and statusCodes included) returned by
# GetState at that moment, every field but the auto triggers. The expected
# States come from the server (--state-log), never from this script. A reset
# that no event shows (a rebuild of cache hits only, Execute, Auto*(true))
# changes parts of the State the stream cannot know: the server names them
# ("unseen") and they are left out of that comparison only.
source "$(dirname "$0")/../lib/lib.sh"

# compare_all NAME EVLOG STATELOG: every dump against the fold of its prefix.
compare_all() {
  local name=$1 ev=$2 st=$3 n=0 bad=0 unseen=0 line l paths want got
  while IFS= read -r line; do
    l=$(jq -r .line <<<"$line")
    paths=$(jq -c '[.unseen[] | split(".")]' <<<"$line")
    [ "$paths" != "[]" ] && unseen=$((unseen + 1))
    want=$(jq -S -c --argjson p "$paths" '.state | delpaths($p)' <<<"$line")
    got=$(head -n "$l" "$ev" | "$SKVIEW" state - |
          jq -S -c --argjson p "$paths" 'walk(if type=="object" then del(.autoTrigger) else . end) | delpaths($p)')
    n=$((n + 1))
    if [ "$want" != "$got" ]; then
      bad=$((bad + 1))
      [ $bad -le 2 ] && { echo "  $name: line $l differs:"; diff <(jq . <<<"$want") <(jq . <<<"$got") | head -20; }
    fi
  done < "$st"
  check_eq "$name: $n iteration ends, fold == GetState" "0 of $n differ" "$bad of $n differ"
  UNSEEN=$unseen
}

# kinds EVLOG: the failures and notable events a log holds, as words.
kinds() {
  jq -r '.event | to_entries[0] | "\(.key):\(.value.status)"' "$1" | sort -u | tr '\n' ' '
}

# 1. A long generated session: every kind of failure, cache hits, syncs,
#    tests, debugging containers, pods renamed by every rollout.
ev="$TMP/events.jsonl" st="$TMP/states.jsonl"
timeout 60 "$SKSIM" --port 0 --step 0 --interval 1 --seed 1 --iterations 40 \
  --event-log "$ev" --state-log "$st" >"$TMP/sim1.out" 2>&1
check_eq "session 1: the simulator ran 40 iterations" 40 "$(wc -l <"$st")"
k=$(kinds "$ev")
for want in buildEvent:Failed buildEvent:Canceled TestEvent:Failed deployEvent:Failed \
            resourceStatusCheckEvent:Failed statusCheckEvent:Failed fileSyncEvent:Failed \
            devLoopEvent:Failed debuggingContainerEvent:Terminated; do
  check_match "session 1 has $want" "$want" "$k"
done
check_match "session 1: In Progress resources carry progress codes" \
  "STATUSCHECK_CONTAINER_CREATING.*STATUSCHECK_CONTAINER_RESTARTING.*STATUSCHECK_DEPLOYMENT_ROLLOUT_PENDING.*STATUSCHECK_POD_INITIALIZING" \
  "$(jq -r 'select(.event.resourceStatusCheckEvent.status=="In Progress") | .event.resourceStatusCheckEvent.statusCode' "$ev" | sort -u | tr '\n' ' ')"
compare_all "session 1" "$ev" "$st"
check_cmd "session 1: a rebuild of cache hits only happened (named unseen by the server)" test "$UNSEEN" -gt 0
final=$(tail -1 "$st" | jq -c .state)
check_eq "session 1: resources are the last rollout's only" \
  "$(jq -c '.statusCheckState.resources // {} | keys' <<<"$final")" \
  "$("$SKVIEW" state "$ev" | jq -c '.statusCheckState.resources // {} | keys')"
check_cmd "session 1: no more than one rollout's resources (3 deployments, 3 pods)" \
  test "$("$SKVIEW" state "$ev" | jq '.statusCheckState.resources // {} | length')" -le 6

# 2. A second Skaffold process appends its session to the same file (its
#    dumps count the lines of the whole file).
timeout 60 "$SKSIM" --port 0 --step 0 --interval 1 --seed 2 --iterations 15 \
  --event-log "$ev" --state-log "$st" >"$TMP/sim2.out" 2>&1
check_eq "two sessions: two MetaEvents in one file" 2 "$(jq -c 'select(.event.metaEvent)' "$ev" | wc -l)"
tail -n +41 "$st" >"$TMP/states2.jsonl"
compare_all "second session" "$ev" "$TMP/states2.jsonl"

# 3. The same log as the HTTP gateway streams it, and as a recording.
check_eq "gateway form folds the same" "$("$SKVIEW" state "$ev")" \
  "$(jq -c '{result: .}' "$ev" | "$SKVIEW" state -)"

# 4. Manual mode: the dev loop waits for Execute; Execute and Auto*(true)
#    reset at once on the server, which the next iteration's events show.
mev="$TMP/manual.jsonl" mst="$TMP/manual-states.jsonl"
start_sim --step 0 --interval 100 --seed 3 --auto-build=false --auto-sync=false --auto-deploy=false \
  --event-log "$mev" --state-log "$mst"
wait_for 10 test -s "$mst"
iters() { wc -l <"$mst"; }
more_than() { [ "$(iters)" -gt "$1" ]; }
# run_ctl CMD...: one control call, then wait for the iteration it starts.
run_ctl() {
  local before; before=$(iters)
  "$SKVIEW" ctl -a "$ADDR" "$@" >/dev/null && wait_for 10 more_than "$before"
}
check_cmd "manual: Execute build runs one iteration" run_ctl build
check_cmd "manual: Execute deploy runs one iteration" run_ctl deploy
check_cmd "manual: Execute sync runs one iteration" run_ctl sync
check_cmd "manual: Execute build again" run_ctl build
check_cmd "manual: auto-build on runs the waiting change" run_ctl auto-build on
"$SKVIEW" ctl -a "$ADDR" auto-deploy on >/dev/null
"$SKVIEW" ctl -a "$ADDR" auto-sync on >/dev/null
wait_for 10 more_than 9
"$SKVIEW" ctl -a "$ADDR" auto-build off >/dev/null
"$SKVIEW" ctl -a "$ADDR" auto-sync off >/dev/null
sleep 0.3
check_eq "manual: no auto trigger in the log" "" "$(grep -o autoTrigger "$mev")"
"$SKVIEW" record -a "$ADDR" -o "$TMP/manual.rec" 2>"$TMP/rec.err" &
rec=$!
at_exit "kill $rec"
wait_for 10 grep -q connected "$TMP/rec.err"
sleep 0.5
kill -TERM $rec; wait $rec
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
compare_all "manual mode" "$mev" "$mst"
check_cmd "manual mode: several iterations compared" test "$(iters)" -ge 8
check_eq "recording folds like the event log" "$("$SKVIEW" state "$mev" | jq -c 'del(.buildState.autoTrigger)')" \
  "$("$SKVIEW" state "$TMP/manual.rec" | jq -c 'del(.buildState.autoTrigger)')"

# 5. Real logs fold to their reviewed goldens (Skaffold 2.x's test phase,
#    canceled build, pods replaced by a rollout).
check_eq "2.x log: golden" "$(cat tests/golden/skaffold-2x-events.state.json)" \
  "$("$SKVIEW" state tests/data/skaffold-2x-events.jsonl)"
finish
