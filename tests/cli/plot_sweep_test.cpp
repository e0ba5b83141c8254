// scripts/plot_sweep.py on a small real sweep: every plot as a valid, non-empty PNG and SVG with
// unit-carrying labels. Uses Debian's /usr/bin/python3 with python3-matplotlib (scripts/setup.sh).
#include <gtest/gtest.h>

#include <cstdint>

#include "cli/cli_util.h"

namespace ngpc::test {
namespace {

namespace fs = std::filesystem;

const std::string kPlot = std::string(NGPC_SOURCE_DIR) + "/scripts/plot_sweep.py";

TEST(PlotSweep, RendersEveryPlotAsValidPngAndSvgWithUnits) {
  TempDir dir, cache;
  ScopedEnv env("NGPC_TRACE_CACHE", cache.path().c_str());
  const std::string spec = dir.write("s.json", R"({
    "grid": {"app": ["nerf", "gia"], "resolution": ["64x64", "128x72"],
             "cluster.scaling_factor": [1, 2]}})");
  const fs::path out = dir / "out";
  const CmdResult sw = run_cli("sweep " + shell_quote(spec) + " --out " +
                               shell_quote(out.string()) + " -j 2 --quiet");
  ASSERT_EQ(sw.status, 0) << sw.err;
  const CmdResult r = run_shell("/usr/bin/python3 " + shell_quote(kPlot) + " " +
                                shell_quote((out / "results.csv").string()) + " --out " +
                                shell_quote((dir / "plots").string()));
  ASSERT_EQ(r.status, 0) << r.err << "\n(python3-matplotlib missing? run scripts/setup.sh)";
  // Each plot's labels, with units, as the SVG keeps its text.
  const std::vector<std::pair<std::string, std::vector<std::string>>> plots = {
      {"speedup_vs_scaling",
       {"Speed-up vs NGPC scaling factor", "speed-up over GPU [x]", "scaling factor [NFPs]",
        "Amdahl ceiling"}},
      {"fps_vs_resolution",
       {"FPS vs resolution", "frame rate [FPS]", "frame size [megapixels]", "60 FPS", "120 FPS"}},
      {"overhead_vs_scaling",
       {"Power and area overhead", "NGPC power / GPU board power [%]",
        "NGPC area / GPU die area [%]"}},
      {"energy_per_frame",
       {"NGPC energy per frame by component", "NGPC energy per frame [mJ]", "leakage", "dram"}},
  };
  for (const auto& [name, labels] : plots) {
    EXPECT_TRUE(is_valid_png(read_text_file(dir / "plots" / (name + ".png")), 301, 201)) << name;
    const fs::path svg = dir / "plots" / (name + ".svg");
    const std::string text = read_text_file(svg);
    ASSERT_GT(text.size(), 2000u) << name;
    // A well-formed XML document whose root element is SVG.
    const CmdResult x = run_shell(
        "/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E; "
        "print(E.parse(sys.argv[1]).getroot().tag)' " +
        shell_quote(svg.string()));
    EXPECT_EQ(x.out, "{http://www.w3.org/2000/svg}svg\n") << name << x.err;
    for (const std::string& l : labels)
      EXPECT_NE(text.find(l), std::string::npos) << name << ": " << l;
  }
  EXPECT_FALSE(fs::exists(dir / "plots" / ".speedup_vs_scaling.png.tmp"));
}

TEST(PlotSweep, RefusesAFileThatIsNotAResultsCsv) {
  TempDir dir;
  const std::string bad = dir.write("x.csv", "a,b\n1,2\n");
  const CmdResult r = run_shell("/usr/bin/python3 " + shell_quote(kPlot) + " " + shell_quote(bad));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("not a sweep results.csv"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "plots"));
}

}  // namespace
}  // namespace ngpc::test
