# Shared helpers for the integration scripts (bash). Each check prints
# "ok NAME" or "not ok NAME" with both values; the runner counts them.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BUILD="${BUILD:-build}"
SKVIEW="$PWD/$BUILD/skview"
SKSIM="$PWD/$BUILD/skview-sim"
DATA="$PWD/../shared/data"
export LC_ALL=C.UTF-8 TZ=UTC
TMP=$(mktemp -d /tmp/skview-test.XXXXXX)
# VALGRIND=1 (make valgrind): the binaries these scripts run go through
# valgrind memcheck; any error or leak of ours fails the command (exit 99).
VG=()
if [ "${VALGRIND:-0}" = 1 ]; then
  VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
      --suppressions="$PWD/tests/valgrind.supp")
  mkdir -p "$TMP/vg"
  printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${VG[*]}" "$SKVIEW" > "$TMP/vg/skview"
  chmod +x "$TMP/vg/skview"
  SKVIEW="$TMP/vg/skview"
fi
_cleanups=()
at_exit() { _cleanups+=("$1"); }
_run_cleanups() { local c; for c in "${_cleanups[@]}"; do eval "$c" >/dev/null 2>&1; done; rm -rf "$TMP"; }
trap _run_cleanups EXIT
_fails=0
ok()     { echo "ok $1"; }
not_ok() { echo "not ok $1"; _fails=$((_fails + 1)); }
# check_eq NAME EXPECTED ACTUAL
check_eq() {
  if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1"; printf '  expected: %s\n  actual:   %s\n' "$2" "$3"; fi
}
# check_match NAME REGEX ACTUAL
check_match() {
  if [[ "$3" =~ $2 ]]; then ok "$1"; else not_ok "$1"; printf '  pattern: %s\n  actual:  %s\n' "$2" "$3"; fi
}
# check_cmd NAME COMMAND...: passes when the command exits 0
check_cmd() {
  local n=$1; shift
  if "$@"; then ok "$n"; else not_ok "$n"; echo "  command failed: $*"; fi
}
# A free TCP port on loopback, below the ephemeral range: a port the kernel
# hands out (bind to 0) may be taken as the local port of any outgoing
# connection of the scripts running beside this one before our server
# binds it, and a server the test starts later then cannot.
free_port() {
  python3 - <<'PY'
import random, socket
lo = int(open('/proc/sys/net/ipv4/ip_local_port_range').read().split()[0])
for _ in range(500):
    p = random.randint(10000, max(10001, lo - 1))
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        print(p)
        break
    except OSError:
        pass
    finally:
        s.close()
PY
}
# Every wait below is for a condition; its limit only bounds a failure, so it
# is generous: SECONDS times WAIT_SCALE (default 4), for a machine whose cores
# are busy with other work (under ASan the viewer is several times slower).
WAIT_SCALE=${WAIT_SCALE:-4}
wait_limit() { echo $(( ${1%.*} * WAIT_SCALE )); }
# wait_for SECONDS COMMAND...: retries the command every 0.1 s.
wait_for() {
  local end=$((SECONDS + $(wait_limit "$1"))); shift
  until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done
}
# wait_until SECONDS 'EXPR': wait_for with a shell expression evaluated anew
# at every try. Give it in single quotes: `wait_for 10 test "$(count)" -ge 3`
# would count once, before the wait, and then wait its whole limit.
wait_until() { local n=$1; shift; wait_for "$n" eval "$*"; }
# start_sim ARGS...: skview-sim on a free loopback port; sets SIM_PID and ADDR.
start_sim() {
  local out="$TMP/sim.$RANDOM"
  "$SKSIM" --port 0 "$@" >"$out" 2>&1 &
  SIM_PID=$!
  at_exit "kill $SIM_PID"
  wait_for 10 grep -q '^listening on' "$out" || { echo "skview-sim did not start:"; cat "$out"; exit 1; }
  ADDR=$(sed -n 's/^listening on //p' "$out")
}
# quiesce: waits (at most 10 s) until two GetState answers QUIESCE seconds
# apart agree (default 0.3: longer than a simulator's step between entries
# must be given by a script whose simulator steps slower).
quiesce() {
  local a b end=$((SECONDS + $(wait_limit 10)))
  a=$("$SKVIEW" ctl -a "$ADDR" state 2>/dev/null)
  while [ $SECONDS -lt $end ]; do
    sleep "${QUIESCE:-0.3}"
    b=$("$SKVIEW" ctl -a "$ADDR" state 2>/dev/null)
    [ -n "$b" ] && [ "$a" == "$b" ] && return 0
    a=$b
  done
  return 1
}
finish() { [ $_fails -eq 0 ]; }
