#include "models/encoding/level_units.h"

#include <algorithm>

#include "models/parallel.h"

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
      banks_(sram.banks),
      replicas_(std::max(1u, sram.replicas)),
      parity_banks_(sram.bank_mapping == BankMapping::CornerParity) {
  GridSramParams p = sram;
  const auto levels = static_cast<uint32_t>(layout.levels.size());
  p.capacity_bytes = sram_capacity_per_level(sram.capacity_bytes, levels, units);
  // A line never splits an entry: grids with wide entries get lines of at least one entry.
  p.line_bytes = std::max(p.line_bytes, layout.entry_bytes);
  p.line_bytes -= p.line_bytes % layout.entry_bytes;
  levels_.reserve(levels);
  for (uint32_t l = 0; l < levels; ++l)
    levels_.push_back(Level{GridSram(p, layout.levels[l].entries, layout.entry_bytes),
                            level_indexer(layout, l),
                            {},
                            {},
                            {}});
}

// Queries per step of the corner computation: a few hundred corner indices in a small buffer.
constexpr uint32_t kCornerChunk = 64;

// `c` null: a warm-up, for the SRAM state and the missed lines only (GridSram::touch_groups).
void LevelUnits::run_level(uint32_t l, const float* positions, uint32_t n, LevelCounters* c,
                           bool record) {
  Level& lv = levels_[l];
  if (!c && lv.sram.fits()) return;  // every read hits and nothing changes
  const uint32_t dims = layout_.params.dims;
  const uint32_t corners = layout_.corners;
  // Without conflicts a full group needs ceil(reads / (banks * ports)) cycles (at least one).
  const uint32_t chunk = std::max(kCornerChunk / inputs_per_cycle_, 1u) * inputs_per_cycle_;
  lv.idx.resize(static_cast<size_t>(chunk) * corners);
  // Corner-parity banking applies to dense levels; a hashed entry has no one coordinate parity.
  const bool parity = c && parity_banks_ && !lv.ix.hash;
  if (parity) lv.parity.resize(lv.idx.size());
  std::vector<uint32_t>* missed = record ? &lv.missed : nullptr;
  const bool prefetch = lv.sram.keeps_tags();
  const uint32_t lanes = banks_ * ports_ * replicas_;
  for (uint32_t q0 = 0; q0 < n; q0 += chunk) {
    const uint32_t m = std::min(chunk, n - q0);
    level_corner_indices(lv.ix, positions + static_cast<size_t>(q0) * dims, m, lv.idx.data(),
                         parity ? lv.parity.data() : nullptr);
    // Every tag set the chunk will look up, requested at once: the host fetches them in
    // parallel instead of one lookup's wait after another.
    if (prefetch)
      for (uint32_t i = 0; i < m * corners; ++i) lv.sram.prefetch(lv.idx[i]);
    if (!c) {
      lv.sram.touch_groups(lv.idx.data(), m * corners, inputs_per_cycle_ * corners, missed);
      continue;
    }
    for (uint32_t g0 = 0; g0 < m; g0 += inputs_per_cycle_) {
      const uint32_t group = std::min(inputs_per_cycle_, m - g0);
      const uint32_t reads = group * corners;
      const size_t at = static_cast<size_t>(g0) * corners;
      const SramGroupResult r = lv.sram.access_group(lv.idx.data() + at, reads, missed,
                                                     parity ? lv.parity.data() + at : nullptr);
      const uint32_t ideal = std::max(1u, (reads + lanes - 1) / lanes);
      c->issue_cycles += r.cycles;
      c->conflict_cycles += r.cycles > ideal ? r.cycles - ideal : 0;
      c->corner_reads += reads;
      c->hits += r.hits;
      c->misses += r.misses;
      c->miss_bytes += r.miss_bytes;
    }
  }
  if (c) c->queries += n;
}

// Levels are independent (each its own SRAM): spread them over the host threads when the work is
// worth a hand-off. Results do not depend on the split.
void LevelUnits::each_level(uint32_t n, const std::function<void(size_t)>& one) {
  const auto levels = static_cast<uint32_t>(levels_.size());
  if (uint64_t{n} * levels >= 4096) {
    parallel_for(levels, one);
  } else {
    for (uint32_t l = 0; l < levels; ++l) one(l);
  }
}

void LevelUnits::run(const float* positions, uint32_t n, std::vector<LevelCounters>& out,
                     std::vector<uint64_t>* miss_addresses,
                     std::vector<uint32_t>* lines_per_level) {
  out.resize(levels_.size());
  const bool record = miss_addresses != nullptr;
  each_level(n,
             [&](size_t l) { run_level(static_cast<uint32_t>(l), positions, n, &out[l], record); });
  if (record) collect_missed(miss_addresses, lines_per_level);
}

void LevelUnits::warm(const float* positions, uint32_t n, std::vector<uint64_t>* miss_addresses,
                      std::vector<uint32_t>* lines_per_level) {
  each_level(n, [&](size_t l) {
    run_level(static_cast<uint32_t>(l), positions, n, nullptr, miss_addresses != nullptr);
  });
  collect_missed(miss_addresses, lines_per_level);
}

void LevelUnits::collect_missed(std::vector<uint64_t>* miss_addresses,
                                std::vector<uint32_t>* per_level) {
  for (uint32_t l = 0; l < levels_.size(); ++l) {
    Level& lv = levels_[l];
    const uint64_t base = layout_.levels[l].offset * layout_.entry_bytes;
    const uint64_t line = lv.sram.params().line_bytes;
    if (miss_addresses)
      for (uint32_t m : lv.missed) miss_addresses->push_back(base + m * line);
    if (per_level) per_level->push_back(static_cast<uint32_t>(lv.missed.size()));
    lv.missed.clear();
  }
}

void LevelUnits::reset() {
  for (Level& lv : levels_) lv.sram.reset();
}

uint64_t LevelUnits::fill_bytes() const {
  uint64_t b = 0;
  for (const Level& lv : levels_) b += lv.sram.resident_bytes();
  return b;
}

uint64_t LevelUnits::non_resident_bytes() const {
  uint64_t b = 0;
  for (const Level& lv : levels_) b += lv.sram.table_bytes() - lv.sram.resident_bytes();
  return b;
}

}  // namespace ngpc
