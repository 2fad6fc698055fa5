#!/usr/bin/env bash
# Inputs that can be read only once (standard input as "-", a FIFO, bash's
# <(...) pipe) work for state, events and replay alike, and give what the
# same bytes give as a regular file. The replay needs several passes: the
# input is spooled once (sources/spool.h), format detection included.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"

log="$DATA/skaffold-v1.29-helm-events.jsonl"
gw="$DATA/http-gateway-getting-started.jsonl"
mkfifo "$TMP/fifo"
# via HOW CMD...: runs CMD with FILE replaced by the log given HOW.
via() {
  local how=$1 src=$2; shift 2
  case $how in
    file)     "$SKVIEW" "$@" "$src" ;;
    stdin)    "$SKVIEW" "$@" - < "$src" ;;
    pipe)     cat "$src" | "$SKVIEW" "$@" - ;;
    procsub)  "$SKVIEW" "$@" <(cat "$src") ;;
    fifo)     cat "$src" > "$TMP/fifo" & timeout 20 "$SKVIEW" "$@" "$TMP/fifo" ;;
  esac
}
for src in "$log" "$gw"; do
  name=$(basename "$src" .jsonl)
  want_state=$(via file "$src" state); want_events=$(via file "$src" events --json)
  want_screen=$(via file "$src" replay --dump-screen --at end)
  check_match "$name: the reference replay reached the end" 'replay ended' "$want_screen"
  for how in stdin pipe procsub fifo; do
    check_eq "$name via $how: state" "$want_state" "$(via $how "$src" state 2>&1)"
    check_eq "$name via $how: events" "$want_events" "$(via $how "$src" events --json 2>&1)"
    check_eq "$name via $how: replay" "$want_screen" "$(via $how "$src" replay --dump-screen --at end 2>&1)"
  done
done

# A recording and a BuildKit rawjson log through each read-once way: detection
# sniffs the magic (or the first JSON keys) from the pipe and loses none of it.
rec="$TMP/helm.rec"
{ printf 'SKVREC\001\n'; cat tests/fuzz/corpus/recording/helm-records.bin; } > "$rec"
want=$(via file "$rec" events --json)
check_eq "recording: the reference has every record" "$(python3 tests/tools/rec_walk.py "$rec" | cut -d' ' -f2)" "$(printf '%s\n' "$want" | grep -c .)"
bk=tests/fuzz/corpus/bkstatus/sim-fail-head.jsonl
# The title and the status line name the file: compare the screen between them.
norm() { sed '1d;$d'; }
want_bk=$(via file "$bk" replay --dump-screen --at end | norm)
check_match "rawjson: the reference replay shows the Build pane" 'Build' "$want_bk"
check_match "rawjson: the reference replay reached the end" 'replay ended 3/3' "$(via file "$bk" replay --dump-screen --at end | head -1)"
for how in stdin pipe procsub fifo; do
  check_eq "recording via $how: events" "$want" "$(via $how "$rec" events --json 2>&1)"
  check_eq "rawjson via $how: replay" "$want_bk" "$(via $how "$bk" replay --dump-screen --at end 2>&1 | norm)"
done

# The interactive viewer replaying standard input still reads keys (from the terminal).
start_ui pipe sh -c "cat '$log' | '$SKVIEW' replay --speed max -"
check_screen "replay - in a terminal: plays to the end" pipe 'replay ended 19/19'
keys pipe q
wait_for 10 test -s "$TMP/pipe.rc"
check_eq "replay - in a terminal: q quits, exit 0" 0 "$(cat "$TMP/pipe.rc" 2>/dev/null)"
check_restored "replay -" pipe
finish
