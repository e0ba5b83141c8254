if(NGPC_SANITIZE)
  set(NGPC_SAN_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${NGPC_SAN_FLAGS})
  # GCC 12 reports false -Wmaybe-uninitialized inside <regex> (pulled in by valijson) under -fsanitize.
  add_compile_options(-Wno-maybe-uninitialized)
  add_link_options(${NGPC_SAN_FLAGS})
endif()
