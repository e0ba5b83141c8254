#include "sim/json/value.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sim/error.h"
#include "sim/json/suggest.h"

namespace ngpc::json_input {

using nlohmann::json;

namespace {

constexpr size_t kShownChars = 60;

// Serialises at most about `budget` characters of `v` (a huge array is not dumped whole to show
// its first elements), in nlohmann's compact form.
void show_into(std::string& out, const json& v, size_t budget, int depth) {
  if (out.size() > budget) return;
  if (!v.is_structured()) {
    out += v.dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  if (depth > 64) {
    out += "...";
    return;
  }
  const bool object = v.is_object();
  out += object ? '{' : '[';
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (out.size() > budget) return;
    if (!first) out += ',';
    first = false;
    if (object) out += json(it.key()).dump(-1, ' ', false, json::error_handler_t::replace) + ":";
    show_into(out, *it, budget, depth + 1);
  }
  out += object ? '}' : ']';
}

// 1e12 -> "1000000000000", 0.5 -> "0.5", 1e300 -> "1e+300".
std::string number_text(double x) {
  char buf[32];
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", x);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", x);
  }
  return buf;
}

std::string with_what(std::string kind, std::string_view what) {
  if (!what.empty()) kind += " (" + std::string(what) + ")";
  return kind;
}

std::string quoted_list(const std::vector<std::string_view>& options) {
  std::string out;
  for (std::string_view o : options) out += (out.empty() ? "\"" : ", \"") + std::string(o) + "\"";
  return out;
}

double bound_value(const char* text, UnitFamily family) {
  try {
    return parse_quantity(text, family);
  } catch (const InputError& e) {
    throw std::logic_error(std::string("bad quantity bound in the code: ") + e.what());
  }
}

}  // namespace

std::string show(const json& value) {
  std::string s;
  show_into(s, value, kShownChars, 0);
  if (s.size() > kShownChars) s = s.substr(0, kShownChars - 3) + "...";
  return s;
}

Source::Source(std::string origin, PathStyle style) : origin_(std::move(origin)), style_(style) {}

Source::Source(OriginFn origin_of, PathStyle style)
    : origin_of_(std::move(origin_of)), style_(style) {}

std::string Source::origin(const std::string& path) const {
  return origin_of_ ? origin_of_(path) : origin_;
}

void Source::fail(const std::string& path, const std::string& message) const {
  throw InputError(origin(path) + ": " + display_path(path, style_) + ": " + message);
}

Value::Value(const nlohmann::json& root, const Source& source, std::string base)
    : json_(&root), source_(&source), base_(std::move(base)) {}

Value::Value(const nlohmann::json* v, const Value* parent, std::string_view key, size_t index)
    : json_(v), source_(parent->source_), parent_(parent), key_(key), index_(index) {}

void Value::append_path(std::string& out) const {
  if (!parent_) {
    out += base_;
    return;
  }
  parent_->append_path(out);
  if (index_ != npos) {
    append_index(out, source_->style(), index_);
  } else {
    append_key(out, source_->style(), key_);
  }
}

std::string Value::path() const {
  std::string out;
  append_path(out);
  return out;
}

void Value::fail(const std::string& message) const {
  source_->fail(path(), message);
}

void Value::expected(std::string_view what) const {
  fail("expected " + std::string(what) + ", got " + (json_ ? show(*json_) : "nothing"));
}

void Value::fail_member(std::string_view key, const std::string& message) const {
  std::string p = path();
  append_key(p, source_->style(), key);
  source_->fail(p, message);
}

void Value::expect_object(std::string_view what) const {
  if (!json_->is_object()) {
    expected(what.empty() || what == "an object" ? std::string("an object")
                                                 : std::string(what) + " (a JSON object)");
  }
}

void Value::expect_keys(std::initializer_list<std::string_view> allowed,
                        std::string_view what) const {
  expect_keys(std::vector<std::string_view>(allowed), what);
}

void Value::expect_keys(const std::vector<std::string_view>& allowed, std::string_view what) const {
  expect_object(what);
  for (auto it = json_->begin(); it != json_->end(); ++it) {
    bool known = false;
    for (std::string_view a : allowed) known = known || it.key() == a;
    if (known) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    const std::string close = closest_name(it.key(), allowed);
    fail_member(it.key(), "unknown key" +
                              (close.empty() ? "" : " (did you mean '" + close + "'?)") +
                              "; expected one of: " + list);
  }
}

Value Value::get(std::string_view key, std::string_view what) const& {
  expect_object();
  const auto it = json_->find(key);
  if (it == json_->end()) {
    fail_member(key, "missing required field" +
                         (what.empty() ? std::string() : "; expected " + std::string(what)));
  }
  return Value(&*it, this, it.key(), npos);
}

Value Value::find(std::string_view key) const& {
  expect_object();
  const auto it = json_->find(key);
  if (it == json_->end()) return Value(nullptr, this, key, npos);
  return Value(&*it, this, it.key(), npos);
}

size_t Value::expect_array(size_t min, size_t max, std::string_view what) const {
  if (!json_->is_array() || json_->size() < min || json_->size() > max) expected(what);
  return json_->size();
}

Value Value::at(size_t index) const& {
  if (!json_->is_array() || index >= json_->size()) {
    throw std::logic_error("json_input::Value::at outside the array at " + path());
  }
  return Value(&(*json_)[index], this, {}, index);
}

uint64_t Value::integer(uint64_t lo, uint64_t hi, std::string_view what) const {
  uint64_t x = 0;
  bool ok = false;
  if (json_->is_number_unsigned()) {
    x = json_->get<uint64_t>();
    ok = true;
  } else if (json_->is_number_integer() && json_->get<int64_t>() >= 0) {
    x = static_cast<uint64_t>(json_->get<int64_t>());
    ok = true;
  }
  if (!ok || x < lo || x > hi) {
    expected(
        with_what(hi == std::numeric_limits<uint64_t>::max()
                      ? "an integer >= " + std::to_string(lo)
                      : "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]",
                  what));
  }
  return x;
}

double Value::number(double lo, double hi, std::string_view what, bool lo_exclusive) const {
  // NaN and infinities cannot be written in JSON but can reach us from documents built in code.
  if (json_->is_number()) {
    const double x = json_->get<double>();
    if (std::isfinite(x) && (lo_exclusive ? x > lo : x >= lo) && x <= hi) return x;
  }
  std::string range;
  if (hi >= std::numeric_limits<double>::max()) {
    range = std::string("a number ") + (lo_exclusive ? "> " : ">= ") + number_text(lo);
  } else {
    range = std::string("a number in ") + (lo_exclusive ? "(" : "[") + number_text(lo) + ", " +
            number_text(hi) + "]";
  }
  expected(with_what(range, what));
}

std::string Value::string(std::string_view what) const {
  if (!json_->is_string()) expected(what.empty() ? "a string" : std::string(what) + " (a string)");
  return json_->get_ref<const std::string&>();
}

std::string Value::nonempty_string(std::string_view what) const {
  if (!json_->is_string() || json_->get_ref<const std::string&>().empty()) {
    expected(what.empty() ? "a non-empty string" : std::string(what) + " (a non-empty string)");
  }
  return json_->get_ref<const std::string&>();
}

bool Value::flag() const {
  if (!json_->is_boolean()) expected("true or false");
  return json_->get<bool>();
}

size_t Value::choice_index(std::initializer_list<std::string_view> options) const {
  return choice_index(std::vector<std::string_view>(options));
}

size_t Value::choice_index(const std::vector<std::string_view>& options) const {
  if (json_->is_string()) {
    const std::string& s = json_->get_ref<const std::string&>();
    size_t i = 0;
    for (std::string_view o : options) {
      if (s == o) return i;
      ++i;
    }
    const std::string close = closest_name(s, options);
    if (!close.empty()) {
      fail("expected one of " + quoted_list(options) + ", got " + show(*json_) +
           " (did you mean \"" + close + "\"?)");
    }
  }
  expected("one of " + quoted_list(options));
}

std::string Value::choice(std::initializer_list<std::string_view> options) const {
  return std::string(options.begin()[choice_index(options)]);
}

double Value::quantity(UnitFamily family, const QuantityBounds& bounds) const {
  const std::string kind = "a string with a " + unit_family_name(family) + " unit (" +
                           unit_family_units(family) + "), e.g. \"" + unit_family_example(family) +
                           "\"";
  if (!json_->is_string()) expected(kind);
  double q = 0;
  try {
    q = parse_quantity(json_->get_ref<const std::string&>(), family);
  } catch (const InputError& e) {
    fail(e.what());
  }
  if (bounds.positive && !(q > 0)) expected("a quantity > 0");
  const bool low = bounds.min && q < bound_value(bounds.min, family);
  const bool high = bounds.max && q > bound_value(bounds.max, family);
  if (low || high) {
    std::string range = "a " + unit_family_name(family) + " quantity";
    if (bounds.min) range += std::string(" >= ") + bounds.min;
    if (bounds.min && bounds.max) range += " and";
    if (bounds.max) range += std::string(" <= ") + bounds.max;
    expected(range);
  }
  return q;
}

}  // namespace ngpc::json_input
