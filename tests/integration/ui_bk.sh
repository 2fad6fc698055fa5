#!/usr/bin/env bash
# The viewer's BuildKit panes in tmux against skview-sim's Control server on
# a unix socket in $TMP (and its Skaffold side on a loopback port): the
# build list from ListenBuildHistory, a live build with running timers to
# its finished frame, a failed build picked from the list, the Cache pane
# (totals, sorts, prune behind its prompts, removed records listed), the
# Workers pane, idle CPU once the build ended, and a pre-v0.11 daemon.
source "$(dirname "$0")/../lib/lib.sh"

source "$(dirname "$0")/../lib/tmux_lib.sh"
REF_OK=m38a1hxgttgm2qcyrjs14yf3j REF_FAIL=t1kfp0e8x0q3wby2d5v7h9n4c REF_LIVE=w9z4c6b1n7v2x5m8q3k0j6h4g
# bk_ready SOCK: the simulator answers on its BuildKit socket (start_sim in
# lib.sh waits for the Skaffold side only).
bk_ready() { wait_for 10 "$SKVIEW" buildkit --buildkit "unix://$1" workers || { echo "no BuildKit on $1"; exit 1; }; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# ---- a v0.13 daemon, builds in real time ---------------------------------------
start_sim --no-generate --buildkit-socket "$TMP/bkd.sock" --buildkit-step 100
bk_ready "$TMP/bkd.sock"
BK="unix://$TMP/bkd.sock"
start_ui live "$SKVIEW" -a "$ADDR" --buildkit "$BK" --no-config
check_screen "header: Skaffold connected, BuildKit's version and address" live "connected $ADDR.*BuildKit v0\.13\.2 unix:///tmp/"
check_screen "no --ref: the running build is followed" live "8 Build  Building [0-9.]+s \([0-9]+/12\)  ref $REF_LIVE  \(every build\)"
keys live l
check_screen "history: the running build first" live "8 Build  4 builds.*"$'\n'" running +$REF_LIVE +7/12 steps"
check_screen "history: finished and failed builds" live "failed +$REF_FAIL +10/12 steps.* process \"/bin/sh.*"$'\n'" completed +$REF_OK +12/12 steps \(2 cached\)"

# Following the running build: the header's timer moves, then the last frame.
keys live g Enter
check_screen "live build: a running step with its log tail" live " => \[builder 4/4\] RUN go build.*"$'\n'" => => # go: downloading"
t1=$(screen live | sed -n 's/.*Building \([0-9.]*\)s ([0-9]*\/12)  ref.*/\1/p')
sleep 0.5
t2=$(screen live | sed -n 's/.*Building \([0-9.]*\)s ([0-9]*\/12)  ref.*/\1/p')
check_cmd "live build: the timer runs ($t1 s, then $t2 s)" test -n "$t1" -a -n "$t2" -a "$t1" != "$t2"
check_screen "live build: finished" live "Building 2\.6s \(12/12\) FINISHED  ref $REF_LIVE"
check_screen "live build: durations once done" live " => \[builder 4/4\] RUN go build -o /out/app ./cmd/app +1\.4s"
check_not_screen "live build: no log tails in the last frame" live " => => # "

# Idle: once the build ended nothing moves, so no timer wakes the viewer.
pid=$(cat "$TMP/live.pid")
sleep 0.5
c1=$(cpu_ticks "$pid"); sleep 2; c2=$(cpu_ticks "$pid")
check_cmd "idle after the build: $((c2 - c1)) CPU ticks in 2 s" test $((c2 - c1)) -le 3

# A finished build picked from the list replays its Status: the failure.
keys live l
check_screen "l lists the builds again" live "4 builds: Enter follows one"
keys live g j j Enter
check_screen "failed build: the header" live "8 Build  Building 1\.3s \(10/12\) ERROR  ref $REF_FAIL"
check_screen "failed build: a CANCELED step" live " => CANCELED \[stage-1 1/2\] FROM"
check_screen "failed build: its whole log at the end" live "------"$'\n'" > \[builder 4/4\] RUN go build -o /out/app \./cmd/app:"$'\n'"(.*"$'\n'")*\./cmd/app/main\.go:12:2: undefined: cfg\.Load"
check_screen "failed build: the status line says so" live "build $REF_FAIL failed"
keys live /
keys live -l "kind:step ERROR"
keys live Enter
check_screen "failed build: the ERROR step, filtered" live " => ERROR \[builder 4/4\] RUN go build -o /out/app ./cmd/app +0\.3s"

# ---- Cache --------------------------------------------------------------------------
keys live 9
check_screen "cache: totals" live "9 Cache  8 records  total 810\.17MB  reclaimable 807\.82MB  shared 281\.41MB  by size"
check_screen "cache: largest first" live " ID +TYPE +SIZE +FLAGS +LAST USED +USAGE +DESCRIPTION"$'\n'" yx3ae2ihd8jdh.* 412\.00MB "
keys live u
check_screen "cache: u sorts by last use (in use, newest first)" live "by last use.*"$'\n'" ID .*"$'\n'" h9j1l3n5p7r9t.* in use, mutable "
keys live z
check_screen "cache: z sorts by size again" live "by size.*"$'\n'" ID .*"$'\n'" yx3ae2ihd8jdh"

# Prune asks for options, then y/N; n keeps everything.
keys live P
check_screen "prune: asks for options" live "prune options \(all filter=F keep-duration=D keep-bytes=N\):"
keys live -l 'type==regular keep-duration=1h'
keys live Enter
check_screen "prune: asks to confirm, naming what goes" live "Prune\? \[y/N\] unused records where type==regular, keep those used in 1h0m0s"
keys live n
check_screen "prune: n removes nothing" live "prune cancelled, nothing removed"
check_screen "prune: n keeps the 8 records" live "9 Cache  8 records"
keys live P Enter y
check_screen "prune: removed records listed as they stream back" live "pruned: 1 record, 96\.00MB reclaimed"$'\n'" removed p4n6q8s0u2w4y6a8c0e2g4i6k 96\.00MB "
check_screen "prune: the table is asked for again" live "9 Cache  7 records  total 714\.17MB"
keys live P
keys live C-u Enter y
check_screen "prune: unused records, each listed" live "pruned: 4 records, 711\.81MB reclaimed"$'\n'"( removed .*"$'\n'"){4}"

# ---- Workers --------------------------------------------------------------------------
keys live 0
check_screen "workers: ID and platforms" live "0 Workers  1.*"$'\n'" qmd3uatakr1bzl5xsmg9ebkd4  linux/amd64,linux/amd64/v2,linux/386"
check_screen "workers: version, labels and GC policies" live "BuildKit github\.com/moby/buildkit v0\.13\.2.*"$'\n'"(.*"$'\n'")*.*executor = oci(.*"$'\n'")*.*GC policy #0: unused records, keep 48h0m0s, reserved 10\.00GB"

# Skaffold's panes are a focus key away, in their own layout.
keys live 1
check_screen "1: Skaffold's panes" live "1 Artifacts"
check_not_screen "1: BuildKit's panes give way below 140 columns" live "8 Build"
# No build exports an artifact's image here: Enter keeps its details.
keys live g Enter
check_screen "Enter on an artifact no build exports: its details" live "│ artifact: [a-z]+ .*"$'\n'".*│ status: "
keys live Enter
keys live q
wait_for 10 test -s "$TMP/live.after"
check_eq "q exits 0" 0 "$(cat "$TMP/live.rc" 2>/dev/null)"
check_eq "q restores the terminal" "$(cat "$TMP/live.before" 2>/dev/null)" "$(cat "$TMP/live.after" 2>/dev/null)"

# --ref-file follows a build at once; $BUILDKIT_HOST is enough to ask for BuildKit.
echo "builder/node0/$REF_OK" > "$TMP/ref"
start_ui reffile env BUILDKIT_HOST="$BK" "$SKVIEW" -a "$ADDR" --ref-file "$TMP/ref" --no-config
check_screen "BUILDKIT_HOST and --ref-file: the build" reffile "Building 2\.6s \(12/12\) FINISHED  ref $REF_OK"
keys reffile q

# ---- a pre-v0.11 daemon: no history, a ref is needed ------------------------------------
start_sim --no-generate --buildkit-socket "$TMP/bkd_old.sock" --buildkit-old --buildkit-step 0
bk_ready "$TMP/bkd_old.sock"
start_ui old "$SKVIEW" -a "$ADDR" --buildkit "unix://$TMP/bkd_old.sock" --no-config
check_screen "old daemon: the pane says a ref is needed" old "8 Build  this daemon has no build history \(BuildKit < v0\.11\): give --ref"
check_screen "old daemon: the header too" old "BuildKit < v0\.11: no build history, give --ref"
keys old Escape
check_screen "old daemon: Esc clears the status line" old $'\n'" Enter expand"
keys old l
check_screen "old daemon: l says so in the status line" old $'\n'" this daemon has no build history \(BuildKit < v0\.11\): give --ref +Enter expand"
keys old q
start_ui oldref "$SKVIEW" -a "$ADDR" --buildkit "unix://$TMP/bkd_old.sock" --ref "$REF_FAIL" --no-config
check_screen "old daemon: --ref works" oldref "Building 1\.3s \(10/12\) ERROR  ref $REF_FAIL"
keys oldref q
wait_for 10 test -s "$TMP/oldref.after"
check_eq "old daemon: exits 0" 0 "$(cat "$TMP/oldref.rc" 2>/dev/null)"

# A daemon that is not there: each call's error is shown, the viewer stays up.
start_ui none "$SKVIEW" -a "$ADDR" --buildkit "unix://$TMP/bkd_none.sock" --no-config
check_screen "no daemon: the error is shown" none "UNAVAILABLE"
keys none 9
check_screen "no daemon: the Cache pane says why" none "9 Cache  du: UNAVAILABLE"
keys none q
wait_for 10 test -s "$TMP/none.after"
check_eq "no daemon: exits 0" 0 "$(cat "$TMP/none.rc" 2>/dev/null)"
finish
