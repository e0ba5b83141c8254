// "Did you mean" suggestions for misspelt names (spec keys, stat keys).
#pragma once

#include <string>
#include <vector>

namespace ngpc {

// Levenshtein distance (insertions, deletions, substitutions).
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `name` if it is within a third of the name's length (at least 2
// edits), else "".
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace ngpc
