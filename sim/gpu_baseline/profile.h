// Inputs of the baseline GPU cost model (docs/gpu-baseline.md), as plain numbers in base units.
// Two named profiles describe the same RTX 3090 under different measurement conditions:
//  - rtx3090: as the paper measured it, with Nsight Compute (clocks locked to base, L2 flushed
//    before every kernel); the default, since every speed-up is relative to the paper's baseline;
//  - rtx3090-unprofiled: the same GPU running freely at its boost clock with a warm L2, the
//    conditions of tiny-cuda-nn's own benchmarks (the MLP calibration runs there).
// The reference copies with every value's source are configs/gpu/<name>.json; the built-in copies
// below are the same numbers compiled in, so the binary needs no source tree (a unit test keeps
// them equal). Load another file with load_gpu_profile (`--gpu-profile FILE`).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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
  double tensor_macs_per_clock_per_sm = 512;  // fp16 operands, fp16 accumulation, dense
  double issue_slots_per_clock_per_sm = 128;  // 4 warp schedulers x 32 threads
  double dram_sector_bytes = 32;              // smallest DRAM/L2 transfer

  // Measurement conditions: named properties of the profile, not folded into efficiencies.
  double sm_clock_hz = 1.395e9;     // the clock kernels run at (Nsight Compute: locked to base)
  bool l2_flush_per_kernel = true;  // every kernel starts with a cold L2 (Nsight Compute)

  // Per launch (calibrated on the tcnn MLP benchmark, docs/gpu-baseline.md).
  double launch_overhead_s = 3.8438e-6;

  // Encoding kernel (tcnn kernel_grid) [est]: issue slots per query and level / corner.
  double l2_grid_share = 0.75;        // share of L2 the grid tables keep against other traffic
  double ops_per_level = 30;          // pos_fract, level scale, offsets, divisor setup, store
  double ops_per_corner = 8;          // weight product, corner position, address, load
  double ops_per_corner_feature = 1;  // one FMA per feature per corner (interpolation)
  double ops_per_dense_index = 4;     // sum(pos_i * stride_i) and the overflow guard
  double ops_per_hash = 3;            // 2 IMUL + one 3-input XOR
  double ops_per_modulo = 6;          // index % entries with the reciprocal hoisted per level

  // Efficiencies: [est] ones chosen from reasoning, calibrated ones by gpu::calibrate()
  // (docs/gpu-baseline.md).
  double issue_efficiency = 0.5;           // [est]
  double stream_dram_efficiency = 0.8;     // [est] coalesced streaming reads/writes
  double encode_dram_efficiency = 0.52;    // calibrated
  double mlp_tensor_efficiency = 0.38669;  // calibrated
  double rest_dram_efficiency = 0.8;       // [est]

  // Rest kernels by instant-ngp name; "default" covers names not listed.
  std::map<std::string, RestKernelBytes> rest_kernels;
};

// The built-in profiles, configs/gpu/<name>.json compiled in (rest_kernels filled).
const GpuProfile& default_gpu_profile();     // "rtx3090"
const GpuProfile& unprofiled_gpu_profile();  // "rtx3090-unprofiled"
// Names of the built-in profiles.
std::vector<std::string> builtin_gpu_profile_names();

// Reads a profile file (format "ngpc-gpu-profile", version 1). Every parameter is required; unknown
// keys, wrong types and bad units throw ngpc::InputError naming the file and the JSON path.
GpuProfile load_gpu_profile(const std::string& path);

// A built-in profile by name ("rtx3090", "rtx3090-unprofiled") or, for anything else, the file
// at that path (load_gpu_profile).
GpuProfile gpu_profile_from_arg(const std::string& name_or_path);

// Bytes of one rest kernel; falls back to the "default" entry for names not listed.
const RestKernelBytes& rest_kernel_bytes(const GpuProfile& profile, const std::string& name);

}  // namespace ngpc::gpu
