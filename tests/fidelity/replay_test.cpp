// Whole-frame behaviour of the replay on bundled traces: closed-form lower bounds per resource,
// sampled vs full detail, scaling with the number of NFPs, and the accounting identities.
#include "sim/replay/replay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

#include "sim/config/config_loader.h"
#include "sim/config/tech_loader.h"
#include "sim/gpu_baseline/profile.h"
#include "sim/report/stats.h"
#include "sim/trace/trace_io.h"
#include "sim/workloads/generator.h"
#include "sim_fixture.h"

namespace ngpc {
namespace {

trace::Trace bundled(const std::string& name) {
  return trace::read_trace(std::string(NGPC_SOURCE_DIR) + "/traces/" + name);
}

struct Machine {
  Config cfg;
  TechTable tech;
};

Machine setup(const std::vector<std::string>& sets = {}) {
  const LoadedConfig lc = load_config("", sets);
  return {lc.config, load_tech_table(resolve_config_ref(lc.config, lc.config.tech.table),
                                     lc.config.tech.node)};
}

uint32_t pad16(uint32_t x) {
  return (x + 15) / 16 * 16;
}

// Lower bounds of one frame, from the trace and the configuration only.
struct Bounds {
  double gpu = 0, mac = 0, level_units = 0;
};

Bounds bounds_of(const trace::Frame& f, const trace::Trace& t, const Config& c) {
  Bounds b;
  const double nfps = c.cluster.scaling_factor;
  for (const trace::Kernel& k : f.kernels) {
    if (k.kind == "gpu") b.gpu += k.gpu_time_ns * 1e-9 / (c.gpu.fusion ? c.gpu.fusion_speedup : 1);
    if (k.kind == "mlp") {
      const trace::MlpModel& m = *t.find_mlp(k.model);
      // Padded MACs per query over all layers; the array does at most rows*cols per cycle.
      double macs = pad16(m.input_width) * double(m.width);
      macs += (m.hidden_layers - 1.0) * m.width * m.width;
      macs += double(m.width) * pad16(m.output_width);
      b.mac += k.queries * macs / (double(c.nfp.mlp.rows) * c.nfp.mlp.cols * nfps * c.clock_hz);
    }
    if (k.kind == "encode") {
      const trace::EncodingModel& e = *t.find_encoding(k.model);
      const uint32_t units = c.nfp.encoding.level_units;
      const double levels_per_unit = std::ceil(double(e.levels) / units);
      const double p = c.nfp.encoding.inputs_per_cycle.at(e.role);
      b.level_units += k.queries * levels_per_unit / (p * nfps * c.clock_hz);
    }
  }
  return b;
}

using Replay = SimTest;
using ReplaySlow = SimTest;  // several replays or full detail: the slow tier

TEST_F(ReplaySlow, NoFrameBeatsTheBoundOfAnyResource) {
  const std::vector<std::vector<std::string>> variants = {
      {},
      {"cluster.scaling_factor=1"},
      {"cluster.scaling_factor=64"},
      {"nfp.mlp.rows=32", "nfp.mlp.cols=32"},
      {"gpu.overlap=false"},
      {"nfp.encoding.grid_sram.capacity=\"4 MiB\"", "nfp.encoding.grid_sram.banks=32"},
  };
  for (const char* name : {"tiny-nerf.json", "tiny-gia.json"}) {
    const trace::Trace t = bundled(name);
    for (const auto& v : variants) {
      reset_systemc_context();
      const Machine s = setup(v);
      const RunResult r = replay(t, s.cfg, s.tech, {});
      ASSERT_EQ(r.frames.size(), t.frames.size());
      for (size_t i = 0; i < r.frames.size(); ++i) {
        const FrameResult& f = r.frames[i];
        const Bounds b = bounds_of(t.frames[i], t, s.cfg);
        const double tf = f.stats.time_s;
        SCOPED_TRACE(std::string(name) + " " + (v.empty() ? "default" : v[0]));
        EXPECT_GE(tf, b.gpu * (1 - 1e-9));
        EXPECT_GE(tf, b.mac);
        EXPECT_GE(tf, b.level_units);
        EXPECT_GE(tf, f.stats.memory.link_bytes / s.cfg.memory.l2.link_bandwidth_bytes_per_s);
        EXPECT_GE(tf, (f.stats.memory.ngpc_dram_bytes + f.stats.memory.gpu_dram_bytes) /
                          s.cfg.memory.dram.bandwidth_bytes_per_s);
      }
    }
  }
}

TEST_F(Replay, SampledAndFullDetailAgreeOnTheSmallBundledTraces) {
  // Too few time windows to sample: sampled mode simulates every window whole through its own
  // model of each NFP (every query, and says so), which must agree with the engines' full
  // detail. Both interleave the concurrent batches' L2 lookups, the sampler in 256-query chunks,
  // full detail as the flows progress; the orders still differ a little (tiny-nerf: 39.1 %
  // against 37.6 % L2 hits; up to 2.9 % in frame time on docs/sampling.md's exact-mode grid), so
  // the run reports the systematic term as its interval, not 0, and the interval must hold. With
  // full detail's lookups batch after batch (memory.l2.lookup_steps = 0), tiny-nerf had 32.3 %
  // L2 hits.
  for (const char* name : {"tiny-nerf.json", "tiny-gia.json"}) {
    const trace::Trace t = bundled(name);
    const Machine sampled = setup({"detail.mode=sampled"});
    const RunResult a = replay(t, sampled.cfg, sampled.tech, {});
    reset_systemc_context();
    const Machine full = setup({"detail.mode=full"});
    const RunResult b = replay(t, full.cfg, full.tech, {});
    reset_systemc_context();
    EXPECT_TRUE(a.frames[0].stats.sampling_exact) << name;
    EXPECT_DOUBLE_EQ(a.frames[0].stats.sampling_rel_err, sampled.cfg.detail.systematic_rel_err)
        << name;
    EXPECT_LE(std::fabs(a.sim_time_s / b.sim_time_s - 1), a.frames[0].stats.sampling_rel_err)
        << name;
    EXPECT_EQ(b.frames[0].stats.sampling_rel_err, 0.0) << name;  // the reference itself
  }
}

TEST_F(ReplaySlow, ReportedIntervalCoversTheErrorInNineOfTenSampledCases) {
  // The bar for sampling_rel_err_pct, a 95 % interval: it covers the sampled frame's
  // actual error against full detail in at least 90 % of cases. A 95 % interval can miss any one
  // case, so only the rate is held. Cases off the validation grid that calibrated
  // detail.systematic_pct (docs/validation.md §3: trace seed 1, 256² and 512²): trace seed 2 at
  // 384x216 on NGPC-8 to 64, and NeRF at 16 queries per pixel, 256² with four windows (32 time
  // windows at NGPC-8). NeRF 384x216 at 16 queries per pixel is simulated whole from NGPC-16 up.
  struct Case {
    const char* app;
    uint32_t width, height, nfps;
    double qpp;
    uint64_t trace_seed;
    const char* windows;
  };
  const Case cases[] = {
      {"nsdf", 384, 216, 8, 0, 2, nullptr},
      {"nsdf", 384, 216, 16, 0, 2, nullptr},
      {"nsdf", 384, 216, 32, 0, 2, nullptr},
      {"nsdf", 384, 216, 64, 0, 2, nullptr},
      {"nvr", 384, 216, 8, 0, 2, nullptr},
      {"nvr", 384, 216, 16, 0, 2, nullptr},
      {"nvr", 384, 216, 32, 0, 2, nullptr},
      {"nvr", 384, 216, 64, 0, 2, nullptr},
      {"nerf", 384, 216, 8, 16, 2, nullptr},
      {"nerf", 256, 256, 8, 16, 1, "detail.sample_windows=4"},
  };
  int covered = 0, n = 0;
  for (const Case& c : cases) {
    trace::GenOptions o;
    o.app = c.app;
    o.width = c.width;
    o.height = c.height;
    o.queries_per_pixel = c.qpp;
    o.seed = c.trace_seed;
    const trace::Trace t = trace::generate_trace(o, gpu::default_gpu_profile());
    const std::string nfps = "cluster.scaling_factor=" + std::to_string(c.nfps);
    std::vector<std::string> sets = {nfps, "detail.mode=sampled"};
    if (c.windows) sets.push_back(c.windows);
    reset_systemc_context();
    const Machine sampled = setup(sets);
    const RunResult a = replay(t, sampled.cfg, sampled.tech, {});
    reset_systemc_context();
    const Machine full = setup({nfps, "detail.mode=full"});
    const RunResult b = replay(t, full.cfg, full.tech, {});
    const FrameStats& s = a.frames.at(0).stats;
    const std::string name = std::string(c.app) + " " + std::to_string(c.width) + "x" +
                             std::to_string(c.height) + " NGPC-" + std::to_string(c.nfps);
    ASSERT_FALSE(s.sampling_exact) << name;  // it did sample
    EXPECT_TRUE(b.frames.at(0).stats.sampling_exact) << name;
    // The interval holds the sampling variance and the systematic term, never less than either.
    EXPECT_GE(s.sampling_rel_err, sampled.cfg.detail.systematic_rel_err) << name;
    EXPECT_GE(s.sampling_rel_err, s.sampling_stat_rel_err) << name;
    const double err = a.sim_time_s / b.sim_time_s - 1;
    covered += std::fabs(err) <= s.sampling_rel_err;
    ++n;
    std::printf("%-24s error %+6.2f %%, interval %5.2f %%\n", name.c_str(), err * 100,
                s.sampling_rel_err * 100);
  }
  EXPECT_GE(covered, 0.9 * n) << covered << " of " << n << " covered";
}

TEST_F(ReplaySlow, SampledSramHitRateDoesNotDependOnHowMuchOfABatchIsCounted) {
  // NVR 256 x 256 on NGPC-64: 4096-query batches whose first queries find their NFP's SRAMs
  // holding its previous batch's region, so a batch's hit rate rises along it. Counting 2048 of
  // each batch's queries must estimate the same SRAM hit rate as counting all of them, within
  // the windows' sampling noise (0.03 to 0.13 points over seeds 1 to 3). Ranges kept inside the
  // batch under-sampled its cold start: 74.41 % against 73.59 % (docs/sampling.md, "Phases").
  trace::GenOptions o;
  o.app = "nvr";
  o.width = o.height = 256;
  const trace::Trace t = trace::generate_trace(o, gpu::default_gpu_profile());
  double hit[2];
  const char* queries[2] = {"detail.sample_queries=2048", "detail.sample_queries=0"};
  for (int i = 0; i < 2; ++i) {
    reset_systemc_context();
    const Machine m = setup({"cluster.scaling_factor=64", queries[i]});
    const RunResult r = replay(t, m.cfg, m.tech, {});
    ASSERT_FALSE(r.frames.at(0).stats.sampling_exact);  // windows were sampled
    hit[i] = make_stats(r, m.cfg, t).number("grid_sram_hit_rate_pct");
  }
  EXPECT_NEAR(hit[0], hit[1], 0.35);
}

TEST_F(Replay, ShortKernelsSeeTheL2ThePreviousStepLeft) {
  // NSDF 128 x 128 on NGPC-64: every sphere-tracing step is a kernel of fewer batches than NFPs,
  // one short window whose rays other NFPs ran in the step before. Exact mode (every window
  // simulated) is the reference for what the L2 holds; the sampled run must come close to its L2
  // hit rate of grid misses. Without the step before run first, the sampled run saw 30.0 %
  // against exact mode's 41.0 % (docs/sampling.md, "Short kernels").
  trace::GenOptions o;
  o.app = "nsdf";
  o.width = o.height = 128;
  const trace::Trace t = trace::generate_trace(o, gpu::default_gpu_profile());
  double l2[2], rel_err[2];
  bool exact[2];
  const char* windows[2] = {"detail.sample_windows=16", "detail.sample_windows=1024"};
  for (int i = 0; i < 2; ++i) {
    reset_systemc_context();
    const Machine m = setup({"cluster.scaling_factor=64", windows[i]});
    const RunResult r = replay(t, m.cfg, m.tech, {});
    const StatSet st = make_stats(r, m.cfg, t);
    l2[i] = st.number("l2_hit_rate_grid_miss_pct");
    rel_err[i] = r.frames.at(0).stats.sampling_rel_err;
    exact[i] = r.frames.at(0).stats.sampling_exact;
  }
  ASSERT_FALSE(exact[0]);  // it sampled
  ASSERT_TRUE(exact[1]);   // the reference did not
  EXPECT_GT(rel_err[0], 0.0);
  EXPECT_NEAR(l2[0], l2[1], 5.0);
}

TEST_F(ReplaySlow, DoublingNfpsNeverSlowsAFrameAndStopsHelpingWhenGpuBound) {
  // A frozen input: the NeRF 1080p trace as bundled before the GPU baseline was recalibrated
  // (8 queries per pixel, slow rest kernels), a frame that 32 NFPs already make GPU-bound. The
  // nominal workload has ~10x the queries and is not GPU-bound at 32 NFPs.
  const trace::Trace t = trace::read_trace(std::string(NGPC_SOURCE_DIR) +
                                           "/tests/data/traces/nerf-1080p-8qpp-v0.json");
  double prev = 1e30, gpu_bound = 0;
  std::vector<double> times;
  for (uint32_t n = 1; n <= 64; n *= 2) {
    reset_systemc_context();
    const Machine s = setup({"cluster.scaling_factor=" + std::to_string(n)});
    const RunResult r = replay(t, s.cfg, s.tech, {});
    const double tf = r.frames.at(0).stats.time_s;
    gpu_bound = bounds_of(t.frames[0], t, s.cfg).gpu;
    // Every NFP loads its grid SRAMs and weight buffer over the shared L2 link at frame start, so
    // once the GPU bounds the frame the extra NFPs' loads may cost it up to 2 % (full detail:
    // 7.24 ms at 32 NFPs, 7.37 ms at 64); on top of that, the sampled estimate may be off by its
    // reported interval.
    const double err = r.frames.at(0).stats.sampling_rel_err;
    EXPECT_LE(tf, prev * (1 + 0.02 + err)) << n << " NFPs";
    prev = std::min(prev, tf);
    times.push_back(tf);
  }
  // Amdahl: going from 32 to 64 NFPs gains far less than 2x once the GPU's share dominates.
  EXPECT_GT(times[6] / times[5], 0.75);
  EXPECT_GE(times[6], gpu_bound);
}

TEST_F(Replay, StatsObeyTheirDefinitions) {
  const trace::Trace t = bundled("tiny-nerf.json");
  const Machine s = setup();
  const RunResult r = replay(t, s.cfg, s.tech, {});
  const StatSet st = make_stats(r, s.cfg, t);
  EXPECT_NEAR(st.number("speedup"),
              st.number("gpu_baseline_frame_time_ms") / st.number("frame_time_ms"), 1e-9);
  EXPECT_NEAR(st.number("fps"), 1e3 / st.number("frame_time_ms"), 1e-9);
  double parts = 0;
  for (const char* c : {"mac", "grid_sram", "encoding_logic", "buffers", "l2", "dram", "leakage"})
    parts += st.number(std::string("energy_") + c + "_mj");
  EXPECT_NEAR(st.number("energy_per_frame_mj"), parts, 1e-9 * parts);
  EXPECT_NEAR(st.number("area_overhead_pct"),
              100 * st.number("ngpc_area_mm2") / s.cfg.gpu.die_area_mm2, 1e-9);
  EXPECT_NEAR(st.number("power_overhead_pct"),
              100 * st.number("ngpc_power_w") / s.cfg.gpu.board_power_w, 1e-9);
  // Power = energy / time (leakage is inside the energy).
  EXPECT_NEAR(st.number("ngpc_power_w"),
              st.number("energy_per_frame_mj") / st.number("frame_time_ms"), 1e-9);
  // The baseline is the trace's GPU time, summed independently here.
  double base = 0;
  for (const auto& k : t.frames[0].kernels) base += k.gpu_time_ns;
  EXPECT_NEAR(st.number("gpu_baseline_frame_time_ms"), base * 1e-6, 1e-9);
  for (const Stat& x : st.stats) EXPECT_FALSE(x.description.empty()) << x.key;
}

TEST_F(Replay, SameSeedSameResults) {
  const trace::Trace t = bundled("tiny-nerf.json");
  const Machine s = setup({"detail.seed=7"});
  const RunResult a = replay(t, s.cfg, s.tech, {});
  reset_systemc_context();
  const RunResult b = replay(t, s.cfg, s.tech, {});
  EXPECT_EQ(a.sim_time_s, b.sim_time_s);
  EXPECT_EQ(a.activity.encoding.sram_misses, b.activity.encoding.sram_misses);
  EXPECT_EQ(a.energy.total_j(), b.energy.total_j());
}

// docs/stats-reference.md is generated from a run (scripts/stats-reference.py); every stat the
// run registers must be in it with the same unit and definition, and nothing else.
TEST_F(Replay, StatsReferenceListsEveryRegisteredStat) {
  const trace::Trace t = bundled("tiny-nerf.json");
  const Machine s = setup();
  const StatSet st = make_stats(replay(t, s.cfg, s.tech, {}), s.cfg, t);
  std::ifstream in(std::string(NGPC_SOURCE_DIR) + "/docs/stats-reference.md");
  std::map<std::string, std::string> doc;  // key -> "unit | definition"
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    const size_t k1 = line.find('`', 3);
    doc[line.substr(3, k1 - 3)] = line.substr(k1 + 4, line.size() - k1 - 6);
  }
  size_t checked = 0;
  for (const Stat& x : st.stats) {
    const std::string wall = x.wall_clock ? " *(wall clock)*" : "";
    EXPECT_EQ(doc[x.key], (x.unit.empty() ? "-" : x.unit) + " | " + x.description + wall)
        << x.key << ": regenerate docs/stats-reference.md (scripts/stats-reference.py)";
    ++checked;
  }
  EXPECT_EQ(doc.size(), checked) << "docs/stats-reference.md lists stats no run reports";
}

}  // namespace
}  // namespace ngpc
