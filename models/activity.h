// Action counts the hardware models accumulate; models/cost.* turns them into energy
// (Accelergy style: count x energy per action) and the configuration into area.
#pragma once

#include <cstdint>

namespace ngpc {

struct EncodingActivity {
  uint64_t lookups = 0;          // (query, level) pairs through pos_fract/grid_index/interp
  uint64_t hashed_lookups = 0;   // of which on hashed levels (hash instead of dense index)
  uint64_t corner_reads = 0;     // grid SRAM reads (one 2F-byte entry each), hits + misses
  uint64_t sram_hits = 0;        // corner reads served by the grid SRAM
  uint64_t sram_misses = 0;      // corner reads sent to L2/DRAM
  uint64_t sram_fill_bytes = 0;  // bytes written into grid SRAMs (per-frame fills, line refills)
  uint64_t bank_conflict_cycles = 0;  // cycles lost to bank conflicts
  uint64_t busy_cycles = 0;           // level-unit cycles doing work (summed over units)
  uint64_t feature_bytes_out = 0;     // encoded features written to the FIFO
};

struct MlpActivity {
  uint64_t macs = 0;         // MACs issued, padding included
  uint64_t useful_macs = 0;  // MACs of the unpadded network
  uint64_t weight_buffer_read_bytes = 0;
  uint64_t weight_load_bytes = 0;  // weights brought into the buffer (from L2)
  uint64_t activation_read_bytes = 0;
  uint64_t activation_write_bytes = 0;
  uint64_t activation_unit_ops = 0;  // non-ReLU activation evaluations
  uint64_t busy_cycles = 0;          // MAC-array busy cycles
};

struct MemoryActivity {
  uint64_t ngpc_l2_bytes = 0;    // bytes the NGPC moved over its L2 link
  uint64_t ngpc_dram_bytes = 0;  // of which DRAM had to serve
  uint64_t gpu_dram_bytes = 0;   // the GPU's own DRAM traffic (not NGPC energy)
};

struct Activity {
  EncodingActivity encoding;
  MlpActivity mlp;
  MemoryActivity memory;

  Activity& operator+=(const Activity& o);
};

}  // namespace ngpc
