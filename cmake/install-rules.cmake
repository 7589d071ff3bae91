# Installs the core library with an exported CMake package, so another
# project can find_package(spotburst CONFIG) and link spotburst::core.
include(CMakePackageConfigHelpers)

set(SPOTBURST_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/spotburst")

install(TARGETS spotburst_core spotburst_proto
  EXPORT spotburstTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET spotburst)
  install(TARGETS spotburst RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(EXPORT spotburstTargets
  NAMESPACE spotburst::
  DESTINATION ${SPOTBURST_CMAKE_DIR})

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/spotburstConfig.cmake.in
  ${PROJECT_BINARY_DIR}/spotburstConfig.cmake
  INSTALL_DESTINATION ${SPOTBURST_CMAKE_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/spotburstConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
# spotburst is licensed under the Apache License 2.0; the licence travels
# with every installed copy.
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})

install(FILES
  ${PROJECT_BINARY_DIR}/spotburstConfig.cmake
  ${PROJECT_BINARY_DIR}/spotburstConfigVersion.cmake
  DESTINATION ${SPOTBURST_CMAKE_DIR})

# What the programs read at run time and what clients build from, under
# share/spotburst in the source tree's layout, so that the examples' relative
# paths still hold: the instance catalogue and the price and workload traces
# (data/), the example policies, scenarios, states, daemon configurations,
# the deployment kit and the burst agents' boot script (examples/), and the
# protos (proto/) for generating clients.
set(SPOTBURST_SHARE_DIR ${CMAKE_INSTALL_DATADIR}/spotburst)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/
  DESTINATION ${SPOTBURST_SHARE_DIR}/data)
install(DIRECTORY
    ${PROJECT_SOURCE_DIR}/examples/policies
    ${PROJECT_SOURCE_DIR}/examples/scenarios
    ${PROJECT_SOURCE_DIR}/examples/states
    ${PROJECT_SOURCE_DIR}/examples/sidecar
    ${PROJECT_SOURCE_DIR}/examples/deploy
    ${PROJECT_SOURCE_DIR}/examples/mesos
  DESTINATION ${SPOTBURST_SHARE_DIR}/examples)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/proto/
  DESTINATION ${SPOTBURST_SHARE_DIR}/proto
  FILES_MATCHING PATTERN "*.proto")
