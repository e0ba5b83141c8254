#include "models/sampling/encode_sampler.h"

#include <algorithm>
#include <cmath>
#include <iterator>

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

// Runs queries of a kernel through the followed NFP's level units and their missing lines
// through the memory system's scaled L2 (the followed NFP's share of it), so every counted miss
// knows whether L2 or DRAM served it.
struct Runner {
  const PositionSource* positions;
  uint32_t frame;
  uint32_t dims;
  uint64_t grid_base;
  MemoryIf& mem;
  double pollution_per_batch;  // streaming bytes that pass the scaled L2 per batch of this NFP
  std::vector<float> buf;
  std::vector<LevelCounters> discard;
  std::vector<uint64_t> lines;

  void run(LevelUnits& units, uint32_t kernel, uint64_t first, uint64_t n,
           std::vector<LevelCounters>& out) {
    buf.resize(static_cast<size_t>(n) * dims);
    sample_positions(positions, frame, kernel, first, static_cast<uint32_t>(n), dims, buf.data());
    lines.clear();
    std::vector<uint64_t> before(out.size());
    for (size_t l = 0; l < out.size(); ++l) before[l] = out[l].miss_bytes;
    units.run(buf.data(), static_cast<uint32_t>(n), out, &lines);
    const uint32_t line = units.line_bytes();
    size_t at = 0;
    for (size_t l = 0; l < out.size(); ++l) {
      const size_t count = static_cast<size_t>((out[l].miss_bytes - before[l]) / line);
      for (size_t i = at; i < at + count; ++i) lines[i] += grid_base;
      out[l].dram_bytes +=
          static_cast<uint64_t>(mem.sample_grid_misses(lines.data() + at, count, line));
      at += count;
    }
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

}  // namespace

namespace {

// 97.5 % quantile of Student's t with `df` degrees of freedom: a 95 % interval from few windows
// must be wide (12.7 x the standard error from two, 3.18 from four).
double student_t975(size_t df) {
  static constexpr double kT[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                  2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131};
  if (df < std::size(kT)) return kT[std::max<size_t>(df, 1)];
  return df < 30 ? 2.1 : df < 60 ? 2.02 : 1.96;
}

// What sampling one kernel costs in simulated queries, and whether it is simulated whole.
struct KernelCost {
  double queries = 0;
  bool whole = false;
};

KernelCost kernel_cost(uint64_t queries, uint64_t batches, const Config& cfg) {
  const DetailConfig& d = cfg.detail;
  const uint64_t n = cfg.cluster.scaling_factor;
  const uint64_t windows = (batches + n - 1) / n;
  const double per_batch = double(queries) / std::max<uint64_t>(1, batches);
  const double sub = d.sample_queries > 0 ? std::min<double>(d.sample_queries, per_batch) : per_batch;
  const double sampled =
      double(std::min<uint64_t>(d.sample_windows, windows)) * double(std::min(n, batches)) *
      (sub + std::min<double>(d.warmup_queries, per_batch));
  KernelCost c;
  // Too few windows for a sample to save much, or to estimate its error: simulate them all.
  c.whole = windows <= 2 * uint64_t{d.sample_windows} || sampled >= double(queries);
  c.queries = c.whole ? double(queries) : sampled;
  return c;
}

}  // namespace

bool sampling_saves_work(const FrameWork& fw, const FrameBatches& fb, const Config& cfg) {
  double sampled = 0, full = 0;
  for (size_t i = 0; i < fw.items.size(); ++i)
    for (const EncodeKernelWork& e : fw.items[i].encodes) {
      full += static_cast<double>(e.queries);
      sampled += kernel_cost(e.queries, fb.item_batches[i], cfg).queries;
    }
  return sampled < full;
}

const std::vector<LevelCounters>& EncodePlan::counts_for(uint64_t i) const {
  if (samples.empty()) return sample;
  const auto& s = samples[sample_of_batch[std::min<uint64_t>(i, sample_of_batch.size() - 1)]];
  return !s.empty() && s[0].queries > 0 ? s : sample;
}

EncodePlan plan_encode_kernel(const FrameWork& fw, uint32_t item, uint32_t k,
                              const FrameBatches& fb, const Config& cfg,
                              const PositionSource* positions, MemoryIf& mem,
                              SamplerState& state, bool full) {
  const EncodeKernelWork& work = fw.items[item].encodes[k];
  EncodePlan plan;
  const EncodeTiming timing = encode_timing(cfg.nfp.encoding);
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
  const uint64_t nb = fb.item_batches[item];
  plan.full_detail = full;
  if (plan.full_detail || work.queries == 0 || nb == 0) return plan;

  const size_t levels = work.layout->levels.size();
  auto units_of = [&](uint64_t nfp) -> LevelUnits& {
    SamplerNfp& f = state.nfps[nfp];
    if (f.units.size() <= work.encoding_id) {
      f.units.resize(work.encoding_id + 1);
      f.last_batch.resize(work.encoding_id + 1, UINT64_MAX);
      f.last_end.resize(work.encoding_id + 1, 0);
    }
    auto& u = f.units[work.encoding_id];
    if (!u)
      u = std::make_unique<LevelUnits>(*work.layout, grid_sram_params(cfg.nfp.encoding.grid_sram),
                                       timing.units, work.inputs_per_cycle);
    return *u;
  };
  const double miss_latency_cycles = mem.unloaded_miss_latency_s() * cfg.clock_hz;
  const uint64_t seed = mix64(d.seed ^ mix64((uint64_t{fw.frame} << 32) | work.kernel_index));
  const uint64_t g0 = fb.item_first[item];
  const WorkItem& wi = fw.items[item];
  const double fusion = cfg.gpu.fusion ? cfg.gpu.fusion_speedup : 1.0;
  const double gpu_bytes_per_batch = static_cast<double>(wi.gpu_dram_bytes) / fusion / nb;
  Runner r{positions, fw.frame, work.layout->params.dims, grid_base_address(work.encoding_id),
           mem,       gpu_bytes_per_batch,
           {},        {},
           {}};
  const uint64_t windows = (nb + nfps - 1) / nfps;
  const KernelCost cost = kernel_cost(work.queries, nb, cfg);
  plan.exact = cost.whole;

  // Simulates window w: its batches side by side on their NFPs, each over [offset, offset + q)
  // of its queries (all of them when q == 0) after up to `warmup` queries before that range
  // (from the NFP's previous batch when the range starts the batch and that batch was skipped).
  // Their misses reach the shared L2 stand-in interleaved in chunks, as concurrent NFPs' do.
  // Returns the per-batch counts scaled to whole batches, and the window's encode cycles.
  auto run_window = [&](uint64_t w, double offset_frac, uint64_t q, uint64_t warmup,
                        std::vector<std::vector<LevelCounters>>& out) {
    struct Job {
      LevelUnits* units;
      uint64_t first, begin, count, done;
      std::vector<LevelCounters> c;
    };
    std::vector<Job> jobs;
    const uint64_t lo = w * nfps, hi = std::min(nb, lo + nfps);
    mem.sample_pollute(r.pollution_per_batch * double(hi - lo));
    for (uint64_t i = lo; i < hi; ++i) {
      const uint64_t g = g0 + i, nfp = g % nfps;
      LevelUnits& units = units_of(nfp);
      uint64_t first, count;
      batch_range(work.queries, nb, i, &first, &count);
      const uint64_t len = q == 0 ? count : std::min(q, count);
      const uint64_t begin = static_cast<uint64_t>(offset_frac * double(count - len));
      r.discard.assign(levels, LevelCounters{});
      // Warm-up: the `warmup` queries the NFP ran just before this range and that the sampler
      // has not simulated yet, from this batch and then the NFP's previous batches of the grid,
      // oldest first, so its SRAMs (and the L2) hold what they would.
      SamplerNfp& f = state.nfps[nfp];
      uint64_t& last_g = f.last_batch[work.encoding_id];
      uint64_t& last_end = f.last_end[work.encoding_id];
      struct Segment {
        uint32_t kernel;
        uint64_t first, count;
      };
      std::vector<Segment> segs;
      uint64_t need = warmup;
      const uint64_t here = std::min(need, begin);
      segs.push_back({work.kernel_index, first + begin - here, here});
      need -= here;
      for (uint64_t pg = g; need > 0 && pg >= nfps;) {
        pg -= nfps;
        if (last_g != UINT64_MAX && pg < last_g) break;
        uint32_t pk;
        uint64_t pf, pc;
        if (!batch_of_grid(fw, fb, pg, work.encoding_id, &pk, &pf, &pc)) break;
        const uint64_t from = pg == last_g ? std::min(last_end, pc) : 0;
        const uint64_t take = std::min(need, pc - from);
        segs.push_back({pk, pf + pc - take, take});
        need -= take;
        if (pg == last_g) break;
      }
      for (auto it = segs.rbegin(); it != segs.rend(); ++it)
        if (it->count) r.run(units, it->kernel, it->first, it->count, r.discard);
      last_g = g;
      last_end = begin + len;
      jobs.push_back({&units, first, begin, len, 0, std::vector<LevelCounters>(levels)});
    }
    constexpr uint64_t kChunk = 256;
    for (bool busy = true; busy;) {
      busy = false;
      for (Job& job : jobs) {
        if (job.done >= job.count) continue;
        const uint64_t n = std::min(kChunk, job.count - job.done);
        r.run(*job.units, work.kernel_index, job.first + job.begin + job.done, n, job.c);
        job.done += n;
        busy = busy || job.done < job.count;
      }
    }
    double cycles = 0;
    for (Job& job : jobs) {
      uint64_t first, count;
      batch_range(work.queries, nb, lo + (&job - jobs.data()), &first, &count);
      cycles += job.count ? encode_cycles(job.c, double(count) / job.count, timing,
                                          miss_latency_cycles)
                          : 0;
      out.push_back(std::move(job.c));
    }
    return cycles;
  };

  plan.sample_of_batch.resize(nb);
  if (cost.whole) {
    // Every window, every batch whole: exact counts for each batch.
    for (uint64_t w = 0; w < windows; ++w) plan.cycles += run_window(w, 0, 0, 0, plan.samples);
    for (uint64_t i = 0; i < nb; ++i) plan.sample_of_batch[i] = static_cast<uint32_t>(i);
  } else {
    // Systematic sample of windows: s evenly spaced windows from a seeded start, each at a seeded
    // offset into its batches. Frames change smoothly along the dealing order (image regions,
    // ray depth), which evenly spaced windows follow better than random ones; the spread of
    // successive windows estimates the variance, offsets included.
    const uint64_t s = std::min<uint64_t>(d.sample_windows, windows);
    const double start = double(mix64(seed) >> 11) * 0x1.0p-53;
    std::vector<uint64_t> picked;
    for (uint64_t c = 0; c < s; ++c)
      picked.push_back(std::min<uint64_t>(windows - 1, static_cast<uint64_t>(
                                                           (double(c) + start) * double(windows) / double(s))));
    std::sort(picked.begin(), picked.end());
    std::vector<double> y;                             // cycles per sampled window
    std::vector<std::pair<size_t, size_t>> in_sample;  // its batches' range in plan.samples
    uint64_t prev = UINT64_MAX;
    double l2_insert_per_window = 0;  // bytes a window's misses installed in L2, last measured
    for (uint64_t w : picked) {
      // The skipped windows' traffic passed the L2 meanwhile: the GPU's, and the NGPC misses the
      // last sampled window measured.
      if (prev != UINT64_MAX && w > prev + 1)
        mem.sample_pollute(double(w - prev - 1) *
                           (r.pollution_per_batch * double(nfps) + l2_insert_per_window));
      const size_t from = plan.samples.size();
      const double offset = double(mix64(seed ^ (w * 0x9e3779b97f4a7c15ull)) >> 11) * 0x1.0p-53;
      y.push_back(run_window(w, offset, d.sample_queries, d.warmup_queries, plan.samples));
      in_sample.emplace_back(from, plan.samples.size());
      double inserted = 0;
      for (size_t j = from; j < plan.samples.size(); ++j) {
        uint64_t f0, cnt;
        batch_range(work.queries, nb, w * nfps + (j - from), &f0, &cnt);
        const double scale = plan.samples[j].empty() || plan.samples[j][0].queries == 0
                                 ? 0
                                 : double(cnt) / double(plan.samples[j][0].queries);
        for (const LevelCounters& c : plan.samples[j]) inserted += double(c.dram_bytes) * scale;
      }
      l2_insert_per_window = inserted;
      prev = w;
    }
    // Each batch takes the batch at its place in the nearest sampled window.
    for (uint64_t i = 0; i < nb; ++i) {
      const uint64_t w = i / nfps;
      size_t best = 0;
      auto dist = [&](size_t p) { return picked[p] > w ? picked[p] - w : w - picked[p]; };
      for (size_t p = 1; p < picked.size(); ++p)
        if (dist(p) < dist(best)) best = p;
      const auto [from, to] = in_sample[best];
      plan.sample_of_batch[i] = static_cast<uint32_t>(from + (i % nfps) % std::max<size_t>(1, to - from));
    }
    double m = 0, v = 0;
    for (double a : y) m += a;
    m /= double(y.size());
    for (size_t c = 1; c < y.size(); ++c) v += (y[c] - y[c - 1]) * (y[c] - y[c - 1]);
    v /= 2.0 * double(std::max<size_t>(1, y.size() - 1));  // successive differences
    const double fpc = std::max(0.0, 1.0 - double(y.size()) / double(windows));
    plan.cycles = m * double(windows);
    plan.rel_err_cycles = m > 0 && y.size() >= 2 ? student_t975(y.size() - 1) *
                                                       std::sqrt(v / double(y.size()) * fpc) / m
                                                 : 0.0;
  }
  plan.sample.assign(levels, LevelCounters{});
  for (const auto& smp : plan.samples)
    for (size_t l = 0; l < levels && l < smp.size(); ++l) plan.sample[l] += smp[l];
  plan.sampled_queries = plan.sample.empty() ? 0 : plan.sample[0].queries;
  return plan;
}

}  // namespace ngpc
