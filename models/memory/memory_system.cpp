#include "models/memory/memory_system.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace ngpc {

using sc_core::SC_SEC;
using sc_core::sc_time;

namespace {

DramTimingParams dram_params(const DramConfig& d) {
  DramTimingParams p;
  p.peak_bytes_per_s = d.bandwidth_bytes_per_s;
  p.pattern_aware = d.model == DramModel::Pattern;
  p.fixed_latency_s = d.latency_s;
  auto copy = [](const DramPatternConfig& c) {
    DramPattern q;
    q.sustained_fraction = c.sustained_fraction;
    for (int i = 0; i < 4; ++i) q.latency_s[i] = c.latency_s[i];
    return q;
  };
  p.random = copy(d.random);
  p.stream = copy(d.stream);
  p.mix = copy(d.mix);
  return p;
}

L2Params l2_params(const MemoryConfig& m, double capacity) {
  L2Params p;
  p.line_bytes = m.l2.line_bytes;
  p.sector_bytes = m.dram.access_bytes;
  p.ways = m.l2.ways;
  p.capacity_bytes =
      std::max<uint64_t>(static_cast<uint64_t>(capacity), uint64_t{p.line_bytes} * p.ways);
  p.read_ways = std::max<uint32_t>(1, static_cast<uint32_t>(std::floor(m.l2.grid_share * p.ways)));
  return p;
}

// Latency histogram: 4 bins per octave from 1 ns. floor(4 log2 ns) = floor(log2 ns^4), the
// exponent of ns^4 (no log on the per-event path).
int latency_bin(double s) {
  const double ns = s * 1e9;
  if (!(ns > 1)) return 0;
  const double sq = ns * ns;
  return std::min(63, std::ilogb(sq * sq));
}

}  // namespace

MemorySystem::MemorySystem(sc_core::sc_module_name name, const MemoryConfig& cfg,
                           double sampled_share)
    : sc_module(name),
      cfg_(cfg),
      dram_(dram_params(cfg.dram)),
      l2_(l2_params(cfg, static_cast<double>(cfg.l2.capacity_bytes))),
      sample_l2_(l2_params(cfg, static_cast<double>(cfg.l2.capacity_bytes) * sampled_share)),
      last_(sc_core::SC_ZERO_TIME) {
  SC_METHOD(on_wake);
  sensitive << wake_;
  dont_initialize();
}

void MemCompletion::wait_done() {
  if (!finished || t_done > sc_core::sc_time_stamp().to_seconds()) sc_core::wait(ev);
}

void MemorySystem::notify_done(MemCompletion* c, double latency_s) {
  c->finished = true;
  const sc_time at = sc_core::sc_time_stamp() + sc_time(latency_s, SC_SEC);
  c->t_done = at.to_seconds();
  c->ev.notify(sc_time(latency_s, SC_SEC));
}

void MemorySystem::complete(const Flow& f) {
  notify_done(f.done, f.latency_s);
  for (MemCompletion* c : f.also) notify_done(c, f.latency_s);
  if (f.fill_slot >= 0) fills_[f.fill_slot].in_flight = false;
  if (!timeline_ || !timeline_->admit()) return;
  const double end = sc_core::sc_time_stamp().to_seconds() + f.latency_s;
  char name[96];
  std::snprintf(name, sizeof name, "%s %.0f B", f.what, f.bytes);
  timeline_->events.push_back({f.src == MemSource::Gpu
                                   ? std::string("GPU DRAM")
                                   : "NFP " + std::to_string(f.requester) + " memory",
                               name, f.start_s, end - f.start_s});
}

double MemorySystem::unloaded_miss_latency_s() const {
  return cfg_.l2.latency_s + dram_latency_s(dram_, 0, 1.0);
}

// The access latency a flow sees now: the on-chip path, plus for the part DRAM serves the DRAM-side
// latency at the current utilisation and mix. (Link bandwidth sharing is the fluid allocation
// itself; a queue on the 2 TB/s link adds picoseconds, so no queueing term is added for it.)
// `dram_side`: dram_latency_s() at the current load (the same for every flow).
double MemorySystem::latency_for(const Flow& f, double dram_side) const {
  if (f.src == MemSource::Gpu) return 0;
  return cfg_.l2.latency_s + f.phi * dram_side;
}

double MemorySystem::dram_side_latency() const {
  return dram_latency_s(dram_, rho_dram_, random_share_);
}

double MemorySystem::sample_grid_misses(const uint64_t* lines, size_t n, uint32_t line_bytes) {
  double missed = 0;
  for (size_t i = 0; i < n; ++i) missed += sample_l2_.read(lines[i], line_bytes);
  return missed;
}

void MemorySystem::sample_pollute(double bytes) {
  sample_l2_.pollute(bytes);
}

void MemorySystem::request(const MemRequest& r, MemCompletion* done) {
  ++stats_.transfers;
  done->reset();
  Flow f;
  f.src = r.src;
  f.done = done;
  f.what = r.what;
  f.requester = r.requester;
  f.window = r.window_bytes;
  f.cap = r.rate_cap;
  double link = r.bytes, dram = 0;
  switch (r.kind) {
    case Traffic::GridMiss: {
      f.grid_miss = true;
      f.pattern = DramPatternKind::Random;
      stats_.grid_miss_bytes += r.bytes;
      if (r.lines && !r.lines->empty()) {
        // Looked up as they are issued (issue_lookups); DRAM's share follows the lookups.
        f.address_level = true;
        Lookups& lk = f.lk;
        lk.at_once = cfg_.l2.lookup_steps == 0 || r.window_bytes <= 0;
        lk.lines = r.lines->data();
        lk.line_bytes = r.line_bytes;
        lk.bytes = static_cast<double>(r.lines->size()) * r.line_bytes;
        uint32_t at = 0;
        if (r.lines_per_level)
          for (uint32_t c : *r.lines_per_level) {
            lk.cursor.push_back(at);
            at += c;
            lk.level_end.push_back(at);
          }
        if (at != r.lines->size()) {  // no (consistent) per-level counts: one sequence
          lk.cursor.assign(1, 0);
          lk.level_end.assign(1, static_cast<uint32_t>(r.lines->size()));
        }
        break;
      }
      dram = std::clamp(r.dram_bytes, 0.0, r.bytes);
      stats_.grid_miss_l2_hit_bytes += r.bytes - dram;
      break;
    }
    case Traffic::GridFill: {
      if (fills_.size() <= r.grid) fills_.resize(r.grid + 1);
      FillRange& range = fills_[r.grid];
      stats_.fill_bytes += r.bytes;
      if (range.frame == r.frame && r.broadcast) {
        // One load per frame, broadcast to every NFP: later requests ride on the first.
        stats_.fill_l2_hit_bytes += r.bytes;
        for (Flow& g : flows_)
          if (g.fill_slot == static_cast<int>(r.grid)) {
            g.also.push_back(done);
            return;
          }
        notify_done(done, cfg_.l2.latency_s);
        return;
      }
      // LRU stack distance: the range is still in L2 if what entered the grid's ways since it
      // was last read, plus the range itself, fits them. Reading it makes it most recently used.
      const bool resident =
          range.inserted_at >= 0 &&
          l2_.grid_clock_bytes() - range.inserted_at + r.bytes <= l2_.grid_capacity_bytes();
      dram = resident ? 0 : r.bytes;
      if (!resident) l2_.pollute(r.bytes, L2Class::Grid);
      range.inserted_at = l2_.grid_clock_bytes();
      stats_.fill_l2_hit_bytes += r.bytes - dram;
      range.frame = r.frame;
      f.fill_slot = static_cast<int>(r.grid);
      range.in_flight = true;
      break;
    }
    case Traffic::Weights:
      break;
    case Traffic::GpuRest:
      link = 0;
      dram = r.bytes;
      l2_.pollute(r.bytes, L2Class::Other);
      break;
  }
  const double primary = std::max(link, dram);
  if (primary <= 0) {
    f.a_link = link > 0 ? 1 : 0;
    f.phi = dram_fraction(f);
    notify_done(done, latency_for(f, dram_side_latency()));
    if (f.fill_slot >= 0) fills_[f.fill_slot].in_flight = false;
    return;
  }
  advance();
  f.remaining = primary;
  f.a_link = link / primary;
  f.a_dram = dram / primary;
  f.start_s = sc_core::sc_time_stamp().to_seconds();
  f.bytes = primary;
  stats_.link_bytes += link;
  (r.src == MemSource::Gpu ? stats_.gpu_dram_bytes : stats_.ngpc_dram_bytes) += dram;
  lookup_flows_ += f.address_level;
  flows_.push_back(std::move(f));
  issue_lookups();
  reallocate();
  schedule();
}

// Looks up every address-level flow's lines issued by now (Lookups), the flows' new lines
// interleaved in rounds, then re-estimates the DRAM shares of the flows that looked up more. (A
// flow that did not keeps its share: its estimate is unchanged and it moved DRAM bytes at that
// share.)
void MemorySystem::issue_lookups() {
  if (lookup_flows_ == 0) return;
  size_t busy = 0;
  for (Flow& f : flows_) {
    if (!f.address_level) continue;
    Lookups& lk = f.lk;
    const double target =
        lk.at_once ? 1.0 : std::min(1.0, (f.bytes - f.remaining + f.window) / lk.bytes);
    lk.target = target > lk.issued ? target : -1;
    busy += lk.target >= 0;
  }
  if (busy == 0) return;
  // Each flow's new lines in `rounds` equal parts, flow after flow within a round.
  const int rounds = busy > 1 ? 8 : 1;
  for (int k = 1; k <= rounds; ++k)
    for (Flow& f : flows_)
      if (f.address_level && f.lk.target >= 0)
        look_up(f, k == rounds ? f.lk.target
                               : f.lk.issued + (f.lk.target - f.lk.issued) / (rounds - k + 1));
  for (Flow& f : flows_)
    if (f.address_level && f.lk.target >= 0) set_dram_share(f);
}

// Looks up the flow's lines up to fraction `upto` of every level's.
void MemorySystem::look_up(Flow& f, double upto) {
  Lookups& lk = f.lk;
  double missed = 0;
  uint64_t lines = 0;
  uint32_t begin = 0;
  for (size_t l = 0; l < lk.level_end.size(); ++l) {
    const uint32_t end = lk.level_end[l];
    const uint32_t want =
        upto >= 1
            ? end
            : begin + std::min<uint32_t>(end - begin,
                                         static_cast<uint32_t>(std::ceil((end - begin) * upto)));
    for (uint32_t i = lk.cursor[l]; i < want; ++i) missed += l2_.read(lk.lines[i], lk.line_bytes);
    if (want > lk.cursor[l]) {
      lines += want - lk.cursor[l];
      lk.cursor[l] = want;
    }
    begin = end;
  }
  lk.issued = std::max(lk.issued, std::min(1.0, upto));
  const double looked = static_cast<double>(lines) * lk.line_bytes;
  lk.looked += looked;
  lk.missed += missed;
  stats_.grid_miss_l2_hit_bytes += looked - missed;
  stats_.ngpc_dram_bytes += missed;
}

// DRAM bytes per link byte of the rest of the flow: what its looked-up lines missed and it has
// not moved yet, plus the lines still to come at the miss ratio seen so far. Then the next
// checkpoint: the remaining bytes at which the next 1/steps of its lines has been issued.
void MemorySystem::set_dram_share(Flow& f) {
  Lookups& lk = f.lk;
  const double expect =
      lk.looked > 0 ? lk.missed + lk.missed / lk.looked * std::max(0.0, lk.bytes - lk.looked) : 0;
  f.a_dram = f.remaining > 0 ? std::max(0.0, expect - lk.dram_done) / f.remaining : 0;
  lk.next_check = -1;
  if (lk.issued >= 1 || lk.at_once) return;
  const double step = 1.0 / cfg_.l2.lookup_steps;
  const double next = std::min(1.0, (std::floor(lk.issued / step + 1e-9) + 1) * step);
  lk.next_check = std::max(0.0, f.bytes + f.window - next * lk.bytes);
}

// Moves every flow forward by the time elapsed since the last change, at its current rate.
void MemorySystem::advance() {
  const sc_time now = sc_core::sc_time_stamp();
  const double dt = (now - last_).to_seconds();
  last_ = now;
  if (dt <= 0) return;
  double link_rate = 0, dram_rate = 0, dram_time = 0;
  for (size_t i = 0; i < flows_.size(); ++i) {
    Flow& f = flows_[i];
    f.remaining -= f.rate * dt;
    if (f.address_level) f.lk.dram_done += f.rate * f.a_dram * dt;
    link_rate += f.rate * f.a_link;
    dram_rate += f.rate * f.a_dram;
    dram_time += f.rate * cost_dram_[i];
    if (f.grid_miss) {
      const double bytes = f.rate * f.a_link * dt;
      stats_.grid_miss_latency_byte_s += bytes * (f.latency_s + f.queued_s);
      latency_hist_[f.hit_bin] += bytes * (1 - f.phi);
      latency_hist_[f.miss_bin] += bytes * f.phi;
    }
  }
  stats_.link_busy_s += dt * link_rate / cfg_.l2.link_bandwidth_bytes_per_s;
  stats_.dram_busy_s += dt * dram_rate / cfg_.dram.bandwidth_bytes_per_s;
  stats_.dram_time_busy_s += dt * dram_time;
}

// Weighted max-min fair rates by progressive filling of the link and DRAM time (both capacity 1)
// among `members`, within each flow's limit. One pass per round: a flow's rate step, its freeze
// and its share of the next round's sums, which are summed in member order as a pass of their own
// would (perf, 2026-12-04: at NGPC-64 this ran four passes over ~70 flows per round).
void MemorySystem::fill_rates(const std::vector<size_t>& members) {
  size_t active = members.size();
  struct Sums {
    double used_link = 0, used_dram = 0, w_link = 0, w_dram = 0;
    double to_limit = std::numeric_limits<double>::infinity();  // least weighted headroom
  };
  auto add = [&](Sums& t, size_t i) {
    const Flow& f = flows_[i];
    t.used_link += f.rate * cost_link_[i];
    t.used_dram += f.rate * cost_dram_[i];
    if (frozen_[i]) return;
    t.w_link += cost_link_[i] * weight_[i];
    t.w_dram += cost_dram_[i] * weight_[i];
    if (limit_[i] > 0) t.to_limit = std::min(t.to_limit, (limit_[i] - f.rate) / weight_[i]);
  };
  Sums t;
  for (size_t i : members) {
    frozen_[i] = 0;
    flows_[i].rate = 0;
    add(t, i);
  }
  while (active > 0) {
    double delta = std::numeric_limits<double>::infinity();
    if (t.w_link > 0) delta = std::min(delta, (1 - t.used_link) / t.w_link);
    if (t.w_dram > 0) delta = std::min(delta, (1 - t.used_dram) / t.w_dram);
    delta = std::min(delta, t.to_limit);
    if (!std::isfinite(delta)) break;  // cannot happen: every flow uses a resource
    delta = std::max(delta, 0.0);
    const double used_link = t.used_link + delta * t.w_link;
    const double used_dram = t.used_dram + delta * t.w_dram;
    const bool link_full = t.w_link > 0 && used_link >= 1 - 1e-12;
    const bool dram_full = t.w_dram > 0 && used_dram >= 1 - 1e-12;
    t = Sums{};
    for (size_t i : members) {
      if (!frozen_[i]) {
        double& rate = flows_[i].rate;
        rate += delta * weight_[i];
        if ((link_full && cost_link_[i] > 0) || (dram_full && cost_dram_[i] > 0) ||
            (limit_[i] > 0 && rate >= limit_[i] * (1 - 1e-12))) {
          frozen_[i] = 1;
          --active;
        }
      }
      add(t, i);
    }
  }
}

// Rates depend on the latencies (a window allows window / latency) and the latencies on the load
// the rates make: the allocation is the fixed point u = g(u) of the DRAM utilisation u the
// latencies are taken at. g does not increase with u (longer latencies, smaller window limits),
// and plain iteration oscillates where the loaded-latency curve is steep (|g'| > 1 near
// saturation), so the root of g(u) - u is bracketed and found by regula falsi (Illinois). The
// random share, which sets the DRAM cost per byte and which curve applies, is iterated around it.
// Deterministic: the same flows give the same arithmetic.
void MemorySystem::reallocate() {
  const size_t n = flows_.size();
  frozen_.assign(n, 0);
  weight_.assign(n, 1.0);
  cost_link_.assign(n, 0);
  cost_dram_.assign(n, 0);
  limit_.assign(n, 0);
  const bool isolated = cfg_.dram.arbitration == Arbitration::Isolated;
  if (cfg_.dram.arbitration == Arbitration::PerSource) {
    size_t count[2] = {0, 0};
    for (const Flow& f : flows_) ++count[static_cast<int>(f.src)];
    for (size_t i = 0; i < n; ++i) weight_[i] = 1.0 / count[static_cast<int>(flows_[i].src)];
  }
  groups_[0].clear();
  groups_[1].clear();
  for (size_t i = 0; i < n; ++i) {
    Flow& f = flows_[i];
    groups_[isolated ? static_cast<int>(f.src) : 0].push_back(i);
    f.phi = dram_fraction(f);
  }
  // Does any limit depend on the latency, hence on the load?
  bool coupled = false;
  for (const Flow& f : flows_) coupled = coupled || (f.window > 0 && f.src == MemSource::Ngpc);
  // Start from the random share of the DRAM demand.
  double rnd = 0, all = 0;
  for (const Flow& f : flows_) {
    if (isolated && f.src != MemSource::Ngpc) continue;
    all += f.a_dram;
    if (f.pattern == DramPatternKind::Random) rnd += f.a_dram;
  }
  random_share_ = all > 0 ? rnd / all : 0;
  double u = std::max(0.0, rho_dram_);
  constexpr double kTol = 1e-9;
  for (int outer = 0; outer < 8; ++outer) {
    const DramCost c = dram_cost(dram_, random_share_);
    for (size_t i = 0; i < n; ++i) {
      const Flow& f = flows_[i];
      cost_link_[i] = f.a_link / cfg_.l2.link_bandwidth_bytes_per_s;
      cost_dram_[i] = f.a_dram * (f.pattern == DramPatternKind::Random ? c.random_s_per_byte
                                                                       : c.stream_s_per_byte);
    }
    Load load = allocate_at(u);
    if (coupled && std::abs(load.dram_time - u) > kTol) {
      // Bracket the root: g does not increase, so g(u) lies on the other side of it.
      double a = u, ha = load.dram_time - u;
      double b = load.dram_time;
      load = allocate_at(b);
      double hb = load.dram_time - b;
      for (int step = 0; step < 8 && ha * hb > 0; ++step) {  // g not monotone here: walk on
        a = b;
        ha = hb;
        b = load.dram_time;
        load = allocate_at(b);
        hb = load.dram_time - b;
      }
      u = b;
      if (ha * hb < 0 && std::abs(hb) > kTol) {
        int side = 0;
        for (int it = 0; it < 60 && std::abs(b - a) > kTol * 1e-3; ++it) {
          const double x = (a * hb - b * ha) / (hb - ha);
          load = allocate_at(x);
          const double hx = load.dram_time - x;
          u = x;
          if ((hx > 0) == (ha > 0)) {
            a = x;
            ha = hx;
            if (side == -1) hb *= 0.5;
            side = -1;
          } else {
            b = x;
            hb = hx;
            if (side == +1) ha *= 0.5;
            side = +1;
          }
          if (std::abs(hx) <= kTol) break;
        }
      }
    } else {
      u = coupled ? u : load.dram_time;
    }
    rho_link_ = load.link;
    rho_dram_ = coupled ? u : load.dram_time;
    const double share = load.dram_all > 0 ? load.dram_rnd / load.dram_all : random_share_;
    const bool settled = std::abs(share - random_share_) < kTol;
    random_share_ = share;
    if (settled) break;
  }
  // Without windows the rates did not depend on the latencies: take these at the load made.
  if (!coupled) {
    const double dram_side = dram_side_latency();
    for (Flow& f : flows_) f.latency_s = latency_for(f, dram_side);
  }
  // The rates stand as allocated at the last evaluation; the latencies are those they were
  // allocated with. A windowed flow held below its limit by a full resource keeps its whole
  // window queued: its requests see window / rate (Little's law), more than the curve gives.
  for (size_t i = 0; i < n; ++i) {
    Flow& f = flows_[i];
    f.queued_s = 0;
    if (f.window > 0 && f.rate > 0 && limit_[i] > 0 && f.rate < limit_[i] * (1 - 1e-9))
      f.queued_s = std::max(0.0, f.window / f.rate - f.latency_s);
    if (f.grid_miss) {
      // The L2-served part sees the on-chip path, the DRAM-served part that plus the DRAM side;
      // queueing beyond the curve (a saturated window) delays both.
      const double hit_lat = cfg_.l2.latency_s + f.queued_s;
      const double miss_lat =
          f.phi > 0 ? hit_lat + (f.latency_s - cfg_.l2.latency_s) / f.phi : hit_lat;
      f.hit_bin = latency_bin(hit_lat);
      f.miss_bin = latency_bin(miss_lat);
    }
  }
}

// One evaluation of g: latencies and window limits at DRAM utilisation u and the current random
// share, rates by progressive filling, and the load those rates make.
MemorySystem::Load MemorySystem::allocate_at(double u) {
  const bool isolated = cfg_.dram.arbitration == Arbitration::Isolated;
  rho_dram_ = u;
  const size_t n = flows_.size();
  const double dram_side = dram_side_latency();
  for (size_t i = 0; i < n; ++i) {
    Flow& f = flows_[i];
    f.latency_s = latency_for(f, dram_side);
    double lim = f.cap;
    if (f.window > 0 && f.latency_s > 0) {
      const double w = f.window / f.latency_s;
      lim = lim > 0 ? std::min(lim, w) : w;
    }
    limit_[i] = lim;
  }
  for (const auto& g : groups_)
    if (!g.empty()) fill_rates(g);
  // The load these rates make; with isolated sources the NGPC's latencies see only its own.
  Load l;
  for (size_t i = 0; i < n; ++i) {
    if (isolated && flows_[i].src != MemSource::Ngpc) continue;
    l.link += flows_[i].rate * cost_link_[i];
    l.dram_time += flows_[i].rate * cost_dram_[i];
    l.dram_all += flows_[i].rate * flows_[i].a_dram;
    if (flows_[i].pattern == DramPatternKind::Random)
      l.dram_rnd += flows_[i].rate * flows_[i].a_dram;
  }
  return l;
}

void MemorySystem::schedule() {
  wake_.cancel();
  const double res = sc_core::sc_get_time_resolution().to_seconds();
  double next = std::numeric_limits<double>::infinity();
  for (const Flow& f : flows_)
    if (f.rate > 0) {
      next = std::min(next, f.remaining / f.rate);
      // A checkpoint at least one time step ahead, so a wake always moves the flow on.
      if (f.address_level && f.lk.next_check >= 0)
        next = std::min(next, std::max(res, (f.remaining - f.lk.next_check) / f.rate));
    }
  if (!std::isfinite(next)) return;
  // Round up to the time resolution so the flow has really finished when we wake.
  next = std::ceil(std::max(next, 0.0) / res) * res;
  wake_.notify(sc_time(next, SC_SEC));
}

void MemorySystem::on_wake() {
  advance();
  const double res = sc_core::sc_get_time_resolution().to_seconds();
  auto finished = [res](const Flow& f) { return f.rate > 0 && f.remaining <= f.rate * res; };
  for (Flow& f : flows_)
    if (finished(f)) {
      if (f.address_level) {
        look_up(f, 1.0);  // all issued by now (the last checkpoint)
        --lookup_flows_;
      }
      complete(f);
    }
  flows_.erase(std::remove_if(flows_.begin(), flows_.end(), finished), flows_.end());
  if (flows_.empty()) rho_link_ = rho_dram_ = random_share_ = 0;
  issue_lookups();
  reallocate();
  schedule();
}

MemoryStats MemorySystem::take_frame() {
  advance();
  // 95th percentile of the latency by bytes: geometric interpolation inside the bin.
  double total = 0;
  for (double b : latency_hist_) total += b;
  if (total > 0) {
    double acc = 0;
    for (int i = 0; i < 64; ++i) {
      if (acc + latency_hist_[i] >= 0.95 * total) {
        const double frac = latency_hist_[i] > 0 ? (0.95 * total - acc) / latency_hist_[i] : 0;
        stats_.grid_miss_latency_p95_s = 1e-9 * std::exp2((i + frac) / 4.0);
        break;
      }
      acc += latency_hist_[i];
    }
  }
  latency_hist_.fill(0);
  const MemoryStats s = stats_;
  stats_ = MemoryStats{};
  return s;
}

}  // namespace ngpc
