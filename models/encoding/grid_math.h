// Multi-resolution grid encoding math of tiny-cuda-nn (tcnn), reproduced bit for bit on the host:
// level scales and resolutions, table sizes and offsets, the coherent prime hash, the grid index,
// and the 2^d interpolation corners and weights of one position. The encoding engine model and the
// GPU cost model derive every grid SRAM / L2 / DRAM address from these functions, so that bank
// conflicts and capacity misses come from the addresses tcnn would really touch (spec §2, §3).
// Formulas and the tcnn correspondence: docs/grid-math.md.
#pragma once

#include <cstdint>
#include <vector>

namespace ngpc {

enum class GridType { Hash, Dense, Tiled };

struct GridParams {
  GridType type = GridType::Hash;
  uint32_t dims = 3;              // 2 or 3 (the dimensions tcnn instantiates)
  uint32_t levels = 16;           // 1..32 (tcnn's offset table holds 33 entries)
  uint32_t features = 2;          // per level: 1, 2, 4 or 8
  uint32_t log2_table_size = 19;  // T = 2^log2_table_size entries (Hash grids only), < 32
  uint32_t base_resolution = 16;  // N_min, in grid vertices
  double per_level_scale = 0;     // b; 0: derive from n_max as instant-ngp does
  double n_max = 2048;            // finest resolution, used only when per_level_scale == 0
  uint32_t feature_bytes = 2;     // fp16
};

struct GridLevel {
  float scale;          // s_l = exp2f(l * log2f(b)) * N_min - 1, in float as tcnn computes it
  uint32_t resolution;  // ceil(s_l) + 1 vertices per dimension
  uint32_t entries;     // params_in_level, in entries (one entry = `features` values)
  uint64_t offset;      // entries of all coarser levels (levels are stored back to back)
  bool hashed;          // index uses the hash: type Hash and resolution^dims > entries
};

struct GridLayout {
  GridParams params;      // as given (per_level_scale may be 0)
  float per_level_scale;  // effective b as tcnn holds it (a float), derived if params gave 0
  std::vector<GridLevel> levels;
  uint64_t total_entries;  // sum of levels[i].entries
  uint64_t parameters;     // total_entries * features
  uint64_t bytes;          // total_entries * entry_bytes
  uint32_t entry_bytes;    // features * feature_bytes: one corner read
  uint32_t corners;        // 2^dims corner reads per input per level
};

// Validates `params` and lays the levels out as tcnn's GridEncodingTemplated constructor does.
// Throws std::invalid_argument naming the offending parameter.
GridLayout make_grid_layout(const GridParams& params);

// b = exp(ln(n_max / base) / (levels - 1)), evaluated in float like instant-ngp's testbed (the
// result is a float value widened to double); 1 level -> 1.
double derived_per_level_scale(uint32_t levels, double base_resolution, double n_max);

// tcnn's coherent prime hash: XOR over dims of pos[i] * prime[i] in uint32 arithmetic, with
// prime[0] = 1 (neighbouring x stay neighbours in memory). dims <= 7.
uint32_t coherent_prime_hash(const uint32_t* pos, uint32_t dims);

// tcnn's grid_index, without the level offset and in entries (not values): the dense index
// sum(pos[i] * resolution^i), x fastest, accumulated while the stride is <= `entries` (tcnn's
// overflow guard); a Hash grid whose resolution^dims exceeds `entries` uses the hash instead;
// finally modulo `entries`. `entries` must be > 0.
uint32_t grid_index(GridType type, uint32_t entries, uint32_t resolution, const uint32_t* pos,
                    uint32_t dims);

// The 2^dims corner entry indices (within the level, i.e. without the level offset) and the
// interpolation weights of one position x in [0,1]^dims, as tcnn's kernel_grid computes them
// (p = fmaf(scale, x, 0.5f), floor, frac; corner ordering: bit i of the corner id selects +1
// along dim i). corner_index and weight hold layout.corners elements.
void level_corners(const GridLayout& layout, uint32_t level, const float* x, uint32_t* corner_index,
                   float* weight);

// One level's index arithmetic resolved once (scale, dense strides or hash, table mask), for
// level_corner_indices on the hot path.
struct LevelIndexer {
  float scale = 0;
  uint32_t entries = 1;
  uint32_t mask = 0;  // entries - 1 when entries is a power of two, else 0 (use %)
  uint32_t dims = 3;
  bool hash = false;
  uint32_t mul[3] = {0, 0, 0};  // per-dimension multiplier of the corner coordinate
};
LevelIndexer level_indexer(const GridLayout& layout, uint32_t level);

// The 2^dims corner entry indices of each of `n` positions (n * dims floats), written
// consecutively (corners per position, in level_corners' order): exactly level_corners'
// indices, without the weights (the timing model needs only the addresses).
// `parity`, when given, receives each corner's coordinate parity (bit d = coordinate d mod 2).
void level_corner_indices(const LevelIndexer& lv, const float* x, uint32_t n, uint32_t* out,
                          uint8_t* parity = nullptr);

}  // namespace ngpc
