#!/usr/bin/env python3
"""The viewer under a flood, for `make bench` (tests/bench/bench_live.sh): runs
COMMAND (the viewer, its SKVIEW_STATS set by the caller) on a 160x48 pty
that is read all the time, and measures it with the pty and /proc, not by eye.

    bench_view.py KEYS COMMAND...

1. reads until the command has drawn, then until it is busy (its CPU grows
   by a fifth of a core within half a second: the flood has come);
2. KEYS times: sends '?' and reads until the help popup's title appears in
   what the pty gave after the key (the key's latency), then '?' again to
   close it and Ctrl-L, and reads until the full redraw has come (so the
   close is on screen: the next '?' then draws the title anew, where after
   a fixed wait a close not yet drawn and the next '?' could make one
   frame with the title unchanged, never sent), then on for 0.3-0.6 s
   (keys at a user's pace, at random moments of the flood);
3. reads until its CPU stops growing (the flood is folded), sends 'q'.
Prints "key value" lines: latency_ms_median, latency_ms_max, keys (answered),
keys_in_flood (those sent before the flood was folded: the caller makes the
flood long enough for all), busy_s (from the first busy sample to the last
CPU growth), cpu_s (CPU in that time) and rc. Exits 1 when a key is not
answered within 10 s."""
import fcntl
import os
import random
import select
import struct
import subprocess
import sys
import termios
import time

HZ = os.sysconf("SC_CLK_TCK")
TITLE = b"Help: keys"
CLEAR = b"\x1b[2J"           # the full redraw Ctrl-L asks for (xterm's clear)


def ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def read_some(fd, secs):
    """Reads what the pty gives within secs; b"" at its end or a timeout."""
    r, _, _ = select.select([fd], [], [], secs)
    if not r:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:
        return b""


def read_until(fd, pred, limit):
    """Reads until pred(bytes read so far) or limit seconds; returns pred's truth."""
    got, end = b"", time.monotonic() + limit
    while time.monotonic() < end:
        got += read_some(fd, 0.05)
        if pred(got):
            return True
        got = got[-64:]
    return False


def wait_busy(fd, pid, limit=60.0):
    """Reads until the command uses a fifth of a core over half a second."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        c0, t0 = ticks(pid), time.monotonic()
        while time.monotonic() - t0 < 0.5:
            read_some(fd, 0.05)
        if (ticks(pid) - c0) / HZ >= 0.1:
            return True
    return False


def key_latency(fd):
    """Sends '?', returns (the time sent, seconds until the popup's title
    came or None)."""
    t0 = time.monotonic()
    os.write(fd, b"?")
    if not read_until(fd, lambda b: TITLE in b, 10.0):
        return t0, None
    lat = time.monotonic() - t0
    os.write(fd, b"?\x0c")
    if not read_until(fd, lambda b: CLEAR in b, 10.0):
        return t0, None
    read_until(fd, lambda b: False, random.uniform(0.3, 0.6))
    return t0, lat


def wait_quiet(fd, pid, limit=300.0):
    """Reads until the command's CPU stops growing; returns the time of its
    last growth and the ticks then."""
    last_c, last_t = ticks(pid), time.monotonic()
    end = last_t + limit
    while time.monotonic() < end:
        t0 = time.monotonic()
        while time.monotonic() - t0 < 0.5:
            read_some(fd, 0.05)
        c = ticks(pid)
        if c - last_c <= 1:
            break
        last_c, last_t = c, time.monotonic()
    return last_t, last_c


def main():
    keys = int(sys.argv[1])
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
    p = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                         env=dict(os.environ, TERM="xterm-256color"))
    os.close(slave)
    if not read_until(master, lambda b: len(b) > 0, 30.0) or not wait_busy(master, p.pid):
        print("bench_view: the viewer drew nothing or got no flood", file=sys.stderr)
        p.kill()
        return 1
    t0, c0 = time.monotonic(), ticks(p.pid)
    sent = [key_latency(master) for _ in range(keys)]
    t1, c1 = wait_quiet(master, p.pid)
    os.write(master, b"q")
    read_until(master, lambda b: p.poll() is not None, 20.0)
    rc = p.wait(timeout=20)
    ok = sorted(x for _, x in sent if x is not None)
    print("keys", len(ok))
    print("keys_in_flood", sum(1 for t, x in sent if x is not None and t < t1))
    print("latency_ms_median %.1f" % (1000 * ok[len(ok) // 2] if ok else -1))
    print("latency_ms_max %.1f" % (1000 * ok[-1] if ok else -1))
    print("busy_s %.2f" % (t1 - t0))
    print("cpu_s %.2f" % ((c1 - c0) / HZ))
    print("rc", rc)
    return 0 if len(ok) == keys else 1


if __name__ == "__main__":
    sys.exit(main())
