// "Did you mean": the known name closest in spelling to a misspelt one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/util/spelling.h"

namespace ngpc::json_input {

// Levenshtein distance (insertions, deletions, substitutions).
using ngpc::edit_distance;  // sim/util/spelling.h

// The candidate closest to `name` within two edits (the first of equally close ones), or "".
std::string closest_name(std::string_view name, const std::vector<std::string_view>& candidates);

}  // namespace ngpc::json_input
