// Bad input of every kind through the real binary, for every subcommand: configurations and their
// parents, technology tables, traces, sweep specifications, Nsight CSVs, --models files, GPU
// profiles and command-line options. Each case must exit with status 2 (never a crash, a hang or
// an internal error), name the file and the JSON path or the option on stderr, and leave no file
// behind in its directory (outputs are pointed into it). Hangs are caught by ctest's TIMEOUT, not
// by a wall-clock assertion.
#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "cli/cli_util.h"

namespace ngpc {
namespace {

namespace fs = std::filesystem;

const std::string kSource = NGPC_SOURCE_DIR;
const std::string kData = NGPC_TEST_DATA;
const std::string kTiny = kSource + "/traces/tiny-nerf.json";
const std::string kSmall = kData + "/traces/small.json";
const std::string kCsv = kData + "/nsys/nerf_2frames.csv";

struct File {
  std::string name;
  std::string text;   // "{tiny}" in it becomes the path of the bundled tiny trace
  uint64_t size = 0;  // > 0: made a sparse file of this many bytes (size limits)
};

struct BadInput {
  std::string name;
  std::vector<File> files;  // written to the case's directory
  // Arguments; {dir} is the case's directory, {tiny} {small} {csv} {data} fixed inputs.
  std::string args;
  std::vector<std::string> expected;  // on stderr: the file or option, the JSON path, ...
};

std::string file_text(const std::string& path) {
  return test::read_text_file(path);
}

// `path`'s text with the first `from` replaced by `to` (empty if `from` is absent, so the case
// fails visibly rather than testing the unchanged file).
std::string edited(const std::string& path, const std::string& from, const std::string& to) {
  std::string text = file_text(path);
  const size_t at = text.find(from);
  if (at == std::string::npos) return "";
  return text.replace(at, from.size(), to);
}

std::string deep(int levels) {
  return std::string(static_cast<size_t>(levels), '[') +
         std::string(static_cast<size_t>(levels), ']');
}

// small.json with the first `from` replaced by `to`.
std::string small_trace(const std::string& from, const std::string& to) {
  return edited(kSmall, from, to);
}

const std::string kProfile = kSource + "/configs/gpu/rtx3090.json";
const std::string kTech = kSource + "/configs/tech/nangate45.json";
const std::string kTechConfig = R"({"tech": {"table": "tech.json"}})";
const std::string kRun = "run --trace {tiny} --out {dir}/out ";
const std::string kGen = "trace gen --app nerf --resolution 64x64 -o {dir}/out.json ";
const std::string kImport = "trace import-nsys {csv} --like nerf -o {dir}/out.json ";

std::vector<BadInput> cases() {
  // 20 clocks x 3 NFP counts x 50 seeds x 50 array sizes = 150 000 points, past the 100 000 a
  // sweep may have; the keys are taken in name order, so the fourth, nfp.mlp.rows, is blamed.
  auto values = [](int n, const char* unit) {
    std::string v;
    for (int i = 1; i <= n; ++i) {
      v += (i > 1 ? ", " : "") +
           (*unit ? "\"" + std::to_string(i) + unit + "\"" : std::to_string(i));
    }
    return "[" + v + "]";
  };
  const std::string grid = R"({"traces": ["{tiny}"], "grid": {"clock": )" + values(20, " GHz") +
                           R"(, "cluster.scaling_factor": )" + values(3, "") +
                           R"(, "detail.seed": )" + values(50, "") + R"(, "nfp.mlp.rows": )" +
                           values(50, "") + "}}";

  return {
      // ---- run: configurations, parents, technology tables, options, traces
      {"config_nested_100000_deep",
       {{"deep.json", deep(100000)}},
       kRun + "--config {dir}/deep.json",
       {"deep.json", "JSON nested deeper than 64 levels", "line 1, column 65"}},
      {"parent_nested_deep",
       {{"child.json", R"({"parent": "p.json"})"}, {"p.json", "{\"nfp\": " + deep(80) + "}"}},
       kRun + "--config {dir}/child.json",
       {"p.json", "nested deeper than 64 levels"}},
      {"config_too_large",
       {{"big.json", "{", (16u << 20) + 1}},
       kRun + "--config {dir}/big.json",
       {"big.json", "16777217 bytes", "16 MiB", "docs/input-limits.md"}},
      {"config_duplicate_key",
       {{"dup.json", "{\"nfp\": {\"mlp\": {\"rows\": 8,\n \"rows\": 16}}}"}},
       kRun + "--config {dir}/dup.json",
       {"dup.json", "nfp.mlp.rows", "duplicate key", "line 2"}},
      {"config_malformed",
       {{"bad.json", "{\n  \"clock\": \"1 GHz\"\n  \"name\": \"x\"\n}"}},
       kRun + "--config {dir}/bad.json",
       // nlohmann stops at the end of the unexpected token: the closing quote of "name".
       {"bad.json", "malformed JSON at line 3, column 8"}},
      {"config_unknown_key_suggests",
       {{"typo.json", R"({"cluster": {"scaling_factr": 16}})"}},
       kRun + "--config {dir}/typo.json",
       {"typo.json", "cluster.scaling_factr", "did you mean 'scaling_factor'"}},
      {"config_nfps_over_max",
       {{"n.json", R"({"cluster": {"scaling_factor": 2048}})"}},
       kRun + "--config {dir}/n.json",
       {"n.json", "cluster.scaling_factor", "<= 1024", "2048"}},
      {"parent_duplicate_key",
       {{"c.json", R"({"parent": "p.json"})"}, {"p.json", R"({"name": "a", "name": "b"})"}},
       "config show --config {dir}/c.json",
       {"p.json", "name", "duplicate key"}},
      {"set_scaling_factor_100000",
       {},
       kRun + "--set cluster.scaling_factor=100000",
       {"--set cluster.scaling_factor=100000", "cluster.scaling_factor", "<= 1024", "100000"}},
      {"set_batch_size_over_max",
       {},
       kRun + "--set cluster.batch_size=2097152",
       {"--set cluster.batch_size=2097152", "cluster.batch_size", "<= 1048576"}},
      {"set_level_units_over_max",
       {},
       kRun + "--set nfp.encoding.level_units=33",
       {"--set nfp.encoding.level_units=33", "nfp.encoding.level_units", "<= 32"}},
      {"set_fifo_depth_over_max",
       {},
       kRun + "--set nfp.fifo_depth_batches=4000000000",
       {"--set nfp.fifo_depth_batches", "nfp.fifo_depth_batches", "<= 1024"}},
      {"set_pipeline_depth_over_max",
       {},
       kRun + "--set gpu.pipeline_depth=5000",
       {"--set gpu.pipeline_depth=5000", "gpu.pipeline_depth", "<= 1024"}},
      {"set_sample_windows_over_max",
       {},
       kRun + "--set detail.sample_windows=100000",
       {"--set detail.sample_windows=100000", "detail.sample_windows", "<= 1024"}},
      {"set_warmup_over_max",
       {},
       kRun + "--set detail.warmup_queries=4000000000",
       {"detail.warmup_queries", "<= 1048576"}},
      {"set_grid_sram_over_max",
       {},
       kRun + "--set 'nfp.encoding.grid_sram.capacity=2 GiB'",
       {"--set nfp.encoding.grid_sram.capacity=2 GiB", "<= 1 GiB"}},
      {"set_clock_absurd",
       {},
       kRun + "--set 'clock=1e30 GHz'",
       {"--set clock=1e30 GHz", "clock", "<= 100 GHz"}},
      {"set_bandwidth_absurd",
       {},
       kRun + "--set 'memory.dram.bandwidth=1e-30 B/s'",
       {"memory.dram.bandwidth", ">= 1 MB/s"}},
      {"host_memory_estimate",
       {},
       "run --app nerf --resolution 4k --out {dir}/out --set cluster.scaling_factor=1024 "
       "--set 'nfp.encoding.grid_sram.capacity=2 MB'",
       {"nerf-hashgrid-4k.json", "nfp.encoding.grid_sram.capacity", "host memory", "4.0 GiB"}},
      {"tech_table_nested_deep",
       {{"c.json", kTechConfig}, {"tech.json", deep(1000)}},
       kRun + "--config {dir}/c.json",
       {"tech.json", "nested deeper than 64 levels"}},
      {"tech_table_missing_field",
       {{"c.json", kTechConfig}, {"tech.json", R"({"format_version": 2})"}},
       kRun + "--config {dir}/c.json",
       {"tech.json", "name: missing required field"}},
      {"tech_table_unknown_key",
       {{"c.json", kTechConfig}, {"tech.json", edited(kTech, "\"ops\"", "\"opz\"")}},
       kRun + "--config {dir}/c.json",
       {"tech.json", "opz: unknown key", "did you mean 'ops'"}},
      {"tech_table_duplicate_key",
       {{"c.json", kTechConfig},
        {"tech.json",
         edited(kTech, "\"format_version\": 2,", "\"format_version\": 2, \"format_version\": 2,")}},
       kRun + "--config {dir}/c.json",
       {"tech.json", "format_version: duplicate key", "line 2"}},
      {"run_bad_frames", {}, kRun + "--frames 5:2", {"--frames", "out of range"}},
      {"run_bad_detail", {}, kRun + "--detail fast", {"--detail", "'fast'"}},
      {"run_negative_seed", {}, kRun + "--seed -1", {"--seed", "\"-1\""}},
      {"run_timeline_events_not_a_number", {}, kRun + "--timeline-events many",
       {"--timeline-events", "\"many\""}},
      {"run_bad_resolution",
       {},
       "run --app nerf --resolution 3k --out {dir}/out",
       {"--resolution", "\"3k\"", "1080p, 4k, 8k or WxH"}},
      {"trace_nested_deep",
       {{"t.json", "{\"format\": \"ngpc-trace\", \"x\": " + deep(100000) + "}"}},
       "run --trace {dir}/t.json --out {dir}/out",
       {"t.json", "nested deeper than 64 levels"}},
      {"trace_too_large",
       {{"t.json", "{", (512u << 20) + 1}},
       "run --trace {dir}/t.json --out {dir}/out",
       {"t.json", "512 MiB"}},
      {"trace_absurd_queries",
       {{"t.json", small_trace("\"queries\": 16384", "\"queries\": 1e18")}},
       "run --trace {dir}/t.json --out {dir}/out",
       {"t.json", "/frames/0/kernels/1/queries", "1e+18"}},
      {"trace_duplicate_key",
       {{"t.json", small_trace("\"app\": \"nerf\"", "\"app\": \"nerf\", \"app\": \"x\"")}},
       "run --trace {dir}/t.json --out {dir}/out",
       {"t.json", "/header/app", "duplicate key"}},
      {"trace_batches_over_max",
       {{"t.json", small_trace("\"queries\": 16384", "\"queries\": 1000000000000")}},
       "run --trace {dir}/t.json --out {dir}/out",
       {"t.json", "frame 0 needs", "batches", "cluster.batch_size"}},

      // ---- trace info
      {"info_truncated",
       {{"t.json", file_text(kSmall).substr(0, 500)}},
       "trace info {dir}/t.json",
       {"t.json", "malformed JSON at line", "truncated"}},
      {"info_unknown_kernel_key",
       {{"t.json", small_trace("\"queries\": 2048", "\"quries\": 2048")}},
       "trace info {dir}/t.json",
       {"t.json", "/frames/0/kernels/0/quries", "unknown key", "did you mean 'queries'"}},
      {"info_directory", {}, "trace info {data}", {"data", "not a regular file"}},
      {"info_absurd_resolution",
       {{"t.json", small_trace("\"width\": 64", "\"width\": 100000")}},
       "trace info {dir}/t.json",
       {"t.json", "/header/resolution/width", "65536"}},

      // ---- trace gen: options and GPU profiles
      {"gen_bad_resolution",
       {},
       "trace gen --app nerf --resolution 0x5 -o {dir}/out.json",
       {"--resolution", "\"0x5\""}},
      {"gen_bad_frames", {}, kGen + "--frames 1e3", {"--frames", "\"1e3\""}},
      {"gen_frames_over_max", {}, kGen + "--frames 100001", {"--frames", "1..100000"}},
      {"gen_trace_too_large_for_a_file",
       {},
       "trace gen --app nsdf --resolution 1080p --frames 100000 -o {dir}/out.json",
       {"--frames 100000", "512 MiB", "frames fit"}},
      {"gen_bad_queries_per_pixel", {}, kGen + "--queries-per-pixel 0", {"--queries-per-pixel"}},
      {"gpu_profile_nested_deep",
       {{"p.json", deep(100000)}},
       kGen + "--gpu-profile {dir}/p.json",
       {"p.json", "nested deeper than 64 levels"}},
      {"gpu_profile_unknown_parameter",
       {{"p.json", edited(kProfile, "\"sm_count\"", "\"sm_cnt\"")}},
       kGen + "--gpu-profile {dir}/p.json",
       {"p.json", "/parameters/sm_cnt", "unknown key", "did you mean 'sm_count'"}},
      {"gpu_profile_duplicate_parameter",
       {{"p.json", edited(kProfile, "\"sm_count\": {\"value\": 82, \"source\": \"spec §1\"},",
                          "\"sm_count\": {\"value\": 82, \"source\": \"spec §1\"}, "
                          "\"sm_count\": {\"value\": 84, \"source\": \"x\"},")}},
       kGen + "--gpu-profile {dir}/p.json",
       {"p.json", "/parameters/sm_count", "duplicate key"}},
      {"gpu_profile_bad_value",
       {{"p.json",
         edited(kProfile, "\"sm_count\": {\"value\": 82", "\"sm_count\": {\"value\": 8.5")}},
       kGen + "--gpu-profile {dir}/p.json",
       {"p.json", "/parameters/sm_count/value", "8.5"}},

      // ---- trace import-nsys: CSVs, --models files, options
      {"nsys_csv_missing_column",
       {},
       "trace import-nsys {data}/nsys/missing_grdx.csv -o {dir}/out.json",
       {"missing_grdx.csv", "missing column \"GrdX\""}},
      {"nsys_csv_bad_duration",
       {{"bad.csv",
         "Start (ns),Duration (ns),GrdX,GrdY,GrdZ,BlkX,BlkY,BlkZ,Name\n"
         "0,soon,1,1,1,32,1,1,k\n"}},
       "trace import-nsys {dir}/bad.csv --like nerf -o {dir}/out.json",
       {"bad.csv:2", "column \"Duration (ns)\"", "\"soon\""}},
      {"nsys_csv_too_large",
       {{"big.csv", "x", (512u << 20) + 1}},
       "trace import-nsys {dir}/big.csv --like nerf -o {dir}/out.json",
       {"big.csv", "512 MiB"}},
      {"nsys_models_nested_deep",
       {{"m.json", deep(100000)}},
       "trace import-nsys {csv} --models {dir}/m.json -o {dir}/out.json",
       {"m.json", "nested deeper than 64 levels"}},
      {"nsys_models_unknown_key",
       {{"m.json", R"({"encodings": [], "mlps": [], "mpls": []})"}},
       "trace import-nsys {csv} --models {dir}/m.json -o {dir}/out.json",
       {"m.json", "/mpls", "unknown key", "did you mean 'mlps'"}},
      {"nsys_models_bad_width",
       {{"m.json", R"({"encodings": [], "mlps": [{"name": "m", "input_width": 32, "width": 48,
          "hidden_layers": 1, "output_width": 3, "hidden_activation": "relu",
          "output_activation": "none"}]})"}},
       "trace import-nsys {csv} --models {dir}/m.json -o {dir}/out.json",
       {"m.json", "/mlps/0/width", "48"}},
      {"nsys_bad_width_option", {}, kImport + "--width 0", {"--width", "got 0"}},
      {"nsys_bad_frame_gap_option", {}, kImport + "--frame-gap-ns nan", {"--frame-gap-ns"}},

      // ---- sweep specifications
      {"sweep_nested_deep",
       {{"s.json", deep(100000)}},
       "sweep {dir}/s.json --out {dir}/out",
       {"s.json", "nested deeper than 64 levels"}},
      {"sweep_unknown_key",
       {{"s.json", R"({"tracez": ["{tiny}"]})"}},
       "sweep {dir}/s.json --out {dir}/out",
       {"s.json", "/tracez", "did you mean 'traces'"}},
      {"sweep_duplicate_key",
       {{"s.json", R"({"traces": ["{tiny}"], "grid": {"clock": ["1 GHz"], "clock": ["2 GHz"]}})"}},
       "sweep {dir}/s.json --out {dir}/out",
       {"s.json", "/grid/clock", "duplicate key"}},
      {"sweep_missing_trace",
       {{"s.json", R"({"traces": ["{tiny}", "nope.json"]})"}},
       "sweep {dir}/s.json --out {dir}/out",
       {"s.json", "/traces/1", "nope.json", "does not exist"}},
      // Found by fuzzing (scripts/fuzz.sh): a number beyond a double escaped the JSON layer as
      // nlohmann's out_of_range.
      {"sweep_number_beyond_double",
       {{"s.json", R"({"grid": {"nfps": [8, 1e400]}})"}},
       "sweep {dir}/s.json --out {dir}/out",
       {"s.json", "line 1, column 23", "'1e400'", "out of range"}},
      {"config_number_beyond_double",
       {{"c.json", R"({"nfp": {"clock": -2e999}})"}},
       kRun + "--config {dir}/c.json",
       {"c.json", "'-2e999'", "out of range"}},
      {"sweep_bad_app",
       {{"s.json", R"({"grid": {"app": ["nerf", "doom"]}})"}},
       "sweep {dir}/s.json --out {dir}/out",
       {"s.json", "/grid/app/1", "\"doom\""}},
      {"sweep_point_nfps_over_max",
       {{"s.json", R"({"traces": ["{tiny}"], "grid": {"cluster.scaling_factor": [8, 100000]}})"}},
       "sweep {dir}/s.json --out {dir}/out",
       {"s.json", "/grid/cluster.scaling_factor/1", "--set cluster.scaling_factor=100000",
        "<= 1024"}},
      {"sweep_too_many_points",
       {{"s.json", grid}},
       "sweep {dir}/s.json --out {dir}/out",
       {"s.json", "/grid", "150000 points", "--max-points"}},
      {"sweep_spec_too_large",
       {{"s.json", "{", (16u << 20) + 1}},
       "sweep {dir}/s.json --out {dir}/out",
       {"s.json", "16 MiB"}},

      // ---- config show / schema
      {"config_show_nested_deep",
       {{"deep.json", "{\"nfp\": " + deep(100000) + "}"}},
       "config show --config {dir}/deep.json",
       {"deep.json", "nested deeper than 64 levels"}},
      {"config_show_bad_set",
       {},
       "config show --set nfp.encoding.level_units=1000000000",
       {"--set nfp.encoding.level_units=1000000000", "<= 32"}},
      {"config_show_set_nested_deep",
       {},
       "config show --set " + test::shell_quote("cluster.scaling_factor=" + deep(60000)),
       {"--set cluster.scaling_factor=[[[[", "...: cluster.scaling_factor",
        "nested deeper than 64 levels"}},
      {"config_schema_with_config",
       {},
       "config schema --config {dir}/x.json",
       {"schema takes no --config"}},
  };
}

void PrintTo(const BadInput& bad, std::ostream* os) {
  *os << bad.name;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    out.insert(fs::relative(e.path(), dir).string());
  }
  return out;
}

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, ExitsTwoNamingTheInputAndWritesNothing) {
  const BadInput& bad = GetParam();
  test::TempDir dir;
  for (const File& f : bad.files) {
    ASSERT_FALSE(f.text.empty() && f.size == 0) << f.name << ": fixture edit did not apply";
    std::string text = f.text;
    replace_all(text, "{tiny}", kTiny);
    const std::string path = dir.write(f.name, text);
    if (f.size > 0) fs::resize_file(path, f.size);  // sparse: no disk space used
  }
  const std::set<std::string> before = listing(dir.path());

  std::string args = bad.args;
  replace_all(args, "{dir}", test::shell_quote(dir.path().string()));
  replace_all(args, "{tiny}", test::shell_quote(kTiny));
  replace_all(args, "{small}", test::shell_quote(kSmall));
  replace_all(args, "{csv}", test::shell_quote(kCsv));
  replace_all(args, "{data}", test::shell_quote(kData));
  const test::CmdResult r = test::run_cli(args);

  EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
  const std::string sub = bad.args.substr(0, bad.args.find(' '));
  EXPECT_EQ(r.err.rfind("ngpc-sim " + sub + ": error: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  for (const std::string& part : bad.expected) {
    EXPECT_NE(r.err.find(part), std::string::npos) << "'" << part << "' not in: " << r.err;
  }
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(listing(dir.path()), before) << "files were left behind";
}

INSTANTIATE_TEST_SUITE_P(Table, BadInputTest, ::testing::ValuesIn(cases()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(BadInputTable, CoversEnoughCases) {
  EXPECT_GE(cases().size(), 30u);
}

}  // namespace
}  // namespace ngpc
