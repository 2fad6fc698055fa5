#!/usr/bin/env bash
# skview-sim serves Skaffold 2.x's proto.v2 service beside v1, from one
# history, the way Skaffold's server does (skaffold-v2-wire.md). Checked with
# a grpcio client (tests/tools/sim_v2_client.py) against the real server:
#  - v2 Events replays the whole history (== FILE.v2, written as it happened),
#    again on every new connection; FILE.v2 parses and holds no application log;
#  - one history: each v1 DevLoopEvent has its v2 DevLoop task with iteration
#    v1 + 1 and the same timestamp; each v1 build and resource step its v2
#    subtask; task ids are "<Task>-<iteration>" of the enclosing dev loop;
#    statuses have no spaces;
#  - Skaffold's output: a failed build's compiler error in colour under its
#    artifact, messages cut mid-line and continued, levels;
#  - v2 GetState follows the server's rules (derived here from the history):
#    statusCheckState.status and the statusCodes are never set;
#  - ApplicationLogs replays the current dev loop's lines only (pods of the
#    current rollout, nothing older than the last DevLoop task), while a
#    follower keeps its lines across a dev loop's start;
#  - v2 control calls change only the v2 State (autoTrigger; Execute's reset)
#    and trigger nothing; v1 is untouched;
#  - --no-v2 answers UNIMPLEMENTED (12) on v2 and writes no FILE.v2; an
#    unknown method answers 12 too; --log-flood N sends N lines, then ends.
source "$(dirname "$0")/../lib/lib.sh"

PB2="$TMP/pb2"
mkdir -p "$PB2"
protoc -Iproto -I/usr/include --python_out="$PB2" proto/skaffold.proto proto/v2/skaffold_v2.proto ||
  { not_ok "protoc --python_out"; finish; exit; }
client() { timeout 30 /usr/bin/python3 tests/tools/sim_v2_client.py "$PB2" "$@"; }
canon() { jq -S -c .; }

# ---- 1. a whole scripted story, then idle ------------------------------------------
# The first iteration and the 12 scripted changes: every failure kind.
N_IT=13
F="$TMP/events.jsonl"
start_sim --step 15 --interval 120 --idle-after $N_IT --log-interval 40 --seed 5 --event-log "$F"
ended() { [ "$(jq -c 'select(.event.devLoopEvent.status == "Succeeded" or .event.devLoopEvent.status == "Failed")' "$F" | wc -l)" -ge "$1" ]; }
check_cmd "story: $N_IT dev loops ended" wait_for 60 ended $N_IT
sleep 0.3
client "$ADDR" events 700 >"$TMP/v2a.jsonl"; rc=$?
check_eq "v2 Events: exit 0" 0 "$rc"
canon <"$F.v2" >"$TMP/file.v2"
canon <"$TMP/v2a.jsonl" >"$TMP/live.v2"
check_cmd "v2 Events replay == FILE.v2 (the history, $(wc -l <"$TMP/file.v2") events)" cmp -s "$TMP/file.v2" "$TMP/live.v2"
client "$ADDR" events 700 | canon >"$TMP/live2.v2"
check_cmd "v2 Events: a new connection replays from the start again" cmp -s "$TMP/live.v2" "$TMP/live2.v2"
check_eq "FILE.v2: every line parses" "$(wc -l <"$F.v2")" "$(jq -c . "$F.v2" | wc -l)"
check_eq "FILE.v2: no application log" 0 "$(grep -c applicationLogEvent "$F.v2")"
check_eq "FILE.v2: lowerCamel names (taskId, no task_id)" "0 yes" \
  "$(grep -c '"task_id"' "$F.v2") $(grep -q '"taskId"' "$F.v2" && echo yes)"

# One history: the DevLoop tasks are the v1 DevLoopEvents (iteration + 1, same time).
jq -c 'select(.event.devLoopEvent) | [.event.devLoopEvent.iteration + 1, (.event.devLoopEvent.status | gsub(" "; "")), .timestamp]' \
  "$F" >"$TMP/v1loops"
jq -c 'select(.taskEvent.task == "DevLoop") | [.taskEvent.iteration, .taskEvent.status, .timestamp]' \
  "$TMP/live.v2" >"$TMP/v2loops"
check_eq "v2 DevLoop tasks: $N_IT loops, 2 events each" $((2 * N_IT)) "$(wc -l <"$TMP/v2loops")"
check_cmd "v2 DevLoop iteration == v1 iteration + 1, same status and timestamp" cmp -s "$TMP/v1loops" "$TMP/v2loops"
# Each v1 build step is a v2 Build subtask; each resource update a status-check subtask.
jq -c 'select(.event.buildEvent) | [.event.buildEvent.artifact,
  (.event.buildEvent.status | if . == "Complete" then "Succeeded" else gsub(" "; "") end), .timestamp]' "$F" >"$TMP/v1b"
jq -c 'select(.buildSubtaskEvent.step == "Build") | [.buildSubtaskEvent.artifact, .buildSubtaskEvent.status, .timestamp]' \
  "$TMP/live.v2" >"$TMP/v2b"
check_cmd "v2 Build subtasks == v1 BuildEvents ($(wc -l <"$TMP/v1b"), same times)" cmp -s "$TMP/v1b" "$TMP/v2b"
jq -c 'select(.event.resourceStatusCheckEvent) | .event.resourceStatusCheckEvent |
  [.resource, (.status | gsub(" "; "")), .statusCode]' "$F" >"$TMP/v1r"
jq -c 'select(.statusCheckSubtaskEvent) | .statusCheckSubtaskEvent | [.resource, .status, .statusCode]' \
  "$TMP/live.v2" >"$TMP/v2r"
check_cmd "v2 status-check subtasks == v1 resource events ($(wc -l <"$TMP/v1r"))" cmp -s "$TMP/v1r" "$TMP/v2r"
# Ids: "<Task>-<iteration>", the iteration of the dev loop the event belongs to.
bad_ids=$(jq -s -r 'reduce .[] as $e ({it: 0, bad: []};
    (if $e.taskEvent.task == "DevLoop" and $e.taskEvent.status == "InProgress" then .it = $e.taskEvent.iteration else . end)
    | ($e.taskEvent // {}) as $t | (.it | tostring) as $it
    | ([$e[] | objects | .taskId // empty] + (if $t.id then [$t.id] else [] end)) as $ids
    | .bad += [$ids[] | select((split("-") | .[-1]) != $it)]
    | .bad += (if $t.id and ($t.id != "\($t.task)-\($t.iteration)") then [$t.id] else [] end))
  | .bad | length' "$TMP/live.v2")
check_eq "v2 ids: <Task>-<iteration> of the enclosing dev loop" 0 "$bad_ids"
check_eq "v2 statuses: no spaces" 0 "$(jq -r '.[] | objects | .status // empty' "$TMP/live.v2" | grep -c ' ')"
cache=$(jq -r 'select(.buildSubtaskEvent.step == "Cache") | .buildSubtaskEvent.status' "$TMP/live.v2" | sort -u | tr '\n' ' ')
check_eq "v2 cache steps: InProgress, then Succeeded (hit) or Failed (miss)" "Failed InProgress Succeeded " "$cache"

# Skaffold's output as SkaffoldLogEvents.
logs() { jq -c 'select(.skaffoldLogEvent) | .skaffoldLogEvent' "$TMP/live.v2"; }
failed_build=$(jq -r 'select(.buildSubtaskEvent.step == "Build" and .buildSubtaskEvent.status == "Failed") |
  "\(.buildSubtaskEvent.taskId) \(.buildSubtaskEvent.artifact)"' "$TMP/live.v2" | head -1)
check_match "a build failed in the story" '^Build-[0-9]+ [a-z]+$' "$failed_build"
read -r ftask fart <<<"$failed_build"
red=$(logs | jq -r --arg t "$ftask" --arg a "$fart" 'select(.taskId == $t and .subtaskId == $a) | .message' |
  grep -c $'\e\\[31m.*undefined: handlerFunc')
check_eq "the failed build's compiler error, in red, under $ftask/$fart" 1 "$red"
check_eq "its task's error once at level ERROR" 1 \
  "$(logs | jq -c --arg t "$ftask" 'select(.taskId == $t and .subtaskId == "-1" and .level == "ERROR")' | wc -l)"
levels=$(logs | jq -r '.level' | sort -u | tr '\n' ' ')
check_eq "log levels used" "ERROR INFO STANDARD WARN " "$levels"
# A message cut mid-line is continued by the next message of the same task and subtask.
cut_ok=$(logs | jq -s '[range(0; length - 1) as $i | .[$i] as $m
    | select($m.message | endswith("\n") | not)
    | [.[$i + 1:][] | select(.taskId == $m.taskId and .subtaskId == $m.subtaskId)][0].message
    | test("^[^\n]+\n")] | [length, all]' -c)
check_match "messages cut mid-line, continued in the next (count, all)" '^\[[1-9][0-9]*,true\]$' "$cut_ok"
multi=$(logs | jq -r 'select(.message | test("\n.")) | .taskId' | wc -l)
check_cmd "messages carrying several lines ($multi)" test "$multi" -gt 0
for want in "Checking cache..." " - [a-z]*: Not found. Building" "Found Locally" "Tags used in deployment:" \
            "Starting deploy..." "Waiting for deployments to stabilize..." " - deployment/[a-z]* is ready." \
            "#8 \\[builder 5/5\\] RUN go bu" "Port forwarding service/frontend"; do
  check_cmd "output has: $want" grep -q -- "$want" <(logs | jq -r '.message')
done

# v2 GetState: the server's rules, derived from the history since the last
# DevLoop task (InitializeState), compared field by field.
last_loop=$(grep -n '"task":"DevLoop"' "$TMP/live.v2" | grep InProgress | tail -1 | cut -d: -f1)
tail -n +"$last_loop" "$TMP/live.v2" >"$TMP/lastloop.v2"
expect=$(jq -s -c '
  (.[0:] | map(select(.metaEvent))[0].metaEvent.metadata.build.artifacts | map({key: .name, value: "NotStarted"}) | from_entries) as $arts
  | reduce .[] as $e ({b: $arts, d: "NotStarted", t: "NotStarted", r: "NotStarted", f: "NotStarted", res: {}, ports: [], dbg: 0};
      if $e.buildSubtaskEvent.step == "Build" then .b[$e.buildSubtaskEvent.artifact] = $e.buildSubtaskEvent.status
      elif $e.deploySubtaskEvent then .d = $e.deploySubtaskEvent.status
      elif $e.testEvent then .t = $e.testEvent.status
      elif $e.renderEvent then .r = $e.renderEvent.status
      elif $e.fileSyncEvent then .f = $e.fileSyncEvent.status
      elif $e.statusCheckSubtaskEvent then .res[$e.statusCheckSubtaskEvent.resource] = $e.statusCheckSubtaskEvent.status
      elif $e.portEvent then .ports += [$e.portEvent.localPort | tostring]
      elif $e.debuggingContainerEvent.status == "Started" then .dbg += 1
      elif $e.debuggingContainerEvent.status == "Terminated" then .dbg -= 1
      else . end)
  | .ports |= (unique) | .sc = "NotStarted" | .codes = ["OK","OK","OK","OK","OK"]' "$TMP/lastloop.v2")
client "$ADDR" state >"$TMP/state2.json"
got=$(jq -c '{b: .buildState.artifacts, d: .deployState.status, t: .testState.status, r: .renderState.status,
  f: .fileSyncState.status, res: .statusCheckState.resources, ports: (.forwardedPorts | keys),
  dbg: (.debuggingContainers | length), sc: .statusCheckState.status,
  codes: [.buildState.statusCode, .deployState.statusCode, .testState.statusCode, .renderState.statusCode,
          .statusCheckState.statusCode]}' "$TMP/state2.json")
check_eq "v2 GetState == the server's fold since the last DevLoop task (statusCheckState.status, codes unset)" \
  "$(jq -S -c . <<<"$expect")" "$(jq -S -c . <<<"$got")"
check_eq "v2 GetState: auto triggers from the flags" "true true true" \
  "$(jq -r '[.buildState.autoTrigger, .deployState.autoTrigger, .fileSyncState.autoTrigger] | join(" ")' "$TMP/state2.json")"

# ApplicationLogs: the current dev loop's lines, from the current rollout's pods.
client "$ADDR" applogs 400 1200 >"$TMP/app1.jsonl"
loop_ts=$(jq -r 'select(.taskEvent.task == "DevLoop" and .taskEvent.status == "InProgress") | .timestamp' "$TMP/live.v2" | tail -1)
pods=$(jq -r 'select(.statusCheckSubtaskEvent.resource | startswith("pod/")?) | .statusCheckSubtaskEvent.resource[4:]' \
  "$TMP/lastloop.v2" | sort -u | tr '\n' ' ')
n_app=$(wc -l <"$TMP/app1.jsonl")
check_cmd "ApplicationLogs: lines flow ($n_app)" test "$n_app" -gt 5
check_eq "ApplicationLogs: only applicationLogEvents" "$n_app" "$(jq -c 'select(.applicationLogEvent)' "$TMP/app1.jsonl" | wc -l)"
check_eq "ApplicationLogs: only pods of the current rollout ($pods)" "$(jq -r '.applicationLogEvent.podName' "$TMP/app1.jsonl" | sort -u | tr '\n' ' ')" "$pods"
check_eq "ApplicationLogs: nothing older than the current dev loop" 0 \
  "$(jq -r --arg t "$loop_ts" 'select(.timestamp < $t) | .timestamp' "$TMP/app1.jsonl" | wc -l)"
check_eq "ApplicationLogs: prefix [container], message ends in a newline, rich has the coloured prefix" 0 \
  "$(jq -r '.applicationLogEvent | select(.prefix != "[\(.containerName)]" or (.message | endswith("\n") | not)
     or (.richFormattedMessage | startswith("\u001b[")) != true) | .podName' "$TMP/app1.jsonl" | wc -l)"
client "$ADDR" applogs 400 0 3 >"$TMP/app2.jsonl"
check_eq "ApplicationLogs: a reconnect replays the same start" "$(head -3 "$TMP/app1.jsonl")" "$(cat "$TMP/app2.jsonl")"

# v2 control calls: the v2 State changes, nothing is triggered, v1 is untouched.
v1_before=$(client "$ADDR" v1state | canon)
n_v1=$(wc -l <"$F"); n_v2=$(wc -l <"$F.v2")
before=$(client "$ADDR" state | canon)
check_eq "v2 AutoBuild(false): OK" "status 0 " "$(client "$ADDR" call AutoBuild '{"state":{"enabled":false}}')"
after=$(client "$ADDR" state | canon)
check_eq "v2 AutoBuild(false): only buildState.autoTrigger changed" "$(jq -c '.buildState.autoTrigger = false' <<<"$before")" "$after"
check_eq "v2 AutoBuild(false) again: ALREADY_EXISTS (6)" "status 6 auto Build is already set to false" \
  "$(client "$ADDR" call AutoBuild '{"state":{"enabled":false}}')"
client "$ADDR" call AutoSync '{"state":{"enabled":false}}' >/dev/null
client "$ADDR" call AutoDeploy '{"state":{"enabled":false}}' >/dev/null
after=$(client "$ADDR" state | canon)
check_eq "v2 AutoSync/AutoDeploy(false): only their autoTrigger changed" \
  "$(jq -c '.buildState.autoTrigger = false | .fileSyncState.autoTrigger = false | .deployState.autoTrigger = false' <<<"$before")" "$after"
check_eq "v2 Execute(build, deploy): OK" "status 0 " "$(client "$ADDR" call Execute '{"intent":{"build":true,"deploy":true}}')"
after=$(client "$ADDR" state | canon)
check_eq "v2 Execute(build): the v2 build state reset (ResetStateOnBuild)" \
  "$(jq -c '.buildState.artifacts | map_values("NotStarted")' <<<"$before")" "$(jq -c '.buildState.artifacts' <<<"$after")"
sleep 1
check_eq "v2 control calls triggered nothing (no new v1 or v2 event)" "$n_v1 $n_v2" "$(wc -l <"$F") $(wc -l <"$F.v2")"
check_eq "v2 control calls left the v1 State alone" "$v1_before" "$(client "$ADDR" v1state | canon)"
client "$ADDR" call Handle '{"skaffoldLogEvent":{"taskId":"DevLoop-99","subtaskId":"-1","level":"INFO","message":"handled\n"}}' >/dev/null
last=$(client "$ADDR" events 500 | tail -1)
check_eq "v2 Handle: the event joins the history, stamped by the server" "DevLoop-99 true" \
  "$(jq -r '"\(.skaffoldLogEvent.taskId) \(.timestamp > "2000")"' <<<"$last")"
check_eq "an unknown method answers UNIMPLEMENTED" "status 12 unknown method Nope for service proto.v2.SkaffoldV2Service" \
  "$(/usr/bin/python3 -c 'import grpc,sys
try:
  grpc.insecure_channel(sys.argv[1]).unary_unary("/proto.v2.SkaffoldV2Service/Nope")(b"", timeout=5); print("status 0")
except grpc.RpcError as e: print("status %d %s" % (e.code().value[0], e.details()))' "$ADDR")"
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null

# ---- 2. a dev loop's start empties the replay, not a follower's stream -------------
start_sim --step 40 --interval 700 --log-interval 20 --seed 2
client "$ADDR" applogs 3000 30000 >"$TMP/follow.jsonl" &
fpid=$!
after_loops() { [ "$(client "$ADDR" events 300 | grep -c '"task":"DevLoop","status":"InProgress"\|"status":"InProgress","task":"DevLoop"')" -ge "$1" ]; }
check_cmd "two more dev loops started while following" wait_for 30 after_loops 3
client "$ADDR" events 300 >"$TMP/ev2.jsonl"
client "$ADDR" applogs 300 >"$TMP/replay.jsonl"
kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null
loop_ts=$(jq -r 'select(.taskEvent.task == "DevLoop" and .taskEvent.status == "InProgress") | .timestamp' "$TMP/ev2.jsonl" | tail -1)
check_cmd "the follower kept lines from before the last dev loop's start" \
  test "$(jq -r --arg t "$loop_ts" 'select(.timestamp < $t) | .timestamp' "$TMP/follow.jsonl" | wc -l)" -gt 0
check_cmd "a new ApplicationLogs call replays lines ($(wc -l <"$TMP/replay.jsonl"))" test -s "$TMP/replay.jsonl"
check_eq "... none from before the last DevLoop task" 0 \
  "$(jq -r --arg t "$loop_ts" 'select(.timestamp < $t) | .timestamp' "$TMP/replay.jsonl" | wc -l)"
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null

# ---- 2b. FILE.v2 is appended to, one session after the other --------------------------
cp "$F.v2" "$TMP/first.v2"
n_old=$(wc -l <"$F.v2")
timeout 60 "$SKSIM" --port 0 --step 5 --iterations 1 --log-interval 0 --event-log "$F" >/dev/null 2>&1
check_cmd "FILE.v2 appended: the first session kept" cmp -s "$TMP/first.v2" <(head -n "$n_old" "$F.v2")
check_cmd "FILE.v2 appended: the second session follows, from its MetaEvent" \
  test "$(tail -n +"$((n_old + 1))" "$F.v2" | head -1 | jq -r 'keys_unsorted[1]')" == metaEvent
check_eq "FILE.v2 appended: every line parses" "$(wc -l <"$F.v2")" "$(jq -c . "$F.v2" | wc -l)"

# ---- 3. --no-v2: Skaffold 1.x -------------------------------------------------------
start_sim --no-v2 --step 10 --event-log "$TMP/old.jsonl"
for c in events applogs state; do
  client "$ADDR" $c 500 >/dev/null 2>"$TMP/err"; rc=$?
  check_eq "--no-v2: v2 $c answers UNIMPLEMENTED" "3 12 unknown service proto.v2.SkaffoldV2Service" "$rc $(cat "$TMP/err")"
done
check_cmd "--no-v2: v1 still served" client "$ADDR" v1state >/dev/null
check_cmd "--no-v2: no FILE.v2" test ! -e "$TMP/old.jsonl.v2"
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null

# ---- 4. --log-flood N ----------------------------------------------------------------
FLOOD=20000
start_sim --log-flood $FLOOD --step 60 --log-interval 25
client "$ADDR" applogs 5000 >"$TMP/flood.jsonl"  # connects before the first dev loop ends
check_eq "--log-flood: the stream ends with OK" "end 0" "$(tail -1 "$TMP/flood.jsonl")"
check_eq "--log-flood: $FLOOD load generator lines" "$FLOOD" "$(grep -c '"podName":"loadgen-' "$TMP/flood.jsonl")"
check_eq "--log-flood: application log events only" "$(($(wc -l <"$TMP/flood.jsonl") - 1))" \
  "$(grep -c '"applicationLogEvent"' "$TMP/flood.jsonl")"
loop1_end=$(client "$ADDR" events 300 | jq -r 'select(.taskEvent.id == "DevLoop-1" and .taskEvent.status != "InProgress") | .timestamp')
check_eq "--log-flood: after the normal start (no flood line before DevLoop-1 ended at $loop1_end)" 0 \
  "$(jq -r --arg t "$loop1_end" 'select(.applicationLogEvent.podName | startswith("loadgen-")?) | select(.timestamp < $t) | .timestamp' \
     <(head -n -1 "$TMP/flood.jsonl") | wc -l)"
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null

# --log-flood-rate N: the flood at most N lines a second, every line of it
# (the rate itself is measured by the viewer's bench, which says when the
# flood came faster or slower than the target's: no test times anything).
start_sim --log-flood 20000 --log-flood-rate 20000 --step 0 --idle-after 1 --log-interval 0
check_eq "--log-flood-rate: every line" 20000 "$("$SKVIEW" logs -a "$ADDR" --app | grep -c 'loadgen-')"
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null

# A port already taken: the simulator says so and exits 1, as Skaffold's
# grpc-go server does (gRPC core's SO_REUSEPORT let two simulators share a
# port and split its connections; and a failed start waited for ever).
start_sim --no-generate
taken=${ADDR##*:}
"$SKSIM" --port "$taken" --no-generate >"$TMP/taken.out" 2>&1 &
second=$!; at_exit "kill -KILL $second"
wait_until 30 '! kill -0 $second 2>/dev/null'
wait "$second"; rc=$?
check_eq "a taken port: exit 1, and why" "1 skview-sim: cannot listen on 127.0.0.1:$taken" "$rc $(tail -1 "$TMP/taken.out")"
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null

finish
