// Runs a sweep's unfinished points on this machine, one child process per point (SystemC keeps
// one simulation per process), `jobs` at a time. Each finished point's row is appended to
// results.csv / results.jsonl at once; at the end (or on SIGINT, SIGTERM, SIGHUP: running points
// are stopped and lost, finished ones kept) the files are rewritten in point order.
#pragma once

#include <string>
#include <vector>

#include "sim/sweep/point.h"
#include "sim/sweep/progress.h"
#include "sim/sweep/results.h"

namespace ngpc {

struct SweepOutcome {
  std::vector<PointResult> results;  // indexed like the manifest's points
  size_t ran = 0, resumed = 0, failed = 0, pending = 0;
  int signal = 0;  // the signal that stopped the sweep, 0 if none
};

// `commands[i]` is the run of m.points[i] (parsed from the same command line --emit-jobs writes).
SweepOutcome run_sweep(const std::string& out, const Manifest& m,
                       const std::vector<PointCommand>& commands, unsigned jobs,
                       SweepProgress::Mode mode);

}  // namespace ngpc
