// Every kind of bad configuration goes through the real binary: exit status 2, and stderr names
// the file and the JSON path (or the line for syntax errors).
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/cli_util.h"

namespace ngpc {
namespace {

struct BadConfig {
  std::string name;
  std::string text;                   // written to <name>.json, the file given to --config
  std::vector<std::string> expected;  // the JSON path and other parts of the message
  std::vector<std::pair<std::string, std::string>> others = {};  // more files (parents)
  std::string blamed_file = "";  // the file stderr must name; "" = <name>.json
};

// clang-format off
const std::vector<BadConfig> kBadConfigs = {
    {"unknown_top_key", R"({"clok": "1 GHz"})", {"clok", "unknown key", "'clock'"}},
    {"unknown_nested_key", R"({"nfp": {"mlp": {"colums": 64}}})",
     {"nfp.mlp.colums", "unknown key", "'cols'"}},
    {"integer_as_string", R"({"cluster": {"scaling_factor": "16"}})",
     {"cluster.scaling_factor", "an integer", "\"16\""}},
    {"group_not_object", R"({"memory": 5})", {"memory", "an object", "5"}},
    {"quantity_as_number", R"({"clock": 1000000000})", {"clock", "frequency unit", "1000000000"}},
    {"missing_unit", R"({"memory": {"dram": {"latency": "400"}}})",
     {"memory.dram.latency", "missing unit", "time"}},
    {"wrong_unit_family", R"({"nfp": {"encoding": {"grid_sram": {"capacity": "1 GHz"}}}})",
     {"nfp.encoding.grid_sram.capacity", "'GHz' is a frequency unit", "bytes"}},
    {"fractional_bytes", R"({"nfp": {"mlp": {"weight_buffer": "1.5 B"}}})",
     {"nfp.mlp.weight_buffer", "whole number of bytes"}},
    {"negative_latency", R"({"memory": {"l2": {"latency": "-5 ns"}}})",
     {"memory.l2.latency", "negative", "-5 ns"}},
    {"zero_scaling_factor", R"({"cluster": {"scaling_factor": 0}})",
     {"cluster.scaling_factor", ">= 1", "got 0"}},
    {"batch_not_multiple_of_256", R"({"cluster": {"batch_size": 1000}})",
     {"cluster.batch_size", "multiple of 256", "1000"}},
    {"banks_not_power_of_two", R"({"nfp": {"encoding": {"grid_sram": {"banks": 12}}}})",
     {"nfp.encoding.grid_sram.banks", "power of two", "12"}},
    {"bad_enum", R"({"detail": {"mode": "fast"}})", {"detail.mode", "\"sampled\"", "\"fast\""}},
    {"grid_share_above_one", R"({"memory": {"l2": {"grid_share": 1.5}}})",
     {"memory.l2.grid_share", "<= 1", "1.5"}},
    {"fusion_speedup_below_one", R"({"gpu": {"fusion_speedup": 0.5}})",
     {"gpu.fusion_speedup", ">= 1", "0.5"}},
    {"bool_as_string", R"({"gpu": {"fusion": "yes"}})", {"gpu.fusion", "true or false", "\"yes\""}},
    {"zero_bandwidth", R"({"memory": {"dram": {"bandwidth": "0 GB/s"}}})",
     {"memory.dram.bandwidth", "> 0"}},
    {"malformed_json", "{\n  \"clock\": \"1 GHz\",\n}\n", {"malformed JSON", "line 3"}},
    {"empty_file", "", {"malformed JSON", "line 1"}},
    {"duplicate_key", R"({"cluster": {"batch_size": 256, "batch_size": 512}})",
     {"cluster.batch_size", "duplicate key"}},
    {"top_level_array", "[1, 2]", {"(top level)", "an object"}},
    {"parent_not_at_top", R"({"nfp": {"parent": "ngpc.json"}})", {"nfp.parent", "top level"}},
    {"missing_parent", R"({"parent": "gone.json"})", {"parent", "gone.json"}},
    {"inheritance_cycle", R"({"parent": "cycle_b.json"})", {"parent", "inheritance cycle"},
     {{"cycle_b.json", R"({"parent": "inheritance_cycle.json"})"}}, "cycle_b.json"},
    {"bad_value_in_parent", R"({"parent": "bad_parent.json", "name": "child"})",
     {"nfp.encoding.grid_sram.line_bytes", "power of two", "48 B"},
     {{"bad_parent.json", R"({"nfp": {"encoding": {"grid_sram": {"line_bytes": "48 B"}}}})"}},
     "bad_parent.json"},
};
// clang-format on

void PrintTo(const BadConfig& bad, std::ostream* os) {
  *os << bad.name;
}

class BadConfigTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigTest, ExitsTwoNamingFileAndPath) {
  const BadConfig& bad = GetParam();
  test::TempDir dir;
  const std::string file = dir.write(bad.name + ".json", bad.text);
  for (const auto& [name, text] : bad.others) dir.write(name, text);

  const test::CmdResult r = test::run_cli("config show --config " + test::shell_quote(file));
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("ngpc-sim config: error: "), std::string::npos) << r.err;
  const std::string blamed = bad.blamed_file.empty() ? bad.name + ".json" : bad.blamed_file;
  EXPECT_NE(r.err.find(blamed), std::string::npos) << "file not named: " << r.err;
  for (const std::string& part : bad.expected) {
    EXPECT_NE(r.err.find(part), std::string::npos) << "'" << part << "' not in: " << r.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, BadConfigTest, ::testing::ValuesIn(kBadConfigs),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(BadConfigCli, BadSetNamesTheOption) {
  const test::CmdResult r = test::run_cli("config show --set cluster.scaling_factr=16");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--set cluster.scaling_factr=16"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown parameter"), std::string::npos) << r.err;
}

TEST(BadConfigCli, MissingConfigFile) {
  const test::CmdResult r = test::run_cli("config show --config /nonexistent/x.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/x.json"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ngpc
