#!/usr/bin/env python3
"""Walks a skview recording by its length fields alone (no CRC, no protobuf):
an independent count to compare the readers with.

usage: rec_walk.py [--offsets] FILE
Prints "complete N tail T": N records whose header and payload are all in
the file, T bytes after them (0 unless the last record is torn). With
--offsets, one line per record instead: "OFFSET LENGTH" (of its header and
payload)."""
import struct
import sys

MAGIC = b"SKVREC\x01\n"


def main():
    offsets = sys.argv[1] == "--offsets"
    with open(sys.argv[-1], "rb") as f:
        data = f.read()
    if not data.startswith(MAGIC):
        sys.exit("rec_walk.py: not a skview recording")
    pos, n = len(MAGIC), 0
    while pos + 9 <= len(data):
        (length,) = struct.unpack_from("<I", data, pos)
        if pos + 9 + length > len(data):
            break
        if offsets:
            print(pos, length)
        pos += 9 + length
        n += 1
    if not offsets:
        print("complete %d tail %d" % (n, len(data) - pos))


if __name__ == "__main__":
    main()
