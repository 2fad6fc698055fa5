#!/usr/bin/env bash
# What the viewer shows agrees with the server's State (issue 9): after a long
# generated session with failures of every kind, the numbers in the pane
# titles (Artifacts, Resources = every key of statusCheckState.resources,
# Ports, Debugging, which is hidden while it has none) and the header's auto flags equal the simulator's
# GetState; and a session without failures (progress codes and a restart
# that recovers only) shows no error at all. Real simulator, real tmux.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"

iters() { wc -l <"$1" 2>/dev/null || echo 0; }
at_least() { [ "$(iters "$1")" -ge "$2" ]; }
# title_count SESSION TITLE: the first number after a pane title.
title_count() { screen "$1" | grep -o "─ [0-9]* $2  [0-9]*" | head -1 | awk '{print $NF}'; }
# The Debugging pane is drawn only while the mirror lists a container.
debug_count() { local n; n=$(title_count "$1" Debugging); echo "${n:-0}"; }
auto_words() { screen "$1" | grep -o 'auto: build [a-z]* sync [a-z]* deploy [a-z]*' | head -1; }
onoff() { [ "$1" = true ] && echo on || echo off; }
# counts_agree SESSION: every number the viewer shows equals GetState's.
counts_agree() {
  local st; st=$("$SKVIEW" ctl -a "$ADDR" state) || return 1
  [ "$(title_count "$1" Artifacts)" = "$(jq '.buildState.artifacts // {} | length' <<<"$st")" ] &&
  [ "$(title_count "$1" Resources)" = "$(jq '.statusCheckState.resources // {} | length' <<<"$st")" ] &&
  [ "$(title_count "$1" Ports)" = "$(jq '.forwardedPorts // {} | length' <<<"$st")" ] &&
  [ "$(debug_count "$1")" = "$(jq '.debuggingContainers // [] | length' <<<"$st")" ] &&
  [ "$(auto_words "$1")" = "auto: build $(onoff "$(jq '.buildState.autoTrigger // false' <<<"$st")") sync $(onoff "$(jq '.fileSyncState.autoTrigger // false' <<<"$st")") deploy $(onoff "$(jq '.deployState.autoTrigger // false' <<<"$st")")" ]
}
explain() {
  echo "  GetState: $("$SKVIEW" ctl -a "$ADDR" state | jq -c '{a: (.buildState.artifacts|length), r: (.statusCheckState.resources // {} | length), p: (.forwardedPorts // {} | length), d: (.debuggingContainers // [] | length), auto: [.buildState.autoTrigger, .fileSyncState.autoTrigger, .deployState.autoTrigger]}')"
  screen "$1" | sed 's/^/  | /'
}

# ---- a long session with every kind of failure -----------------------------------
st="$TMP/long-states.jsonl"
start_sim --step 0 --interval 40 --seed 5 --state-log "$st"
start_ui long "$SKVIEW" -a "$ADDR" --no-config
$TM resize-window -t long: -x 160 -y 70
wait_for 60 at_least "$st" 30
n=$(iters "$st")
# Stop the dev loop where it stands (manual mode: changes wait for Execute).
for t in auto-build auto-sync auto-deploy; do "$SKVIEW" ctl -a "$ADDR" "$t" off >/dev/null; done
quiesce
check_cmd "long session: $n+ iterations ran" test "$n" -ge 30
if wait_for 5 counts_agree long; then ok "long session: pane counts and auto flags equal GetState"
else not_ok "long session: pane counts and auto flags equal GetState"; explain long; fi
check_cmd "long session: the resources are one rollout's, not every pod since the start" \
  test "$(title_count long Resources)" -lt "$(jq -s '[.[].state.statusCheckState.resources // {} | keys[]] | unique | length' "$st")"
# Execute deploy from another client: a rollout with pods, ports and
# debugging containers, all of which the viewer must count as the server does.
# The rollout takes the simulator several steps (a reset, then pods and
# ports): wait until GetState lists them, not for a quiet moment, which a
# descheduled simulator can give between two steps.
rollout_listed() {
  local st; st=$("$SKVIEW" ctl -a "$ADDR" state) || return 1
  [ "$(jq '.statusCheckState.resources // {} | length' <<<"$st")" -gt 0 ] &&
  [ "$(jq '.forwardedPorts // {} | length' <<<"$st")" -gt 0 ]
}
"$SKVIEW" ctl -a "$ADDR" deploy >/dev/null
wait_for 30 rollout_listed
quiesce
if wait_for 5 counts_agree long; then ok "long session: after Execute deploy the counts equal GetState"
else not_ok "long session: after Execute deploy the counts equal GetState"; explain long; fi
check_cmd "long session: that rollout listed resources and ports ($(title_count long Resources), $(title_count long Ports))" \
  test "$(title_count long Resources)" -gt 0 -a "$(title_count long Ports)" -gt 0
# Another client turns auto-build back on: the flag and the build reset show.
"$SKVIEW" ctl -a "$ADDR" auto-build on >/dev/null
"$SKVIEW" ctl -a "$ADDR" auto-build off >/dev/null
quiesce
if wait_for 5 counts_agree long; then ok "long session: agrees again after another client's toggles"
else not_ok "long session: agrees again after another client's toggles"; explain long; fi
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null

# ---- a session without failures shows no errors ------------------------------------
hst="$TMP/healthy-states.jsonl" hev="$TMP/healthy.jsonl"
start_sim --step 0 --interval 40 --seed 9 --healthy --state-log "$hst" --event-log "$hev"
start_ui healthy "$SKVIEW" -a "$ADDR" --no-config
$TM resize-window -t healthy: -x 160 -y 70
wait_for 60 at_least "$hst" 20
for t in auto-build auto-sync auto-deploy; do "$SKVIEW" ctl -a "$ADDR" "$t" off >/dev/null; done
quiesce
"$SKVIEW" record -a "$ADDR" -o "$TMP/healthy.rec" 2>/dev/null & rec=$!
has_restart() { grep -q STATUSCHECK_CONTAINER_RESTARTING <("$SKVIEW" events --json "$TMP/healthy.rec" 2>/dev/null); }
wait_for 10 has_restart; kill -TERM $rec; wait $rec
check_cmd "healthy session: it had progress codes and a restart warning" \
  grep -q STATUSCHECK_CONTAINER_RESTARTING <("$SKVIEW" events --json "$TMP/healthy.rec")
# (v1 entries: the recording holds the v2 streams too, where a cache check
# that misses is a Cache subtask "Failed", as Skaffold 2.x reports it.)
check_eq "healthy session: nothing failed on the wire" "" \
  "$("$SKVIEW" events --json "$TMP/healthy.rec" | jq -r 'select(.event) | .. | .status? // empty' | grep -x Failed | head -1)"
if wait_for 5 counts_agree healthy; then ok "healthy session: pane counts and auto flags equal GetState"
else not_ok "healthy session: pane counts and auto flags equal GetState"; explain healthy; fi
check_eq "healthy session: the Errors pane is empty" 0 "$(title_count healthy Errors)"
check_not_screen "healthy session: no failure in the header" healthy "✗ [0-9]+ error"
finish
