// Semantic pass of the config loader: JSON -> ngpc::Config in base units, with the typed accessors
// of sim/json/value.h, the bounds of config_limits.h and the checks JSON Schema cannot express
// (powers of two, multiples, cross-field limits).
#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <string_view>
#include <vector>

#include "sim/config/config_json.h"
#include "sim/config/config_limits.h"
#include "sim/config/units.h"
#include "sim/error.h"
#include "sim/json/value.h"

namespace ngpc::config_detail {

using json_input::QuantityBounds;
using json_input::Value;
using nlohmann::json;
namespace lim = config_limits;

namespace {

// One of E's names (models/machine_config.h), resolved to the enum here, once.
template <class E>
E policy(const Value& v) {
  const std::vector<std::string_view> names(std::begin(PolicyNames<E>::names),
                                            std::end(PolicyNames<E>::names));
  return static_cast<E>(v.choice_index(names));
}

bool is_power_of_two(uint64_t v) {
  return v != 0 && (v & (v - 1)) == 0;
}

uint32_t count(const Value& v, uint64_t min, uint64_t max) {
  return static_cast<uint32_t>(v.integer(min, max));
}

uint32_t power_of_two(const Value& v, uint64_t max) {
  const uint64_t x = v.integer(1, max);
  if (!is_power_of_two(x)) v.expected("a power of two");
  return static_cast<uint32_t>(x);
}

uint64_t bytes(const Value& v, const char* max) {
  return static_cast<uint64_t>(v.quantity(UnitFamily::kBytes, {true, nullptr, max}));
}

uint32_t power_of_two_bytes(const Value& v, const char* max) {
  const uint64_t x = bytes(v, max);
  if (!is_power_of_two(x)) v.expected("a power of two bytes, e.g. \"64 B\"");
  return static_cast<uint32_t>(x);
}

double latency(const Value& v) {
  return v.quantity(UnitFamily::kTime, {false, nullptr, lim::kMaxLatency});
}

double bandwidth(const Value& v) {
  return v.quantity(UnitFamily::kBandwidth, {true, lim::kMinBandwidth, lim::kMaxBandwidth});
}

void read_cluster(const Value& cluster, ClusterConfig& c) {
  c.scaling_factor = count(cluster.get("scaling_factor"), 1, lim::kMaxNfps);
  const Value batch = cluster.get("batch_size");
  c.batch_size = count(batch, 256, lim::kMaxBatchSize);
  if (c.batch_size % 256 != 0) batch.expected("a positive multiple of 256");
  c.dispatch = policy<DispatchPolicy>(cluster.get("dispatch"));
  c.dispatch_latency_cycles =
      count(cluster.get("dispatch_latency_cycles"), 0, lim::kMaxLatencyCycles);
}

void read_encoding(const Value& enc, EncodingEngineConfig& e) {
  e.level_units = count(enc.get("level_units"), 1, lim::kMaxLevelUnits);
  e.inputs_per_cycle.clear();
  const Value ipc = enc.get("inputs_per_cycle");
  for (const char* mode : {"hashgrid", "densegrid", "lowres_densegrid"}) {
    e.inputs_per_cycle[mode] = count(ipc.get(mode), 1, lim::kMaxInputsPerCycle);
  }
  e.pipeline_latency_cycles = count(enc.get("pipeline_latency_cycles"), 0, lim::kMaxLatencyCycles);
  e.max_outstanding_misses =
      count(enc.get("max_outstanding_misses"), 1, lim::kMaxOutstandingMisses);
  e.grid_fill = policy<GridFill>(enc.get("grid_fill"));

  GridSramConfig& g = e.grid_sram;
  const Value s = enc.get("grid_sram");
  const Value capacity = s.get("capacity");
  g.capacity_bytes = bytes(capacity, lim::kMaxGridSramCapacity);
  g.banks = power_of_two(s.get("banks"), lim::kMaxBanks);
  g.ports_per_bank = count(s.get("ports_per_bank"), 1, lim::kMaxPortsPerBank);
  g.access_latency_cycles = count(s.get("access_latency_cycles"), 1, lim::kMaxLatencyCycles);
  g.policy = policy<SramPolicy>(s.get("policy"));
  g.bank_mapping = policy<BankMapping>(s.get("bank_mapping"));
  g.replicas = count(s.get("replicas"), 1, lim::kMaxReplicas);
  g.line_bytes = power_of_two_bytes(s.get("line_bytes"), lim::kMaxLineBytes);
  g.associativity = power_of_two(s.get("associativity"), lim::kMaxAssociativity);
  const uint64_t one_set = uint64_t{g.line_bytes} * g.associativity;
  if (g.capacity_bytes < one_set) {
    capacity.expected("at least line_bytes x associativity = " + std::to_string(one_set) +
                      " B (one set)");
  }
}

void read_mlp(const Value& mlp, MlpEngineConfig& m) {
  m.rows = count(mlp.get("rows"), 1, lim::kMaxMacArraySide);
  m.cols = count(mlp.get("cols"), 1, lim::kMaxMacArraySide);
  m.dataflow = policy<MlpDataflow>(mlp.get("dataflow"));
  m.precision = policy<Precision>(mlp.get("precision"));
  m.weight_buffer_bytes = bytes(mlp.get("weight_buffer"), lim::kMaxBufferBytes);
  m.activation_buffer_bytes = bytes(mlp.get("activation_buffer"), lim::kMaxBufferBytes);
  m.weight_source = policy<WeightSource>(mlp.get("weight_source"));
  m.weight_double_buffering = mlp.get("weight_double_buffering").flag();
  const Value act = mlp.get("activation_cycles_per_row");
  for (size_t a = 0; a < kActivations; ++a) {
    m.activation_cycles_per_row[a] =
        count(act.get(PolicyNames<Activation>::names[a]), 0, lim::kMaxLatencyCycles);
  }
}

void read_memory(const Value& memory, MemoryConfig& m) {
  const Value l2 = memory.get("l2");
  m.l2.capacity_bytes = bytes(l2.get("capacity"), lim::kMaxL2Capacity);
  const Value line = l2.get("line_bytes");
  m.l2.line_bytes = power_of_two_bytes(line, lim::kMaxLineBytes);
  m.l2.ways = count(l2.get("ways"), 1, lim::kMaxL2Ways);
  m.l2.grid_share = l2.get("grid_share").number(0, 1, {}, /*lo_exclusive=*/true);
  m.l2.link_bandwidth_bytes_per_s = bandwidth(l2.get("link_bandwidth"));
  m.l2.latency_s = latency(l2.get("latency"));
  m.l2.lookup_steps = count(l2.get("lookup_steps"), 0, lim::kMaxLookupSteps);
  const Value dram = memory.get("dram");
  m.dram.bandwidth_bytes_per_s = bandwidth(dram.get("bandwidth"));
  m.dram.model = policy<DramModel>(dram.get("model"));
  m.dram.latency_s = latency(dram.get("latency"));
  m.dram.access_bytes = power_of_two_bytes(dram.get("access_bytes"), lim::kMaxLineBytes);
  m.dram.arbitration = policy<Arbitration>(dram.get("arbitration"));
  const uint64_t sectors = m.l2.line_bytes / m.dram.access_bytes;
  if (m.l2.line_bytes < m.dram.access_bytes || sectors > 32)
    line.expected("1 to 32 DRAM sectors (memory.dram.access_bytes = " +
                  std::to_string(m.dram.access_bytes) + " B) per line");
  const uint64_t set_bytes = uint64_t{m.l2.line_bytes} * m.l2.ways;
  if (m.l2.capacity_bytes < set_bytes)
    l2.get("capacity")
        .expected("at least line_bytes x ways = " + std::to_string(set_bytes) + " B (one set)");
  const auto pattern = [&](const char* key, DramPatternConfig& p) {
    const Value v = dram.get(key);
    p.sustained_fraction = v.get("sustained_fraction").number(0, 1, {}, /*lo_exclusive=*/true);
    const char* keys[4] = {"latency", "latency_at_50", "latency_at_80", "latency_at_95"};
    for (int i = 0; i < 4; ++i) {
      p.latency_s[i] = latency(v.get(keys[i]));
      if (i > 0 && p.latency_s[i] < p.latency_s[i - 1])
        v.get(keys[i]).expected(std::string("at least ") + keys[i - 1] +
                                " (latency does not fall as load grows)");
    }
  };
  pattern("random", m.dram.random);
  pattern("stream", m.dram.stream);
  pattern("mix", m.dram.mix);
}

void read_gpu(const Value& gpu, GpuConfig& g) {
  g.name = gpu.get("name").nonempty_string();
  g.die_area_mm2 = gpu.get("die_area").quantity(UnitFamily::kArea, {true, nullptr, nullptr});
  g.board_power_w = gpu.get("board_power").quantity(UnitFamily::kPower, {true, nullptr, nullptr});
  g.fusion = gpu.get("fusion").flag();
  g.fusion_speedup = gpu.get("fusion_speedup").number(1, std::numeric_limits<double>::max());
  g.overlap = gpu.get("overlap").flag();
  g.dram_traffic = gpu.get("dram_traffic").flag();
  g.pipeline_depth = count(gpu.get("pipeline_depth"), 1, lim::kMaxFifoDepth);
}

}  // namespace

Config build_config(const json& effective, const OriginFn& origin) {
  const json_input::Source src(origin, json_input::PathStyle::kDotted);
  const Value root(effective, src);
  root.expect_object();
  Config c;
  c.name = root.get("name").nonempty_string();
  c.description = root.get("description").string();
  c.clock_hz =
      root.get("clock").quantity(UnitFamily::kFrequency, {true, lim::kMinClock, lim::kMaxClock});
  read_cluster(root.get("cluster"), c.cluster);
  const Value nfp = root.get("nfp");
  read_encoding(nfp.get("encoding"), c.nfp.encoding);
  c.nfp.fifo_depth_batches = count(nfp.get("fifo_depth_batches"), 1, lim::kMaxFifoDepth);
  read_mlp(nfp.get("mlp"), c.nfp.mlp);
  read_memory(root.get("memory"), c.memory);
  read_gpu(root.get("gpu"), c.gpu);
  const Value detail = root.get("detail");
  c.detail.mode = policy<DetailMode>(detail.get("mode"));
  c.detail.sample_windows = count(detail.get("sample_windows"), 2, lim::kMaxSampleWindows);
  c.detail.sample_queries = count(detail.get("sample_queries"), 0, lim::kMaxBatchSize);
  c.detail.warmup_queries = count(detail.get("warmup_queries"), 0, lim::kMaxWarmupQueries);
  c.detail.systematic_rel_err = detail.get("systematic_pct").number(0, 100) / 100;
  c.detail.seed = detail.get("seed").integer(0, lim::kMaxSeed);
  const Value tech = root.get("tech");
  c.tech.table = tech.get("table").nonempty_string();
  c.tech.node = tech.get("node").nonempty_string();
  c.tech.scaling = policy<SramScaling>(tech.get("scaling"));
  return c;
}

}  // namespace ngpc::config_detail
