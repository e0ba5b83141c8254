#include "sim/workloads/generator.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "sim/error.h"
#include "sim/gpu_baseline/cost_model.h"
#include "sim/scenes/scenes.h"
#include "sim/workloads/apps.h"
#include "sim/workloads/gen_common.h"

namespace ngpc::trace {
namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void check_options(const GenOptions& o) {
  if (o.app != "nerf" && o.app != "nsdf" && o.app != "nvr" && o.app != "gia") {
    throw InputError("--app: unknown app \"" + o.app + "\" (expected nerf, nsdf, nvr or gia)");
  }
  if (o.encoding != "hashgrid" && o.encoding != "densegrid" && o.encoding != "lowres-densegrid") {
    throw InputError("--encoding: unknown encoding \"" + o.encoding +
                     "\" (expected hashgrid, densegrid or lowres-densegrid)");
  }
  if (o.app != "nerf" && o.encoding != "hashgrid") {
    throw InputError("--encoding " + o.encoding + ": only nerf has grid variants; " + o.app +
                     " uses hashgrid");
  }
  if (o.width == 0 || o.height == 0 || o.width > 65536 || o.height > 65536) {
    throw InputError("--resolution: width and height must be 1..65536");
  }
  if (o.frames == 0 || o.frames > 100000) throw InputError("--frames: expected 1..100000");
  if (!std::isfinite(o.queries_per_pixel) || o.queries_per_pixel < 0 || o.queries_per_pixel > 1e6) {
    throw InputError("--queries-per-pixel: expected a number in (0, 1e6]");
  }
  if (o.app == "gia" && o.queries_per_pixel != 0 && o.queries_per_pixel != 1) {
    throw InputError("--queries-per-pixel " + number_text(o.queries_per_pixel) +
                     ": gia evaluates exactly 1 query per pixel");
  }
}

}  // namespace

void parse_resolution(const std::string& text, uint32_t* width, uint32_t* height) {
  std::string t;
  for (char c : text) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "1080p") {
    *width = 1920, *height = 1080;
    return;
  }
  if (t == "4k") {
    *width = 3840, *height = 2160;
    return;
  }
  if (t == "8k") {
    *width = 7680, *height = 4320;
    return;
  }
  const size_t x = t.find('x');
  auto whole = [](const std::string& s, uint32_t* out) {
    if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    const unsigned long v = std::stoul(s);
    if (v < 1 || v > 65536) return false;
    *out = static_cast<uint32_t>(v);
    return true;
  };
  if (x == std::string::npos || !whole(t.substr(0, x), width) || !whole(t.substr(x + 1), height)) {
    throw InputError("--resolution: expected 1080p, 4k, 8k or WxH (1..65536 each), got \"" + text +
                     "\"");
  }
}

double nominal_queries_per_pixel(const std::string& app) {
  if (!is_app(app)) {
    throw InputError("--app: unknown app \"" + app + "\" (expected nerf, nsdf, nvr or gia)");
  }
  return app_workload(app).queries_per_pixel;
}

uint64_t frame_query_target(uint32_t width, uint32_t height, double queries_per_pixel) {
  const double wanted = std::round(double(width) * double(height) * queries_per_pixel);
  return gen::next_multiple(static_cast<uint64_t>(wanted), kBatchGranularity);
}

Trace generate_trace(const GenOptions& options, const gpu::GpuProfile& profile) {
  check_options(options);
  GenOptions o = options;
  if (o.queries_per_pixel == 0) o.queries_per_pixel = nominal_queries_per_pixel(o.app);

  Trace t;
  t.header.app = o.app;
  t.header.encoding = o.encoding;
  t.header.width = o.width;
  t.header.height = o.height;
  t.header.samples_per_pixel = 1;
  t.header.queries_per_pixel = o.queries_per_pixel;
  t.header.seed = o.seed;
  std::string cmd = o.command_line;
  if (cmd.empty()) {
    cmd = "trace gen --app " + o.app + " --resolution " + std::to_string(o.width) + "x" +
          std::to_string(o.height) + " --encoding " + o.encoding + " --queries-per-pixel " +
          number_text(o.queries_per_pixel) + " --frames " + std::to_string(o.frames) + " --seed " +
          std::to_string(o.seed);
  }
  t.header.provenance = "ngpc-sim " NGPC_VERSION " synthetic trace (docs/workloads.md): " + cmd;
  AppModels models = app_models(o.app, o.encoding);
  t.encodings = std::move(models.encodings);
  t.mlps = std::move(models.mlps);

  t.positions.type = "procedural";
  t.positions.scene = scene_for_app(o.app);
  t.positions.params = default_scene_params(t.positions.scene, o.width, o.height, o.seed);

  gen::FrameInput in;
  in.options = &o;
  in.pixels = uint64_t{o.width} * o.height;
  in.target = frame_query_target(o.width, o.height, o.queries_per_pixel);
  in.encoding = t.encodings.front().name;
  in.decay_shape = t.positions.params.value("ray_decay_shape", 2.0);
  // NSDF rays take at most the scene's max_trace_steps (NeRF and NVR have their own caps).
  if (o.app == "nsdf") in.max_steps = t.positions.params.value("max_trace_steps", uint64_t{256});
  for (const auto& m : t.mlps) in.mlps.push_back(m.name);
  nlohmann::json schedules = nlohmann::json::array();
  for (uint32_t f = 0; f < o.frames; ++f) {
    in.index = f;
    in.rays = scene_rays(t.positions.scene, t.positions.params, o.width, o.height, f);
    if (in.rays.alive == 0) {
      throw InputError(o.app + ": at " + std::to_string(o.width) + "x" + std::to_string(o.height) +
                       " no pixel of frame " + std::to_string(f) + " sees the scene");
    }
    gen::FrameSchedule s;
    Frame frame = o.app == "nerf"   ? gen::nerf_frame(in, &s)
                  : o.app == "nsdf" ? gen::nsdf_frame(in, &s)
                  : o.app == "nvr"  ? gen::nvr_frame(in, &s)
                                    : gen::gia_frame(in, &s);
    t.frames.push_back(std::move(frame));
    schedules.push_back({{"frame", f},
                         {"alive_rays", in.rays.alive},
                         {"hit_rays", in.rays.hits},
                         {"decay_steps", std::round(s.decay_steps * 1e4) / 1e4},
                         {"launch_scale", std::round(s.launch_scale * 1e6) / 1e6}});
  }
  // Informational: how the generator sized each frame's ray loops (docs/workloads.md).
  t.positions.params["generator"] = {{"query_target_per_frame", in.target}, {"frames", schedules}};
  gpu::apply_gpu_model(t, profile);
  return t;
}

}  // namespace ngpc::trace
