#!/usr/bin/python3
"""Consumes the Events stream of ADDR with Python grpcio and prints its rate.

usage: bench_client.py ADDR [MAX] [PB2_DIR]
Decodes every message as proto.LogEntry when skaffold_pb2 (generated with
`protoc --python_out`) is importable from PB2_DIR and python3-protobuf is
installed; otherwise counts raw messages. Stops after MAX messages (default:
the end of the stream). Prints one line:
  python: N entries in T s = R entries/s (decoded|raw)
consume() serves bench_logs_client.py too.
"""
import importlib
import sys
import time

import grpc


def consume(name, method, module, message, unit, touch=None):
    """Reads the server stream `method` of argv's ADDR, decoding each message
    as module.message (when importable from PB2_DIR), calling touch(msg) on
    each decoded one, and prints the rate in `unit`s. Returns the exit code."""
    addr = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    decode = None
    mode = "raw"
    if len(sys.argv) > 3:
        sys.path.insert(0, sys.argv[3])
        try:
            decode = getattr(importlib.import_module(module), message).FromString
            mode = "decoded"
        except ImportError as e:
            print("%s: no %s (%s): counting raw messages" % (name, module, e), file=sys.stderr)
    ch = grpc.insecure_channel(addr, options=[("grpc.max_receive_message_length", 16 << 20)])
    call = ch.unary_stream(method, request_serializer=None, response_deserializer=decode)
    n = 0
    start = time.monotonic()
    stream = call(b"")
    try:
        for msg in stream:
            if decode and touch:
                touch(msg)
            n += 1
            if limit and n >= limit:
                stream.cancel()
                break
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.CANCELLED:
            print("%s: %s: %s" % (name, e.code().name, e.details()), file=sys.stderr)
            return 1
    t = time.monotonic() - start
    print("python: %d %s in %.2f s = %.0f %s/s (%s)" % (n, unit, t, n / t if t else 0, unit, mode))
    return 0


if __name__ == "__main__":
    sys.exit(consume("bench_client", "/proto.SkaffoldService/Events", "skaffold_pb2", "LogEntry", "entries"))
