# Reliability tests (included from tests/CMakeLists.txt).

# The bad-input matrix: every pointer, size and parameter of the public C API, in C99.
add_executable(convt-bad-input test_bad_input.c)
target_link_libraries(convt-bad-input PRIVATE convt::convt)
if(UNIX)
  target_link_libraries(convt-bad-input PRIVATE m)  # the naive oracle's tanh, exp, erf
endif()
set_target_properties(convt-bad-input PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(convt-bad-input PRIVATE -Wall -Wextra -Wno-missing-field-initializers -pedantic)
endif()
add_test(NAME bad_input COMMAND convt-bad-input)
set_tests_properties(bad_input PROPERTIES LABELS "quick;reliability" TIMEOUT 60)
