// The host thread pool: every piece runs once, results land where their index says, and an
// exception in a piece reaches the caller (never std::terminate on a pool thread).
#include "models/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
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
  parallel_for(8,
               [&](size_t i) { parallel_for(8, [&](size_t j) { hits[i * 8 + j].fetch_add(1); }); });
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

// then(i) runs on the calling thread, in index order, each after its fn(i): the serial loop's
// order, whichever thread ran the piece.
TEST_P(ParallelFor, OrderedFollowUpsRunInOrderOnTheCallerAfterTheirPiece) {
  const std::thread::id caller = std::this_thread::get_id();
  for (size_t n : {size_t{1}, size_t{2}, size_t{7}, size_t{500}}) {
    std::vector<std::atomic<int>> ran(n);
    std::vector<size_t> order;
    bool all_after = true, all_on_caller = true;
    parallel_for_ordered(
        n, [&](size_t i) { ran[i].fetch_add(1); },
        [&](size_t i) {
          all_after = all_after && ran[i].load() == 1;
          all_on_caller = all_on_caller && std::this_thread::get_id() == caller;
          order.push_back(i);
        });
    ASSERT_EQ(order.size(), n);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(order[i], i);
      EXPECT_EQ(ran[i].load(), 1) << i;
    }
    EXPECT_TRUE(all_after);
    EXPECT_TRUE(all_on_caller);
  }
}

// The first failure of the serial loop `fn(i); then(i);` is rethrown and no later then runs:
// a piece's (the lowest failing one), or a follow-up's.
TEST_P(ParallelFor, OrderedStopsAtTheFirstFailureInSerialOrder) {
  std::vector<size_t> followed;
  try {
    parallel_for_ordered(
        100,
        [&](size_t i) {
          if (i == 37 || i == 80) throw std::runtime_error("piece " + std::to_string(i));
        },
        [&](size_t i) { followed.push_back(i); });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "piece 37");
  }
  EXPECT_EQ(followed.size(), 37u);
  followed.clear();
  try {
    parallel_for_ordered(
        100,
        [&](size_t i) {
          if (i == 60) throw std::runtime_error("piece 60");
        },
        [&](size_t i) {
          followed.push_back(i);
          if (i == 20) throw std::runtime_error("then 20");
        });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "then 20");
  }
  EXPECT_EQ(followed.size(), 21u);
  // The pool is usable afterwards, and an ordered job nested in a piece runs inline.
  std::vector<std::atomic<int>> hits(64);
  parallel_for(8, [&](size_t i) {
    std::vector<size_t> inner;
    parallel_for_ordered(
        8, [&](size_t j) { hits[i * 8 + j].fetch_add(1); }, [&](size_t j) { inner.push_back(j); });
    if (inner.size() != 8) hits[i * 8].fetch_add(100);
  });
  for (size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(hits[i].load(), 1) << i;
}

INSTANTIATE_TEST_SUITE_P(Threads, ParallelFor, ::testing::Values(1u, 2u, 4u));

}  // namespace
}  // namespace ngpc
