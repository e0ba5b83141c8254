#include "sim/report/writers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace ngpc {

std::string fmt(double v, int precision) {
  char buf[64];
  if (v != 0 && (std::fabs(v) >= 1e7 || std::fabs(v) < 1e-3))
    std::snprintf(buf, sizeof buf, "%.*e", precision, v);
  else
    std::snprintf(buf, sizeof buf, "%.*f", precision, v);
  return buf;
}

nlohmann::ordered_json stats_json(const StatSet& s) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const Stat& st : s.stats) {
    nlohmann::ordered_json v;
    if (std::holds_alternative<double>(st.value))
      v["value"] = std::get<double>(st.value);
    else
      v["value"] = std::get<std::string>(st.value);
    v["unit"] = st.unit;
    v["description"] = st.description;
    if (st.wall_clock) v["wall_clock"] = true;
    j[st.key] = v;
  }
  j["per_frame"] = s.frames;
  return j;
}

std::string csv_field(const std::string& x) {
  if (x.find_first_of(",\"\n") == std::string::npos) return x;
  std::string q = "\"";
  for (char c : x) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string stats_csv(const StatSet& s) {
  std::ostringstream o;
  o << "key,value,unit,description\n";
  for (const Stat& st : s.stats) {
    std::string v;
    if (std::holds_alternative<double>(st.value)) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", std::get<double>(st.value));
      v = buf;
    } else {
      v = std::get<std::string>(st.value);
    }
    o << csv_field(st.key) << ',' << csv_field(v) << ',' << csv_field(st.unit) << ','
      << csv_field(st.description) << '\n';
  }
  return o.str();
}

std::string aligned_table(const std::vector<std::string>& header,
                          const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> w(header.size(), 0);
  for (size_t c = 0; c < header.size(); ++c) w[c] = header[c].size();
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size() && c < w.size(); ++c) w[c] = std::max(w[c], r[c].size());
  auto numeric = [](const std::string& x) {
    return !x.empty() && (std::isdigit(static_cast<unsigned char>(x[0])) || x[0] == '-');
  };
  std::ostringstream o;
  auto line = [&](const std::vector<std::string>& r, bool head) {
    for (size_t c = 0; c < w.size(); ++c) {
      const std::string x = c < r.size() ? r[c] : "";
      const std::string pad(w[c] - x.size(), ' ');
      o << (c ? "  " : "") << (!head && numeric(x) ? pad + x : x + (c + 1 < w.size() ? pad : ""));
    }
    o << '\n';
  };
  line(header, true);
  size_t total = 0;
  for (size_t c = 0; c < w.size(); ++c) total += w[c] + (c ? 2 : 0);
  o << std::string(total, '-') << '\n';
  for (const auto& r : rows) line(r, false);
  return o.str();
}

std::string summary_text(const StatSet& s) {
  std::vector<std::vector<std::string>> rows;
  for (const Stat& st : s.stats) {
    const std::string v = std::holds_alternative<double>(st.value)
                              ? fmt(std::get<double>(st.value))
                              : std::get<std::string>(st.value);
    rows.push_back({st.key, v, st.unit, st.description});
  }
  return aligned_table({"stat", "value", "unit", "definition"}, rows);
}

std::string timeline_json(const Timeline& timeline) {
  // Written as text, one event per line: a JSON document of 10^5 events held as a tree costs
  // about 2 KB of host memory each, the text about 120 B.
  const std::vector<TimelineEvent>& events = timeline.events;
  // One track (thread) per resource; timestamps in microseconds as the format requires.
  std::map<std::string, int> tid;
  for (const TimelineEvent& e : events) tid.emplace(e.track, 0);
  int next = 1;
  for (auto& [name, id] : tid) id = next++;
  auto str = [](const std::string& v) { return nlohmann::json(v).dump(); };
  auto num = [](double v) { return nlohmann::json(v).dump(); };
  std::string out = "{\"traceEvents\":[\n";
  out += R"({"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"ngpc-sim frame"}})";
  for (const auto& [name, id] : tid) {
    out += ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + std::to_string(id) +
           ",\"args\":{\"name\":" + str(name) + "}}";
  }
  for (const TimelineEvent& e : events) {
    out += ",\n{\"name\":" + str(e.name) + ",\"cat\":" + str(e.track) +
           ",\"ph\":\"X\",\"pid\":1,\"tid\":" + std::to_string(tid[e.track]) +
           ",\"ts\":" + num(e.start_s * 1e6) + ",\"dur\":" + num(e.dur_s * 1e6) + "}";
  }
  // What a capped timeline leaves out, for the reader (trace viewers show otherData as metadata).
  out += "\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"frame\":"
         "\"first frame replayed, intervals in completion order\",\"events_kept\":" +
         std::to_string(events.size()) + ",\"events_dropped\":" +
         std::to_string(timeline.dropped) + ",\"limit\":" + std::to_string(timeline.limit) +
         "}}\n";
  return out;
}

}  // namespace ngpc
