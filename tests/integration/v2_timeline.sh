#!/usr/bin/env bash
# The dev-loop timeline (`skview state --timeline`): from a real v1 log, and
# from Skaffold 2.x's two logs of one history: the simulator writes FILE (v1)
# and FILE.v2 (v2 tasks) as `skaffold dev --event-log-file` does, and the
# timeline of FILE.v2 alone must be FILE's: the same iterations, steps,
# statuses, builds per artifact and error codes, and the same times (within
# 50 ms: a v2 task is stamped when it is emitted, beside the v1 event of the
# same step). What only v2 says (the cache check, render) comes on top.
source "$(dirname "$0")/../lib.sh"

# 1. A real log written by Skaffold v1.29: one iteration per DevLoopEvent.
f="$DATA/skaffold-v1.29-helm-events.jsonl"
tl=$("$SKVIEW" state --timeline "$f")
check_eq "v1.29 log: one iteration per dev loop" \
  "$(jq -c 'select(.event.devLoopEvent.status=="In Progress")' "$f" | wc -l)" "$(grep -c '^iteration' <<<"$tl")"
check_eq "v1.29 log: one build line per build" \
  "$(jq -c 'select(.event.buildEvent.status=="Complete")' "$f" | wc -l)" "$(grep -c '^  build .* succeeded' <<<"$tl")"
check_eq "v1.29 log: every iteration succeeded" \
  "$(jq -c 'select(.event.devLoopEvent.status=="Succeeded")' "$f" | wc -l)" "$(grep -c '^iteration .* succeeded .* error -$' <<<"$tl")"
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

# The same timeline: v2-only lines (render, cache) aside, word for word but
# the times, which may differ by 50 ms; a status check "started" (v1) is
# "in progress" (v2) while it runs.
cmp=$(python3 - "$TMP/t1" "$TMP/t2" <<'EOF'
import re, sys
def norm(path):
    out = []
    for line in open(path):
        w = line.split()
        if w[0] in ("render", "verify", "exec"):
            continue
        if w[0] == "build":
            if w[2] == "none":
                continue          # a cache hit: v2 only
            w = w[:-2]            # "cache X": v2 only
        out.append(["in_progress" if x == "started" else x for x in w])
    return out
a, b = norm(sys.argv[1]), norm(sys.argv[2])
if len(a) != len(b):
    print("lines: %d vs %d" % (len(a), len(b))); sys.exit()
t = re.compile(r"^\d+\.\d{9}$")
for i, (x, y) in enumerate(zip(a, b)):
    same = len(x) == len(y) and all(
        (abs(float(p) - float(q)) <= 0.05) if t.match(p) and t.match(q) else p == q
        for p, q in zip(x, y))
    if not same:
        print("line %d: %s | %s" % (i + 1, " ".join(x), " ".join(y))); sys.exit()
print("same")
EOF
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
