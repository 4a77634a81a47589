#!/usr/bin/env bash
# The arm64 part of the test command (tools/test.sh): cross-builds convt, its tests and
# benchmarks for aarch64 (cmake/aarch64-linux-gnu.cmake), runs the test suite under
# qemu-aarch64, and cross-builds and checks the arm64 Debian packages (lintian).
#
# Under qemu every process is single-threaded (tools/qemu-aarch64-run: CONVT_NUM_THREADS=1,
# OPENBLAS_NUM_THREADS=1): Debian 12's qemu-aarch64 7.2 hangs in pthread_create on these
# hosts. So the Catch2 cases tagged [threads] and the bad-input rows that ask for threads
# are left to the native run, as is out_of_memory (qemu maps the guest's memory itself);
# everything else of the native suite runs: golden data, the sweep, the equivalence check,
# the bad-input matrix, the kernel tests at neon and baseline, the whole suite again at
# baseline, CONVT_MAX_ISA and CONVT_NUM_THREADS, the C example through pkg-config.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh arm64
start=$SECONDS
jobs=$(nproc)
cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-arm64 -j"$jobs"
built=$SECONDS

# The level the library runs at under qemu (which emulates ASIMD), and the cap.
for want in neon baseline; do
  cap=()
  [[ $want == baseline ]] && cap=(CONVT_MAX_ISA=baseline)
  out=$(env "${cap[@]}" tools/qemu-aarch64-run build-arm64/tests/convt-example-c 1)
  echo "$out"
  grep -q "($want kernels)" <<<"$out" || { echo "FAILED: expected the $want kernels"; exit 1; }
done

ctest --test-dir build-arm64 --output-on-failure -j"$jobs" --timeout 900
tested=$SECONDS
bash examples/c/run-deb-test.sh . build-arm64/package-test --arch arm64
echo "arm64: cross build $((built - start)) s, tests under qemu $((tested - built)) s," \
     "packages $((SECONDS - tested)) s"
