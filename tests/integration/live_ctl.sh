#!/usr/bin/env bash
# skview ctl against skview-sim (and a tiny python grpcio peer for the errors
# the simulator never gives): each call reaches the server with the right
# fields, failures are one line on stderr with exit 1, usage errors exit 2.
source "$(dirname "$0")/../lib/lib.sh"
PY=/usr/bin/python3

last_call() { tail -n 1 "$TMP/calls.log"; }

start_sim --no-generate --step 0 --calls-log "$TMP/calls.log"
check_cmd "sim quiescent" quiesce

# ALREADY_EXISTS: auto build starts on, as in `skaffold dev`. The state asked
# for holds: exit 0, said on stderr (issue 16: scripts need this).
err=$("$SKVIEW" ctl -a "$ADDR" auto-build on 2>&1 >/dev/null); rc=$?
check_eq "auto-build on when on: exit 0" 0 "$rc"
check_eq "auto-build on when on: already on" "skview: ctl auto-build: already on" "$err"
check_eq "auto-build on: logged" '{"method":"AutoBuild","enabled_present":true,"enabled":true}' "$(last_call)"

for t in build sync deploy; do
  M=Auto$(tr a-z A-Z <<<"${t:0:1}")${t:1}
  "$SKVIEW" ctl -a "$ADDR" "auto-$t" off; rc=$?
  check_eq "auto-$t off: exit 0" 0 "$rc"
  check_eq "auto-$t off: enabled=false on the wire" "{\"method\":\"$M\",\"enabled_present\":true,\"enabled\":false}" "$(last_call)"
done
st=$("$SKVIEW" ctl -a "$ADDR" state)
check_eq "state: auto triggers off" "false false false" \
  "$(jq -r '[.buildState.autoTrigger // false, .deployState.autoTrigger // false, .fileSyncState.autoTrigger // false] | map(tostring) | join(" ")' <<<"$st")"
err=$("$SKVIEW" ctl -a "$ADDR" auto-sync off 2>&1); rc=$?
check_eq "auto-sync off twice: exit 0, already off" "0 skview: ctl auto-sync: already off" "$rc $err"
for t in build sync deploy; do
  err=$("$SKVIEW" ctl -a "$ADDR" "auto-$t" off 2>&1 >/dev/null); rc=$?
  check_eq "auto-$t off when off: exit 0, already off" "0 skview: ctl auto-$t: already off" "$rc $err"
done
"$SKVIEW" ctl -a "$ADDR" auto-deploy on
check_eq "auto-deploy on: logged" '{"method":"AutoDeploy","enabled_present":true,"enabled":true}' "$(last_call)"

for t in build sync deploy; do
  "$SKVIEW" ctl -a "$ADDR" "$t"; rc=$?
  b=false s=false d=false; eval "${t:0:1}=true"
  check_eq "ctl $t: exit 0" 0 "$rc"
  check_eq "ctl $t: Execute logged" "{\"method\":\"Execute\",\"build\":$b,\"sync\":$s,\"deploy\":$d}" "$(last_call)"
done
quiesce

ev='{"buildEvent":{"artifact":"emitted","status":"Complete"}}'
"$SKVIEW" ctl -a "$ADDR" emit "$ev"; rc=$?
check_eq "ctl emit: exit 0" 0 "$rc"
check_eq "ctl emit: Handle logged" "{\"method\":\"Handle\",\"event\":$ev}" "$(last_call)"
check_eq "ctl emit: in the State" "Complete" "$("$SKVIEW" ctl -a "$ADDR" state | jq -r '.buildState.artifacts.emitted')"
check_eq "ctl state via SKVIEW_ADDR" "Complete" "$(SKVIEW_ADDR=$ADDR "$SKVIEW" ctl state | jq -r '.buildState.artifacts.emitted')"

# A TriggerRequest without `enabled` (raw bytes: an empty message).
out=$("$PY" - "$ADDR" <<'PY'
import sys, grpc
ch = grpc.insecure_channel(sys.argv[1])
call = ch.unary_unary('/proto.SkaffoldService/AutoBuild', request_serializer=None, response_deserializer=None)
try:
    call(b'', timeout=5)
    print('OK')
except grpc.RpcError as e:
    print(e.code().name, e.details())
PY
)
check_eq "missing enabled: INVALID_ARGUMENT" "INVALID_ARGUMENT missing required boolean parameter 'enabled'" "$out"
check_eq "missing enabled: logged" '{"method":"AutoBuild","enabled_present":false,"enabled":false}' "$(last_call)"

# Usage errors.
"$SKVIEW" ctl -a "$ADDR" >/dev/null 2>&1; check_eq "ctl without command: exit 2" 2 $?
"$SKVIEW" ctl -a "$ADDR" auto-build maybe >/dev/null 2>&1; check_eq "auto-build maybe: exit 2" 2 $?
"$SKVIEW" ctl -a "$ADDR" frobnicate >/dev/null 2>&1; check_eq "unknown command: exit 2" 2 $?
"$SKVIEW" ctl -a "$ADDR" emit '{"buildEvent":' >/dev/null 2>&1; check_eq "emit bad JSON: exit 2" 2 $?
"$SKVIEW" ctl -a "$ADDR" build now >/dev/null 2>&1; check_eq "build with argument: exit 2" 2 $?

# Nobody listening: one line, exit 1.
port=$(free_port)
err=$(timeout $(wait_limit 20) "$SKVIEW" ctl -a "127.0.0.1:$port" build 2>&1); rc=$?
check_eq "refused: exit 1" 1 "$rc"
check_eq "refused: one line" 1 "$(printf '%s\n' "$err" | wc -l)"
check_match "refused: UNAVAILABLE" "^skview: ctl build: UNAVAILABLE: " "$err"

# A peer that answers INVALID_ARGUMENT to everything and never answers Execute.
pport=$(free_port)
"$PY" - "$pport" >"$TMP/peer.out" 2>&1 <<'PY' &
import sys, time, grpc
from concurrent import futures
def invalid(req, ctx):
    ctx.abort(grpc.StatusCode.INVALID_ARGUMENT, "missing required boolean parameter 'enabled'")
def slow(req, ctx):
    time.sleep(20)
    return b''
class H(grpc.GenericRpcHandler):
    def service(self, details):
        f = slow if details.method.endswith('/Execute') else invalid
        return grpc.unary_unary_rpc_method_handler(f)
s = grpc.server(futures.ThreadPoolExecutor(4))
s.add_generic_rpc_handlers((H(),))
s.add_insecure_port('127.0.0.1:%s' % sys.argv[1])
s.start()
print('ready', flush=True)
s.wait_for_termination(60)
PY
peer=$!
at_exit "kill $peer"
wait_for 10 grep -q ready "$TMP/peer.out"
err=$("$SKVIEW" ctl -a "127.0.0.1:$pport" auto-build off 2>&1); rc=$?
check_eq "INVALID_ARGUMENT reported" "1 skview: ctl auto-build: INVALID_ARGUMENT: missing required boolean parameter 'enabled'" "$rc $err"
start=$SECONDS
err=$(timeout $(wait_limit 20) "$SKVIEW" ctl -a "127.0.0.1:$pport" build 2>&1); rc=$?
check_match "deadline: DEADLINE_EXCEEDED after 5 s" "^1 skview: ctl build: DEADLINE_EXCEEDED" "$rc $err"
check_cmd "deadline: within 4-8 s" test $((SECONDS - start)) -ge 4 -a $((SECONDS - start)) -le 8
finish
