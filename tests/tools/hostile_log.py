#!/usr/bin/env python3
"""Writes an event log in which every string field that skview draws holds a
hostile string, one dev-loop iteration per string: escape sequences (OSC title
and clipboard, CSI clear screen and cursor moves, DCS), the C1 byte 0x9b raw
and encoded, bidi overrides, NUL, invalid UTF-8, wide and combining text,
control characters, and a 1 MB string. Prints the number of (string, field)
pairs to stderr. Usage: hostile_log.py OUT"""
import json
import sys

HOSTILE = [
    b"\x1b]0;PWNED-TITLE\x07",
    b"\x1b]2;PWNED2\x1b\\",
    b"\x1b]52;c;ZXZpbA==\x07",
    b"\x1b[2J\x1b[H\x1b[3J",
    b"\x1b[31;1mred\x1b[10A\x1b[999C\x1b[?1049h",
    b"\x1bP1$r0m\x1b\\\x1bPq#0;2;0;0;0#0~~\x1b\\",
    b"\x9b31m\x9b2J",
    b"\xc2\x9b31m\xc2\x9d0;t\xc2\x9c",
    b"\xe2\x80\xaeevil\xe2\x80\xac\xe2\x81\xa6x\xe2\x81\xa9",
    b"nul\x00after",
    b"\xff\xfe\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80",
    b"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e e\xcc\x81\xcc\x81 \xf0\x9f\x98\x80",
    b"bell\x07\x07 bs\x08\x08 cr\rXY tab\tZ del\x7f",
    b"\x1bc\x1b7\x1b8\x1bD\x1bM",
    b"A" * (1 << 20),
]


def enc(b):
    # Raw bytes go into the JSON string as they are (invalid UTF-8 included);
    # only what JSON itself forbids is escaped.
    out = bytearray(b'"')
    for c in b:
        if c == 0x22 or c == 0x5c:
            out += b"\\" + bytes([c])
        elif c < 0x20:
            out += b"\\u%04x" % c
        else:
            out.append(c)
    return bytes(out + b'"')


def line(ts, event, entry):
    return b'{"timestamp":"2021-08-11T19:%02d:%02d.000Z","event":' % (ts // 60 % 60, ts % 60) + event + b',"entry":' + enc(entry) + b"}\n"


def main():
    out = open(sys.argv[1], "wb")
    pairs = 0
    t = 0
    for i, h in enumerate(HOSTILE):
        s = enc(h)
        ae = b'{"errCode":"BUILD_USER_ERROR","message":' + s + b',"suggestions":[{"suggestionCode":"FIX_USER_BUILD_ERR","action":' + s + b"}]}"
        events = [
            b'{"metaEvent":{"entry":' + s + b"}}",
            b'{"devLoopEvent":{"iteration":%d,"status":"In Progress"}}' % i,
            b'{"buildEvent":{"artifact":' + s + b',"status":"In Progress"}}',
            b'{"buildEvent":{"artifact":' + s + b',"status":' + s + b"}}",
            b'{"buildEvent":{"artifact":' + s + b',"status":"Failed","err":' + s + b',"actionableErr":' + ae + b"}}",
            b'{"deployEvent":{"status":' + s + b',"actionableErr":' + ae + b"}}",
            b'{"statusCheckEvent":{"status":"Started","message":' + s + b"}}",
            b'{"resourceStatusCheckEvent":{"resource":' + s + b',"status":' + s + b',"message":' + s + b',"actionableErr":' + ae + b"}}",
            b'{"portEvent":{"localPort":%d,"podName":' % (9000 + i) + s + b',"containerName":' + s + b',"namespace":' + s + b',"portName":' + s + b',"resourceType":' + s + b',"resourceName":' + s + b',"address":' + s + b',"targetPort":{"strVal":' + s + b"}}}",
            b'{"fileSyncEvent":{"fileCount":1,"image":' + s + b',"status":' + s + b"}}",
            b'{"debuggingContainerEvent":{"status":"Started","podName":' + s + b',"containerName":' + s + b',"namespace":' + s + b',"artifact":' + s + b',"runtime":' + s + b',"workingDir":' + s + b',"debugPorts":{' + s + b":56268}}}",
            b'{"devLoopEvent":{"iteration":%d,"status":"Failed","err":' % i + ae + b"}}",
        ]
        for ev in events:
            out.write(line(t, ev, h))
            t += 1
        # every string field above, plus the entry sentence of each line
        pairs += 1 + 1 + 1 + 2 + 4 + 3 + 1 + 6 + 8 + 2 + 7 + 2 + len(events)
    print(pairs, file=sys.stderr)


if __name__ == "__main__":
    main()
