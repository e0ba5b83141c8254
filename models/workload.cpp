#include "models/workload.h"

#include <algorithm>

namespace ngpc {

uint64_t WorkItem::max_queries() const {
  uint64_t q = 0;
  for (const auto& e : encodes) q = std::max(q, e.queries);
  for (const auto& m : mlps) q = std::max(q, m.queries);
  return q;
}

}  // namespace ngpc
