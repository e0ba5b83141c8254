#include "sim/gpu_baseline/cost_model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "models/mlp/tcnn_padding.h"
#include "sim/error.h"

namespace ngpc::gpu {
namespace {

// Expected sectors fetched for the two x-neighbour corners of one cell edge. Both dense and
// hashed indices keep x-neighbours adjacent (tcnn's hash multiplies x by 1), so the pair is
// 2*entry_bytes of contiguous memory starting at a multiple of entry_bytes; it straddles a sector
// boundary with probability entry_bytes/sector when an entry is smaller than a sector.
double sectors_per_corner_pair(double entry_bytes, double sector) {
  if (entry_bytes >= sector) return 2 * std::ceil(entry_bytes / sector);
  return 1 + entry_bytes / sector;
}

// Che's approximation of LRU under independent references: item i with request rate r_i is a hit
// with probability 1 - exp(-r_i * t), where the characteristic time t fills the cache. Items are
// the sectors of each level; all sectors of a level share its rate.
std::vector<double> che_hit_rates(const std::vector<double>& sectors,
                                  const std::vector<double>& new_per_query, double capacity) {
  const size_t n = sectors.size();
  std::vector<double> rate(n), hit(n, 1.0);
  double touched = 0;
  for (size_t i = 0; i < n; ++i) {
    rate[i] = sectors[i] > 0 ? new_per_query[i] / sectors[i] : 0;
    if (rate[i] > 0) touched += sectors[i];
  }
  if (touched <= capacity) return hit;
  auto occupancy = [&](double t) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += sectors[i] * -std::expm1(-rate[i] * t);
    return s;
  };
  double lo = 0, hi = 1;
  while (occupancy(hi) < capacity && hi < 1e300) hi *= 2;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (occupancy(mid) < capacity ? lo : hi) = mid;
  }
  for (size_t i = 0; i < n; ++i) hit[i] = -std::expm1(-rate[i] * lo);
  return hit;
}

}  // namespace

const char* bound_name(Bound b) {
  switch (b) {
    case Bound::kCompute:
      return "compute";
    case Bound::kDram:
      return "DRAM";
    case Bound::kIssue:
      return "issue";
  }
  return "?";
}

EncodeCost encode_cost(const GpuProfile& p, const GridLayout& layout, uint64_t queries,
                       const SampleLattice& lattice) {
  EncodeCost c;
  const double sector = p.dram_sector_bytes;
  const double eb = layout.entry_bytes;
  const uint32_t dims = layout.params.dims;
  const double pairs = layout.corners / 2.0;
  std::vector<double> sectors, fresh;
  double ops = 0;
  for (const GridLevel& lv : layout.levels) {
    const double requested = pairs * sectors_per_corner_pair(eb, sector);
    double new_fraction = 1;
    for (double spacing : lattice) new_fraction *= std::min(1.0, lv.resolution * spacing);
    fresh.push_back(requested * new_fraction);
    sectors.push_back(std::max(1.0, std::ceil(lv.entries * eb / sector)));
    const double index_ops = lv.hashed ? p.ops_per_hash : p.ops_per_dense_index;
    ops += p.ops_per_level +
           layout.corners * (p.ops_per_corner + layout.params.features * p.ops_per_corner_feature +
                             index_ops + p.ops_per_modulo);
  }
  c.l2_hit = che_hit_rates(sectors, fresh, p.l2_capacity * p.l2_grid_share / sector);
  const double q = static_cast<double>(queries);
  double grid = 0, flush = 0;
  for (size_t l = 0; l < fresh.size(); ++l) {
    grid += fresh[l] * (1 - c.l2_hit[l]) * sector;
    // A cold L2 first fetches the sectors a warm one would have held, as far as the launch
    // touches them: n_l h_l of them resident, each touched with probability 1 - exp(-rate Q).
    const double rate = fresh[l] / sectors[l];
    flush += sectors[l] * c.l2_hit[l] * -std::expm1(-rate * q) * sector;
  }
  c.grid_dram_bytes = grid * q;
  c.flush_dram_bytes = p.l2_flush_per_kernel ? flush : 0;
  c.io_bytes = q * (4.0 * dims + double(layout.levels.size()) * layout.entry_bytes);
  c.ops = ops * q;
  const double issue = p.sm_count * p.issue_slots_per_clock_per_sm * p.sm_clock_hz;
  c.memory_s =
      (c.grid_dram_bytes + c.flush_dram_bytes) / (p.dram_bandwidth * p.encode_dram_efficiency) +
      c.io_bytes / (p.dram_bandwidth * p.stream_dram_efficiency);
  c.issue_s = c.ops / (issue * p.issue_efficiency);
  c.bound = c.issue_s > c.memory_s ? Bound::kIssue : Bound::kDram;
  c.time_s = std::max(c.memory_s, c.issue_s) + p.launch_overhead_s;
  return c;
}

EncodeCost encode_cost(const GpuProfile& p, const GridLayout& layout, uint64_t queries,
                       double sample_spacing) {
  return encode_cost(p, layout, queries, SampleLattice{sample_spacing});
}

double mlp_macs_per_query(const trace::MlpModel& mlp) {
  const double in = tcnn_padded_width(mlp.input_width), w = mlp.width,
               out = tcnn_padded_width(mlp.output_width);
  const double hidden = mlp.hidden_layers > 0 ? mlp.hidden_layers - 1 : 0;
  return in * w + hidden * w * w + w * out;
}

double mlp_io_bytes_per_query(const trace::MlpModel& mlp) {
  return 2.0 * (tcnn_padded_width(mlp.input_width) + tcnn_padded_width(mlp.output_width));
}

MlpCost mlp_cost(const GpuProfile& p, const trace::MlpModel& mlp, uint64_t queries) {
  MlpCost c;
  const double q = static_cast<double>(queries);
  c.macs = q * mlp_macs_per_query(mlp);
  c.io_bytes = q * mlp_io_bytes_per_query(mlp);
  const double tensor = p.sm_count * p.tensor_macs_per_clock_per_sm * p.sm_clock_hz;
  c.compute_s = c.macs / (tensor * p.mlp_tensor_efficiency);
  c.stream_s = c.io_bytes / (p.dram_bandwidth * p.stream_dram_efficiency);
  c.bound = c.stream_s > c.compute_s ? Bound::kDram : Bound::kCompute;
  c.time_s = std::max(c.compute_s, c.stream_s) + p.launch_overhead_s;
  return c;
}

RestCost rest_cost(const GpuProfile& p, const std::string& name, uint64_t elements,
                   uint64_t samples) {
  const RestKernelBytes& b = rest_kernel_bytes(p, name);
  RestCost c;
  c.dram_bytes = b.bytes_per_element * double(elements) + b.bytes_per_sample * double(samples);
  c.time_s = c.dram_bytes / (p.dram_bandwidth * p.rest_dram_efficiency) + p.launch_overhead_s;
  return c;
}

SampleLattice trace_sample_lattice(const trace::Trace& t) {
  const auto& params = t.positions.params;
  auto positive = [](const nlohmann::json& v) {
    return v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() > 0;
  };
  if (params.is_object() && params.contains("sample_lattice")) {
    const auto& l = params["sample_lattice"];
    if (l.is_array() && !l.empty() && l.size() <= 3 && std::all_of(l.begin(), l.end(), positive)) {
      SampleLattice out;
      for (const auto& v : l) out.push_back(v.get<double>());
      return out;
    }
  }
  if (params.is_object() && params.contains("sample_spacing") &&
      positive(params["sample_spacing"])) {
    return {params["sample_spacing"].get<double>()};
  }
  return {1.0};
}

void apply_gpu_model(trace::Trace& t, const GpuProfile& p) {
  std::map<std::string, GridLayout> layouts;
  for (const auto& e : t.encodings) {
    try {
      layouts.emplace(e.name, make_grid_layout(grid_params(e)));
    } catch (const std::invalid_argument& ex) {
      throw InputError("encoding '" + e.name + "': " + ex.what());
    }
  }
  const SampleLattice lattice = trace_sample_lattice(t);
  for (auto& f : t.frames) {
    std::map<int64_t, uint64_t> step_samples;
    for (const auto& k : f.kernels) {
      if (k.kind == "encode" && k.step >= 0) step_samples[k.step] += k.queries;
    }
    for (auto& k : f.kernels) {
      if (k.kind == "encode") {
        const auto it = layouts.find(k.model);
        if (it == layouts.end())
          throw InputError("kernel '" + k.name + "': unknown encoding " + k.model);
        k.gpu_time_ns = encode_cost(p, it->second, k.queries, lattice).time_s * 1e9;
      } else if (k.kind == "mlp") {
        const trace::MlpModel* m = t.find_mlp(k.model);
        if (!m) throw InputError("kernel '" + k.name + "': unknown MLP " + k.model);
        k.gpu_time_ns = mlp_cost(p, *m, k.queries).time_s * 1e9;
      } else {
        const uint64_t samples = k.step >= 0 ? step_samples[k.step] : 0;
        const RestCost c = rest_cost(p, k.name, k.queries, samples);
        k.gpu_time_ns = c.time_s * 1e9;
        k.dram_bytes = static_cast<uint64_t>(std::llround(c.dram_bytes));
      }
    }
  }
  t.header.gpu_time_source = "model:" + p.name;
}

FrameTime frame_time(const trace::Frame& f) {
  FrameTime ft;
  for (const auto& k : f.kernels) {
    const double s = k.gpu_time_ns * 1e-9;
    if (k.kind == "encode") {
      ft.encode_s += s;
    } else if (k.kind == "mlp") {
      ft.mlp_s += s;
    } else {
      ft.rest_s += s;
    }
  }
  return ft;
}

}  // namespace ngpc::gpu
