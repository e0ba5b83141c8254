// NeRF scene "nerf_object": an object made of a few spherical blobs (the occupied cells of the
// occupancy grid) in the unit cube, seen by a camera orbiting it. Query q of an encode kernel is
// sample (q mod steps) of alive ray (q / steps); alive rays are spread evenly over the pixels whose
// ray meets the object, in scanline order (compaction keeps that order); the sample lies
// first_step + j marching steps into the ray's occupied length, as instant-ngp skips empty space.
#include <algorithm>
#include <cmath>

#include "sim/error.h"
#include "sim/scenes/scene_impl.h"

namespace ngpc::trace::scene {
namespace {

// instant-ngp's minimum NeRF step, sqrt(3)/NERF_STEPS with NERF_STEPS = 1024 [ingp].
const double kNerfStep = std::sqrt(3.0) / 1024;
constexpr uint32_t kBlobs = 4;
constexpr double kCameraDistance = 1.1;
constexpr uint32_t kMaxBlobs = 64;

std::vector<Ellipsoid> blobs_of(const nlohmann::json& params) {
  const nlohmann::json* list =
      params.is_object() && params.contains("blobs") ? &params["blobs"] : nullptr;
  if (!list || !list->is_array() || list->empty() || list->size() > kMaxBlobs) {
    throw InputError("positions.params.blobs: expected a list of 1.." + std::to_string(kMaxBlobs) +
                     " {\"center\": [x, y, z], \"radius\": r}");
  }
  std::vector<Ellipsoid> blobs;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string at = "blobs." + std::to_string(i);
    const Vec3 c = param_vec3(params, at + ".center", 0, 1);
    const double r = param_number(params, at + ".radius", 1e-4, 1);
    blobs.push_back({c, {r, r, r}});
  }
  return blobs;
}

std::vector<EncodeRole> nerf_roles(const Frame& f) {
  std::map<int64_t, uint64_t> step_rays;
  for (const Kernel& k : f.kernels) {
    if (k.kind == "gpu" && k.name == "generate_next_nerf_network_inputs" && k.step >= 0) {
      step_rays[k.step] = k.queries;
    }
  }
  std::vector<EncodeRole> roles(f.kernels.size());
  std::map<int64_t, EncodeRole> step_role;
  uint64_t marched = 0;
  for (size_t i = 0; i < f.kernels.size(); ++i) {
    const Kernel& k = f.kernels[i];
    if (k.kind != "encode") continue;
    const auto known = step_role.find(k.step);
    if (k.step >= 0 && known != step_role.end()) {
      roles[i] = known->second;
      continue;
    }
    EncodeRole r;
    r.encode = true;
    const auto it = step_rays.find(k.step);
    r.rays =
        it != step_rays.end() && it->second > 0 ? it->second : std::max<uint64_t>(1, k.queries);
    // instant-ngp launches next_multiple(rays * steps, 256) samples with 1 <= steps <= 8.
    const double ratio = double(k.queries) / double(r.rays);
    r.steps = static_cast<uint32_t>(std::clamp<double>(std::llround(ratio), 1, 8));
    r.first_step = marched;
    marched += r.steps;
    roles[i] = r;
    if (k.step >= 0) step_role[k.step] = r;
  }
  return roles;
}

class NerfScene : public ngpc::PositionSource {
 public:
  explicit NerfScene(const Trace& t) {
    const auto& p = t.positions.params;
    seed_ = param_seed(p);
    step_ = param_number(p, "step", 1e-6, 1);
    blobs_ = blobs_of(p);
    for (const Frame& f : t.frames) {
      FrameData d;
      d.cam = camera_from_params(p, t.header.width, t.header.height, f.index);
      d.spans = ScreenSpans(d.cam, blobs_);
      d.roles = nerf_roles(f);
      frames_.emplace(f.index, std::move(d));
    }
  }

  void positions(uint32_t frame, uint32_t kernel, uint64_t first_query, uint32_t count,
                 uint32_t dims, float* out) const override {
    check_dims("nerf_object", 3, dims);
    const FrameData& d = frame_data(frames_, frame);
    const EncodeRole& r = role_of(d.roles, kernel, frame);
    const uint64_t covered = d.spans.total();
    const uint64_t per_kernel = r.rays * r.steps;
    double t0[kMaxBlobs], t1[kMaxBlobs];
    // A ray's `steps` samples are consecutive queries: its pixel, direction, occupied intervals
    // and jitter are worked out once for them (perf, 2026-12-04: the scene was 9.5 % of a NeRF
    // 4K NGPC-64 run, every sample redoing its ray's intersections).
    uint64_t ray_slot = UINT64_MAX;
    uint32_t m = 0;
    double occupied = 0, jitter = 0;
    Vec3 dir{0, 0, 0};
    for (uint32_t i = 0; i < count; ++i) {
      const uint64_t q = (first_query + i) % per_kernel;
      const uint64_t slot = q / r.steps, j = q % r.steps;
      if (covered == 0) {
        store3({0.5, 0.5, 0.5}, out + 3 * i);
        continue;
      }
      if (slot != ray_slot) {
        ray_slot = slot;
        uint32_t x, y;
        d.spans.pixel(slot_pixel(slot, r.rays, covered), &x, &y);
        dir = normalize(d.cam.pixel_dir(x, y));
        // Occupied intervals along the ray, merged in order of entry.
        uint32_t n = 0;
        for (const Ellipsoid& b : blobs_) {
          double a, e;
          if (ray_ellipsoid(d.cam.origin, dir, b, &a, &e)) {
            uint32_t k = n++;
            while (k > 0 && t0[k - 1] > a) {
              t0[k] = t0[k - 1];
              t1[k] = t1[k - 1];
              --k;
            }
            t0[k] = a;
            t1[k] = e;
          }
        }
        m = 0;
        for (uint32_t k = 0; k < n; ++k) {
          if (m > 0 && t0[k] <= t1[m - 1]) {
            t1[m - 1] = std::max(t1[m - 1], t1[k]);
          } else {
            t0[m] = t0[k];
            t1[m] = t1[k];
            ++m;
          }
        }
        occupied = 0;
        for (uint32_t k = 0; k < m; ++k) occupied += t1[k] - t0[k];
        // A fixed per-ray offset (as a jittered ray start) keeps rays from marching in lockstep.
        const uint64_t pixel = uint64_t{y} * d.cam.width + x;
        jitter = unit(hash_of(seed_, frame, pixel));
      }
      Vec3 p;
      if (occupied <= 0) {  // grazing pixel the span test counted: nearest point to the object
        p = d.cam.origin + dir * std::max(0.0, dot(Vec3{0.5, 0.5, 0.5} - d.cam.origin, dir));
      } else {
        double along = std::fmod((double(r.first_step + j) + jitter) * step_, occupied);
        uint32_t k = 0;
        while (k + 1 < m && along > t1[k] - t0[k]) {
          along -= t1[k] - t0[k];
          ++k;
        }
        p = d.cam.origin + dir * (t0[k] + along);
      }
      store3(p, out + 3 * i);
    }
  }

 private:
  struct FrameData {
    Camera cam;
    ScreenSpans spans;
    std::vector<EncodeRole> roles;
  };
  uint64_t seed_ = 0;
  double step_ = kNerfStep;
  std::vector<Ellipsoid> blobs_;
  std::map<uint32_t, FrameData> frames_;
};

}  // namespace

nlohmann::json nerf_default_params(uint32_t width, uint32_t height, uint64_t seed) {
  nlohmann::json p;
  p["seed"] = seed;
  p["camera"] = default_camera_params(seed, kCameraDistance, 40, 20);
  nlohmann::json blobs = nlohmann::json::array();
  for (uint32_t i = 0; i < kBlobs; ++i) {
    auto u = [&](uint64_t axis) { return unit(hash_of(seed, 0xb10b, i, axis)); };
    const Vec3 c{round3(0.3 + 0.4 * u(0)), round3(0.3 + 0.4 * u(1)), round3(0.3 + 0.4 * u(2))};
    blobs.push_back({{"center", vec3_json(c)}, {"radius", round3(0.15 + 0.1 * u(3))}});
  }
  p["blobs"] = blobs;
  p["step"] = kNerfStep;
  p["ray_decay_shape"] = 2.0;
  // Consecutive queries are marching steps of one ray or neighbouring rays (one pixel apart).
  const Camera cam = camera_from_params(p, width, height, 0);
  p["sample_spacing"] = std::max(kNerfStep, cam.pixel_footprint(kCameraDistance));
  // The samples of a launch form a lattice: marching steps along each ray, neighbouring rays one
  // pixel apart across and down the screen (the GPU cost model's reuse, docs/gpu-baseline.md).
  const double px = cam.pixel_footprint(kCameraDistance);
  p["sample_lattice"] = {kNerfStep, px, px};
  return p;
}

SceneRays nerf_rays(const nlohmann::json& params, uint32_t width, uint32_t height, uint32_t frame) {
  const Camera cam = camera_from_params(params, width, height, frame);
  const uint64_t alive = ScreenSpans(cam, blobs_of(params)).total();
  return {alive, alive};
}

std::unique_ptr<ngpc::PositionSource> make_nerf_scene(const Trace& t) {
  return std::make_unique<NerfScene>(t);
}

}  // namespace ngpc::trace::scene
