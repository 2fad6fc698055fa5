#!/usr/bin/env bash
# The dev-loop timeline (`skview state --timeline`): from a real v1 log, and
# from Skaffold 2.x's two logs of one history: the simulator writes FILE (v1)
# and FILE.v2 (v2 tasks) as `skaffold dev --event-log-file` does, and the
# timeline of FILE.v2 alone must be FILE's: the same iterations, steps,
# statuses, builds per artifact and error codes, and the same times (within
# 50 ms: a v2 task is stamped when it is emitted, beside the v1 event of the
# same step). What only v2 says (the cache check, render) comes on top.
source "$(dirname "$0")/../lib/lib.sh"

# 1. A real log written by Skaffold v1.29: one iteration per DevLoopEvent.
f="$DATA/skaffold-v1.29-helm-events.jsonl"
tl=$("$SKVIEW" state --timeline "$f")
check_eq "v1.29 log: one iteration per dev loop" \
  "$(jq -c 'select(.event.devLoopEvent.status=="In Progress")' "$f" | wc -l)" "$(grep -c '^iteration' <<<"$tl")"
check_eq "v1.29 log: one build line per build" \
  "$(jq -c 'select(.event.buildEvent.status=="Complete")' "$f" | wc -l)" "$(grep -c '^  build .* succeeded' <<<"$tl")"
check_eq "v1.29 log: every iteration succeeded" \
  "$(jq -c 'select(.event.devLoopEvent.status=="Succeeded")' "$f" | wc -l)" "$(grep -c '^iteration .* succeeded .* error -$' <<<"$tl")"
# For a person: the start as the UTC time (as `skview events` prints it) and
# the duration with its unit; --json keeps the numbers (issue 16).
check_eq "v1.29 log: an iteration's start and duration" \
  "iteration 0 session 1 explicit succeeded 2021-08-11T19:19:41.756Z 6.9s error -" "$(sed -n 1p <<<"$tl")"
check_eq "v1.29 log: a step under a second in ms" "  deploy succeeded 2021-08-11T19:19:45.686Z 938ms" "$(sed -n 3p <<<"$tl")"
tlj=$("$SKVIEW" state --timeline --json "$f")
check_eq "--json: the first iteration's numbers" "0 1628709581.756663 1628709588.7344656 6.977802462 null" \
  "$(jq -r 'select(.iteration == 0) | "\(.iteration) \(.start) \(.end) \(.duration) \(.error)"' <<<"$tlj")"
check_eq "--json: every duration is end - start" "" \
  "$(jq -c '.. | objects | select(has("duration")) | select(.duration != null and ((.end - .start - .duration) | fabs) > 0.000001)' <<<"$tlj")"
check_eq "--json: a build step names its artifact and cache" '{"step":"build","artifact":"skaffold-helm","cache":"-"}' \
  "$(jq -c '.steps[0] | {step, artifact, cache}' <<<"$tlj" | head -1)"
# Times from the wire before 1677 or after 2262 cannot be held in
# nanoseconds: said as such, never a wrong date nor an overflow (issue 17).
printf '%s\n' '{"timestamp":"1600-01-01T00:00:00Z","event":{"devLoopEvent":{"iteration":1,"status":"In Progress"}}}' \
  '{"timestamp":"2300-01-01T00:00:01Z","event":{"devLoopEvent":{"iteration":1,"status":"Succeeded"}}}' \
  '{"timestamp":"2000-01-01T00:00:00Z","event":{"devLoopEvent":{"iteration":2,"status":"In Progress"}}}' \
  '{"timestamp":"2000-01-01T00:00:01.5Z","event":{"devLoopEvent":{"iteration":2,"status":"Succeeded"}}}' >"$TMP/far.jsonl"
check_eq "times past 2262: out-of-range, the others as they are" \
"iteration 1 session 1 explicit succeeded out-of-range - error -
iteration 2 session 1 explicit succeeded 2000-01-01T00:00:00Z 1.5s error -" "$("$SKVIEW" state --timeline "$TMP/far.jsonl" 2>&1)"
check_eq "times past 2262 in --json: null" "null null null 946684800 1.5" \
  "$("$SKVIEW" state --timeline --json "$TMP/far.jsonl" | jq -r '"\(.start) \(.end) \(.duration)"' | tr '\n' ' ' | awk '{print $1, $2, $3, $4, $6}')"
"$SKVIEW" state --json "$f" >/dev/null 2>&1
check_eq "state --json without --timeline is a usage error" 2 "$?"
"$SKVIEW" state --timeline -a 127.0.0.1:1 >/dev/null 2>&1
check_eq "--timeline with -a is a usage error" 2 "$?"

# 2. Two simulated Skaffold processes appending to FILE and FILE.v2.
ev="$TMP/events.jsonl"
timeout 60 "$SKSIM" --port 0 --step 0 --interval 1 --seed 1 --iterations 30 \
  --event-log "$ev" >"$TMP/sim1.out" 2>&1
timeout 60 "$SKSIM" --port 0 --step 0 --interval 1 --seed 2 --iterations 8 \
  --event-log "$ev" >"$TMP/sim2.out" 2>&1
check_cmd "the simulator wrote FILE.v2 beside FILE" test -s "$ev.v2"
mkdir -p "$TMP/a" "$TMP/b"
cp "$ev" "$TMP/a/events.jsonl"          # v1 alone
cp "$ev.v2" "$TMP/b/events.jsonl.v2"    # v2 alone
"$SKVIEW" state --timeline "$TMP/a/events.jsonl" >"$TMP/t1" 2>"$TMP/e1"
check_eq "v1 timeline: exit 0" 0 "$?"
"$SKVIEW" state --timeline "$TMP/b/events.jsonl.v2" >"$TMP/t2" 2>"$TMP/e2"
check_eq "v2 timeline: exit 0" 0 "$?"
check_eq "v1 timeline: one iteration per DevLoopEvent" \
  "$(jq -c 'select(.event.devLoopEvent.status=="In Progress")' "$ev" | wc -l)" "$(grep -c '^iteration' "$TMP/t1")"
check_eq "v2 timeline: one iteration per DevLoop task" \
  "$(jq -c 'select(.taskEvent.task=="DevLoop" and .taskEvent.status=="InProgress")' "$ev.v2" | wc -l)" \
  "$(grep -c '^iteration' "$TMP/t2")"
check_eq "two sessions in both" "1 2" "$(awk '/^iteration/ {print $4}' "$TMP/t2" | sort -u | tr '\n' ' ' | sed 's/ $//')"
check_cmd "some iterations failed (the comparison covers error codes)" grep -q ' error [A-Z]' "$TMP/t1"

# The same timeline: v2-only steps (render, cache) aside, word for word but
# the times, which may differ by 50 ms (compared as the numbers --json
# keeps); a status check "started" (v1) is "in progress" (v2) while it runs.
"$SKVIEW" state --timeline --json "$TMP/a/events.jsonl" >"$TMP/j1"
"$SKVIEW" state --timeline --json "$TMP/b/events.jsonl.v2" >"$TMP/j2"
check_eq "--json: one object per iteration" "$(grep -c '^iteration' "$TMP/t2")" "$(jq -c .iteration "$TMP/j2" | wc -l)"
cmp=$(python3 - "$TMP/j1" "$TMP/j2" <<'EOF2'
import json, sys
def st(s):
    return "in_progress" if s == "started" else s
def norm(path):
    out = []
    for line in open(path):
        it = json.loads(line)
        out.append(["iteration", it["iteration"], it["session"], it["implicit"], st(it["status"]),
                    it["start"], it["end"], it["error"]])
        for s in it["steps"]:
            if s["step"] in ("render", "verify", "exec"):
                continue
            if s["step"] == "build" and s["status"] == "none":
                continue          # a cache hit: v2 only
            out.append([s["step"], s.get("artifact"), st(s["status"]), s["start"], s["end"]])
    return out
a, b = norm(sys.argv[1]), norm(sys.argv[2])
if len(a) != len(b):
    print("lines: %d vs %d" % (len(a), len(b))); sys.exit()
num = lambda v: isinstance(v, float)
for i, (x, y) in enumerate(zip(a, b)):
    same = len(x) == len(y) and all(
        abs(p - q) <= 0.05 if num(p) and num(q) else p == q for p, q in zip(x, y))
    if not same:
        print("line %d: %s | %s" % (i + 1, x, y)); sys.exit()
print("same")
EOF2
)
check_eq "the v2 timeline is the v1 timeline" "same" "$cmp"
# FILE read with its FILE.v2 (as Skaffold leaves them): the timeline comes
# from the tasks, exactly FILE.v2's (error codes from v1 now, the same);
# the mirror and the errors stay v1's: the State is FILE's alone.
"$SKVIEW" state --timeline "$ev" >"$TMP/t3"
check_eq "FILE with FILE.v2: the tasks' timeline" "$(cat "$TMP/t2")" "$(cat "$TMP/t3")"
check_eq "FILE with FILE.v2: v1 keeps the State" "$("$SKVIEW" state "$TMP/a/events.jsonl")" "$("$SKVIEW" state "$ev")"
check_cmd "v2 adds the cache checks" grep -q ' cache \(hit\|miss\)$' "$TMP/t2"
check_cmd "v2 adds the render step" grep -q '^  render succeeded' "$TMP/t2"
check_cmd "v1 knows no cache" sh -c "! grep -q ' cache \(hit\|miss\)$' '$TMP/t1'"
finish
