#!/usr/bin/env bash
# A server that hangs after the handshake (SIGSTOP): the stream is open but
# silent. The client's keepalive ping (6 minutes against Skaffold; shortened
# here through SKVIEW_KEEPALIVE_MS) notices and says so; `events --follow`
# keeps retrying, and when the server wakes up (SIGCONT) it goes on where it
# was: nothing printed twice, nothing missed.
source "$(dirname "$0")/../lib/lib.sh"
echo "# faults injected: 1"
start_sim --no-generate --step 0
check_cmd "history arrives" sh -c "'$SKVIEW' events -a '$ADDR' > '$TMP/first' && test -s '$TMP/first'"
SKVIEW_KEEPALIVE_MS=1000 "$SKVIEW" events -a "$ADDR" --follow > "$TMP/out" 2> "$TMP/err" &
ev=$!
at_exit "kill $ev"
wait_for 10 test -s "$TMP/out"
kill -STOP "$SIM_PID"
at_exit "kill -CONT $SIM_PID"
t0=$SECONDS
check_cmd "a hung server is noticed" wait_for 15 grep -q "connection lost" "$TMP/err"
check_cmd "within seconds, not forever" test $((SECONDS - t0)) -le 15
check_match "it says why" "^skview: events: connection lost; retrying in [0-9.]+ s: UNAVAILABLE: keepalive watchdog timeout" \
  "$(head -1 "$TMP/err")"
check_cmd "follow keeps running" kill -0 $ev
kill -CONT "$SIM_PID"
check_cmd "the server back: follow reconnects" wait_for 30 grep -q reconnected "$TMP/err"
"$SKVIEW" ctl -a "$ADDR" emit '{"buildEvent":{"artifact":"after-the-hang","status":"Complete"}}'
check_cmd "a new entry arrives" wait_for 10 grep -q "after-the-hang" "$TMP/out"
kill -INT $ev; timeout $(wait_limit 10) tail --pid=$ev -f /dev/null; wait $ev; rc=$?
check_eq "SIGINT ends it with 0" 0 "$rc"
check_eq "nothing printed twice, nothing missed" "$(timeout $(wait_limit 20) "$SKVIEW" events -a "$ADDR")" "$(cat "$TMP/out")"
finish
