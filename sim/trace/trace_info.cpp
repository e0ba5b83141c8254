#include "sim/trace/trace_info.h"

#include <cstdio>
#include <map>

#include "sim/trace/trace_io.h"

namespace ngpc::trace {

namespace {

uint64_t add_sat(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void add(KindTotals* t, const Kernel& k) {
  t->kernels += 1;
  t->queries = add_sat(t->queries, k.queries);
  t->gpu_time_ns += k.gpu_time_ns;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string ms(double ns) {
  return fmt("%.3f", ns / 1e6);
}

std::string num(double v) {
  // Integral values print without a fraction (e.g. spp 1), others with up to 6 digits.
  return fmt(v == static_cast<double>(static_cast<int64_t>(v)) ? "%.0f" : "%.6g", v);
}

// A plain text table: first column left-aligned, the others right-aligned, two spaces apart.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  std::string str(const std::string& indent = "  ") const {
    std::vector<size_t> width;
    for (const auto& r : rows_) {
      for (size_t i = 0; i < r.size(); ++i) {
        if (width.size() <= i) width.push_back(0);
        width[i] = std::max(width[i], r[i].size());
      }
    }
    std::string out;
    for (const auto& r : rows_) {
      std::string line = indent;
      for (size_t i = 0; i < r.size(); ++i) {
        std::string pad(width[i] - r[i].size(), ' ');
        if (i > 0) line += "  ";
        line += (i == 0 || left_.count(i)) ? r[i] + pad : pad + r[i];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  }
  void left(size_t column) { left_[column] = true; }

 private:
  std::vector<std::vector<std::string>> rows_;
  std::map<size_t, bool> left_;
};

nlohmann::json kind_json(const TraceSummary& s, const KindTotals& k) {
  return {{"kernels", k.kernels},
          {"queries", k.queries},
          {"gpu_time_ns", k.gpu_time_ns},
          {"gpu_time_share_pct", gpu_time_share_pct(s, k)}};
}

}  // namespace

TraceSummary summarize(const Trace& trace) {
  TraceSummary s;
  s.frames = trace.frames.size();
  std::map<int64_t, StepTotals> steps;
  for (const auto& f : trace.frames) {
    for (const auto& k : f.kernels) {
      KindTotals* kind = k.kind == "encode" ? &s.encode : k.kind == "mlp" ? &s.mlp : &s.gpu;
      add(kind, k);
      add(&s.total, k);
      StepTotals& st = steps[k.step < 0 ? -1 : k.step];
      st.step = k.step < 0 ? -1 : k.step;
      st.kernels += 1;
      if (k.kind == "encode") st.encode_queries = add_sat(st.encode_queries, k.queries);
      if (k.kind == "mlp") st.mlp_queries = add_sat(st.mlp_queries, k.queries);
      st.gpu_time_ns += k.gpu_time_ns;
    }
  }
  for (const auto& [id, st] : steps) s.steps.push_back(st);
  return s;
}

double gpu_time_share_pct(const TraceSummary& s, const KindTotals& part) {
  return s.total.gpu_time_ns > 0 ? 100.0 * part.gpu_time_ns / s.total.gpu_time_ns : 0.0;
}

std::string summary_text(const Trace& t, const TraceSummary& s, bool steps) {
  const Header& h = t.header;
  std::string out;
  auto line = [&](const std::string& key, const std::string& value) {
    std::string k = key;
    k.resize(12, ' ');
    out += k + value + "\n";
  };
  line("trace", (t.path.empty() ? "(in memory)" : t.path) + "  (" + kTraceFormat + " v" +
                    std::to_string(kTraceVersion) + ")");
  line("app", h.app + (h.encoding.empty() ? "" : "  (encoding " + h.encoding + ")"));
  const double pixels = double(h.width) * double(h.height);
  line("resolution", std::to_string(h.width) + " x " + std::to_string(h.height) + " px (" +
                         num(pixels) + " pixels), " + num(h.samples_per_pixel) +
                         " samples/pixel, " + num(h.queries_per_pixel) + " queries/pixel");
  line("seed", std::to_string(h.seed));
  line("provenance", h.provenance.empty() ? "(not stated)" : h.provenance);
  line("GPU times", h.gpu_time_source);
  std::string pos = t.positions.type;
  if (t.positions.type == "procedural") pos += ", scene " + t.positions.scene;
  if (t.positions.type == "file") pos += ", " + t.positions.file;
  line("positions", pos);
  line("frames", std::to_string(s.frames));
  out += "\n";

  const double frames = s.frames > 0 ? double(s.frames) : 1.0;
  Table kinds({"kind", "kernels", "queries", "queries/frame", "GPU time (ms)",
               "GPU time/frame (ms)", "share (%)"});
  auto kind_row = [&](const char* name, const KindTotals& k) {
    kinds.row({name, std::to_string(k.kernels), std::to_string(k.queries),
               num(static_cast<double>(k.queries) / frames), ms(k.gpu_time_ns),
               ms(k.gpu_time_ns / frames), fmt("%.2f", gpu_time_share_pct(s, k))});
  };
  kind_row("encode", s.encode);
  kind_row("mlp", s.mlp);
  kind_row("gpu", s.gpu);
  kind_row("total", s.total);
  out += "by kernel kind (queries: elements as launched; GPU time: baseline GPU)\n" + kinds.str();
  const double frame_ns = s.total.gpu_time_ns / frames;
  out += "\nmean baseline GPU frame time: " + ms(frame_ns) + " ms" +
         (frame_ns > 0 ? " (" + fmt("%.2f", 1e9 / frame_ns) + " FPS)" : "") + "\n";

  if (steps) {
    Table st({"step", "kernels", "encode queries", "mlp queries", "GPU time (ms)", "share (%)"});
    for (const auto& x : s.steps) {
      KindTotals as_kind;
      as_kind.gpu_time_ns = x.gpu_time_ns;
      st.row({x.step < 0 ? "standalone" : std::to_string(x.step), std::to_string(x.kernels),
              std::to_string(x.encode_queries), std::to_string(x.mlp_queries), ms(x.gpu_time_ns),
              fmt("%.2f", gpu_time_share_pct(s, as_kind))});
    }
    out += "\nby step, all frames (kernels sharing a step form one batch pipeline)\n" + st.str();
  }

  out += "\nencodings (tiny-cuda-nn parameters)\n";
  if (t.encodings.empty()) {
    out += "  (none)\n";
  } else {
    Table enc({"name", "type", "role", "dims", "levels", "features", "log2(T)", "N_min", "b",
               "N_max", "interpolation", "precision"});
    enc.left(1);
    enc.left(2);
    enc.left(10);
    enc.left(11);
    for (const auto& e : t.encodings) {
      enc.row({e.name, e.type, e.role, std::to_string(e.dims), std::to_string(e.levels),
               std::to_string(e.features), std::to_string(e.log2_table_size),
               std::to_string(e.base_resolution),
               e.per_level_scale > 0 ? fmt("%.6g", e.per_level_scale) : "from N_max", num(e.n_max),
               e.interpolation, e.precision});
    }
    out += enc.str();
  }
  out += "\nMLPs (fully fused)\n";
  if (t.mlps.empty()) {
    out += "  (none)\n";
  } else {
    Table mlp({"name", "input width", "width", "hidden layers", "output width", "hidden activation",
               "output activation"});
    mlp.left(5);
    mlp.left(6);
    for (const auto& m : t.mlps) {
      mlp.row({m.name, std::to_string(m.input_width), std::to_string(m.width),
               std::to_string(m.hidden_layers), std::to_string(m.output_width), m.hidden_activation,
               m.output_activation});
    }
    out += mlp.str();
  }
  return out;
}

nlohmann::json summary_json(const Trace& t, const TraceSummary& s) {
  nlohmann::json j;
  j["file"] = t.path;
  j["format"] = kTraceFormat;
  j["version"] = kTraceVersion;
  j["header"] = trace_to_json(Trace{t.header, {}, {}, {}, {}, {}})["header"];
  j["positions"] = {{"type", t.positions.type}};
  if (t.positions.type == "procedural") j["positions"]["scene"] = t.positions.scene;
  if (t.positions.type == "file") j["positions"]["file"] = t.positions.file;
  j["frames"] = s.frames;
  j["by_kind"] = {{"encode", kind_json(s, s.encode)},
                  {"mlp", kind_json(s, s.mlp)},
                  {"gpu", kind_json(s, s.gpu)},
                  {"total", kind_json(s, s.total)}};
  j["mean_frame_gpu_time_ns"] = s.frames > 0 ? s.total.gpu_time_ns / double(s.frames) : 0.0;
  j["steps"] = nlohmann::json::array();
  for (const auto& x : s.steps) {
    j["steps"].push_back({{"step", x.step < 0 ? nlohmann::json(nullptr) : nlohmann::json(x.step)},
                          {"kernels", x.kernels},
                          {"encode_queries", x.encode_queries},
                          {"mlp_queries", x.mlp_queries},
                          {"gpu_time_ns", x.gpu_time_ns}});
  }
  j["models"] = models_to_json(t.encodings, t.mlps);
  return j;
}

}  // namespace ngpc::trace
