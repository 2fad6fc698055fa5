#!/bin/sh
# Keeps includes pointing down the layers (see the Makefile):
#   core < domain (skaffold, buildkit; neither includes the other) < sources
#   < transport < session < ui < cli
# The simulator (src/sim) may use everything up to transport. Generated
# headers (*.pb-c.h, codes_desc.h) belong to core. Checks the tree at $1
# (default: this checkout). Prints each include that
# points up or sideways, as FILE:LINE: what, and exits 1 if there is one.
cd "${1:-$(dirname "$0")/..}" || exit 2
rank() {
    case $1 in
        core) echo 0 ;; skaffold|buildkit) echo 1 ;; sources) echo 2 ;;
        transport) echo 3 ;; session) echo 4 ;; ui) echo 5 ;; cli) echo 6 ;;
        sim) echo 4 ;; *) echo 99 ;;
    esac
}
bad=0
for f in $(find src -name '*.[ch]' | sort); do
    layer=${f#src/}; layer=${layer%%/*}
    mine=$(rank "$layer")
    if [ "$mine" = 99 ]; then
        echo "$f: not in a layer folder (src/core, src/skaffold, ...)"; bad=1; continue
    fi
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r line; do
        n=${line%%:*}
        inc=$(printf '%s\n' "$line" | sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/')
        case $inc in *.pb-c.h|codes_desc.h) continue ;; */*) ;; *) continue ;; esac
        to=${inc%%/*}
        r=$(rank "$to")
        if [ "$r" = 99 ]; then echo "$f:$n: includes \"$inc\", which is in no layer"; echo x
        elif [ "$to" != "$layer" ] && { [ "$r" -gt "$mine" ] || [ "$r" = "$mine" ]; }; then
            [ "$layer" = sim ] && [ "$r" -le 3 ] && continue
            echo "$f:$n: $layer includes \"$inc\" ($to is not below $layer)"; echo x
        fi
    done | grep -v '^x$' && bad=1
done
if [ "$bad" = 0 ]; then echo "layers: every include points down"; fi
exit $bad
