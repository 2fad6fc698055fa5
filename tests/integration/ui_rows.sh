#!/usr/bin/env bash
# Rows that hold still, in the real viewer against skview-sim, whose
# GetState lists its maps in a new random order every time (as Skaffold's):
#  - idle, while the viewer re-reads GetState every 1.5 s, the Artifacts,
#    Resources and Ports rows keep their order on every frame sampled;
#  - the cursor on a row keeps its item across those reconciles (Enter
#    opens that item), and across a reconnect to a restarted server (the
#    rows in the same order too);
#  - a pod selected in Resources: after the rollouts that replace it, Enter
#    opens the new pod of its deployment, or the deployment, never another
#    deployment's resource;
#  - a build error selected in Errors: after a newer error lands above it,
#    Enter opens the same error.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"

# rows S: the left column's Artifacts, Resources and Ports rows, in order.
rows() {
  screen "$1" | sed 's/│.*//' |
    grep -oE '^ . (frontend|backend|worker) |(deployment|pod)/[a-z]+(-[0-9a-f]+)?|127\.0\.0\.1:[0-9]+' |
    sed -E 's/^ . ([a-z]+) $/\1/' | tr '\n' ' '
}
# details S: what Enter opens on the focused pane's cursor (the popup's
# title, and for a resource or an artifact its name), then the popup closed
# again. (A build error's popup opens at its first error line.)
POPUP='┌─ (Error [0-9]+|Resource|Artifact) ─'
details() {
  keys "$1" Enter
  wait_screen 20 "$1" "$POPUP" ||
    { echo "(no popup)"; screen "$1" | sed 's/^/  | /' >&2; return; }
  screen "$1" | grep -oE '(Error [0-9]+|(resource|artifact): +[^ │]+)' | tr -s ' ' | head -1 | tr '\n' ' '
  keys "$1" Escape
  wait_for 10 popup_closed "$1"
}
popup_closed() { ! [[ "$(screen "$1")" =~ $POPUP ]]; }

# ---- 1. idle: the rows hold still through the reconciles ---------------------------
start_sim --step 10 --interval 60 --idle-after 3 --seed 5 --log-interval 0
start_ui idle "$SKVIEW" -a "$ADDR" --no-config
$TM resize-window -t idle: -x 200 -y 60
full() { [ "$(rows idle | wc -w)" -ge 12 ]; }
check_cmd "idle: 3 artifacts, 6 resources, 3 ports on the screen" wait_for 60 full
check_cmd "the server is idle" quiesce
first=$(rows idle)
# Over ten of the viewer's GetState polls (1.5 s apart), every frame.
samples=0 moved=0 end=$((SECONDS + 15))
while [ $SECONDS -lt $end ]; do
  now=$(rows idle)
  samples=$((samples + 1))
  [ "$now" != "$first" ] && [ "$(wc -w <<<"$now")" -eq "$(wc -w <<<"$first")" ] &&
    { moved=$((moved + 1)); last=$now; }
  sleep 0.2
done
check_eq "idle: the rows never moved in $samples samples" 0 "$moved"
[ $moved -gt 0 ] && echo "  first: $first"$'\n'"  later: $last"
# The server did shuffle meanwhile (or the test would prove nothing).
orders=$(/usr/bin/python3 tests/tools/map_order.py "$ADDR" v1 10 | grep -o 'statusCheckState.resources=[^ ]*' | sort -u | wc -l)
check_cmd "the server gave the resources in $orders orders in 10 answers" test "$orders" -ge 2

# The cursor on the third artifact and on a pod: Enter opens the same one
# after more polls.
keys idle 1 j j
a_sel=$(details idle)
check_match "Artifacts: Enter opens an artifact" 'artifact: ' "$a_sel"
keys idle 2 j j j
r_sel=$(details idle)
check_match "Resources: Enter opens a pod" 'resource: pod/' "$r_sel"
polls_done() { [ $SECONDS -ge $1 ]; }
wait_for 20 polls_done $((SECONDS + 6))
keys idle 1
check_eq "Artifacts: the same artifact after more GetStates" "$a_sel" "$(details idle)"
keys idle 2
check_eq "Resources: the same pod after more GetStates" "$r_sel" "$(details idle)"

# A reconnect: the server restarts (the same story), the viewer replays its
# history into a cleared model; the rows and the cursor come back as they were.
port=${ADDR##*:}
kill "$SIM_PID"
check_screen "reconnect: the viewer lost the server" idle "disconnected|reconnecting|retrying"
start_sim --port "$port" --step 10 --interval 60 --idle-after 3 --seed 5 --log-interval 0
back() { [[ "$(screen idle)" =~ connected\ 127 ]] && [ "$(rows idle | wc -w)" -eq "$(wc -w <<<"$first")" ]; }
check_cmd "reconnect: connected again, every row back" wait_for 60 back
check_cmd "reconnect: the server is idle" quiesce
check_eq "reconnect: the rows in the same order" "$(sed 's/127.0.0.1:[0-9]* //' <<<"$first")" \
  "$(rows idle | sed 's/127.0.0.1:[0-9]* //')"
keys idle 2
check_eq "reconnect: the same pod selected" "$r_sel" "$(details idle)"
keys idle q
check_restored "idle: q" idle

# ---- 2. rollouts and new errors under the cursor ------------------------------------
start_sim --step 10 --interval 1200 --seed 5 --log-interval 0 --state-log "$TMP/states.jsonl"
start_ui live "$SKVIEW" -a "$ADDR" --no-config
$TM resize-window -t live: -x 200 -y 60
has_pod() { [[ "$(rows live)" == *pod/backend-* ]]; }
check_cmd "live: a backend pod listed" wait_for 60 has_pod
# Select the backend pod: down from the top of Resources until Enter opens it.
keys live 2 g
sel=""
for i in 1 2 3 4 5 6; do
  sel=$(details live)
  [[ "$sel" == *"resource: pod/backend-"* ]] && break
  keys live j
done
check_match "live: the backend pod selected" 'resource: pod/backend-' "$sel"
old_pod=$(grep -oE 'pod/backend-[0-9a-f-]+' <<<"$sel")
# Wait for the rollouts that replace it (the server names another pod).
replaced() {
  local p
  p=$("$SKVIEW" ctl -a "$ADDR" state | jq -r '.statusCheckState.resources // {} | keys[]' | grep '^pod/backend-')
  [ -n "$p" ] && [ "$p" != "$old_pod" ] && [[ "$(rows live)" == *"${p:0:16}"* ]]
}
check_cmd "live: a rollout replaced $old_pod" wait_for 90 replaced
after=$(details live)
check_match "live: the cursor went to the new backend pod or its deployment (was $old_pod)" \
  'resource: (pod/backend-|deployment/backend )' "$after "
check_cmd "live: not the pod replaced" test "${after/$old_pod/}" == "$after"

# Errors: the newest first; select the oldest build error, wait for another.
keys live 4 g
e_sel=$(details live)
n_err() { screen live | grep -oE '4 Errors +[0-9]+' | grep -oE '[0-9]+$'; }
if [[ "$e_sel" == *"Error "* ]]; then
  before=$(n_err)
  more_errors() { [ "$(n_err)" -gt "$before" ]; }
  check_cmd "live: a newer error arrived (had $before)" wait_for 120 more_errors
  check_eq "live: Enter opens the error selected before" "$e_sel" "$(details live)"
else
  not_ok "live: an error to select (got: $e_sel)"
fi
keys live q
check_restored "live: q" live
finish
