#!/usr/bin/env bash
# Installs the optional peers that `convt-bench --peers` compares convt with. Never needed
# to build or test convt; the benchmark runs without any of them (missing peers print "-").
#
#   tools/bench-setup.sh            apt: oneDNN, XNNPACK + pthreadpool (C++ peers compiled
#                                   into convt-bench), python3-torch (PyTorch 1.13 for
#                                   /usr/bin/python3); pip: onnx, onnxruntime, openvino into
#                                   the venv build/peers-venv
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
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
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

# ---- PyPI packages, in a venv of their own -------------------------------------------------
if ((with_pip)); then
  venv=build/peers-venv
  py=""
  # The interpreter that makes the venv: the first python3 on PATH that has venv + ensurepip
  # (a pyenv/official one usually does; Debian's needs python3-venv).
  for cand in python3 /usr/bin/python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import venv, ensurepip' 2>/dev/null; then
      py=$cand; break
    fi
  done
  if [[ -z $py ]]; then
    echo "bench-setup: apt-get install python3-venv (for the PyPI peers' venv)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    py=/usr/bin/python3
  fi
  if [[ ! -x $venv/bin/python ]]; then
    echo "bench-setup: creating $venv with $($py --version 2>&1)"
    mkdir -p build
    "$py" -m venv "$venv"
  fi
  pkgs=(numpy onnx onnxruntime openvino)
  ((with_torch)) && pkgs+=(torch)
  todo=()
  for pkg in "${pkgs[@]}"; do
    "$venv/bin/python" -m pip show -q "$pkg" >/dev/null 2>&1 || todo+=("$pkg")
  done
  if ((${#todo[@]})); then
    echo "bench-setup: pip install ${todo[*]} (into $venv)"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "${todo[@]}"
  else
    echo "bench-setup: PyPI packages: nothing missing"
  fi
  "$venv/bin/python" - <<'EOF'
import importlib
for m in ("numpy", "onnx", "onnxruntime", "openvino", "torch"):
    try:
        mod = importlib.import_module(m)
        print(f"bench-setup: venv {m} {getattr(mod, '__version__', '?')}")
    except Exception as e:  # not installed, or broken: convt-bench shows it as "-"
        print(f"bench-setup: venv {m}: not available ({type(e).__name__})")
EOF
fi
