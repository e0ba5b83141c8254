// Synthetic kernel traces of the four instant-ngp apps (`ngpc-sim trace gen`): the kernel sequence
// of instant-ngp's multi-kernel renderer (spec §2) with alive-ray counts from a decay model sized
// so a frame's encode queries match the documented queries-per-pixel input, a procedural scene for
// the sample positions, and gpu_time_ns from the GPU cost model. Documented in docs/workloads.md.
#pragma once

#include <cstdint>
#include <string>

#include "sim/gpu_baseline/profile.h"
#include "sim/trace/trace.h"

namespace ngpc::trace {

// tcnn pads every network launch to a multiple of this many elements (batch_size_granularity).
inline constexpr uint64_t kBatchGranularity = 256;

struct GenOptions {
  std::string app;                    // nerf | nsdf | nvr | gia
  std::string encoding = "hashgrid";  // nerf also: densegrid | lowres-densegrid
  uint32_t width = 1920, height = 1080;
  double queries_per_pixel = 0;  // 0: the app's nominal value
  uint32_t frames = 1;
  uint64_t seed = 1;
  std::string command_line;  // recorded in the provenance (optional)
};

// "1080p" (1920x1080), "4k" (3840x2160), "8k" (7680x4320) or "WxH". Throws InputError.
void parse_resolution(const std::string& text, uint32_t* width, uint32_t* height);

// Nominal queries per pixel (sim/workloads/apps.h: NeRF derived from the spec §1 frame facts,
// NSDF 16, NVR 12, GIA 1). Throws for other apps.
double nominal_queries_per_pixel(const std::string& app);

// Encode queries a frame holds: round(pixels * qpp) rounded up to a multiple of
// kBatchGranularity (every launch is a whole number of tcnn batches).
uint64_t frame_query_target(uint32_t width, uint32_t height, double queries_per_pixel);

// Generates the trace and fills gpu_time_ns / dram_bytes with the GPU cost model of `profile`.
// Throws InputError for bad options (unknown app or encoding, qpp outside what the app's ray
// loops can produce at this view).
Trace generate_trace(const GenOptions& options, const gpu::GpuProfile& profile);

}  // namespace ngpc::trace
