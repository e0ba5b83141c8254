#include "models/sim_context.h"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <systemc>
#include <thread>

#if defined(__SANITIZE_ADDRESS__)
#define NGPC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NGPC_ASAN 1
#endif
#endif
#ifdef NGPC_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace ngpc {

void reset_systemc_context() {
  // Contexts made here are deleted by the next reset (every module of that simulation must be
  // gone by then). SystemC's own start-up context is never deleted: static objects of the
  // library still refer to it at exit.
  static sc_core::sc_simcontext* ours = nullptr;
  if (ours && ours == sc_core::sc_curr_simcontext) delete ours;
  ours = new sc_core::sc_simcontext();
  sc_core::sc_curr_simcontext = ours;
  sc_core::sc_default_global_context = ours;
  // sc_stop() at the end of every replay is expected, not news.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
}

void run_simulation() {
  std::exception_ptr error;
  std::thread kernel([&error] {
    try {
      sc_core::sc_start();
    } catch (...) {
      error = std::current_exception();
    }
  });
  kernel.join();
  if (error) std::rethrow_exception(error);
}

__attribute__((noinline)) void fresh_coroutine_stack() {
#ifdef NGPC_ASAN
  // Up to this call's own frame, which lies just below the caller's: everything the caller calls
  // later is built there. The thread function is entered a few frames below the top of its stack,
  // which is SC_DEFAULT_STACK_SIZE bytes (no process here sets its own); 16 KiB are left at the
  // bottom (the guard page, the entry frames) so the range stays inside the mapping.
  const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  const size_t size = static_cast<size_t>(sc_core::SC_DEFAULT_STACK_SIZE);
  const size_t margin = 16 * 1024;
  if (size <= 2 * margin) return;
  const uintptr_t lo = here - (size - margin);
  __asan_unpoison_memory_region(reinterpret_cast<void*>(lo), here - lo);
#endif
}

}  // namespace ngpc
