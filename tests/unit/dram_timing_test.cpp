// The DRAM pattern model (models/memory/dram_timing.h) against the Ramulator 2.1 GDDR6 figures it
// is calibrated on (shared/reference/dram-gddr6-ramulator2.md), written out here: the sustained
// bandwidth of random lines, streams and their 50/50 mix, and the loaded-latency curves.
#include "models/memory/dram_timing.h"

#include <gtest/gtest.h>

namespace ngpc {
namespace {

constexpr double kPeak = 936e9;

DramTimingParams reference() {
  DramTimingParams p;
  p.peak_bytes_per_s = kPeak;
  p.random = {0.297, {46.9e-9, 75e-9, 108e-9, 169e-9}};
  p.stream = {0.891, {22.3e-9, 35e-9, 52e-9, 89e-9}};
  p.mix = {0.398, {39.8e-9, 69e-9, 98e-9, 180e-9}};
  return p;
}

// Bandwidth a traffic mix with random share f sustains: one second of DRAM time per
// (f x random cost + (1 - f) x stream cost) seconds per byte.
double sustained(const DramTimingParams& p, double f) {
  const DramCost c = dram_cost(p, f);
  return 1 / (f * c.random_s_per_byte + (1 - f) * c.stream_s_per_byte);
}

TEST(DramTiming, PatternsSustainTheReferenceBandwidths) {
  const DramTimingParams p = reference();
  EXPECT_NEAR(sustained(p, 1) / 1e9, 278, 278 * 0.002);    // random 64 B: 29.7 % of peak
  EXPECT_NEAR(sustained(p, 0) / 1e9, 835, 835 * 0.002);    // stream: 89.1 %
  EXPECT_NEAR(sustained(p, 0.5) / 1e9, 373, 373 * 0.002);  // 50/50 mix: 39.8 %, not the mean
}

TEST(DramTiming, MixingRandomLinesIntoAStreamNeverHelps) {
  const DramTimingParams p = reference();
  double last = sustained(p, 0);
  for (int i = 1; i <= 100; ++i) {
    const double s = sustained(p, i / 100.0);
    EXPECT_LT(s, last) << "random share " << i / 100.0;
    last = s;
  }
  // Random bytes cost the same whatever they are mixed with; streams pay for the rows random
  // requests close.
  EXPECT_EQ(dram_cost(p, 0.2).random_s_per_byte, dram_cost(p, 0.9).random_s_per_byte);
  EXPECT_GT(dram_cost(p, 0.5).stream_s_per_byte, dram_cost(p, 0).stream_s_per_byte);
  EXPECT_EQ(dram_cost(p, -1).stream_s_per_byte, dram_cost(p, 0).stream_s_per_byte);  // clamped
}

TEST(DramTiming, LatencyFollowsTheReferenceCurves) {
  const DramTimingParams p = reference();
  const double at[4] = {0, 0.5, 0.8, 0.95};
  const double rnd[4] = {46.9, 75, 108, 169}, str[4] = {22.3, 35, 52, 89},
               mix[4] = {39.8, 69, 98, 180};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(dram_latency_s(p, at[i], 1.0) * 1e9, rnd[i], 1e-9);
    EXPECT_NEAR(dram_latency_s(p, at[i], 0.0) * 1e9, str[i], 1e-9);
    EXPECT_NEAR(dram_latency_s(p, at[i], 0.5) * 1e9, mix[i], 1e-9);
  }
  // Linear between the points: random at 65 % of saturation, halfway from 75 to 108 ns.
  EXPECT_NEAR(dram_latency_s(p, 0.65, 1.0) * 1e9, 91.5, 1e-9);
  // Between the curves linearly in the random share: 3/4 random at idle.
  EXPECT_NEAR(dram_latency_s(p, 0, 0.75) * 1e9, 0.5 * 39.8 + 0.5 * 46.9, 1e-9);
  // The knee, where the latency reaches twice the unloaded value: the reference puts it at 71 %
  // of saturation for random lines and streams and 65 % for the mix. Linear interpolation between
  // its points of a convex curve reaches it earlier: 67, 67 and 61 %; within 5 points.
  auto knee = [&](double share) {
    double lo = 0, hi = 1;
    for (int i = 0; i < 100; ++i) {
      const double mid = 0.5 * (lo + hi);
      (dram_latency_s(p, mid, share) < 2 * dram_latency_s(p, 0, share) ? lo : hi) = mid;
    }
    return lo;
  };
  EXPECT_NEAR(knee(1.0), 0.71, 0.05);
  EXPECT_NEAR(knee(0.0), 0.71, 0.05);
  EXPECT_NEAR(knee(0.5), 0.65, 0.05);
  EXPECT_LT(knee(1.0), 0.71);  // pessimistic, never optimistic
}

TEST(DramTiming, SaturatedLatencyKeepsGrowing) {
  const DramTimingParams p = reference();
  // Beyond 95 % the last segment's slope continues: random at 100 %, 169 + 0.05 / 0.15 x 61 ns.
  EXPECT_NEAR(dram_latency_s(p, 1.0, 1.0) * 1e9, 169 + 61.0 / 3, 1e-9);
  double last = 0;
  for (int i = 0; i <= 120; ++i) {
    const double l = dram_latency_s(p, i / 100.0, 1.0);
    EXPECT_GT(l, last);
    last = l;
  }
  EXPECT_EQ(dram_latency_s(p, -0.5, 1.0), dram_latency_s(p, 0, 1.0));  // clamped below
}

TEST(DramTiming, BandwidthModelIsAnIdealServer) {
  DramTimingParams p = reference();
  p.pattern_aware = false;
  p.fixed_latency_s = 400e-9;
  EXPECT_NEAR(sustained(p, 1), kPeak, 1);
  EXPECT_NEAR(sustained(p, 0.5), kPeak, 1);
  EXPECT_EQ(dram_latency_s(p, 0.99, 1.0), 400e-9);
}

}  // namespace
}  // namespace ngpc
