#include "models/sampling/encode_sampler.h"

#include <algorithm>
#include <cmath>

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

bool sampling_saves_work(const FrameWork& fw, const FrameBatches& fb, const Config& cfg) {
  double sampled = 0, full = 0;
  const double per_batch = static_cast<double>(cfg.cluster.batch_size) + cfg.detail.warmup_queries;
  for (size_t i = 0; i < fw.items.size(); ++i)
    for (const EncodeKernelWork& e : fw.items[i].encodes) {
      full += static_cast<double>(e.queries);
      sampled += std::min<double>(double(cfg.detail.sample_batches) * followed_nfps(cfg),
                                  fb.item_batches[i]) *
                 per_batch;
    }
  return sampled < full;
}

uint32_t followed_nfps(const Config& cfg) {
  return std::max(1u, std::min(cfg.detail.follow_nfps, cfg.cluster.scaling_factor));
}

const std::vector<LevelCounters>& EncodePlan::counts_for(uint64_t i) const {
  if (strata.empty()) return sample;
  const uint64_t rel = i < stratum_first ? 0 : i - stratum_first;
  const uint64_t j = rel / stratum_stride;
  const size_t c = static_cast<size_t>(
      std::upper_bound(stratum_end.begin(), stratum_end.end(), j) - stratum_end.begin());
  const auto& st = strata[std::min(c, strata.size() - 1)];
  const auto& s = st[(rel % stratum_stride) % st.size()];
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
  const uint32_t followed = followed_nfps(cfg);
  if (state.frame != fw.frame) {
    state.frame = fw.frame;
    state.first_nfp = mix64(cfg.detail.seed ^ mix64(fw.frame)) % nfps;
    state.nfps.resize(followed);
    for (FollowedNfp& f : state.nfps) {
      for (auto& u : f.units)
        if (u) u->reset();
      std::fill(f.last_batch.begin(), f.last_batch.end(), UINT64_MAX);
    }
  }
  for (FollowedNfp& f : state.nfps) {
    if (f.units.size() <= work.encoding_id) {
      f.units.resize(work.encoding_id + 1);
      f.last_batch.resize(work.encoding_id + 1, UINT64_MAX);
    }
    if (!f.units[work.encoding_id])
      f.units[work.encoding_id] =
          std::make_unique<LevelUnits>(*work.layout, grid_sram_params(cfg.nfp.encoding.grid_sram),
                                       timing.units, work.inputs_per_cycle);
  }
  const double miss_latency_cycles = mem.unloaded_miss_latency_s() * cfg.clock_hz;
  const uint64_t nb = fb.item_batches[item];
  plan.full_detail = full;
  if (plan.full_detail || work.queries == 0 || nb == 0) return plan;

  const DetailConfig& d = cfg.detail;
  const uint64_t seed = mix64(d.seed ^ mix64((uint64_t{fw.frame} << 32) | work.kernel_index));
  const uint64_t g0 = fb.item_first[item];
  // Between two windows of the followed NFPs' batches the scaled L2 sees their share of the GPU's
  // streaming: one batch's share of the item's rest-kernel DRAM bytes per followed NFP.
  const WorkItem& wi = fw.items[item];
  const double fusion = cfg.gpu.fusion ? cfg.gpu.fusion_speedup : 1.0;
  const double pollution = static_cast<double>(wi.gpu_dram_bytes) / fusion / nb * followed;
  Runner r{positions, fw.frame, work.layout->params.dims, grid_base_address(work.encoding_id),
           mem,       pollution, {},   {},
           {}};
  const size_t levels = work.layout->levels.size();
  std::vector<LevelCounters> total(levels);
  std::vector<double> cycles_per_query;
  // The window of consecutive batches the followed NFPs get: the first followed NFP's j-th
  // batch of this kernel is i0 + j N, the next NFP's the one after it, and so on.
  const uint64_t i0 = (state.first_nfp + nfps - g0 % nfps) % nfps;
  const uint64_t mine = i0 < nb ? (nb - i0 + nfps - 1) / nfps : 0;
  const bool small = mine == 0;  // the kernel ends before the followed NFPs' turn
  const uint64_t pool = small ? (nb + followed - 1) / followed : mine;
  const uint64_t picks = std::min<uint64_t>(d.sample_batches, pool);
  plan.stratum_first = small ? 0 : i0;
  plan.stratum_stride = small ? followed : nfps;
  std::vector<std::unique_ptr<LevelUnits>> copies;
  for (uint64_t c = 0; c < picks; ++c) {
    // Stratified: one seeded window in each of `picks` equal strata of the pool; each stratum's
    // batches take its samples' counts, so slow and fast regions of a frame stay where they are.
    const uint64_t lo = c * pool / picks, hi = (c + 1) * pool / picks;
    const uint64_t j = lo + mix64(seed + c) % (hi - lo);
    plan.stratum_end.push_back(hi);
    std::vector<std::vector<LevelCounters>> window(followed);
    struct Job {
      LevelUnits* units;
      uint64_t first, count, done;
      std::vector<LevelCounters>* out;
    };
    std::vector<Job> jobs;
    mem.sample_pollute(r.pollution_per_batch);
    for (uint32_t f = 0; f < followed; ++f) {
      const uint64_t i = small ? j * followed + f : i0 + j * nfps + f;
      if (i >= nb) continue;
      LevelUnits* units = state.nfps[f].units[work.encoding_id].get();
      if (small) {
        // Another NFP's batch: its SRAMs are like the followed NFP's, not its own.
        copies.push_back(std::make_unique<LevelUnits>(*units));
        units = copies.back().get();
      } else {
        const uint64_t g = g0 + i;
        uint32_t pk;
        uint64_t first, count;
        if (g >= nfps && state.nfps[f].last_batch[work.encoding_id] != g - nfps &&
            batch_of_grid(fw, fb, g - nfps, work.encoding_id, &pk, &first, &count)) {
          // The NFP skipped its previous batch: replay its tail so the SRAMs hold what they would.
          const uint64_t warm = std::min<uint64_t>(d.warmup_queries, count);
          if (warm) {
            r.discard.assign(levels, LevelCounters{});
            r.run(*units, pk, first + count - warm, warm, r.discard);
          }
        }
        state.nfps[f].last_batch[work.encoding_id] = g;
      }
      uint64_t first, count;
      batch_range(work.queries, nb, i, &first, &count);
      window[f].assign(levels, LevelCounters{});
      jobs.push_back({units, first, count, 0, &window[f]});
    }
    // The window's batches run side by side, as on the real NFPs: their misses reach the shared
    // L2 interleaved in chunks.
    constexpr uint64_t kChunk = 256;
    for (bool busy = true; busy;) {
      busy = false;
      for (Job& job : jobs) {
        if (job.done >= job.count) continue;
        const uint64_t n = std::min(kChunk, job.count - job.done);
        r.run(*job.units, work.kernel_index, job.first + job.done, n, *job.out);
        job.done += n;
        busy = busy || job.done < job.count;
      }
    }
    for (const Job& job : jobs) {
      if (job.count == 0) continue;
      for (size_t l = 0; l < levels; ++l) total[l] += (*job.out)[l];
      cycles_per_query.push_back(encode_cycles(*job.out, 1.0, timing, miss_latency_cycles) /
                                 job.count);
    }
    plan.strata.push_back(std::move(window));
  }
  plan.sample = total;
  plan.sampled_queries = total.empty() ? 0 : total[0].queries;
  // 95 % confidence half-width of the mean over all the kernel's batches, relative to the mean
  // (normal approximation with the finite-population correction).
  if (cycles_per_query.size() >= 2) {
    const auto& x = cycles_per_query;
    double m = 0, v = 0;
    for (double a : x) m += a;
    m /= x.size();
    for (double a : x) v += (a - m) * (a - m);
    v /= (x.size() - 1);
    const double fpc = std::max(0.0, 1.0 - static_cast<double>(cycles_per_query.size()) / nb);
    plan.rel_err_cycles = m > 0 ? 1.96 * std::sqrt(v / x.size() * fpc) / m : 0.0;
  }
  return plan;
}

}  // namespace ngpc
