// Semantic pass of the config loader: JSON -> ngpc::Config in base units, with the range checks
// JSON Schema cannot express (powers of two, multiples, cross-field limits).
#include <cmath>
#include <initializer_list>
#include <limits>

#include "sim/config/config_json.h"
#include "sim/config/units.h"
#include "sim/error.h"

namespace ngpc::config_detail {

using nlohmann::json;

namespace {

bool is_power_of_two(uint64_t v) {
  return v != 0 && (v & (v - 1)) == 0;
}

// Reads typed values by dotted path and rejects anything out of range with the origin, path,
// expectation and offending value.
class Reader {
 public:
  Reader(const json& root, const OriginFn& origin) : root_(root), origin_(origin) {}

  const json& at(const std::string& path) const {
    const json* node = &root_;
    size_t start = 0;
    while (start <= path.size()) {
      const size_t dot = std::min(path.find('.', start), path.size());
      const std::string key = path.substr(start, dot - start);
      if (!node->is_object() || !node->contains(key)) {
        fail(origin_(path), path,
             "missing (the effective configuration must hold every parameter)");
      }
      node = &(*node)[key];
      start = dot + 1;
    }
    return *node;
  }

  [[noreturn]] void reject(const std::string& path, const std::string& expected) const {
    fail(origin_(path), path, "expected " + expected + ", got " + describe_value(at(path)));
  }

  uint64_t count(const std::string& path, uint64_t min = 0,
                 uint64_t max = std::numeric_limits<uint32_t>::max()) const {
    const json& v = at(path);
    const std::string expected =
        "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    if (!v.is_number_integer()) reject(path, expected);
    if (v.is_number_unsigned()) {
      const uint64_t u = v.get<uint64_t>();
      if (u < min || u > max) reject(path, expected);
      return u;
    }
    const int64_t i = v.get<int64_t>();
    if (i < 0 || static_cast<uint64_t>(i) < min || static_cast<uint64_t>(i) > max) {
      reject(path, expected);
    }
    return static_cast<uint64_t>(i);
  }

  uint32_t power_of_two(const std::string& path) const {
    const uint64_t v = count(path, 1);
    if (!is_power_of_two(v)) reject(path, "a power of two");
    return static_cast<uint32_t>(v);
  }

  double number(const std::string& path) const {
    const json& v = at(path);
    if (!v.is_number()) reject(path, "a number");
    return v.get<double>();
  }

  // A quantity string in the family's base unit; `positive` rejects zero.
  double quantity(const std::string& path, UnitFamily family, bool positive) const {
    const json& v = at(path);
    const std::string expected = "a string with a " + unit_family_name(family) + " unit (" +
                                 unit_family_units(family) + "), e.g. \"" +
                                 unit_family_example(family) + "\"";
    if (!v.is_string()) reject(path, expected);
    double q = 0;
    try {
      q = parse_quantity(v.get<std::string>(), family);
    } catch (const InputError& e) {
      fail(origin_(path), path, e.what());
    }
    if (positive && !(q > 0)) reject(path, "a quantity > 0");
    return q;
  }

  uint64_t bytes(const std::string& path,
                 uint64_t max = std::numeric_limits<uint64_t>::max()) const {
    const double q = quantity(path, UnitFamily::kBytes, true);
    if (q > static_cast<double>(max)) reject(path, "at most " + std::to_string(max) + " B");
    return static_cast<uint64_t>(q);
  }

  uint32_t power_of_two_bytes(const std::string& path) const {
    const uint64_t v = bytes(path, std::numeric_limits<uint32_t>::max());
    if (!is_power_of_two(v)) reject(path, "a power of two bytes, e.g. \"64 B\"");
    return static_cast<uint32_t>(v);
  }

  std::string text(const std::string& path, bool non_empty = false) const {
    const json& v = at(path);
    if (!v.is_string() || (non_empty && v.get<std::string>().empty())) {
      reject(path, non_empty ? "a non-empty string" : "a string");
    }
    return v.get<std::string>();
  }

  std::string choice(const std::string& path, std::initializer_list<const char*> options) const {
    const json& v = at(path);
    std::string expected;
    for (const char* o : options)
      expected += (expected.empty() ? "one of \"" : ", \"") + std::string(o) + "\"";
    if (!v.is_string()) reject(path, expected);
    for (const char* o : options) {
      if (v.get<std::string>() == o) return o;
    }
    reject(path, expected);
  }

  // One of E's names (models/machine_config.h), resolved to the enum here, once.
  template <class E>
  E policy(const std::string& path) const {
    const json& v = at(path);
    std::string expected;
    for (const char* o : PolicyNames<E>::names)
      expected += (expected.empty() ? "one of \"" : ", \"") + std::string(o) + "\"";
    E e{};
    if (!v.is_string() || !parse_policy(v.get<std::string>(), &e)) reject(path, expected);
    return e;
  }

  bool flag(const std::string& path) const {
    const json& v = at(path);
    if (!v.is_boolean()) reject(path, "true or false");
    return v.get<bool>();
  }

 private:
  const json& root_;
  const OriginFn& origin_;
};

void read_cluster(const Reader& r, ClusterConfig& c) {
  c.scaling_factor = r.count("cluster.scaling_factor", 1);
  c.batch_size = r.count("cluster.batch_size", 256);
  if (c.batch_size % 256 != 0) r.reject("cluster.batch_size", "a positive multiple of 256");
  c.dispatch = r.policy<DispatchPolicy>("cluster.dispatch");
  c.dispatch_latency_cycles = r.count("cluster.dispatch_latency_cycles");
}

void read_encoding(const Reader& r, EncodingEngineConfig& e) {
  const std::string p = "nfp.encoding.";
  e.level_units = r.count(p + "level_units", 1);
  e.inputs_per_cycle.clear();
  for (const char* mode : {"hashgrid", "densegrid", "lowres_densegrid"}) {
    e.inputs_per_cycle[mode] = r.count(p + "inputs_per_cycle." + mode, 1);
  }
  e.pipeline_latency_cycles = r.count(p + "pipeline_latency_cycles");
  e.max_outstanding_misses = r.count(p + "max_outstanding_misses", 1);

  GridSramConfig& g = e.grid_sram;
  const std::string s = p + "grid_sram.";
  g.capacity_bytes = r.bytes(s + "capacity");
  g.banks = r.power_of_two(s + "banks");
  g.ports_per_bank = r.count(s + "ports_per_bank", 1);
  g.access_latency_cycles = r.count(s + "access_latency_cycles", 1);
  g.policy = r.policy<SramPolicy>(s + "policy");
  g.line_bytes = r.power_of_two_bytes(s + "line_bytes");
  g.associativity = r.power_of_two(s + "associativity");
  const uint64_t one_set = uint64_t{g.line_bytes} * g.associativity;
  if (g.capacity_bytes < one_set) {
    r.reject(s + "capacity",
             "at least line_bytes x associativity = " + std::to_string(one_set) + " B (one set)");
  }
}

void read_mlp(const Reader& r, MlpEngineConfig& m) {
  const std::string p = "nfp.mlp.";
  m.rows = r.count(p + "rows", 1);
  m.cols = r.count(p + "cols", 1);
  m.dataflow = r.policy<MlpDataflow>(p + "dataflow");
  m.precision = r.policy<Precision>(p + "precision");
  m.weight_buffer_bytes = r.bytes(p + "weight_buffer");
  m.activation_buffer_bytes = r.bytes(p + "activation_buffer");
  m.weight_source = r.policy<WeightSource>(p + "weight_source");
  m.weight_double_buffering = r.flag(p + "weight_double_buffering");
  for (size_t a = 0; a < kActivations; ++a) {
    m.activation_cycles_per_row[a] =
        r.count(p + "activation_cycles_per_row." + PolicyNames<Activation>::names[a]);
  }
}

void read_memory(const Reader& r, MemoryConfig& m) {
  m.l2.capacity_bytes = r.bytes("memory.l2.capacity");
  m.l2.grid_share = r.number("memory.l2.grid_share");
  if (!(m.l2.grid_share > 0 && m.l2.grid_share <= 1)) {
    r.reject("memory.l2.grid_share", "a number in (0, 1]");
  }
  m.l2.link_bandwidth_bytes_per_s =
      r.quantity("memory.l2.link_bandwidth", UnitFamily::kBandwidth, true);
  m.l2.latency_s = r.quantity("memory.l2.latency", UnitFamily::kTime, false);
  m.dram.bandwidth_bytes_per_s = r.quantity("memory.dram.bandwidth", UnitFamily::kBandwidth, true);
  m.dram.latency_s = r.quantity("memory.dram.latency", UnitFamily::kTime, false);
  m.dram.access_bytes = r.power_of_two_bytes("memory.dram.access_bytes");
  m.dram.arbitration = r.policy<Arbitration>("memory.dram.arbitration");
}

void read_gpu(const Reader& r, GpuConfig& g) {
  g.name = r.text("gpu.name", true);
  g.die_area_mm2 = r.quantity("gpu.die_area", UnitFamily::kArea, true);
  g.board_power_w = r.quantity("gpu.board_power", UnitFamily::kPower, true);
  g.fusion = r.flag("gpu.fusion");
  g.fusion_speedup = r.number("gpu.fusion_speedup");
  if (!(g.fusion_speedup >= 1) || !std::isfinite(g.fusion_speedup)) {
    r.reject("gpu.fusion_speedup", "a number >= 1");
  }
  g.overlap = r.flag("gpu.overlap");
  g.pipeline_depth = r.count("gpu.pipeline_depth", 1);
}

}  // namespace

Config build_config(const json& effective, const OriginFn& origin) {
  if (!effective.is_object())
    fail(origin(""), "", "expected an object, got " + describe_value(effective));
  const Reader r(effective, origin);
  Config c;
  c.name = r.text("name", true);
  c.description = r.text("description");
  c.clock_hz = r.quantity("clock", UnitFamily::kFrequency, true);
  read_cluster(r, c.cluster);
  read_encoding(r, c.nfp.encoding);
  c.nfp.fifo_depth_batches = r.count("nfp.fifo_depth_batches", 1);
  read_mlp(r, c.nfp.mlp);
  read_memory(r, c.memory);
  read_gpu(r, c.gpu);
  c.detail.mode = r.policy<DetailMode>("detail.mode");
  c.detail.sample_batches = r.count("detail.sample_batches", 1);
  c.detail.warmup_queries = r.count("detail.warmup_queries");
  c.detail.seed = r.count("detail.seed", 0, std::numeric_limits<uint64_t>::max());
  c.tech.table = r.text("tech.table", true);
  c.tech.node = r.text("tech.node", true);
  return c;
}

}  // namespace ngpc::config_detail
