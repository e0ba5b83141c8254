#include "sim/gpu_baseline/calibration.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "models/encoding/grid_math.h"
#include "sim/gpu_baseline/cost_model.h"
#include "sim/workloads/apps.h"
#include "sim/workloads/generator.h"

namespace ngpc::gpu {
namespace {

trace::Trace nominal_trace(const std::string& app, const std::string& res,
                           const std::string& encoding, const GpuProfile& p, double qpp = 0) {
  trace::GenOptions o;
  o.app = app;
  o.queries_per_pixel = qpp;
  o.encoding = encoding;
  o.seed = 1;
  trace::parse_resolution(res, &o.width, &o.height);
  return trace::generate_trace(o, p);
}

double share(const FrameTime& t) {
  return (t.encode_s + t.mlp_s) / t.total_s();
}

double tensor_rate(const GpuProfile& p) {
  return p.sm_count * p.tensor_macs_per_clock_per_sm * p.sm_clock_hz;
}

// Encode time of a frame as a function of the encoding DRAM efficiency (everything else fixed).
double frame_encode_s(const trace::Trace& t, GpuProfile p, double efficiency) {
  p.encode_dram_efficiency = efficiency;
  std::map<std::string, GridLayout> layouts;
  for (const auto& e : t.encodings) layouts.emplace(e.name, make_grid_layout(grid_params(e)));
  const SampleLattice lattice = trace_sample_lattice(t);
  double s = 0;
  for (const auto& k : t.frames.front().kernels) {
    if (k.kind == "encode") s += encode_cost(p, layouts.at(k.model), k.queries, lattice).time_s;
  }
  return s;
}

}  // namespace

MlpBenchmark tcnn_mlp_benchmark() {
  MlpBenchmark b;
  for (int k = 14; k <= 21; ++k) b.batch.push_back(double(1u << k));
  b.queries_per_s = {0.53e9, 0.73e9, 0.85e9, 0.95e9, 1.01e9, 1.04e9, 1.05e9, 1.08e9};
  b.network.name = "oneblob_benchmark";
  b.network.input_width = 128;
  b.network.width = 64;
  b.network.hidden_layers = 5;
  b.network.output_width = 3;
  b.network.hidden_activation = "relu";
  b.network.output_activation = "none";
  return b;
}

double mlp_benchmark_iteration_s(const GpuProfile& p, const MlpBenchmark& b, double batch) {
  const MlpCost m = mlp_cost(p, b.network, static_cast<uint64_t>(batch));
  return m.time_s + b.other_launches * p.launch_overhead_s +
         batch * b.other_bytes_per_query / (p.dram_bandwidth * p.stream_dram_efficiency);
}

MlpCalibration calibrate_mlp(const GpuProfile& bench, const MlpBenchmark& b) {
  if (b.batch.size() != b.queries_per_s.size() || b.batch.size() < 2) {
    throw std::invalid_argument("MLP benchmark: need at least two (batch, queries/s) points");
  }
  // t_i = L * t_launch + N_i * (c_other + M / (P * eta)): linear in x = (t_launch, 1 / eta).
  // Minimise sum ((model_i - t_i) / t_i)^2: 2 x 2 normal equations.
  const double launches = 1.0 + b.other_launches;
  const double c_other =
      b.other_bytes_per_query / (bench.dram_bandwidth * bench.stream_dram_efficiency);
  const double c_mlp = mlp_macs_per_query(b.network) / tensor_rate(bench);
  double s11 = 0, s12 = 0, s22 = 0, r1 = 0, r2 = 0;
  for (size_t i = 0; i < b.batch.size(); ++i) {
    const double n = b.batch[i], t = n / b.queries_per_s[i];
    const double a1 = launches / t, a2 = n * c_mlp / t, y = 1 - n * c_other / t;
    s11 += a1 * a1;
    s12 += a1 * a2;
    s22 += a2 * a2;
    r1 += a1 * y;
    r2 += a2 * y;
  }
  const double det = s11 * s22 - s12 * s12;
  MlpCalibration c;
  c.launch_overhead_s = (r1 * s22 - r2 * s12) / det;
  c.mlp_tensor_efficiency = det / (s11 * r2 - s12 * r1);
  GpuProfile p = bench;
  p.launch_overhead_s = c.launch_overhead_s;
  p.mlp_tensor_efficiency = c.mlp_tensor_efficiency;
  double sq = 0;
  for (size_t i = 0; i < b.batch.size(); ++i) {
    const double model = b.batch[i] / mlp_benchmark_iteration_s(p, b, b.batch[i]);
    c.model_queries_per_s.push_back(model);
    const double r = model / b.queries_per_s[i] - 1;
    c.max_abs_residual = std::max(c.max_abs_residual, std::abs(r));
    sq += r * r;
    const MlpCost m = mlp_cost(p, b.network, static_cast<uint64_t>(b.batch[i]));
    c.compute_bound = c.compute_bound && m.bound == Bound::kCompute;
  }
  c.rms_residual = std::sqrt(sq / double(b.batch.size()));
  return c;
}

GpuProfile Calibration::apply(const GpuProfile& base) const {
  GpuProfile p = base;
  p.mlp_tensor_efficiency = mlp.mlp_tensor_efficiency;
  p.launch_overhead_s = mlp.launch_overhead_s;
  p.encode_dram_efficiency = encode_dram_efficiency;
  p.rest_dram_efficiency = rest_dram_efficiency;
  return p;
}

double app_frame_s(const std::string& app, const std::string& res, const std::string& encoding,
                   const GpuProfile& p, double qpp) {
  return frame_time(nominal_trace(app, res, encoding, p, qpp).frames.front()).total_s();
}

Calibration calibrate(const GpuProfile& paper, const GpuProfile& bench, const BaselineFacts& facts,
                      const MlpBenchmark& mlp_bench, QppFrom qpp_from) {
  Calibration c;
  c.qpp_from = qpp_from;
  c.mlp = calibrate_mlp(bench, mlp_bench);
  GpuProfile p = paper;
  p.mlp_tensor_efficiency = c.mlp.mlp_tensor_efficiency;
  p.launch_overhead_s = c.mlp.launch_overhead_s;
  const double total = facts.nerf_1080p_frame_s;
  auto frame = [&](double qpp) {
    return frame_time(nominal_trace("nerf", "1080p", "hashgrid", p, qpp).frames.front());
  };

  // NeRF's queries per pixel: MLP and rest time are nearly proportional to the queries (launch
  // overheads aside), so a few secant steps on the generated frame converge.
  auto solve_qpp = [&](auto time_of, double target) {
    double q0 = 8, f0 = time_of(frame(q0)) - target;
    double q1 = q0 * target / (f0 + target), f1 = time_of(frame(q1)) - target;
    for (int it = 0; it < 30 && std::abs(f1) > 1e-9 * target && f1 != f0; ++it) {
      const double q2 = std::max(0.5, q1 - f1 * (q1 - q0) / (f1 - f0));
      q0 = q1;
      f0 = f1;
      q1 = q2;
      f1 = time_of(frame(q1)) - target;
    }
    return q1;
  };
  double enc_target = 0;
  if (qpp_from == QppFrom::kMlpShare) {
    c.nerf_queries_per_pixel =
        solve_qpp([](const FrameTime& f) { return f.mlp_s; }, facts.mlp_share * total);
    enc_target = facts.encode_share * total;
  } else {
    c.nerf_queries_per_pixel =
        solve_qpp([](const FrameTime& f) { return f.rest_s; }, (1 - facts.share_hashgrid) * total);
    enc_target =
        total - frame(c.nerf_queries_per_pixel).rest_s - frame(c.nerf_queries_per_pixel).mlp_s;
  }
  const trace::Trace t = nominal_trace("nerf", "1080p", "hashgrid", p, c.nerf_queries_per_pixel);

  // Encoding DRAM efficiency from the encode time: it falls monotonically with the efficiency;
  // bisection on the model itself (encode kernels are max(memory, issue)). When even an
  // efficiency of 1 is too slow, report what the memory side alone would need (> 1).
  auto bisect = [&](double lo, double hi) {
    for (int it = 0; it < 100; ++it) {
      const double mid = 0.5 * (lo + hi);
      (frame_encode_s(t, p, mid) > enc_target ? lo : hi) = mid;
    }
    return hi;
  };
  if (frame_encode_s(t, p, 1.0) > enc_target) {
    double hi = 2;
    while (frame_encode_s(t, p, hi) > enc_target && hi < 1e3) hi *= 2;
    c.encode_dram_efficiency = bisect(1, hi);
  } else {
    c.encode_dram_efficiency = bisect(1e-6, 1);
  }
  p.encode_dram_efficiency = c.encode_dram_efficiency;
  {
    std::map<std::string, GridLayout> layouts;
    for (const auto& e : t.encodings) layouts.emplace(e.name, make_grid_layout(grid_params(e)));
    const SampleLattice lattice = trace_sample_lattice(t);
    for (const auto& k : t.frames.front().kernels) {
      if (k.kind != "encode") continue;
      const EncodeCost e = encode_cost(p, layouts.at(k.model), k.queries, lattice);
      c.encode_memory_bound = c.encode_memory_bound && e.bound == Bound::kDram;
    }
  }

  if (qpp_from == QppFrom::kRestShare) {
    c.rest_dram_efficiency = p.rest_dram_efficiency;  // kept: the profile's estimate
    return c;
  }
  // Rest efficiency from the rest share: rest kernels are bytes / (B eta) + launch, closed form.
  double rest_work = 0, rest_fixed = 0;
  std::map<int64_t, uint64_t> step_samples;
  for (const auto& k : t.frames.front().kernels) {
    if (k.kind == "encode" && k.step >= 0) step_samples[k.step] += k.queries;
  }
  for (const auto& k : t.frames.front().kernels) {
    if (k.kind != "gpu") continue;
    const RestCost r = rest_cost(p, k.name, k.queries, k.step >= 0 ? step_samples[k.step] : 0);
    rest_work += r.dram_bytes / p.dram_bandwidth;
    rest_fixed += p.launch_overhead_s;
  }
  const double rest_target = (1 - facts.encode_share - facts.mlp_share) * total;
  if (rest_target <= rest_fixed) {
    throw std::runtime_error(
        "GPU calibration: the rest kernels' launch overheads alone exceed the rest share of the "
        "frame");
  }
  c.rest_dram_efficiency = rest_work / (rest_target - rest_fixed);
  return c;
}

std::map<std::string, double> gaps_4k(const GpuProfile& p, bool scale_from_1080p, double nerf_qpp) {
  std::map<std::string, double> gaps;
  for (const std::string& app : trace::app_names()) {
    const double qpp = app == "nerf" ? nerf_qpp : 0;
    gaps[app] = scale_from_1080p ? app_frame_s(app, "1080p", "hashgrid", p, qpp) * 4 * 60
                                 : app_frame_s(app, "4k", "hashgrid", p, qpp) * 60;
  }
  return gaps;
}

std::vector<FactCheck> check_facts(const GpuProfile& p, const GpuProfile& bench,
                                   const BaselineFacts& facts, const EncodingMeasurements& enc,
                                   const MlpBenchmark& mlp_bench, double nerf_qpp,
                                   QppFrom qpp_from) {
  std::vector<FactCheck> out;
  auto add = [&](const std::string& id, const std::string& fact, const std::string& role,
                 double spec, double model, bool points) {
    FactCheck c{id, fact, role, spec, model, 0, points ? "pt" : "rel"};
    c.residual = points ? (model - spec) * 100 : model / spec - 1;
    if (points) {
      c.spec *= 100;
      c.model *= 100;
    }
    out.push_back(c);
  };
  // Kernel measurements: the MLP benchmark under the benchmark's conditions.
  GpuProfile b = bench;
  b.mlp_tensor_efficiency = p.mlp_tensor_efficiency;
  b.launch_overhead_s = p.launch_overhead_s;
  for (size_t i = 0; i < mlp_bench.batch.size(); ++i) {
    const double n = mlp_bench.batch[i];
    const std::string k = std::to_string(static_cast<int>(std::lround(std::log2(n))));
    add("mlp_bench_2e" + k, "tcnn fully fused MLP inference, batch 2^" + k + " [1e9 queries/s]",
        "calibration", mlp_bench.queries_per_s[i] * 1e-9,
        n / mlp_benchmark_iteration_s(b, mlp_bench, n) * 1e-9, false);
  }
  // NRC: one 3-D launch on the NeRF grid, queries on surfaces one pixel apart.
  {
    const GridLayout grid =
        make_grid_layout(grid_params(trace::app_models("nerf").encodings.front()));
    const double fp = enc.nrc_pixel_footprint;
    add("nrc_encode_ms", "NRC hash encoding, 1920x1080, 1 query per pixel [ms]", "validation",
        enc.nrc_encode_s * 1e3, encode_cost(b, grid, enc.nrc_queries, {fp, fp}).time_s * 1e3,
        false);
    // Training-step grid: 2-D, T = 2^15, scale 1.5 (L2-resident); its forward encode is a part
    // of the step, so the model must stay well below the step's time.
    trace::EncodingModel m = trace::app_models("gia").encodings.front();
    m.log2_table_size = 15;
    m.per_level_scale = 1.5;
    // Training samples are uniform random coordinates: no reuse between queries.
    add("training_step_encode_ms",
        "hash-grid training step, batch 2^16 [ms] (model: its forward encode)", "bound",
        enc.training_step_s * 1e3,
        encode_cost(b, make_grid_layout(grid_params(m)), enc.training_batch, 1.0).time_s * 1e3,
        false);
  }
  // The NeRF frame.
  const trace::Trace hash = nominal_trace("nerf", "1080p", "hashgrid", p, nerf_qpp);
  const FrameTime h = frame_time(hash.frames.front());
  add("nerf_1080p_frame_ms", "NeRF 1080p frame [ms]", "calibration", facts.nerf_1080p_frame_s * 1e3,
      h.total_s() * 1e3, false);
  const char* split_role = qpp_from == QppFrom::kMlpShare ? "calibration" : "validation";
  add("nerf_encode_share", "NeRF hashgrid encoding share [%]", split_role, facts.encode_share,
      h.encode_s / h.total_s(), true);
  add("nerf_mlp_share", "NeRF hashgrid MLP share [%]", split_role, facts.mlp_share,
      h.mlp_s / h.total_s(), true);
  {
    // Spec §1: encoding kernels are memory-bound. The smallest memory / issue time ratio of the
    // frame's encode kernels; above 1 every one is memory-bound.
    std::map<std::string, GridLayout> layouts;
    for (const auto& e : hash.encodings) layouts.emplace(e.name, make_grid_layout(grid_params(e)));
    const SampleLattice lattice = trace_sample_lattice(hash);
    double ratio = 1e300;
    for (const auto& k : hash.frames.front().kernels) {
      if (k.kind != "encode") continue;
      const EncodeCost e = encode_cost(p, layouts.at(k.model), k.queries, lattice);
      ratio = std::min(ratio, e.memory_s / e.issue_s);
    }
    add("nerf_encode_memory_bound",
        "NeRF hashgrid encode kernels memory-bound [memory / issue time]", "validation", 1.0, ratio,
        false);
  }
  add("share_hashgrid", "NeRF encoding+MLP share, hashgrid [%]", "calibration",
      facts.share_hashgrid, share(h), true);
  const FrameTime d =
      frame_time(nominal_trace("nerf", "1080p", "densegrid", p, nerf_qpp).frames.front());
  add("share_densegrid", "NeRF encoding+MLP share, densegrid [%]", "validation",
      facts.share_densegrid, share(d), true);
  const FrameTime l =
      frame_time(nominal_trace("nerf", "1080p", "lowres-densegrid", p, nerf_qpp).frames.front());
  add("share_lowres_densegrid", "NeRF encoding+MLP share, lowres-densegrid [%]", "validation",
      facts.share_lowres_densegrid, share(l), true);
  // The paper's gap assumes time scales with pixels (spec §1: 231 ms at 1080p ~ 55.5x).
  std::map<std::string, double> gaps = gaps_4k(p, true, nerf_qpp);
  add("gap_4k_nerf", "NeRF 4K@60 shortfall [x], 1080p time x 4", "validation", facts.gap_max,
      gaps["nerf"], false);
  double lo = 1e300, hi = 0;
  for (const auto& g : gaps) {
    lo = std::min(lo, g.second);
    hi = std::max(hi, g.second);
  }
  add("gap_4k_max", "largest 4K@60 shortfall across apps [x], 1080p x 4", "validation",
      facts.gap_max, hi, false);
  add("gap_4k_min", "smallest 4K@60 shortfall across apps [x], 1080p x 4", "validation",
      facts.gap_min, lo, false);
  add("gia_1080p_frame_ms", "GIA frame [ms] (fact's resolution unknown; model at 1080p)",
      "validation", facts.gia_frame_s * 1e3, gaps["gia"] / 240 * 1e3, false);
  return out;
}

}  // namespace ngpc::gpu
