#include "sim/json/parse.h"

#include <cmath>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sim/error.h"

namespace ngpc::json_input {

using nlohmann::json;

std::pair<size_t, size_t> line_column(const std::string& text, size_t byte) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

namespace {

std::string at_text(const std::string& text, size_t byte) {
  auto [line, col] = line_column(text, byte);
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// Offset of the first number outside strings that does not fit a double (strtod gives infinity,
// the test nlohmann applies), or npos.
size_t overflowing_number_at(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      continue;
    }
    if (text[i] != '-' && !(text[i] >= '0' && text[i] <= '9')) continue;
    size_t end = i;
    while (end < text.size() && is_number_char(text[end])) ++end;
    const std::string token = text.substr(i, end - i);
    if (std::isinf(std::strtod(token.c_str(), nullptr))) return i;
    i = end - 1;
  }
  return std::string::npos;
}

// " '<the number at byte>'", cut to 40 characters; "" when unknown.
std::string number_text(const std::string& text, size_t byte) {
  if (byte == std::string::npos) return "";
  size_t end = byte;
  while (end < text.size() && is_number_char(text[end])) ++end;
  const std::string token = text.substr(byte, end - byte);
  return " '" + (token.size() > 40 ? token.substr(0, 37) + "..." : token) + "'";
}

// The structure scan: one pass over the text that tracks the open objects and arrays (for the
// depth limit and for the path of a duplicate) and each open object's keys. Strings are skipped
// whole, so brackets and commas inside them do not count. Anything malformed is left for the
// parser to report with its own message; the scan only has to stay bounded.
class StructureScan {
 public:
  StructureScan(const std::string& text, const std::string& origin, const JsonKind& kind)
      : text_(text), origin_(origin), kind_(kind) {}

  void run() {
    const size_t n = text_.size();
    for (size_t i = 0; i < n; ++i) {
      switch (text_[i]) {
        case '"':
          i = string_at(i);
          if (i >= n) return;  // unterminated string: the parser says so
          break;
        case '{':
        case '[':
          if (scopes_.size() >= static_cast<size_t>(kMaxDepth)) {
            throw InputError(origin_ + ": malformed " + kind_.what + ": JSON nested deeper than " +
                             std::to_string(kMaxDepth) + " levels at " + at_text(text_, i));
          }
          scopes_.push_back(Scope{text_[i] == '{', text_[i] == '{', 0, {}, keys_.size(), nullptr});
          break;
        case '}':
        case ']':
          if (!scopes_.empty()) {
            keys_.resize(scopes_.back().keys_begin);
            scopes_.pop_back();
          }
          break;
        case ',':
          if (!scopes_.empty()) {
            Scope& s = scopes_.back();
            if (s.object) {
              s.expect_key = true;
            } else {
              ++s.index;
            }
          }
          break;
        default:
          break;
      }
    }
  }

 private:
  struct Scope {
    bool object;
    bool expect_key;       // object: the next string is a key
    size_t index;          // array: index of the current element
    std::string_view key;  // object: the current key
    size_t keys_begin;     // object: its first key in keys_
    std::unique_ptr<std::unordered_set<std::string_view>> many;  // objects with many keys
  };
  // Objects up to this many keys are searched linearly (kernels have 4 to 8), larger ones hashed.
  static constexpr size_t kLinearKeys = 32;

  // The string starting at `open` (a quote); returns the index of its closing quote (or the end).
  size_t string_at(size_t open) {
    const size_t n = text_.size();
    bool escaped = false;
    size_t j = open + 1;
    while (j < n && text_[j] != '"') {
      if (text_[j] == '\\') {
        escaped = true;
        j += 2;
      } else {
        ++j;
      }
    }
    if (j >= n) return n;
    if (!scopes_.empty() && scopes_.back().object && scopes_.back().expect_key) {
      std::string_view key(text_.data() + open + 1, j - open - 1);
      if (escaped) {
        // Compare keys as the parser will see them ("\u0061" is "a").
        json unescaped = json::parse(std::string_view(text_.data() + open, j - open + 1), nullptr,
                                     /*allow_exceptions=*/false);
        if (!unescaped.is_string()) return j;  // a bad escape: the parser reports it
        unescaped_.push_back(unescaped.get<std::string>());
        key = unescaped_.back();
      }
      add_key(key, open);
    }
    return j;
  }

  void add_key(std::string_view key, size_t at) {
    Scope& s = scopes_.back();
    s.expect_key = false;
    s.key = key;
    bool duplicate = false;
    if (s.many) {
      duplicate = !s.many->insert(key).second;
    } else {
      for (size_t k = s.keys_begin; k < keys_.size() && !duplicate; ++k)
        duplicate = keys_[k] == key;
      if (!duplicate && keys_.size() - s.keys_begin >= kLinearKeys) {
        s.many = std::make_unique<std::unordered_set<std::string_view>>(
            keys_.begin() + static_cast<std::ptrdiff_t>(s.keys_begin), keys_.end());
        s.many->insert(key);
      }
    }
    if (duplicate) {
      throw InputError(origin_ + ": " + path_of_top() + ": duplicate key \"" + std::string(key) +
                       "\" at " + at_text(text_, at) +
                       " (a key may appear once per object; the parser would keep only the last)");
    }
    keys_.push_back(key);
  }

  std::string path_of_top() const {
    std::string path;
    for (const Scope& s : scopes_) {
      if (s.object) {
        append_key(path, kind_.style, s.key);
      } else {
        append_index(path, kind_.style, s.index);
      }
    }
    return display_path(path, kind_.style);
  }

  const std::string& text_;
  const std::string& origin_;
  const JsonKind& kind_;
  std::vector<Scope> scopes_;
  std::vector<std::string_view> keys_;  // keys of the open objects, innermost last
  std::deque<std::string> unescaped_;   // stable storage for keys that had escapes
};

}  // namespace

json parse_json(const std::string& text, const std::string& origin, const JsonKind& kind) {
  StructureScan(text, origin, kind).run();
  try {
    return json::parse(text);
  } catch (const json::out_of_range&) {
    // A number beyond the range of a double ("1e400"): nlohmann says which, not where; it is the
    // first such number, since the parser stops at the first problem.
    const size_t byte = overflowing_number_at(text);
    const std::string where = byte == std::string::npos ? std::string()
                                                        : " at " + at_text(text, byte) + " (byte " +
                                                              std::to_string(byte) + ")";
    throw InputError(origin + ": malformed JSON" + where + ": number" + number_text(text, byte) +
                     " is out of range (beyond the largest double, about 1.8e308)");
  } catch (const json::parse_error& e) {
    const size_t byte = e.byte == 0 ? 0 : e.byte - 1;
    std::string detail = e.what();
    // nlohmann says "[json.exception.parse_error.101] parse error at line L, column C: <why>".
    const size_t colon = detail.find(": ", detail.find("parse error"));
    if (colon != std::string::npos) detail = detail.substr(colon + 2);
    const std::string hint = byte + 1 >= text.size() ? " (is the file truncated?)" : "";
    throw InputError(origin + ": malformed JSON at " + at_text(text, byte) + " (byte " +
                     std::to_string(byte) + "): " + detail + hint);
  } catch (const json::exception& e) {
    // Nothing else is expected from the parser; still an input problem, never an internal error.
    throw InputError(origin + ": malformed JSON: " + e.what());
  }
}

json read_json_file(const std::string& path, const JsonKind& kind) {
  return parse_json(read_input_file(path, kind.what, kind.max_bytes, kind.too_large_hint), path,
                    kind);
}

int nesting_depth(const json& value, int limit) {
  int deepest = 0;
  std::vector<std::pair<const json*, int>> stack{{&value, 1}};
  while (!stack.empty()) {
    auto [v, d] = stack.back();
    stack.pop_back();
    if (!v->is_structured()) continue;
    deepest = std::max(deepest, d);
    if (d > limit) return d;
    for (const auto& child : *v) stack.emplace_back(&child, d + 1);
  }
  return deepest;
}

}  // namespace ngpc::json_input
