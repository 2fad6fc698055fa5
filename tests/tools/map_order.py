#!/usr/bin/python3
"""The order on the wire of every map in GetState's answer, for tests.

usage: map_order.py ADDR {v1|v2} N
Calls GetState N times (raw bytes, no generated code: a generated decoder
would hand the maps back in its own order) and prints, for each answer, one
line of PATH=KEY,KEY,... for each map, keys in the order the server wrote
them. The maps are State's artifacts, resources, forwardedPorts, each
debugging container's debugPorts and the metadata's additional maps.
"""
import sys

import grpc

# field numbers: (path, [message fields leading to the map], map field)
MAPS = {
    "v1": [("buildState.artifacts", [1], 1), ("forwardedPorts", [], 4),
           ("statusCheckState.resources", [5], 2), ("debuggingContainers.debugPorts", [7], 8),
           ("metadata.additional", [8], 99), ("metadata.build.additional", [8, 1], 99)],
    "v2": [("buildState.artifacts", [1], 1), ("forwardedPorts", [], 3),
           ("statusCheckState.resources", [4], 2), ("debuggingContainers.debugPorts", [6], 10),
           ("metadata.additional", [7], 99), ("metadata.build.additional", [7, 1], 99)],
}
PATHS = {"v1": "/proto.SkaffoldService/GetState", "v2": "/proto.v2.SkaffoldV2Service/GetState"}


def varint(b, i):
    n = shift = 0
    while True:
        c = b[i]
        i += 1
        n |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return n, i


def fields(b):
    """(number, value) of each field: bytes for length-delimited, int otherwise."""
    i = 0
    while i < len(b):
        tag, i = varint(b, i)
        num, wt = tag >> 3, tag & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wt)
        yield num, v


def messages(b, path):
    """Every message reached through the field numbers of path (repeated too)."""
    if not path:
        return [b]
    out = []
    for num, v in fields(b):
        if num == path[0]:
            out += messages(v, path[1:])
    return out


def keys(b, field):
    out = []
    for num, v in fields(b):
        if num == field:
            key = dict(fields(v)).get(1, b"")
            out.append(key.decode() if isinstance(key, bytes) else str(key))
    return out


def main():
    addr, api, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ch = grpc.insecure_channel(addr)
    call = ch.unary_unary(PATHS[api], request_serializer=None, response_deserializer=None)
    for _ in range(n):
        st = call(b"", timeout=30)
        parts = []
        for name, path, field in MAPS[api]:
            for k, msg in enumerate(messages(st, path)):
                ks = keys(msg, field)
                if ks:
                    parts.append("%s%s=%s" % (name, "[%d]" % k if name.startswith("debug") else "",
                                              ",".join(ks)))
        print(" ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
