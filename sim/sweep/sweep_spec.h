// Sweep specifications (docs/sweeps.md): a base configuration, fixed overrides and axes (workload
// inputs, trace files, configuration files or configuration paths) whose cartesian product, plus
// that of each "also" block, gives the points; each point is one run.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sim/sweep/point.h"

namespace ngpc {

// A sweep with more points than this is refused unless --max-points allows it (docs/sweeps.md).
inline constexpr size_t kDefaultMaxPoints = 10000;

struct SweepAxis {
  std::string key;  // workload input, "trace", "config" or a configuration path
  std::vector<nlohmann::ordered_json> values;  // as written in the spec
  std::string json_path;  // where it was written, e.g. "/grid/cluster.scaling_factor"
  std::vector<std::string> value_paths;  // JSON path of each value (".../0", or json_path alone)
};

// One cartesian product: the top-level grid, or the grid with an "also" entry's axes replacing
// and adding axes.
struct SweepBlock {
  std::vector<SweepAxis> axes;  // outermost first; the last varies fastest
  std::string json_path;        // "/grid" or "/also/N"
};

struct SweepPoint {
  size_t index = 0;
  const SweepBlock* block = nullptr;
  std::vector<std::pair<std::string, nlohmann::ordered_json>>
      axes;  // this point's value of each axis
  PointRun run;
};

struct SweepSpec {
  std::string file;  // the spec file, as given
  std::string description;
  std::string config;             // base configuration, absolute ("" = the default machine)
  std::vector<std::string> sets;  // fixed --set overrides
  std::vector<SweepBlock> blocks;
  std::vector<std::string> axis_names;  // every block's axes, in order of first appearance
  std::vector<std::string> stats;       // columns of sweep.csv and the printed table
};

// Reads a spec and checks its structure and the type of every value. Relative paths are taken
// relative to the spec file. InputError naming the file, the JSON path and the expectation.
SweepSpec read_sweep_spec(const std::string& path);

// Points of the spec (saturates at SIZE_MAX), without expanding them.
size_t count_points(const SweepSpec& spec);

// Refuses (InputError naming the spec and its /grid or /also path) more than `max_points`.
void check_point_count(const SweepSpec& spec, size_t max_points);

// The points: blocks in order, each block's first axis outermost and its last fastest.
// `frames` and `trace_cache` are copied into every point's run.
std::vector<SweepPoint> expand(const SweepSpec& spec, const std::string& frames = "",
                               const std::string& trace_cache = "");

// Checks every point before anything runs: each axis value on its own (naming its JSON path),
// then each point's configuration, trace file or workload (naming the point and its axis
// values). Returns each point's identity (point_identity). InputError on the first problem.
std::vector<std::string> check_points(const SweepSpec& spec, const std::vector<SweepPoint>& points);

// The stat keys a run reports, in report order, with units ("" for dimensionless numbers) and
// whether the value is text. Used to check "stats" and to lay out results.csv.
struct StatColumn {
  std::string key, unit;
  bool text = false;
};
const std::vector<StatColumn>& stat_catalogue();

}  // namespace ngpc
