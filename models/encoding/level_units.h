// Address-level model of one NFP's encoding level units for one grid: each level's inputs go
// through pos_fract -> grid_index -> interpol_weights (grid_math.h) and their 2^d corner reads hit
// that level's banked grid SRAM (grid_sram.h) in issue groups of `inputs_per_cycle` inputs.
// The result is counted per level; encoding_engine turns the counts into level-unit cycles.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/encoding/grid_math.h"
#include "models/encoding/grid_sram.h"
#include "models/encoding/level_counters.h"

namespace ngpc {

// Which level unit serves each level: level l -> unit l % units. When a grid has more levels than
// the engine has units, a unit serves its levels one after the other, and its SRAM capacity is
// split among them.
uint32_t unit_of_level(uint32_t level, uint32_t units);
uint64_t sram_capacity_per_level(uint64_t capacity, uint32_t levels, uint32_t units);

class LevelUnits {
 public:
  LevelUnits(const GridLayout& layout, const GridSramParams& sram, uint32_t units,
             uint32_t inputs_per_cycle);

  // Runs `n` positions (n * dims floats) through every level; adds to `out` (one per level).
  // `miss_addresses`, when given, receives the byte address within the grid's table of every
  // line fetched, level after level (level l's are miss_bytes / line_bytes of out[l]).
  // `lines_per_level`, when given with `miss_addresses`, receives how many each level appended.
  void run(const float* positions, uint32_t n, std::vector<LevelCounters>& out,
           std::vector<uint64_t>* miss_addresses = nullptr,
           std::vector<uint32_t>* lines_per_level = nullptr);
  // The same queries for their effect only: every level's SRAM state afterwards, and the missing
  // lines appended to `miss_addresses` as run() would; `lines_per_level` (one per level) receives
  // how many each level appended. No counts: the sampler's warm-up.
  void warm(const float* positions, uint32_t n, std::vector<uint64_t>* miss_addresses,
            std::vector<uint32_t>* lines_per_level);
  uint32_t line_bytes() const { return levels_.empty() ? 0 : levels_[0].sram.params().line_bytes; }
  void reset();  // new frame

  uint32_t levels() const { return static_cast<uint32_t>(levels_.size()); }
  const GridSram& sram(uint32_t level) const { return levels_[level].sram; }
  // Bytes a frame-start fill loads into this NFP's SRAMs (fitting levels, static prefixes).
  uint64_t fill_bytes() const;
  // Bytes of the grid no SRAM holds resident (served by L2/DRAM on misses).
  uint64_t non_resident_bytes() const;

 private:
  // One level unit's level: its SRAM, its index arithmetic, and scratch of its own, so levels
  // run on different host threads.
  struct Level {
    GridSram sram;
    LevelIndexer ix;
    std::vector<uint32_t> idx;
    std::vector<uint8_t> parity;  // corner-parity banking of a dense level
    std::vector<uint32_t> missed;
  };
  void run_level(uint32_t l, const float* positions, uint32_t n, LevelCounters* c, bool record);
  void each_level(uint32_t n, const std::function<void(size_t)>& one);
  void collect_missed(std::vector<uint64_t>* miss_addresses, std::vector<uint32_t>* per_level);

  const GridLayout& layout_;
  uint32_t inputs_per_cycle_;
  uint32_t ports_;
  uint32_t banks_;
  uint32_t replicas_;
  bool parity_banks_;
  std::vector<Level> levels_;
};

}  // namespace ngpc
