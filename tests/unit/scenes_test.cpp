// Procedural scenes: positions in range, deterministic and order-independent (counter-based RNG),
// with the spatial locality of ray marching, plus the positions-file reader's bounds checks.
#include "sim/scenes/scenes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "sim/error.h"
#include "sim/gpu_baseline/profile.h"
#include "sim/scenes/scene_common.h"
#include "sim/trace/trace_io.h"
#include "sim/workloads/generator.h"

namespace ngpc::trace {
namespace {

Trace make(const std::string& app, uint32_t w, uint32_t h, uint64_t seed = 1, uint32_t frames = 1) {
  GenOptions o;
  o.app = app;
  o.width = w;
  o.height = h;
  o.seed = seed;
  o.frames = frames;
  return generate_trace(o, gpu::default_gpu_profile());
}

std::vector<uint32_t> encode_kernels(const Frame& f) {
  std::vector<uint32_t> k;
  for (uint32_t i = 0; i < f.kernels.size(); ++i) {
    if (f.kernels[i].kind == "encode") k.push_back(i);
  }
  return k;
}

uint32_t dims_of(const Trace& t) {
  return t.encodings.front().dims;
}

std::vector<float> positions(const ngpc::PositionSource& src, const Trace& t, uint32_t kernel,
                             uint64_t first, uint32_t count, uint32_t frame = 0) {
  std::vector<float> out(size_t{count} * dims_of(t));
  src.positions(frame, kernel, first, count, dims_of(t), out.data());
  return out;
}

double dist(const float* a, const float* b, uint32_t dims) {
  double s = 0;
  for (uint32_t d = 0; d < dims; ++d) s += (a[d] - b[d]) * (a[d] - b[d]);
  return std::sqrt(s);
}

TEST(Scenes, SceneOfEachApp) {
  EXPECT_EQ(scene_for_app("nerf"), "nerf_object");
  EXPECT_EQ(scene_for_app("nsdf"), "sdf");
  EXPECT_EQ(scene_for_app("nvr"), "cloud");
  EXPECT_EQ(scene_for_app("gia"), "image");
  EXPECT_THROW(scene_for_app("doom"), InputError);
}

TEST(Scenes, EveryEncodeKernelGivesPositionsInTheUnitCube) {
  for (const char* app : {"nerf", "nsdf", "nvr", "gia"}) {
    const Trace t = make(app, 320, 180);
    const auto src = make_position_source(t);
    ASSERT_NE(src, nullptr) << app;
    const uint32_t dims = dims_of(t);
    for (uint32_t k : encode_kernels(t.frames[0])) {
      const uint64_t q = t.frames[0].kernels[k].queries;
      for (uint64_t first : {uint64_t{0}, q / 2, q - std::min<uint64_t>(q, 64)}) {
        const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(64, q - first));
        const auto p = positions(*src, t, k, first, n);
        for (size_t i = 0; i < p.size(); ++i) {
          ASSERT_TRUE(std::isfinite(p[i]) && p[i] >= 0 && p[i] <= 1)
              << app << " kernel " << k << " value " << i << " = " << p[i] << " dims " << dims;
        }
      }
    }
  }
}

TEST(Scenes, DeterministicAndIndependentOfHowRangesAreSplit) {
  for (const char* app : {"nerf", "nsdf", "nvr", "gia"}) {
    const Trace t = make(app, 256, 144, 7);
    const auto a = make_position_source(t);
    const auto b = make_position_source(make(app, 256, 144, 7));
    const uint32_t k = encode_kernels(t.frames[0]).back();
    const auto whole = positions(*a, t, k, 100, 200);
    EXPECT_EQ(whole, positions(*b, t, k, 100, 200)) << app;
    // Generated backwards in pieces: identical (no sequential RNG state). 137 splits a NeRF ray's
    // samples (worked out once per ray within a call).
    std::vector<float> pieces;
    const auto third = positions(*a, t, k, 200, 100);
    const auto second = positions(*a, t, k, 137, 63);
    const auto first = positions(*a, t, k, 100, 37);
    for (const auto* p : {&first, &second, &third})
      pieces.insert(pieces.end(), p->begin(), p->end());
    EXPECT_EQ(whole, pieces) << app;
  }
}

TEST(Scenes, SeedChangesTheScene) {
  for (const char* app : {"nerf", "nsdf", "nvr"}) {
    const Trace a = make(app, 256, 144, 1), b = make(app, 256, 144, 2);
    const uint32_t k = encode_kernels(a.frames[0]).front();
    EXPECT_NE(positions(*make_position_source(a), a, k, 0, 256),
              positions(*make_position_source(b), b, k, 0, 256))
        << app;
  }
}

// The property address-level detail needs: consecutive queries of a NeRF kernel land close
// together (same ray or neighbouring rays), far closer than random pairs.
TEST(Scenes, NerfConsecutiveQueriesAreCloserThanRandomPairs) {
  const Trace t = make("nerf", 640, 360);
  const auto src = make_position_source(t);
  for (uint32_t k : encode_kernels(t.frames[0])) {
    const uint64_t q = t.frames[0].kernels[k].queries;
    const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(q, 8192));
    if (n < 1024) continue;
    const auto p = positions(*src, t, k, 0, n);
    double consecutive = 0, random = 0;
    for (uint32_t i = 0; i + 1 < n; ++i) consecutive += dist(&p[3 * i], &p[3 * (i + 1)], 3);
    for (uint32_t i = 0; i + 1 < n; ++i) {
      const uint64_t j = scene::mix64(i) % n, l = scene::mix64(i + 1000003) % n;
      random += dist(&p[3 * j], &p[3 * l], 3);
    }
    EXPECT_LT(consecutive, 0.25 * random) << "kernel " << k;
  }
}

TEST(Scenes, OtherScenesHaveLocalityToo) {
  for (const char* app : {"nsdf", "nvr", "gia"}) {
    const Trace t = make(app, 640, 360);
    const auto src = make_position_source(t);
    const uint32_t dims = dims_of(t);
    const uint32_t k = encode_kernels(t.frames[0]).front();
    const uint32_t n = 8192;
    const auto p = positions(*src, t, k, 0, n);
    double consecutive = 0, random = 0;
    for (uint32_t i = 0; i + 1 < n; ++i) {
      consecutive += dist(&p[dims * i], &p[dims * (i + 1)], dims);
      random += dist(&p[dims * (scene::mix64(i) % n)], &p[dims * (scene::mix64(i + 77) % n)], dims);
    }
    EXPECT_LT(consecutive, 0.25 * random) << app;
  }
}

TEST(Scenes, NsdfNormalQueriesStraddleTheHitPoint) {
  const Trace t = make("nsdf", 320, 180);
  const auto src = make_position_source(t);
  const Frame& f = t.frames[0];
  // The six normal passes follow the first fd_normals_offset kernel: +x, +y, +z, -x, -y, -z.
  std::vector<uint32_t> normal;
  bool in_normals = false;
  for (uint32_t i = 0; i < f.kernels.size(); ++i) {
    if (f.kernels[i].name == "fd_normals_offset") in_normals = true;
    if (f.kernels[i].name == "prepare_shadow_rays") break;
    if (in_normals && f.kernels[i].kind == "encode") normal.push_back(i);
  }
  ASSERT_EQ(normal.size(), 6u);
  const double eps = t.positions.params["normal_epsilon"].get<double>();
  const auto px = positions(*src, t, normal[0], 0, 64), mx = positions(*src, t, normal[3], 0, 64);
  for (uint32_t i = 0; i < 64; ++i) {
    EXPECT_NEAR(px[3 * i] - mx[3 * i], 2 * eps, 1e-6) << i;
    EXPECT_NEAR(px[3 * i + 1], mx[3 * i + 1], 1e-6) << i;
  }
}

TEST(Scenes, GiaQueryIsItsPixelCentre) {
  const Trace t = make("gia", 64, 32);
  const auto src = make_position_source(t);
  const uint32_t k = encode_kernels(t.frames[0]).front();
  const double zoom = t.positions.params["zoom"].get<double>();
  const auto p = positions(*src, t, k, 0, 64 * 32);
  // Neighbours in a row are zoom / width apart in u; the middle of the screen is the centre.
  EXPECT_NEAR(p[2 * 1] - p[0], zoom / 64, 1e-6);
  EXPECT_NEAR(0.5 * (p[2 * (16 * 64 + 31)] + p[2 * (16 * 64 + 32)]), 0.5, 1e-6);
}

TEST(Scenes, ViewsAndRayCounts) {
  for (const char* app : {"nerf", "nsdf", "nvr"}) {
    const std::string scene = scene_for_app(app);
    const auto params = default_scene_params(scene, 1920, 1080, 1);
    const SceneRays r = scene_rays(scene, params, 1920, 1080, 0);
    // The object covers a sizeable part of the frame, but not all of it.
    EXPECT_GT(r.alive, 1920u * 1080 / 10) << app;
    EXPECT_LT(r.alive, 1920u * 1080 * 9 / 10) << app;
    EXPECT_LE(r.hits, r.alive) << app;
    EXPECT_GT(r.hits, 0u) << app;
  }
}

TEST(Scenes, BadParametersAreInputErrors) {
  Trace t = make("nerf", 64, 64);
  t.positions.params["camera"]["fov_y_deg"] = 500;
  EXPECT_THROW(make_position_source(t), InputError);
  t = make("nerf", 64, 64);
  t.positions.params.erase("blobs");
  EXPECT_THROW(make_position_source(t), InputError);
  t = make("nerf", 64, 64);
  t.positions.scene = "teapot";
  EXPECT_THROW(make_position_source(t), InputError);
  t.positions.type = "none";
  EXPECT_EQ(make_position_source(t), nullptr);
}

class PositionsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ngpc-positions-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    t_ = make("gia", 32, 16);
    t_.positions = {};
    t_.positions.type = "file";
    t_.positions.file = "pos.bin";
    t_.path = (dir_ / "trace.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write_floats(const std::vector<float>& v) {
    std::ofstream out(dir_ / "pos.bin", std::ios::binary);
    out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(float)));
  }
  std::filesystem::path dir_;
  Trace t_;
};

TEST_F(PositionsFile, ReadsQueriesInKernelOrder) {
  const uint64_t q = t_.frames[0].kernels[encode_kernels(t_.frames[0])[0]].queries;
  std::vector<float> v(2 * q);
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i % 1000) / 1000.0f;
  write_floats(v);
  const auto src = make_position_source(t_);
  ASSERT_NE(src, nullptr);
  std::vector<float> out(2 * 10);
  src->positions(0, encode_kernels(t_.frames[0])[0], 5, 10, 2, out.data());
  for (size_t i = 0; i < out.size(); ++i) EXPECT_FLOAT_EQ(out[i], v[10 + i]);
  EXPECT_THROW(src->positions(0, encode_kernels(t_.frames[0])[0], q - 5, 10, 2, out.data()),
               InputError);
}

TEST_F(PositionsFile, TooShortOrOutOfRangeIsAnInputError) {
  write_floats(std::vector<float>(10, 0.5f));
  EXPECT_THROW(make_position_source(t_), InputError);
  const uint64_t q = t_.frames[0].kernels[encode_kernels(t_.frames[0])[0]].queries;
  std::vector<float> v(2 * q, 0.5f);
  v[3] = 1.5f;
  write_floats(v);
  const auto src = make_position_source(t_);
  std::vector<float> out(8);
  EXPECT_THROW(src->positions(0, encode_kernels(t_.frames[0])[0], 0, 4, 2, out.data()), InputError);
}

}  // namespace
}  // namespace ngpc::trace
