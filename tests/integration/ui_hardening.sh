#!/usr/bin/env bash
# The viewer against hostile conditions at the terminal (issue 12): keys in
# bursts (key repeat, a paste) that act between two frames, no terminal or a
# dumb one, a terminal that stops reading, narrow windows, bad options and
# config files, wide characters, titles and timestamps out of range.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"

# A dev-loop log with many iterations and errors (tests/tools/gen_log.py).
log="$TMP/devloop.jsonl"
python3 tests/tools/gen_log.py 1200 1 > "$log"
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
  check_screen "burst $name: paused late in the log" "$s" "replay paused .* iter [0-9]+ \\($((iters - 1)) of $iters\\)"
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
check_screen "burst at 64x: playing" burstfast "iter ([1-9][0-9]) \\("
keys burstfast 6 G
sleep 0.2
burst burstfast $'[[[[\r'
check_screen "burst at 64x: details open" burstfast "Iteration [0-9]+ ─"
check_cmd "burst at 64x: the viewer survives" alive burstfast
keys burstfast Escape q
check_restored "burst at 64x" burstfast

# ---- 2. no terminal: an error and exit 1 at once -----------------------------
start_sim --seed 7 --interval 400
# exits_within SECONDS OUT COMMAND...: runs it with stdin from /dev/null;
# OUT gets stderr and the exit status (124 when it had to be killed).
exits_within() {
  local s=$1 out=$2; shift 2
  timeout -s KILL "$s" "$@" < /dev/null > /dev/null 2> "$out.err"; echo $? > "$out.rc"
}
exits_within 10 "$TMP/notty-replay" "$SKVIEW" replay "$log" --no-config
check_eq "no terminal (replay < /dev/null): exit 1" 1 "$(cat "$TMP/notty-replay.rc")"
check_match "no terminal (replay): says why" "needs a terminal" "$(cat "$TMP/notty-replay.err")"
exits_within 10 "$TMP/notty-live" "$SKVIEW" -a "$ADDR" --no-config
check_eq "no terminal (live): exit 1" 1 "$(cat "$TMP/notty-live.rc")"
# Input on a terminal, output into a pipe.
start_ui pipe bash -c '"$0" -a "$1" --no-config | cat; exit "${PIPESTATUS[0]}"' "$SKVIEW" "$ADDR"
wait_for 10 test -s "$TMP/pipe.rc"
check_eq "skview -a ADDR | cat: exit 1 within 10 s" 1 "$(cat "$TMP/pipe.rc" 2>/dev/null)"
check_screen "skview -a ADDR | cat: says why" pipe "needs a terminal"
check_restored "skview -a ADDR | cat" pipe

# ---- 3. Ctrl-S does not freeze; a terminal that stops reading costs no CPU ---
start_ui ctrls "$SKVIEW" replay "$log" --paused --no-config
check_screen "Ctrl-S: viewer up" ctrls "replay paused"
keys ctrls C-s
check_screen "Ctrl-S reaches the viewer as a key" ctrls "C-s is not bound"
keys ctrls '?'
check_screen "after Ctrl-S the screen still follows the keys" ctrls "Help: keys"
keys ctrls Escape C-q
check_screen "Ctrl-Q too" ctrls "C-q is not bound"
keys ctrls q
check_restored "Ctrl-S" ctrls
check_eq "Ctrl-S: exit 0" 0 "$(cat "$TMP/ctrls.rc" 2>/dev/null)"
# A pty nobody reads while a replay plays at 64x (tests/tools/pty_stall.py). A
# viewer spinning on write() takes a whole core: hz ticks a second. One that
# waits for the terminal takes what the replay itself costs; the bound is a
# tenth of a core over the window, above the ticks of the same viewer while
# read and idle.
window=3
python3 tests/tools/pty_stall.py "$window" "$SKVIEW" replay "$log" --speed 64 --no-config > "$TMP/stall.out" 2>&1
st() { sed -n "s/^$1 //p" "$TMP/stall.out"; }
echo "# stalled terminal: $(st stalled_ticks) ticks in ${window}s (idle $(st idle_ticks), hz $(st hz), pty held $(st pending) bytes)"
check_eq "stalled terminal: the viewer drew first" 1 "$(st saw_output)"
check_cmd "stalled terminal: the pty filled up" test "$(st pending)" -gt 0
bound=$(( $(st idle_ticks) + $(st hz) * window / 10 ))
check_cmd "stalled terminal: CPU $(st stalled_ticks) ticks <= $bound (a tenth of a core above idle)" \
  test "$(st stalled_ticks)" -le "$bound"
check_eq "stalled terminal: the screen comes back when read again" 1 "$(st resumed)"
check_eq "stalled terminal: q still quits (exit 0)" 0 "$(st rc)"

# Ctrl-Z: stopped with the terminal as it was, redrawn on SIGCONT.
start_ui ctrlz "$SKVIEW" replay "$log" --paused --no-config
check_screen "Ctrl-Z: viewer up" ctrlz "replay paused"
ztty=$($TM display -p -t ctrlz: -F '#{pane_tty}')
keys ctrlz C-z
wait_for 10 bash -c "[ \"\$(awk '{print \$3}' /proc/$(cat "$TMP/ctrlz.pid")/stat)\" = T ]"
check_eq "Ctrl-Z: stopped" T "$(awk '{print $3}' "/proc/$(cat "$TMP/ctrlz.pid")/stat")"
check_eq "Ctrl-Z: the terminal modes as before while stopped" "$(cat "$TMP/ctrlz.before")" "$(stty -g < "$ztty")"
printf '\033[?1049l\033[2J\033[Hwiped while stopped\n' > "$ztty"
check_screen "Ctrl-Z: screen wiped while stopped" ctrlz "wiped while stopped"
kill -CONT "$(cat "$TMP/ctrlz.pid")"
check_screen "SIGCONT: the screen is drawn again" ctrlz "replay paused"
keys ctrlz '?'
check_screen "SIGCONT: keys work" ctrlz "Help: keys"
keys ctrlz Escape q
check_restored "Ctrl-Z" ctrlz

# ---- 4. narrow windows keep the artifact names (cut, not dropped) -----------
hlog="$DATA/skaffold-v1.29-helm-events.jsonl"
name=$(grep -o '"artifact":"[^"]*"' "$hlog" | head -1 | cut -d'"' -f4)
for w in 16 20 24 30; do
  row=$("$SKVIEW" replay "$hlog" --dump-screen --size "${w}x30" --at END --no-config | grep -A1 ' 1 Artifacts' | tail -1)
  # At least the first half of the row minus the icon and the ellipsis.
  check_match "${w} columns: the artifact name is shown" "^ . ${name:0:$((w / 2 - 4))}" "$row"
done
row=$("$SKVIEW" replay "$hlog" --dump-screen --size 30x30 --at END --no-config | grep -A1 ' 1 Artifacts' | tail -1)
check_match "30 columns: the whole name, then the status" "^ . $name +Complete" "$row"

# ---- 5. TERM=dumb: a clear error, exit 1, the terminal as it was -------------
start_ui dumb env TERM=dumb "$SKVIEW" replay "$log" --no-config
wait_for 10 test -s "$TMP/dumb.rc"
check_eq "TERM=dumb: exit 1" 1 "$(cat "$TMP/dumb.rc" 2>/dev/null)"
check_screen "TERM=dumb: says why" dumb "terminal type 'dumb' cannot move the cursor"
check_restored "TERM=dumb" dumb

# ---- 6. --config and --theme naming what cannot be read: exit 1 --------------
# (A bad line inside a readable file is only reported; the viewer runs.)
mkdir -p "$TMP/adir"
for opt in "--config DIR adir" "--theme DIR adir" "--config MISSING missing.cfg" "--theme NAME no-such-theme"; do
  read -r o what path <<< "$opt"
  [ "$what" = NAME ] || path="$TMP/$path"
  exits_within 10 "$TMP/cfgerr" "$SKVIEW" replay "$log" --dump-screen "$o" "$path"
  check_eq "$o $what: exit 1" 1 "$(cat "$TMP/cfgerr.rc")"
  check_match "$o $what: the error names it" "^skview: [^ ]*$path:" "$(cat "$TMP/cfgerr.err")"
done
exits_within 10 "$TMP/cfglive" "$SKVIEW" -a "$ADDR" --config "$TMP/adir"
check_eq "live --config DIR: exit 1" 1 "$(cat "$TMP/cfglive.rc")"
check_match "live --config DIR: says so" "$TMP/adir: Is a directory" "$(cat "$TMP/cfglive.err")"

# ---- 7. config and theme errors are inert on stderr; a BOM is ignored --------
printf '\xef\xbb\xbfbind generic x quit\n\033]2;PWNED\a \033[2J\n' > "$TMP/evil.cfg"
printf '\xef\xbb\xbfcolor ok blue default\ncolor \033]0;T\a red default\n' > "$TMP/evil.theme"
exits_within 10 "$TMP/evil" "$SKVIEW" replay "$log" --dump-screen --config "$TMP/evil.cfg" \
  --theme "$TMP/evil.theme" --keys x
err=$(cat "$TMP/evil.err")
check_eq "evil config: runs (bad lines are reported, not fatal)" 0 "$(cat "$TMP/evil.rc")"
check_eq "evil config: no ESC or BEL byte on stderr" 0 "$(tr -cd '\033\007' < "$TMP/evil.err" | wc -c)"
check_match "evil config: the sequence shown as placeholders" "evil.cfg:2: unknown directive '␛\]2;PWNED␇'" "$err"
check_match "evil theme: the sequence shown as placeholders" "evil.theme:2: unknown colour role '␛\]0;T␇'" "$err"
check_eq "BOM: the first line of config and theme applies (two reports only)" 2 "$(grep -c . <<< "$err")"

# ---- 8. characters above U+FFFF can be typed into the filter ----------------
wide="$TMP/unicode-log.jsonl"
python3 - > "$wide" <<'PY'
import json
for i, a in enumerate(["plain-app", "app-\U0001D518nicode", "smile-\U0001F600"]):
    print(json.dumps({"timestamp": "2021-01-01T00:00:0%dZ" % i,
                      "event": {"buildEvent": {"artifact": a, "status": "Complete"}}}))
PY
start_ui wide "$SKVIEW" replay "$wide" --at END --no-config
check_screen "wide: three artifacts" wide "3/3"
keys wide /
keys wide -l '𝔘'
keys wide Enter
check_screen "U+1D518 typed into the filter: the title shows it" wide "1 Artifacts  3  /𝔘 "
check_screen "U+1D518 filter: one row matches" wide "1 rows match"
check_screen "U+1D518 filter: the row is app-𝔘nicode" wide "✓ app-𝔘nicode"
keys wide / C-u
keys wide -l '😀'
keys wide Enter
check_screen "U+1F600 (wide) in the filter" wide "/😀 .*"$'\n'".*smile-😀"
keys wide q
check_restored "wide" wide

# ---- 9. --notify gives the window title back on every way out ---------------
fail="$TMP/failing-log.jsonl"
python3 - > "$fail" <<'PY'
import json
err = {"errCode": "BUILD_USER_ERROR", "message": "docker build failed"}
for i, ev in enumerate([{"devLoopEvent": {"iteration": 0, "status": "In Progress"}},
                        {"buildEvent": {"artifact": "app", "status": "Failed", "err": "x", "actionableErr": err}},
                        {"devLoopEvent": {"iteration": 0, "status": "Failed", "err": err}}]):
    print(json.dumps({"timestamp": "2021-01-01T00:00:0%dZ" % i, "event": ev}))
PY
title() { $TM display -p -t "$1:" -F '#{pane_title}'; }
for how in q TERM crash; do
  s="title$how"
  env=()
  [ $how = crash ] && env=(SKVIEW_DEBUG_CRASH=2500)
  start_ui "$s" bash -c 'printf "\033]2;title-before-skview\007"; exec env "$@"' sh "${env[@]}" "$SKVIEW" replay "$fail" --notify --no-config
  check_screen "--notify ($how): the loop failed" "$s" "replay ended"
  wait_for 5 bash -c "[[ \"\$($TM display -p -t $s: -F '#{pane_title}')\" == *FAILED* ]]"
  check_match "--notify ($how): the title says so" "skview: dev loop FAILED" "$(title "$s")"
  case $how in
    q) keys "$s" q ;;
    TERM) kill -TERM "$(cat "$TMP/$s.pid")" ;;
  esac
  check_restored "--notify ($how)" "$s"
  check_eq "--notify ($how): the title before is back" "title-before-skview" "$(title "$s")"
done

# ---- 10. times past 2262 and before 1678, played at speed --------------------
# (tests/unit/test_ui_events_time.c covers seconds no calendar holds.)
far="$TMP/far-times.jsonl"
for t in 2021-01-01T00:00:01.250Z 2300-01-01T01:02:03.123Z 1600-06-01T04:05:06.789Z \
         9999-12-31T23:59:59.999Z 0001-01-01T00:00:00.001Z; do
  printf '{"timestamp":"%s","event":{"buildEvent":{"artifact":"a","status":"Complete"}},"entry":"at %s"}\n' "$t" "$t"
done > "$far"
start_ui far "$SKVIEW" replay "$far" --speed 64 --focus events --no-config
# Two forward gaps of centuries, each cut to PACER_MAX_GAP_MS (2 s, sources/pacer.h).
wait_screen 30 far "replay ended 5/5"
check_screen "far times: the replay plays to the end" far "replay ended 5/5"
for t in $(grep -o '"timestamp":"[^"]*"' "$far" | cut -d'"' -f4); do
  hms=${t#*T}; hms=${hms%Z}
  check_screen "far times: $t shows as $hms" far " $hms +build +at $t"
done
keys far q
check_restored "far times" far
check_eq "far times: exit 0" 0 "$(cat "$TMP/far.rc" 2>/dev/null)"

# ---- 11. --speed: only 0.5..64 or max ----------------------------------------
for v in nan NaN inf -inf -1 0 0.25 65 garbage 2x ""; do
  exits_within 10 "$TMP/speed" "$SKVIEW" replay "$log" --dump-screen --speed "$v"
  check_eq "--speed '$v': usage error 2" 2 "$(cat "$TMP/speed.rc")"
  check_match "--speed '$v': says what is valid" "--speed '$v' is not valid; --speed X: replay speed: 0.5..64 or max" "$(cat "$TMP/speed.err")"
done
for v in 0.5 1 64 max; do
  exits_within 10 "$TMP/speed" "$SKVIEW" replay "$log" --dump-screen --speed "$v"
  check_eq "--speed $v: accepted" 0 "$(cat "$TMP/speed.rc")"
done

# ---- 12. --help: the option column is aligned --------------------------------
# The column where each option's text starts (after the synopsis and a gap
# of two or more spaces): one value for every line of each option list.
help_columns() {
  sed -n '/^options of the viewer:$/,/^$/p; /^usage: skview replay/,/^$/p' |
    grep '^  -' | python3 -c 'import re,sys; print(" ".join(sorted({str(re.match(r"  \S.*?\S  +", l).end()) for l in sys.stdin})))'
}
check_match "skview --help: one column for the option texts" '^[0-9]+$' "$("$SKVIEW" --help | help_columns)"
check_match "skview replay --help: one column" '^[0-9]+$' "$("$SKVIEW" replay --help 2>&1 | help_columns)"

# ---- 13. gRPC's own log lines stay off the screen ------------------------------
# GRPC_VERBOSITY=debug GRPC_TRACE=api makes gRPC log every API call; headless commands show
# those lines (made inert), the viewer none while it has the terminal.
GRPC_VERBOSITY=debug GRPC_TRACE=api timeout $(wait_limit 10) "$SKVIEW" ctl -a "$ADDR" state > /dev/null 2> "$TMP/grpclog.err"
check_match "headless: gRPC's lines on stderr, prefixed" "skview: grpc: " "$(cat "$TMP/grpclog.err")"
start_ui grpclog env GRPC_VERBOSITY=debug GRPC_TRACE=api "$SKVIEW" -a "$ADDR" --no-config
check_screen "viewer with GRPC_VERBOSITY=debug: connected" grpclog "iter [0-9]+"
sleep 2  # some calls: the idle GetState poll runs every 1.5 s
check_not_screen "viewer: no gRPC log line drawn over the screen" grpclog "grpc|GRPC|\\.cc:"
keys grpclog q
check_restored "grpclog" grpclog

finish
