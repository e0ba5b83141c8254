#include "models/encoding/level_units.h"

#include <algorithm>

namespace ngpc {

uint32_t unit_of_level(uint32_t level, uint32_t units) {
  return level % units;
}

uint64_t sram_capacity_per_level(uint64_t capacity, uint32_t levels, uint32_t units) {
  const uint32_t share = (levels + units - 1) / units;  // levels one unit serves at most
  return capacity / std::max(1u, share);
}

LevelUnits::LevelUnits(const GridLayout& layout, const GridSramParams& sram, uint32_t units,
                       uint32_t inputs_per_cycle)
    : layout_(layout),
      inputs_per_cycle_(std::max(1u, inputs_per_cycle)),
      ports_(sram.ports_per_bank),
      banks_(sram.banks) {
  GridSramParams p = sram;
  const auto levels = static_cast<uint32_t>(layout.levels.size());
  p.capacity_bytes = sram_capacity_per_level(sram.capacity_bytes, levels, units);
  // A line never splits an entry: grids with wide entries get lines of at least one entry.
  p.line_bytes = std::max(p.line_bytes, layout.entry_bytes);
  p.line_bytes -= p.line_bytes % layout.entry_bytes;
  srams_.reserve(levels);
  for (const GridLevel& lv : layout.levels) srams_.emplace_back(p, lv.entries, layout.entry_bytes);
  idx_.resize(static_cast<size_t>(inputs_per_cycle_) * layout.corners);
  w_.resize(layout.corners);
}

void LevelUnits::run(const float* positions, uint32_t n, std::vector<LevelCounters>& out,
                     std::vector<uint64_t>* miss_addresses) {
  const uint32_t dims = layout_.params.dims;
  const uint32_t corners = layout_.corners;
  out.resize(srams_.size());
  for (uint32_t l = 0; l < srams_.size(); ++l) {
    GridSram& sram = srams_[l];
    LevelCounters& c = out[l];
    for (uint32_t q0 = 0; q0 < n; q0 += inputs_per_cycle_) {
      const uint32_t group = std::min(inputs_per_cycle_, n - q0);
      for (uint32_t i = 0; i < group; ++i)
        level_corners(layout_, l, positions + static_cast<size_t>(q0 + i) * dims,
                      idx_.data() + static_cast<size_t>(i) * corners, w_.data());
      const uint32_t reads = group * corners;
      const SramGroupResult r =
          sram.access_group(idx_.data(), reads, miss_addresses ? &missed_ : nullptr);
      // Without conflicts the group needs ceil(reads / (banks * ports)) cycles (at least one).
      const uint32_t ideal = std::max(1u, (reads + banks_ * ports_ - 1) / (banks_ * ports_));
      c.issue_cycles += r.cycles;
      c.conflict_cycles += r.cycles > ideal ? r.cycles - ideal : 0;
      c.corner_reads += reads;
      c.hits += r.hits;
      c.misses += r.misses;
      c.miss_bytes += r.miss_bytes;
    }
    c.queries += n;
    if (miss_addresses) {
      const uint64_t base = layout_.levels[l].offset * layout_.entry_bytes;
      const uint64_t line = sram.params().line_bytes;
      for (uint32_t m : missed_) miss_addresses->push_back(base + m * line);
      missed_.clear();
    }
  }
}

void LevelUnits::reset() {
  for (GridSram& s : srams_) s.reset();
}

uint64_t LevelUnits::fill_bytes() const {
  uint64_t b = 0;
  for (const GridSram& s : srams_) b += s.resident_bytes();
  return b;
}

uint64_t LevelUnits::non_resident_bytes() const {
  uint64_t b = 0;
  for (const GridSram& s : srams_) b += s.table_bytes() - s.resident_bytes();
  return b;
}

}  // namespace ngpc
