// Identity of the simulator build: a hash of every source of models/ and sim/ (and the embedded
// schemas), computed by cmake/fingerprint.cmake at build time. Sweep points and cached traces carry
// it, so results of a different simulator are never mixed in or served from a cache.
#pragma once

#include <string>

namespace ngpc {

// 16 hex digits.
const std::string& source_fingerprint();

}  // namespace ngpc
