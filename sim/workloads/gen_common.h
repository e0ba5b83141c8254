// Internal helpers of the trace generator: building a frame's kernel list, the alive-ray decay
// model and fitting launches to the frame's query target.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/workloads/generator.h"
#include "sim/scenes/scenes.h"
#include "sim/trace/trace.h"

namespace ngpc::trace::gen {

inline uint64_t next_multiple(uint64_t x, uint64_t m) {
  return (x + m - 1) / m * m;
}

// Appends kernels in launch order; each waits for the previous one (one CUDA stream).
class FrameBuilder {
 public:
  explicit FrameBuilder(uint32_t index) { frame_.index = index; }
  void gpu(const std::string& name, uint64_t elements, int64_t step = -1);
  void encode(const std::string& model, uint64_t queries, int64_t step);
  void mlp(const std::string& model, uint64_t queries, int64_t step);
  int64_t new_step() { return next_step_++; }
  Frame take() { return std::move(frame_); }

 private:
  void add(Kernel k);
  Frame frame_;
  int64_t next_step_ = 0;
};

// What every app's frame generator gets.
struct FrameInput {
  const GenOptions* options = nullptr;
  uint32_t index = 0;  // frame number
  uint64_t pixels = 0;
  uint64_t target = 0;     // encode queries of the frame (frame_query_target)
  SceneRays rays;          // from the scene, for this frame's camera
  double decay_shape = 2;  // positions.params.ray_decay_shape
  uint64_t max_steps = 0;  // NSDF: sphere-tracing steps a ray can take (max_trace_steps)
  std::string encoding;    // model names
  std::vector<std::string> mlps;
};

// How the frame's launches were sized (kept in positions.params.generator for inspection).
struct FrameSchedule {
  double decay_steps = 0;   // tau of the alive-ray decay
  double launch_scale = 1;  // common factor applied to the loop launches to hit the target
  uint64_t loop_launches = 0;
};

// Alive rays after k marching steps: n0 * exp(-(k / tau)^shape), a Weibull survival (shape 1:
// exponential; 2: rays end around a typical depth, with a short tail), rounded (0 ends the loop).
inline uint64_t alive_after(uint64_t n0, double steps, double tau, double shape) {
  return static_cast<uint64_t>(std::llround(double(n0) * std::exp(-std::pow(steps / tau, shape))));
}

// Finds tau in [1e-3, 1e7] (bisection on a log scale) where launched(tau), the elements tcnn
// would launch, first reaches `target`. Throws InputError (with `app` and the achievable qpp range
// for `pixels`) when even the extremes miss it.
// `fixed`: launches outside the loops (NSDF normals), added to the numbers in messages.
double solve_decay(const std::function<uint64_t(double)>& launched, uint64_t target,
                   const std::string& app, uint64_t pixels, uint64_t fixed = 0);

// Scales `wanted` (elements per loop launch) by a common factor so that the launches, each a
// positive multiple of kBatchGranularity, sum to exactly `target` (largest-remainder rounding).
// Sets *scale to the factor. Throws InputError when target is smaller than one batch per launch.
std::vector<uint64_t> fit_launches(const std::vector<double>& wanted, uint64_t target,
                                   double* scale);

Frame nerf_frame(const FrameInput& in, FrameSchedule* schedule);
Frame nsdf_frame(const FrameInput& in, FrameSchedule* schedule);
Frame nvr_frame(const FrameInput& in, FrameSchedule* schedule);
Frame gia_frame(const FrameInput& in, FrameSchedule* schedule);

}  // namespace ngpc::trace::gen
