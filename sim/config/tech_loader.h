// Technology tables (configs/tech/*.json, format in docs/energy-area.md): energy per action and
// area per component at a base node, every number with its source, plus the factors that scale
// them to other nodes. Loaded and scaled to the requested node exactly once, here; the models
// only see the resulting plain ngpc::TechTable.
//
// Every error is an ngpc::InputError naming the file, the dotted JSON path (e.g.
// sram.read_energy[1].energy), what was expected and the offending value. Unknown keys are errors.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "models/cost/cost.h"

namespace ngpc {

// `node` is the node results are reported at: the table's base_node (no scaling) or a node with
// an entry under "scaling" (e.g. "7nm").
TechTable load_tech_table(const std::string& path, const std::string& node);

// The same from already parsed JSON; `origin` labels errors (e.g. the file name).
TechTable tech_table_from_json(const nlohmann::json& table, const std::string& node,
                               const std::string& origin);

}  // namespace ngpc
