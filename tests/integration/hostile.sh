#!/usr/bin/env bash
# Hostile strings (tests/tools/hostile_log.py: escape sequences, C1, bidi, NUL,
# invalid UTF-8, wide text, 1 MB strings) in every field that is drawn:
# every pane and its details view render them inert, with the screen at its
# size and no line wider than the terminal; in tmux the title stays put.
source "$(dirname "$0")/../lib/lib.sh"

log="$TMP/hostile.jsonl"
pairs=$(python3 tests/tools/hostile_log.py "$log" 2>&1 >/dev/null)
echo "# hostile strings tried: $pairs (string, field) pairs"
W=120 H=40

# inert FILE: no C0 control but newline, no DEL, no C1 (raw or encoded), valid UTF-8.
inert() {
  python3 - "$1" <<'PY'
import sys
b = open(sys.argv[1], 'rb').read()
bad = [c for c in b if (c < 0x20 and c != 0x0a) or c == 0x7f]
s = b.decode('utf-8')  # raises on invalid UTF-8
bad += [ch for ch in s if 0x80 <= ord(ch) <= 0x9f or 0x202a <= ord(ch) <= 0x202e or 0x2066 <= ord(ch) <= 0x2069]
sys.exit(1 if bad else 0)
PY
}

check_dump() {
  local name=$1 keys=$2 out="$TMP/dump.txt"
  "$SKVIEW" replay "$log" --dump-screen --size ${W}x${H} --at END --no-config ${keys:+--keys "$keys"} > "$out" 2> "$TMP/dump.err"
  local rc=$?
  check_eq "$name: dump exits 0" 0 "$rc"
  check_cmd "$name: output is inert" inert "$out"
  check_eq "$name: $H rows" "$H" "$(awk 'END{print NR}' "$out")"
  check_cmd "$name: no row wider than $W columns" test "$(wc -L < "$out")" -le "$W"
}

for pane in 1 2 3 4 5 6 7; do
  check_dump "pane $pane" "$pane"
  check_dump "pane $pane details of the first row" "$pane g Enter"
  check_dump "pane $pane details of the last row" "$pane G Enter"
done
check_dump "help overlay" "?"

# `skview events` and `skview state` keep them inert too.
"$SKVIEW" events "$log" > "$TMP/events.txt"
check_cmd "events text output is inert" inert "$TMP/events.txt"
check_eq "state JSON parses with the strings escaped" 0 "$("$SKVIEW" state "$log" | python3 -c 'import json,sys; json.load(sys.stdin)' >/dev/null 2>&1; echo $?)"

# In a real terminal: the pane title is not changed, the screen keeps its rows.
TM="tmux -L skview-hostile-$$ -f /dev/null"
at_exit "$TM kill-server"
$TM new-session -d -s h -x $W -y $H "TERM=xterm-256color $SKVIEW replay $log --at END --no-config; sleep 600"
wait_for 20 sh -c "$TM capture-pane -p -t h: | grep -q 'replay ended'"
for k in 1 2 3 4 5 6 7 Enter Escape; do $TM send-keys -t h: "$k"; sleep 0.2; done
title=$($TM display -p -t h: -F '#{pane_title}')
check_cmd "tmux: title unchanged" test "${title#*PWNED}" = "$title"
check_eq "tmux: screen keeps $H rows" "$H" "$($TM capture-pane -p -t h: | wc -l)"
check_match "tmux: header intact" "replay ended 180/180" "$($TM capture-pane -p -t h: | head -1)"
$TM send-keys -t h: q
finish
