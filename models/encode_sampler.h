// Prepares an encode kernel for the timing simulation: measures its level-unit rates at address
// level on a seeded sample of the queries one NFP would see (sampled mode), or marks it for full
// per-batch simulation, and derives its L2/DRAM split and miss latency.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/encoding_engine.h"
#include "models/level_units.h"
#include "models/machine_config.h"
#include "models/positions.h"
#include "models/workload.h"

namespace ngpc {

// Number of batches and the query range [first, first + count) of batch `i` of `queries`.
uint64_t batch_count(uint64_t queries, uint64_t batch_size);
void batch_range(uint64_t queries, uint64_t batches, uint64_t i, uint64_t* first, uint64_t* count);

// The SRAM state of the one NFP the sampler follows through a frame: its caches carry from one
// encode kernel to the next, as a real NFP's do.
struct SamplerState {
  uint32_t frame = UINT32_MAX;
  uint64_t nfp_seed = 0;
  std::vector<std::unique_ptr<LevelUnits>> units;  // by encoding id
};

EncodePlan plan_encode_kernel(const EncodeKernelWork& work, const Config& cfg, uint32_t frame,
                              const PositionSource* positions, SamplerState& state);

// Deterministic stateless mixing (splitmix64), used for seeded choices.
uint64_t mix64(uint64_t x);

}  // namespace ngpc
