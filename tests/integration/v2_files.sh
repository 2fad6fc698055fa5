#!/usr/bin/env bash
# The v2 file forms through the headless commands: Skaffold's F.v2 (lowerCamel),
# gateway captures of /v2/events and /v2/applicationLogs (proto names, unset
# fields, an error line), malformed lines, strict mode, escape sequences kept
# off the terminal, and the F + F.v2 rule (events prints the file given; state
# and the viewer read F with its F.v2). Expected values come from the files.
source "$(dirname "$0")/../lib.sh"
F=tests/data/skaffold-2x-events.jsonl
V2=$F.v2
GWE=tests/data/gateway-events.v2.jsonl
GWA=tests/data/gateway-applogs.v2.jsonl

# F.v2: one line per event; --json gives Skaffold's own lines back, byte for byte.
"$SKVIEW" events "$V2" >"$TMP/v2.txt" 2>"$TMP/v2.err"; rc=$?
check_eq "F.v2: exit 0, nothing on stderr" "0 " "$rc $(cat "$TMP/v2.err")"
check_eq "F.v2: one line per event" "$(grep -c . "$V2")" "$(wc -l <"$TMP/v2.txt")"
check_eq "F.v2: --json reproduces Skaffold's lines" "$(cat "$V2")" "$("$SKVIEW" events --json "$V2")"
check_eq "F.v2: every task event as 'task ID STATUS'" "$(grep -c '"taskEvent"' "$V2")" \
  "$(grep -cE '^[0-9T:.Z-]+  task         [A-Za-z]+-[0-9]+ [A-Za-z]+' "$TMP/v2.txt")"
check_match "F.v2: a failed task with its code and message" \
  'task         Build-2 Failed: BUILD_DOCKER_NO_SPACE_ERR: docker build: write /var/lib/docker/tmp/x: no space left on device' \
  "$(cat "$TMP/v2.txt")"
check_match "F.v2: a cache check reads hit or miss" 'build        Build-1 web Cache Failed \(miss\)' "$(cat "$TMP/v2.txt")"
check_match "F.v2: Skaffold's output under its task and artifact" \
  'log          \[Build-2 web\] #4 0\.913 cmd/web/main\.go:41:6: declared and not used: reqID' "$(cat "$TMP/v2.txt")"
check_eq "F.v2: no escape byte reaches stdout" "0" "$(grep -c $'\e' "$TMP/v2.txt")"

# F itself stays v1: events prints the file given.
check_eq "F: events prints F's entries only" "$(grep -c . "$F")" "$("$SKVIEW" events "$F" | wc -l)"
check_eq "F: --json still Skaffold's v1 lines" "$(cat "$F")" "$("$SKVIEW" events --json "$F")"

# Gateway /v2/events: proto names read, the error line a warning with its line.
n=$(grep -c . "$GWE"); errline=$(grep -n '^{"error"' "$GWE" | cut -d: -f1)
"$SKVIEW" events "$GWE" >"$TMP/gwe.txt" 2>"$TMP/gwe.err"; rc=$?
check_eq "gateway events: exit 0" 0 "$rc"
check_eq "gateway events: one line per event" "$((n - 1))" "$(wc -l <"$TMP/gwe.txt")"
check_eq "gateway events: the error line reported as the stream error it is" \
  "$GWE:$errline: the gateway reported an error: 14 UNAVAILABLE: error reading from server: EOF" "$(cat "$TMP/gwe.err")"
check_eq "gateway events: task_id read (no log line without its task)" "0" \
  "$(grep -c '  log          \[\]' "$TMP/gwe.txt")"
"$SKVIEW" events --json "$GWE" >"$TMP/gwe.json" 2>/dev/null
check_eq "gateway events: --json is the canonical lowerCamel form" "0 $(grep -c '"task_id"' "$GWE")" \
  "$(grep -c '"task_id"' "$TMP/gwe.json") $(grep -c '"taskId"' "$TMP/gwe.json")"
check_eq "gateway events: --json omits the unset fields the gateway wrote" "0 0" \
  "$(grep -c 'null' "$TMP/gwe.json") $(grep -c '"description":""' "$TMP/gwe.json")"
check_eq "gateway events: --json reads back to the same events" "$(cat "$TMP/gwe.json")" \
  "$("$SKVIEW" events --json - <"$TMP/gwe.json")"

# Gateway /v2/applicationLogs: "[pod container] message"; hostile bytes inert.
"$SKVIEW" events "$GWA" >"$TMP/gwa.txt" 2>"$TMP/gwa.err"; rc=$?
check_eq "app logs: exit 0, quiet" "0 " "$rc $(cat "$TMP/gwa.err")"
check_eq "app logs: one line per log line" "$(grep -c . "$GWA")" "$(grep -c '  app          \[leeroy-' "$TMP/gwa.txt")"
check_match "app logs: pod and container before the message" \
  'app          \[leeroy-app-7f5d8c6b9-kq2vn leeroy-app\] panic: runtime error' "$(cat "$TMP/gwa.txt")"
check_eq "app logs: no ESC or BEL reaches stdout (an OSC in a message)" "0 0" \
  "$(grep -c $'\e' "$TMP/gwa.txt") $(grep -c $'\a' "$TMP/gwa.txt")"

# Malformed lines: FILE:LINE, skipped, counted; --strict stops with 3.
bad="$TMP/bad.v2"
{ sed -n 1,3p "$V2"; echo 'not json'; echo '{"timestamp":"2024-11-29T08:46:41Z","hologramEvent":{}}'
  echo '{"timestamp":"2024-11-29T08:46:41Z","taskEvent":{"iteration":"two"}}'; sed -n '4,$p' "$V2"; } >"$bad"
"$SKVIEW" events "$bad" >"$TMP/out" 2>"$TMP/err"; rc=$?
check_eq "malformed: exit 0" 0 "$rc"
check_eq "malformed: every good line printed" "$(grep -c . "$V2")" "$(wc -l <"$TMP/out")"
check_eq "malformed: reported as FILE:LINE and counted" \
"$bad:4: invalid JSON (skipped)
$bad:5: unknown Event kind \"hologramEvent\" (from a newer Skaffold?) (skipped)
$bad:6: taskEvent.iteration: expected an integer, got 'two' (skipped)
skview: $bad: skipped 3 malformed line(s) of $(($(grep -c . "$V2") + 3))" "$(cat "$TMP/err")"
"$SKVIEW" events --strict "$bad" >"$TMP/out" 2>"$TMP/err"; rc=$?
check_eq "malformed --strict: exit 3 at the first" "3 3 $bad:4: invalid JSON" "$rc $(wc -l <"$TMP/out") $(cat "$TMP/err")"
printf 'garbage\n{"timestamp":"2024-11-29T08:46:41Z","fooEvent":{}}\n' >"$TMP/none.v2"
"$SKVIEW" events "$TMP/none.v2" >/dev/null 2>"$TMP/err"; rc=$?
check_eq "nothing valid: exit 1" 1 "$rc"

# state reads F with its F.v2: the v1 mirror of F is what it was.
check_eq "state F (with F.v2 beside it): the v1 golden" "$(cat tests/golden/skaffold-2x-events.state.json)" \
  "$("$SKVIEW" state "$F")"
finish
