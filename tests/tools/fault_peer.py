#!/usr/bin/env python3
"""A misbehaving TCP peer on 127.0.0.1 for the fault tests.

usage: fault_peer.py MODE PORT
  refuse  accept each connection and close it at once
  stall   accept each connection and never answer (no HTTP/2 settings);
          the sockets stay open until the process is killed
Prints "listening on 127.0.0.1:PORT" once bound. Loopback only."""
import socket
import sys


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode not in ("refuse", "stall"):
        sys.exit("fault_peer.py: MODE is refuse or stall")
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)
    print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
    held = []
    while True:
        conn, _ = srv.accept()
        if mode == "refuse":
            conn.close()
        else:
            held.append(conn)


if __name__ == "__main__":
    main()
