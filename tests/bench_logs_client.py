#!/usr/bin/python3
"""Consumes the v2 ApplicationLogs stream of ADDR with Python grpcio and
prints its rate: the comparison client of the log flood bench
(tests/bench_live.sh, beside bench_client.py for v1 Events).

usage: bench_logs_client.py ADDR [MAX] [PB2_DIR]
Decodes every message as proto.v2.Event and takes its line (podName,
containerName, message) when v2/skaffold_v2_pb2 (generated with
`protoc --python_out`) is importable from PB2_DIR and python3-protobuf is
installed; otherwise counts raw messages. Stops after MAX messages (default:
the end of the stream). Prints one line:
  python: N lines in T s = R lines/s (decoded|raw)
"""
import sys
import time

import grpc


def main():
    addr = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    decode = None
    mode = "raw"
    if len(sys.argv) > 3:
        sys.path.insert(0, sys.argv[3])
        try:
            from v2 import skaffold_v2_pb2  # noqa: E402 (generated at bench time)
            decode = skaffold_v2_pb2.Event.FromString
            mode = "decoded"
        except ImportError as e:
            print("bench_logs_client: no skaffold_v2_pb2 (%s): counting raw messages" % e, file=sys.stderr)
    ch = grpc.insecure_channel(addr, options=[("grpc.max_receive_message_length", 16 << 20)])
    call = ch.unary_stream("/proto.v2.SkaffoldV2Service/ApplicationLogs",
                           request_serializer=None, response_deserializer=decode)
    n = 0
    nbytes = 0
    start = time.monotonic()
    stream = call(b"")
    try:
        for ev in stream:
            if decode:  # touch the line as a consumer would
                a = ev.applicationLogEvent
                nbytes += len(a.podName) + len(a.containerName) + len(a.message)
            n += 1
            if limit and n >= limit:
                stream.cancel()
                break
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.CANCELLED:
            print("bench_logs_client: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
            return 1
    t = time.monotonic() - start
    print("python: %d lines in %.2f s = %.0f lines/s (%s)" % (n, t, n / t if t else 0, mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
