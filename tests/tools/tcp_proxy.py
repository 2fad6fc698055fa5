#!/usr/bin/env python3
"""A TCP forwarder on 127.0.0.1 for the reconnect tests: the server "goes
away" when the proxy is killed (every connection through it drops) and
"comes back" when it is started again on the same port, while the server
behind it keeps its history (the same session).

usage: tcp_proxy.py LISTEN_PORT TARGET_PORT [BYTES_PER_SECOND]
BYTES_PER_SECOND throttles what the server sends (a slow link).
Prints "listening on 127.0.0.1:PORT" once bound. Loopback only."""
import socket
import sys
import threading
import time


def pump(src, dst, rate=0):
    chunk = max(1, rate // 2) if rate else 65536  # a slow link delivers in bursts
    try:
        while True:
            data = src.recv(chunk)
            if not data:
                break
            dst.sendall(data)
            if rate:
                time.sleep(len(data) / rate)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    listen, target = int(sys.argv[1]), int(sys.argv[2])
    rate = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", listen))
    srv.listen(16)
    print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        try:
            up = socket.create_connection(("127.0.0.1", target))
        except OSError:
            conn.close()
            continue
        for a, b, r in ((conn, up, 0), (up, conn, rate)):
            threading.Thread(target=pump, args=(a, b, r), daemon=True).start()


if __name__ == "__main__":
    main()
