#!/usr/bin/env bash
# Solo and mute follow a container across rollouts: skview-sim rolls out new
# pod names at every deploy, as a Deployment does. `s` on a pod's line solos
# that workload's container (its lines from the pods of every later
# rollout keep coming and nothing else shows); `m` mutes one the same way.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"

title() { screen "$1" | grep -m1 -o 'L Logs .*'; }
not() { ! "$@"; }
# tags FILE: the distinct "[pod container]" tags of saved lines (Skaffold's,
# "[Task kind/name]", have a slash).
tags() { sed -n 's/^\[\([^]]*\)\].*/\1/p' "$1" | sort -u; }
workloads() { tags "$1" | sed -E 's/-[0-9a-z]{6,10}-[0-9a-z]{5} / /' | sort -u; }

start_sim --seed 5 --interval 600 --log-interval 100
start_ui v "$SKVIEW" -a "$ADDR" --no-config
$TM resize-window -t v: -x 160 -y 48
keys v L a a
check_screen "the application's lines" v "L Logs .*application only"
rows() { [ "$(screen v | grep -c '│\? *\[[a-z]')" -ge 10 ]; }
wait_for 20 rows
keys v k
check_screen "k: a line selected (paused)" v "L Logs .* paused"
keys v s G
check_screen "s: solo that line's container of its workload" v "solo [a-z]+/[a-z]+"
key=$(title v | grep -o 'solo [a-z]*/[a-z]*' | sed 's/solo //')
wl=${key%/*}; ct=${key#*/}
n0=$(logs_save v "$TMP/s0.txt")
check_cmd "solo $key: lines shown ($n0)" test "$n0" -ge 1
check_eq "solo $key: only that container of that workload" "$wl $ct" "$(workloads "$TMP/s0.txt")"
pods0=$(tags "$TMP/s0.txt" | grep -cv /)
# Rollouts: the lines of the workload's next pods come in under the solo.
# Each save to a new file (o asks before it overwrites one); the last in s1.txt.
saves=0
rolled() {
  saves=$((saves + 1)); logs_save v "$TMP/r$saves.txt" >/dev/null; cp "$TMP/r$saves.txt" "$TMP/s1.txt"
  [ "$(tags "$TMP/s1.txt" | grep -cv /)" -gt "$pods0" ]
}
check_cmd "solo $key: the next rollout's pod's lines keep coming" wait_for 60 rolled
check_eq "solo $key: still only that container of that workload" "$wl $ct" "$(workloads "$TMP/s1.txt")"
check_screen "solo $key: still following" v "L Logs .* follow"

# Mute the same key: the others' lines, and none of it, across rollouts.
keys v x
check_screen "x: filters cleared" v "filters cleared|L Logs [0-9]+/[0-9]+ .*application only"
wait_for 10 rows
keys v k
# The cursor's line may be another container: mute whatever it is.
keys v m G
check_screen "m: mute a container of a workload" v "mute [a-z]+/[a-z]+"
mkey=$(title v | grep -o 'mute [a-z]*/[a-z]*' | sed 's/mute //')
mwl=${mkey%/*}; mct=${mkey#*/}
sleep 0.1
n2=$(logs_save v "$TMP/m0.txt")
check_cmd "mute $mkey: other lines shown ($n2)" test "$n2" -ge 1
# has FILE W C: a saved line of container C of workload W.
has() { workloads "$1" | grep -qx "$2 $3"; }
check_cmd "mute $mkey: none of its lines" not has "$TMP/m0.txt" "$mwl" "$mct"
pods0=$(tags "$TMP/m0.txt" | grep -cv /)
check_cmd "mute $mkey: the next rollout's pods' lines come" wait_for 60 rolled
check_cmd "mute $mkey: still none of its lines" not has "$TMP/s1.txt" "$mwl" "$mct"

# J on a deployment: its containers' lines, from the pods of every rollout.
keys v x 2 g
check_screen "Resources: a deployment on the first row" v "2 Resources .*"$'\n'"[^"$'\n'"]*deployment/[a-z]+"
keys v J
check_screen "J on a deployment: its lines" v "solo deployment/[a-z]+,[a-z]+"
dep=$(title v | grep -o 'solo deployment/[a-z]*' | sed 's|solo deployment/||')
logs_save v "$TMP/j0.txt" >/dev/null
pods0=$(tags "$TMP/j0.txt" | grep -cv /)
check_cmd "J on deployment/$dep: the next rollout's pods' lines come" wait_for 60 rolled
check_eq "J on deployment/$dep: only its pods' lines and its own" "" \
  "$(workloads "$TMP/s1.txt" | grep -v "^$dep " | grep -v " deployment/$dep\$")"
keys v q
check_restored "quit" v
finish
