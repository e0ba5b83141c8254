// NSDF frame: instant-ngp's SphereTracer (testbed_sdf.cu). Primary rays are traced with a
// compaction every min(i, 4) steps, each step one network pass (encode, MLP) over the alive rays
// and an advance kernel; hits get finite-difference normals (6 extra network passes over the hits)
// and a shadow ray towards the sun, traced by the same loop; then shading. Each network pass is
// one batch-pipeline step.
#include <algorithm>
#include <cstdio>

#include "sim/error.h"
#include "sim/workloads/gen_common.h"

namespace ngpc::trace::gen {
namespace {

constexpr uint64_t kStepsBetweenCompaction = 4;  // instant-ngp STEPS_INBETWEEN_COMPACTION [ingp]
constexpr uint64_t kMarchIter = 10000;           // MARCH_ITER [ingp]

struct Iteration {
  uint64_t rays;       // alive after compaction; every sub-step launches over all of them
  uint64_t sub_steps;  // min(i, 4)
};

std::vector<Iteration> trace_loop(uint64_t n0, double tau, double shape, uint64_t max_steps) {
  std::vector<Iteration> its;
  uint64_t marched = 0;
  for (uint64_t i = 1; i < kMarchIter && marched < max_steps;) {
    const uint64_t n = alive_after(n0, double(marched), tau, shape);
    if (n == 0) break;
    const uint64_t s = std::min(i, kStepsBetweenCompaction);
    its.push_back({n, s});
    marched += s;
    i += s;
  }
  return its;
}

uint64_t launched(const std::vector<Iteration>& its) {
  uint64_t total = 0;
  for (const auto& it : its) total += it.sub_steps * next_multiple(it.rays, kBatchGranularity);
  return total;
}

// Emits one tracing loop; `launch` holds the fitted launch of every sub-step, consumed in order.
uint64_t emit_loop(FrameBuilder& b, const FrameInput& in, const std::vector<Iteration>& its,
                   uint64_t n_start, const char* compact, const std::vector<uint64_t>& launch,
                   size_t* next) {
  uint64_t before = n_start;
  for (const auto& it : its) {
    for (uint64_t j = 0; j < it.sub_steps; ++j) {
      const int64_t step = b.new_step();
      if (j == 0) b.gpu(compact, before, step);
      const uint64_t q = launch[(*next)++];
      b.encode(in.encoding, q, step);
      b.mlp(in.mlps.at(0), q, step);
      b.gpu("advance_pos_kernel_sdf", it.rays, step);
    }
    before = it.rays;
  }
  b.gpu(compact, before);  // finds no ray alive: the loop ends
  return before;
}

}  // namespace

Frame nsdf_frame(const FrameInput& in, FrameSchedule* schedule) {
  const uint64_t n0 = in.rays.alive, hits = in.rays.hits;
  const uint64_t normal_launch = next_multiple(hits, kBatchGranularity);
  const uint64_t normals = 6 * normal_launch;
  if (in.target <= normals) {
    char msg[200];
    std::snprintf(msg, sizeof msg,
                  "nsdf: --queries-per-pixel %.3g leaves nothing for sphere tracing after the 6 "
                  "normal queries per hit (%.3g per pixel at this view)",
                  double(in.target) / in.pixels, double(normals) / in.pixels);
    throw InputError(msg);
  }
  const uint64_t loop_target = in.target - normals;
  // Primary and shadow rays share the decay constant.
  auto total = [&](double tau) {
    return launched(trace_loop(n0, tau, in.decay_shape, in.max_steps)) +
           launched(trace_loop(hits, tau, in.decay_shape, in.max_steps));
  };
  const double tau = solve_decay(total, loop_target, "nsdf", in.pixels, normals);
  const auto primary = trace_loop(n0, tau, in.decay_shape, in.max_steps),
             shadow = trace_loop(hits, tau, in.decay_shape, in.max_steps);
  std::vector<double> wanted;
  for (const auto* loop : {&primary, &shadow}) {
    for (const auto& it : *loop) {
      for (uint64_t j = 0; j < it.sub_steps; ++j) wanted.push_back(double(it.rays));
    }
  }
  double scale = 1;
  const std::vector<uint64_t> launch = fit_launches(wanted, loop_target, &scale);
  schedule->decay_steps = tau;
  schedule->launch_scale = scale;
  schedule->loop_launches = launch.size();

  FrameBuilder b(in.index);
  size_t next = 0;
  b.gpu("init_rays_with_payload_kernel_sdf", in.pixels);
  emit_loop(b, in, primary, n0, "compact_kernel_sdf", launch, &next);
  if (hits > 0) {
    for (const char* offset : {"fd_normals_offset", "fd_normals_offset"}) {
      b.gpu(offset, hits);  // positions +eps along x, y, z (then -eps)
      for (int axis = 0; axis < 3; ++axis) {
        const int64_t step = b.new_step();
        b.encode(in.encoding, normal_launch, step);
        b.mlp(in.mlps.at(0), normal_launch, step);
      }
    }
    b.gpu("fd_normals_combine", hits);
    b.gpu("prepare_shadow_rays", hits);
    emit_loop(b, in, shadow, hits, "compact_kernel_shadow_sdf", launch, &next);
    b.gpu("write_shadow_ray_result", hits);
  }
  b.gpu("shade_kernel_sdf", hits);
  return b.take();
}

}  // namespace ngpc::trace::gen
