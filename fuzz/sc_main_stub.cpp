// libsystemc.so defines main(), which calls sc_main(), and the linker wants sc_main defined even
// though a fuzz executable's main() is libFuzzer's (linked into the executable, it takes
// precedence over the shared library's). Never called; aborts if it ever were.
// C linkage, as SystemC declares it (sc_externs.h).
#include <cstdio>
#include <cstdlib>

extern "C" int sc_main(int, char*[]) {
  std::fprintf(stderr, "ngpc-fuzz: SystemC's main() ran instead of libFuzzer's\n");
  std::abort();
}
