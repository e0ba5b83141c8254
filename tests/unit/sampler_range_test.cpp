// The sampler's counted ranges within a batch (models/sampling/encode_sampler.h): where they sit,
// how they wrap, and that evenly spread phases cover every query of a batch equally often.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "models/sampling/encode_sampler.h"

namespace ngpc {
namespace {

// How often each query of a `count`-query batch is counted over `m` phases (k + 0.5) / m.
std::vector<int> coverage(uint64_t count, uint64_t len, int m) {
  std::vector<int> hits(count, 0);
  for (int k = 0; k < m; ++k) {
    const CountedRange r = counted_range((k + 0.5) / m, count, len);
    // The NFP runs [0, head) first, then [begin, begin + len - head).
    EXPECT_LE(r.head, len);
    EXPECT_LT(r.begin, count);
    EXPECT_EQ(r.head > 0, r.begin + len > count) << "wraps exactly when it runs past the end";
    for (uint64_t q = 0; q < r.head; ++q) ++hits[q];
    for (uint64_t q = r.begin; q < r.begin + (len - r.head); ++q) {
      EXPECT_LT(q, count);
      ++hits[q];
    }
  }
  return hits;
}

TEST(SamplerRange, EvenlySpreadPhasesCountEveryQueryOfABatchEquallyOften) {
  // 64 phases 64 queries apart over a 4096-query batch, ranges of 1024: each query lies in
  // exactly 1024 / 64 = 16 of them, its first and last ones included. A range kept inside the
  // batch (begin = phase x (count - len)) counts query 0 once and the middle ones 21 or 22 times.
  const std::vector<int> hits = coverage(4096, 1024, 64);
  for (uint64_t q = 0; q < hits.size(); ++q) ASSERT_EQ(hits[q], 16) << "query " << q;
  // Ranges of 3000 of 4000 queries, 40 phases 100 apart: 3000 / 100 = 30 each.
  const std::vector<int> h2 = coverage(4000, 3000, 40);
  for (uint64_t q = 0; q < h2.size(); ++q) ASSERT_EQ(h2[q], 30) << "query " << q;
}

TEST(SamplerRange, RangesThatFitDoNotWrapAndWholeBatchesStartAtZero) {
  const CountedRange a = counted_range(0.25, 4096, 1024);  // [1024, 2048)
  EXPECT_EQ(a.begin, 1024u);
  EXPECT_EQ(a.head, 0u);
  const CountedRange b = counted_range(0.875, 4096, 1024);  // [3584, 4096) then [0, 512)
  EXPECT_EQ(b.begin, 3584u);
  EXPECT_EQ(b.head, 512u);
  const CountedRange c = counted_range(0.999999, 100, 10);  // the last query, then [0, 9)
  EXPECT_EQ(c.begin, 99u);
  EXPECT_EQ(c.head, 9u);
  for (uint64_t len : {4096u, 5000u}) {  // the whole batch: no phase, no wrap
    const CountedRange w = counted_range(0.5, 4096, len);
    EXPECT_EQ(w.begin, 0u);
    EXPECT_EQ(w.head, 0u);
  }
}

}  // namespace
}  // namespace ngpc
