// Sweep specifications (docs/sweeps.md): a base configuration, fixed overrides, a grid of
// parameter values and a list of traces; expanded into points, each one `run`.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ngpc {

struct SweepPoint {
  size_t index = 0;
  std::string trace;                                      // file
  std::vector<std::string> sets;                          // fixed overrides, then grid values
  std::vector<std::pair<std::string, std::string>> grid;  // key -> value of this point
};

struct SweepSpec {
  std::string config;               // base configuration file ("" = default machine)
  std::vector<std::string> traces;  // trace files
  std::vector<std::string> sets;    // fixed --set overrides
  std::vector<std::pair<std::string, std::vector<std::string>>> grid;  // in file order
  std::vector<std::string> stats;                                      // columns of sweep.csv
};

// Reads and validates a spec; relative paths are taken relative to the spec file. InputError on
// bad input (file, JSON path, expectation).
SweepSpec read_sweep_spec(const std::string& path);
// Traces x the cartesian product of the grid, traces outermost, last grid key fastest.
std::vector<SweepPoint> expand(const SweepSpec& spec);

}  // namespace ngpc
