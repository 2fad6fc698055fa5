#!/usr/bin/env bash
# The screen in tmux against skview-sim (issue 16's "The screen"): the Logs
# view below 160x48 and zoom leave with Esc, z and q; an artifact not
# rebuilt in this loop; status-line hints that fit the mode, messages that
# expire, the replay header's iteration count; / history and an invalid
# regex; y in the Errors pane and popups, popups that wrap at words and
# open at a build's first error line; o asks before it overwrites; the
# wheel in popups and double click = Enter; no Skaffold at the address and
# the auto flags unknown until the server says.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"

start_sim --seed 7 --interval 400
start_ui live env SKVIEW_DUMP_STATE="$TMP/mirror.json" "$SKVIEW" -a "$ADDR" --no-config --focus ports
check_screen "live: connected" live "connected $ADDR"

# ---- an artifact the loop did not rebuild ---------------------------------------
# Skaffold resets every artifact to Not Started in each dev loop and builds
# what changed: once the loop has deployed, the others read "not rebuilt"
# and when they were last built; the mirror keeps Skaffold's "Not Started".
if wait_screen 60 live "not rebuilt +[0-9]+[smhd] ago"; then
  ok "an artifact not rebuilt in this loop says so, and when it was last built"
  name=$(screen live | sed -n 's/^ . \([a-z]*\) .*not rebuilt.*/\1/p' | head -1)
  check_cmd "the mirror keeps Skaffold's status for $name" wait_for 20 grep -Eq "\"$name\" *: *\"Not Started\"" "$TMP/mirror.json"
else
  not_ok "an artifact not rebuilt in this loop says so, and when it was last built"; screen live | sed 's/^/  | /'
fi
check_not_screen "no 'Not Started' with an old build's duration" live "Not Started +[0-9.]+m?s "

# third_line TEXT: a pattern for a screen whose third line (under the
# header) starts with TEXT.
third_line() { printf '^[^\n]*\n[^\n]*\n%s' "$1"; }
# wait_not_screen SECONDS SESSION REGEX: until the screen no longer matches.
wait_not_screen() {
  local end=$((SECONDS + $1))
  while [[ "$(screen "$2")" =~ $3 ]]; do [ $SECONDS -ge $end ] && return 1; sleep 0.2; done
}

# ---- space goes where the content is ------------------------------------------------
# At 160x48 Artifacts holds its three rows, Resources follows at once (the
# blank rest goes under the Timeline); at 80x24 Resources shows 4 of its 6.
$TM resize-window -t live: -x 160 -y 48
check_screen "160x48: no blank row between Artifacts and Resources" live "─ 1 Artifacts[^"$'\n'"]*"$'\n'"( [^"$'\n'"]*"$'\n'"){3}─ 2 Resources"
$TM resize-window -t live: -x 80 -y 24
check_screen "80x24: Resources shows four rows" live "─ 2 Resources  6[^"$'\n'"]*"$'\n'"( [^"$'\n'"]*"$'\n'"){4}─ 3 Ports"
$TM resize-window -t live: -x 100 -y 30

# ---- the Logs view below 160x48 and zoom ----------------------------------------
# At 100x30 Logs has no place in the layout: L shows it alone, and Esc, z
# and q go back to the layout with the focus where it was (Ports: its o hint).
for k in Escape z q; do
  keys live L
  check_screen "100x30: L shows the Logs view alone" live "$(third_line '─ L Logs')"
  keys live "$k"
  check_screen "100x30: $k in the Logs view goes back to the layout" live "─ 1 Artifacts"
  check_screen "100x30: $k gives the focus back to Ports" live "o copy-url"
done
check_cmd "q in the Logs view did not quit" test ! -e "$TMP/live.rc"
# z zooms a pane of the layout; z, Esc and q come back.
for k in z Escape q; do
  keys live 2 z
  check_screen "z: Resources alone" live "$(third_line '─ 2 Resources')"
  keys live "$k"
  check_screen "zoom: $k goes back to the layout" live "─ 1 Artifacts"
done
check_cmd "q in a zoomed pane did not quit" test ! -e "$TMP/live.rc"

# ---- / history and an invalid regex ------------------------------------------------
keys live 5 /; keys live -l "kind:build"; keys live Enter
keys live / C-u; keys live -l "deploy"; keys live Enter
keys live / C-u Up
check_screen "/ Up: the last text given" live "filter /deploy +Enter apply"
keys live Up
check_screen "/ Up again: the one before" live "filter /kind:build +Enter"
keys live Down Down
check_screen "/ Down past the newest: the line being edited" live "filter / +Enter apply"
keys live Escape
# The Logs search as a regular expression: Enter on an invalid one keeps
# the prompt and its text, and says what is wrong.
keys live L R / C-u; keys live -l "(err"; keys live Enter
check_screen "Logs: an invalid regex keeps its text" live "/ \(err +regular expression: "
keys live BSpace BSpace BSpace BSpace; keys live -l "err|warn"; keys live Enter
check_screen "Logs: fixed, the search applies" live "lines? shown"
keys live / Up
check_screen "Logs: / Up has the Logs search too" live "/ err\|warn +Enter"
keys live Escape R Escape

# ---- the status line ----------------------------------------------------------
# Live, the hints offer no replay keys; a message goes after a few seconds.
keys live 6
check_screen "live Timeline: hints" live "Enter details"
check_not_screen "live: no replay key among the hints" live "next-iteration|Space pause|next-error"
keys live '#'
check_screen "a message on the status line" live "# is not bound"
check_cmd "the message is gone after a few seconds" wait_not_screen 30 live "# is not bound"

keys live q
check_restored "q" live
check_eq "q exits 0" 0 "$(cat "$TMP/live.rc" 2>/dev/null)"

# ---- replays ----------------------------------------------------------------------
# A replay offers no dev-loop keys, and counts iterations one way: Skaffold's
# number above and below, then which of the file's iterations it is.
start_ui replay "$SKVIEW" replay tests/data/skaffold-2x-events.jsonl --at END --no-config --focus artifacts
check_screen "replay: the header counts iterations as the line below" replay "^ [^"$'\n'"]*iter 3 \(4 of 4\)[^"$'\n'"]*"$'\n'" iter 3 "
check_screen "replay Artifacts: hints" replay "Enter details"
check_not_screen "replay: no b or B among the hints" replay " b build| B auto-build"
keys replay q
check_restored "replay q" replay
# A BuildKit replay holds one build: no l (pick a build) and no ].
start_ui bkreplay "$SKVIEW" replay tests/data/bk-failed-build.rawjson --at END --no-config
check_screen "BuildKit replay: hints" bkreplay "Enter expand"
check_not_screen "BuildKit replay: no l or ] among the hints" bkreplay "pick-build|next-iteration"
keys bkreplay q
check_restored "BuildKit replay q" bkreplay

# ---- y copies (OSC 52, which tmux takes into a paste buffer) -----------------------
# and the details popup: wrapped at word boundaries; a build error's opens at
# its first error line.
start_ui copy "$SKVIEW" replay tests/data/skaffold-2x-events.jsonl --at END --no-config --focus errors
$TM set -g set-clipboard on
check_screen "copy: the errors" copy "BUILD_DOCKER_NO_SPACE_ERR"
# buffer_after KEYS...: the paste buffer after the keys (a new one each time).
buffer_after() {
  $TM delete-buffer 2>/dev/null
  keys copy "$@"
  wait_for 10 $TM show-buffer
  $TM show-buffer 2>/dev/null
}
check_eq "y on an error copies its code and message" 'TEST_USER_CONFIG_ERR: expanding test file paths: no files match "structure-test/*.yaml"' "$(buffer_after g y)"
check_eq "y on a suggestion copies its command" "docker system prune" "$(buffer_after g j j j j j y)"
check_screen "the status line says what was copied" copy "copied the suggested command: docker system prune"
keys copy Enter
check_screen "a build error's popup opens at its first error line" copy "│ +#4 0\.913 cmd/web/main\.go:41:6: declared and not used"
check_screen "the popup wraps at a word boundary, under the item's first word" copy "unused docker +│"$'\n'" *│     data +│"
check_match "y in the popup copies its text" "^phase: +build"$'\n'".*docker system prune" "$(buffer_after y)"
keys copy Escape

# ---- o in Logs asks before it overwrites a file --------------------------------------
echo KEEP > "$TMP/keep.txt"
keys copy L o C-u; keys copy -l "$TMP/keep.txt"; keys copy Enter
check_screen "o on an existing file asks first" copy "'$TMP/keep.txt' exists: overwrite it\? +y yes  other keys no"
keys copy n
check_screen "n: not saved" copy "not saved: '$TMP/keep.txt' is left as it was"
check_eq "n: the file is as it was" KEEP "$(cat "$TMP/keep.txt")"
keys copy o C-u; keys copy -l "$TMP/keep.txt"; keys copy Enter
check_screen "asked again" copy "exists: overwrite it\?"
keys copy Escape
check_eq "Esc: the file is as it was" KEEP "$(cat "$TMP/keep.txt")"
keys copy o C-u; keys copy -l "$TMP/keep.txt"; keys copy Enter
check_screen "asked a third time" copy "exists: overwrite it\?"
keys copy y
check_screen "y: saved over it" copy "saved [0-9]+ lines to $TMP/keep.txt"
n=$(screen copy | sed -n "s|.*saved \([0-9]*\) lines to $TMP/keep.txt.*|\1|p" | head -1)
check_eq "y: the file holds the lines said" "${n:-?}" "$(grep -vc '^KEEP$' "$TMP/keep.txt")"
keys copy q q
check_restored "copy q" copy

# ---- the mouse (SGR reports, as xterm sends them: press M, release m) -------------
# click X Y: a left click (press, release) at column X, row Y (from 1), as
# one write. ESCDELAY: a report split by the load is still one. TERM: tmux
# gives its panes "screen", whose reports are X10's, not SGR's.
click() { keys mouse -l $'\e[<0;'"$1;$2"$'M\e[<0;'"$1;$2"m; }
wheel() { keys mouse -l $'\e[<'"$1;10;10M"; } # 64 up, 65 down
start_ui mouse env TERM=xterm-256color ESCDELAY=1500 "$SKVIEW" replay tests/data/skaffold-2x-events.jsonl --at END --no-config --focus errors
check_screen "mouse: the panes" mouse "─ 2 Resources"
click 10 7; click 10 7 # two writes, as a hand makes them
check_screen "a double click is Enter: the row's details" mouse "┌─ Resource ─.*"$'\n'".*resource: deployment/web"
keys mouse Escape
check_cmd "Esc closes it" wait_not_screen 10 mouse "┌─"
keys mouse -l $'\e[<0;10;7M\e[<0;10;7m\e[<0;10;7M\e[<0;10;7m'
check_screen "a double click read in one go is Enter too" mouse "┌─ Resource ─.*"$'\n'".*resource: deployment/web"
keys mouse Escape
keys mouse 4 G Enter
check_screen "a long popup" mouse " 5/28 "
wheel 64
check_screen "the wheel up scrolls the popup" mouse " 2/28 "
wheel 65
check_screen "the wheel down scrolls it back" mouse " 5/28 "
keys mouse Escape
check_cmd "Esc closes the popup" wait_not_screen 10 mouse "┌─"
click 10 5
check_screen "one click focuses the pane" mouse "Enter details Space pause"
check_not_screen "one click opens nothing" mouse "┌─"
keys mouse Enter
check_screen "one click selected the row (Enter opens it)" mouse "artifact: worker"
keys mouse Escape '?' G
check_screen "the help says what the mouse does" mouse "Mouse.*"$'\n'".*click +Focus the pane and select the row.*"$'\n'".*double click +Details of the row \\(as Enter\\)"
wheel 64
check_cmd "the wheel scrolls the help too" wait_not_screen 10 mouse "wheel +Scroll the pane"
keys mouse q
check_cmd "q closes the help" wait_not_screen 10 mouse "Help: keys"
keys mouse q
check_restored "mouse q" mouse

# ---- no Skaffold at the address yet ------------------------------------------------
# The header says how to start one; once it is there, the auto flags come
# from its State. A replay of events never hears them: unknown.
port=$(free_port)
start_ui nosk "$SKVIEW" -a "127.0.0.1:$port" --no-config
check_screen "no Skaffold: the header says how to start one" nosk "no Skaffold at 127\.0\.0\.1:$port: start one with \`skaffold dev --rpc-port $port\`"
"$SKSIM" --port "$port" --seed 3 > "$TMP/sim-late.out" 2>&1 &
at_exit "kill $!"
check_screen "a Skaffold started later: connected" nosk "connected 127\.0\.0\.1:$port"
check_screen "its auto flags, as its State says" nosk "auto: build on sync on deploy on"
check_not_screen "the hint is gone" nosk "no Skaffold at"
keys nosk q
check_restored "no Skaffold q" nosk
start_ui autoq "$SKVIEW" replay tests/data/skaffold-2x-events.jsonl --at END --no-config
check_screen "a replay of events: the auto flags unknown" autoq "auto: build \? sync \? deploy \? "
keys autoq q
check_restored "autoq q" autoq
finish
