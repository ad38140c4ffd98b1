# `cmake --install BUILD --prefix PREFIX` installs the stage libraries, the interface target
# proviso::proviso over them, the report library, the `proviso` command, the public headers
# (under include/proviso/<stage>/, by proviso_stage()) and the CMake package, so that a host
# writes `find_package(proviso REQUIRED)` and links `proviso::proviso` (docs/embedding.md).
include(CMakePackageConfigHelpers)

set(PROVISO_PACKAGE_DIR lib/cmake/proviso)
get_property(stages GLOBAL PROPERTY PROVISO_STAGES)
list(TRANSFORM stages PREPEND proviso_ OUTPUT_VARIABLE stage_targets)
install(TARGETS ${stage_targets} proviso_core
        EXPORT proviso-targets
        ARCHIVE DESTINATION lib)
install(TARGETS proviso RUNTIME DESTINATION bin)
install(EXPORT proviso-targets NAMESPACE proviso:: DESTINATION ${PROVISO_PACKAGE_DIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/proviso-config.cmake.in
                              ${PROJECT_BINARY_DIR}/proviso-config.cmake
                              INSTALL_DESTINATION ${PROVISO_PACKAGE_DIR})
# 0.x: a minor version may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/proviso-config-version.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/proviso-config.cmake
              ${PROJECT_BINARY_DIR}/proviso-config-version.cmake
        DESTINATION ${PROVISO_PACKAGE_DIR})
