#!/usr/bin/env bash
# make check: the hardening run. The whole suite under ASan+UBSan, the unit
# tests and headless commands under valgrind, every fuzz harness for
# FUZZ_SECONDS, a long random key storm into the viewer under ASan
# (KEYSTORM_KEYS per viewer, default 5000); then one summary: fuzz
# executions per harness, faults injected, hostile strings tried, random
# keys sent, and the result of each part.
set -u
cd "$(dirname "$0")/.."
secs="${FUZZ_SECONDS:-60}"
mkdir -p build
result() { [ "$1" -eq 0 ] && echo ok || echo FAILED; }

make --no-print-directory asan > build/check-asan.log 2>&1; asan=$?
make --no-print-directory valgrind > build/check-valgrind.log 2>&1; vg=$?
make --no-print-directory fuzz FUZZ_SECONDS="$secs" > build/check-fuzz.log 2>&1; fz=$?
# The storm reuses the ASan build that `make asan` just made.
BUILD=build/asan KEYSTORM_KEYS="${KEYSTORM_KEYS:-5000}" KEYSTORM_SEED="${KEYSTORM_SEED:-$RANDOM}" \
  bash tests/integration/ui_keystorm.sh > build/check-keystorm.log 2>&1; ks=$?

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
printf '%-34s %s (%s)\n' "random key storm under ASan" "$(result $ks)" "$(grep -o 'seed [0-9]*' build/check-keystorm.log | sort -u | tr '\n' ' ')"
keys=$(cat build/check-asan.log build/check-keystorm.log | grep -h '^ *# random keys sent:' | awk '{s += $NF} END {print s + 0}')
printf '%-34s %s\n' "random keys sent (under ASan)" "$keys"
[ $asan -eq 0 ] && [ $vg -eq 0 ] && [ $fz -eq 0 ] && [ $ks -eq 0 ]
