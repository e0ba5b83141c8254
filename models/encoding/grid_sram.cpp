#include "models/encoding/grid_sram.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ngpc {
namespace {

[[noreturn]] void bad_sram(const std::string& what) {
  throw std::invalid_argument("grid SRAM: " + what);
}

// A set's tags, most recently used first (see GridSram::tags16_).
template <class T>
bool set_hit(T* set, uint32_t ways, T tag) {
  for (uint32_t k = 0; k < ways; ++k) {
    if (set[k] != tag) continue;
    std::memmove(set + 1, set, k * sizeof(T));
    set[0] = tag;
    return true;
  }
  return false;
}

template <class T>
void set_fill(T* set, uint32_t ways, T tag) {
  std::memmove(set + 1, set, (ways - 1) * sizeof(T));
  set[0] = tag;
}

// The same for four 16-bit tags in one word, without branches on the way: lane k is tag k.
bool set_hit4(uint16_t* set, uint16_t tag) {
  uint64_t w;
  std::memcpy(&w, set, sizeof w);
  constexpr uint64_t kOnes = 0x0001000100010001u, kHigh = 0x8000800080008000u;
  const uint64_t x = w ^ (kOnes * tag);
  // The lowest zero lane of x is exact (borrows only make lanes above a zero look zero), and a
  // tag is in at most one way.
  const uint64_t zero = (x - kOnes) & ~x & kHigh;
  if (zero == 0) return false;
  const int k = __builtin_ctzll(zero) >> 4;
  const uint64_t below = w & ((uint64_t{1} << (16 * k)) - 1);
  const uint64_t above = w & ((~uint64_t{0} << (16 * k)) << 16);
  w = above | below << 16 | tag;
  std::memcpy(set, &w, sizeof w);
  return true;
}

void set_fill4(uint16_t* set, uint16_t tag) {
  uint64_t w;
  std::memcpy(&w, set, sizeof w);
  w = w << 16 | tag;
  std::memcpy(set, &w, sizeof w);
}

// The per-read helpers below are called a few times per corner read: inlined into the group
// functions, the call itself no longer costs more than the lookup (perf, 2026-12-02).
#define NGPC_HOT inline __attribute__((always_inline))

[[noreturn]] __attribute__((noinline, cold)) void out_of_range(uint32_t entry, uint64_t entries) {
  throw std::out_of_range("grid SRAM: entry " + std::to_string(entry) + " of a " +
                          std::to_string(entries) + "-entry level");
}

}  // namespace

GridSram::GridSram(const GridSramParams& params, uint64_t level_entries, uint32_t entry_bytes)
    : params_(params), level_entries_(level_entries), entry_bytes_(entry_bytes) {
  if (params.banks == 0) bad_sram("banks must be >= 1");
  if (params.ports_per_bank == 0) bad_sram("ports_per_bank must be >= 1");
  if (params.associativity == 0) bad_sram("associativity must be >= 1");
  if (entry_bytes == 0) bad_sram("entry_bytes must be >= 1");
  if (params.line_bytes == 0 || params.line_bytes % entry_bytes != 0) {
    bad_sram("line_bytes (" + std::to_string(params.line_bytes) +
             ") must be a non-zero multiple of the entry size (" + std::to_string(entry_bytes) +
             " bytes) so that no entry straddles two lines");
  }
  if (params.replicas == 0) bad_sram("replicas must be >= 1");
  fits_ = params.policy == SramPolicy::Resident || table_bytes() <= params.capacity_bytes;
  entries_per_line_ = params.line_bytes / entry_bytes;
  banks_pow2_ = (params.banks & (params.banks - 1)) == 0;
  line_shift_ = -1;
  for (int sh = 0; sh < 32; ++sh) {
    if ((1u << sh) == entries_per_line_) line_shift_ = sh;
  }
  narrow_tags_ = (level_entries + entries_per_line_ - 1) / entries_per_line_ < UINT16_MAX;
  if (fits_) {
    resident_entries_ = level_entries;
  } else if (params.policy == SramPolicy::Static) {
    resident_entries_ = params.capacity_bytes / entry_bytes;
  } else {
    resident_entries_ = 0;
  }
  const uint64_t set_bytes = static_cast<uint64_t>(params.line_bytes) * params.associativity;
  sets_ = static_cast<uint32_t>(
      std::min<uint64_t>(std::max<uint64_t>(params.capacity_bytes / set_bytes, 1), UINT32_MAX));
  sets_magic_ = UINT64_MAX / sets_ + 1;
  // Only a Cache that cannot hold the whole table keeps tags, allocated on first use: an engine
  // that never simulates addresses (sampled mode) then costs no memory for them.
  bank_count_.assign(static_cast<size_t>(params.banks) * params.replicas, 0);
}

uint64_t GridSram::resident_bytes() const {
  return resident_entries_ * entry_bytes_;
}

void GridSram::reset() {
  std::fill(tags16_.begin(), tags16_.end(), uint16_t{0});
  std::fill(tags32_.begin(), tags32_.end(), 0u);
}

void GridSram::prefetch(uint32_t entry) const {
  const size_t at = static_cast<size_t>(set_of(line_of(entry))) * params_.associativity;
  if (!tags16_.empty()) __builtin_prefetch(tags16_.data() + at, 1);
  if (!tags32_.empty()) __builtin_prefetch(tags32_.data() + at, 1);
}

NGPC_HOT bool GridSram::cache_lookup(uint32_t line) {
  const uint32_t a = params_.associativity;
  const size_t at = static_cast<size_t>(set_of(line)) * a;
  if (!narrow_tags_) return set_hit(tags32_.data() + at, a, line + 1);
  const auto tag = static_cast<uint16_t>(line + 1);
  return a == 4 ? set_hit4(tags16_.data() + at, tag) : set_hit(tags16_.data() + at, a, tag);
}

NGPC_HOT void GridSram::cache_allocate(uint32_t line) {
  const uint32_t a = params_.associativity;
  const size_t at = static_cast<size_t>(set_of(line)) * a;
  if (!narrow_tags_) return set_fill(tags32_.data() + at, a, line + 1);
  const auto tag = static_cast<uint16_t>(line + 1);
  if (a == 4) {
    set_fill4(tags16_.data() + at, tag);
  } else {
    set_fill(tags16_.data() + at, a, tag);
  }
}

// Reads the caller's array, not the merged copy being written (a wide load of freshly stored words
// stalls on store forwarding).
NGPC_HOT void GridSram::check_range(const uint32_t* entry_indices, uint32_t n) const {
  uint32_t largest = 0;
  for (uint32_t i = 0; i < n; ++i) largest = std::max(largest, entry_indices[i]);
  if (__builtin_expect(largest >= level_entries_, 0)) out_of_range(largest, level_entries_);
}

void GridSram::ensure_tags() {
  if (!keeps_tags() || !tags16_.empty() || !tags32_.empty()) return;
  const size_t n = static_cast<size_t>(sets_) * params_.associativity;
  if (narrow_tags_) {
    tags16_.assign(n, 0);
  } else {
    tags32_.assign(n, 0);
  }
}

// The group's distinct lines that were not resident: fetched once each, in order, and (Cache)
// installed after all of the group's lookups.
NGPC_HOT uint32_t GridSram::fill_missing(uint32_t nl, std::vector<uint32_t>* missed_lines) {
  const bool install = params_.policy == SramPolicy::Cache;
  uint32_t missed = 0;
  for (uint32_t k = 0; k < nl; ++k) {
    if (line_hit_[k]) continue;
    ++missed;
    if (missed_lines) missed_lines->push_back(lines_[k]);
    if (install) cache_allocate(lines_[k]);
  }
  return missed;
}

uint32_t GridSram::touch_groups(const uint32_t* entry_indices, uint32_t n, uint32_t group_reads,
                                std::vector<uint32_t>* missed_lines) {
  if (n == 0 || fits_) return 0;
  group_reads = std::min(std::max(group_reads, 1u), n);
  // One range check and one scratch and tag check for the whole chunk: with one input per group
  // (hash grids) these cost as much as the group's lookups (perf, 2026-12-04).
  check_range(entry_indices, n);
  if (lines_.size() < group_reads) {
    lines_.resize(group_reads);
    line_hit_.resize(group_reads);
  }
  ensure_tags();
  const bool is_static = params_.policy == SramPolicy::Static;
  uint32_t* lines = lines_.data();
  uint8_t* line_hit = line_hit_.data();
  uint32_t total = 0;
  for (uint32_t g0 = 0; g0 < n; g0 += group_reads) {
    const uint32_t* group = entry_indices + g0;
    const uint32_t reads = std::min(group_reads, n - g0);
    // The group's distinct lines in order of first appearance: the order access_group looks
    // them up and fills them in (merging duplicate entries first does not change it).
    uint32_t nl = 0;
    for (uint32_t i = 0; i < reads; ++i) {
      const uint32_t e = group[i];
      if (is_static && e < resident_entries_) continue;
      const uint32_t line = line_of(e);
      bool seen = false;
      for (uint32_t k = nl; k-- > 0 && !seen;) seen = lines[k] == line;
      if (seen) continue;
      lines[nl] = line;
      line_hit[nl] = !is_static && cache_lookup(line);
      ++nl;
    }
    total += fill_missing(nl, missed_lines);
  }
  return total;
}

SramGroupResult GridSram::access_group(const uint32_t* entry_indices, uint32_t n,
                                       std::vector<uint32_t>* missed_lines,
                                       const uint8_t* bank_hint) {
  SramGroupResult r{0, 0, 0, 0};
  if (n == 0) return r;
  if (distinct_.size() < n) {
    distinct_.resize(n);
    lines_.resize(n);
    line_hit_.resize(n);
  }

  // Merge duplicate reads. Groups are usually 4..64 reads, where a linear scan of the entries
  // kept so far is cheaper than sorting (and keeps the order of first appearance); big groups
  // sort instead.
  check_range(entry_indices, n);
  uint32_t* s = distinct_.data();
  uint32_t m = 0;
  if (n <= 64) {
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t v = entry_indices[i];
      bool dup = false;
      for (uint32_t j = 0; j < m; ++j) dup |= s[j] == v;
      s[m] = v;
      m += dup ? 0 : 1;
    }
  } else {
    std::copy(entry_indices, entry_indices + n, s);
    std::sort(s, s + n);
    m = static_cast<uint32_t>(std::unique(s, s + n) - s);
  }
  ensure_tags();

  // Bank conflicts: the busiest bank serialises the group.
  const uint32_t bank_mask = params_.banks - 1;
  auto bank_of = [&](uint32_t e) { return banks_pow2_ ? (e & bank_mask) : (e % params_.banks); };
  uint32_t busiest = 0;
  if (bank_hint == nullptr && params_.replicas == 1 && banks_pow2_ && params_.banks <= 8 &&
      m < 256) {
    // Up to 8 banks: one byte-wide counter per bank in a register. Counting in memory chains
    // each increment on the previous one's store when reads share a bank.
    uint64_t packed = 0;
    for (uint32_t i = 0; i < m; ++i) packed += uint64_t{1} << ((s[i] & bank_mask) * 8);
    for (uint32_t b = 0; b < params_.banks; ++b)
      busiest = std::max(busiest, static_cast<uint32_t>((packed >> (b * 8)) & 0xff));
  } else if (bank_hint == nullptr && params_.replicas == 1) {
    for (uint32_t i = 0; i < m; ++i) busiest = std::max(busiest, ++bank_count_[bank_of(s[i])]);
    for (uint32_t i = 0; i < m; ++i) bank_count_[bank_of(s[i])] = 0;
  } else {
    // By place in the group: read j goes to copy j x replicas / n and to its bank there.
    const uint64_t copies = params_.replicas;
    auto slot = [&](uint32_t j) {
      const uint64_t copy = uint64_t{j} * copies / n;
      const uint32_t b = bank_hint ? bank_hint[j] % params_.banks : bank_of(entry_indices[j]);
      return static_cast<size_t>(copy * params_.banks + b);
    };
    for (uint32_t j = 0; j < n; ++j) {
      const uint64_t copy = uint64_t{j} * copies / n;
      bool dup = false;
      for (uint32_t i = 0; i < j && !dup; ++i)
        dup = entry_indices[i] == entry_indices[j] && uint64_t{i} * copies / n == copy;
      if (!dup) busiest = std::max(busiest, ++bank_count_[slot(j)]);
    }
    for (uint32_t j = 0; j < n; ++j) bank_count_[slot(j)] = 0;
  }
  r.cycles = params_.ports_per_bank == 1
                 ? busiest
                 : (busiest + params_.ports_per_bank - 1) / params_.ports_per_bank;

  if (fits_) {
    r.hits = m;
  } else {
    // Distinct lines touched by the group (Static: only the missing ones). The backward search
    // finds a line shared with the previous entry first, the common case for x-neighbours.
    uint32_t* lines = lines_.data();
    uint8_t* line_hit = line_hit_.data();
    uint32_t nl = 0;
    auto find_line = [&](uint32_t line) {
      for (uint32_t k = nl; k-- > 0;) {
        if (lines[k] == line) return k;
      }
      return nl;
    };
    const bool is_static = params_.policy == SramPolicy::Static;
    for (uint32_t i = 0; i < m; ++i) {
      if (is_static && s[i] < resident_entries_) {
        ++r.hits;
        continue;
      }
      const uint32_t line = line_of(s[i]);
      uint32_t k = find_line(line);
      if (k == nl) {
        lines[nl] = line;
        // All lookups see the state at the start of the group; the fills come after, so a
        // line fetched by this group cannot evict a line this same group hits on.
        line_hit[nl] = !is_static && cache_lookup(line);
        ++nl;
      }
      if (line_hit[k]) {
        ++r.hits;
      } else {
        ++r.misses;
      }
    }
    const uint32_t missed = fill_missing(nl, missed_lines);  // distinct missing lines
    r.miss_bytes = static_cast<uint64_t>(missed) * params_.line_bytes;
    stats_.miss_lines += missed;
  }

  ++stats_.groups;
  stats_.reads += n;
  stats_.distinct_reads += m;
  stats_.hits += r.hits;
  stats_.misses += r.misses;
  stats_.miss_bytes += r.miss_bytes;
  stats_.cycles += r.cycles;
  return r;
}

}  // namespace ngpc
