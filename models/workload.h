// What the replay asks the cluster to do for one frame, as plain data (no trace files here).
// A frame is an ordered list of work items. A step item is a batch pipeline: its NGPC kernels
// (encode then MLPs) run on each batch on an NFP, and the GPU's share of the step's remaining
// kernels follows on that batch. A standalone GPU item runs on the GPU alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/encoding/grid_math.h"
#include "models/machine_config.h"

namespace ngpc {

struct MlpLayer {
  uint32_t in = 0;                         // padded input width
  uint32_t out = 0;                        // padded output width
  uint32_t useful_in = 0, useful_out = 0;  // unpadded widths (for useful-MAC accounting)
  Activation activation = Activation::Relu;
};

struct EncodeKernelWork {
  uint32_t kernel_index = 0;  // index in the trace frame (positions are keyed by it)
  uint32_t encoding_id = 0;   // which grid (a frame may use several)
  const GridLayout* layout = nullptr;
  uint32_t inputs_per_cycle = 1;  // per level unit, from the encoding's engine role
  uint64_t queries = 0;
};

struct MlpKernelWork {
  uint32_t kernel_index = 0;
  uint32_t mlp_id = 0;
  std::vector<MlpLayer> layers;
  uint64_t queries = 0;
};

struct WorkItem {
  bool standalone_gpu = false;
  std::string label;  // step or kernel name, for the timeline
  std::vector<EncodeKernelWork> encodes;
  std::vector<MlpKernelWork> mlps;  // in execution order
  double gpu_time_s = 0;            // baseline GPU time of the item's gpu kernels
  uint64_t gpu_dram_bytes = 0;      // their DRAM traffic
  uint64_t max_queries() const;
};

struct FrameWork {
  uint32_t frame = 0;
  std::vector<WorkItem> items;
};

}  // namespace ngpc
