#!/usr/bin/env bash
# The log ring (src/skaffold/logs.c) alone, for `make bench`:
#  - lines per second added (whole messages, and messages cut in two) to a
#    ring of the default cap. Target: at least 500,000 lines/s (measured
#    1.2-2M on an idle 2-core machine), so the ring takes at most a fifth
#    of `skview logs`'s 100,000 lines/s budget;
#  - flat memory: peak RSS after 10x the lines within 10% of after 2x the
#    cap (the ring drops, names are reclaimed).
set -u
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
dir="$BUILD/bench"; mkdir -p "$dir"
bin="$dir/bench_logs"
cc -O2 -std=c11 -D_DEFAULT_SOURCE -Isrc tests/bench/bench_logs.c -o "$bin" "$BUILD/libdomain.a" "$BUILD/libcore.a" $(pkg-config --libs libpcre2-8) || exit 1
cap=100000
run() { /usr/bin/time -f '%M' -o "$dir/logs_time.txt" "$bin" "$1" > "$dir/logs_out.txt" || return 1; }
run $((2 * cap)) || exit 1
small=$(cat "$dir/logs_time.txt")
run $((10 * cap)) || exit 1
big=$(cat "$dir/logs_time.txt")
get() { awk -v k="$1" '$1 == k {print $2}' "$dir/logs_out.txt"; }
fail=0
printf 'bench: log ring, %s lines into a ring of %s\n' $((10 * cap)) "$cap"
for k in whole halves substring regex; do
  printf '  %-10s %12.0f lines/s\n' "$k" "$(get $k)"
done
printf '  peak RSS  %6.1f MiB after %s lines, %6.1f MiB after %s\n' \
  "$(awk "BEGIN{print $small/1024}")" $((2 * cap)) "$(awk "BEGIN{print $big/1024}")" $((10 * cap))
awk "BEGIN{exit !($(get whole) >= 500000 && $(get halves) >= 500000)}" && echo "  PASS ring speed" || { echo "  FAIL ring speed"; fail=1; }
awk "BEGIN{exit !($big <= $small * 1.1)}" && echo "  PASS ring memory flat" || { echo "  FAIL ring memory: $small -> $big KiB"; fail=1; }
exit $fail
