#!/usr/bin/python3
"""A wedged gRPC server on 127.0.0.1 for the headless tests: it completes
the HTTP/2 handshake and accepts every call, then never answers (no
headers, no message, no status) until it is killed.

usage: hang_peer.py
Prints "listening on 127.0.0.1:PORT" once bound. Loopback only."""
import threading
from concurrent import futures

import grpc

FOREVER = threading.Event()


def unary(request, context):
    FOREVER.wait()


def stream(request, context):
    FOREVER.wait()
    yield b""


class Wedged(grpc.GenericRpcHandler):
    def service(self, details):
        if details.method.endswith(("/Events", "/ApplicationLogs")):
            return grpc.unary_stream_rpc_method_handler(stream)
        return grpc.unary_unary_rpc_method_handler(unary)


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=64))
    server.add_generic_rpc_handlers((Wedged(),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("listening on 127.0.0.1:%d" % port, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
