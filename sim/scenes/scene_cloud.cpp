// NVR scene "cloud": a noise-modulated ellipsoid of participating medium, rendered by delta
// tracking as instant-ngp's volume_render_kernel_step does. Query q of iteration k is alive ray
// (q mod rays) after k + 1 free flights (exponential, mean free path = distance_scale / majorant)
// from its entry into the ellipsoid; the ray's extent inside the medium is the chord scaled down
// by value noise at the entry point (the cloud's ragged boundary), and flights past it wrap.
#include <algorithm>
#include <cmath>

#include "sim/scenes/scene_impl.h"

namespace ngpc::trace::scene {
namespace {

struct Cloud {
  Ellipsoid shape;
  double noise_amplitude = 0.5, noise_frequency = 6, mean_free_path = 0.02;

  explicit Cloud(const nlohmann::json& p) {
    shape.center = param_vec3(p, "ellipsoid.center", 0, 1);
    shape.radii = param_vec3(p, "ellipsoid.radii", 1e-3, 1);
    noise_amplitude = param_number(p, "noise.amplitude", 0, 0.95);
    noise_frequency = param_number(p, "noise.frequency", 0, 1000);
    mean_free_path = param_number(p, "mean_free_path", 1e-5, 10);
  }
};

std::vector<EncodeRole> cloud_roles(const Frame& f) {
  std::map<int64_t, uint64_t> step_rays;
  for (const Kernel& k : f.kernels) {
    if (k.kind == "gpu" && k.name == "volume_render_kernel_step" && k.step >= 0) {
      step_rays[k.step] = k.queries;
    }
  }
  std::vector<EncodeRole> roles(f.kernels.size());
  uint64_t iteration = 0;
  for (size_t i = 0; i < f.kernels.size(); ++i) {
    const Kernel& k = f.kernels[i];
    if (k.kind != "encode") continue;
    EncodeRole r;
    r.encode = true;
    const auto it = step_rays.find(k.step);
    r.rays =
        it != step_rays.end() && it->second > 0 ? it->second : std::max<uint64_t>(1, k.queries);
    r.first_step = iteration++;
    roles[i] = r;
  }
  return roles;
}

class CloudScene : public ngpc::PositionSource {
 public:
  explicit CloudScene(const Trace& t) : cloud_(t.positions.params) {
    const auto& p = t.positions.params;
    seed_ = param_seed(p);
    for (const Frame& f : t.frames) {
      FrameData d;
      d.cam = camera_from_params(p, t.header.width, t.header.height, f.index);
      d.spans = ScreenSpans(d.cam, {cloud_.shape});
      d.roles = cloud_roles(f);
      frames_.emplace(f.index, std::move(d));
    }
  }

  void positions(uint32_t frame, uint32_t kernel, uint64_t first_query, uint32_t count,
                 uint32_t dims, float* out) const override {
    check_dims("cloud", 3, dims);
    const FrameData& d = frame_data(frames_, frame);
    const EncodeRole& r = role_of(d.roles, kernel, frame);
    const uint64_t covered = d.spans.total();
    for (uint32_t i = 0; i < count; ++i) {
      if (covered == 0) {
        store3(cloud_.shape.center, out + 3 * i);
        continue;
      }
      const uint64_t slot = (first_query + i) % r.rays;
      uint32_t x, y;
      d.spans.pixel(slot_pixel(slot, r.rays, covered), &x, &y);
      const Vec3 dir = normalize(d.cam.pixel_dir(x, y));
      double t0, t1;
      if (!ray_ellipsoid(d.cam.origin, dir, cloud_.shape, &t0, &t1)) {
        t0 = t1 = std::max(0.0, dot(cloud_.shape.center - d.cam.origin, dir));
      }
      const Vec3 entry = d.cam.origin + dir * t0;
      const double ragged =
          1 - cloud_.noise_amplitude * value_noise(seed_, entry * cloud_.noise_frequency);
      const double extent = (t1 - t0) * ragged;
      // The ray's free flights depend only on (seed, frame, pixel, flight), so every iteration
      // sees the same path.
      const uint64_t pixel = uint64_t{y} * d.cam.width + x;
      double travelled = 0;
      for (uint64_t m = 0; m <= r.first_step; ++m) {
        travelled -= std::log1p(-unit(hash_of(seed_, frame, pixel, m))) * cloud_.mean_free_path;
      }
      const double along = extent > 0 ? std::fmod(travelled, extent) : 0;
      store3(entry + dir * along, out + 3 * i);
    }
  }

 private:
  struct FrameData {
    Camera cam;
    ScreenSpans spans;
    std::vector<EncodeRole> roles;
  };
  Cloud cloud_;
  uint64_t seed_ = 0;
  std::map<uint32_t, FrameData> frames_;
};

}  // namespace

nlohmann::json cloud_default_params(uint32_t width, uint32_t height, uint64_t seed) {
  auto u = [&](uint64_t what) { return unit(hash_of(seed, 0xc10d, what)); };
  nlohmann::json p;
  p["seed"] = seed;
  p["camera"] = default_camera_params(seed, 0.9, 40, 10);
  p["ellipsoid"] = {{"center", vec3_json({0.5, 0.5, 0.5})},
                    {"radii", vec3_json({round3(0.34 + 0.08 * u(0)), round3(0.24 + 0.06 * u(1)),
                                         round3(0.30 + 0.08 * u(2))})}};
  p["noise"] = {{"amplitude", 0.5}, {"frequency", 6.0}};
  p["mean_free_path"] = 0.02;
  p["ray_decay_shape"] = 2.0;
  p["sample_spacing"] = camera_from_params(p, width, height, 0).pixel_footprint(0.9);
  return p;
}

SceneRays cloud_rays(const nlohmann::json& params, uint32_t width, uint32_t height,
                     uint32_t frame) {
  const Cloud cloud(params);
  const Camera cam = camera_from_params(params, width, height, frame);
  const uint64_t alive = ScreenSpans(cam, {cloud.shape}).total();
  return {alive, alive};
}

std::unique_ptr<ngpc::PositionSource> make_cloud_scene(const Trace& t) {
  return std::make_unique<CloudScene>(t);
}

}  // namespace ngpc::trace::scene
