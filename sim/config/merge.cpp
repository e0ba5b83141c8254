// File side of the config loader: reading JSON strictly, merging parents and children, --set.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "sim/config/config_json.h"
#include "sim/error.h"

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
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

namespace {

// Catches duplicate keys, which nlohmann::json would otherwise resolve silently (last one wins).
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(std::string file) : file_(std::move(file)) {}

  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        scopes_.push_back({scopes_.empty() ? "" : join_path(scopes_.back().path, last_key_), {}});
        break;
      case json::parse_event_t::object_end:
        scopes_.pop_back();
        break;
      case json::parse_event_t::key: {
        last_key_ = parsed.get<std::string>();
        Scope& scope = scopes_.back();
        if (std::find(scope.keys.begin(), scope.keys.end(), last_key_) != scope.keys.end()) {
          fail(file_, join_path(scope.path, last_key_), "duplicate key");
        }
        scope.keys.push_back(last_key_);
        break;
      }
      default:
        break;
    }
    return true;
  }

 private:
  struct Scope {
    std::string path;
    std::vector<std::string> keys;
  };
  std::string file_;
  std::vector<Scope> scopes_;
  std::string last_key_;
};

}  // namespace

json read_json_file(const std::string& file) {
  std::ifstream in(file);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) throw InputError(file + ": cannot read config file");
  try {
    return json::parse(text.str(), DuplicateKeyCheck(file));
  } catch (const json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line L, column C: ..."
    std::string what = e.what();
    if (const size_t close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
    throw InputError(file + ": malformed JSON: " + what);
  }
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
  const std::string origin = "--set " + assignment;
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
