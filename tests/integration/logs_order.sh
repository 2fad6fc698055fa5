#!/usr/bin/env bash
# A connect-time history in time order. On connect Skaffold replays its v2
# Events history (Skaffold's lines of every dev loop) and the current dev
# loop's application lines on two streams at once; `skview logs -a` and the
# Logs view show them merged by time: no line is followed by a line of the
# other stream that is older (beyond the sim's own jitter within a stream),
# so the current loop's application lines come after the first loops' build
# output and the newest lines are at the bottom.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"

# worst FILE: the largest step back in time (seconds) from any line to a
# later line of the other source, in lines "SOURCE EPOCH-SECONDS".
worst() {
  python3 - "$1" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
later_min = {}
worst = 0.0
for src, t in reversed(rows):
    t = float(t)
    for other, m in later_min.items():
        if other != src and t - m > worst:
            worst = t - m
    later_min[src] = min(t, later_min.get(src, t))
print("%.3f" % worst)
PY
}

start_sim --seed 11 --interval 500 --log-interval 100 --idle-after 4 --event-log "$TMP/ev.jsonl"
# A history of several dev loops (the pods log all the while).
builds() { [ "$(grep -o '"Build-[0-9]*"' "$TMP/ev.jsonl.v2" | sort -u | wc -l)" -ge 3 ]; }
check_cmd "a history of 3 builds" wait_for 60 builds

# The pods keep logging, so the command runs until told to stop (SIGTERM
# prints what it holds and exits 0).
"$SKVIEW" logs -a "$ADDR" --json >"$TMP/cli.json" 2>"$TMP/cli.err" &
cli=$!; at_exit "kill $cli"
app_lines() { [ "$(grep -c '"source":"app"' "$TMP/cli.json")" -ge 20 ]; }
wait_for 30 app_lines
kill -TERM "$cli"; wait "$cli"; rc=$?
check_eq "skview logs -a: exit 0 on SIGTERM" 0 "$rc"
jq -r '[.source, (.time | sub("\\.[0-9]+Z$"; "Z") | fromdate | tostring) + "." + (.time | capture("\\.(?<f>[0-9]+)Z$").f)] | join(" ")' \
  "$TMP/cli.json" >"$TMP/cli.t"
n_app=$(grep -c '^app ' "$TMP/cli.t"); n_sk=$(grep -c '^skaffold ' "$TMP/cli.t")
check_cmd "skview logs -a: both streams ($n_sk Skaffold lines, $n_app application lines)" \
  test "$n_app" -ge 20 -a "$n_sk" -ge 100
w=$(worst "$TMP/cli.t")
check_cmd "skview logs -a: the streams merged by time (worst step back ${w}s)" python3 -c "import sys; sys.exit(not $w < 0.5)"
check_eq "skview logs -a: the last line is the newest" \
  "$(cut -d' ' -f2 "$TMP/cli.t" | sort -n | tail -1)" "$(tail -1 "$TMP/cli.t" | cut -d' ' -f2)"

# The viewer: the Logs view's saved lines, with their times.
start_ui v "$SKVIEW" -a "$ADDR" --no-config
$TM resize-window -t v: -x 160 -y 48
keys v L
check_screen "the Logs view" v "L Logs .* follow"
wait_for 20 bash -c "$TM capture-pane -p -t v: | grep -q '\[Build'"
keys v t
n=$(logs_save v "$TMP/ui.txt")
check_cmd "viewer: lines saved ($n)" test "$n" -ge 100
# "HH:MM:SS.mmm [pod container] ..." or "[Task subject] ...": the source
# by the first word of the tag (a pod's name has a dash and a hash).
python3 - "$TMP/ui.txt" >"$TMP/ui.t" <<'PY'
import re, sys
for l in open(sys.argv[1]):
    m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) \[(\S+)", l)
    if not m:
        continue
    h, mi, s, ms, who = m.groups()
    src = "skaffold" if who in ("Build", "Deploy", "StatusCheck", "Test", "Render", "DevLoop", "Sync",
                                "PortForward", "Verify", "Exec", "Cleanup") else "app"
    print(src, int(h) * 3600 + int(mi) * 60 + int(s) + int(ms) / 1000)
PY
check_cmd "viewer: both streams ($(grep -c '^app' "$TMP/ui.t") application lines)" grep -q '^app' "$TMP/ui.t"
w=$(worst "$TMP/ui.t")
check_cmd "viewer: the streams merged by time (worst step back ${w}s)" python3 -c "import sys; sys.exit(not $w < 0.5)"
keys v q
check_restored "quit" v
finish
