add_library(ngpc_warnings INTERFACE)
target_compile_options(ngpc_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local)
