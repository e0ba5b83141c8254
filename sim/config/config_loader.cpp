#include "sim/config/config_loader.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "sim/config/config_json.h"
#include "sim/error.h"

namespace ngpc {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace config_detail;

namespace {

constexpr const char* kDefaultOrigin = "default (docs/config-schema.json)";

fs::path canonical_or_self(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p : c;
}

// Loads `file` with its ancestors merged underneath. `chain` holds the files being loaded, child
// first, to detect cycles.
json load_with_parents(const fs::path& file, std::vector<fs::path>& chain, Origins& origins) {
  const std::string label = file.string();
  json doc = read_json_file(label);
  validate_config_json(doc, [&](const std::string&) { return label; });

  json merged = json::object();
  if (doc.contains("parent")) {
    const fs::path parent =
        (file.parent_path() / doc["parent"].get<std::string>()).lexically_normal();
    const fs::path key = canonical_or_self(parent);
    for (size_t i = 0; i < chain.size(); ++i) {
      if (chain[i] != key) continue;
      std::string cycle;
      for (size_t j = i; j < chain.size(); ++j) cycle += chain[j].string() + " -> ";
      fail(label, "parent", "inheritance cycle: " + cycle + key.string());
    }
    std::error_code ec;
    if (!fs::is_regular_file(parent, ec)) {
      fail(label, "parent", "parent config \"" + parent.string() + "\" does not exist");
    }
    chain.push_back(key);
    merged = load_with_parents(parent, chain, origins);
    chain.pop_back();
    doc.erase("parent");
  }
  deep_merge(merged, doc, label, origins);
  return merged;
}

}  // namespace

std::string configs_dir() {
  const char* env = std::getenv("NGPC_CONFIG_DIR");
  if (env != nullptr && *env != '\0') return env;
  return NGPC_SOURCE_DIR "/configs";
}

LoadedConfig load_config(const std::string& path, const std::vector<std::string>& sets) {
  const fs::path file = path.empty() ? fs::path(configs_dir()) / "ngpc.json" : fs::path(path);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw InputError(file.string() + ": config file does not exist or is not a regular file");
  }
  Origins origins;
  std::vector<fs::path> chain{canonical_or_self(file)};
  json doc = load_with_parents(file, chain, origins);
  for (const std::string& set : sets) apply_set(doc, set, origins);

  const OriginFn origin = [&](const std::string& p) {
    return origin_of(origins, p, kDefaultOrigin);
  };
  validate_config_json(doc, origin);  // catches what --set introduced
  fill_defaults(doc);

  LoadedConfig loaded{doc, build_config(doc, origin)};
  loaded.config.source_dir = fs::absolute(file, ec).parent_path().string();
  return loaded;
}

Config config_from_json(const json& effective, const std::string& origin) {
  const OriginFn label = [&](const std::string&) { return origin; };
  validate_config_json(effective, label);
  return build_config(effective, label);
}

std::string resolve_config_ref(const Config& config, const std::string& rel) {
  const fs::path ref(rel);
  if (ref.is_absolute()) return rel;
  std::error_code ec;
  if (!config.source_dir.empty()) {
    const fs::path local = fs::path(config.source_dir) / ref;
    if (fs::exists(local, ec)) return local.lexically_normal().string();
  }
  return (fs::path(configs_dir()) / ref).lexically_normal().string();
}

}  // namespace ngpc
