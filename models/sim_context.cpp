#include "models/sim_context.h"

#include <exception>
#include <systemc>
#include <thread>

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

}  // namespace ngpc
