#include "models/encoding/grid_math.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ngpc {
namespace {

// tcnn's spatial hash primes (fast_hash / coherent_prime_hash); the first is 1 on purpose.
constexpr uint32_t kHashPrimes[7] = {1u,          2654435761u, 805459861u, 3674653429u,
                                     2097192037u, 1434869437u, 2165219737u};

[[noreturn]] void bad_param(const std::string& what) {
  throw std::invalid_argument("grid params: " + what);
}

// res^dims in uint64, saturating (res < 2^32 and dims <= 3 can exceed 2^64 otherwise).
uint64_t pow_saturating(uint64_t res, uint32_t dims) {
  uint64_t v = 1;
  for (uint32_t i = 0; i < dims; ++i) {
    if (res != 0 && v > std::numeric_limits<uint64_t>::max() / res) {
      return std::numeric_limits<uint64_t>::max();
    }
    v *= res;
  }
  return v;
}

// CUDA's float -> int conversion (cvt.rzi.s32.f32) saturates and maps NaN to 0, where a plain C++
// cast would be undefined; positions outside [0,1] then still behave as on the GPU.
int32_t float_to_int_saturating(float f) {
  if (std::isnan(f)) return 0;
  if (f >= 2147483648.0f) return std::numeric_limits<int32_t>::max();
  if (f < -2147483648.0f) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(f);
}

// The modulo of grid_index; hashed levels have power-of-two sizes, where hardware (and we) use a
// mask instead of the divider.
inline uint32_t mod_entries(uint32_t index, uint32_t entries) {
  return (entries & (entries - 1)) == 0 ? (index & (entries - 1)) : (index % entries);
}

}  // namespace

double derived_per_level_scale(uint32_t levels, double base_resolution, double n_max) {
  if (levels <= 1) return 1.0;
  if (!(base_resolution > 0) || !std::isfinite(base_resolution)) {
    bad_param("base_resolution must be > 0 to derive per_level_scale, got " +
              std::to_string(base_resolution));
  }
  if (!(n_max > 0) || !std::isfinite(n_max)) {
    bad_param("n_max must be a finite value > 0 to derive per_level_scale, got " +
              std::to_string(n_max));
  }
  // instant-ngp's testbed evaluates this in float (desired_resolution, std::log/std::exp of
  // float); the float result is what tcnn then receives, so doing it in double could move a
  // resolution across a ceil() boundary.
  const float ratio = static_cast<float>(n_max) / static_cast<float>(base_resolution);
  const float b = std::exp(std::log(ratio) / static_cast<float>(levels - 1));
  return static_cast<double>(b);
}

GridLayout make_grid_layout(const GridParams& params) {
  const GridParams& p = params;
  if (p.dims != 2 && p.dims != 3) {
    bad_param("dims must be 2 or 3 (tcnn instantiates only these), got " + std::to_string(p.dims));
  }
  if (p.features != 1 && p.features != 2 && p.features != 4 && p.features != 8) {
    bad_param("features (per level) must be 1, 2, 4 or 8, got " + std::to_string(p.features));
  }
  if (p.levels == 0 || p.levels > 32) {
    bad_param("levels must be in 1..32 (tcnn's offset table), got " + std::to_string(p.levels));
  }
  if (p.log2_table_size >= 32) {
    bad_param("log2_table_size must be < 32 (uint32 table indices), got " +
              std::to_string(p.log2_table_size));
  }
  if (p.base_resolution == 0) bad_param("base_resolution must be >= 1, got 0");
  if (p.feature_bytes != 1 && p.feature_bytes != 2 && p.feature_bytes != 4) {
    bad_param("feature_bytes must be 1, 2 or 4, got " + std::to_string(p.feature_bytes));
  }
  if (!std::isfinite(p.per_level_scale) || p.per_level_scale < 0) {
    bad_param("per_level_scale must be > 0, or 0 to derive it from n_max, got " +
              std::to_string(p.per_level_scale));
  }
  if (p.type == GridType::Tiled &&
      pow_saturating(p.base_resolution, p.dims) > std::numeric_limits<uint32_t>::max()) {
    bad_param("base_resolution^dims of a Tiled grid must fit in uint32, base_resolution = " +
              std::to_string(p.base_resolution));
  }

  GridLayout layout;
  layout.params = p;
  layout.per_level_scale =
      p.per_level_scale > 0
          ? static_cast<float>(p.per_level_scale)
          : static_cast<float>(derived_per_level_scale(p.levels, p.base_resolution, p.n_max));
  layout.entry_bytes = p.features * p.feature_bytes;
  layout.corners = 1u << p.dims;

  // tcnn passes std::log2 of its float per_level_scale (a float) to exp2f.
  const float log2_scale = std::log2(layout.per_level_scale);
  const uint32_t max_params = std::numeric_limits<uint32_t>::max() / 2;
  uint64_t offset = 0;
  layout.levels.reserve(p.levels);
  for (uint32_t l = 0; l < p.levels; ++l) {
    GridLevel level;
    level.scale =
        std::exp2(static_cast<float>(l) * log2_scale) * static_cast<float>(p.base_resolution) -
        1.0f;
    // (uint32_t)ceilf(scale) is only defined for scale > -1 and below 2^32; beyond 2^31 the
    // dense index arithmetic is meaningless anyway.
    if (!(level.scale >= 0.0f) || !(level.scale < 2147483648.0f)) {
      bad_param("level " + std::to_string(l) + " scale " + std::to_string(level.scale) +
                " is outside [0, 2^31): check base_resolution, per_level_scale and n_max");
    }
    level.resolution = static_cast<uint32_t>(std::ceil(level.scale)) + 1;

    // tcnn caps the dense size at UINT32_MAX/2 (comparing in floating point) before rounding up
    // to a multiple of 8 for aligned accesses.
    const double dense = std::pow(static_cast<double>(level.resolution), p.dims);
    uint32_t params_in_level =
        dense > static_cast<double>(static_cast<float>(max_params))
            ? max_params
            : static_cast<uint32_t>(pow_saturating(level.resolution, p.dims));
    params_in_level = (params_in_level + 7u) / 8u * 8u;
    switch (p.type) {
      case GridType::Dense:
        break;
      case GridType::Tiled:
        params_in_level = std::min(
            params_in_level, static_cast<uint32_t>(pow_saturating(p.base_resolution, p.dims)));
        break;
      case GridType::Hash:
        params_in_level = std::min(params_in_level, 1u << p.log2_table_size);
        break;
    }
    level.entries = params_in_level;
    level.offset = offset;
    level.hashed = p.type == GridType::Hash &&
                   pow_saturating(level.resolution, p.dims) > static_cast<uint64_t>(level.entries);
    offset += level.entries;
    layout.levels.push_back(level);
  }
  layout.total_entries = offset;
  layout.parameters = offset * p.features;
  layout.bytes = offset * layout.entry_bytes;
  return layout;
}

uint32_t coherent_prime_hash(const uint32_t* pos, uint32_t dims) {
  uint32_t result = 0;
  for (uint32_t i = 0; i < dims && i < 7; ++i) result ^= pos[i] * kHashPrimes[i];
  return result;
}

uint32_t grid_index(GridType type, uint32_t entries, uint32_t resolution, const uint32_t* pos,
                    uint32_t dims) {
  // The stride is kept in 64 bits: tcnn's 32-bit stride can wrap for very fine levels of large
  // tables (e.g. 3-D, T = 2^24, resolution 2048), which newer tcnn fixed by always hashing there;
  // with 64 bits we agree with both wherever the 32-bit stride did not wrap, and with the fix
  // where it did.
  uint64_t stride = 1;
  uint32_t index = 0;
  for (uint32_t d = 0; d < dims && stride <= entries; ++d) {
    index += pos[d] * static_cast<uint32_t>(stride);  // uint32 wrap-around as in tcnn
    stride *= resolution;
  }
  if (type == GridType::Hash && entries < stride) index = coherent_prime_hash(pos, dims);
  return mod_entries(index, entries);
}

void level_corners(const GridLayout& layout, uint32_t level, const float* x, uint32_t* corner_index,
                   float* weight) {
  if (level >= layout.levels.size()) {
    throw std::out_of_range("level_corners: level " + std::to_string(level) + " of a " +
                            std::to_string(layout.levels.size()) + "-level grid");
  }
  const GridLevel& lv = layout.levels[level];
  const uint32_t dims = layout.params.dims;

  // pos_fract: tcnn uses an explicit fmaf, so the product is not rounded before adding 0.5.
  float frac[3];
  uint32_t cell[3];
  for (uint32_t d = 0; d < dims; ++d) {
    const float p = std::fma(lv.scale, x[d], 0.5f);
    const float fl = std::floor(p);
    cell[d] = static_cast<uint32_t>(float_to_int_saturating(fl));
    frac[d] = p - fl;
  }

  // grid_index is separable: the dense index is a sum and the hash a XOR of one term per
  // dimension, so each corner combines two precomputed terms per dimension instead of redoing
  // the loop. The stride loop and hash decision are grid_index's, evaluated once per call.
  uint64_t stride = 1;
  uint32_t dense_dims = 0;
  uint32_t stride_of[3] = {0, 0, 0};
  for (uint32_t d = 0; d < dims && stride <= lv.entries; ++d) {
    stride_of[d] = static_cast<uint32_t>(stride);
    stride *= lv.resolution;
    ++dense_dims;
  }
  const bool hash = layout.params.type == GridType::Hash && lv.entries < stride;
  uint32_t term[3][2];
  for (uint32_t d = 0; d < dims; ++d) {
    const uint32_t mul = hash ? kHashPrimes[d] : (d < dense_dims ? stride_of[d] : 0u);
    term[d][0] = cell[d] * mul;
    term[d][1] = (cell[d] + 1) * mul;
  }

  for (uint32_t c = 0; c < layout.corners; ++c) {
    // Same multiplication order as tcnn (dim 0 first, starting from 1) for bit-equal weights.
    float w = 1.0f;
    uint32_t index = 0;
    for (uint32_t d = 0; d < dims; ++d) {
      const uint32_t bit = (c >> d) & 1u;
      w *= bit ? frac[d] : 1.0f - frac[d];
      index = hash ? (index ^ term[d][bit]) : (index + term[d][bit]);
    }
    corner_index[c] = mod_entries(index, lv.entries);
    weight[c] = w;
  }
}

LevelIndexer level_indexer(const GridLayout& layout, uint32_t level) {
  if (level >= layout.levels.size()) {
    throw std::out_of_range("level_indexer: level " + std::to_string(level) + " of a " +
                            std::to_string(layout.levels.size()) + "-level grid");
  }
  const GridLevel& lv = layout.levels[level];
  LevelIndexer ix;
  ix.scale = lv.scale;
  ix.entries = lv.entries;
  ix.mask = (lv.entries & (lv.entries - 1)) == 0 ? lv.entries - 1 : 0;
  ix.dims = layout.params.dims;
  uint64_t stride = 1;
  uint32_t dense_dims = 0;
  uint32_t stride_of[3] = {0, 0, 0};
  for (uint32_t d = 0; d < ix.dims && stride <= lv.entries; ++d) {
    stride_of[d] = static_cast<uint32_t>(stride);
    stride *= lv.resolution;
    ++dense_dims;
  }
  ix.hash = layout.params.type == GridType::Hash && lv.entries < stride;
  for (uint32_t d = 0; d < ix.dims; ++d)
    ix.mul[d] = ix.hash ? kHashPrimes[d] : (d < dense_dims ? stride_of[d] : 0u);
  return ix;
}

namespace {

template <uint32_t Dims, bool Hash, bool Pow2>
inline void corners_of(const LevelIndexer& lv, const float* x, uint32_t n, uint32_t* out,
                       uint8_t* parity) {
  for (uint32_t q = 0; q < n; ++q, x += Dims) {
    uint32_t t0[3], t1[3];
    uint32_t cell_parity = 0;
    for (uint32_t d = 0; d < Dims; ++d) {
      // As tcnn: p = fmaf(scale, x, 0.5), corner = floor(p) (CUDA's saturating conversion).
      const float fl = std::floor(std::fma(lv.scale, x[d], 0.5f));
      const uint32_t cell = static_cast<uint32_t>(float_to_int_saturating(fl));
      cell_parity |= (cell & 1u) << d;
      t0[d] = cell * lv.mul[d];
      t1[d] = (cell + 1) * lv.mul[d];
    }
    if (parity) {
      for (uint32_t c = 0; c < (1u << Dims); ++c) parity[c] = static_cast<uint8_t>(cell_parity ^ c);
      parity += 1u << Dims;
    }
    for (uint32_t c = 0; c < (1u << Dims); ++c) {
      uint32_t index = (c & 1) ? t1[0] : t0[0];
      for (uint32_t d = 1; d < Dims; ++d) {
        const uint32_t t = ((c >> d) & 1) ? t1[d] : t0[d];
        index = Hash ? (index ^ t) : (index + t);
      }
      out[c] = Pow2 ? (index & lv.mask) : (index % lv.entries);
    }
    out += 1u << Dims;
  }
}

}  // namespace

// Compiled twice: with hardware FMA where the CPU has it (fmaf is then one instruction, not a
// library call) and without; both compute the same correctly rounded fmaf.
__attribute__((target_clones("fma", "default"))) void level_corner_indices(const LevelIndexer& lv,
                                                                           const float* x,
                                                                           uint32_t n,
                                                                           uint32_t* out,
                                                                           uint8_t* parity) {
  const bool pow2 = lv.mask != 0 || lv.entries == 1;
  if (lv.dims == 3) {
    if (lv.hash) {
      pow2 ? corners_of<3, true, true>(lv, x, n, out, parity) : corners_of<3, true, false>(lv, x, n, out, parity);
    } else {
      pow2 ? corners_of<3, false, true>(lv, x, n, out, parity) : corners_of<3, false, false>(lv, x, n, out, parity);
    }
  } else {
    if (lv.hash) {
      pow2 ? corners_of<2, true, true>(lv, x, n, out, parity) : corners_of<2, true, false>(lv, x, n, out, parity);
    } else {
      pow2 ? corners_of<2, false, true>(lv, x, n, out, parity) : corners_of<2, false, false>(lv, x, n, out, parity);
    }
  }
}

}  // namespace ngpc
