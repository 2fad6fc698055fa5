#!/usr/bin/env bash
# Live-stream throughput: skview-sim --flood N to `skview events -a ADDR`
# (C core + protobuf-c + libuv, text output to /dev/null), then the same
# stream to a Python grpcio client, in the same run. Prints both rates and
# their ratio. Targets: >= 300k entries/s, >= 5x Python.
#   N=1000000      entries per subscriber
#   PY_N=200000    entries the Python client reads before it cancels
#   RUNS=3         C runs (the median is reported)
set -u
cd "$(dirname "$0")/.."
BUILD="${BUILD:-build}"
N="${N:-1000000}"
PY_N="${PY_N:-200000}"
RUNS="${RUNS:-3}"
TMP=$(mktemp -d /tmp/skview-bench.XXXXXX)
sim=
trap '[ -n "$sim" ] && kill $sim 2>/dev/null; rm -rf "$TMP"' EXIT

"$BUILD/skview-sim" --port 0 --no-generate --step 0 --flood "$N" >"$TMP/sim.out" 2>&1 &
sim=$!
for _ in $(seq 100); do grep -q '^listening on' "$TMP/sim.out" && break; sleep 0.1; done
addr=$(sed -n 's/^listening on //p' "$TMP/sim.out")
[ -n "$addr" ] || { echo "bench_live: skview-sim did not start"; cat "$TMP/sim.out"; exit 1; }

# C: the stream ends with OK after the flood, so events exits at the end.
rates=()
for r in $(seq "$RUNS"); do
  t0=$(date +%s.%N)
  "$BUILD/skview" events -a "$addr" >"$TMP/c.out" || { echo "bench_live: skview events failed"; exit 1; }
  t1=$(date +%s.%N)
  got=$(wc -l <"$TMP/c.out")
  rates+=("$(awk -v n="$got" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')")
  echo "  C run $r: $got entries in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s = ${rates[-1]} entries/s"
done
c_rate=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")

# Python: decode with python3-protobuf when the generated module can be made.
pb2=
if /usr/bin/python3 -c 'import google.protobuf' 2>/dev/null &&
   protoc -Iproto -I/usr/include --python_out="$TMP" proto/skaffold.proto 2>/dev/null; then
  pb2=$TMP
fi
py=$(/usr/bin/python3 tests/bench_client.py "$addr" "$PY_N" $pb2) || { echo "bench_live: python client failed"; exit 1; }
echo "  $py"
py_rate=$(sed -n 's/.*= \([0-9]*\) entries\/s.*/\1/p' <<<"$py")

ratio=$(awk -v c="$c_rate" -v p="$py_rate" 'BEGIN { printf "%.1f", p ? c / p : 0 }')
echo "live stream: skview events (C) $c_rate entries/s (median of $RUNS), python grpcio $py_rate entries/s, ratio ${ratio}x"
awk -v c="$c_rate" -v r="$ratio" 'BEGIN {
  printf "  target >= 300000 entries/s: %s; target >= 5x python: %s\n",
         (c >= 300000 ? "met" : "NOT met"), (r >= 5 ? "met" : "NOT met") }'

# ---- the application-log flood (Skaffold 2.x's v2 ApplicationLogs) ------------------
# skview-sim --log-flood N streams N application lines to each ApplicationLogs
# subscriber. C: `skview logs -a ADDR --app` printing them (text to a file);
# its SKVIEW_STATS line gives the rate between the first and last line, the
# wall clock the whole command (connect, and the 300 ms quiet it waits before
# it ends). Then Python grpcio decoding the same stream, and the viewer
# (tmux, 160x48) folding it: lines/s, frames drawn, CPU and peak memory.
#   LOG_N=1000000   lines per subscriber
#   PY_LOG_N=200000 lines the Python client reads
#   TUI=1           also measure the viewer (needs tmux)
LOG_N="${LOG_N:-1000000}"
PY_LOG_N="${PY_LOG_N:-200000}"
[ "$PY_LOG_N" -gt "$LOG_N" ] && PY_LOG_N=$LOG_N
if ! "$BUILD/skview-sim" --help 2>&1 | grep -q -- '--log-flood'; then
  echo "log flood: skview-sim has no --log-flood: skipped"
  exit 0
fi
kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null
"$BUILD/skview-sim" --port 0 --no-generate --step 0 --log-flood "$LOG_N" >"$TMP/sim2.out" 2>&1 &
sim=$!
for _ in $(seq 100); do grep -q '^listening on' "$TMP/sim2.out" && break; sleep 0.1; done
addr=$(sed -n 's/^listening on //p' "$TMP/sim2.out")
[ -n "$addr" ] || { echo "bench_live: skview-sim --log-flood did not start"; cat "$TMP/sim2.out"; exit 1; }

rates=(); srates=()
for r in $(seq "$RUNS"); do
  t0=$(date +%s.%N)
  SKVIEW_STATS=1 /usr/bin/time -f '%M' -o "$TMP/logs.mem" "$BUILD/skview" logs -a "$addr" --app \
    >"$TMP/logs.out" 2>"$TMP/logs.err" || { echo "bench_live: skview logs failed"; cat "$TMP/logs.err"; exit 1; }
  t1=$(date +%s.%N)
  got=$(wc -l <"$TMP/logs.out")
  rates+=("$(awk -v n="$got" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')")
  srates+=("$(sed -n 's/.* = \([0-9]*\) lines\/s/\1/p' "$TMP/logs.err")")
  echo "  C run $r: $got lines in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s = ${rates[-1]} lines/s" \
       "(first to last line: ${srates[-1]} lines/s), peak $(awk '{ printf "%.1f", $1 / 1024 }' "$TMP/logs.mem") MiB"
done
c_rate=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
grep -q $'\033' "$TMP/logs.out" && { echo "  FAIL: an escape sequence in skview logs' piped output"; exit 1; }

pb2=
if /usr/bin/python3 -c 'import google.protobuf' 2>/dev/null &&
   protoc -Iproto -I/usr/include --python_out="$TMP" proto/skaffold.proto proto/v2/skaffold_v2.proto 2>/dev/null; then
  pb2=$TMP
fi
py=$(/usr/bin/python3 tests/bench_logs_client.py "$addr" "$PY_LOG_N" $pb2) || { echo "bench_live: python logs client failed"; exit 1; }
echo "  $py"
py_rate=$(sed -n 's/.*= \([0-9]*\) lines\/s.*/\1/p' <<<"$py")
ratio=$(awk -v c="$c_rate" -v p="$py_rate" 'BEGIN { printf "%.1f", p ? c / p : 0 }')
echo "log flood: skview logs (C) $c_rate lines/s (median of $RUNS, wall clock), python grpcio $py_rate lines/s, ratio ${ratio}x"
awk -v c="$c_rate" -v r="$ratio" 'BEGIN {
  printf "  target >= 100000 lines/s: %s; target >= 5x python: %s\n",
         (c >= 100000 ? "met" : "NOT met"), (r >= 5 ? "met" : "NOT met") }'

# The viewer under the same flood, in tmux at 160x48 (the Logs pane in the
# default layout). It is stopped with q once its CPU time stops growing.
[ "${TUI:-1}" = 1 ] && command -v tmux >/dev/null || { echo "log flood, viewer: skipped (TUI=0 or no tmux)"; exit 0; }
sock="skvbench$$"
cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
tmux -L "$sock" new-session -d -x 160 -y 48 \
  "echo \$\$ >'$TMP/tui.pid'; exec env SKVIEW_STATS='$TMP/tui.stats' /usr/bin/time -f '%e %U %S %M' -o '$TMP/tui.time' '$BUILD/skview' -a '$addr'"
trap '[ -n "$sim" ] && kill $sim 2>/dev/null; tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -s "$TMP/tui.pid" ] && break; sleep 0.1; done
tpid=$(cat "$TMP/tui.pid"); vpid=
for _ in $(seq 50); do vpid=$(pgrep -P "$tpid" | head -1); [ -n "$vpid" ] && break; sleep 0.1; done
prev=-1
for _ in $(seq 600); do # at most 5 minutes
  sleep 0.5
  now=$(cpu_of "$vpid"); [ -z "$now" ] && break
  [ "$prev" -ge 0 ] && [ $((now - prev)) -le 1 ] && break
  prev=$now
done
tmux -L "$sock" send-keys q
for _ in $(seq 100); do [ -s "$TMP/tui.time" ] && break; sleep 0.1; done
tmux -L "$sock" kill-server 2>/dev/null
read -r el us sy mem <"$TMP/tui.time"
applogs=$(sed -n 's/.*applogs \([0-9]*\) applogs_s \([0-9.]*\).*/\1/p' "$TMP/tui.stats")
secs=$(sed -n 's/.*applogs_s \([0-9.]*\).*/\1/p' "$TMP/tui.stats")
frames=$(sed -n 's/^frames \([0-9]*\).*/\1/p' "$TMP/tui.stats")
awk -v n="$applogs" -v s="$secs" -v f="$frames" -v u="$us" -v y="$sy" -v m="$mem" -v e="$el" 'BEGIN {
  printf "log flood, viewer (160x48): %d lines folded in %.2f s = %.0f lines/s; %d frames in %.1f s (%.1f/s);" \
         " CPU %.2f s user + %.2f s sys; peak %.1f MiB\n", n, s, s > 0 ? n / s : 0, f, e, e > 0 ? f / e : 0, u, y, m / 1024 }'
