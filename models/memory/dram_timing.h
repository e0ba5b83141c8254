// How much DRAM time a byte costs and how long a request waits, by access pattern. A GDDR6-class
// memory sustains far less bandwidth for random 64 B lines (one row activation each, tRRD apart
// per channel) than for streams, and mixing random requests into a stream closes the stream's
// rows (shared/reference/dram-gddr6-ramulator2.md, "Ramulator 2.1"). The memory system charges
// each flow's bytes DRAM time by its pattern, so the sustained bandwidth follows the traffic mix,
// and takes the DRAM-side latency from the utilisation of that time.
#pragma once

#include <cstdint>

namespace ngpc {

enum class DramPatternKind : uint8_t { Random, Stream };

// One pattern's measured behaviour: sustained bandwidth as a fraction of peak, and the average
// DRAM-side latency unloaded and at 50 / 80 / 95 % of that pattern's saturation.
struct DramPattern {
  double sustained_fraction = 1;
  double latency_s[4] = {0, 0, 0, 0};  // at 0, 50, 80, 95 % of saturation
};

struct DramTimingParams {
  double peak_bytes_per_s = 936e9;
  bool pattern_aware = true;        // false: an ideal bandwidth server at peak with a fixed latency
  double fixed_latency_s = 0;       // pattern_aware == false: the DRAM-side latency
  DramPattern random, stream, mix;  // mix: each request random or stream with probability 1/2
};

// Seconds of DRAM time per byte of each pattern, given the random share of the DRAM bytes now
// flowing. Random bytes cost 1 / (peak x random.sustained); stream bytes cost 1 / (peak x
// stream.sustained) alone and, mixed with random traffic, more: linearly in the random share so
// that a 50/50 mix sustains exactly peak x mix.sustained (the reference's measured mix).
struct DramCost {
  double random_s_per_byte = 0;
  double stream_s_per_byte = 0;
};
DramCost dram_cost(const DramTimingParams& p, double random_share);

// DRAM-side latency at `utilisation` (DRAM time in use / time, 0..1) of a traffic mix with
// `random_share` of random bytes: the measured points interpolated linearly in utilisation, and
// between the random, mix and stream curves linearly in the random share; beyond 95 % the last
// segment's slope continues (a saturated queue keeps growing).
double dram_latency_s(const DramTimingParams& p, double utilisation, double random_share);

}  // namespace ngpc
