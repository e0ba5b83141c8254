// The MLP engine of one NFP: a rows x cols MAC array that evaluates one layer at a time with all
// activations kept on chip (spec §1). A batch larger than the activation buffer holds is processed
// in sub-batches. Timing is built tile by tile from the dataflow (docs/mlp-engine.md gives the
// closed form the tests hold it to):
//  - weight stationary: a rows x cols weight tile is loaded (rows cycles), then the sub-batch
//    streams through it (n cycles) with rows + cols - 2 cycles of fill and drain; with double
//    buffering only the first tile's load of a layer is exposed;
//  - output stationary: each PE accumulates one output; a tile of rows batch rows x cols outputs
//    takes in + rows + cols - 2 cycles.
// A non-ReLU output activation costs activation_cycles_per_row cycles per batch row.
#pragma once

#include <array>
#include <string>
#include <systemc>
#include <vector>

#include "models/activity.h"
#include "models/batch.h"
#include "models/machine_config.h"
#include "models/memory/memory_system.h"
#include "models/workload.h"

namespace ngpc {

struct MlpTiming {
  uint32_t rows = 64, cols = 64;
  bool output_stationary = false;
  bool double_buffering = true;
  uint32_t elem_bytes = 2;
  uint64_t activation_buffer_bytes = 524288;
  std::array<uint32_t, kActivations> activation_cycles{};  // per batch row, by Activation
};
MlpTiming mlp_timing(const MlpEngineConfig& cfg);
uint32_t precision_bytes(Precision precision);

// Largest sub-batch whose input and output activations both fit the activation buffer, rounded
// down to whole array rows (at least one row).
uint64_t mlp_sub_batch(const MlpTiming& t, const std::vector<MlpLayer>& layers);

// Runs `layers` on `n` queries tile by tile; returns cycles and adds the actions to `act`.
uint64_t mlp_network_cycles(const MlpTiming& t, const std::vector<MlpLayer>& layers, uint64_t n,
                            MlpActivity* act);

// What one MLP engine did in a frame.
struct MlpFrame {
  MlpActivity activity;
  double busy_s = 0;
};

class MlpEngine : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(MlpEngine);
  sc_core::sc_fifo_in<Batch*> in;
  sc_core::sc_fifo_out<Batch*> out;

  MlpEngine(sc_core::sc_module_name name, uint32_t nfp, const Config& cfg, MemoryIf& mem);

  // This frame's statistics; resets them for the next frame.
  MlpFrame take_frame();

 private:
  void run();
  __attribute__((noinline)) void serve();  // run() on a cleared stack

  uint32_t nfp_;
  bool weights_from_l2_;
  sc_core::sc_port<MemoryIf> mem_;
  MlpTiming timing_;
  sc_core::sc_time period_;
  uint32_t frame_ = UINT32_MAX;
  std::vector<uint8_t> weights_loaded_;  // by MLP id, this frame
  MemCompletion mem_done_;
  MlpFrame frame_stats_;
};

}  // namespace ngpc
