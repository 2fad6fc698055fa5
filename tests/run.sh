#!/usr/bin/env bash
# Runs the cmocka unit tests given as arguments, then every integration script
# in tests/integration (unless --unit-only). Prints one closing line
# "N passed, N failed" and exits non-zero if anything failed.
#   VALGRIND=1   run the unit tests under valgrind memcheck (errors fail them)
#   ONLY=PATTERN run only the integration scripts whose name matches
# Under VALGRIND=1 only the headless scripts run (VALGRIND_SCRIPTS): the
# others drive live servers and terminals with timeouts that valgrind's
# slowdown would break, and run under ASan in `make asan` instead.
set -u
cd "$(dirname "$0")/.."
export BUILD="${BUILD:-build}" LC_ALL=C.UTF-8 TZ=UTC
unit_only=0
[ "${1:-}" = --unit-only ] && { unit_only=1; shift; }
passed=0 failed=0 failures=() failouts=""
t_all=$SECONDS
vg=()
if [ "${VALGRIND:-0}" = 1 ]; then
  vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
      --suppressions=tests/valgrind.supp)
fi
for t in "$@"; do
  name=$(basename "$t")
  out=$("${vg[@]}" "$t" 2>&1); rc=$?
  p=$(printf '%s\n' "$out" | grep -c '^\[       OK \]')
  f=$(printf '%s\n' "$out" | grep -c '^\[  FAILED  \]')
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ $rc -ne 0 ]; then failures+=("$name"); printf '%s\n' "$out" | tail -40
    failouts+="== $name"$'\n'"$(printf '%s\n' "$out" | grep '^\[  FAILED  \]\|^\[  ERROR   \]' | head -20)"$'\n'; fi
  printf '  %-28s %3d passed, %d failed\n' "$name" "$p" "$f"
done
# report NAME RC SECS OUTFILE: counts one script's checks and prints its line.
report() {
  local name=$1 rc=$2 secs=$3 out p f
  out=$(cat "$4")
  p=$(printf '%s\n' "$out" | grep -c '^ok ')
  f=$(printf '%s\n' "$out" | grep -c '^not ok ')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ]; then failures+=("$name"); printf '%s\n' "$out" | grep -v '^ok ' | tail -40
    mkdir -p "$BUILD/test-logs" && cp "$4" "$BUILD/test-logs/$name.log" &&
      echo "  (its whole output: $BUILD/test-logs/$name.log)"
    failouts+="== $name (exit $rc)"$'\n'"$(printf '%s\n' "$out" | grep -v '^ok ' | tail -12)"$'\n'; fi
  printf '  %-28s %3d passed, %d failed  %4ds\n' "$name" "$p" "$f" "$secs"
  # Notes a script reports ("# faults injected: N") go into the log.
  printf '%s\n' "$out" | grep '^# ' | sed 's/^/  /'
}
# reap: reports every script that has ended and was not reported yet.
reap() {
  local r n
  for r in "$outdir"/*.rc; do
    [ -e "$r" ] || continue
    n=$(basename "$r" .rc)
    read -r rc secs <"$r"
    report "$n" "$rc" "$secs" "$outdir/$n.out"
    rm -f "$r"; running=$((running - 1))
  done
}
if [ $unit_only = 0 ]; then
  # JOBS scripts at a time (default: one per core). Each uses its own
  # temporary folder, loopback ports, tmux socket and dockerd, and waits for
  # conditions, never for a time, so they pass side by side on busy cores.
  jobs_max=${JOBS:-$(nproc 2>/dev/null || echo 1)}
  [ "${VALGRIND:-0}" = 1 ] && jobs_max=1
  outdir=$(mktemp -d /tmp/skview-run.XXXXXX)
  running=0
  for s in tests/integration/*.sh; do
    [ -e "$s" ] || continue
    [ -n "${ONLY:-}" ] && [[ "$s" != *${ONLY}* ]] && continue
    if [ "${VALGRIND:-0}" = 1 ] && [[ " ${VALGRIND_SCRIPTS:-cli_file fuzz_corpus} " != *" $(basename "$s" .sh) "* ]]; then continue; fi
    name=$(basename "$s" .sh)
    # A script that loads the machine on purpose (its first lines say
    # "run.sh: alone") runs with no other beside it.
    alone=0; head -20 "$s" | grep -q 'run\.sh: alone' && alone=1
    limit=$jobs_max; [ $alone = 1 ] && limit=1
    while [ "$running" -ge "$limit" ]; do wait -n 2>/dev/null; reap; done
    ( t0=$SECONDS; timeout 600 bash "$s" >"$outdir/$name.out" 2>&1; rc=$?
      echo "$rc $((SECONDS - t0))" >"$outdir/$name.rc.tmp" && mv "$outdir/$name.rc.tmp" "$outdir/$name.rc" ) &
    running=$((running + 1))
    if [ $alone = 1 ]; then while [ "$running" -gt 0 ]; do wait -n 2>/dev/null; reap; done; fi
  done
  while [ "$running" -gt 0 ]; do wait -n 2>/dev/null; reap; done
  rm -rf "$outdir"
fi
# What failed is said again at the end, where a CI log's tail shows it.
[ -n "$failouts" ] && printf '%s' "$failouts"
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "time: $((SECONDS - t_all)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
