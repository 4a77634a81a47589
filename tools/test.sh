#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs the whole test suite.
# (ctest -L quick in build/ is the short edit-build-test loop.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
bash tools/test-arm64.sh
bash tools/test-sanitizers.sh
bash tools/fuzz.sh 60
