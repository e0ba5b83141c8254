// Address-level model of the GPU's L2 as the NGPC sees it: set-associative, sectored, LRU. Grid
// misses of the NFPs are looked up by address (all NFPs read the same tables, so one NFP's fetch
// can serve another's miss); streaming traffic that is never re-read (the GPU's rest kernels,
// grid fills) is accounted as "pollution": that many distinct lines inserted evenly over the sets,
// evicting by their bytes. Pure C++, no SystemC: the memory system owns one shared instance, the
// sampler a scaled one (docs/memory.md).
#pragma once

#include <cstdint>
#include <vector>

namespace ngpc {

struct L2Params {
  uint64_t capacity_bytes = 6291456;  // 6 MiB, GA102 [spec §1]
  uint32_t line_bytes = 128;          // NVIDIA L2 line [CUDA C++ Best Practices Guide]
  uint32_t sector_bytes = 32;         // DRAM access granularity [same]
  uint32_t ways = 16;                 // [est] not published for GA102
  uint32_t read_ways = 0;  // ways a read may allocate into (way partitioning); 0 = all
};

class L2Cache {
 public:
  // Throws std::invalid_argument on a geometry that is not whole sectors per line (1..32), lines
  // of at least one sector, or a capacity below one set.
  explicit L2Cache(const L2Params& p);

  // Reads `bytes` (> 0) at byte address `addr`, within one line. Returns the bytes that missed
  // (whole sectors), which are then installed; the line becomes most recently used.
  uint32_t read(uint64_t addr, uint32_t bytes);

  // `bytes` of distinct, never re-read lines pass through (spread evenly over the sets, applied
  // lazily per set when it is next touched, which is exact for LRU since sets are independent).
  void pollute(double bytes);

  uint64_t sets() const { return sets_; }
  const L2Params& params() const { return p_; }
  // Bytes ever installed (sector misses, pollution): the stack-distance clock used for ranges.
  double inserted_bytes() const { return inserted_; }

 private:
  void apply_pollution(uint64_t set);

  L2Params p_;
  uint64_t sets_;
  uint32_t sector_shift_, line_shift_;
  uint32_t full_mask_;
  // Way w of set s at s * ways + w. tag 0 = empty, kStream = a polluting line, else line + 1.
  struct Way {
    uint64_t tag;
    uint64_t stamp;  // LRU
    uint32_t valid;  // sector bit mask
  };
  std::vector<Way> way_;
  std::vector<uint64_t> seen_;   // per set: pollution lines already applied (in 1/kFrac lines)
  uint64_t pollution_ = 0;       // lines per set inserted so far, fixed point (1/kFrac)
  uint64_t clock_ = 0;
  double inserted_ = 0;
};

}  // namespace ngpc
