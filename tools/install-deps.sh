#!/usr/bin/env bash
# Installs, with Debian's apt, whatever convt needs that this machine is missing.
#   tools/install-deps.sh build   compiler, CMake, pkg-config, OpenBLAS, Catch2
#   tools/install-deps.sh test    build + what the test suite uses (PyTorch for the
#                                 live cross-check, clang/libFuzzer, valgrind, ...)
# Run as root (or with sudo available). Safe to run again: installs only what is missing.
set -euo pipefail
want=(build-essential cmake pkg-config libopenblas-dev catch2)
if [[ "${1:-build}" == test ]]; then
  # gfortran: libgfortran's linker name, which `pkg-config --static openblas` asks for (the
  # static consumer test); universal-ctags: abi-dumper runs ctags (a Recommends, which
  # --no-install-recommends leaves out); cargo: the Rust consumer, unless one is on PATH.
  want+=(python3 python3-numpy python3-torch clang libclang-rt-14-dev libfuzzer-14-dev valgrind
         golang-go abi-dumper abi-compliance-checker universal-ctags gfortran file)
  command -v cargo >/dev/null || want+=(cargo)
fi
missing=()
for pkg in "${want[@]}"; do
  [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) == *"install ok installed"* ]] || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: nothing missing"
  exit 0
fi
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
