#!/usr/bin/env bash
# A seeded random key storm (tests/tools/keystorm.py) into the real viewer in tmux:
# bursts in one write, named keys, resizes, Ctrl-S/Ctrl-Q, against a replay
# playing at 64x and against the live simulator. After the storm the viewer
# must still run, quit on q with status 0 and leave the terminal as it was.
# Under `make asan` any memory error ends the process, which fails this.
# Then the Logs view's search with hostile regular expressions (glibc's
# regcomp of a{1,32767} grew to GiBs; backtracking held the thread for
# seconds): each is refused or given up with a message, random keys go on,
# q and SIGTERM are answered, and the viewer's peak memory stays bounded.
#   KEYSTORM_KEYS=N  keys per viewer (default 400; `make check` sends more)
#   KEYSTORM_SEED=S  the seed (default 12; printed, so a failure replays)
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"

n=${KEYSTORM_KEYS:-400}
seed=${KEYSTORM_SEED:-12}
total=0
alive() { kill -0 "$(cat "$TMP/$1.pid")" 2>/dev/null; }

# storm SESSION SEED: plays the steps of keystorm.py into the session.
storm() {
  local s=$1 kind arg str
  while read -r kind arg; do
    case $kind in
      L) printf -v str '%b' "$(sed 's/../\\x&/g' <<< "$arg")"
         $TM send-keys -t "$s:" -l -- "$str" ;;
      K) $TM send-keys -t "$s:" "$arg" ;;
      R) $TM resize-window -t "$s:" -x "${arg%x*}" -y "${arg#*x}" ;;
    esac
    alive "$s" || break
  done < <(python3 tests/tools/keystorm.py "$2" "$n")
}

# quit_after SESSION NAME SEED [KEYS]: Escape out of prompts and overlays, then q.
quit_after() {
  local s=$1 name=$2
  sleep 0.5
  check_cmd "$name: the viewer survived ${4:-$n} random keys (seed $3)" alive "$s"
  for _ in 1 2 3; do
    alive "$s" || break
    $TM send-keys -t "$s:" Escape; sleep 0.2
    $TM send-keys -t "$s:" Escape; sleep 0.2
    $TM send-keys -t "$s:" q
    wait_for 3 test -s "$TMP/$s.rc"
  done
  check_restored "$name" "$s"
  check_eq "$name: exit 0 after q" 0 "$(cat "$TMP/$s.rc" 2>/dev/null)"
}

log="$TMP/devloop.jsonl"
python3 tests/tools/gen_log.py 3000 3 > "$log"
start_ui storm-replay "$SKVIEW" replay "$log" --speed 64 --no-config
check_screen "replay: viewer up" storm-replay "replaying"
storm storm-replay "$seed"
quit_after storm-replay "replay storm" "$seed"
total=$((total + n))

start_sim --seed 7 --interval 150
start_ui storm-live "$SKVIEW" -a "$ADDR" --no-config
check_screen "live: connected" storm-live "connected $ADDR"
storm storm-live "$((seed + 1))"
quit_after storm-live "live storm" "$((seed + 1))"
total=$((total + n))

# ---- the Logs view's search with hostile patterns ------------------------------
# 2000 application lines of 500 columns, then the patterns typed into / with
# R (regex) on, a burst of random keys after each.
python3 - "$TMP/long.v2" <<'PY'
import json, sys
line = ("abcdefgh xyz" * 42)[:500]
ev = lambda t, **k: json.dumps(dict(timestamp="2025-01-01T00:%02d:%02d.000000000Z" % (t // 60 % 60, t % 60), **k))
out = [ev(0, metaEvent={"entry": "Starting Skaffold: &{Version:v2.13.2}"})]
out += [ev(1 + i // 100, applicationLogEvent={"containerName": "web", "podName": "web-0",
        "prefix": "[web]", "message": "%05d %s\n" % (i, line)}) for i in range(2000)]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
hostile=('a{1,32767}' '(a{1,65535}){1,65535}' '(.*)(.*)\2\1z' '((.*)*)*q' '(x+x+)+y'
         'x.*y.*z.*q' '(.{1,20}){1,20}q' '[[:alpha:]]{1,255}$')
start_ui storm-search "$SKVIEW" replay "$TMP/long.v2" --no-config --at END --focus logs
check_screen "search: the long lines are shown" storm-search "01999 abcdefgh"
keys storm-search R
check_screen "search: R makes the / text a regular expression" storm-search "regular expression|regex"
k=0
for pat in "${hostile[@]}"; do
  keys storm-search / C-u; keys storm-search -l -- "$pat"; keys storm-search Enter
  while read -r kind arg; do
    [ "$kind" = K ] && keys storm-search "$arg"
  done < <(python3 tests/tools/keystorm.py "$((seed + 100 + k))" 20 | grep '^K' | grep -v 'F1\|Escape')
  k=$((k + 1)); total=$((total + ${#pat} + 20))
  alive storm-search || break
done
keys storm-search / C-u; keys storm-search -l -- "$(printf 'a%.0s' $(seq 300))"; keys storm-search Enter
# 300 keys, each filtering 2000 long lines again: under ASan that takes a while.
if wait_screen 60 storm-search "longer than 255 bytes"; then ok "search: a pattern longer than 255 bytes is refused with why"
else not_ok "search: a pattern longer than 255 bytes is refused with why"; screen storm-search | sed 's/^/  | /'; fi
check_cmd "search: the viewer survived ${#hostile[@]} hostile patterns and random keys" alive storm-search
peak=$(awk '/^VmHWM/ {print $2}' "/proc/$(cat "$TMP/storm-search.pid")/status" 2>/dev/null)
check_cmd "search: peak memory ${peak:-?} KiB stays under 1 GiB" test "${peak:-9999999}" -lt 1048576
keys storm-search / C-u; keys storm-search -l -- '(.*)(.*)\2\1z'; keys storm-search Enter
check_screen "search: a backtracking pattern is given up, and says why" storm-search "given up: too (costly|slow)"
quit_after storm-search "hostile search" "$((seed + 100))" "$((20 * k))"
# SIGTERM while a hostile pattern is being typed: answered, terminal restored.
start_ui storm-term "$SKVIEW" replay "$TMP/long.v2" --no-config --at END --focus logs
check_screen "SIGTERM: the long lines are shown" storm-term "01999 abcdefgh"
keys storm-term R /; keys storm-term -l -- '(.*)(.*)\2\1z'
kill -TERM "$(cat "$TMP/storm-term.pid")"
wait_for 60 test -s "$TMP/storm-term.rc"
check_cmd "SIGTERM during hostile patterns: the viewer ended" test -s "$TMP/storm-term.rc"
check_restored "SIGTERM during hostile patterns" storm-term

echo "# random keys sent: $total"
finish
