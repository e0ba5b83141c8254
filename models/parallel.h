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

// Runs fn(0) .. fn(n - 1) as parallel_for does and, on the calling thread, then(0) .. then(n - 1)
// in that order, each after its fn: the calling thread runs `then` as soon as the next one in
// order is ready and takes pieces of fn meanwhile, so serial follow-up work (the sampler's L2
// replay) overlaps the pool's. The same as `for i: fn(i); then(i);` when no fn(i) depends on a
// then(j). The first failure in that serial order is rethrown (a then(i) that throws, or the
// lowest fn(i) that threw, whichever a serial loop reaches first) and no later then runs.
void parallel_for_ordered(size_t n, const std::function<void(size_t)>& fn,
                          const std::function<void(size_t)>& then);

// Threads the pool uses (including the caller); 1 = everything on the calling thread, 0 = the
// default:
// $NGPC_THREADS if set, else the machine's hardware threads.
void set_host_threads(unsigned n);
unsigned host_threads();

}  // namespace ngpc
