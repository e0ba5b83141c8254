// `ngpc-sim run` end to end through the real binary: outputs, formats, determinism, bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/cli_util.h"

namespace ngpc::test {
namespace {

const std::string kTiny = std::string(NGPC_SOURCE_DIR) + "/traces/tiny-nerf.json";

nlohmann::json without_wall_clock(nlohmann::json j) {
  for (auto it = j.begin(); it != j.end();) {
    if (it->is_object() && it->value("wall_clock", false))
      it = j.erase(it);
    else
      ++it;
  }
  return j;
}

TEST(RunCli, OutDirHoldsEveryFileWithUnitsAndDescriptions) {
  TempDir dir;
  const std::string out = (dir.path() / "res").string();
  const CmdResult r = run_cli("run --trace " + shell_quote(kTiny) + " --out " + shell_quote(out));
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* f : {"config.json", "stats.json", "stats.csv", "summary.txt", "timeline.json"})
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "res" / f)) << f;
  const auto stats = nlohmann::json::parse(read_text_file(dir.path() / "res" / "stats.json"));
  for (const char* k :
       {"fps", "frame_time_ms", "gpu_baseline_frame_time_ms", "speedup", "ngpc_power_w",
        "energy_per_frame_mj", "ngpc_area_mm2", "area_overhead_pct", "power_overhead_pct",
        "dram_bandwidth_gbps", "sim_wall_s", "sim_cycles_per_s"}) {
    ASSERT_TRUE(stats.contains(k)) << k;
    EXPECT_TRUE(stats[k].contains("value")) << k;
    EXPECT_TRUE(stats[k].contains("unit")) << k;
    EXPECT_FALSE(stats[k]["description"].get<std::string>().empty()) << k;
  }
  // Chrome trace-event JSON: complete events with microsecond timestamps on named tracks.
  const auto tl = nlohmann::json::parse(read_text_file(dir.path() / "res" / "timeline.json"));
  ASSERT_TRUE(tl["traceEvents"].is_array());
  int complete = 0;
  for (const auto& e : tl["traceEvents"]) {
    ASSERT_TRUE(e.contains("ph") && e.contains("pid") && e.contains("tid"));
    if (e["ph"] == "X") {
      ++complete;
      EXPECT_TRUE(e["ts"].is_number());
      EXPECT_GE(e["dur"].get<double>(), 0);
    }
  }
  EXPECT_GT(complete, 0);
  // The effective configuration written beside the results loads back.
  const CmdResult again =
      run_cli("config show --config " + shell_quote((dir.path() / "res" / "config.json").string()));
  EXPECT_EQ(again.status, 0) << again.err;
  const std::string csv = read_text_file(dir.path() / "res" / "stats.csv");
  EXPECT_EQ(csv.rfind("key,value,unit,description\n", 0), 0u);
}

// The timeline keeps the first N intervals of the first frame and says how many it left out;
// 0 writes no timeline at all.
TEST(RunCli, TimelineKeepsTheFirstIntervalsAndCountsTheRest) {
  TempDir dir;
  const std::string all = (dir.path() / "all").string();
  const std::string capped = (dir.path() / "capped").string();
  const std::string none = (dir.path() / "none").string();
  ASSERT_EQ(run_cli("run --trace " + shell_quote(kTiny) + " --out " + shell_quote(all)).status, 0);
  ASSERT_EQ(run_cli("run --trace " + shell_quote(kTiny) + " --timeline-events 5 --out " +
                    shell_quote(capped))
                .status,
            0);
  ASSERT_EQ(run_cli("run --trace " + shell_quote(kTiny) + " --timeline-events 0 --out " +
                    shell_quote(none))
                .status,
            0);
  const auto full = nlohmann::json::parse(read_text_file(dir.path() / "all" / "timeline.json"));
  const auto cut = nlohmann::json::parse(read_text_file(dir.path() / "capped" / "timeline.json"));
  auto complete = [](const nlohmann::json& tl) {
    uint64_t n = 0;
    for (const auto& e : tl["traceEvents"]) n += e["ph"] == "X" ? 1 : 0;
    return n;
  };
  const uint64_t total = complete(full);
  ASSERT_GT(total, 5u);  // the tiny trace has more than five intervals in its first frame
  EXPECT_EQ(full["otherData"]["events_dropped"].get<uint64_t>(), 0u);
  EXPECT_EQ(complete(cut), 5u);
  EXPECT_EQ(cut["otherData"]["events_kept"].get<uint64_t>(), 5u);
  EXPECT_EQ(cut["otherData"]["events_dropped"].get<uint64_t>(), total - 5);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "none" / "timeline.json"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "none" / "stats.json"));
}

// tech.scaling changes SRAM area and power only, and the run states the method in its stats and
// in the effective configuration it writes.
TEST(RunCli, ReportsTheScalingMethodAndItChangesOnlyCost) {
  TempDir dir;
  nlohmann::json by_method[2];
  const char* methods[] = {"stillmaker_baas", "bit_cell"};
  for (int m = 0; m < 2; ++m) {
    const std::string out = (dir.path() / methods[m]).string();
    const CmdResult r = run_cli("run --trace " + shell_quote(kTiny) +
                                " --set tech.scaling=" + methods[m] + " --out " + shell_quote(out));
    ASSERT_EQ(r.status, 0) << r.err;
    by_method[m] = nlohmann::json::parse(read_text_file(dir.path() / methods[m] / "stats.json"));
    EXPECT_EQ(by_method[m]["tech_scaling"]["value"], methods[m]);
    const auto cfg = nlohmann::json::parse(read_text_file(dir.path() / methods[m] / "config.json"));
    EXPECT_EQ(cfg["tech"]["scaling"], methods[m]);
  }
  const auto& s = by_method[0];
  const auto& b = by_method[1];
  EXPECT_EQ(s["speedup"]["value"], b["speedup"]["value"]);
  EXPECT_EQ(s["frame_time_cycles"]["value"], b["frame_time_cycles"]["value"]);
  EXPECT_EQ(s["area_mac_array_mm2"]["value"], b["area_mac_array_mm2"]["value"]);
  EXPECT_GT(b["area_grid_sram_mm2"]["value"].get<double>(),
            1.4 * s["area_grid_sram_mm2"]["value"].get<double>());
  EXPECT_NE(s["ngpc_power_w"]["value"], b["ngpc_power_w"]["value"]);
  // The default machine uses the bit-cell rule.
  const CmdResult d = run_cli("run --trace " + shell_quote(kTiny) + " --json");
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(nlohmann::json::parse(d.out)["tech_scaling"]["value"], "bit_cell");
}

TEST(RunCli, SameSeedGivesIdenticalStatsApartFromWallClock) {
  const std::string cmd = "run --json --seed 3 --trace " + shell_quote(kTiny);
  const CmdResult a = run_cli(cmd), b = run_cli(cmd);
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(without_wall_clock(nlohmann::json::parse(a.out)).dump(),
            without_wall_clock(nlohmann::json::parse(b.out)).dump());
}

// The address-level work runs on host threads (levels, and the NFPs of a sampled window); the
// stats must not depend on how many.
TEST(RunCli, StatsAreIdenticalForAnyHostThreadCount) {
  TempDir dir;
  const std::string common =
      "run --json --app nerf --resolution 128x128 --queries-per-pixel 16 "
      "--trace-cache " +
      shell_quote((dir / "cache").string());
  const std::vector<std::string> runs = {
      // sampled: 2 windows of a frame with far more at NGPC-16
      common + " --set cluster.scaling_factor=16 --set detail.sample_windows=2",
      common + " --set cluster.scaling_factor=4 --detail full"};
  for (const std::string& cmd : runs) {
    std::string first;
    for (const char* threads : {"1", "2", "3"}) {
      ScopedEnv env("NGPC_THREADS", threads);
      const CmdResult r = run_cli(cmd);
      ASSERT_EQ(r.status, 0) << r.err;
      const nlohmann::json j = nlohmann::json::parse(r.out);
      if (cmd.find("full") == std::string::npos) {
        EXPECT_EQ(j["sampling_exact"]["value"].get<double>(), 0.0) << "the run must sample";
      }
      const std::string stats = without_wall_clock(j).dump();
      if (first.empty())
        first = stats;
      else
        EXPECT_EQ(stats, first) << "NGPC_THREADS=" << threads << ": " << cmd;
    }
  }
}

TEST(RunCli, BadInputExitsWithStatusTwoAndSaysWhy) {
  struct Case {
    std::string args, needle;
  };
  const std::vector<Case> cases = {
      {"run --trace /nonexistent/t.json", "/nonexistent/t.json"},
      {"run --trace " + shell_quote(kTiny) + " --frames 3:9", "--frames"},
      {"run --trace " + shell_quote(kTiny) + " --detail bogus", "--detail"},
      {"run --trace " + shell_quote(kTiny) + " --app nerf --resolution 4k", "--trace"},
      {"run --app nerf --resolution 3k", "3k"},
      {"run --app teapot --resolution 4k", "teapot"},
      {"run", "--trace"},
      {"run --trace " + shell_quote(kTiny) + " --set cluster.scaling_factor=0",
       "cluster.scaling_factor"},
      {"run --trace " + shell_quote(kTiny) + " --bogus-option", "bogus"},
  };
  for (const Case& c : cases) {
    const CmdResult r = run_cli(c.args);
    EXPECT_EQ(r.status, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << c.args << "\n" << r.err;
  }
}

TEST(RunCli, OutIntoAFileIsRefusedCleanly) {
  TempDir dir;
  const auto file = dir.path() / "f";
  write_text_file(file, "x");
  const CmdResult r =
      run_cli("run --trace " + shell_quote(kTiny) + " --out " + shell_quote(file.string()));
  EXPECT_EQ(r.status, 2) << r.err;
}

}  // namespace
}  // namespace ngpc::test
