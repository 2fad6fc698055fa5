#!/usr/bin/env bash
# Whole-screen golden tests, tig style: `skview replay FILE --dump-screen` of
# each pane and popup at a pinned size, locale (C.UTF-8, or C for the ASCII
# fallback) and time zone (UTC), compared WHOLE with tests/golden/screens/NAME.txt.
# A difference is a change of what users see: if it is intended, regenerate
# with `make golden` and review the diff in git; if not, fix the code.
# GOLDEN_UPDATE=1 writes the screens instead of comparing them.
source "$(dirname "$0")/../lib/lib.sh"
G=tests/golden/screens
V2=tests/data/skaffold-2x-events.jsonl      # Skaffold 2.x: tests, platforms, 2.x codes
SIM=tests/data/sim-session.jsonl           # skview-sim: 12 iterations, every failure kind
BK=tests/data/bk-failed-build.rawjson      # BuildKit: a failed build with logs
# A skview recording of skview-sim's BuildKit daemon: `skview buildkit du`,
# `workers` and `status w9z4c6b1n7v2x5m8q3k0j6h4g`, each --record'ed into it.
BKREC=tests/data/bk-session.rec
TWO=tests/data/two-sessions.jsonl          # SIM then V2 appended: two Skaffold sessions in one file
HELM="$DATA/skaffold-v1.29-helm-events.jsonl"
APPLOGS=tests/data/gateway-applogs.v2.jsonl  # a gateway capture of /v2/applicationLogs
GW="$DATA/http-gateway-getting-started.jsonl"

# NAME|LOCALE|SIZE|FILE|ARGS...[|KEYS]: one screen each; KEYS, the keys
# pressed before the dump (space-separated, as --keys takes them).
cases=(
  "v2-all|C.UTF-8|120x40|$V2|--at END"
  "v2-mid-iteration|C.UTF-8|120x40|$V2|--at iter:2"
  "v2-artifacts|C.UTF-8|100x30|$V2|--at END --focus artifacts"
  "v2-resources|C.UTF-8|100x30|$V2|--at END --focus resources"
  "v2-ports|C.UTF-8|100x30|$V2|--at END --focus ports"
  "v2-errors|C.UTF-8|100x30|$V2|--at END --focus errors"
  "v2-events|C.UTF-8|100x30|$V2|--at END --focus events"
  "v2-timeline|C.UTF-8|100x30|$V2|--at END --focus timeline"
  "v2-error-details|C.UTF-8|100x30|$V2|--at END --focus errors --keys Enter"
  "v2-build-error-details|C.UTF-8|100x30|$V2|--at END --focus errors|G Enter"
  "v2-artifact-not-rebuilt|C.UTF-8|100x30|$V2|--at END --focus artifacts|j Enter"
  "v2-help|C.UTF-8|100x40|$V2|--at END --keys ?"
  "v2-help-mouse|C.UTF-8|100x40|$V2|--at END|? G"
  "v2-help-logs|C.UTF-8|100x40|$V2|--at END --focus logs --keys ?"
  "bk-help|C.UTF-8|100x40|$BKREC|--at END --focus cache --keys ?"
  "v2-ascii|C|100x30|$V2|--at END"
  "v2-narrow|C.UTF-8|40x20|$V2|--at END"
  "v2-logs|C.UTF-8|120x40|$V2|--at END --focus logs"
  "v2-logs-wide|C.UTF-8|160x48|$V2|--at END"
  "v2-logs-wrap-times|C.UTF-8|80x30|$V2|--at END --focus logs|w t"
  "v2-logs-jump-artifact|C.UTF-8|120x30|$V2|--at END --keys J"
  "v2-logs-jump-error|C.UTF-8|120x30|$V2|--at END --focus errors|G J"
  "v2-logs-filtered|C.UTF-8|120x30|$V2|--at END --focus logs|a v / d e p l o y Enter"
  "v2-logs-zoom|C.UTF-8|160x48|$V2|--at END --focus logs --keys z"
  "applogs|C.UTF-8|120x30|$APPLOGS|--at END --focus logs"
  "applogs-ascii|C|100x30|$APPLOGS|--at END --focus logs|g s"
  "sim-all|C.UTF-8|120x40|$SIM|--at END"
  "sim-debug|C.UTF-8|100x30|$SIM|--at iter:8 --focus debug"
  "sim-resources|C.UTF-8|100x30|$SIM|--at iter:8 --focus resources"
  "sim-first-error|C.UTF-8|100x30|$SIM|--at error:1 --focus errors"
  "sim-error-followed|C.UTF-8|100x30|$SIM|--at error:1 --focus errors|g e e Enter"
  "sim-pod-followed|C.UTF-8|100x30|$SIM|--at iter:8 --focus resources|j j j ] ] Enter"
  "two-sessions-boundary|C.UTF-8|120x40|$TWO|--at 201 --focus events"
  "two-sessions-end|C.UTF-8|120x40|$TWO|--at END"
  "helm-all|C.UTF-8|80x24|$HELM|--at END"
  "gateway-all|C.UTF-8|80x24|$GW|--at END"
  "bk-build|C.UTF-8|120x40|$BK|--at END"
  "bk-build-narrow|C.UTF-8|60x20|$BK|--at END"
  "bk-cache|C.UTF-8|120x40|$BKREC|--at END --focus cache"
  "bk-cache-last-use|C.UTF-8|100x30|$BKREC|--at END --focus cache|u"
  "bk-cache-ascii|C|80x24|$BKREC|--at END --focus cache"
  "bk-workers|C.UTF-8|100x30|$BKREC|--at END --focus workers"
  "bk-worker-details|C.UTF-8|100x30|$BKREC|--at END --focus workers|Enter"
)
mkdir -p "$G"
for c in "${cases[@]}"; do
  IFS='|' read -r name locale size file args keys <<<"$c"
  kargs=()
  [ -n "$keys" ] && kargs=(--keys "$keys")
  # shellcheck disable=SC2086 # args are words
  got=$(LC_ALL=$locale TZ=UTC "$SKVIEW" replay "$file" --dump-screen --size "$size" --no-config $args "${kargs[@]}" 2>"$TMP/$name.err")
  rc=$?
  check_eq "$name: dump exits 0, nothing on stderr" "0 " "$rc $(cat "$TMP/$name.err")"
  if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
    printf '%s\n' "$got" > "$G/$name.txt"
    ok "$name: written"
    continue
  fi
  if [ ! -f "$G/$name.txt" ]; then not_ok "$name: no golden $G/$name.txt (make golden)"; continue; fi
  if [ "$got" == "$(cat "$G/$name.txt")" ]; then
    ok "$name: the whole screen equals $G/$name.txt"
  else
    not_ok "$name: the screen differs from $G/$name.txt (make golden if intended)"
    diff "$G/$name.txt" <(printf '%s\n' "$got") | head -30
  fi
done
# Every golden is one of the cases (a stale file fails: remove it).
for f in "$G"/*.txt; do
  n=$(basename "$f" .txt)
  printf '%s\n' "${cases[@]}" | grep -q "^$n|" || not_ok "golden $f belongs to no case"
done
finish
