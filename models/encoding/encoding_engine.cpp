#include "models/encoding/encoding_engine.h"

#include <algorithm>
#include <cmath>

#include "models/sampling/encode_sampler.h"

namespace ngpc {

using sc_core::SC_SEC;
using sc_core::sc_time;

EncodeTiming encode_timing(const EncodingEngineConfig& cfg) {
  EncodeTiming t;
  t.units = cfg.level_units;
  t.pipeline_latency = cfg.pipeline_latency_cycles;
  t.access_latency = cfg.grid_sram.access_latency_cycles;
  t.outstanding = cfg.max_outstanding_misses;
  t.line_bytes = cfg.grid_sram.line_bytes;
  return t;
}

const std::vector<LevelCounters>& EncodePlan::counts_for(uint64_t i) const {
  if (strata.empty()) return sample;
  const uint64_t j = i < stratum_first ? 0 : (i - stratum_first) / stratum_stride;
  const size_t c = static_cast<size_t>(
      std::upper_bound(stratum_end.begin(), stratum_end.end(), j) - stratum_end.begin());
  const auto& s = strata[std::min(c, strata.size() - 1)];
  return !s.empty() && s[0].queries > 0 ? s : sample;
}

GridSramParams grid_sram_params(const GridSramConfig& cfg) {
  GridSramParams p;
  p.capacity_bytes = cfg.capacity_bytes;
  p.banks = cfg.banks;
  p.ports_per_bank = cfg.ports_per_bank;
  p.line_bytes = cfg.line_bytes;
  p.associativity = cfg.associativity;
  p.policy = cfg.policy == "static" ? SramPolicy::Static : SramPolicy::Cache;
  return p;
}

double encode_cycles(const std::vector<LevelCounters>& c, double scale, const EncodeTiming& t,
                     double miss_latency_cycles) {
  std::vector<double> unit(t.units, 0.0);
  for (uint32_t l = 0; l < c.size(); ++l) {
    const double issue = c[l].issue_cycles * scale;
    const double lines = static_cast<double>(c[l].miss_bytes) / t.line_bytes * scale;
    const double latency_bound = lines * miss_latency_cycles / t.outstanding;
    unit[unit_of_level(l, t.units)] += std::max(issue, latency_bound);
  }
  const double busiest = *std::max_element(unit.begin(), unit.end());
  return busiest + t.pipeline_latency + t.access_latency;
}

EncodingEngine::EncodingEngine(sc_core::sc_module_name name, uint32_t nfp, const Config& cfg,
                               MemorySystem& mem, const FramePlan* const& plan)
    : sc_module(name),
      nfp_(nfp),
      cfg_(cfg),
      mem_("mem"),
      plan_(plan),
      timing_(encode_timing(cfg.nfp.encoding)),
      sram_(grid_sram_params(cfg.nfp.encoding.grid_sram)),
      period_(sc_time(1.0 / cfg.clock_hz, SC_SEC)) {
  mem_.bind(mem);
  SC_THREAD(run);
}

LevelUnits& EncodingEngine::units_for(const EncodeKernelWork& w) {
  if (units_.size() <= w.encoding_id) {
    units_.resize(w.encoding_id + 1);
    filled_.resize(w.encoding_id + 1, 0);
  }
  auto& u = units_[w.encoding_id];
  if (!u) u = std::make_unique<LevelUnits>(*w.layout, sram_, timing_.units, w.inputs_per_cycle);
  return *u;
}

void EncodingEngine::begin_frame(uint32_t frame) {
  frame_ = frame;
  for (auto& u : units_)
    if (u) u->reset();
  std::fill(filled_.begin(), filled_.end(), 0);
}

void EncodingEngine::run() {
  for (;;) {
    Batch* b = in.read();
    const FramePlan& plan = *plan_;
    if (plan.frame != frame_) begin_frame(plan.frame);
    const WorkItem& item = plan.work->items[b->item];
    b->t_encode_start = sc_core::sc_time_stamp().to_seconds();
    for (size_t k = 0; k < item.encodes.size(); ++k) {
      const EncodeKernelWork& w = item.encodes[k];
      const EncodePlan& ep = plan.encode[b->item][k];
      const uint64_t n = b->encode_queries[k];
      if (n == 0) continue;
      LevelUnits& units = units_for(w);
      if (!filled_[w.encoding_id]) {
        // Frame-start fill of the levels (or prefixes) that stay resident in the SRAMs. The first
        // NFP's fill comes from DRAM; later NFPs find what the L2's grid share could keep.
        filled_[w.encoding_id] = 1;
        const double fill = static_cast<double>(units.fill_bytes());
        const double l2_share = cfg_.memory.l2.capacity_bytes * cfg_.memory.l2.grid_share;
        const double dram =
            nfp_ == 0 || fill <= 0 ? fill : fill * (1 - std::min(1.0, l2_share / fill));
        mem_->transfer(MemSource::Ngpc, fill, dram, 0, &mem_done_, "grid fill", nfp_);
        mem_done_.wait_done();
        act_.sram_fill_bytes += static_cast<uint64_t>(fill);
      }
      double cycles, miss_bytes;
      const size_t levels = w.layout->levels.size();
      counters_.assign(levels, LevelCounters{});
      if (ep.full_detail) {
        const uint32_t dims = w.layout->params.dims;
        pos_.resize(static_cast<size_t>(n) * dims);
        sample_positions(plan.positions, plan.frame, w.kernel_index, b->encode_first[k],
                         static_cast<uint32_t>(n), dims, pos_.data());
        units.run(pos_.data(), static_cast<uint32_t>(n), counters_);
        cycles = encode_cycles(counters_, 1.0, timing_, ep.miss_latency_cycles);
      } else {
        // Sampled mode: the measured per-query rates of this kernel, carried to this batch.
        const std::vector<LevelCounters>& sample = ep.counts_for(b->index);
        const uint64_t sq = sample.empty() ? 0 : sample[0].queries;
        const double scale = sq ? static_cast<double>(n) / sq : 0;
        cycles = encode_cycles(sample, scale, timing_, ep.miss_latency_cycles);
        for (size_t l = 0; l < levels; ++l) {
          const LevelCounters& s = sample[l];
          LevelCounters& c = counters_[l];
          c.queries = n;
          c.issue_cycles = std::llround(s.issue_cycles * scale);
          c.conflict_cycles = std::llround(s.conflict_cycles * scale);
          c.corner_reads = std::llround(s.corner_reads * scale);
          c.hits = std::llround(s.hits * scale);
          c.misses = std::llround(s.misses * scale);
          c.miss_bytes = std::llround(s.miss_bytes * scale);
        }
      }
      miss_bytes = 0;
      for (size_t l = 0; l < levels; ++l) {
        const LevelCounters& c = counters_[l];
        miss_bytes += static_cast<double>(c.miss_bytes);
        act_.lookups += c.queries;
        if (w.layout->levels[l].hashed) act_.hashed_lookups += c.queries;
        act_.corner_reads += c.corner_reads;
        act_.sram_hits += c.hits;
        act_.sram_misses += c.misses;
        act_.bank_conflict_cycles += c.conflict_cycles;
        act_.busy_cycles += c.issue_cycles;
        if (sram_.policy == SramPolicy::Cache) act_.sram_fill_bytes += c.miss_bytes;  // line fills
      }
      act_.feature_bytes_out +=
          n * levels * w.layout->params.features * w.layout->params.feature_bytes;
      const sc_time start = sc_core::sc_time_stamp();
      mem_->transfer(MemSource::Ngpc, miss_bytes, miss_bytes * ep.dram_fraction, 0, &mem_done_,
                     "grid misses", nfp_);
      sc_core::wait(period_ * std::ceil(cycles));
      mem_done_.wait_done();
      busy_s_ += (sc_core::sc_time_stamp() - start).to_seconds();
    }
    b->t_encode_end = sc_core::sc_time_stamp().to_seconds();
    out.write(b);  // blocks while the FIFO to the MLP engine is full
  }
}

}  // namespace ngpc
