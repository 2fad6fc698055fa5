#!/usr/bin/env bash
# `make run`: the simulator's demo dev loop on a free loopback port, watched
# by skview. The simulator is always stopped on exit.
# tools/run.sh [SIM-OPTIONS]: the options go to skview-sim (Skaffold's flags
# such as --auto-build=false); $SKVIEW_ARGS (words) to the viewer.
set -u
cd "$(dirname "$0")/.."
BUILD="${BUILD:-build}"
out=$(mktemp /tmp/skview-run.XXXXXX)
"$BUILD/skview-sim" --port 0 "$@" >"$out" 2>&1 &
sim=$!
trap 'kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null; rm -f "$out"' EXIT
trap 'exit 130' INT TERM
addr=
for _ in $(seq 50); do
  addr=$(sed -n 's/^listening on //p' "$out")
  [ -n "$addr" ] && break
  kill -0 "$sim" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$addr" ]; then
  echo "run: skview-sim did not start:" >&2
  cat "$out" >&2
  exit 1
fi
echo "run: skview-sim demo on $addr" >&2
# The viewer needs a terminal; without one, show the live stream instead.
# shellcheck disable=SC2086
if [ -t 0 ] && [ -t 1 ]; then
  "$BUILD/skview" -a "$addr" ${SKVIEW_ARGS:-}
else
  "$BUILD/skview" events -a "$addr" --follow
fi
