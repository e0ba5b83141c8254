// Turns a trace's frames into the models' plain work description: grid layouts from the tcnn
// parameters, padded MLP layers, and kernels grouped into batch-pipelined steps.
#pragma once

#include <deque>
#include <vector>

#include "models/machine_config.h"
#include "models/workload.h"
#include "sim/trace/trace.h"

namespace ngpc {

struct Workload {
  std::deque<GridLayout> layouts;  // by encoding id (stable addresses)
  std::vector<FrameWork> frames;
  std::vector<double> baseline_s;             // per frame: sum of the trace's gpu_time_ns
  std::vector<double> baseline_by_kind_s[3];  // per frame: encode, mlp, gpu
  std::vector<uint64_t> queries;              // per frame: encode queries
};

// tcnn fully fused MLP: input and output padded to multiples of 16, `hidden_layers` layers of
// `width`; ReLU (hidden activation) on hidden layers, the output activation on the last.
std::vector<MlpLayer> mlp_layers_of(const trace::MlpModel& m);

Workload build_workload(const trace::Trace& trace, const std::vector<trace::Frame>& frames,
                        const Config& cfg);

}  // namespace ngpc
