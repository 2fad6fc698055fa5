# A real Docker daemon for the integration scripts (bash; source after
# lib.sh). One dockerd per script, on its own socket and directories under
# $TMP, stopped and removed when the script exits:
#   start_dockerd        starts it (or restarts it on the same directories);
#                        sets DOCKER_SOCK and DOCKER_HOST
#   stop_dockerd         stops it (SIGTERM, then SIGKILL after 20 s)
#   dk_base_image        imports busybox-static as skview-bb:1 (FROM it; RUN
#                        works with network mode none)
#   dk_context NAME DOCKERFILE   a context tarball served over HTTP; prints its URL
#   dk_solve REF NAME [ARGS]     Control.Solve with that ref in the background
#                        (tests/tools/docker_solve.py); sets SOLVE_PID, output in
#                        $TMP/solve.REF
# When dockerd is not installed or does not start, the script fails and
# prints its log; SKVIEW_NO_DOCKER=1 skips it explicitly instead.
DOCKERD=$(command -v dockerd || echo /usr/sbin/dockerd)
DOCKER_CLI=/usr/bin/docker   # docker.io's CLI (another docker on PATH may differ)
BUSYBOX=/bin/busybox
PY=/usr/bin/python3
DK="$TMP/dk"
export DOCKER_CONFIG="$DK/cli"

if [ "${SKVIEW_NO_DOCKER:-0}" = 1 ]; then
  echo "# skipped: SKVIEW_NO_DOCKER=1"
  exit 0
fi
for f in "$DOCKERD" "$DOCKER_CLI" "$BUSYBOX"; do
  if [ ! -x "$f" ]; then
    echo "not ok docker: $f is missing (make deps installs docker.io and busybox-static;" \
         "SKVIEW_NO_DOCKER=1 skips these tests)"
    exit 1
  fi
done

# A builder.gc section gives ListWorkers its GC policies.
_dk_config() {
  mkdir -p "$DK/data" "$DK/x" "$DK/cli" "$DK/www"
  cat >"$DK/daemon.json" <<'EOF'
{"builder": {"gc": {"enabled": true, "defaultKeepStorage": "2GB",
  "policy": [{"keepStorage": "512MB", "filter": ["unused-for=168h"]},
             {"keepStorage": "1GB", "all": true}]}}}
EOF
}

_dk_ping() { curl -sf --max-time 2 --unix-socket "$DOCKER_SOCK" http://docker/_ping >/dev/null; }

start_dockerd() {
  [ -e "$DK/daemon.json" ] || _dk_config
  DOCKER_SOCK="$DK/d.sock"
  export DOCKER_HOST="unix://$DOCKER_SOCK"
  "$DOCKERD" --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --data-root "$DK/data" --exec-root "$DK/x" --pidfile "$DK/pid" -H "unix://$DOCKER_SOCK" \
    --config-file "$DK/daemon.json" >>"$DK/log" 2>&1 &
  DOCKERD_PID=$!
  if ! wait_for 60 _dk_ping; then
    echo "not ok dockerd started (its log follows)"
    cat "$DK/log"
    exit 1
  fi
}

stop_dockerd() {
  [ -n "${DOCKERD_PID:-}" ] || return 0
  kill "$DOCKERD_PID" 2>/dev/null
  local end=$((SECONDS + 20))
  while kill -0 "$DOCKERD_PID" 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.1; done
  kill -9 "$DOCKERD_PID" 2>/dev/null
  wait "$DOCKERD_PID" 2>/dev/null
  DOCKERD_PID=
}

_dk_remove() {
  stop_dockerd
  grep -o " $DK/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$DK"
}
at_exit _dk_remove

dk_base_image() {
  mkdir -p "$DK/bb/bin"
  cp "$BUSYBOX" "$DK/bb/bin/busybox"
  local a
  for a in sh echo sleep cat false true printf head seq; do ln -sf busybox "$DK/bb/bin/$a"; done
  tar -C "$DK/bb" -cf "$DK/bb.tar" . &&
    "$DOCKER_CLI" import "$DK/bb.tar" skview-bb:1 >/dev/null ||
    { echo "not ok docker import of busybox"; cat "$DK/log" | tail -20; exit 1; }
}

_dk_http() {
  [ -n "${DK_HTTP_PORT:-}" ] && return 0
  "$PY" -u -m http.server 0 --bind 127.0.0.1 --directory "$DK/www" >"$DK/http.log" 2>&1 &
  at_exit "kill $!"
  wait_for 10 grep -q 'port [0-9]' "$DK/http.log" || { echo "not ok http.server started"; cat "$DK/http.log"; exit 1; }
  DK_HTTP_PORT=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$DK/http.log" | head -1)
}

dk_context() {
  _dk_http
  mkdir -p "$DK/ctx/$1"
  printf '%s\n' "$2" >"$DK/ctx/$1/Dockerfile"
  tar -C "$DK/ctx/$1" -cf "$DK/www/$1.tar" Dockerfile
  echo "http://127.0.0.1:$DK_HTTP_PORT/$1.tar"
}

dk_solve() {
  local ref=$1 name=$2; shift 2
  "$PY" "$PWD/tests/tools/docker_solve.py" "$DOCKER_SOCK" "$ref" "http://127.0.0.1:$DK_HTTP_PORT/$name.tar" "$@" \
    >"$TMP/solve.$ref" 2>&1 &
  SOLVE_PID=$!
  at_exit "kill $SOLVE_PID"
}
