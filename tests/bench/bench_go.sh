#!/usr/bin/env bash
# Builds the grpc-go peer of `make bench` (tests/bench/bench_go/main.go) offline
# from Debian's Go packages (`make bench` installs them): stubs from
# proto/*.proto with protoc-gen-go and protoc-gen-go-grpc, GOPATH mode over
# /usr/share/gocode. Prints the binary's path; exits 1 (and says why on
# stderr) when it cannot be built.
set -u
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-build}"
case $BUILD in /*) root="$BUILD/bench/go" ;; *) root="$PWD/$BUILD/bench/go" ;; esac # BUILD=/abs/path too
bin="$root/bench_go"
for t in go protoc-gen-go protoc-gen-go-grpc; do
  command -v $t >/dev/null || { echo "bench_go: no $t (make bench installs the Go packages)" >&2; exit 1; }
done
if [ ! -x "$bin" ] || [ -n "$(find tests/bench/bench_go proto -newer "$bin" -name '*.go' -o -newer "$bin" -name '*.proto')" ]; then
  rm -rf "$root" && mkdir -p "$root/gen" "$root/src/skvbench/pb" "$root/src/skvbench/pbv2" "$root/src/skvbench/bench_go"
  map="Mskaffold.proto=skvbench/pb,Mv2/skaffold_v2.proto=skvbench/pbv2"
  for p in skaffold.proto v2/skaffold_v2.proto; do
    protoc -Iproto -I/usr/include --go_out="$map:$root/gen" --go-grpc_out="$map:$root/gen" "proto/$p" || exit 1
  done
  mv "$root"/gen/skvbench/pb/*.go "$root/src/skvbench/pb/" &&
  mv "$root"/gen/skvbench/pbv2/*.go "$root/src/skvbench/pbv2/" &&
  cp tests/bench/bench_go/main.go "$root/src/skvbench/bench_go/" || exit 1
  GOPATH="$root:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOCACHE="$root/cache" \
    go build -o "$bin" skvbench/bench_go >&2 || { echo "bench_go: go build failed" >&2; exit 1; }
fi
echo "$bin"
