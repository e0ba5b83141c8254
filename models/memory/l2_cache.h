// Address-level model of the GPU's L2 as the NGPC sees it: set-associative, sectored, LRU. Grid
// misses of the NFPs are looked up by address (all NFPs read the same tables, so one NFP's fetch
// can serve another's miss); streaming traffic that is never re-read (the GPU's rest kernels,
// grid fills) is accounted as "pollution": that many distinct lines inserted evenly over the sets,
// evicting by their bytes. Way partitioning (read_ways < ways) gives grid lines and grid fills
// their own ways and the GPU's traffic the rest, as cache-allocation technology does. Pure C++,
// no SystemC: the memory system owns one shared instance, the sampler a scaled one
// (docs/memory.md).
#pragma once

#include <cstdint>
#include <vector>

namespace ngpc {

struct L2Params {
  uint64_t capacity_bytes = 6291456;  // 6 MiB, GA102 [spec §1; GA102 whitepaper: 6144 KB]
  uint32_t line_bytes = 128;          // NVIDIA L2 line [CUDA C++ Best Practices Guide]
  uint32_t sector_bytes = 32;         // DRAM access granularity [same]
  uint32_t ways = 16;                 // [est] not published for GA102
  // Ways grid reads and grid-class pollution allocate into (way partitioning); the other class
  // takes the remaining ways. 0 or >= ways: no partition, every class allocates anywhere.
  uint32_t read_ways = 0;
};

// Who a polluting stream belongs to, for way partitioning: grid fills share the grid's ways, the
// GPU's own traffic the others.
enum class L2Class : uint8_t { Grid, Other };

class L2Cache {
 public:
  // Throws std::invalid_argument on a geometry that is not whole sectors per line (1..32), lines
  // of at least one sector, or a capacity below one set.
  explicit L2Cache(const L2Params& p);

  // Reads `bytes` (> 0) at byte address `addr`, within one line. Returns the bytes that missed
  // (whole sectors), which are then installed; the line becomes most recently used.
  uint32_t read(uint64_t addr, uint32_t bytes);

  // `bytes` of distinct, never re-read lines of class `cls` pass through (spread evenly over the
  // sets, applied lazily per set when it is next touched, which is exact for LRU since sets are
  // independent and nothing else touches the set meanwhile).
  void pollute(double bytes, L2Class cls = L2Class::Other);

  uint64_t sets() const { return sets_; }
  const L2Params& params() const { return p_; }
  // Capacity of the ways grid lines allocate into.
  double grid_capacity_bytes() const {
    return static_cast<double>(sets_) * p_.read_ways * p_.line_bytes;
  }
  // Bytes of capacity ever allocated in the grid's ways (a new line counts whole, more sectors of
  // a present line nothing): the LRU stack-distance clock for ranges tracked beside the sets.
  double grid_clock_bytes() const { return grid_clock_; }

 private:
  void apply_pollution(uint64_t set);
  void insert_streams(uint64_t set, uint64_t lines);
  uint64_t set_of(uint64_t line) const;

  L2Params p_;
  uint64_t sets_;
  uint64_t set_magic_;  // fast modulo by sets_ (Lemire et al. 2019) for lines below 2^32
  uint32_t sector_shift_, line_shift_;
  uint32_t full_mask_;
  bool partitioned_;
  // Only the ways grid lines allocate into are kept: with a partition, the GPU's ways hold
  // streams that no read can hit, so they change nothing. Set s's ways are at s * read_ways, most
  // recently used first (true LRU without stamps: a hit moves to the front, a fill shifts the set
  // and drops the last). Tag 0 = empty (empties stay at the back), kStream = a polluting line,
  // else line + 1; valid is the sector bit mask.
  std::vector<uint64_t> tag_;
  std::vector<uint32_t> valid_;
  // Per class: lines per set inserted so far, and per set how many were applied (fixed point).
  // With a partition the GPU class's are not applied (see above).
  double polluted_lines_[2] = {0, 0};
  uint64_t pollution_[2] = {0, 0};
  std::vector<uint64_t> seen_[2];
  double grid_clock_ = 0;
};

}  // namespace ngpc
