#include "models/activity.h"

namespace ngpc {

// A counter added to activity.h must be summed below too: these fail the build until it is.
static_assert(sizeof(EncodingActivity) == 9 * sizeof(uint64_t), "update operator+=");
static_assert(sizeof(MlpActivity) == 8 * sizeof(uint64_t), "update operator+=");
static_assert(sizeof(MemoryActivity) == 3 * sizeof(uint64_t), "update operator+=");

// Field by field: per-NFP and per-batch counts are summed into cluster and frame totals.
Activity& Activity::operator+=(const Activity& o) {
  EncodingActivity& e = encoding;
  e.lookups += o.encoding.lookups;
  e.hashed_lookups += o.encoding.hashed_lookups;
  e.corner_reads += o.encoding.corner_reads;
  e.sram_hits += o.encoding.sram_hits;
  e.sram_misses += o.encoding.sram_misses;
  e.sram_fill_bytes += o.encoding.sram_fill_bytes;
  e.bank_conflict_cycles += o.encoding.bank_conflict_cycles;
  e.busy_cycles += o.encoding.busy_cycles;
  e.feature_bytes_out += o.encoding.feature_bytes_out;

  MlpActivity& m = mlp;
  m.macs += o.mlp.macs;
  m.useful_macs += o.mlp.useful_macs;
  m.weight_buffer_read_bytes += o.mlp.weight_buffer_read_bytes;
  m.weight_load_bytes += o.mlp.weight_load_bytes;
  m.activation_read_bytes += o.mlp.activation_read_bytes;
  m.activation_write_bytes += o.mlp.activation_write_bytes;
  m.activation_unit_ops += o.mlp.activation_unit_ops;
  m.busy_cycles += o.mlp.busy_cycles;

  memory.ngpc_l2_bytes += o.memory.ngpc_l2_bytes;
  memory.ngpc_dram_bytes += o.memory.ngpc_dram_bytes;
  memory.gpu_dram_bytes += o.memory.gpu_dram_bytes;
  return *this;
}

}  // namespace ngpc
