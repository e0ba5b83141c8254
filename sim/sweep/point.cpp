#include "sim/sweep/point.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "sim/config/tech_loader.h"
#include "sim/error.h"
#include "sim/json/input_file.h"
#include "sim/json/parse.h"
#include "sim/replay/replay.h"
#include "sim/report/stats.h"
#include "sim/report/writers.h"
#include "sim/trace/trace_io.h"
#include "sim/util/atomic_file.h"
#include "sim/util/fingerprint.h"
#include "sim/util/hash.h"

namespace ngpc {

namespace {

namespace fs = std::filesystem;

std::string file_hash(const std::string& path) {
  static std::map<std::string, std::string> memo;  // a sweep asks for the same files many times
  if (auto it = memo.find(path); it != memo.end()) return it->second;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read");
  std::stringstream s;
  s << in.rdbuf();
  return memo[path] = hash_hex(s.str());
}

std::string number_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

uint64_t parse_u64(const std::string& option, const std::string& text) {
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos)
    throw InputError(option + ": expected a whole number, got \"" + text + "\"");
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    throw InputError(option + ": number out of range: \"" + text + "\"");
  }
}

// True when the folder holds this very point, finished.
bool already_done(const std::string& dir, const std::string& identity) {
  std::error_code ec;
  if (!fs::is_regular_file(dir + "/point.json", ec) ||
      !fs::is_regular_file(dir + "/stats.json", ec))
    return false;
  try {
    const nlohmann::ordered_json j = read_sweep_json(dir + "/point.json", "sweep point record");
    return j.value("status", "") == "ok" && j.value("identity", "") == identity;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

nlohmann::ordered_json read_sweep_json(const std::string& path, const std::string& what) {
  // The shared reader checks the file (size and nesting limits, duplicate keys, errors with line
  // and column); the text is parsed again keeping the order of keys, which a spec's axes follow.
  const std::string text = json_input::read_input_file(path, what, json_input::kMaxSmallFileBytes);
  json_input::parse_json(text, path,
                         json_input::JsonKind{what, json_input::kMaxSmallFileBytes,
                                              json_input::PathStyle::kPointer, ""});
  return nlohmann::ordered_json::parse(text);
}

std::vector<std::string> run_args(const PointRun& run) {
  std::vector<std::string> a;
  if (!run.config.empty()) a.insert(a.end(), {"--config", run.config});
  for (const std::string& s : run.sets) a.insert(a.end(), {"--set", s});
  if (!run.trace.empty()) {
    a.insert(a.end(), {"--trace", run.trace});
  } else {
    const trace::Workload& w = run.workload;
    a.insert(a.end(), {"--app", w.app, "--resolution", w.resolution, "--encoding", w.encoding});
    if (w.queries_per_pixel > 0)
      a.insert(a.end(), {"--queries-per-pixel", number_text(w.queries_per_pixel)});
    a.insert(a.end(), {"--trace-seed", std::to_string(w.seed)});
  }
  if (!run.frames.empty()) a.insert(a.end(), {"--frames", run.frames});
  return a;
}

std::vector<std::string> point_command(const PointRun& run, const std::string& out, size_t index) {
  std::vector<std::string> a{out, std::to_string(index)};
  const std::vector<std::string> r = run_args(run);
  a.insert(a.end(), r.begin(), r.end());
  if (!run.trace_cache.empty()) a.insert(a.end(), {"--trace-cache", run.trace_cache});
  return a;
}

PointCommand parse_point_command(const std::vector<std::string>& args) {
  const char* usage =
      " (usage: ngpc-sim sweep point OUT INDEX [--config F] [--set P=V]... "
      "(--trace F | --app A --resolution R [--encoding E] [--queries-per-pixel Q] "
      "[--trace-seed S]) [--frames a:b] [--trace-cache DIR])";
  if (args.size() < 2) throw InputError(std::string("sweep point: give OUT and INDEX") + usage);
  PointCommand c;
  c.out = args[0];
  c.index = parse_u64("INDEX", args[1]);
  bool workload = false;
  for (size_t i = 2; i < args.size(); i += 2) {
    const std::string& o = args[i];
    if (i + 1 >= args.size()) throw InputError(o + ": expected a value" + usage);
    const std::string& v = args[i + 1];
    PointRun& r = c.run;
    if (o == "--config") {
      r.config = v;
    } else if (o == "--set") {
      r.sets.push_back(v);
    } else if (o == "--trace") {
      r.trace = v;
    } else if (o == "--app") {
      r.workload.app = v, workload = true;
    } else if (o == "--resolution") {
      r.workload.resolution = v, workload = true;
    } else if (o == "--encoding") {
      r.workload.encoding = v, workload = true;
    } else if (o == "--queries-per-pixel") {
      size_t used = 0;
      double q = 0;
      try {
        q = std::stod(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != v.size() || !(q > 0) || q > trace::kMaxQueriesPerPixel)
        throw InputError(o + ": expected a number in (0, 1e6], got \"" + v + "\"");
      r.workload.queries_per_pixel = q, workload = true;
    } else if (o == "--trace-seed") {
      r.workload.seed = parse_u64(o, v), workload = true;
    } else if (o == "--frames") {
      r.frames = v;
    } else if (o == "--trace-cache") {
      r.trace_cache = v;
    } else {
      throw InputError("sweep point: unknown option '" + o + "'" + usage);
    }
  }
  if (c.run.trace.empty() == c.run.workload.app.empty() || (workload && !c.run.trace.empty()))
    throw InputError(std::string("sweep point: give either --trace or --app") + usage);
  return c;
}

std::string point_dir(const std::string& out, size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04zu", index);
  return (fs::path(out) / "points" / buf).string();
}

std::string run_trace_identity(const PointRun& run) {
  if (!run.trace.empty()) return "file:" + file_hash(run.trace);
  return trace::locate_workload_trace(run.workload, trace::trace_cache_dir(run.trace_cache))
      .identity;
}

std::string point_identity(const PointRun& run, const LoadedConfig& cfg,
                           const std::string& trace_identity) {
  std::string text = source_fingerprint() + "\n";
  for (const std::string& a : run_args(run)) text += a + "\x1f";
  text += "\n" + cfg.effective.dump() + "\n";
  text += file_hash(resolve_config_ref(cfg.config, cfg.config.tech.table)) + "\n";
  text += trace_identity;
  return hash_hex(text);
}

void write_point_record(const std::string& dir, size_t index, const std::string& status,
                        int exit_status, const std::string& error, const std::string& identity,
                        const std::vector<std::string>& command) {
  nlohmann::ordered_json j;
  j["index"] = index;
  j["status"] = status;
  j["exit_status"] = exit_status;
  j["error"] = error;
  j["identity"] = identity;
  j["command"] = command;
  write_file_durable(dir + "/point.json", j.dump(2) + "\n");
}

int run_point(const PointCommand& c) {
  const std::string dir = point_dir(c.out, c.index);
  const std::vector<std::string> command = point_command(c.run, c.out, c.index);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir + ": cannot create directory: " + ec.message());
  std::string identity;
  auto fail = [&](int status, const std::string& what) {
    std::cerr << "ngpc-sim sweep: point " << c.index << ": "
              << (status == 2 ? "error: " : "internal error: ") << what << "\n";
    try {
      write_point_record(dir, c.index, "failed", status, what, identity, command);
    } catch (const std::exception& e) {
      std::cerr << "ngpc-sim sweep: point " << c.index
                << ": cannot record the failure: " << e.what() << "\n";
    }
    return status;
  };
  try {
    const LoadedConfig cfg = load_config(c.run.config, c.run.sets);
    const TechTable tech = load_tech_table(resolve_config_ref(cfg.config, cfg.config.tech.table),
                                           cfg.config.tech.node);
    std::string trace_path = c.run.trace, trace_identity;
    if (trace_path.empty()) {
      const trace::WorkloadTrace w =
          trace::workload_trace(c.run.workload, trace::trace_cache_dir(c.run.trace_cache));
      trace_path = w.path;
      trace_identity = w.identity;
    } else {
      trace_identity = run_trace_identity(c.run);
    }
    identity = point_identity(c.run, cfg, trace_identity);
    if (already_done(dir, identity)) return 0;
    fs::remove(dir + "/point.json", ec);  // until it finishes, the point is not done
    const trace::Trace t = trace::read_trace(trace_path);
    ReplayOptions opt;
    opt.frames = c.run.frames;
    const RunResult r = replay(t, cfg.config, tech, opt);
    const StatSet st = make_stats(r, cfg.config, t);
    write_file_atomic(dir + "/config.json", cfg.effective.dump(2) + "\n");
    write_file_atomic(dir + "/summary.txt", summary_text(st));
    nlohmann::ordered_json j = stats_json(st);
    j["sweep_point"] = {
        {"index", c.index}, {"identity", identity}, {"trace", trace_path}, {"sets", c.run.sets}};
    write_file_durable(dir + "/stats.json", j.dump(2) + "\n");
    write_point_record(dir, c.index, "ok", 0, "", identity, command);  // last: marks it done
    return 0;
  } catch (const InputError& e) {
    return fail(2, e.what());
  } catch (const std::exception& e) {
    return fail(1, e.what());
  }
}

}  // namespace ngpc
