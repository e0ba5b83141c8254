#include "models/memory/dram_timing.h"

#include <algorithm>

namespace ngpc {
namespace {

double curve(const DramPattern& p, double u) {
  static constexpr double kAt[4] = {0.0, 0.5, 0.8, 0.95};
  u = std::max(0.0, u);
  int seg = 0;
  while (seg < 2 && u > kAt[seg + 1]) ++seg;
  const double t = (u - kAt[seg]) / (kAt[seg + 1] - kAt[seg]);
  return p.latency_s[seg] + t * (p.latency_s[seg + 1] - p.latency_s[seg]);
}

}  // namespace

DramCost dram_cost(const DramTimingParams& p, double random_share) {
  DramCost c;
  if (!p.pattern_aware) {
    c.random_s_per_byte = c.stream_s_per_byte = 1.0 / p.peak_bytes_per_s;
    return c;
  }
  c.random_s_per_byte = 1.0 / (p.peak_bytes_per_s * p.random.sustained_fraction);
  const double alone = 1.0 / (p.peak_bytes_per_s * p.stream.sustained_fraction);
  // At a 50/50 mix: 0.5 random + 0.5 stream_in_mix = 1 / (peak x mix.sustained).
  const double in_mix = 2.0 / (p.peak_bytes_per_s * p.mix.sustained_fraction) - c.random_s_per_byte;
  const double f = std::clamp(random_share, 0.0, 1.0);
  c.stream_s_per_byte = alone + (f / 0.5) * (std::max(in_mix, alone) - alone);
  return c;
}

double dram_latency_s(const DramTimingParams& p, double utilisation, double random_share) {
  if (!p.pattern_aware) return p.fixed_latency_s;
  const double f = std::clamp(random_share, 0.0, 1.0);
  if (f <= 0.5) {
    const double t = f / 0.5;
    return (1 - t) * curve(p.stream, utilisation) + t * curve(p.mix, utilisation);
  }
  const double t = (f - 0.5) / 0.5;
  return (1 - t) * curve(p.mix, utilisation) + t * curve(p.random, utilisation);
}

}  // namespace ngpc
