#include "sim/config/units.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <string_view>

#include "sim/error.h"

namespace ngpc {
namespace {

// value = number * 10^pow10 * 2^pow2 relative to the family's base unit. Every unit is such a
// product, which lets the parser fold the decimal part into the number's exponent and round once.
struct UnitDef {
  const char* name;
  UnitFamily family;
  int pow10;
  int pow2;
};

constexpr UnitDef kUnits[] = {
    {"Hz", UnitFamily::kFrequency, 0, 0},     {"kHz", UnitFamily::kFrequency, 3, 0},
    {"MHz", UnitFamily::kFrequency, 6, 0},    {"GHz", UnitFamily::kFrequency, 9, 0},
    {"B", UnitFamily::kBytes, 0, 0},          {"kB", UnitFamily::kBytes, 3, 0},
    {"KB", UnitFamily::kBytes, 3, 0},         {"MB", UnitFamily::kBytes, 6, 0},
    {"GB", UnitFamily::kBytes, 9, 0},         {"TB", UnitFamily::kBytes, 12, 0},
    {"KiB", UnitFamily::kBytes, 0, 10},       {"MiB", UnitFamily::kBytes, 0, 20},
    {"GiB", UnitFamily::kBytes, 0, 30},       {"TiB", UnitFamily::kBytes, 0, 40},
    {"B/s", UnitFamily::kBandwidth, 0, 0},    {"kB/s", UnitFamily::kBandwidth, 3, 0},
    {"KB/s", UnitFamily::kBandwidth, 3, 0},   {"MB/s", UnitFamily::kBandwidth, 6, 0},
    {"GB/s", UnitFamily::kBandwidth, 9, 0},   {"TB/s", UnitFamily::kBandwidth, 12, 0},
    {"KiB/s", UnitFamily::kBandwidth, 0, 10}, {"MiB/s", UnitFamily::kBandwidth, 0, 20},
    {"GiB/s", UnitFamily::kBandwidth, 0, 30}, {"TiB/s", UnitFamily::kBandwidth, 0, 40},
    {"s", UnitFamily::kTime, 0, 0},           {"ms", UnitFamily::kTime, -3, 0},
    {"us", UnitFamily::kTime, -6, 0},         {"ns", UnitFamily::kTime, -9, 0},
    {"ps", UnitFamily::kTime, -12, 0},        {"m2", UnitFamily::kArea, 6, 0},
    {"cm2", UnitFamily::kArea, 2, 0},         {"mm2", UnitFamily::kArea, 0, 0},
    {"um2", UnitFamily::kArea, -6, 0},        {"kW", UnitFamily::kPower, 3, 0},
    {"W", UnitFamily::kPower, 0, 0},          {"mW", UnitFamily::kPower, -3, 0},
    {"uW", UnitFamily::kPower, -6, 0},        {"J", UnitFamily::kEnergy, 0, 0},
    {"mJ", UnitFamily::kEnergy, -3, 0},       {"uJ", UnitFamily::kEnergy, -6, 0},
    {"nJ", UnitFamily::kEnergy, -9, 0},       {"pJ", UnitFamily::kEnergy, -12, 0},
    {"fJ", UnitFamily::kEnergy, -15, 0},
};

const UnitDef* find_unit(std::string_view name) {
  for (const UnitDef& u : kUnits) {
    if (name == u.name) return &u;
  }
  return nullptr;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Length of the run of digits starting at pos.
size_t digits_at(std::string_view s, size_t pos) {
  size_t n = 0;
  while (pos + n < s.size() && is_digit(s[pos + n])) ++n;
  return n;
}

[[noreturn]] void reject(const std::string& text, UnitFamily family, const std::string& why) {
  throw InputError(why + " in \"" + text + "\"; expected a non-negative number and a " +
                   unit_family_name(family) + " unit (" + unit_family_units(family) + "), e.g. \"" +
                   unit_family_example(family) + "\"");
}

}  // namespace

std::string unit_family_name(UnitFamily family) {
  switch (family) {
    case UnitFamily::kFrequency:
      return "frequency";
    case UnitFamily::kBytes:
      return "bytes";
    case UnitFamily::kBandwidth:
      return "bandwidth";
    case UnitFamily::kTime:
      return "time";
    case UnitFamily::kArea:
      return "area";
    case UnitFamily::kPower:
      return "power";
    case UnitFamily::kEnergy:
      return "energy";
  }
  return "unknown";
}

std::optional<UnitFamily> unit_family_from_name(const std::string& name) {
  for (UnitFamily f :
       {UnitFamily::kFrequency, UnitFamily::kBytes, UnitFamily::kBandwidth, UnitFamily::kTime,
        UnitFamily::kArea, UnitFamily::kPower, UnitFamily::kEnergy}) {
    if (unit_family_name(f) == name) return f;
  }
  return std::nullopt;
}

std::string unit_family_units(UnitFamily family) {
  std::string out;
  for (const UnitDef& u : kUnits) {
    if (u.family != family) continue;
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

std::string unit_family_example(UnitFamily family) {
  switch (family) {
    case UnitFamily::kFrequency:
      return "1 GHz";
    case UnitFamily::kBytes:
      return "1 MiB";
    case UnitFamily::kBandwidth:
      return "936 GB/s";
    case UnitFamily::kTime:
      return "400 ns";
    case UnitFamily::kArea:
      return "628.4 mm2";
    case UnitFamily::kPower:
      return "350 W";
    case UnitFamily::kEnergy:
      return "0.45 pJ";
  }
  return "";
}

double parse_quantity(const std::string& text, UnitFamily family) {
  const std::string_view s(text);
  if (s.empty()) reject(text, family, "empty quantity");
  if (s[0] == '-') reject(text, family, "negative quantity");

  // Grammar: digits [. digits] [(e|E) [+|-] digits] [space] unit
  size_t pos = digits_at(s, 0);
  if (pos == 0) reject(text, family, "missing number");
  if (pos < s.size() && s[pos] == '.') {
    const size_t frac = digits_at(s, pos + 1);
    if (frac == 0) reject(text, family, "digits must follow the decimal point");
    pos += 1 + frac;
  }
  const std::string_view mantissa = s.substr(0, pos);
  long exponent = 0;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    size_t p = pos + 1;
    const bool negative = p < s.size() && s[p] == '-';
    if (p < s.size() && (s[p] == '-' || s[p] == '+')) ++p;
    const size_t n = digits_at(s, p);
    if (n == 0 || n > 4) reject(text, family, "bad exponent");
    std::from_chars(s.data() + p, s.data() + p + n, exponent);
    if (negative) exponent = -exponent;
    pos = p + n;
  }
  if (pos < s.size() && s[pos] == ' ') ++pos;
  const std::string_view unit_name = s.substr(pos);
  if (unit_name.empty()) reject(text, family, "missing unit");

  const UnitDef* unit = find_unit(unit_name);
  if (unit == nullptr) reject(text, family, "unknown unit '" + std::string(unit_name) + "'");
  if (unit->family != family) {
    reject(text, family,
           "'" + std::string(unit_name) + "' is a " + unit_family_name(unit->family) + " unit");
  }

  // Fold the unit's power of ten into the exponent so the decimal value is rounded only once.
  const std::string scaled = std::string(mantissa) + "e" + std::to_string(exponent + unit->pow10);
  double value = 0;
  const auto [end, ec] = std::from_chars(scaled.data(), scaled.data() + scaled.size(), value);
  if (ec != std::errc() || end != scaled.data() + scaled.size()) {
    reject(text, family, "number out of range");
  }
  value = std::ldexp(value, unit->pow2);  // exact: a power-of-two scale
  if (!std::isfinite(value)) reject(text, family, "number out of range");

  if (family == UnitFamily::kBytes) {
    if (value != std::floor(value)) reject(text, family, "not a whole number of bytes");
    if (value > 9007199254740992.0) reject(text, family, "byte count too large");  // 2^53
  }
  return value;
}

}  // namespace ngpc
