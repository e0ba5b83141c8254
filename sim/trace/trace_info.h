// `trace info`: totals of a trace by kernel kind and by step, as a human table or JSON.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/trace/trace.h"

namespace ngpc::trace {

struct KindTotals {
  uint64_t kernels = 0;
  uint64_t queries = 0;  // saturates at UINT64_MAX (unreachable within the file size limit)
  double gpu_time_ns = 0;
};

struct StepTotals {
  int64_t step = -1;  // -1: standalone kernels
  uint64_t kernels = 0;
  uint64_t encode_queries = 0;
  uint64_t mlp_queries = 0;
  double gpu_time_ns = 0;
};

struct TraceSummary {
  size_t frames = 0;
  KindTotals encode, mlp, gpu, total;
  std::vector<StepTotals> steps;  // by step id over all frames, ascending, standalone first
};

TraceSummary summarize(const Trace& trace);

// Share of `part` in the total GPU time, in percent (0 when the total is 0).
double gpu_time_share_pct(const TraceSummary& s, const KindTotals& part);

// Aligned tables with units in the headers; the per-step table only when `steps` is set.
std::string summary_text(const Trace& trace, const TraceSummary& s, bool steps);

// Everything summary_text shows (steps always), times in ns, plus the models.
nlohmann::json summary_json(const Trace& trace, const TraceSummary& s);

}  // namespace ngpc::trace
