// splitmix64's finaliser: a bijective 64-bit mix. The counter-based randomness of the whole
// simulator (seeded sample choices, procedural scenes) is built on it, so results are a pure
// function of the seed and the coordinates, never of evaluation order.
#pragma once

#include <cstdint>

namespace ngpc {

inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace ngpc
