# One CMake library per pipeline stage. `proviso_stage(NAME SOURCES … DEPENDS …)` builds the
# folder NAME/ as the library proviso_NAME, linked to the stages it names, and checks at build
# time that its files include headers only from NAME/ and from those stages (transitively):
# an include that runs back up the pipeline fails the build.

set(PROVISO_CHECK_INCLUDES ${CMAKE_CURRENT_LIST_DIR}/check_includes.cmake)

function(proviso_stage name)
  cmake_parse_arguments(PARSE_ARGV 1 STAGE "" "" "SOURCES;DEPENDS")
  set(target proviso_${name})
  add_library(${target} STATIC ${STAGE_SOURCES})
  add_library(proviso::${name} ALIAS ${target})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set(allowed ${name})
  foreach(dependency IN LISTS STAGE_DEPENDS)
    target_link_libraries(${target} PUBLIC proviso_${dependency})
    get_property(below GLOBAL PROPERTY PROVISO_STAGE_${dependency})
    list(APPEND allowed ${dependency} ${below})
  endforeach()
  list(REMOVE_DUPLICATES allowed)
  set_property(GLOBAL PROPERTY PROVISO_STAGE_${name} ${allowed})

  file(GLOB files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.hpp
       ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  string(REPLACE ";" "|" file_list "${files}")
  string(REPLACE ";" "|" allowed_list "${allowed}")
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${name}_includes.stamp)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DSTAGE=${name} "-DALLOWED=${allowed_list}" "-DFILES=${file_list}"
            -DROOT=${PROJECT_SOURCE_DIR} -DSTAMP=${stamp} -P ${PROVISO_CHECK_INCLUDES}
    DEPENDS ${files} ${PROVISO_CHECK_INCLUDES}
    COMMENT "Checking that ${name}/ includes only the stages below it"
    VERBATIM)
  add_custom_target(${target}_includes DEPENDS ${stamp})
  add_dependencies(${target} ${target}_includes)
endfunction()
