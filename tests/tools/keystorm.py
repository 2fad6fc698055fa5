#!/usr/bin/env python3
"""A seeded random key storm for the viewer, one step a line:
    L HEX        a burst: these bytes in one write (tmux send-keys -l)
    K NAME       one named key (tmux send-keys NAME)
    R COLSxROWS  a resize
    keystorm.py SEED KEYS
KEYS counts key presses (each byte of a burst, each named key). Keys that
end or stop the viewer (q, Ctrl-C, Ctrl-Z, Ctrl-\\) are left out; Ctrl-S
and Ctrl-Q are in, often."""
import random
import sys

QUIT = set(b"q\x03\x1a\x1c")
# Bound keys weighted up, then any other printable or control byte.
BOUND = list(b"?\r/nNfjkgGbsdBSD +-.[]elrPzuo0123456789\t\x0c\x13\x11\x1b")
OTHER = [c for c in list(range(1, 32)) + list(range(32, 127)) if c not in QUIT]
# Navigation that changes rows under the cursor: jumps to the end, seeks
# back, opens details, all between two frames.
NAV = list(b"456G[]\r\x1bjkge.")
NAMED = ["Up", "Down", "PgUp", "PgDn", "Home", "End", "F1", "BTab", "Enter", "Escape",
         "BSpace", "Left", "Right", "DC", "IC", "F5", "C-s", "C-q"]


def main():
    rng = random.Random(int(sys.argv[1]))
    want = int(sys.argv[2])
    sent = 0
    while sent < want:
        r = rng.random()
        if r < 0.04:
            print("R %dx%d" % (rng.randint(20, 160), rng.randint(8, 50)))
        elif r < 0.25:
            print("K " + rng.choice(NAMED))
            sent += 1
        else:
            n = min(want - sent, rng.choice([1, 2, 4, 8, 16, 32]))
            nav = rng.random() < 0.3
            burst = bytes(rng.choice(NAV) if nav else
                          rng.choice(BOUND) if rng.random() < 0.8 else rng.choice(OTHER)
                          for _ in range(n))
            # A few bursts are wide characters (UTF-8), as a paste brings.
            if rng.random() < 0.05:
                burst += "é𝔘😀".encode()
            print("L " + burst.hex())
            sent += n


main()
