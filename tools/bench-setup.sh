#!/usr/bin/env bash
# Installs the optional peers that `convt-bench --peers` compares convt with. Never needed
# to build or test convt; the benchmark runs without any of them (missing peers print "-").
#
#   tools/bench-setup.sh            apt: oneDNN, XNNPACK + pthreadpool (C++ peers compiled
#                                   into convt-bench), python3-torch (PyTorch 1.13 for
#                                   /usr/bin/python3); pip: onnx, onnxruntime, openvino into
#                                   the venv build/peers-venv (tools/peers-venv.sh, which
#                                   tools/install-deps.sh test also fills)
#   tools/bench-setup.sh --torch    also the current PyTorch from PyPI into that venv
#                                   (PyPI's default Linux wheel pulls the CUDA 13 runtime:
#                                   ~3.5 GB of wheels, a 5.7 GB venv, 80 s here; off by default)
#   tools/bench-setup.sh --no-pip   apt only
#
# Re-runnable: installs only what is missing. Run as root (or with sudo). Re-run CMake
# afterwards (tools/bench.sh does) so convt-bench picks up the C++ peers.
set -euo pipefail
cd "$(dirname "$0")/.."

with_torch=0 with_pip=1
for arg in "$@"; do
  case "$arg" in
    --torch) with_torch=1 ;;
    --no-pip) with_pip=0 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench-setup: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO=sudo

# ---- Debian packages ---------------------------------------------------------------------
want=(libdnnl-dev libxnnpack-dev libpthreadpool-dev python3 python3-numpy python3-torch)
missing=()
for pkg in "${want[@]}"; do
  [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) == *"install ok installed"* ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "bench-setup: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
else
  echo "bench-setup: Debian packages: nothing missing"
fi

# ---- PyPI packages, in a venv of their own (shared with the tests: tools/peers-venv.sh) -----
if ((with_pip)); then
  pkgs=(numpy onnx onnxruntime openvino)
  ((with_torch)) && pkgs+=(torch)
  bash tools/peers-venv.sh "${pkgs[@]}"
fi
