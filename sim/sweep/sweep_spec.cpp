#include "sim/sweep/sweep_spec.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "sim/error.h"
#include "sim/report/stats.h"
#include "sim/trace/trace_io.h"
#include "sim/util/spelling.h"
#include "sim/workloads/generator.h"

namespace ngpc {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

const std::vector<std::string> kTopKeys = {"description", "config", "traces", "set",
                                           "grid",        "also",   "stats"};
const std::vector<std::string> kWorkloadKeys = {"app", "resolution", "encoding",
                                                "queries_per_pixel", "seed"};
const std::vector<std::string> kApps = {"nerf", "nsdf", "nvr", "gia"};

bool is_workload_key(const std::string& k) {
  return std::find(kWorkloadKeys.begin(), kWorkloadKeys.end(), k) != kWorkloadKeys.end();
}

std::string rel_to(const fs::path& base, const std::string& p) {
  const fs::path x(p);
  return x.is_absolute() ? p : fs::absolute(base / x).lexically_normal().string();
}

[[noreturn]] void bad(const std::string& file, const std::string& path, const std::string& what,
                      const json& got) {
  throw InputError(file + ": " + path + ": expected " + what + ", got " + got.dump());
}

std::string value_text(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// Type checks of one axis value; meaning (does the configuration accept it, does the file exist)
// is checked by check_points.
void check_value(const std::string& file, const std::string& key, const json& v,
                 const std::string& path) {
  if (key == "trace" || key == "config") {
    if (!v.is_string() || v.get<std::string>().empty()) bad(file, path, "a file name", v);
  } else if (key == "app") {
    if (!v.is_string() ||
        std::find(kApps.begin(), kApps.end(), v.get<std::string>()) == kApps.end())
      bad(file, path, "an app: nerf, nsdf, nvr or gia", v);
  } else if (key == "resolution") {
    if (!v.is_string()) bad(file, path, "a resolution: 1080p, 4k, 8k or WxH", v);
    uint32_t w = 0, h = 0;
    try {
      trace::parse_resolution(v.get<std::string>(), &w, &h);
    } catch (const InputError& e) {
      throw InputError(file + ": " + path + ": " + e.what());
    }
  } else if (key == "encoding") {
    if (!v.is_string()) bad(file, path, "an encoding: hashgrid, densegrid or lowres-densegrid", v);
  } else if (key == "queries_per_pixel") {
    if (!v.is_number() || !(v.get<double>() > 0) || v.get<double>() > trace::kMaxQueriesPerPixel)
      bad(file, path, "queries per pixel: a number in (0, 1e6]", v);
  } else if (key == "seed") {
    if (!v.is_number_unsigned()) bad(file, path, "a scene seed: a whole number >= 0", v);
  } else if (!v.is_primitive() || v.is_null()) {
    bad(file, path, "a number, string or boolean", v);
  }
}

// The values of an axis: an array, or a single value (a one-point axis).
void add_values(const std::string& file, SweepAxis* a, const json& v) {
  if (v.is_array()) {
    if (v.empty()) bad(file, a->json_path, "a non-empty array of values", v);
    for (size_t i = 0; i < v.size(); ++i)
      a->value_paths.push_back(a->json_path + "/" + std::to_string(i));
    a->values.assign(v.begin(), v.end());
  } else {
    a->value_paths.push_back(a->json_path);
    a->values.push_back(v);
  }
  for (size_t i = 0; i < a->values.size(); ++i)
    check_value(file, a->key, a->values[i], a->value_paths[i]);
}

// One axis object ("grid" or an "also" entry) in file order.
std::vector<SweepAxis> read_axes(const std::string& file, const json& obj,
                                 const std::string& path) {
  std::vector<SweepAxis> axes;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    SweepAxis a;
    a.key = it.key();
    a.json_path = path + "/" + it.key();
    if (a.key.empty()) throw InputError(file + ": " + path + ": an axis needs a name");
    add_values(file, &a, *it);
    axes.push_back(std::move(a));
  }
  return axes;
}

const SweepAxis* find_axis(const SweepBlock& b, const std::string& key) {
  for (const SweepAxis& a : b.axes)
    if (a.key == key) return &a;
  return nullptr;
}

void check_block(const std::string& file, const SweepBlock& b) {
  const SweepAxis* tr = find_axis(b, "trace");
  const SweepAxis* app = find_axis(b, "app");
  for (const SweepAxis& a : b.axes) {
    if (!is_workload_key(a.key)) continue;
    if (tr)
      throw InputError(file + ": " + a.json_path + ": a trace file fixes the workload (" +
                       tr->json_path + "); give either trace files or workload inputs");
    if (!app)
      throw InputError(file + ": " + a.json_path + ": workload input without an \"app\" axis in " +
                       b.json_path);
  }
  if (!tr && !app)
    throw InputError(file + ": " + b.json_path +
                     ": no workload: give \"traces\", or an \"app\" axis (with resolution, "
                     "encoding, queries_per_pixel, seed) in \"grid\"");
}

// The run of one point of `b` with these axis values.
PointRun make_run(const SweepSpec& spec, const fs::path& base,
                  const std::vector<std::pair<std::string, json>>& axes) {
  PointRun r;
  r.config = spec.config;
  r.sets = spec.sets;
  for (const auto& [key, v] : axes) {
    if (key == "trace") {
      r.trace = rel_to(base, v.get<std::string>());
    } else if (key == "config") {
      r.config = rel_to(base, v.get<std::string>());
    } else if (key == "app") {
      r.workload.app = v.get<std::string>();
    } else if (key == "resolution") {
      r.workload.resolution = v.get<std::string>();
    } else if (key == "encoding") {
      r.workload.encoding = v.get<std::string>();
    } else if (key == "queries_per_pixel") {
      r.workload.queries_per_pixel = v.get<double>();
    } else if (key == "seed") {
      r.workload.seed = v.get<uint64_t>();
    } else {
      r.sets.push_back(key + "=" + value_text(v));
    }
  }
  return r;
}

std::string describe(const SweepPoint& p) {
  std::string d = "point " + std::to_string(p.index) + " (";
  for (size_t i = 0; i < p.axes.size(); ++i)
    d += (i ? ", " : "") + p.axes[i].first + "=" + value_text(p.axes[i].second);
  return d + ")";
}

// Does the effective configuration have this dotted path?
bool has_config_path(const nlohmann::json& effective, const std::string& dotted) {
  const nlohmann::json* at = &effective;
  size_t from = 0;
  while (true) {
    const size_t dot = dotted.find('.', from);
    const std::string part =
        dotted.substr(from, dot == std::string::npos ? dotted.npos : dot - from);
    if (!at->is_object() || !at->contains(part)) return false;
    at = &(*at)[part];
    if (dot == std::string::npos) return true;
    from = dot + 1;
  }
}

}  // namespace

SweepSpec read_sweep_spec(const std::string& path) {
  const json j = read_sweep_json(path, "sweep spec");
  const fs::path base = fs::path(path).parent_path();
  if (!j.is_object()) bad(path, "/", "an object", j);
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(kTopKeys.begin(), kTopKeys.end(), it.key()) != kTopKeys.end()) continue;
    std::string hint = did_you_mean(it.key(), kTopKeys);
    if (it.key() == "apps" || is_workload_key(it.key()))
      hint =
          " (workload inputs are axes: put \"app\", \"resolution\", \"encoding\", ... in "
          "\"grid\")";
    throw InputError(path + ": /" + it.key() + ": unknown key" + hint +
                     "; expected one of description, config, traces, set, grid, also, stats");
  }
  SweepSpec s;
  s.file = path;
  if (j.contains("description")) {
    if (!j["description"].is_string()) bad(path, "/description", "a string", j["description"]);
    s.description = j["description"].get<std::string>();
  }
  if (j.contains("config")) {
    if (!j["config"].is_string() || j["config"].get<std::string>().empty())
      bad(path, "/config", "a configuration file name", j["config"]);
    s.config = rel_to(base, j["config"].get<std::string>());
  }
  if (j.contains("set")) {
    if (!j["set"].is_array()) bad(path, "/set", "an array of \"path=value\" strings", j["set"]);
    for (size_t i = 0; i < j["set"].size(); ++i) {
      const auto& v = j["set"][i];
      if (!v.is_string() || v.get<std::string>().find('=') == std::string::npos)
        bad(path, "/set/" + std::to_string(i), "a \"path=value\" string", v);
      s.sets.push_back(v.get<std::string>());
    }
  }
  SweepBlock top;
  top.json_path = "/grid";
  if (j.contains("traces")) {
    SweepAxis a;
    a.key = "trace";
    a.json_path = "/traces";
    if (!j["traces"].is_string() && !j["traces"].is_array())
      bad(path, "/traces", "a non-empty array of trace files", j["traces"]);
    add_values(path, &a, j["traces"]);
    top.axes.push_back(std::move(a));
  }
  if (j.contains("grid")) {
    if (!j["grid"].is_object()) bad(path, "/grid", "an object of axis -> values", j["grid"]);
    for (SweepAxis& a : read_axes(path, j["grid"], "/grid")) {
      if (a.key == "trace" && !top.axes.empty())
        throw InputError(path + ": /grid/trace: the trace files are given by /traces already");
      if (a.key == "config" && !s.config.empty())
        throw InputError(path +
                         ": /grid/config: the configuration is given by /config already; "
                         "list every configuration in the axis instead");
      top.axes.push_back(std::move(a));
    }
  }
  s.blocks.push_back(top);
  if (j.contains("also")) {
    const json& also = j["also"];
    if (!also.is_array()) bad(path, "/also", "an array of axis objects", also);
    for (size_t i = 0; i < also.size(); ++i) {
      const std::string p = "/also/" + std::to_string(i);
      if (!also[i].is_object() || also[i].empty())
        bad(path, p, "a non-empty object of axis -> values", also[i]);
      SweepBlock b = top;
      b.json_path = p;
      for (SweepAxis& a : read_axes(path, also[i], p)) {
        if (a.key == "config" && !s.config.empty())
          throw InputError(path + ": " + a.json_path +
                           ": the configuration is given by /config already");
        auto it = std::find_if(b.axes.begin(), b.axes.end(),
                               [&](const SweepAxis& x) { return x.key == a.key; });
        if (it != b.axes.end())
          *it = std::move(a);  // replaces the grid's axis, in its place
        else
          b.axes.push_back(std::move(a));
      }
      s.blocks.push_back(std::move(b));
    }
  }
  for (const SweepBlock& b : s.blocks) {
    check_block(path, b);
    for (const SweepAxis& a : b.axes)
      if (std::find(s.axis_names.begin(), s.axis_names.end(), a.key) == s.axis_names.end())
        s.axis_names.push_back(a.key);
  }
  s.stats = {"fps",
             "frame_time_ms",
             "gpu_baseline_frame_time_ms",
             "speedup",
             "ngpc_power_w",
             "energy_per_frame_mj",
             "ngpc_area_mm2",
             "area_overhead_pct",
             "power_overhead_pct",
             "dram_bandwidth_gbps",
             "bound",
             "sampling_rel_err_pct",
             "sim_wall_s"};
  if (j.contains("stats")) {
    const json& st = j["stats"];
    if (!st.is_array() || st.empty()) bad(path, "/stats", "a non-empty array of stat keys", st);
    std::vector<std::string> keys;
    for (const StatColumn& c : stat_catalogue()) keys.push_back(c.key);
    s.stats.clear();
    for (size_t i = 0; i < st.size(); ++i) {
      const std::string p = "/stats/" + std::to_string(i);
      if (!st[i].is_string()) bad(path, p, "a stat key", st[i]);
      const std::string k = st[i].get<std::string>();
      if (std::find(keys.begin(), keys.end(), k) == keys.end())
        throw InputError(path + ": " + p + ": unknown stat '" + k + "'" + did_you_mean(k, keys) +
                         " (every stat: docs/stats-reference.md)");
      s.stats.push_back(k);
    }
  }
  return s;
}

size_t count_points(const SweepSpec& spec) {
  size_t total = 0;
  for (const SweepBlock& b : spec.blocks) {
    size_t n = 1;
    for (const SweepAxis& a : b.axes)
      n = a.values.size() != 0 && n > SIZE_MAX / a.values.size() ? SIZE_MAX : n * a.values.size();
    total = total > SIZE_MAX - n ? SIZE_MAX : total + n;
  }
  return total;
}

void check_point_count(const SweepSpec& spec, size_t max_points) {
  const size_t n = count_points(spec);
  if (n <= max_points) return;
  std::string detail;
  for (const SweepBlock& b : spec.blocks) {
    SweepSpec one;
    one.blocks = {b};
    detail += (detail.empty() ? "" : ", ") + b.json_path + ": " + std::to_string(count_points(one));
  }
  const std::string where = spec.blocks.size() == 1 ? spec.blocks[0].json_path : "/";
  throw InputError(spec.file + ": " + where + ": the sweep has " +
                   (n == SIZE_MAX ? std::string("too many") : std::to_string(n)) + " points (" +
                   detail + "), above the limit of " + std::to_string(max_points) +
                   " (docs/sweeps.md); pass --max-points " + std::to_string(n) +
                   " to run them anyway");
}

std::vector<SweepPoint> expand(const SweepSpec& spec, const std::string& frames,
                               const std::string& trace_cache) {
  const fs::path base = fs::path(spec.file).parent_path();
  std::vector<SweepPoint> pts;
  for (const SweepBlock& b : spec.blocks) {
    size_t combos = 1;
    for (const SweepAxis& a : b.axes) combos *= a.values.size();
    for (size_t c = 0; c < combos; ++c) {
      SweepPoint p;
      p.index = pts.size();
      p.block = &b;
      p.axes.resize(b.axes.size());
      size_t rest = c;
      for (size_t k = b.axes.size(); k-- > 0;) {
        const SweepAxis& a = b.axes[k];
        p.axes[k] = {a.key, a.values[rest % a.values.size()]};
        rest /= a.values.size();
      }
      p.run = make_run(spec, base, p.axes);
      p.run.frames = frames;
      p.run.trace_cache = trace_cache;
      pts.push_back(std::move(p));
    }
  }
  return pts;
}

std::vector<std::string> check_points(const SweepSpec& spec,
                                      const std::vector<SweepPoint>& points) {
  const std::string& file = spec.file;
  const fs::path base = fs::path(file).parent_path();
  try {
    load_config(spec.config, spec.sets);
  } catch (const InputError& e) {
    throw InputError(file + ": " + (spec.sets.empty() ? "/config" : "/set") + ": " + e.what());
  }
  // Each axis value on its own, so an error names where it was written.
  std::set<std::string> checked_traces, checked_values;
  for (const SweepBlock& b : spec.blocks) {
    const SweepAxis* cfg_axis = find_axis(b, "config");
    const std::string cfg_base =
        cfg_axis ? rel_to(base, cfg_axis->values[0].get<std::string>()) : spec.config;
    for (const SweepAxis& a : b.axes) {
      for (size_t i = 0; i < a.values.size(); ++i) {
        const json& v = a.values[i];
        if (!checked_values.insert(a.value_paths[i] + "\n" + cfg_base).second) continue;
        try {
          if (a.key == "trace") {
            const std::string t = rel_to(base, v.get<std::string>());
            if (checked_traces.insert(t).second) trace::read_trace(t);
          } else if (a.key == "config") {
            load_config(rel_to(base, v.get<std::string>()), spec.sets);
          } else if (!is_workload_key(a.key)) {
            std::vector<std::string> sets = spec.sets;
            sets.push_back(a.key + "=" + value_text(v));
            if (i == 0 && !has_config_path(load_config(cfg_base, spec.sets).effective, a.key)) {
              std::string why;
              try {
                load_config(cfg_base, sets);
              } catch (const InputError& e) {
                why = std::string(": ") + e.what();
              }
              throw InputError(file + ": " + a.json_path + ": unknown axis '" + a.key +
                               "': not a workload input (app, resolution, encoding, "
                               "queries_per_pixel, seed), trace, config or configuration "
                               "parameter" +
                               why);
            }
            load_config(cfg_base, sets);
          }
        } catch (const InputError& e) {
          const std::string msg = e.what();
          if (msg.rfind(file + ": ", 0) == 0) throw;
          throw InputError(file + ": " + a.value_paths[i] + ": " + msg);
        }
      }
    }
  }
  // Each point as a whole: combinations of values, and its identity.
  std::map<std::string, std::string> workload_ok;  // app|encoding -> error ("" = fine)
  std::vector<std::string> ids;
  ids.reserve(points.size());
  for (const SweepPoint& p : points) {
    const std::string where = file + ": " + p.block->json_path + ": " + describe(p) + ": ";
    try {
      const LoadedConfig cfg = load_config(p.run.config, p.run.sets);
      if (p.run.trace.empty()) {
        const trace::Workload& w = p.run.workload;
        const std::string key = w.app + "|" + w.encoding;
        if (!workload_ok.count(key)) {
          // A small frame of the same app and encoding: rejects what no view can make.
          trace::GenOptions o;
          o.app = w.app;
          o.encoding = w.encoding;
          o.width = o.height = 64;
          try {
            trace::generate_trace(o, gpu::default_gpu_profile());
            workload_ok[key] = "";
          } catch (const InputError& e) {
            workload_ok[key] = e.what();
          }
        }
        if (!workload_ok[key].empty()) throw InputError(workload_ok[key]);
      }
      ids.push_back(point_identity(p.run, cfg, run_trace_identity(p.run)));
    } catch (const InputError& e) {
      throw InputError(where + e.what());
    }
  }
  return ids;
}

const std::vector<StatColumn>& stat_catalogue() {
  static const std::vector<StatColumn> cat = [] {
    RunResult r;
    r.frames.resize(1);  // so that per-run stats derived from frames (bound) are present
    const Config cfg;
    trace::Trace t;
    t.header.app = "none";
    const StatSet s = make_stats(r, cfg, t);
    std::vector<StatColumn> c;
    for (const Stat& st : s.stats)
      c.push_back({st.key, st.unit, std::holds_alternative<std::string>(st.value)});
    return c;
  }();
  return cat;
}

}  // namespace ngpc
