// The NGPC: `scaling_factor` NFPs, the dispatcher that cuts each work item into batches and deals
// them out, the memory system they share with the GPU, and the GPU's SMs. One SystemC thread (the
// dispatcher) walks the frames; everything else reacts to the transactions it issues.
#pragma once

#include <functional>
#include <memory>
#include <systemc>
#include <unordered_map>
#include <vector>

#include "models/activity.h"
#include "models/cluster/gpu_sms.h"
#include "models/cluster/nfp.h"
#include "models/machine_config.h"
#include "models/memory/memory_system.h"
#include "models/sampling/encode_sampler.h"
#include "models/workload.h"

namespace ngpc {

// One frame's results, from the modules' per-frame statistics.
struct FrameStats {
  uint32_t frame = 0;
  double time_s = 0;            // simulated frame time
  double gpu_busy_s = 0;        // GPU SMs busy (rest kernels)
  double encode_busy_s = 0;     // summed over NFPs
  double mlp_busy_s = 0;        // summed over NFPs
  double encode_max_nfp_s = 0;  // busiest NFP's encoder this frame
  double mlp_max_nfp_s = 0;     // busiest NFP's MLP engine this frame
  uint64_t batches = 0;
  // 95 % relative half-width of the sampled frame's error: the sampling variance of its encode
  // cycles (grids combined as independent estimates) and the systematic term in quadrature; the
  // sampling part alone; the largest sampling part of any single grid.
  double sampling_rel_err = 0;
  double sampling_stat_rel_err = 0;
  double sampling_kernel_max_rel_err = 0;
  bool sampling_exact = true;  // every query of the frame was simulated at address level
  MemoryStats memory;          // this frame's traffic
  Activity activity;           // this frame's actions
};

class Cluster : public sc_core::sc_module, public BatchDoneIf {
 public:
  SC_HAS_PROCESS(Cluster);
  // `timeline_limit`: intervals of the first frame to keep for timeline() (0: none recorded).
  Cluster(sc_core::sc_module_name name, const Config& cfg, const std::vector<FrameWork>& frames,
          const PositionSource* positions, uint64_t timeline_limit = 0);

  const std::vector<FrameStats>& frames() const { return stats_; }
  bool finished() const { return finished_; }
  uint32_t nfps() const { return static_cast<uint32_t>(nfps_.size()); }
  // Timeline of the first frame (batches per NFP, GPU jobs, memory transfers) in completion
  // order, at most `timeline_limit` intervals, for trace-event JSON.
  const Timeline& timeline() const { return timeline_; }

  // Progress callback, called after each frame (e.g. for a terminal progress line).
  std::function<void(uint32_t done, uint32_t total)> on_frame;

  void batch_done(const Batch& b) override;  // BatchDoneIf, called by the GPU's SMs

 private:
  void dispatch();
  __attribute__((noinline)) void dispatch_frames();  // dispatch() on a cleared stack
  void plan_frame(const FrameWork& fw, FrameStats& fs);
  void run_item(const FrameWork& fw, uint32_t index, FrameStats& fs);
  uint32_t pick_nfp();
  void collect_frame(FrameStats& fs);
  void record_timeline(const Batch& b);

  const Config& cfg_;
  const std::vector<FrameWork>& frames_;
  const PositionSource* positions_;
  const DispatchPolicy dispatch_policy_;
  const sc_core::sc_time dispatch_latency_;
  MemorySystem mem_;
  sc_core::sc_vector<sc_core::sc_fifo<Batch*>> to_gpu_;
  GpuSms gpu_;
  std::vector<std::unique_ptr<Nfp>> nfps_;
  std::vector<std::vector<EncodePlan>> plan_;  // this frame's, by [item][encode kernel]
  SamplerState sampler_;
  std::vector<uint64_t> outstanding_;  // batches dealt to each NFP and not yet done on the GPU
  uint64_t batches_done_ = 0;
  // Batches dealt and not yet done on the GPU, owned here; finished ones are reused, so memory
  // follows the batches in flight, not the batches of a step.
  std::unordered_map<const Batch*, std::unique_ptr<Batch>> in_flight_;
  std::vector<std::unique_ptr<Batch>> free_batches_;
  sc_core::sc_event batch_done_ev_;
  uint32_t rr_ = 0;
  sc_core::sc_event standalone_done_;
  std::vector<FrameStats> stats_;
  Timeline timeline_;
  bool recording_ = false;
  bool finished_ = false;
};

}  // namespace ngpc
