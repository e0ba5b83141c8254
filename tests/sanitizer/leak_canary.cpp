// Proof that leak detection works after SystemC simulations (tests/CMakeLists.txt runs it in the
// sanitizer build, docs/testing.md). It runs small simulations whose thread processes return (the
// QuickThreads path that used to leave AddressSanitizer with a stale record of the main thread's
// stack), then checks both ways LeakSanitizer can be wrong:
//  - a block referenced only from this thread's stack must NOT be reported: that holds only if
//    LSan scans the real stack (with the stale record it scanned nothing, or faulted);
//  - with argument "leak", a block whose last pointer is dropped MUST be reported at exit.
// "direct" runs sc_start() on this thread instead of ngpc::run_simulation(), to show the defect.
#include <sanitizer/lsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <systemc>

#include "models/sim_context.h"

namespace {

struct Worker : sc_core::sc_module {
  SC_HAS_PROCESS(Worker);
  explicit Worker(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(go); }
  void go() { sc_core::wait(10, sc_core::SC_NS); }  // returns: the thread terminates
};

void* volatile g_sink = nullptr;

bool has_arg(int argc, char* argv[], const char* a) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], a) == 0) return true;
  return false;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  const bool direct = has_arg(argc, argv, "direct");
  for (int round = 0; round < 3; ++round) {
    ngpc::reset_systemc_context();
    Worker a("a"), b("b");
    if (direct) {
      sc_core::sc_start();
    } else {
      ngpc::run_simulation();
    }
  }
  void* volatile on_stack = std::malloc(1000);  // reachable from this frame only
  if (__lsan_do_recoverable_leak_check() != 0) {
    std::fprintf(stderr, "leak canary: a block referenced from the stack was reported leaked\n");
    return 1;
  }
  std::free(on_stack);
  g_sink = std::malloc(4096);
  if (has_arg(argc, argv, "leak")) g_sink = nullptr;  // the only reference is gone: a real leak
  return 0;
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
