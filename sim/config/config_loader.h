// Machine configurations: JSON files under configs/ (docs/config-reference.md), validated against
// docs/config-schema.json, with "parent" inheritance, --set overrides and schema defaults, then
// converted once into the plain ngpc::Config the models use.
//
// Every error is an ngpc::InputError naming the file (or the --set option) the value came from,
// the dotted JSON path (e.g. nfp.encoding.grid_sram.capacity), what was expected and the value.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/machine_config.h"

namespace ngpc {

struct LoadedConfig {
  nlohmann::json effective;  // every parameter, defaults included; loadable as a config file
  Config config;             // the same, in base units
};

// Loads `path` (empty: configs_dir()/ngpc.json), resolves its parents, applies the `sets`
// ("dotted.path=value"; the value is JSON if it parses, else a string), fills defaults and
// converts. Sets config.source_dir to the directory of `path`.
LoadedConfig load_config(const std::string& path, const std::vector<std::string>& sets);

// Converts a complete (effective) configuration; `origin` labels errors (e.g. a file name).
// Checks types, units and ranges on its own, so callers may pass JSON they edited themselves.
Config config_from_json(const nlohmann::json& effective, const std::string& origin);

// The shipped configs: $NGPC_CONFIG_DIR if set, else <source dir>/configs.
std::string configs_dir();

// Resolves a file reference of the config (tech.table): absolute paths stay; a
// relative one is taken relative to config.source_dir if that file exists, else to configs_dir().
std::string resolve_config_ref(const Config& config, const std::string& rel);

// The parsed docs/config-schema.json (compiled into the binary).
const nlohmann::json& config_schema();

}  // namespace ngpc
