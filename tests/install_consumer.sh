#!/usr/bin/env bash
# Installs the built library into a staging prefix, then builds and runs the C example with
# nothing but `pkg-config --cflags --libs convt` against that prefix.
# CC: the C compiler (default cc); CONVT_RUN: what runs the programs (empty natively, the
# emulator of a cross build, e.g. tools/qemu-aarch64-run).
set -euo pipefail
build=$1 src=$2 stage=$3
cc=${CC:-cc}
run=${CONVT_RUN:-}
# The libraries a program loads, as the dynamic loader resolves them (what ldd prints; ldd
# itself cannot read another architecture's program). Under qemu the variable is set for
# the guest only (QEMU_SET_ENV), not for the emulator's own loader.
loaded() {
  if [[ -n $run ]]; then QEMU_SET_ENV=LD_TRACE_LOADED_OBJECTS=1 $run "$@"
  else LD_TRACE_LOADED_OBJECTS=1 "$@"; fi
}
rm -rf "$stage"
cmake --install "$build" --prefix "$stage" >/dev/null
pcdir=$(dirname "$(find "$stage" -name convt.pc | head -n1)")
export PKG_CONFIG_PATH="$pcdir"
flags=$(pkg-config --cflags --libs convt)
echo "pkg-config --cflags --libs convt: $flags"
"$cc" -std=c99 -Wall -Werror -o "$stage/seed_layer" "$src/examples/c/seed_layer.c" $flags -lm
libdir=$(pkg-config --variable=libdir convt)
LD_LIBRARY_PATH="$libdir" $run "$stage/seed_layer"
# The program must have linked the staged library, not the build tree's.
# (ldd's output is captured first: `ldd | grep -q` fails under pipefail when grep exits early.)
deps=$(LD_LIBRARY_PATH="$libdir" loaded "$stage/seed_layer")
grep -q "$stage" <<<"$deps" || {
  echo "consumer did not resolve libconvt from the staging prefix"; exit 1; }

# The static library: the same program linked with `pkg-config --static`, from a prefix
# that holds libconvt.a only (so -lconvt cannot pick the shared library), must run with no
# libconvt.so at all.
if [[ -f "$libdir/libconvt.a" ]]; then
  static_root="$stage/static-only"
  mkdir -p "$static_root"
  cp -r "$stage/include" "$static_root/"
  mkdir -p "$static_root/lib/pkgconfig"
  cp "$libdir/libconvt.a" "$static_root/lib/"
  sflags=$(pkg-config --define-variable=prefix="$static_root" --static --cflags --libs convt)
  echo "pkg-config --static --cflags --libs convt: $sflags"
  "$cc" -std=c99 -Wall -Werror -o "$stage/seed_layer_static" "$src/examples/c/seed_layer.c" \
    $sflags -lm
  deps=$(loaded "$stage/seed_layer_static")
  if grep -q libconvt <<<"$deps"; then
    echo "the --static consumer still links libconvt.so"; exit 1
  fi
  $run "$stage/seed_layer_static" 1
fi
