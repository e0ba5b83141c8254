// Grid SRAM model: bank conflicts, duplicate merging, fit / static prefix / LRU cache behaviour.
// Expectations are reasoned by hand in the comments.
#include "models/encoding/grid_sram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <list>
#include <stdexcept>
#include <vector>

namespace ngpc {
namespace {

constexpr uint32_t kEntryBytes = 4;  // F = 2 x fp16

GridSramParams params_with(uint64_t capacity, SramPolicy policy) {
  GridSramParams p;
  p.capacity_bytes = capacity;
  p.banks = 8;
  p.ports_per_bank = 1;
  p.line_bytes = 64;  // 16 entries per line
  p.associativity = 4;
  p.policy = policy;
  return p;
}

TEST(GridSram, ConflictFreeGroupTakesOneCycle) {
  GridSram s(GridSramParams{}, 4096, kEntryBytes);  // 16 KiB table fits 1 MB
  const uint32_t e[8] = {0, 1, 2, 3, 4, 5, 6, 7};   // banks 0..7
  const SramGroupResult r = s.access_group(e, 8);
  EXPECT_EQ(r.cycles, 1u);
  EXPECT_EQ(r.hits, 8u);
  EXPECT_EQ(r.misses, 0u);
  EXPECT_EQ(r.miss_bytes, 0u);
}

TEST(GridSram, SameBankSerialises) {
  const uint32_t e[8] = {0, 8, 16, 24, 32, 40, 48, 56};  // all entry % 8 == 0: bank 0
  GridSram one_port(GridSramParams{}, 4096, kEntryBytes);
  EXPECT_EQ(one_port.access_group(e, 8).cycles, 8u);
  GridSramParams two = GridSramParams{};
  two.ports_per_bank = 2;
  GridSram two_ports(two, 4096, kEntryBytes);
  EXPECT_EQ(two_ports.access_group(e, 8).cycles, 4u);  // ceil(8 / 2)
  // 3 reads on bank 0 and 1 on bank 5 with 2 ports: ceil(3 / 2) = 2.
  const uint32_t f[4] = {0, 8, 16, 5};
  EXPECT_EQ(two_ports.access_group(f, 4).cycles, 2u);
}

TEST(GridSram, NonPowerOfTwoBanks) {
  GridSramParams p;
  p.banks = 6;
  GridSram s(p, 4096, kEntryBytes);
  const uint32_t e[4] = {0, 6, 12, 1};  // 0, 6, 12 on bank 0; 1 on bank 1
  EXPECT_EQ(s.access_group(e, 4).cycles, 3u);
}

TEST(GridSram, DuplicateReadsAreMerged) {
  GridSram s(GridSramParams{}, 4096, kEntryBytes);
  // Distinct 5, 13, 21: all on bank 5 -> 3 cycles, 3 reads.
  const uint32_t e[8] = {5, 5, 13, 5, 21, 13, 21, 5};
  SramGroupResult r = s.access_group(e, 8);
  EXPECT_EQ(r.cycles, 3u);
  EXPECT_EQ(r.hits + r.misses, 3u);
  // Eight reads of one entry: one read, broadcast.
  const uint32_t same[8] = {7, 7, 7, 7, 7, 7, 7, 7};
  r = s.access_group(same, 8);
  EXPECT_EQ(r.cycles, 1u);
  EXPECT_EQ(r.hits, 1u);
  EXPECT_EQ(s.stats().reads, 16u);
  EXPECT_EQ(s.stats().distinct_reads, 4u);
  EXPECT_EQ(s.stats().groups, 2u);
  EXPECT_EQ(s.stats().cycles, 4u);
}

TEST(GridSram, FittingTableAlwaysHits) {
  // 200,000 entries x 4 B = 800,000 B <= 1,000,000 B: loaded at frame start.
  for (SramPolicy policy : {SramPolicy::Cache, SramPolicy::Static}) {
    GridSram s(params_with(1000000, policy), 200000, kEntryBytes);
    EXPECT_TRUE(s.fits());
    EXPECT_EQ(s.table_bytes(), 800000u);
    EXPECT_EQ(s.resident_bytes(), 800000u);
    const uint32_t e[8] = {0, 199999, 123456, 77, 100000, 64, 3, 150000};
    const SramGroupResult r = s.access_group(e, 8);
    EXPECT_EQ(r.hits, 8u);
    EXPECT_EQ(r.misses, 0u);
    EXPECT_EQ(r.miss_bytes, 0u);
  }
}

TEST(GridSram, HashLevelDoesNotFitOneMegabyte) {
  // T = 2^19 entries x F2 x fp16 = 2,097,152 B = 2 MiB > 1,000,000 B (spec §1).
  GridSram s(GridSramParams{}, 1u << 19, kEntryBytes);
  EXPECT_EQ(s.table_bytes(), 2097152u);
  EXPECT_FALSE(s.fits());
  EXPECT_EQ(s.resident_bytes(), 0u);  // Cache policy: filled on demand
}

TEST(GridSram, StaticPrefixBoundary) {
  // 1000 B / 4 B = 250 resident entries (0..249) of a 1000-entry (4000 B) table.
  GridSram s(params_with(1000, SramPolicy::Static), 1000, kEntryBytes);
  EXPECT_FALSE(s.fits());
  EXPECT_EQ(s.resident_entries(), 250u);
  EXPECT_EQ(s.resident_bytes(), 1000u);
  const uint32_t last_resident[1] = {249};
  SramGroupResult r = s.access_group(last_resident, 1);
  EXPECT_EQ(r.hits, 1u);
  EXPECT_EQ(r.misses, 0u);
  const uint32_t first_missing[1] = {250};
  r = s.access_group(first_missing, 1);
  EXPECT_EQ(r.hits, 0u);
  EXPECT_EQ(r.misses, 1u);
  EXPECT_EQ(r.miss_bytes, 64u);
  // Lines are 16 entries: 249, 250, 255 in line 15 and 256 in line 16 -> 1 hit, 3 misses over
  // 2 lines = 128 B.
  const uint32_t mix[4] = {249, 250, 255, 256};
  r = s.access_group(mix, 4);
  EXPECT_EQ(r.hits, 1u);
  EXPECT_EQ(r.misses, 3u);
  EXPECT_EQ(r.miss_bytes, 128u);
  // Nothing is allocated: the same miss again.
  r = s.access_group(first_missing, 1);
  EXPECT_EQ(r.misses, 1u);
  EXPECT_EQ(r.miss_bytes, 64u);
}

TEST(GridSram, CacheMissThenHitOnSameLine) {
  GridSram s(GridSramParams{}, 1u << 20, kEntryBytes);  // 4 MiB table, 1 MB cache
  ASSERT_FALSE(s.fits());
  const uint32_t a[1] = {0};
  SramGroupResult r = s.access_group(a, 1);
  EXPECT_EQ(r.misses, 1u);
  EXPECT_EQ(r.miss_bytes, 64u);
  const uint32_t b[1] = {15};  // entry 15 * 4 B = byte 60: still line 0
  r = s.access_group(b, 1);
  EXPECT_EQ(r.hits, 1u);
  EXPECT_EQ(r.misses, 0u);
  EXPECT_EQ(r.miss_bytes, 0u);
  const uint32_t c[1] = {16};  // byte 64: line 1
  r = s.access_group(c, 1);
  EXPECT_EQ(r.misses, 1u);
  // A new frame empties the cache.
  s.reset();
  r = s.access_group(b, 1);
  EXPECT_EQ(r.misses, 1u);
}

TEST(GridSram, MissBytesCountDistinctLines) {
  GridSram s(GridSramParams{}, 1u << 20, kEntryBytes);
  // Entries 0, 1 (line 0), 16, 17 (line 1), 100 (line 6): 5 misses, 3 lines = 192 B.
  const uint32_t e[5] = {0, 1, 16, 17, 100};
  const SramGroupResult r = s.access_group(e, 5);
  EXPECT_EQ(r.misses, 5u);
  EXPECT_EQ(r.hits, 0u);
  EXPECT_EQ(r.miss_bytes, 192u);
  EXPECT_EQ(s.stats().miss_lines, 3u);
}

TEST(GridSram, LruEvictionTwoWays) {
  // 256 B / (64 B x 2 ways) = 2 sets; set = line % 2. Lines 0, 2, 4 (entries 0, 32, 64) share
  // set 0; line 1 (entry 16) is in set 1.
  GridSramParams p = params_with(256, SramPolicy::Cache);
  p.associativity = 2;
  GridSram s(p, 4096, kEntryBytes);
  ASSERT_EQ(s.sets(), 2u);
  auto read = [&](uint32_t entry) {
    const uint32_t e[1] = {entry};
    return s.access_group(e, 1);
  };
  EXPECT_EQ(read(0).misses, 1u);   // A = line 0 in
  EXPECT_EQ(read(32).misses, 1u);  // B = line 2 in; set 0 = {A, B}
  EXPECT_EQ(read(0).hits, 1u);     // A becomes most recent: LRU is B
  EXPECT_EQ(read(64).misses, 1u);  // C = line 4 evicts B: set 0 = {A, C}
  EXPECT_EQ(read(0).hits, 1u);     // A most recent again: LRU is C
  EXPECT_EQ(read(16).misses, 1u);  // set 1 untouched by set 0 traffic
  EXPECT_EQ(read(32).misses, 1u);  // B was evicted; it evicts C: set 0 = {A, B}
  EXPECT_EQ(read(0).hits, 1u);
  EXPECT_EQ(read(64).misses, 1u);  // C was evicted
  EXPECT_EQ(read(16).hits, 1u);
}

TEST(GridSram, GroupLooksUpBeforeItFills) {
  GridSramParams p = params_with(256, SramPolicy::Cache);
  p.associativity = 2;
  GridSram s(p, 4096, kEntryBytes);
  const uint32_t a[1] = {0};
  s.access_group(a, 1);  // line 0 resident in set 0
  // Lines 0 (hit), 2 and 4 (miss) all map to set 0. Line 0 is read from the state at the start
  // of the group, so it hits even though the two fills that follow overflow the 2-way set.
  const uint32_t g[3] = {64, 0, 32};
  const SramGroupResult r = s.access_group(g, 3);
  EXPECT_EQ(r.hits, 1u);
  EXPECT_EQ(r.misses, 2u);
  EXPECT_EQ(r.miss_bytes, 128u);
}

TEST(GridSram, EmptyGroupAndBadInput) {
  GridSram s(GridSramParams{}, 4096, kEntryBytes);
  const SramGroupResult r = s.access_group(nullptr, 0);
  EXPECT_EQ(r.cycles, 0u);
  EXPECT_EQ(r.hits + r.misses, 0u);
  const uint32_t out[1] = {4096};
  EXPECT_THROW(s.access_group(out, 1), std::out_of_range);
  GridSramParams bad;
  bad.banks = 0;
  EXPECT_THROW(GridSram(bad, 4096, kEntryBytes), std::invalid_argument);
  bad = GridSramParams{};
  bad.line_bytes = 6;  // not a multiple of a 4-byte entry
  EXPECT_THROW(GridSram(bad, 4096, kEntryBytes), std::invalid_argument);
}

TEST(GridSram, LargeGroupsGrowScratch) {
  // 64 reads (8 inputs x 8 corners) on 8 banks, 8 per bank -> 8 cycles.
  GridSram s(GridSramParams{}, 4096, kEntryBytes);
  uint32_t e[64];
  for (uint32_t i = 0; i < 64; ++i) e[i] = i;
  EXPECT_EQ(s.access_group(e, 64).cycles, 8u);
}

TEST(GridSram, BusiestBankCountsBeyondAByte) {
  // 200 and 300 distinct entries, all on bank 0 of 8: one read per cycle, 200 and 300 cycles
  // (the register-packed count holds up to 255 reads per bank, larger groups count in memory).
  GridSram s(GridSramParams{}, 4096, kEntryBytes);
  std::vector<uint32_t> e;
  for (uint32_t i = 0; i < 300; ++i) e.push_back(i * 8);
  EXPECT_EQ(s.access_group(e.data(), 200).cycles, 200u);
  EXPECT_EQ(s.access_group(e.data(), 300).cycles, 300u);
}

// touch_groups is access_group for its effect only (the sampler's warm-up), one call for a chunk
// of consecutive groups: the same missed lines in the same order as one access_group per group,
// and afterwards the same SRAM state, so every later group sees the same. For 4-way sets of
// 16-bit tags (the default machine), 2 ways, 32-bit tags, lines of 3 entries, and Static.
TEST(GridSram, TouchGroupsLeaveTheStateAccessGroupLeaves) {
  struct Case {
    SramPolicy policy;
    uint32_t ways, line_bytes;
    uint64_t entries;
  };
  for (const Case c :
       {Case{SramPolicy::Cache, 4, 64, 16384}, Case{SramPolicy::Static, 4, 64, 16384},
        Case{SramPolicy::Cache, 2, 64, 16384}, Case{SramPolicy::Cache, 4, 4, 1u << 17},
        Case{SramPolicy::Cache, 4, 12, 16383}}) {
    GridSramParams p = params_with(4096, c.policy);
    p.associativity = c.ways;
    p.line_bytes = c.line_bytes;
    GridSram counted(p, c.entries, kEntryBytes), touched(p, c.entries, kEntryBytes);
    ASSERT_FALSE(touched.fits());
    const auto entries = static_cast<uint32_t>(c.entries);
    uint64_t x = 12345;
    auto next = [&] {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      return static_cast<uint32_t>(x >> 33);
    };
    std::vector<uint32_t> b;
    for (int round = 0; round < 1000; ++round) {
      const uint32_t group = 1 + next() % 16, groups = 1 + next() % 6;
      const uint32_t n = (groups - 1) * group + 1 + next() % group;  // the last group shorter
      std::vector<uint32_t> e(n), a;
      // Clustered reads, as corners are: duplicates and shared lines within a group.
      const uint32_t base = next() % entries;
      for (uint32_t i = 0; i < n; ++i) e[i] = (base + next() % 40) % entries;
      uint64_t miss_bytes = 0;
      for (uint32_t g0 = 0; g0 < n; g0 += group)
        miss_bytes += counted.access_group(e.data() + g0, std::min(group, n - g0), &a).miss_bytes;
      b.assign(3, 7);  // appended to, not overwritten
      const uint32_t lines = touched.touch_groups(e.data(), n, group, &b);
      ASSERT_EQ(b.size(), a.size() + 3) << "round " << round;
      ASSERT_TRUE(std::equal(a.begin(), a.end(), b.begin() + 3)) << "round " << round;
      ASSERT_EQ(uint64_t{lines} * p.line_bytes, miss_bytes) << "round " << round;
    }
    // The same state: a probe of every line hits and misses alike in both.
    const uint32_t per_line = p.line_bytes / kEntryBytes;
    for (uint32_t line = 0; line < entries / per_line; ++line) {
      const uint32_t e[1] = {line * per_line};
      ASSERT_EQ(counted.access_group(e, 1).hits, touched.access_group(e, 1).hits) << line;
    }
  }
}

// The tag store keeps each set's lines most recently used first, with 16-bit tags (a 4-way set
// in one word) when the level's lines fit them and 32-bit tags otherwise. Against a plain
// true-LRU reference (a list per set, set = line mod sets, a group's lookups before its fills):
// every group's hits, misses and missed lines agree, for 4 ways (the one-word path), 3 and 8
// ways, and a level of 2^17 one-entry lines (32-bit tags).
TEST(GridSram, TagStoreIsTrueLruPerSet) {
  struct Case {
    uint32_t ways, line_bytes;
    uint64_t entries;
  };
  for (const Case c : {Case{4, 64, 1u << 19}, Case{3, 64, 1u << 19}, Case{8, 64, 1u << 19},
                       Case{4, 4, 1u << 17}, Case{2, 4, 1u << 17}}) {
    GridSramParams p = params_with(16384, SramPolicy::Cache);
    p.associativity = c.ways;
    p.line_bytes = c.line_bytes;
    GridSram s(p, c.entries, kEntryBytes);
    const uint32_t per_line = c.line_bytes / kEntryBytes;
    const uint32_t sets = s.sets();
    ASSERT_EQ(sets, 16384 / (c.line_bytes * c.ways));
    std::vector<std::list<uint32_t>> ref(sets);  // most recent first
    uint64_t x = 99;
    auto next = [&] {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      return static_cast<uint32_t>(x >> 33);
    };
    // A working set a few times the capacity, so that hits, fills into free ways and evictions
    // all happen in every set.
    const uint32_t span = std::min<uint64_t>(c.entries, 3 * 16384 / kEntryBytes);
    for (int round = 0; round < 20000; ++round) {
      uint32_t e[8];
      const uint32_t n = 1 + next() % 8;
      const uint32_t base = next() % span;
      for (uint32_t i = 0; i < n; ++i) e[i] = (base + next() % (3 * per_line)) % span;
      // Reference: distinct lines in order of first appearance, looked up on the state at the
      // start of the group, then the missing ones filled in that order.
      std::vector<uint32_t> lines;
      for (uint32_t i = 0; i < n; ++i)
        if (std::find(lines.begin(), lines.end(), e[i] / per_line) == lines.end())
          lines.push_back(e[i] / per_line);
      std::vector<uint32_t> want_missed;
      std::vector<bool> line_hit;
      for (uint32_t line : lines) {
        auto& set = ref[line % sets];
        auto it = std::find(set.begin(), set.end(), line);
        line_hit.push_back(it != set.end());
        if (it != set.end()) set.splice(set.begin(), set, it);
      }
      for (size_t k = 0; k < lines.size(); ++k) {
        if (line_hit[k]) continue;
        auto& set = ref[lines[k] % sets];
        want_missed.push_back(lines[k]);
        set.push_front(lines[k]);
        if (set.size() > c.ways) set.pop_back();
      }
      uint32_t want_hits = 0, want_misses = 0;
      std::vector<uint32_t> distinct;
      for (uint32_t i = 0; i < n; ++i) {
        if (std::find(distinct.begin(), distinct.end(), e[i]) != distinct.end()) continue;
        distinct.push_back(e[i]);
        const size_t k = std::find(lines.begin(), lines.end(), e[i] / per_line) - lines.begin();
        ++(line_hit[k] ? want_hits : want_misses);
      }
      std::vector<uint32_t> missed;
      const SramGroupResult r = s.access_group(e, n, &missed);
      ASSERT_EQ(r.hits, want_hits) << c.ways << " ways, round " << round;
      ASSERT_EQ(r.misses, want_misses) << c.ways << " ways, round " << round;
      ASSERT_EQ(missed, want_missed) << c.ways << " ways, round " << round;
    }
    EXPECT_GT(2 * s.stats().hits, s.stats().groups) << c.ways;  // the stream did reuse lines
    EXPECT_GT(s.stats().miss_lines, uint64_t{4} * sets * c.ways) << c.ways;  // and evicted
  }
}

}  // namespace
}  // namespace ngpc
