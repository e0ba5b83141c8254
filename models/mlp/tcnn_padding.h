// tiny-cuda-nn's fully fused MLP pads its input and output widths to a multiple of 16 (the tensor
// core tile); the padded widths are what the MAC array and the GPU compute (spec §2).
#pragma once

#include <cstdint>

namespace ngpc {

inline constexpr uint32_t tcnn_padded_width(uint32_t width) {
  return (width + 15) / 16 * 16;
}

}  // namespace ngpc
