#include "models/memory/l2_cache.h"

#include <algorithm>
#include <cstring>
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

// Without -mpopcnt (a build for any x86-64), __builtin_popcount is a call into libgcc: 1 % of a
// NeRF 4K NGPC-64 run (perf, 2026-12-04). The bit-parallel count inlines.
uint32_t popcount32(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  return (((x + (x >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;
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
  set_magic_ = UINT64_MAX / sets_ + 1;
  tag_.assign(sets_ * p_.read_ways, 0);
  valid_.assign(sets_ * p_.read_ways, 0);
  seen_[0].assign(sets_, 0);
  seen_[1].assign(sets_, 0);
}

// `lines` streaming lines enter the set as most recently used, each evicting its LRU way.
void L2Cache::insert_streams(uint64_t set, uint64_t lines) {
  const uint32_t ways = p_.read_ways;
  const auto k = static_cast<uint32_t>(std::min<uint64_t>(lines, ways));
  uint64_t* tag = tag_.data() + set * ways;
  uint32_t* valid = valid_.data() + set * ways;
  std::memmove(tag + k, tag, sizeof(uint64_t) * (ways - k));
  std::memmove(valid + k, valid, sizeof(uint32_t) * (ways - k));
  std::fill(tag, tag + k, kStream);
  std::fill(valid, valid + k, 0u);
}

void L2Cache::apply_pollution(uint64_t set) {
  // Grid class first, then the GPU's, as both were inserted; with a partition the GPU's lines
  // enter ways no read looks at.
  const int classes = partitioned_ ? 1 : 2;
  for (int c = 0; c < classes; ++c) {
    const uint64_t pending = (pollution_[c] - seen_[c][set]) >> kFracBits;
    if (pending == 0) continue;
    seen_[c][set] += pending << kFracBits;
    insert_streams(set, pending);
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

uint64_t L2Cache::set_of(uint64_t line) const {
  if (line >> 32 || sets_ >> 32) return line % sets_;
  // Lemire, Kaser, Kurz, "Faster remainder by direct computation" (2019): exact for 32-bit
  // operands, and a multiply instead of a 64-bit division on every read.
  __extension__ using u128 = unsigned __int128;
  const uint64_t low = set_magic_ * line;
  return static_cast<uint64_t>((u128{low} * sets_) >> 64);
}

uint32_t L2Cache::read(uint64_t addr, uint32_t bytes) {
  const uint64_t line = addr >> line_shift_;
  const uint32_t first = static_cast<uint32_t>((addr & (p_.line_bytes - 1)) >> sector_shift_);
  const uint32_t last = static_cast<uint32_t>(
      ((addr & (p_.line_bytes - 1)) + std::max(bytes, 1u) - 1) >> sector_shift_);
  const uint32_t span = std::min(last, (p_.line_bytes >> sector_shift_) - 1) - first + 1;
  const uint32_t mask = (span >= 32 ? UINT32_MAX : ((1u << span) - 1)) << first & full_mask_;
  const uint64_t set = set_of(line);
  apply_pollution(set);
  const uint32_t ways = p_.read_ways;
  uint64_t* tag = tag_.data() + set * ways;
  uint32_t* valid = valid_.data() + set * ways;
  const uint64_t key = line + 1;
  uint32_t w = 0;
  while (w < ways && tag[w] != key && tag[w] != 0) ++w;
  // A hit moves way w to the front; a miss enters at the front over the first empty way or the
  // LRU one.
  const bool hit = w < ways && tag[w] == key;
  const uint32_t had = hit ? valid[w] : 0;
  const uint32_t keep = hit ? w : std::min(w, ways - 1);
  std::memmove(tag + 1, tag, sizeof(uint64_t) * keep);
  std::memmove(valid + 1, valid, sizeof(uint32_t) * keep);
  tag[0] = key;
  valid[0] = had | mask;
  if (!hit) grid_clock_ += p_.line_bytes;
  return popcount32(mask & ~had) * p_.sector_bytes;
}

}  // namespace ngpc
