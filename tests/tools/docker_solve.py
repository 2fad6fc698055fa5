#!/usr/bin/python3
"""Starts one build on the BuildKit inside a Docker daemon, with a ref of our
choosing, the way buildctl would (Control.Solve, frontend dockerfile.v0), so
that skview can follow it by that ref.

  docker_solve.py DOCKER_SOCK REF CONTEXT_URL [--cancel-when FILE] [--delay S]

The context is a tarball served over HTTP (the `context` frontend attribute
takes a URL), so no session is needed; RUN steps get network mode none.
The Docker socket speaks gRPC only after an HTTP/1.1 upgrade (POST /grpc,
Upgrade: h2c), which grpcio cannot do: a private bridge socket does it for
every connection grpcio opens. --cancel-when cancels the Solve call once FILE
exists (a cancelled build). Prints "solved REF" or "failed REF: CODE MESSAGE"
and exits 0 or 1.
"""
import os
import socket
import sys
import tempfile
import threading
import time

import grpc


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, data):
    """A length-delimited protobuf field (strings and messages)."""
    if isinstance(data, str):
        data = data.encode()
    return varint(num << 3 | 2) + varint(len(data)) + data


def solve_request(ref, context):
    """SolveRequest{1 Ref, 6 Frontend, 7 FrontendAttrs map<string,string>}."""
    attrs = {"context": context, "filename": "Dockerfile", "force-network-mode": "none"}
    msg = field(1, ref) + field(6, "dockerfile.v0")
    for k, v in attrs.items():
        msg += field(7, field(1, k) + field(2, v))
    return msg


def upgrade(docker_sock):
    """A connection to the daemon that speaks gRPC (after 101)."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(docker_sock)
    s.sendall(b"POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)
        if not chunk:
            raise OSError("the daemon closed the connection during the upgrade")
        head += chunk
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        raise OSError("no upgrade: " + head.split(b"\r\n", 1)[0].decode(errors="replace"))
    return s


def pump(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def bridge(path, docker_sock):
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(4)

    def serve():
        while True:
            c, _ = srv.accept()
            try:
                d = upgrade(docker_sock)
            except OSError as e:
                print("bridge: " + str(e), file=sys.stderr)
                c.close()
                continue
            threading.Thread(target=pump, args=(c, d), daemon=True).start()
            threading.Thread(target=pump, args=(d, c), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()


def main():
    args = sys.argv[1:]
    cancel_file = None
    delay = 0.0
    if "--cancel-when" in args:
        i = args.index("--cancel-when")
        cancel_file = args[i + 1]
        del args[i:i + 2]
    if "--delay" in args:
        i = args.index("--delay")
        delay = float(args[i + 1])
        del args[i:i + 2]
    docker_sock, ref, context = args
    time.sleep(delay)
    path = os.path.join(tempfile.mkdtemp(prefix="bksolve"), "b.sock")
    bridge(path, docker_sock)
    ch = grpc.insecure_channel("unix://" + path)
    solve = ch.unary_unary("/moby.buildkit.v1.Control/Solve",
                           request_serializer=lambda m: m, response_deserializer=lambda m: m)
    fut = solve.future(solve_request(ref, context))
    while not fut.done():
        if cancel_file and os.path.exists(cancel_file):
            fut.cancel()
            break
        time.sleep(0.05)
    try:
        fut.result()
    except grpc.FutureCancelledError:
        print("cancelled " + ref)
        return 1
    except grpc.RpcError as e:
        print("failed %s: %s %s" % (ref, e.code().name, e.details()))
        return 1
    print("solved " + ref)
    return 0


if __name__ == "__main__":
    sys.exit(main())
