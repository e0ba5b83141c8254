// The address-level L2 (models/memory/l2_cache.h) against closed forms: a working set that fits
// always hits after its first touch; under independent references the hit rate is Che's
// approximation, solved here per set; streaming pollution lowers a reused set's hit rate by what
// LRU stack reasoning or Che with one-time references predicts; way partitioning keeps grid lines
// and streams apart; sectors are fetched one by one.
#include "models/memory/l2_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace ngpc {
namespace {

constexpr uint32_t kLine = 128;
constexpr uint32_t kWays = 16;
constexpr uint64_t kSets = 64;

L2Params small_l2(uint32_t grid_ways = 0) {
  L2Params p;
  p.capacity_bytes = kSets * kWays * kLine;  // 128 KiB: 64 sets x 16 ways
  p.line_bytes = kLine;
  p.sector_bytes = 32;
  p.ways = kWays;
  p.read_ways = grid_ways;
  return p;
}

// splitmix64: a fixed generator, so the sequences (and the measured rates) are the same on every
// standard library.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  uint64_t below(uint64_t n) { return next() % n; }
};

// Che's approximation for one LRU set of `ways` lines: items with per-reference probabilities
// p_i (of the whole reference stream) and `stream` one-time lines inserted per reference. The
// characteristic time t solves sum_i (1 - exp(-p_i t)) + stream * t = ways; item i hits with
// probability 1 - exp(-p_i t). Returns the hit probability mass sum_i p_i (1 - exp(-p_i t)).
double che_set_hits(const std::vector<double>& p, double ways, double stream = 0) {
  if (stream == 0 && p.size() <= ways) return std::accumulate(p.begin(), p.end(), 0.0);
  auto occupancy = [&](double t) {
    double s = stream * t;
    for (double q : p) s += -std::expm1(-q * t);
    return s;
  };
  double lo = 0, hi = 1;
  while (occupancy(hi) < ways) hi *= 2;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (occupancy(mid) < ways ? lo : hi) = mid;
  }
  double h = 0;
  for (double q : p) h += q * -std::expm1(-q * lo);
  return h;
}

uint64_t addr(uint64_t line) {
  return line * kLine;
}

TEST(L2Cache, GeometryIsSetsTimesWays) {
  L2Cache c(small_l2());
  EXPECT_EQ(c.sets(), kSets);
  L2Params ga102;  // the RTX 3090's 6 MiB, 128 B lines, 16 ways: 3072 sets
  EXPECT_EQ(L2Cache(ga102).sets(), 3072u);
}

TEST(L2Cache, BadGeometryIsRejected) {
  L2Params p = small_l2();
  p.sector_bytes = 48;
  EXPECT_THROW(L2Cache{p}, std::invalid_argument);
  p = small_l2();
  p.sector_bytes = 256;  // larger than the line
  EXPECT_THROW(L2Cache{p}, std::invalid_argument);
  p = small_l2();
  p.ways = 0;
  EXPECT_THROW(L2Cache{p}, std::invalid_argument);
  p = small_l2();
  p.capacity_bytes = kLine * kWays - 1;  // below one set
  EXPECT_THROW(L2Cache{p}, std::invalid_argument);
}

TEST(L2Cache, SectorsAreFetchedOneByOne) {
  L2Cache c(small_l2());
  // A 64 B read of a 128 B line with 32 B sectors fetches its two sectors, then hits.
  EXPECT_EQ(c.read(addr(5), 64), 64u);
  EXPECT_EQ(c.read(addr(5), 64), 0u);
  // The other half of the line is still missing; then the whole line is present.
  EXPECT_EQ(c.read(addr(5) + 64, 64), 64u);
  EXPECT_EQ(c.read(addr(5), 128), 0u);
  // A read straddling a sector boundary fetches both sectors it touches.
  EXPECT_EQ(c.read(addr(9) + 16, 32), 64u);
  EXPECT_EQ(c.read(addr(9), 32), 0u);
  EXPECT_EQ(c.read(addr(9) + 32, 32), 0u);
  EXPECT_EQ(c.read(addr(9) + 64, 32), 32u);
  // A one-byte read costs a whole sector.
  EXPECT_EQ(c.read(addr(11) + 100, 1), 32u);
}

TEST(L2Cache, WorkingSetThatFitsHitsAfterFirstTouch) {
  L2Cache c(small_l2());
  const uint64_t lines = kSets * kWays;  // exactly the capacity, kWays lines in every set
  uint64_t first = 0;
  for (uint64_t l = 0; l < lines; ++l) first += c.read(addr(l), kLine);
  EXPECT_EQ(first, lines * kLine);  // cold: every line fetched once
  Rng rng{1};
  uint64_t later = 0;
  for (int i = 0; i < 200000; ++i) later += c.read(addr(rng.below(lines)), kLine);
  EXPECT_EQ(later, 0u);
}

// Uniform independent references over F lines, F / sets per set: Che gives ways / (F / sets),
// which for equal rates is also LRU's exact hit rate.
TEST(L2Cache, UniformIndependentReferencesMatchChe) {
  for (const uint64_t per_set : {24u, 64u, 256u}) {
    L2Cache c(small_l2());
    const uint64_t F = per_set * kSets;
    Rng rng{per_set};
    for (int i = 0; i < 200000; ++i) c.read(addr(rng.below(F)), kLine);  // warm-up
    const int n = 1000000;
    uint64_t missed = 0;
    for (int i = 0; i < n; ++i) missed += c.read(addr(rng.below(F)), kLine);
    const double hit = 1 - double(missed) / (double(n) * kLine);
    const std::vector<double> p(per_set, 1.0 / double(F));
    const double che = che_set_hits(p, kWays) * kSets;
    EXPECT_NEAR(che, double(kWays) / per_set, 1e-9);
    // Binomial standard deviation <= 0.0005 at 1e6 references: 0.005 is ten of them.
    std::printf("  %3d lines per set: measured %.4f, Che %.4f\n", int(per_set), hit, che);
    EXPECT_NEAR(hit, che, 0.005) << per_set << " lines per set";
  }
}

// A Zipf-like popularity (p_i ~ 1 / i^0.9) over 8192 lines, the lines' addresses shuffled so the
// popular ones fall in random sets: Che per set (each set's own items, 16 ways).
TEST(L2Cache, ZipfIndependentReferencesMatchCheBySet) {
  const uint64_t N = 8192;
  const double alpha = 0.9;
  std::vector<double> p(N), cdf(N);
  double sum = 0;
  for (uint64_t i = 0; i < N; ++i) sum += p[i] = std::pow(double(i + 1), -alpha);
  double acc = 0;
  for (uint64_t i = 0; i < N; ++i) cdf[i] = (acc += p[i] /= sum);
  std::vector<uint64_t> line_of(N);
  std::iota(line_of.begin(), line_of.end(), 0);
  Rng shuffle{7};
  for (uint64_t i = N - 1; i > 0; --i) std::swap(line_of[i], line_of[shuffle.below(i + 1)]);
  std::vector<std::vector<double>> by_set(kSets);
  for (uint64_t i = 0; i < N; ++i) by_set[line_of[i] % kSets].push_back(p[i]);
  double che = 0;
  for (const auto& s : by_set) che += che_set_hits(s, kWays);

  L2Cache c(small_l2());
  Rng rng{11};
  auto draw = [&] {
    const uint64_t i = static_cast<uint64_t>(
        std::lower_bound(cdf.begin(), cdf.end(), rng.uniform()) - cdf.begin());
    return line_of[std::min(i, N - 1)];
  };
  for (int i = 0; i < 200000; ++i) c.read(addr(draw()), kLine);
  const int n = 2000000;
  uint64_t missed = 0;
  for (int i = 0; i < n; ++i) missed += c.read(addr(draw()), kLine);
  const double hit = 1 - double(missed) / (double(n) * kLine);
  std::printf("  Zipf 0.9 over 8192 lines: measured %.4f, Che by set %.4f\n", hit, che);
  // Che's approximation is not exact for 16 ways; measured here within 0.05 points of it, the
  // tolerance (0.5 points) also covers the sampling noise (standard deviation 0.04 points).
  EXPECT_NEAR(hit, che, 0.005) << "measured " << hit << ", Che " << che;
  EXPECT_GT(che, 0.3);  // a skewed distribution: far above the uniform 1024 / 8192
}

// A cyclic working set of W lines per set re-read every round, with k polluting lines per set
// inserted between rounds: LRU keeps the set iff W + k <= ways (stack distance W + k), and a
// cyclic set that does not fit misses every time.
TEST(L2Cache, CyclicReuseWithPollutionHitsIffItFits) {
  struct Case {
    uint64_t W, k;
  };
  for (const Case cs : {Case{8, 0}, Case{8, 8}, Case{8, 9}, Case{12, 4}, Case{12, 5}, Case{16, 0},
                        Case{4, 100}, Case{17, 0}}) {
    L2Cache c(small_l2());
    const uint64_t lines = cs.W * kSets;
    for (uint64_t l = 0; l < lines; ++l) c.read(addr(l), kLine);
    uint64_t missed = 0;
    for (int round = 0; round < 10; ++round) {
      c.pollute(double(cs.k * kSets * kLine));
      for (uint64_t l = 0; l < lines; ++l) missed += c.read(addr(l), kLine);
    }
    const double hit = 1 - double(missed) / (10.0 * lines * kLine);
    EXPECT_EQ(hit, cs.W + cs.k <= kWays ? 1.0 : 0.0) << "W " << cs.W << " k " << cs.k;
  }
}

// Uniform references over F lines per set with s one-time (streaming) lines per set inserted per
// reference: Che with one-time lines, F (1 - exp(-t / F)) + s t = ways, hit = 1 - exp(-t / F).
TEST(L2Cache, StreamingPollutionLowersIndependentHitsAsCheWithOneTimersPredicts) {
  const uint64_t per_set = 32;
  const uint64_t F = per_set * kSets;
  const std::vector<double> p(per_set, 1.0 / double(per_set));  // per reference to the set
  for (const double s : {0.0, 0.25, 0.5, 2.0}) {
    L2Cache c(small_l2());
    Rng rng{42};
    auto step = [&] {
      const uint32_t m = c.read(addr(rng.below(F)), kLine);
      // s lines per reference, spread over the sets: each set gets s / sets per reference and
      // one reference in sets, so s lines per reference to it.
      c.pollute(s * kLine);
      return m;
    };
    for (int i = 0; i < 200000; ++i) step();
    const int n = 1000000;
    uint64_t missed = 0;
    for (int i = 0; i < n; ++i) missed += step();
    const double hit = 1 - double(missed) / (double(n) * kLine);
    const double che = che_set_hits(p, kWays, s);
    std::printf("  stream %.2f lines per reference: measured %.4f, Che %.4f\n", s, hit, che);
    // Che with one-time references for a 16-way set is slightly optimistic: measured 0.2 to 0.3
    // points below it.
    EXPECT_NEAR(hit, che, 0.01) << "stream " << s << " lines per reference";
    if (s == 0) {
      EXPECT_NEAR(che, 0.5, 1e-9);
    }
  }
}

// Way partitioning: grid lines allocate only into their ways, streaming (other) traffic only into
// the rest, so a grid working set that fits its partition survives any GPU stream, and one that
// does not fit it misses even on an idle cache.
TEST(L2Cache, WayPartitioningSeparatesGridLinesFromStreams) {
  auto cyclic_hit = [](L2Params p, uint64_t W, double stream_lines_per_set, L2Class cls) {
    L2Cache c(p);
    const uint64_t lines = W * kSets;
    for (uint64_t l = 0; l < lines; ++l) c.read(addr(l), kLine);
    uint64_t missed = 0;
    for (int round = 0; round < 10; ++round) {
      c.pollute(stream_lines_per_set * kSets * kLine, cls);
      for (uint64_t l = 0; l < lines; ++l) missed += c.read(addr(l), kLine);
    }
    return 1 - double(missed) / (10.0 * lines * kLine);
  };
  // Shared: 4 grid lines per set + 100 GPU lines per set > 16 ways: every re-read misses.
  EXPECT_EQ(cyclic_hit(small_l2(), 4, 100, L2Class::Other), 0.0);
  // 4 of 16 ways for grid lines: the GPU stream takes the other 12 and never evicts them.
  EXPECT_EQ(cyclic_hit(small_l2(4), 4, 100, L2Class::Other), 1.0);
  // ... but grid-class streaming (fills) shares the grid ways: 4 + 1 > 4.
  EXPECT_EQ(cyclic_hit(small_l2(4), 4, 1, L2Class::Grid), 0.0);
  EXPECT_EQ(cyclic_hit(small_l2(4), 3, 1, L2Class::Grid), 1.0);
  // 8 grid lines per set fit 16 shared ways but not a 4-way partition.
  EXPECT_EQ(cyclic_hit(small_l2(), 8, 0, L2Class::Other), 1.0);
  EXPECT_EQ(cyclic_hit(small_l2(4), 8, 0, L2Class::Other), 0.0);
  // Capacity the grid class sees, for the stack-distance rule of fills.
  EXPECT_EQ(L2Cache(small_l2(4)).grid_capacity_bytes(), double(kSets * 4 * kLine));
  EXPECT_EQ(L2Cache(small_l2()).grid_capacity_bytes(), double(kSets * kWays * kLine));
}

// The insertion clock counts the capacity each insertion takes: a new line takes a whole line
// however few of its sectors were fetched; more sectors of a present line take nothing new; the
// grid class's clock counts what enters the grid ways.
TEST(L2Cache, InsertionClockCountsLinesAllocated) {
  L2Cache c(small_l2());
  c.read(addr(1), 64);
  EXPECT_EQ(c.grid_clock_bytes(), double(kLine));
  c.read(addr(1) + 64, 64);  // same line: no new allocation
  EXPECT_EQ(c.grid_clock_bytes(), double(kLine));
  c.pollute(4096, L2Class::Other);  // shared ways: streams age grid lines too
  EXPECT_EQ(c.grid_clock_bytes(), double(kLine) + 4096);
  L2Cache part(small_l2(4));
  part.read(addr(1), 64);
  part.pollute(4096, L2Class::Other);  // other ways only: the grid ways do not age
  part.pollute(1024, L2Class::Grid);
  EXPECT_EQ(part.grid_clock_bytes(), double(kLine) + 1024);
}

// A reference L2 written the plain way: every way of every set with an LRU stamp, pollution
// applied as each class's lines evicting the LRU way of the class's ways. The model keeps only
// the grid ways, most recently used first; on a random mix of reads, partial-line reads and
// both classes' pollution, with and without a partition, every read's missed bytes must match.
struct ReferenceL2 {
  struct Way {
    uint64_t tag = 0, stamp = 0;
    uint32_t valid = 0;
  };
  L2Params p;
  uint64_t sets;
  uint32_t rw;
  std::vector<Way> way;
  double lines_per_set[2] = {0, 0};
  std::vector<uint64_t> applied[2];
  uint64_t clock = 0;
  explicit ReferenceL2(const L2Params& q)
      : p(q),
        sets(q.capacity_bytes / (uint64_t{q.line_bytes} * q.ways)),
        rw(q.read_ways == 0 || q.read_ways > q.ways ? q.ways : q.read_ways),
        way(sets * q.ways) {
    applied[0].assign(sets, 0);
    applied[1].assign(sets, 0);
  }
  void evict(uint64_t s, uint32_t from, uint32_t to, uint64_t n) {
    for (uint64_t i = 0; i < std::min<uint64_t>(n, to - from); ++i) {
      uint32_t v = from;
      for (uint32_t w = from; w < to; ++w)
        if (way[s * p.ways + w].stamp < way[s * p.ways + v].stamp) v = w;
      way[s * p.ways + v] = Way{~0ull, ++clock, 0};
    }
  }
  void pollute(double bytes, L2Class cls) {
    lines_per_set[int(cls)] += bytes / p.line_bytes / double(sets);
  }
  uint32_t read(uint64_t a, uint32_t bytes) {
    const uint64_t line = a / p.line_bytes, s = line % sets;
    for (int c = 0; c < 2; ++c) {
      // The model's fixed point: whole lines per set, truncated, as they accumulate.
      const uint64_t due = uint64_t(lines_per_set[c] * 65536.0) >> 16;
      const bool grid = c == int(L2Class::Grid) || rw == p.ways;
      evict(s, grid ? 0 : rw, grid ? rw : p.ways, due - applied[c][s]);
      applied[c][s] = due;
    }
    uint32_t mask = 0;
    for (uint64_t b = a % p.line_bytes;
         b < std::min<uint64_t>(a % p.line_bytes + bytes, p.line_bytes); b += 1)
      mask |= 1u << (b / p.sector_bytes);
    Way* w = &way[s * p.ways];
    uint32_t v = 0;
    for (uint32_t i = 0; i < p.ways; ++i) {
      if (w[i].tag == line + 1) {
        const uint32_t missing = mask & ~w[i].valid;
        w[i].valid |= mask;
        w[i].stamp = ++clock;
        return uint32_t(__builtin_popcount(missing)) * p.sector_bytes;
      }
      if (i < rw && w[i].stamp < w[v].stamp) v = i;
    }
    w[v] = Way{line + 1, ++clock, mask};
    return uint32_t(__builtin_popcount(mask)) * p.sector_bytes;
  }
};

TEST(L2Cache, MostRecentFirstSetsMatchAStampedLruReference) {
  for (uint32_t grid_ways : {0u, 4u, 15u}) {
    for (uint64_t sets : {kSets, uint64_t{48}}) {  // 48: the fast modulo, not a mask
      L2Params p = small_l2(grid_ways);
      p.capacity_bytes = sets * kWays * kLine;
      L2Cache model(p);
      ReferenceL2 ref(p);
      Rng rng{grid_ways * 131 + sets};
      uint64_t missed = 0;
      for (int i = 0; i < 200000; ++i) {
        const uint64_t r = rng.below(100);
        if (r < 3) {
          const double bytes = double(rng.below(40 * kLine * sets));
          const L2Class cls = r == 0 ? L2Class::Grid : L2Class::Other;
          model.pollute(bytes, cls);
          ref.pollute(bytes, cls);
          continue;
        }
        // A skewed working set about 1.5 times the cache, partial and whole-line reads.
        const uint64_t line = rng.below(rng.below(2) ? 24 * sets : 3 * sets);
        const uint32_t off = uint32_t(rng.below(4)) * 32;
        const uint32_t bytes = std::min<uint32_t>(kLine - off, 32 * uint32_t(1 + rng.below(4)));
        const uint32_t got = model.read(addr(line) + off, bytes);
        ASSERT_EQ(got, ref.read(addr(line) + off, bytes))
            << "read " << i << ", read_ways " << grid_ways << ", sets " << sets;
        missed += got;
      }
      EXPECT_GT(missed, 0u);
    }
  }
}

}  // namespace
}  // namespace ngpc
