#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs the whole test suite.
# (ctest -L quick in build/ is the short edit-build-test loop.) Each step's time is printed
# after it (the whole command must stay well under CI's budget).
set -euo pipefail
cd "$(dirname "$0")/.."
step() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "test.sh: $name took $((SECONDS - start)) s (total $SECONDS s)"
}
step "install-deps" bash tools/install-deps.sh test
step "configure" cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
step "build" cmake --build build -j"$(nproc)"
step "ctest" ctest --test-dir build --output-on-failure -j"$(nproc)"
step "arm64" bash tools/test-arm64.sh
step "sanitizers" bash tools/test-sanitizers.sh
step "fuzz" bash tools/fuzz.sh 60
