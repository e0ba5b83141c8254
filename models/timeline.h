// One interval of the frame timeline (exported as Chrome trace-event JSON by sim/report).
#pragma once

#include <string>

namespace ngpc {

struct TimelineEvent {
  std::string track;  // e.g. "GPU", "NFP 3 encode", "NFP 3 memory"
  std::string name;
  double start_s = 0, dur_s = 0;
};

}  // namespace ngpc
