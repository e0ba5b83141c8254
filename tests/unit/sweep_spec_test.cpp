// Sweep specs: expansion order, "also" blocks, point commands and identities, the stat catalogue.
#include "sim/sweep/sweep_spec.h"

#include <gtest/gtest.h>

#include "cli/cli_util.h"
#include "sim/config/config_loader.h"
#include "sim/config/tech_loader.h"
#include "sim/error.h"
#include "sim/replay/replay.h"
#include "sim/report/stats.h"
#include "sim/sweep/point.h"
#include "sim/trace/trace_io.h"
#include "sim_fixture.h"

namespace ngpc {
namespace {

const std::string kHeadline = std::string(NGPC_SOURCE_DIR) + "/configs/sweeps/headline.json";

std::string axis(const SweepPoint& p, const std::string& key) {
  for (const auto& [k, v] : p.axes)
    if (k == key) return v.is_string() ? v.get<std::string>() : v.dump();
  return "";
}

TEST(SweepSpec, HeadlineIsFourAppsTwoResolutionsFourScalesPlusNerfDenseGridsPlusThePaperAt4k) {
  const SweepSpec s = read_sweep_spec(kHeadline);
  ASSERT_EQ(s.blocks.size(), 3u);
  EXPECT_EQ(s.axis_names, (std::vector<std::string>{"app", "encoding", "resolution",
                                                    "cluster.scaling_factor", "config"}));
  // 4 apps x 1 encoding x 2 resolutions x 4 scaling factors, then nerf x 2 encodings x 2 x 4,
  // then the 4 apps at 4K x 4 scaling factors under the paper's assumptions.
  EXPECT_EQ(count_points(s), 4u * 2 * 4 + 2u * 2 * 4 + 4u * 4);
  const std::vector<SweepPoint> pts = expand(s);
  ASSERT_EQ(pts.size(), 64u);
  EXPECT_EQ(axis(pts[48], "app") + axis(pts[48], "resolution") + axis(pts[48], "config"),
            "nerf4k../ngpc-paper.json");
  EXPECT_EQ(axis(pts[63], "app") + axis(pts[63], "cluster.scaling_factor"), "gia64");
  EXPECT_EQ(axis(pts[47], "config"), "");  // the default machine before
  // First axis outermost, last fastest.
  EXPECT_EQ(
      axis(pts[0], "app") + axis(pts[0], "resolution") + axis(pts[0], "cluster.scaling_factor"),
      "nerf4k8");
  EXPECT_EQ(axis(pts[1], "cluster.scaling_factor"), "16");
  EXPECT_EQ(axis(pts[4], "resolution") + axis(pts[4], "cluster.scaling_factor"), "8k8");
  EXPECT_EQ(axis(pts[8], "app"), "nsdf");
  EXPECT_EQ(axis(pts[31], "app") + axis(pts[31], "resolution"), "gia8k");
  EXPECT_EQ(axis(pts[32], "app") + axis(pts[32], "encoding"), "nerfdensegrid");
  EXPECT_EQ(axis(pts[47], "encoding") + axis(pts[47], "resolution") +
                axis(pts[47], "cluster.scaling_factor"),
            "lowres-densegrid8k64");
  // The runs: workload inputs for the generator, configuration paths as overrides.
  EXPECT_EQ(pts[42].run.workload.app, "nerf");
  EXPECT_EQ(pts[42].run.workload.encoding, "lowres-densegrid");
  EXPECT_EQ(pts[42].run.workload.resolution, "4k");
  EXPECT_EQ(pts[42].run.sets, (std::vector<std::string>{"cluster.scaling_factor=32"}));
  EXPECT_TRUE(pts[42].run.trace.empty());
  EXPECT_TRUE(pts[42].run.config.empty());  // the default machine
  for (size_t i = 0; i < pts.size(); ++i) EXPECT_EQ(pts[i].index, i);
}

TEST(SweepSpec, AlsoBlocksReplaceAxesInPlaceAndAddNewOnes) {
  test::TempDir dir;
  const std::string f = dir.write("s.json", R"({
    "set": ["gpu.overlap=false"],
    "grid": {"app": "gia", "resolution": ["64x64", "128x72"], "cluster.scaling_factor": [1, 2]},
    "also": [{"resolution": "96x96", "detail.seed": [3, 4, 5]}]})");
  const SweepSpec s = read_sweep_spec(f);
  EXPECT_EQ(s.axis_names, (std::vector<std::string>{"app", "resolution", "cluster.scaling_factor",
                                                    "detail.seed"}));
  const std::vector<SweepPoint> pts = expand(s, "0:1", "/cache");
  ASSERT_EQ(pts.size(), 4u + 1 * 2 * 3);
  EXPECT_EQ(axis(pts[4], "resolution") + "/" + axis(pts[4], "cluster.scaling_factor") + "/" +
                axis(pts[4], "detail.seed"),
            "96x96/1/3");
  EXPECT_EQ(axis(pts[9], "cluster.scaling_factor") + axis(pts[9], "detail.seed"), "25");
  EXPECT_EQ(
      pts[9].run.sets,
      (std::vector<std::string>{"gpu.overlap=false", "cluster.scaling_factor=2", "detail.seed=5"}));
  EXPECT_EQ(pts[9].run.frames, "0:1");
  EXPECT_EQ(pts[9].run.trace_cache, "/cache");
  EXPECT_EQ(axis(pts[0], "detail.seed"), "");  // not an axis of the first block
}

TEST(SweepSpec, CountSaturatesAndTheLimitNamesThePath) {
  SweepSpec s;
  s.file = "big.json";
  SweepBlock b;
  b.json_path = "/grid";
  for (int a = 0; a < 4; ++a) {
    SweepAxis x;
    x.key = "k" + std::to_string(a);
    x.values.assign(70000, nlohmann::ordered_json(1));
    b.axes.push_back(x);
  }
  s.blocks.push_back(b);
  EXPECT_EQ(count_points(s), SIZE_MAX);  // 70000^4 > 2^64
  try {
    check_point_count(s, kDefaultMaxPoints);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("big.json: /grid: "), std::string::npos) << m;
    EXPECT_NE(m.find("--max-points"), std::string::npos) << m;
  }
  s.blocks[0].axes.resize(1);
  EXPECT_EQ(count_points(s), 70000u);
  EXPECT_NO_THROW(check_point_count(s, 70000));
  EXPECT_THROW(check_point_count(s, 69999), InputError);
}

TEST(SweepPoint, CommandLineRoundTripsAndIdentityFollowsTheInputs) {
  const std::vector<SweepPoint> pts = expand(read_sweep_spec(kHeadline), "0", "/tmp/cache dir");
  for (const SweepPoint& p : pts) {
    const PointCommand c = parse_point_command(point_command(p.run, "/out dir", p.index));
    EXPECT_EQ(c.out, "/out dir");
    EXPECT_EQ(c.index, p.index);
    EXPECT_EQ(run_args(c.run), run_args(p.run));
    EXPECT_EQ(c.run.trace_cache, "/tmp/cache dir");
  }
  PointRun r;
  r.trace = std::string(NGPC_SOURCE_DIR) + "/traces/tiny-nerf.json";
  const LoadedConfig base = load_config("", {});
  const std::string id = point_identity(r, base, run_trace_identity(r));
  EXPECT_EQ(point_identity(r, base, run_trace_identity(r)), id);  // deterministic
  PointRun framed = r;
  framed.frames = "0";
  EXPECT_NE(point_identity(framed, base, run_trace_identity(framed)), id);
  PointRun set = r;
  set.sets = {"cluster.scaling_factor=2"};
  const LoadedConfig two = load_config("", set.sets);
  EXPECT_NE(point_identity(set, two, run_trace_identity(set)), id);
  PointRun cached = r;
  cached.trace_cache = "/elsewhere";  // where traces are kept does not change results
  EXPECT_EQ(point_identity(cached, base, run_trace_identity(cached)), id);
  EXPECT_THROW(parse_point_command({"/o", "1", "--app"}), InputError);
  EXPECT_THROW(parse_point_command({"/o", "x", "--trace", "t.json"}), InputError);
  EXPECT_THROW(parse_point_command({"/o", "1", "--trace", "t", "--app", "nerf"}), InputError);
  EXPECT_THROW(parse_point_command({"/o", "1", "--app", "nerf", "--queries-per-pixel", "-1"}),
               InputError);
  EXPECT_THROW(parse_point_command({"/o", "1", "--bogus", "1"}), InputError);
}

class StatCatalogue : public SimTest {};

// The catalogue lays out results.csv: it must be exactly what a real run reports, in order.
TEST_F(StatCatalogue, IsEveryStatOfARealRunInReportOrder) {
  const trace::Trace t = trace::read_trace(std::string(NGPC_SOURCE_DIR) + "/traces/tiny-gia.json");
  const LoadedConfig lc = load_config("", {});
  const TechTable tech =
      load_tech_table(resolve_config_ref(lc.config, lc.config.tech.table), lc.config.tech.node);
  const StatSet s = make_stats(replay(t, lc.config, tech, ReplayOptions{}), lc.config, t);
  const std::vector<StatColumn>& cat = stat_catalogue();
  ASSERT_EQ(cat.size(), s.stats.size());
  for (size_t i = 0; i < cat.size(); ++i) {
    EXPECT_EQ(cat[i].key, s.stats[i].key);
    EXPECT_EQ(cat[i].unit, s.stats[i].unit) << cat[i].key;
    EXPECT_EQ(cat[i].text, std::holds_alternative<std::string>(s.stats[i].value)) << cat[i].key;
  }
}

}  // namespace
}  // namespace ngpc
