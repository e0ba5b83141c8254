// Limits of a replay that depend on the trace and the configuration together, checked before the
// simulation starts (docs/input-limits.md).
#pragma once

#include <cstdint>
#include <string>

#include "models/machine_config.h"
#include "sim/replay/workload_builder.h"

namespace ngpc {

// Batches one frame may dispatch. The cluster holds every batch of a step until the step ends and
// copies the first frame's batches for the timeline, about 0.6 KiB of host memory per batch: 2^20
// batches are about 600 MiB. A 4K NeRF frame needs 16 000 batches at the default batch size; a
// frame that needs more (a huge resolution or a kernel of 1e12 queries) asks for a larger
// cluster.batch_size.
inline constexpr uint64_t kMaxBatchesPerFrame = 1u << 20;

// Throws InputError naming `trace_path`, the frame and the step when a frame of `work` needs more
// than kMaxBatchesPerFrame batches of cfg.cluster.batch_size queries.
void check_run_limits(const Workload& work, const Config& cfg, const std::string& trace_path);

}  // namespace ngpc
