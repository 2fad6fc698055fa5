# Helpers for the scripts that drive the real viewer in tmux (source after
# lib.sh). Each viewer runs in its own session of a private tmux server, in a
# wrapper that keeps its pid, its exit status and `stty -g` before and after.
TM="tmux -L skview-test-$$ -f /dev/null"
at_exit "$TM kill-server"
export TERM=xterm-256color

# start_ui NAME COMMAND...: runs the command in a fresh 100x30 session.
start_ui() {
  local name=$1; shift
  rm -f "$TMP/$name".*
  cat > "$TMP/$name.sh" <<EOS
stty -g > "$TMP/$name.before"
sh -c 'echo \$\$ > "$TMP/$name.pid"; exec "\$@"' sh $(printf '%q ' "$@")
echo \$? > "$TMP/$name.rc"
stty -g > "$TMP/$name.after"
sleep 600
EOS
  $TM new-session -d -s "$name" -x 100 -y 30 "bash $TMP/$name.sh"
  at_exit "kill \$(cat $TMP/$name.pid)"
}
screen() { $TM capture-pane -p -t "$1:"; }
# wait_screen SECONDS SESSION REGEX
wait_screen() {
  local end=$((SECONDS + $(wait_limit "$1")))
  until [[ "$(screen "$2")" =~ $3 ]]; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done
}
keys() { local w=$1; shift; $TM send-keys -t "$w:" "$@"; }
check_screen() { if wait_screen 10 "$2" "$3"; then ok "$1"; else not_ok "$1"; echo "  pattern: $3"; screen "$2" | sed 's/^/  | /'; fi; }
check_not_screen() { if [[ "$(screen "$2")" =~ $3 ]]; then not_ok "$1"; screen "$2" | sed 's/^/  | /'; else ok "$1"; fi; }
# check_restored NAME SESSION: the terminal settings are back after exit.
check_restored() {
  wait_for 10 test -s "$TMP/$2.after"
  check_eq "$1: terminal modes restored" "$(cat "$TMP/$2.before" 2>/dev/null)" "$(cat "$TMP/$2.after" 2>/dev/null)"
}
# logs_save S PATH: the Logs view's shown lines saved with o to PATH; echoes
# how many were saved (-1 when the status line does not say so for PATH).
logs_save() {
  keys "$1" o C-u; keys "$1" -l "$2"; keys "$1" Enter
  wait_screen 5 "$1" "saved [0-9]+ lines? to $2" || { echo -1; return; }
  screen "$1" | sed -n "s|.*saved \([0-9]*\) lines\? to $2.*|\1|p" | head -1
}
