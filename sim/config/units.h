// Quantities with units ("1 GHz", "1 MiB", "936 GB/s", "400 ns", "628.4 mm2", "350 W", "0.45 pJ"),
// as written in configuration and technology-table files. They are parsed once at load time into
// plain doubles in base units, so the models never see strings.
#pragma once

#include <optional>
#include <string>

namespace ngpc {

// Base unit of each family: Hz, B, B/s, s, mm2, W, J.
enum class UnitFamily { kFrequency, kBytes, kBandwidth, kTime, kArea, kPower, kEnergy };

// Human name of a family ("bytes", "frequency", ...), for error messages.
std::string unit_family_name(UnitFamily family);

// Inverse of unit_family_name (the schema names a quantity's family in its "x-unit" keyword).
std::optional<UnitFamily> unit_family_from_name(const std::string& name);

// The units a family accepts, e.g. "B, kB, KB, MB, GB, TB, KiB, MiB, GiB, TiB".
std::string unit_family_units(UnitFamily family);

// A sample quantity of the family ("1 MiB"), for error messages and docs.
std::string unit_family_example(UnitFamily family);

// Parses "<number> <unit>" (the space is optional; the number is a non-negative decimal with an
// optional exponent) into the family's base unit. Decimal prefixes are powers of ten, binary ones
// (KiB, MiB, ...) powers of two, and the conversion is exact whenever the value is representable
// ("0.45 pJ" == 0.45e-12, "1 MB" == 1e6, "1.5 KiB" == 1536). Byte quantities must be a whole
// number of bytes. Throws ngpc::InputError with a message naming the expected form (the caller
// adds the file and JSON path).
double parse_quantity(const std::string& text, UnitFamily family);

}  // namespace ngpc
