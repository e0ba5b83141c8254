// Sample positions for address-level detail: where the queries of an encode kernel land in the
// unit cube/square. Implemented by the procedural scenes of sim/trace; the models only ask.
#pragma once

#include <cstdint>

namespace ngpc {

class PositionSource {
 public:
  virtual ~PositionSource() = default;
  // Writes `count` positions (count * dims floats, each in [0,1]) of queries
  // [first_query, first_query + count) of kernel `kernel` of frame `frame`. Deterministic.
  virtual void positions(uint32_t frame, uint32_t kernel, uint64_t first_query, uint32_t count,
                         uint32_t dims, float* out) const = 0;
};

}  // namespace ngpc
