// "Did you mean" suggestions for misspelt names (spec keys, stat keys).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ngpc {

// Levenshtein distance (insertions, deletions, substitutions).
// Levenshtein distance; the one the "did you mean" of every input reader uses.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `name` if it is within a third of the name's length (at least 2
// edits), else "".
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace ngpc
