// Inputs of the baseline GPU cost model (docs/gpu-baseline.md), as plain numbers in base units.
// The reference copy with every value's source is configs/gpu/rtx3090.json; the defaults below are
// the same numbers compiled in, so the binary needs no source tree (a unit test keeps the two
// equal). Load another file with load_gpu_profile (`trace gen --gpu-profile FILE`).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace ngpc::gpu {

// DRAM traffic of one "rest" kernel (anything not an encoding or an MLP): per launched element,
// plus per network sample of its step (e.g. a kernel launched per ray that reads every sample).
struct RestKernelBytes {
  double bytes_per_element = 0;
  double bytes_per_sample = 0;
};

struct GpuProfile {
  std::string name = "rtx3090";

  // Hardware (spec §1 and public NVIDIA specifications).
  double dram_bandwidth = 936e9;  // B/s
  double l2_capacity = 6e6;       // B
  uint32_t sm_count = 82;
  double clock_hz = 1.695e9;                  // boost clock
  double tensor_macs_per_clock_per_sm = 512;  // fp16 operands, fp16 accumulation, dense
  double int_ops_per_clock_per_sm = 64;       // INT32 lanes
  double dram_sector_bytes = 32;              // smallest DRAM/L2 transfer
  double launch_overhead_s = 4e-6;            // per kernel launch [est]

  // Encoding kernel (tcnn kernel_grid) [est]: issue slots per query and level / corner.
  double l2_grid_share = 0.75;        // share of L2 the grid tables keep against other traffic
  double ops_per_level = 16;          // pos_fract: scale, floor, fraction, level loop
  double ops_per_corner = 6;          // weight product, address, load issue
  double ops_per_corner_feature = 1;  // one FMA per feature per corner
  double ops_per_dense_index = 4;     // sum(pos_i * stride_i)
  double ops_per_hash = 5;            // 2 IMUL + 2 XOR + move (3-D)
  double ops_per_modulo = 20;         // 32-bit remainder by a runtime divisor (no divide unit)

  // Efficiencies: [est] ones are chosen from reasoning, calibrated ones by calibrate() against the
  // spec §1 GPU baseline facts (docs/gpu-baseline.md).
  double int_issue_efficiency = 0.5;        // [est]
  double stream_dram_efficiency = 0.8;      // [est] coalesced streaming reads/writes
  double encode_dram_efficiency = 0.19226;  // calibrated
  double mlp_tensor_efficiency = 0.032241;  // calibrated
  double rest_dram_efficiency = 0.078026;   // calibrated

  // Rest kernels by instant-ngp name; "default" covers names not listed.
  std::map<std::string, RestKernelBytes> rest_kernels;
};

// The built-in profile: configs/gpu/rtx3090.json compiled in (rest_kernels filled).
const GpuProfile& default_gpu_profile();

// Reads a profile file (format "ngpc-gpu-profile", version 1). Every parameter is required; unknown
// keys, wrong types and bad units throw ngpc::InputError naming the file and the JSON path.
GpuProfile load_gpu_profile(const std::string& path);

// Bytes of one rest kernel; falls back to the "default" entry for names not listed.
const RestKernelBytes& rest_kernel_bytes(const GpuProfile& profile, const std::string& name);

}  // namespace ngpc::gpu
