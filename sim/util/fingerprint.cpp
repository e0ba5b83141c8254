#include "sim/util/fingerprint.h"

#include "source_fingerprint.h"

namespace ngpc {

const std::string& source_fingerprint() {
  static const std::string fp = NGPC_SOURCE_FINGERPRINT;
  return fp;
}

}  // namespace ngpc
