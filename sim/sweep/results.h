// A sweep's output directory (docs/sweeps.md): the manifest sweep.json (what every point is),
// the point folders, and the tables made from them: results.csv and results.jsonl (one row per
// finished point, every stat), sweep.csv (the spec's chosen stats). An in-process sweep and
// `sweep merge` after externally run points write them with the same functions.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/sweep/sweep_spec.h"

namespace ngpc {

struct ManifestPoint {
  size_t index = 0;
  nlohmann::ordered_json axes = nlohmann::ordered_json::object();  // axis -> value as written
  std::string identity;
  std::vector<std::string> command;  // ngpc-sim sweep point OUT INDEX ..., binary path first
};

struct Manifest {
  std::string spec;  // the spec file
  std::string description;
  std::vector<std::string> axis_names;
  std::vector<std::string> stats;  // columns of sweep.csv
  std::vector<ManifestPoint> points;
};

Manifest make_manifest(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       const std::vector<std::string>& identities, const std::string& out,
                       const std::string& binary);
// OUT/sweep.json, atomically.
void write_manifest(const std::string& out, const Manifest& m);
// InputError when OUT holds no sweep.
Manifest read_manifest(const std::string& out);

enum class PointStatus { pending, ok, failed };

struct PointResult {
  PointStatus status = PointStatus::pending;
  bool stale = false;  // the folder holds a finished point of another identity (run again)
  int exit_status = 0;
  std::string error;
  nlohmann::ordered_json stats;  // stats.json (ok points)
};

// The state of a point's folder against the manifest.
PointResult read_point_result(const std::string& out, const ManifestPoint& p);

// Rewrites results.csv, results.jsonl and sweep.csv from `results` (indexed like m.points;
// pending points have no row), durably.
void write_results(const std::string& out, const Manifest& m,
                   const std::vector<PointResult>& results);
// Appends one finished point's row to results.csv and results.jsonl and flushes them to disk.
void append_result(const std::string& out, const Manifest& m, size_t point,
                   const PointResult& result);

// The table printed at the end: axes and the spec's stats, one row per finished point, then one
// line per failed point.
std::string results_table(const Manifest& m, const std::vector<PointResult>& results);

// Axis values of a point as short text ("app=nerf, cluster.scaling_factor=8").
std::string axes_text(const ManifestPoint& p);

}  // namespace ngpc
