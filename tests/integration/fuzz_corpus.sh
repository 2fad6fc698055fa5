#!/usr/bin/env bash
# Every fuzz seed corpus replayed through its harness (built without
# libFuzzer): each past crash stays a regression test.
source "$(dirname "$0")/../lib/lib.sh"
for h in tests/fuzz/fuzz_*.c; do
  name=$(basename "$h" .c); name=${name#fuzz_}
  bin="$BUILD/replay/$name"
  n=$(ls tests/fuzz/corpus/"$name" | wc -l)
  out=$("${VG[@]}" "$bin" tests/fuzz/corpus/"$name" 2>&1); rc=$?
  check_eq "corpus $name replays ($n inputs)" "0 $n inputs" "$rc $out"
done
finish
