#!/usr/bin/env bash
# The main job: installs what is missing, builds, runs convt-bench:
#   1. the layer suite (bench/shapes.txt) with the environment as it is,
#   2. the same suite with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that one
#      command (OpenBLAS's own CPU detection, as a user's machine runs it),
#   3. the held-out layers (bench/heldout.txt) once, environment as it is,
#   4. the 1-D layers (bench/shapes_1d.txt, ConvTranspose1d) once, environment as it is,
#   5. the 3-D layers (bench/shapes_3d.txt, ConvTranspose3d) once, environment as it is,
#   6. the 2-D suite channels last (--layout channels-last: every engine NHWC, and convt
#      channels first as a column),
#   7. the 2-D suite with a fused ReLU, then with a fused GELU (--activation: convt without
#      it and convt followed by a separate pass as columns; --peers only),
#   8. with --levels, the 2-D suite at each lower kernel level (below).
# With --peers (oneDNN, XNNPACK, PyTorch, ONNX Runtime, OpenVINO; installed by
# tools/bench-setup.sh) whenever at least one peer is installed; without, convt alone.
# Extra arguments go to every convt-bench run (see convt-bench --help), e.g. --threads 1.
# CONVT_BENCH_PEERS=0 never adds --peers. CONVT_BUILD_JOBS sets the build's -j.
# --levels (first argument): then also the suite at each lower kernel level this CPU has
# (CONVT_MAX_ISA=avx2, baseline), the peers that allow it capped alike
# (ONEDNN_MAX_CPU_ISA, ATEN_CPU_CAPABILITY; XNNPACK, ONNX Runtime and OpenVINO have no cap).
set -euo pipefail
cd "$(dirname "$0")/.."
levels=0
if [[ ${1:-} == --levels ]]; then levels=1; shift; fi
bash tools/install-deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"${CONVT_BUILD_JOBS:-$(nproc)}" --target convt-bench
bench=./build/bench/convt-bench

# Which peers are there: the in-process ones CMake found, the Python ones importable.
peers=()
cache_has() { grep -Eq "^$1:[A-Z]+=/" build/CMakeCache.txt 2>/dev/null; }
cache_has CONVT_BENCH_DNNL_LIBRARY && peers+=(oneDNN)
cache_has CONVT_BENCH_XNNPACK_LIBRARY && cache_has CONVT_BENCH_PTHREADPOOL_LIBRARY && peers+=(XNNPACK)
py_has() { [[ -x $1 ]] && "$1" -c "import importlib.util as u, sys; sys.exit(u.find_spec('$2') is None)" 2>/dev/null; }
py_has "${CONVT_BENCH_SYSTEM_PYTHON:-/usr/bin/python3}" torch && peers+=("PyTorch (Debian)")
venv_py=${CONVT_BENCH_PYTHON:-build/peers-venv/bin/python}
for mod in torch onnxruntime openvino; do py_has "$venv_py" "$mod" && peers+=("$mod (PyPI)"); done
mode=()
if [[ ${CONVT_BENCH_PEERS:-1} != 0 ]] && ((${#peers[@]})); then
  mode=(--peers)
  printf 'bench: peers found: %s\n' "$(IFS=,; echo "${peers[*]}" | sed 's/,/, /g')"
else
  echo "bench: no peers installed (tools/bench-setup.sh installs them): convt alone"
fi

show() { [[ -n ${!1:-} ]] && echo "$1=${!1}" || echo "$1 unset"; }
status=0
echo
echo "=== 1/8  suite bench/shapes.txt, environment as it is ($(show OPENBLAS_CORETYPE), $(show OPENBLAS_L2_SIZE))"
"$bench" "${mode[@]}" "$@" || status=$?
echo
echo "=== 2/8  suite bench/shapes.txt, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (OpenBLAS's own CPU detection)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$bench" "${mode[@]}" "$@" || status=$?
echo
echo "=== 3/8  held-out layers bench/heldout.txt, environment as it is"
"$bench" "${mode[@]}" --suite bench/heldout.txt "$@" || status=$?
echo
echo "=== 4/8  1-D layers bench/shapes_1d.txt, environment as it is"
"$bench" "${mode[@]}" --suite bench/shapes_1d.txt "$@" || status=$?
echo
echo "=== 5/8  3-D layers bench/shapes_3d.txt, environment as it is"
"$bench" "${mode[@]}" --suite bench/shapes_3d.txt "$@" || status=$?
echo
echo "=== 6/8  suite bench/shapes.txt channels last, environment as it is"
"$bench" "${mode[@]}" --layout channels-last "$@" || status=$?
if ((${#mode[@]})); then
  for act in relu gelu; do
    echo
    echo "=== 7/8  suite bench/shapes.txt with a fused ${act}: against none and a separate pass"
    "$bench" "${mode[@]}" --activation "$act" --engines convt_noact,convt_pass "$@" || status=$?
  done
else
  echo
  echo "=== 7/8  (the activation runs compare engines: --peers only)"
fi
if ((levels)); then
  best=$(env -u CONVT_MAX_ISA "$bench" --print-isa)
  lower=()
  case $best in avx512) lower=(avx2 baseline) ;; avx2) lower=(baseline) ;; esac
  for level in "${lower[@]}"; do
    case $level in
      avx2) caps=(ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2) ;;
      *) caps=(ONEDNN_MAX_CPU_ISA=SSE41 ATEN_CPU_CAPABILITY=default) ;;
    esac
    echo
    echo "=== 8/8  level $level: suite bench/shapes.txt, CONVT_MAX_ISA=$level ${caps[*]}"
    env CONVT_MAX_ISA="$level" "${caps[@]}" "$bench" "${mode[@]}" "$@" || status=$?
  done
fi
exit "$status"
