// In-memory form of a kernel trace (format "ngpc-trace", version 1; docs/trace-format.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ngpc::trace {

// The "format" and "version" keys every trace file starts with.
inline constexpr const char* kTraceFormat = "ngpc-trace";
inline constexpr int kTraceVersion = 1;

// One grid encoding, with every tiny-cuda-nn parameter (spec §2).
struct EncodingModel {
  std::string name;               // referenced by kernels
  std::string type = "hashgrid";  // "hashgrid" | "densegrid" | "tiledgrid"
  std::string role = "hashgrid";  // engine mode: "hashgrid" | "densegrid" | "lowres_densegrid"
  uint32_t dims = 3;              // 2 or 3
  uint32_t levels = 16;
  uint32_t features = 2;          // per level: 1, 2, 4 or 8
  uint32_t log2_table_size = 19;  // T = 2^log2_table_size entries per level (hash grids)
  uint32_t base_resolution = 16;  // N_min
  double per_level_scale = 0;     // b; 0 = derive from n_max
  double n_max = 2048;            // finest resolution, used when per_level_scale is 0
  std::string interpolation = "linear";
  std::string precision = "fp16";  // of the stored features
};

// One fully fused MLP (tcnn): widths padded to 16.
struct MlpModel {
  std::string name;
  uint32_t input_width = 32;
  uint32_t width = 64;
  uint32_t hidden_layers = 2;
  uint32_t output_width = 3;
  std::string hidden_activation = "relu";
  std::string output_activation = "none";
};

struct Kernel {
  std::string kind;            // "encode" | "mlp" | "gpu"
  std::string name;            // instant-ngp kernel name
  std::string model;           // encoding or MLP name; empty for gpu kernels
  uint64_t queries = 0;        // elements as launched
  double gpu_time_ns = 0;      // time on the baseline GPU
  int64_t step = -1;           // kernels sharing a step form one batch pipeline; -1 = standalone
  uint64_t dram_bytes = 0;     // DRAM traffic of a gpu kernel (contends with the NGPC); 0 = unknown
  std::vector<uint32_t> deps;  // indices of kernels in the same frame this one waits for
};

struct Frame {
  uint32_t index = 0;  // frame number in the original sequence (kept by select_frames)
  std::vector<Kernel> kernels;
};

// Where address-level sample positions come from.
struct PositionsSpec {
  std::string type = "procedural";                   // "procedural" | "file" | "none"
  std::string scene;                                 // "nerf_object" | "sdf" | "cloud" | "image"
  nlohmann::json params = nlohmann::json::object();  // camera and scene parameters
  std::string file;  // binary float32 positions (type "file"), relative to trace
};

struct Header {
  std::string app;       // "nerf" | "nsdf" | "nvr" | "gia" | other
  std::string encoding;  // label of the app's encoding variant, informational:
                         // "hashgrid" | "densegrid" | "lowres-densegrid"; "" = not stated
  uint32_t width = 0, height = 0;
  double samples_per_pixel = 1;
  double queries_per_pixel = 0;  // used to generate the trace
  uint64_t seed = 0;
  std::string provenance;       // how the trace was made
  std::string gpu_time_source;  // "model:<profile>" | "measured:<file>"
};

struct Trace {
  Header header;
  std::vector<EncodingModel> encodings;
  std::vector<MlpModel> mlps;
  PositionsSpec positions;
  std::vector<Frame> frames;
  std::string path;  // file it was read from (for messages); not serialised

  // nullptr when no model of that kind has the name.
  const EncodingModel* find_encoding(const std::string& name) const;
  const MlpModel* find_mlp(const std::string& name) const;
};

}  // namespace ngpc::trace
