#!/usr/bin/env bash
# One error rule: `skview replay FILE --at error:N` and the `e` key stop at
# exactly the Errors pane's errors, in order. The expected list is the pane's
# own (its rows at the end of the log, its title count), never this script's
# idea of what an error is; error:N+1 is a usage error that says how many
# there are. A resource "In Progress" with an image-pull code is no error, a
# resource "Failed" is.
source "$(dirname "$0")/../lib/lib.sh"

SIZE=200x400   # tall and wide: every row of the Errors pane is on screen

# dump FILE ARGS...: the screen of a replay of FILE, Errors pane focused.
dump() {
  local f=$1; shift
  "$SKVIEW" replay "$f" --no-config --dump-screen --size "$SIZE" --focus errors "$@"
}

# The Errors pane's column on a dumped screen (stdin): the '│'-separated
# segment whose line holds its title, from the title down to the next title.
errors_column() {
  awk -F'│' '
    col == 0 { for (i = 1; i <= NF; i++) if ($i ~ /Errors  [0-9]+,/) { col = i; print $i; next } }
    col > 0 { s = $col; if (s ~ /^─/) exit; print s }'
}

# The Errors pane's count (from its title) on a dumped screen (stdin).
errors_count() { errors_column | head -1 | sed -E 's/.*Errors  ([0-9]+),.*/\1/'; }

# The pane's errors, newest first, one line each: phase, code, subject and
# iteration of each head row (the glyph, "xN", "resolved" and the code's
# description change as the replay goes on and are left out).
errors_rows() {
  errors_column | tail -n +2 | grep -E '^ [✓✗] ' |
    sed -E 's/^ [✓✗] +//; s/(iter -?[0-9]+).*/\1/; s/  +/ /g'
}

# 1. A long generated session: every kind of failure, repeats of an open
#    error (the pane counts them as "x2" on one row) and resolved ones.
ev="$TMP/events.jsonl"
timeout 60 "$SKSIM" --port 0 --step 0 --interval 1 --seed 1 --iterations 40 \
  --event-log "$ev" --state-log "$TMP/states.jsonl" >"$TMP/sim.out" 2>&1
dump "$ev" --at END >"$TMP/end.txt"
n=$(errors_count <"$TMP/end.txt")
errors_rows <"$TMP/end.txt" | tac >"$TMP/want.txt"     # oldest first
check_cmd "session: the Errors pane lists errors" test "$n" -gt 0
check_eq "session: all $n rows of the Errors pane are on the screen" "$n" "$(wc -l <"$TMP/want.txt")"
check_cmd "session: the log holds a repeat of an open error" grep -qE 'iter [0-9]+ x[0-9]+' "$TMP/end.txt"

: >"$TMP/at.txt"
: >"$TMP/key.txt"
bad_count=0
keys=""
for k in $(seq 1 "$n"); do
  dump "$ev" --at "error:$k" >"$TMP/at-$k.txt"
  [ "$(errors_count <"$TMP/at-$k.txt")" = "$k" ] || bad_count=$((bad_count + 1))
  errors_rows <"$TMP/at-$k.txt" | head -1 >>"$TMP/at.txt"
  keys="$keys e"
  dump "$ev" --paused --keys "$keys" | errors_rows | head -1 >>"$TMP/key.txt"
done
check_eq "session: at error:k the Errors pane holds k errors, k = 1..$n" "0 of $n differ" "$bad_count of $n differ"
check_eq "session: --at error:1..$n reach the Errors pane's rows in order" \
  "$(cat "$TMP/want.txt")" "$(cat "$TMP/at.txt")"
check_eq "session: the e key reaches the same rows in order" \
  "$(cat "$TMP/want.txt")" "$(cat "$TMP/key.txt")"
check_match "session: one e more says there is no later error" "no later error" \
  "$(dump "$ev" --paused --keys "$keys e" | head -c 100000)"

dump "$ev" --at "error:$((n + 1))" >"$TMP/past.out" 2>"$TMP/past.err"
check_eq "session: --at error:$((n + 1)) is a usage error" 2 "$?"
check_match "session: error:$((n + 1)) says how many errors the log holds" \
  "error:$((n + 1)): .*holds $n errors" "$(cat "$TMP/past.err")"
check_eq "session: error:$((n + 1)) prints no screen" "" "$(cat "$TMP/past.out")"

# 2. The rule itself, on a log written by hand: a resource In Progress with
#    an image-pull code is waiting, not failing; then it fails.
small="$TMP/pull.jsonl"
res() {
  printf '{"timestamp":"2024-01-01T00:00:0%sZ","event":{"resourceStatusCheckEvent":{"resource":"deployment/web","status":"%s","message":"pulling","statusCode":"STATUSCHECK_IMAGE_PULL_ERR","actionableErr":{"errCode":"STATUSCHECK_IMAGE_PULL_ERR","message":"image pull"}}},"entry":"web"}\n' "$1" "$2"
}
{ res 1 "In Progress"; res 2 "In Progress"; } >"$small"
check_eq "image pull In Progress: the Errors pane lists none" 0 "$(dump "$small" --at END | errors_count)"
dump "$small" --at error:1 >/dev/null 2>"$TMP/pull.err"
check_eq "image pull In Progress: --at error:1 is a usage error" 2 "$?"
check_match "image pull In Progress: it says the log holds no error" "holds 0 errors" "$(cat "$TMP/pull.err")"
res 3 "Failed" >>"$small"
check_eq "resource Failed: the Errors pane lists one" 1 "$(dump "$small" --at END | errors_count)"
check_match "resource Failed: --at error:1 is that resource" "^resource STATUSCHECK_IMAGE_PULL_ERR deployment/web" \
  "$(dump "$small" --at error:1 | errors_rows | head -1)"
finish
