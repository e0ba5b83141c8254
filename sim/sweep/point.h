// One sweep point as a self-contained run: `ngpc-sim sweep point OUT INDEX ...` (the command
// --emit-jobs writes) and the in-process sweep's child processes run the same thing. A point
// writes OUT/points/NNNN/{config.json, summary.txt, stats.json, log.txt} and, last, point.json:
// its status ("ok" or "failed" with the error) and identity.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/config/config_loader.h"
#include "sim/workloads/trace_cache.h"

namespace ngpc {

// What a point runs.
struct PointRun {
  std::string config;             // configuration file, absolute ("" = the default machine)
  std::vector<std::string> sets;  // fixed overrides, then the point's configuration axes
  std::string trace;              // trace file, absolute; empty: `workload` applies
  trace::Workload workload;
  std::string frames;       // --frames range ("" = all)
  std::string trace_cache;  // trace cache directory ("" = the default); not part of the identity
};

// The arguments that define the run (everything but where it writes and the trace cache), in a
// canonical order; parse_point_command(point_command(...)) gives the same run back.
std::vector<std::string> run_args(const PointRun& run);

// `sweep point` arguments: OUT INDEX, run_args, then --trace-cache when set.
std::vector<std::string> point_command(const PointRun& run, const std::string& out, size_t index);

struct PointCommand {
  std::string out;
  size_t index = 0;
  PointRun run;
};
// Parses the arguments after "sweep point". InputError for bad ones.
PointCommand parse_point_command(const std::vector<std::string>& args);

// OUT/points/NNNN (four digits or more).
std::string point_dir(const std::string& out, size_t index);

// What a point's results depend on: the simulator's source fingerprint, run_args, the effective
// configuration, the technology table's contents and the trace's (trace::WorkloadTrace::identity,
// or a hash of the trace file). A finished point whose identity differs is run again.
std::string point_identity(const PointRun& run, const LoadedConfig& cfg,
                           const std::string& trace_identity);
// The trace identity of a run: of the workload's trace (without generating it) or of the file.
std::string run_trace_identity(const PointRun& run);

// Runs the point, writing its folder; returns the exit status (0 ok, 2 bad input, 1 internal).
// A point already finished with the same identity is not run again (returns 0).
int run_point(const PointCommand& cmd);

// The point's status record, point.json: {"index", "status": "ok" | "failed", "exit_status",
// "error", "identity", "command"}. Written durably and last.
void write_point_record(const std::string& dir, size_t index, const std::string& status,
                        int exit_status, const std::string& error, const std::string& identity,
                        const std::vector<std::string>& command);

// Reads a JSON file the sweep wrote (spec, manifest, point records, stats). The single place the
// sweep code parses JSON files.
nlohmann::ordered_json read_sweep_json(const std::string& path, const std::string& what);

}  // namespace ngpc
