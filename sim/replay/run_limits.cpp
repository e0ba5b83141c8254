#include "sim/replay/run_limits.h"

#include <algorithm>
#include <cstdio>

#include "models/encoding/level_units.h"
#include "models/sampling/encode_sampler.h"
#include "sim/error.h"

namespace ngpc {

namespace {

std::string gib_text(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / double(1ull << 30));
  return buf;
}

// Tag bytes of one engine for one grid, as LevelUnits and GridSram size them.
double tag_bytes(const GridLayout& layout, const Config& cfg) {
  const GridSramConfig& g = cfg.nfp.encoding.grid_sram;
  if (g.policy != SramPolicy::Cache) return 0;  // a static SRAM keeps no tags
  const auto levels = static_cast<uint32_t>(layout.levels.size());
  const uint64_t capacity =
      sram_capacity_per_level(g.capacity_bytes, levels, cfg.nfp.encoding.level_units);
  uint64_t line = std::max<uint64_t>(g.line_bytes, layout.entry_bytes);
  line -= line % layout.entry_bytes;
  const uint64_t sets = std::max<uint64_t>(capacity / (line * g.associativity), 1);
  double bytes = 0;
  for (const GridLevel& lv : layout.levels) {
    if (uint64_t{lv.entries} * layout.entry_bytes <= capacity) continue;  // resident: no tags
    bytes += double(sets) * g.associativity * 16.0;
  }
  return bytes;
}

}  // namespace

double address_model_bytes(const Workload& work, const Config& cfg) {
  double per_engine = 0;
  for (const GridLayout& layout : work.layouts) per_engine += tag_bytes(layout, cfg);
  const double nfps = cfg.cluster.scaling_factor;
  return (nfps + 2) * per_engine + (nfps + 1) * double(cfg.cluster.batch_size) * 12.0;
}

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
  const double need = address_model_bytes(work, cfg);
  if (need > double(kMaxAddressModelBytes)) {
    const GridSramConfig& g = cfg.nfp.encoding.grid_sram;
    throw InputError(
        trace_path + ": the grids of this trace do not fit nfp.encoding.grid_sram.capacity " +
        std::to_string(g.capacity_bytes) +
        " B, and simulating their misses at address level "
        "with cluster.scaling_factor " +
        std::to_string(cfg.cluster.scaling_factor) + ", nfp.encoding.level_units " +
        std::to_string(cfg.nfp.encoding.level_units) + ", line_bytes " +
        std::to_string(g.line_bytes) + " B and associativity " + std::to_string(g.associativity) +
        " may need " + gib_text(need) + " of host memory for SRAM tags; the limit is " +
        gib_text(double(kMaxAddressModelBytes)) +
        " (docs/input-limits.md): use fewer NFPs, longer lines, or a capacity the tables fit in");
  }
}

}  // namespace ngpc
