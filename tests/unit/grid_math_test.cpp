// Grid math against the spec's vectors (§2) and hand-computed values. Every expected number is
// written out with the arithmetic that produced it; none is taken from this code's output.
#include "models/encoding/grid_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

namespace ngpc {
namespace {

GridParams nerf_paper_grid() {  // NeRF (paper era) / NSDF: HashGrid L16 F2 T2^19, 16 .. 2048
  GridParams p;
  p.type = GridType::Hash;
  p.dims = 3;
  p.levels = 16;
  p.features = 2;
  p.log2_table_size = 19;
  p.base_resolution = 16;
  p.per_level_scale = 0;
  p.n_max = 2048;
  return p;
}

TEST(GridMath, DerivedPerLevelScale) {
  // b = (2048/16)^(1/15) = 2^(7/15) = 1.3819128799...
  EXPECT_NEAR(derived_per_level_scale(16, 16, 2048), 1.3819128799, 1e-6);
  // (28359/16)^(1/15) = 1772.4375^(1/15) = exp(7.48012/15) = 1.646537...
  EXPECT_NEAR(derived_per_level_scale(16, 16, 28359), 1.646537, 1e-5);
  EXPECT_EQ(derived_per_level_scale(1, 16, 2048), 1.0);
  EXPECT_THROW(derived_per_level_scale(16, 16, 0), std::invalid_argument);
}

TEST(GridMath, NerfPaperGridResolutionsAndSize) {
  const GridLayout g = make_grid_layout(nerf_paper_grid());
  const uint32_t expected_res[16] = {16,  23,  31,  43,  59,  81,   112,  154,
                                     213, 295, 407, 562, 777, 1073, 1483, 2048};  // spec §2
  ASSERT_EQ(g.levels.size(), 16u);
  for (uint32_t l = 0; l < 16; ++l) EXPECT_EQ(g.levels[l].resolution, expected_res[l]) << l;
  EXPECT_EQ(g.levels[0].scale, 15.0f);  // exp2f(0) * 16 - 1, exact

  // 5 dense levels: r^3 = 4096, 12167, 29791, 79507, 205379 <= 2^19 = 524288, rounded up to a
  // multiple of 8: 4096, 12168, 29792, 79512, 205384. 81^3 = 531441 > 2^19: hashed from level 5.
  const uint32_t dense_entries[5] = {4096, 12168, 29792, 79512, 205384};
  uint64_t offset = 0;
  for (uint32_t l = 0; l < 16; ++l) {
    const GridLevel& lv = g.levels[l];
    EXPECT_EQ(lv.offset, offset) << l;
    if (l < 5) {
      EXPECT_FALSE(lv.hashed) << l;
      EXPECT_EQ(lv.entries, dense_entries[l]) << l;
    } else {
      EXPECT_TRUE(lv.hashed) << l;
      EXPECT_EQ(lv.entries, 524288u) << l;
    }
    offset += lv.entries;
  }
  // 4096 + 12168 + 29792 + 79512 + 205384 = 330952; + 11 * 524288 = 6098120 entries;
  // x F2 = 12,196,240 parameters (spec §2); x 2 B = 24,392,480 B = 23.26 MiB.
  EXPECT_EQ(g.total_entries, 6098120u);
  EXPECT_EQ(g.parameters, 12196240u);
  EXPECT_EQ(g.entry_bytes, 4u);
  EXPECT_EQ(g.bytes, 24392480u);
  EXPECT_NEAR(g.bytes / 1048576.0, 23.3, 0.05);
  EXPECT_EQ(g.corners, 8u);
}

TEST(GridMath, GiaTokyoIs346MiB) {
  GridParams p = nerf_paper_grid();
  p.dims = 2;
  p.log2_table_size = 24;
  p.n_max = 28359;  // Tokyo: image width / 2 (spec §2)
  const GridLayout g = make_grid_layout(p);
  EXPECT_EQ(g.levels.front().resolution, 16u);
  EXPECT_EQ(g.corners, 4u);
  EXPECT_EQ(std::lround(g.bytes / 1048576.0), 346);  // spec §2
  // The finest levels have r^2 > 2^24 = 16,777,216 (r > 4096) and use the full table.
  EXPECT_TRUE(g.levels.back().hashed);
  EXPECT_EQ(g.levels.back().entries, 1u << 24);
  EXPECT_FALSE(g.levels.front().hashed);
}

TEST(GridMath, DenseGridEightLevels) {
  GridParams p;
  p.type = GridType::Dense;
  p.levels = 8;
  p.features = 4;
  p.base_resolution = 16;
  p.per_level_scale = 1.405;
  const GridLayout g = make_grid_layout(p);
  // s_l = 16 * 1.405^l - 1; r_l = ceil(s_l) + 1:
  // 15 -> 16; 21.48 -> 23; 30.58 -> 32; 43.38 -> 45; 61.35 -> 63; 86.6 -> 88; 122.08 -> 124;
  // 171.92 -> 173 (spec §2: "res 16...173").
  const uint32_t expected_res[8] = {16, 23, 32, 45, 63, 88, 124, 173};
  for (uint32_t l = 0; l < 8; ++l) {
    EXPECT_EQ(g.levels[l].resolution, expected_res[l]) << l;
    EXPECT_FALSE(g.levels[l].hashed) << l;
  }
  // Dense: no table cap, r^3 rounded up to 8: 16^3 = 4096, 23^3 = 12167 -> 12168,
  // 173^3 = 5177717 -> 5177720.
  EXPECT_EQ(g.levels[0].entries, 4096u);
  EXPECT_EQ(g.levels[1].entries, 12168u);
  EXPECT_EQ(g.levels[7].entries, 5177720u);
}

TEST(GridMath, TiledGridTwoLevels) {
  GridParams p;
  p.type = GridType::Tiled;
  p.levels = 2;
  p.features = 8;
  p.base_resolution = 128;
  p.per_level_scale = 1.0;
  const GridLayout g = make_grid_layout(p);
  ASSERT_EQ(g.levels.size(), 2u);
  for (const GridLevel& lv : g.levels) {
    EXPECT_EQ(lv.scale, 127.0f);
    EXPECT_EQ(lv.resolution, 128u);
    EXPECT_EQ(lv.entries, 2097152u);  // min(128^3, 128^3) = 2,097,152
    EXPECT_FALSE(lv.hashed);
  }
  EXPECT_EQ(g.levels[1].offset, 2097152u);
  // 2 * 2^21 entries * 8 features * 2 B = 64 MiB.
  EXPECT_EQ(g.bytes, 64u * 1048576u);
}

TEST(GridMath, CoherentPrimeHashHandValues) {
  const uint32_t zero[3] = {0, 0, 0};
  EXPECT_EQ(coherent_prime_hash(zero, 3), 0u);
  // (1,1,1): 1 ^ 2654435761 ^ 805459861 = 0x1 ^ 0x9E3779B1 ^ 0x30025795 = 0xAE352E25.
  const uint32_t ones[3] = {1, 1, 1};
  EXPECT_EQ(coherent_prime_hash(ones, 3), 0xAE352E25u);
  EXPECT_EQ(coherent_prime_hash(ones, 3), 2922720805u);
  // Wrap-around: 2 * 2654435761 = 5308871522 - 2^32 = 1013904226.
  const uint32_t y2[3] = {0, 2, 0};
  EXPECT_EQ(coherent_prime_hash(y2, 3), 1013904226u);
  // 6 * 805459861 = 4832759166 - 2^32 = 537791870.
  const uint32_t z6[3] = {0, 0, 6};
  EXPECT_EQ(coherent_prime_hash(z6, 3), 537791870u);
  // 2-D (3,5): 5 * 2654435761 = 13272178805 - 3 * 2^32 = 387276917; ^ 3 flips the low bits
  // ...01 -> ...10: 387276918.
  const uint32_t xy[2] = {3, 5};
  EXPECT_EQ(coherent_prime_hash(xy, 2), 387276918u);
  // (1024,1024,1024): each product is the prime << 10 (mod 2^32): 0x400 ^ 0xDDE6C400 ^
  // 0x095E5400 = 0xD4B89400.
  const uint32_t k[3] = {1024, 1024, 1024};
  EXPECT_EQ(coherent_prime_hash(k, 3), 0xD4B89400u);
}

TEST(GridMath, DenseIndexIsXFastest) {
  const uint32_t p[3] = {3, 5, 7};
  // 3 + 5 * 16 + 7 * 256 = 1875
  EXPECT_EQ(grid_index(GridType::Hash, 4096, 16, p, 3), 1875u);
  EXPECT_EQ(grid_index(GridType::Dense, 4096, 16, p, 3), 1875u);
  const uint32_t q[3] = {1, 2, 3};
  // 1 + 2 * 23 + 3 * 529 = 1634 (level 1 of the NeRF grid, 12168 entries)
  EXPECT_EQ(grid_index(GridType::Hash, 12168, 23, q, 3), 1634u);
  // The +1 corner at the top face wraps: 16 + 16 * 16 + 16 * 256 = 4368, % 4096 = 272.
  const uint32_t top[3] = {16, 16, 16};
  EXPECT_EQ(grid_index(GridType::Hash, 4096, 16, top, 3), 272u);
}

TEST(GridMath, HashedIndexIsHashModT) {
  const uint32_t ones[3] = {1, 1, 1};
  // 2048^3 > 2^19: hashed. 0xAE352E25 & 0x7FFFF = 0x52E25 = 339493.
  EXPECT_EQ(grid_index(GridType::Hash, 1u << 19, 2048, ones, 3), 339493u);
  // A Dense grid never hashes; the guarded loop stops after y (stride 2048^2 > 2^19):
  // 1 + 1 * 2048 = 2049.
  EXPECT_EQ(grid_index(GridType::Dense, 1u << 19, 2048, ones, 3), 2049u);
  // Tiled grid finer than its tile: tcnn's loop stops once the stride exceeds the table
  // (stride 1 -> 100 -> 10000 > 4096), so z is dropped: 1 + 2 * 100 = 201, % 4096 = 201.
  const uint32_t p[3] = {1, 2, 3};
  EXPECT_EQ(grid_index(GridType::Tiled, 4096, 100, p, 3), 201u);
}

TEST(GridMath, LevelCornersHandExample) {
  const GridLayout g = make_grid_layout(nerf_paper_grid());
  // Level 0: scale 15. x = (0.25, 0.5, 0.75) -> p = (4.25, 8.0, 11.75) (all exact in float):
  // cell (4, 8, 11), frac (0.25, 0, 0.75).
  const float x[3] = {0.25f, 0.5f, 0.75f};
  uint32_t idx[8];
  float w[8];
  level_corners(g, 0, x, idx, w);
  // corner id bit i -> +1 along dim i; index = cx + 16 cy + 256 cz; weight = prod of (1-f) / f.
  EXPECT_EQ(idx[0], 2948u);  // (4,8,11): 4 + 128 + 2816
  EXPECT_EQ(w[0], 0.1875f);  // 0.75 * 1 * 0.25
  EXPECT_EQ(idx[1], 2949u);  // (5,8,11)
  EXPECT_EQ(w[1], 0.0625f);  // 0.25 * 1 * 0.25
  EXPECT_EQ(idx[2], 2964u);  // (4,9,11): 4 + 144 + 2816
  EXPECT_EQ(w[2], 0.0f);
  EXPECT_EQ(idx[4], 3204u);  // (4,8,12): 4 + 128 + 3072
  EXPECT_EQ(w[4], 0.5625f);  // 0.75 * 1 * 0.75
  EXPECT_EQ(idx[5], 3205u);  // (5,8,12)
  EXPECT_EQ(w[5], 0.1875f);  // 0.25 * 1 * 0.75
  EXPECT_EQ(w[3] + w[6] + w[7], 0.0f);

  // Level 15: in exact arithmetic s = 16 * 128 - 1 = 2047, but tcnn's float log2f(b) makes
  // 15 * log2f(b) fall just short of 7, so s is a hair below 2047; ceil still gives 2048.
  EXPECT_NEAR(g.levels[15].scale, 2047.0f, 2047.0f * 1e-5f);
  EXPECT_LE(g.levels[15].scale, 2047.0f);
  // x = 0 gives p = fmaf(s, 0, 0.5) = 0.5 whatever s is: cell (0,0,0), frac 0.5, all eight
  // weights 0.125 exactly. Hashed level, & 0x7FFFF (2^19 - 1):
  //   (0,0,0) -> 0; (1,0,0) -> 1; (0,1,0) -> 0x9E3779B1 & 0x7FFFF = 0x779B1 = 489905;
  //   (1,1,0) -> 0x779B0 = 489904; (0,0,1) -> 0x30025795 & 0x7FFFF = 0x25795 = 153493;
  //   (1,0,1) -> 153492; (0,1,1) -> 0x779B1 ^ 0x25795 = 0x52E24 = 339492; (1,1,1) -> 339493.
  const float origin[3] = {0.0f, 0.0f, 0.0f};
  level_corners(g, 15, origin, idx, w);
  const uint32_t expected[8] = {0, 1, 489905, 489904, 153493, 153492, 339492, 339493};
  for (int c = 0; c < 8; ++c) {
    EXPECT_EQ(idx[c], expected[c]) << c;
    EXPECT_EQ(w[c], 0.125f) << c;
  }
}

TEST(GridMath, WeightsSumToOneAndReproduceX) {
  const GridLayout g = make_grid_layout(nerf_paper_grid());
  const GridLevel& lv = g.levels[0];  // dense, res 16: corner coordinates recoverable from index
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.0f, 0.95f);  // keeps the +1 corner below 16
  for (int t = 0; t < 1000; ++t) {
    const float x[3] = {u(rng), u(rng), u(rng)};
    uint32_t idx[8];
    float w[8];
    level_corners(g, 0, x, idx, w);
    double sum = 0, rx[3] = {0, 0, 0};
    for (int c = 0; c < 8; ++c) {
      sum += w[c];
      rx[0] += w[c] * (idx[c] % 16);
      rx[1] += w[c] * (idx[c] / 16 % 16);
      rx[2] += w[c] * (idx[c] / 256);
    }
    EXPECT_NEAR(sum, 1.0, 1e-6);
    for (int d = 0; d < 3; ++d) EXPECT_NEAR((rx[d] - 0.5) / lv.scale, x[d], 1e-5) << d;
  }
  // Hashed level: every index is inside the table.
  for (int t = 0; t < 1000; ++t) {
    const float x[3] = {u(rng), u(rng), u(rng)};
    uint32_t idx[8];
    float w[8];
    level_corners(g, 12, x, idx, w);
    for (int c = 0; c < 8; ++c) EXPECT_LT(idx[c], g.levels[12].entries);
  }
}

// level_corners must give exactly grid_index of each corner (it evaluates it in a factored form)
// on every level of every grid type, including the faces x = 0 and x = 1 where the +1 corner
// wraps and positions slightly outside the unit cube.
TEST(GridMath, LevelCornersMatchGridIndex) {
  std::vector<GridParams> grids;
  grids.push_back(nerf_paper_grid());
  GridParams gia = nerf_paper_grid();
  gia.dims = 2;
  gia.log2_table_size = 24;
  gia.n_max = 28359;
  grids.push_back(gia);
  GridParams dense;
  dense.type = GridType::Dense;
  dense.levels = 8;
  dense.per_level_scale = 1.405;
  grids.push_back(dense);
  GridParams tiled;
  tiled.type = GridType::Tiled;
  tiled.levels = 4;
  tiled.base_resolution = 16;
  tiled.per_level_scale = 2.0;  // finer than the tile: exercises the stride guard
  grids.push_back(tiled);
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-0.01f, 1.01f);
  for (const GridParams& p : grids) {
    const GridLayout g = make_grid_layout(p);
    for (uint32_t l = 0; l < p.levels; ++l) {
      const GridLevel& lv = g.levels[l];
      for (int t = 0; t < 300; ++t) {
        float x[3] = {u(rng), u(rng), u(rng)};
        if (t == 0) x[0] = x[1] = x[2] = 1.0f;
        if (t == 1) x[0] = x[1] = x[2] = 0.0f;
        uint32_t idx[8];
        float w[8];
        level_corners(g, l, x, idx, w);
        uint32_t cell[3];
        for (uint32_t d = 0; d < p.dims; ++d) {
          cell[d] =
              static_cast<uint32_t>(static_cast<int>(std::floor(std::fma(lv.scale, x[d], 0.5f))));
        }
        for (uint32_t c = 0; c < g.corners; ++c) {
          uint32_t pos[3];
          for (uint32_t d = 0; d < p.dims; ++d) pos[d] = cell[d] + ((c >> d) & 1u);
          ASSERT_EQ(idx[c], grid_index(p.type, lv.entries, lv.resolution, pos, p.dims))
              << "level " << l << " corner " << c;
          ASSERT_LT(idx[c], lv.entries);
        }
      }
    }
  }
}

TEST(GridMath, RejectsBadParams) {
  auto bad = [](void (*edit)(GridParams&)) {
    GridParams p;
    edit(p);
    return p;
  };
  EXPECT_THROW(make_grid_layout(bad([](GridParams& p) { p.dims = 4; })), std::invalid_argument);
  EXPECT_THROW(make_grid_layout(bad([](GridParams& p) { p.dims = 1; })), std::invalid_argument);
  EXPECT_THROW(make_grid_layout(bad([](GridParams& p) { p.features = 3; })), std::invalid_argument);
  EXPECT_THROW(make_grid_layout(bad([](GridParams& p) { p.levels = 0; })), std::invalid_argument);
  EXPECT_THROW(make_grid_layout(bad([](GridParams& p) { p.levels = 33; })), std::invalid_argument);
  EXPECT_THROW(make_grid_layout(bad([](GridParams& p) { p.log2_table_size = 32; })),
               std::invalid_argument);
  EXPECT_THROW(make_grid_layout(bad([](GridParams& p) { p.base_resolution = 0; })),
               std::invalid_argument);
  EXPECT_THROW(make_grid_layout(bad([](GridParams& p) { p.per_level_scale = -1; })),
               std::invalid_argument);
  EXPECT_THROW(make_grid_layout(bad([](GridParams& p) { p.n_max = 0; })), std::invalid_argument);
  EXPECT_THROW(make_grid_layout(bad([](GridParams& p) { p.per_level_scale = 1e6; })),
               std::invalid_argument);
  EXPECT_NO_THROW(make_grid_layout(bad([](GridParams& p) { p.levels = 32; })));
  GridParams one;
  one.levels = 1;
  EXPECT_EQ(make_grid_layout(one).per_level_scale, 1.0f);
}

}  // namespace
}  // namespace ngpc
