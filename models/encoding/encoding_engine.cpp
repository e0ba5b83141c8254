#include "models/encoding/encoding_engine.h"

#include <algorithm>
#include <cmath>

#include "models/sampling/encode_sampler.h"
#include "models/sim_context.h"

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

GridSramParams grid_sram_params(const GridSramConfig& cfg) {
  GridSramParams p;
  p.capacity_bytes = cfg.capacity_bytes;
  p.banks = cfg.banks;
  p.ports_per_bank = cfg.ports_per_bank;
  p.line_bytes = cfg.line_bytes;
  p.associativity = cfg.associativity;
  p.policy = cfg.policy;
  p.replicas = cfg.replicas;
  p.bank_mapping = cfg.bank_mapping;
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

uint64_t grid_base_address(uint32_t encoding_id) {
  return uint64_t{encoding_id + 1} << 40;  // 1 TiB apart: grids never share a line
}

EncodingEngine::EncodingEngine(sc_core::sc_module_name name, uint32_t nfp, const Config& cfg,
                               MemoryIf& mem, const PositionSource* positions)
    : sc_module(name),
      nfp_(nfp),
      broadcast_fill_(cfg.nfp.encoding.grid_fill == GridFill::Broadcast),
      mem_("mem"),
      positions_(positions),
      timing_(encode_timing(cfg.nfp.encoding)),
      sram_(grid_sram_params(cfg.nfp.encoding.grid_sram)),
      period_(sc_time(1.0 / cfg.clock_hz, SC_SEC)) {
  mem_.bind(mem);
  SC_THREAD(run);
}

EncoderFrame EncodingEngine::take_frame() {
  const EncoderFrame f = frame_stats_;
  frame_stats_ = EncoderFrame{};
  return f;
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
  fresh_coroutine_stack();  // models/sim_context.h: the locals then live in serve()'s frame
  serve();
}

void EncodingEngine::serve() {
  EncodingActivity& act = frame_stats_.activity;
  for (;;) {
    Batch* b = in.read();
    if (b->frame != frame_) begin_frame(b->frame);
    b->t.encode_start = sc_core::sc_time_stamp().to_seconds();
    for (const EncodeTask& task : b->encodes) {
      const EncodeKernelWork& w = *task.kernel;
      const uint64_t n = task.queries;
      if (n == 0) continue;
      LevelUnits& units = units_for(w);
      if (!filled_[w.encoding_id]) {
        // Frame-start fill of the levels (or prefixes) that stay resident in the SRAMs.
        filled_[w.encoding_id] = 1;
        const double fill = static_cast<double>(units.fill_bytes());
        MemRequest fr;
        fr.kind = Traffic::GridFill;
        fr.requester = nfp_;
        fr.what = "grid fill";
        fr.bytes = fill;
        fr.grid = w.encoding_id;
        fr.frame = b->frame;
        fr.broadcast = broadcast_fill_;
        mem_->request(fr, &mem_done_);
        mem_done_.wait_done();
        act.sram_fill_bytes += static_cast<uint64_t>(fill);
      }
      const size_t levels = w.layout->levels.size();
      counters_.assign(levels, LevelCounters{});
      double dram_bytes = -1;  // sampled: what the sample measured; full detail: the L2 decides
      if (task.address_level) {
        const uint32_t dims = w.layout->params.dims;
        pos_.resize(static_cast<size_t>(n) * dims);
        sample_positions(positions_, b->frame, w.kernel_index, task.first, static_cast<uint32_t>(n),
                         dims, pos_.data());
        miss_lines_.clear();
        miss_lines_per_level_.clear();
        units.run(pos_.data(), static_cast<uint32_t>(n), counters_, &miss_lines_,
                  &miss_lines_per_level_);
        const uint64_t base = grid_base_address(w.encoding_id);
        for (uint64_t& a : miss_lines_) a += base;
      } else {
        // Sampled mode: the measured per-query rates this batch carries, scaled to its queries.
        static const std::vector<LevelCounters> kNone;
        const std::vector<LevelCounters>& sample = task.sample ? *task.sample : kNone;
        const uint64_t sq = sample.empty() ? 0 : sample[0].queries;
        const double scale = sq ? static_cast<double>(n) / sq : 0;
        dram_bytes = 0;
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
          c.dram_bytes = std::llround(s.dram_bytes * scale);
          dram_bytes += static_cast<double>(c.dram_bytes);
        }
      }
      // Issue cycles of the busiest level unit; the misses run alongside as one flow whose bytes
      // in flight are bounded by every unit's outstanding-miss limit.
      const double cycles = encode_cycles(counters_, 1.0, timing_, 0);
      double miss_bytes = 0;
      unit_miss_bytes_.assign(timing_.units, 0);
      for (size_t l = 0; l < levels; ++l) {
        const LevelCounters& c = counters_[l];
        miss_bytes += static_cast<double>(c.miss_bytes);
        unit_miss_bytes_[unit_of_level(static_cast<uint32_t>(l), timing_.units)] +=
            static_cast<double>(c.miss_bytes);
        act.lookups += c.queries;
        if (w.layout->levels[l].hashed) act.hashed_lookups += c.queries;
        act.corner_reads += c.corner_reads;
        act.sram_hits += c.hits;
        act.sram_misses += c.misses;
        act.bank_conflict_cycles += c.conflict_cycles;
        act.busy_cycles += c.issue_cycles;
        if (sram_.policy == SramPolicy::Cache) act.sram_fill_bytes += c.miss_bytes;  // line fills
      }
      act.feature_bytes_out +=
          n * levels * w.layout->params.features * w.layout->params.feature_bytes;
      const double busiest = *std::max_element(unit_miss_bytes_.begin(), unit_miss_bytes_.end());
      MemRequest mr;
      mr.kind = Traffic::GridMiss;
      mr.requester = nfp_;
      mr.what = "grid misses";
      mr.bytes = miss_bytes;
      mr.dram_bytes = dram_bytes;
      mr.lines = task.address_level ? &miss_lines_ : nullptr;
      mr.lines_per_level = task.address_level ? &miss_lines_per_level_ : nullptr;
      mr.line_bytes = units.line_bytes();
      // The busiest unit keeps `outstanding` lines in flight; the others proportionally fewer.
      mr.window_bytes =
          busiest > 0 ? miss_bytes / busiest * timing_.outstanding * mr.line_bytes : 0;
      const sc_time start = sc_core::sc_time_stamp();
      mem_->request(mr, &mem_done_);
      sc_core::wait(period_ * std::ceil(cycles));
      mem_done_.wait_done();
      frame_stats_.busy_s += (sc_core::sc_time_stamp() - start).to_seconds();
    }
    b->t.encode_end = sc_core::sc_time_stamp().to_seconds();
    out.write(b);  // blocks while the FIFO to the MLP engine is full
  }
}

}  // namespace ngpc
