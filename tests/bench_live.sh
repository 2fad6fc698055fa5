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
