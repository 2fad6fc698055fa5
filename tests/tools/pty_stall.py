#!/usr/bin/env python3
"""Runs a command on a pty that stops being read, and measures the CPU the
command uses meanwhile (ticks of utime+stime from /proc/PID/stat).

    pty_stall.py SECONDS COMMAND...

Phases, printed as "key value" lines:
  1. read the pty until the command has drawn something (saw_output);
  2. stop reading: the command's frames fill the pty; after 2 s (filled),
     count its ticks over SECONDS (stalled_ticks);
  3. read again, send a space (pause a replay) and count its ticks over
     SECONDS while being read and idle (idle_ticks);
  4. send 'q', read to the end; exit status (rc) and whether the screen
     came back after the stall (resumed).
Also prints hz (ticks per second) and pending (bytes the pty held at the end
of the stall, from FIONREAD on the master)."""
import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time


def ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def read_for(fd, secs):
    """Reads the master for secs seconds; returns the bytes."""
    out = b""
    end = time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


def main():
    secs = float(sys.argv[1])
    cmd = sys.argv[2:]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                         env=dict(os.environ, TERM="xterm-256color"))
    os.close(slave)
    seen = read_for(master, 2.0)
    print("saw_output", int(len(seen) > 0))
    # Stop reading: the frames fill the pty.
    time.sleep(2.0)
    t0 = ticks(p.pid)
    time.sleep(secs)
    stalled = ticks(p.pid) - t0
    pending = struct.unpack("i", fcntl.ioctl(master, termios.FIONREAD, b"\0\0\0\0"))[0]
    # Read again: the viewer catches up; pause the replay and measure idle.
    after = read_for(master, 1.5)
    os.write(master, b" ")
    read_for(master, 1.0)
    t0 = ticks(p.pid)
    read_for(master, secs)
    idle = ticks(p.pid) - t0
    os.write(master, b"q")
    read_for(master, 1.0)
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = "timeout"
    print("hz", os.sysconf("SC_CLK_TCK"))
    print("stalled_ticks", stalled)
    print("idle_ticks", idle)
    print("pending", pending)
    print("resumed", int(len(after) > 0))
    print("rc", rc)


main()
