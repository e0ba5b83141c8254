// Limits of a replay that depend on the trace and the configuration together, checked before the
// simulation starts (docs/input-limits.md).
#pragma once

#include <cstdint>
#include <string>

#include "models/machine_config.h"
#include "sim/replay/workload_builder.h"

namespace ngpc {

// Batches one frame may dispatch. Each is a transaction through the NFP, memory and GPU models
// (5-11 us of host time); a 4K NeRF frame at 76.4 queries per pixel dispatches about 155 000
// at the default batch size. A frame that needs more (a huge resolution or a kernel of 1e12
// queries) asks for a larger cluster.batch_size.
inline constexpr uint64_t kMaxBatchesPerFrame = 1u << 20;

// Host memory the address-level model may need, estimated before anything runs: the grid SRAM tags
// (two 8-byte words per way, allocated whole when an engine first simulates an address) of every
// level whose table does not fit its SRAM, for each grid of the trace, in every engine that may
// simulate addresses (each NFP in full detail or when sampling falls back to it, the sampler's
// shadow NFP and its copy), plus one batch of positions (12 B per query) per NFP.
inline constexpr uint64_t kMaxAddressModelBytes = 4ull << 30;
double address_model_bytes(const Workload& work, const Config& cfg);

// Throws InputError naming `trace_path` when a frame of `work` needs more than
// kMaxBatchesPerFrame batches of cfg.cluster.batch_size queries (naming the frame and step), or
// when address_model_bytes exceeds kMaxAddressModelBytes (naming the configuration parameters).
void check_run_limits(const Workload& work, const Config& cfg, const std::string& trace_path);

}  // namespace ngpc
