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

EncodeCost encode_cost(const GpuProfile& p, const GridLayout& layout, uint64_t queries,
                       double sample_spacing) {
  EncodeCost c;
  const double sector = p.dram_sector_bytes;
  const double eb = layout.entry_bytes;
  const uint32_t dims = layout.params.dims;
  const double pairs = layout.corners / 2.0;
  std::vector<double> sectors, fresh;
  double ops = 0;
  for (const GridLevel& lv : layout.levels) {
    const double requested = pairs * sectors_per_corner_pair(eb, sector);
    const double new_fraction = std::min(1.0, lv.resolution * sample_spacing);
    fresh.push_back(requested * new_fraction);
    sectors.push_back(std::max(1.0, std::ceil(lv.entries * eb / sector)));
    const double index_ops = lv.hashed ? p.ops_per_hash : p.ops_per_dense_index;
    ops += p.ops_per_level +
           layout.corners * (p.ops_per_corner + layout.params.features * p.ops_per_corner_feature +
                             index_ops + p.ops_per_modulo);
  }
  c.l2_hit = che_hit_rates(sectors, fresh, p.l2_capacity * p.l2_grid_share / sector);
  double grid = 0;
  for (size_t l = 0; l < fresh.size(); ++l) grid += fresh[l] * (1 - c.l2_hit[l]) * sector;
  const double q = static_cast<double>(queries);
  c.grid_dram_bytes = grid * q;
  c.io_bytes = q * (4.0 * dims + double(layout.levels.size()) * layout.entry_bytes);
  c.ops = ops * q;
  const double issue = p.sm_count * p.int_ops_per_clock_per_sm * p.clock_hz;
  c.time_s = c.grid_dram_bytes / (p.dram_bandwidth * p.encode_dram_efficiency) +
             c.io_bytes / (p.dram_bandwidth * p.stream_dram_efficiency) +
             c.ops / (issue * p.int_issue_efficiency) + p.launch_overhead_s;
  return c;
}

double mlp_macs_per_query(const trace::MlpModel& mlp) {
  const double in = tcnn_padded_width(mlp.input_width), w = mlp.width,
               out = tcnn_padded_width(mlp.output_width);
  const double hidden = mlp.hidden_layers > 0 ? mlp.hidden_layers - 1 : 0;
  return in * w + hidden * w * w + w * out;
}

MlpCost mlp_cost(const GpuProfile& p, const trace::MlpModel& mlp, uint64_t queries) {
  MlpCost c;
  const double q = static_cast<double>(queries);
  c.macs = q * mlp_macs_per_query(mlp);
  c.io_bytes = q * 2.0 * (tcnn_padded_width(mlp.input_width) + tcnn_padded_width(mlp.output_width));
  const double tensor = p.sm_count * p.tensor_macs_per_clock_per_sm * p.clock_hz;
  c.time_s = std::max(c.macs / (tensor * p.mlp_tensor_efficiency),
                      c.io_bytes / (p.dram_bandwidth * p.stream_dram_efficiency)) +
             p.launch_overhead_s;
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

double trace_sample_spacing(const trace::Trace& t) {
  const auto& params = t.positions.params;
  if (params.is_object() && params.contains("sample_spacing") &&
      params["sample_spacing"].is_number()) {
    const double s = params["sample_spacing"].get<double>();
    if (std::isfinite(s) && s > 0) return s;
  }
  return 1.0;
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
  const double spacing = trace_sample_spacing(t);
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
        k.gpu_time_ns = encode_cost(p, it->second, k.queries, spacing).time_s * 1e9;
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
