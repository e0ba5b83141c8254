#include "sim/replay/replay.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <systemc>

#include "models/sim_context.h"
#include "sim/replay/run_limits.h"
#include "sim/replay/workload_builder.h"
#include "sim/scenes/scenes.h"
#include "sim/trace/trace_io.h"

namespace ngpc {

RunResult replay(const trace::Trace& trace, const Config& cfg, const TechTable& tech,
                 const ReplayOptions& opt) {
  const std::vector<trace::Frame> frames =
      opt.frames.empty() ? trace.frames : trace::select_frames(trace, opt.frames);
  const Workload work = build_workload(trace, frames, cfg);
  check_run_limits(work, cfg, trace.path);
  std::unique_ptr<PositionSource> positions = trace::make_position_source(trace);

  RunResult r;
  r.positions = positions ? trace.positions.type +
                                (trace.positions.scene.empty() ? "" : ":" + trace.positions.scene)
                          : "uniform (trace has no position source)";
  const auto t0 = std::chrono::steady_clock::now();
  reset_systemc_context();
  {
    auto cluster = std::make_unique<Cluster>("ngpc", cfg, work.frames, positions.get(),
                                             opt.timeline_events);
    if (opt.progress)
      cluster->on_frame = [](uint32_t done, uint32_t total) {
        std::fprintf(stderr, "\rngpc-sim: frame %u/%u", done, total);
        if (done == total) std::fprintf(stderr, "\n");
      };
    run_simulation();
    if (!cluster->finished()) throw std::runtime_error("simulation stopped before the last frame");
    r.nfps = cluster->nfps();
    if (opt.timeline_events > 0) r.timeline = cluster->timeline();
    const uint32_t dims = trace.encodings.empty() ? 3 : trace.encodings[0].dims;
    const uint32_t features = trace.encodings.empty() ? 2 : trace.encodings[0].features;
    for (size_t i = 0; i < cluster->frames().size(); ++i) {
      FrameResult f;
      f.stats = cluster->frames()[i];
      f.baseline_s = work.baseline_s[i];
      for (int k = 0; k < 3; ++k) f.baseline_by_kind_s[k] = work.baseline_by_kind_s[k][i];
      f.encode_queries = work.queries[i];
      f.energy = energy_of(f.stats.activity, cfg, tech, f.stats.time_s, dims, features);
      r.activity += f.stats.activity;
      r.sim_time_s += f.stats.time_s;
      r.frames.push_back(f);
    }
    r.energy = energy_of(r.activity, cfg, tech, r.sim_time_s, dims, features);
  }
  r.sim_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.sim_cycles = r.sim_time_s * cfg.clock_hz;
  r.area = area_of(cfg, tech);
  r.leakage_w = leakage_power_w(cfg, tech);
  return r;
}

}  // namespace ngpc
