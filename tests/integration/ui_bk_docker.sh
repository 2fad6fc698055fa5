#!/usr/bin/env bash
# The viewer's BuildKit panes in tmux against the BuildKit inside a real
# Docker daemon (tests/lib/docker_lib.sh; BuildKit v0.8, no build history):
# --buildkit docker://PATH with --ref given before the build starts (the
# Build pane waits for it, then follows it to its FINISHED frame), the Cache
# pane asked again when the build ends, the Workers pane, the build list
# saying only --ref works, and dockerd restarting under the idle viewer: the
# header shows the connection lost and back with no key pressed, and the
# Cache pane keeps current by itself afterwards. Without --ref: the viewer
# says only --ref works (no build followed, no artifact linked).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/docker_lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"
echo "# faults injected: 1"

start_dockerd
dk_base_image
dk_context ok 'FROM skview-bb:1
RUN echo hello && sleep 1
RUN echo step2' >/dev/null
dk_context more 'FROM skview-bb:1
RUN echo more >/more' >/dev/null
REF=skvui00000000000000000001
records() { "$SKVIEW" buildkit --buildkit docker du --json | wc -l; }

start_sim --no-generate
start_ui live "$SKVIEW" -a "$ADDR" --buildkit "docker://$DOCKER_SOCK" --ref "$REF" --no-config
check_screen "header: Docker's BuildKit v0.8 connected, no history" live "connected $ADDR.* BuildKit < v0\.11: no build history, give --ref"
check_screen "--ref before the build: the Build pane waits for it" live "8 Build  waiting for build $REF to start"
check_screen "the Cache pane: nothing built yet" live "9 Cache  0 records"
dk_solve "$REF" ok
check_screen "the build starts: followed with no key pressed" live "Building [0-9.]+s \([0-9]+/[0-9]+\)"
if wait_screen 60 live "Building [0-9.]+s \(([0-9]+)/\1\) FINISHED  ref $REF"; then ok "followed to its FINISHED frame"
else not_ok "followed to its FINISHED frame"; screen live | sed 's/^/  | /'; fi
check_screen "the build's steps" live " => \[2/3\] RUN echo hello && sleep 1 +[0-9.]+s"
wait "$SOLVE_PID"
n=$(records)
check_screen "the build ended: the Cache pane asked again ($n records)" live "9 Cache  $n records"

keys live 0
check_screen "the Workers pane: dockerd's worker" live "0 Workers  1.*"$'\n'" moby +linux/amd64.*"$'\n'" +GC policy #0: unused records, keep 168h0m0s, reserved 536\.87MB"$'\n'
check_not_screen "the Workers pane: dockerd's [\"\"] is no filter" live "reserved 536\.87MB, filter"
keys live l
check_screen "no build history on v0.8: only --ref works" live "no build history \(BuildKit < v0\.11\): give --ref"
keys live Escape

# ---- dockerd restarts under the idle viewer ---------------------------------------------
stop_dockerd
if wait_screen 30 live "BuildKit reconnecting in [0-9.]+s docker:///tmp/"; then ok "dockerd stopped: the idle viewer notices"
else not_ok "dockerd stopped: the idle viewer notices"; screen live | sed 's/^/  | /'; fi
check_screen "dockerd stopped: the status line says why" live "buildkit: connection lost; retrying in [0-9.]+ s: UNAVAILABLE: "
start_dockerd
if wait_screen 60 live "connected $ADDR.* BuildKit < v0\.11: no build history"; then ok "dockerd back: connected again, no key pressed"
else not_ok "dockerd back: connected again, no key pressed"; screen live | sed 's/^/  | /'; fi
check_not_screen "dockerd back: no longer reconnecting" live "BuildKit reconnecting"
# A build nobody follows adds records: the Cache pane shows them within a poll.
dk_solve skvui00000000000000000002 more
wait "$SOLVE_PID"
n2=$(records)
check_cmd "the second build added records ($n -> $n2)" test "$n2" -gt "$n"
if wait_screen 30 live "9 Cache  $n2 records"; then ok "the Cache pane keeps current by itself ($n2 records)"
else not_ok "the Cache pane keeps current by itself ($n2 records)"; screen live | sed 's/^/  | /'; fi
keys live q
wait_for 10 test -s "$TMP/live.after"
check_eq "q exits 0" 0 "$(cat "$TMP/live.rc" 2>/dev/null)"
check_restored "q" live

# ---- without --ref: v0.8 keeps no history, so nothing is followed nor linked --------------
start_ui nohist "$SKVIEW" -a "$ADDR" --buildkit "docker://$DOCKER_SOCK" --no-config
check_screen "no --ref on v0.8: the status line says only --ref works" nohist "BuildKit < v0\.11 has no build history: no build followed nor linked; only --ref works"
check_screen "no --ref on v0.8: the Build pane says so" nohist "8 Build  this daemon has no build history \(BuildKit < v0\.11\): give --ref"
keys nohist 1 g
check_screen "the dev loop's artifacts" nohist "1 Artifacts  3"
keys nohist Escape Enter
check_screen "Enter on an artifact on v0.8: its build cannot be found, only --ref works" nohist "BuildKit < v0\.11 has no build history: no build followed nor linked; only --ref works"
check_screen "...and its details as before" nohist "│ artifact: [a-z]+ .*"$'\n'".*│ status: "
finish
