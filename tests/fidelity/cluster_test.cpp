// Timing of the SystemC cluster against closed forms, on hand-built frames: when one resource
// dominates, the frame takes that resource's bound (within 2 %), never less.
#include "models/cluster/cluster.h"

#include <gtest/gtest.h>

#include <cmath>
#include <systemc>

#include "closed_form.h"
#include "models/mlp/mlp_engine.h"
#include "models/sim_context.h"
#include "sim_fixture.h"

namespace ngpc {
namespace {

double run_frame(const Config& cfg, const FrameWork& fw, FrameStats* out = nullptr) {
  std::vector<FrameWork> frames{fw};
  Cluster c("ngpc", cfg, frames, nullptr);
  run_simulation();
  EXPECT_TRUE(c.finished());
  if (out) *out = c.frames().at(0);
  return c.frames().at(0).time_s;
}

Config one_nfp() {
  Config cfg;
  cfg.cluster.scaling_factor = 1;
  cfg.cluster.batch_size = 16384;
  cfg.gpu.overlap = true;
  return cfg;
}

using ClusterTiming = SimTest;

TEST_F(ClusterTiming, MlpBoundFrameTakesTheMacArrayBound) {
  Config cfg = one_nfp();
  cfg.nfp.mlp.activation_buffer_bytes = 1ull << 30;  // one sub-batch per batch
  FrameWork fw;
  WorkItem item;
  MlpKernelWork m;
  m.layers = {{64, 64, 64, 64, Activation::Relu}, {64, 64, 64, 64, Activation::Relu}};
  m.queries = 64ull * 16384;
  item.mlps.push_back(m);
  fw.items.push_back(item);
  // Closed form: 64 batches x 2 layers x (R + (n + R + C - 2)) cycles at 1 GHz.
  const double bound = 64.0 * 2 * (64 + 16384 + 126) / cfg.clock_hz;
  const double t = run_frame(cfg, fw);
  test::record_closed_form("MLP-bound frame time [s] vs the MAC array bound", t, bound);
  EXPECT_GE(t, bound);
  EXPECT_LT(t, bound * 1.02);
}

TEST_F(ClusterTiming, ConflictFreeEncodingTakesOneCyclePerInputPerLevelUnit) {
  Config cfg = one_nfp();
  cfg.nfp.encoding.grid_sram.ports_per_bank = 8;  // any 8 corner reads in one cycle
  GridParams p;
  p.type = GridType::Dense;
  p.levels = 4;
  p.base_resolution = 16;
  p.per_level_scale = 1.5;
  const GridLayout layout = make_grid_layout(p);  // fits the 1 MB SRAMs: never misses
  FrameWork fw;
  WorkItem item;
  EncodeKernelWork e;
  e.layout = &layout;
  e.queries = 32ull * 16384;
  item.encodes.push_back(e);
  fw.items.push_back(item);
  // Each level on its own unit: n issue cycles + pipeline (6) + SRAM access (2) per batch.
  const double bound = 32.0 * (16384 + 6 + 2) / cfg.clock_hz;
  FrameStats fs;
  const double t = run_frame(cfg, fw, &fs);
  test::record_closed_form("conflict-free encoding time [s] vs 1 cycle per input per level unit", t,
                           bound);
  EXPECT_GE(t, bound);
  EXPECT_LT(t, bound * 1.02);
  EXPECT_EQ(fs.activity.encoding.sram_misses, 0u);
  EXPECT_EQ(fs.activity.encoding.bank_conflict_cycles, 0u);
}

TEST_F(ClusterTiming, MissBoundEncodingTakesTheDramBound) {
  Config cfg = one_nfp();
  cfg.nfp.encoding.grid_sram.policy = SramPolicy::Static;
  cfg.nfp.encoding.grid_sram.capacity_bytes = 4096;    // nearly nothing resident
  cfg.nfp.encoding.max_outstanding_misses = 1u << 20;  // latency fully hidden
  cfg.memory.dram.model = DramModel::Bandwidth;        // an ideal server at peak bandwidth
  cfg.memory.l2.capacity_bytes = 128 * 16;             // one L2 set: misses go to DRAM
  cfg.memory.dram.bandwidth_bytes_per_s = 300e9;       // well below the level units' rate
  GridParams p;  // NeRF hash grid: 23.3 MiB, far beyond L2's grid share
  const GridLayout layout = make_grid_layout(p);
  FrameWork fw;
  WorkItem item;
  EncodeKernelWork e;
  e.layout = &layout;
  e.queries = 8ull * 16384;
  item.encodes.push_back(e);
  fw.items.push_back(item);
  FrameStats fs;
  const double t = run_frame(cfg, fw, &fs);
  const double dram_bound = fs.memory.ngpc_dram_bytes / cfg.memory.dram.bandwidth_bytes_per_s;
  const double link_bound = fs.memory.link_bytes / cfg.memory.l2.link_bandwidth_bytes_per_s;
  EXPECT_GT(dram_bound, link_bound);
  test::record_closed_form("miss-bound encoding time [s] vs DRAM bytes / bandwidth", t, dram_bound);
  EXPECT_GE(t, dram_bound);
  EXPECT_LT(t, dram_bound * 1.02);
}

TEST_F(ClusterTiming, GpuRestKernelsAloneTakeTheirFusedTime) {
  Config cfg = one_nfp();
  FrameWork fw;
  WorkItem item;
  item.standalone_gpu = true;
  item.gpu_time_s = 1e-3;
  fw.items.push_back(item);
  const double t = run_frame(cfg, fw);
  test::record_closed_form("GPU rest kernels alone [s] vs their time / fusion speed-up", t,
                           1e-3 / 9.94);
  EXPECT_NEAR(t, 1e-3 / 9.94, 1e-9);
}

TEST_F(ClusterTiming, OverlapHidesTheShorterOfNgpcAndGpuWork) {
  Config cfg = one_nfp();
  cfg.nfp.mlp.activation_buffer_bytes = 1ull << 30;
  FrameWork fw;
  WorkItem item;
  MlpKernelWork m;
  m.layers = {{64, 64, 64, 64, Activation::Relu}};
  m.queries = 64ull * 16384;
  item.mlps.push_back(m);
  const double mlp_s = 64.0 * (64 + 16384 + 126) / cfg.clock_hz;
  item.gpu_time_s = 0.5 * mlp_s * cfg.gpu.fusion_speedup;  // fused GPU work = half the NGPC's
  fw.items.push_back(item);
  const double overlapped = run_frame(cfg, fw);
  EXPECT_LT(overlapped, mlp_s * 1.03);  // pipeline: GPU hidden but for the last batch
  reset_systemc_context();
  cfg.gpu.overlap = false;
  const double serial = run_frame(cfg, fw);
  test::record_closed_form("no overlap: frame time [s] vs NGPC + fused GPU time", serial,
                           mlp_s * 1.5);
  EXPECT_NEAR(serial, mlp_s * 1.5, mlp_s * 0.01);
}

TEST_F(ClusterTiming, BusiestNfpIsTakenPerFrameWhenItChangesBetweenFrames) {
  // Two NFPs dealt round robin: frame 0's single batch runs on NFP 0, frame 1's on NFP 1. The
  // busiest NFP of frame 1 is NFP 1 with the smaller batch; a difference of running maxima over
  // frames would report max(a, b) - a = 0 for it.
  Config cfg;
  cfg.cluster.scaling_factor = 2;
  cfg.cluster.dispatch = DispatchPolicy::RoundRobin;
  cfg.cluster.batch_size = 65536;
  std::vector<FrameWork> frames(2);
  const uint64_t queries[2] = {16384, 4096};
  for (int f = 0; f < 2; ++f) {
    frames[f].frame = static_cast<uint32_t>(f);
    WorkItem item;
    MlpKernelWork m;
    m.layers = {{64, 64, 64, 64, Activation::Relu}};
    m.queries = queries[f];
    item.mlps.push_back(m);
    frames[f].items.push_back(item);
  }
  Cluster c("ngpc", cfg, frames, nullptr);
  run_simulation();
  ASSERT_TRUE(c.finished());
  // Per batch: the weights (64 x 64 fp16 = 8192 B) over the L2 link plus its latency, then per
  // sub-batch of 2048 rows (512 KiB activation buffer / (64 in + 64 out) x 2 B) one
  // weight-stationary tile: 64 load + rows + 126 fill/drain cycles (docs/mlp-engine.md).
  auto busy = [&](uint64_t n) {
    const double sub_batches = std::ceil(n / 2048.0);
    return 8192.0 / cfg.memory.l2.link_bandwidth_bytes_per_s + cfg.memory.l2.latency_s +
           (n + sub_batches * (64 + 126)) / cfg.clock_hz;
  };
  EXPECT_NEAR(c.frames().at(0).mlp_max_nfp_s, busy(16384), 1e-12);
  EXPECT_NEAR(c.frames().at(1).mlp_max_nfp_s, busy(4096), 1e-12);
  EXPECT_NEAR(c.frames().at(1).mlp_busy_s, busy(4096), 1e-12);  // NFP 0 idle in frame 1
}

using MemoryTiming = SimTest;

struct FlowProbe : sc_core::sc_module {
  SC_HAS_PROCESS(FlowProbe);
  MemorySystem& mem;
  MemSource src;
  double link, dram, cap, done_at = -1;
  MemCompletion c;
  FlowProbe(sc_core::sc_module_name n, MemorySystem& m, MemSource s, double l, double d, double cp)
      : sc_module(n), mem(m), src(s), link(l), dram(d), cap(cp) {
    SC_THREAD(go);
  }
  // The locals live in body()'s frame, which fresh_coroutine_stack() has cleared of the stale
  // poison a deleted simulation's coroutine stack can leave at this address (models/sim_context.h).
  void go() {
    fresh_coroutine_stack();
    body();
  }
  __attribute__((noinline)) void body() {
    MemRequest r;
    r.src = src;
    r.kind = src == MemSource::Gpu ? Traffic::GpuRest
             : dram > 0            ? Traffic::GridMiss
                                   : Traffic::Weights;
    r.bytes = src == MemSource::Gpu ? dram : link;
    r.dram_bytes = dram;
    r.rate_cap = cap;
    mem.request(r, &c);
    c.wait_done();
    done_at = sc_core::sc_time_stamp().to_seconds();
  }
};

TEST_F(MemoryTiming, TwoEqualFlowsShareTheLinkFairly) {
  MemoryConfig cfg;
  cfg.l2.link_bandwidth_bytes_per_s = 1e12;
  cfg.l2.latency_s = 100e-9;
  MemorySystem mem("mem", cfg);
  FlowProbe a("a", mem, MemSource::Ngpc, 1e6, 0, 0), b("b", mem, MemSource::Ngpc, 1e6, 0, 0);
  run_simulation();
  // 2 MB over 1 TB/s = 2 us, plus the L2 latency.
  EXPECT_NEAR(a.done_at, 2e-6 + 100e-9, 1e-11);
  EXPECT_NEAR(b.done_at, 2e-6 + 100e-9, 1e-11);
}

TEST_F(MemoryTiming, GpuFlowRunsAtItsCapAloneAndSlowsUnderContention) {
  MemoryConfig cfg;
  cfg.dram.bandwidth_bytes_per_s = 1e12;
  cfg.dram.model = DramModel::Bandwidth;  // an ideal server: both flows get half of the peak
  {
    MemorySystem mem("mem", cfg);
    FlowProbe g("g", mem, MemSource::Gpu, 0, 1e6, 0.8e12);
    run_simulation();
    EXPECT_NEAR(g.done_at, 1e6 / 0.8e12, 1e-11);
  }
  reset_systemc_context();
  MemorySystem mem("mem", cfg);
  FlowProbe g("g", mem, MemSource::Gpu, 0, 1e6, 0.8e12);
  FlowProbe n("n", mem, MemSource::Ngpc, 1e6, 1e6, 0);
  run_simulation();
  // Max-min fair: both get 0.5 TB/s of DRAM while both run; 1 MB each -> 2 us.
  EXPECT_NEAR(g.done_at, 2e-6, 1e-11);
}

}  // namespace
}  // namespace ngpc
