# One CMake library per pipeline stage. `proviso_stage(NAME SOURCES … DEPENDS …)` builds the
# folder NAME/ as the library proviso_NAME, linked to the stages it names, and checks at build
# time that its files include headers only from NAME/ and from those stages (transitively):
# an include that runs back up the pipeline fails the build.

set(PROVISO_CHECK_INCLUDES ${CMAKE_CURRENT_LIST_DIR}/check_includes.cmake)

# A host includes <proviso/run/engine.hpp>; the headers include each other as "base/…". In the
# build tree include/proviso is a link to the source root, so both spellings work without a
# copy; the installed package has the same two roots (include and include/proviso).
set(PROVISO_BUILD_INCLUDE_DIR ${PROJECT_BINARY_DIR}/include)
file(MAKE_DIRECTORY ${PROVISO_BUILD_INCLUDE_DIR})
if(NOT EXISTS ${PROVISO_BUILD_INCLUDE_DIR}/proviso)
  file(CREATE_LINK ${PROJECT_SOURCE_DIR} ${PROVISO_BUILD_INCLUDE_DIR}/proviso SYMBOLIC)
endif()
set(PROVISO_INSTALL_INCLUDE_DIR include)

function(proviso_stage name)
  cmake_parse_arguments(PARSE_ARGV 1 STAGE "" "" "SOURCES;DEPENDS")
  set(target proviso_${name})
  add_library(${target} STATIC ${STAGE_SOURCES})
  add_library(proviso::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<BUILD_INTERFACE:${PROVISO_BUILD_INCLUDE_DIR}>
    $<INSTALL_INTERFACE:${PROVISO_INSTALL_INCLUDE_DIR}>
    $<INSTALL_INTERFACE:${PROVISO_INSTALL_INCLUDE_DIR}/proviso>)
  target_compile_features(${target} PUBLIC cxx_std_20)
  proviso_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY PROVISO_STAGES ${name})
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

  # Installed headers: all of the stage's but those that need PEGTL (the grammar's internals),
  # and those that include one of them.
  file(GLOB headers ${CMAKE_CURRENT_SOURCE_DIR}/*.hpp)
  set(internal "")
  set(changed TRUE)
  while(changed)
    set(changed FALSE)
    foreach(header IN LISTS headers)
      get_filename_component(header_name ${header} NAME)
      if(header_name IN_LIST internal)
        continue()
      endif()
      file(STRINGS ${header} includes REGEX "^#include")
      foreach(line IN LISTS includes)
        set(needs_internal FALSE)
        if(line MATCHES "<tao/pegtl")
          set(needs_internal TRUE)
        elseif(line MATCHES "^#include \"${name}/([^\"]+)\"")
          if(CMAKE_MATCH_1 IN_LIST internal)
            set(needs_internal TRUE)
          endif()
        endif()
        if(needs_internal)
          list(APPEND internal ${header_name})
          set(changed TRUE)
          break()
        endif()
      endforeach()
    endforeach()
  endwhile()
  foreach(header IN LISTS headers)
    get_filename_component(header_name ${header} NAME)
    if(NOT header_name IN_LIST internal)
      install(FILES ${header} DESTINATION ${PROVISO_INSTALL_INCLUDE_DIR}/proviso/${name})
    endif()
  endforeach()
endfunction()
