// The encoding engine of one NFP: level units (pos_fract -> grid_index -> interpol_weights) with
// their grid SRAMs, fed batches by the dispatcher and feeding the encoded-feature FIFO.
// Per batch, each level unit needs max(issue cycles with bank conflicts, miss-latency cycles given
// its outstanding-miss limit); units work in parallel; the batch's misses are one flow on the
// shared memory system, which says where they are served and how long they take. The batch
// leaves when both the units and its misses are done, and waits for FIFO space (back-pressure
// from a slower MLP engine).
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

// Where a grid's table lives in the address space the L2 sees (grids never share lines).
uint64_t grid_base_address(uint32_t encoding_id);

// What one encoding engine did in a frame.
struct EncoderFrame {
  EncodingActivity activity;
  double busy_s = 0;
};

class EncodingEngine : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(EncodingEngine);
  sc_core::sc_fifo_in<Batch*> in;
  sc_core::sc_fifo_out<Batch*> out;

  // `positions` (may be null: uniform positions) serves full-detail batches.
  EncodingEngine(sc_core::sc_module_name name, uint32_t nfp, const Config& cfg, MemoryIf& mem,
                 const PositionSource* positions);

  // This frame's statistics; resets them for the next frame.
  EncoderFrame take_frame();

 private:
  void run();
  __attribute__((noinline)) void serve();  // run() on a cleared stack
  void begin_frame(uint32_t frame);
  LevelUnits& units_for(const EncodeKernelWork& w);

  uint32_t nfp_;
  bool broadcast_fill_;
  sc_core::sc_port<MemoryIf> mem_;
  const PositionSource* positions_;
  EncodeTiming timing_;
  GridSramParams sram_;
  sc_core::sc_time period_;
  uint32_t frame_ = UINT32_MAX;
  std::vector<std::unique_ptr<LevelUnits>> units_;  // by encoding id (full detail / fills)
  std::vector<uint8_t> filled_;                     // grid loaded this frame, by encoding id
  std::vector<float> pos_;
  std::vector<LevelCounters> counters_;
  std::vector<uint64_t> miss_lines_;
  std::vector<uint32_t> miss_lines_per_level_;
  std::vector<double> unit_miss_bytes_;
  MemCompletion mem_done_;
  EncoderFrame frame_stats_;
};

}  // namespace ngpc
