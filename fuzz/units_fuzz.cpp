// Fuzz target: quantities with units (sim/config/units.h) and the --frames range parser. Every
// family is tried on each input. Invariants: an accepted quantity is finite and non-negative, and
// printing it in the family's base unit with 17 significant digits parses back to the same value;
// a unit family name maps back to itself; an accepted frame range is non-empty and in range.
#include <cmath>
#include <cstdio>

#include "fuzz_common.h"
#include "sim/config/units.h"
#include "sim/error.h"
#include "sim/trace/trace_io.h"

namespace {

using ngpc::UnitFamily;

const char* base_unit(UnitFamily f) {
  switch (f) {
    case UnitFamily::kFrequency:
      return "Hz";
    case UnitFamily::kBytes:
      return "B";
    case UnitFamily::kBandwidth:
      return "B/s";
    case UnitFamily::kTime:
      return "s";
    case UnitFamily::kArea:
      return "mm2";
    case UnitFamily::kPower:
      return "W";
    case UnitFamily::kEnergy:
      return "J";
  }
  return "";
}

void quantity(const std::string& text, UnitFamily f) {
  double v = 0;
  try {
    v = ngpc::parse_quantity(text, f);
  } catch (const ngpc::InputError& e) {
    ngpc::fuzz::rejected(e);
    return;
  }
  NGPC_FUZZ_CHECK(std::isfinite(v) && v >= 0, text);
  char again[64];
  std::snprintf(again, sizeof again, "%.17g %s", v, base_unit(f));
  double w = -1;
  try {
    w = ngpc::parse_quantity(again, f);
  } catch (const ngpc::InputError& e) {
    ngpc::fuzz::fail("the value printed in the base unit parses",
                     text + " -> " + again + ": " + e.what());
  }
  NGPC_FUZZ_CHECK(w == v, text + " -> " + again);
}

void frame_range(const std::string& text, size_t frames) {
  try {
    const ngpc::trace::FrameRange r = ngpc::trace::parse_frame_range(text, frames);
    NGPC_FUZZ_CHECK(r.begin < r.end && r.end <= frames, text + " of " + std::to_string(frames));
  } catch (const ngpc::InputError& e) {
    ngpc::fuzz::rejected(e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (UnitFamily f :
       {UnitFamily::kFrequency, UnitFamily::kBytes, UnitFamily::kBandwidth, UnitFamily::kTime,
        UnitFamily::kArea, UnitFamily::kPower, UnitFamily::kEnergy}) {
    quantity(text, f);
  }
  if (const auto f = ngpc::unit_family_from_name(text)) {
    NGPC_FUZZ_CHECK(ngpc::unit_family_name(*f) == text, text);
  }
  for (size_t frames : {size_t{0}, size_t{1}, size_t{7}, size_t{100000}}) frame_range(text, frames);
  return 0;
}
