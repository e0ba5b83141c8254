// scripts/validation-report on its small subset (--quick): every section's table is regenerated
// from fresh runs (a stale report is replaced), and the figures are valid, non-empty PNGs and SVGs.
// The full report is not run here (docs/validation.md says how long it takes).
#include <gtest/gtest.h>

#include <cstdint>

#include "cli/cli_util.h"

namespace ngpc::test {
namespace {

namespace fs = std::filesystem;

const std::string kScript = std::string(NGPC_SOURCE_DIR) + "/scripts/validation-report";

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ValidationReportSlow, QuickSubsetRegeneratesEveryTableAndValidFigures) {
  TempDir dir, cache;
  ScopedEnv env("NGPC_TRACE_CACHE", cache.path().c_str());
  const std::string out = dir.write("validation.md", "stale report\n");
  const fs::path figures = dir / "figures";
  const std::string build = fs::path(NGPC_BINARY).parent_path().string();
  const CmdResult r =
      run_shell("/usr/bin/python3 " + shell_quote(kScript) + " --quick --quiet" + " --build " +
                shell_quote(build) + " --out " + shell_quote(out) + " --figures " +
                shell_quote(figures.string()) + " --work " + shell_quote((dir / "work").string()));
  ASSERT_EQ(r.status, 0) << r.err << "\n(python3-matplotlib missing? run scripts/setup.sh)";
  const std::string md = read_text_file(out);
  EXPECT_EQ(md.find("stale report"), std::string::npos);
  for (const char* h :
       {"## 1. Closed forms", "## 2. GPU baseline", "## 3. Sampled against full",
        "## 4. Attribution", "## 5. Sensitivity", "## 6. Area and power", "## 7. Behaviour"})
    EXPECT_NE(md.find(h), std::string::npos) << h;
  // Closed forms: every recorded check passes, the ceilings among them.
  EXPECT_GE(count(md, " | pass |"), 12u) << md;
  EXPECT_EQ(count(md, "**FAIL**"), 0u);
  EXPECT_NE(md.find("vs the Ramulator random ceiling | 27"), std::string::npos);
  // GPU facts: the calibrated NeRF frame, and the summary statistics.
  EXPECT_NE(md.find("| NeRF 1080p frame [ms] | calibration | 231 | 231 |"), std::string::npos);
  EXPECT_NE(md.find("correlation of model against published value"), std::string::npos);
  // Sampling, attribution (all eight steps), sensitivity, area and power under both methods.
  EXPECT_NE(md.find("| nerf | 128x128 | NGPC-8 |"), std::string::npos);
  for (const char* step :
       {"| 0 paper |", "| 1 capacity misses |", "| 2 bank conflicts |", "| 3 fills per nfp |",
        "| 4 dram patterns |", "| 5 gpu dram traffic |", "| 6 contention |", "| 7 sram scaling |"})
    EXPECT_NE(md.find(step), std::string::npos) << step;
  EXPECT_NE(md.find("| queries per pixel | `queries_per_pixel` |"), std::string::npos);
  EXPECT_NE(md.find("| nerf | NGPC-8 | bit_cell |"), std::string::npos);
  EXPECT_NE(md.find("| nerf | NGPC-8 | stillmaker_baas |"), std::string::npos);
  for (const char* name : {"attribution-8", "sensitivity-8"}) {
    EXPECT_TRUE(is_valid_png(read_text_file(figures / (std::string(name) + ".png")), 301, 201))
        << name;
    const std::string svg = read_text_file(figures / (std::string(name) + ".svg"));
    EXPECT_NE(svg.find("<svg"), std::string::npos) << name;
    EXPECT_NE(md.find(std::string(name) + ".png"), std::string::npos) << name;
  }
}

TEST(ValidationReport, RefusesAnUnknownArgument) {
  const CmdResult r = run_shell("/usr/bin/python3 " + shell_quote(kScript) + " --frobnicate");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown argument '--frobnicate'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ngpc::test
