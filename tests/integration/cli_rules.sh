#!/usr/bin/env bash
# The rules every command shares (src/cli/cli.c, core/common.h), each checked
# on every command it applies to:
# - --help and -h: the command's usage on stdout, exit 0, nothing on stderr;
# - "--" ends the options: a FILE named "-x" is read;
# - a word of the command line (a path, a command, an address) is never
#   echoed raw: its escape sequences show as U+241B, on every error line;
# - the locale: in C.UTF-8 an accented letter comes out as itself;
# - a reader that went away (`| head -1`) is exit 0, never SIGPIPE (141)
#   nor 1, file and live;
# - a stray byte 0x90 in invalid UTF-8 loses nothing after it (one U+FFFD);
# - a time after 2262 prints as itself in --json.
source "$(dirname "$0")/../lib/lib.sh"

helm="$DATA/skaffold-v1.29-helm-events.jsonl"
v2="$PWD/tests/data/skaffold-2x-events.jsonl.v2"
raw="$PWD/tests/data/bk-failed-build.rawjson"

# ---- --help ----------------------------------------------------------------------
for c in state events logs replay ctl record buildkit; do
  for h in --help -h; do
    "$SKVIEW" "$c" "$h" >"$TMP/out" 2>"$TMP/err"; rc=$?
    check_eq "$c $h: exit 0, nothing on stderr" "0 " "$rc $(cat "$TMP/err")"
    check_match "$c $h: its usage on stdout" "^usage: skview $c " "$(head -1 "$TMP/out")"
  done
done
"$SKVIEW" logs -a 127.0.0.1:1 --pod p --help >"$TMP/out" 2>&1
check_eq "logs --help after other options: exit 0" "0" "$?"
check_match "logs --help names its options" "--container C" "$(cat "$TMP/out")"
check_match "state --help: --timeline --json" "--timeline.*--json" "$(cat <("$SKVIEW" state --help))"
top=$("$SKVIEW" --help)
bkline=$(grep 'skview buildkit' <<<"$top")
for w in history info show; do
  check_match "skview --help lists buildkit $w" "[|]$w[| ]" "$bkline"
done

# ---- -- ends the options ----------------------------------------------------------
mkdir -p "$TMP/d"
cp "$helm" "$TMP/d/-x.jsonl"
cp "$v2" "$TMP/d/--json.v2"
cp "$raw" "$TMP/d/-b.rawjson"
cd "$TMP/d"
check_eq "events -- -x.jsonl reads the file" "$("$SKVIEW" events "$helm")" "$("$SKVIEW" events -- -x.jsonl 2>&1)"
check_eq "events --json -- -x.jsonl" "$("$SKVIEW" events --json "$helm")" "$("$SKVIEW" events --json -- -x.jsonl 2>&1)"
check_eq "state -- -x.jsonl" "$("$SKVIEW" state "$helm")" "$("$SKVIEW" state -- -x.jsonl 2>&1)"
check_eq "logs -- --json.v2: a FILE, not the option" "$("$SKVIEW" logs "$v2")" "$("$SKVIEW" logs -- --json.v2 2>&1)"
check_eq "buildkit show -- -b.rawjson" "$("$SKVIEW" buildkit show --progress plain "$raw" 2>&1)" \
  "$("$SKVIEW" buildkit show --progress plain -- -b.rawjson 2>&1)"
dump=$("$SKVIEW" replay --dump-screen --at END -- -x.jsonl 2>&1); rc=$?
check_eq "replay --dump-screen -- -x.jsonl: exit 0" 0 "$rc"
check_match "replay -- -x.jsonl: the log's artifact on screen" "skaffold-helm" "$dump"
"$SKVIEW" record -a 127.0.0.1:1 -o out -- extra >/dev/null 2>"$TMP/err"; rc=$?
check_eq "record -- WORD: record takes no operand (exit 2)" 2 "$rc"
"$SKVIEW" ctl -a 127.0.0.1:1 -- --bogus >/dev/null 2>"$TMP/err"; rc=$?
check_eq "ctl -- --bogus: an unknown command, not an option" \
  "2 skview: ctl: unknown command '--bogus' (see skview --help)" "$rc $(cat "$TMP/err")"
cd - >/dev/null

# ---- words of the command line are never echoed raw -----------------------------------
evil=$(printf 'x\033]0;pwned\007\033[2J')
inert_run() { # inert_run NAME ARGS...: stderr holds no ESC, no BEL, and shows the picture
  local n=$1; shift
  "$SKVIEW" "$@" >/dev/null 2>"$TMP/err"
  check_eq "$n: no ESC or BEL on stderr" "0" "$(tr -cd '\033\007' <"$TMP/err" | wc -c)"
  check_match "$n: the escape shown as ␛" "␛" "$(cat "$TMP/err")"
}
inert_run "unknown command" "$evil"
inert_run "state: no such file" state "/nonexistent/$evil"
inert_run "events: no such file" events "/nonexistent/$evil"
inert_run "logs: no such file" logs "/nonexistent/$evil"
inert_run "replay: no such file" replay --dump-screen "/nonexistent/$evil"
inert_run "unknown option" state "--$evil"
inert_run "logs: unknown option" logs "--$evil"
inert_run "ctl: unknown command" ctl -a 127.0.0.1:1 "$evil"
inert_run "buildkit: unknown command" buildkit "$evil"
inert_run "logs -a ADDR prefix" logs -a "unix:///nonexistent/$evil"
inert_run "record -o PATH" record -a 127.0.0.1:1 -o "/nonexistent/$evil"
inert_run "ctl emit @FILE" ctl -a 127.0.0.1:1 emit "@/nonexistent/$evil"
# Outside a UTF-8 locale the message is ASCII: a control picture's bytes
# (E2 90 9B) would hold 0x9b, a CSI to an 8-bit terminal.
LC_ALL=C "$SKVIEW" state "/nonexistent/$evil" 2>"$TMP/err"
check_eq "in the C locale: ASCII only, ESC as ^[" "skview: /nonexistent/x^[]0;pwned^G^[[2J: No such file or directory" "$(cat "$TMP/err")"

# ---- the locale ------------------------------------------------------------------------
printf '%s\n' '{"timestamp":"2026-11-20T09:00:01Z","applicationLogEvent":{"containerName":"app","podName":"web-1","message":"h\u00e9llo\n"}}' \
  '{"timestamp":"2026-11-20T09:00:02Z","skaffoldLogEvent":{"taskId":"Build-1","subtaskId":"w\u00e9b","message":"b\u00e2ti\n","level":3}}' \
  >"$TMP/loc.jsonl.v2"
for loc in C.UTF-8 en_US.UTF-8; do
  locale -a 2>/dev/null | grep -qix "${loc/UTF-8/utf8}" || [ "$loc" = C.UTF-8 ] || continue
  check_eq "logs in $loc: héllo as itself" "[web-1 app] héllo
[Build wéb] bâti" "$(LC_ALL=$loc "$SKVIEW" logs "$TMP/loc.jsonl.v2")"
done
printf '{"timestamp":"2021-08-11T19:19:41Z","event":{"buildEvent":{"artifact":"h\\u00e9llo","status":"In Progress"}},"entry":"Build started for h\\u00e9llo"}\n' >"$TMP/loc.jsonl"
check_match "events in C.UTF-8: héllo as itself" "Build started for héllo$" "$(LC_ALL=C.UTF-8 "$SKVIEW" events "$TMP/loc.jsonl")"
printf '%s\n' '{"timestamp":"2021-08-11T19:19:41Z","event":{"devLoopEvent":{"iteration":1,"status":"In Progress"}}}' \
  '{"timestamp":"2021-08-11T19:19:41.5Z","event":{"buildEvent":{"artifact":"h\u00e9llo","status":"In Progress"}}}' \
  '{"timestamp":"2021-08-11T19:19:42Z","event":{"buildEvent":{"artifact":"h\u00e9llo","status":"Complete"}}}' >"$TMP/tl.jsonl"
check_match "state --timeline in C.UTF-8: héllo as itself" "build héllo " "$(LC_ALL=C.UTF-8 "$SKVIEW" state --timeline "$TMP/tl.jsonl")"

# ---- invalid UTF-8: one placeholder per byte, nothing lost ---------------------------------
for b in 90 98 9d 9e 9f; do
  printf '{"timestamp":"2026-11-20T09:00:01Z","applicationLogEvent":{"containerName":"app","podName":"p","message":"A\x'$b'B C D visible?\\n"}}\n' >"$TMP/c1.jsonl.v2"
  check_eq "logs: a raw 0x$b keeps the rest of the line" "[p app] A�B C D visible?" "$("$SKVIEW" logs "$TMP/c1.jsonl.v2")"
  check_eq "logs --json: a raw 0x$b keeps the rest of the line" 'A\ufffdB C D visible?' \
    "$("$SKVIEW" logs --json "$TMP/c1.jsonl.v2" | grep -o 'A[^"]*visible?')"
  check_match "the Logs view: a raw 0x$b keeps the rest of the line" "p app +A�B C D visible\?" \
    "$("$SKVIEW" replay --dump-screen --at END --focus logs "$TMP/c1.jsonl.v2")"
done

# ---- times past 2262 ----------------------------------------------------------------------
printf '%s\n' '{"timestamp":"2300-01-01T00:00:00Z","applicationLogEvent":{"containerName":"app","podName":"p","message":"late\n"}}' \
  '{"timestamp":"1600-01-01T00:00:00.5Z","skaffoldLogEvent":{"taskId":"Build-1","message":"early\n","level":3}}' >"$TMP/far.jsonl.v2"
check_eq "logs --json: 2300 and 1600 print as themselves" "2300-01-01T00:00:00Z 1600-01-01T00:00:00.500Z" \
  "$("$SKVIEW" logs --json "$TMP/far.jsonl.v2" 2>&1 | jq -r .time | tr '\n' ' ' | sed 's/ $//')"

# ---- a reader that went away ----------------------------------------------------------------
for i in $(seq 300); do cat "$helm"; done >"$TMP/big.jsonl"
for i in $(seq 2000); do cat "$v2"; done >"$TMP/big.jsonl.v2"
piped() { # piped NAME COMMAND...: `COMMAND | head -1` exits 0, nothing on stderr
  local n=$1; shift
  "$@" 2>"$TMP/err" | head -1 >/dev/null
  check_eq "$n | head -1: exit 0, nothing said" "0 " "${PIPESTATUS[0]} $(cat "$TMP/err")"
}
piped "events FILE" "$SKVIEW" events "$TMP/big.jsonl"
piped "events --json FILE" "$SKVIEW" events --json "$TMP/big.jsonl"
piped "state --timeline FILE" "$SKVIEW" state --timeline "$TMP/big.jsonl.v2"
piped "logs FILE" "$SKVIEW" logs "$TMP/big.jsonl.v2"
piped "logs --json FILE" "$SKVIEW" logs --json "$TMP/big.jsonl.v2"
piped "state FILE" "$SKVIEW" state "$TMP/big.jsonl"
"$SKVIEW" events "$TMP/big.jsonl" >/dev/full 2>"$TMP/err"; rc=$?
check_eq "a full disk is still an error, said once" \
  "1 skview: events: standard output: No space left on device" "$rc $(cat "$TMP/err")"

# Live: a history long enough that the reader is gone before it is written.
start_sim --log-flood 100000 --burst 50000 --idle-after 2
wait_for 30 "$SKVIEW" ctl -a "$ADDR" state
until [ "$("$SKVIEW" ctl -a "$ADDR" state | jq '.buildState.artifacts | length')" -gt 0 ] 2>/dev/null; do
  [ $SECONDS -gt 600 ] && break; sleep 0.2; done
piped "logs -a ADDR" timeout 120 "$SKVIEW" logs -a "$ADDR"
piped "logs -a ADDR --follow" timeout 120 "$SKVIEW" logs -a "$ADDR" --follow
piped "events -a ADDR" timeout 120 "$SKVIEW" events -a "$ADDR"
piped "events -a ADDR --follow" timeout 120 "$SKVIEW" events -a "$ADDR" --follow
piped "events -a ADDR --json" timeout 120 "$SKVIEW" events -a "$ADDR" --json
# --follow on a stream gone quiet: nothing more to write, yet the reader's
# end is noticed (a --follow used to wait for its next line, for ever).
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
start_sim --idle-after 1 --log-interval 0
wait_for 30 "$SKVIEW" ctl -a "$ADDR" state
quiesce
piped "logs -a ADDR --follow, a quiet stream" timeout 60 "$SKVIEW" logs -a "$ADDR" --follow
piped "events -a ADDR --follow, a quiet stream" timeout 60 "$SKVIEW" events -a "$ADDR" --follow
finish
