// Schema side of the config loader: the embedded docs/config-schema.json, error wording,
// unknown-key and valijson checks, defaults.
#include <algorithm>
#include <memory>
#include <set>
#include <sstream>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "config_schema_text.h"
#include "sim/config/config_json.h"
#include "sim/config/config_loader.h"
#include "sim/config/units.h"
#include "sim/error.h"
#include "sim/json/suggest.h"
#include "sim/json/utf8.h"

namespace ngpc {

using nlohmann::json;

const json& config_schema() {
  static const json schema = json::parse(config_schema_text);
  return schema;
}

namespace config_detail {
namespace {

const valijson::Schema& compiled_schema() {
  static const std::unique_ptr<valijson::Schema> schema = [] {
    auto s = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(config_schema());
    parser.populateSchema(adapter, *s);
    return s;
  }();
  return *schema;
}

bool is_group(const json& node) {
  return node.contains("properties");
}

void check_unknown_keys(const json& doc, const json& node, const std::string& path,
                        const OriginFn& origin, std::vector<std::string>& problems) {
  if (!doc.is_object() || !is_group(node)) return;
  const json& props = node["properties"];
  for (const auto& [key, value] : doc.items()) {
    const std::string child = join_path(path, key);
    if (key == "parent" && !path.empty()) {
      problems.push_back(origin(child) + ": " + child +
                         ": 'parent' is only allowed at the top level");
    } else if (!props.contains(key)) {
      problems.push_back(origin(child) + ": " + child + ": unknown key" + suggest_key(node, key));
    } else {
      check_unknown_keys(value, props[key], child, origin, problems);
    }
  }
}

// valijson context ["<root>", "[nfp]", "[mlp]"] -> "nfp.mlp".
std::string context_path(const std::vector<std::string>& context) {
  std::string path;
  for (const std::string& part : context) {
    if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
      path = join_path(path, part.substr(1, part.size() - 2));
    }
  }
  return path;
}

const json* value_at(const json& doc, const std::string& path) {
  const json* node = &doc;
  std::istringstream parts(path);
  std::string key;
  while (!path.empty() && std::getline(parts, key, '.')) {
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
  }
  return node;
}

std::string problem_at(const json& doc, const std::string& path, const OriginFn& origin) {
  const json* node = schema_node_at(path);
  const json* value = value_at(doc, path);
  const std::string where = origin(path) + ": " + display_path(path) + ": ";
  if (node == nullptr || value == nullptr) return where + "invalid";
  // For a malformed quantity the unit parser says precisely what is wrong with it.
  if (node->contains("x-unit") && value->is_string()) {
    if (auto family = unit_family_from_name((*node)["x-unit"].get<std::string>())) {
      try {
        parse_quantity(value->get<std::string>(), *family);
      } catch (const InputError& e) {
        return where + e.what();
      }
    }
  }
  std::string hint;
  if (node->contains("enum") && value->is_string()) {
    std::vector<std::string_view> names;
    for (const json& choice : (*node)["enum"]) {
      if (choice.is_string()) names.push_back(choice.get_ref<const std::string&>());
    }
    const std::string close = json_input::closest_name(value->get<std::string>(), names);
    if (!close.empty()) hint = " (did you mean \"" + close + "\"?)";
  }
  return where + "expected " + describe_expected(*node) + ", got " + describe_value(*value) + hint;
}

}  // namespace

const json* schema_node_at(const std::string& path) {
  const json* node = &config_schema();
  std::istringstream parts(path);
  std::string key;
  while (!path.empty() && std::getline(parts, key, '.')) {
    if (!is_group(*node) || !(*node)["properties"].contains(key)) return nullptr;
    node = &(*node)["properties"][key];
  }
  return node;
}

std::string suggest_key(const json& group_schema, const std::string& key) {
  std::string known;
  std::vector<std::string_view> names;
  for (const auto& [name, unused] : group_schema["properties"].items()) {
    if (name == "parent") continue;  // not a parameter; listed in the docs instead
    known += (known.empty() ? "" : ", ") + name;
    names.push_back(group_schema["properties"].find(name).key());
  }
  const std::string close = json_input::closest_name(key, names);
  return (close.empty() ? "" : " (did you mean '" + close + "'?)") + "; expected one of: " + known;
}

std::string describe_expected(const json& node) {
  if (node.contains("x-unit")) {
    const std::string name = node["x-unit"].get<std::string>();
    if (auto family = unit_family_from_name(name)) {
      return "a string with a " + name + " unit (" + unit_family_units(*family) + "), e.g. \"" +
             unit_family_example(*family) + "\"";
    }
  }
  const std::string type = node.value("type", "");
  std::string out;
  if (node.contains("enum")) {
    for (const json& choice : node["enum"]) out += (out.empty() ? "one of " : ", ") + choice.dump();
    return out;
  }
  if (type == "object") return "an object (a group of parameters)";
  if (type == "boolean") return "true or false";
  if (type == "string") {
    out = "a string";
    if (node.value("minLength", 0) > 0) out = "a non-empty string";
    if (node.contains("pattern")) out += " matching " + node["pattern"].get<std::string>();
    return out;
  }
  out = type == "integer" ? "an integer" : "a number";
  if (node.contains("minimum")) out += " >= " + node["minimum"].dump();
  if (node.contains("exclusiveMinimum")) out += " > " + node["exclusiveMinimum"].dump();
  if (node.contains("maximum")) {
    out += (out.find('>') != std::string::npos ? " and <= " : " <= ") + node["maximum"].dump();
  }
  return out;
}

void validate_config_json(const json& doc, const OriginFn& origin) {
  // A --set value that is not JSON is taken as a string of raw bytes; the schema validator must
  // not see invalid UTF-8 (sim/json/utf8.h).
  if (auto bad = json_input::invalid_utf8_path(doc, json_input::PathStyle::kDotted)) {
    fail(origin(*bad), *bad, "not valid UTF-8 text");
  }
  std::vector<std::string> problems;
  check_unknown_keys(doc, config_schema(), "", origin, problems);
  if (problems.empty()) {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter adapter(doc);
    if (!validator.validate(compiled_schema(), adapter, &results)) {
      // valijson reports a failing value and then each enclosing object again; keep the deepest.
      std::set<std::string> paths;
      for (const auto& error : results) paths.insert(context_path(error.context));
      const auto is_ancestor = [](const std::string& a, const std::string& b) {
        return a != b && (a.empty() || b.rfind(a + ".", 0) == 0);
      };
      for (const std::string& path : paths) {
        const bool has_child = std::any_of(
            paths.begin(), paths.end(), [&](const std::string& p) { return is_ancestor(path, p); });
        if (!has_child) problems.push_back(problem_at(doc, path, origin));
      }
    }
  }
  if (problems.empty()) return;
  std::string message = problems.front();
  for (size_t i = 1; i < problems.size(); ++i) message += "\n  " + problems[i];
  throw InputError(message);
}

namespace {

void fill_group(json& doc, const json& node) {
  for (const auto& [key, child] : node["properties"].items()) {
    if (is_group(child)) {
      if (!doc.contains(key)) doc[key] = json::object();
      if (doc[key].is_object()) fill_group(doc[key], child);
    } else if (child.contains("default") && !doc.contains(key)) {
      doc[key] = child["default"];
    }
  }
}

}  // namespace

void fill_defaults(json& doc) {
  fill_group(doc, config_schema());
}

}  // namespace config_detail
}  // namespace ngpc
