#include "models/encode_sampler.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/level_units.h"

namespace ngpc {

uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

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

namespace {

// Positions without a scene: uniform in the unit cube. Only used when a trace has no position
// source; the run reports it.
void uniform_positions(uint64_t seed, uint64_t first, uint32_t n, uint32_t dims, float* out) {
  for (uint64_t q = 0; q < n; ++q)
    for (uint32_t d = 0; d < dims; ++d)
      out[q * dims + d] = static_cast<float>((mix64(seed ^ ((first + q) * 8 + d)) >> 40) *
                                             (1.0 / 16777216.0));
}

struct Sampler {
  const EncodeKernelWork& w;
  const PositionSource* positions;
  uint32_t frame;
  uint64_t seed;
  std::vector<float> buf;

  void fill(uint64_t first, uint32_t n) {
    const uint32_t dims = w.layout->params.dims;
    buf.resize(static_cast<size_t>(n) * dims);
    if (positions)
      positions->positions(frame, w.kernel_index, first, n, dims, buf.data());
    else
      uniform_positions(seed, first, n, dims, buf.data());
  }
};

}  // namespace

EncodePlan plan_encode_kernel(const EncodeKernelWork& work, const Config& cfg, uint32_t frame,
                              const PositionSource* positions, SamplerState& state) {
  EncodePlan plan;
  plan.work = &work;
  const EncodeTiming timing = encode_timing(cfg.nfp.encoding);
  if (state.frame != frame) {
    state.frame = frame;
    state.nfp_seed = mix64(cfg.detail.seed ^ mix64(frame));
    for (auto& u : state.units)
      if (u) u->reset();
  }
  if (state.units.size() <= work.encoding_id) state.units.resize(work.encoding_id + 1);
  if (!state.units[work.encoding_id])
    state.units[work.encoding_id] = std::make_unique<LevelUnits>(
        *work.layout, grid_sram_params(cfg.nfp.encoding.grid_sram), timing.units,
        work.inputs_per_cycle);
  LevelUnits& units = *state.units[work.encoding_id];
  // L2 keeps what its grid share can of the table parts no SRAM holds.
  const double non_resident = static_cast<double>(units.non_resident_bytes());
  const double l2_share = cfg.memory.l2.capacity_bytes * cfg.memory.l2.grid_share;
  plan.dram_fraction = non_resident > 0 ? 1 - std::min(1.0, l2_share / non_resident) : 0;
  plan.miss_latency_cycles =
      (cfg.memory.l2.latency_s + plan.dram_fraction * cfg.memory.dram.latency_s) * cfg.clock_hz;
  plan.full_detail = cfg.detail.mode == "full";
  if (plan.full_detail || work.queries == 0) return plan;

  const DetailConfig& d = cfg.detail;
  const uint64_t seed = mix64(d.seed ^ mix64((uint64_t{frame} << 32) | work.kernel_index));
  Sampler s{work, positions, frame, seed, {}};
  std::vector<LevelCounters> batch, total(work.layout->levels.size()), discard;
  std::vector<double> cycles_per_query;

  // The batches one NFP, seeded per frame, receives (the dispatcher deals them out in turn).
  const uint64_t nb = batch_count(work.queries, cfg.cluster.batch_size);
  const uint64_t nfps = std::min<uint64_t>(cfg.cluster.scaling_factor, nb);
  const uint64_t nfp = state.nfp_seed % nfps;
  const uint64_t mine = (nb - nfp + nfps - 1) / nfps;
  const uint64_t picks = std::min<uint64_t>(d.sample_batches, mine);
  uint64_t prev = UINT64_MAX;  // last batch simulated on the units
  for (uint64_t c = 0; c < picks; ++c) {
    const uint64_t j = picks == mine ? c : (c * mine) / picks + mix64(seed + c) % (mine / picks);
    const uint64_t b = nfp + nfps * j;
    uint64_t first, count;
    if (j > 0 && prev != b - nfps) {
      // Warm the SRAMs with the tail of the NFP's previous batch, as a full run would have it.
      batch_range(work.queries, nb, b - nfps, &first, &count);
      const uint64_t warm = std::min<uint64_t>(d.warmup_queries, count);
      if (warm) {
        s.fill(first + count - warm, static_cast<uint32_t>(warm));
        units.run(s.buf.data(), static_cast<uint32_t>(warm), discard);
      }
    }
    batch_range(work.queries, nb, b, &first, &count);
    s.fill(first, static_cast<uint32_t>(count));
    batch.assign(total.size(), LevelCounters{});
    units.run(s.buf.data(), static_cast<uint32_t>(count), batch);
    for (size_t l = 0; l < total.size(); ++l) total[l] += batch[l];
    cycles_per_query.push_back(encode_cycles(batch, 1.0, timing, plan.miss_latency_cycles) / count);
    prev = b;
  }
  const bool exact = picks == mine && nfps == 1;
  plan.sample = total;
  plan.sampled_queries = total.empty() ? 0 : total[0].queries;
  // 95 % confidence half-width of the mean, relative to the mean (normal approximation).
  auto rel_err = [](const std::vector<double>& x) {
    if (x.size() < 2) return 0.0;
    double m = 0, v = 0;
    for (double a : x) m += a;
    m /= x.size();
    for (double a : x) v += (a - m) * (a - m);
    v /= (x.size() - 1);
    return m > 0 ? 1.96 * std::sqrt(v / x.size()) / m : 0.0;
  };
  plan.rel_err_cycles = exact ? 0 : rel_err(cycles_per_query);
  return plan;
}

}  // namespace ngpc
