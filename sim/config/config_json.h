// Internals of the config loader shared by its .cpp files (not for use outside sim/config/).
// Paths are dotted ("nfp.encoding.grid_sram.capacity"), the same form --set takes; "" is the
// top level.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "models/machine_config.h"

namespace ngpc::config_detail {

// Where each value of a merged configuration came from (file name or --set option), by path.
using Origins = std::map<std::string, std::string>;

// Names the source of the value at a path, for error messages.
using OriginFn = std::function<std::string(const std::string& path)>;

// The origin recorded for `path` or its nearest recorded ancestor, else `fallback`.
std::string origin_of(const Origins& origins, const std::string& path, const std::string& fallback);

std::string join_path(const std::string& parent, const std::string& key);
std::string display_path(const std::string& path);  // "(top level)" for ""

// Throws InputError "<origin>: <path>: <what>".
[[noreturn]] void fail(const std::string& origin, const std::string& path, const std::string& what);

// A JSON value as it appears in the file, shortened for messages.
std::string describe_value(const nlohmann::json& value);

// What a schema node accepts, e.g. `a string with a bytes unit (B, kB, ...), e.g. "1 MiB"`.
std::string describe_expected(const nlohmann::json& schema_node);

// The schema node of a parameter or group, nullptr if the path is unknown.
const nlohmann::json* schema_node_at(const std::string& path);

// Known keys of the group at `path` closest in spelling to `key` (for "did you mean").
std::string suggest_key(const nlohmann::json& group_schema, const std::string& key);

// Checks a (possibly partial) configuration against the schema: unknown keys, types, enums,
// minimums, quantity patterns. Throws InputError listing every problem found.
void validate_config_json(const nlohmann::json& doc, const OriginFn& origin);

// Adds every parameter missing from `doc` with its schema default.
void fill_defaults(nlohmann::json& doc);

// Reads a configuration file with the safe JSON reader (sim/json/parse.h: size and nesting limits,
// duplicate keys); errors name the file, with the line and column (syntax) or the dotted path.
nlohmann::json read_json_file(const std::string& file);

// Merges `over` into `base` (objects key by key, recursively; anything else replaces) and records
// `origin` for every path `over` sets.
void deep_merge(nlohmann::json& base, const nlohmann::json& over, const std::string& origin,
                Origins& origins, const std::string& path = "");

// Applies one --set "dotted.path=value" to `doc`; unknown paths are errors.
void apply_set(nlohmann::json& doc, const std::string& assignment, Origins& origins);

// config_from_json with a per-path origin.
Config build_config(const nlohmann::json& effective, const OriginFn& origin);

}  // namespace ngpc::config_detail
