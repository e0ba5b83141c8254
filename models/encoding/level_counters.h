// What the level units measured for one level over a run of queries: the address-level facts
// (issue cycles with bank conflicts, SRAM hits and misses, miss bytes) the encoding engine turns
// into cycles and memory traffic. A batch in sampled mode carries the counts of the sampled batch
// of its stratum.
#pragma once

#include <cstdint>

#include "models/stat_block.h"

namespace ngpc {

#define NGPC_LEVEL_COUNTERS(X)                                                          \
  X(queries, "", "queries through the level")                                          \
  X(issue_cycles, "cycles", "SRAM cycles of the issue groups, bank conflicts included") \
  X(conflict_cycles, "cycles", "of which beyond the conflict-free ceil(reads / ports)") \
  X(corner_reads, "", "corner reads issued")                                            \
  X(hits, "", "distinct corner reads served by the SRAM")                               \
  X(misses, "", "distinct corner reads the SRAM does not hold")                         \
  X(miss_bytes, "B", "missing lines fetched from L2/DRAM")                                 \
  X(dram_bytes, "B", "of the miss bytes, those DRAM served (sampled mode: the scaled L2)")
NGPC_STAT_BLOCK(LevelCounters, uint64_t, NGPC_LEVEL_COUNTERS)

}  // namespace ngpc
