// The model options configs/ngpc-paper.json turns on, held to their closed forms: a conflict-free
// level unit takes exactly its inputs-per-cycle bound, a resident table never misses, and isolated
// memory serves each source at its stated bandwidth.
#include <gtest/gtest.h>

#include <random>
#include <systemc>

#include "closed_form.h"
#include "models/encoding/grid_math.h"
#include "models/encoding/level_units.h"
#include "models/memory/memory_system.h"
#include "models/sim_context.h"
#include "sim_fixture.h"

namespace ngpc {
namespace {

std::vector<float> random_positions(uint32_t n, uint32_t dims, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(n) * dims);
  for (float& v : x) v = u(rng);
  return x;
}

GridSramParams conflict_free() {
  GridSramParams p;
  p.banks = 8;
  p.ports_per_bank = 1;
  p.replicas = 8;
  p.bank_mapping = BankMapping::CornerParity;
  p.policy = SramPolicy::Resident;
  return p;
}

// Every level of every grid the paper names at its stated inputs per cycle: one group a cycle.
TEST(PaperOptions, ConflictFreeLevelUnitTakesItsInputsPerCycleBound) {
  struct Case {
    const char* name;
    GridParams grid;
    uint32_t inputs_per_cycle;
  };
  GridParams hash;  // NeRF: 16 levels, 5 dense + 11 hashed
  GridParams dense;
  dense.type = GridType::Dense;
  dense.levels = 8;
  dense.features = 4;
  dense.per_level_scale = 1.405;
  GridParams lowres;
  lowres.type = GridType::Tiled;
  lowres.levels = 2;
  lowres.features = 8;
  lowres.base_resolution = 128;
  lowres.per_level_scale = 1.0;
  GridParams image = hash;  // GIA: 2-D, T = 2^24
  image.dims = 2;
  image.log2_table_size = 24;
  image.n_max = 28359;
  for (const Case& c : {Case{"hashgrid", hash, 1}, Case{"densegrid", dense, 2},
                        Case{"lowres_densegrid", lowres, 8}, Case{"gia", image, 1}}) {
    const GridLayout layout = make_grid_layout(c.grid);
    LevelUnits units(layout, conflict_free(), 16, c.inputs_per_cycle);
    const uint32_t n = 4096;
    const std::vector<float> x = random_positions(n, c.grid.dims, 7);
    std::vector<LevelCounters> out;
    units.run(x.data(), n, out);
    for (size_t l = 0; l < out.size(); ++l) {
      if (l + 1 == out.size() && c.grid.type == GridType::Hash && c.grid.dims == 3)
        test::record_closed_form(
            "paper level unit, NeRF finest hashed level: issue cycles vs n / "
            "inputs per cycle",
            double(out[l].issue_cycles), double(n / c.inputs_per_cycle));
      EXPECT_EQ(out[l].issue_cycles, n / c.inputs_per_cycle) << c.name << " level " << l;
      EXPECT_EQ(out[l].conflict_cycles, 0u) << c.name << " level " << l;
    }
  }
}

// The same lookups through one interleaved copy do conflict: the option is what removes them.
TEST(PaperOptions, InterleavedSingleCopyConflictsOnTheSameLookups) {
  const GridLayout layout = make_grid_layout(GridParams{});
  GridSramParams p = conflict_free();
  p.replicas = 1;
  p.bank_mapping = BankMapping::Interleaved;
  LevelUnits units(layout, p, 16, 1);
  const std::vector<float> x = random_positions(4096, 3, 7);
  std::vector<LevelCounters> out;
  units.run(x.data(), 4096, out);
  uint64_t conflicts = 0;
  for (const LevelCounters& c : out) conflicts += c.conflict_cycles;
  EXPECT_GT(conflicts, 0u);
}

TEST(PaperOptions, ResidentTableNeverMisses) {
  GridParams gia;  // GIA's 2^24-entry levels (64 MiB each) in 1 kB "SRAMs"
  gia.dims = 2;
  gia.log2_table_size = 24;
  gia.n_max = 28359;
  const GridLayout layout = make_grid_layout(gia);
  GridSramParams p;
  p.capacity_bytes = 1024;
  p.policy = SramPolicy::Resident;
  LevelUnits units(layout, p, 16, 1);
  const std::vector<float> x = random_positions(20000, 2, 3);
  std::vector<LevelCounters> out;
  units.run(x.data(), 20000, out);
  for (const LevelCounters& c : out) {
    EXPECT_EQ(c.misses, 0u);
    EXPECT_EQ(c.miss_bytes, 0u);
    EXPECT_GT(c.hits, 0u);
  }
  EXPECT_EQ(units.fill_bytes(), layout.bytes);  // the whole table, loaded once per frame
  EXPECT_EQ(units.non_resident_bytes(), 0u);
}

using PaperMemory = SimTest;

struct Probe : sc_core::sc_module {
  SC_HAS_PROCESS(Probe);
  MemorySystem& mem;
  MemRequest req;
  MemCompletion c;
  double done_at = -1;
  Probe(sc_core::sc_module_name n, MemorySystem& m, MemRequest r) : sc_module(n), mem(m), req(r) {
    SC_THREAD(go);
  }
  // The locals live in body()'s frame, which fresh_coroutine_stack() has cleared of the stale
  // poison a deleted simulation's coroutine stack can leave at this address (models/sim_context.h).
  void go() {
    fresh_coroutine_stack();
    body();
  }
  __attribute__((noinline)) void body() {
    mem.request(req, &c);
    c.wait_done();
    done_at = sc_core::sc_time_stamp().to_seconds();
  }
};

// Isolated: the GPU's DRAM flow runs at its own rate and the NGPC's at the full bandwidth, each as
// if alone; shared per source, they would split the DRAM.
TEST_F(PaperMemory, IsolatedSourcesEachGetTheirStatedBandwidth) {
  for (Arbitration a : {Arbitration::Isolated, Arbitration::PerSource}) {
    reset_systemc_context();
    MemoryConfig cfg;
    cfg.dram.model = DramModel::Bandwidth;
    cfg.dram.bandwidth_bytes_per_s = 1e12;
    cfg.dram.arbitration = a;
    cfg.l2.link_bandwidth_bytes_per_s = 4e12;
    cfg.l2.latency_s = 100e-9;
    cfg.dram.latency_s = 50e-9;
    MemorySystem mem("mem", cfg);
    MemRequest gpu;
    gpu.src = MemSource::Gpu;
    gpu.kind = Traffic::GpuRest;
    gpu.bytes = 1e6;
    gpu.rate_cap = 0.8e12;
    MemRequest ngpc;
    ngpc.kind = Traffic::GridMiss;
    ngpc.bytes = 1e6;
    ngpc.dram_bytes = 1e6;  // all from DRAM
    Probe g("g", mem, gpu), n("n", mem, ngpc);
    run_simulation();
    if (a == Arbitration::Isolated) {
      test::record_closed_form("isolated arbitration: GPU stream beside NGPC misses [s] vs alone",
                               g.done_at, 1e6 / 0.8e12);
      EXPECT_NEAR(g.done_at, 1e6 / 0.8e12, 1e-12);
      EXPECT_NEAR(n.done_at, 1e6 / 1e12 + 100e-9 + 50e-9, 1e-12);
    } else {
      EXPECT_GT(g.done_at, 1e6 / 0.8e12 * 1.2);  // contention: half of the DRAM each
    }
  }
}

}  // namespace
}  // namespace ngpc
