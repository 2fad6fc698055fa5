#!/usr/bin/python3
"""A small grpcio client of skview-sim's two services, for tests.

usage: sim_v2_client.py PB2_DIR ADDR COMMAND [ARGS]
PB2_DIR holds skaffold_pb2.py and v2/skaffold_v2_pb2.py (generated at test time
with `protoc --python_out`). Commands:
  events [QUIET_MS [MAX_MS [MAX_N]]]
                       v2 Events: one JSON Event a line (lowerCamel, as jsonpb),
                       until the stream has been quiet QUIET_MS (default 700),
                       MAX_MS have passed or MAX_N events came (0: no limit)
  applogs [QUIET_MS [MAX_MS [MAX_N]]]
                       v2 ApplicationLogs, likewise; a stream that ends ends it
  v1events [QUIET_MS [MAX_MS [MAX_N]]]
                       v1 Events: one JSON LogEntry a line
  state                v2 GetState as JSON (defaults included)
  v1state              v1 GetState as JSON (defaults included)
  call METHOD JSON     a unary v2 call (Execute, AutoBuild, AutoSync, AutoDeploy,
                       Handle) with the request given as JSON; prints
                       "status CODE_NUMBER DETAILS"
Stream commands print "end CODE_NUMBER" last when the server ended the stream, and
exit 3 with the status on stderr when the call fails at once (e.g. 12).
"""
import json
import queue
import sys
import threading
import time

import grpc
from google.protobuf import json_format

V2 = "/proto.v2.SkaffoldV2Service/"
V1 = "/proto.SkaffoldService/"


def load(pb2_dir):
    sys.path.insert(0, pb2_dir)
    import skaffold_pb2  # noqa: E402 (generated at test time)
    from v2 import skaffold_v2_pb2  # noqa: E402
    return skaffold_pb2, skaffold_v2_pb2


def as_json(msg):
    return json.dumps(json_format.MessageToDict(msg), separators=(",", ":"), sort_keys=True)


def stream(ch, path, decode, quiet_ms, max_ms, max_n):
    call = ch.unary_stream(path, request_serializer=None, response_deserializer=decode)
    it = call(b"")
    q = queue.Queue()

    def pump():
        try:
            for m in it:
                q.put(("msg", m))
            q.put(("end", 0))
        except grpc.RpcError as e:
            q.put(("err", e))

    threading.Thread(target=pump, daemon=True).start()
    first = True
    n = 0
    end = time.monotonic() + max_ms / 1000.0 if max_ms else None
    while True:
        wait = quiet_ms / 1000.0
        if end is not None:
            wait = min(wait, max(0.0, end - time.monotonic()))
        try:
            kind, v = q.get(timeout=wait)
        except queue.Empty:
            it.cancel()
            return 0
        if kind == "msg":
            print(as_json(v), flush=False)
            first = False
            n += 1
            if (max_n and n >= max_n) or (end is not None and time.monotonic() >= end):
                it.cancel()
                return 0
        elif kind == "end":
            print("end 0")
            return 0
        else:
            if v.code() == grpc.StatusCode.CANCELLED:
                return 0
            if first:
                print("%d %s" % (v.code().value[0], v.details()), file=sys.stderr)
                return 3
            print("end %d" % v.code().value[0])
            return 0


def unary(ch, path, req_bytes, decode):
    f = ch.unary_unary(path, request_serializer=None, response_deserializer=decode)
    try:
        return 0, "", f(req_bytes, timeout=5)
    except grpc.RpcError as e:
        return e.code().value[0], e.details(), None


def main():
    pb2_dir, addr, cmd = sys.argv[1], sys.argv[2], sys.argv[3]
    args = sys.argv[4:]
    v1, v2 = load(pb2_dir)
    ch = grpc.insecure_channel(addr, options=[("grpc.max_receive_message_length", 64 << 20)])
    lim = [int(a) for a in args[:3]] + [700, 0, 0][len(args[:3]):] if cmd.endswith(("events", "logs")) else []
    if cmd == "events":
        return stream(ch, V2 + "Events", v2.Event.FromString, *lim)
    if cmd == "applogs":
        return stream(ch, V2 + "ApplicationLogs", v2.Event.FromString, *lim)
    if cmd == "v1events":
        return stream(ch, V1 + "Events", v1.LogEntry.FromString, *lim)
    if cmd in ("state", "v1state"):
        path, decode = (V2, v2.State.FromString) if cmd == "state" else (V1, v1.State.FromString)
        code, details, st = unary(ch, path + "GetState", b"", decode)
        if code:
            print("%d %s" % (code, details), file=sys.stderr)
            return 3
        print(json.dumps(json_format.MessageToDict(st, including_default_value_fields=True),
                         separators=(",", ":"), sort_keys=True))
        return 0
    if cmd == "call":
        method, body = args[0], args[1]
        types = {"Execute": v2.UserIntentRequest, "AutoBuild": v2.TriggerRequest,
                 "AutoSync": v2.TriggerRequest, "AutoDeploy": v2.TriggerRequest, "Handle": v2.Event}
        req = json_format.Parse(body, types[method]())
        code, details, _ = unary(ch, V2 + method, req.SerializeToString(), None)
        print("status %d %s" % (code, details))
        return 0
    print("sim_v2_client: unknown command %s" % cmd, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(0)
