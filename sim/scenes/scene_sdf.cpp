// NSDF scene "sdf": an analytic signed distance field (a sphere and a tilted torus) that the
// queries sphere-trace as instant-ngp's SphereTracer does. Primary-tracing query q of kernel step k
// is ray (q mod rays) after k sphere-tracing steps; normal queries are the converged hit point
// offset by +-epsilon along one axis; shadow queries march from the hit point towards the sun.
#include <algorithm>
#include <cmath>

#include "sim/error.h"
#include "sim/scenes/scene_impl.h"

namespace ngpc::trace::scene {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct Sdf {
  Vec3 sphere_c;
  double sphere_r = 0;
  Vec3 torus_c;
  double major = 0, minor = 0, cos_tilt = 1, sin_tilt = 0;
  double distance_scale = 0.95, hit_epsilon = 5e-5, normal_epsilon = 5e-4;
  uint32_t max_steps = 256;
  Vec3 sun;

  explicit Sdf(const nlohmann::json& p) {
    sphere_c = param_vec3(p, "sphere.center", 0, 1);
    sphere_r = param_number(p, "sphere.radius", 1e-3, 1);
    torus_c = param_vec3(p, "torus.center", 0, 1);
    major = param_number(p, "torus.major_radius", 1e-3, 1);
    minor = param_number(p, "torus.minor_radius", 1e-3, 1);
    const double tilt = param_number(p, "torus.tilt_deg", -360, 360) * kPi / 180;
    cos_tilt = std::cos(tilt);
    sin_tilt = std::sin(tilt);
    distance_scale = param_number(p, "distance_scale", 0.05, 1);
    hit_epsilon = param_number(p, "hit_epsilon", 1e-7, 1e-2);
    normal_epsilon = param_number(p, "normal_epsilon", 1e-6, 1e-1);
    max_steps = static_cast<uint32_t>(param_number(p, "max_trace_steps", 1, 4096));
    const Vec3 s = param_vec3(p, "sun_direction", -1, 1);
    if (length(s) < 1e-6) throw InputError("positions.params.sun_direction: must not be zero");
    sun = normalize(s);
  }

  double operator()(Vec3 p) const {
    const double ds = length(p - sphere_c) - sphere_r;
    const Vec3 q = p - torus_c;
    // Torus around the y axis, tilted about x.
    const double y = cos_tilt * q.y - sin_tilt * q.z, z = sin_tilt * q.y + cos_tilt * q.z;
    const double ring = std::sqrt(q.x * q.x + z * z) - major;
    const double dt = std::sqrt(ring * ring + y * y) - minor;
    return std::min(ds, dt);
  }

  std::vector<Ellipsoid> bounds() const {
    const double rs = sphere_r * 1.02, rt = (major + minor) * 1.02;
    return {{sphere_c, {rs, rs, rs}}, {torus_c, {rt, rt, rt}}};
  }

  // Position after `steps` sphere-tracing steps from where the ray enters the unit cube (the
  // tracer's AABB); stops early on convergence or when the ray leaves the cube.
  Vec3 march(Vec3 o, Vec3 d, uint64_t steps, bool* converged) const {
    double t = 0, t_exit = 0;
    *converged = false;
    if (!ray_unit_cube(o, d, &t, &t_exit)) return o;
    Vec3 p = o + d * t;
    const uint64_t n = std::min<uint64_t>(steps, max_steps);
    for (uint64_t i = 0; i < n; ++i) {
      const double dist = (*this)(p);
      if (dist < hit_epsilon) {
        *converged = true;
        break;
      }
      const double next = t + dist * distance_scale;
      if (next > t_exit) break;
      t = next;
      p = o + d * t;
    }
    if (!*converged && (*this)(p) < hit_epsilon) *converged = true;
    return p;
  }

  Vec3 normal(Vec3 p) const {
    const double e = 1e-5;
    return normalize(Vec3{(*this)(p + Vec3{e, 0, 0}) - (*this)(p - Vec3{e, 0, 0}),
                          (*this)(p + Vec3{0, e, 0}) - (*this)(p - Vec3{0, e, 0}),
                          (*this)(p + Vec3{0, 0, e}) - (*this)(p - Vec3{0, 0, e})});
  }
};

std::vector<EncodeRole> sdf_roles(const Frame& f) {
  std::map<int64_t, uint64_t> step_rays;
  for (const Kernel& k : f.kernels) {
    if (k.kind == "gpu" && k.name == "advance_pos_kernel_sdf" && k.step >= 0) {
      step_rays[k.step] = k.queries;
    }
  }
  std::vector<EncodeRole> roles(f.kernels.size());
  uint32_t phase = 0, in_phase = 0;
  uint64_t last_offset_rays = 0;
  for (size_t i = 0; i < f.kernels.size(); ++i) {
    const Kernel& k = f.kernels[i];
    if (k.kind == "gpu") {
      if (k.name == "fd_normals_offset") {
        if (phase != 1) in_phase = 0;
        phase = 1;
        last_offset_rays = k.queries;
      } else if (k.name == "prepare_shadow_rays") {
        phase = 2;
        in_phase = 0;
      }
      continue;
    }
    if (k.kind != "encode") continue;
    EncodeRole r;
    r.encode = true;
    r.phase = phase;
    const auto it = step_rays.find(k.step);
    if (phase == 1 && last_offset_rays > 0) {
      r.rays = last_offset_rays;
    } else if (it != step_rays.end() && it->second > 0) {
      r.rays = it->second;
    } else {
      r.rays = std::max<uint64_t>(1, k.queries);
    }
    r.first_step = phase == 1 ? 0 : in_phase;
    r.sub = phase == 1 ? in_phase % 6 : 0;
    ++in_phase;
    roles[i] = r;
  }
  return roles;
}

class SdfScene : public ngpc::PositionSource {
 public:
  explicit SdfScene(const Trace& t) : sdf_(t.positions.params) {
    const auto& p = t.positions.params;
    for (const Frame& f : t.frames) {
      FrameData d;
      d.cam = camera_from_params(p, t.header.width, t.header.height, f.index);
      d.spans = ScreenSpans(d.cam, sdf_.bounds());
      d.roles = sdf_roles(f);
      frames_.emplace(f.index, std::move(d));
    }
  }

  void positions(uint32_t frame, uint32_t kernel, uint64_t first_query, uint32_t count,
                 uint32_t dims, float* out) const override {
    check_dims("sdf", 3, dims);
    const FrameData& d = frame_data(frames_, frame);
    const EncodeRole& r = role_of(d.roles, kernel, frame);
    const uint64_t covered = d.spans.total();
    for (uint32_t i = 0; i < count; ++i) {
      if (covered == 0) {
        store3({0.5, 0.5, 0.5}, out + 3 * i);
        continue;
      }
      const uint64_t slot = (first_query + i) % r.rays;
      uint32_t x, y;
      d.spans.pixel(slot_pixel(slot, r.rays, covered), &x, &y);
      const Vec3 dir = normalize(d.cam.pixel_dir(x, y));
      bool hit = false;
      Vec3 p;
      if (r.phase == 0) {
        p = sdf_.march(d.cam.origin, dir, r.first_step, &hit);
      } else {
        p = sdf_.march(d.cam.origin, dir, sdf_.max_steps, &hit);
        if (r.phase == 1) {
          const double e = r.sub < 3 ? sdf_.normal_epsilon : -sdf_.normal_epsilon;
          const uint32_t axis = r.sub % 3;
          p = p + Vec3{axis == 0 ? e : 0, axis == 1 ? e : 0, axis == 2 ? e : 0};
        } else {
          // instant-ngp's prepare_shadow_rays: step 1e-3 off the surface, then trace to the sun.
          const Vec3 start = p + sdf_.normal(p) * 1e-3;
          p = sdf_.march(start, sdf_.sun, r.first_step, &hit);
        }
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
  Sdf sdf_;
  std::map<uint32_t, FrameData> frames_;
};

}  // namespace

nlohmann::json sdf_default_params(uint32_t width, uint32_t height, uint64_t seed) {
  auto u = [&](uint64_t what) { return unit(hash_of(seed, 0x5df, what)); };
  nlohmann::json p;
  p["seed"] = seed;
  p["camera"] = default_camera_params(seed, 1.0, 40, 25);
  p["sphere"] = {{"center", vec3_json({round3(0.40 + 0.05 * u(0)), 0.56, 0.48})},
                 {"radius", round3(0.16 + 0.04 * u(1))}};
  p["torus"] = {{"center", vec3_json({0.58, 0.42, 0.52})},
                {"major_radius", 0.2},
                {"minor_radius", round3(0.05 + 0.03 * u(2))},
                {"tilt_deg", std::round(20 + 50 * u(3))}};
  p["distance_scale"] = 0.95;  // instant-ngp m_sdf.distance_scale default [ingp]
  p["hit_epsilon"] = 5e-5;     // instant-ngp m_sdf.maximum_distance default [ingp]
  p["normal_epsilon"] = 5e-4;  // instant-ngp m_sdf.fd_normals_epsilon default [ingp]
  p["max_trace_steps"] = 256;  // per ray, primary or shadow [est]
  p["ray_decay_shape"] = 2.0;
  p["sun_direction"] = vec3_json({0.41, 0.82, 0.41});
  // Consecutive queries are neighbouring rays: one pixel apart at the object.
  p["sample_spacing"] = camera_from_params(p, width, height, 0).pixel_footprint(1.0);
  // One sphere-tracing step of all alive rays per launch: a lattice of neighbouring rays across
  // and down the screen (the GPU cost model's reuse, docs/gpu-baseline.md).
  p["sample_lattice"] = {p["sample_spacing"], p["sample_spacing"]};
  return p;
}

SceneRays sdf_rays(const nlohmann::json& params, uint32_t width, uint32_t height, uint32_t frame) {
  const Sdf sdf(params);
  const Camera cam = camera_from_params(params, width, height, frame);
  const ScreenSpans spans(cam, sdf.bounds());
  SceneRays r;
  r.alive = spans.total();
  if (r.alive == 0) return r;
  // Hit fraction from an evenly spread sample of the covered pixels.
  const uint64_t n = std::min<uint64_t>(r.alive, 4096);
  uint64_t hits = 0;
  for (uint64_t i = 0; i < n; ++i) {
    uint32_t x, y;
    spans.pixel(slot_pixel(i, n, r.alive), &x, &y);
    bool hit = false;
    sdf.march(cam.origin, normalize(cam.pixel_dir(x, y)), sdf.max_steps, &hit);
    hits += hit ? 1 : 0;
  }
  r.hits = static_cast<uint64_t>(std::llround(double(r.alive) * double(hits) / double(n)));
  return r;
}

std::unique_ptr<ngpc::PositionSource> make_sdf_scene(const Trace& t) {
  return std::make_unique<SdfScene>(t);
}

}  // namespace ngpc::trace::scene
