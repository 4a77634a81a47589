# Golden data (tests/data: PyTorch's by tools/gen_golden.py, ONNX Runtime's by
# tools/gen_golden_onnx.py) and the live cross-checks against PyTorch
# (tools/crosscheck_torch.py) and ONNX Runtime (tools/crosscheck_onnx.py). Included from
# tests/CMakeLists.txt.

# convt-golden: replays the golden sets through every algorithm in both layouts; needs
# neither PyTorch nor ONNX Runtime.
add_executable(convt-golden test_golden.cpp)
target_link_libraries(convt-golden PRIVATE convt::convt Catch2::Catch2)
target_compile_definitions(convt-golden PRIVATE
  CONVT_GOLDEN_DIR="${CMAKE_CURRENT_SOURCE_DIR}/data")
add_test(NAME golden
  COMMAND convt-golden --golden-dir ${CMAKE_CURRENT_SOURCE_DIR}/data)
set_tests_properties(golden PROPERTIES LABELS "golden;quick")
# Once more at each lower kernel level (exit 77, skipped, on a CPU without it).
foreach(_level ${CONVT_LOWER_LEVELS})
  add_test(NAME golden_isa_${_level}
    COMMAND convt-golden --golden-dir ${CMAKE_CURRENT_SOURCE_DIR}/data)
  set_tests_properties(golden_isa_${_level} PROPERTIES
    LABELS "golden;isa;isa_${_level}"
    ENVIRONMENT CONVT_MAX_ISA=${_level}
    SKIP_RETURN_CODE 77)
endforeach()

# The live cross-check: a seeded random sweep, convt (loaded with ctypes) against PyTorch.
# Debian's /usr/bin/python3 is the interpreter with python3-torch; exit code 77 (skipped)
# when torch cannot be imported there.
# PyTorch (the host's python3) cannot load a cross-built library.
if(CMAKE_CROSSCOMPILING)
  return()
endif()
add_test(NAME torch_crosscheck
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tools/crosscheck_torch.py
          $<TARGET_FILE:convt>)
set_tests_properties(torch_crosscheck PROPERTIES
  LABELS "torch"
  SKIP_RETURN_CODE 77
  TIMEOUT 300)
# Once more at each lower kernel level: tests/crosscheck_at_isa.py checks that the library
# runs the level CONVT_MAX_ISA names (77, skipped, on a CPU without it), then runs the
# cross-check in its place.
foreach(_level ${CONVT_LOWER_LEVELS})
  add_test(NAME torch_crosscheck_isa_${_level}
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/crosscheck_at_isa.py
            ${PROJECT_SOURCE_DIR}/tools/crosscheck_torch.py $<TARGET_FILE:convt>)
  set_tests_properties(torch_crosscheck_isa_${_level} PROPERTIES
    LABELS "torch;isa;isa_${_level}"
    ENVIRONMENT CONVT_MAX_ISA=${_level}
    SKIP_RETURN_CODE 77
    TIMEOUT 300)
endforeach()

# The live cross-check against ONNX Runtime (tools/crosscheck_onnx.py): seeded random
# one-node ConvTranspose models of every ONNX padding kind, convt (ctypes) against ONNX
# Runtime's CPU provider. ONNX Runtime comes from PyPI: tools/install-deps.sh test puts numpy,
# onnx and onnxruntime into the venv build/peers-venv, whose python is CONVT_ONNX_PYTHON's
# default. Skipped (77) when that interpreter is missing or cannot import them.
set(CONVT_ONNX_PYTHON "${PROJECT_SOURCE_DIR}/build/peers-venv/bin/python" CACHE FILEPATH
  "Python with numpy, onnx and onnxruntime for the onnx_crosscheck tests (tools/install-deps.sh test makes build/peers-venv)")
set(_with_python sh ${CMAKE_CURRENT_SOURCE_DIR}/with_interpreter.sh ${CONVT_ONNX_PYTHON})
add_test(NAME onnx_crosscheck
  COMMAND ${_with_python} ${PROJECT_SOURCE_DIR}/tools/crosscheck_onnx.py $<TARGET_FILE:convt>)
set_tests_properties(onnx_crosscheck PROPERTIES
  LABELS "onnx"
  SKIP_RETURN_CODE 77
  TIMEOUT 300)
foreach(_level ${CONVT_LOWER_LEVELS})
  add_test(NAME onnx_crosscheck_isa_${_level}
    COMMAND ${_with_python} ${CMAKE_CURRENT_SOURCE_DIR}/crosscheck_at_isa.py
            ${PROJECT_SOURCE_DIR}/tools/crosscheck_onnx.py $<TARGET_FILE:convt>)
  set_tests_properties(onnx_crosscheck_isa_${_level} PROPERTIES
    LABELS "onnx;isa;isa_${_level}"
    ENVIRONMENT CONVT_MAX_ISA=${_level}
    SKIP_RETURN_CODE 77
    TIMEOUT 300)
endforeach()
