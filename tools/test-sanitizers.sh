#!/usr/bin/env bash
# The sanitizer runs of the test suite (called by tools/test.sh):
#   build-asan: the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   build-tsan: the threading tests under ThreadSanitizer (their own two programs)
# Any finding fails the run (-fno-sanitize-recover=all, halt_on_error).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
common=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONVT_BUILD_BENCH=OFF)

cmake -S . -B build-asan "${common[@]}" -DCONVT_SANITIZE=address,undefined >/dev/null
nice cmake --build build-asan -j"$jobs"
# detect_leaks: LeakSanitizer too. The package, consumer and ABI tests build uninstrumented
# programs against the library, and the live cross-checks (torch, onnx) load it into a
# Python that has no sanitizer runtime: skipped here (they run in the main build). The labels are
# matched whole: an unanchored "abi" also matched "reliability" and skipped the bad-input
# matrix.
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE "^(package|torch|onnx|consumers|abi)$"

cmake -S . -B build-tsan "${common[@]}" -DCONVT_SANITIZE=thread >/dev/null
nice cmake --build build-tsan -j"$jobs" --target convt-thread-tests convt-internal-thread-tests
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ./build-tsan/tests/convt-thread-tests -w NoTests "[threads]"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ./build-tsan/tests/convt-internal-thread-tests -w NoTests "[threads]"
echo "sanitizers: ASan+UBSan whole suite and TSan threading tests clean"
