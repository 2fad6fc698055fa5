#!/usr/bin/env bash
# A recording damaged in the middle (one flipped byte in a payload, a length,
# a CRC) loses only the damaged record: the readers skip it, report its byte
# offset and yield every intact record; `skview record -o` on the damaged file
# keeps every intact record on disk and appends after them. Expected records
# come from reading the undamaged original, record offsets from
# tests/tools/rec_walk.py (which walks lengths only).
source "$(dirname "$0")/../lib/lib.sh"

start_sim --step 0 --flood 400
"$SKVIEW" record -a "$ADDR" -o "$TMP/orig.rec" 2>"$TMP/rec.err" &
rec=$!
at_exit "kill -KILL $rec"
enough() { [ "$(python3 tests/tools/rec_walk.py "$TMP/orig.rec" | cut -d' ' -f2)" -ge 300 ]; }
wait_for 20 enough || { echo "not ok recording did not grow"; exit 1; }
kill -TERM $rec; wait $rec 2>/dev/null
"$SKVIEW" events --json "$TMP/orig.rec" >"$TMP/orig.json" 2>"$TMP/orig.err"
python3 tests/tools/rec_walk.py --offsets "$TMP/orig.rec" >"$TMP/offsets"
n=$(wc -l <"$TMP/offsets")
check_eq "original: every record read" "$n" "$(wc -l <"$TMP/orig.json")"
check_eq "original: nothing reported" "" "$(cat "$TMP/orig.err")"

# flip FILE OFFSET: xors the byte at OFFSET with 0x5a, in place.
flip() { python3 -c 'import sys
f=open(sys.argv[1],"r+b"); o=int(sys.argv[2]); f.seek(o); b=f.read(1); f.seek(o); f.write(bytes([b[0]^0x5a]))' "$1" "$2"; }
# rec I: "OFFSET LENGTH" of record I (1-based).
rec() { sed -n "${1}p" "$TMP/offsets"; }

# damage NAME WHERE...: each WHERE is "I FIELD" (FIELD payload|length|lenlow|crc);
# checks the readers and `record -o` on a copy with those bytes flipped.
damage() {
  local name=$1; shift
  local f="$TMP/$name.rec" skip=() w i field off len at
  cp "$TMP/orig.rec" "$f"
  for w in "$@"; do
    read -r i field <<<"$w"; read -r off len <<<"$(rec "$i")"
    case $field in
      payload) at=$((off + 9 + len / 2)) ;;
      length)  at=$((off + 3)) ;;      # high byte: the length goes out of range
      lenlow)  at=$((off)) ;;          # low byte: in range but wrong
      crc)     at=$((off + 5)) ;;
    esac
    flip "$f" "$at"; skip+=("$i")
  done
  local expect; expect=$(awk -v s=" ${skip[*]} " 'index(s, " " NR " ") == 0' "$TMP/orig.json")
  "$SKVIEW" events --json "$f" >"$TMP/out.json" 2>"$TMP/err"; local rc=$?
  check_eq "$name: events exits 0" 0 "$rc"
  check_eq "$name: every intact record is read" "$expect" "$(cat "$TMP/out.json")"
  # The first three are said as they come; the rest only in the count.
  for i in "${skip[@]:0:3}"; do
    read -r off len <<<"$(rec "$i")"
    check_match "$name: record $i reported at its byte offset $off" "damaged record at byte $off[^0-9]" "$(cat "$TMP/err")"
  done
  check_match "$name: counted" "skipped ${#skip[@]} malformed record" "$(tail -1 "$TMP/err")"
  [ ${#skip[@]} -le 3 ] || check_eq "$name: one line per record said, then the count" 4 "$(wc -l <"$TMP/err")"
  "$SKVIEW" state "$f" >/dev/null 2>&1; check_eq "$name: state exits 0" 0 $?
  # Resuming the recording on the damaged file keeps every intact record.
  local size; size=$(stat -c %s "$f")
  "$SKVIEW" record -a "$ADDR" -o "$f" 2>"$TMP/resume.err" &
  local r2=$!
  wait_for 10 grep -q connected "$TMP/resume.err"
  # Connected is said before the replayed history is written: under load
  # the stop could come first. Stop once something was appended.
  wait_until 10 'test "$(stat -c %s "$f")" -gt "$size"'
  kill -TERM $r2; wait $r2 2>/dev/null
  local now; now=$(stat -c %s "$f")
  check_cmd "$name: record -o never shortens the file ($size -> $now)" test "$now" -gt "$size"
  check_match "$name: record -o says what it left in place" "damaged stretch" "$(cat "$TMP/resume.err")"
  "$SKVIEW" events --json "$f" 2>/dev/null | head -n "$((n - ${#skip[@]}))" >"$TMP/after.json"
  check_eq "$name: after record -o every intact record is still there" "$expect" "$(cat "$TMP/after.json")"
}

mid=$((n / 2))
damage payload "$mid payload"
damage length "$mid length"
damage lenlow "$mid lenlow"
damage crc "$mid crc"
damage several "3 crc" "$((n / 3)) payload" "$mid length" "$((n - 10)) lenlow"
# The last record damaged (its length intact): skipped, and never cut off.
damage last "$n payload"
finish
