// Procedural scenes: where the queries of a trace's encode kernels land, with the spatial locality
// of real ray marching (spec §3), and the positions-file reader. Scenes, their parameters and the
// query -> position mapping are documented in docs/workloads.md.
//
// Every position is a pure function of (seed, frame, kernel, query index) — camera rays, marching
// steps and jitter come from a counter-based hash, never a sequential RNG — so any query range is
// generated independently, in any order, at millions of positions per second.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "models/positions.h"
#include "sim/trace/trace.h"

namespace ngpc::trace {

// Scene of an app: "nerf_object" (nerf), "sdf" (nsdf), "cloud" (nvr), "image" (gia). Throws
// InputError for other apps.
std::string scene_for_app(const std::string& app);

// The parameters the generator writes into positions.params for a new trace.
nlohmann::json default_scene_params(const std::string& scene, uint32_t width, uint32_t height,
                                    uint64_t seed);

// What the generator needs from a scene to size one frame's ray loops.
struct SceneRays {
  uint64_t alive = 0;  // rays alive after ray init (their pixel's ray reaches the scene content)
  uint64_t hits = 0;   // sdf: rays whose sphere tracing converges on the surface; else = alive
};
SceneRays scene_rays(const std::string& scene, const nlohmann::json& params, uint32_t width,
                     uint32_t height, uint32_t frame);

// The positions of a trace: a procedural scene, the binary positions file (bounds-checked), or
// nullptr for type "none". Throws InputError for bad scene parameters or an unusable file.
std::unique_ptr<ngpc::PositionSource> make_position_source(const Trace& t);

}  // namespace ngpc::trace
