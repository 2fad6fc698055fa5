#!/usr/bin/env bash
# `make screenshots`: PNG pictures of real runs in screenshots/. Each scene runs
# the real binaries in a private tmux server, captures the pane with its colours
# (capture-pane -e), turns it into HTML (tools/ansi2html.py) and photographs it
# with headless Chromium (Debian: apt-get install chromium fonts-dejavu-core).
# Not part of `make test`.
set -u
cd "$(dirname "$0")/.."
BUILD="${BUILD:-build}"
SKVIEW="$PWD/$BUILD/skview" SKSIM="$PWD/$BUILD/skview-sim"
OUT="$PWD/screenshots"
COLS=120 ROWS=36
export LC_ALL=C.UTF-8 TZ=UTC TERM=xterm-256color
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$chrome" ] || { echo "screenshots: needs chromium (apt-get install chromium)" >&2; exit 1; }
[ -x "$SKVIEW" ] && [ -x "$SKSIM" ] || { echo "screenshots: build first (make all)" >&2; exit 1; }
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/skview-shots.XXXXXX)
TM="tmux -L skview-shots-$$ -f /dev/null"
sim=
cleanup() { $TM kill-server >/dev/null 2>&1; [ -n "$sim" ] && kill "$sim" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

# shoot NAME [SESSION]: the pane of SESSION (default NAME) as screenshots/NAME.png
shoot() {
  $TM capture-pane -e -p -t "${2:-$1}:" > "$TMP/$1.ansi"
  python3 tools/ansi2html.py "skview: $1" < "$TMP/$1.ansi" > "$TMP/$1.html"
  "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size=$((COLS * 9 + 24)),$((ROWS * 19 + 24)) --screenshot="$OUT/$1.png" \
    "file://$TMP/$1.html" >/dev/null 2>&1
  [ -s "$OUT/$1.png" ] && echo "  SHOT     screenshots/$1.png" || echo "screenshots: $1 failed" >&2
}
start() { local name=$1; shift; $TM new-session -d -s "$name" -x $COLS -y $ROWS "$*; sleep 600"; }
wait_text() {
  local end=$((SECONDS + $3))
  until $TM capture-pane -p -t "$1:" | grep -q -- "$2"; do [ $SECONDS -ge $end ] && return 1; sleep 0.2; done
}

# A live session against the simulator, with a few iterations behind it.
"$SKSIM" --port 0 --seed 7 --interval 500 > "$TMP/sim.out" 2>&1 &
sim=$!
for _ in $(seq 50); do grep -q 'listening on' "$TMP/sim.out" && break; sleep 0.1; done
addr=$(sed -n 's/.*listening on \([0-9.:]*\).*/\1/p' "$TMP/sim.out" | head -1)
start live "$SKVIEW -a $addr --no-config --record $TMP/rec.skv"
wait_text live "connected" 10
sleep 8
wait_text live "unresolved" 20
shoot live

# An error with its suggestions (details of the newest error).
$TM send-keys -t live: 4 Enter
sleep 0.5
shoot error live
$TM send-keys -t live: Escape

# The timeline, focused.
$TM send-keys -t live: 6
sleep 0.5
shoot timeline live

# The help overlay.
$TM send-keys -t live: '?'
sleep 0.5
shoot help live
$TM send-keys -t live: q

# Skaffold 2.x: the Logs view beside the panes (160x48 and up), then
# zoomed to the whole screen with the application's lines only.
COLS=160 ROWS=48
start logs "$SKVIEW -a $addr --no-config"
wait_text logs "L Logs" 10
sleep 6
shoot logs
$TM send-keys -t logs: L z
sleep 0.3
$TM send-keys -t logs: a a
sleep 1
shoot logs-app logs
$TM send-keys -t logs: q q
COLS=120 ROWS=36

# A replay of the recording, paused mid-way.
start replay "$SKVIEW replay $TMP/rec.skv --no-config --at iter:3 --speed 8"
wait_text replay "replay" 10
sleep 1
shoot replay
$TM send-keys -t replay: q

# BuildKit: the Build pane following the simulator's build as it runs,
# beside Cache and Workers (its Control server on a unix socket).
kill "$sim" 2>/dev/null
"$SKSIM" --port 0 --no-generate --buildkit-socket "$TMP/bk.sock" > "$TMP/bksim.out" 2>&1 &
sim=$!
for _ in $(seq 50); do grep -q '^buildkit listening on' "$TMP/bksim.out" && break; sleep 0.1; done
addr=$(sed -n 's/^listening on \([0-9.:]*\).*/\1/p' "$TMP/bksim.out" | head -1)
start build "$SKVIEW -a $addr --buildkit unix://$TMP/bk.sock --ref w9z4c6b1n7v2x5m8q3k0j6h4g --no-config"
wait_text build "=> => # go: downloading" 10
sleep 0.3
shoot build
$TM send-keys -t build: q
