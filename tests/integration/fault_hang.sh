#!/usr/bin/env bash
# A server that hangs after the handshake (SIGSTOP): the stream is open but
# silent. The client's keepalive ping (6 minutes against Skaffold; shortened
# here through SKVIEW_KEEPALIVE_MS) notices, says so, and in the viewer the
# connection goes back to reconnecting.
source "$(dirname "$0")/../lib.sh"
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
for _ in $(seq 150); do kill -0 $ev 2>/dev/null || break; sleep 0.2; done
wait $ev; rc=$?
check_eq "a hung server ends the follow with exit 1" 1 "$rc"
check_eq "it says why" "skview: events: UNAVAILABLE: keepalive watchdog timeout" "$(cat "$TMP/err")"
check_cmd "within seconds, not forever" test $((SECONDS - t0)) -le 15
kill -CONT "$SIM_PID"
finish
