// The encoding engine of one NFP: level units (pos_fract -> grid_index -> interpol_weights) with
// their grid SRAMs, fed batches by the dispatcher and feeding the encoded-feature FIFO.
// Per batch, each level unit needs max(issue cycles with bank conflicts, miss-latency cycles given
// its outstanding-miss limit); units work in parallel; the batch's misses are one flow on the
// shared memory system. The batch leaves when both the units and its misses are done, and waits
// for FIFO space (back-pressure from a slower MLP engine).
#pragma once

#include <memory>
#include <systemc>
#include <vector>

#include "models/activity.h"
#include "models/batch.h"
#include "models/encoding/level_units.h"
#include "models/machine_config.h"
#include "models/memory/memory_system.h"
#include "models/positions.h"
#include "models/workload.h"

namespace ngpc {

// Timing parameters of the level units, resolved once from the configuration.
struct EncodeTiming {
  uint32_t units = 16;
  uint32_t pipeline_latency = 6;
  uint32_t access_latency = 2;
  uint32_t outstanding = 64;
  uint32_t line_bytes = 64;
};
EncodeTiming encode_timing(const EncodingEngineConfig& cfg);
GridSramParams grid_sram_params(const GridSramConfig& cfg);

// Cycles the level units need for counters `c` (one per level) scaled by `scale`:
// max over units of sum over the unit's levels of max(issue, miss_lines * latency / outstanding),
// plus the pipeline and SRAM access latency.
double encode_cycles(const std::vector<LevelCounters>& c, double scale, const EncodeTiming& t,
                     double miss_latency_cycles);

// One encode kernel of the current frame, prepared by the cluster at frame start.
struct EncodePlan {
  const EncodeKernelWork* work = nullptr;
  bool full_detail = false;
  std::vector<LevelCounters> sample;  // sampled mode: counters summed over the sampled batches
  uint64_t sampled_queries = 0;
  // Stratified samples: batch i belongs to the stratum whose stratum_end exceeds
  // j = (i - stratum_first) / stratum_stride and takes that stratum's sampled batch's counts.
  std::vector<std::vector<LevelCounters>> strata;
  std::vector<uint64_t> stratum_end;
  uint64_t stratum_first = 0, stratum_stride = 1;
  // The sampled counts batch `i` takes: its stratum's, or the kernel's total when that is empty.
  const std::vector<LevelCounters>& counts_for(uint64_t i) const;
  double dram_fraction = 1;  // share of miss bytes L2 cannot serve
  double miss_latency_cycles = 0;
  double rel_err_cycles = 0;  // 95 % half-width / mean of sampled cycles per query
};

// The per-frame context the engines read: plans per work item and encode kernel.
struct FramePlan {
  uint32_t frame = 0;
  const FrameWork* work = nullptr;
  std::vector<std::vector<EncodePlan>> encode;  // [item][encode kernel]
  const PositionSource* positions = nullptr;
};

class EncodingEngine : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(EncodingEngine);
  sc_core::sc_fifo_in<Batch*> in;
  sc_core::sc_fifo_out<Batch*> out;

  EncodingEngine(sc_core::sc_module_name name, uint32_t nfp, const Config& cfg, MemorySystem& mem,
                 const FramePlan* const& plan);

  const EncodingActivity& activity() const { return act_; }
  double busy_s() const { return busy_s_; }

 private:
  void run();
  void begin_frame(uint32_t frame);
  LevelUnits& units_for(const EncodeKernelWork& w);

  uint32_t nfp_;
  const Config& cfg_;
  sc_core::sc_port<MemoryIf> mem_;
  const FramePlan* const& plan_;
  EncodeTiming timing_;
  GridSramParams sram_;
  sc_core::sc_time period_;
  uint32_t frame_ = UINT32_MAX;
  std::vector<std::unique_ptr<LevelUnits>> units_;  // by encoding id (full detail / fills)
  std::vector<uint8_t> filled_;                     // grid loaded this frame, by encoding id
  std::vector<float> pos_;
  std::vector<LevelCounters> counters_;
  MemCompletion mem_done_;
  EncodingActivity act_;
  double busy_s_ = 0;
};

}  // namespace ngpc
