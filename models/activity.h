// Action counts the hardware models accumulate per frame, declared once with their units and
// definitions (models/stat_block.h); models/cost/ turns them into energy (Accelergy style: count x
// energy per action). Each engine owns its block, resets it at frame start and hands it to the
// cluster at frame end; the cluster sums the NFPs' blocks.
#pragma once

#include <cstdint>

#include "models/stat_block.h"

namespace ngpc {

#define NGPC_ENCODING_ACTIVITY(X)                                                             \
  X(lookups, "", "(query, level) pairs through pos_fract, grid_index and interpol_weights")   \
  X(hashed_lookups, "", "lookups on hashed levels (spatial hash instead of the dense index)") \
  X(corner_reads, "", "grid SRAM reads of one 2F-byte entry each, hits and misses")           \
  X(sram_hits, "", "distinct corner reads served by the grid SRAM")                          \
  X(sram_misses, "", "distinct corner reads sent to L2/DRAM")                                 \
  X(sram_fill_bytes, "B", "bytes written into grid SRAMs (frame-start fills, line refills)")  \
  X(bank_conflict_cycles, "cycles", "level-unit cycles lost to bank conflicts, summed over units") \
  X(busy_cycles, "cycles", "level-unit issue cycles, summed over units")                       \
  X(feature_bytes_out, "B", "encoded features written to the feature FIFO")
NGPC_STAT_BLOCK(EncodingActivity, uint64_t, NGPC_ENCODING_ACTIVITY)

#define NGPC_MLP_ACTIVITY(X)                                                       \
  X(macs, "", "MACs issued by the MAC array, padding included")                   \
  X(useful_macs, "", "MACs of the unpadded networks")                             \
  X(weight_buffer_read_bytes, "B", "weight-buffer bytes read by the MAC array")   \
  X(weight_load_bytes, "B", "weights brought into the weight buffer over the L2 link") \
  X(activation_read_bytes, "B", "activation-buffer bytes read")                   \
  X(activation_write_bytes, "B", "activation-buffer bytes written")               \
  X(activation_unit_ops, "", "non-ReLU activation evaluations")                   \
  X(busy_cycles, "cycles", "MAC-array busy cycles")
NGPC_STAT_BLOCK(MlpActivity, uint64_t, NGPC_MLP_ACTIVITY)

#define NGPC_MEMORY_ACTIVITY(X)                                               \
  X(ngpc_l2_bytes, "B", "bytes the NGPC moved over its L2 link")              \
  X(ngpc_dram_bytes, "B", "of the NGPC's bytes, those DRAM had to serve")     \
  X(gpu_dram_bytes, "B", "the GPU's own DRAM traffic (not NGPC energy)")
NGPC_STAT_BLOCK(MemoryActivity, uint64_t, NGPC_MEMORY_ACTIVITY)

struct Activity {
  EncodingActivity encoding;
  MlpActivity mlp;
  MemoryActivity memory;

  Activity& operator+=(const Activity& o) {
    encoding += o.encoding;
    mlp += o.mlp;
    memory += o.memory;
    return *this;
  }
};

}  // namespace ngpc
