# Sanitizer and fuzzing instrumentation for the whole build.
#
# SPOTBURST_SANITIZE: AddressSanitizer (with LeakSanitizer) and UBSan, and
# any report aborts the program, so a test that triggers one fails.
# SPOTBURST_BUILD_FUZZERS: libFuzzer's coverage instrumentation for every
# target (clang only), so the fuzzers in tests/fuzz see the code they drive.
if(SPOTBURST_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR
      "SPOTBURST_BUILD_FUZZERS needs clang (libFuzzer): configure with "
      "-DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  if(NOT SPOTBURST_SANITIZE)
    message(FATAL_ERROR "SPOTBURST_BUILD_FUZZERS needs SPOTBURST_SANITIZE=ON")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(SPOTBURST_SANITIZE)
  add_compile_options(
    -fsanitize=address,undefined
    -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
