// Simulator speed (google-benchmark): whole-frame replays of bundled traces and the address-level
// inner loop. Counters: simulated cycles per host second and queries per host second.
//   ./build/ngpc-bench --benchmark_filter=Replay
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "models/encoding/grid_math.h"
#include "models/encoding/level_units.h"
#include "models/memory/l2_cache.h"
#include "models/parallel.h"
#include "models/sim_context.h"
#include "sim/config/config_loader.h"
#include "sim/config/tech_loader.h"
#include "sim/gpu_baseline/profile.h"
#include "sim/replay/replay.h"
#include "sim/scenes/scenes.h"
#include "sim/trace/bundled.h"
#include "sim/trace/trace_io.h"
#include "sim/workloads/generator.h"

namespace {

void replay_bundled(benchmark::State& state, const char* app, const char* res, uint32_t nfps,
                    const char* detail = "sampled") {
  const ngpc::LoadedConfig lc = ngpc::load_config(
      "", {"cluster.scaling_factor=" + std::to_string(nfps), std::string("detail.mode=") + detail});
  const ngpc::TechTable tech = ngpc::load_tech_table(
      ngpc::resolve_config_ref(lc.config, lc.config.tech.table), lc.config.tech.node);
  const ngpc::trace::Trace t =
      ngpc::trace::read_trace(ngpc::trace::find_bundled_trace(app, res, "hashgrid"));
  double cycles = 0, queries = 0;
  for (auto _ : state) {
    const ngpc::RunResult r = ngpc::replay(t, lc.config, tech, {});
    cycles += r.sim_cycles;
    for (const auto& f : r.frames) queries += f.encode_queries;
  }
  state.counters["sim_cycles_per_s"] = benchmark::Counter(cycles, benchmark::Counter::kIsRate);
  state.counters["queries_per_s"] = benchmark::Counter(queries, benchmark::Counter::kIsRate);
}

// The rows of the sampling issue's speed table (docs/performance.md). Real time: the simulation
// runs on a thread of its own and the address-level work on the host pool, so the benchmark
// thread's CPU time says nothing (and rates over it were nonsense).
void BM_ReplayNerf4kNgpc64(benchmark::State& s) {
  replay_bundled(s, "nerf", "4k", 64);
}
void BM_ReplayNerf4kNgpc8(benchmark::State& s) {
  replay_bundled(s, "nerf", "4k", 8);
}
void BM_ReplayNsdf4kNgpc8(benchmark::State& s) {
  replay_bundled(s, "nsdf", "4k", 8);
}
void BM_ReplayGia4kNgpc64(benchmark::State& s) {
  replay_bundled(s, "gia", "4k", 64);
}
BENCHMARK(BM_ReplayNerf4kNgpc64)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_ReplayNerf4kNgpc8)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_ReplayNsdf4kNgpc8)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_ReplayGia4kNgpc64)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

// The 16-point sweep of the table (four apps at 4K x NGPC-8/16/32/64, --jobs 2), as a user runs it:
// the real binary, one process per point, into a fresh directory each time.
void BM_Sweep16Points4kJobs2(benchmark::State& state) {
  const std::string dir = "/tmp/ngpc-bench-sweep";
  const std::string spec = dir + "-spec.json";
  {
    std::FILE* f = std::fopen(spec.c_str(), "w");
    if (!f) {
      state.SkipWithError("cannot write the sweep spec");
      return;
    }
    std::fputs(R"({"grid": {"app": ["nerf", "nsdf", "nvr", "gia"], "resolution": ["4k"],
                "cluster.scaling_factor": [8, 16, 32, 64]}})",
               f);
    std::fclose(f);
  }
  for (auto _ : state) {
    const std::string cmd = "rm -rf " + dir + " && " + NGPC_BENCH_BINARY + " sweep " + spec +
                            " --out " + dir + " --jobs 2 --quiet >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) state.SkipWithError("the sweep failed");
  }
  state.counters["points"] = 16;
}
BENCHMARK(BM_Sweep16Points4kJobs2)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

// The address-level inner loop: one NFP's 16 level units on clustered positions, on one host
// thread (the full-detail row of the speed table: queries per second on one core).
void BM_LevelUnitsNerfGrid(benchmark::State& state) {
  ngpc::set_host_threads(1);
  const ngpc::GridLayout layout = ngpc::make_grid_layout(ngpc::GridParams{});
  ngpc::LevelUnits units(layout, ngpc::GridSramParams{}, 16, 1);
  std::mt19937 rng(1);
  std::normal_distribution<float> d(0.5f, 0.05f);
  std::vector<float> pos(4096 * 3);
  for (float& p : pos) p = std::min(1.0f, std::max(0.0f, d(rng)));
  std::vector<ngpc::LevelCounters> c;
  for (auto _ : state) units.run(pos.data(), 4096, c);
  state.counters["queries_per_s"] =
      benchmark::Counter(double(state.iterations()) * 4096, benchmark::Counter::kIsRate);
  state.counters["lookups_per_s"] =
      benchmark::Counter(double(state.iterations()) * 4096 * 16, benchmark::Counter::kIsRate);
  ngpc::set_host_threads(0);
}
BENCHMARK(BM_LevelUnitsNerfGrid);

// Corner indices of one hashed NeRF level (level 12), per second.
void BM_CornerIndicesHashedLevel(benchmark::State& state) {
  const ngpc::GridLayout layout = ngpc::make_grid_layout(ngpc::GridParams{});
  const ngpc::LevelIndexer ix = ngpc::level_indexer(layout, 12);
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> pos(4096 * 3);
  for (float& p : pos) p = u(rng);
  std::vector<uint32_t> out(4096 * 8);
  for (auto _ : state) {
    ngpc::level_corner_indices(ix, pos.data(), 4096, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["corners_per_s"] =
      benchmark::Counter(double(state.iterations()) * 4096 * 8, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CornerIndicesHashedLevel);

// Grid SRAM issue groups (one input's 8 corner reads of a 2 MiB hashed level in a 1 MB cache).
void BM_GridSramGroups(benchmark::State& state) {
  ngpc::GridSramParams p;
  ngpc::GridSram sram(p, 1u << 19, 4);
  std::mt19937 rng(3);
  std::vector<uint32_t> idx(8 * 4096);
  for (size_t q = 0; q < 4096; ++q) {
    const uint32_t base = rng() & ((1u << 19) - 2);
    for (uint32_t c = 0; c < 8; ++c)
      idx[q * 8 + c] = (base + (c & 1) + (rng() & 0xfff) * (c >> 1)) & ((1u << 19) - 1);
  }
  for (auto _ : state)
    for (size_t q = 0; q < 4096; ++q) benchmark::DoNotOptimize(sram.access_group(&idx[q * 8], 8));
  state.counters["groups_per_s"] =
      benchmark::Counter(double(state.iterations()) * 4096, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GridSramGroups);

// The shared L2 stand-in: sector reads over a working set twice its 6 MiB, with a little
// streaming pollution, as grid misses of many NFPs and the GPU's traffic reach it.
void BM_L2CacheReads(benchmark::State& state) {
  const ngpc::L2Params p;
  ngpc::L2Cache l2(p);
  const uint64_t lines = 2 * (p.capacity_bytes / p.line_bytes);
  std::mt19937_64 rng(5);
  std::vector<uint64_t> addr(1u << 16);
  for (uint64_t& a : addr) a = (rng() % lines) * p.line_bytes + (rng() & 3) * 32;
  uint64_t reads = 0;
  for (auto _ : state) {
    for (uint64_t a : addr) benchmark::DoNotOptimize(l2.read(a, 32));
    l2.pollute(1 << 20);
    reads += addr.size();
  }
  state.counters["reads_per_s"] = benchmark::Counter(double(reads), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_L2CacheReads);

// The procedural NeRF scene: sample positions of one ray-marching encode kernel (this used to be
// a timed test; speed belongs here).
void BM_ScenePositionsNerf1080p(benchmark::State& state) {
  ngpc::trace::GenOptions o;
  o.app = "nerf";
  const ngpc::trace::Trace t = ngpc::trace::generate_trace(o, ngpc::gpu::default_gpu_profile());
  const auto src = ngpc::trace::make_position_source(t);
  uint32_t kernel = 0;
  for (uint32_t k = 0; k < t.frames[0].kernels.size(); ++k)
    if (t.frames[0].kernels[k].kind == "encode") {
      kernel = k;
      break;
    }
  std::vector<float> out(3 * 65536);
  uint64_t done = 0;
  for (auto _ : state) {
    src->positions(0, kernel, done % (1u << 20), 65536, 3, out.data());
    done += 65536;
  }
  state.counters["positions_per_s"] = benchmark::Counter(double(done), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScenePositionsNerf1080p)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
