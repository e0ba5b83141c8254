// Typed statistics: every reported number has a key, a unit and a one-line definition
// (docs/stats-reference.md). Built once from a run's results; the writers only format them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "models/machine_config.h"
#include "sim/replay/replay.h"
#include "sim/trace/trace.h"

namespace ngpc {

struct Stat {
  std::string key;
  std::variant<double, std::string> value;
  std::string unit;         // "" for dimensionless counts and names
  std::string description;  // one line
  bool wall_clock = false;  // varies between identical runs
};

struct StatSet {
  std::vector<Stat> stats;
  nlohmann::json frames = nlohmann::json::array();  // per-frame values (units as in `stats`)

  void add(std::string key, double v, std::string unit, std::string desc, bool wall = false);
  void add(std::string key, std::string v, std::string desc);
  const Stat* find(const std::string& key) const;
  double number(const std::string& key) const;  // throws if missing or not a number
};

StatSet make_stats(const RunResult& r, const Config& cfg, const trace::Trace& trace);

// Which resource bounded the frame: the busiest of MAC arrays, level units, L2 link, DRAM and the
// GPU's remaining kernels, by busy time / frame time.
struct Bound {
  std::string resource;
  double utilisation = 0;  // of that resource
};
Bound frame_bound(const FrameResult& f, const RunResult& r);

}  // namespace ngpc
