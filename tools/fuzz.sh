#!/usr/bin/env bash
# Builds the libFuzzer target with clang (ASan + UBSan) and runs it for a bounded time
# (default 60 s; tools/fuzz.sh SECONDS) from the committed seed corpus. Any finding fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCONVT_BUILD_FUZZ=ON -DCONVT_BUILD_TESTS=OFF -DCONVT_BUILD_BENCH=OFF \
  -DCONVT_SANITIZE=address,undefined >/dev/null
nice cmake --build build-fuzz -j"$(nproc)" --target convt-fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# New inputs go to $work; the committed corpus is read, not changed. Findings land in $work
# too and the fuzzer exits non-zero.
./build-fuzz/convt-fuzz -max_total_time="$seconds" -max_len=512 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work" tests/fuzz/corpus 2>&1 | tail -n 25
echo "fuzz: no findings in ${seconds} s"
