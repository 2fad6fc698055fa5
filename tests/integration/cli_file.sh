#!/usr/bin/env bash
# The headless file commands against the real logs in ../shared/data:
# state, events (text and JSON), malformed input, exit statuses.
source "$(dirname "$0")/../lib/lib.sh"

for f in "$DATA"/*.jsonl; do
  name=$(basename "$f" .jsonl)
  check_eq "state matches Skaffold's fold: $name" "$(cat tests/golden/$name.state.json)" "$("$SKVIEW" state "$f")"
  # JSON out, then folded again: the canonical JSON loses nothing the fold uses.
  check_eq "events --json round-trips through state: $name" "$("$SKVIEW" state "$f")" \
    "$("$SKVIEW" events "$f" --json | "$SKVIEW" state -)"
  check_eq "events prints one line per entry: $name" "$(grep -c . "$f")" "$("$SKVIEW" events "$f" | wc -l)"
done

# The JSON lines are Skaffold's own form: every line of the v1.29 log comes back identical.
check_eq "events --json reproduces Skaffold's lines" "$(cat "$DATA/skaffold-v1.29-helm-events.jsonl")" \
  "$("$SKVIEW" events "$DATA/skaffold-v1.29-helm-events.jsonl" --json)"
check_match "events text line" '^2021-08-11T19:19:41\.763Z  build        Build started for artifact skaffold-helm$' \
  "$("$SKVIEW" events "$DATA/skaffold-v1.29-helm-events.jsonl" | sed -n 3p)"

# Malformed lines: FILE:LINE on stderr, skipped, counted; --strict stops with 3.
bad="$TMP/bad.jsonl"
{ sed -n 1,3p "$DATA/skaffold-v1.29-helm-events.jsonl"; echo 'not json'; echo '{"event":{"buildEvent":{"status":5}}}'
  sed -n 4,19p "$DATA/skaffold-v1.29-helm-events.jsonl"; } > "$bad"
"$SKVIEW" state "$bad" > "$TMP/out" 2> "$TMP/err"; rc=$?
check_eq "malformed lines skipped: exit 0" 0 "$rc"
check_eq "malformed lines skipped: state intact" "$(cat tests/golden/skaffold-v1.29-helm-events.state.json)" "$(cat "$TMP/out")"
check_eq "malformed lines reported as FILE:LINE" \
"$bad:4: invalid JSON (skipped)
$bad:5: event.buildEvent.status: expected a string (skipped)
skview: $bad: skipped 2 malformed line(s) of 21" "$(cat "$TMP/err")"
"$SKVIEW" state --strict "$bad" > "$TMP/out" 2> "$TMP/err"; rc=$?
check_eq "--strict exits 3" 3 "$rc"
check_eq "--strict prints no state" "" "$(cat "$TMP/out")"
check_eq "--strict names the line" "$bad:4: invalid JSON" "$(cat "$TMP/err")"

# Missing file, usage errors.
"$SKVIEW" state /nonexistent.jsonl > "$TMP/out" 2> "$TMP/err"; rc=$?
check_eq "missing file exits 1" 1 "$rc"
check_eq "missing file: one clear line" "skview: /nonexistent.jsonl: No such file or directory" "$(cat "$TMP/err")"
"$SKVIEW" state > /dev/null 2>&1; check_eq "state without FILE exits 2" 2 $?
"$SKVIEW" state --bogus x > /dev/null 2>&1; check_eq "unknown option exits 2" 2 $?
"$SKVIEW" frobnicate > /dev/null 2>&1; check_eq "unknown command exits 2" 2 $?
check_match "--version" '^skview [0-9]+\.[0-9]+\.[0-9]+$' "$("$SKVIEW" --version)"
check_match "--help lists the commands" 'skview state FILE' "$("$SKVIEW" --help)"

# Hostile strings never reach the terminal through `events`.
printf '{"entry":"\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m"}\n' > "$TMP/hostile.jsonl"
out=$("$SKVIEW" events "$TMP/hostile.jsonl")
check_eq "events text output is inert" "" "$(printf '%s' "$out" | LC_ALL=C tr -d '\040-\176\200-\377' | od -An -c | tr -d ' \n')"
# A UTF-8 byte-order mark before the first line loses nothing (the MetaEvent is line 1).
helm="$DATA/skaffold-v1.29-helm-events.jsonl"
{ printf '\xef\xbb\xbf'; cat "$helm"; } > "$TMP/bom.jsonl"
check_eq "BOM: events reads every line" "$("$SKVIEW" events "$helm")" "$("$SKVIEW" events "$TMP/bom.jsonl" 2>&1)"
check_eq "BOM: state" "$(cat tests/golden/skaffold-v1.29-helm-events.state.json)" "$("$SKVIEW" state "$TMP/bom.jsonl" 2>&1)"
{ printf '\xef\xbb\xbf'; sed 's/^/{"result":/; s/$/}/' "$helm"; } > "$TMP/bom-gw.jsonl"
check_eq "BOM: gateway capture" "$("$SKVIEW" events "$helm")" "$("$SKVIEW" events "$TMP/bom-gw.jsonl" 2>&1)"
# The parallel reader (files over 4 MiB) too.
for i in $(seq 300); do cat "$helm"; done > "$TMP/big.jsonl"
{ printf '\xef\xbb\xbf'; cat "$TMP/big.jsonl"; } > "$TMP/bom-big.jsonl"
check_eq "BOM: parallel reader" "$("$SKVIEW" state "$TMP/big.jsonl")" "$("$SKVIEW" state "$TMP/bom-big.jsonl" 2>&1)"

# A compressed log is named as such, once, with the way out; exit 1.
gzip -c "$helm" > "$TMP/log.jsonl.gz"
"$SKVIEW" events "$TMP/log.jsonl.gz" > "$TMP/out" 2> "$TMP/err"; rc=$?
check_eq "gzip: exit 1" 1 "$rc"
check_eq "gzip: one line saying what to do" \
  "skview: $TMP/log.jsonl.gz: gzip-compressed; decompress it first (zcat $TMP/log.jsonl.gz | skview ... -)" "$(cat "$TMP/err")"
check_eq "gzip: the advice works" "$("$SKVIEW" state "$helm")" "$(zcat "$TMP/log.jsonl.gz" | "$SKVIEW" state -)"
head -c 3000 /bin/sh > "$TMP/binary"
"$SKVIEW" state "$TMP/binary" > "$TMP/out" 2> "$TMP/err"; rc=$?
check_eq "binary: exit 1" 1 "$rc"
check_match "binary: one line" "^skview: $TMP/binary: binary data .*not an event log$" "$(cat "$TMP/err")"

# Nothing valid, only malformed lines: exit 1 (3 under --strict), said at the end.
printf 'not json\n{"entry": 1}\n' > "$TMP/allbad.jsonl"
"$SKVIEW" state "$TMP/allbad.jsonl" > "$TMP/out" 2> "$TMP/err"; rc=$?
check_eq "all lines malformed: exit 1" 1 "$rc"
check_eq "all lines malformed: one error, with the reasons" \
  "skview: $TMP/allbad.jsonl: not an event log: no valid entry, 2 malformed line(s) of 2 (line 1: invalid JSON; line 2: entry: expected a string)" \
  "$(cat "$TMP/err")"
# A file in the wrong format (issue 16: 134 lines for one file): one error
# with the first three reasons and the count, for every file command.
{ echo '# Notes'; echo; for i in $(seq 132); do echo "line $i of prose, not JSON"; done; } >"$TMP/notes.md"
for c in state events logs; do
  "$SKVIEW" $c "$TMP/notes.md" >/dev/null 2>"$TMP/err"; rc=$?
  check_eq "$c on a text file: exit 1" 1 "$rc"
  check_eq "$c on a text file: one error with the count and three reasons" \
    "skview: $TMP/notes.md: not an event log: no valid entry, 133 malformed line(s) of 134 (line 1: invalid JSON; line 3: invalid JSON; line 4: invalid JSON; ...)" \
    "$(cat "$TMP/err")"
done
"$SKVIEW" state tests/data/bk-failed-build.rawjson >/dev/null 2>"$TMP/err"
check_eq "a BuildKit rawjson given to state: one line" 1 "$(wc -l <"$TMP/err")"
# Many malformed lines among good ones: three said, the rest counted.
{ sed -n 1,3p "$helm"; for i in $(seq 20); do echo "bad $i"; done; sed -n 4,19p "$helm"; } >"$TMP/many.jsonl"
"$SKVIEW" state "$TMP/many.jsonl" >"$TMP/out" 2>"$TMP/err"; rc=$?
check_eq "20 malformed lines: exit 0, state intact" "0 $(cat tests/golden/skaffold-v1.29-helm-events.state.json)" "$rc $(cat "$TMP/out")"
check_eq "20 malformed lines: three said, then the count" \
"$TMP/many.jsonl:4: invalid JSON (skipped)
$TMP/many.jsonl:5: invalid JSON (skipped)
$TMP/many.jsonl:6: invalid JSON (skipped)
skview: $TMP/many.jsonl: skipped 20 malformed line(s) of 39 (the first 3 above)" "$(cat "$TMP/err")"
"$SKVIEW" events --strict "$TMP/allbad.jsonl" > /dev/null 2>&1; check_eq "all lines malformed, --strict: exit 3" 3 $?
: > "$TMP/empty.jsonl"
"$SKVIEW" state "$TMP/empty.jsonl" > /dev/null 2>&1; check_eq "an empty log is no error" 0 $?

# The gateway's stream errors are reported as such, with their line; reading goes on.
{ sed -n 1,3p "$helm" | sed 's/^/{"result":/; s/$/}/'
  echo '{"error":{"grpcCode":14,"httpCode":503,"message":"connection refused","httpStatus":"Service Unavailable","details":[]}}'
  sed -n 4,19p "$helm" | sed 's/^/{"result":/; s/$/}/'
  echo '{"error":{"code":2,"message":"stream \u001b[2Jreset"}}'; } > "$TMP/gwerr.jsonl"
"$SKVIEW" state "$TMP/gwerr.jsonl" > "$TMP/out" 2> "$TMP/err"; rc=$?
check_eq "gateway error: exit 0" 0 "$rc"
check_eq "gateway error: state intact" "$(cat tests/golden/skaffold-v1.29-helm-events.state.json)" "$(cat "$TMP/out")"
check_eq "gateway error: reported as the stream error it is" \
"$TMP/gwerr.jsonl:4: the gateway reported an error: 14 UNAVAILABLE: connection refused
$TMP/gwerr.jsonl:21: the gateway reported an error: 2 UNKNOWN: stream ␛[2Jreset" "$(cat "$TMP/err")"
finish
