// The four instant-ngp applications as the simulator knows them, defined once: their networks and
// grids (spec §2, the 2022 configuration the paper measured) and their workload inputs (queries per
// pixel, derived from the spec §1 GPU-side frame facts in docs/gpu-baseline.md). The trace
// generator and the Nsight import both take their models from here.
#pragma once

#include <string>
#include <vector>

#include "sim/trace/trace.h"

namespace ngpc::trace {

// The app names ngpc-sim knows, in the order reports list them.
const std::vector<std::string>& app_names();
bool is_app(const std::string& app);

// The encoding variants of an app: every app has "hashgrid"; nerf also "densegrid" and
// "lowres-densegrid".
bool app_has_encoding(const std::string& app, const std::string& encoding);

struct AppModels {
  std::vector<EncodingModel> encodings;  // the first one is what the app's encode kernels use
  std::vector<MlpModel> mlps;            // in the order the app's kernels launch them
};

// The models of `app` with its `encoding` variant. Names are short and app-agnostic ("grid",
// "density", "rgb", "sdf", "volume", "image"): a trace holds one app. Throws InputError for an
// unknown app or variant.
AppModels app_models(const std::string& app, const std::string& encoding = "hashgrid");

// Workload inputs of an app's nominal traces (docs/workloads.md, docs/gpu-baseline.md).
struct AppWorkload {
  double queries_per_pixel = 0;  // encode queries per pixel per frame
  const char* source = "";       // where the value comes from
};
// Throws InputError for an unknown app.
const AppWorkload& app_workload(const std::string& app);

}  // namespace ngpc::trace
