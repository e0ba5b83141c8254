#include "sim/import/nsys_import.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

#include "sim/error.h"
#include "sim/json/input_file.h"
#include "sim/json/parse.h"
#include "sim/json/utf8.h"
#include "sim/trace/trace_io.h"
#include "sim/workloads/apps.h"

namespace ngpc::trace {

namespace {

// Columns of `nsys stats --report cuda_gpu_trace --format csv` that the import needs. Recent nsys
// versions write: Start (ns), Duration (ns), CorrId, GrdX, GrdY, GrdZ, BlkX, BlkY, BlkZ, Reg/Trd,
// StcSMem (MB), DymSMem (MB), Bytes (MB), Throughput (MB/s), SrcMemKd, DstMemKd, Device, Ctx,
// GreenCtx, Strm, Name (older ones lack GreenCtx); columns are found by name, not position.
const char* const kRequired[] = {"Start (ns)", "Duration (ns)", "GrdX", "GrdY", "GrdZ",
                                 "BlkX",       "BlkY",          "BlkZ", "Name"};

struct Row {
  size_t line = 0;
  uint64_t start_ns = 0;
  double duration_ns = 0;
  uint64_t grid[3] = {0, 0, 0};
  uint64_t block[3] = {0, 0, 0};
  std::string name;
};

class CsvReader {
 public:
  explicit CsvReader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(size_t line, const std::string& msg) const {
    throw InputError(origin_ + ":" + std::to_string(line) + ": " + msg);
  }

  uint64_t uint(const std::string& s, size_t line, const char* column) const {
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (s.empty() || s[0] == '-' || *end != '\0' || errno == ERANGE) {
      fail(line, std::string("column \"") + column + "\": expected a non-negative integer, got \"" +
                     s + "\"");
    }
    return v;
  }

  double number(const std::string& s, size_t line, const char* column) const {
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !std::isfinite(v) || v < 0) {
      fail(line, std::string("column \"") + column + "\": expected a non-negative number, got \"" +
                     s + "\"");
    }
    return v;
  }

 private:
  std::string origin_;
};

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

uint64_t mul_sat(uint64_t a, uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
  return a * b;
}

// Elements a launch processes, from its launch dimensions (docs/trace-format.md, import-nsys).
uint64_t launch_queries(const std::string& kind, const Row& r) {
  if (kind == "encode") {
    // tcnn kernel_grid: one thread per element and level; gridDim.y is the level count.
    return mul_sat(mul_sat(mul_sat(r.grid[0], r.grid[2]), mul_sat(r.block[0], r.block[1])),
                   r.block[2]);
  }
  if (kind == "mlp") {
    // tcnn fully fused MLP forward: 16 * N_ITERS = 128 elements per block (widths up to 128),
    // whatever the block's thread count (32 x width/16).
    return mul_sat(mul_sat(mul_sat(r.grid[0], r.grid[1]), r.grid[2]), 128);
  }
  uint64_t threads = 1;
  for (int i = 0; i < 3; ++i) threads = mul_sat(mul_sat(threads, r.grid[i]), r.block[i]);
  return threads;
}

std::string read_text(const std::string& path) {
  std::string text = json_input::read_input_file(path, "CSV", kMaxTraceFileBytes,
                                                 "export fewer frames (nsys --duration or a "
                                                 "narrower capture range)");
  if (starts_with(text, "\xEF\xBB\xBF")) text.erase(0, 3);  // UTF-8 BOM from Windows exports
  return text;
}

void load_models(const NsysImportOptions& o, Trace* t, std::string* source) {
  if (!o.models_file.empty()) {
    const nlohmann::json doc = json_input::read_json_file(o.models_file, trace_json_kind("models"));
    // Either a file holding a models object, or a whole trace whose models are reused.
    if (doc.is_object() && doc.contains("format")) {
      Trace other = parse_trace(doc, o.models_file);
      t->encodings = other.encodings;
      t->mlps = other.mlps;
    } else {
      parse_models(doc, o.models_file, "", &t->encodings, &t->mlps);
    }
    *source = "models from " + o.models_file;
    return;
  }
  std::string like = o.like.empty() ? o.app : o.like;
  if (is_app(like)) {
    AppModels m = app_models(like);
    t->encodings = std::move(m.encodings);
    t->mlps = std::move(m.mlps);
    *source = "models: " + like + " defaults (spec section 2, instant-ngp 2022 configuration)";
    return;
  }
  if (!o.like.empty()) {
    throw InputError("--like \"" + o.like + "\": unknown app; expected nerf, nsdf, nvr or gia");
  }
  *source = "no models";
}

}  // namespace

std::string nsys_kernel_kind(const std::string& name) {
  if (name.find("kernel_grid") != std::string::npos) return "encode";
  if (name.find("kernel_mlp_fused") != std::string::npos ||
      name.find("fully_fused") != std::string::npos) {
    return "mlp";
  }
  return "gpu";
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text, const std::string& origin,
                                                std::vector<size_t>* first_lines) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  size_t line = 1, record_line = 1, quote_line = 0;
  bool quoted = false, any = false;
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    records.push_back(std::move(record));
    record.clear();
    if (first_lines) first_lines->push_back(record_line);
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      quote_line = line;
      any = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty() || !record.empty()) end_record();
      ++line;
      record_line = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) {
    throw InputError(origin + ":" + std::to_string(quote_line) +
                     ": unterminated quoted field (is the file truncated?)");
  }
  if (any || !field.empty() || !record.empty()) end_record();
  return records;
}

Trace import_nsys(const NsysImportOptions& o, NsysImportStats* stats_out) {
  NsysImportStats stats;
  const std::string& path = o.csv_path;
  CsvReader csv(path);
  std::string text = read_text(path);
  std::vector<size_t> lines;
  auto records = parse_csv(text, path, &lines);
  text.clear();
  text.shrink_to_fit();

  // nsys may print notices before the header; the header is the first record naming both
  // a "Start (...)" column and "Name".
  size_t header = records.size();
  for (size_t i = 0; i < records.size() && header == records.size(); ++i) {
    const auto& r = records[i];
    bool has_name = std::find(r.begin(), r.end(), "Name") != r.end();
    bool has_start = std::any_of(r.begin(), r.end(),
                                 [](const std::string& f) { return starts_with(f, "Start ("); });
    if (has_name && has_start) header = i;
  }
  if (header == records.size()) {
    throw InputError(path +
                     ": no cuda_gpu_trace header found (a line with columns \"Start (ns)\", "
                     "\"Duration (ns)\", ..., \"Name\"); export it with: nsys stats --report "
                     "cuda_gpu_trace --format csv --output . REPORT.nsys-rep");
  }
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < records[header].size(); ++i) col.emplace(records[header][i], i);
  for (const char* name : kRequired) {
    if (!col.count(name)) {
      const bool time = starts_with(name, "Start") || starts_with(name, "Duration");
      csv.fail(lines[header], std::string("missing column \"") + name +
                                  "\" in the cuda_gpu_trace header" +
                                  (time ? " (times must be in ns: do not pass --timeunit to nsys "
                                          "stats)"
                                        : ""));
    }
  }
  const size_t width = records[header].size();

  std::vector<Row> rows;
  for (size_t i = header + 1; i < records.size(); ++i) {
    const auto& r = records[i];
    const size_t line = lines[i];
    if (r.size() == 1 && r[0].empty()) continue;
    ++stats.rows;
    if (r.size() != width) {
      csv.fail(line, "expected " + std::to_string(width) + " fields like the header, got " +
                         std::to_string(r.size()));
    }
    Row row;
    row.line = line;
    // Kernel names are whatever bytes the export holds; invalid UTF-8 becomes U+FFFD here, as the
    // trace writer would write it, so the trace imported is the trace written.
    row.name = json_input::valid_utf8(r[col["Name"]]);
    if (starts_with(row.name, "[CUDA memcpy") || starts_with(row.name, "[CUDA memset")) {
      ++stats.skipped_memops;
      continue;
    }
    if (r[col["GrdX"]].empty() || r[col["BlkX"]].empty()) {
      ++stats.skipped_other;  // not a kernel launch
      continue;
    }
    if (row.name.empty()) csv.fail(line, "column \"Name\": empty kernel name");
    row.start_ns = csv.uint(r[col["Start (ns)"]], line, "Start (ns)");
    row.duration_ns = csv.number(r[col["Duration (ns)"]], line, "Duration (ns)");
    if (row.duration_ns > kMaxGpuTimeNs) {
      csv.fail(line, "column \"Duration (ns)\": expected at most 1e12 ns, got \"" +
                         r[col["Duration (ns)"]] + "\"");
    }
    const char* g[3] = {"GrdX", "GrdY", "GrdZ"};
    const char* b[3] = {"BlkX", "BlkY", "BlkZ"};
    for (int d = 0; d < 3; ++d) {
      row.grid[d] = csv.uint(r[col[g[d]]], line, g[d]);
      row.block[d] = csv.uint(r[col[b[d]]], line, b[d]);
    }
    rows.push_back(std::move(row));
  }
  records.clear();
  if (rows.empty()) throw InputError(path + ": no kernel rows (only memcpy/memset or nothing)");
  // Rows are in start order in nsys exports; sort anyway (stable) so frame splitting holds.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.start_ns < b.start_ns; });

  Trace t;
  std::string model_source;
  load_models(o, &t, &model_source);
  const std::string encode_model = !o.encode_model.empty() ? o.encode_model
                                   : t.encodings.empty()   ? ""
                                                           : t.encodings[0].name;
  std::vector<std::string> mlp_models = o.mlp_models;
  if (mlp_models.empty()) {
    for (const auto& m : t.mlps) mlp_models.push_back(m.name);
  }
  if (!o.encode_model.empty() && !t.find_encoding(o.encode_model)) {
    throw InputError("--encode-model \"" + o.encode_model + "\": no such encoding in the models");
  }
  for (const auto& m : o.mlp_models) {
    if (!t.find_mlp(m)) throw InputError("--mlp-models \"" + m + "\": no such MLP in the models");
  }

  const std::string marker = o.frame_marker.empty() ? rows[0].name : o.frame_marker;
  const bool by_gap = o.frame_gap_ns > 0;
  uint64_t prev_end = 0;
  int64_t step = -1;
  size_t mlp_since_encode = 0;
  for (const Row& r : rows) {
    bool new_frame = false;
    if (by_gap) {
      new_frame = t.frames.empty() || double(r.start_ns) - double(prev_end) > o.frame_gap_ns;
    } else {
      new_frame = r.name.find(marker) != std::string::npos;
    }
    prev_end = std::max(prev_end, r.start_ns + static_cast<uint64_t>(r.duration_ns));
    if (new_frame) {
      if (t.frames.size() >= kMaxFrames) {
        csv.fail(r.line, "more than " + std::to_string(kMaxFrames) +
                             " frames; check --frame-marker / --frame-gap-ns");
      }
      Frame f;
      f.index = static_cast<uint32_t>(t.frames.size());
      t.frames.push_back(std::move(f));
      step = -1;
      mlp_since_encode = 0;
    }
    if (t.frames.empty()) {
      ++stats.before_first_frame;  // warm-up before the first marker
      continue;
    }
    Frame& f = t.frames.back();
    if (f.kernels.size() >= kMaxKernelsPerFrame) {
      csv.fail(r.line, "more than " + std::to_string(kMaxKernelsPerFrame) + " kernels in frame " +
                           std::to_string(f.index) + "; check --frame-marker / --frame-gap-ns");
    }
    Kernel k;
    k.kind = nsys_kernel_kind(r.name);
    k.name = r.name;
    k.queries = launch_queries(k.kind, r);
    k.gpu_time_ns = r.duration_ns;
    if (k.kind == "encode") {
      if (encode_model.empty()) {
        csv.fail(r.line, "encode kernel \"" + r.name +
                             "\" but no encoding model; pass --like APP or --models FILE");
      }
      k.model = encode_model;
      if (o.steps) ++step;
      mlp_since_encode = 0;
    } else if (k.kind == "mlp") {
      if (mlp_models.empty()) {
        csv.fail(r.line, "MLP kernel \"" + r.name +
                             "\" but no MLP model; pass --like APP or --models FILE");
      }
      k.model = mlp_models[std::min(mlp_since_encode, mlp_models.size() - 1)];
      ++mlp_since_encode;
    }
    k.step = step;
    f.kernels.push_back(std::move(k));
  }
  if (t.frames.empty()) {
    throw InputError("--frame-marker \"" + marker + "\": no kernel name in " + path +
                     " contains it");
  }

  Header& h = t.header;
  // Options and file names are bytes too (sim/json/utf8.h).
  h.app = json_input::valid_utf8(!o.app.empty() ? o.app : !o.like.empty() ? o.like : "unknown");
  if (!t.encodings.empty()) {
    // Header label spelling ("lowres-densegrid") differs from the role's ("lowres_densegrid").
    h.encoding =
        t.encodings[0].role == "lowres_densegrid" ? "lowres-densegrid" : t.encodings[0].role;
  }
  h.width = o.width;
  h.height = o.height;
  h.samples_per_pixel = o.samples_per_pixel;
  h.seed = o.seed;
  uint64_t encode_queries = 0;
  for (const auto& f : t.frames) {
    for (const auto& k : f.kernels) {
      if (k.kind == "encode") encode_queries += k.queries;
      ++stats.kernels;
    }
  }
  // Elements per pixel per frame seen by the encoding; launch rounding makes it an upper bound.
  h.queries_per_pixel =
      double(encode_queries) / double(t.frames.size()) / (double(o.width) * double(o.height));
  h.gpu_time_source = json_input::valid_utf8("measured:" + path);
  std::string split = by_gap ? "at idle gaps > " + std::to_string(o.frame_gap_ns) + " ns"
                             : "at kernels whose name contains \"" + marker + "\"";
  h.provenance = "ngpc-sim " NGPC_VERSION " trace import-nsys of " + path + " (" +
                 std::to_string(stats.rows) + " rows; " + std::to_string(stats.skipped_memops) +
                 " memcpy/memset and " + std::to_string(stats.skipped_other) +
                 " other non-kernel rows skipped; " + std::to_string(stats.before_first_frame) +
                 " kernels before the first frame dropped); frames split " + split + "; " +
                 (o.steps ? "a step starts at each encode kernel" : "no steps") +
                 "; queries from launch dimensions; " + model_source +
                 "; rules: docs/trace-format.md";
  h.provenance = json_input::valid_utf8(h.provenance);
  t.positions.type = "none";
  t.path = path;

  // The result must be a valid trace; check it the same way a reader will.
  parse_trace(trace_to_json(t), path + " (as imported)");
  if (stats_out) *stats_out = stats;
  return t;
}

}  // namespace ngpc::trace
