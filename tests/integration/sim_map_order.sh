#!/usr/bin/env bash
# Skaffold's server writes every map of a State in Go's random map order, a
# new one on every GetState (protobuf-go writes maps as Go iterates them), v1
# and v2 alike. The simulator must not be kinder: GetState's maps (artifacts,
# resources, forwardedPorts) come in more than one order over 20 calls to an
# idle server, always with the same keys. tests/tools/map_order.py reads the raw
# answer, since a generated decoder (and skview's JSON) would hand the maps
# back in an order of its own.
source "$(dirname "$0")/../lib/lib.sh"

st="$TMP/states.jsonl"
start_sim --step 10 --interval 60 --idle-after 3 --seed 5 --state-log "$st"
logged_all() { [ "$(wc -l <"$st")" -ge 3 ]; }
check_cmd "3 iterations, then idle" wait_for 120 logged_all
check_cmd "GetState settles" quiesce

# orders API MAP: the distinct orders of MAP over 20 answers, one a line.
orders() {
  /usr/bin/python3 tests/tools/map_order.py "$ADDR" "$1" 20 | tr ' ' '\n' | grep "^$2=" | sort -u
}
# keysets: each order's keys sorted, so one line when they are the same set.
keysets() { sed 's/^[^=]*=//' | tr ',' '\n' | sort | tr '\n' ' ' | sed 's/$/\n/'; }

for api in v1 v2; do
  for m in buildState.artifacts statusCheckState.resources forwardedPorts; do
    o=$(orders "$api" "$m")
    n=$(grep -c . <<<"$o")
    keys=$(head -1 <<<"$o" | sed 's/^[^=]*=//' | tr ',' '\n' | grep -c .)
    check_cmd "$api GetState $m: $keys keys" test "$keys" -ge 3
    check_cmd "$api GetState $m: $n orders in 20 answers" test "$n" -ge 2
    sets=$(while IFS= read -r l; do keysets <<<"$l"; done <<<"$o" | sort -u | grep -c .)
    check_eq "$api GetState $m: always the same keys" 1 "$sets"
  done
done

finish
