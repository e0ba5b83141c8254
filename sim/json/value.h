// Typed access to a parsed JSON input, the one layer every reader of JSON input uses (traces,
// configurations, technology tables, GPU profiles, sweep specifications, model files). Every
// rejection throws InputError "<origin>: <JSON path>: <what is wrong>", where what is wrong says
// what was expected and quotes the offending value, e.g.
//   traces/a.json: /frames/0/kernels/3/queries: expected an integer in [0, 1000000000000]
//       (elements as launched), got 1e+18
//   my.json: nfp.mlp.colums: unknown key (did you mean 'cols'?); expected one of: rows, cols, ...
// A Value's path is spelled only when a message needs it, so checking a large trace builds no
// strings per field.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/units.h"
#include "sim/json/path.h"

namespace ngpc::json_input {

// A JSON value as it appears in the file, cut to 60 characters so a message stays one line.
// Invalid UTF-8 is replaced, never an error.
std::string show(const nlohmann::json& value);

// Where a document came from: one origin (a file name), or one per path for a document merged
// from several sources (a configuration: parent files, the child, --set options).
class Source {
 public:
  using OriginFn = std::function<std::string(const std::string& path)>;
  explicit Source(std::string origin, PathStyle style = PathStyle::kPointer);
  Source(OriginFn origin_of, PathStyle style);

  std::string origin(const std::string& path) const;  // path as spelled, "" for the root
  PathStyle style() const { return style_; }
  // Throws InputError "<origin(path)>: <display path>: <message>".
  [[noreturn]] void fail(const std::string& path, const std::string& message) const;

 private:
  std::string origin_;
  OriginFn origin_of_;
  PathStyle style_;
};

// Bounds of a quantity: zero excluded (where a divisor or a logarithm needs it), and limits
// written in the family's units ("1 MHz", "1 GiB"); nullptr = unbounded.
struct QuantityBounds {
  bool positive = false;
  const char* min = nullptr;
  const char* max = nullptr;
};
inline constexpr QuantityBounds kAnyQuantity{};

// One value of a document and its place in it. A Value refers to its parent for its path: use a
// child only while its parent lives (navigating from a temporary does not compile), and give
// get/find keys that outlive the child (literals, or keys of the document).
class Value {
 public:
  // The root of a document, or of a part of one found at `base` (a path spelled in the source's
  // style, e.g. "/models").
  Value(const nlohmann::json& root, const Source& source, std::string base = "");

  const nlohmann::json& json() const { return *json_; }
  bool present() const { return json_ != nullptr; }  // false: find() found no such member
  std::string path() const;                          // spelled, "" for the root
  const Source& source() const { return *source_; }

  [[noreturn]] void fail(const std::string& message) const;
  // "expected <what>, got <the value>"
  [[noreturn]] void expected(std::string_view what) const;
  // A problem with member `key` of this object (present or not).
  [[noreturn]] void fail_member(std::string_view key, const std::string& message) const;

  // --- Objects
  void expect_object(std::string_view what = "an object") const;
  // An object whose keys are all in `allowed`; otherwise "unknown key (did you mean ...?);
  // expected one of: ..." at the first unknown one.
  void expect_keys(std::initializer_list<std::string_view> allowed,
                   std::string_view what = "an object") const;
  void expect_keys(const std::vector<std::string_view>& allowed,
                   std::string_view what = "an object") const;
  // A required member: "missing required field[; expected <what>]" when absent.
  Value get(std::string_view key, std::string_view what = {}) const&;
  Value get(std::string_view key, std::string_view what = {}) const&& = delete;
  // An optional member; !present() when absent.
  Value find(std::string_view key) const&;
  Value find(std::string_view key) const&& = delete;
  // f(const std::string& key, const Value& member) for each member, in document order.
  template <class F>
  void each_member(F&& f) const&;

  // --- Arrays
  // An array of min..max elements ("expected <what> (min..max elements)"); returns its size.
  size_t expect_array(size_t min, size_t max, std::string_view what) const;
  Value at(size_t index) const&;
  Value at(size_t index) const&& = delete;

  // --- Scalars
  // An integer (a JSON number without fraction or exponent) in [lo, hi].
  uint64_t integer(uint64_t lo, uint64_t hi, std::string_view what = {}) const;
  // A finite number in [lo, hi] (lo excluded with lo_exclusive).
  double number(double lo, double hi, std::string_view what = {}, bool lo_exclusive = false) const;
  std::string string(std::string_view what = "a string") const;
  // A string of at least one character; `what` names it ("the kernel name").
  std::string nonempty_string(std::string_view what = {}) const;
  bool flag() const;
  // One of `options`: returns its index; "expected one of "a", "b", got "c" (did you mean ...)".
  size_t choice_index(std::initializer_list<std::string_view> options) const;
  size_t choice_index(const std::vector<std::string_view>& options) const;
  std::string choice(std::initializer_list<std::string_view> options) const;
  // A quantity string of `family` ("64 KiB") in base units, within `bounds`.
  double quantity(UnitFamily family, const QuantityBounds& bounds = kAnyQuantity) const;

 private:
  Value(const nlohmann::json* v, const Value* parent, std::string_view key, size_t index);
  void append_path(std::string& out) const;

  const nlohmann::json* json_;
  const Source* source_;
  const Value* parent_ = nullptr;
  std::string base_;      // root only
  std::string_view key_;  // member of an object parent
  size_t index_ = npos;   // element of an array parent
  static constexpr size_t npos = std::numeric_limits<size_t>::max();
};

template <class F>
void Value::each_member(F&& f) const& {
  expect_object();
  for (auto it = json_->begin(); it != json_->end(); ++it) {
    const Value member(&*it, this, it.key(), npos);
    f(it.key(), member);
  }
}

}  // namespace ngpc::json_input
