# cmake -DLIB=<libconvt.so...> -DCHECK_SYMBOLS=<tests/check_symbols.cmake> -P check_soname.cmake
# The library's SONAME is libconvt.so.<major> (readelf -d), and it exports only convt_*
# (tests/check_symbols.cmake, included as it is: nm -D --defined-only).
if(NOT DEFINED SONAME)
  set(SONAME libconvt.so.0)
endif()
execute_process(COMMAND readelf -d ${LIB} OUTPUT_VARIABLE dyn RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf -d failed on ${LIB}")
endif()
if(NOT dyn MATCHES "\\(SONAME\\)[^\n]*\\[([^]\n]*)\\]")
  message(FATAL_ERROR "${LIB} has no SONAME:\n${dyn}")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL SONAME)
  message(FATAL_ERROR "${LIB}: SONAME is ${CMAKE_MATCH_1}, expected ${SONAME}")
endif()
message(STATUS "SONAME ${CMAKE_MATCH_1}")
include(${CHECK_SYMBOLS})
