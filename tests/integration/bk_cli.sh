#!/usr/bin/env bash
# skview buildkit against skview-sim's BuildKit Control server on a unix
# socket: du, workers, info, history, status (text and rawjson, a >4 MiB
# message, a log split mid-line and mid-UTF-8), prune, recordings and
# rawjson files read back, and the one-line errors.
source "$(dirname "$0")/../lib/lib.sh"

SOCK="$TMP/buildkitd.sock"
# start_sim ARGS...: skview-sim with BuildKit on $SOCK; sets SIM_PID.
start_sim() {
  local out="$TMP/sim.$RANDOM"
  "$SKSIM" --port 0 --no-generate --buildkit-socket "$SOCK" "$@" >"$out" 2>&1 &
  SIM_PID=$!
  at_exit "kill $SIM_PID"
  wait_for 10 grep -q '^buildkit listening on' "$out" || { echo "skview-sim did not start:"; cat "$out"; exit 1; }
}
stop_sim() { kill "$SIM_PID"; wait "$SIM_PID"; }
bk() { "$SKVIEW" buildkit --buildkit "unix://$SOCK" "$@"; }
REF_OK=m38a1hxgttgm2qcyrjs14yf3j REF_FAIL=t1kfp0e8x0q3wby2d5v7h9n4c REF_LIVE=w9z4c6b1n7v2x5m8q3k0j6h4g REF_BIG=b7ig5meg4msg3tst2x1z0y9w8

start_sim --buildkit-step 0

# ---- du ---------------------------------------------------------------------
out=$(bk du); rc=$?
check_eq "du: exit 0" 0 "$rc"
check_eq "du: header" "ID TYPE SIZE FLAGS LAST USED USAGE DESCRIPTION" "$(head -1 <<<"$out" | tr -s ' ')"
check_eq "du: largest first" "yx3ae2ihd8jdhdc1wcj5b76ap 412.00MB" "$(sed -n 2p <<<"$out" | awk '{print $1, $3}')"
check_eq "du: totals" "Total: 810.17MB|Reclaimable: 807.82MB|Shared: 281.41MB|Records: 8" \
  "$(tail -4 <<<"$out" | tr -s ' ' | paste -sd'|')"
check_match "du: in use flag" 'h9j1l3n5p7r9t1v3x5z7b9d1f +source.local +2.35MB +in use, mutable' "$out"
json=$(bk du --sort last-used --json)
check_eq "du --json: one record per line" 8 "$(wc -l <<<"$json")"
check_eq "du --json --sort last-used: never used last" "s1u3w5y7a9c1e3g5i7k9m1o3q" "$(tail -1 <<<"$json" | jq -r .ID)"
check_eq "du --json: sizes add up" 810165330 "$(jq -s 'map(.Size|tonumber)|add' <<<"$json")"
err=$(bk du --sort age 2>&1); rc=$?
check_eq "du --sort age: usage error" "2 skview: buildkit du: --sort is size or last-used, not 'age' (see skview --help)" "$rc $err"

# ---- workers, info --------------------------------------------------------------
out=$(bk workers)
check_match "workers: id" 'ID:[[:space:]]+qmd3uatakr1bzl5xsmg9ebkd4' "$out"
check_match "workers: platforms" 'Platforms:[[:space:]]+linux/amd64,linux/amd64/v2,linux/386' "$out"
check_match "workers: version" 'BuildKit:[[:space:]]+github.com/moby/buildkit v0.13.2' "$out"
check_match "workers: gc policy" 'Keep duration:[[:space:]]+48h0m0s' "$out"
check_eq "workers --json: labels" "oci" \
  "$(bk workers --json | jq -r '.Labels["org.mobyproject.buildkit.worker.executor"]')"
check_eq "info" "BuildKit: github.com/moby/buildkit v0.13.2 2f7ef3dfd5f3bc32a1e4fa3d6d1a0b5bc22a3d1e" "$(bk info)"

# ---- history ------------------------------------------------------------------------
out=$(bk history)
check_eq "history: rows" "$REF_LIVE running|$REF_OK completed|$REF_FAIL error|$REF_BIG completed" \
  "$(tail -n +2 <<<"$out" | grep -v '^  ' | awk '{print $1, $2}' | paste -sd'|')"
check_match "history: header" '^REF +STATUS +STEPS +CREATED +DURATION +IMAGE$' "$(head -1 <<<"$out")"
check_match "history: error line" 'error: process "/bin/sh -c go build' "$out"
check_eq "history --active --json" "STARTED $REF_LIVE" "$(bk history --active --json | jq -r '"\(.type // "STARTED") \(.record.Ref)"')"

# ---- status ----------------------------------------------------------------------------
out=$(COLUMNS=80 bk status "$REF_OK" --progress tty); rc=$?
check_eq "status ok: exit 0" 0 "$rc"
check_eq "status ok: header" "[+] Building 2.6s (12/12) FINISHED" "$(head -1 <<<"$out")"
check_eq "status ok: cached step" " => CACHED [builder 2/4] WORKDIR /src                                       0.0s" \
  "$(grep 'WORKDIR' <<<"$out")"
check_eq "status ok: byte progress" " => => sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915d… 3.41MB / 3.41MB  0.2s" \
  "$(grep '3.41MB / 3.41MB' <<<"$out")"
check_match "status ok: warning" ' => WARN: FromAsCasing' "$out"
check_eq "status ok: widths" 80 "$(grep -- '0.0s$' <<<"$out" | head -1 | awk '{print length($0)}')"
out=$(bk status "$REF_FAIL" --progress tty 2>"$TMP/err"); rc=$?
check_eq "status fail: exit 1" 1 "$rc"
check_eq "status fail: header" "[+] Building 1.3s (10/12)" "$(head -1 <<<"$out")"
check_match "status fail: ERROR line" ' => ERROR \[builder 4/4\] RUN go build' "$out"
check_match "status fail: CANCELED line" ' => CANCELED \[stage-1 1/2\] FROM' "$out"
# The failing step's log arrives in chunks cut mid-line ("cfg.Lo" + "ad") and
# inside multi-byte characters (✗ = E2 9C | 97, é = C3 | A9).
check_eq "status fail: log split mid-line rejoined" "./cmd/app/main.go:12:2: undefined: cfg.Load" "$(grep 'undefined' <<<"$out")"
check_eq "status fail: log split mid-UTF-8 rejoined" "✗ build failed: 1 error (café)" "$(grep 'build failed' <<<"$out")"
check_eq "status fail: error block" "------| > [builder 4/4] RUN go build -o /out/app ./cmd/app:" "$(grep -A1 -m1 -- '^------$' <<<"$out" | paste -sd'|')"
check_eq "status fail: stderr" 'skview: buildkit status: build failed: [builder 4/4] RUN go build -o /out/app ./cmd/app: process "/bin/sh -c go build -o /out/app ./cmd/app" did not complete successfully: exit code: 1' "$(cat "$TMP/err")"
bk status "$REF_FAIL" --json >"$TMP/fail.jsonl" 2>/dev/null; rc=$?
check_eq "status --json: exit 0 (the stream is the answer)" 0 "$rc"
check_eq "status --json: rawjson keys" "digest name" "$(head -1 "$TMP/fail.jsonl" | jq -r '.vertexes[0] | keys_unsorted | join(" ")')"
jq -r '.logs[]?.data' "$TMP/fail.jsonl" | while read -r d; do base64 -d <<<"$d"; done >"$TMP/fail.log"
check_eq "status --json: log bytes as base64, whole lines after joining" "./cmd/app/main.go:12:2: undefined: cfg.Load|✗ build failed: 1 error (café)" \
  "$(tail -2 "$TMP/fail.log" | paste -sd'|')"
ends=$(jq -r '.logs[]?.data' "$TMP/fail.jsonl" | while read -r d; do base64 -d <<<"$d" | tail -c 2 | od -An -tx1 | tr -d ' '; done)
check_match "status --json: a chunk really ends inside a character (e2 9c)" 'e29c' "$ends"
echo "$REF_OK" >"$TMP/ref"
check_eq "status --ref-file" "[+] Building 2.6s (12/12) FINISHED" "$(bk status --ref-file "$TMP/ref" --progress tty | head -1)"
echo "builder/node0/$REF_OK" >"$TMP/ref2"
check_eq "status --ref-file with a buildx ref" "[+] Building 2.6s (12/12) FINISHED" "$(bk status --ref-file "$TMP/ref2" --progress tty | head -1)"
err=$(bk status nosuchref 2>&1); rc=$?
check_eq "status unknown ref: one line, exit 1" "1 skview: buildkit status: NOT_FOUND: no such job nosuchref" "$rc $err"

# ---- plain progress: what a file or a pipe gets (every log line of every step) -------------------------
for ref in "$REF_OK" "$REF_FAIL"; do
  bk status "$ref" --json >"$TMP/$ref.jsonl" 2>/dev/null
  bk status "$ref" >"$TMP/$ref.plain" 2>/dev/null; rc=$?
  check_eq "plain $ref: exit status as with tty" "$(bk status "$ref" --progress tty >/dev/null 2>&1; echo $?)" "$rc"
  check_eq "plain $ref: --progress plain is the default off a terminal" "$(cat "$TMP/$ref.plain")" "$(bk status "$ref" --progress plain 2>/dev/null)"
  summary=$(python3 tests/tools/bk_plain_check.py "$TMP/$ref.jsonl" "$TMP/$ref.plain")
  check_match "plain $ref: every step's log lines and end, as the rawjson has them" '^steps [0-9]+ logs [0-9]+$' "$summary"
  check_eq "plain $ref: --progress rawjson is --json" "$(cat "$TMP/$ref.jsonl")" "$(bk status "$ref" --progress rawjson 2>/dev/null)"
done
# A step that succeeded keeps its log in plain output (the tty end frame drops it).
ok_logs=$(jq -r '.logs[]?.data' "$TMP/$REF_OK.jsonl" | while read -r d; do base64 -d <<<"$d"; done | grep -c .)
check_cmd "plain: the successful build has log lines to keep ($ok_logs)" test "$ok_logs" -gt 0
check_eq "plain: every log line of the successful build is there" "$ok_logs" "$(grep -cE '^#[0-9]+ [0-9]+\.[0-9]+ ' "$TMP/$REF_OK.plain")"
check_match "plain: the header of step 1" '^#1 \[internal\] load build definition from Dockerfile$' "$(head -1 "$TMP/$REF_OK.plain")"
check_match "plain: a status line" '#1 transferring dockerfile: [0-9.]+[kM]?B( [0-9.]+s)? done' "$(cat "$TMP/$REF_OK.plain")"
check_match "plain: a cached step" '#[0-9]+ CACHED' "$(cat "$TMP/$REF_OK.plain")"
check_match "plain fail: the ERROR line" '#[0-9]+ ERROR: process "/bin/sh -c go build' "$(cat "$TMP/$REF_FAIL.plain")"
check_eq "plain fail: the closing block" "------| > [builder 4/4] RUN go build -o /out/app ./cmd/app:" "$(grep -A1 -m1 -- '^------$' "$TMP/$REF_FAIL.plain" | paste -sd'|')"
check_eq "plain: a replayed rawjson prints the same" "$(cat "$TMP/$REF_FAIL.plain")" "$("$SKVIEW" buildkit show "$TMP/$REF_FAIL.jsonl" 2>/dev/null)"
err=$(bk status "$REF_OK" --progress fancy 2>&1); rc=$?
check_eq "--progress fancy: usage error" "2 skview: buildkit: --progress is tty, plain or rawjson, not 'fancy' (see skview --help)" "$rc $err"

# ---- a StatusResponse over gRPC's 4 MiB default ---------------------------------------------------
bk status "$REF_BIG" --json >"$TMP/big.jsonl"; rc=$?
check_eq "big: exit 0" 0 "$rc"
check_eq "big: 5 MiB of log in one message" 5242880 "$(jq -r '.logs[]?.data' "$TMP/big.jsonl" | base64 -d | wc -c)"
check_eq "big: last line" "big log line 081919" "$(jq -r '.logs[]?.data' "$TMP/big.jsonl" | base64 -d | tail -1 | cut -c1-19)"
check_eq "big: text" "[+] Building 0.5s (1/1) FINISHED" "$(bk status "$REF_BIG" --progress tty | head -1)"

# ---- 20000 messages behind a slow reader: the client stops reading when its
# hand-over queue is full and resumes once drained; nothing lost or reordered.
lines=$(bk status f1o0d5tr3am6t7e8s9t0a1b2c --json | (sleep 1; cat) | jq -r '.logs[]?.data | @base64d' | tr -d '\n' | sed 's/line /\n/g' | tail -n +2)
check_eq "flood: every log line, in order" "20000 0 19999 0" \
  "$(awk 'NR==1{f=$1} {if ($1 != NR-1) bad++} END{print NR, f+0, $1+0, bad+0}' <<<"$lines")"

# ---- recordings and rawjson files read back ------------------------------------------------------------
bk status "$REF_FAIL" --record "$TMP/fail.rec" >/dev/null 2>&1
check_eq "show: recording = live" "$(bk status "$REF_FAIL" --progress tty 2>/dev/null | tail -n +2)" "$("$SKVIEW" buildkit show --progress tty "$TMP/fail.rec" 2>/dev/null | tail -n +2)"
check_eq "show: rawjson = live" "$(bk status "$REF_FAIL" --progress tty 2>/dev/null | tail -n +2)" "$("$SKVIEW" buildkit show --progress tty "$TMP/fail.jsonl" 2>/dev/null | tail -n +2)"
# du and workers --record append their answers; the viewer's replay of the
# recording shows them in the Cache and Workers panes, as the daemon sent them.
bk du --record "$TMP/fail.rec" >/dev/null && bk workers --record "$TMP/fail.rec" >/dev/null
scr=$(LC_ALL=C.UTF-8 "$SKVIEW" replay "$TMP/fail.rec" --dump-screen --size 120x48 --no-config --at END)
check_match "du --record: the replay's Cache pane holds the daemon's records" \
  "9 Cache  $(bk du --json | wc -l) records  total " "$scr"
check_match "workers --record: the replay's Workers pane holds the daemon's worker" \
  "0 Workers  1 .*"$'\n'" $(bk workers --json | jq -r .ID)  linux/amd64" "$scr"
check_eq "show: the Status records alone are shown" "$(bk status "$REF_FAIL" --progress tty 2>/dev/null | tail -n +2)" \
  "$("$SKVIEW" buildkit show --progress tty "$TMP/fail.rec" 2>/dev/null | tail -n +2)"
# A UTF-8 byte-order mark before the first rawjson line loses nothing.
{ printf '\xef\xbb\xbf'; cat "$TMP/fail.jsonl"; } >"$TMP/bom.jsonl"
check_eq "show: rawjson with a BOM" "$("$SKVIEW" buildkit show --progress plain "$TMP/fail.jsonl" 2>&1)" \
  "$("$SKVIEW" buildkit show --progress plain "$TMP/bom.jsonl" 2>&1)"
# A byte flipped in the second record's payload loses that record only: the
# rest, the failed step's closing block included, still shows.
python3 - "$TMP/fail.rec" "$TMP/flip.rec" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
off = 8 + 9 + struct.unpack_from("<I", d, 8)[0]
d[off + 9 + struct.unpack_from("<I", d, off)[0] // 2] ^= 0x5a
open(sys.argv[2], "wb").write(d)
print(off, file=open(sys.argv[2] + ".off", "w"))
PY
"$SKVIEW" buildkit show --progress plain "$TMP/flip.rec" >"$TMP/flip.out" 2>"$TMP/flip.err"
check_match "show: a damaged record is reported at its byte offset" "flip.rec:record 2: damaged record at byte $(cat "$TMP/flip.rec.off") " "$(cat "$TMP/flip.err")"
check_eq "show: the records after it are read" "$("$SKVIEW" buildkit show --progress plain "$TMP/fail.rec" 2>/dev/null | sed -n '/^------$/,$p')" \
  "$(sed -n '/^------$/,$p' "$TMP/flip.out")"
printf '{"vertexes":[\n' >>"$TMP/fail.jsonl"
err=$("$SKVIEW" buildkit show "$TMP/fail.jsonl" 2>&1 >/dev/null | head -1)
check_eq "show: malformed line named" "skview: $TMP/fail.jsonl:$(wc -l <"$TMP/fail.jsonl"): not a SolveStatus: truncated JSON" "$err"

# ---- live build: streamed with pauses, ends when the build ends ---------------------------------------------
stop_sim
start_sim --buildkit-step 50
start=$(date +%s%N)
out=$(bk status "$REF_LIVE" --progress tty)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check_eq "live: completes (times at half speed too)" "[+] Building 1.3s (12/12) FINISHED" "$(head -1 <<<"$out")"
check_cmd "live: paced (>= 1.2 s at half speed, took ${ms} ms)" test "$ms" -ge 1200
# Ctrl-C in the middle: the call is cancelled, the frame so far is printed
# (the running step with its log tail), the recording stays readable.
"$SKVIEW" buildkit --buildkit "unix://$SOCK" status "$REF_LIVE" --progress tty --record "$TMP/int.rec" >"$TMP/int.out" 2>&1 &
CP=$!  # skview itself, not a subshell: the signal must reach it
# Interrupted once the running step's log is in (read back from the
# recording), not after a fixed time a busy machine may not keep.
rec_has_log() { "$SKVIEW" buildkit show --progress plain "$TMP/int.rec" 2>/dev/null | grep -q 'go: downloading'; }
wait_for 20 rec_has_log
kill -INT "$CP"; wait "$CP"; rc=$?
check_eq "Ctrl-C: exit 130" 130 "$rc"
check_match "Ctrl-C: the frame so far" '^\[\+\] Building [0-9.]+s \([0-9]+/12\)$' "$(head -1 "$TMP/int.out")"
check_match "Ctrl-C: a log tail of the running step" ' => => # go: downloading' "$(cat "$TMP/int.out")"
# (the times differ: the file ends at its last message, the live frame at Ctrl-C)
untimed() { sed -E 's/[0-9]+\.[0-9]s//g'; }
check_eq "Ctrl-C: the recording reads back alike" "$(untimed <"$TMP/int.out" | grep -v ' => => # ')" \
  "$("$SKVIEW" buildkit show --progress tty "$TMP/int.rec" | untimed)"
# Ctrl-C while --wait waits for a build that has not started: no call is
# open, nothing was folded: exit 130 with no frame.
"$SKVIEW" buildkit --buildkit "unix://$SOCK" status never-started --wait 60s --progress tty >"$TMP/wint.out" 2>"$TMP/wint.err" &
CP=$!
wait_for 30 grep -q 'waiting for build never-started' "$TMP/wint.err"
kill -INT "$CP"; wait "$CP"; rc=$?
check_eq "Ctrl-C while waiting: exit 130, said once, no frame" "130 skview: buildkit status: waiting for build never-started 0" \
  "$rc $(cat "$TMP/wint.err") $(wc -c <"$TMP/wint.out")"

# ---- prune --------------------------------------------------------------------------------------------------
err=$(bk prune </dev/null 2>&1); rc=$?
check_eq "prune without --yes off a tty: refused" "2 skview: buildkit prune: refusing to prune without --yes (standard input is not a terminal)" "$rc $err"
check_eq "prune refused: nothing removed" 8 "$(bk du --json | wc -l)"
out=$(bk prune --yes --filter type==regular --keep-duration 1h); rc=$?
check_eq "prune filtered: exit 0" 0 "$rc"
check_eq "prune filtered: removed the old regular record" "removed p4n6q8s0u2w4y6a8c0e2g4i6k 96.00MB" "$(head -1 <<<"$out" | awk '{print $1, $2, $3}')"
check_eq "prune filtered: total" "Total: 1 record, 96.00MB reclaimed" "$(tail -1 <<<"$out")"
out=$(bk prune --force --json)
check_eq "prune --force --json: one record per line, in use kept" "g8i0k2m4o6q8s0u2w4y6a8c0e c5e7g9i1k3m5o7q9s1u3w5y7a yx3ae2ihd8jdhdc1wcj5b76ap kq0djl2c1wgpvbx2fv5z7d4n3" \
  "$(jq -r .ID <<<"$out" | paste -sd' ')"
check_eq "prune -f --all: internal and frontend go too" "s1u3w5y7a9c1e3g5i7k9m1o3q r2t4v6x8z0b2d4f6h8j0l2n4p" "$(bk prune -f --all --json | jq -r .ID | paste -sd' ')"
check_eq "du after prune: only the record in use" "h9j1l3n5p7r9t1v3x5z7b9d1f" "$(bk du --json | jq -r .ID)"
err=$(bk prune --yes --keep-bytes lots 2>&1); rc=$?
check_eq "prune --keep-bytes lots: usage error" "2 skview: buildkit prune: bad --keep-bytes 'lots' (e.g. 10GB, 512MiB) (see skview --help)" "$rc $err"
# On a terminal it asks; "n" keeps everything.
if command -v script >/dev/null; then
  out=$(echo n | script -qec "$SKVIEW buildkit --buildkit unix://$SOCK prune" /dev/null 2>&1)
  check_match "prune on a tty: asks" 'Prune the build cache of unix://.*\? \[y/N\]' "$out"
  check_match "prune on a tty: n keeps" 'not confirmed, nothing removed' "$out"
fi

# ---- errors -------------------------------------------------------------------------------------------------
stop_sim
err=$(bk du 2>&1); rc=$?
check_match "no daemon: one UNAVAILABLE line, exit 1" "^skview: buildkit du: UNAVAILABLE: " "$err"
check_eq "no daemon: exit 1, one line" "1 1" "$rc $(wc -l <<<"$err")"
err=$(BUILDKIT_HOST=unix://$TMP/none.sock "$SKVIEW" buildkit workers 2>&1)
check_match "BUILDKIT_HOST used" "none.sock" "$err"
err=$("$SKVIEW" buildkit --buildkit docker-container://buildkitd du 2>&1); rc=$?
check_eq "unsupported scheme: usage error" 2 "$rc"
check_match "unsupported scheme: says so" "docker-container:// scheme is not supported" "$err"
err=$("$SKVIEW" buildkit frobnicate 2>&1); rc=$?
check_eq "unknown subcommand: exit 2" 2 "$rc"
# An unreadable --ref-file is a runtime error (1) in the viewer as in the
# headless command; a bad --log-tail value is a usage error (2).
"$SKVIEW" buildkit --ref-file "$TMP/no-such-ref" status >/dev/null 2>&1; rc_cmd=$?
err=$("$SKVIEW" --ref-file "$TMP/no-such-ref" </dev/null 2>&1); rc=$?
check_eq "viewer --ref-file unreadable: exit as buildkit's ($rc_cmd)" "1 1" "$rc $rc_cmd"
check_match "viewer --ref-file unreadable: names the file" "no-such-ref: No such file" "$err"
"$SKVIEW" --buildkit "unix://$TMP/none.sock" --log-tail 0 </dev/null >/dev/null 2>&1; rc=$?
check_eq "viewer --log-tail 0: usage error" 2 "$rc"
finish
