#include "sim/config/units.h"

#include <gtest/gtest.h>

#include <string>

#include "sim/error.h"

namespace ngpc {
namespace {

double q(const std::string& text, UnitFamily family) {
  return parse_quantity(text, family);
}

TEST(Units, Frequency) {
  EXPECT_EQ(q("1 Hz", UnitFamily::kFrequency), 1.0);
  EXPECT_EQ(q("2 kHz", UnitFamily::kFrequency), 2e3);
  EXPECT_EQ(q("1.5 MHz", UnitFamily::kFrequency), 1.5e6);
  EXPECT_EQ(q("1 GHz", UnitFamily::kFrequency), 1e9);
  EXPECT_EQ(q("1.7 GHz", UnitFamily::kFrequency), 1.7e9);
  EXPECT_EQ(q("1GHz", UnitFamily::kFrequency), 1e9);  // the space is optional
}

TEST(Units, BytesDecimalAndBinaryAreExactAndDistinct) {
  EXPECT_EQ(q("1 B", UnitFamily::kBytes), 1.0);
  EXPECT_EQ(q("1 kB", UnitFamily::kBytes), 1000.0);
  EXPECT_EQ(q("1 KB", UnitFamily::kBytes), 1000.0);
  EXPECT_EQ(q("1 MB", UnitFamily::kBytes), 1000000.0);
  EXPECT_EQ(q("6 MB", UnitFamily::kBytes), 6000000.0);
  EXPECT_EQ(q("1 GB", UnitFamily::kBytes), 1e9);
  EXPECT_EQ(q("2 TB", UnitFamily::kBytes), 2e12);
  EXPECT_EQ(q("1 KiB", UnitFamily::kBytes), 1024.0);
  EXPECT_EQ(q("1.5 KiB", UnitFamily::kBytes), 1536.0);
  EXPECT_EQ(q("64 KiB", UnitFamily::kBytes), 65536.0);
  EXPECT_EQ(q("1 MiB", UnitFamily::kBytes), 1048576.0);
  EXPECT_EQ(q("2 MiB", UnitFamily::kBytes), 2097152.0);
  EXPECT_EQ(q("1 GiB", UnitFamily::kBytes), 1073741824.0);
  EXPECT_EQ(q("1 TiB", UnitFamily::kBytes), 1099511627776.0);
  EXPECT_EQ(q("0.5 kB", UnitFamily::kBytes), 500.0);
  EXPECT_EQ(q("2.5e3 B", UnitFamily::kBytes), 2500.0);
  EXPECT_NE(q("1 MB", UnitFamily::kBytes), q("1 MiB", UnitFamily::kBytes));
}

TEST(Units, Bandwidth) {
  EXPECT_EQ(q("936 GB/s", UnitFamily::kBandwidth), 936e9);
  EXPECT_EQ(q("2 TB/s", UnitFamily::kBandwidth), 2e12);
  EXPECT_EQ(q("1 B/s", UnitFamily::kBandwidth), 1.0);
  EXPECT_EQ(q("3 kB/s", UnitFamily::kBandwidth), 3e3);
  EXPECT_EQ(q("12.5 MB/s", UnitFamily::kBandwidth), 12.5e6);
  EXPECT_EQ(q("1 KiB/s", UnitFamily::kBandwidth), 1024.0);
  EXPECT_EQ(q("1 MiB/s", UnitFamily::kBandwidth), 1048576.0);
  EXPECT_EQ(q("1 GiB/s", UnitFamily::kBandwidth), 1073741824.0);
}

TEST(Units, Time) {
  EXPECT_EQ(q("400 ns", UnitFamily::kTime), 400e-9);
  EXPECT_EQ(q("200 ns", UnitFamily::kTime), 200e-9);
  EXPECT_EQ(q("2.12 ms", UnitFamily::kTime), 2.12e-3);
  EXPECT_EQ(q("231 ms", UnitFamily::kTime), 231e-3);
  EXPECT_EQ(q("3 us", UnitFamily::kTime), 3e-6);
  EXPECT_EQ(q("7 ps", UnitFamily::kTime), 7e-12);
  EXPECT_EQ(q("1 s", UnitFamily::kTime), 1.0);
  EXPECT_EQ(q("0 ns", UnitFamily::kTime), 0.0);
}

TEST(Units, AreaIsStoredInSquareMillimetres) {
  EXPECT_EQ(q("628.4 mm2", UnitFamily::kArea), 628.4);
  EXPECT_EQ(q("1360 um2", UnitFamily::kArea), 1360e-6);
  EXPECT_EQ(q("0.027 um2", UnitFamily::kArea), 0.027e-6);
  EXPECT_EQ(q("2 cm2", UnitFamily::kArea), 200.0);
  EXPECT_EQ(q("1 m2", UnitFamily::kArea), 1e6);
}

TEST(Units, Power) {
  EXPECT_EQ(q("350 W", UnitFamily::kPower), 350.0);
  EXPECT_EQ(q("1.5 kW", UnitFamily::kPower), 1500.0);
  EXPECT_EQ(q("12 mW", UnitFamily::kPower), 12e-3);
  EXPECT_EQ(q("5 uW", UnitFamily::kPower), 5e-6);
}

TEST(Units, EnergyIsStoredInJoules) {
  EXPECT_EQ(q("0.45 pJ", UnitFamily::kEnergy), 0.45e-12);
  EXPECT_EQ(q("3.1 pJ", UnitFamily::kEnergy), 3.1e-12);
  EXPECT_EQ(q("1.3 nJ", UnitFamily::kEnergy), 1.3e-9);
  EXPECT_EQ(q("2 uJ", UnitFamily::kEnergy), 2e-6);
  EXPECT_EQ(q("4 mJ", UnitFamily::kEnergy), 4e-3);
  EXPECT_EQ(q("1 J", UnitFamily::kEnergy), 1.0);
  EXPECT_EQ(q("800 fJ", UnitFamily::kEnergy), 800e-15);
  EXPECT_EQ(q("4.5e-1 pJ", UnitFamily::kEnergy), 0.45e-12);
}

// Rejections carry a message naming the expected family and an example.
void expect_rejected(const std::string& text, UnitFamily family, const std::string& reason) {
  try {
    parse_quantity(text, family);
    ADD_FAILURE() << "\"" << text << "\" was accepted as " << unit_family_name(family);
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(reason), std::string::npos) << message;
    EXPECT_NE(message.find(unit_family_name(family)), std::string::npos) << message;
    EXPECT_NE(message.find(unit_family_example(family)), std::string::npos) << message;
  }
}

TEST(Units, Rejections) {
  expect_rejected("", UnitFamily::kBytes, "empty");
  expect_rejected("1000", UnitFamily::kBytes, "missing unit");
  expect_rejected("1 ", UnitFamily::kBytes, "missing unit");
  expect_rejected("1 GHz", UnitFamily::kBytes, "'GHz' is a frequency unit");
  expect_rejected("1 MB", UnitFamily::kBandwidth, "'MB' is a bytes unit");
  expect_rejected("400 ns", UnitFamily::kFrequency, "'ns' is a time unit");
  expect_rejected("1.5 B", UnitFamily::kBytes, "whole number of bytes");
  expect_rejected("0.1 KiB", UnitFamily::kBytes, "whole number of bytes");
  expect_rejected("-1 B", UnitFamily::kBytes, "negative");
  expect_rejected("-400 ns", UnitFamily::kTime, "negative");
  expect_rejected("abc", UnitFamily::kTime, "missing number");
  expect_rejected("GHz", UnitFamily::kFrequency, "missing number");
  expect_rejected("1 parsec", UnitFamily::kTime, "unknown unit 'parsec'");
  expect_rejected("1 mb", UnitFamily::kBytes, "unknown unit 'mb'");  // units are case-sensitive
  expect_rejected("1.  MB", UnitFamily::kBytes, "decimal point");
  expect_rejected("1  MB", UnitFamily::kBytes, "unknown unit");  // one space at most
  expect_rejected(" 1 MB", UnitFamily::kBytes, "missing number");
  expect_rejected("1e MB", UnitFamily::kBytes, "exponent");
  expect_rejected("1e999 B", UnitFamily::kBytes, "out of range");
  expect_rejected("1 GHz extra", UnitFamily::kFrequency, "unknown unit");
}

TEST(Units, FamilyNamesRoundTrip) {
  for (UnitFamily f :
       {UnitFamily::kFrequency, UnitFamily::kBytes, UnitFamily::kBandwidth, UnitFamily::kTime,
        UnitFamily::kArea, UnitFamily::kPower, UnitFamily::kEnergy}) {
    ASSERT_TRUE(unit_family_from_name(unit_family_name(f)).has_value());
    EXPECT_EQ(*unit_family_from_name(unit_family_name(f)), f);
    EXPECT_NO_THROW(parse_quantity(unit_family_example(f), f));
  }
  EXPECT_FALSE(unit_family_from_name("parsecs").has_value());
}

}  // namespace
}  // namespace ngpc
