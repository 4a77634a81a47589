#!/bin/sh
# with_interpreter.sh PYTHON SCRIPT [ARGS...]: runs SCRIPT with PYTHON, or exits 77 (ctest:
# skipped) when PYTHON is not there (e.g. CONVT_ONNX_PYTHON's venv before
# tools/install-deps.sh test has made it).
py=$1
shift
if [ ! -x "$py" ]; then
  echo "with_interpreter: SKIP: no interpreter $py (tools/install-deps.sh test makes build/peers-venv)"
  exit 77
fi
exec "$py" "$@"
