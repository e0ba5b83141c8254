// Address-level model of ONE level unit's grid SRAM holding ONE level's table (spec §1: 16 level
// units, each with its own grid SRAM). It answers, for one issue group of corner reads, how many
// cycles the banked SRAM needs (bank conflicts) and which reads miss because the table does not
// fit (spec §1 "known inconsistency": a 2^19 x F2 fp16 level is 2 MiB > 1 MB). Pure C++, no
// SystemC: the encoding engine and the GPU cost model both call it. Rules and rationale:
// docs/grid-math.md.
#pragma once

#include <cstdint>
#include <vector>

#include "models/machine_config.h"  // SramPolicy

namespace ngpc {

struct GridSramParams {
  uint64_t capacity_bytes = 1000000;
  uint32_t banks = 8;           // entries are word-interleaved: bank = entry % banks
  uint32_t ports_per_bank = 1;  // reads one bank serves per cycle
  uint32_t line_bytes = 64;     // fill / miss granularity; a multiple of entry_bytes
  uint32_t associativity = 4;   // ways per set (Cache policy)
  SramPolicy policy = SramPolicy::Cache;
  uint32_t replicas = 1;  // full copies; read j of an n-read group goes to copy j x replicas / n
  BankMapping bank_mapping = BankMapping::Interleaved;  // used by LevelUnits (corner parity)
};

struct SramGroupResult {
  uint32_t cycles;  // SRAM cycles the group occupies (bank conflicts); misses add no cycles here
  uint32_t hits;    // distinct entries read from the SRAM
  uint32_t misses;  // distinct entries not resident
  uint64_t miss_bytes;  // distinct missing lines * line_bytes, fetched from L2/DRAM
};

// Totals since construction or clear_stats(); reset() (new frame) leaves them alone.
struct GridSramStats {
  uint64_t groups = 0;
  uint64_t reads = 0;           // entry reads requested, duplicates included
  uint64_t distinct_reads = 0;  // after merging duplicates within a group (= hits + misses)
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t miss_lines = 0;
  uint64_t miss_bytes = 0;
  uint64_t cycles = 0;
};

class GridSram {
 public:
  // Throws std::invalid_argument on zero banks/ports/line/associativity/entry_bytes, or a line
  // size that is not a multiple of entry_bytes (entries must not straddle lines).
  GridSram(const GridSramParams& params, uint64_t level_entries, uint32_t entry_bytes);

  // Whole level table <= capacity: loaded once per frame, every read hits.
  bool fits() const { return fits_; }
  uint64_t table_bytes() const { return level_entries_ * entry_bytes_; }
  // What a frame-start fill loads: whole table if it fits; Static: the resident prefix; Cache: 0.
  uint64_t resident_bytes() const;
  // Static policy: entries [0, resident_entries()) always hit. Whole table if it fits; else
  // floor(capacity / entry_bytes) for Static and 0 for Cache.
  uint64_t resident_entries() const { return resident_entries_; }
  uint32_t sets() const { return sets_; }  // Cache policy geometry (>= 1)

  // One issue group: the corner reads (entry indices within the level, each < level_entries) of
  // the inputs a level unit issues together in one cycle. Reads of the same entry are merged
  // (one read, broadcast). cycles = max over banks of ceil(distinct entries on the bank /
  // ports_per_bank), at least 1 (0 only for an empty group). Each missing line is fetched once
  // per group; the Cache policy allocates the fetched lines after all lookups of the group (LRU
  // within the set), the Static policy allocates nothing. No allocation in steady state.
  // Throws std::out_of_range for an entry index >= level_entries.
  // `missed_lines`, when given, receives the line numbers (within the level) of the lines the
  // group fetches. `bank_hint`, when given, is each read's bank (corner-parity mapping) instead
  // of entry mod banks; with it, or with replicas, reads are counted per (copy, bank) by their
  // place j in the group, and the same entry read twice on one copy is read once.
  SramGroupResult access_group(const uint32_t* entry_indices, uint32_t n,
                               std::vector<uint32_t>* missed_lines = nullptr,
                               const uint8_t* bank_hint = nullptr);

  // What access_group does to the SRAM's state and `missed_lines`, without the cycle and hit
  // counts or the stats: the sampler's warm-up, which only has to leave the SRAM (and the L2)
  // as the skipped queries would. The `n` reads are consecutive issue groups of `group_reads`
  // (the last one possibly shorter), so one call serves a whole chunk of queries: the same as
  // one access_group per group. Returns the number of lines appended.
  uint32_t touch_groups(const uint32_t* entry_indices, uint32_t n, uint32_t group_reads,
                        std::vector<uint32_t>* missed_lines);

  // A hint that a group will read `entry` soon: fetches its set's tags into the host cache (the
  // tag arrays of many NFPs do not fit it, and a lookup is otherwise a wait on host memory).
  // No effect on results.
  void prefetch(uint32_t entry) const;
  bool keeps_tags() const { return !fits_ && params_.policy == SramPolicy::Cache; }

  // New frame: the cache is emptied (the fit / static-prefix state is refilled by the frame-start
  // fill, which is not modelled as reads here).
  void reset();

  const GridSramStats& stats() const { return stats_; }
  void clear_stats() { stats_ = GridSramStats{}; }
  const GridSramParams& params() const { return params_; }

 private:
  uint32_t set_of(uint32_t line) const {
    return static_cast<uint32_t>((static_cast<__uint128_t>(sets_magic_ * line) * sets_) >> 64);
  }
  uint32_t line_of(uint32_t entry) const {
    return line_shift_ >= 0 ? (entry >> line_shift_) : (entry / entries_per_line_);
  }
  void check_range(const uint32_t* entry_indices, uint32_t n) const;  // throws std::out_of_range
  void ensure_tags();  // allocates the Cache tags on first use
  uint32_t fill_missing(uint32_t nl, std::vector<uint32_t>* missed_lines);
  bool cache_lookup(uint32_t line);    // true on hit (and makes the line MRU)
  void cache_allocate(uint32_t line);  // installs a fetched line, evicting the set's LRU way

  GridSramParams params_;
  uint64_t level_entries_;
  uint32_t entry_bytes_;
  bool fits_;
  uint64_t resident_entries_;
  uint32_t entries_per_line_;
  uint32_t sets_;
  uint64_t sets_magic_;  // Lemire's fast-modulo constant for `line % sets_`
  bool banks_pow2_;
  int line_shift_;  // log2(entries_per_line_) if a power of two, else -1 (divide)

  // Cache state, flat: set s at [s * associativity, (s + 1) * associativity), its lines' tags
  // (line + 1; 0 = invalid) most recently used first, so a hit moves its tag to the front and a
  // fill shifts the set and drops the last (the LRU line, or an invalid way while the set is not
  // full). No stamps: 16-bit tags when every line of the level fits one, a 4-way set then one
  // 8-byte word. At NGPC-64 the tags of all level units are what the host caches must hold (a
  // 4K NeRF frame: 22 MB, against 88 MB with 32-bit tags and 32-bit LRU stamps).
  std::vector<uint16_t> tags16_;
  std::vector<uint32_t> tags32_;
  bool narrow_tags_ = true;  // level_entries / entries_per_line + 1 <= UINT16_MAX
  // Per-call scratch, grown only when a larger group arrives.
  std::vector<uint32_t> distinct_;    // merged entry indices
  std::vector<uint32_t> lines_;       // distinct lines of the group
  std::vector<uint8_t> line_hit_;     // per distinct line: resident at the start of the group
  std::vector<uint32_t> bank_count_;  // all zero between calls

  GridSramStats stats_;
};

}  // namespace ngpc
