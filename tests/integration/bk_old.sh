#!/usr/bin/env bash
# A pre-v0.11 daemon (skview-sim --buildkit-old has no Info and no
# ListenBuildHistory): history says so and points at --ref, the rest works;
# and the TCP form of the address (tcp://host:port) on --buildkit-port.
source "$(dirname "$0")/../lib/lib.sh"

out="$TMP/sim.out"
"$SKSIM" --port 0 --no-generate --buildkit-port 0 --buildkit-old --buildkit-step 0 >"$out" 2>&1 &
SIM_PID=$!
at_exit "kill $SIM_PID"
wait_for 10 grep -q '^buildkit listening on' "$out" || { echo "skview-sim did not start:"; cat "$out"; exit 1; }
ADDR="tcp://$(sed -n 's/^buildkit listening on //p' "$out")"
bk() { "$SKVIEW" buildkit --buildkit "$ADDR" "$@"; }

err=$(bk history 2>&1); rc=$?
check_eq "old daemon: history falls back to --ref" \
  "1 skview: buildkit history: UNIMPLEMENTED: this daemon has no build history (BuildKit < v0.11): give --ref" "$rc $err"
err=$(bk info 2>&1); rc=$?
check_eq "old daemon: no Info" "1 skview: buildkit info: UNIMPLEMENTED: this daemon has no Info call (BuildKit < v0.11)" "$rc $err"
check_eq "old daemon: workers without a version" "" "$(bk workers | grep '^BuildKit:')"
check_match "old daemon: workers" 'ID:[[:space:]]+qmd3uatakr1bzl5xsmg9ebkd4' "$(bk workers)"
check_eq "old daemon: status by ref over tcp://" "[+] Building 2.6s (12/12) FINISHED" "$(bk status m38a1hxgttgm2qcyrjs14yf3j --progress tty | head -1)"
check_eq "host:port without a scheme" "8" "$("$SKVIEW" buildkit --buildkit "${ADDR#tcp://}" du --json | wc -l)"
kill "$SIM_PID"; wait "$SIM_PID"; rc=$?
check_eq "simulator exits cleanly" 0 "$rc"
finish
