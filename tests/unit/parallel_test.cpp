// The host thread pool: every piece runs once, results land where their index says, and an
// exception in a piece reaches the caller (never std::terminate on a pool thread).
#include "models/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

namespace ngpc {
namespace {

class ParallelFor : public ::testing::TestWithParam<unsigned> {
 protected:
  void SetUp() override { set_host_threads(GetParam()); }
  void TearDown() override { set_host_threads(0); }
};

TEST_P(ParallelFor, RunsEveryPieceExactlyOnce) {
  std::vector<std::atomic<int>> hits(1000);
  parallel_for(hits.size(), [&](size_t i) { hits[i].fetch_add(1); });
  for (size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(hits[i].load(), 1) << i;
}

TEST_P(ParallelFor, NestedCallsRunInline) {
  std::vector<std::atomic<int>> hits(64);
  parallel_for(8, [&](size_t i) {
    parallel_for(8, [&](size_t j) { hits[i * 8 + j].fetch_add(1); });
  });
  for (size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(hits[i].load(), 1) << i;
}

TEST_P(ParallelFor, TheLowestFailingPieceIsRethrownToTheCaller) {
  std::atomic<int> ran{0};
  try {
    parallel_for(100, [&](size_t i) {
      ran.fetch_add(1);
      if (i == 37 || i == 80) throw std::runtime_error("piece " + std::to_string(i));
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "piece 37");
  }
  // The pool is usable afterwards.
  std::atomic<int> after{0};
  parallel_for(10, [&](size_t) { after.fetch_add(1); });
  EXPECT_EQ(after.load(), 10);
  EXPECT_GE(ran.load(), 38);
}

INSTANTIATE_TEST_SUITE_P(Threads, ParallelFor, ::testing::Values(1u, 2u, 4u));

}  // namespace
}  // namespace ngpc
