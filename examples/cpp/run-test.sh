#!/usr/bin/env bash
# ctest driver for the C++ example: configures examples/cpp against an installed prefix
# (find_package through CMAKE_PREFIX_PATH) or against a build tree (convt_DIR), builds it,
# checks which convt it found and linked, and runs it.
#   examples/cpp/run-test.sh prefix <install-prefix> <work-dir>
#   examples/cpp/run-test.sh build-tree <convt-build-dir> <work-dir>
set -euo pipefail
mode=$1 where=$(realpath "$2") work=$3
here=$(cd "$(dirname "$0")" && pwd)
command -v c++ >/dev/null || { echo "SKIP: no C++ compiler"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
args=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON)
case $mode in
  prefix) args+=(-DCMAKE_PREFIX_PATH="$where") ;;
  build-tree) args+=(-Dconvt_DIR="$where") ;;
  *) echo "usage: $0 prefix|build-tree DIR WORK"; exit 2 ;;
esac
cmake -S "$here" -B "$work" "${args[@]}" >"$work/configure.log" 2>&1 || {
  cat "$work/configure.log"; echo "FAILED: configuring examples/cpp"; exit 1; }
grep -E "^-- convt" "$work/configure.log" || true
found=$(sed -n "s/^convt_DIR:[A-Z]*=//p" "$work/CMakeCache.txt")
case $found in
  "$where"/*|"$where") echo "find_package(convt) used $found" ;;
  *) echo "find_package(convt) found '$found', not under $where"; exit 1 ;;
esac
cmake --build "$work" -j1
# The imported target's location gives the program its RPATH: it must be the one asked for.
lib=$(ldd "$work/seed_layer" | awk '/libconvt\.so/ {print $3}')
echo "seed_layer loads $lib"
[[ $(realpath "$lib") == "$where"/* ]] || { echo "linked libconvt is not under $where"; exit 1; }
"$work/seed_layer"
