#include "models/cluster/cluster.h"

#include <algorithm>
#include <cmath>

#include "models/sim_context.h"

namespace ngpc {

using sc_core::SC_SEC;
using sc_core::sc_time;

Cluster::Cluster(sc_core::sc_module_name name, const Config& cfg,
                 const std::vector<FrameWork>& frames, const PositionSource* positions,
                 uint64_t timeline_limit)
    : sc_module(name),
      cfg_(cfg),
      frames_(frames),
      positions_(positions),
      dispatch_policy_(cfg.cluster.dispatch),
      dispatch_latency_(cfg.cluster.dispatch_latency_cycles / cfg.clock_hz, SC_SEC),
      mem_("memory", cfg.memory),
      to_gpu_("to_gpu", cfg.cluster.scaling_factor,
              [&cfg](const char* n, size_t) {
                return new sc_core::sc_fifo<Batch*>(n, static_cast<int>(cfg.gpu.pipeline_depth));
              }),
      gpu_("gpu", cfg.cluster.scaling_factor, mem_),
      outstanding_(cfg.cluster.scaling_factor, 0) {
  for (uint32_t i = 0; i < cfg.cluster.scaling_factor; ++i) {
    const std::string n = "nfp_" + std::to_string(i);
    nfps_.push_back(std::make_unique<Nfp>(n.c_str(), i, cfg, mem_, positions, to_gpu_[i]));
    gpu_.from_nfp[i](to_gpu_[i]);
  }
  gpu_.done(*this);
  timeline_.limit = timeline_limit;
  SC_THREAD(dispatch);
}

void Cluster::batch_done(const Batch& b) {
  --outstanding_[b.nfp];
  ++batches_done_;
  if (recording_) record_timeline(b);
  // Nothing refers to a batch once the GPU is done with it: keep it for the next one.
  const auto it = in_flight_.find(&b);
  if (it != in_flight_.end()) {
    free_batches_.push_back(std::move(it->second));
    in_flight_.erase(it);
  }
  batch_done_ev_.notify(sc_core::SC_ZERO_TIME);
}

uint32_t Cluster::pick_nfp() {
  const auto n = static_cast<uint32_t>(nfps_.size());
  if (dispatch_policy_ == DispatchPolicy::RoundRobin) return rr_++ % n;
  // Least loaded: fewest batches in flight; ties go round robin so equal NFPs share evenly.
  uint32_t best = rr_ % n;
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t i = (rr_ + k) % n;
    if (outstanding_[i] < outstanding_[best]) best = i;
  }
  rr_ = best + 1;
  return best;
}

void Cluster::run_item(const FrameWork& fw, uint32_t index, FrameStats& fs) {
  const WorkItem& item = fw.items[index];
  const double fusion = cfg_.gpu.fusion ? cfg_.gpu.fusion_speedup : 1.0;
  const double gpu_time = item.gpu_time_s / fusion;
  const double gpu_bytes =
      cfg_.gpu.dram_traffic ? static_cast<double>(item.gpu_dram_bytes) / fusion : 0.0;
  if (item.standalone_gpu) {
    gpu_.submit(GpuJob{gpu_time, gpu_bytes, nullptr, item.label}, &standalone_done_);
    sc_core::wait(standalone_done_);
    return;
  }
  const uint64_t maxq = item.max_queries();
  const uint64_t nb = batch_count(maxq, cfg_.cluster.batch_size);
  if (nb == 0) return;
  const bool overlap = cfg_.gpu.overlap;
  const uint64_t done_before = batches_done_;
  for (uint64_t i = 0; i < nb; ++i) {
    std::unique_ptr<Batch> owned;
    if (free_batches_.empty()) {
      owned = std::make_unique<Batch>();
    } else {
      owned = std::move(free_batches_.back());
      free_batches_.pop_back();
      *owned = Batch{};
    }
    Batch* b = owned.get();
    in_flight_.emplace(b, std::move(owned));
    b->frame = fw.frame;
    b->item = index;
    b->index = static_cast<uint32_t>(i);
    uint64_t first, count;
    for (size_t k = 0; k < item.encodes.size(); ++k) {
      const EncodeKernelWork& e = item.encodes[k];
      const EncodePlan& plan = plan_[index][k];
      batch_range(e.queries, nb, i, &first, &count);
      EncodeTask task;
      task.kernel = &e;
      task.first = first;
      task.queries = count;
      task.address_level = plan.full_detail;
      if (!plan.full_detail && count > 0) task.sample = &plan.counts_for(i);
      b->encodes.push_back(std::move(task));
    }
    for (const MlpKernelWork& m : item.mlps) {
      batch_range(m.queries, nb, i, &first, &count);
      b->mlps.push_back(MlpTask{&m, count});
    }
    batch_range(maxq, nb, i, &first, &count);
    const double share = static_cast<double>(count) / maxq;
    // Without overlap the GPU runs the whole step after the NGPC has finished it.
    b->gpu_time_s = overlap ? gpu_time * share : 0;
    b->gpu_dram_bytes = overlap ? gpu_bytes * share : 0;
    sc_core::wait(dispatch_latency_);
    b->nfp = pick_nfp();
    b->t.dispatch = sc_core::sc_time_stamp().to_seconds();
    ++outstanding_[b->nfp];
    nfps_[b->nfp]->input.write(b);  // blocks while that NFP's batch register is full
  }
  while (batches_done_ - done_before < nb) sc_core::wait(batch_done_ev_);
  fs.batches += nb;
  if (!overlap && gpu_time > 0) {
    gpu_.submit(GpuJob{gpu_time, gpu_bytes, nullptr, item.label}, &standalone_done_);
    sc_core::wait(standalone_done_);
  }
}

// Address-level sampling of the frame's encode work (host work, zero simulated time).
void Cluster::plan_frame(const FrameWork& fw, FrameStats& fs) {
  const FrameBatches fb(fw, cfg_.cluster.batch_size);
  bool full = cfg_.detail.mode == DetailMode::Full;
  FrameSample sample = ngpc::plan_frame(fw, fb, cfg_, positions_, mem_, sampler_, full);
  plan_ = std::move(sample.plans);
  fs.sampling_exact = full || sample.exact;
  fs.sampling_rel_err = sample.rel_err;
  fs.sampling_stat_rel_err = sample.stat_rel_err;
  fs.sampling_kernel_max_rel_err = sample.worst_rel_err;
}

// Every module hands over its per-frame statistics and starts the next frame from zero.
void Cluster::collect_frame(FrameStats& fs) {
  for (const auto& n : nfps_) {
    const EncoderFrame e = n->encoder.take_frame();
    const MlpFrame m = n->mlp.take_frame();
    fs.activity.encoding += e.activity;
    fs.activity.mlp += m.activity;
    fs.encode_busy_s += e.busy_s;
    fs.mlp_busy_s += m.busy_s;
    fs.encode_max_nfp_s = std::max(fs.encode_max_nfp_s, e.busy_s);
    fs.mlp_max_nfp_s = std::max(fs.mlp_max_nfp_s, m.busy_s);
  }
  fs.gpu_busy_s = gpu_.take_frame_busy_s();
  fs.memory = mem_.take_frame();
  fs.activity.memory.ngpc_l2_bytes = static_cast<uint64_t>(fs.memory.link_bytes);
  fs.activity.memory.ngpc_dram_bytes = static_cast<uint64_t>(fs.memory.ngpc_dram_bytes);
  fs.activity.memory.gpu_dram_bytes = static_cast<uint64_t>(fs.memory.gpu_dram_bytes);
}

void Cluster::dispatch() {
  fresh_coroutine_stack();  // models/sim_context.h: the locals then live in dispatch_frames()'s
                            // frame
  dispatch_frames();
}

void Cluster::dispatch_frames() {
  for (const FrameWork& fw : frames_) {
    FrameStats fs;
    fs.frame = fw.frame;
    recording_ = stats_.empty() && timeline_.limit > 0;
    gpu_.set_recording(recording_ ? &timeline_ : nullptr);
    mem_.set_recording(recording_ ? &timeline_ : nullptr);
    plan_frame(fw, fs);
    const sc_time start = sc_core::sc_time_stamp();
    for (size_t i = 0; i < fw.items.size(); ++i) run_item(fw, static_cast<uint32_t>(i), fs);
    fs.time_s = (sc_core::sc_time_stamp() - start).to_seconds();
    collect_frame(fs);
    stats_.push_back(fs);
    gpu_.set_recording(nullptr);
    mem_.set_recording(nullptr);
    recording_ = false;
    if (on_frame)
      on_frame(static_cast<uint32_t>(stats_.size()), static_cast<uint32_t>(frames_.size()));
  }
  finished_ = true;
  sc_core::sc_stop();
}

void Cluster::record_timeline(const Batch& b) {
  // admit() first: past the limit no strings are built.
  auto add = [&](const char* unit, double start, double end) {
    if (end <= start || !timeline_.admit()) return;
    timeline_.events.push_back(
        {"NFP " + std::to_string(b.nfp) + " " + unit,
         "item " + std::to_string(b.item) + " batch " + std::to_string(b.index), start,
         end - start});
  };
  add("encode", b.t.encode_start, b.t.encode_end);
  add("mlp", b.t.mlp_start, b.t.mlp_end);
}

}  // namespace ngpc
