// Replays a trace's frames on the SystemC models of one configuration and gathers the raw
// results (times, actions, traffic) plus energy and area from the technology table.
#pragma once

#include <string>
#include <vector>

#include "models/activity.h"
#include "models/cluster/cluster.h"
#include "models/cost/cost.h"
#include "models/machine_config.h"
#include "sim/trace/trace.h"

namespace ngpc {

struct FrameResult {
  FrameStats stats;
  double baseline_s = 0;                     // GPU-only frame time (sum of gpu_time_ns)
  double baseline_by_kind_s[3] = {0, 0, 0};  // encode, mlp, gpu kernels
  uint64_t encode_queries = 0;
  EnergyBreakdown energy;  // this frame
};

struct RunResult {
  std::vector<FrameResult> frames;
  Activity activity;      // whole run
  double sim_time_s = 0;  // sum of frame times
  double sim_wall_s = 0;  // host seconds in the simulation proper
  double sim_cycles = 0;  // NGPC clock cycles simulated
  uint32_t nfps = 0;
  std::string positions;                // where sample positions came from
  Timeline timeline;                    // first frame, when asked for
  EnergyBreakdown energy;               // whole run
  AreaBreakdown area;
  double leakage_w = 0;
};

struct ReplayOptions {
  std::string frames;     // "a:b" range; empty = all
  bool progress = false;  // progress line on stderr
  uint64_t timeline_events = 0;  // intervals of the first frame's timeline to keep (0: none)
};

RunResult replay(const trace::Trace& trace, const Config& cfg, const TechTable& tech,
                 const ReplayOptions& opt);

}  // namespace ngpc
