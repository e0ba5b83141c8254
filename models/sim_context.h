// A fresh SystemC simulation context, and the one way to run it. SystemC keeps one global context
// and cannot restart a finished simulation in it, so every replay (and every SystemC test) starts
// from a new one, as DRAMSys's test fixture does.
#pragma once

namespace ngpc {

void reset_systemc_context();

// sc_start() on a thread of its own, joined before returning; an exception thrown by the
// simulation is rethrown here. Why a thread: Debian's SystemC 2.3.4 tells AddressSanitizer about
// its QuickThreads stack switches only partly (a switch back to the main coroutine announces an
// empty stack, and a thread process that returns switches away unannounced), so the calling
// thread's stack as ASan records it is left pointing at a coroutine stack that is later unmapped,
// and LeakSanitizer faults scanning it at exit. Confined to a thread that ends, the wrong record
// dies with it and the main thread's stack stays the one LSan scans (docs/testing.md).
void run_simulation();

// Called first in every SC_THREAD: clears AddressSanitizer's shadow of the part of this coroutine's
// stack below the caller's frame. SystemC maps coroutine stacks with mmap and unmaps them when a
// simulation ends, while its threads still wait mid-function, so the redzones of their frames stay
// poisoned in the shadow; a later coroutine stack mapped at the same address then meets that stale
// poison and ASan reports a stack-buffer-overflow on an ordinary local (seen on gpu_sms.cpp's
// MemRequest, depending on the address layout). Nothing below the current frame is live, so
// clearing it hides nothing. The SC_THREAD's own frame is above it and not cleared, so a thread
// keeps no locals there: it calls fresh_coroutine_stack() and then a noinline function that does
// the work (a test's FlowProbe, whose MemRequest was in the thread's own frame, met the stale
// poison on 2026-12-02 after an unrelated change moved the layout). No-op without ASan.
void fresh_coroutine_stack();

}  // namespace ngpc
