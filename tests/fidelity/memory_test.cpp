// The memory system (models/memory/memory_system.h) driven directly by small SystemC requesters,
// against closed forms and the Ramulator 2.1 GDDR6 reference
// (shared/reference/dram-gddr6-ramulator2.md): DRAM ceilings by access pattern, loaded latency and
// Little's law for window-limited grid-miss flows, and the shared L2 as grid misses, fills and the
// GPU's streams reach it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <systemc>
#include <vector>

#include "closed_form.h"
#include "models/cluster/cluster.h"
#include "models/memory/memory_system.h"
#include "models/sim_context.h"
#include "sim_fixture.h"

namespace ngpc {
namespace {

// The reference's figures, written out here (not read from the model's defaults).
constexpr double kPeak = 936e9;  // spec §1 (the reference's 24 channels give 936.6 GB/s)
constexpr double kRandomGBs = 278, kStreamGBs = 835, kMixGBs = 373;
// Random 64 B reads: average DRAM-side latency unloaded and at 50 / 80 / 95 % of saturation.
constexpr double kRandomLatNs[4] = {46.9, 75, 108, 169};
constexpr double kStreamLatNs[4] = {22.3, 35, 52, 89};

// One requester: its transfers one after another, each started at `at_s` or when the previous
// one completes, whichever is later.
struct Step {
  MemRequest r;
  std::vector<uint64_t> lines;  // grid misses at address level
  double at_s = 0;
};

struct Probe : sc_core::sc_module {
  SC_HAS_PROCESS(Probe);
  MemorySystem& mem;
  std::vector<Step> steps;
  std::vector<double> done;
  MemCompletion c;
  Probe(sc_core::sc_module_name n, MemorySystem& m, std::vector<Step> s)
      : sc_module(n), mem(m), steps(std::move(s)) {
    SC_THREAD(go);
  }
  // The locals live in body()'s frame, which fresh_coroutine_stack() has cleared of the stale
  // poison a deleted simulation's coroutine stack can leave at this address (models/sim_context.h).
  void go() {
    fresh_coroutine_stack();
    body();
  }
  __attribute__((noinline)) void body() {
    for (Step& s : steps) {
      const double now = sc_core::sc_time_stamp().to_seconds();
      if (s.at_s > now) sc_core::wait(sc_core::sc_time(s.at_s - now, sc_core::SC_SEC));
      if (!s.lines.empty()) s.r.lines = &s.lines;
      mem.request(s.r, &c);
      c.wait_done();
      done.push_back(sc_core::sc_time_stamp().to_seconds());
    }
  }
};

struct Outcome {
  std::vector<std::vector<double>> done;  // per probe, per step: completion time (s)
  MemoryStats stats;
};

Outcome run(const MemoryConfig& cfg, const std::vector<std::vector<Step>>& probes) {
  Outcome out;
  reset_systemc_context();
  {
    MemorySystem mem("mem", cfg);
    std::vector<std::unique_ptr<Probe>> ps;
    for (size_t i = 0; i < probes.size(); ++i)
      ps.push_back(std::make_unique<Probe>(("p" + std::to_string(i)).c_str(), mem, probes[i]));
    run_simulation();
    for (auto& p : ps) out.done.push_back(p->done);
    out.stats = mem.take_frame();
  }
  reset_systemc_context();
  return out;
}

// Grid misses of `bytes`, all served by DRAM (the sampled form: the DRAM share given).
Step random_lines(double bytes, double window = 0) {
  Step s;
  s.r.kind = Traffic::GridMiss;
  s.r.bytes = bytes;
  s.r.dram_bytes = bytes;
  s.r.window_bytes = window;
  return s;
}

Step gpu_stream(double bytes, double cap = 0) {
  Step s;
  s.r.src = MemSource::Gpu;
  s.r.kind = Traffic::GpuRest;
  s.r.bytes = bytes;
  s.r.rate_cap = cap;
  return s;
}

Step fill(uint32_t grid, uint32_t frame, double bytes) {
  Step s;
  s.r.kind = Traffic::GridFill;
  s.r.bytes = bytes;
  s.r.grid = grid;
  s.r.frame = frame;
  return s;
}

// Grid misses of `line_bytes` at the given line addresses (full detail).
Step miss_lines(const std::vector<uint64_t>& addrs, uint32_t line_bytes) {
  Step s;
  s.r.kind = Traffic::GridMiss;
  s.r.bytes = double(addrs.size()) * line_bytes;
  s.r.line_bytes = line_bytes;
  s.lines = addrs;
  return s;
}

double mean_latency(const MemoryStats& s) {
  return s.grid_miss_latency_byte_s / s.grid_miss_bytes;
}

// Piecewise-linear through the reference's points at 0 / 50 / 80 / 95 % of saturation, the last
// segment continued beyond (ns).
double ref_latency_ns(const double (&pts)[4], double u) {
  const double at[4] = {0, 0.5, 0.8, 0.95};
  int k = 0;
  while (k < 2 && u > at[k + 1]) ++k;
  return pts[k] + (u - at[k]) / (at[k + 1] - at[k]) * (pts[k + 1] - pts[k]);
}

// Little's law for a window-limited random-line flow alone on DRAM: X = W / (L + D(X / S)),
// D the reference's loaded latency, S the random saturation; once W / (L + D(1)) exceeds S the
// flow is bandwidth-bound at S and its requests queue: latency W / S. Returns {X (B/s), R (s)}.
std::pair<double, double> littles_law(double window, double onchip_s) {
  const double S = kPeak * 0.297;
  auto lat = [&](double x) { return onchip_s + 1e-9 * ref_latency_ns(kRandomLatNs, x / S); };
  if (window / lat(S) >= S) return {S, window / S};
  double lo = 0, hi = S;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (mid < window / lat(mid) ? lo : hi) = mid;
  }
  return {lo, lat(lo)};
}

using MemoryModel = SimTest;

// --- DRAM ceilings by pattern ------------------------------------------------------------------

TEST_F(MemoryModel, SaturatingRandomLinesLandOnTheRandomCeiling) {
  MemoryConfig cfg;
  const double B = 1e9;
  const Outcome r = run(cfg, {{random_lines(B)}});
  const double t = r.done[0][0];
  const double gbs = B / t / 1e9;
  test::record_closed_form("saturated random 64 B lines [GB/s] vs the Ramulator random ceiling",
                           gbs, kRandomGBs);
  EXPECT_NEAR(gbs, kRandomGBs, kRandomGBs * 0.005) << gbs << " GB/s";
  // DRAM time in use (each byte charged by its pattern) is the whole time; against peak, 29.7 %.
  EXPECT_NEAR(r.stats.dram_time_busy_s / t, 1.0, 0.005);
  EXPECT_NEAR(r.stats.dram_busy_s / t, 0.297, 0.002);
}

TEST_F(MemoryModel, SaturatingStreamsLandOnTheStreamCeiling) {
  MemoryConfig cfg;
  const double B = 1e9;
  for (int kind = 0; kind < 2; ++kind) {  // the GPU's traffic, and a grid fill from DRAM
    const Outcome r = run(cfg, {{kind == 0 ? gpu_stream(B) : fill(0, 0, B)}});
    const double t = r.done[0][0];
    const double gbs = B / t / 1e9;
    test::record_closed_form("saturated streams [GB/s] vs the Ramulator stream ceiling", gbs,
                             kStreamGBs);
    EXPECT_NEAR(gbs, kStreamGBs, kStreamGBs * 0.005) << gbs << " GB/s, kind " << kind;
    EXPECT_NEAR(r.stats.dram_time_busy_s / t, 1.0, 0.005);
  }
}

TEST_F(MemoryModel, HalfRandomHalfStreamLandsOnTheMixCeiling) {
  MemoryConfig cfg;  // per-source arbitration: the two sources get equal rates, a 50/50 mix
  const double B = 1e9;
  const Outcome r = run(cfg, {{random_lines(B)}, {gpu_stream(B)}});
  const double t = std::max(r.done[0][0], r.done[1][0]);
  EXPECT_NEAR(r.done[0][0], r.done[1][0], t * 0.002);
  const double gbs = 2 * B / t / 1e9;
  test::record_closed_form("50/50 random/stream [GB/s] vs the Ramulator mix ceiling", gbs, kMixGBs);
  EXPECT_NEAR(gbs, kMixGBs, kMixGBs * 0.005) << gbs << " GB/s";
  EXPECT_NEAR(r.stats.dram_time_busy_s / t, 1.0, 0.005);
  EXPECT_NEAR(r.stats.dram_busy_s / t, kMixGBs * 1e9 / kPeak, 0.005);
}

TEST_F(MemoryModel, BandwidthModelServesEveryPatternAtPeak) {
  MemoryConfig cfg;
  cfg.dram.model = DramModel::Bandwidth;
  const double B = 1e9;
  const Outcome r = run(cfg, {{random_lines(B)}});
  test::record_closed_form("bandwidth model, random lines [B/s] vs peak", B / r.done[0][0], kPeak);
  EXPECT_NEAR(B / r.done[0][0], kPeak, kPeak * 0.005);
  EXPECT_NEAR(r.stats.dram_time_busy_s / r.done[0][0], 1.0, 0.005);
}

// The same through the whole cluster: an encoding whose grid misses all go to DRAM, with the
// latency hidden, takes the time its DRAM bytes need at the random-line ceiling, and the DRAM is
// then 100 % busy against what random lines sustain (29.7 % against peak).
TEST_F(MemoryModel, MissBoundEncodingSaturatesDramAtTheRandomCeiling) {
  Config cfg;
  cfg.cluster.scaling_factor = 1;
  cfg.cluster.batch_size = 16384;
  cfg.nfp.encoding.grid_sram.policy = SramPolicy::Static;
  cfg.nfp.encoding.grid_sram.capacity_bytes = 4096;    // nearly nothing resident
  cfg.nfp.encoding.max_outstanding_misses = 1u << 20;  // latency fully hidden
  cfg.memory.l2.capacity_bytes = 128 * 16;             // one L2 set: misses go to DRAM
  GridParams p;                                        // NeRF hash grid, 23.3 MiB
  const GridLayout layout = make_grid_layout(p);
  FrameWork fw;
  WorkItem item;
  EncodeKernelWork e;
  e.layout = &layout;
  e.queries = 8ull * 16384;
  item.encodes.push_back(e);
  fw.items.push_back(item);
  std::vector<FrameWork> frames{fw};
  reset_systemc_context();
  FrameStats fs;
  {
    Cluster c("ngpc", cfg, frames, nullptr);
    run_simulation();
    ASSERT_TRUE(c.finished());
    fs = c.frames().at(0);
  }
  const double t = fs.time_s;
  const double bound = fs.memory.ngpc_dram_bytes / (kRandomGBs * 1e9);
  std::printf(
      "  time / random-line bound %.4f, DRAM busy against pattern %.4f, against peak %.4f\n",
      t / bound, fs.memory.dram_time_busy_s / t, fs.memory.dram_busy_s / t);
  EXPECT_GE(t, bound * 0.995);
  EXPECT_LT(t, bound * 1.01);
  EXPECT_GT(fs.memory.dram_time_busy_s / t, 0.99);
  EXPECT_NEAR(fs.memory.dram_busy_s / t, 0.297, 0.01);
}

// --- Loaded latency and Little's law ------------------------------------------------------------

TEST_F(MemoryModel, LightLoadSeesTheUnloadedLatency) {
  MemoryConfig cfg;  // l2.latency 200 ns on-chip + 46.9 ns unloaded random DRAM side
  const double unloaded = cfg.l2.latency_s + kRandomLatNs[0] * 1e-9;
  {
    MemorySystem mem("mem", cfg);
    EXPECT_NEAR(mem.unloaded_miss_latency_s(), unloaded, 1e-12);
  }
  // One 64 B line in flight: ~0.26 GB/s, 0.1 % of the random saturation.
  const Outcome r = run(cfg, {{random_lines(64e3, 64)}});
  test::record_closed_form("light-load grid miss latency [s] vs on-chip + unloaded DRAM",
                           mean_latency(r.stats), unloaded);
  EXPECT_NEAR(mean_latency(r.stats), unloaded, unloaded * 0.001);
  EXPECT_NEAR(r.stats.grid_miss_latency_p95_s, unloaded, unloaded * 0.05);  // 4 bins per octave
  // Little's law: 1000 lines one at a time take 1000 latencies.
  EXPECT_NEAR(r.done[0][0], 1000 * unloaded, 1000 * unloaded * 0.002);
}

TEST_F(MemoryModel, L2HitsSeeTheOnChipLatencyOnly) {
  MemoryConfig cfg;
  std::vector<uint64_t> lines;
  for (uint64_t i = 0; i < 1000; ++i) lines.push_back(i * 128);
  Step again = miss_lines(lines, 128);
  again.r.window_bytes = 128;  // one line in flight: the time is 1000 latencies
  const Outcome r = run(cfg, {{miss_lines(lines, 128), again}});
  EXPECT_EQ(r.stats.grid_miss_l2_hit_bytes, 128e3);  // the second pass, whole
  EXPECT_EQ(r.stats.ngpc_dram_bytes, 128e3);         // the first
  const double second = r.done[0][1] - r.done[0][0];
  EXPECT_NEAR(second, 1000 * cfg.l2.latency_s, 1000 * cfg.l2.latency_s * 0.002);
}

TEST_F(MemoryModel, LatencyGrowsWithLoadAndThroughputFollowsLittlesLaw) {
  MemoryConfig cfg;
  std::printf("  window (B)  X model (GB/s)  X closed form  R model (ns)  R closed form  X*R/W\n");
  double last_r = 0;
  for (const double n : {1, 4, 8, 16, 24, 32, 64, 128}) {
    const double W = n * 24 * 64;  // n 64 B lines per channel, 24 channels
    const double B = 4000 * W;
    const Outcome r = run(cfg, {{random_lines(B, W)}});
    const double X = B / r.done[0][0];  // the last latency adds W / B = 0.025 %
    const double R = mean_latency(r.stats);
    const auto [Xc, Rc] = littles_law(W, cfg.l2.latency_s);
    std::printf("  %10.0f  %14.1f  %13.1f  %12.1f  %13.1f  %.4f\n", W, X / 1e9, Xc / 1e9, R * 1e9,
                Rc * 1e9, X * R / W);
    if (n == 32)  // past the knee: latency well above unloaded
      test::record_closed_form("windowed random lines, 32 per channel: latency [s] vs Little's law",
                               R, Rc);
    EXPECT_NEAR(X, Xc, Xc * 0.01) << "window " << W;
    EXPECT_NEAR(R, Rc, Rc * 0.01) << "window " << W;
    EXPECT_NEAR(X * R / W, 1.0, 0.01) << "window " << W;  // Little's law
    EXPECT_GE(R, last_r * (1 - 1e-9));
    last_r = R;
  }
}

// Eight requesters of an eighth of the window each load DRAM as one does: together they follow
// the same Little's law (the allocation's fixed point holds with many flows).
TEST_F(MemoryModel, ManyWindowedFlowsTogetherFollowLittlesLaw) {
  MemoryConfig cfg;
  for (const double n : {8, 16, 32, 128}) {
    const double W = n * 24 * 64;
    const double B = 4000 * W;
    std::vector<std::vector<Step>> probes(8, {random_lines(B / 8, W / 8)});
    const Outcome r = run(cfg, probes);
    double t = 0;
    for (const auto& d : r.done) t = std::max(t, d[0]);
    const auto [Xc, Rc] = littles_law(W, cfg.l2.latency_s);
    EXPECT_NEAR(B / t, Xc, Xc * 0.01) << "window " << W;
    EXPECT_NEAR(mean_latency(r.stats), Rc, Rc * 0.01) << "window " << W;
  }
}

// The reference's closed-loop runs (n outstanding 64 B reads per channel, latency DRAM side only)
// against the model with no on-chip latency. The model's latency curve is the open-loop one
// (requests arriving independently), which queues more than n fixed requests per channel do, so
// below saturation it is pessimistic; at saturation both give Little's law at 278 GB/s.
TEST_F(MemoryModel, ClosedLoopAgreesWithTheReferenceWithinItsStatedMargin) {
  MemoryConfig cfg;
  cfg.l2.latency_s = 0;
  struct Ref {
    double n, gbs, ns;
  };
  std::printf("  n/channel  ref GB/s  model GB/s  dev    ref ns  model ns  dev\n");
  for (const Ref ref : {Ref{1, 33, 47}, Ref{4, 108, 57}, Ref{8, 180, 68}, Ref{16, 261, 94},
                        Ref{24, 278, 133}, Ref{64, 278, 354}}) {
    const double W = ref.n * 24 * 64;
    const double B = 4000 * W;
    const Outcome r = run(cfg, {{random_lines(B, W)}});
    const double gbs = B / r.done[0][0] / 1e9;
    const double ns = mean_latency(r.stats) * 1e9;
    std::printf("  %9.0f  %8.0f  %10.1f  %+5.1f%%  %6.0f  %8.1f  %+5.1f%%\n", ref.n, ref.gbs, gbs,
                100 * (gbs / ref.gbs - 1), ref.ns, ns, 100 * (ns / ref.ns - 1));
    // Measured: throughput 10 to 15 % low and latency 11 to 18 % high below saturation.
    EXPECT_NEAR(gbs, ref.gbs, ref.gbs * 0.16) << ref.n;
    EXPECT_NEAR(ns, ref.ns, ref.ns * 0.2) << ref.n;
    if (ref.n == 64) {  // saturated
      EXPECT_NEAR(gbs, ref.gbs, ref.gbs * 0.005);
      EXPECT_NEAR(ns, ref.ns, ref.ns * 0.01);
    }
  }
  // Streams (a windowed grid fill from DRAM), for the record: a closed-loop stream hardly queues
  // (the reference's latency stays at 21-23 ns up to 96 % of saturation) while the open-loop curve
  // does, so the model is 14 to 41 % low here. No windowed stream exists in the simulator (fills,
  // weights and the GPU's traffic are not window-limited), so this is printed, not asserted.
  std::printf("  stream n/channel  ref GB/s  model GB/s  dev    ref ns  model ns  dev\n");
  for (const Ref ref : {Ref{4, 287, 21}, Ref{8, 565, 22}, Ref{12, 803, 23}, Ref{32, 835, 59}}) {
    const double W = ref.n * 24 * 64;
    const double B = 4000 * W;
    Step s = fill(0, 0, B);
    s.r.window_bytes = W;
    const Outcome r = run(cfg, {{s}});
    const double gbs = B / r.done[0][0] / 1e9;
    const double ns = W / (gbs * 1e9) * 1e9;
    std::printf("  %16.0f  %8.0f  %10.1f  %+5.1f%%  %6.0f  %8.1f  %+5.1f%%\n", ref.n, ref.gbs, gbs,
                100 * (gbs / ref.gbs - 1), ref.ns, ns, 100 * (ns / ref.ns - 1));
  }
}

// Another source's load lengthens a grid miss: a GPU stream at half the stream saturation, and a
// probe with one line in flight that adds nothing to the load.
TEST_F(MemoryModel, GpuStreamLoadLengthensGridMisses) {
  MemoryConfig cfg;
  const double cap = 0.5 * kPeak * 0.891;
  const Outcome r = run(cfg, {{random_lines(64e3, 64)}, {gpu_stream(cap * 1e-3, cap)}});
  const double expect = cfg.l2.latency_s + 1e-9 * ref_latency_ns(kStreamLatNs, 0.5);
  ASSERT_GT(r.done[1][0], r.done[0][0]);  // the probe ran entirely under the stream's load
  EXPECT_NEAR(mean_latency(r.stats), expect, expect * 0.005);
}

// --- The shared L2 as grid misses, fills and the GPU reach it ----------------------------------

// 6 MB / (128 B x 16 ways) = 2929 sets. A working set of W lines per set re-read each round with
// the GPU streaming k lines per set between rounds: hits iff W + k <= 16.
TEST_F(MemoryModel, GpuStreamsEvictGridLinesAsLruStackDistancePredicts) {
  MemoryConfig cfg;
  const uint64_t sets = cfg.l2.capacity_bytes / (128 * 16);
  ASSERT_EQ(sets, 2929u);
  struct Case {
    uint64_t W, k;
  };
  for (const Case cs : {Case{8, 8}, Case{8, 9}, Case{4, 0}, Case{4, 12}, Case{4, 13}}) {
    std::vector<uint64_t> lines;
    for (uint64_t i = 0; i < cs.W * sets; ++i) lines.push_back(i * 128);
    std::vector<Step> steps{miss_lines(lines, 128)};
    for (int round = 0; round < 3; ++round) {
      if (cs.k) steps.push_back(gpu_stream(double(cs.k * sets * 128)));
      steps.push_back(miss_lines(lines, 128));
    }
    const Outcome r = run(cfg, {steps});
    const double reread = 3.0 * lines.size() * 128;
    EXPECT_EQ(r.stats.grid_miss_l2_hit_bytes / reread, cs.W + cs.k <= 16 ? 1.0 : 0.0)
        << "W " << cs.W << " k " << cs.k;
  }
}

TEST_F(MemoryModel, WayPartitioningProtectsGridLinesFromGpuStreams) {
  MemoryConfig cfg;
  cfg.l2.grid_share = 0.25;  // 4 of 16 ways
  const uint64_t sets = cfg.l2.capacity_bytes / (128 * 16);
  std::vector<uint64_t> lines;
  for (uint64_t i = 0; i < 4 * sets; ++i) lines.push_back(i * 128);
  const double gpu = 100.0 * sets * 128;  // 100 lines per set: far more than the L2
  const Outcome r = run(cfg, {{miss_lines(lines, 128), gpu_stream(gpu), miss_lines(lines, 128)}});
  EXPECT_EQ(r.stats.grid_miss_l2_hit_bytes, double(lines.size()) * 128);
  cfg.l2.grid_share = 1;  // shared: the stream evicts them
  const Outcome s = run(cfg, {{miss_lines(lines, 128), gpu_stream(gpu), miss_lines(lines, 128)}});
  EXPECT_EQ(s.stats.grid_miss_l2_hit_bytes, 0.0);
}

// Two NFPs miss the same M lines at the same time, each keeping 32 lines in flight, on an L2 of
// C = 2048 lines << M. Looked up as they are issued, each line reaches the L2 from the second NFP
// a few hundred lookups after the first fetched it: the second NFP's M lines all hit (the first's
// cannot: it is always first). Looked up batch after batch (lookup_steps = 0), the second scan
// comes M > C lookups later and LRU has evicted every line: no hit. The DRAM bytes charged follow
// each flow's estimate for lines it has not issued yet: here the flow whose lines hit runs ahead
// and becomes the one that misses, so the two swap roles, the worst case for that estimate; it
// charges at least the bytes that missed and at most 1/steps more.
TEST_F(MemoryModel, ConcurrentNfpsMeetInTheL2AsTheyIssueTheirMisses) {
  MemoryConfig cfg;
  cfg.l2.capacity_bytes = 2048 * 128;
  const uint64_t M = 16384;
  std::vector<uint64_t> lines;
  for (uint64_t i = 0; i < M; ++i) lines.push_back(i * 128);
  Step s = miss_lines(lines, 128);
  s.r.window_bytes = 32 * 128;
  for (uint32_t steps : {8u, 64u}) {
    cfg.l2.lookup_steps = steps;
    const Outcome r = run(cfg, {{s}, {s}});
    EXPECT_NEAR(r.stats.grid_miss_l2_hit_bytes, double(M) * 128, 0.01 * M * 128) << steps;
    EXPECT_LE(r.stats.grid_miss_l2_hit_bytes, double(M) * 128);
    EXPECT_DOUBLE_EQ(r.stats.ngpc_dram_bytes, 2.0 * M * 128 - r.stats.grid_miss_l2_hit_bytes);
    const double charged = r.stats.dram_busy_s * kPeak;
    EXPECT_GE(charged, r.stats.ngpc_dram_bytes * (1 - 1e-9)) << steps;
    EXPECT_LE(charged, r.stats.ngpc_dram_bytes * (1 + 1.0 / steps)) << steps;
  }
  cfg.l2.lookup_steps = 0;
  const Outcome r = run(cfg, {{s}, {s}});
  EXPECT_EQ(r.stats.grid_miss_l2_hit_bytes, 0.0);
  EXPECT_NEAR(r.stats.dram_busy_s * kPeak, 2.0 * M * 128, 1e-6 * M * 128);
}

// One flow whose lines miss only in their second half: looked up as issued, the DRAM share of the
// rest is first estimated from the hits and corrected as the misses appear; the flow is charged
// exactly its missing bytes and takes longer than it would if all were hits.
TEST_F(MemoryModel, IssuedLookupsChargeExactlyTheBytesThatMissed) {
  MemoryConfig cfg;
  const uint64_t M = 8192;
  std::vector<uint64_t> warm, lines;
  for (uint64_t i = 0; i < M; ++i) lines.push_back(i * 128);
  for (uint64_t i = 0; i < M / 2; ++i) warm.push_back(i * 128);
  Step s = miss_lines(lines, 128);
  s.r.window_bytes = 64 * 128;
  const Outcome r = run(cfg, {{miss_lines(warm, 128), s}});
  const Outcome all_hit = run(cfg, {{miss_lines(lines, 128), s}});
  EXPECT_EQ(r.stats.grid_miss_l2_hit_bytes, double(M / 2) * 128);  // the second half missed
  EXPECT_EQ(r.stats.ngpc_dram_bytes, double(M) * 128);             // warm-up's M/2 + its M/2
  EXPECT_NEAR(r.stats.dram_busy_s * kPeak, double(M) * 128, 1e-6 * M * 128);
  EXPECT_GT(r.done[0][1] - r.done[0][0], all_hit.done[0][1] - all_hit.done[0][0]);
}

// A frame-start fill of R bytes is served by the L2 next time iff, under LRU, what entered the L2
// since it was last read plus R fits: R + P <= C for P bytes of GPU streaming in between.
TEST_F(MemoryModel, FillIsResidentIffItsStackDistanceFits) {
  MemoryConfig cfg;
  const double C = double(cfg.l2.capacity_bytes / (128 * 16) * 128 * 16);  // whole sets
  const double R = 1e6;
  for (const double P : {0.0, C - R - 4096, C - R + 4096}) {
    std::vector<Step> steps{fill(3, 0, R)};
    if (P > 0) steps.push_back(gpu_stream(P));
    steps.push_back(fill(3, 1, R));
    const Outcome r = run(cfg, {steps});
    EXPECT_EQ(r.stats.fill_l2_hit_bytes, R + P <= C ? R : 0.0) << "P " << P;
    EXPECT_EQ(r.stats.ngpc_dram_bytes, R + P <= C ? R : 2 * R) << "P " << P;
  }
}

// Reading a range makes it most recently used: re-read every frame with 0.6 C of GPU streaming
// between frames, it stays resident however many frames pass (0.6 C + R <= C each time).
TEST_F(MemoryModel, FillReReadEveryFrameStaysResident) {
  MemoryConfig cfg;
  const double C = double(cfg.l2.capacity_bytes / (128 * 16) * 128 * 16);
  const double R = 0.3 * C;
  std::vector<Step> steps;
  for (uint32_t f = 0; f < 6; ++f) {
    steps.push_back(fill(0, f, R));
    steps.push_back(gpu_stream(0.6 * C));
  }
  const Outcome r = run(cfg, {steps});
  EXPECT_EQ(r.stats.fill_l2_hit_bytes, 5 * R);  // all but the first frame's
}

// Grid misses push a range down by the lines they allocate: 64 B misses to distinct 128 B lines
// take a whole line each.
TEST_F(MemoryModel, GridMissesAgeFillsByTheLinesTheyAllocate) {
  MemoryConfig cfg;
  const double C = double(cfg.l2.capacity_bytes / (128 * 16) * 128 * 16);
  const double R = 1e6;
  // D distinct lines, 64 B of each: R + D x 64 fits, R + D x 128 does not.
  const uint64_t D = static_cast<uint64_t>((C - R) / 128) + 64;
  ASSERT_LT(R + D * 64.0, C);
  std::vector<uint64_t> lines;
  for (uint64_t i = 0; i < D; ++i) lines.push_back((1ull << 36) + i * 128);
  const Outcome r = run(cfg, {{fill(0, 0, R), miss_lines(lines, 64), fill(0, 1, R)}});
  EXPECT_EQ(r.stats.fill_l2_hit_bytes, 0.0);
}

}  // namespace
}  // namespace ngpc
