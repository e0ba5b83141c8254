#include "models/memory/memory_system.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace ngpc {

using sc_core::SC_SEC;
using sc_core::sc_time;

MemorySystem::MemorySystem(sc_core::sc_module_name name, const MemoryConfig& cfg)
    : sc_module(name),
      cfg_(cfg),
      per_source_(cfg.dram.arbitration == Arbitration::PerSource),
      last_(sc_core::SC_ZERO_TIME) {
  SC_METHOD(on_wake);
  sensitive << wake_;
  dont_initialize();
}

void MemCompletion::wait_done() {
  if (!finished || t_done > sc_core::sc_time_stamp().to_seconds()) sc_core::wait(ev);
}

void MemorySystem::complete(const Flow& f) {
  notify_done(f.done, f.latency_s);
  if (!recording_) return;
  const double end = sc_core::sc_time_stamp().to_seconds() + f.latency_s;
  char name[96];
  std::snprintf(name, sizeof name, "%s %.0f B", f.what, f.bytes);
  timeline_.push_back({f.src == MemSource::Gpu ? std::string("GPU DRAM")
                                             : "NFP " + std::to_string(f.requester) + " memory",
                     name, f.start_s, end - f.start_s});
}

void MemorySystem::notify_done(MemCompletion* c, double latency_s) {
  c->finished = true;
  const sc_time at = sc_core::sc_time_stamp() + sc_time(latency_s, SC_SEC);
  c->t_done = at.to_seconds();
  c->ev.notify(sc_time(latency_s, SC_SEC));
}

double MemorySystem::latency_s(double dram_fraction) const {
  return cfg_.l2.latency_s + dram_fraction * cfg_.dram.latency_s;
}

// The L2 keeps what its grid share can of the grid parts no SRAM holds; a miss hits in L2 with
// probability min(1, share / non-resident bytes) (uniform reuse).
GridMissPath MemorySystem::grid_miss_path(uint64_t non_resident_bytes) const {
  const double non_resident = static_cast<double>(non_resident_bytes);
  const double l2_share = cfg_.l2.capacity_bytes * cfg_.l2.grid_share;
  GridMissPath p;
  p.dram_fraction = non_resident > 0 ? 1 - std::min(1.0, l2_share / non_resident) : 0;
  p.latency_s = latency_s(p.dram_fraction);
  return p;
}

void MemorySystem::grid_misses(uint32_t nfp, double bytes, const GridMissPath& path,
                               MemCompletion* done) {
  transfer(MemSource::Ngpc, bytes, bytes * path.dram_fraction, 0, done, "grid misses", nfp);
}

// NFP 0's fill comes from DRAM; the others find what the L2's grid share could keep of it.
void MemorySystem::grid_fill(uint32_t nfp, double bytes, MemCompletion* done) {
  const double l2_share = cfg_.l2.capacity_bytes * cfg_.l2.grid_share;
  const double dram =
      nfp == 0 || bytes <= 0 ? bytes : bytes * (1 - std::min(1.0, l2_share / bytes));
  transfer(MemSource::Ngpc, bytes, dram, 0, done, "grid fill", nfp);
}

MemoryStats MemorySystem::take_frame() {
  advance();
  const MemoryStats s = stats_;
  stats_ = MemoryStats{};
  return s;
}

void MemorySystem::transfer(MemSource src, double link_bytes, double dram_bytes, double rate_cap,
                            MemCompletion* done, const char* what, uint32_t requester) {
  ++stats_.transfers;
  const double primary = std::max(link_bytes, dram_bytes);
  const double dram_fraction = link_bytes > 0 ? std::min(1.0, dram_bytes / link_bytes) : 1.0;
  const double lat = src == MemSource::Gpu ? 0.0 : latency_s(dram_fraction);
  done->reset();
  if (primary <= 0) {
    notify_done(done, lat);
    return;
  }
  advance();
  Flow f;
  f.remaining = primary;
  f.a_link = link_bytes / primary;
  f.a_dram = dram_bytes / primary;
  f.cap = rate_cap;
  f.latency_s = lat;
  f.src = src;
  f.done = done;
  f.start_s = sc_core::sc_time_stamp().to_seconds();
  f.bytes = primary;
  f.what = what;
  f.requester = requester;
  stats_.link_bytes += link_bytes;
  (src == MemSource::Gpu ? stats_.gpu_dram_bytes : stats_.ngpc_dram_bytes) += dram_bytes;
  flows_.push_back(f);
  reallocate();
  schedule();
}

// Moves every flow forward by the time elapsed since the last change, at its current rate.
void MemorySystem::advance() {
  const sc_time now = sc_core::sc_time_stamp();
  const double dt = (now - last_).to_seconds();
  last_ = now;
  if (dt <= 0) return;
  double link_rate = 0, dram_rate = 0;
  for (Flow& f : flows_) {
    f.remaining -= f.rate * dt;
    link_rate += f.rate * f.a_link;
    dram_rate += f.rate * f.a_dram;
  }
  stats_.link_busy_s += dt * link_rate / cfg_.l2.link_bandwidth_bytes_per_s;
  stats_.dram_busy_s += dt * dram_rate / cfg_.dram.bandwidth_bytes_per_s;
}

// Weighted max-min fair rates by progressive filling over two resources and the per-flow caps.
// Per-source arbitration weighs each flow by 1 / (flows of its source), so the NGPC and the GPU
// are two equal clients however many batches each has in flight.
void MemorySystem::reallocate() {
  const size_t n = flows_.size();
  frozen_.assign(n, 0);
  weight_.assign(n, 1.0);
  if (per_source_) {
    size_t count[2] = {0, 0};
    for (const Flow& f : flows_) ++count[static_cast<int>(f.src)];
    for (size_t i = 0; i < n; ++i) weight_[i] = 1.0 / count[static_cast<int>(flows_[i].src)];
  }
  for (Flow& f : flows_) f.rate = 0;
  const double cap_link = cfg_.l2.link_bandwidth_bytes_per_s;
  const double cap_dram = cfg_.dram.bandwidth_bytes_per_s;
  size_t active = n;
  while (active > 0) {
    double used_link = 0, used_dram = 0, w_link = 0, w_dram = 0;
    for (size_t i = 0; i < n; ++i) {
      used_link += flows_[i].rate * flows_[i].a_link;
      used_dram += flows_[i].rate * flows_[i].a_dram;
      if (!frozen_[i]) {
        w_link += flows_[i].a_link * weight_[i];
        w_dram += flows_[i].a_dram * weight_[i];
      }
    }
    double delta = std::numeric_limits<double>::infinity();
    if (w_link > 0) delta = std::min(delta, (cap_link - used_link) / w_link);
    if (w_dram > 0) delta = std::min(delta, (cap_dram - used_dram) / w_dram);
    for (size_t i = 0; i < n; ++i)
      if (!frozen_[i] && flows_[i].cap > 0)
        delta = std::min(delta, (flows_[i].cap - flows_[i].rate) / weight_[i]);
    if (!std::isfinite(delta)) break;  // cannot happen: every flow uses a resource
    delta = std::max(delta, 0.0);
    for (size_t i = 0; i < n; ++i)
      if (!frozen_[i]) flows_[i].rate += delta * weight_[i];
    used_link += delta * w_link;
    used_dram += delta * w_dram;
    const bool link_full = w_link > 0 && used_link >= cap_link * (1 - 1e-12);
    const bool dram_full = w_dram > 0 && used_dram >= cap_dram * (1 - 1e-12);
    for (size_t i = 0; i < n; ++i) {
      if (frozen_[i]) continue;
      const Flow& f = flows_[i];
      if ((link_full && f.a_link > 0) || (dram_full && f.a_dram > 0) ||
          (f.cap > 0 && f.rate >= f.cap * (1 - 1e-12))) {
        frozen_[i] = 1;
        --active;
      }
    }
  }
}

void MemorySystem::schedule() {
  wake_.cancel();
  double next = std::numeric_limits<double>::infinity();
  for (const Flow& f : flows_)
    if (f.rate > 0) next = std::min(next, f.remaining / f.rate);
  if (!std::isfinite(next)) return;
  // Round up to the time resolution so the flow has really finished when we wake.
  const double res = sc_core::sc_get_time_resolution().to_seconds();
  next = std::ceil(std::max(next, 0.0) / res) * res;
  wake_.notify(sc_time(next, SC_SEC));
}

void MemorySystem::on_wake() {
  advance();
  const double res = sc_core::sc_get_time_resolution().to_seconds();
  auto finished = [res](const Flow& f) { return f.rate > 0 && f.remaining <= f.rate * res; };
  for (const Flow& f : flows_)
    if (finished(f)) complete(f);
  flows_.erase(std::remove_if(flows_.begin(), flows_.end(), finished), flows_.end());
  reallocate();
  schedule();
}

}  // namespace ngpc
