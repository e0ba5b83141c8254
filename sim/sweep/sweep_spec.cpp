#include "sim/sweep/sweep_spec.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sim/error.h"
#include "sim/json/parse.h"
#include "sim/json/value.h"
#include "sim/trace/bundled.h"

namespace ngpc {

namespace {

namespace fs = std::filesystem;

std::string rel_to(const fs::path& base, const std::string& p) {
  const fs::path x(p);
  return x.is_absolute() ? p : (base / x).lexically_normal().string();
}

std::string scalar_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// Sweep specs are small hand-written files: the small-file limit, JSON Pointer paths.
const json_input::JsonKind kSweepSpec{"sweep spec", json_input::kMaxSmallFileBytes,
                                      json_input::PathStyle::kPointer, ""};

// Most points a sweep may expand to (and most items of any list in a spec): each point is a
// process and a directory of results; a typo in a grid should not start a million runs.
constexpr size_t kMaxSweepPoints = 100000;

}  // namespace

SweepSpec read_sweep_spec(const std::string& path) {
  using json_input::Value;
  const nlohmann::json doc = json_input::read_json_file(path, kSweepSpec);
  const json_input::Source src(path);
  const Value j(doc, src);
  const fs::path base = fs::path(path).parent_path();
  j.expect_keys({"config", "traces", "apps", "resolution", "encoding", "set", "grid", "stats",
                 "description"});
  SweepSpec s;
  if (const Value c = j.find("config"); c.present()) {
    s.config = rel_to(base, c.string("a file name"));
  }
  if (const Value t = j.find("traces"); t.present()) {
    const size_t n = t.expect_array(1, kMaxSweepPoints, "a non-empty array of trace files");
    for (size_t i = 0; i < n; ++i) {
      const Value item = t.at(i);
      s.traces.push_back(rel_to(base, item.string("a file name")));
      // Checked here so a typo stops the sweep before any point runs (a point's own errors only
      // fail that point).
      std::error_code ec;
      if (!fs::is_regular_file(s.traces.back(), ec)) {
        item.fail("trace file \"" + s.traces.back() + "\" does not exist");
      }
    }
  }
  if (const Value a = j.find("apps"); a.present()) {
    const size_t n =
        a.expect_array(1, kMaxSweepPoints, "a non-empty array of nerf | nsdf | nvr | gia");
    const Value r = j.find("resolution");
    const Value e = j.find("encoding");
    const std::string res = r.present() ? r.string("a resolution (1080p, 4k, 8k)") : "4k";
    const std::string enc = e.present() ? e.string("an encoding variant") : "hashgrid";
    for (size_t i = 0; i < n; ++i) {
      const Value app = a.at(i);
      const std::string name = app.choice({"nerf", "nsdf", "nvr", "gia"});
      try {
        s.traces.push_back(trace::find_bundled_trace(name, res, enc));
      } catch (const InputError& err) {
        app.fail(err.what());
      }
    }
  }
  if (s.traces.empty()) throw InputError(path + ": give \"traces\" or \"apps\"");
  if (const Value set = j.find("set"); set.present()) {
    const size_t n = set.expect_array(0, kMaxSweepPoints, "an array of \"path=value\" strings");
    for (size_t i = 0; i < n; ++i) {
      const Value v = set.at(i);
      const std::string text = v.string("a \"path=value\" string");
      if (text.find('=') == std::string::npos) v.expected("a \"path=value\" string");
      s.sets.push_back(text);
    }
  }
  if (const Value grid = j.find("grid"); grid.present()) {
    grid.expect_object("an object of parameter -> values");
    size_t points = s.traces.size();
    grid.each_member([&](const std::string& key, const Value& values) {
      const size_t n = values.expect_array(1, kMaxSweepPoints, "a non-empty array of values");
      points *= n;
      if (points > kMaxSweepPoints) {
        values.fail("the sweep would have more than " + std::to_string(kMaxSweepPoints) +
                    " points (traces x the product of the grid's value counts; "
                    "docs/input-limits.md)");
      }
      std::vector<std::string> vals;
      for (size_t i = 0; i < n; ++i) {
        const Value v = values.at(i);
        if (!v.json().is_primitive() || v.json().is_null()) {
          v.expected("a number, string or boolean");
        }
        vals.push_back(scalar_text(v.json()));
      }
      s.grid.emplace_back(key, vals);
    });
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
  if (const Value st = j.find("stats"); st.present()) {
    const size_t n = st.expect_array(0, kMaxSweepPoints, "an array of stat keys");
    s.stats.clear();
    for (size_t i = 0; i < n; ++i) s.stats.push_back(st.at(i).string("a stat key"));
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
