// Trace reader: the safe JSON reader (size and nesting limits, duplicate keys, positioned syntax
// errors; sim/json), format/version check, JSON Schema (docs/trace-schema.json), then conversion
// with the typed accessors of sim/json/value.h and the semantic checks the schema cannot express
// (model references and kinds, deps, frame order, n_max >= N_min).
#include <filesystem>
#include <map>
#include <string_view>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "sim/error.h"
#include "sim/json/parse.h"
#include "sim/json/utf8.h"
#include "sim/json/value.h"
#include "sim/trace/trace_io.h"
#include "trace_schema_text.h"

namespace ngpc::trace {

using nlohmann::json;

namespace {

using json_input::Source;
using json_input::Value;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

uint32_t u32(const Value& v, uint64_t lo, uint64_t hi, std::string_view what) {
  return static_cast<uint32_t>(v.integer(lo, hi, what));
}

bool is_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string model_name(const Value& obj) {
  const char* what = "a model name (letters, digits, '_', '-', '.'; 1 to 64 characters)";
  const Value v = obj.get("name", what);
  std::string name = v.nonempty_string(what);
  if (!is_name(name)) v.expected(what);
  return name;
}

EncodingModel parse_encoding(const Value& j) {
  j.expect_keys({"name", "type", "role", "dims", "levels", "features", "log2_table_size",
                 "base_resolution", "per_level_scale", "n_max", "interpolation", "precision"},
                "an encoding");
  EncodingModel e;
  e.name = model_name(j);
  e.type = j.get("type", "the grid type").choice({"hashgrid", "densegrid", "tiledgrid"});
  e.role = j.get("role", "the encoding-engine mode")
               .choice({"hashgrid", "densegrid", "lowres_densegrid"});
  e.dims = u32(j.get("dims", "2 or 3"), 2, 3, "input dimensions");
  e.levels = u32(j.get("levels", "1..32"), 1, 32, "resolution levels");
  const Value f = j.get("features", "1, 2, 4 or 8");
  e.features = u32(f, 1, 8, "features per level");
  if (e.features != 1 && e.features != 2 && e.features != 4 && e.features != 8) {
    f.expected("1, 2, 4 or 8 (features per level)");
  }
  e.log2_table_size =
      u32(j.get("log2_table_size", "1..32"), 1, 32, "log2 of hash table entries per level");
  e.base_resolution = u32(j.get("base_resolution", "1..1000000"), 1, 1000000, "N_min");
  const Value b = j.find("per_level_scale");
  const Value n = j.find("n_max");
  if (!b.present() && !n.present()) {
    j.fail_member("n_max", "missing; expected per_level_scale or n_max");
  }
  if (b.present()) e.per_level_scale = b.number(0, 1000, "growth factor b");
  if (n.present()) e.n_max = n.number(1, 1e7, "finest resolution");
  if (e.per_level_scale == 0) {
    if (!n.present()) j.fail_member("n_max", "missing; expected n_max when per_level_scale is 0");
    if (e.n_max < e.base_resolution) {
      n.expected("a number >= base_resolution (" + std::to_string(e.base_resolution) + ")");
    }
  }
  e.interpolation =
      j.get("interpolation", "the interpolation").choice({"nearest", "linear", "smoothstep"});
  e.precision = j.get("precision", "the feature precision").choice({"fp16", "fp32"});
  return e;
}

std::string activation(const Value& j, const char* key) {
  return j.get(key, "an activation")
      .choice({"none", "relu", "leaky_relu", "exponential", "sine", "sigmoid", "squareplus",
               "softplus", "tanh"});
}

MlpModel parse_mlp(const Value& j) {
  j.expect_keys({"name", "input_width", "width", "hidden_layers", "output_width",
                 "hidden_activation", "output_activation"},
                "an MLP");
  MlpModel m;
  m.name = model_name(j);
  m.input_width = u32(j.get("input_width", "1..4096"), 1, 4096, "input features");
  const Value w = j.get("width", "16, 32, 64 or 128");
  m.width = u32(w, 16, 128, "hidden width");
  if (m.width != 16 && m.width != 32 && m.width != 64 && m.width != 128) {
    w.expected("16, 32, 64 or 128 (fully fused MLP width)");
  }
  m.hidden_layers = u32(j.get("hidden_layers", "1..64"), 1, 64, "hidden layers");
  m.output_width = u32(j.get("output_width", "1..4096"), 1, 4096, "output features");
  m.hidden_activation = activation(j, "hidden_activation");
  m.output_activation = activation(j, "output_activation");
  return m;
}

void parse_models_checked(const Value& j, std::vector<EncodingModel>* encodings,
                          std::vector<MlpModel>* mlps) {
  j.expect_keys({"encodings", "mlps"}, "the models");
  const Value e = j.get("encodings", "a list of encodings");
  const Value m = j.get("mlps", "a list of MLPs");
  e.expect_array(0, kMaxModels, "a list of at most " + std::to_string(kMaxModels) + " encodings");
  m.expect_array(0, kMaxModels, "a list of at most " + std::to_string(kMaxModels) + " MLPs");
  std::map<std::string, std::string> seen;  // name -> path of its declaration
  auto unique = [&](const std::string& name, const Value& at) {
    auto [it, fresh] = seen.emplace(name, at.path());
    if (!fresh) {
      at.fail_member("name", "duplicate model name \"" + name + "\" (also " + it->second + ")");
    }
  };
  encodings->clear();
  mlps->clear();
  for (size_t i = 0; i < e.json().size(); ++i) {
    const Value at = e.at(i);
    encodings->push_back(parse_encoding(at));
    unique(encodings->back().name, at);
  }
  for (size_t i = 0; i < m.json().size(); ++i) {
    const Value at = m.at(i);
    mlps->push_back(parse_mlp(at));
    unique(mlps->back().name, at);
  }
}

Header parse_header(const Value& j) {
  j.expect_keys({"app", "encoding", "resolution", "samples_per_pixel", "queries_per_pixel", "seed",
                 "provenance", "gpu_time_source"},
                "the header");
  Header h;
  h.app = j.get("app", "the application name").nonempty_string("the application name");
  if (const Value e = j.find("encoding"); e.present()) {
    h.encoding = e.string("the encoding variant label");
  }
  const Value r = j.get("resolution", "{\"width\": W, \"height\": H}");
  r.expect_keys({"width", "height"}, "the resolution");
  h.width = u32(r.get("width", "pixels"), 1, kMaxResolution, "pixels");
  h.height = u32(r.get("height", "pixels"), 1, kMaxResolution, "pixels");
  h.samples_per_pixel = j.get("samples_per_pixel", "a number > 0")
                            .number(0, kMaxSamplesPerPixel, "camera samples per pixel", true);
  h.queries_per_pixel = j.get("queries_per_pixel", "a number >= 0")
                            .number(0, kMaxQueriesPerPixel, "queries per pixel per frame");
  h.seed = j.get("seed", "an unsigned integer").integer(0, UINT64_MAX, "seed");
  h.provenance = j.get("provenance", "how the trace was made").string("how the trace was made");
  const char* src_what = "\"model:<profile>\" or \"measured:<file>\"";
  const Value src = j.get("gpu_time_source", src_what);
  h.gpu_time_source = src.nonempty_string(src_what);
  const std::string& s = h.gpu_time_source;
  bool ok =
      (s.rfind("model:", 0) == 0 && s.size() > 6) || (s.rfind("measured:", 0) == 0 && s.size() > 9);
  if (!ok) src.expected(src_what);
  return h;
}

PositionsSpec parse_positions(const Value& j) {
  j.expect_keys({"type", "scene", "params", "file"}, "the positions source");
  PositionsSpec p;
  p.type = j.get("type", "the positions source type").choice({"procedural", "file", "none"});
  const Value scene = j.find("scene");
  const Value params = j.find("params");
  const Value file = j.find("file");
  if (p.type == "procedural") {
    if (!scene.present()) {
      j.fail_member("scene", "missing; expected the scene name of a procedural source");
    }
    if (file.present()) file.fail("not allowed with type \"procedural\"");
    p.scene = scene.nonempty_string("a scene name");
    if (params.present()) {
      params.expect_object("the scene parameters");
      // The document's root and "positions" take two of the allowed levels.
      if (json_input::nesting_depth(params.json()) > kMaxJsonDepth - 2) {
        params.fail("nested deeper than " + std::to_string(kMaxJsonDepth) +
                    " levels in the document");
      }
      p.params = params.json();
    }
  } else if (p.type == "file") {
    if (!file.present()) {
      j.fail_member("file", "missing; expected the positions file (relative path)");
    }
    if (scene.present()) scene.fail("not allowed with type \"file\"");
    if (params.present()) params.fail("not allowed with type \"file\"");
    p.file = file.nonempty_string("a file name");
  } else {
    if (scene.present() || params.present() || file.present()) {
      j.fail("type \"none\" takes no other keys, got " + json_input::show(j.json()));
    }
  }
  return p;
}

Kernel parse_kernel(const Value& j, size_t index, const Trace& t) {
  j.expect_keys({"kind", "name", "model", "queries", "gpu_time_ns", "step", "dram_bytes", "deps"},
                "a kernel");
  Kernel k;
  k.kind = j.get("kind", "the kernel kind").choice({"encode", "mlp", "gpu"});
  k.name = j.get("name", "the kernel name").nonempty_string("the kernel name");
  const Value model = j.find("model");
  if (k.kind == "gpu") {
    if (model.present()) {
      model.fail("gpu kernels have no model, got " + json_input::show(model.json()));
    }
  } else {
    const bool encode = k.kind == "encode";
    const char* want = encode ? "an encoding" : "an MLP";
    if (!model.present()) {
      j.fail_member("model", std::string("missing; expected the name of ") + want);
    }
    k.model = model.nonempty_string(encode ? "the name of an encoding" : "the name of an MLP");
    const bool found =
        encode ? t.find_encoding(k.model) != nullptr : t.find_mlp(k.model) != nullptr;
    if (!found) {
      std::vector<std::string> names;
      if (encode) {
        for (const auto& e : t.encodings) names.push_back(e.name);
      } else {
        for (const auto& m : t.mlps) names.push_back(m.name);
      }
      const bool other_kind =
          encode ? t.find_mlp(k.model) != nullptr : t.find_encoding(k.model) != nullptr;
      if (other_kind) {
        model.fail("\"" + k.model + "\" is " +
                   (encode ? "an MLP, but an encode" : "an encoding, but an mlp") +
                   " kernel needs " + want + " (declared: " + join(names) + ")");
      }
      model.fail("unknown model \"" + k.model + "\"; expected " + want +
                 " declared in /models (declared: " + join(names) + ")");
    }
  }
  k.queries =
      j.get("queries", "an integer").integer(0, kMaxQueriesPerKernel, "elements as launched");
  k.gpu_time_ns =
      j.get("gpu_time_ns", "a number >= 0").number(0, kMaxGpuTimeNs, "baseline GPU time in ns");
  if (const Value s = j.find("step"); s.present()) {
    k.step = static_cast<int64_t>(s.integer(0, 1000000000, "batch pipeline"));
  }
  if (const Value d = j.find("dram_bytes"); d.present()) {
    if (k.kind != "gpu") d.fail("only gpu kernels carry dram_bytes");
    k.dram_bytes = d.integer(0, kMaxDramBytes, "DRAM bytes");
  }
  if (const Value deps = j.find("deps"); deps.present()) {
    if (!deps.json().is_array()) deps.expected("a list of kernel indices");
    for (size_t i = 0; i < deps.json().size(); ++i) {
      const Value d = deps.at(i);
      if (index == 0) d.expected("no deps (the first kernel has no earlier kernel)");
      const auto dep = static_cast<uint32_t>(
          d.integer(0, index - 1, "the index of an earlier kernel of this frame"));
      for (uint32_t prev : k.deps) {
        if (prev == dep) d.expected("distinct kernel indices");
      }
      k.deps.push_back(dep);
    }
  }
  return k;
}

Frame parse_frame(const Value& j, size_t position, const Trace& t) {
  j.expect_keys({"index", "kernels"}, "a frame");
  Frame f;
  f.index = static_cast<uint32_t>(position);
  if (const Value idx = j.find("index"); idx.present()) {
    uint64_t lo = t.frames.empty() ? 0 : uint64_t{t.frames.back().index} + 1;
    f.index = u32(idx, lo, UINT32_MAX, "frame number, increasing through the trace");
  } else if (!t.frames.empty() && t.frames.back().index >= f.index) {
    j.fail_member("index", "missing; expected an explicit index after frame " +
                               std::to_string(t.frames.back().index));
  }
  const Value ks = j.get("kernels", "a list of kernels");
  const size_t n = ks.expect_array(
      1, kMaxKernelsPerFrame, "a list of 1.." + std::to_string(kMaxKernelsPerFrame) + " kernels");
  f.kernels.reserve(n);
  for (size_t i = 0; i < n; ++i) f.kernels.push_back(parse_kernel(ks.at(i), i, t));
  return f;
}

// Converts a document that passed the format/version check; throws on the first problem.
Trace convert(const Value& doc) {
  doc.expect_keys({"format", "version", "header", "models", "positions", "frames"});
  Trace t;
  t.path = doc.source().origin("");
  t.header = parse_header(doc.get("header", "the header object"));
  parse_models_checked(doc.get("models", "the models object"), &t.encodings, &t.mlps);
  if (const Value p = doc.find("positions"); p.present()) {
    t.positions = parse_positions(p);
  } else {
    t.positions = PositionsSpec{};
    t.positions.type = "none";
  }
  const Value frames = doc.get("frames", "a list of frames");
  const size_t n =
      frames.expect_array(1, kMaxFrames, "a list of 1.." + std::to_string(kMaxFrames) + " frames");
  t.frames.reserve(n);
  for (size_t i = 0; i < n; ++i) t.frames.push_back(parse_frame(frames.at(i), i, t));
  return t;
}

const valijson::Schema& trace_schema() {
  // Parsed once; a broken embedded schema is a build defect, hence logic_error (exit 1).
  static const valijson::Schema* schema = [] {
    json doc;
    try {
      doc = json::parse(trace_schema_text);
    } catch (const json::exception& e) {
      throw std::logic_error(std::string("embedded docs/trace-schema.json: ") + e.what());
    }
    auto* s = new valijson::Schema;
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(doc);
    parser.populateSchema(adapter, *s);
    return s;
  }();
  return *schema;
}

// "<root>", "[frames]", "[0]" -> "/frames/0".
std::string pointer_from_context(const std::vector<std::string>& context) {
  std::string out;
  for (const auto& part : context) {
    if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
      json_input::append_key(out, json_input::PathStyle::kPointer, part.substr(1, part.size() - 2));
    }
  }
  return out;
}

// The schema found a problem the converter did not: report the deepest schema error.
[[noreturn]] void fail_schema(const Source& src, const json& doc) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(doc);
  validator.validate(trace_schema(), adapter, &results);
  const valijson::ValidationResults::Error* best = nullptr;
  for (const auto& e : results) {
    if (!best || e.context.size() > best->context.size()) best = &e;
  }
  if (!best) src.fail("", "does not match docs/trace-schema.json");
  std::string path = pointer_from_context(best->context);
  std::string got;
  try {
    got = json_input::show(doc.at(json::json_pointer(path.empty() ? "" : path)));
  } catch (const json::exception&) {
    got = "(absent)";
  }
  src.fail(path, "does not match docs/trace-schema.json: " + best->description + " got " + got +
                     (results.numErrors() > 1
                          ? " (" + std::to_string(results.numErrors() - 1) + " more schema errors)"
                          : ""));
}

}  // namespace

json_input::JsonKind trace_json_kind(const std::string& what) {
  return {what, kMaxTraceFileBytes, json_input::PathStyle::kPointer,
          "split it into smaller traces (docs/trace-format.md \"Limits\")"};
}

void parse_models(const json& models, const std::string& origin, const std::string& path,
                  std::vector<EncodingModel>* encodings, std::vector<MlpModel>* mlps) {
  const Source src(origin);
  const Value root(models, src, path);
  if (json_input::nesting_depth(models) > kMaxJsonDepth) root.fail("nested too deep");
  parse_models_checked(root, encodings, mlps);
}

Trace parse_trace(const json& doc, const std::string& origin) {
  const Source src(origin);
  const Value root(doc, src);
  if (!doc.is_object()) root.expected("a JSON object (an ngpc-trace file)");
  if (json_input::nesting_depth(doc) > kMaxJsonDepth) {
    root.fail("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  // Built in memory from other bytes (an import), a document may hold invalid UTF-8, which the
  // schema validator must not see (sim/json/utf8.h).
  if (auto bad = json_input::invalid_utf8_path(doc, json_input::PathStyle::kPointer)) {
    src.fail(*bad, "not valid UTF-8 text");
  }
  // Format and version first: a file of another version deserves that message, not a list of
  // schema differences.
  const Value format = root.get("format", "\"ngpc-trace\"");
  if (format.json() != kTraceFormat) format.expected("\"ngpc-trace\" (an ngpc-sim trace file)");
  const Value version = root.get("version", std::to_string(kTraceVersion));
  if (version.json() != kTraceVersion) {
    version.fail("unsupported trace format version " + json_input::show(version.json()) +
                 "; expected " + std::to_string(kTraceVersion) + " (this ngpc-sim reads version " +
                 std::to_string(kTraceVersion) + ")");
  }
  // Refuse an oversized frame list before spending time validating each frame.
  auto frames = doc.find("frames");
  if (frames != doc.end() && frames->is_array() && frames->size() > kMaxFrames) {
    src.fail("/frames", "expected a list of 1.." + std::to_string(kMaxFrames) + " frames, got " +
                            std::to_string(frames->size()) + " frames");
  }
  valijson::Validator validator;
  valijson::adapters::NlohmannJsonAdapter adapter(doc);
  bool schema_ok = validator.validate(trace_schema(), adapter, nullptr);
  // The converter's messages say what was expected; use them when it sees the problem too.
  Trace t = convert(root);
  if (!schema_ok) fail_schema(src, doc);
  return t;
}

Trace read_trace(const std::string& path) {
  namespace fs = std::filesystem;
  Trace t = parse_trace(json_input::read_json_file(path, trace_json_kind()), path);
  if (t.positions.type == "file") {
    std::error_code ec;
    std::string pos = positions_file_path(t);
    if (!fs::is_regular_file(pos, ec)) {
      throw InputError(path + ": /positions/file: positions file \"" + pos + "\" does not exist");
    }
  }
  return t;
}

}  // namespace ngpc::trace
