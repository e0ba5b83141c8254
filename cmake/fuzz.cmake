# NGPC_FUZZ: every library is instrumented for libFuzzer's coverage feedback and built with
# AddressSanitizer and UndefinedBehaviorSanitizer; only the fuzz executables (fuzz/) link the
# libFuzzer runtime and its main(). libsystemc (built by Debian with GCC) stays uninstrumented and
# is linked as usual; clang uses the same libstdc++.
if(NGPC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "NGPC_FUZZ needs clang (libFuzzer), e.g. -DCMAKE_CXX_COMPILER=clang++-14 "
                        "in a build directory of its own; got ${CMAKE_CXX_COMPILER_ID}")
  endif()
  if(NGPC_SANITIZE)
    message(FATAL_ERROR "NGPC_FUZZ sets its own sanitizers; leave NGPC_SANITIZE off")
  endif()
  # -O1 and line tables only, whatever the build type: they halve the compile time of -O2 -g (the
  # fuzz build is compiled from scratch by the CI's test command) and keep symbolised stacks; no
  # NDEBUG, so the asserts of nlohmann::json are checked.
  set(NGPC_FUZZ_OPT "-O1" CACHE STRING "Optimisation of the fuzz build")
  string(TOUPPER "${CMAKE_BUILD_TYPE}" NGPC_BUILD_TYPE_UPPER)
  set(CMAKE_CXX_FLAGS_${NGPC_BUILD_TYPE_UPPER} "${NGPC_FUZZ_OPT} -gline-tables-only")
  set(NGPC_FUZZ_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                          -fno-omit-frame-pointer)
  add_compile_options(-fsanitize=fuzzer-no-link ${NGPC_FUZZ_SAN_FLAGS})
  add_link_options(${NGPC_FUZZ_SAN_FLAGS})
endif()
