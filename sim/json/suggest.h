// "Did you mean": the known name closest in spelling to a misspelt one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ngpc::json_input {

// Levenshtein distance (insertions, deletions, substitutions).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `name` within two edits (the first of equally close ones), or "".
std::string closest_name(std::string_view name, const std::vector<std::string_view>& candidates);

}  // namespace ngpc::json_input
