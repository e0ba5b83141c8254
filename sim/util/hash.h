// A 64-bit content hash for cache keys and result identities (not for security): FNV-1a over the
// bytes, then the splitmix64 finaliser so that similar inputs differ in every digit.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace ngpc {

inline uint64_t hash64(const std::string& bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

// 16 lower-case hex digits of hash64(bytes).
inline std::string hash_hex(const std::string& bytes) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash64(bytes)));
  return buf;
}

}  // namespace ngpc
