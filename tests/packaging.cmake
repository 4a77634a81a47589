# Packaging, consumers and ABI tests. Included at the end of tests/CMakeLists.txt.
#
#   label "package":   package_deb (dpkg-buildpackage from debian/, control fields, file
#                      lists, lintian, C and C++ examples built against the dpkg-deb -x'ed
#                      packages),
#                      pkgconfig_validate (on the staging install)
#   label "consumers": the examples in C++, Rust, Go and Python built and run against one
#                      staging install (the fixture consumers_stage), the C++ one also
#                      against the build tree; skipped (77) when a toolchain is missing
#   label "abi":       abi_soname_symbols, abi_check (against tests/abi/convt-*.dump),
#                      abi_check_detects_break (a deliberately broken copy must fail it)
#
# None of these belong in sanitizer or fuzzing builds: other languages' programs cannot load
# an instrumented libconvt, and the ABI check builds its own library anyway.
if(CONVT_SANITIZE OR CONVT_BUILD_FUZZ)
  message(STATUS "convt: packaging, consumer and ABI tests are off in sanitizer/fuzz builds")
  return()
endif()

# Cross builds: the consumers are host toolchains, the ABI check compares against x86-64
# dumps, and the packages of a cross build are checked by tools/test-arm64.sh.
if(CMAKE_CROSSCOMPILING)
  message(STATUS "convt: packaging, consumer and ABI tests are off in cross builds")
  return()
endif()

find_program(CONVT_BASH bash)
if(NOT CONVT_BASH)
  message(STATUS "convt: no bash, packaging, consumer and ABI tests are off")
  return()
endif()

set(_examples ${PROJECT_SOURCE_DIR}/examples)
set(_stage ${CMAKE_BINARY_DIR}/stage-consumers)

# `cmake --install` of this build tree rewrites the build tree's pc/convt.pc (with the
# prefix installed to) and install_manifest.txt: installs to different prefixes must not
# run at the same time.
if(TEST install_pkgconfig_consumer)
  set_tests_properties(install_pkgconfig_consumer PROPERTIES RESOURCE_LOCK convt_build_install)
endif()

# ---- The shared staging install ---------------------------------------------------------
add_test(NAME consumers_stage
  COMMAND ${CONVT_BASH} -c "rm -rf \"$0\" && \"$1\" --install \"$2\" --prefix \"$0\""
          ${_stage} ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR})
set_tests_properties(consumers_stage PROPERTIES
  LABELS "consumers;package"
  FIXTURES_SETUP convt_stage
  RESOURCE_LOCK convt_build_install)

# ---- Consumers ------------------------------------------------------------------------------
add_test(NAME consumer_cpp
  COMMAND ${CONVT_BASH} ${_examples}/cpp/run-test.sh prefix ${_stage}
          ${CMAKE_BINARY_DIR}/consumers/cpp)
add_test(NAME consumer_cpp_build_tree
  COMMAND ${CONVT_BASH} ${_examples}/cpp/run-test.sh build-tree ${CMAKE_BINARY_DIR}
          ${CMAKE_BINARY_DIR}/consumers/cpp-build-tree)
add_test(NAME consumer_rust
  COMMAND ${CONVT_BASH} ${_examples}/rust/run-test.sh ${_stage} ${CMAKE_BINARY_DIR}/consumers/rust)
add_test(NAME consumer_go
  COMMAND ${CONVT_BASH} ${_examples}/go/run-test.sh ${_stage} ${CMAKE_BINARY_DIR}/consumers/go)
add_test(NAME consumer_python
  COMMAND ${CONVT_BASH} ${_examples}/python/run-test.sh ${_stage})
# (examples/julia is not tested: no Julia on these machines; see its README.md.)
set_tests_properties(consumer_cpp consumer_rust consumer_go consumer_python PROPERTIES
  FIXTURES_REQUIRED convt_stage)
set_tests_properties(consumer_cpp consumer_cpp_build_tree consumer_rust consumer_go
                     consumer_python PROPERTIES
  LABELS consumers
  SKIP_RETURN_CODE 77
  TIMEOUT 300)
# The tests that compile (one compiler job each) take turns under `ctest -j`: the machines
# that run them are small and shared.
set_tests_properties(consumer_cpp consumer_cpp_build_tree consumer_rust consumer_go PROPERTIES
  RESOURCE_LOCK convt_compile)

# ---- Debian packages and pkg-config -------------------------------------------------------
# The packages are built by dpkg-buildpackage in a copy of the source tree under
# package-test/ (debhelper builds in the tree it packages).
add_test(NAME package_deb
  COMMAND ${CONVT_BASH} ${_examples}/c/run-deb-test.sh ${PROJECT_SOURCE_DIR}
          ${CMAKE_BINARY_DIR}/package-test)
set_tests_properties(package_deb PROPERTIES
  LABELS package
  SKIP_RETURN_CODE 77
  TIMEOUT 300
  RESOURCE_LOCK convt_compile)

# pkg-config --validate on the installed file itself (by path, so that no other convt.pc
# can stand in for it); any warning about it fails too, as does a package pkg-config cannot
# resolve (Requires.private: openblas) or a wrong version.
add_test(NAME pkgconfig_validate
  COMMAND ${CONVT_BASH} -c [[
    command -v pkg-config >/dev/null || { echo "SKIP: no pkg-config"; exit 77; }
    pc=$(find "$0" -name convt.pc -print -quit)
    [ -n "$pc" ] || { echo "no convt.pc under $0"; exit 1; }
    echo "pkg-config --validate $pc"
    out=$(pkg-config --validate "$pc" 2>&1) || { echo "$out"; exit 1; }
    if printf '%s\n' "$out" | grep -F "$pc"; then exit 1; fi
    export PKG_CONFIG_PATH=$(dirname "$pc")
    v=$(pkg-config --print-errors --modversion convt) || exit 1
    [ "$v" = "$1" ] || { echo "convt.pc says version $v, the project is $1"; exit 1; }
    pkg-config --print-errors --cflags --libs convt || exit 1
    echo "valid: convt $v"]]
    ${_stage} ${PROJECT_VERSION})
set_tests_properties(pkgconfig_validate PROPERTIES
  LABELS package
  FIXTURES_REQUIRED convt_stage
  SKIP_RETURN_CODE 77)

# ---- ABI ------------------------------------------------------------------------------------
add_test(NAME abi_soname_symbols
  COMMAND ${CMAKE_COMMAND} -DLIB=$<TARGET_FILE:convt> -DSONAME=libconvt.so.${PROJECT_VERSION_MAJOR}
          -DCHECK_SYMBOLS=${CMAKE_CURRENT_SOURCE_DIR}/check_symbols.cmake
          -P ${CMAKE_CURRENT_SOURCE_DIR}/abi/check_soname.cmake)
# Each builds libconvt (-g -Og, the library target only) in its own directory.
add_test(NAME abi_check
  COMMAND ${CONVT_BASH} ${PROJECT_SOURCE_DIR}/tools/abi-check.sh check
          --work ${CMAKE_BINARY_DIR}/abi-check)
add_test(NAME abi_check_detects_break
  COMMAND ${CONVT_BASH} ${PROJECT_SOURCE_DIR}/tools/abi-check.sh selftest
          --work ${CMAKE_BINARY_DIR}/abi-selftest)
set_tests_properties(abi_soname_symbols abi_check abi_check_detects_break PROPERTIES
  LABELS abi
  SKIP_RETURN_CODE 77
  TIMEOUT 300)
set_tests_properties(abi_check abi_check_detects_break PROPERTIES RESOURCE_LOCK convt_compile)
