// The baseline GPU cost model: the profile file equals the built-in copy, the calibration
// reproduces it, the spec §1 facts stay within the tolerances docs/gpu-baseline.md states, and
// the model has the structural properties it claims.
#include "sim/gpu_baseline/cost_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "models/encoding/grid_math.h"
#include "sim/error.h"
#include "sim/gpu_baseline/calibration.h"
#include "sim/gpu_baseline/profile.h"
#include "sim/workloads/generator.h"

namespace ngpc::gpu {
namespace {

const std::string kProfile = std::string(NGPC_SOURCE_DIR) + "/configs/gpu/rtx3090.json";

trace::Trace gen(const std::string& app, uint32_t w, uint32_t h,
                 const std::string& encoding = "hashgrid",
                 const GpuProfile& p = default_gpu_profile()) {
  trace::GenOptions o;
  o.app = app;
  o.encoding = encoding;
  o.width = w;
  o.height = h;
  return trace::generate_trace(o, p);
}

TEST(GpuProfile, FileEqualsBuiltIn) {
  const GpuProfile f = load_gpu_profile(kProfile), d = default_gpu_profile();
  EXPECT_EQ(f.name, d.name);
  EXPECT_EQ(f.dram_bandwidth, d.dram_bandwidth);
  EXPECT_EQ(f.l2_capacity, d.l2_capacity);
  EXPECT_EQ(f.sm_count, d.sm_count);
  EXPECT_EQ(f.clock_hz, d.clock_hz);
  EXPECT_EQ(f.tensor_macs_per_clock_per_sm, d.tensor_macs_per_clock_per_sm);
  EXPECT_EQ(f.int_ops_per_clock_per_sm, d.int_ops_per_clock_per_sm);
  EXPECT_EQ(f.dram_sector_bytes, d.dram_sector_bytes);
  EXPECT_EQ(f.launch_overhead_s, d.launch_overhead_s);
  EXPECT_EQ(f.l2_grid_share, d.l2_grid_share);
  EXPECT_EQ(f.ops_per_level, d.ops_per_level);
  EXPECT_EQ(f.ops_per_corner, d.ops_per_corner);
  EXPECT_EQ(f.ops_per_corner_feature, d.ops_per_corner_feature);
  EXPECT_EQ(f.ops_per_dense_index, d.ops_per_dense_index);
  EXPECT_EQ(f.ops_per_hash, d.ops_per_hash);
  EXPECT_EQ(f.ops_per_modulo, d.ops_per_modulo);
  EXPECT_EQ(f.int_issue_efficiency, d.int_issue_efficiency);
  EXPECT_EQ(f.stream_dram_efficiency, d.stream_dram_efficiency);
  EXPECT_EQ(f.encode_dram_efficiency, d.encode_dram_efficiency);
  EXPECT_EQ(f.mlp_tensor_efficiency, d.mlp_tensor_efficiency);
  EXPECT_EQ(f.rest_dram_efficiency, d.rest_dram_efficiency);
  ASSERT_EQ(f.rest_kernels.size(), d.rest_kernels.size());
  for (const auto& [name, b] : d.rest_kernels) {
    ASSERT_TRUE(f.rest_kernels.count(name)) << name;
    EXPECT_EQ(f.rest_kernels.at(name).bytes_per_element, b.bytes_per_element) << name;
    EXPECT_EQ(f.rest_kernels.at(name).bytes_per_sample, b.bytes_per_sample) << name;
  }
}

// Every rest kernel the generator emits has its own entry (none falls back to "default").
TEST(GpuProfile, EveryGeneratedRestKernelIsListed) {
  for (const char* app : {"nerf", "nsdf", "nvr", "gia"}) {
    const trace::Trace t = gen(app, 320, 180);
    for (const auto& k : t.frames[0].kernels) {
      if (k.kind == "gpu") {
        EXPECT_TRUE(default_gpu_profile().rest_kernels.count(k.name)) << k.name;
      }
    }
  }
}

TEST(GpuProfile, BadFilesAreInputErrors) {
  const auto dir = std::filesystem::temp_directory_path() / "ngpc-gpu-profile-test";
  std::filesystem::create_directories(dir);
  std::ifstream in(kProfile);
  const nlohmann::json good = nlohmann::json::parse(in);
  auto expect_error = [&](nlohmann::json doc, const std::string& mention) {
    const std::string path = (dir / "p.json").string();
    std::ofstream(path) << doc.dump();
    try {
      load_gpu_profile(path);
      ADD_FAILURE() << "expected an error mentioning " << mention;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(mention), std::string::npos) << e.what();
    }
  };
  nlohmann::json d = good;
  d["parameters"]["warp_size"] = {{"value", 32}, {"source", "x"}};
  expect_error(d, "/parameters/warp_size");
  d = good;
  d["parameters"]["dram_bandwidth"]["value"] = "936 GHz";
  expect_error(d, "/parameters/dram_bandwidth/value");
  d = good;
  d["parameters"]["l2_grid_share"].erase("source");
  expect_error(d, "/parameters/l2_grid_share/source");
  d = good;
  d["parameters"]["mlp_tensor_efficiency"]["value"] = 1.5;
  expect_error(d, "/parameters/mlp_tensor_efficiency/value");
  d = good;
  d["parameters"].erase("sm_count");
  expect_error(d, "/parameters/sm_count");
  d = good;
  d["rest_kernels"].erase("default");
  expect_error(d, "/rest_kernels/default");
  EXPECT_THROW(load_gpu_profile((dir / "missing.json").string()), InputError);
  std::filesystem::remove_all(dir);
}

// The profile's calibrated efficiencies are what calibrate() derives (to the 5 digits stored).
TEST(GpuCalibration, ReproducesTheProfile) {
  const GpuProfile& p = default_gpu_profile();
  const Calibration c = calibrate(p);
  EXPECT_TRUE(c.feasible());
  const std::string fix =
      "recalibrated values (store them in configs/gpu/rtx3090.json and "
      "sim/gpu_baseline/profile.h, then run scripts/gen-traces.sh): encode_dram_efficiency " +
      std::to_string(c.encode_dram_efficiency) + ", mlp_tensor_efficiency " +
      std::to_string(c.mlp_tensor_efficiency) + ", rest_dram_efficiency " +
      std::to_string(c.rest_dram_efficiency);
  EXPECT_NEAR(c.encode_dram_efficiency / p.encode_dram_efficiency, 1, 1e-4) << fix;
  EXPECT_NEAR(c.mlp_tensor_efficiency / p.mlp_tensor_efficiency, 1, 1e-4) << fix;
  EXPECT_NEAR(c.rest_dram_efficiency / p.rest_dram_efficiency, 1, 1e-4) << fix;
}

// Tolerances of docs/gpu-baseline.md ("Calibration table"): calibration points are met, validation
// facts within their stated tolerance; the known discrepancies stay in the band the doc records.
TEST(GpuCalibration, FactsWithinTheDocumentedTolerance) {
  std::map<std::string, FactCheck> f;
  for (const FactCheck& c : check_facts(default_gpu_profile())) f[c.id] = c;
  EXPECT_NEAR(f.at("nerf_1080p_frame_ms").residual, 0, 0.01);  // within 1 %
  EXPECT_NEAR(f.at("nerf_encode_share").residual, 0, 0.5);     // points
  EXPECT_NEAR(f.at("nerf_mlp_share").residual, 0, 0.5);
  EXPECT_NEAR(f.at("share_hashgrid").residual, 0, 0.5);
  EXPECT_NEAR(f.at("share_densegrid").residual, 0, 2.0);
  EXPECT_NEAR(f.at("gap_4k_nerf").residual, 0, 0.05);
  // Known discrepancies (not met; see the doc): pinned so a change is noticed and documented.
  EXPECT_NEAR(f.at("share_lowres_densegrid").model, 54.8, 1.5);
  EXPECT_NEAR(f.at("gap_4k_max").model, 66.3, 0.1 * 66.3);
  EXPECT_NEAR(f.at("gap_4k_min").model, 3.52, 0.1 * 3.52);
  EXPECT_NEAR(f.at("gia_1080p_frame_ms").model, 14.7, 0.1 * 14.7);
}

TEST(GpuModel, DoublingPixelsRoughlyDoublesTime) {
  for (const char* app : {"nerf", "nsdf", "nvr", "gia"}) {
    // Same height keeps the per-pixel sample spacing (and so the reuse) unchanged.
    const double one = frame_time(gen(app, 1920, 1080).frames[0]).total_s();
    const double two = frame_time(gen(app, 3840, 1080).frames[0]).total_s();
    EXPECT_GT(two / one, 1.8) << app;
    EXPECT_LT(two / one, 2.5) << app;
  }
  // Encode time alone is linear in queries (up to the launch overhead).
  const GridLayout l = make_grid_layout(grid_params(gen("nerf", 64, 64).encodings[0]));
  const GpuProfile& p = default_gpu_profile();
  const double a = encode_cost(p, l, 1000000, 0.0017).time_s - p.launch_overhead_s;
  const double b = encode_cost(p, l, 2000000, 0.0017).time_s - p.launch_overhead_s;
  EXPECT_NEAR(b / a, 2, 1e-9);
}

TEST(GpuModel, HashgridEncodingCostsMoreThanDensegrid) {
  const GpuProfile& p = default_gpu_profile();
  const auto layout = [](const std::string& enc) {
    return make_grid_layout(grid_params(gen("nerf", 64, 64, enc).encodings[0]));
  };
  const double spacing = std::sqrt(3.0) / 1024;
  const double hash = encode_cost(p, layout("hashgrid"), 1 << 20, spacing).time_s;
  const double dense = encode_cost(p, layout("densegrid"), 1 << 20, spacing).time_s;
  const double lowres = encode_cost(p, layout("lowres-densegrid"), 1 << 20, spacing).time_s;
  EXPECT_GT(hash, 2 * dense);
  EXPECT_GT(dense, lowres);
  // And in whole frames: the encoding share drops with the dense grids.
  const FrameTime h = frame_time(gen("nerf", 1920, 1080).frames[0]);
  const FrameTime d = frame_time(gen("nerf", 1920, 1080, "densegrid").frames[0]);
  EXPECT_GT(h.encode_s, d.encode_s);
}

TEST(GpuModel, L2HitsFromTableSize) {
  const GpuProfile& p = default_gpu_profile();
  GridParams small;
  small.levels = 4;
  small.n_max = 32;  // a few hundred KB: fits in L2
  const EncodeCost s = encode_cost(p, make_grid_layout(small), 1000, 1.0);
  for (double h : s.l2_hit) EXPECT_EQ(h, 1.0);
  EXPECT_EQ(s.grid_dram_bytes, 0);
  GridParams big;  // 16 levels x 2^22 entries x 4 B: far larger than L2
  big.log2_table_size = 22;
  big.n_max = 4096;
  const EncodeCost b = encode_cost(p, make_grid_layout(big), 1000, 1.0);
  EXPECT_LT(b.l2_hit.back(), 0.2);
  EXPECT_GT(b.grid_dram_bytes, 0);
  // More reuse between consecutive queries (smaller spacing) means less DRAM traffic.
  EXPECT_LT(encode_cost(p, make_grid_layout(big), 1000, 1e-4).grid_dram_bytes, b.grid_dram_bytes);
}

TEST(GpuModel, MlpAndRestKernels) {
  const GpuProfile& p = default_gpu_profile();
  trace::MlpModel m;
  m.input_width = 32;
  m.width = 64;
  m.hidden_layers = 2;
  m.output_width = 1;
  EXPECT_EQ(mlp_macs_per_query(m), 7168);
  const MlpCost c = mlp_cost(p, m, 1 << 20);
  EXPECT_EQ(c.macs, 7168.0 * (1 << 20));
  const double tensor = p.sm_count * p.tensor_macs_per_clock_per_sm * p.clock_hz;
  EXPECT_NEAR(c.time_s, c.macs / (tensor * p.mlp_tensor_efficiency) + p.launch_overhead_s, 1e-12);
  const RestCost r = rest_cost(p, "composite_kernel_nerf", 1000, 5000);
  EXPECT_EQ(r.dram_bytes, 1000 * 120 + 5000 * 64);
  EXPECT_EQ(rest_cost(p, "unheard_of_kernel", 10, 0).dram_bytes, 10 * 64);  // "default"
}

}  // namespace
}  // namespace ngpc::gpu
