// Trace reader: size limit, JSON parse with positioned errors, format/version check, JSON Schema
// (docs/trace-schema.json), then conversion with the semantic checks the schema cannot express
// (model references and kinds, deps, frame order, n_max >= N_min).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <sstream>
#include <string_view>
#include <utility>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "sim/error.h"
#include "sim/trace/trace_io.h"
#include "trace_schema_text.h"

namespace ngpc::trace {

using nlohmann::json;

namespace {

// A value as it appears in the file, cut short so one message stays one line.
std::string show(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

// JSON Pointer escaping (RFC 6901) for keys in messages.
std::string escape_key(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

// A JSON path built only when a message needs it (a good trace has millions of fields): the
// parent's path plus an optional key.
class Path {
 public:
  Path(const std::string& base) : base_(&base) {}   // NOLINT: implicit on purpose
  Path(const char* literal) : literal_(literal) {}  // NOLINT: implicit on purpose
  Path(const std::string& base, const char* key) : base_(&base), key_(key) {}
  std::string str() const {
    if (!base_) return literal_;
    return key_ ? *base_ + "/" + key_ : *base_;
  }

 private:
  const std::string* base_ = nullptr;
  const char* literal_ = "";
  const char* key_ = nullptr;
};

// Checks one document and throws InputError "<origin>: <path>: expected <what>, got <value>".
// Paths are built only when something is wrong, so good traces pay no string building per field.
class Checker {
 public:
  explicit Checker(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const Path& path, const std::string& message) const {
    std::string p = path.str();
    throw InputError(origin_ + ": " + (p.empty() ? "/" : p) + ": " + message);
  }
  [[noreturn]] void expected(const Path& path, std::string_view what, const json& got) const {
    fail(path, "expected " + std::string(what) + ", got " + show(got));
  }

  void object(const json& v, const Path& path, std::string_view what) const {
    if (!v.is_object()) expected(path, std::string(what) + " (a JSON object)", v);
  }

  // Unknown keys are errors: a typo must not silently fall back to a default.
  void only_keys(const json& obj, const std::string& path,
                 std::initializer_list<const char*> allowed) const {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool ok = false;
      for (const char* a : allowed) ok = ok || it.key() == a;
      if (!ok) {
        std::vector<std::string> names(allowed.begin(), allowed.end());
        fail(path + "/" + escape_key(it.key()), "unknown key; expected one of: " + join(names));
      }
    }
  }

  const json* opt(const json& obj, const char* key) const {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  const json& req(const json& obj, const std::string& path, const char* key,
                  std::string_view what) const {
    auto it = obj.find(key);
    if (it == obj.end()) fail(Path(path, key), "missing; expected " + std::string(what));
    return *it;
  }

  uint64_t uint(const json& v, const Path& path, uint64_t lo, uint64_t hi,
                std::string_view what) const {
    uint64_t x = 0;
    if (v.is_number_unsigned()) {
      x = v.get<uint64_t>();
    } else if (v.is_number_integer() && v.get<int64_t>() >= 0) {
      x = static_cast<uint64_t>(v.get<int64_t>());
    } else {
      expected(path, range_text("an integer", lo, hi, what), v);
    }
    if (x < lo || x > hi) expected(path, range_text("an integer", lo, hi, what), v);
    return x;
  }

  double number(const json& v, const Path& path, double lo, double hi, std::string_view what,
                bool lo_exclusive = false) const {
    // NaN and infinities cannot be written in JSON but can reach us from code or overflow.
    if (v.is_number()) {
      double x = v.get<double>();
      if (std::isfinite(x) && x >= lo && !(lo_exclusive && x == lo) && x <= hi) return x;
    }
    std::ostringstream range;
    range << "a number " << (lo_exclusive ? "> " : ">= ") << lo << " and <= " << hi;
    if (!what.empty()) range << " (" << what << ")";
    expected(path, range.str(), v);
  }

  std::string string(const json& v, const Path& path, std::string_view what, bool nonempty) const {
    if (!v.is_string()) expected(path, std::string(what) + " (a string)", v);
    const auto& s = v.get_ref<const std::string&>();
    if (nonempty && s.empty()) expected(path, std::string(what) + " (a non-empty string)", v);
    return s;
  }

  std::string choice(const json& v, const Path& path,
                     std::initializer_list<const char*> options) const {
    if (v.is_string()) {
      for (const char* o : options) {
        if (v.get_ref<const std::string&>() == o) return o;
      }
    }
    std::vector<std::string> names;
    for (const char* o : options) names.push_back(std::string("\"") + o + "\"");
    expected(path, "one of " + join(names), v);
  }

  const std::string& origin() const { return origin_; }

 private:
  static std::string range_text(const std::string& kind, uint64_t lo, uint64_t hi,
                                std::string_view what) {
    std::string s = kind + " in " + std::to_string(lo) + ".." + std::to_string(hi);
    if (!what.empty()) s += " (" + std::string(what) + ")";
    return s;
  }

  std::string origin_;
};

// Deepest nesting of `root`, computed without recursion so a hostile document cannot overflow
// the stack here (nlohmann's own dump and copy recurse; we check before using them).
int nesting_depth(const json& root) {
  int deepest = 0;
  std::vector<std::pair<const json*, int>> stack{{&root, 1}};
  while (!stack.empty()) {
    auto [v, d] = stack.back();
    stack.pop_back();
    if (!v->is_structured()) continue;
    deepest = std::max(deepest, d);
    if (d > kMaxJsonDepth) return d;
    for (const auto& child : *v) stack.emplace_back(&child, d + 1);
  }
  return deepest;
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

std::string model_name(const Checker& c, const json& obj, const std::string& path) {
  const std::string what = "a model name (letters, digits, '_', '-', '.'; 1 to 64 characters)";
  std::string name = c.string(c.req(obj, path, "name", what), Path(path, "name"), what, true);
  if (!is_name(name)) c.expected(Path(path, "name"), what, obj["name"]);
  return name;
}

EncodingModel parse_encoding(const Checker& c, const json& j, const std::string& path) {
  c.object(j, path, "an encoding");
  c.only_keys(j, path,
              {"name", "type", "role", "dims", "levels", "features", "log2_table_size",
               "base_resolution", "per_level_scale", "n_max", "interpolation", "precision"});
  EncodingModel e;
  e.name = model_name(c, j, path);
  e.type = c.choice(c.req(j, path, "type", "the grid type"), Path(path, "type"),
                    {"hashgrid", "densegrid", "tiledgrid"});
  e.role = c.choice(c.req(j, path, "role", "the encoding-engine mode"), Path(path, "role"),
                    {"hashgrid", "densegrid", "lowres_densegrid"});
  e.dims = static_cast<uint32_t>(
      c.uint(c.req(j, path, "dims", "2 or 3"), Path(path, "dims"), 2, 3, "input dimensions"));
  e.levels = static_cast<uint32_t>(
      c.uint(c.req(j, path, "levels", "1..32"), Path(path, "levels"), 1, 32, "resolution levels"));
  const json& f = c.req(j, path, "features", "1, 2, 4 or 8");
  e.features = static_cast<uint32_t>(c.uint(f, Path(path, "features"), 1, 8, "features per level"));
  if (e.features != 1 && e.features != 2 && e.features != 4 && e.features != 8) {
    c.expected(Path(path, "features"), "1, 2, 4 or 8 (features per level)", f);
  }
  e.log2_table_size = static_cast<uint32_t>(c.uint(c.req(j, path, "log2_table_size", "1..32"),
                                                   Path(path, "log2_table_size"), 1, 32,
                                                   "log2 of hash table entries per level"));
  e.base_resolution =
      static_cast<uint32_t>(c.uint(c.req(j, path, "base_resolution", "1..1000000"),
                                   Path(path, "base_resolution"), 1, 1000000, "N_min"));
  const json* b = c.opt(j, "per_level_scale");
  const json* n = c.opt(j, "n_max");
  if (!b && !n) c.fail(Path(path, "n_max"), "missing; expected per_level_scale or n_max");
  if (b)
    e.per_level_scale = c.number(*b, Path(path, "per_level_scale"), 0, 1000, "growth factor b");
  if (n) e.n_max = c.number(*n, Path(path, "n_max"), 1, 1e7, "finest resolution");
  if (e.per_level_scale == 0) {
    if (!n) c.fail(Path(path, "n_max"), "missing; expected n_max when per_level_scale is 0");
    if (e.n_max < e.base_resolution) {
      c.expected(Path(path, "n_max"),
                 "a number >= base_resolution (" + std::to_string(e.base_resolution) + ")", *n);
    }
  }
  e.interpolation = c.choice(c.req(j, path, "interpolation", "the interpolation"),
                             Path(path, "interpolation"), {"nearest", "linear", "smoothstep"});
  e.precision = c.choice(c.req(j, path, "precision", "the feature precision"),
                         Path(path, "precision"), {"fp16", "fp32"});
  return e;
}

std::string activation(const Checker& c, const json& j, const std::string& path, const char* key) {
  return c.choice(c.req(j, path, key, "an activation"), path + "/" + key,
                  {"none", "relu", "leaky_relu", "exponential", "sine", "sigmoid", "squareplus",
                   "softplus", "tanh"});
}

MlpModel parse_mlp(const Checker& c, const json& j, const std::string& path) {
  c.object(j, path, "an MLP");
  c.only_keys(j, path,
              {"name", "input_width", "width", "hidden_layers", "output_width", "hidden_activation",
               "output_activation"});
  MlpModel m;
  m.name = model_name(c, j, path);
  m.input_width =
      static_cast<uint32_t>(c.uint(c.req(j, path, "input_width", "1..4096"),
                                   Path(path, "input_width"), 1, 4096, "input features"));
  const json& w = c.req(j, path, "width", "16, 32, 64 or 128");
  m.width = static_cast<uint32_t>(c.uint(w, Path(path, "width"), 16, 128, "hidden width"));
  if (m.width != 16 && m.width != 32 && m.width != 64 && m.width != 128) {
    c.expected(Path(path, "width"), "16, 32, 64 or 128 (fully fused MLP width)", w);
  }
  m.hidden_layers =
      static_cast<uint32_t>(c.uint(c.req(j, path, "hidden_layers", "1..64"),
                                   Path(path, "hidden_layers"), 1, 64, "hidden layers"));
  m.output_width =
      static_cast<uint32_t>(c.uint(c.req(j, path, "output_width", "1..4096"),
                                   Path(path, "output_width"), 1, 4096, "output features"));
  m.hidden_activation = activation(c, j, path, "hidden_activation");
  m.output_activation = activation(c, j, path, "output_activation");
  return m;
}

void parse_models_checked(const Checker& c, const json& j, const std::string& path,
                          std::vector<EncodingModel>* encodings, std::vector<MlpModel>* mlps) {
  c.object(j, path, "the models");
  c.only_keys(j, path, {"encodings", "mlps"});
  const json& e = c.req(j, path, "encodings", "a list of encodings");
  const json& m = c.req(j, path, "mlps", "a list of MLPs");
  if (!e.is_array() || e.size() > kMaxModels) {
    c.expected(Path(path, "encodings"),
               "a list of at most " + std::to_string(kMaxModels) + " encodings", e);
  }
  if (!m.is_array() || m.size() > kMaxModels) {
    c.expected(Path(path, "mlps"), "a list of at most " + std::to_string(kMaxModels) + " MLPs", m);
  }
  std::map<std::string, std::string> seen;  // name -> path of its declaration
  auto unique = [&](const std::string& name, const std::string& at) {
    auto [it, fresh] = seen.emplace(name, at);
    if (!fresh)
      c.fail(at + "/name", "duplicate model name \"" + name + "\" (also " + it->second + ")");
  };
  encodings->clear();
  mlps->clear();
  for (size_t i = 0; i < e.size(); ++i) {
    std::string at = path + "/encodings/" + std::to_string(i);
    encodings->push_back(parse_encoding(c, e[i], at));
    unique(encodings->back().name, at);
  }
  for (size_t i = 0; i < m.size(); ++i) {
    std::string at = path + "/mlps/" + std::to_string(i);
    mlps->push_back(parse_mlp(c, m[i], at));
    unique(mlps->back().name, at);
  }
}

Header parse_header(const Checker& c, const json& j) {
  const std::string path = "/header";
  c.object(j, path, "the header");
  c.only_keys(j, path,
              {"app", "encoding", "resolution", "samples_per_pixel", "queries_per_pixel", "seed",
               "provenance", "gpu_time_source"});
  Header h;
  h.app = c.string(c.req(j, path, "app", "the application name"), Path(path, "app"),
                   "the application name", true);
  if (const json* e = c.opt(j, "encoding")) {
    h.encoding = c.string(*e, Path(path, "encoding"), "the encoding variant label", false);
  }
  const json& r = c.req(j, path, "resolution", "{\"width\": W, \"height\": H}");
  const std::string rpath = path + "/resolution";
  c.object(r, rpath, "the resolution");
  c.only_keys(r, rpath, {"width", "height"});
  h.width = static_cast<uint32_t>(c.uint(c.req(r, rpath, "width", "pixels"),
                                         path + "/resolution/width", 1, kMaxResolution, "pixels"));
  h.height =
      static_cast<uint32_t>(c.uint(c.req(r, rpath, "height", "pixels"), path + "/resolution/height",
                                   1, kMaxResolution, "pixels"));
  h.samples_per_pixel =
      c.number(c.req(j, path, "samples_per_pixel", "a number > 0"), Path(path, "samples_per_pixel"),
               0, kMaxSamplesPerPixel, "camera samples per pixel", true);
  h.queries_per_pixel = c.number(c.req(j, path, "queries_per_pixel", "a number >= 0"),
                                 Path(path, "queries_per_pixel"), 0, kMaxQueriesPerPixel,
                                 "queries per pixel per frame");
  h.seed = c.uint(c.req(j, path, "seed", "an unsigned integer"), Path(path, "seed"), 0, UINT64_MAX,
                  "seed");
  h.provenance = c.string(c.req(j, path, "provenance", "how the trace was made"),
                          Path(path, "provenance"), "how the trace was made", false);
  const std::string src_what = "\"model:<profile>\" or \"measured:<file>\"";
  const json& src = c.req(j, path, "gpu_time_source", src_what);
  h.gpu_time_source = c.string(src, Path(path, "gpu_time_source"), src_what, true);
  const std::string& s = h.gpu_time_source;
  bool ok =
      (s.rfind("model:", 0) == 0 && s.size() > 6) || (s.rfind("measured:", 0) == 0 && s.size() > 9);
  if (!ok) c.expected(Path(path, "gpu_time_source"), src_what, src);
  return h;
}

PositionsSpec parse_positions(const Checker& c, const json& j) {
  const std::string path = "/positions";
  c.object(j, path, "the positions source");
  c.only_keys(j, path, {"type", "scene", "params", "file"});
  PositionsSpec p;
  p.type = c.choice(c.req(j, path, "type", "the positions source type"), Path(path, "type"),
                    {"procedural", "file", "none"});
  const json* scene = c.opt(j, "scene");
  const json* params = c.opt(j, "params");
  const json* file = c.opt(j, "file");
  if (p.type == "procedural") {
    if (!scene)
      c.fail(Path(path, "scene"), "missing; expected the scene name of a procedural source");
    if (file) c.fail(Path(path, "file"), "not allowed with type \"procedural\"");
    p.scene = c.string(*scene, Path(path, "scene"), "a scene name", true);
    if (params) {
      c.object(*params, Path(path, "params"), "the scene parameters");
      // The document's root and "positions" take two of the allowed levels.
      if (nesting_depth(*params) > kMaxJsonDepth - 2) {
        c.fail(Path(path, "params"),
               "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels in the document");
      }
      p.params = *params;
    }
  } else if (p.type == "file") {
    if (!file) c.fail(Path(path, "file"), "missing; expected the positions file (relative path)");
    if (scene) c.fail(Path(path, "scene"), "not allowed with type \"file\"");
    if (params) c.fail(Path(path, "params"), "not allowed with type \"file\"");
    p.file = c.string(*file, Path(path, "file"), "a file name", true);
  } else {
    if (scene || params || file) {
      c.fail(path, "type \"none\" takes no other keys, got " + show(j));
    }
  }
  return p;
}

Kernel parse_kernel(const Checker& c, const json& j, const std::string& path, size_t index,
                    const Trace& t) {
  c.object(j, path, "a kernel");
  c.only_keys(j, path,
              {"kind", "name", "model", "queries", "gpu_time_ns", "step", "dram_bytes", "deps"});
  Kernel k;
  k.kind = c.choice(c.req(j, path, "kind", "the kernel kind"), Path(path, "kind"),
                    {"encode", "mlp", "gpu"});
  k.name = c.string(c.req(j, path, "name", "the kernel name"), Path(path, "name"),
                    "the kernel name", true);
  const json* model = c.opt(j, "model");
  if (k.kind == "gpu") {
    if (model) c.fail(Path(path, "model"), "gpu kernels have no model, got " + show(*model));
  } else {
    const bool encode = k.kind == "encode";
    const char* want = encode ? "an encoding" : "an MLP";
    if (!model) c.fail(Path(path, "model"), std::string("missing; expected the name of ") + want);
    k.model = c.string(*model, Path(path, "model"),
                       encode ? "the name of an encoding" : "the name of an MLP", true);
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
        c.fail(Path(path, "model"),
               "\"" + k.model + "\" is " +
                   (encode ? "an MLP, but an encode" : "an encoding, but an mlp") +
                   " kernel needs " + want + " (declared: " + join(names) + ")");
      }
      c.fail(Path(path, "model"), "unknown model \"" + k.model + "\"; expected " + want +
                                      " declared in /models (declared: " + join(names) + ")");
    }
  }
  k.queries = c.uint(c.req(j, path, "queries", "an integer"), Path(path, "queries"), 0,
                     kMaxQueriesPerKernel, "elements as launched");
  k.gpu_time_ns = c.number(c.req(j, path, "gpu_time_ns", "a number >= 0"),
                           Path(path, "gpu_time_ns"), 0, kMaxGpuTimeNs, "baseline GPU time in ns");
  if (const json* s = c.opt(j, "step")) {
    k.step = static_cast<int64_t>(c.uint(*s, Path(path, "step"), 0, 1000000000, "batch pipeline"));
  }
  if (const json* d = c.opt(j, "dram_bytes")) {
    if (k.kind != "gpu") c.fail(Path(path, "dram_bytes"), "only gpu kernels carry dram_bytes");
    k.dram_bytes = c.uint(*d, Path(path, "dram_bytes"), 0, kMaxDramBytes, "DRAM bytes");
  }
  if (const json* deps = c.opt(j, "deps")) {
    if (!deps->is_array()) c.expected(Path(path, "deps"), "a list of kernel indices", *deps);
    for (size_t i = 0; i < deps->size(); ++i) {
      const json& d = (*deps)[i];
      auto at = [&] { return path + "/deps/" + std::to_string(i); };
      if (index == 0) c.expected(at(), "no deps (the first kernel has no earlier kernel)", d);
      if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<uint64_t>() >= index) {
        c.expected(
            at(),
            "the index of an earlier kernel of this frame (0.." + std::to_string(index - 1) + ")",
            d);
      }
      const auto dep = static_cast<uint32_t>(d.get<uint64_t>());
      for (uint32_t prev : k.deps) {
        if (prev == dep) c.expected(at(), "distinct kernel indices", d);
      }
      k.deps.push_back(dep);
    }
  }
  return k;
}

Frame parse_frame(const Checker& c, const json& j, const std::string& path, size_t position,
                  const Trace& t) {
  c.object(j, path, "a frame");
  c.only_keys(j, path, {"index", "kernels"});
  Frame f;
  f.index = static_cast<uint32_t>(position);
  if (const json* idx = c.opt(j, "index")) {
    uint64_t lo = t.frames.empty() ? 0 : uint64_t{t.frames.back().index} + 1;
    f.index = static_cast<uint32_t>(c.uint(*idx, Path(path, "index"), lo, UINT32_MAX,
                                           "frame number, increasing through the trace"));
  } else if (!t.frames.empty() && t.frames.back().index >= f.index) {
    c.fail(Path(path, "index"), "missing; expected an explicit index after frame " +
                                    std::to_string(t.frames.back().index));
  }
  const json& ks = c.req(j, path, "kernels", "a list of kernels");
  if (!ks.is_array() || ks.empty() || ks.size() > kMaxKernelsPerFrame) {
    c.expected(Path(path, "kernels"),
               "a list of 1.." + std::to_string(kMaxKernelsPerFrame) + " kernels", ks);
  }
  f.kernels.reserve(ks.size());
  for (size_t i = 0; i < ks.size(); ++i) {
    f.kernels.push_back(parse_kernel(c, ks[i], path + "/kernels/" + std::to_string(i), i, t));
  }
  return f;
}

// Converts a document that passed the format/version check; throws on the first problem.
Trace convert(const Checker& c, const json& doc) {
  c.only_keys(doc, "", {"format", "version", "header", "models", "positions", "frames"});
  Trace t;
  t.path = c.origin();
  t.header = parse_header(c, c.req(doc, "", "header", "the header object"));
  parse_models_checked(c, c.req(doc, "", "models", "the models object"), "/models", &t.encodings,
                       &t.mlps);
  if (const json* p = c.opt(doc, "positions")) {
    t.positions = parse_positions(c, *p);
  } else {
    t.positions = PositionsSpec{};
    t.positions.type = "none";
  }
  const json& frames = c.req(doc, "", "frames", "a list of frames");
  if (!frames.is_array() || frames.empty() || frames.size() > kMaxFrames) {
    c.expected("/frames", "a list of 1.." + std::to_string(kMaxFrames) + " frames", frames);
  }
  t.frames.reserve(frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    t.frames.push_back(parse_frame(c, frames[i], "/frames/" + std::to_string(i), i, t));
  }
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
      out += "/" + escape_key(part.substr(1, part.size() - 2));
    }
  }
  return out;
}

// The schema found a problem the converter did not: report the deepest schema error.
[[noreturn]] void fail_schema(const Checker& c, const json& doc) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(doc);
  validator.validate(trace_schema(), adapter, &results);
  const valijson::ValidationResults::Error* best = nullptr;
  for (const auto& e : results) {
    if (!best || e.context.size() > best->context.size()) best = &e;
  }
  if (!best) c.fail("", "does not match docs/trace-schema.json");
  std::string path = pointer_from_context(best->context);
  std::string got;
  try {
    got = show(doc.at(json::json_pointer(path.empty() ? "" : path)));
  } catch (const json::exception&) {
    got = "(absent)";
  }
  c.fail(path, "does not match docs/trace-schema.json: " + best->description + " got " + got +
                   (results.numErrors() > 1
                        ? " (" + std::to_string(results.numErrors() - 1) + " more schema errors)"
                        : ""));
}

// Line and column (1-based) of byte offset `byte` in `text`.
std::pair<size_t, size_t> line_column(const std::string& text, size_t byte) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

// Byte offset of the first '[' or '{' nested deeper than `limit`, or npos. A linear scan that
// skips strings: an order of magnitude cheaper than a parser callback.
size_t deep_nesting_at(const std::string& text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      if (ch == '\\') {
        ++i;
      } else if (ch == '"') {
        in_string = false;
      }
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > limit) return i;
    } else if (ch == ']' || ch == '}') {
      --depth;
    }
  }
  return std::string::npos;
}

}  // namespace

void parse_models(const json& models, const std::string& origin, const std::string& path,
                  std::vector<EncodingModel>* encodings, std::vector<MlpModel>* mlps) {
  Checker c(origin);
  if (nesting_depth(models) > kMaxJsonDepth) c.fail(path, "nested too deep");
  parse_models_checked(c, models, path, encodings, mlps);
}

Trace parse_trace(const json& doc, const std::string& origin) {
  Checker c(origin);
  if (!doc.is_object()) c.expected("", "a JSON object (an ngpc-trace file)", doc);
  if (nesting_depth(doc) > kMaxJsonDepth) {
    c.fail("", "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  // Format and version first: a file of another version deserves that message, not a list of
  // schema differences.
  const json& format = c.req(doc, "", "format", "\"ngpc-trace\"");
  if (format != kTraceFormat) {
    c.expected("/format", "\"ngpc-trace\" (an ngpc-sim trace file)", format);
  }
  const json& version = c.req(doc, "", "version", std::to_string(kTraceVersion));
  if (version != kTraceVersion) {
    c.fail("/version", "unsupported trace format version " + show(version) + "; expected " +
                           std::to_string(kTraceVersion) + " (this ngpc-sim reads version " +
                           std::to_string(kTraceVersion) + ")");
  }
  // Refuse an oversized frame list before spending time validating each frame.
  auto frames = doc.find("frames");
  if (frames != doc.end() && frames->is_array() && frames->size() > kMaxFrames) {
    c.expected("/frames", "a list of 1.." + std::to_string(kMaxFrames) + " frames",
               json(std::to_string(frames->size()) + " frames"));
  }
  valijson::Validator validator;
  valijson::adapters::NlohmannJsonAdapter adapter(doc);
  bool schema_ok = validator.validate(trace_schema(), adapter, nullptr);
  // The converter's messages say what was expected; use them when it sees the problem too.
  Trace t = convert(c, doc);
  if (!schema_ok) fail_schema(c, doc);
  return t;
}

json read_json_file(const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status))
    throw InputError(path + ": cannot open " + what + ": no such file");
  if (!fs::is_regular_file(status))
    throw InputError(path + ": cannot open " + what + ": not a file");
  uintmax_t size = fs::file_size(path, ec);
  if (ec) throw InputError(path + ": cannot open " + what + ": " + ec.message());
  if (size > kMaxTraceFileBytes) {
    throw InputError(path + ": " + what + " file is " + std::to_string(size) +
                     " bytes; the limit is " + std::to_string(kMaxTraceFileBytes) +
                     " bytes (512 MiB, docs/trace-format.md \"Limits\"); split it into smaller "
                     "traces");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open " + what + " for reading");
  std::string text;
  text.resize(static_cast<size_t>(size));
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<size_t>(in.gcount()));

  // Refuse deep nesting before parsing: nlohmann's destructor, dump and copy recurse.
  size_t too_deep = deep_nesting_at(text, kMaxJsonDepth);
  if (too_deep != std::string::npos) {
    auto [line, col] = line_column(text, too_deep);
    throw InputError(path + ": malformed " + what + ": JSON nested deeper than " +
                     std::to_string(kMaxJsonDepth) + " levels at line " + std::to_string(line) +
                     ", column " + std::to_string(col));
  }
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    size_t byte = e.byte == 0 ? 0 : e.byte - 1;
    auto [line, col] = line_column(text, byte);
    std::string detail = e.what();
    // nlohmann says "[json.exception.parse_error.101] parse error at line L, column C: <why>".
    size_t at = detail.find(": ", detail.find("parse error"));
    if (at != std::string::npos) detail = detail.substr(at + 2);
    std::string hint = byte + 1 >= text.size() ? " (is the file truncated?)" : "";
    throw InputError(path + ": malformed JSON at line " + std::to_string(line) + ", column " +
                     std::to_string(col) + " (byte " + std::to_string(byte) + "): " + detail +
                     hint);
  }
}

Trace read_trace(const std::string& path) {
  namespace fs = std::filesystem;
  Trace t = parse_trace(read_json_file(path, "trace"), path);
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
