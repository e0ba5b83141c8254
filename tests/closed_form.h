// A closed-form check recorded for the validation report: scripts/validation-report runs the
// fidelity suites with --gtest_output=json and tabulates, per test, the quantity, the model's
// value, the closed form's and their deviation. The assertion stays the test's own; this only
// makes the number visible.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace ngpc::test {

inline std::string g10(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.10g", v);
  return b;
}

// One check per test (a later call replaces an earlier one: record the worst case of a loop).
inline void record_closed_form(const std::string& quantity, double model, double closed_form) {
  ::testing::Test::RecordProperty("cf_quantity", quantity);
  ::testing::Test::RecordProperty("cf_model", g10(model));
  ::testing::Test::RecordProperty("cf_closed_form", g10(closed_form));
  const double dev = closed_form != 0 ? 100.0 * (model - closed_form) / closed_form
                                      : (model == 0 ? 0.0 : INFINITY);
  ::testing::Test::RecordProperty("cf_deviation_pct", g10(dev));
}

}  // namespace ngpc::test
