// Address-level sampling of a frame's encode work (methodology, not hardware; docs/sampling.md).
//
// The dispatcher deals a step's batches to the N NFPs in turn, so the frame's encode work is a
// sequence of time windows: N consecutive batches that the N NFPs run side by side. Sampled mode
// simulates a per-frame budget of windows at address level, with every NFP's SRAM state (kept
// through the frame, NFP g mod N running the frame's batch g) and the memory system's L2
// stand-in shared by all of them, so the NFPs' common misses meet in L2 as they do in the real
// one. Windows are a systematic sample proportional to queries across all kernels of a grid; in
// each sampled window every batch is simulated over a contiguous range of its queries (at the
// window's seeded offset plus a golden-ratio step per batch, since the NFPs are not in lockstep,
// wrapping to the batch's start where it runs past its end),
// after a warm-up of the queries its NFP ran before that and the sampler skipped. Every
// batch of the frame then carries the per-query counts of the batch at its place in its stratum's
// sampled window. The spread of the sampled windows' cycles per query gives the reported 95 %
// interval (Student's t). When sampling would save nothing the frame is simulated in full.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/encoding/encoding_engine.h"
#include "models/encoding/level_units.h"
#include "models/machine_config.h"
#include "models/memory/memory_system.h"
#include "models/positions.h"
#include "models/workload.h"

namespace ngpc {

// Number of batches and the query range [first, first + count) of batch `i` of `queries`.
uint64_t batch_count(uint64_t queries, uint64_t batch_size);
void batch_range(uint64_t queries, uint64_t batches, uint64_t i, uint64_t* first, uint64_t* count);

// Where a sampled batch's counted range of `len` of its `count` queries sits, at `phase` in
// [0, 1): [begin, begin + len) when that fits in the batch; otherwise it wraps, and the NFP runs
// the `head` queries [0, head) first, then [begin, count). Wrapping covers every query of a
// batch equally often over evenly spread phases; a range kept inside the batch would sample both
// of its ends less than its middle, and the batch's first queries (its NFP's SRAMs still hold
// its previous batch's region) are its coldest (docs/sampling.md, "Phases").
struct CountedRange {
  uint64_t begin = 0, head = 0;
};
CountedRange counted_range(double phase, uint64_t count, uint64_t len);

// Global batch numbering of a frame: item j's batches are item_first[j] .. + item_batches[j] - 1.
struct FrameBatches {
  std::vector<uint64_t> item_first, item_batches;
  FrameBatches(const FrameWork& fw, uint64_t batch_size);
};

// One encode kernel of the current frame, as the sampler prepared it.
struct EncodePlan {
  bool full_detail = false;  // every batch is simulated at address level on its NFP
  // Sampled mode: per-level counts of the batches the sampler simulated, and which of them each of
  // the kernel's batches takes (its own when its window was simulated whole).
  std::vector<std::vector<LevelCounters>> samples;
  std::vector<uint32_t> sample_of_batch;
  std::vector<LevelCounters> sample;  // summed over `samples`
  const std::vector<LevelCounters>& counts_for(uint64_t i) const;
};

// The sampler's model of every NFP's level units (one set per encoding, reset at each frame).
struct SamplerNfp {
  std::vector<std::unique_ptr<LevelUnits>> units;  // by encoding id
  std::vector<uint64_t> last_batch;  // last global batch it simulated queries of, by encoding
  std::vector<uint64_t> last_end;    // and the end of the range it simulated in that batch
};
struct SamplerState {
  uint32_t frame = UINT32_MAX;
  std::vector<SamplerNfp> nfps;
};

// The sampler's verdict on a frame.
struct FrameSample {
  std::vector<std::vector<EncodePlan>> plans;  // [item][encode kernel]
  // 95 % half-width / estimate: stat_rel_err and the systematic term (that alone when every
  // window was simulated whole); 0 only in full detail, the reference.
  double rel_err = 0;
  double stat_rel_err = 0;   // the sampling variance's part: of the frame's encode cycles
  double worst_rel_err = 0;  // the same for the grid with the widest interval
  bool exact = true;         // every query was simulated at address level
};

// Plans every encode kernel of `fw`. `full`: detail mode "full" (engines simulate everything).
FrameSample plan_frame(const FrameWork& fw, const FrameBatches& batches, const Config& cfg,
                       const PositionSource* positions, MemoryIf& mem, SamplerState& state,
                       bool full);

// Positions of queries [first, first + n) of a kernel: from the trace's scene, or uniform in the
// unit cube when the trace has none.
void sample_positions(const PositionSource* source, uint32_t frame, uint32_t kernel, uint64_t first,
                      uint32_t n, uint32_t dims, float* out);

}  // namespace ngpc
