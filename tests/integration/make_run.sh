#!/usr/bin/env bash
# `make run ARGS=...` (issue 16): the options reach the simulator (Skaffold's
# flags), the build runs in parallel, and the simulator is stopped with it.
# Nothing is built here (a build under `make asan` would mix flags).
# Without a terminal, run.sh shows the live stream (`events -a --follow`).
source "$(dirname "$0")/../lib/lib.sh"

# make -n prints the commands and builds nothing (the sub-make gets -n too):
# the build step asks for every core unless -j was given, and ARGS reach
# tools/run.sh, which the rest of this script runs as make would.
# (MAKEFLAGS of a `make test` around this script would pass its -j on.)
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }
plan=$(mk -n run BUILD="$BUILD" ARGS='--auto-build=false --no-generate' SKVIEW_ARGS='--focus errors' 2>/dev/null)
check_match "make run builds with -j" "make.* -j[0-9]+ all" "$(grep -m1 ' all' <<<"$plan")"
check_eq "make -j3 run keeps the -j given" "" "$(mk -j3 -n run BUILD="$BUILD" 2>/dev/null | grep ' -j[0-9]* all')"
check_eq "make run passes ARGS to tools/run.sh and SKVIEW_ARGS to the viewer" \
  "BUILD=$BUILD SKVIEW_ARGS='--focus errors' tools/run.sh --auto-build=false --no-generate" "$(tail -1 <<<"$plan")"

BUILD="$BUILD" setsid tools/run.sh --auto-build=false --no-generate --step 0 </dev/null >"$TMP/out" 2>"$TMP/err" &
mk=$!
at_exit "kill -- -$mk"
wait_for 60 grep -q 'skview-sim demo on' "$TMP/err"
addr=$(sed -n 's/^run: skview-sim demo on //p' "$TMP/err")
check_match "run.sh says where the simulator is" "^127\.0\.0\.1:[0-9]+$" "$addr"
st=$("$SKVIEW" ctl -a "$addr" state 2>&1)
check_eq "ARGS reached the simulator: auto-build off" "false" "$(jq -r '.buildState.autoTrigger // false' <<<"$st")"
check_eq "the other triggers stay on" "true true" "$(jq -r '"\(.deployState.autoTrigger) \(.fileSyncState.autoTrigger)"' <<<"$st")"
wait_for 30 grep -q . "$TMP/out"
check_cmd "the live stream is shown without a terminal" grep -q 'Starting Skaffold\|meta' "$TMP/out"
kill -TERM -- -"$mk" 2>/dev/null
wait "$mk" 2>/dev/null
sim_left=$(pgrep -f "skview-sim --port 0 --auto-build=false --no-generate --step 0" | wc -l)
check_eq "the simulator stopped with run.sh" 0 "$sim_left"
finish
