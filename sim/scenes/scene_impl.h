// Internal interface between the scene factory (scenes.cpp) and the individual scenes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/positions.h"
#include "sim/error.h"
#include "sim/scenes/scene_common.h"
#include "sim/scenes/scenes.h"
#include "sim/trace/trace.h"

namespace ngpc::trace::scene {

// What an encode kernel evaluates, read off the frame's kernel sequence (the generator's kernel
// names are instant-ngp's, so measured traces with the same names map the same way).
struct EncodeRole {
  bool encode = false;
  uint32_t phase = 0;       // sdf: 0 primary tracing, 1 normals, 2 shadow rays
  uint64_t rays = 0;        // rays alive in the kernel (one query per ray and step)
  uint32_t steps = 1;       // marching steps per ray in this kernel (NeRF: 1..8)
  uint64_t first_step = 0;  // steps every ray took before this kernel
  uint32_t sub = 0;         // sdf normals: 0..5 = +x, +y, +z, -x, -y, -z
};

// Queries of an encode kernel -> (ray slot, step); the ray slot picks one of `covered` pixels,
// spreading the alive rays evenly over them in scanline order.
inline uint64_t slot_pixel(uint64_t slot, uint64_t rays, uint64_t covered) {
  const double h = (double(slot) + 0.5) * double(covered) / double(rays);
  const uint64_t i = static_cast<uint64_t>(h);
  return i < covered ? i : covered - 1;
}

// Frame lookup by Frame::index with an error for frames the trace does not have.
template <typename T>
const T& frame_data(const std::map<uint32_t, T>& frames, uint32_t frame) {
  const auto it = frames.find(frame);
  if (it == frames.end()) {
    throw std::out_of_range("positions requested for frame " + std::to_string(frame) +
                            ", which the trace does not have");
  }
  return it->second;
}

const EncodeRole& role_of(const std::vector<EncodeRole>& roles, uint32_t kernel, uint32_t frame);
void check_dims(const char* scene, uint32_t want, uint32_t dims);

nlohmann::json nerf_default_params(uint32_t width, uint32_t height, uint64_t seed);
SceneRays nerf_rays(const nlohmann::json& params, uint32_t width, uint32_t height, uint32_t frame);
std::unique_ptr<ngpc::PositionSource> make_nerf_scene(const Trace& t);

nlohmann::json sdf_default_params(uint32_t width, uint32_t height, uint64_t seed);
SceneRays sdf_rays(const nlohmann::json& params, uint32_t width, uint32_t height, uint32_t frame);
std::unique_ptr<ngpc::PositionSource> make_sdf_scene(const Trace& t);

nlohmann::json cloud_default_params(uint32_t width, uint32_t height, uint64_t seed);
SceneRays cloud_rays(const nlohmann::json& params, uint32_t width, uint32_t height, uint32_t frame);
std::unique_ptr<ngpc::PositionSource> make_cloud_scene(const Trace& t);

nlohmann::json image_default_params(uint32_t width, uint32_t height, uint64_t seed);
std::unique_ptr<ngpc::PositionSource> make_image_scene(const Trace& t);

std::unique_ptr<ngpc::PositionSource> make_file_positions(const Trace& t);

}  // namespace ngpc::trace::scene
