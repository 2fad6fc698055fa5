#!/usr/bin/env bash
# make bench: measured ratios, never timed unit tests.
#  1. `skview state` on a deterministic 1,000,000-entry dev-loop log, next to
#     `jq -c . FILE > /dev/null` and `wc -l FILE` on the same file: time ratios
#     and peak memory. Targets (issue 20): at most 1/25 of jq's time, at most
#     5x wc -l's, peak memory under 32 MiB. Beside them the JSON library's
#     floor (tests/bench/bench_json_floor.c): the same reader threads only
#     tokenizing every line with jsmn, so the 5x target can be read against
#     what the chosen library alone allows.
#  2. Distinct keys: `skview state` on 100,000 resource events naming 100,000
#     distinct resources, next to 100,000 events of one resource: the ratio
#     shows whether the State's maps stay O(1) per event (they were linear
#     scans: quadratic in keys). Target: under 10x the one-resource time.
#  2b. Distinct keys per keyed collection (tests/tools/gen_log.py keys KIND N):
#     artifacts, debugging containers, ports, resources (v1 and v2), errors,
#     tasks and log origins, each folded with N and 4N distinct keys; the
#     ratio of the times is ~4 when a fold is O(1) per event (a linear scan
#     per event makes it ~16). Target: under 8.
#  3. The log ring alone (tests/bench/bench_logs.sh): lines/s and flat memory.
#  4. Live throughput (tests/bench/bench_live.sh), when the simulator is built.
set -u
export LC_NUMERIC=C  # EPOCHREALTIME and awk with a '.' decimal point
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
N="${BENCH_ENTRIES:-1000000}"
dir="$BUILD/bench"; mkdir -p "$dir"
log="$dir/devloop-$N.jsonl"
if [ ! -s "$log" ]; then
  echo "bench: generating $log ($N entries)"
  python3 tests/tools/gen_log.py "$N" 1 > "$log.tmp" && mv "$log.tmp" "$log"
fi
size=$(stat -L -c %s "$log")
# measure NAME CMD...: best wall time of 3 runs and the peak RSS (KiB).
# The wall time is bash's clock in microseconds around the run (time's %e
# has 10 ms steps: wc -l takes 20-40 ms, a ratio to it would be mostly
# rounding); /usr/bin/time gives the peak RSS.
measure() {
  local best="" rss=0 i t m t0 t1
  for i in 1 2 3; do
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$dir/time.txt" "$@" > /dev/null 2> "$dir/stderr.txt" || { cat "$dir/stderr.txt"; return 1; }
    t1=$EPOCHREALTIME
    read -r m < "$dir/time.txt"
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $rss"
}
command -v /usr/bin/time > /dev/null || { echo "bench: /usr/bin/time missing (apt-get install time)"; exit 1; }
read -r sk_t sk_m < <(measure "$BUILD/skview" state "$log")
read -r jq_t jq_m < <(measure jq -c . "$log")
read -r wc_t _ < <(measure wc -l "$log")
floor="$dir/bench_json_floor"
cc -O2 -std=c11 -D_DEFAULT_SOURCE -Isrc -I"$BUILD/gen" $(pkg-config --cflags libprotobuf-c) tests/bench/bench_json_floor.c \
  -o "$floor" "$BUILD/libsources.a" "$BUILD/libdomain.a" "$BUILD/libcore.a" $(pkg-config --libs libprotobuf-c) -lpthread -lm || exit 1
read -r fl_t _ < <(measure "$floor" "$log")
ratio=$(awk "BEGIN{printf \"%.1f\", $jq_t / ($sk_t > 0 ? $sk_t : 0.001)}")
wratio=$(awk "BEGIN{printf \"%.1f\", $sk_t / ($wc_t > 0 ? $wc_t : 0.01)}")
mib=$(awk "BEGIN{printf \"%.1f\", $sk_m / 1024}")
printf 'bench: %s entries, %.1f MB\n' "$N" "$(awk "BEGIN{print $size/1e6}")"
printf '  skview state   %6.3f s   peak %6.1f MiB\n' "$sk_t" "$mib"
printf '  jq -c .        %6.3f s   peak %6.1f MiB\n' "$jq_t" "$(awk "BEGIN{print $jq_m/1024}")"
printf '  wc -l          %6.3f s\n' "$wc_t"
printf "  the JSON library's floor: %.3f s = %.1fx wc -l (jsmn alone on the same threads; skview state is %.1fx the floor)\n" \
  "$fl_t" "$(awk "BEGIN{print $fl_t / ($wc_t > 0 ? $wc_t : 0.01)}")" "$(awk "BEGIN{print $sk_t / ($fl_t > 0 ? $fl_t : 0.01)}")"
printf '  ratio          %6sx faster than jq (target >= 25x: %s)\n' "$ratio" "$(awk "BEGIN{print ($ratio >= 25 ? \"met\" : \"NOT met\")}")"
printf '  ratio          %6sx the time of wc -l (target <= 5x: %s)\n' "$wratio" "$(awk "BEGIN{print ($wratio <= 5 ? \"met\" : \"NOT met\")}")"
fail=0
awk "BEGIN{exit !($mib < 32)}" && echo "  PASS memory (${mib} MiB < 32 MiB)" || { echo "  FAIL memory: ${mib} MiB"; fail=1; }
# keys_log N DISTINCT: N resource events in one status check, naming DISTINCT
# resources in turn.
keys_log() {
  python3 - "$1" "$2" <<'PY'
import json, sys
n, distinct = int(sys.argv[1]), int(sys.argv[2])
def line(ev, text):
    print(json.dumps({"timestamp": "2024-11-29T08:00:00Z", "event": ev, "entry": text}, separators=(",", ":")))
line({"devLoopEvent": {"status": "In Progress"}}, "Update initiated")
line({"deployEvent": {"status": "In Progress"}}, "Deploy started")
for i in range(n):
    r = "pod/app-%d" % (i % distinct)
    line({"resourceStatusCheckEvent": {"resource": r, "status": "In Progress", "statusCode": "STATUSCHECK_CONTAINER_CREATING"}},
         "Resource %s status updated to In Progress" % r)
PY
}
K="${BENCH_KEYS:-100000}"
[ -s "$dir/keys-$K.jsonl" ] || keys_log "$K" "$K" > "$dir/keys-$K.jsonl"
[ -s "$dir/keys1-$K.jsonl" ] || keys_log "$K" 1 > "$dir/keys1-$K.jsonl"
read -r kd_t kd_m < <(measure "$BUILD/skview" state "$dir/keys-$K.jsonl")
read -r k1_t k1_m < <(measure "$BUILD/skview" state "$dir/keys1-$K.jsonl")
kratio=$(awk "BEGIN{printf \"%.1f\", $kd_t / ($k1_t > 0.01 ? $k1_t : 0.01)}")
printf 'bench: %s resource events\n' "$K"
printf '  %6s distinct resources %6.2f s   peak %6.1f MiB\n' "$K" "$kd_t" "$(awk "BEGIN{print $kd_m/1024}")"
printf '  %6s one resource       %6.2f s   peak %6.1f MiB\n' 1 "$k1_t" "$(awk "BEGIN{print $k1_m/1024}")"
printf '  ratio          %6sx the one-resource time (target < 10x)\n' "$kratio"
awk "BEGIN{exit !($kratio < 10)}" && echo "  PASS distinct keys" || { echo "  FAIL distinct keys: ${kratio}x"; fail=1; }
# keys_case KIND: `skview state` (origins: `skview logs`) on KQ and 4*KQ keys.
KQ="${BENCH_KEYS_Q:-50000}"
keys_case() {
  local kind=$1 ext=jsonl cmd=state f1 f4 t1 t4 m1 m4 r
  case $kind in *-v2) ext=jsonl.v2 ;; esac
  case $kind in origins*) cmd=logs ;; esac
  f1="$dir/keyq-$kind-$KQ.$ext"; f4="$dir/keyq-$kind-$((4 * KQ)).$ext"
  [ -s "$f1" ] || python3 tests/tools/gen_log.py keys "$kind" "$KQ" > "$f1"
  [ -s "$f4" ] || python3 tests/tools/gen_log.py keys "$kind" "$((4 * KQ))" > "$f4"
  read -r t1 m1 < <(measure "$BUILD/skview" "$cmd" "$f1")
  read -r t4 m4 < <(measure "$BUILD/skview" "$cmd" "$f4")
  r=$(awk "BEGIN{printf \"%.1f\", $t4 / ($t1 > 0.01 ? $t1 : 0.01)}")
  printf '  %-13s %6.2f s / %6.2f s   ratio %5sx' "$kind" "$t1" "$t4" "$r"
  awk "BEGIN{exit !($r < 8)}" && echo "   PASS" || { echo "   FAIL (quadratic?)"; fail=1; }
}
printf 'bench: distinct keys, %s then %s keys (time of 4x keys / 1x keys; linear ~4, target < 8)\n' "$KQ" "$((4 * KQ))"
for kind in $(python3 -c 'import sys; sys.path.insert(0, "tests/tools"); import gen_log; print(" ".join(gen_log.KEY_KINDS))'); do
  keys_case "$kind"
done
BUILD="$BUILD" tests/bench/bench_logs.sh || fail=1
if [ -x tests/bench/bench_live.sh ] && [ -x "$BUILD/skview-sim" ]; then
  BUILD="$BUILD" tests/bench/bench_live.sh || fail=1
fi
exit $fail
