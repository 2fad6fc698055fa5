#!/usr/bin/env bash
# make fuzz: runs each libFuzzer harness for SECONDS on a copy of its seed
# corpus. New inputs stay in BUILD/fuzz-work (not in git); a crash is saved in
# BUILD/crashes/NAME-* and fails the run: turn it into a seed (regression) by
# copying it into tests/fuzz/corpus/NAME once fixed.
# Prints, per harness, the executions done and the result.
set -u
build=$1 secs=$2; shift 2
fail=0
for name in "$@"; do
  work="$build/fuzz-work/$name"; mkdir -p "$work" "$build/crashes"
  cp -n tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null
  log="$build/fuzz-$name.log"
  "$build/fuzzer/$name" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$build/crashes/$name-" "$work" > "$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  [ -z "$execs" ] && execs=$(grep -oE '#[0-9]+' "$log" | tail -1 | tr -d '#')
  if [ $rc -eq 0 ]; then res=ok; else res="CRASH (see $log)"; fail=1; fi
  printf 'fuzz %-12s %12s executions in %ss: %s\n' "$name" "${execs:-?}" "$secs" "$res"
done
exit $fail
