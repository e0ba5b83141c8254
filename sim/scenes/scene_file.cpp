// Positions file (type "file"): little-endian float32, dims values per query, the queries of all
// encode kernels of all frames in trace order (docs/trace-format.md). Every read is
// bounds-checked and every value must be a number in [0, 1].
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <utility>

#include "sim/error.h"
#include "sim/scenes/scene_impl.h"
#include "sim/trace/trace_io.h"

namespace ngpc::trace::scene {
namespace {

class FilePositions : public ngpc::PositionSource {
 public:
  explicit FilePositions(const Trace& t) : path_(positions_file_path(t)) {
    std::error_code ec;
    const uint64_t bytes = std::filesystem::file_size(path_, ec);
    if (ec) throw InputError(path_ + ": cannot read the positions file: " + ec.message());
    if (bytes % 4 != 0) {
      throw InputError(path_ + ": positions file size " + std::to_string(bytes) +
                       " is not a multiple of 4 (float32 values)");
    }
    floats_ = bytes / 4;
    uint64_t offset = 0;
    for (const Frame& f : t.frames) {
      for (size_t k = 0; k < f.kernels.size(); ++k) {
        const Kernel& kn = f.kernels[k];
        if (kn.kind != "encode") continue;
        const EncodingModel* m = t.find_encoding(kn.model);
        const uint32_t dims = m ? m->dims : 3;
        where_[{f.index, static_cast<uint32_t>(k)}] = {offset, dims, kn.queries};
        offset += kn.queries * dims;
      }
    }
    if (offset > floats_) {
      throw InputError(path_ + ": positions file holds " + std::to_string(floats_) +
                       " float32 values, but the trace's encode kernels need " +
                       std::to_string(offset) + " (dims values per query, all frames)");
    }
  }

  void positions(uint32_t frame, uint32_t kernel, uint64_t first_query, uint32_t count,
                 uint32_t dims, float* out) const override {
    const auto it = where_.find({frame, kernel});
    if (it == where_.end()) {
      throw std::out_of_range("positions file: frame " + std::to_string(frame) + " kernel " +
                              std::to_string(kernel) + " is not an encode kernel of the trace");
    }
    const Slot& s = it->second;
    if (dims != s.dims) {
      throw InputError(path_ + ": kernel " + std::to_string(kernel) + " of frame " +
                       std::to_string(frame) + " has " + std::to_string(s.dims) +
                       "-D positions, asked for " + std::to_string(dims));
    }
    if (first_query + count > s.queries) {
      throw InputError(path_ + ": queries " + std::to_string(first_query) + ".." +
                       std::to_string(first_query + count) + " outside kernel " +
                       std::to_string(kernel) + " of frame " + std::to_string(frame) + " (" +
                       std::to_string(s.queries) + " queries)");
    }
    const uint64_t first = s.offset + first_query * dims;
    const uint64_t n = uint64_t{count} * dims;
    std::ifstream in(path_, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(first * 4));
    in.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n * 4));
    if (!in) throw InputError(path_ + ": read failed at value " + std::to_string(first));
    for (uint64_t i = 0; i < n; ++i) {
      if (!(out[i] >= 0.0f && out[i] <= 1.0f)) {
        throw InputError(path_ + ": value " + std::to_string(first + i) + " is " +
                         std::to_string(out[i]) + "; positions must lie in [0, 1]");
      }
    }
  }

 private:
  struct Slot {
    uint64_t offset;  // in float32 values
    uint32_t dims;
    uint64_t queries;
  };
  std::string path_;
  uint64_t floats_ = 0;
  std::map<std::pair<uint32_t, uint32_t>, Slot> where_;
};

}  // namespace

std::unique_ptr<ngpc::PositionSource> make_file_positions(const Trace& t) {
  return std::make_unique<FilePositions>(t);
}

}  // namespace ngpc::trace::scene
