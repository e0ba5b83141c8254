#include "sim/replay/run_limits.h"

#include "models/sampling/encode_sampler.h"
#include "sim/error.h"

namespace ngpc {

void check_run_limits(const Workload& work, const Config& cfg, const std::string& trace_path) {
  const uint64_t batch = cfg.cluster.batch_size;
  for (const FrameWork& fw : work.frames) {
    uint64_t total = 0;
    const WorkItem* largest = nullptr;
    uint64_t largest_batches = 0;
    for (const WorkItem& item : fw.items) {
      if (item.standalone_gpu) continue;
      const uint64_t nb = batch_count(item.max_queries(), batch);
      total += nb;
      if (nb > largest_batches) {
        largest_batches = nb;
        largest = &item;
      }
    }
    if (total <= kMaxBatchesPerFrame) continue;
    throw InputError(
        trace_path + ": frame " + std::to_string(fw.frame) + " needs " + std::to_string(total) +
        " batches of cluster.batch_size " + std::to_string(batch) + " queries (the largest, " +
        (largest ? largest->label : std::string("?")) + ", " + std::to_string(largest_batches) +
        "); at most " + std::to_string(kMaxBatchesPerFrame) +
        " batches per frame fit in host memory (docs/input-limits.md): raise cluster.batch_size "
        "(up to 1048576) or replay a smaller trace");
  }
}

}  // namespace ngpc
