#include "sim/sweep/results.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "sim/error.h"
#include "sim/report/writers.h"
#include "sim/sweep/point.h"
#include "sim/util/atomic_file.h"

namespace ngpc {

namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

constexpr const char* kManifestFormat = "ngpc-sweep";
constexpr int kManifestVersion = 1;

std::string value_text(const ojson& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string number_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

const char* status_name(PointStatus s) {
  return s == PointStatus::ok ? "ok" : s == PointStatus::failed ? "failed" : "pending";
}

std::string csv_header(const Manifest& m) {
  std::string h = "point,status,error";
  for (const std::string& a : m.axis_names) h += "," + csv_field(a);
  for (const StatColumn& c : stat_catalogue())
    h += "," + csv_field(c.key + " [" + (!c.unit.empty() ? c.unit : c.text ? "-" : "1") + "]");
  return h + "\n";
}

std::string csv_row(const Manifest& m, const ManifestPoint& p, const PointResult& r) {
  std::string row =
      std::to_string(p.index) + "," + status_name(r.status) + "," + csv_field(r.error);
  for (const std::string& a : m.axis_names)
    row += "," + (p.axes.contains(a) ? csv_field(value_text(p.axes[a])) : std::string());
  for (const StatColumn& c : stat_catalogue()) {
    row += ",";
    if (r.status != PointStatus::ok || !r.stats.contains(c.key)) continue;
    const ojson& v = r.stats[c.key]["value"];
    row += v.is_number() ? number_text(v.get<double>()) : csv_field(value_text(v));
  }
  return row + "\n";
}

std::string jsonl_row(const ManifestPoint& p, const PointResult& r) {
  ojson j;
  j["point"] = p.index;
  j["status"] = status_name(r.status);
  j["error"] = r.error;
  j["axes"] = p.axes;
  ojson stats = ojson::object();
  if (r.status == PointStatus::ok) {
    for (auto it = r.stats.begin(); it != r.stats.end(); ++it) {
      if (!it->is_object() || !it->contains("value")) continue;  // per_frame, sweep_point
      ojson s;
      s["value"] = (*it)["value"];
      s["unit"] = it->value("unit", "");
      if (it->value("wall_clock", false)) s["wall_clock"] = true;
      stats[it.key()] = s;
    }
  }
  j["stats"] = stats;
  return j.dump() + "\n";
}

std::string compact_csv(const Manifest& m, const std::vector<PointResult>& results) {
  std::string csv = "point";
  for (const std::string& a : m.axis_names) csv += "," + csv_field(a);
  for (const std::string& s : m.stats) csv += "," + csv_field(s);
  csv += "\n";
  for (size_t i = 0; i < m.points.size(); ++i) {
    const PointResult& r = results[i];
    if (r.status != PointStatus::ok) continue;
    const ManifestPoint& p = m.points[i];
    csv += std::to_string(p.index);
    for (const std::string& a : m.axis_names)
      csv += "," + (p.axes.contains(a) ? csv_field(value_text(p.axes[a])) : std::string());
    for (const std::string& s : m.stats) {
      csv += ",";
      if (!r.stats.contains(s)) continue;
      const ojson& v = r.stats[s]["value"];
      csv += v.is_number() ? fmt(v.get<double>(), 4) : csv_field(value_text(v));
    }
    csv += "\n";
  }
  return csv;
}

// One write() per row and an fsync: a killed sweep leaves whole rows only.
void append_durable(const std::string& path, const std::string& header, const std::string& row) {
  std::error_code ec;
  const bool fresh = !fs::exists(path, ec) || fs::file_size(path, ec) == 0;
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0) throw InputError(path + ": cannot append: " + std::strerror(errno));
  const std::string text = (fresh ? header : std::string()) + row;
  const ssize_t n = write(fd, text.data(), text.size());
  const bool ok = n == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  close(fd);
  if (!ok) throw InputError(path + ": append failed: " + std::strerror(errno));
}

}  // namespace

std::string axes_text(const ManifestPoint& p) {
  std::string t;
  for (auto it = p.axes.begin(); it != p.axes.end(); ++it) {
    std::string v = value_text(*it);
    if (it.key() == "trace" || it.key() == "config") v = fs::path(v).filename().string();
    t += (t.empty() ? "" : ", ") + it.key() + "=" + v;
  }
  return t;
}

Manifest make_manifest(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       const std::vector<std::string>& identities, const std::string& out,
                       const std::string& binary) {
  Manifest m;
  m.spec = spec.file;
  m.description = spec.description;
  m.axis_names = spec.axis_names;
  m.stats = spec.stats;
  for (size_t i = 0; i < points.size(); ++i) {
    ManifestPoint p;
    p.index = points[i].index;
    for (const auto& [k, v] : points[i].axes) p.axes[k] = v;
    p.identity = identities[i];
    p.command = {binary, "sweep", "point"};
    const std::vector<std::string> c = point_command(points[i].run, out, points[i].index);
    p.command.insert(p.command.end(), c.begin(), c.end());
    m.points.push_back(std::move(p));
  }
  return m;
}

void write_manifest(const std::string& out, const Manifest& m) {
  ojson j;
  j["format"] = kManifestFormat;
  j["version"] = kManifestVersion;
  j["spec"] = m.spec;
  j["description"] = m.description;
  j["axes"] = m.axis_names;
  j["stats"] = m.stats;
  ojson pts = ojson::array();
  for (const ManifestPoint& p : m.points)
    pts.push_back(
        {{"index", p.index}, {"axes", p.axes}, {"identity", p.identity}, {"command", p.command}});
  j["points"] = pts;
  write_file_durable(out + "/sweep.json", j.dump(1) + "\n");
}

Manifest read_manifest(const std::string& out) {
  const std::string f = out + "/sweep.json";
  std::error_code ec;
  if (!fs::is_regular_file(f, ec))
    throw InputError(out + ": not a sweep directory (no sweep.json; `ngpc-sim sweep SPEC --out " +
                     out + "` with --emit-jobs or --emit-slurm writes one)");
  const ojson j = read_sweep_json(f, "sweep manifest");
  try {
    if (j.value("format", "") != kManifestFormat || j.value("version", 0) != kManifestVersion)
      throw InputError(f + ": not an ngpc-sweep manifest of version 1");
    Manifest m;
    m.spec = j.at("spec").get<std::string>();
    m.description = j.value("description", "");
    m.axis_names = j.at("axes").get<std::vector<std::string>>();
    m.stats = j.at("stats").get<std::vector<std::string>>();
    for (const auto& p : j.at("points")) {
      ManifestPoint mp;
      mp.index = p.at("index").get<size_t>();
      mp.axes = p.at("axes");
      mp.identity = p.at("identity").get<std::string>();
      mp.command = p.at("command").get<std::vector<std::string>>();
      m.points.push_back(std::move(mp));
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(f + ": malformed sweep manifest: " + e.what());
  }
}

PointResult read_point_result(const std::string& out, const ManifestPoint& p) {
  PointResult r;
  const std::string dir = point_dir(out, p.index);
  std::error_code ec;
  if (!fs::is_regular_file(dir + "/point.json", ec)) return r;
  ojson rec;
  try {
    rec = read_sweep_json(dir + "/point.json", "sweep point record");
  } catch (const InputError&) {
    return r;  // unreadable: run it again
  }
  const std::string status = rec.value("status", "");
  if (status == "ok") {
    if (rec.value("identity", "") != p.identity) {
      r.stale = true;
      return r;
    }
    try {
      r.stats = read_sweep_json(dir + "/stats.json", "point stats");
    } catch (const InputError&) {
      return r;
    }
    r.status = PointStatus::ok;
  } else if (status == "failed") {
    const std::vector<std::string> want(p.command.begin() + std::min<size_t>(3, p.command.size()),
                                        p.command.end());
    if (rec.value("command", std::vector<std::string>{}) != want) {
      r.stale = true;
      return r;
    }
    r.status = PointStatus::failed;
    r.exit_status = rec.value("exit_status", 1);
    r.error = rec.value("error", "");
  }
  return r;
}

void write_results(const std::string& out, const Manifest& m,
                   const std::vector<PointResult>& results) {
  std::string csv = csv_header(m), jsonl;
  for (size_t i = 0; i < m.points.size(); ++i) {
    if (results[i].status == PointStatus::pending) continue;
    csv += csv_row(m, m.points[i], results[i]);
    jsonl += jsonl_row(m.points[i], results[i]);
  }
  write_file_durable(out + "/results.csv", csv);
  write_file_durable(out + "/results.jsonl", jsonl);
  write_file_durable(out + "/sweep.csv", compact_csv(m, results));
}

void append_result(const std::string& out, const Manifest& m, size_t point,
                   const PointResult& result) {
  append_durable(out + "/results.csv", csv_header(m), csv_row(m, m.points[point], result));
  append_durable(out + "/results.jsonl", "", jsonl_row(m.points[point], result));
}

std::string results_table(const Manifest& m, const std::vector<PointResult>& results) {
  std::vector<std::string> header{"point"};
  for (const std::string& a : m.axis_names) header.push_back(a);
  for (const std::string& s : m.stats) {
    std::string unit;
    for (const StatColumn& c : stat_catalogue())
      if (c.key == s) unit = c.unit;
    header.push_back(unit.empty() ? s : s + " [" + unit + "]");
  }
  std::vector<std::vector<std::string>> rows;
  std::string failures;
  for (size_t i = 0; i < m.points.size(); ++i) {
    const ManifestPoint& p = m.points[i];
    const PointResult& r = results[i];
    if (r.status == PointStatus::failed)
      failures +=
          "point " + std::to_string(p.index) + " (" + axes_text(p) + ") failed: " + r.error + "\n";
    if (r.status != PointStatus::ok) continue;
    std::vector<std::string> row{std::to_string(p.index)};
    for (const std::string& a : m.axis_names) {
      std::string v = p.axes.contains(a) ? value_text(p.axes[a]) : "";
      if (a == "trace" || a == "config") v = fs::path(v).filename().string();
      row.push_back(v);
    }
    for (const std::string& s : m.stats) {
      if (!r.stats.contains(s)) {
        row.push_back("");
        continue;
      }
      const ojson& v = r.stats[s]["value"];
      row.push_back(v.is_number() ? fmt(v.get<double>(), 3) : value_text(v));
    }
    rows.push_back(std::move(row));
  }
  return (rows.empty() ? std::string() : aligned_table(header, rows)) + failures;
}

}  // namespace ngpc
