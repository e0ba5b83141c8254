#include "sim/json/suggest.h"

#include <algorithm>

namespace ngpc::json_input {

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
