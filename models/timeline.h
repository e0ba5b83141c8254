// The first frame's timeline (batches per NFP, GPU jobs, memory transfers), exported as Chrome
// trace-event JSON by sim/report. Recording is opt-in and bounded: a 4K frame at NGPC-64 has
// ~350 000 intervals, which cost 1.3 GB of host memory and a 93 MB file when all were kept.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ngpc {

struct TimelineEvent {
  std::string track;  // e.g. "GPU", "NFP 3 encode", "NFP 3 memory"
  std::string name;
  double start_s = 0, dur_s = 0;
};

// Shared by the modules that record. Keeps the first `limit` intervals in completion order and
// counts the rest, so a capped timeline says how much of the frame it shows.
struct Timeline {
  uint64_t limit = 0;    // 0: not recording
  uint64_t dropped = 0;  // intervals past the limit
  std::vector<TimelineEvent> events;

  // False once the limit is reached (and counts the interval as dropped): callers skip building
  // the event's strings.
  bool admit() {
    if (events.size() < limit) return true;
    ++dropped;
    return false;
  }
};

}  // namespace ngpc
