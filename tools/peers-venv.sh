#!/usr/bin/env bash
# Makes the venv build/peers-venv (in the source tree's build/, the benchmark's and the
# tests' fixed place) and pip-installs into it the PyPI packages named on the command line
# that it does not have yet:
#   tools/peers-venv.sh numpy onnx onnxruntime
# A failed pip install is a warning, not an error (what needs the packages is skipped).
# Used by tools/install-deps.sh test (ONNX Runtime for the onnx_crosscheck tests and
# tools/gen_golden_onnx.py; CMake's CONVT_ONNX_PYTHON points at this venv's python) and by
# tools/bench-setup.sh (the benchmark's PyPI peers). Re-runnable: creates the venv only
# when it has no python, installs only what `pip show` does not find, and never upgrades.
# Versions are not pinned; the installed ones are printed (and recorded by the scripts that
# use them). The venv's interpreter is the first python3 with venv and ensurepip (Debian's
# needs python3-venv: apt-get installs it when none has them; root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=build/peers-venv
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO=sudo

if [[ ! -x $venv/bin/python ]]; then
  py=""
  for cand in python3 /usr/bin/python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import venv, ensurepip' 2>/dev/null; then
      py=$cand; break
    fi
  done
  if [[ -z $py ]]; then
    echo "peers-venv: apt-get install python3-venv (for $venv)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      python3-venv >/dev/null
    py=/usr/bin/python3
  fi
  echo "peers-venv: creating $venv with $($py --version 2>&1)"
  mkdir -p build
  rm -rf "$venv"  # a half-made one (no python) from an interrupted run
  "$py" -m venv "$venv"
fi

todo=()
for pkg in "$@"; do
  "$venv/bin/python" -m pip show -q "$pkg" >/dev/null 2>&1 || todo+=("$pkg")
done
if ((${#todo[@]})); then
  echo "peers-venv: pip install ${todo[*]} (into $venv)"
  # Not fatal: without PyPI (no network, or a proxy whose certificate this machine lacks)
  # the tests that need these packages are skipped (ctest exit code 77) and the benchmark
  # shows their columns as "-".
  if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check --retries 1 \
      --timeout 60 "${todo[@]}"; then
    echo "peers-venv: WARNING: pip install ${todo[*]} failed: what needs them is skipped"
  fi
else
  echo "peers-venv: $* already in $venv"
fi
"$venv/bin/python" - "$@" <<'EOF'
import importlib
import sys
for m in sys.argv[1:]:
    try:
        mod = importlib.import_module(m)
        print(f"peers-venv: {m} {getattr(mod, '__version__', '?')}")
    except Exception as e:  # not installed, or broken: its users skip (tests) or show "-"
        print(f"peers-venv: {m}: not available ({type(e).__name__}: {e})")
EOF
