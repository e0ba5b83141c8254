// A batch transaction: one slice of a work item's queries, carried through an NFP (encode ->
// FIFO -> MLP) and then to the GPU's SMs for the item's remaining kernels. It carries everything
// its consumers need: its frame, its share of each kernel, and in sampled mode the address-level
// counts it takes, so no engine reads another module's state.
#pragma once

#include <cstdint>
#include <vector>

#include "models/encoding/level_counters.h"
#include "models/workload.h"

namespace ngpc {

// One encode kernel's share of a batch.
struct EncodeTask {
  const EncodeKernelWork* kernel = nullptr;
  uint64_t first = 0, queries = 0;  // the batch's query range of the kernel
  // Full detail: the NFP simulates these queries at address level on its own SRAMs. Sampled: the
  // batch takes `sample`, the per-level counts of the sampled batch of its stratum, scaled to
  // its queries. They live in the frame's sampling plan, which outlasts every batch of the frame
  // (a pointer, not a copy: a 4K frame deals over 10^5 batches).
  bool address_level = false;
  const std::vector<LevelCounters>* sample = nullptr;
};

// One MLP kernel's share of a batch.
struct MlpTask {
  const MlpKernelWork* kernel = nullptr;
  uint64_t queries = 0;
};

// When the batch passed each stage (seconds), for the timeline.
struct BatchTimes {
  double dispatch = 0, encode_start = 0, encode_end = 0, mlp_start = 0, mlp_end = 0, gpu_start = 0,
         gpu_end = 0;
};

struct Batch {
  uint32_t frame = 0;               // a batch of a new frame resets the engines' per-frame state
  uint32_t item = 0;                // work item in the frame
  uint32_t index = 0;               // batch within the item
  uint32_t nfp = 0;                 // NFP the dispatcher chose
  std::vector<EncodeTask> encodes;  // in the item's order
  std::vector<MlpTask> mlps;        // in execution order
  double gpu_time_s = 0;            // the GPU's share of the item's remaining kernels
  double gpu_dram_bytes = 0;
  BatchTimes t;
};

}  // namespace ngpc
