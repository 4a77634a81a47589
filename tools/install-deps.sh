#!/usr/bin/env bash
# Installs, with Debian's apt, whatever convt needs that this machine is missing.
#   tools/install-deps.sh build   compiler, CMake, pkg-config, OpenBLAS, Catch2
#   tools/install-deps.sh arm64   build + the arm64 cross build and its tests under qemu:
#                                 Debian's cross g++, arm64 OpenBLAS (multiarch: adds the
#                                 arm64 architecture to dpkg), qemu-user
#   tools/install-deps.sh test    arm64 + what the test suite uses (PyTorch for the live
#                                 cross-check, clang/libFuzzer, valgrind, debhelper and
#                                 lintian for the packages, ...), then numpy, onnx and
#                                 onnxruntime from PyPI into the venv build/peers-venv
#                                 (tools/peers-venv.sh; python3-venv from apt if needed) for
#                                 the ONNX Runtime cross-check (CMake: CONVT_ONNX_PYTHON)
# Run as root (or with sudo available). Safe to run again: installs only what is missing.
set -euo pipefail
mode=${1:-build}
want=(build-essential cmake pkg-config libopenblas-dev catch2)
if [[ $mode == test || $mode == arm64 ]]; then
  # libstdc++6:arm64 and libgfortran's cross linker name: dpkg-shlibdeps of the arm64
  # package, and the static link of the C consumer; pkgconf:arm64: the
  # aarch64-linux-gnu-pkg-config that dpkg-buildpackage -a arm64 runs.
  want+=(g++-aarch64-linux-gnu qemu-user libgfortran-12-dev-arm64-cross
         libopenblas-dev:arm64 libstdc++6:arm64 pkgconf:arm64 debhelper dpkg-dev lintian)
fi
if [[ $mode == test ]]; then
  # gfortran: libgfortran's linker name, which `pkg-config --static openblas` asks for (the
  # static consumer test); universal-ctags: abi-dumper runs ctags (a Recommends, which
  # --no-install-recommends leaves out); cargo: the Rust consumer, unless one is on PATH.
  want+=(python3 python3-numpy python3-torch python3-venv clang libclang-rt-14-dev libfuzzer-14-dev valgrind
         golang-go abi-dumper abi-compliance-checker universal-ctags gfortran file)
  command -v cargo >/dev/null || want+=(cargo)
fi
missing=()
for pkg in "${want[@]}"; do
  [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) == *"install ok installed"* ]] || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: nothing missing"
else
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO=sudo
  if [[ " ${missing[*]}" == *:arm64* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "install-deps: dpkg --add-architecture arm64"
    $SUDO dpkg --add-architecture arm64
  fi
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ $mode == test ]]; then
  # ONNX Runtime is on PyPI only: the oracle of the ONNX padding kinds (tests/golden.cmake).
  bash "$(dirname "$0")/peers-venv.sh" numpy onnx onnxruntime
fi
