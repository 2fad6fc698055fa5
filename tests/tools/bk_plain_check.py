#!/usr/bin/env python3
"""Checks BuildKit plain progress against the rawjson of the same build.

usage: bk_plain_check.py RAWJSON PLAIN
From the rawjson (one client.SolveStatus per line, log data base64) it
derives each step's name, end (CACHED, ERROR: msg, CANCELED, DONE) and log
lines (chunks joined, split at newlines); from the plain text, the lines
under each "#N NAME" header. Prints one line per difference, then
"steps S logs L" counted from the rawjson side."""
import base64
import json
import re
import sys


def from_rawjson(path):
    steps, order = {}, []
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        m = json.loads(line)
        for v in m.get("vertexes") or []:
            s = steps.setdefault(v["digest"], {"name": "", "cached": False, "error": "", "completed": False, "log": b""})
            if v["digest"] not in order:
                order.append(v["digest"])
            s["name"] = v.get("name") or s["name"]
            s["cached"] |= bool(v.get("cached"))
            s["error"] = v.get("error") or s["error"]
            s["completed"] |= bool(v.get("completed")) and not v["completed"].startswith("0001-")
        for lg in m.get("logs") or []:
            steps[lg["vertex"]]["log"] += base64.b64decode(lg.get("data") or "")
    return steps, order


def from_plain(path):
    names, lines = {}, {}
    first = True
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line.startswith("------"):
            break
        if not line:
            first = True
            continue
        m = re.match(r"#(\d+) (.*)$", line)
        if not m:
            print("plain: not a step line: %r" % line)
            continue
        n, rest = int(m.group(1)), m.group(2)
        if first:
            if names.setdefault(n, rest) != rest:
                print("plain: #%d named %r and %r" % (n, names[n], rest))
            first = False
        else:
            lines.setdefault(n, []).append(rest)
    return names, lines


def main():
    steps, order = from_rawjson(sys.argv[1])
    names, lines = from_plain(sys.argv[2])
    by_name = {v: k for k, v in names.items()}
    nlogs = 0
    for d in order:
        s = steps[d]
        # Control characters show as their pictures (textsafe), as on the screen.
        text = re.sub(r"[\x00-\x09\x0b-\x1f]", lambda c: chr(0x2400 + ord(c.group())), s["log"].decode("utf-8", "replace"))
        want = text.split("\n")
        if want and want[-1] == "":
            want.pop()
        nlogs += len(want)
        n = by_name.get(s["name"])
        if n is None:
            if want or s["error"] or s["cached"] or s["completed"]:
                print("step %r has no #N header" % s["name"])
            continue
        got = lines.get(n, [])
        logs = [re.sub(r"^\d+\.\d+ ", "", g) for g in got if re.match(r"\d+\.\d+ ", g)]
        if logs != want:
            print("#%d %s: log lines %r, rawjson has %r" % (n, s["name"], logs, want))
        if s["error"].endswith("context canceled"):
            end = "CANCELED"
        elif s["error"]:
            end = "ERROR: " + s["error"]
        elif s["cached"]:
            end = "CACHED"
        elif s["completed"]:
            end = "DONE"
        else:
            end = None
        if end and not any(g == end or (end == "DONE" and re.match(r"DONE \d+\.\ds$", g)) for g in got):
            print("#%d %s: no %r line" % (n, s["name"], end))
    print("steps %d logs %d" % (len(order), nlogs))


if __name__ == "__main__":
    main()
