#include "sim/sweep/sweep_spec.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sim/error.h"
#include "sim/trace/bundled.h"
#include "sim/trace/trace_io.h"

namespace ngpc {

namespace {

namespace fs = std::filesystem;

std::string rel_to(const fs::path& base, const std::string& p) {
  const fs::path x(p);
  return x.is_absolute() ? p : (base / x).lexically_normal().string();
}

[[noreturn]] void bad(const std::string& file, const std::string& path, const std::string& what,
                      const nlohmann::json& got) {
  throw InputError(file + ": " + path + ": expected " + what + ", got " + got.dump());
}

std::string scalar_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

SweepSpec read_sweep_spec(const std::string& path) {
  const nlohmann::json j = trace::read_json_file(path, "sweep spec");
  const fs::path base = fs::path(path).parent_path();
  if (!j.is_object()) bad(path, "/", "an object", j);
  static const char* known[] = {"config", "traces", "apps",  "resolution", "encoding",
                                "set",    "grid",   "stats", "description"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok |= it.key() == k;
    if (!ok)
      throw InputError(path + ": /" + it.key() +
                       ": unknown key (expected one of config, "
                       "traces, apps, resolution, encoding, set, grid, stats, description)");
  }
  SweepSpec s;
  if (j.contains("config")) {
    if (!j["config"].is_string()) bad(path, "/config", "a file name", j["config"]);
    s.config = rel_to(base, j["config"].get<std::string>());
  }
  if (j.contains("traces")) {
    if (!j["traces"].is_array() || j["traces"].empty())
      bad(path, "/traces", "a non-empty array of trace files", j["traces"]);
    for (size_t i = 0; i < j["traces"].size(); ++i) {
      if (!j["traces"][i].is_string())
        bad(path, "/traces/" + std::to_string(i), "a file name", j["traces"][i]);
      s.traces.push_back(rel_to(base, j["traces"][i].get<std::string>()));
    }
  }
  if (j.contains("apps")) {
    if (!j["apps"].is_array() || j["apps"].empty())
      bad(path, "/apps", "a non-empty array of nerf | nsdf | nvr | gia", j["apps"]);
    const std::string res = j.value("resolution", std::string("4k"));
    const std::string enc = j.value("encoding", std::string("hashgrid"));
    for (size_t i = 0; i < j["apps"].size(); ++i) {
      if (!j["apps"][i].is_string())
        bad(path, "/apps/" + std::to_string(i), "an app", j["apps"][i]);
      s.traces.push_back(trace::find_bundled_trace(j["apps"][i].get<std::string>(), res, enc));
    }
  }
  if (s.traces.empty()) throw InputError(path + ": give \"traces\" or \"apps\"");
  if (j.contains("set")) {
    if (!j["set"].is_array()) bad(path, "/set", "an array of \"path=value\" strings", j["set"]);
    for (size_t i = 0; i < j["set"].size(); ++i) {
      const auto& v = j["set"][i];
      if (!v.is_string() || v.get<std::string>().find('=') == std::string::npos)
        bad(path, "/set/" + std::to_string(i), "a \"path=value\" string", v);
      s.sets.push_back(v.get<std::string>());
    }
  }
  if (j.contains("grid")) {
    if (!j["grid"].is_object()) bad(path, "/grid", "an object of parameter -> values", j["grid"]);
    for (auto it = j["grid"].begin(); it != j["grid"].end(); ++it) {
      if (!it->is_array() || it->empty())
        bad(path, "/grid/" + it.key(), "a non-empty array of values", *it);
      std::vector<std::string> vals;
      for (const auto& v : *it) {
        if (!v.is_primitive() || v.is_null())
          bad(path, "/grid/" + it.key(), "numbers, strings or booleans", v);
        vals.push_back(scalar_text(v));
      }
      s.grid.emplace_back(it.key(), vals);
    }
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
    if (!j["stats"].is_array()) bad(path, "/stats", "an array of stat keys", j["stats"]);
    s.stats.clear();
    for (size_t i = 0; i < j["stats"].size(); ++i) {
      if (!j["stats"][i].is_string())
        bad(path, "/stats/" + std::to_string(i), "a stat key", j["stats"][i]);
      s.stats.push_back(j["stats"][i].get<std::string>());
    }
  }
  return s;
}

std::vector<SweepPoint> expand(const SweepSpec& spec) {
  size_t combos = 1;
  for (const auto& [key, vals] : spec.grid) combos *= vals.size();
  std::vector<SweepPoint> pts;
  for (const std::string& t : spec.traces)
    for (size_t c = 0; c < combos; ++c) {
      SweepPoint p;
      p.index = pts.size();
      p.trace = t;
      p.sets = spec.sets;
      size_t rest = c;
      std::vector<std::pair<std::string, std::string>> g(spec.grid.size());
      for (size_t k = spec.grid.size(); k-- > 0;) {
        const auto& [key, vals] = spec.grid[k];
        g[k] = {key, vals[rest % vals.size()]};
        rest /= vals.size();
      }
      for (const auto& [key, val] : g) p.sets.push_back(key + "=" + val);
      p.grid = g;
      pts.push_back(p);
    }
  return pts;
}

}  // namespace ngpc
