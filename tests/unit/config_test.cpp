#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "cli/cli_util.h"
#include "sim/config/config_json.h"
#include "sim/config/config_loader.h"
#include "sim/error.h"

namespace ngpc {
namespace {

using nlohmann::json;
using test::TempDir;

const std::string kConfigs = NGPC_SOURCE_DIR "/configs/";

// Every architectural parameter (name, description and source_dir aside).
void expect_same_machine(const Config& a, const Config& b) {
  EXPECT_EQ(a.clock_hz, b.clock_hz);
  EXPECT_EQ(a.cluster.scaling_factor, b.cluster.scaling_factor);
  EXPECT_EQ(a.cluster.batch_size, b.cluster.batch_size);
  EXPECT_EQ(a.cluster.dispatch, b.cluster.dispatch);
  EXPECT_EQ(a.cluster.dispatch_latency_cycles, b.cluster.dispatch_latency_cycles);
  const EncodingEngineConfig &ea = a.nfp.encoding, &eb = b.nfp.encoding;
  EXPECT_EQ(ea.level_units, eb.level_units);
  EXPECT_EQ(ea.inputs_per_cycle, eb.inputs_per_cycle);
  EXPECT_EQ(ea.pipeline_latency_cycles, eb.pipeline_latency_cycles);
  EXPECT_EQ(ea.max_outstanding_misses, eb.max_outstanding_misses);
  EXPECT_EQ(ea.grid_sram.capacity_bytes, eb.grid_sram.capacity_bytes);
  EXPECT_EQ(ea.grid_sram.banks, eb.grid_sram.banks);
  EXPECT_EQ(ea.grid_sram.ports_per_bank, eb.grid_sram.ports_per_bank);
  EXPECT_EQ(ea.grid_sram.access_latency_cycles, eb.grid_sram.access_latency_cycles);
  EXPECT_EQ(ea.grid_sram.policy, eb.grid_sram.policy);
  EXPECT_EQ(ea.grid_sram.line_bytes, eb.grid_sram.line_bytes);
  EXPECT_EQ(ea.grid_sram.associativity, eb.grid_sram.associativity);
  EXPECT_EQ(a.nfp.fifo_depth_batches, b.nfp.fifo_depth_batches);
  const MlpEngineConfig &ma = a.nfp.mlp, &mb = b.nfp.mlp;
  EXPECT_EQ(ma.rows, mb.rows);
  EXPECT_EQ(ma.cols, mb.cols);
  EXPECT_EQ(ma.dataflow, mb.dataflow);
  EXPECT_EQ(ma.precision, mb.precision);
  EXPECT_EQ(ma.weight_buffer_bytes, mb.weight_buffer_bytes);
  EXPECT_EQ(ma.activation_buffer_bytes, mb.activation_buffer_bytes);
  EXPECT_EQ(ma.weight_source, mb.weight_source);
  EXPECT_EQ(ma.weight_double_buffering, mb.weight_double_buffering);
  EXPECT_EQ(ma.activation_cycles_per_row, mb.activation_cycles_per_row);
  EXPECT_EQ(a.memory.l2.capacity_bytes, b.memory.l2.capacity_bytes);
  EXPECT_EQ(a.memory.l2.grid_share, b.memory.l2.grid_share);
  EXPECT_EQ(a.memory.l2.link_bandwidth_bytes_per_s, b.memory.l2.link_bandwidth_bytes_per_s);
  EXPECT_EQ(a.memory.l2.latency_s, b.memory.l2.latency_s);
  EXPECT_EQ(a.memory.dram.bandwidth_bytes_per_s, b.memory.dram.bandwidth_bytes_per_s);
  EXPECT_EQ(a.memory.dram.latency_s, b.memory.dram.latency_s);
  EXPECT_EQ(a.memory.dram.access_bytes, b.memory.dram.access_bytes);
  EXPECT_EQ(a.gpu.name, b.gpu.name);
  EXPECT_EQ(a.gpu.die_area_mm2, b.gpu.die_area_mm2);
  EXPECT_EQ(a.gpu.board_power_w, b.gpu.board_power_w);
  EXPECT_EQ(a.gpu.fusion, b.gpu.fusion);
  EXPECT_EQ(a.gpu.fusion_speedup, b.gpu.fusion_speedup);
  EXPECT_EQ(a.gpu.overlap, b.gpu.overlap);
  EXPECT_EQ(a.gpu.pipeline_depth, b.gpu.pipeline_depth);
  EXPECT_EQ(a.detail.mode, b.detail.mode);
  EXPECT_EQ(a.detail.sample_windows, b.detail.sample_windows);
  EXPECT_EQ(a.detail.sample_queries, b.detail.sample_queries);
  EXPECT_EQ(a.detail.warmup_queries, b.detail.warmup_queries);
  EXPECT_EQ(a.detail.systematic_rel_err, b.detail.systematic_rel_err);
  EXPECT_EQ(a.detail.seed, b.detail.seed);
  EXPECT_EQ(a.tech.table, b.tech.table);
  EXPECT_EQ(a.tech.node, b.tech.node);
  EXPECT_EQ(a.tech.scaling, b.tech.scaling);
}

// Runs `f`, expects an InputError whose message contains every one of `parts`.
void expect_input_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    for (const std::string& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "'" << part << "' not in: " << e.what();
    }
  }
}

// Dotted paths of every parameter in the schema.
void schema_leaves(const json& node, const std::string& path, std::vector<std::string>& out) {
  for (const auto& [key, child] : node["properties"].items()) {
    if (key == "parent") continue;
    const std::string p = path.empty() ? key : path + "." + key;
    if (child.contains("properties")) {
      schema_leaves(child, p, out);
    } else {
      out.push_back(p);
    }
  }
}

std::vector<std::string> all_parameters() {
  std::vector<std::string> out;
  schema_leaves(config_schema(), "", out);
  return out;
}

TEST(Config, DefaultMachineEqualsMachineConfigDefaults) {
  const LoadedConfig loaded = load_config("", {});
  expect_same_machine(loaded.config, Config{});
  EXPECT_EQ(loaded.config.cluster.scaling_factor, 8u);
  EXPECT_EQ(loaded.config.name, "ngpc");
}

TEST(Config, SchemaDefaultsEqualMachineConfigDefaults) {
  json doc = json::object();
  config_detail::fill_defaults(doc);
  const Config c = config_from_json(doc, "defaults");
  expect_same_machine(c, Config{});
  EXPECT_EQ(c.name, Config{}.name);
  EXPECT_EQ(c.description, Config{}.description);
}

TEST(Config, DefaultFileListsEveryParameterWithItsSchemaDefault) {
  const json file = config_detail::read_json_file(kConfigs + "ngpc.json");
  for (const std::string& path : all_parameters()) {
    const json::json_pointer ptr("/" + std::regex_replace(path, std::regex("\\."), "/"));
    ASSERT_TRUE(file.contains(ptr)) << path << " missing from configs/ngpc.json";
    if (path != "description") {
      EXPECT_EQ(file[ptr], (*config_detail::schema_node_at(path))["default"]) << path;
    }
  }
}

TEST(Config, EffectiveConfigHoldsEveryParameterAndReloads) {
  TempDir dir;
  const std::string file = dir.write("min.json", R"({"cluster": {"scaling_factor": 32}})");
  const LoadedConfig loaded = load_config(file, {});
  for (const std::string& path : all_parameters()) {
    const json::json_pointer ptr("/" + std::regex_replace(path, std::regex("\\."), "/"));
    EXPECT_TRUE(loaded.effective.contains(ptr)) << path;
  }
  EXPECT_FALSE(loaded.effective.contains("parent"));
  const std::string again = dir.write("effective.json", loaded.effective.dump(2));
  EXPECT_EQ(load_config(again, {}).effective, loaded.effective);
}

TEST(Config, ScaledConfigsInheritFromDefault) {
  const Config base = load_config(kConfigs + "ngpc.json", {}).config;
  for (unsigned n : {8u, 16u, 32u, 64u}) {
    const std::string name = "ngpc-" + std::to_string(n);
    const LoadedConfig loaded = load_config(kConfigs + name + ".json", {});
    EXPECT_EQ(loaded.config.cluster.scaling_factor, n);
    EXPECT_EQ(loaded.config.name, name);
    Config expected = base;
    expected.cluster.scaling_factor = n;
    expect_same_machine(loaded.config, expected);
    EXPECT_EQ(config_detail::read_json_file(kConfigs + name + ".json")["parent"], "ngpc.json");
  }
}

TEST(Config, SourceDirIsTheTopFilesDirectory) {
  TempDir dir;
  const std::string file = dir.write("c.json", "{}");
  EXPECT_EQ(load_config(file, {}).config.source_dir, dir.path().string());
  EXPECT_EQ(std::filesystem::path(load_config("", {}).config.source_dir),
            std::filesystem::absolute(configs_dir()));
}

TEST(Config, DeepMergeAcrossThreeLevels) {
  TempDir dir;
  std::filesystem::create_directories(dir / "base");
  dir.write("base/root.json", R"({
    "clock": "2 GHz",
    "nfp": {"mlp": {"rows": 32}, "encoding": {"grid_sram": {"banks": 16, "capacity": "2 MiB"}}}
  })");
  dir.write("base/mid.json", R"({
    "parent": "root.json",
    "nfp": {"encoding": {"grid_sram": {"banks": 4}}},
    "memory": {"l2": {"grid_share": 0.25}}
  })");
  const std::string child = dir.write("child.json", R"({
    "parent": "base/mid.json",
    "nfp": {"mlp": {"cols": 16}}
  })");
  const Config c = load_config(child, {}).config;
  EXPECT_EQ(c.clock_hz, 2e9);                                    // from root
  EXPECT_EQ(c.nfp.mlp.rows, 32u);                                // root, sibling of child's key
  EXPECT_EQ(c.nfp.mlp.cols, 16u);                                // child
  EXPECT_EQ(c.nfp.encoding.grid_sram.banks, 4u);                 // mid overrides root
  EXPECT_EQ(c.nfp.encoding.grid_sram.capacity_bytes, 2097152u);  // root, sibling of mid's key
  EXPECT_EQ(c.memory.l2.grid_share, 0.25);                       // mid
  EXPECT_EQ(c.nfp.encoding.grid_sram.associativity, 4u);         // schema default
}

TEST(Config, SetOverridesFilesAndDefaults) {
  const LoadedConfig loaded = load_config(
      kConfigs + "ngpc-16.json",
      {"cluster.scaling_factor=32", "nfp.encoding.grid_sram.capacity=2 MiB", "clock=1.5 GHz",
       "gpu.fusion=false", "memory.l2.grid_share=0.25", "name=123", "description=\"quoted\"",
       "memory.dram.bandwidth=760 GB/s", "nfp.mlp.dataflow=output_stationary"});
  const Config& c = loaded.config;
  EXPECT_EQ(c.cluster.scaling_factor, 32u);
  EXPECT_EQ(c.nfp.encoding.grid_sram.capacity_bytes, 2097152u);
  EXPECT_EQ(c.clock_hz, 1.5e9);
  EXPECT_FALSE(c.gpu.fusion);
  EXPECT_EQ(c.memory.l2.grid_share, 0.25);
  EXPECT_EQ(c.name, "123");
  EXPECT_EQ(c.description, "quoted");
  EXPECT_EQ(c.memory.dram.bandwidth_bytes_per_s, 760e9);
  EXPECT_STREQ(policy_name(c.nfp.mlp.dataflow), "output_stationary");
  EXPECT_EQ(loaded.effective["nfp"]["encoding"]["grid_sram"]["capacity"], "2 MiB");
  EXPECT_EQ(loaded.effective["cluster"]["scaling_factor"], 32);
}

TEST(Config, LaterSetWins) {
  const Config c =
      load_config("", {"cluster.scaling_factor=16", "cluster.scaling_factor=64"}).config;
  EXPECT_EQ(c.cluster.scaling_factor, 64u);
}

TEST(Config, SetErrors) {
  expect_input_error(
      [] { load_config("", {"cluster.scaling_factr=16"}); },
      {"--set cluster.scaling_factr=16", "unknown parameter", "did you mean 'scaling_factor'"});
  expect_input_error([] { load_config("", {"nope.x=1"}); }, {"nope.x", "unknown parameter"});
  expect_input_error([] { load_config("", {"cluster=1"}); }, {"cluster", "group of parameters"});
  expect_input_error([] { load_config("", {"scaling_factor"}); }, {"expected path=value"});
  expect_input_error([] { load_config("", {"parent=x.json"}); }, {"parent", "--config"});
  expect_input_error([] { load_config("", {"cluster.scaling_factor=0"}); },
                     {"--set cluster.scaling_factor=0", "cluster.scaling_factor", ">= 1", "0"});
  expect_input_error([] { load_config("", {"cluster.scaling_factor=many"}); },
                     {"cluster.scaling_factor", "an integer", "\"many\""});
  expect_input_error([] { load_config("", {"nfp.encoding.grid_sram.capacity=2 MHz"}); },
                     {"nfp.encoding.grid_sram.capacity", "'MHz' is a frequency unit", "bytes"});
  expect_input_error([] { load_config("", {"nfp.encoding.grid_sram.banks=6"}); },
                     {"--set nfp.encoding.grid_sram.banks=6", "power of two", "6"});
}

TEST(Config, InheritanceCycleIsAnError) {
  TempDir dir;
  const std::string a = dir.write("a.json", R"({"parent": "b.json"})");
  dir.write("b.json", R"({"parent": "a.json"})");
  expect_input_error([&] { load_config(a, {}); },
                     {"b.json: parent: inheritance cycle", "a.json -> ", "b.json -> "});
  const std::string self = dir.write("self.json", R"({"parent": "./self.json"})");
  expect_input_error([&] { load_config(self, {}); }, {"self.json", "inheritance cycle"});
}

TEST(Config, MissingParentIsAnError) {
  TempDir dir;
  const std::string child = dir.write("child.json", R"({"parent": "gone.json"})");
  expect_input_error([&] { load_config(child, {}); }, {"child.json: parent", "gone.json"});
}

TEST(Config, MissingFileIsAnError) {
  expect_input_error([] { load_config("/nonexistent/ngpc.json", {}); },
                     {"/nonexistent/ngpc.json", "does not exist"});
}

TEST(Config, ErrorsNameTheFileTheValueCameFrom) {
  TempDir dir;
  dir.write("parent.json", R"({"nfp": {"encoding": {"grid_sram": {"banks": 3}}}})");
  const std::string child = dir.write("child.json", R"({"parent": "parent.json"})");
  expect_input_error([&] { load_config(child, {}); },
                     {"parent.json: nfp.encoding.grid_sram.banks", "power of two", "3"});
  // Schema errors in a parent name the parent too.
  dir.write("p2.json", R"({"cluster": {"dispatch": "random"}})");
  const std::string c2 = dir.write("c2.json", R"({"parent": "p2.json"})");
  expect_input_error([&] { load_config(c2, {}); },
                     {"p2.json: cluster.dispatch", "\"least_loaded\"", "\"random\""});
}

TEST(Config, SemanticRangeChecks) {
  const auto bad = [](const std::string& set, const std::vector<std::string>& parts) {
    expect_input_error([&] { load_config("", {set}); }, parts);
  };
  bad("cluster.batch_size=1000", {"cluster.batch_size", "multiple of 256"});
  bad("memory.l2.grid_share=0", {"memory.l2.grid_share", "> 0"});
  bad("memory.l2.grid_share=1.5", {"memory.l2.grid_share", "<= 1"});
  bad("gpu.fusion_speedup=0.5", {"gpu.fusion_speedup", ">= 1"});
  bad("memory.dram.bandwidth=0 GB/s", {"memory.dram.bandwidth", "> 0"});
  bad("nfp.encoding.grid_sram.line_bytes=48 B", {"line_bytes", "power of two"});
  bad("nfp.encoding.grid_sram.associativity=3", {"associativity", "power of two"});
  bad("memory.dram.access_bytes=24 B", {"access_bytes", "power of two"});
  bad("nfp.encoding.grid_sram.capacity=128 B", {"grid_sram.capacity", "one set"});
  bad("clock=0 GHz", {"clock", "> 0"});
  bad("tech.node=7 nm", {"tech.node", "[0-9]+nm"});
  bad("tech.scaling=bitcell", {"tech.scaling", "bit_cell"});
}

TEST(Config, ConfigFromJsonChecksOnItsOwn) {
  json doc = load_config("", {}).effective;
  EXPECT_EQ(config_from_json(doc, "x").cluster.scaling_factor, 8u);
  json missing = doc;
  missing["nfp"]["mlp"].erase("rows");
  expect_input_error([&] { config_from_json(missing, "edited"); },
                     {"edited: nfp.mlp.rows", "missing"});
  json unknown = doc;
  unknown["nfp"]["mlp"]["colums"] = 3;
  expect_input_error([&] { config_from_json(unknown, "edited"); },
                     {"edited: nfp.mlp.colums", "unknown key"});
  json wrong = doc;
  wrong["memory"]["l2"]["latency"] = 200;
  expect_input_error([&] { config_from_json(wrong, "edited"); },
                     {"edited: memory.l2.latency", "time unit", "200"});
}

TEST(Config, SchemaDocumentsEveryParameter) {
  const std::string reference =
      test::read_text_file(std::string(NGPC_SOURCE_DIR) + "/docs/config-reference.md");
  const std::regex tag(R"(\[(paper|paper-2nd|spec §1|est|sim|ref)\])");
  for (const std::string& path : all_parameters()) {
    const json& node = *config_detail::schema_node_at(path);
    EXPECT_TRUE(node.contains("default")) << path;
    const std::string description = node.value("description", "");
    EXPECT_TRUE(std::regex_search(description, tag)) << path << ": no source tag";
    EXPECT_NE(description.find("Unit:"), std::string::npos) << path << ": no unit";
    EXPECT_NE(reference.find("`" + path + "`"), std::string::npos)
        << path << " missing from docs/config-reference.md";
  }
}

TEST(Config, ConfigsDirAndReferences) {
  const char* old = std::getenv("NGPC_CONFIG_DIR");
  const std::string saved = old ? old : "";
  TempDir dir;
  dir.write("ngpc.json", R"({"name": "elsewhere"})");
  setenv("NGPC_CONFIG_DIR", dir.path().c_str(), 1);
  EXPECT_EQ(configs_dir(), dir.path().string());
  EXPECT_EQ(load_config("", {}).config.name, "elsewhere");
  if (old) {
    setenv("NGPC_CONFIG_DIR", saved.c_str(), 1);
  } else {
    unsetenv("NGPC_CONFIG_DIR");
  }
  EXPECT_EQ(configs_dir(), saved.empty() ? kConfigs.substr(0, kConfigs.size() - 1) : saved);

  Config c;
  c.source_dir = dir.path().string();
  dir.write("local.json", "{}");
  EXPECT_EQ(resolve_config_ref(c, "local.json"), (dir / "local.json").string());
  EXPECT_EQ(resolve_config_ref(c, "tech/nangate45.json"),
            (std::filesystem::path(configs_dir()) / "tech/nangate45.json").string());
  EXPECT_EQ(resolve_config_ref(c, "/abs/x.json"), "/abs/x.json");
}

}  // namespace
}  // namespace ngpc
