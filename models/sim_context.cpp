#include "models/sim_context.h"

#include <systemc>

namespace ngpc {

void reset_systemc_context() {
  // The old context is deliberately not deleted: SystemC 2.3 objects still registered with it
  // may refer to it during static destruction. One small context per run is the cost.
  sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
  sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
  // sc_stop() at the end of every replay is expected, not news.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
}

}  // namespace ngpc
