#!/usr/bin/env bash
# ctest driver for the Go example: `go test` (cgo, `#cgo pkg-config: convt`) against an
# installed prefix.
#   examples/go/run-test.sh <install-prefix> <work-dir>
# GOCACHE and GOPATH live in <work-dir>; no network (GOPROXY=off, no dependencies), the
# local toolchain only (GOTOOLCHAIN=local).
set -euo pipefail
prefix=$(realpath "$1") work=$(mkdir -p "$2" && realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null || { echo "SKIP: go not found"; exit 77; }
command -v "${CC:-cc}" >/dev/null || { echo "SKIP: no C compiler for cgo"; exit 77; }
pcdir=$(dirname "$(find "$prefix" -name convt.pc -print -quit)")
export PKG_CONFIG_PATH=$pcdir
export GOCACHE=$work/gocache GOPATH=$work/gopath GOTOOLCHAIN=local GOPROXY=off GOFLAGS=
export GO111MODULE=on CGO_ENABLED=1 GOMAXPROCS=${GOMAXPROCS:-4}
# The library directory in the test binary's RPATH (pkg-config's libdir).
libdir=$(pkg-config --variable=libdir convt)
export CGO_LDFLAGS="-Wl,-rpath,$libdir"
export CONVT_EXPECT_PREFIX=$prefix
go version
cd "$here"
go vet ./...
go test -count=1 -v -p 1 ./... 2>&1
