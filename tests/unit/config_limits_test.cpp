// The documented bounds of size-like inputs (docs/input-limits.md): the schema states the same
// numbers as sim/config/config_limits.h, values at a bound load and one past it is refused, and
// the replay's host-memory estimate and per-frame batch limit refuse what would not fit.
#include "sim/config/config_limits.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sim/config/config_json.h"
#include "sim/config/config_loader.h"
#include "sim/config/units.h"
#include "sim/error.h"
#include "sim/replay/run_limits.h"

namespace ngpc {
namespace {

namespace lim = config_limits;
using nlohmann::json;

std::string error_of(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << p << " in: " << msg;
    return msg;
  }
  ADD_FAILURE() << "no InputError; expected one mentioning " << parts.front();
  return "";
}

const std::vector<std::pair<std::string, uint64_t>> kIntegerMaxima = {
    {"cluster.scaling_factor", lim::kMaxNfps},
    {"cluster.batch_size", lim::kMaxBatchSize},
    {"cluster.dispatch_latency_cycles", lim::kMaxLatencyCycles},
    {"nfp.encoding.level_units", lim::kMaxLevelUnits},
    {"nfp.encoding.inputs_per_cycle.hashgrid", lim::kMaxInputsPerCycle},
    {"nfp.encoding.inputs_per_cycle.densegrid", lim::kMaxInputsPerCycle},
    {"nfp.encoding.inputs_per_cycle.lowres_densegrid", lim::kMaxInputsPerCycle},
    {"nfp.encoding.pipeline_latency_cycles", lim::kMaxLatencyCycles},
    {"nfp.encoding.max_outstanding_misses", lim::kMaxOutstandingMisses},
    {"nfp.encoding.grid_sram.banks", lim::kMaxBanks},
    {"nfp.encoding.grid_sram.ports_per_bank", lim::kMaxPortsPerBank},
    {"nfp.encoding.grid_sram.replicas", lim::kMaxReplicas},
    {"nfp.encoding.grid_sram.access_latency_cycles", lim::kMaxLatencyCycles},
    {"nfp.encoding.grid_sram.associativity", lim::kMaxAssociativity},
    {"nfp.fifo_depth_batches", lim::kMaxFifoDepth},
    {"nfp.mlp.rows", lim::kMaxMacArraySide},
    {"nfp.mlp.cols", lim::kMaxMacArraySide},
    {"nfp.mlp.activation_cycles_per_row.none", lim::kMaxLatencyCycles},
    {"nfp.mlp.activation_cycles_per_row.relu", lim::kMaxLatencyCycles},
    {"nfp.mlp.activation_cycles_per_row.sigmoid", lim::kMaxLatencyCycles},
    {"nfp.mlp.activation_cycles_per_row.exponential", lim::kMaxLatencyCycles},
    {"nfp.mlp.activation_cycles_per_row.squareplus", lim::kMaxLatencyCycles},
    {"gpu.pipeline_depth", lim::kMaxFifoDepth},
    {"memory.l2.ways", lim::kMaxL2Ways},
    {"detail.sample_windows", lim::kMaxSampleWindows},
    {"detail.sample_queries", lim::kMaxBatchSize},
    {"detail.warmup_queries", lim::kMaxWarmupQueries},
    {"detail.seed", lim::kMaxSeed},
};

struct QuantityLimit {
  std::string path;
  const char* min;
  const char* max;
};
const std::vector<QuantityLimit> kQuantityLimits = {
    {"clock", lim::kMinClock, lim::kMaxClock},
    {"nfp.encoding.grid_sram.capacity", nullptr, lim::kMaxGridSramCapacity},
    {"nfp.encoding.grid_sram.line_bytes", nullptr, lim::kMaxLineBytes},
    {"nfp.mlp.weight_buffer", nullptr, lim::kMaxBufferBytes},
    {"nfp.mlp.activation_buffer", nullptr, lim::kMaxBufferBytes},
    {"memory.l2.capacity", nullptr, lim::kMaxL2Capacity},
    {"memory.l2.link_bandwidth", lim::kMinBandwidth, lim::kMaxBandwidth},
    {"memory.l2.latency", nullptr, lim::kMaxLatency},
    {"memory.dram.bandwidth", lim::kMinBandwidth, lim::kMaxBandwidth},
    {"memory.dram.latency", nullptr, lim::kMaxLatency},
    {"memory.dram.access_bytes", nullptr, lim::kMaxLineBytes},
};

TEST(ConfigLimits, SchemaStatesTheCodesBounds) {
  for (const auto& [path, max] : kIntegerMaxima) {
    const json* node = config_detail::schema_node_at(path);
    ASSERT_NE(node, nullptr) << path;
    ASSERT_TRUE(node->contains("maximum")) << path;
    EXPECT_EQ((*node)["maximum"].get<uint64_t>(), max) << path;
  }
  for (const QuantityLimit& q : kQuantityLimits) {
    const json* node = config_detail::schema_node_at(q.path);
    ASSERT_NE(node, nullptr) << q.path;
    EXPECT_EQ(node->value("x-minimum", ""), q.min ? q.min : "") << q.path;
    EXPECT_EQ(node->value("x-maximum", ""), q.max ? q.max : "") << q.path;
  }
  // Every integer parameter of the schema has a maximum (so none is unbounded by omission).
  std::function<void(const json&, const std::string&)> walk = [&](const json& n,
                                                                  const std::string& p) {
    if (n.contains("properties")) {
      for (const auto& [k, child] : n["properties"].items())
        walk(child, p.empty() ? k : p + "." + k);
    } else if (n.value("type", "") == "integer") {
      EXPECT_TRUE(n.contains("maximum")) << p << " has no maximum";
    }
  };
  walk(config_schema(), "");
}

TEST(ConfigLimits, AtTheBoundLoadsOnePastIsRefused) {
  EXPECT_EQ(load_config("", {"cluster.scaling_factor=1024"}).config.cluster.scaling_factor, 1024u);
  error_of([] { load_config("", {"cluster.scaling_factor=1025"}); },
           {"--set cluster.scaling_factor=1025: cluster.scaling_factor", "<= 1024", "1025"});
  // The value of the issue: 100 000 NFPs ran for minutes and aborted inside SystemC.
  error_of([] { load_config("", {"cluster.scaling_factor=100000"}); },
           {"cluster.scaling_factor", "<= 1024", "100000"});
  EXPECT_EQ(load_config("", {"nfp.encoding.level_units=32"}).config.nfp.encoding.level_units, 32u);
  error_of([] { load_config("", {"nfp.encoding.level_units=33"}); }, {"level_units", "<= 32"});
  error_of([] { load_config("", {"cluster.batch_size=2097152"}); },
           {"cluster.batch_size", "<= 1048576"});
  error_of([] { load_config("", {"nfp.fifo_depth_batches=4000000000"}); },
           {"nfp.fifo_depth_batches", "<= 1024"});
  error_of([] { load_config("", {"gpu.pipeline_depth=1025"}); }, {"gpu.pipeline_depth"});
  error_of([] { load_config("", {"detail.sample_batches=1025"}); }, {"detail.sample_batches"});
  EXPECT_EQ(load_config("", {"nfp.encoding.grid_sram.capacity=1 GiB"})
                .config.nfp.encoding.grid_sram.capacity_bytes,
            1ull << 30);
  error_of([] { load_config("", {"nfp.encoding.grid_sram.capacity=1.5 GiB"}); },
           {"nfp.encoding.grid_sram.capacity: expected a bytes quantity <= 1 GiB"});
  EXPECT_EQ(load_config("", {"clock=100 GHz"}).config.clock_hz, 100e9);
  error_of([] { load_config("", {"clock=101 GHz"}); },
           {"clock: expected a frequency quantity >= 1 MHz and <= 100 GHz, got \"101 GHz\""});
  error_of([] { load_config("", {"memory.dram.bandwidth=999 kB/s"}); },
           {"memory.dram.bandwidth", ">= 1 MB/s"});
  error_of([] { load_config("", {"memory.l2.latency=2 ms"}); }, {"memory.l2.latency", "<= 1 ms"});
  // Seeds up to 2^63 - 1 (what schema validation reads as an integer).
  EXPECT_EQ(load_config("", {"detail.seed=9223372036854775807"}).config.detail.seed,
            9223372036854775807ull);
  error_of([] { load_config("", {"detail.seed=9223372036854775808"}); }, {"detail.seed"});
}

// A grid of two levels of `entries` 4-byte entries each.
GridLayout two_levels(uint32_t entries) {
  GridLayout g{};
  g.entry_bytes = 4;
  g.levels.assign(2, GridLevel{});
  for (GridLevel& l : g.levels) l.entries = entries;
  return g;
}

TEST(RunLimits, HostMemoryEstimate) {
  Config cfg;  // 8 NFPs, 16 level units, 1 MB SRAMs, 64 B lines, 4 ways, batches of 4096
  Workload w;
  // 4 MB tables: each level gets the whole 1 MB SRAM (2 levels on 16 units), does not fit, and
  // keeps 1e6 / (64 x 4) = 3906 sets x 4 ways x 16 B = 249 984 B of tags; 2 levels, 10 engines
  // (8 NFPs, the sampler's shadow and its copy), plus 9 x 4096 queries x 12 B of positions.
  w.layouts.push_back(two_levels(1000000));
  EXPECT_DOUBLE_EQ(address_model_bytes(w, cfg), 10.0 * 2 * 249984 + 9.0 * 4096 * 12);
  // Tables that fit keep no tags, however large the SRAM.
  cfg.nfp.encoding.grid_sram.capacity_bytes = 1ull << 30;
  EXPECT_DOUBLE_EQ(address_model_bytes(w, cfg), 9.0 * 4096 * 12);
  // 1 GiB tables in 512 MiB SRAMs: 2^29 / 256 = 2^21 sets x 64 B = 128 MiB per level, 256 MiB
  // per engine: 10 engines (2.5 GiB) pass, 18 (16 NFPs, 4.5 GiB) do not.
  w.layouts[0] = two_levels(1u << 28);
  cfg.nfp.encoding.grid_sram.capacity_bytes = 1ull << 29;
  EXPECT_NO_THROW(check_run_limits(w, cfg, "t.json"));
  cfg.cluster.scaling_factor = 16;
  error_of([&] { check_run_limits(w, cfg, "t.json"); },
           {"t.json: ", "nfp.encoding.grid_sram.capacity 536870912 B", "cluster.scaling_factor 16",
            "4.5 GiB", "the limit is 4.0 GiB"});
  // A static SRAM keeps no tags.
  cfg.nfp.encoding.grid_sram.policy = SramPolicy::Static;
  EXPECT_NO_THROW(check_run_limits(w, cfg, "t.json"));
}

TEST(RunLimits, BatchesPerFrame) {
  Config cfg;
  cfg.cluster.batch_size = 4096;
  Workload w;
  FrameWork fw;
  fw.frame = 3;
  WorkItem step;
  step.label = "step 0";
  EncodeKernelWork e;
  e.queries = kMaxBatchesPerFrame * 4096;  // exactly the limit
  step.encodes.push_back(e);
  fw.items.push_back(step);
  WorkItem gpu;  // standalone GPU work dispatches no batches
  gpu.standalone_gpu = true;
  fw.items.push_back(gpu);
  w.frames.push_back(fw);
  EXPECT_NO_THROW(check_run_limits(w, cfg, "t.json"));
  w.frames[0].items[0].encodes[0].queries += 1;  // one query more: one batch more
  error_of([&] { check_run_limits(w, cfg, "t.json"); },
           {"t.json: frame 3 needs 1048577 batches of cluster.batch_size 4096", "step 0",
            "at most 1048576"});
  // A larger batch size brings it back under: 1048577 batches' worth of queries in 2x batches.
  cfg.cluster.batch_size = 8192;
  EXPECT_NO_THROW(check_run_limits(w, cfg, "t.json"));
}

}  // namespace
}  // namespace ngpc
