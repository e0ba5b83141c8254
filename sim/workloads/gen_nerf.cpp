// NeRF frame: instant-ngp's NerfTracer (testbed_nerf.cu). Rays are initialised per pixel; then,
// while rays are alive: compact, generate the next samples (1 step per ray while more than
// 2^21 rays live, up to 8 as they die), encode, density MLP, SH direction encoding, rgb MLP,
// extract density, composite; finally shade. One loop iteration is one batch-pipeline step.
#include <algorithm>

#include "sim/workloads/gen_common.h"

namespace ngpc::trace::gen {
namespace {

// instant-ngp constants [ingp]: target samples per iteration, steps between compactions, and
// the iteration cap of the march loop.
constexpr uint64_t kTargetQueries = 2u * 1024 * 1024;
constexpr uint64_t kMinSteps = 1, kMaxSteps = 8;
constexpr uint64_t kMarchIter = 10000;
// A ray leaves the unit AABB within NERF_STEPS = 1024 minimum steps [ingp].
constexpr uint64_t kNerfSteps = 1024;

struct Iteration {
  uint64_t rays;
  uint64_t steps;
};

std::vector<Iteration> plan(uint64_t n0, double tau, double shape) {
  std::vector<Iteration> its;
  uint64_t marched = 0;
  for (uint64_t i = 1; i < kMarchIter && marched < kNerfSteps;) {
    const uint64_t n = alive_after(n0, double(marched), tau, shape);
    if (n == 0) break;
    const uint64_t s = std::clamp(kTargetQueries / n, kMinSteps, kMaxSteps);
    its.push_back({n, s});
    marched += s;
    i += s;
  }
  return its;
}

uint64_t launched(const std::vector<Iteration>& its) {
  uint64_t total = 0;
  for (const auto& it : its) total += next_multiple(it.rays * it.steps, kBatchGranularity);
  return total;
}

}  // namespace

Frame nerf_frame(const FrameInput& in, FrameSchedule* schedule) {
  const uint64_t n0 = in.rays.alive;
  const double tau = solve_decay([&](double t) { return launched(plan(n0, t, in.decay_shape)); },
                                 in.target, "nerf", in.pixels);
  const std::vector<Iteration> its = plan(n0, tau, in.decay_shape);
  std::vector<double> wanted;
  for (const auto& it : its) wanted.push_back(double(it.rays * it.steps));
  double scale = 1;
  const std::vector<uint64_t> launches = fit_launches(wanted, in.target, &scale);
  schedule->decay_steps = tau;
  schedule->launch_scale = scale;
  schedule->loop_launches = launches.size();

  const std::string& density = in.mlps.at(0);
  const std::string& rgb = in.mlps.at(1);
  FrameBuilder b(in.index);
  b.gpu("init_rays_with_payload_kernel_nerf", in.pixels);
  uint64_t before_compaction = n0;
  for (size_t i = 0; i < its.size(); ++i) {
    const int64_t step = b.new_step();
    const uint64_t q = launches[i];
    b.gpu("compact_kernel_nerf", before_compaction, step);
    b.gpu("generate_next_nerf_network_inputs", its[i].rays, step);
    b.encode(in.encoding, q, step);
    b.mlp(density, q, step);
    b.gpu("kernel_sh", q, step);  // tcnn SphericalHarmonics (degree 4) of the view directions
    b.mlp(rgb, q, step);
    b.gpu("extract_density", q, step);
    b.gpu("composite_kernel_nerf", its[i].rays, step);
    before_compaction = its[i].rays;
  }
  b.gpu("compact_kernel_nerf", before_compaction);  // finds no ray alive: the loop ends
  b.gpu("shade_kernel_nerf", in.pixels);
  return b.take();
}

}  // namespace ngpc::trace::gen
