// Traces for any workload (docs/workloads.md, "Any workload on the fly"): the bundled trace when
// one matches the generator inputs, else the trace generated once from them and kept in a cache
// directory, keyed by the inputs and the simulator's source fingerprint.
#pragma once

#include <cstdint>
#include <string>

#include "sim/workloads/generator.h"

namespace ngpc::trace {

// The generator inputs that define a trace.
struct Workload {
  std::string app;                    // nerf | nsdf | nvr | gia
  std::string resolution = "4k";      // 1080p | 4k | 8k | WxH
  std::string encoding = "hashgrid";  // nerf also: densegrid | lowres-densegrid
  double queries_per_pixel = 0;       // 0: the app's nominal value
  uint64_t seed = 1;                  // scene seed (not the address-level sampling seed)
  uint32_t frames = 1;
};

// The generator options of a workload: resolution parsed, queries per pixel resolved to the app's
// nominal value when 0. Throws InputError for a bad app or resolution.
GenOptions gen_options(const Workload& w);

// The command line a generated trace records as its provenance (`trace gen` writes the same), so
// a cached trace and `trace gen` with the same options are the same file. `gpu_profile` is "" for
// the built-in profile.
std::string gen_command_line(const GenOptions& o, const std::string& gpu_profile = "");

// The cache directory: `override_dir` if not empty, else $NGPC_TRACE_CACHE, else
// $XDG_CACHE_HOME/ngpc-sim/traces, else $HOME/.cache/ngpc-sim/traces.
std::string trace_cache_dir(const std::string& override_dir = "");

struct WorkloadTrace {
  std::string path;      // the bundled file or the cache entry (which may not exist yet)
  bool bundled = false;  // a bundled trace recording exactly these inputs
  // What the trace's contents depend on: "bundled:<hash of the file>" or
  // "generated:<cache key>" (the key covers the inputs and the source fingerprint).
  std::string identity;
};

// Where the workload's trace is, without generating anything. Throws InputError for bad inputs.
WorkloadTrace locate_workload_trace(const Workload& w, const std::string& cache_dir);

// As locate_workload_trace, generating the cache entry first when it is missing. Processes sharing
// the cache generate an entry once (under the cache's lock file; the trace is written atomically).
// `generated` (optional) tells whether this call generated it. Throws InputError for bad inputs,
// including queries per pixel the app cannot produce at that view.
WorkloadTrace workload_trace(const Workload& w, const std::string& cache_dir,
                             bool* generated = nullptr);

}  // namespace ngpc::trace
