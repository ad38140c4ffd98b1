# Proviso's warning flags, as a list applied PRIVATE to each of its own targets by
# proviso_warnings(TARGET): never through add_compile_options or an exported target, so that
# neither a host that vendors Proviso nor one that uses the installed package inherits them.

set(PROVISO_WARNING_FLAGS -Wall -Wextra -Wpedantic)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports a false -Wrestrict inside libstdc++'s string concatenation at -O3
  # (GCC bug 105329); it is not about our code.
  list(APPEND PROVISO_WARNING_FLAGS -Wno-restrict)
endif()
if(PROVISO_WERROR)
  list(APPEND PROVISO_WARNING_FLAGS -Werror)
endif()

function(proviso_warnings)
  foreach(target IN LISTS ARGN)
    target_compile_options(${target} PRIVATE ${PROVISO_WARNING_FLAGS})
  endforeach()
endfunction()
