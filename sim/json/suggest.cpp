#include "sim/json/suggest.h"

#include <algorithm>

namespace ngpc::json_input {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_name(std::string_view name, const std::vector<std::string_view>& candidates) {
  // Two edits catch the usual slips (a dropped, doubled or swapped letter) without suggesting
  // unrelated short names; very long input is not worth comparing.
  constexpr size_t kMaxEdits = 2;
  if (name.empty() || name.size() > 256) return "";
  std::string_view best;
  size_t best_distance = kMaxEdits + 1;
  for (std::string_view c : candidates) {
    const size_t d = edit_distance(name, c);
    if (d < best_distance && d > 0) {
      best = c;
      best_distance = d;
    }
  }
  return std::string(best);
}

}  // namespace ngpc::json_input
