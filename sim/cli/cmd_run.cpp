// `ngpc-sim run`: replay a trace on a configuration and report the results.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <string>

#include "sim/cli/commands.h"
#include "sim/cli/common_options.h"
#include "sim/config/tech_loader.h"
#include "sim/error.h"
#include "sim/replay/replay.h"
#include "sim/report/stats.h"
#include "sim/report/writers.h"
#include "sim/trace/bundled.h"
#include "sim/trace/trace_io.h"
#include "sim/util/atomic_file.h"
#include "sim/workloads/trace_cache.h"

namespace ngpc::cli {

namespace po = boost::program_options;

namespace {

const char* kRunUsage =
    "usage: ngpc-sim run [--config F] [--set path=value]... (--trace FILE | --app APP --resolution "
    "RES\n"
    "                    [--encoding ENC] [--queries-per-pixel Q] [--trace-seed S]) [--frames "
    "a:b]\n"
    "                    [--out DIR [--timeline-events N]] [--json] [--detail sampled|full]\n"
    "                    [--seed S]\n"
    "       ngpc-sim run --default-experiment   the four bundled apps at 4K on the default "
    "machine\n\n"
    "Replays every selected frame of the trace on the NGPC models and reports FPS, speed-up over "
    "the\n"
    "GPU, power, energy, area, bandwidth and the resource that bounded the frame. A workload\n"
    "(--app ...) uses the bundled trace that records exactly its generator inputs, else generates\n"
    "the trace once into the trace cache (docs/workloads.md). --seed is the address-level "
    "sampling\n"
    "seed; --trace-seed the generated scene's.\n";

struct Experiment {
  LoadedConfig cfg;
  TechTable tech;
};

Experiment load_experiment(const po::variables_map& vm) {
  std::vector<std::string> sets;
  if (vm.count("set")) sets = vm["set"].as<std::vector<std::string>>();
  if (vm.count("detail")) {
    const std::string d = vm["detail"].as<std::string>();
    if (d != "sampled" && d != "full")
      throw InputError("--detail: expected 'sampled' or 'full', got '" + d + "'");
    sets.push_back("detail.mode=" + d);
  }
  if (vm.count("seed")) {
    // The largest seed JSON Schema validation handles (a signed 64-bit integer).
    const uint64_t seed = parse_whole_number("--seed", vm["seed"].as<std::string>(), 0, INT64_MAX);
    sets.push_back("detail.seed=" + std::to_string(seed));
  }
  Experiment e;
  e.cfg = load_config(vm.count("config") ? vm["config"].as<std::string>() : "", sets);
  e.tech = load_tech_table(resolve_config_ref(e.cfg.config, e.cfg.config.tech.table),
                           e.cfg.config.tech.node);
  return e;
}

// The trace file: --trace, or the workload of --app/--resolution/...: a bundled trace when one
// records exactly those generator inputs, else generated once into the trace cache.
std::string trace_path(const po::variables_map& vm, bool progress) {
  const bool workload = vm.count("app") || vm.count("resolution") || vm.count("encoding") ||
                        vm.count("queries-per-pixel") || vm.count("trace-seed");
  if (vm.count("trace")) {
    if (workload)
      throw InputError(
          "give either --trace or --app/--resolution (with --encoding, --queries-per-pixel, "
          "--trace-seed), not both");
    return vm["trace"].as<std::string>();
  }
  if (!vm.count("app") || !vm.count("resolution"))
    throw InputError("no trace: give --trace FILE, or --app and --resolution (see --help)");
  trace::Workload w;
  w.app = vm["app"].as<std::string>();
  w.resolution = vm["resolution"].as<std::string>();
  if (vm.count("encoding")) w.encoding = vm["encoding"].as<std::string>();
  if (vm.count("queries-per-pixel")) {
    w.queries_per_pixel = vm["queries-per-pixel"].as<double>();
    if (!(w.queries_per_pixel > 0) || w.queries_per_pixel > trace::kMaxQueriesPerPixel)
      throw InputError("--queries-per-pixel: expected a number in (0, 1e6]");
  }
  if (vm.count("trace-seed")) w.seed = vm["trace-seed"].as<uint64_t>();
  const std::string cache =
      trace::trace_cache_dir(vm.count("trace-cache") ? vm["trace-cache"].as<std::string>() : "");
  bool generated = false;
  const trace::WorkloadTrace t = trace::workload_trace(w, cache, &generated);
  if (generated && progress) std::cerr << "ngpc-sim: generated " << t.path << "\n";
  return t.path;
}

void write_outputs(const std::string& dir, const LoadedConfig& cfg, const StatSet& st,
                   const RunResult& r) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError("--out " + dir + ": cannot create directory: " + ec.message());
  write_file_atomic(dir + "/config.json", cfg.effective.dump(2) + "\n");
  write_file_atomic(dir + "/stats.json", stats_json(st).dump(2) + "\n");
  write_file_atomic(dir + "/stats.csv", stats_csv(st));
  write_file_atomic(dir + "/summary.txt", summary_text(st));
  if (r.timeline.limit > 0)
    write_file_atomic(dir + "/timeline.json", timeline_json(r.timeline));
}

// About 10 MB of trace-event JSON and 25 MB of host memory; a 4K frame at NGPC-64 has ~350 000.
constexpr uint64_t kDefaultTimelineEvents = 100000;

int default_experiment(const po::variables_map& vm, bool progress) {
  const Experiment e = load_experiment(vm);
  std::vector<std::vector<std::string>> rows;
  for (const char* app : {"nerf", "nsdf", "nvr", "gia"}) {
    const trace::Trace t = trace::read_trace(trace::find_bundled_trace(app, "4k", "hashgrid"));
    if (progress) std::cerr << "ngpc-sim: " << app << " 4K ...\n";
    const RunResult r = replay(t, e.cfg.config, e.tech, ReplayOptions{});
    const StatSet s = make_stats(r, e.cfg.config, t);
    rows.push_back({app, fmt(s.number("fps"), 2), fmt(s.number("frame_time_ms"), 3),
                    fmt(s.number("gpu_baseline_frame_time_ms"), 3), fmt(s.number("speedup"), 2),
                    fmt(s.number("ngpc_power_w"), 2), fmt(s.number("power_overhead_pct"), 2),
                    fmt(s.number("area_overhead_pct"), 2),
                    std::get<std::string>(s.find("bound")->value), fmt(s.number("sim_wall_s"), 2),
                    fmt(s.number("sim_cycles_per_s"), 3)});
  }
  std::cout << "Default experiment: bundled 4K traces (hashgrid) on " << e.cfg.config.name << " ("
            << e.cfg.config.cluster.scaling_factor << " NFPs, "
            << fmt(e.cfg.config.clock_hz / 1e9, 2) << " GHz)\n\n"
            << aligned_table({"app", "FPS [1/s]", "frame [ms]", "GPU frame [ms]", "speed-up [x]",
                              "NGPC power [W]", "power ovh [%]", "area ovh [%]", "bound",
                              "sim wall [s]", "sim speed [cycles/s]"},
                             rows);
  return 0;
}

}  // namespace

int cmd_run(const Args& args) {
  po::options_description options("options");
  add_config_options(options);
  options.add_options()("help,h", "print this help")("trace", po::value<std::string>(),
                                                     "trace file (format ngpc-trace v1)")(
      "app", po::value<std::string>(), "workload: nerf | nsdf | nvr | gia")(
      "resolution", po::value<std::string>(), "workload: 1080p | 4k | 8k | WxH")(
      "encoding", po::value<std::string>(),
      "workload: hashgrid (default) | densegrid | lowres-densegrid (nerf)")(
      "queries-per-pixel", po::value<double>(),
      "workload: encode queries per pixel (default: the app's nominal value)")(
      "trace-seed", po::value<uint64_t>(), "workload: seed of the generated scene (default 1)")(
      "trace-cache", po::value<std::string>(),
      "directory of generated traces (default $NGPC_TRACE_CACHE, else ~/.cache/ngpc-sim/traces)")(
      "frames", po::value<std::string>(), "frame range a:b (half-open), a:, :b or a")(
      "out", po::value<std::string>(),
      "directory for config.json, stats.json, stats.csv, summary.txt, timeline.json")(
      "timeline-events", po::value<std::string>(),
      "intervals of the first frame kept in timeline.json (default 100000; 0: no timeline)")(
      "json", "print the stats JSON on stdout instead of the summary")(
      "detail", po::value<std::string>(), "address-level detail: sampled | full")(
      "seed", po::value<std::string>(), "seed of the address-level sampling, 0..2^63-1")(
      "no-progress", "no progress line on stderr")(
      "default-experiment", "run the four bundled apps at 4K and print one row per app");
  po::variables_map vm;
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  po::store(po::command_line_parser(rest).options(options).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << kRunUsage << "\n" << options;
    return 0;
  }
  const bool progress = !vm.count("no-progress") && !vm.count("json") && isatty(STDERR_FILENO);
  if (vm.count("default-experiment")) return default_experiment(vm, progress);

  const Experiment e = load_experiment(vm);
  const trace::Trace t = trace::read_trace(trace_path(vm, !vm.count("no-progress")));
  ReplayOptions opt;
  if (vm.count("frames")) opt.frames = vm["frames"].as<std::string>();
  opt.progress = progress;
  if (vm.count("out")) {
    opt.timeline_events =
        vm.count("timeline-events")
            ? parse_whole_number("--timeline-events", vm["timeline-events"].as<std::string>(), 0,
                                 uint64_t{1} << 32)
            : kDefaultTimelineEvents;
  }
  const RunResult r = replay(t, e.cfg.config, e.tech, opt);
  const StatSet st = make_stats(r, e.cfg.config, t);
  if (vm.count("out")) write_outputs(vm["out"].as<std::string>(), e.cfg, st, r);
  if (vm.count("json"))
    std::cout << stats_json(st).dump(2) << "\n";
  else
    std::cout << summary_text(st);
  return 0;
}

}  // namespace ngpc::cli
