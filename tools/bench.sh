#!/usr/bin/env bash
# The main job: installs what is missing, builds, runs convt-bench on the layer suite.
# Extra arguments go to convt-bench (see convt-bench --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)" --target convt-bench
# OpenBLAS as a user's machine runs it: its own CPU detection, not a forced core type.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ./build/bench/convt-bench "$@"
