# The layering check: adapters and the two programs use the core through
# include/ alone, and public headers and examples use public headers alone
# (cmake/check_layering.py says exactly what is allowed). It is part of the
# default build, and the libraries and programs it governs wait for it, so a
# forbidden include fails the build with the file and line before any
# compiler error about a missing header.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
file(GLOB_RECURSE SPOTBURST_LAYERED_FILES CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/adapters/*.h ${PROJECT_SOURCE_DIR}/adapters/*.cc
  ${PROJECT_SOURCE_DIR}/src/cli/*.h ${PROJECT_SOURCE_DIR}/src/cli/*.cc
  ${PROJECT_SOURCE_DIR}/src/sidecar/*.h ${PROJECT_SOURCE_DIR}/src/sidecar/*.cc
  ${PROJECT_SOURCE_DIR}/include/*.h
  ${PROJECT_SOURCE_DIR}/examples/*.h ${PROJECT_SOURCE_DIR}/examples/*.cc)
set(SPOTBURST_LAYERING_STAMP ${PROJECT_BINARY_DIR}/layering.checked)
add_custom_command(
  OUTPUT ${SPOTBURST_LAYERING_STAMP}
  COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/cmake/check_layering.py
    ${PROJECT_SOURCE_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${SPOTBURST_LAYERING_STAMP}
  DEPENDS ${PROJECT_SOURCE_DIR}/cmake/check_layering.py
    ${SPOTBURST_LAYERED_FILES}
  COMMENT "Checking that adapters and programs use the core through include/"
  VERBATIM)
add_custom_target(spotburst_check_layering ALL
  DEPENDS ${SPOTBURST_LAYERING_STAMP})
foreach(target spotburst_sim spotburst_ec2 spotburst_mesos spotburst_sidecar
    spotburst spotburst_http)
  if(TARGET ${target})
    add_dependencies(${target} spotburst_check_layering)
  endif()
endforeach()
