// Building blocks of the procedural scenes (sim/trace/scenes.h): a counter-based hash RNG, small
// vector math, the orbiting pinhole camera and the screen-space coverage of ellipsoids.
#pragma once

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "models/mix64.h"

namespace ngpc::trace::scene {

using ngpc::mix64;  // models/mix64.h

// Counter-based RNG: a random value is a pure function of its coordinates, so any query range can
// be generated on its own (no sequential state) and in any order.
inline uint64_t hash_of(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  return mix64(seed ^ mix64(a ^ mix64(b ^ mix64(c))));
}

// Uniform in [0, 1) from the top 53 bits.
inline double unit(uint64_t h) {
  return double(h >> 11) * (1.0 / 9007199254740992.0);
}

// Scene parameters are written with three decimals so traces stay readable; the rounded value is
// the scene.
inline double round3(double v) {
  return std::round(v * 1000) / 1000;
}

struct Vec3 {
  double x = 0, y = 0, z = 0;
};
inline Vec3 operator+(Vec3 a, Vec3 b) {
  return {a.x + b.x, a.y + b.y, a.z + b.z};
}
inline Vec3 operator-(Vec3 a, Vec3 b) {
  return {a.x - b.x, a.y - b.y, a.z - b.z};
}
inline Vec3 operator*(Vec3 a, double s) {
  return {a.x * s, a.y * s, a.z * s};
}
inline double dot(Vec3 a, Vec3 b) {
  return a.x * b.x + a.y * b.y + a.z * b.z;
}
inline Vec3 cross(Vec3 a, Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline double length(Vec3 a) {
  return std::sqrt(dot(a, a));
}
inline Vec3 normalize(Vec3 a) {
  return a * (1.0 / length(a));
}
inline Vec3 div(Vec3 a, Vec3 b) {
  return {a.x / b.x, a.y / b.y, a.z / b.z};
}

// Writes p clamped to [0,1]^3 as floats.
inline void store3(Vec3 p, float* out) {
  auto c = [](double v) { return static_cast<float>(v < 0 ? 0 : v > 1 ? 1 : v); };
  out[0] = c(p.x);
  out[1] = c(p.y);
  out[2] = c(p.z);
}

// Pinhole camera on a sphere around `target`, looking at it, +y up; orbits in azimuth by
// orbit_deg_per_frame per frame.
struct Camera {
  Vec3 origin, forward, right, up;
  double tan_x = 0, tan_y = 0;  // half-extent of the image plane at distance 1
  uint32_t width = 0, height = 0;

  // Unnormalised direction through the centre of pixel (x, y); y = 0 is the top row.
  Vec3 pixel_dir(double x, double y) const {
    const double sx = (2 * (x + 0.5) / width - 1) * tan_x;
    const double sy = (1 - 2 * (y + 0.5) / height) * tan_y;
    return forward + right * sx + up * sy;
  }
  // World-space size of one pixel at the target (the spacing of neighbouring rays there).
  double pixel_footprint(double distance) const { return 2 * tan_y * distance / height; }
};

// Reads params["camera"] (distance, fov_y_deg, elevation_deg, azimuth_deg, orbit_deg_per_frame,
// target). Throws InputError naming the parameter when missing or out of range.
Camera camera_from_params(const nlohmann::json& params, uint32_t width, uint32_t height,
                          uint32_t frame);
nlohmann::json default_camera_params(uint64_t seed, double distance, double fov_y_deg,
                                     double elevation_deg);

// Axis-aligned ellipsoid (a sphere when all radii are equal).
struct Ellipsoid {
  Vec3 center;
  Vec3 radii;
};

// Ray (origin o, direction d) against an ellipsoid: entry/exit parameters along d.
bool ray_ellipsoid(Vec3 o, Vec3 d, const Ellipsoid& e, double* t0, double* t1);
// Ray against the unit cube [0,1]^3: parameters of entry (>= 0) and exit.
bool ray_unit_cube(Vec3 o, Vec3 d, double* t0, double* t1);

// The pixels whose camera ray meets at least one of a set of ellipsoids, enumerated in scanline
// order. Each row's covered pixels form a few spans, found analytically (the hit condition is a
// quadratic in the pixel column), so building costs O(rows x ellipsoids) and looking up the h-th
// covered pixel O(log rows).
class ScreenSpans {
 public:
  ScreenSpans() = default;
  ScreenSpans(const Camera& cam, const std::vector<Ellipsoid>& shapes);
  uint64_t total() const { return row_first_.empty() ? 0 : row_first_.back(); }
  // The h-th covered pixel (h < total()).
  void pixel(uint64_t h, uint32_t* x, uint32_t* y) const;

 private:
  std::vector<uint64_t> row_first_;                   // rows + 1 prefix counts of covered pixels
  std::vector<uint32_t> row_span_;                    // rows + 1 offsets into spans_
  std::vector<std::pair<uint32_t, uint32_t>> spans_;  // [x0, x1)
};

// Parameter access with errors that name "positions.params.<path>".
double param_number(const nlohmann::json& params, const std::string& path, double lo, double hi);
Vec3 param_vec3(const nlohmann::json& params, const std::string& path, double lo, double hi);
uint64_t param_seed(const nlohmann::json& params);
nlohmann::json vec3_json(Vec3 v);

// Smooth value noise in [0, 1) on an integer lattice (trilinear, smoothstep-faded).
double value_noise(uint64_t seed, Vec3 p);

}  // namespace ngpc::trace::scene
