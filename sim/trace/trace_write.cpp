// Trace writer. Keys come in a fixed, readable order (format and header first, then models,
// positions, frames; kind and name first in a kernel) and each kernel sits on its own line, so
// traces are byte-identical for identical content and diff well.
#include <string>

#include "sim/error.h"
#include "sim/json/input_file.h"
#include "sim/trace/trace_io.h"
#include "sim/util/atomic_file.h"

namespace ngpc::trace {

namespace {

// Each builder is a template: write_trace uses ordered_json (keys in insertion order), the API's
// trace_to_json returns plain nlohmann::json (keys sorted).
using ojson = nlohmann::ordered_json;

// Invalid UTF-8 (e.g. an odd kernel name from a profiler export) becomes U+FFFD, never an error.
std::string text(const ojson& j) {
  return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

template <class J>
J header_json(const Header& h) {
  J j;
  j["app"] = h.app;
  if (!h.encoding.empty()) j["encoding"] = h.encoding;
  j["resolution"] = {{"width", h.width}, {"height", h.height}};
  j["samples_per_pixel"] = h.samples_per_pixel;
  j["queries_per_pixel"] = h.queries_per_pixel;
  j["seed"] = h.seed;
  j["provenance"] = h.provenance;
  j["gpu_time_source"] = h.gpu_time_source;
  return j;
}

template <class J>
J encoding_json(const EncodingModel& e) {
  J j;
  j["name"] = e.name;
  j["type"] = e.type;
  j["role"] = e.role;
  j["dims"] = e.dims;
  j["levels"] = e.levels;
  j["features"] = e.features;
  j["log2_table_size"] = e.log2_table_size;
  j["base_resolution"] = e.base_resolution;
  // per_level_scale 0 means "derive from n_max"; n_max is always written so both round-trip.
  if (e.per_level_scale > 0) j["per_level_scale"] = e.per_level_scale;
  j["n_max"] = e.n_max;
  j["interpolation"] = e.interpolation;
  j["precision"] = e.precision;
  return j;
}

template <class J>
J mlp_json(const MlpModel& m) {
  J j;
  j["name"] = m.name;
  j["input_width"] = m.input_width;
  j["width"] = m.width;
  j["hidden_layers"] = m.hidden_layers;
  j["output_width"] = m.output_width;
  j["hidden_activation"] = m.hidden_activation;
  j["output_activation"] = m.output_activation;
  return j;
}

template <class J>
J models_json(const std::vector<EncodingModel>& encodings, const std::vector<MlpModel>& mlps) {
  J j;
  j["encodings"] = J::array();
  for (const auto& e : encodings) j["encodings"].push_back(encoding_json<J>(e));
  j["mlps"] = J::array();
  for (const auto& m : mlps) j["mlps"].push_back(mlp_json<J>(m));
  return j;
}

template <class J>
J positions_json(const PositionsSpec& p) {
  J j;
  j["type"] = p.type;
  if (p.type == "procedural") {
    j["scene"] = p.scene;
    if (!p.params.empty()) j["params"] = J(p.params);
  } else if (p.type == "file") {
    j["file"] = p.file;
  }
  return j;
}

template <class J>
J kernel_json(const Kernel& k) {
  J j;
  j["kind"] = k.kind;
  j["name"] = k.name;
  if (k.kind != "gpu") j["model"] = k.model;
  j["queries"] = k.queries;
  j["gpu_time_ns"] = k.gpu_time_ns;
  if (k.step >= 0) j["step"] = k.step;
  if (k.kind == "gpu" && k.dram_bytes > 0) j["dram_bytes"] = k.dram_bytes;
  if (!k.deps.empty()) j["deps"] = k.deps;
  return j;
}

template <class J>
J frame_json(const Frame& f) {
  J j;
  j["index"] = f.index;
  j["kernels"] = J::array();
  for (const auto& k : f.kernels) j["kernels"].push_back(kernel_json<J>(k));
  return j;
}

}  // namespace

nlohmann::json models_to_json(const std::vector<EncodingModel>& encodings,
                              const std::vector<MlpModel>& mlps) {
  return models_json<nlohmann::json>(encodings, mlps);
}

nlohmann::json trace_to_json(const Trace& t) {
  nlohmann::json j;
  j["format"] = kTraceFormat;
  j["version"] = kTraceVersion;
  j["header"] = header_json<nlohmann::json>(t.header);
  j["models"] = models_to_json(t.encodings, t.mlps);
  if (t.positions.type != "none") j["positions"] = positions_json<nlohmann::json>(t.positions);
  j["frames"] = nlohmann::json::array();
  for (const auto& f : t.frames) j["frames"].push_back(frame_json<nlohmann::json>(f));
  return j;
}

void write_trace(const std::string& path, const Trace& t) {
  std::string out;
  out += "{\n";
  out += "  \"format\": \"" + std::string(kTraceFormat) + "\",\n";
  out += "  \"version\": " + std::to_string(kTraceVersion) + ",\n";
  out += "  \"header\": " + text(header_json<ojson>(t.header)) + ",\n";
  ojson models = models_json<ojson>(t.encodings, t.mlps);
  out += "  \"models\": {\n    \"encodings\": [";
  for (size_t i = 0; i < t.encodings.size(); ++i) {
    out += (i ? ",\n      " : "\n      ") + text(models["encodings"][i]);
  }
  out += t.encodings.empty() ? "],\n" : "\n    ],\n";
  out += "    \"mlps\": [";
  for (size_t i = 0; i < t.mlps.size(); ++i) {
    out += (i ? ",\n      " : "\n      ") + text(models["mlps"][i]);
  }
  out += t.mlps.empty() ? "]\n  },\n" : "\n    ]\n  },\n";
  if (t.positions.type != "none") {
    out += "  \"positions\": " + text(positions_json<ojson>(t.positions)) + ",\n";
  }
  out += "  \"frames\": [";
  for (size_t f = 0; f < t.frames.size(); ++f) {
    const Frame& fr = t.frames[f];
    out += (f ? ",\n" : "\n");
    out += "    {\"index\": " + std::to_string(fr.index) + ", \"kernels\": [";
    for (size_t k = 0; k < fr.kernels.size(); ++k) {
      out += (k ? ",\n      " : "\n      ") + text(kernel_json<ojson>(fr.kernels[k]));
    }
    out += "\n    ]}";
  }
  out += "\n  ]\n}\n";
  // Never write what read_trace would refuse.
  if (out.size() > kMaxTraceFileBytes) {
    throw InputError(path + ": the trace would be " + std::to_string(out.size()) +
                     " bytes, above the " + json_input::byte_size_text(kMaxTraceFileBytes) +
                     " a trace file may hold (docs/input-limits.md); write fewer frames");
  }
  write_file_atomic(path, out);
}

}  // namespace ngpc::trace
