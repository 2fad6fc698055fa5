#!/usr/bin/env bash
# Every command that takes -a (the viewer, ctl, events, record) and
# $SKVIEW_ADDR check the address the same way: a bad port or an empty
# address is a usage error (exit 2) naming it, before anything is dialled or
# created; good forms reach the simulator.
source "$(dirname "$0")/../lib/lib.sh"
# Names resolve through gRPC's c-ares resolver, which leaks a few bytes of
# its own under ASan (see tests/lsan.supp).
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
start_sim --step 0
port=${ADDR##*:}
want=$("$SKVIEW" ctl -a "$ADDR" state)
check_match "the simulator answers GetState" '"buildState"' "$want"

# Good forms of the same address.
for a in "localhost:$port" "127.0.0.1:$port" "dns:///localhost:$port" "ipv4:127.0.0.1:$port"; do
  check_eq "ctl -a $a reaches the simulator" "$want" "$("$SKVIEW" ctl -a "$a" state 2>&1)"
done
check_eq "SKVIEW_ADDR reaches the simulator" "$want" "$(SKVIEW_ADDR="localhost:$port" "$SKVIEW" ctl state 2>&1)"
check_match "events -a localhost:PORT" '.' "$("$SKVIEW" events -a "localhost:$port" 2>&1 | head -1)"

# bad NAME EXPECTED-MESSAGE COMMAND...: exit 2 and one line naming the address.
bad() {
  local name=$1 msg=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err" </dev/null; local rc=$?
  check_eq "$name: exit 2" 2 "$rc"
  check_eq "$name: says why" "$msg" "$(cat "$TMP/err")"
}
wrap=$((port + 65536)) # 16 bits of it would be the simulator's port
# run_with CMD ADDR: the command with -a ADDR where it takes it.
run_with() {
  case $1 in
    ctl)    "$SKVIEW" ctl -a "$2" state ;;
    events) "$SKVIEW" events -a "$2" ;;
    record) "$SKVIEW" record -a "$2" -o "$TMP/never.rec" ;;
    viewer) "$SKVIEW" -a "$2" ;;
  esac
}
for cmd in ctl events record viewer; do
  bad "$cmd -a 127.0.0.1:$wrap" "skview: -a '127.0.0.1:$wrap': invalid port '$wrap' (1-65535) (see skview --help)" \
    run_with $cmd "127.0.0.1:$wrap"
  bad "$cmd -a ''" "skview: -a '': empty address (see skview --help)" run_with $cmd ''
  bad "$cmd -a host:abc" "skview: -a 'host:abc': invalid port 'abc' (1-65535) (see skview --help)" run_with $cmd host:abc
done
check_cmd "record with a bad address creates no file" test ! -e "$TMP/never.rec"
bad "SKVIEW_ADDR with a bad port" "skview: \$SKVIEW_ADDR 'localhost:$wrap': invalid port '$wrap' (1-65535) (see skview --help)" \
  env SKVIEW_ADDR="localhost:$wrap" "$SKVIEW" ctl state
bad "a bare IPv6 address with a port" \
  "skview: -a '::1:$port': not an IPv6 address: ::1:$port (with a port it needs brackets: [ADDRESS]:PORT) (see skview --help)" \
  "$SKVIEW" ctl -a "::1:$port" state
finish
