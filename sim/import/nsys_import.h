// `trace import-nsys`: an Nsight Systems `cuda_gpu_trace` CSV export (nsys stats --report
// cuda_gpu_trace --format csv) turned into a format-v1 trace with measured GPU times. The rules
// (kinds, queries, frames, steps, models) are documented in docs/trace-format.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace/trace.h"

namespace ngpc::trace {

struct NsysImportOptions {
  std::string csv_path;
  std::string app;          // header app; "" = `like`, else "unknown"
  std::string like;         // nerf|nsdf|nvr|gia: take that app's models; "" = from `app` if known
  std::string models_file;  // JSON models object or a trace to take the models from
  uint32_t width = 1920;
  uint32_t height = 1080;
  double samples_per_pixel = 1;
  uint64_t seed = 0;
  std::string frame_marker;  // a frame starts at each kernel whose name contains it;
                             // "" = the first kernel's full name
  double frame_gap_ns = 0;   // > 0: a frame starts after an idle GPU gap longer than this instead
  std::string encode_model;  // model of encode kernels; "" = the first encoding
  std::vector<std::string> mlp_models;  // i-th MLP kernel after an encode uses the i-th (the
                                        // last repeats); empty = the declared MLPs in order
  bool steps = true;  // group each encode kernel and what follows it into one step
};

struct NsysImportStats {
  size_t rows = 0;                // data rows in the CSV
  size_t kernels = 0;             // kernels in the trace
  size_t skipped_memops = 0;      // [CUDA memcpy ...] / [CUDA memset ...] rows
  size_t skipped_other = 0;       // rows without launch dimensions (not kernels)
  size_t before_first_frame = 0;  // kernels before the first frame marker (warm-up), dropped
};

Trace import_nsys(const NsysImportOptions& options, NsysImportStats* stats = nullptr);

// "encode" (name contains kernel_grid), "mlp" (kernel_mlp_fused or fully_fused) or "gpu".
std::string nsys_kernel_kind(const std::string& name);

// RFC 4180 records: comma-separated, "..." quoting with "" for a quote, newlines inside quotes,
// CRLF or LF. `first_lines` receives each record's starting line (1-based). Throws InputError
// naming `origin` on an unterminated quote.
std::vector<std::vector<std::string>> parse_csv(const std::string& text, const std::string& origin,
                                                std::vector<size_t>* first_lines);

}  // namespace ngpc::trace
