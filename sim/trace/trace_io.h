// Reading, validating, writing and range-selecting traces in format v1 (docs/trace-format.md).
// Every error caused by the input throws ngpc::InputError naming the file, the JSON path, what was
// expected and the offending value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/json/parse.h"
#include "sim/trace/trace.h"

namespace ngpc::trace {

// Limits that keep a bad or hostile trace from exhausting memory or time. Each is documented in
// docs/trace-format.md ("Limits"); the numeric ones are repeated as "maximum" in
// docs/trace-schema.json and a unit test keeps the two equal.
inline constexpr uint64_t kMaxTraceFileBytes = 512ull << 20;  // checked before reading
inline constexpr size_t kMaxFrames = 100000;
inline constexpr size_t kMaxKernelsPerFrame = 100000;
inline constexpr size_t kMaxModels = 64;                            // per kind
inline constexpr uint64_t kMaxQueriesPerKernel = 1000000000000ull;  // 1e12 elements
inline constexpr double kMaxGpuTimeNs = 1e12;                       // 1000 s for one kernel
inline constexpr uint64_t kMaxDramBytes = 1000000000000000ull;      // 1 PB for one kernel
inline constexpr uint32_t kMaxResolution = 65536;                   // pixels per side
inline constexpr double kMaxSamplesPerPixel = 65536;
inline constexpr double kMaxQueriesPerPixel = 1e6;
inline constexpr int kMaxJsonDepth = json_input::kMaxDepth;  // nesting, e.g. "positions.params"

// Reads and validates a trace file. Refuses files over kMaxTraceFileBytes before reading them.
// When the positions source is a file, checks it exists (relative to the trace's directory).
Trace read_trace(const std::string& path);

// How trace-format documents are read (json_input::read_json_file): kMaxTraceFileBytes, JSON
// Pointer paths. `what` names the file in messages ("trace", "models").
json_input::JsonKind trace_json_kind(const std::string& what = "trace");

// Validates `doc` (schema, then semantic checks) and converts it. `origin` names the source in
// messages (usually the file path); it becomes Trace::path.
Trace parse_trace(const nlohmann::json& doc, const std::string& origin);

// The JSON form written by write_trace (without its line layout).
nlohmann::json trace_to_json(const Trace& trace);

// Writes atomically (temporary file in the same directory, then rename); one frame per block and
// one kernel per line, so traces diff well.
void write_trace(const std::string& path, const Trace& trace);

// The model lists of a trace ("models" object: {"encodings": [...], "mlps": [...]}), converted
// and checked on their own, e.g. for `trace import-nsys --models FILE`. `path` is the JSON path
// of `models` inside its document ("/models" in a trace, "" for a file holding only models).
void parse_models(const nlohmann::json& models, const std::string& origin, const std::string& path,
                  std::vector<EncodingModel>* encodings, std::vector<MlpModel>* mlps);
nlohmann::json models_to_json(const std::vector<EncodingModel>& encodings,
                              const std::vector<MlpModel>& mlps);

// Absolute or trace-relative path of the binary positions file (PositionsSpec type "file").
std::string positions_file_path(const Trace& trace);

// A half-open frame range [begin, end) parsed from "--frames" text.
struct FrameRange {
  size_t begin = 0;
  size_t end = 0;
};

// Parses "a:b" (half-open), "a:" (to the end), ":b" (from 0), ":" (all) or "a" (frame a only),
// indices counted in the trace's frame list from 0. Malformed, empty or out-of-range text for a
// trace of `frame_count` frames throws InputError naming `option`.
FrameRange parse_frame_range(const std::string& text, size_t frame_count,
                             const std::string& option = "--frames");

// The frames selected by `range` (see parse_frame_range), copied; each keeps its Frame::index.
std::vector<Frame> select_frames(const Trace& trace, const std::string& range);

}  // namespace ngpc::trace
