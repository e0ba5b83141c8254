// Trace lookups shared by the reader, the writer and the replay.
#include "sim/trace/trace_io.h"

#include <filesystem>

namespace ngpc::trace {

const EncodingModel* Trace::find_encoding(const std::string& name) const {
  for (const auto& e : encodings) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const MlpModel* Trace::find_mlp(const std::string& name) const {
  for (const auto& m : mlps) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string positions_file_path(const Trace& trace) {
  namespace fs = std::filesystem;
  fs::path file(trace.positions.file);
  // Relative to the trace file, so a trace and its positions move together.
  if (file.is_absolute() || trace.path.empty()) return file.string();
  return (fs::path(trace.path).parent_path() / file).string();
}

}  // namespace ngpc::trace
