#!/usr/bin/env bash
# A seeded random key storm (tests/keystorm.py) into the real viewer in tmux:
# bursts in one write, named keys, resizes, Ctrl-S/Ctrl-Q, against a replay
# playing at 64x and against the live simulator. After the storm the viewer
# must still run, quit on q with status 0 and leave the terminal as it was.
# Under `make asan` any memory error ends the process, which fails this.
#   KEYSTORM_KEYS=N  keys per viewer (default 400; `make check` sends more)
#   KEYSTORM_SEED=S  the seed (default 12; printed, so a failure replays)
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../tmux_lib.sh"

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
  done < <(python3 tests/keystorm.py "$2" "$n")
}

# quit_after SESSION NAME: Escape out of prompts and overlays, then q.
quit_after() {
  local s=$1 name=$2
  sleep 0.5
  check_cmd "$name: the viewer survived $n random keys (seed $3)" alive "$s"
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
python3 tests/gen_log.py 3000 3 > "$log"
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

echo "# random keys sent: $total"
finish
