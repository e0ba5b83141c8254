#include "sim/scenes/scene_common.h"

#include <algorithm>
#include <cmath>

#include "sim/error.h"

namespace ngpc::trace::scene {
namespace {

constexpr double kPi = 3.14159265358979323846;

const nlohmann::json* lookup(const nlohmann::json& params, const std::string& path) {
  const nlohmann::json* j = &params;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot_at = path.find('.', start);
    const std::string key =
        path.substr(start, dot_at == std::string::npos ? std::string::npos : dot_at - start);
    if (j->is_array()) {  // numeric component: list index
      if (key.empty() || key.find_first_not_of("0123456789") != std::string::npos ||
          key.size() > 9 || std::stoul(key) >= j->size()) {
        return nullptr;
      }
      j = &(*j)[std::stoul(key)];
    } else {
      if (!j->is_object() || !j->contains(key)) return nullptr;
      j = &(*j)[key];
    }
    if (dot_at == std::string::npos) break;
    start = dot_at + 1;
  }
  return j;
}

[[noreturn]] void bad_param(const std::string& path, const std::string& what) {
  throw InputError("positions.params." + path + ": " + what);
}

}  // namespace

double param_number(const nlohmann::json& params, const std::string& path, double lo, double hi) {
  const nlohmann::json* j = lookup(params, path);
  if (!j)
    bad_param(path, "missing; expected a number in [" + std::to_string(lo) + ", " +
                        std::to_string(hi) + "]");
  if (!j->is_number()) bad_param(path, "expected a number, got " + j->dump());
  const double v = j->get<double>();
  if (!std::isfinite(v) || v < lo || v > hi) {
    bad_param(path, "expected a number in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                        "], got " + j->dump());
  }
  return v;
}

Vec3 param_vec3(const nlohmann::json& params, const std::string& path, double lo, double hi) {
  const nlohmann::json* j = lookup(params, path);
  if (!j || !j->is_array() || j->size() != 3) {
    bad_param(path, "expected [x, y, z]" + (j ? ", got " + j->dump() : std::string(" (missing)")));
  }
  double v[3];
  for (int i = 0; i < 3; ++i) {
    const nlohmann::json& e = (*j)[i];
    if (!e.is_number() || !std::isfinite(e.get<double>()) || e.get<double>() < lo ||
        e.get<double>() > hi) {
      bad_param(path, "expected 3 numbers in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                          "], got " + j->dump());
    }
    v[i] = e.get<double>();
  }
  return {v[0], v[1], v[2]};
}

uint64_t param_seed(const nlohmann::json& params) {
  const nlohmann::json* j = lookup(params, "seed");
  if (!j || !j->is_number_unsigned()) {
    bad_param("seed", "expected an unsigned integer" + (j ? ", got " + j->dump() : std::string()));
  }
  return j->get<uint64_t>();
}

nlohmann::json vec3_json(Vec3 v) {
  return nlohmann::json::array({v.x, v.y, v.z});
}

nlohmann::json default_camera_params(uint64_t seed, double distance, double fov_y_deg,
                                     double elevation_deg) {
  // Azimuth from the seed, rounded to a tenth of a degree so the JSON stays short.
  const double azimuth = std::round(unit(hash_of(seed, 0xca3e7a)) * 3600.0) / 10.0;
  return {{"distance", distance},           {"fov_y_deg", fov_y_deg},
          {"elevation_deg", elevation_deg}, {"azimuth_deg", azimuth},
          {"orbit_deg_per_frame", 2.0},     {"target", vec3_json({0.5, 0.5, 0.5})}};
}

Camera camera_from_params(const nlohmann::json& params, uint32_t width, uint32_t height,
                          uint32_t frame) {
  const double dist = param_number(params, "camera.distance", 0.6, 1000);
  const double fov = param_number(params, "camera.fov_y_deg", 1, 170);
  const double elev = param_number(params, "camera.elevation_deg", -89, 89) * kPi / 180;
  const double az0 = param_number(params, "camera.azimuth_deg", -1e6, 1e6);
  const double orbit = param_number(params, "camera.orbit_deg_per_frame", -360, 360);
  const Vec3 target = param_vec3(params, "camera.target", -10, 10);
  const double az = (az0 + orbit * frame) * kPi / 180;
  Camera c;
  c.width = width;
  c.height = height;
  c.origin =
      target +
      Vec3{std::cos(elev) * std::sin(az), std::sin(elev), std::cos(elev) * std::cos(az)} * dist;
  c.forward = normalize(target - c.origin);
  c.right = normalize(cross(c.forward, {0, 1, 0}));
  c.up = cross(c.right, c.forward);
  c.tan_y = std::tan(fov * kPi / 360);
  c.tan_x = c.tan_y * width / height;
  return c;
}

bool ray_ellipsoid(Vec3 o, Vec3 d, const Ellipsoid& e, double* t0, double* t1) {
  const Vec3 os = div(o - e.center, e.radii), ds = div(d, e.radii);
  const double a = dot(ds, ds), b = 2 * dot(os, ds), c = dot(os, os) - 1;
  const double disc = b * b - 4 * a * c;
  if (disc < 0 || a <= 0) return false;
  const double s = std::sqrt(disc);
  const double lo = (-b - s) / (2 * a), hi = (-b + s) / (2 * a);
  if (hi < 0) return false;
  *t0 = std::max(lo, 0.0);
  *t1 = hi;
  return true;
}

bool ray_unit_cube(Vec3 o, Vec3 d, double* t0, double* t1) {
  double lo = 0, hi = 1e300;
  const double oo[3] = {o.x, o.y, o.z}, dd[3] = {d.x, d.y, d.z};
  for (int i = 0; i < 3; ++i) {
    if (dd[i] == 0) {
      if (oo[i] < 0 || oo[i] > 1) return false;
      continue;
    }
    double a = (0 - oo[i]) / dd[i], b = (1 - oo[i]) / dd[i];
    if (a > b) std::swap(a, b);
    lo = std::max(lo, a);
    hi = std::min(hi, b);
  }
  if (lo > hi) return false;
  *t0 = lo;
  *t1 = hi;
  return true;
}

ScreenSpans::ScreenSpans(const Camera& cam, const std::vector<Ellipsoid>& shapes) {
  const uint32_t w = cam.width, h = cam.height;
  row_first_.assign(h + 1, 0);
  row_span_.assign(h + 1, 0);
  const Vec3 step = cam.right * (2 * cam.tan_x / w);  // d(x) = a + x * step
  std::vector<std::pair<uint32_t, uint32_t>> row;
  for (uint32_t y = 0; y < h; ++y) {
    row.clear();
    const Vec3 a = cam.pixel_dir(0, y);
    for (const Ellipsoid& e : shapes) {
      const Vec3 m = div(e.center - cam.origin, e.radii);  // centre seen from the camera, scaled
      const Vec3 as = div(a, e.radii), bs = div(step, e.radii);
      const double k = dot(m, m) - 1;
      auto covered = [&](double x) {
        const Vec3 d = as + bs * x;
        const double dm = dot(d, m);
        return dm > 0 && dm * dm - k * dot(d, d) >= 0;
      };
      if (k <= 0) {  // camera inside: every ray meets it
        row.emplace_back(0, w);
        continue;
      }
      const double qa = dot(bs, m) * dot(bs, m) - k * dot(bs, bs);
      const double qb = 2 * (dot(as, m) * dot(bs, m) - k * dot(as, bs));
      const double qc = dot(as, m) * dot(as, m) - k * dot(as, as);
      if (qa < 0) {
        const double disc = qb * qb - 4 * qa * qc;
        if (disc < 0) continue;
        const double s = std::sqrt(disc);
        const double r1 = (-qb + s) / (2 * qa), r2 = (-qb - s) / (2 * qa);
        const double lo = std::max(0.0, std::ceil(std::min(r1, r2)));
        const double hi = std::min(double(w) - 1, std::floor(std::max(r1, r2)));
        if (lo > hi || !covered(0.5 * (lo + hi))) continue;
        row.emplace_back(static_cast<uint32_t>(lo), static_cast<uint32_t>(hi) + 1);
      } else {  // unbounded conic on screen (very wide field of view): scan the row
        uint32_t x = 0;
        while (x < w) {
          while (x < w && !covered(x)) ++x;
          const uint32_t x0 = x;
          while (x < w && covered(x)) ++x;
          if (x > x0) row.emplace_back(x0, x);
        }
      }
    }
    std::sort(row.begin(), row.end());
    uint64_t count = 0;
    for (const auto& s : row) {
      if (!spans_.empty() && static_cast<size_t>(row_span_[y]) < spans_.size() &&
          s.first <= spans_.back().second) {
        const uint32_t old_end = spans_.back().second;
        spans_.back().second = std::max(old_end, s.second);
        count += spans_.back().second - old_end;
      } else {
        spans_.push_back(s);
        count += s.second - s.first;
      }
    }
    row_span_[y + 1] = static_cast<uint32_t>(spans_.size());
    row_first_[y + 1] = row_first_[y] + count;
  }
}

void ScreenSpans::pixel(uint64_t h, uint32_t* x, uint32_t* y) const {
  const auto it = std::upper_bound(row_first_.begin(), row_first_.end(), h);
  const uint32_t row = static_cast<uint32_t>(it - row_first_.begin()) - 1;
  uint64_t off = h - row_first_[row];
  for (uint32_t s = row_span_[row]; s < row_span_[row + 1]; ++s) {
    const uint64_t len = spans_[s].second - spans_[s].first;
    if (off < len) {
      *x = spans_[s].first + static_cast<uint32_t>(off);
      *y = row;
      return;
    }
    off -= len;
  }
  *x = spans_[row_span_[row + 1] - 1].second - 1;  // unreachable for h < total()
  *y = row;
}

double value_noise(uint64_t seed, Vec3 p) {
  const double fx = std::floor(p.x), fy = std::floor(p.y), fz = std::floor(p.z);
  const int64_t ix = static_cast<int64_t>(fx), iy = static_cast<int64_t>(fy),
                iz = static_cast<int64_t>(fz);
  auto fade = [](double t) { return t * t * (3 - 2 * t); };
  const double u = fade(p.x - fx), v = fade(p.y - fy), w = fade(p.z - fz);
  double acc = 0;
  for (int c = 0; c < 8; ++c) {
    const int dx = c & 1, dy = (c >> 1) & 1, dz = (c >> 2) & 1;
    const double lattice =
        unit(hash_of(seed, uint64_t(ix + dx), uint64_t(iy + dy), uint64_t(iz + dz)));
    acc += lattice * (dx ? u : 1 - u) * (dy ? v : 1 - v) * (dz ? w : 1 - w);
  }
  return acc;
}

}  // namespace ngpc::trace::scene
