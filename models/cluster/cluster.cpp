#include "models/cluster/cluster.h"

#include <algorithm>
#include <cmath>

#include "models/sampling/encode_sampler.h"

namespace ngpc {

using sc_core::SC_SEC;
using sc_core::sc_time;

Cluster::Cluster(sc_core::sc_module_name name, const Config& cfg,
                 const std::vector<FrameWork>& frames, const PositionSource* positions)
    : sc_module(name),
      cfg_(cfg),
      frames_(frames),
      positions_(positions),
      mem_("memory", cfg.memory),
      to_gpu_("to_gpu", cfg.cluster.scaling_factor,
              [&cfg](const char* n, size_t) {
                return new sc_core::sc_fifo<Batch*>(n, static_cast<int>(cfg.gpu.pipeline_depth));
              }),
      gpu_("gpu", cfg.cluster.scaling_factor, mem_),
      outstanding_(cfg.cluster.scaling_factor, 0) {
  for (uint32_t i = 0; i < cfg.cluster.scaling_factor; ++i) {
    const std::string n = "nfp_" + std::to_string(i);
    nfps_.push_back(std::make_unique<Nfp>(n.c_str(), i, cfg, mem_, plan_ptr_, to_gpu_[i]));
    gpu_.from_nfp[i](to_gpu_[i]);
  }
  gpu_.on_batch_done = [this](const Batch& b) { --outstanding_[b.nfp]; };
  SC_THREAD(dispatch);
}

uint32_t Cluster::pick_nfp() {
  const auto n = static_cast<uint32_t>(nfps_.size());
  if (cfg_.cluster.dispatch == "round_robin") return rr_++ % n;
  // Least loaded: fewest batches in flight; ties go round robin so equal NFPs share evenly.
  uint32_t best = rr_ % n;
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t i = (rr_ + k) % n;
    if (outstanding_[i] < outstanding_[best]) best = i;
  }
  rr_ = best + 1;
  return best;
}

void Cluster::snapshot(double& enc, double& mlp, double& enc_max, double& mlp_max) const {
  enc = mlp = enc_max = mlp_max = 0;
  for (const auto& n : nfps_) {
    enc += n->encoder.busy_s();
    mlp += n->mlp.busy_s();
    enc_max = std::max(enc_max, n->encoder.busy_s());
    mlp_max = std::max(mlp_max, n->mlp.busy_s());
  }
}

Activity Cluster::total_activity() const {
  Activity a;
  for (const auto& n : nfps_) {
    Activity x;
    x.encoding = n->encoder.activity();
    x.mlp = n->mlp.activity();
    a += x;
  }
  const MemoryStats& m = mem_.stats();
  a.memory.ngpc_l2_bytes = static_cast<uint64_t>(m.link_bytes);
  a.memory.ngpc_dram_bytes = static_cast<uint64_t>(m.dram_bytes[0]);
  a.memory.gpu_dram_bytes = static_cast<uint64_t>(m.dram_bytes[1]);
  return a;
}

static Activity minus(const Activity& a, const Activity& b) {
  Activity d = a;
  auto sub = [](uint64_t& x, uint64_t y) { x -= y; };
  sub(d.encoding.lookups, b.encoding.lookups);
  sub(d.encoding.hashed_lookups, b.encoding.hashed_lookups);
  sub(d.encoding.corner_reads, b.encoding.corner_reads);
  sub(d.encoding.sram_hits, b.encoding.sram_hits);
  sub(d.encoding.sram_misses, b.encoding.sram_misses);
  sub(d.encoding.sram_fill_bytes, b.encoding.sram_fill_bytes);
  sub(d.encoding.bank_conflict_cycles, b.encoding.bank_conflict_cycles);
  sub(d.encoding.busy_cycles, b.encoding.busy_cycles);
  sub(d.encoding.feature_bytes_out, b.encoding.feature_bytes_out);
  sub(d.mlp.macs, b.mlp.macs);
  sub(d.mlp.useful_macs, b.mlp.useful_macs);
  sub(d.mlp.weight_buffer_read_bytes, b.mlp.weight_buffer_read_bytes);
  sub(d.mlp.weight_load_bytes, b.mlp.weight_load_bytes);
  sub(d.mlp.activation_read_bytes, b.mlp.activation_read_bytes);
  sub(d.mlp.activation_write_bytes, b.mlp.activation_write_bytes);
  sub(d.mlp.activation_unit_ops, b.mlp.activation_unit_ops);
  sub(d.mlp.busy_cycles, b.mlp.busy_cycles);
  sub(d.memory.ngpc_l2_bytes, b.memory.ngpc_l2_bytes);
  sub(d.memory.ngpc_dram_bytes, b.memory.ngpc_dram_bytes);
  sub(d.memory.gpu_dram_bytes, b.memory.gpu_dram_bytes);
  return d;
}

void Cluster::run_item(const WorkItem& item, uint32_t index, FrameStats& fs) {
  const double fusion = cfg_.gpu.fusion ? cfg_.gpu.fusion_speedup : 1.0;
  const double gpu_time = item.gpu_time_s / fusion;
  const double gpu_bytes = static_cast<double>(item.gpu_dram_bytes) / fusion;
  if (item.standalone_gpu) {
    gpu_.submit(GpuJob{gpu_time, gpu_bytes, nullptr, item.label}, &standalone_done_);
    sc_core::wait(standalone_done_);
    return;
  }
  const uint64_t maxq = item.max_queries();
  const uint64_t nb = batch_count(maxq, cfg_.cluster.batch_size);
  if (nb == 0) return;
  const bool overlap = cfg_.gpu.overlap;
  const sc_time dispatch_latency(cfg_.cluster.dispatch_latency_cycles / cfg_.clock_hz, SC_SEC);
  const uint64_t done_before = gpu_.batches_done();
  batches_.clear();
  for (uint64_t i = 0; i < nb; ++i) {
    auto b = std::make_unique<Batch>();
    b->item = index;
    b->index = static_cast<uint32_t>(i);
    uint64_t first, count;
    for (const EncodeKernelWork& e : item.encodes) {
      batch_range(e.queries, nb, i, &first, &count);
      b->encode_first.push_back(first);
      b->encode_queries.push_back(count);
    }
    for (const MlpKernelWork& m : item.mlps) {
      batch_range(m.queries, nb, i, &first, &count);
      b->mlp_queries.push_back(count);
    }
    batch_range(maxq, nb, i, &first, &count);
    const double share = static_cast<double>(count) / maxq;
    // Without overlap the GPU runs the whole step after the NGPC has finished it.
    b->gpu_time_s = overlap ? gpu_time * share : 0;
    b->gpu_dram_bytes = overlap ? gpu_bytes * share : 0;
    sc_core::wait(dispatch_latency);
    b->nfp = pick_nfp();
    b->t_dispatch = sc_core::sc_time_stamp().to_seconds();
    ++outstanding_[b->nfp];
    nfps_[b->nfp]->input.write(b.get());  // blocks while that NFP's batch register is full
    batches_.push_back(std::move(b));
  }
  while (gpu_.batches_done() - done_before < nb) sc_core::wait(gpu_.batch_done_event());
  if (recording_)
    for (auto& x : batches_) first_frame_batches_.push_back(*x);
  fs.batches += nb;
  if (!overlap && gpu_time > 0) {
    gpu_.submit(GpuJob{gpu_time, gpu_bytes, nullptr, item.label}, &standalone_done_);
    sc_core::wait(standalone_done_);
  }
}

void Cluster::dispatch() {
  for (const FrameWork& fw : frames_) {
    FrameStats fs;
    fs.frame = fw.frame;
    recording_ = stats_.empty();
    gpu_.record = recording_;
    mem_.record = recording_ ? &mem_timeline_ : nullptr;
    // Frame plan: address-level sampling of every encode kernel (host work, zero simulated time).
    plan_.frame = fw.frame;
    plan_.work = &fw;
    plan_.positions = positions_;
    plan_.encode.assign(fw.items.size(), {});
    double h2 = 0, q = 0;
    const FrameBatches fb(fw, cfg_.cluster.batch_size);
    const bool full = cfg_.detail.mode == "full" || !sampling_saves_work(fw, fb, cfg_);
    for (size_t i = 0; i < fw.items.size(); ++i)
      for (uint32_t k = 0; k < fw.items[i].encodes.size(); ++k) {
        const EncodeKernelWork& e = fw.items[i].encodes[k];
        plan_.encode[i].push_back(plan_encode_kernel(fw, static_cast<uint32_t>(i), k, fb, cfg_,
                                                     positions_, sampler_, full));
        const double rel = plan_.encode[i].back().rel_err_cycles;
        fs.sampling_kernel_max_rel_err = std::max(fs.sampling_kernel_max_rel_err, rel);
        h2 += (rel * e.queries) * (rel * e.queries);
        q += e.queries;
      }
    fs.sampling_rel_err = q > 0 ? std::sqrt(h2) / q : 0;
    const Activity act0 = total_activity();
    const MemoryStats mem0 = mem_.stats();
    double enc0, mlp0, emax0, mmax0;
    snapshot(enc0, mlp0, emax0, mmax0);
    const double gpu0 = gpu_.busy_s();
    const sc_time start = sc_core::sc_time_stamp();
    for (size_t i = 0; i < fw.items.size(); ++i)
      run_item(fw.items[i], static_cast<uint32_t>(i), fs);
    fs.time_s = (sc_core::sc_time_stamp() - start).to_seconds();
    double enc1, mlp1, emax1, mmax1;
    snapshot(enc1, mlp1, emax1, mmax1);
    fs.encode_busy_s = enc1 - enc0;
    fs.mlp_busy_s = mlp1 - mlp0;
    // Per-NFP maxima are cumulative; for the first frame they are exact, later an upper bound.
    fs.encode_max_nfp_s = emax1 - (stats_.empty() ? 0 : emax0);
    fs.mlp_max_nfp_s = mmax1 - (stats_.empty() ? 0 : mmax0);
    fs.gpu_busy_s = gpu_.busy_s() - gpu0;
    fs.activity = minus(total_activity(), act0);
    const MemoryStats& m1 = mem_.stats();
    fs.memory.link_bytes = m1.link_bytes - mem0.link_bytes;
    fs.memory.dram_bytes[0] = m1.dram_bytes[0] - mem0.dram_bytes[0];
    fs.memory.dram_bytes[1] = m1.dram_bytes[1] - mem0.dram_bytes[1];
    fs.memory.link_busy_s = m1.link_busy_s - mem0.link_busy_s;
    fs.memory.dram_busy_s = m1.dram_busy_s - mem0.dram_busy_s;
    fs.memory.transfers = m1.transfers - mem0.transfers;
    stats_.push_back(fs);
    gpu_.record = false;
    mem_.record = nullptr;
    recording_ = false;
    if (on_frame)
      on_frame(static_cast<uint32_t>(stats_.size()), static_cast<uint32_t>(frames_.size()));
  }
  finished_ = true;
  sc_core::sc_stop();
}

std::vector<TimelineEvent> Cluster::timeline() const {
  std::vector<TimelineEvent> ev = gpu_.timeline;
  ev.insert(ev.end(), mem_timeline_.begin(), mem_timeline_.end());
  for (const Batch& b : first_frame_batches_) {
    const std::string nfp = "NFP " + std::to_string(b.nfp);
    const std::string name = "item " + std::to_string(b.item) + " batch " + std::to_string(b.index);
    if (b.t_encode_end > b.t_encode_start)
      ev.push_back({nfp + " encode", name, b.t_encode_start, b.t_encode_end - b.t_encode_start});
    if (b.t_mlp_end > b.t_mlp_start)
      ev.push_back({nfp + " mlp", name, b.t_mlp_start, b.t_mlp_end - b.t_mlp_start});
  }
  return ev;
}

}  // namespace ngpc
