#!/usr/bin/env bash
# The viewer against hostile conditions at the terminal (issue 12): keys in
# bursts (key repeat, a paste) that act between two frames, no terminal or a
# dumb one, a terminal that stops reading, narrow windows, bad options and
# config files, wide characters, titles and timestamps out of range.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../tmux_lib.sh"

# A dev-loop log with many iterations and errors (tests/gen_log.py).
log="$TMP/devloop.jsonl"
python3 tests/gen_log.py 1200 1 > "$log"
iters=$(grep -c '"devLoopEvent":{"iteration":[0-9]*,"status":"In Progress"' "$log")
# alive SESSION: the viewer of that session still runs.
alive() { kill -0 "$(cat "$TMP/$1.pid")" 2>/dev/null; }
# burst SESSION STRING: the string written to the terminal in one write, so
# the viewer reads it in one read and acts on every key before a frame.
burst() { $TM send-keys -t "$1:" -l "$2"; }

# ---- 1. keys in one read act on the rows as they are after each key ----------
# At the last row of Timeline or Errors, going back four iterations drops
# rows; Enter must open the details of a row that still exists.
for pane in 6:Timeline:Iteration 4:Errors:Error; do
  IFS=: read -r key name title <<< "$pane"
  s="burst$key"
  start_ui "$s" "$SKVIEW" replay "$log" --paused --at "iter:$((iters - 1))" --no-config
  check_screen "burst $name: paused late in the log" "$s" "replay paused .* iter $((iters - 1))/$iters"
  keys "$s" "$key" G
  sleep 0.3
  burst "$s" $'[[[[\r'
  check_screen "burst $name: [ [ [ [ Enter in one read opens the details" "$s" "$title [0-9]+ ─"
  check_cmd "burst $name: the viewer survives" alive "$s"
  keys "$s" Escape q
  check_restored "burst $name" "$s"
  check_eq "burst $name: exit 0" 0 "$(cat "$TMP/$s.rc" 2>/dev/null)"
done
# The same while the replay plays at full speed, as in the report.
start_ui burstfast "$SKVIEW" replay "$log" --speed 64 --no-config
check_screen "burst at 64x: playing" burstfast "iter ([1-9][0-9])/"
keys burstfast 6 G
sleep 0.2
burst burstfast $'[[[[\r'
check_screen "burst at 64x: details open" burstfast "Iteration [0-9]+ ─"
check_cmd "burst at 64x: the viewer survives" alive burstfast
keys burstfast Escape q
check_restored "burst at 64x" burstfast

finish
