#!/usr/bin/env bash
# The headless file commands against the real logs in ../shared/data:
# state, events (text and JSON), malformed input, exit statuses.
source "$(dirname "$0")/../lib.sh"

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
finish
