// The Amdahl ceiling stats: the GPU keeps the remaining kernels (fused when gpu.fusion is on), so
// the speed-up can never exceed GPU-only time / fused remaining time, whatever the NGPC does.
#include <gtest/gtest.h>

#include "sim/config/config_loader.h"
#include "sim/config/tech_loader.h"
#include "sim/replay/replay.h"
#include "sim/report/stats.h"
#include "sim/trace/trace_io.h"
#include "sim_fixture.h"

namespace ngpc {
namespace {

class AmdahlBound : public SimTest {};

TEST_F(AmdahlBound, IsGpuOnlyTimeOverFusedRestTimeAndCapsTheSpeedup) {
  for (const char* name : {"tiny-nerf.json", "tiny-gia.json"}) {
    const trace::Trace t = trace::read_trace(std::string(NGPC_SOURCE_DIR) + "/traces/" + name);
    // From the trace alone: all kernels vs the "gpu" (remaining) kernels.
    double total_ns = 0, rest_ns = 0;
    for (const trace::Kernel& k : t.frames[0].kernels) {
      total_ns += k.gpu_time_ns;
      if (k.kind == "gpu") rest_ns += k.gpu_time_ns;
    }
    for (const bool fusion : {true, false}) {
      reset_systemc_context();
      const LoadedConfig lc = load_config("", {fusion ? "gpu.fusion=true" : "gpu.fusion=false"});
      const TechTable tech =
          load_tech_table(resolve_config_ref(lc.config, lc.config.tech.table), lc.config.tech.node);
      const StatSet s = make_stats(replay(t, lc.config, tech, ReplayOptions{}), lc.config, t);
      const double fused_ns = rest_ns / (fusion ? lc.config.gpu.fusion_speedup : 1.0);
      EXPECT_NEAR(s.number("gpu_rest_fused_ms"), fused_ns * 1e-6, 1e-9) << name;
      EXPECT_NEAR(s.number("amdahl_speedup_bound"), total_ns / fused_ns, 1e-9 * total_ns / fused_ns)
          << name;
      EXPECT_LE(s.number("speedup"), s.number("amdahl_speedup_bound") * (1 + 1e-12)) << name;
      // The GPU's busy time on the remaining kernels includes contention: never below the bound's.
      EXPECT_GE(s.number("gpu_rest_busy_ms"), s.number("gpu_rest_fused_ms") * (1 - 1e-9)) << name;
    }
  }
}

}  // namespace
}  // namespace ngpc
