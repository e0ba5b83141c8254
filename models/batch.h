// A batch transaction: one slice of a work item's queries, carried through an NFP (encode ->
// FIFO -> MLP) and then to the GPU side for the item's remaining kernels.
#pragma once

#include <cstdint>
#include <vector>

namespace ngpc {

struct Batch {
  uint32_t item = 0;                                   // work item in the frame
  uint32_t index = 0;                                  // batch within the item
  uint32_t nfp = 0;                                    // NFP the dispatcher chose
  std::vector<uint64_t> encode_first, encode_queries;  // per encode kernel of the item
  std::vector<uint64_t> mlp_queries;                   // per MLP kernel of the item
  double gpu_time_s = 0;  // the GPU's share of the item's remaining kernels
  double gpu_dram_bytes = 0;
  // Timestamps (seconds) for the timeline.
  double t_dispatch = 0, t_encode_start = 0, t_encode_end = 0, t_mlp_start = 0, t_mlp_end = 0,
         t_gpu_start = 0, t_gpu_end = 0;
};

}  // namespace ngpc
