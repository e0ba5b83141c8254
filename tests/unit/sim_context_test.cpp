// fresh_coroutine_stack (models/sim_context.h): a coroutine stack that reuses the memory of an
// unmapped one may carry the old frames' redzone poison; the call at the top of every SC_THREAD
// must clear it below the caller's frame. Stale poison is made by hand here, where it otherwise
// depends on mmap handing back the same address.
#include "models/sim_context.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <systemc>

#include "sim_fixture.h"

#if defined(__SANITIZE_ADDRESS__)
#define NGPC_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NGPC_TEST_ASAN 1
#endif
#endif
#ifdef NGPC_TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace ngpc {
namespace {

using SimContext = ::SimTest;

#ifdef NGPC_TEST_ASAN
struct StalePoison : sc_core::sc_module {
  bool poisoned_before = false, poisoned_after = true;
  explicit StalePoison(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
  SC_HAS_PROCESS(StalePoison);
  void run() {
    // 16 KiB well below this frame: no frame of the calls below reaches it.
    const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    auto* stale = reinterpret_cast<char*>(here - 32 * 1024);
    __asan_poison_memory_region(stale, 16 * 1024);
    poisoned_before = __asan_address_is_poisoned(stale + 8 * 1024) != 0;
    fresh_coroutine_stack();
    poisoned_after = __asan_region_is_poisoned(stale, 16 * 1024) != nullptr;
  }
};

TEST_F(SimContext, FreshCoroutineStackClearsStalePoisonBelowTheFrame) {
  StalePoison m("m");
  run_simulation();
  EXPECT_TRUE(m.poisoned_before) << "the test's own poison did not take";
  EXPECT_FALSE(m.poisoned_after);
}
#else
TEST_F(SimContext, FreshCoroutineStackClearsStalePoisonBelowTheFrame) {
  GTEST_SKIP() << "needs AddressSanitizer (the test command's build)";
}
#endif

}  // namespace
}  // namespace ngpc
