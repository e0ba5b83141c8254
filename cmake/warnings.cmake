add_library(ngpc_warnings INTERFACE)
target_compile_options(ngpc_warnings INTERFACE -Wall -Wextra -Wpedantic)
# GCC's -Wshadow=local; clang (the fuzz build) spells the nearest check -Wshadow-uncaptured-local.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(ngpc_warnings INTERFACE -Wshadow=local)
else()
  target_compile_options(ngpc_warnings INTERFACE -Wshadow-uncaptured-local)
endif()
