# Helpers shared by tests/integration/fault_*.sh, sourced after tests/lib/lib.sh
# (which has cd'ed to the repository root): the viewer in a private tmux
# server with its mirror dumped (SKVIEW_DUMP_STATE), skview-sim and
# misbehaving peers on loopback, and the "mirror == GetState" check.
[ -x "$SKVIEW" ] && [ -x "$SKSIM" ] || { echo "not ok binaries: no $SKVIEW or $SKSIM (BUILD=$BUILD)"; exit 1; }
TM="tmux -L skview-fault-$$ -f /dev/null"
at_exit "$TM kill-server"
export TERM=xterm-256color

# start_ui NAME ADDR: the viewer in a fresh 160x30 session (wide enough for
# the whole cause), its mirror dumped to $TMP/NAME.json; the wrapper keeps
# `stty -g` before and after, the exit status and the pid.
start_ui() {
  local name=$1 addr=$2
  cat > "$TMP/$name.sh" <<EOS
stty -g > "$TMP/$name.before"
SKVIEW_DUMP_STATE="$TMP/$name.json" sh -c 'echo \$\$ > "$TMP/$name.pid"; exec "\$@"' sh "$SKVIEW" -a "$addr" --no-config
echo \$? > "$TMP/$name.rc"
stty -g > "$TMP/$name.after"
sleep 600
EOS
  rm -f "$TMP/$name".*.json "$TMP/$name.json"
  $TM new-session -d -s "$name" -x 160 -y 30 "bash $TMP/$name.sh"
  wait_for 5 test -s "$TMP/$name.pid"
}
screen() { $TM capture-pane -p -t "$1:"; }
wait_screen() {
  local end=$((SECONDS + $(wait_limit "$1")))
  until [[ "$(screen "$2")" =~ $3 ]]; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done
}
check_screen() { # NAME SECONDS WINDOW REGEX
  if wait_screen "$2" "$3" "$4"; then ok "$1"; else not_ok "$1"; echo "  pattern: $4"; screen "$3" | sed 's/^/  | /'; fi
}
keys() { local w=$1; shift; $TM send-keys -t "$w:" "$@"; }
alive() { kill -0 "$(cat "$TMP/$1.pid")" 2>/dev/null; }
# start_sim NAME PORT ARGS...: skview-sim on 127.0.0.1:PORT.
start_sim() {
  local name=$1 port=$2; shift 2
  "$SKSIM" --port "$port" "$@" >"$TMP/$name.sim" 2>&1 &
  eval "${name}_sim=$!"
  at_exit "kill $!"
  wait_for 10 grep -q '^listening on' "$TMP/$name.sim" || { echo "skview-sim did not start:"; cat "$TMP/$name.sim"; }
}
# The address skview-sim NAME printed.
sim_addr() { sed -n 's/^listening on //p' "$TMP/$1.sim"; }
# start_peer NAME MODE PORT: tests/tools/fault_peer.py (refuse or stall).
start_peer() {
  python3 tests/tools/fault_peer.py "$2" "$3" >"$TMP/$1.peer" 2>&1 &
  eval "${1}_peer=$!"
  at_exit "kill $!"
  wait_for 5 grep -q '^listening on' "$TMP/$1.peer"
}
# The viewer's mirror equals GetState, and has stopped changing.
mirror_settled() { # NAME ADDR
  local f="$TMP/$1.json" server m
  server=$("$SKVIEW" ctl -a "$2" state 2>/dev/null) || return 1
  m=$(stat -c %Y.%y "$f" 2>/dev/null) || return 1
  [ "$server" == "$(cat "$f")" ] || return 1
  sleep 0.5
  [ "$m" == "$(stat -c %Y.%y "$f")" ] && [ "$server" == "$(cat "$f")" ]
}
check_mirror() { # NAME UI ADDR [SECONDS, default 20]
  if wait_for "${4:-20}" mirror_settled "$2" "$3"; then ok "$1"; else
    not_ok "$1"; diff <("$SKVIEW" ctl -a "$3" state | jq -S .) <(jq -S . "$TMP/$2.json") | head -20 | sed 's/^/  /'
  fi
}
# quit NAME: q ends the viewer with 0 and restores the terminal.
quit() {
  keys "$1" q
  wait_for 10 test -s "$TMP/$1.after"
  check_eq "$1: q exits 0" 0 "$(cat "$TMP/$1.rc" 2>/dev/null)"
  check_eq "$1: terminal modes restored" "$(cat "$TMP/$1.before" 2>/dev/null)" "$(cat "$TMP/$1.after" 2>/dev/null)"
}
