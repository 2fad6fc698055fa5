#!/usr/bin/python3
"""Consumes the Events stream of ADDR with Python grpcio and prints its rate.

usage: bench_client.py ADDR [MAX] [PB2_DIR]
Decodes every message as proto.LogEntry when skaffold_pb2 (generated with
`protoc --python_out`) is importable from PB2_DIR and python3-protobuf is
installed; otherwise counts raw messages. Stops after MAX messages (default:
the end of the stream). Prints one line:
  python: N entries in T s = R entries/s (decoded|raw)
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
            import skaffold_pb2  # noqa: E402 (generated at bench time)
            decode = skaffold_pb2.LogEntry.FromString
            mode = "decoded"
        except ImportError as e:
            print("bench_client: no skaffold_pb2 (%s): counting raw messages" % e, file=sys.stderr)
    ch = grpc.insecure_channel(addr, options=[("grpc.max_receive_message_length", 16 << 20)])
    call = ch.unary_stream("/proto.SkaffoldService/Events",
                           request_serializer=None, response_deserializer=decode)
    n = 0
    start = time.monotonic()
    stream = call(b"")
    try:
        for _ in stream:
            n += 1
            if limit and n >= limit:
                stream.cancel()
                break
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.CANCELLED:
            print("bench_client: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
            return 1
    t = time.monotonic() - start
    print("python: %d entries in %.2f s = %.0f entries/s (%s)" % (n, t, n / t if t else 0, mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
