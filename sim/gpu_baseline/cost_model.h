// Analytical cost model of the baseline GPU (RTX 3090) running instant-ngp's multi-kernel
// renderer: the source of gpu_time_ns (and dram_bytes of rest kernels) in generated traces when no
// measured profile exists, and of `ngpc-sim gpu cost`. Equations, calibration and assumptions:
// docs/gpu-baseline.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/encoding/grid_math.h"
#include "sim/gpu_baseline/profile.h"
#include "sim/trace/model_grid.h"
#include "sim/trace/trace.h"

namespace ngpc::gpu {

// What limits a launch: tensor-core compute (MLP), DRAM traffic, or instruction issue (encoding).
enum class Bound { kCompute, kDram, kIssue };
const char* bound_name(Bound b);  // "compute", "DRAM", "issue"

// The spacings (unit-cube/square distances) of the lattice the queries of a launch sample: one
// value per direction in which consecutive or neighbouring queries lie close together, e.g.
// {along-ray step, pixel footprint, pixel footprint} for ray marching, {pixel, pixel} for an image.
// A query fetches new sectors at level l with probability prod_i min(1, resolution_l * spacing_i).
using SampleLattice = std::vector<double>;

// One grid-encoding launch (tcnn kernel_grid).
struct EncodeCost {
  double grid_dram_bytes = 0;   // table sectors L2 could not serve (warm L2)
  double flush_dram_bytes = 0;  // compulsory misses of a cold L2 (profile l2_flush_per_kernel)
  double io_bytes = 0;          // positions in, encoded features out (streamed)
  double ops = 0;               // issue slots (index, hash, modulo, weights, FMAs)
  std::vector<double> l2_hit;   // per level, Che's approximation (for reports and tests)
  double memory_s = 0;          // DRAM side: table gathers + streamed I/O
  double issue_s = 0;           // instruction side
  double time_s = 0;            // max(memory_s, issue_s) + launch overhead
  Bound bound = Bound::kDram;
};

// One fully fused MLP launch (tcnn kernel_mlp_fused).
struct MlpCost {
  double macs = 0;      // padded widths, as the tensor cores run them
  double io_bytes = 0;  // fp16 input and output rows
  double compute_s = 0;
  double stream_s = 0;
  double time_s = 0;  // max(compute_s, stream_s) + launch overhead
  Bound bound = Bound::kCompute;
};

// One rest kernel (DRAM-bound streaming).
struct RestCost {
  double dram_bytes = 0;
  double time_s = 0;
};

EncodeCost encode_cost(const GpuProfile& p, const GridLayout& layout, uint64_t queries,
                       const SampleLattice& lattice);
// A one-dimensional lattice: consecutive queries `sample_spacing` apart.
EncodeCost encode_cost(const GpuProfile& p, const GridLayout& layout, uint64_t queries,
                       double sample_spacing);
MlpCost mlp_cost(const GpuProfile& p, const trace::MlpModel& mlp, uint64_t queries);
// `samples`: encode queries of the kernel's step (0 for standalone kernels).
RestCost rest_cost(const GpuProfile& p, const std::string& name, uint64_t elements,
                   uint64_t samples);

using trace::grid_params;  // sim/trace/model_grid.h

// Padded MACs per query of a fully fused MLP (input and output padded to 16).
double mlp_macs_per_query(const trace::MlpModel& mlp);
// Streamed fp16 bytes per query of a fully fused MLP launch (padded input and output rows).
double mlp_io_bytes_per_query(const trace::MlpModel& mlp);

// Sample lattice of a trace: positions.params["sample_lattice"] (1 to 3 spacings > 0) if present,
// else {positions.params["sample_spacing"]} if present and > 0, else {1} (no reuse between
// queries, the conservative choice for traces without positions).
SampleLattice trace_sample_lattice(const trace::Trace& t);

// Fills gpu_time_ns of every kernel and dram_bytes of every gpu kernel, and sets the header's
// gpu_time_source to "model:<profile name>".
void apply_gpu_model(trace::Trace& t, const GpuProfile& p);

// Per-frame baseline time by kernel kind, from the trace's gpu_time_ns.
struct FrameTime {
  double encode_s = 0, mlp_s = 0, rest_s = 0;
  double total_s() const { return encode_s + mlp_s + rest_s; }
};
FrameTime frame_time(const trace::Frame& f);

}  // namespace ngpc::gpu
