#!/usr/bin/env bash
# skview buildkit against the BuildKit inside a real Docker daemon (Debian's
# docker.io: dockerd 20.10, BuildKit v0.8), started by this script on its own
# socket (tests/lib/docker_lib.sh): --buildkit docker from DOCKER_HOST, from the
# default socket and as docker://PATH, the errors of a missing daemon, of a
# denied socket, of a daemon without /grpc and of a socket that is not
# Docker; workers (GC rules), du (filters, sorts), prune (filters, keep
# options, options v0.8 cannot honour); status of running, failed, canceled
# and cached builds in every output mode, one vertex model for tty and
# plain, a hung dockerd noticed by the keepalive over the upgraded
# connection, and a ref given before its build starts (--wait).
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/docker_lib.sh"

start_dockerd
dk_base_image
bk() { "$SKVIEW" buildkit --buildkit docker "$@"; }
dk_context ok 'FROM skview-bb:1
RUN echo hello && sleep 1
RUN echo step2' >/dev/null
dk_context fail 'FROM skview-bb:1
RUN echo bad && false' >/dev/null
dk_context hang 'FROM skview-bb:1
RUN echo hang && sleep 121' >/dev/null
# Refs as buildctl makes them: 25 characters of base36.
ref() { printf 'skv%022d' "$1"; }
# solve_wait REF: waits for the Solve call to end; solved REF: its outcome.
solve_wait() { wait "$SOLVE_PID" 2>/dev/null; }
solved() { cat "$TMP/solve.$1"; }

# ---- reaching it ------------------------------------------------------------------
out=$(bk workers); rc=$?
check_eq "--buildkit docker from DOCKER_HOST: workers, exit 0" "0 moby" "$rc $(sed -n 's/^ID:[[:space:]]*//p' <<<"$out")"
check_match "workers: the builder.gc rules" $'GC policy rule#0:\n\tAll:\t\tfalse\n\tKeep duration:\t168h0m0s\n\tReserved space:\t536\\.87MB\nGC policy rule#1:\n\tAll:\t\ttrue\n\tReserved space:\t1\\.07GB' "$out"
check_eq "workers: dockerd's filters [\"\"] make no empty Filters: line" 0 "$(grep -c 'Filters:' <<<"$out")"
check_eq "workers --json: the filter as sent" '[""]' "$(bk workers --json | jq -c '.GCPolicy[0].filters')"
check_eq "docker://PATH" "ID:		moby" "$("$SKVIEW" buildkit --buildkit "docker://$DOCKER_SOCK" workers | head -1)"
check_eq "BUILDKIT_HOST=docker" "ID:		moby" "$(BUILDKIT_HOST=docker "$SKVIEW" buildkit workers | head -1)"
# The default socket, /var/run/docker.sock, is this daemon's in a private
# mount namespace (the machine's own /run is left alone).
out=$(unshare -m bash -c 'mount -t tmpfs tmpfs /run && touch /run/docker.sock &&
  mount --bind "$1" /run/docker.sock && env -u DOCKER_HOST "$2" buildkit --buildkit docker workers' _ \
  "$DOCKER_SOCK" "$SKVIEW" 2>&1 | head -1)
check_eq "--buildkit docker without DOCKER_HOST: /var/run/docker.sock" "ID:		moby" "$out"

err=$(bk history 2>&1); rc=$?
check_eq "history on v0.8: only a ref works" "1 skview: buildkit history: UNIMPLEMENTED: this daemon has no build history (BuildKit < v0.11): give --ref" "$rc $err"
err=$(bk info 2>&1); rc=$?
check_eq "info on v0.8: no Info call" "1 skview: buildkit info: UNIMPLEMENTED: this daemon has no Info call (BuildKit < v0.11)" "$rc $err"

err=$("$SKVIEW" buildkit --buildkit "docker://$TMP/none.sock" du 2>&1); rc=$?
check_eq "no daemon: one line naming the socket, exit 1" "1 skview: buildkit du: UNAVAILABLE: no Docker daemon at $TMP/none.sock (No such file or directory; is dockerd running? DOCKER_HOST or docker://PATH names another socket)" "$rc $err"
err=$(DOCKER_HOST=tcp://127.0.0.1:2375 bk du 2>&1); rc=$?
check_eq "DOCKER_HOST=tcp://: usage error" "2 skview: buildkit du: DOCKER_HOST=tcp://127.0.0.1:2375: --buildkit docker reaches Docker on a unix socket (unix:///PATH); for another host, publish its socket or use docker://PATH" "$rc $err"
# Permission denied: the socket is root's; nobody may not connect.
mkdir -m 755 "$TMP/pub" && cp "$SKVIEW" "$TMP/pub/skview" && chmod 755 "$TMP" "$DK"
err=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/pub/skview" buildkit --buildkit docker du 2>&1); rc=$?
check_eq "permission denied: says what to do" "1 skview: buildkit du: UNAVAILABLE: permission denied on $DOCKER_SOCK (the user needs to be in the docker group, or root)" "$rc $err"
# fake_sock MODE PATH: a unix socket that answers every connection as an old
# Docker (404 for /grpc) or as something else entirely.
fake_sock() {
  "$PY" - "$1" "$2" <<'EOF' &
import socket, sys
mode, path = sys.argv[1:]
s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(8)
while True:
    c, _ = s.accept()
    c.recv(4096)
    if mode == "old":
        body = b'{"message":"page not found"}\n'
        c.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    else:
        c.sendall(b"SSH-2.0-OpenSSH_9.2p1\r\n")
    c.close()
EOF
  at_exit "kill $!"
  wait_for 10 test -S "$2"
}
fake_sock old "$TMP/old.sock"
err=$("$SKVIEW" buildkit --buildkit "docker://$TMP/old.sock" workers 2>&1); rc=$?
check_eq "a Docker without BuildKit (no /grpc)" "1 skview: buildkit workers: UNAVAILABLE: the Docker daemon at $TMP/old.sock has no BuildKit (POST /grpc: HTTP/1.1 404 Not Found; Docker 18.09 or later serves it)" "$rc $err"
fake_sock ssh "$TMP/ssh.sock"
err=$("$SKVIEW" buildkit --buildkit "docker://$TMP/ssh.sock" workers 2>&1); rc=$?
check_eq "not a Docker socket" "1 skview: buildkit workers: UNAVAILABLE: $TMP/ssh.sock does not answer as a Docker daemon (it said 'SSH-2.0-OpenSSH_9.2p1')" "$rc $err"

# ---- status: a build that runs, in plain, then the same build cached -----------------
R1=$(ref 1)
dk_solve "$R1" ok
bk status "$R1" --wait 60s --progress plain >"$TMP/r1.plain" 2>"$TMP/r1.err"; rc=$?
solve_wait
check_eq "running build, plain: exit 0, as its Solve" "0 solved $R1" "$rc $(solved "$R1")"
check_match "running build, plain: its RUN's log line" $'#[0-9]+ \\[2/3\\] RUN echo hello && sleep 1\n#[0-9]+ [0-9.]+ hello\n#[0-9]+ DONE [0-9.]+s' "$(cat "$TMP/r1.plain")"
check_eq "running build, plain: a first build caches nothing" 0 "$(grep -c CACHED "$TMP/r1.plain")"

R2=$(ref 2)
dk_solve "$R2" ok
bk status "$R2" --wait 60s --json >"$TMP/r2.jsonl" 2>"$TMP/r2.err"; rc=$?
solve_wait
check_eq "cached build, rawjson: exit 0" "0 solved $R2" "$rc $(solved "$R2")"
check_match "cached build, rawjson: the RUN steps say cached" "true" "$(jq -r '.vertexes[]? | select(.name|test("RUN echo hello")) | .cached' "$TMP/r2.jsonl" | sort -u | paste -sd' ')"
tty=$(bk show "$TMP/r2.jsonl" --progress tty); plain=$(bk show "$TMP/r2.jsonl" --progress plain)
check_match "cached build, tty: the last frame says FINISHED" '^\[\+\] Building [0-9.]+s \(([0-9]+)/\1\) FINISHED' "$(head -1 <<<"$tty")"
# v0.8 reports the context's load completed, then at once again as cached:
# plain and tty both say CACHED (the same steps, by name).
check_eq "cached build: tty and plain agree on what was cached" \
  "$(sed -En 's/^ => CACHED (.*[^ ]) +[0-9.]+s$/\1/p' <<<"$tty" | sort)" \
  "$(awk '/^#[0-9]+ CACHED$/ {print n[$1]} /^#[0-9]+ [^0-9]/ && !/ (DONE [0-9.]+s|CACHED|ERROR:.*|CANCELED)$/ {k=$1; sub(/^#[0-9]+ /, ""); if (!(k in n)) n[k]=$0}' <<<"$plain" | sort)"
check_match "cached build: the context's load is CACHED in both" $'#1 \\[internal\\] load remote build context\n#1 CACHED' "$plain"
R3=$(ref 3)
dk_solve "$R3" ok
out=$(COLUMNS=80 bk status "$R3" --wait 60s --progress tty); rc=$?
check_match "cached build live, tty: exit 0 and FINISHED" '^0 \[\+\] Building [0-9.]+s \(([0-9]+)/\1\) FINISHED$' "$rc $(head -1 <<<"$out")"
check_match "cached build live, tty: CACHED RUN at 0.0s" ' => CACHED \[2/3\] RUN echo hello && sleep 1 +0\.0s' "$out"
solve_wait

# ---- failed --------------------------------------------------------------------------
R4=$(ref 4)
dk_solve "$R4" fail
bk status "$R4" --wait 60s --progress plain >"$TMP/r4.plain" 2>"$TMP/r4.err"; rc=$?
check_eq "failed build, plain: exit 1" 1 "$rc"
check_match "failed build, plain: ERROR and the step's log" $'#[0-9]+ ERROR: executor failed running \\[/bin/sh -c echo bad && false\\]: exit code: 1\n------\n > \\[2/2\\] RUN echo bad && false:\n[0-9.]+ bad\n------' "$(cat "$TMP/r4.plain")"
check_eq "failed build: one line on stderr" "skview: buildkit status: build failed: [2/2] RUN echo bad && false: executor failed running [/bin/sh -c echo bad && false]: exit code: 1" "$(cat "$TMP/r4.err")"
solve_wait
R5=$(ref 5)
dk_solve "$R5" fail
out=$(COLUMNS=80 bk status "$R5" --wait 60s --progress tty 2>/dev/null); rc=$?
check_match "failed build, tty: exit 1, ERROR line" '^1 .* => ERROR \[2/2\] RUN echo bad && false' "$rc $(tr '\n' ' ' <<<"$out")"
solve_wait
R6=$(ref 6)
dk_solve "$R6" fail
bk status "$R6" --wait 60s --json >"$TMP/r6.jsonl" 2>/dev/null; rc=$?
check_eq "failed build, rawjson: exit 0 (the stream is the answer), the error in it" "0 executor failed running [/bin/sh -c echo bad && false]: exit code: 1" \
  "$rc $(jq -r '.vertexes[]? | .error // empty' "$TMP/r6.jsonl" | head -1)"
solve_wait

# ---- canceled: the Solve call is cancelled once the step runs -------------------------
# cancel_run REF MODE: follows a long build of its own (its RUN names the
# ref) in MODE and cancels it once the step runs: its log line is out on a
# second, plain Status stream (tty and rawjson print no plain text as it
# goes); sets rc, out, err.
cancel_run() {
  local r=$1 mode=$2
  dk_context "c$r" "FROM skview-bb:1
RUN echo long $r && sleep 120" >/dev/null
  dk_solve "$r" "c$r" --cancel-when "$TMP/cancel.$r"
  COLUMNS=80 bk status "$r" --wait 60s --progress "$mode" >"$TMP/$r.out" 2>"$TMP/$r.err" &
  local pid=$!
  bk status "$r" --wait 60s --progress plain >"$TMP/$r.obs" 2>&1 &
  local obs=$!
  wait_for 60 grep -q "[0-9] long $r" "$TMP/$r.obs"
  touch "$TMP/cancel.$r"
  wait "$obs"
  wait "$pid"; rc=$?
  out=$(cat "$TMP/$r.out"); err=$(cat "$TMP/$r.err")
  solve_wait
}
R7=$(ref 7)
cancel_run "$R7" plain
check_eq "canceled build, plain: exit 1, 'build canceled'" "1 skview: buildkit status: build canceled" "$rc $err"
check_match "canceled build, plain: the step CANCELED" "#5 [0-9.]+ long $R7"$'\n#5 CANCELED' "$out"
R8=$(ref 8)
cancel_run "$R8" rawjson
check_eq "canceled build, rawjson: exit 0, the cancel in the stream" "0 context canceled" \
  "$rc $(jq -r '.vertexes[]? | .error // empty' <<<"$out" | grep -o 'context canceled' | head -1)"
R9=$(ref 9)
cancel_run "$R9" tty
check_eq "canceled build, tty: exit 1, 'build canceled'" "1 skview: buildkit status: build canceled" "$rc $err"
check_match "canceled build, tty: CANCELED line" " => CANCELED \\[2/2\\] RUN echo long $R9 && sleep 120" "$out"

# ---- a hung dockerd: the keepalive (shortened) notices over the upgraded connection -----
R12=$(ref 12)
dk_solve "$R12" hang --cancel-when "$TMP/cancel.$R12"
SKVIEW_KEEPALIVE_MS=1000 bk status "$R12" --wait 60s --progress plain >"$TMP/$R12.out" 2>"$TMP/$R12.err" &
pid=$!
wait_for 60 grep -q 'hang' "$TMP/$R12.out"
kill -STOP "$DOCKERD_PID"
t0=$SECONDS
wait "$pid"; rc=$?
kill -CONT "$DOCKERD_PID"
check_eq "hung dockerd: the keepalive ends the stream" "1 skview: buildkit status: UNAVAILABLE: keepalive watchdog timeout" "$rc $(cat "$TMP/$R12.err")"
check_cmd "hung dockerd: within seconds ($((SECONDS - t0)) s)" test $((SECONDS - t0)) -le 15
touch "$TMP/cancel.$R12"
solve_wait

# ---- a ref given before its build starts --------------------------------------------
R10=$(ref 10)
err=$(bk status "$R10" 2>&1); rc=$?
check_eq "unknown ref without --wait: v0.8's answer, exit 1" "1 skview: buildkit status: UNKNOWN: no such job $R10" "$rc $err"
dk_solve "$R10" ok --delay 5
bk status "$R10" --wait 2m --progress plain >"$TMP/r10.out" 2>"$TMP/r10.err"; rc=$?
check_eq "--wait: says it waits, then follows the build to its end" "0 skview: buildkit status: waiting for build $R10" "$rc $(cat "$TMP/r10.err")"
check_match "--wait: the build's steps" '#[0-9]+ \[3/3\] RUN echo step2' "$(cat "$TMP/r10.out")"
solve_wait
R11=$(ref 11)
t0=$SECONDS
err=$(bk status "$R11" --wait 5s 2>&1); rc=$?
check_match "--wait 5s, never started: gives up naming ref, limit and answer" "^1 skview: buildkit status: waiting for build $R11
skview: buildkit status: build $R11 did not start within 5s \(UNKNOWN: no such job $R11\)$" "$rc $err"
# (Without the cancel, v0.8's 3 s tries end past 11 s.)
check_cmd "--wait 5s: the try still open at the limit is cancelled ($((SECONDS - t0)) s)" test $((SECONDS - t0)) -le 9

# ---- du ------------------------------------------------------------------------------------
json=$(bk du --json)
n=$(wc -l <<<"$json")
check_cmd "du: records after the builds ($n)" test "$n" -ge 4
out=$(bk du)
check_eq "du: Records: total as --json" "Records:      $n" "$(grep '^Records:' <<<"$out")"
check_eq "du --sort size: largest first" "$(jq -s -r 'sort_by(-(.Size // "0" | tonumber)) | .[] | .Size // "0"' <<<"$json" | paste -sd' ')" \
  "$(bk du --json --sort size | jq -r '.Size // "0"' | paste -sd' ')"
check_eq "du --sort last-used: newest first" "$(jq -s -r 'sort_by(.LastUsedAt) | reverse | .[].ID' <<<"$json" | paste -sd' ')" \
  "$(bk du --json --sort last-used | jq -r .ID | paste -sd' ')"
reg=$(jq -r 'select(.RecordType == "regular") | .ID' <<<"$json" | sort | paste -sd' ')
check_eq "du --filter type==regular: the regular records" "$reg" "$(bk du --json --filter type==regular | jq -r .ID | sort | paste -sd' ')"
one=$(jq -r 'select(.InUse != true) | .ID' <<<"$json" | head -1)
check_eq "du --filter id==ID: that one" "$one" "$(bk du --json --filter "id==$one" | jq -r .ID)"

# ---- prune ----------------------------------------------------------------------------------
err=$(bk prune --yes --max-used-space 1MB 2>&1); rc=$?
check_eq "prune --max-used-space on v0.8: refused" "1 skview: buildkit prune: --max-used-space needs BuildKit v0.17 or later; this daemon is older than v0.11, which would ignore it and prune with the other options alone: nothing removed" "$rc $err"
err=$(bk prune --yes --min-free-space 1GB 2>&1); rc=$?
check_match "prune --min-free-space on v0.8: refused" "^1 .*--min-free-space needs BuildKit v0.17" "$rc $err"
check_eq "refused: nothing removed" "$n" "$(bk du --json | wc -l)"
out=$(bk prune --yes --keep-duration 1h); rc=$?
check_eq "prune --keep-duration 1h: everything is newer, nothing goes" "0 Total: 0 records, 0B reclaimed" "$rc $out"
out=$(bk prune --yes --filter "id==$one"); rc=$?
check_match "prune --filter id==ID: that record, its type unknown (v0.8 sends none)" "^removed  $one +[0-9.]+k?M?B +unknown " "$(head -1 <<<"$out")"
check_eq "prune --filter: one record" "0 Total: 1 record" "$rc $(tail -1 <<<"$out" | cut -d, -f1)"
check_eq "prune --filter: du no longer lists it" "" "$(bk du --json | jq -r "select(.ID == \"$one\") | .ID")"
out=$(bk prune --yes --all --json); rc=$?
check_eq "prune --all --json: exit 0, no RecordType in v0.8's records" "0 0" "$rc $(jq -s 'map(select(.RecordType)) | length' <<<"$out")"
check_eq "du after prune --all: nothing left" "" "$(bk du --json)"
finish
