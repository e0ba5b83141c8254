// NVR frame: instant-ngp's render_volume (testbed_volume.cu). Rays are initialised per pixel
// (those reaching the medium stay alive); then up to 64 iterations of one network pass (encode,
// MLP) over the alive rays and a delta-tracking step that writes finished pixels and compacts the
// rest. Each iteration is one batch-pipeline step.
#include "sim/workloads/gen_common.h"

namespace ngpc::trace::gen {
namespace {

constexpr uint64_t kMaxIter = 64;  // render_volume's max_iter [ingp]

std::vector<uint64_t> plan(uint64_t n0, double tau, double shape) {
  std::vector<uint64_t> rays;
  for (uint64_t it = 0; it < kMaxIter; ++it) {
    const uint64_t n = alive_after(n0, double(it), tau, shape);
    if (n == 0) break;
    rays.push_back(n);
  }
  return rays;
}

uint64_t launched(const std::vector<uint64_t>& rays) {
  uint64_t total = 0;
  for (uint64_t n : rays) total += next_multiple(n, kBatchGranularity);
  return total;
}

}  // namespace

Frame nvr_frame(const FrameInput& in, FrameSchedule* schedule) {
  const uint64_t n0 = in.rays.alive;
  const double tau = solve_decay([&](double t) { return launched(plan(n0, t, in.decay_shape)); },
                                 in.target, "nvr", in.pixels);
  const std::vector<uint64_t> rays = plan(n0, tau, in.decay_shape);
  std::vector<double> wanted(rays.begin(), rays.end());
  double scale = 1;
  const std::vector<uint64_t> launch = fit_launches(wanted, in.target, &scale);
  schedule->decay_steps = tau;
  schedule->launch_scale = scale;
  schedule->loop_launches = launch.size();

  FrameBuilder b(in.index);
  b.gpu("init_rays_volume", in.pixels);
  for (size_t i = 0; i < rays.size(); ++i) {
    const int64_t step = b.new_step();
    b.encode(in.encoding, launch[i], step);
    b.mlp(in.mlps.at(0), launch[i], step);
    b.gpu("volume_render_kernel_step", rays[i], step);
  }
  return b.take();
}

}  // namespace ngpc::trace::gen
