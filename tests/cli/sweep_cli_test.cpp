// `ngpc-sim sweep` end to end: expansion, outputs, resume, validation before running.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/cli_util.h"

namespace ngpc::test {
namespace {

const std::string kTiny = std::string(NGPC_SOURCE_DIR) + "/traces/tiny-nerf.json";

size_t lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(SweepCli, RunsEveryPointWritesTheTableAndResumes) {
  TempDir dir;
  const auto spec = dir.path() / "s.json";
  write_text_file(
      spec, R"({"traces": [")" + kTiny +
                R"("], "grid": {"cluster.scaling_factor": [1, 2], "gpu.overlap": [true, false]},
                              "stats": ["speedup", "bound"]})");
  const std::string out = (dir.path() / "out").string();
  const CmdResult a = run_cli("sweep " + shell_quote(spec.string()) + " --out " + shell_quote(out));
  ASSERT_EQ(a.status, 0) << a.err;
  const std::string csv = read_text_file(dir.path() / "out" / "sweep.csv");
  EXPECT_EQ(lines(csv), 5u);  // header + 2 x 2 points
  EXPECT_EQ(csv.rfind("point,trace,cluster.scaling_factor,gpu.overlap,speedup,bound\n", 0), 0u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "out/points/0003/stats.json"));
  // Resume: nothing left to run, same table.
  const CmdResult b = run_cli("sweep " + shell_quote(spec.string()) + " --out " + shell_quote(out));
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_NE(b.err.find("0 run, 4 resumed"), std::string::npos) << b.err;
  EXPECT_EQ(read_text_file(dir.path() / "out" / "sweep.csv"), csv);
}

TEST(SweepCli, ABadPointStopsTheSweepBeforeAnythingRuns) {
  TempDir dir;
  const auto spec = dir.path() / "s.json";
  write_text_file(
      spec, R"({"traces": [")" + kTiny + R"("], "grid": {"cluster.scaling_factor": [1, 0]}})");
  const CmdResult r = run_cli("sweep " + shell_quote(spec.string()) + " --out " +
                              shell_quote((dir.path() / "out").string()));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cluster.scaling_factor"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out/points/0000/stats.json"));
}

TEST(SweepCli, SpecErrorsNameThePath) {
  TempDir dir;
  const auto spec = dir.path() / "s.json";
  write_text_file(spec, R"({"traces": [")" + kTiny + R"("], "grid": {"clock": []}})");
  const CmdResult r = run_cli("sweep " + shell_quote(spec.string()) + " --dry-run");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/grid/clock"), std::string::npos) << r.err;
  write_text_file(spec, R"({"tracez": []})");
  const CmdResult u = run_cli("sweep " + shell_quote(spec.string()) + " --dry-run");
  EXPECT_EQ(u.status, 2);
  EXPECT_NE(u.err.find("tracez"), std::string::npos) << u.err;
}

}  // namespace
}  // namespace ngpc::test
