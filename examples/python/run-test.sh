#!/usr/bin/env bash
# ctest driver for the Python example: its tests against an installed prefix, found through
# pkg-config (PKG_CONFIG_PATH), once as they are (numpy and PyTorch when importable) and once
# with numpy hidden (the module's numpy-free path).
#   examples/python/run-test.sh <install-prefix>
# PYTHON defaults to Debian's /usr/bin/python3 (the interpreter with python3-torch).
set -euo pipefail
prefix=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-/usr/bin/python3}
[[ -x $py ]] || { echo "SKIP: $py not found"; exit 77; }
pcdir=$(dirname "$(find "$prefix" -name convt.pc -print -quit)")
export PKG_CONFIG_PATH=$pcdir CONVT_EXPECT_PREFIX=$prefix PYTHONDONTWRITEBYTECODE=1
unset CONVT_LIBRARY
"$py" "$here/test_convt.py"
echo "== again without numpy"
CONVT_TEST_NO_NUMPY=1 "$py" "$here/test_convt.py"
