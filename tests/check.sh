#!/usr/bin/env bash
# make check: the hardening run. The whole suite under ASan+UBSan, the unit
# tests and headless commands under valgrind, every fuzz harness for
# FUZZ_SECONDS; then one summary: fuzz executions per harness, faults
# injected, hostile strings tried, and the result of each part.
set -u
cd "$(dirname "$0")/.."
secs="${FUZZ_SECONDS:-60}"
mkdir -p build
result() { [ "$1" -eq 0 ] && echo ok || echo FAILED; }

make --no-print-directory asan > build/check-asan.log 2>&1; asan=$?
make --no-print-directory valgrind > build/check-valgrind.log 2>&1; vg=$?
make --no-print-directory fuzz FUZZ_SECONDS="$secs" > build/check-fuzz.log 2>&1; fz=$?

echo
echo "== make check summary"
printf '%-34s %s (%s)\n' "ASan+UBSan, whole suite" "$(result $asan)" "$(tail -1 build/check-asan.log)"
printf '%-34s %s (%s)\n' "valgrind memcheck" "$(result $vg)" "$(tail -1 build/check-valgrind.log)"
grep '^fuzz ' build/check-fuzz.log | sed 's/^/  /'
printf '%-34s %s\n' "fuzzing, ${secs}s per harness" "$(result $fz)"
faults=$(grep -h '^  # faults injected:' build/check-asan.log | awk '{s += $NF} END {print s + 0}')
hostile=$(grep -h '^  # hostile strings tried:' build/check-asan.log | awk '{s += $5} END {print s + 0}')
printf '%-34s %s\n' "faults injected (under ASan)" "$faults"
printf '%-34s %s\n' "hostile strings tried (pairs)" "$hostile"
[ $asan -eq 0 ] && [ $vg -eq 0 ] && [ $fz -eq 0 ]
