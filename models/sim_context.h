// A fresh SystemC simulation context. SystemC keeps one global context and cannot restart a
// finished simulation in it, so every replay (and every SystemC test) starts from a new one,
// as DRAMSys's test fixture does.
#pragma once

namespace ngpc {

void reset_systemc_context();

}  // namespace ngpc
