#!/usr/bin/env bash
# `skview record` killed with SIGKILL in the middle of a fast stream loses at
# most the last, partial record: `skview events FILE` and `skview state FILE`
# read every complete record (counted independently by tests/tools/rec_walk.py),
# report at most one torn record and exit 0. A recording cut inside a record
# (what a kill during write() leaves) reads the same way.
source "$(dirname "$0")/../lib/lib.sh"
faults=0

"$SKSIM" --port 0 --no-generate --step 0 --flood 100000000 >"$TMP/sim.out" 2>&1 &
sim=$!
at_exit "kill $sim"
wait_for 10 grep -q '^listening on' "$TMP/sim.out" || { echo "skview-sim did not start"; cat "$TMP/sim.out"; exit 1; }
addr=$(sed -n 's/^listening on //p' "$TMP/sim.out")

# check_reads NAME FILE: the readers keep every complete record.
check_reads() {
  local name=$1 f=$2 walk n tail rc_e rc_s
  walk=$(python3 tests/tools/rec_walk.py "$f")
  n=$(sed 's/complete \([0-9]*\) .*/\1/' <<<"$walk"); tail=${walk##* }
  "$SKVIEW" events "$f" >"$TMP/ev.txt" 2>"$TMP/ev.err"; rc_e=$?
  "$SKVIEW" state "$f" >"$TMP/st.json" 2>"$TMP/st.err"; rc_s=$?
  check_eq "$name: events exits 0" 0 "$rc_e"
  check_eq "$name: state exits 0" 0 "$rc_s"
  check_eq "$name: events reads every complete record" "$n" "$(wc -l <"$TMP/ev.txt")"
  local torn; torn=$(grep -c 'torn last record' "$TMP/ev.err")
  if [ "$tail" -gt 0 ]; then
    check_eq "$name: one torn record reported ($tail bytes)" 1 "$torn"
  else
    check_eq "$name: no torn record reported" 0 "$torn"
  fi
  check_eq "$name: state reports the same" "$torn" "$(grep -c 'torn last record' "$TMP/st.err")"
  check_match "$name: state is a State" '"buildState":\{"artifacts":\{' "$(cat "$TMP/st.json")"
}

"$SKVIEW" record -a "$addr" -o "$TMP/k.rec" 2>"$TMP/rec.err" &
rec=$!
at_exit "kill -KILL $rec"
wait_for 10 grep -q connected "$TMP/rec.err"
bigger_than() { [ "$(stat -c %s "$1")" -gt "$2" ]; }
wait_for 10 bigger_than "$TMP/k.rec" 2000000
kill -KILL $rec; wait $rec 2>/dev/null; rc=$?; faults=$((faults + 1))
check_eq "SIGKILL: record died of it" 137 "$rc"
check_reads "SIGKILL" "$TMP/k.rec"

# A kill during write() leaves a partial record: cut the file inside its last one.
size=$(stat -c %s "$TMP/k.rec")
head -c $((size - 50)) "$TMP/k.rec" >"$TMP/torn.rec"; faults=$((faults + 1))
check_reads "torn tail" "$TMP/torn.rec"
check_eq "torn tail: one record fewer than the whole file" \
  "$(($("$SKVIEW" events "$TMP/k.rec" 2>/dev/null | wc -l) - 1))" "$("$SKVIEW" events "$TMP/torn.rec" 2>/dev/null | wc -l)"
# Resuming the recording cuts the torn tail off before appending.
"$SKVIEW" record -a "$addr" -o "$TMP/torn.rec" 2>"$TMP/resume.err" &
rec2=$!
at_exit "kill -KILL $rec2"
wait_for 10 grep -q connected "$TMP/resume.err"
kill -TERM $rec2; timeout $(wait_limit 10) tail --pid=$rec2 -f /dev/null; wait $rec2; rc=$?
check_eq "resume: exit 0" 0 "$rc"
check_match "resume: says it cut the torn tail" "torn" "$(head -1 "$TMP/resume.err")"
check_reads "resumed" "$TMP/torn.rec"
echo "# faults injected: $faults"
finish
