// `ngpc-sim trace ...` through the real binary: help, info totals computed by hand, import-nsys on
// the hand-written Nsight Systems export, and the exit status of bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_util.h"
#include "sim/trace/trace_io.h"

namespace ngpc {
namespace {

using nlohmann::json;
using test::run_cli;
using test::shell_quote;

const std::string kData = NGPC_TEST_DATA;
const std::string kSmall = kData + "/traces/small.json";
const std::string kCsv = kData + "/nsys/nerf_2frames.csv";

// Whitespace-separated cells of the first output line whose first cell is `first`.
std::vector<std::string> row(const std::string& text, const std::string& first) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream cells(line);
    std::vector<std::string> out;
    std::string cell;
    while (cells >> cell) out.push_back(cell);
    if (!out.empty() && out[0] == first) return out;
  }
  return {};
}

TEST(TraceCli, Help) {
  for (const char* args :
       {"trace --help", "trace -h", "trace info --help", "trace import-nsys --help"}) {
    const test::CmdResult r = run_cli(args);
    EXPECT_EQ(r.status, 0) << args << ": " << r.err;
    EXPECT_NE(r.out.find("usage: ngpc-sim trace"), std::string::npos) << args << ": " << r.out;
  }
  EXPECT_NE(run_cli("trace --help").out.find("import-nsys"), std::string::npos);
  EXPECT_NE(run_cli("trace import-nsys --help").out.find("--frame-marker"), std::string::npos);
}

TEST(TraceCli, UsageErrors) {
  EXPECT_EQ(run_cli("trace").status, 2);
  const test::CmdResult r = run_cli("trace frobnicate");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
  EXPECT_EQ(run_cli("trace info").status, 2);
  EXPECT_EQ(run_cli("trace info --no-such-option " + kSmall).status, 2);
  EXPECT_EQ(run_cli("trace import-nsys " + kCsv).status, 2);  // no -o
  EXPECT_EQ(run_cli("trace import-nsys " + kCsv + " -o x.json --width -5").status, 2);
}

// Totals of tests/data/traces/small.json, by hand:
//   encode: 3 kernels, 16384 + 8192 + 4096 = 28672 queries, 40 + 20 + 10 = 70 us
//   mlp:    6 kernels, 2 x 28672 = 57344 queries, 20 + 12 + 10 + 6 + 5 + 3 = 56 us
//   gpu:    7 kernels, 7 x 2048 = 14336 queries, (10 + 8 + 10) + (10 + 4 + 2 + 10) = 54 us
//   total: 16 kernels, 100352 queries, 180 us; shares 38.89 / 31.11 / 30.00 %; 90 us per frame.
TEST(TraceCli, InfoPrintsHandComputedTotals) {
  const test::CmdResult r = run_cli("trace info " + shell_quote(kSmall));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("frames      2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GPU time (ms)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("share (%)"), std::string::npos) << r.out;
  // kind, kernels, queries, queries/frame, GPU time (ms), GPU time/frame (ms), share (%)
  EXPECT_EQ(row(r.out, "encode"),
            (std::vector<std::string>{"encode", "3", "28672", "14336", "0.070", "0.035", "38.89"}));
  EXPECT_EQ(row(r.out, "mlp"),
            (std::vector<std::string>{"mlp", "6", "57344", "28672", "0.056", "0.028", "31.11"}));
  EXPECT_EQ(row(r.out, "gpu"),
            (std::vector<std::string>{"gpu", "7", "14336", "7168", "0.054", "0.027", "30.00"}));
  EXPECT_EQ(row(r.out, "total"), (std::vector<std::string>{"total", "16", "100352", "50176",
                                                           "0.180", "0.090", "100.00"}));
  EXPECT_NE(r.out.find("0.090 ms"), std::string::npos) << r.out;
  // The models with their tcnn parameters.
  EXPECT_EQ(row(r.out, "grid"),
            (std::vector<std::string>{"grid", "hashgrid", "hashgrid", "3", "16", "2", "19", "16",
                                      "from", "N_max", "2048", "linear", "fp16"}));
  EXPECT_EQ(row(r.out, "rgb"),
            (std::vector<std::string>{"rgb", "32", "64", "2", "3", "relu", "none"}));
  EXPECT_TRUE(row(r.out, "standalone").empty());  // steps only with --steps

  const test::CmdResult steps = run_cli("trace info --steps " + shell_quote(kSmall));
  ASSERT_EQ(steps.status, 0) << steps.err;
  // Step 0 spans both frames: 4 + 4 kernels, 16384 + 8192 encode queries, 80 + 40 us.
  EXPECT_EQ(row(steps.out, "0"),
            (std::vector<std::string>{"0", "8", "24576", "49152", "0.120", "66.67"}));
  EXPECT_EQ(row(steps.out, "standalone"),
            (std::vector<std::string>{"standalone", "4", "0", "0", "0.040", "22.22"}));
}

TEST(TraceCli, InfoJson) {
  const test::CmdResult r = run_cli("trace info --json " + shell_quote(kSmall));
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["frames"], 2);
  EXPECT_EQ(j["by_kind"]["encode"]["kernels"], 3);
  EXPECT_EQ(j["by_kind"]["encode"]["queries"], 28672);
  EXPECT_EQ(j["by_kind"]["encode"]["gpu_time_ns"], 70000.0);
  EXPECT_NEAR(j["by_kind"]["encode"]["gpu_time_share_pct"].get<double>(), 700.0 / 18, 1e-9);
  EXPECT_EQ(j["by_kind"]["total"]["queries"], 100352);
  EXPECT_EQ(j["by_kind"]["total"]["gpu_time_ns"], 180000.0);
  EXPECT_EQ(j["mean_frame_gpu_time_ns"], 90000.0);
  ASSERT_EQ(j["steps"].size(), 3u);
  EXPECT_TRUE(j["steps"][0]["step"].is_null());
  EXPECT_EQ(j["steps"][2]["gpu_time_ns"], 20000.0);
  EXPECT_EQ(j["models"]["mlps"][1]["name"], "rgb");
  EXPECT_EQ(j["header"]["gpu_time_source"], "model:hand-written");
}

TEST(TraceCli, InfoBadInputExitsTwoNamingFileAndPath) {
  test::TempDir dir;
  json doc = json::parse(test::read_text_file(kSmall));
  doc["frames"][1]["kernels"][2]["model"] = "grid";
  const std::string bad = dir.write("bad.json", doc.dump());
  test::CmdResult r = run_cli("trace info " + shell_quote(bad));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(bad + ": /frames/1/kernels/2/model"), std::string::npos) << r.err;

  r = run_cli("trace info " + shell_quote((dir / "absent.json").string()));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("absent.json"), std::string::npos) << r.err;

  const std::string text = test::read_text_file(kSmall);
  const std::string cut = dir.write("cut.json", text.substr(0, text.size() / 2));
  r = run_cli("trace info " + shell_quote(cut));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
}

TEST(TraceCli, ImportNsysFixture) {
  test::TempDir dir;
  const std::string out = (dir / "imported.json").string();
  const test::CmdResult r = run_cli("trace import-nsys " + shell_quote(kCsv) + " -o " +
                                    shell_quote(out) + " --like nerf --width 64 --height 32");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("2 frames, 10 kernels (2 encode, 4 mlp, 4 gpu)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("skipped 2 memcpy/memset"), std::string::npos) << r.out;

  const trace::Trace t = trace::read_trace(out);
  EXPECT_EQ(t.header.app, "nerf");
  EXPECT_EQ(t.header.gpu_time_source, "measured:" + kCsv);
  EXPECT_EQ(t.header.width, 64u);
  // (16384 + 8192) encode queries over 2 frames of 2048 pixels.
  EXPECT_DOUBLE_EQ(t.header.queries_per_pixel, 6.0);
  EXPECT_EQ(t.positions.type, "none");
  ASSERT_EQ(t.frames.size(), 2u);
  struct Expect {
    const char* kind;
    const char* model;
    uint64_t queries;
    double ns;
    int64_t step;
  };
  // Queries: init 8 x 256 threads; kernel_grid GrdX x 512 (GrdY = 16 levels); kernel_mlp_fused
  // GrdX x 128 elements per block; composite 16 x 128 threads.
  const std::vector<std::vector<Expect>> frames = {{{"gpu", "", 2048, 12000, -1},
                                                    {"encode", "grid", 16384, 40000, 0},
                                                    {"mlp", "density", 16384, 20000, 0},
                                                    {"mlp", "rgb", 16384, 12000, 0},
                                                    {"gpu", "", 2048, 8000, 0}},
                                                   {{"gpu", "", 2048, 10000, -1},
                                                    {"encode", "grid", 8192, 20000, 0},
                                                    {"mlp", "density", 8192, 10000, 0},
                                                    {"mlp", "rgb", 8192, 6000, 0},
                                                    {"gpu", "", 2048, 4000, 0}}};
  for (size_t f = 0; f < frames.size(); ++f) {
    ASSERT_EQ(t.frames[f].kernels.size(), frames[f].size()) << "frame " << f;
    EXPECT_EQ(t.frames[f].index, f);
    for (size_t k = 0; k < frames[f].size(); ++k) {
      const trace::Kernel& got = t.frames[f].kernels[k];
      const Expect& want = frames[f][k];
      EXPECT_EQ(got.kind, want.kind) << f << "/" << k;
      EXPECT_EQ(got.model, want.model) << f << "/" << k;
      EXPECT_EQ(got.queries, want.queries) << f << "/" << k;
      EXPECT_EQ(got.gpu_time_ns, want.ns) << f << "/" << k;
      EXPECT_EQ(got.step, want.step) << f << "/" << k;
    }
  }
  EXPECT_NE(t.frames[0].kernels[1].name.find("tcnn::kernel_grid<"), std::string::npos);

  // The imported trace is a normal trace: info reads it.
  const test::CmdResult info = run_cli("trace info " + shell_quote(out));
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_EQ(row(info.out, "encode"),
            (std::vector<std::string>{"encode", "2", "24576", "12288", "0.060", "0.030", "42.25"}));
}

TEST(TraceCli, ImportNsysMissingColumnExitsTwo) {
  test::TempDir dir;
  const std::string csv = kData + "/nsys/missing_grdx.csv";
  const test::CmdResult r = run_cli("trace import-nsys " + shell_quote(csv) + " -o " +
                                    shell_quote((dir / "x.json").string()) + " --like nerf");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("missing column \"GrdX\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("missing_grdx.csv"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.json"));
}

}  // namespace
}  // namespace ngpc
