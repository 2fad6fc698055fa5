#!/bin/sh
# The wall between the layers (see the Makefile), checked twice:
#
#   tools/check_layers.sh [TREE]            the includes of TREE/src (default:
#                                           this checkout), both forms:
#                                           "ui/app.h" and <ui/app.h> (which
#                                           compiles with -Isrc)
#                                           and the panes' room: a pane file
#                                           (src/ui/pane_*.c, the Logs pane's
#                                           src/ui/logs_*) names no ui_t and
#                                           includes no header that does
#                                           (ui/app.h...): it gets a
#                                           pane_ctx_t (ui/pane_ctx.h)
#   tools/check_layers.sh --symbols BUILD   the objects: every symbol a layer's
#                                           library (BUILD/libLAYER.a) or the
#                                           simulator (BUILD/obj/src/sim/*.o)
#                                           leaves undefined must be defined in
#                                           the same layer or one it may reach,
#                                           or in no layer at all (libc, gRPC,
#                                           curses...): a call upwards fails
#                                           whatever the includes say; and
#                                           a pane's object (pane_*.o,
#                                           logs_*.o of libui.a) calls
#                                           nothing of the engine's (an
#                                           object whose source names ui_t).
#
# What each layer may reach (besides itself), one allow-list per layer:
#   core       -
#   skaffold   core                 (the two domains do not know each other)
#   buildkit   core
#   sources    core, the domain
#   transport  core, the domain, sources
#   session    core, the domain, sources, transport
#   ui         core, the domain, session       (not transport, not sources)
#   cli        core, the domain, session, ui
#   sim        core, the domain, sources, transport (the simulator: no viewer)
# Generated headers (*.pb-c.h, codes_desc.h) belong to core. For symbols the
# domain is one library (libdomain.a). Prints each violation, as
# FILE:LINE: what (includes) or LIB(OBJECT): what (symbols), and exits 1 if
# there is one.

allowed() {
    case $1 in
        core) echo "core" ;;
        skaffold) echo "core skaffold" ;;
        buildkit) echo "core buildkit" ;;
        domain) echo "core domain" ;;
        sources) echo "core skaffold buildkit domain sources" ;;
        transport) echo "core skaffold buildkit domain sources transport" ;;
        session) echo "core skaffold buildkit domain sources transport session" ;;
        ui) echo "core skaffold buildkit domain session ui" ;;
        cli) echo "core skaffold buildkit domain session ui cli" ;;
        sim) echo "core skaffold buildkit domain sources transport sim" ;;
        *) echo "" ;;
    esac
}

# Known exceptions, the one place they are listed: FILE and the layers it
# may reach beyond its own allow-list, for includes and symbols alike, one
# "FILE LAYER..." a line. None today (the last, cli's BuildKit command, runs
# on the session since session/bk_run.h); a line added here is said once
# its file no longer needs it, so that the list only shrinks.
EXCEPTIONS='
'

check_includes() {
    cd "${1:-$(dirname "$0")/..}" || exit 2
    bad=0
    # One pass over every file: the rules first (allow LAYER REACHED...,
    # except FILE LAYERS...), then "file FILE" and FILE LINE FORM PATH per
    # include.
    { rules; includes; } | awk '
        $1 == "allow" { known[$2] = 1; for (i = 3; i <= NF; i++) ok[$2, $i] = 1; msg[$2] = reach($2); next }
        $1 == "except" { for (i = 3; i <= NF; i++) exc[$2, $i] = 1; next }
        $1 == "file" {
            if (!known[layer($2)]) { print $2 ": not in a layer folder (src/core, src/skaffold, ...)"; bad = 1 }
            next
        }
        {
            f = $1; l = layer(f); inc = $4
            if (!known[l] || inc ~ /\.pb-c\.h$/ || inc == "codes_desc.h" || inc !~ /\//) next
            to = inc; sub(/\/.*/, "", to)
            q = $3 == "<" ? "<" inc ">" : "\"" inc "\""
            if (!known[to]) {
                if ($3 != "<") { print f ":" $2 ": includes " q ", which is in no layer"; bad = 1 }
            } else if (!ok[l, to] && !exc[f, to]) {
                print f ":" $2 ": " l " includes " q " (" msg[l] ")"; bad = 1
            }
        }
        function layer(f) { sub(/^src\//, "", f); sub(/\/.*/, "", f); return f }
        # "ui reaches core, skaffold, ..." from the allow rule being read.
        function reach(l,    r, i) {
            r = ""
            for (i = 3; i <= NF; i++) if ($i != l && $i != "domain") r = r (r == "" ? "" : ", ") $i
            return l " reaches " (r == "" ? "no other layer" : r)
        }
        END { exit bad }' || bad=1
    stale_exceptions && bad=1
    pane_rooms && bad=1
    [ "$bad" = 0 ] && echo "layers: every include points down"
    return $bad
}

# The allow-lists and the exceptions, as the awk passes read them.
rules() {
    for l in core skaffold buildkit domain sources transport session ui cli sim; do echo "allow $l $(allowed "$l")"; done
    printf '%s\n' "$EXCEPTIONS" | awk 'NF { $1 = "except " $1; print }'
}

# "file FILE" for each source file of src/, then "FILE LINE FORM PATH" for
# each #include of them; FORM is " or <.
includes() {
    find src -name '*.[ch]' | sort | sed 's/^/file /'
    find src -name '*.[ch]' -print0 | sort -z | xargs -0 grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' |
        sed 's/^\([^:]*\):\([0-9]*\):[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"]\)\([^>"]*\)[>"].*/\1 \2 \3 \4/'
}

# An exception whose file no longer includes anything of the layer it names
# is said, so that the list only shrinks. True when there is one.
stale_exceptions() {
    printf '%s\n' "$EXCEPTIONS" | while read -r f layers; do
        [ -f "$f" ] || continue   # gone with its exception
        for l in $layers; do
            grep -q "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]$l/" "$f" && continue
            echo "$f: listed as reaching $l, but includes nothing of it: remove the exception"
        done
    done | grep .
}

# A pane sees a pane_ctx_t, never the viewer's ui_t: a pane file that names
# it, or includes (either form) a header of src/ui that names it outside a
# comment, is said. True when there is one.
pane_rooms() {
    heavy=$(grep -l '^[^*/]*\bui_t\b' src/ui/*.h 2>/dev/null | sed 's|^src/||' | tr '\n' ' ')
    for f in src/ui/pane_*.c src/ui/logs_*.[ch]; do
        [ -f "$f" ] || continue
        grep -n '\bui_t\b\|\bstruct ui\b' "$f" | sed "s|^\([0-9]*\):.*|$f:\1: a pane names ui_t (a pane gets a pane_ctx_t, ui/pane_ctx.h)|"
        for h in $heavy; do
            grep -n "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]$h[>\"]" "$f" |
                sed "s|^\([0-9]*\):.*|$f:\1: a pane includes $h, which names ui_t|"
        done
    done | grep .
}

# Symbols: "LAYER FILE SYMBOL" for each undefined symbol of each object of
# BUILD's layer libraries and simulator; "LAYER - SYMBOL" for each defined.
symbols() {
    for a in "$1"/lib*.a; do
        l=${a##*/lib}; l=${l%.a}
        nm -g --format=posix "$a" 2>/dev/null | awk -v l="$l" -v d="$(dirs_of "$l")" '
            /\[.*\]:$/ { o = $0; sub(/.*\[/, "", o); sub(/\.o\]:$/, ".c", o); f = src(d, o); next }
            $2 == "U" { print l, f, $1; next }
            NF >= 2 && $2 ~ /^[A-TV-Z]$/ { print l, "-", $1 }
            # The source of object o: the first folder of the layer holding it.
            function src(dirs, o,    n, k, p, t) {
                n = split(dirs, k, " ")
                for (i = 1; i <= n; i++) { p = k[i] "/" o; if ((getline t < p) >= 0) { close(p); return p } }
                return k[1] "/" o
            }'
    done
    for o in "$1"/obj/src/sim/*.o; do
        [ -f "$o" ] || continue
        nm -g --format=posix "$o" | awk -v f="src/sim/${o##*/}" '
            BEGIN { sub(/\.o$/, ".c", f) }
            $2 == "U" { print "sim", f, $1 }'
    done
}

dirs_of() { case $1 in domain) echo "src/skaffold src/buildkit" ;; *) echo "src/$1" ;; esac; }

check_symbols() {
    [ -f "$1/libcore.a" ] || { echo "check_layers: no $1/libcore.a (build first)"; exit 2; }
    { rules; symbols "$1"; } | awk '
        $1 == "allow" { for (i = 3; i <= NF; i++) ok[$2, $i] = 1; next }
        $1 == "except" { for (i = 3; i <= NF; i++) exc[$2, $i] = 1; next }
        $2 == "-" { if (!($3 in home)) home[$3] = $1; next }
        { use[++n] = $0 }
        END {
            for (i = 1; i <= n; i++) {
                split(use[i], u, " "); l = u[1]; f = u[2]; s = u[3]
                if (!(s in home) || home[s] == l || ok[l, home[s]] || exc[f, home[s]]) continue
                printf "%s: %s calls %s, defined in lib%s.a (%s may not reach %s)\n", f, l, s, home[s], l, home[s]
                bad = 1
            }
            if (!bad) print "layers: every call points down"
            exit bad
        }'
}

# A pane's object calls nothing defined in an engine object of libui.a (one
# whose source, in this checkout, names ui_t outside a comment): a pane
# reaches the viewer through its context and its requests alone. Prints each
# such call; true when there is one.
pane_calls() {
    [ -f "$1/libui.a" ] || return 1
    engine=$(grep -l '^[^*/]*\bui_t\b' src/ui/*.c 2>/dev/null | sed 's|.*/||; s|\.c$|.o|' | tr '\n' ' ')
    nm -g --format=posix "$1/libui.a" 2>/dev/null | awk -v engine="$engine" '
        BEGIN { n = split(engine, e, " "); for (i = 1; i <= n; i++) eng[e[i]] = 1 }
        /\[.*\]:$/ { o = $0; sub(/.*\[/, "", o); sub(/\]:$/, "", o); next }
        $2 == "U" { if (o ~ /^(pane|logs)_/) use[++k] = o " " $1; next }
        NF >= 2 && $2 ~ /^[A-TV-Z]$/ { home[$1] = o }
        END {
            for (i = 1; i <= k; i++) {
                split(use[i], u, " ")
                if (!eng[home[u[2]]]) continue
                c = home[u[2]]; sub(/\.o$/, ".c", c); f = u[1]; sub(/\.o$/, ".c", f)
                printf "src/ui/%s: a pane calls %s, defined in src/ui/%s (the engine: a pane gets a pane_ctx_t and hands back a pane_req_t)\n", f, u[2], c
            }
        }' | grep .
}

if [ "$1" = --symbols ]; then
    out=$(check_symbols "${2:-build}"); rc=$?
    panes=$(pane_calls "${2:-build}")
    if [ -n "$panes" ]; then
        [ "$rc" = 0 ] || printf '%s\n' "$out"
        printf '%s\n' "$panes"
        exit 1
    fi
    printf '%s\n' "$out"
    exit $rc
else
    check_includes "$1"
fi
