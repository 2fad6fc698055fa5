#!/usr/bin/env bash
# skview record: SIGTERM loses nothing; a reconnect to the same server skips
# the replayed history; a restarted server with another history is recorded
# after the old one and folds to the new server's State.
source "$(dirname "$0")/../lib/lib.sh"

# A recording's v1 entries (record writes both v2 streams too).
v1_entries() { "$SKVIEW" events --json "$1" 2>/dev/null | grep -E '^\{("timestamp":"[^"]*",)?"(event|entry)":'; }
count() { v1_entries "$1" | wc -l; }
event_part() { jq -S -c 'walk(if type=="object" then del(.autoTrigger, .statusCode) else . end)'; }
connects_at_least() { [ "$(grep -c connected "$1")" -ge "$2" ]; }
count_is() { [ "$(count "$1")" -eq "$2" ]; }
# stop_record PID: SIGTERM, then its exit status.
stop_record() { kill -TERM "$1"; timeout $(wait_limit 10) tail --pid="$1" -f /dev/null; wait "$1"; }

# 1. SIGTERM in the middle of a fast stream: what was received is on disk.
start_sim --port 0 --no-generate --step 0 --flood 3000000
"$SKVIEW" record -a "$ADDR" -o "$TMP/big.rec" 2>"$TMP/big.err" &
rec=$!; at_exit "kill $rec"
wait_for 10 grep -q connected "$TMP/big.err"
# Mid-stream: past 1000 entries, whatever the load. The file's size says so
# at once (a record is at least 60 bytes here); counting its entries took
# seconds of a 3M-entry stream, which a quiet machine had received whole.
bytes_over() { [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt "$2" ]; }
wait_for 30 bytes_over "$TMP/big.rec" $((1000 * 60 * 4))
stop_record $rec; rc=$?
check_eq "SIGTERM: exit 0" 0 "$rc"
n=$(sed -n 's/.*: \([0-9]*\) entries written to.*/\1/p' "$TMP/big.err")
check_match "SIGTERM: count printed" "^[0-9]+$" "$n"
check_eq "SIGTERM: every entry counted is in the file" "$n" "$(count "$TMP/big.rec")"
check_cmd "SIGTERM: stopped mid-stream" test "${n:-0}" -gt 1000 -a "${n:-0}" -lt 3000022
kill $SIM_PID

# 2. The stream ends (a flood closes it) and record reconnects to the same
#    server: the replayed history is not written twice.
start_sim --port 0 --no-generate --step 0 --flood 20000
timeout $(wait_limit 20) "$SKVIEW" events -a "$ADDR" >"$TMP/all.txt"
total=$(wc -l <"$TMP/all.txt")
"$SKVIEW" record -a "$ADDR" -o "$TMP/same.rec" 2>"$TMP/same.err" &
rec=$!; at_exit "kill $rec"
check_cmd "same server: reconnected" wait_for 15 connects_at_least "$TMP/same.err" 2
wait_for 30 count_is "$TMP/same.rec" "$total"   # a duplicate would come after: see below
stop_record $rec
check_eq "same server: no duplicates" "$total" "$(count "$TMP/same.rec")"
check_match "same server: replay skipped" "\([0-9]+ replayed entries already recorded\)" "$(cat "$TMP/same.err")"
kill $SIM_PID

# 3. Server killed and restarted on the same port with another history.
port=$(free_port)
start_sim --port "$port" --no-generate --step 0
old_pid=$SIM_PID
"$SKVIEW" record -a "$ADDR" -o "$TMP/two.rec" 2>"$TMP/two.err" &
rec=$!; at_exit "kill $rec"
wait_for 10 grep -q connected "$TMP/two.err"
sleep 0.5
n_old=$(count "$TMP/two.rec")
kill $old_pid; wait $old_pid 2>/dev/null
check_cmd "restart: record notices" wait_for 10 grep -q retrying "$TMP/two.err"
start_sim --port "$port" --play "$DATA/skaffold-v1.29-helm-events.jsonl" --speed 0 --no-generate
check_cmd "restart: new history recorded" wait_for 20 count_is "$TMP/two.rec" $((n_old + 19))
stop_record $rec; rc=$?
check_eq "restart: exit 0" 0 "$rc"
server=$("$SKVIEW" ctl -a "$ADDR" state)
check_eq "restart: the new history folds to the new server's State" "$(event_part <<<"$server")" \
  "$(v1_entries "$TMP/two.rec" | tail -n 19 | "$SKVIEW" state - | event_part)"

# Bad output path: a clear error, exit 1.
"$SKVIEW" record -a "$ADDR" -o /nonexistent/dir/x.rec 2>"$TMP/bad.err"; rc=$?
check_eq "unwritable -o: exit 1" 1 "$rc"
"$SKVIEW" record -a "$ADDR" 2>/dev/null; check_eq "missing -o: exit 2" 2 $?
finish
