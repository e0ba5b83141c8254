#include "models/memory/l2_cache.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace ngpc {
namespace {

constexpr uint64_t kStream = UINT64_MAX;  // tag of a polluting line: never matches a lookup
constexpr uint64_t kFracBits = 16;        // fixed-point fraction of the per-set pollution count

bool is_pow2(uint64_t v) {
  return v != 0 && (v & (v - 1)) == 0;
}

uint32_t log2u(uint64_t v) {
  uint32_t s = 0;
  while ((uint64_t{1} << s) < v) ++s;
  return s;
}

}  // namespace

L2Cache::L2Cache(const L2Params& p) : p_(p) {
  if (!is_pow2(p.sector_bytes) || !is_pow2(p.line_bytes) || p.line_bytes < p.sector_bytes ||
      p.line_bytes / p.sector_bytes > 32)
    throw std::invalid_argument(
        "L2: line and sector sizes must be powers of two with 1..32 "
        "sectors per line");
  if (p.ways == 0) throw std::invalid_argument("L2: ways must be >= 1");
  if (p.read_ways == 0 || p.read_ways > p.ways) p_.read_ways = p.ways;
  partitioned_ = p_.read_ways < p_.ways;
  const uint64_t set_bytes = uint64_t{p.line_bytes} * p.ways;
  if (p.capacity_bytes < set_bytes)
    throw std::invalid_argument("L2: capacity " + std::to_string(p.capacity_bytes) +
                                " B is below one set (" + std::to_string(set_bytes) + " B)");
  sets_ = p.capacity_bytes / set_bytes;
  sector_shift_ = log2u(p.sector_bytes);
  line_shift_ = log2u(p.line_bytes);
  const uint32_t sectors = p.line_bytes / p.sector_bytes;
  full_mask_ = sectors == 32 ? UINT32_MAX : (1u << sectors) - 1;
  way_.assign(sets_ * p.ways, Way{0, 0, 0});
  seen_[0].assign(sets_, 0);
  seen_[1].assign(sets_, 0);
}

// `lines` streaming lines enter ways [from, to) of `set`, each evicting that range's LRU way.
void L2Cache::evict_into(uint64_t set, uint32_t from, uint32_t to, uint64_t lines) {
  Way* ways = way_.data() + set * p_.ways;
  const uint64_t k = std::min<uint64_t>(lines, to - from);
  for (uint64_t i = 0; i < k; ++i) {
    uint32_t victim = from;
    for (uint32_t w = from + 1; w < to; ++w)
      if (ways[w].stamp < ways[victim].stamp) victim = w;
    ways[victim] = Way{kStream, ++clock_, 0};
  }
}

void L2Cache::apply_pollution(uint64_t set) {
  for (int c = 0; c < 2; ++c) {
    const uint64_t pending = (pollution_[c] - seen_[c][set]) >> kFracBits;
    if (pending == 0) continue;
    seen_[c][set] += pending << kFracBits;
    // Grid class: the grid's ways; the other class: the rest, or every way when not partitioned.
    if (c == static_cast<int>(L2Class::Grid))
      evict_into(set, 0, p_.read_ways, pending);
    else
      evict_into(set, partitioned_ ? p_.read_ways : 0, p_.ways, pending);
  }
}

void L2Cache::pollute(double bytes, L2Class cls) {
  if (!(bytes > 0)) return;
  if (cls == L2Class::Grid || !partitioned_) grid_clock_ += bytes;
  // Accumulated in floating point and rounded once, so many small streams lose nothing.
  const int c = static_cast<int>(cls);
  polluted_lines_[c] += bytes / p_.line_bytes / static_cast<double>(sets_);
  pollution_[c] = static_cast<uint64_t>(polluted_lines_[c] * double(uint64_t{1} << kFracBits));
}

uint32_t L2Cache::read(uint64_t addr, uint32_t bytes) {
  const uint64_t line = addr >> line_shift_;
  const uint32_t first = static_cast<uint32_t>((addr & (p_.line_bytes - 1)) >> sector_shift_);
  const uint32_t last = static_cast<uint32_t>(
      ((addr & (p_.line_bytes - 1)) + std::max(bytes, 1u) - 1) >> sector_shift_);
  const uint32_t span = std::min(last, (p_.line_bytes >> sector_shift_) - 1) - first + 1;
  const uint32_t mask = (span >= 32 ? UINT32_MAX : ((1u << span) - 1)) << first & full_mask_;
  const uint64_t set = line % sets_;
  apply_pollution(set);
  Way* ways = way_.data() + set * p_.ways;
  uint32_t victim = 0;
  for (uint32_t w = 0; w < p_.ways; ++w) {
    Way& x = ways[w];
    if (x.tag == line + 1) {
      const uint32_t missing = mask & ~x.valid;
      x.valid |= mask;
      x.stamp = ++clock_;
      return static_cast<uint32_t>(__builtin_popcount(missing)) * p_.sector_bytes;
    }
    if (w < p_.read_ways && x.stamp < ways[victim].stamp) victim = w;
  }
  ways[victim] = Way{line + 1, ++clock_, mask};
  grid_clock_ += p_.line_bytes;
  return static_cast<uint32_t>(__builtin_popcount(mask)) * p_.sector_bytes;
}

}  // namespace ngpc
