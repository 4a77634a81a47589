# Fails if the static library LIB defines any symbol in namespace convt:: (the public C++
# wrapper's, convt.hpp): the core's C++ lives in convt_impl::, so a program that links
# libconvt.a and includes convt.hpp never has two definitions of one name (an ODR
# violation the linker would not report: inline and template code is merged silently).
execute_process(COMMAND nm -C --defined-only ${LIB} OUTPUT_VARIABLE syms RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIB}")
endif()
string(REPLACE "\n" ";" lines "${syms}")
set(internal 0)
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^[0-9a-fA-F]* *[A-Za-z] " "" name "${line}")
  # The name's outermost scope, also inside a typeinfo/vtable/guard prefix.
  if(name MATCHES "(^|[ (<,*&])convt::")
    message(FATAL_ERROR "libconvt.a defines a symbol in the public namespace convt::: ${line}")
  endif()
  if(name MATCHES "convt_impl::")
    math(EXPR internal "${internal} + 1")
  endif()
endforeach()
if(internal LESS 10)
  message(FATAL_ERROR "expected the core's convt_impl:: symbols in ${LIB}, found ${internal}")
endif()
message(STATUS "${internal} convt_impl:: symbols, none in convt::")
