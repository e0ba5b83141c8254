// GIA frame: instant-ngp's render_image (testbed_image.cu): pixel coordinates, one network pass
// (2-D encode, MLP) over every pixel, then shading. Exactly one query per pixel.
#include "sim/workloads/gen_common.h"

namespace ngpc::trace::gen {

Frame gia_frame(const FrameInput& in, FrameSchedule* schedule) {
  const uint64_t q = next_multiple(in.pixels, kBatchGranularity);
  schedule->decay_steps = 0;
  schedule->launch_scale = 1;
  schedule->loop_launches = 1;
  FrameBuilder b(in.index);
  b.gpu("init_image_coords", in.pixels);
  const int64_t step = b.new_step();
  b.encode(in.encoding, q, step);
  b.mlp(in.mlps.at(0), q, step);
  b.gpu("shade_kernel_image", in.pixels);
  return b.take();
}

}  // namespace ngpc::trace::gen
