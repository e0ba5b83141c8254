// `ngpc-sim sweep`: run a grid of configurations x traces; resumable, one process per point.
#include <sys/wait.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "sim/cli/commands.h"
#include "sim/config/config_loader.h"
#include "sim/config/tech_loader.h"
#include "sim/error.h"
#include "sim/json/parse.h"
#include "sim/json/value.h"
#include "sim/replay/replay.h"
#include "sim/report/stats.h"
#include "sim/report/writers.h"
#include "sim/sweep/sweep_spec.h"
#include "sim/trace/trace_io.h"
#include "sim/util/atomic_file.h"

namespace ngpc::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

const char* kSweepUsage =
    "usage: ngpc-sim sweep SPEC.json --out DIR [--jobs N] [--frames a:b] [--dry-run]\n\n"
    "Runs every point of the sweep (traces x the cartesian product of the grid; docs/sweeps.md),\n"
    "each in its own process, writing DIR/points/NNNN/{config,stats}.json and finally "
    "DIR/sweep.csv.\n"
    "Points whose stats.json exists are kept: an interrupted sweep resumes where it stopped.\n";

const json_input::JsonKind kPointStats{"point stats", json_input::kMaxSmallFileBytes,
                                       json_input::PathStyle::kPointer, ""};

std::string point_dir(const std::string& out, size_t i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04zu", i);
  return out + "/points/" + buf;
}

// Runs one point in the current (child) process; returns the exit status.
int run_point(const SweepSpec& spec, const SweepPoint& p, const std::string& dir,
              const std::string& frames) {
  try {
    const LoadedConfig cfg = load_config(spec.config, p.sets);
    const TechTable tech = load_tech_table(resolve_config_ref(cfg.config, cfg.config.tech.table),
                                           cfg.config.tech.node);
    const trace::Trace t = trace::read_trace(p.trace);
    ReplayOptions opt;
    opt.frames = frames;
    const RunResult r = replay(t, cfg.config, tech, opt);
    const StatSet st = make_stats(r, cfg.config, t);
    fs::create_directories(dir);
    write_file_atomic(dir + "/config.json", cfg.effective.dump(2) + "\n");
    write_file_atomic(dir + "/summary.txt", summary_text(st));
    nlohmann::ordered_json j = stats_json(st);
    j["sweep_point"] = {{"trace", p.trace}, {"sets", p.sets}};
    write_file_atomic(dir + "/stats.json", j.dump(2) + "\n");  // last: marks the point done
    return 0;
  } catch (const InputError& e) {
    std::cerr << "ngpc-sim sweep: point " << p.index << ": error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ngpc-sim sweep: point " << p.index << ": internal error: " << e.what() << "\n";
    return 1;
  }
}

void merge(const SweepSpec& spec, const std::vector<SweepPoint>& pts, const std::string& out) {
  std::ostringstream csv;
  csv << "point,trace";
  for (const auto& [key, vals] : spec.grid) csv << ',' << csv_field(key);
  for (const std::string& s : spec.stats) csv << ',' << csv_field(s);
  csv << '\n';
  std::vector<std::vector<std::string>> rows;
  for (const SweepPoint& p : pts) {
    const std::string f = point_dir(out, p.index) + "/stats.json";
    if (!fs::exists(f)) continue;
    // A point's stats.json is read back like any input: a damaged one (a resumed sweep whose
    // directory was edited) is an error naming the file, not a parser crash.
    const nlohmann::json j = json_input::read_json_file(f, kPointStats);
    const json_input::Source src(f);
    const json_input::Value doc(j, src);
    std::vector<std::string> row{std::to_string(p.index), fs::path(p.trace).filename().string()};
    for (const auto& [key, val] : p.grid) row.push_back(val);
    for (const std::string& s : spec.stats) {
      const json_input::Value stat = doc.find(s);
      if (!stat.present()) {
        row.push_back("");
        continue;
      }
      const json_input::Value v = stat.get("value");
      row.push_back(v.json().is_number() ? fmt(v.json().get<double>(), 4)
                                         : v.string("a number or a string"));
    }
    for (size_t c = 0; c < row.size(); ++c) csv << (c ? "," : "") << csv_field(row[c]);
    csv << '\n';
    rows.push_back(row);
  }
  write_file_atomic(out + "/sweep.csv", csv.str());
  std::vector<std::string> header{"point", "trace"};
  for (const auto& [key, vals] : spec.grid) header.push_back(key);
  for (const std::string& s : spec.stats) header.push_back(s);
  std::cout << aligned_table(header, rows);
}

}  // namespace

int cmd_sweep(const Args& args) {
  po::options_description options("options");
  options.add_options()("help,h", "print this help")("spec", po::value<std::string>(),
                                                     "sweep specification (JSON)")(
      "out", po::value<std::string>(), "output directory")(
      "jobs,j", po::value<unsigned>()->default_value(1), "points run in parallel")(
      "frames", po::value<std::string>(), "frame range of every trace")("dry-run",
                                                                        "list the points and exit");
  po::positional_options_description pos;
  pos.add("spec", 1);
  po::variables_map vm;
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  po::store(po::command_line_parser(rest).options(options).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << kSweepUsage << "\n" << options;
    return 0;
  }
  if (!vm.count("spec")) throw InputError("no sweep specification given (see --help)");
  const SweepSpec spec = read_sweep_spec(vm["spec"].as<std::string>());
  const std::vector<SweepPoint> pts = expand(spec);
  // Every point's configuration is checked before anything runs.
  for (const SweepPoint& p : pts) {
    try {
      load_config(spec.config, p.sets);
    } catch (const InputError& e) {
      throw InputError("sweep point " + std::to_string(p.index) + ": " + e.what());
    }
  }
  if (vm.count("dry-run")) {
    for (const SweepPoint& p : pts) {
      std::cout << p.index << "  " << p.trace;
      for (const std::string& s : p.sets) std::cout << "  --set " << s;
      std::cout << "\n";
    }
    return 0;
  }
  if (!vm.count("out")) throw InputError("--out DIR is required (see --help)");
  const std::string out = vm["out"].as<std::string>();
  std::error_code ec;
  fs::create_directories(out + "/points", ec);
  if (ec) throw InputError("--out " + out + ": cannot create directory: " + ec.message());
  const std::string frames = vm.count("frames") ? vm["frames"].as<std::string>() : "";
  const unsigned jobs = std::max(1u, vm["jobs"].as<unsigned>());
  const bool tty = isatty(STDERR_FILENO);

  size_t done = 0, skipped = 0, failed = 0, running = 0;
  auto report = [&] {
    if (tty)
      std::fprintf(stderr, "\rngpc-sim sweep: %zu/%zu points done (%zu resumed, %zu failed)",
                   done + skipped, pts.size(), skipped, failed);
  };
  auto reap = [&] {
    int status = 0;
    if (wait(&status) > 0) {
      --running;
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        ++done;
      else
        ++failed;
      report();
    }
  };
  std::cout.flush();
  for (const SweepPoint& p : pts) {
    const std::string dir = point_dir(out, p.index);
    if (fs::exists(dir + "/stats.json")) {
      ++skipped;
      report();
      continue;
    }
    while (running >= jobs) reap();
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      const int st = run_point(spec, p, dir, frames);
      std::cerr.flush();
      _exit(st);
    }
    ++running;
  }
  while (running > 0) reap();
  if (tty) std::fprintf(stderr, "\n");
  merge(spec, pts, out);
  std::cerr << "ngpc-sim sweep: " << done << " run, " << skipped << " resumed, " << failed
            << " failed; " << out << "/sweep.csv\n";
  return failed ? 1 : 0;
}

}  // namespace ngpc::cli
