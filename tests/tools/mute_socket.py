#!/usr/bin/python3
"""A unix socket that accepts every connection and never answers, for the
docker dial tests: a Docker socket whose daemon is wedged.

usage: mute_socket.py PATH
Prints "listening on PATH" once bound, then "accepted N" for each connection
and "closed N" when its client closes it (N counts from 1)."""
import os
import selectors
import socket
import sys


def main():
    path = sys.argv[1]
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ, 0)
    print("listening on", path, flush=True)
    n = 0
    while True:
        for key, _ in sel.select():
            if key.data == 0:
                conn, _ = srv.accept()
                n += 1
                sel.register(conn, selectors.EVENT_READ, n)
                print("accepted", n, flush=True)
            elif not key.fileobj.recv(65536):  # what it sends is never answered
                sel.unregister(key.fileobj)
                key.fileobj.close()
                print("closed", key.data, flush=True)


if __name__ == "__main__":
    main()
