// `ngpc-sim gpu cost|calibrate` through the real binary: hand-computed closed forms, the JSON keys,
// bad arguments, and `run` naming the profile that made the trace's baseline.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_util.h"
#include "sim/gpu_baseline/profile.h"

namespace ngpc::test {
namespace {

const std::string kProfile = std::string(NGPC_SOURCE_DIR) + "/configs/gpu/rtx3090.json";

// rtx3090.json with round numbers: 2.5e13 MAC/s, 5e11 B/s streaming, 1 us per launch.
std::string round_profile(const TempDir& dir) {
  nlohmann::json p = nlohmann::json::parse(read_text_file(kProfile));
  auto set = [&](const char* key, nlohmann::json v) { p["parameters"][key]["value"] = v; };
  p["name"] = "round";
  set("sm_count", 100);
  set("tensor_macs_per_clock_per_sm", 500);
  set("sm_clock", "1 GHz");
  set("mlp_tensor_efficiency", 0.5);
  set("dram_bandwidth", "1000 GB/s");
  set("stream_dram_efficiency", 0.5);
  set("kernel_launch_overhead", "1 us");
  return dir.write("round.json", p.dump());
}

TEST(GpuCli, MlpCostIsTheClosedForm) {
  TempDir dir;
  const std::string prof = round_profile(dir);
  // 32:64:2:1: 7,168 padded MACs -> 286.72 us; 96 B streamed -> 192 us; + 1 us launch.
  CmdResult r =
      run_cli("gpu cost --mlp 32:64:2:1 --batch 1000000 --json --gpu-profile " + shell_quote(prof));
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "mlp");
  EXPECT_EQ(j["profile"], "round");
  EXPECT_NEAR(j["time_ns"].get<double>(), 287720, 1e-6);
  EXPECT_NEAR(j["queries_per_s"].get<double>(), 1e6 / 287.72e-6, 1);
  EXPECT_EQ(j["bound"], "compute");
  EXPECT_EQ(j["macs_per_query"], 7168);
  // 16:16:1:16: 512 MACs -> 20.48 us; 64 B streamed -> 128 us: DRAM-bound.
  r = run_cli("gpu cost --mlp 16:16:1:16 --batch 1000000 --json --gpu-profile " +
              shell_quote(prof) + " --hidden-activation sigmoid --output-activation exponential");
  ASSERT_EQ(r.status, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["time_ns"].get<double>(), 129000, 1e-6);
  EXPECT_EQ(j["bound"], "DRAM");
  // Text output names the same numbers.
  r = run_cli("gpu cost --mlp 32:64:2:1 --batch 1000000 --gpu-profile " + shell_quote(prof));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("287720 ns"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bound            compute"), std::string::npos) << r.out;
}

TEST(GpuCli, EncodingCostFromAModelsFile) {
  TempDir dir;
  const std::string prof = round_profile(dir);
  // One dense 16 x 16 level of 2 fp16 (1 KiB): the L2 holds it, so only the streamed I/O
  // (2 x 4 B in, 4 B out = 12 B per query -> 24 us) and the issue slots (30 + 4 corners x
  // (8 + 2 + 4 + 6) = 110 per query at 128 slots x 100 SMs x 1 GHz x 0.5 -> 17.19 us) count.
  const std::string models =
      dir.write("m.json", R"({"encodings": [{"name": "g", "type": "hashgrid", "role": "hashgrid",
        "dims": 2, "levels": 1, "features": 2, "log2_table_size": 19, "base_resolution": 16,
        "per_level_scale": 0, "n_max": 16, "interpolation": "linear", "precision": "fp16"}],
        "mlps": []})");
  nlohmann::json p = nlohmann::json::parse(read_text_file(prof));
  p["parameters"]["l2_flush_per_kernel"]["value"] = false;
  const std::string warm = dir.write("warm.json", p.dump());
  CmdResult r =
      run_cli("gpu cost --encoding " + shell_quote(models) +
              " --batch 1000000 --sample-spacing 1 --json --gpu-profile " + shell_quote(warm));
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "encode");
  EXPECT_EQ(j["grid_dram_bytes_per_query"], 0);
  EXPECT_EQ(j["io_bytes_per_query"], 12);
  EXPECT_EQ(j["issue_slots_per_query"], 110);
  EXPECT_NEAR(j["memory_ns"].get<double>(), 24000, 1e-6);
  EXPECT_NEAR(j["issue_ns"].get<double>(), 110e6 / (100 * 128 * 1e9 * 0.5) * 1e9, 1e-6);
  EXPECT_NEAR(j["time_ns"].get<double>(), 25000, 1e-6);
  EXPECT_EQ(j["bound"], "DRAM");
  // Under Nsight Compute's cache flush the 1 KiB table is fetched once per launch.
  r = run_cli("gpu cost --encoding " + shell_quote(models) +
              " --batch 1000000 --sample-spacing 1 --json --gpu-profile " + shell_quote(prof));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NEAR(nlohmann::json::parse(r.out)["flush_dram_bytes"].get<double>(), 1024, 1e-6);
}

TEST(GpuCli, AppEncodingAndBuiltInProfiles) {
  const CmdResult paper = run_cli("gpu cost --encoding nerf --batch 2000000 --json");
  ASSERT_EQ(paper.status, 0) << paper.err;
  const nlohmann::json p = nlohmann::json::parse(paper.out);
  EXPECT_EQ(p["profile"], "rtx3090");
  EXPECT_EQ(p["bound"], "DRAM");  // spec §1: encoding kernels are memory-bound
  EXPECT_EQ(p["sample_lattice"].size(), 3u);
  EXPECT_NEAR(p["queries_per_s"].get<double>(), 2e6 / (p["time_ns"].get<double>() * 1e-9), 1);
  const CmdResult free =
      run_cli("gpu cost --encoding nerf --batch 2000000 --json --gpu-profile rtx3090-unprofiled");
  ASSERT_EQ(free.status, 0) << free.err;
  // Warm L2 and the boost clock: faster than under the profiler.
  EXPECT_LT(nlohmann::json::parse(free.out)["time_ns"].get<double>(), p["time_ns"].get<double>());
  const CmdResult dense = run_cli("gpu cost --encoding nerf:densegrid --batch 2000000");
  EXPECT_EQ(dense.status, 0) << dense.err;
}

TEST(GpuCli, BadArgumentsExitTwo) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"gpu cost --batch 10", "exactly one of --mlp"},
      {"gpu cost --mlp 32:64:2:1 --encoding nerf --batch 10", "exactly one of --mlp"},
      {"gpu cost --mlp 32:64:2:1", "--batch"},
      {"gpu cost --mlp 32:64:2 --batch 10", "IN:WIDTH:HIDDEN:OUT"},
      {"gpu cost --mlp 32:48:2:1 --batch 10", "WIDTH"},
      {"gpu cost --mlp 32:64:x:1 --batch 10", "--mlp HIDDEN"},
      {"gpu cost --mlp 32:64:2:1 --batch 0", "--batch"},
      {"gpu cost --mlp 32:64:2:1 --batch 10 --hidden-activation swish", "--hidden-activation"},
      {"gpu cost --mlp 32:64:2:1 --batch 10 --sample-spacing 0.1", "--encoding only"},
      {"gpu cost --encoding nerf --batch 10 --sample-spacing -1", "--sample-spacing"},
      {"gpu cost --encoding nerf --batch 10 --sample-spacing 1,2,3,4", "--sample-spacing"},
      {"gpu cost --encoding nsdf:densegrid --batch 10", "no encoding"},
      {"gpu cost --encoding /no/such/file.json --batch 10", "/no/such/file.json"},
      {"gpu cost --mlp 32:64:2:1 --batch 10 --gpu-profile /no/such.json", "/no/such.json"},
      {"gpu cost --mlp 32:64:2:1 --batch 10 --frobnicate", "frobnicate"},
      {"gpu frobnicate", "unknown verb"},
      {"gpu", "missing verb"},
      {"gpu calibrate --nerf-qpp-from pixels", "--nerf-qpp-from"},
  };
  for (const auto& [args, mention] : cases) {
    const CmdResult r = run_cli(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(mention), std::string::npos) << args << "\n" << r.err;
  }
}

TEST(GpuCli, CalibrateReproducesTheProfile) {
  const CmdResult r = run_cli("gpu calibrate --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const gpu::GpuProfile& p = gpu::default_gpu_profile();
  EXPECT_NEAR(j["calibrated"]["mlp_tensor_efficiency"].get<double>() / p.mlp_tensor_efficiency, 1,
              1e-4);
  EXPECT_NEAR(j["calibrated"]["encode_dram_efficiency"].get<double>() / p.encode_dram_efficiency, 1,
              1e-3);
  EXPECT_TRUE(j["calibrated"]["feasible"].get<bool>());
  bool saw_frame = false;
  for (const auto& f : j["facts"]) {
    if (f["id"] == "nerf_1080p_frame_ms") {
      saw_frame = true;
      EXPECT_NEAR(f["model"].get<double>(), 231, 2.31);
    }
  }
  EXPECT_TRUE(saw_frame);
}

TEST(GpuCli, RunNamesTheBaselineProfile) {
  const std::string tiny = std::string(NGPC_SOURCE_DIR) + "/traces/tiny-gia.json";
  const CmdResult r = run_cli("run --trace " + shell_quote(tiny) + " --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("gpu_time_source")) << r.out.substr(0, 400);
  EXPECT_EQ(j["gpu_time_source"]["value"], "model:rtx3090");
}

}  // namespace
}  // namespace ngpc::test
