// A small pool of host threads for the address-level work, outside the SystemC kernel. Work is
// split into independent pieces (a grid's levels, the NFPs of a sampled window) whose results are
// combined in a fixed order, so results are identical for any thread count. SystemC is never
// called from a pool thread.
#pragma once

#include <cstddef>
#include <functional>

namespace ngpc {

// Runs fn(0) .. fn(n - 1), spread over the pool; returns when all are done. Called from a pool
// thread (nested), it runs them on the calling thread. When pieces throw, the others still run
// and the exception of the lowest-numbered one is rethrown here, as a serial loop would throw
// first (a serial loop stops there; pieces must not depend on each other).
void parallel_for(size_t n, const std::function<void(size_t)>& fn);

// Threads the pool uses (including the caller); 1 = everything on the calling thread, 0 = the
// default:
// $NGPC_THREADS if set, else the machine's hardware threads.
void set_host_threads(unsigned n);
unsigned host_threads();

}  // namespace ngpc
