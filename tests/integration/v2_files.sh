#!/usr/bin/env bash
# The v2 file forms through the headless commands: Skaffold's F.v2 (lowerCamel),
# gateway captures of /v2/events and /v2/applicationLogs (proto names, unset
# fields, an error line), malformed lines, strict mode, escape sequences kept
# off the terminal, and the F + F.v2 rule (events prints the file given; state
# and the viewer read F with its F.v2). Expected values come from the files.
source "$(dirname "$0")/../lib/lib.sh"
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
check_eq "F.v2: each coloured message printed with its colours dropped" "ok $(grep -c '\\u001b\[' "$V2")" \
  "$(python3 - "$V2" "$TMP/v2.txt" <<'PY'
import json, re, sys
src, out = open(sys.argv[1]).read().splitlines(), open(sys.argv[2]).read().splitlines()
n, bad = 0, []
for line, printed in zip(src, out):
    ev = json.loads(line)
    msg = (ev.get("skaffoldLogEvent") or {}).get("message", "")
    if "\x1b[" not in msg: continue
    n += 1
    plain = re.sub("\x1b\\[[0-9;]*m", "", msg).rstrip("\n").replace("\n", "\u2424")
    if not printed.endswith(plain) or "\u241b" in printed: bad.append(printed)
print("ok %d" % n if not bad else "bad: %r" % bad[:2])
PY
)"

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
check_eq "app logs: the OSC title sequence dropped whole" "1 0" \
  "$(grep -c '10.96.41.7:50051: connection reset by peer$' "$TMP/gwa.txt") $(grep -c pwned "$TMP/gwa.txt")"

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

# state F.v2 alone: the v2 events fold into the mirror by the v2 server's rules;
# what v2 says alike (artifacts, resources, ports, metadata) equals F's v1 fold.
"$SKVIEW" state "$V2" >"$TMP/v2state.json" 2>"$TMP/err"; rc=$?
check_eq "state F.v2: exit 0, quiet" "0 " "$rc $(cat "$TMP/err")"
check_eq "state F.v2: the same artifacts, resources, ports and deployers as F" "same" "$(python3 - "$TMP/v2state.json" tests/golden/skaffold-2x-events.state.json <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
pick = lambda s: (sorted(s["buildState"]["artifacts"]), sorted(s["statusCheckState"]["resources"].items()),
                  s["forwardedPorts"], s["metadata"]["deploy"], s["metadata"]["build"]["numberOfArtifacts"])
print("same" if pick(a) == pick(b) else "differs: %r vs %r" % (pick(a), pick(b)))
PY
)"
check_eq "state F.v2: its statuses in v2's spelling (no space)" "0" "$(grep -c '"[A-Za-z]* [A-Za-z]*"' "$TMP/v2state.json")"

# state reads F with its F.v2: the v1 mirror of F is what it was.
check_eq "state F (with F.v2 beside it): the v1 golden" "$(cat tests/golden/skaffold-2x-events.state.json)" \
  "$("$SKVIEW" state "$F")"
# A session skview-sim wrote as F and F.v2 (as `skaffold dev --event-log-file F`).
ev="$TMP/sim.jsonl"
timeout 60 "$SKSIM" --port 0 --step 0 --interval 1 --seed 3 --iterations 6 --event-log "$ev" >"$TMP/sim.out" 2>&1
check_eq "sim: F and F.v2 written" "yes yes" "$([ -s "$ev" ] && echo yes) $([ -s "$ev.v2" ] && echo yes)"
check_eq "sim F.v2: --json gives its lines back byte for byte" "$(cat "$ev.v2")" "$("$SKVIEW" events --json "$ev.v2")"
check_eq "sim F.v2: read whole, nothing reported" "$(grep -c . "$ev.v2") " \
  "$("$SKVIEW" events "$ev.v2" 2>"$TMP/err" | wc -l) $(cat "$TMP/err")"
with=$("$SKVIEW" state "$ev"); mv "$ev.v2" "$TMP/aside.v2"; without=$("$SKVIEW" state "$ev"); mv "$TMP/aside.v2" "$ev.v2"
check_eq "sim: state F with its F.v2 keeps F's v1 mirror" "$without" "$with"

# An F.v2 that is F itself (a symbolic or hard link) or a copy of F (v1 lines)
# is refused by name: merged, every entry was folded twice (a second session).
mkdir -p "$TMP/sib"; cp "$F" "$TMP/sib/F"; alone=$("$SKVIEW" state "$TMP/sib/F")
for how in copy symlink hardlink; do
  rm -f "$TMP/sib/F.v2"
  case $how in
    copy) cp "$F" "$TMP/sib/F.v2" ;;
    symlink) ln -s F "$TMP/sib/F.v2" ;;
    hardlink) ln "$TMP/sib/F" "$TMP/sib/F.v2" ;;
  esac
  for cmd in state replay; do
    out=$("$SKVIEW" $cmd "$TMP/sib/F" </dev/null 2>&1 >/dev/null); rc=$?
    check_eq "F.v2 a $how of F: $cmd exits 1" 1 "$rc"
    check_match "F.v2 a $how of F: $cmd names F.v2 and why" "sib/F\.v2: (is .*sib/F itself|its lines are v1 entries)" "$out"
  done
done
rm -f "$TMP/sib/F.v2"
check_eq "without the F.v2, F reads as before" "$alone" "$("$SKVIEW" state "$TMP/sib/F")"
: > "$TMP/sib/F.v2"
check_eq "an empty F.v2 (Skaffold just started) is no copy: F reads as before" "$alone" "$("$SKVIEW" state "$TMP/sib/F" 2>&1)"
finish
