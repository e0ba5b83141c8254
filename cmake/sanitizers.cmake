if(NGPC_SANITIZE)
  set(NGPC_SAN_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${NGPC_SAN_FLAGS})
  # GCC 12 reports false -Wmaybe-uninitialized inside <regex> (pulled in by valijson) under -fsanitize.
  add_compile_options(-Wno-maybe-uninitialized)
  add_link_options(${NGPC_SAN_FLAGS})
  # -O1 and line tables (-g1), whatever the build type: the CI's test command compiles this build
  # from scratch, and on its 2-core machine -O2 -g took 13 min 4 s against 6 min 21 s, while the
  # whole suite ran in 239 s either way (docs/testing.md, "CI time"). Line tables are what
  # sanitizer and leak reports symbolise with.
  set(NGPC_SANITIZE_OPT "-O1" CACHE STRING "Optimisation of the sanitizer build")
  string(TOUPPER "${CMAKE_BUILD_TYPE}" NGPC_SAN_BUILD_TYPE_UPPER)
  set(CMAKE_CXX_FLAGS_${NGPC_SAN_BUILD_TYPE_UPPER} "${NGPC_SANITIZE_OPT} -g1 -DNDEBUG")
endif()
