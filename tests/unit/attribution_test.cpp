// configs/attribution/: each step changes only the effect it names (the effective configurations
// are compared), the steps start at the paper's assumptions and end at the default machine.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "sim/config/config_loader.h"

namespace ngpc {
namespace {

using nlohmann::json;

void flatten(const json& j, const std::string& path, std::map<std::string, json>* out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, path.empty() ? k : path + "." + k, out);
  } else {
    (*out)[path] = j;
  }
}

std::set<std::string> differing(const std::string& a, const std::string& b) {
  std::map<std::string, json> fa, fb;
  flatten(load_config(a, {}).effective, "", &fa);
  flatten(load_config(b, {}).effective, "", &fb);
  std::set<std::string> d;
  for (const auto& [k, v] : fa)
    if (k != "name" && k != "description" && (!fb.count(k) || fb[k] != v)) d.insert(k);
  for (const auto& [k, v] : fb)
    if (!fa.count(k)) d.insert(k);
  return d;
}

const std::string kDir = std::string(NGPC_SOURCE_DIR) + "/configs/";

TEST(Attribution, PaperConfigChangesOnlyThePapersAssumptions) {
  EXPECT_EQ(differing(kDir + "ngpc.json", kDir + "ngpc-paper.json"),
            (std::set<std::string>{"nfp.encoding.grid_fill", "nfp.encoding.grid_sram.policy",
                                   "nfp.encoding.grid_sram.bank_mapping",
                                   "nfp.encoding.grid_sram.replicas", "memory.dram.model",
                                   "memory.dram.arbitration", "gpu.dram_traffic",
                                   "tech.scaling"}));
}

TEST(Attribution, EachStepChangesOnlyTheEffectItNames) {
  const std::vector<std::pair<std::string, std::set<std::string>>> steps = {
      {"attribution/0-paper.json", {}},
      {"attribution/1-capacity-misses.json", {"nfp.encoding.grid_sram.policy"}},
      {"attribution/2-bank-conflicts.json",
       {"nfp.encoding.grid_sram.bank_mapping", "nfp.encoding.grid_sram.replicas"}},
      {"attribution/3-fills-per-nfp.json", {"nfp.encoding.grid_fill"}},
      {"attribution/4-dram-patterns.json", {"memory.dram.model"}},
      {"attribution/5-gpu-dram-traffic.json", {"gpu.dram_traffic"}},
      {"attribution/6-contention.json", {"memory.dram.arbitration"}},
      {"attribution/7-sram-scaling.json", {"tech.scaling"}},
  };
  std::string prev = kDir + "ngpc-paper.json";
  for (const auto& [file, expected] : steps) {
    EXPECT_EQ(differing(prev, kDir + file), expected) << file;
    prev = kDir + file;
  }
  // The last step is the default machine.
  EXPECT_TRUE(differing(prev, kDir + "ngpc.json").empty());
}

}  // namespace
}  // namespace ngpc
