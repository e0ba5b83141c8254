#include "models/mlp/mlp_engine.h"

#include <algorithm>

#include "models/sim_context.h"

namespace ngpc {

using sc_core::SC_SEC;
using sc_core::sc_time;

uint32_t precision_bytes(Precision precision) {
  switch (precision) {
    case Precision::Fp32:
      return 4;
    case Precision::Int8:
      return 1;
    case Precision::Fp16:
      break;
  }
  return 2;
}

MlpTiming mlp_timing(const MlpEngineConfig& cfg) {
  MlpTiming t;
  t.rows = cfg.rows;
  t.cols = cfg.cols;
  t.output_stationary = cfg.dataflow == MlpDataflow::OutputStationary;
  t.double_buffering = cfg.weight_double_buffering;
  t.elem_bytes = precision_bytes(cfg.precision);
  t.activation_buffer_bytes = cfg.activation_buffer_bytes;
  t.activation_cycles = cfg.activation_cycles_per_row;
  return t;
}

static uint32_t activation_cost(const MlpTiming& t, Activation a) {
  return t.activation_cycles[static_cast<size_t>(a)];
}

static uint64_t ceil_div(uint64_t a, uint64_t b) {
  return (a + b - 1) / b;
}

uint64_t mlp_sub_batch(const MlpTiming& t, const std::vector<MlpLayer>& layers) {
  uint32_t widest = 16;
  for (const MlpLayer& l : layers) widest = std::max({widest, l.in, l.out});
  const uint64_t per_row = 2ull * widest * t.elem_bytes;  // input and output activations
  const uint64_t rows = t.activation_buffer_bytes / per_row;
  return std::max<uint64_t>(t.rows, rows - rows % t.rows);
}

uint64_t mlp_network_cycles(const MlpTiming& t, const std::vector<MlpLayer>& layers, uint64_t n,
                            MlpActivity* act) {
  const uint64_t sub = mlp_sub_batch(t, layers);
  const uint64_t skew = t.rows + t.cols - 2;  // fill + drain of the systolic array
  uint64_t cycles = 0;
  for (uint64_t done = 0; done < n; done += sub) {
    const uint64_t m = std::min(sub, n - done);
    for (const MlpLayer& l : layers) {
      const uint64_t row_tiles = ceil_div(l.in, t.rows), col_tiles = ceil_div(l.out, t.cols);
      uint64_t layer = 0;
      if (!t.output_stationary) {
        for (uint64_t tile = 0; tile < row_tiles * col_tiles; ++tile) {
          const bool load_exposed = !t.double_buffering || tile == 0;
          layer += (load_exposed ? t.rows : 0) + m + skew;
        }
      } else {
        layer = ceil_div(m, t.rows) * col_tiles * (l.in + skew);
      }
      layer += m * activation_cost(t, l.activation);
      cycles += layer;
      if (act) {
        act->macs += m * l.in * l.out;
        act->useful_macs += m * l.useful_in * l.useful_out;
        const uint64_t weight_bytes = uint64_t{l.in} * l.out * t.elem_bytes;
        act->weight_buffer_read_bytes +=
            t.output_stationary ? weight_bytes * ceil_div(m, t.rows) : weight_bytes;
        act->activation_read_bytes += m * l.in * t.elem_bytes * col_tiles;
        act->activation_write_bytes += m * l.out * t.elem_bytes;
        if (activation_cost(t, l.activation) > 0) act->activation_unit_ops += m * l.out;
        act->busy_cycles += layer;
      }
    }
  }
  return cycles;
}

MlpEngine::MlpEngine(sc_core::sc_module_name name, uint32_t nfp, const Config& cfg, MemoryIf& mem)
    : sc_module(name),
      nfp_(nfp),
      weights_from_l2_(cfg.nfp.mlp.weight_source == WeightSource::L2),
      mem_("mem"),
      timing_(mlp_timing(cfg.nfp.mlp)),
      period_(sc_time(1.0 / cfg.clock_hz, SC_SEC)) {
  mem_.bind(mem);
  SC_THREAD(run);
}

static double weight_bytes(const MlpTiming& t, const std::vector<MlpLayer>& layers) {
  double b = 0;
  for (const MlpLayer& l : layers) b += double(l.in) * l.out * t.elem_bytes;
  return b;
}

MlpFrame MlpEngine::take_frame() {
  const MlpFrame f = frame_stats_;
  frame_stats_ = MlpFrame{};
  return f;
}

void MlpEngine::run() {
  fresh_coroutine_stack();  // models/sim_context.h: the locals then live in serve()'s frame
  serve();
}

void MlpEngine::serve() {
  for (;;) {
    Batch* b = in.read();
    if (b->frame != frame_) {
      frame_ = b->frame;
      std::fill(weights_loaded_.begin(), weights_loaded_.end(), 0);
    }
    b->t.mlp_start = sc_core::sc_time_stamp().to_seconds();
    const sc_time start = sc_core::sc_time_stamp();
    for (const MlpTask& task : b->mlps) {
      const MlpKernelWork& w = *task.kernel;
      if (weights_loaded_.size() <= w.mlp_id) weights_loaded_.resize(w.mlp_id + 1, 0);
      // Weights come over the L2 link once per frame into the weight buffer, or every batch when
      // the configuration keeps them in L2.
      if (weights_from_l2_ || !weights_loaded_[w.mlp_id]) {
        weights_loaded_[w.mlp_id] = 1;
        const double bytes = weight_bytes(timing_, w.layers);
        MemRequest r;
        r.kind = Traffic::Weights;
        r.requester = nfp_;
        r.what = "MLP weights";
        r.bytes = bytes;
        mem_->request(r, &mem_done_);
        mem_done_.wait_done();
        frame_stats_.activity.weight_load_bytes += static_cast<uint64_t>(bytes);
      }
      const uint64_t n = task.queries;
      if (n == 0) continue;
      sc_core::wait(period_ * static_cast<double>(mlp_network_cycles(timing_, w.layers, n,
                                                                     &frame_stats_.activity)));
    }
    frame_stats_.busy_s += (sc_core::sc_time_stamp() - start).to_seconds();
    b->t.mlp_end = sc_core::sc_time_stamp().to_seconds();
    out.write(b);
  }
}

}  // namespace ngpc
