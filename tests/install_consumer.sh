#!/usr/bin/env bash
# Installs the built library into a staging prefix, then builds and runs the C example with
# nothing but `pkg-config --cflags --libs convt` against that prefix.
set -euo pipefail
build=$1 src=$2 stage=$3
rm -rf "$stage"
cmake --install "$build" --prefix "$stage" >/dev/null
pcdir=$(dirname "$(find "$stage" -name convt.pc | head -n1)")
export PKG_CONFIG_PATH="$pcdir"
flags=$(pkg-config --cflags --libs convt)
echo "pkg-config --cflags --libs convt: $flags"
cc -std=c99 -Wall -Werror -o "$stage/seed_layer" "$src/examples/c/seed_layer.c" $flags -lm
libdir=$(pkg-config --variable=libdir convt)
LD_LIBRARY_PATH="$libdir" "$stage/seed_layer"
# The program must have linked the staged library, not the build tree's.
LD_LIBRARY_PATH="$libdir" ldd "$stage/seed_layer" | grep -q "$stage" || {
  echo "consumer did not resolve libconvt from the staging prefix"; exit 1; }
