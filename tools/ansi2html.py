#!/usr/bin/env python3
"""Turns `tmux capture-pane -e -p` output (SGR escapes) into a standalone HTML
page with a terminal look, for tools/screenshots.sh. Only SGR is understood:
that is all capture-pane emits."""
import html
import re
import sys

BASE = ["#1d1f21", "#cc6666", "#b5bd68", "#f0c674", "#81a2be", "#b294bb", "#8abeb7", "#c5c8c6",
        "#666666", "#ff7b7b", "#d7e68a", "#ffe08a", "#9fc3e7", "#d7b4e6", "#a4e2dc", "#ffffff"]


def color256(n):
    if n < 16:
        return BASE[n]
    if n >= 232:
        v = 8 + (n - 232) * 10
        return "#%02x%02x%02x" % (v, v, v)
    n -= 16
    steps = [0, 95, 135, 175, 215, 255]
    return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])


def sgr(state, params):
    codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            state.clear()
        elif c == 1:
            state["bold"] = True
        elif c == 2:
            state["dim"] = True
        elif c == 3:
            state["italic"] = True
        elif c == 4:
            state["underline"] = True
        elif c == 7:
            state["reverse"] = True
        elif c == 22:
            state.pop("bold", None); state.pop("dim", None)
        elif c == 24:
            state.pop("underline", None)
        elif c == 27:
            state.pop("reverse", None)
        elif 30 <= c <= 37:
            state["fg"] = BASE[c - 30]
        elif 90 <= c <= 97:
            state["fg"] = BASE[c - 90 + 8]
        elif 40 <= c <= 47:
            state["bg"] = BASE[c - 40]
        elif 100 <= c <= 107:
            state["bg"] = BASE[c - 100 + 8]
        elif c == 39:
            state.pop("fg", None)
        elif c == 49:
            state.pop("bg", None)
        elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
            state["fg" if c == 38 else "bg"] = color256(codes[i + 2])
            i += 2
        elif c in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
            state["fg" if c == 38 else "bg"] = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
            i += 4
        i += 1


def style(state, fg_default, bg_default):
    fg, bg = state.get("fg", fg_default), state.get("bg", bg_default)
    if state.get("reverse"):
        fg, bg = bg, fg
    css = ["color:%s" % fg, "background:%s" % bg]
    if state.get("bold"):
        css.append("font-weight:bold")
    if state.get("dim"):
        css.append("opacity:0.6")
    if state.get("italic"):
        css.append("font-style:italic")
    if state.get("underline"):
        css.append("text-decoration:underline")
    return ";".join(css)


def main():
    title = sys.argv[1] if len(sys.argv) > 1 else "skview"
    fg, bg = "#c5c8c6", "#1d1f21"
    out = []
    state = {}
    for line in sys.stdin.read().split("\n"):
        pos = 0
        row = []
        for m in re.finditer(r"\x1b\[([0-9;]*)m", line):
            if m.start() > pos:
                row.append('<span style="%s">%s</span>' % (style(state, fg, bg), html.escape(line[pos:m.start()])))
            sgr(state, m.group(1))
            pos = m.end()
        if pos < len(line):
            row.append('<span style="%s">%s</span>' % (style(state, fg, bg), html.escape(line[pos:])))
        out.append("".join(row))
    print("""<!doctype html><html><head><meta charset="utf-8"><title>%s</title><style>
body{margin:0;background:%s}
pre{margin:0;padding:12px;font:15px/1.25 'DejaVu Sans Mono',monospace;color:%s;white-space:pre}
</style></head><body><pre>%s</pre></body></html>""" % (html.escape(title), bg, fg, "\n".join(out)))


main()
