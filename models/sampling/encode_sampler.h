// Prepares an encode kernel for the timing simulation: measures its level-unit rates at address
// level on a seeded sample of its batches (sampled mode), or marks it for full per-batch
// simulation, and derives its L2/DRAM split and miss latency.
//
// Sampling follows the dispatcher: batches are numbered through the frame and dealt to the NFPs
// in turn, so NFP x runs global batches x, x + N, x + 2N, ... The sampler shadows one NFP x
// (seeded per frame) whose SRAM state persists through the frame, as a real NFP's does: it
// simulates a seeded subset of x's own batches, each after the tail of x's previous batch when
// that one was skipped. A kernel too small to reach x is evaluated on copies of x's state (any
// NFP's SRAMs hold "its previous batches", as x's do). The spread of cycles per query over the
// sampled batches gives the reported sampling error.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/encoding/encoding_engine.h"
#include "models/encoding/level_units.h"
#include "models/machine_config.h"
#include "models/memory/memory_system.h"
#include "models/mix64.h"
#include "models/positions.h"
#include "models/workload.h"

namespace ngpc {

// Number of batches and the query range [first, first + count) of batch `i` of `queries`.
uint64_t batch_count(uint64_t queries, uint64_t batch_size);
void batch_range(uint64_t queries, uint64_t batches, uint64_t i, uint64_t* first, uint64_t* count);

// Global batch numbering of a frame: item j's batches are item_first[j] .. + item_batches[j] - 1.
struct FrameBatches {
  std::vector<uint64_t> item_first, item_batches;
  FrameBatches(const FrameWork& fw, uint64_t batch_size);
};

// One encode kernel of the current frame, as the sampler prepared it.
struct EncodePlan {
  bool full_detail = false;  // every batch is simulated at address level on its NFP
  // Sampled mode: per-level counts of the batches the sampler simulated (whole batches, or the
  // sub-ranges of a sampled window scaled by the batch's queries), and which of them each of the
  // kernel's batches takes: its own when exact, else the batch at its place in the nearest
  // sampled window.
  std::vector<std::vector<LevelCounters>> samples;
  std::vector<uint32_t> sample_of_batch;
  std::vector<LevelCounters> sample;  // summed over `samples`
  uint64_t sampled_queries = 0;
  bool exact = false;         // every batch of the kernel was simulated whole
  double rel_err_cycles = 0;  // 95 % half-width / mean of the kernel's encode cycles
  double cycles = 0;          // estimated encode cycles of the kernel (all batches, all NFPs)
  const std::vector<LevelCounters>& counts_for(uint64_t i) const;
};

// The sampler's model of every NFP's level units (one set per encoding, reset at each frame),
// which it runs through the kernels' sampled time windows: NFP g mod N runs the frame's g-th
// batch, as the dispatcher deals them, so each NFP's SRAM state persists through the frame.
struct SamplerNfp {
  std::vector<std::unique_ptr<LevelUnits>> units;  // by encoding id
  std::vector<uint64_t> last_batch;  // last global batch it simulated queries of, by encoding
  std::vector<uint64_t> last_end;    // and the end of the range it simulated in that batch
};
struct SamplerState {
  uint32_t frame = UINT32_MAX;
  std::vector<SamplerNfp> nfps;
};

// `full`: simulate this kernel's every batch on its NFP (detail mode "full", or a frame too small
// for sampling to save anything, see sampling_saves_work).
// `mem` says how the grid's misses are served (their latency enters the sampled cycles).
EncodePlan plan_encode_kernel(const FrameWork& fw, uint32_t item, uint32_t k,
                              const FrameBatches& batches, const Config& cfg,
                              const PositionSource* positions, MemoryIf& mem,
                              SamplerState& state, bool full);

// Sampling a frame costs, per encode kernel, sample_windows windows of one sub-range of
// sample_queries queries plus warm-up per batch (or the whole kernel when that is cheaper); when
// simulating every query costs no more, sampled mode simulates the frame in full.
bool sampling_saves_work(const FrameWork& fw, const FrameBatches& batches, const Config& cfg);

// Positions of queries [first, first + n) of a kernel: from the trace's scene, or uniform in the
// unit cube when the trace has none.
void sample_positions(const PositionSource* source, uint32_t frame, uint32_t kernel, uint64_t first,
                      uint32_t n, uint32_t dims, float* out);

}  // namespace ngpc
