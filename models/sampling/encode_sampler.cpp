#include "models/sampling/encode_sampler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <tuple>

#include "models/mix64.h"
#include "models/parallel.h"

namespace ngpc {

uint64_t batch_count(uint64_t queries, uint64_t batch_size) {
  return queries == 0 ? 0 : (queries + batch_size - 1) / batch_size;
}

void batch_range(uint64_t queries, uint64_t batches, uint64_t i, uint64_t* first, uint64_t* count) {
  // Even split: batches differ by at most one query, so no NFP gets a runt batch.
  auto at = [&](uint64_t k) { return (queries / batches) * k + (queries % batches) * k / batches; };
  const uint64_t lo = at(i), hi = at(i + 1);
  *first = lo;
  *count = hi - lo;
}

CountedRange counted_range(double phase, uint64_t count, uint64_t len) {
  CountedRange r;
  if (len >= count) return r;
  r.begin = std::min(count - 1, static_cast<uint64_t>(phase * double(count)));
  r.head = r.begin + len > count ? r.begin + len - count : 0;
  return r;
}

FrameBatches::FrameBatches(const FrameWork& fw, uint64_t batch_size) {
  uint64_t g = 0;
  for (const WorkItem& item : fw.items) {
    const uint64_t nb = item.standalone_gpu ? 0 : batch_count(item.max_queries(), batch_size);
    item_first.push_back(g);
    item_batches.push_back(nb);
    g += nb;
  }
}

void sample_positions(const PositionSource* source, uint32_t frame, uint32_t kernel, uint64_t first,
                      uint32_t n, uint32_t dims, float* out) {
  if (source) {
    source->positions(frame, kernel, first, n, dims, out);
    return;
  }
  // No scene: uniform in the unit cube (the run reports it).
  const uint64_t seed = mix64(frame * 0x10001ull + kernel);
  for (uint64_t q = 0; q < n; ++q)
    for (uint32_t d = 0; d < dims; ++d)
      out[q * dims + d] =
          static_cast<float>((mix64(seed ^ ((first + q) * 8 + d)) >> 40) * (1.0 / 16777216.0));
}

namespace {

// One NFP's share of a sampled window. Its level units run on a pool thread (each NFP's SRAMs are
// its own); the lines they miss are logged in run order and go through the memory system's L2
// stand-in afterwards, NFP after NFP on the simulation thread, exactly as a serial run would send
// them. So results do not depend on the thread count.
struct Lane {
  LevelUnits* units = nullptr;
  uint64_t nfp = 0, g = 0, first = 0, count = 0, begin = 0, len = 0, done = 0;
  uint64_t head = 0;             // a wrapped range's queries at the batch's start (counted_range)
  std::vector<LevelCounters> c;  // the counted range's counts
  std::vector<float> buf;
  std::vector<uint64_t> lines;   // grid addresses of the missing lines, run after run
  std::vector<uint32_t> counts;  // per run and level: how many of `lines` it added
  std::vector<uint8_t> counted;  // per run: whether its misses are counted
  struct Segment {
    uint32_t kernel;
    uint64_t first, count;
    bool counted;
  };
  // What the NFP runs before the counted rounds, oldest first: its warm-up; for a wrapped range
  // also the counted head and then the warm-up of the queries just before `begin`.
  std::vector<Segment> warm;
};

struct Runner {
  const PositionSource* positions;
  uint32_t frame;
  uint32_t dims;
  uint64_t grid_base;
  MemoryIf& mem;

  // Queries [first, first + n) of `kernel` through the lane's level units, counted into `out`;
  // a warm-up (their effect on the SRAMs only) when `out` is null. Their missing lines are logged
  // for the L2 stand-in.
  void feed(Lane& lane, uint32_t kernel, uint64_t first, uint64_t n,
            std::vector<LevelCounters>* out) const {
    lane.buf.resize(static_cast<size_t>(n) * dims);
    sample_positions(positions, frame, kernel, first, static_cast<uint32_t>(n), dims,
                     lane.buf.data());
    const size_t at = lane.lines.size();
    lane.counted.push_back(out != nullptr);
    if (out)
      lane.units->run(lane.buf.data(), static_cast<uint32_t>(n), *out, &lane.lines, &lane.counts);
    else
      lane.units->warm(lane.buf.data(), static_cast<uint32_t>(n), &lane.lines, &lane.counts);
    for (size_t i = at; i < lane.lines.size(); ++i) lane.lines[i] += grid_base;
  }

  // Sends the lane's logged misses through the L2 stand-in; the counted runs' DRAM-served bytes
  // go to the lane's counts, per level.
  void replay(Lane& lane, size_t levels) const {
    const uint32_t line = lane.units->line_bytes();
    size_t at = 0;
    for (size_t k = 0; k < lane.counts.size(); ++k) {
      const size_t count = lane.counts[k];
      const double dram = mem.sample_grid_misses(lane.lines.data() + at, count, line);
      if (lane.counted[k / levels]) lane.c[k % levels].dram_bytes += static_cast<uint64_t>(dram);
      at += count;
    }
    lane.lines.clear();
    lane.counts.clear();
    lane.counted.clear();
  }
};

// The encode kernel of the same grid that global batch g belongs to, and that batch's queries.
bool batch_of_grid(const FrameWork& fw, const FrameBatches& fb, uint64_t g, uint32_t encoding,
                   uint32_t* kernel, uint64_t* first, uint64_t* count) {
  const auto it = std::upper_bound(fb.item_first.begin(), fb.item_first.end(), g);
  const size_t item = static_cast<size_t>(it - fb.item_first.begin()) - 1;
  if (g - fb.item_first[item] >= fb.item_batches[item]) return false;
  for (const EncodeKernelWork& e : fw.items[item].encodes)
    if (e.encoding_id == encoding) {
      batch_range(e.queries, fb.item_batches[item], g - fb.item_first[item], first, count);
      *kernel = e.kernel_index;
      return true;
    }
  return false;
}

// 97.5 % quantile of Student's t with `df` degrees of freedom: a 95 % interval from few windows
// must be wide (12.7 x the standard error from two, 3.18 from four).
double student_t975(size_t df) {
  static constexpr double kT[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                  2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131};
  if (df < std::size(kT)) return kT[std::max<size_t>(df, 1)];
  return df < 30 ? 2.1 : df < 60 ? 2.02 : 1.96;
}

constexpr double kGoldenFraction = 0.6180339887498949;  // (sqrt 5 - 1) / 2

// N consecutive batches of one encode kernel: what the NFPs run side by side.
struct Window {
  uint32_t item = 0, k = 0;
  uint64_t lo = 0, hi = 0;  // batch indices within the item
  double queries = 0;
  double cum = 0;  // queries of the grid's windows before this one
};

// Everything one grid's sampling needs, resolved once.
class GridSampler {
 public:
  GridSampler(const FrameWork& fw, const FrameBatches& fb, const Config& cfg,
              const PositionSource* positions, MemoryIf& mem, SamplerState& state,
              uint32_t encoding)
      : fw_(fw),
        fb_(fb),
        cfg_(cfg),
        positions_(positions),
        mem_(mem),
        state_(state),
        encoding_(encoding),
        nfps_(cfg.cluster.scaling_factor),
        timing_(encode_timing(cfg.nfp.encoding)),
        miss_latency_cycles_(mem.unloaded_miss_latency_s() * cfg.clock_hz) {}

  // Simulates window `win` (its batches side by side, each over [offset, offset + q) of its
  // queries, all of them when q == 0, after up to `warmup` queries its NFP ran before and the
  // sampler skipped) and appends one count vector per batch to `out`. Returns the window's
  // estimated encode cycles (every batch scaled to its queries) and the L2 bytes its misses
  // installed, both scaled to whole batches.
  double run_window(const Window& win, double offset_frac, uint64_t q, uint64_t warmup,
                    std::vector<std::vector<LevelCounters>>& out, double* l2_inserted) {
    const EncodeKernelWork& work = fw_.items[win.item].encodes[win.k];
    const size_t levels = work.layout->levels.size();
    const uint64_t nb = fb_.item_batches[win.item], g0 = fb_.item_first[win.item];
    const Runner r{positions_, fw_.frame, work.layout->params.dims, grid_base_address(encoding_),
                   mem_};
    std::vector<Lane>& lanes = lanes_;
    lanes.resize(win.hi - win.lo);
    for (uint64_t i = win.lo; i < win.hi; ++i) {
      Lane& lane = lanes[i - win.lo];
      lane.g = g0 + i;
      lane.nfp = lane.g % nfps_;
      lane.units = &units_of(lane.nfp, work);
      batch_range(work.queries, nb, i, &lane.first, &lane.count);
      lane.len = q == 0 ? lane.count : std::min(q, lane.count);
      // The NFPs do not run in lockstep: dispatch as they free up spreads them over their batches'
      // phases, which the sampler cannot know. The lanes' ranges sit at the window's seeded offset
      // plus golden-ratio steps, spread evenly over the batch (docs/sampling.md, "Phases").
      const double phase = std::fmod(offset_frac + kGoldenFraction * double(i - win.lo), 1.0);
      const CountedRange cr = counted_range(phase, lane.count, lane.len);
      lane.begin = cr.begin;
      lane.head = cr.head;
      lane.done = lane.head;
      lane.c.assign(levels, LevelCounters{});
      plan_warm_up(lane, work, warmup);
    }
    // The warm-ups (with a wrapped range's head), then the counted ranges in chunks: their misses
    // reach the L2 stand-in in the order concurrent NFPs' would, chunk by chunk across the NFPs.
    // Lane j's misses go through the L2 (on this thread, in lane order) while later lanes still
    // run on the pool: only the replay touches the L2, and only lane j's run its lines.
    auto replay = [&](size_t j) { r.replay(lanes[j], levels); };
    parallel_for_ordered(
        lanes.size(),
        [&](size_t j) {
          Lane& lane = lanes[j];
          for (const Lane::Segment& sg : lane.warm)
            if (sg.count)
              r.feed(lane, sg.kernel, sg.first, sg.count, sg.counted ? &lane.c : nullptr);
        },
        replay);
    constexpr uint64_t kChunk = 256;
    for (bool busy = true; busy;) {
      parallel_for_ordered(
          lanes.size(),
          [&](size_t j) {
            Lane& lane = lanes[j];
            if (lane.done >= lane.len) return;
            const uint64_t n = std::min(kChunk, lane.len - lane.done);
            r.feed(lane, work.kernel_index, lane.first + lane.begin + (lane.done - lane.head), n,
                   &lane.c);
            lane.done += n;
          },
          replay);
      busy = false;
      for (const Lane& lane : lanes) busy = busy || lane.done < lane.len;
    }
    double cycles = 0, inserted = 0;
    for (Lane& lane : lanes) {
      const double scale = lane.len ? double(lane.count) / double(lane.len) : 0;
      cycles += lane.len ? encode_cycles(lane.c, scale, timing_, miss_latency_cycles_) : 0;
      for (const LevelCounters& c : lane.c) inserted += double(c.dram_bytes) * scale;
      out.push_back(std::move(lane.c));
    }
    *l2_inserted = inserted;
    return cycles;
  }

 private:
  LevelUnits& units_of(uint64_t nfp, const EncodeKernelWork& work) {
    SamplerNfp& f = state_.nfps[nfp];
    if (f.units.size() <= encoding_) {
      f.units.resize(encoding_ + 1);
      f.last_batch.resize(encoding_ + 1, UINT64_MAX);
      f.last_end.resize(encoding_ + 1, 0);
    }
    auto& u = f.units[encoding_];
    if (!u)
      u = std::make_unique<LevelUnits>(*work.layout, grid_sram_params(cfg_.nfp.encoding.grid_sram),
                                       timing_.units, work.inputs_per_cycle);
    return *u;
  }

  // The `warmup` queries the lane's NFP ran just before its first counted query (`begin`, or the
  // batch's start when the range wraps) and that the
  // sampler has not simulated yet: from this batch, then from its previous batches of the grid
  // back to the last it simulated, oldest first; after them its SRAMs (and the L2) hold what they
  // would. Records where the NFP's simulation now stands.
  void plan_warm_up(Lane& lane, const EncodeKernelWork& work, uint64_t warmup) {
    SamplerNfp& f = state_.nfps[lane.nfp];
    uint64_t& last_g = f.last_batch[encoding_];
    uint64_t& last_end = f.last_end[encoding_];
    lane.warm.clear();
    uint64_t need = warmup;
    const uint64_t start = lane.head ? 0 : lane.begin;
    const uint64_t here = std::min(need, start);
    lane.warm.push_back({work.kernel_index, lane.first + start - here, here, false});
    need -= here;
    for (uint64_t pg = lane.g; need > 0 && pg >= nfps_;) {
      pg -= nfps_;
      if (last_g != UINT64_MAX && pg < last_g) break;
      uint32_t pk;
      uint64_t pf, pc;
      if (!batch_of_grid(fw_, fb_, pg, encoding_, &pk, &pf, &pc)) break;
      const uint64_t from = pg == last_g ? std::min(last_end, pc) : 0;
      const uint64_t take = std::min(need, pc - from);
      lane.warm.push_back({pk, pf + pc - take, take, false});
      need -= take;
      if (pg == last_g) break;
    }
    std::reverse(lane.warm.begin(), lane.warm.end());
    if (lane.head) {
      // A wrapped range: its head, then the queries its NFP runs before `begin`.
      const uint64_t mid = std::min(warmup, lane.begin - lane.head);
      lane.warm.push_back({work.kernel_index, lane.first, lane.head, true});
      lane.warm.push_back({work.kernel_index, lane.first + lane.begin - mid, mid, false});
    }
    last_g = lane.g;
    last_end = lane.head ? lane.count : lane.begin + lane.len;
  }

  const FrameWork& fw_;
  const FrameBatches& fb_;
  const Config& cfg_;
  const PositionSource* positions_;
  MemoryIf& mem_;
  SamplerState& state_;
  uint32_t encoding_;
  uint64_t nfps_;
  EncodeTiming timing_;
  double miss_latency_cycles_;
  std::vector<Lane> lanes_;  // reused from window to window
};

}  // namespace

const std::vector<LevelCounters>& EncodePlan::counts_for(uint64_t i) const {
  if (samples.empty()) return sample;
  const auto& s = samples[sample_of_batch[std::min<uint64_t>(i, sample_of_batch.size() - 1)]];
  return !s.empty() && s[0].queries > 0 ? s : sample;
}

FrameSample plan_frame(const FrameWork& fw, const FrameBatches& fb, const Config& cfg,
                       const PositionSource* positions, MemoryIf& mem, SamplerState& state,
                       bool full) {
  FrameSample out;
  out.plans.resize(fw.items.size());
  for (size_t i = 0; i < fw.items.size(); ++i) out.plans[i].resize(fw.items[i].encodes.size());
  const uint64_t nfps = cfg.cluster.scaling_factor;
  const DetailConfig& d = cfg.detail;
  if (state.frame != fw.frame) {
    state.frame = fw.frame;
    state.nfps.resize(nfps);
    for (SamplerNfp& f : state.nfps) {
      for (auto& u : f.units)
        if (u) u->reset();
      std::fill(f.last_batch.begin(), f.last_batch.end(), UINT64_MAX);
      std::fill(f.last_end.begin(), f.last_end.end(), 0);
    }
  }
  // The frame's windows, per grid, in dealing order.
  std::vector<std::vector<Window>> grids;
  double frame_queries = 0;
  for (size_t i = 0; i < fw.items.size(); ++i)
    for (size_t k = 0; k < fw.items[i].encodes.size(); ++k) {
      const EncodeKernelWork& e = fw.items[i].encodes[k];
      EncodePlan& plan = out.plans[i][k];
      plan.full_detail = full;
      const uint64_t nb = fb.item_batches[i];
      if (full || e.queries == 0 || nb == 0) continue;
      plan.sample_of_batch.assign(nb, 0);
      if (grids.size() <= e.encoding_id) grids.resize(e.encoding_id + 1);
      for (uint64_t lo = 0; lo < nb; lo += nfps) {
        Window w;
        w.item = static_cast<uint32_t>(i);
        w.k = static_cast<uint32_t>(k);
        w.lo = lo;
        w.hi = std::min(nb, lo + nfps);
        uint64_t f0, c0, f1, c1;
        batch_range(e.queries, nb, w.lo, &f0, &c0);
        batch_range(e.queries, nb, w.hi - 1, &f1, &c1);
        w.queries = double(f1 + c1 - f0);
        auto& list = grids[e.encoding_id];
        w.cum = list.empty() ? 0 : list.back().cum + list.back().queries;
        list.push_back(w);
      }
      frame_queries += double(e.queries);
    }
  if (full || grids.empty()) return out;

  double h2 = 0, total = 0;
  for (uint32_t grid = 0; grid < grids.size(); ++grid) {
    const std::vector<Window>& wins = grids[grid];
    if (wins.empty()) continue;
    const double grid_queries = wins.back().cum + wins.back().queries;
    // The grid's share of the frame's window budget, at least two.
    const uint64_t s = std::max<uint64_t>(
        2, static_cast<uint64_t>(std::llround(d.sample_windows * grid_queries / frame_queries)));
    GridSampler sampler(fw, fb, cfg, positions, mem, state, grid);
    const uint64_t seed = mix64(d.seed ^ mix64((uint64_t{fw.frame} << 32) | grid));
    auto assign = [&](const Window& w, size_t from, size_t to) {
      EncodePlan& plan = out.plans[w.item][w.k];
      for (uint64_t i = w.lo; i < w.hi; ++i)
        plan.sample_of_batch[i] =
            static_cast<uint32_t>(from + (i - w.lo) % std::max<size_t>(1, to - from));
    };
    // A sampled window's counts live in the plan of its own kernel; another kernel copies them
    // into its plan once and points its batches there.
    std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, size_t>, size_t> copied;
    auto adopt = [&](const Window& dst, const Window& src, size_t from, size_t to) {
      if (dst.item == src.item && dst.k == src.k) {
        assign(dst, from, to);
        return;
      }
      EncodePlan& plan = out.plans[dst.item][dst.k];
      const auto key = std::make_tuple(dst.item, dst.k, src.item, src.k, from);
      auto it = copied.find(key);
      if (it == copied.end()) {
        const EncodePlan& sp = out.plans[src.item][src.k];
        it = copied.emplace(key, plan.samples.size()).first;
        for (size_t j = from; j < to; ++j) plan.samples.push_back(sp.samples[j]);
      }
      for (uint64_t i = dst.lo; i < dst.hi; ++i)
        plan.sample_of_batch[i] =
            static_cast<uint32_t>(it->second + (i - dst.lo) % std::max<size_t>(1, to - from));
    };
    if (wins.size() <= 2 * s) {
      // Too few windows for a sample to save much, or to estimate its error: all of them, whole.
      for (const Window& w : wins) {
        EncodePlan& plan = out.plans[w.item][w.k];
        const size_t from = plan.samples.size();
        double ins;
        total += sampler.run_window(w, 0, 0, d.warmup_queries, plan.samples, &ins);
        assign(w, from, plan.samples.size());
      }
      continue;
    }
    out.exact = false;
    // Systematic sample proportional to queries: stratum c holds the grid's queries in
    // [c, c + 1) x grid_queries / s and is represented by the window at a seeded point of it.
    const double u = double(mix64(seed) >> 11) * 0x1.0p-53;
    std::vector<size_t> picked, stratum_pick(s);
    for (uint64_t c = 0; c < s; ++c) {
      const double at = (double(c) + u) * grid_queries / double(s);
      size_t w = static_cast<size_t>(
          std::upper_bound(wins.begin(), wins.end(), at,
                           [](double x, const Window& win) { return x < win.cum; }) -
          wins.begin());
      w = w == 0 ? 0 : w - 1;
      if (picked.empty() || picked.back() != w) picked.push_back(w);
      stratum_pick[c] = picked.size() - 1;
    }
    std::vector<double> y;                         // cycles per query of each sampled window
    std::vector<std::pair<size_t, size_t>> range;  // its batches in its plan's samples
    double inserted_per_window = 0;
    auto offset_of = [&](size_t p) {
      return double(mix64(seed ^ (p * 0x9e3779b97f4a7c15ull + 1)) >> 11) * 0x1.0p-53;
    };
    std::vector<std::vector<LevelCounters>> lead_in_counts;
    size_t prev = SIZE_MAX;
    for (size_t p : picked) {
      const Window& w = wins[p];
      // A kernel shorter than the cluster (a ray-marching or sphere-tracing step) continues the
      // rays of the window before it, which other NFPs ran just before: in exact mode the L2
      // holds the lines they fetched. That window runs first, uncounted, when it was skipped
      // (docs/sampling.md, "Short kernels").
      const bool lead_in = w.lo == 0 && w.hi < nfps && p > 0 && (prev == SIZE_MAX || p - 1 > prev);
      // The skipped windows' traffic passed the L2 meanwhile: the GPU's share of their items, and
      // the NGPC's misses as the last sampled window measured them.
      double skipped = 0;
      for (size_t j = prev == SIZE_MAX ? 0 : prev + 1; j < p - (lead_in ? 1 : 0); ++j) {
        const Window& x = wins[j];
        const WorkItem& wi = fw.items[x.item];
        const double fusion = cfg.gpu.fusion ? cfg.gpu.fusion_speedup : 1.0;
        skipped += (cfg.gpu.dram_traffic ? double(wi.gpu_dram_bytes) : 0.0) / fusion *
                       double(x.hi - x.lo) / double(fb.item_batches[x.item]) +
                   (prev == SIZE_MAX ? 0 : inserted_per_window);
      }
      mem.sample_pollute(skipped);
      if (lead_in) {
        lead_in_counts.clear();
        double inserted;
        sampler.run_window(wins[p - 1], offset_of(p - 1), d.sample_queries, d.warmup_queries,
                           lead_in_counts, &inserted);
      }
      EncodePlan& plan = out.plans[w.item][w.k];
      const size_t from = plan.samples.size();
      const double cycles = sampler.run_window(w, offset_of(p), d.sample_queries, d.warmup_queries,
                                               plan.samples, &inserted_per_window);
      y.push_back(cycles / w.queries);
      range.emplace_back(from, plan.samples.size());
      prev = p;
    }
    // Every window takes the sampled window of its stratum (by its middle query).
    for (const Window& w : wins) {
      const double mid = w.cum + w.queries / 2;
      const uint64_t c =
          std::min<uint64_t>(s - 1, static_cast<uint64_t>(mid * double(s) / grid_queries));
      const size_t best = stratum_pick[c];
      adopt(w, wins[picked[best]], range[best].first, range[best].second);
    }
    // Estimate and its interval: y's successive differences (systematic sample), Student's t.
    double m = 0, v = 0;
    for (double a : y) m += a;
    m /= double(y.size());
    for (size_t c = 1; c < y.size(); ++c) v += (y[c] - y[c - 1]) * (y[c] - y[c - 1]);
    v /= 2.0 * double(std::max<size_t>(1, y.size() - 1));
    const double fpc = std::max(0.0, 1.0 - double(y.size()) / double(wins.size()));
    const double est = m * grid_queries;
    const double half = y.size() >= 2 ? student_t975(y.size() - 1) *
                                            std::sqrt(v / double(y.size()) * fpc) * grid_queries
                                      : est;
    out.worst_rel_err = std::max(out.worst_rel_err, est > 0 ? half / est : 0);
    h2 += half * half;
    total += est;
  }
  out.stat_rel_err = total > 0 ? std::sqrt(h2) / total : 0;
  // Sampling variance does not cover the bias the windows share; the validation grid measures
  // it (docs/sampling.md, "The reported interval"). Simulating every window whole leaves no
  // sampling variance but keeps the sampler's own L2 order (its NFPs side by side in 256-query
  // chunks), up to 2.9 % off full detail on the validation grid: only full detail reports 0.
  out.rel_err = std::hypot(out.stat_rel_err, d.systematic_rel_err);
  for (auto& item : out.plans)
    for (EncodePlan& plan : item) {
      if (plan.samples.empty()) continue;
      plan.sample.assign(plan.samples[0].size(), LevelCounters{});
      for (const auto& smp : plan.samples)
        for (size_t l = 0; l < plan.sample.size() && l < smp.size(); ++l) plan.sample[l] += smp[l];
    }
  return out;
}

}  // namespace ngpc
