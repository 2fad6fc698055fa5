#!/usr/bin/env bash
# The viewer's BuildKit side survives its daemon going away, as the Skaffold
# side does: skview-sim's Control server on a unix socket is killed while
# the Build pane follows a running build; the header says the connection is
# lost and why, the pane keeps its last frame; the server restarted on the
# same socket, the viewer reconnects by itself (no key pressed) and the
# Build pane follows the build again to its end. Then a daemon that hangs
# (SIGSTOP): the keepalive ping, shortened through SKVIEW_KEEPALIVE_MS,
# notices, and SIGCONT brings the build back.
source "$(dirname "$0")/../lib/lib.sh"

source "$(dirname "$0")/../lib/tmux_lib.sh"
echo "# faults injected: 2"
REF_LIVE=w9z4c6b1n7v2x5m8q3k0j6h4g
SOCK="$TMP/bkd.sock" BK="unix://$TMP/bkd.sock"
bk_ready() { wait_for 10 "$SKVIEW" buildkit --buildkit "$BK" workers || { echo "no BuildKit on $SOCK"; exit 1; }; }
# start_bk STEP_MS: the BuildKit daemon alone (its Skaffold side unused); sets BK_PID.
start_bk() {
  start_sim --no-generate --buildkit-socket "$SOCK" --buildkit-step "$1"
  BK_PID=$SIM_PID
  bk_ready
}
# The build's step count and its version, as the daemon reports them.
steps_of() { sed -n 's/.*Building [0-9.]*s ([0-9]*\/\([0-9]*\)).*/\1/p' <<<"$1" | head -1; }

start_sim --no-generate
SK_ADDR=$ADDR
start_bk 1000
version=$("$SKVIEW" buildkit --buildkit "$BK" workers | grep -o 'v[0-9]*\.[0-9]*\.[0-9]*' | head -1)
check_match "the daemon reports its version" '^v[0-9]' "$version"

# ---- killed and restarted ----------------------------------------------------------
start_ui live "$SKVIEW" -a "$SK_ADDR" --buildkit "$BK" \
  --ref "$REF_LIVE" --no-config
check_screen "header: both sides connected" live "connected $SK_ADDR.*BuildKit ${version//./\\.} unix:///tmp/"
check_screen "the build runs" live "Building [0-9.]+s \([0-9]+/[0-9]+\)  ref $REF_LIVE"
total=$(steps_of "$(screen live)")
check_match "the build has steps" '^[0-9]+$' "$total"
kill -KILL "$BK_PID"; wait "$BK_PID" 2>/dev/null
check_screen "killed: the header says BuildKit is lost" live "BuildKit reconnecting in [0-9.]+s unix:///tmp/"
check_screen "killed: the status line says why" live $'\n'" buildkit: connection lost; retrying in [0-9.]+ s: UNAVAILABLE"
check_screen "killed: the Skaffold side is still connected" live "connected $SK_ADDR"
check_screen "killed: the Build pane keeps its last frame" live "Building [0-9.]+s \([0-9]+/$total\)  ref $REF_LIVE"
check_not_screen "killed: no FINISHED frame invented" live "FINISHED  ref $REF_LIVE"
start_bk 100
check_screen "restarted: the header shows the daemon again" live "BuildKit ${version//./\\.} unix:///tmp/"
check_not_screen "restarted: no longer reconnecting" live "BuildKit reconnecting"
check_screen "restarted: the Build pane follows the build to its end, no key pressed" live \
  "Building [0-9.]+s \($total/$total\) FINISHED  ref $REF_LIVE"

# ---- hung (SIGSTOP): the keepalive notices ------------------------------------------
keys live q
wait_for 10 test -s "$TMP/live.after"
check_eq "q exits 0" 0 "$(cat "$TMP/live.rc" 2>/dev/null)"
kill -KILL "$BK_PID"; wait "$BK_PID" 2>/dev/null
start_bk 1000
# (The woken server answers the test's 1 s pings with a too_many_pings
# GOAWAY, which gRPC logs; a real daemon gets 6 minutes. stderr goes to a
# file to show that the viewer lets none of gRPC's lines reach the
# terminal, where they would be drawn over the screen.)
start_ui hang bash -c 'SKVIEW_KEEPALIVE_MS=1000 exec "$@" 2>"$0"' "$TMP/hang.err" "$SKVIEW" -a "$SK_ADDR" \
  --buildkit "$BK" --ref "$REF_LIVE" --no-config
check_screen "hang: the build runs" hang "Building [0-9.]+s \([0-9]+/$total\)  ref $REF_LIVE"
kill -STOP "$BK_PID"
at_exit "kill -CONT $BK_PID"
t0=$SECONDS
check_screen "hang: the keepalive notices, the header says so" hang "BuildKit reconnecting in [0-9.]+s unix:///tmp/"
check_screen "hang: the status line says why" hang \
  $'\n'" buildkit: connection lost; retrying in [0-9.]+ s: UNAVAILABLE: keepalive watchdog timeout"
check_cmd "hang: within seconds, not forever ($((SECONDS - t0)) s)" test $((SECONDS - t0)) -le 10
kill -CONT "$BK_PID"
check_screen "hang: back, the header shows the daemon" hang "BuildKit ${version//./\\.} unix:///tmp/"
check_screen "hang: back, the Build pane follows the build again" hang "Building [0-9.]+s \([0-9]+/$total\)( FINISHED)?  ref $REF_LIVE"
keys hang q
wait_for 10 test -s "$TMP/hang.after"
check_eq "hang: q exits 0" 0 "$(cat "$TMP/hang.rc" 2>/dev/null)"
check_eq "hang: no gRPC log line written while the viewer had the terminal" "" "$(grep -v '^$' "$TMP/hang.err")"
check_restored hang hang
finish
