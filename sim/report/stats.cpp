#include "sim/report/stats.h"

#include <algorithm>
#include <stdexcept>

#include "models/encoding/level_units.h"
#include "sim/trace/model_grid.h"

namespace ngpc {

void StatSet::add(std::string key, double v, std::string unit, std::string desc, bool wall) {
  stats.push_back({std::move(key), v, std::move(unit), std::move(desc), wall});
}

void StatSet::add(std::string key, std::string v, std::string desc) {
  stats.push_back({std::move(key), std::move(v), "", std::move(desc), false});
}

const Stat* StatSet::find(const std::string& key) const {
  for (const Stat& s : stats)
    if (s.key == key) return &s;
  return nullptr;
}

double StatSet::number(const std::string& key) const {
  const Stat* s = find(key);
  if (!s || !std::holds_alternative<double>(s->value))
    throw std::logic_error("no numeric stat '" + key + "'");
  return std::get<double>(s->value);
}

Bound frame_bound(const FrameResult& f, const RunResult& r) {
  const FrameStats& s = f.stats;
  const double t = s.time_s > 0 ? s.time_s : 1;
  (void)r;
  const std::pair<const char*, double> u[] = {
      {"level units", s.encode_max_nfp_s / t},
      {"MAC array", s.mlp_max_nfp_s / t},
      // DRAM against what its traffic pattern sustains (the same as against peak with the
      // bandwidth model): random lines saturate it at 30 % of peak.
      {"L2 link", s.memory.link_busy_s / t},
      {"DRAM", s.memory.dram_time_busy_s / t},
      {"GPU rest kernels", s.gpu_busy_s / t},
  };
  Bound b{u[0].first, u[0].second};
  for (const auto& [name, v] : u)
    if (v > b.utilisation) b = {name, v};
  return b;
}

namespace {

double safe_div(double a, double b) {
  return b > 0 ? a / b : 0;
}

nlohmann::json frame_json(const FrameResult& f, const RunResult& r, const Config& cfg) {
  const FrameStats& s = f.stats;
  const Bound b = frame_bound(f, r);
  const double t = s.time_s > 0 ? s.time_s : 1;
  return {{"frame", s.frame},
          {"frame_time_ms", s.time_s * 1e3},
          {"frame_time_cycles", s.time_s * cfg.clock_hz},
          {"gpu_baseline_frame_time_ms", f.baseline_s * 1e3},
          {"speedup", safe_div(f.baseline_s, s.time_s)},
          {"fps", safe_div(1, s.time_s)},
          {"energy_mj", f.energy.total_j() * 1e3},
          {"bound", b.resource},
          {"bound_utilisation_pct", b.utilisation * 100},
          {"encode_queries", f.encode_queries},
          {"batches", s.batches},
          {"sampling_rel_err_pct", s.sampling_rel_err * 100},
          {"dram_pattern_utilisation_pct", s.memory.dram_time_busy_s / t * 100},
          {"l2_hit_rate_grid_miss_pct",
           safe_div(s.memory.grid_miss_l2_hit_bytes, s.memory.grid_miss_bytes) * 100},
          {"grid_miss_latency_ns",
           safe_div(s.memory.grid_miss_latency_byte_s, s.memory.grid_miss_bytes) * 1e9},
          {"grid_miss_latency_p95_ns", s.memory.grid_miss_latency_p95_s * 1e9}};
}

}  // namespace

StatSet make_stats(const RunResult& r, const Config& cfg, const trace::Trace& trace) {
  StatSet st;
  const double n = std::max<size_t>(1, r.frames.size());
  double base = 0, base_kind[3] = {0, 0, 0}, queries = 0, gpu_busy = 0, enc_max = 0, mlp_max = 0;
  double link_busy = 0, dram_busy = 0, link_b = 0, dram_ngpc = 0, dram_gpu = 0, err = 0, kerr = 0;
  double stat_err = 0;
  bool exact = true;
  MemoryStats mem;
  double p95_weighted = 0;
  for (const FrameResult& f : r.frames) {
    base += f.baseline_s;
    for (int k = 0; k < 3; ++k) base_kind[k] += f.baseline_by_kind_s[k];
    queries += f.encode_queries;
    gpu_busy += f.stats.gpu_busy_s;
    enc_max += f.stats.encode_max_nfp_s;
    mlp_max += f.stats.mlp_max_nfp_s;
    link_busy += f.stats.memory.link_busy_s;
    dram_busy += f.stats.memory.dram_busy_s;
    link_b += f.stats.memory.link_bytes;
    dram_ngpc += f.stats.memory.ngpc_dram_bytes;
    dram_gpu += f.stats.memory.gpu_dram_bytes;
    mem += f.stats.memory;
    p95_weighted += f.stats.memory.grid_miss_latency_p95_s * f.stats.memory.grid_miss_bytes;
    err = std::max(err, f.stats.sampling_rel_err);
    stat_err = std::max(stat_err, f.stats.sampling_stat_rel_err);
    exact = exact && f.stats.sampling_exact;
    kerr = std::max(kerr, f.stats.sampling_kernel_max_rel_err);
    st.frames.push_back(frame_json(f, r, cfg));
  }
  const double T = r.sim_time_s;  // all frames
  const double frame_s = T / n;
  const Activity& a = r.activity;
  const double cycles = T * cfg.clock_hz;
  const double nfps = r.nfps;

  st.add("fps", safe_div(n, T), "1/s", "frames per second on the NGPC-equipped GPU");
  st.add("frame_time_ms", frame_s * 1e3, "ms", "mean simulated frame time");
  st.add("frame_time_cycles", frame_s * cfg.clock_hz, "cycles",
         "mean simulated frame time in NGPC clock cycles");
  st.add("gpu_baseline_frame_time_ms", base / n * 1e3, "ms",
         "mean frame time on the GPU alone (sum of the trace's gpu_time_ns)");
  st.add("gpu_baseline_fps", safe_div(n, base), "1/s", "frames per second on the GPU alone");
  st.add("speedup", safe_div(base, T), "x", "GPU-only frame time / NGPC frame time");
  st.add("frames", n, "", "frames replayed");
  st.add("queries_per_frame", queries / n, "", "encode queries per frame");
  st.add("baseline_encode_ms", base_kind[0] / n * 1e3, "ms",
         "per frame, encoding kernels on the GPU alone (before)");
  st.add("baseline_mlp_ms", base_kind[1] / n * 1e3, "ms",
         "per frame, MLP kernels on the GPU alone (before)");
  st.add("baseline_rest_ms", base_kind[2] / n * 1e3, "ms",
         "per frame, remaining kernels on the GPU alone (before)");
  st.add("gpu_rest_busy_ms", gpu_busy / n * 1e3, "ms",
         "per frame, GPU busy with the remaining kernels (after fusion and contention)");
  // Amdahl's bound: the GPU still runs the remaining kernels (fused when gpu.fusion is on), so no
  // frame can be shorter than they take without contention, however fast the NGPC is.
  const double rest_fused_s = base_kind[2] / n / (cfg.gpu.fusion ? cfg.gpu.fusion_speedup : 1.0);
  st.add("gpu_rest_fused_ms", rest_fused_s * 1e3, "ms",
         "per frame, remaining kernels on the GPU after fusion, without contention");
  st.add("amdahl_speedup_bound", safe_div(base / n, rest_fused_s), "x",
         "Amdahl ceiling of the speed-up: GPU-only frame time / gpu_rest_fused_ms");
  st.add("ngpc_encode_busy_ms", enc_max / n * 1e3, "ms",
         "per frame, busiest NFP's encoding engine busy time (after)");
  st.add("ngpc_mlp_busy_ms", mlp_max / n * 1e3, "ms",
         "per frame, busiest NFP's MLP engine busy time (after)");
  const double units = cfg.nfp.encoding.level_units;
  st.add("level_unit_utilisation_pct",
         safe_div(a.encoding.busy_cycles, units * nfps * cycles) * 100, "%",
         "level-unit issue cycles / (level units x NFPs x simulated cycles)");
  st.add("mac_utilisation_pct",
         safe_div(a.mlp.useful_macs, double(cfg.nfp.mlp.rows) * cfg.nfp.mlp.cols * nfps * cycles) *
             100,
         "%", "useful MACs / (array MACs x NFPs x simulated cycles)");
  st.add("mac_array_busy_pct", safe_div(a.mlp.busy_cycles, nfps * cycles) * 100, "%",
         "MAC-array busy cycles / (NFPs x simulated cycles)");
  st.add("grid_sram_hit_rate_pct",
         safe_div(a.encoding.sram_hits, a.encoding.sram_hits + a.encoding.sram_misses) * 100, "%",
         "corner reads served by the grid SRAMs / all distinct corner reads");
  st.add("bank_conflict_cycles", a.encoding.bank_conflict_cycles / n, "cycles",
         "per frame, level-unit cycles lost to grid SRAM bank conflicts (summed over units)");
  st.add("sampling_rel_err_pct", err * 100, "%",
         "95 % relative half-width of a sampled frame's error against full detail, worst frame: "
         "sampling_stat_rel_err_pct and detail.systematic_pct in quadrature (the latter alone "
         "when every window was simulated whole); 0 only with --detail full (docs/sampling.md)");
  st.add("sampling_stat_rel_err_pct", stat_err * 100, "%",
         "its sampling-variance part: 95 % relative half-width of a frame's sampled encode "
         "cycles over the sampled windows, worst frame");
  st.add("sampling_exact", exact ? 1.0 : 0.0, "",
         "1 when every query of every frame was simulated at address level, else 0; the "
         "sampler's L2 still sees them in its own order, which can differ from --detail full's "
         "(docs/sampling.md)");
  st.add("sampling_kernel_max_rel_err_pct", kerr * 100, "%",
         "largest 95 % relative half-width of one grid's sampled encode cycles in a frame");
  st.add("ngpc_l2_bytes_per_frame", link_b / n, "B", "bytes over the NGPC's L2 link per frame");
  st.add("ngpc_l2_bandwidth_gbps", safe_div(link_b, T) / 1e9, "GB/s",
         "mean NGPC L2-link bandwidth (decimal GB)");
  st.add("ngpc_dram_bandwidth_gbps", safe_div(dram_ngpc, T) / 1e9, "GB/s",
         "mean DRAM bandwidth of NGPC traffic");
  st.add("gpu_dram_bandwidth_gbps", safe_div(dram_gpu, T) / 1e9, "GB/s",
         "mean DRAM bandwidth of the GPU's own traffic");
  st.add("dram_bandwidth_gbps", safe_div(dram_ngpc + dram_gpu, T) / 1e9, "GB/s",
         "mean total DRAM bandwidth (NGPC + GPU)");
  st.add("l2_link_utilisation_pct", safe_div(link_busy, T) * 100, "%", "NGPC L2-link busy share");
  st.add("dram_utilisation_pct", safe_div(dram_busy, T) * 100, "%",
         "DRAM bandwidth used / peak bandwidth (memory.dram_busy_s / time)");
  st.add("dram_pattern_utilisation_pct", safe_div(mem.dram_time_busy_s, T) * 100, "%",
         "DRAM bandwidth used / what the traffic's access pattern sustains (random lines, streams "
         "or their mix; memory.dram_time_busy_s / time); 100 % is saturation");
  // The L2 as each source reaches it. The GPU's rest-kernel bytes come from the trace as DRAM
  // bytes (what its kernels took from DRAM, after their own L2 hits), so they never hit here.
  const double l2_req = mem.grid_miss_bytes + mem.fill_bytes + mem.gpu_dram_bytes;
  st.add("l2_hit_rate_pct",
         safe_div(mem.grid_miss_l2_hit_bytes + mem.fill_l2_hit_bytes, l2_req) * 100, "%",
         "bytes the L2 served / bytes requested of it by grid misses, grid fills and the GPU's "
         "rest kernels (weights, always L2 hits, not included)");
  st.add("l2_hit_rate_grid_miss_pct",
         safe_div(mem.grid_miss_l2_hit_bytes, mem.grid_miss_bytes) * 100, "%",
         "grid-SRAM miss bytes the L2 served / grid-SRAM miss bytes");
  st.add("l2_hit_rate_fill_pct", safe_div(mem.fill_l2_hit_bytes, mem.fill_bytes) * 100, "%",
         "grid-fill bytes the L2 served / grid-fill bytes");
  st.add("l2_hit_rate_gpu_pct", 0.0, "%",
         "0 by definition: the GPU's rest-kernel bytes are DRAM bytes (its L2 hits are already "
         "inside its kernel times); they stream through the L2 and evict");
  st.add("grid_miss_latency_ns", safe_div(mem.grid_miss_latency_byte_s, mem.grid_miss_bytes) * 1e9,
         "ns",
         "mean latency of a grid-SRAM miss, by bytes: on-chip path, plus the loaded DRAM side for "
         "what DRAM serves, plus queueing of a saturated window");
  st.add("grid_miss_latency_p95_ns", safe_div(p95_weighted, mem.grid_miss_bytes) * 1e9, "ns",
         "95th percentile of the grid-miss latency by bytes, per frame (mean over frames weighted "
         "by their grid-miss bytes)");

  const EnergyBreakdown& e = r.energy;
  const double ej = e.total_j();
  st.add("energy_per_frame_mj", ej / n * 1e3, "mJ", "NGPC energy per frame (dynamic + leakage)");
  st.add("energy_per_query_pj", safe_div(ej, queries) * 1e12, "pJ", "NGPC energy per encode query");
  st.add("energy_per_mac_pj", safe_div(e.mac_j, a.mlp.macs) * 1e12, "pJ",
         "MAC-array energy per issued MAC");
  const std::pair<const char*, double> parts[] = {{"mac", e.mac_j},
                                                  {"grid_sram", e.grid_sram_j},
                                                  {"encoding_logic", e.encoding_logic_j},
                                                  {"buffers", e.buffers_j},
                                                  {"l2", e.l2_j},
                                                  {"dram", e.dram_j},
                                                  {"leakage", e.leakage_j}};
  for (const auto& [name, j] : parts)
    st.add(std::string("energy_") + name + "_mj", j / n * 1e3, "mJ",
           std::string("per frame, NGPC energy of ") + name);
  for (const auto& [name, j] : parts)
    st.add(std::string("energy_") + name + "_pj_per_query", safe_div(j, queries) * 1e12, "pJ",
           std::string("NGPC energy of ") + name + " per encode query");
  const double power = safe_div(ej, T);
  st.add("ngpc_power_w", power, "W", "NGPC power: energy / simulated time (leakage included)");
  st.add("ngpc_leakage_w", r.leakage_w, "W", "NGPC leakage power");
  st.add("power_overhead_pct", safe_div(power, cfg.gpu.board_power_w) * 100, "%",
         "NGPC power / GPU board power");
  const AreaBreakdown& ar = r.area;
  st.add("ngpc_area_mm2", ar.total_mm2(), "mm2", "NGPC area at the configured node");
  const std::pair<const char*, double> areas[] = {{"mac_array", ar.mac_array_mm2},
                                                  {"grid_sram", ar.grid_sram_mm2},
                                                  {"level_unit_logic", ar.level_unit_logic_mm2},
                                                  {"mlp_buffers", ar.mlp_buffers_mm2},
                                                  {"fifo", ar.fifo_mm2},
                                                  {"control", ar.control_mm2}};
  for (const auto& [name, mm2] : areas)
    st.add(std::string("area_") + name + "_mm2", mm2, "mm2", std::string("NGPC area of ") + name);
  st.add("area_overhead_pct", safe_div(ar.total_mm2(), cfg.gpu.die_area_mm2) * 100, "%",
         "NGPC area / GPU die area");
  st.add("tech_scaling", policy_name(cfg.tech.scaling),
         "method that scaled the SRAM figures to tech.node (config tech.scaling; "
         "docs/energy-area.md)");

  // The run's limiter: the bound of the frame that took longest.
  if (!r.frames.empty()) {
    const FrameResult* worst = &r.frames[0];
    for (const FrameResult& f : r.frames)
      if (f.stats.time_s > worst->stats.time_s) worst = &f;
    const Bound b = frame_bound(*worst, r);
    st.add("bound", b.resource, "resource with the highest busy share in the slowest frame");
    st.add("bound_utilisation_pct", b.utilisation * 100, "%", "busy share of that resource");
  }
  // The modules' own counters, as each declared them (models/activity.h, models/memory/), per
  // frame: the raw material of every derived number above.
  const auto add_block = [&](const char* block, const auto& values) {
    values.visit([&](const StatInfo& info, auto v) {
      st.add(std::string(block) + "." + info.name, static_cast<double>(v) / n, info.unit,
             std::string("per frame, ") + info.description);
    });
  };
  add_block("encoding", a.encoding);
  add_block("mlp", a.mlp);
  add_block("memory", mem);
  // A resident-table assumption is only hardware when every level fits its SRAM: say by how much
  // the trace's largest level exceeds a level unit's share.
  double excess = 0;
  if (cfg.nfp.encoding.grid_sram.policy == SramPolicy::Resident) {
    for (const trace::EncodingModel& model : trace.encodings) {
      const GridLayout layout = make_grid_layout(trace::grid_params(model));
      const double per_level = double(sram_capacity_per_level(
          cfg.nfp.encoding.grid_sram.capacity_bytes, static_cast<uint32_t>(layout.levels.size()),
          cfg.nfp.encoding.level_units));
      for (const GridLevel& lv : layout.levels)
        excess = std::max(excess, double(lv.entries) * layout.entry_bytes - per_level);
    }
  }
  st.add("grid_resident_excess_mib", excess / double(1u << 20), "MiB",
         "resident grid SRAM policy only: how much the largest level's table exceeds the SRAM "
         "that is assumed to hold it (0 = every table fits)");
  st.add("nfps", nfps, "", "NFPs (scaling factor)");
  st.add("clock_ghz", cfg.clock_hz / 1e9, "GHz", "NGPC clock");
  st.add("app", trace.header.app, "application of the trace");
  st.add("resolution",
         std::to_string(trace.header.width) + "x" + std::to_string(trace.header.height),
         "frame resolution (pixels)");
  st.add("positions", r.positions, "source of address-level sample positions");
  st.add("gpu_time_source", trace.header.gpu_time_source,
         "what made the trace's GPU baseline times: model:<GPU profile> or measured:<file>");
  st.add("sim_wall_s", r.sim_wall_s, "s", "host seconds spent simulating", true);
  st.add("sim_cycles", r.sim_cycles, "cycles", "NGPC clock cycles simulated");
  st.add("sim_cycles_per_s", safe_div(r.sim_cycles, r.sim_wall_s), "cycles/s",
         "simulated cycles per host second", true);
  return st;
}

}  // namespace ngpc
