// File side of the config loader: reading JSON strictly, merging parents and children, --set.
#include <sstream>

#include "sim/config/config_json.h"
#include "sim/error.h"
#include "sim/json/parse.h"
#include "sim/json/value.h"

namespace ngpc::config_detail {

using nlohmann::json;

std::string origin_of(const Origins& origins, const std::string& path,
                      const std::string& fallback) {
  std::string p = path;
  while (true) {
    if (auto it = origins.find(p); it != origins.end()) return it->second;
    if (p.empty()) return fallback;
    const size_t dot = p.rfind('.');
    p = dot == std::string::npos ? "" : p.substr(0, dot);
  }
}

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string display_path(const std::string& path) {
  return path.empty() ? "(top level)" : path;
}

void fail(const std::string& origin, const std::string& path, const std::string& what) {
  throw InputError(origin + ": " + display_path(path) + ": " + what);
}

std::string describe_value(const json& value) {
  return json_input::show(value);
}

json read_json_file(const std::string& file) {
  // Dotted paths, as in --set and every other config message (e.g. a duplicate key).
  static const json_input::JsonKind kConfigFile{"config", json_input::kMaxSmallFileBytes,
                                                json_input::PathStyle::kDotted, ""};
  return json_input::read_json_file(file, kConfigFile);
}

void deep_merge(json& base, const json& over, const std::string& origin, Origins& origins,
                const std::string& path) {
  origins[path] = origin;
  if (!base.is_object() || !over.is_object()) {
    base = over;
    return;
  }
  for (const auto& [key, value] : over.items()) {
    if (!base.contains(key)) base[key] = json::object();
    deep_merge(base[key], value, origin, origins, join_path(path, key));
  }
}

void apply_set(json& doc, const std::string& assignment, Origins& origins) {
  // Messages quote the option, shortened so a huge value keeps them readable.
  const std::string origin =
      "--set " + (assignment.size() > 100 ? assignment.substr(0, 97) + "..." : assignment);
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(origin + ": expected path=value, e.g. --set cluster.scaling_factor=16");
  }
  const std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  if (path == "parent") fail(origin, path, "parent can only be given in a file (use --config)");
  const json* node = schema_node_at(path);
  if (node == nullptr) {
    const size_t dot = path.rfind('.');
    const std::string group = dot == std::string::npos ? "" : path.substr(0, dot);
    const json* group_node = schema_node_at(group);
    std::string hint;
    if (group_node != nullptr && group_node->contains("properties")) {
      hint = suggest_key(*group_node, path.substr(dot == std::string::npos ? 0 : dot + 1));
    }
    fail(origin, path, "unknown parameter" + hint);
  }
  if (node->contains("properties")) {
    fail(origin, path, "is a group of parameters, not a value" + suggest_key(*node, ""));
  }

  // Strings need no quotes on the command line (name=123 stays the string "123"); everything
  // else is JSON if it parses, so that 16, 0.5 and true keep their types.
  json value;
  const bool wants_string = node->value("type", "") == "string";
  if (wants_string && (text.empty() || text.front() != '"')) {
    value = text;
  } else {
    value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) value = text;
    // A parameter is a single value; anything nested is a type error the schema reports, but
    // must not reach the recursive schema and merge code (the limit of every JSON input).
    if (json_input::nesting_depth(value) > json_input::kMaxDepth) {
      fail(origin, path,
           "value nested deeper than " + std::to_string(json_input::kMaxDepth) + " levels");
    }
  }

  json* target = &doc;
  std::istringstream parts(path);
  std::string key;
  while (std::getline(parts, key, '.')) {
    if (!target->is_object()) *target = json::object();
    target = &(*target)[key];
  }
  *target = value;
  origins[path] = origin;
}

}  // namespace ngpc::config_detail
